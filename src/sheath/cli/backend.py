"""Where the working directory's state lives: the backend its configuration selects.

The operations (plan, apply, destroy, refresh, import) and the commands that
only read the state run on the pg and s3 backends too (``remote_backend``:
the backend init recorded). The other commands work on local state only: for
them a pg or s3 backend, a ``cloud`` block, or a working directory that
terraform initialised against another backend (recorded in
``.terraform/terraform.tfstate``) is an error, since running on a local state
instead would show all the infrastructure as new and create it again.

The local backend's ``path`` and ``workspace_dir`` arguments are honoured,
and the selected workspace (``TF_WORKSPACE``, else ``.terraform/environment``)
picks ``<workspace_dir>/<name>/<basename of path>`` as terraform's does.

This is the one place where the CLI's commands pick their state, and the codec
their state managers store it with (``sheath.states.codec``: encrypted when the
configuration's ``encryption`` block or ``TF_ENCRYPTION`` configures ``state``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from sheath.backend.config import data_dir
from sheath.backend.current import current_workspace as backend_current_workspace
from sheath.diag import Diagnostics
from sheath.states.codec import PLAIN, StateCodec, state_codec
from sheath.states.statemgr.filesystem import FilesystemStateManager

if TYPE_CHECKING:
    from sheath.backend.current import Selected
    from sheath.config.module import Module

DEFAULT_STATE_PATH = "terraform.tfstate"
DEFAULT_WORKSPACE_DIR = "terraform.tfstate.d"
DEFAULT_WORKSPACE = "default"
BACKEND_STATE_FILE = "terraform.tfstate"  # inside the data directory
REMOTE_TYPES = ("pg", "s3")
REMOTE_COMMANDS = (
    "On the pg and s3 backends sheath runs init, plan, apply, destroy, refresh, import, output, show, "
    "console, graph, providers, drift, unmanaged, taint, untaint, the state commands, workspace and force-unlock."
)


@dataclass(frozen=True, slots=True)
class LocalBackend:
    path: str = DEFAULT_STATE_PATH
    workspace_dir: str = DEFAULT_WORKSPACE_DIR
    workspace: str = DEFAULT_WORKSPACE
    codec: StateCodec = field(default=PLAIN, compare=False)  # how the state files are stored

    def state_path(self) -> str:
        """The state file of the selected workspace."""
        if self.workspace == DEFAULT_WORKSPACE:
            return self.path
        return os.path.join(self.workspace_dir, self.workspace, os.path.basename(self.path) or DEFAULT_STATE_PATH)


def current_workspace(env: Mapping[str, str] | None = None) -> str:
    """The selected workspace: TF_WORKSPACE, else the data directory's environment file, else "default"."""
    return backend_current_workspace(".", env)


def initialised_backend_type(env: Mapping[str, str] | None = None) -> str:
    """The backend type terraform recorded in the data directory at init ("" when none is)."""
    try:
        with open(os.path.join(data_dir(env), BACKEND_STATE_FILE), "rb") as fh:
            doc = json.loads(fh.read())
    except (OSError, ValueError):
        return ""
    backend = doc.get("backend") if isinstance(doc, dict) else None
    if not isinstance(backend, dict):
        return ""
    t = backend.get("type")
    return t if isinstance(t, str) else ""


def local_backend(
    module: Module | None, env: Mapping[str, str] | None = None, var_args: Sequence[tuple[str, str]] = ()
) -> tuple[LocalBackend | None, Diagnostics]:
    """The local backend the root module configures (with the codec its encryption
    configuration gives, its variables from var_args too: the command's -var and -var-file),
    or the error saying why sheath cannot use the backend it selects."""
    lb, diags = _configured_local(module, env)
    if lb is None:
        return lb, diags
    codec, cd = state_codec(module, env, None, var_args)
    diags.extend(cd)
    if codec is None:
        return None, diags
    return replace(lb, codec=codec), diags


def _configured_local(module: Module | None, env: Mapping[str, str] | None) -> tuple[LocalBackend | None, Diagnostics]:
    diags = Diagnostics()
    if module is not None and module.cloud_config is not None:
        diags.add_error(
            "Unsupported backend type",
            "This configuration uses HCP Terraform (a \"cloud\" block). sheath does not support HCP Terraform "
            "or Terraform Enterprise yet, and will not use a local state in its place.",
            module.cloud_config.decl_range,
        )
        return None, diags
    backend = module.backend if module is not None else None
    if backend is not None and backend.type in REMOTE_TYPES:
        diags.add_error(
            "Command not available on this backend",
            f'sheath runs this command only on local state so far, and the configuration uses the "{backend.type}" '
            f"backend. {REMOTE_COMMANDS} It will not use a local state in its place.",
            backend.decl_range,
        )
        return None, diags
    if backend is not None and backend.type != "local":
        diags.add_error(
            "Unsupported backend type",
            f'sheath does not support the "{backend.type}" backend yet. It will not use a local state in '
            "its place: remove the backend block only if the state really is local.",
            backend.decl_range,
        )
        return None, diags
    recorded = initialised_backend_type(env)
    if recorded and recorded != "local":
        what = "HCP Terraform" if recorded == "cloud" else f'the "{recorded}" backend'
        supported = f" {REMOTE_COMMANDS}" if recorded in REMOTE_TYPES else ""
        diags.add_error(
            "Unsupported backend type",
            f"This working directory was initialised with {what} (recorded in "
            f"{os.path.join(data_dir(env), BACKEND_STATE_FILE)}). sheath does not run this command on it yet, and will "
            f"not use a local state in its place.{supported}",
        )
        return None, diags
    lb = LocalBackend(workspace=current_workspace(env))
    if backend is None:
        return lb, diags
    if recorded == "local":
        return _recorded_local(module, lb, diags, env)
    return _local_arguments(backend.config, lb, diags)


