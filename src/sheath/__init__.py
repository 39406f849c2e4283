"""sheath: Terraform-compatible infrastructure as code in Python.

``from sheath import Workspace`` is the library API (``sheath.engine.workspace``);
it is imported on first use, so that the command line starts without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
TERRAFORM_VERSION = "1.11.4"  # the terraform release sheath answers as: state files, plans, the plugin protocol

if TYPE_CHECKING:
    from sheath.engine.workspace import ApplyResult, Change, PlanResult, SheathError, Workspace

__all__ = ["TERRAFORM_VERSION", "ApplyResult", "Change", "PlanResult", "SheathError", "Workspace", "__version__"]


def __getattr__(name: str) -> Any:
    if name in ("ApplyResult", "Change", "PlanResult", "SheathError", "Workspace"):
        from sheath.engine import workspace

        return getattr(workspace, name)
    raise AttributeError(f"module 'sheath' has no attribute {name!r}")
