"""Backends: where the state of each workspace lives (terraform's internal/backend).

A backend hands out one state manager per workspace and lists and deletes
workspaces. State managers are composed from the small statemgr protocols
(``sheath.states.statemgr``); a backend's managers implement what it supports.

  local   terraform.tfstate (and terraform.tfstate.d/NAME/ for other workspaces)
  pg      terraform's PostgreSQL layout: one row per workspace in SCHEMA.states
"""

from __future__ import annotations

from typing import Protocol

from sheath.diag import Diagnostics
from sheath.states.statemgr import Full

DEFAULT_WORKSPACE = "default"


class Backend(Protocol):
    """What every backend offers (terraform's backend.Backend, without configuration,
    which happens when the backend is built)."""

    def state_mgr(self, workspace: str) -> tuple[Full | None, Diagnostics]:
        """The state manager of a workspace (created when it does not exist yet)."""
        ...

    def workspaces(self) -> tuple[list[str], Diagnostics]:
        """Every workspace's name, "default" first, then the others sorted."""
        ...

    def delete_workspace(self, name: str, force: bool) -> Diagnostics: ...


class BackendError(Exception):
    """A backend could not be reached or used; the message says why (for diagnostics)."""


__all__ = ["DEFAULT_WORKSPACE", "Backend", "BackendError"]
