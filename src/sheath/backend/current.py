"""Which backend and workspace a command works on (terraform's backendFromConfig and
Meta.Workspace).

The backend is the configuration's ``backend`` block as recorded by ``init`` in
``.terraform/terraform.tfstate``; with neither, the implied local backend.
A block that does not match the record (or a record without a block) means the
directory must be initialised again, with terraform's messages. The workspace
is ``TF_WORKSPACE``, else the name in ``.terraform/environment``, else "default".
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any, Mapping

import orjson

from sheath.backend import DEFAULT_WORKSPACE, Backend
from sheath.backend.config import SCHEMAS, BackendConfig, build_backend, data_dir, decode_backend, record_path
from sheath.backend.local import LocalBackend
from sheath.config.terraform_block import Backend as BackendBlock
from sheath.diag import Diagnostics
from sheath.types.json import value_from_json


_INIT_DETAIL = (
    'The "backend" is the interface that Terraform uses to store state,\n'
    "perform operations, etc. If this message is showing up, it means that the\n"
    "Terraform configuration you're using is using a custom configuration for\n"
    "the Terraform backend.\n\n"
    "Changes to backend configurations require reinitialization. This allows\n"
    "Terraform to set up the new configuration, copy existing state, etc. Please\n"
    "run\n"
    '"terraform init" with either the "-reconfigure" or "-migrate-state" flags to\n'
    "use the current configuration.\n\n"
    "If the change reason above is incorrect, please verify your configuration\n"
    "hasn't changed and try again. At this point, no changes to your existing\n"
    "configuration or state have been made."
)


@dataclass(frozen=True)
class Selected:
    backend: Backend
    config: BackendConfig | None  # None: the implied local backend (no block, no record)
    workspace: str


def read_record(root_dir: str = ".", environ: Mapping[str, str] | None = None) -> tuple[BackendConfig | None, Diagnostics]:
    """The backend recorded by init, if any."""
    diags = Diagnostics()
    path = record_path(root_dir, environ)
    try:
        with open(path, "rb") as fh:
            doc = orjson.loads(fh.read())
    except FileNotFoundError:
        return None, diags
    except (OSError, orjson.JSONDecodeError) as exc:
        diags.add_error("Failed to load the backend record", f"{path}: {exc}")
        return None, diags
    b = doc.get("backend") if isinstance(doc, dict) else None
    if not isinstance(b, dict) or not b.get("type"):
        return None, diags
    type_name = str(b["type"])
    schema = SCHEMAS.get(type_name)
    if schema is None:
        diags.add_error(
            "Unsupported backend type",
            f'This working directory was initialised with the "{type_name}" backend, which sheath does not support.',
        )
        return None, diags
    try:
        value = value_from_json(orjson.dumps(b.get("config") or {}), schema.implied_type())
    except Exception as exc:  # a record edited by hand: say so, never a traceback
        diags.add_error("Failed to load the backend record", f"{path}: {exc}")
        return None, diags
    return BackendConfig(type_name, value, int(b.get("hash") or 0)), diags


def _init_required(reason: str, colon: bool = False) -> Diagnostics:
    d = Diagnostics()
    sep = ":" if colon else ","
    d.add_error(f'Backend initialization required{sep} please run "terraform init"', f"Reason: {reason}\n\n{_INIT_DETAIL}")
    return d


def block_matches_record(block: BackendConfig, record: BackendConfig) -> bool:
    """terraform accepts a record made with -backend-config overrides when every
    argument the block itself sets has the recorded value."""
    if block.type != record.type:
        return False
    if block.hash == record.hash:
        return True
    for name, v in block.value.v.items():
        if v.is_null:
            continue
        rv = record.value.v.get(name)
        if rv is None or orjson.dumps(_plain(v)) != orjson.dumps(_plain(rv)):
            return False
    return True


def _plain(v: Any) -> Any:
    from sheath.types.json import value_to_json

    return orjson.loads(value_to_json(v))


def configured_backend(
    root_dir: str, block: BackendBlock | None, environ: Mapping[str, str] | None = None
) -> tuple[BackendConfig | None, Diagnostics]:
    """The initialised backend configuration for the configuration's block (None: implied local)."""
    record, diags = read_record(root_dir, environ)
    if diags.has_errors():
        return None, diags
    if block is None:
        if record is not None:
            diags.extend(_init_required(f'Unsetting the previously set backend "{record.type}"'))
        return None, diags
    decoded, d = decode_backend(block.type, [block.config])
    diags.extend(d)
    if decoded is None:
        return None, diags
    if record is None:
        diags.extend(_init_required(f'Initial configuration of the requested backend "{block.type}"'))
        return None, diags
    if not block_matches_record(decoded, record):
        diags.extend(_init_required("Backend configuration block has changed", colon=True))
        return None, diags
    return record, diags


def current_workspace(root_dir: str = ".", environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    name = env.get("TF_WORKSPACE", "")
    if name:
        return name
    try:
        with open(os.path.join(root_dir, data_dir(env), "environment"), encoding="utf-8") as fh:
            text = fh.read().strip()
    except OSError:
        return DEFAULT_WORKSPACE
    return text or DEFAULT_WORKSPACE


def set_current_workspace(root_dir: str, name: str, environ: Mapping[str, str] | None = None) -> None:
    directory = os.path.join(root_dir, data_dir(environ))
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "environment"), "w", encoding="utf-8") as fh:
        fh.write(name)


_VALID_NAME = re.compile(r"^[A-Za-z0-9._~\-]+$")


def valid_workspace_name(name: str) -> bool:
    """terraform's rule: URL-safe characters and no path separators."""
    return bool(_VALID_NAME.match(name))


def select_backend(
    root_dir: str, block: BackendBlock | None, environ: Mapping[str, str] | None = None
) -> tuple[Selected | None, Diagnostics]:
    cfg, diags = configured_backend(root_dir, block, environ)
    if diags.has_errors():
        return None, diags
    workspace = current_workspace(root_dir, environ)
    if cfg is None:
        from sheath.states.history import history_retention

        retention, d = history_retention(environ)
        diags.extend(d)
        return (None if d.has_errors() else Selected(LocalBackend(history_retention=retention), None, workspace)), diags
    backend, d = build_backend(cfg, environ)
    diags.extend(d)
    if backend is None:
        return None, diags
    return Selected(backend, cfg, workspace), diags


__all__ = [
    "Selected",
    "block_matches_record",
    "configured_backend",
    "current_workspace",
    "read_record",
    "select_backend",
    "set_current_workspace",
    "valid_workspace_name",
]