def _recorded_local(
    module: Module | None, lb: LocalBackend, diags: Diagnostics, env: Mapping[str, str] | None
) -> tuple[LocalBackend | None, Diagnostics]:
    """The local backend as init recorded it: its -backend-config settings count, and a block
    changed since is terraform's "Backend initialization required"."""
    from sheath.backend.current import configured_backend

    assert module is not None and module.backend is not None
    cfg, cd = configured_backend(".", module.backend, env)
    diags.extend(cd)
    if cfg is None or cd.has_errors():
        return None, diags
    settings = cfg.settings()
    return (
        LocalBackend(
            path=str(settings.get("path") or lb.path),
            workspace_dir=str(settings.get("workspace_dir") or lb.workspace_dir),
            workspace=lb.workspace,
        ),
        diags,
    )




def remote_backend(
    module: Module | None, env: Mapping[str, str] | None = None, var_args: Sequence[tuple[str, str]] = ()
) -> tuple[Selected | None, Diagnostics]:
    """The pg or s3 backend (and workspace) the root module selects, as init recorded it
    (its state codec's variables from var_args too: the command's -var and -var-file);
    (None, no errors) when the state is local. A block that no longer matches the record
    is terraform's "Backend initialization required" error."""
    from sheath.backend.current import select_backend

    if module is not None and module.cloud_config is not None:
        return None, Diagnostics()
    block = module.backend if module is not None else None
    if (block is None or block.type not in REMOTE_TYPES) and initialised_backend_type(env) not in REMOTE_TYPES:
        return None, Diagnostics()
    selected, diags = select_backend(".", block, env)
    if selected is None or diags.has_errors():
        return selected, diags
    codec, cd = state_codec(module, env, None, var_args)
    diags.extend(cd)
    if codec is None:
        return None, diags
    use_codec(selected.backend, codec)
    return selected, diags


def use_codec(backend: object, codec: StateCodec) -> None:
    """Have the backend's state managers store their documents with codec."""
    if hasattr(backend, "state_codec"):
        setattr(backend, "state_codec", codec)


def _local_arguments(body: object, lb: LocalBackend, diags: Diagnostics) -> tuple[LocalBackend | None, Diagnostics]:
    from sheath.config.exprs import decode_string
    from sheath.lang import hcl

    assert isinstance(body, hcl.Body)
    schema = hcl.BodySchema(attributes=(hcl.AttributeSchema("path"), hcl.AttributeSchema("workspace_dir")))
    content, cd = body.content(schema)
    diags.extend(cd)
    values: dict[str, str] = {}
    for name, attr in content.attributes.items():
        v, vd = decode_string(attr.expr)
        diags.extend(vd)
        if v is not None:
            values[name] = v
    if diags.has_errors():
        return None, diags
    return (
        LocalBackend(
            path=values.get("path") or lb.path,
            workspace_dir=values.get("workspace_dir") or lb.workspace_dir,
            workspace=lb.workspace,
        ),
        diags,
    )


@dataclass(frozen=True, slots=True)
class StatePaths:
    """The files of one run: the state read, the state written (-state-out), the backup
    of the state replaced (None: the written path + ".backup"; "": no backup)."""

    read: str
    write: str
    backup: str | None = None
    codec: StateCodec = field(default=PLAIN, compare=False)


def state_paths(
    lb: LocalBackend, state: str | None = None, state_out: str | None = None, backup: str | None = None
) -> StatePaths:
    """terraform's local backend StatePaths: -state overrides the backend's path, -state-out
    the path written, -backup the backup's path ("-" disables the backup)."""
    read = state or lb.state_path()
    return StatePaths(read, state_out or read, "" if backup == "-" else (backup or None), lb.codec)


class StateOutManager(FilesystemStateManager):
    """terraform's -state-out: a run that reads one state file and writes another. The
    manager's own path is the file written (and locked); the state comes from read_path."""

    def __init__(self, path: str, backup_path: str | None, read_path: str, codec: StateCodec = PLAIN) -> None:
        super().__init__(path, backup_path=backup_path, codec=codec)
        self.read_path = read_path

    def refresh_state(self) -> Diagnostics:
        source = FilesystemStateManager(self.read_path, backup_path="", codec=self.codec)
        diags = source.refresh_state()
        if not diags.has_errors() and read_path_has_state(self.read_path):
            self.write_state(source.state_file())
        return diags


def read_path_has_state(path: str) -> bool:
    """Whether there is a state at path (an empty file, as terraform's lock leaves, is none)."""
    try:
        return os.path.getsize(path) > 0
    except OSError:
        return False


def new_state_manager(paths: StatePaths) -> FilesystemStateManager:
    if paths.read == paths.write:
        return FilesystemStateManager(paths.write, backup_path=paths.backup, codec=paths.codec)
    return StateOutManager(paths.write, paths.backup, paths.read, paths.codec)


def root_module_backend(root_dir: str = ".", env: Mapping[str, str] | None = None) -> tuple[LocalBackend | None, Diagnostics]:
    """local_backend for the root module in root_dir (its configuration errors are not reported here)."""
    from sheath.config.loader import config_files, load_module

    primary, override, _ = config_files(root_dir)
    module = None
    if primary or override:
        module, _ = load_module(root_dir)
    return local_backend(module, env)


__all__ = [
    "DEFAULT_STATE_PATH",
    "LocalBackend",
    "StateOutManager",
    "StatePaths",
    "current_workspace",
    "data_dir",
    "initialised_backend_type",
    "local_backend",
    "new_state_manager",
    "read_path_has_state",
    "remote_backend",
    "root_module_backend",
    "state_paths",
    "use_codec",
]
