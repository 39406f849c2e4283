"""The local backend: state files on disk, laid out as terraform lays them out.

The default workspace's state is ``path`` (``terraform.tfstate``); workspace
NAME's is ``<workspace_dir>/NAME/<basename of path>`` (``terraform.tfstate.d``).
A workspace exists when its directory does.
"""

from __future__ import annotations

import os
import shutil

from sheath.backend import DEFAULT_WORKSPACE
from sheath.diag import Diagnostics
from sheath.states.codec import PLAIN, StateCodec
from sheath.states.history import LocalHistory
from sheath.states.statemgr.filesystem import FilesystemStateManager

DEFAULT_STATE_PATH = "terraform.tfstate"
DEFAULT_WORKSPACE_DIR = "terraform.tfstate.d"


class LocalBackend:
    def __init__(self, path: str = "", workspace_dir: str = "", history_retention: int = 0) -> None:
        self.path = path or DEFAULT_STATE_PATH
        self.workspace_dir = workspace_dir or DEFAULT_WORKSPACE_DIR
        self.history_retention = history_retention  # the kept versions' documents (0: all)
        self.state_codec: StateCodec = PLAIN  # encryption at rest of the state files

    def state_path(self, workspace: str) -> str:
        if workspace == DEFAULT_WORKSPACE:
            return self.path
        return os.path.join(self.workspace_dir, workspace, os.path.basename(self.path) or DEFAULT_STATE_PATH)

    def state_mgr(self, workspace: str) -> tuple[FilesystemStateManager | None, Diagnostics]:
        diags = Diagnostics()
        if workspace != DEFAULT_WORKSPACE:
            try:
                os.makedirs(os.path.join(self.workspace_dir, workspace), exist_ok=True)
            except OSError as exc:
                diags.add_error("Failed to create workspace", f"Error creating the workspace directory: {exc.strerror}")
                return None, diags
        mgr = FilesystemStateManager(self.state_path(workspace), codec=self.state_codec)
        mgr.history = LocalHistory(mgr.path, self.history_retention)
        return mgr, diags

    def workspaces(self) -> tuple[list[str], Diagnostics]:
        diags = Diagnostics()
        names: list[str] = []
        try:
            entries = sorted(os.listdir(self.workspace_dir))
        except FileNotFoundError:
            entries = []
        except OSError as exc:
            diags.add_error("Failed to list workspaces", f"Error reading {self.workspace_dir}: {exc.strerror}")
            return [], diags
        for e in entries:
            if e != DEFAULT_WORKSPACE and os.path.isdir(os.path.join(self.workspace_dir, e)):
                names.append(e)
        return [DEFAULT_WORKSPACE] + names, diags

    def delete_workspace(self, name: str, force: bool) -> Diagnostics:
        diags = Diagnostics()
        if name in ("", DEFAULT_WORKSPACE):
            diags.add_error("Failed to delete workspace", "cannot delete default state")
            return diags
        try:
            shutil.rmtree(os.path.join(self.workspace_dir, name))
        except FileNotFoundError:
            pass
        except OSError as exc:
            diags.add_error("Failed to delete workspace", f"Error deleting the workspace directory: {exc.strerror}")
        return diags
