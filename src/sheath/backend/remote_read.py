"""Reading another configuration's state through a backend, for terraform_remote_state.

terraform's data source (internal/builtin/providers/terraform/data_source_state.go)
coerces its ``config`` argument to the backend's schema (an attribute the schema does
not have is an error), configures the backend, asks it for the workspace's state
manager and refreshes it. The same steps here, with sheath's own backends
(``sheath.backend.config``): the pg and s3 backends create a workspace that does not
exist yet (an empty state, as terraform's do), so that a missing non-default
workspace reads as a state without outputs, while a missing default state is
"no stored state". The stored document is returned as it is (it may be encrypted:
the caller decodes it with the remote_state_data_sources method).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from sheath.backend import DEFAULT_WORKSPACE
from sheath.backend.config import SCHEMAS, BackendConfig, backend_hash, build_backend
from sheath.diag import Diagnostics
from sheath.types import Value, null, object_val
from sheath.types.convert import ConversionError, convert, path_string

READABLE_BACKENDS = frozenset({"local", "pg", "s3"})
LOADING_STATE_ERROR = "Error loading state error"  # terraform's summary (sic) when a backend has no state manager


@dataclass(frozen=True)
class ConfigProblem:
    """Why a config argument does not fit the backend's schema (terraform's wording)."""

    detail: str


def coerce_backend_config(type_name: str, config: Value) -> tuple[BackendConfig | None, ConfigProblem | None]:
    """config (an object or map, null for none) as the backend's configuration: every schema
    attribute (null when unset), each value converted to the attribute's type."""
    schema = SCHEMAS[type_name]
    given = {} if config.is_null else dict(config.attrs())
    for name in given:
        if name not in schema.attributes:
            return None, ConfigProblem(f"The given configuration is not valid for backend \"{type_name}\": unexpected attribute \"{name}\".")
    attrs: dict[str, Value] = {}
    for name, a in schema.attributes.items():
        v = given.get(name)
        if v is None or v.is_null:
            attrs[name] = null(a.implied_type())
            continue
        try:
            attrs[name] = convert(v, a.spec_type())
        except ConversionError as exc:
            where = "." + name + path_string(exc.path)
            return None, ConfigProblem(f"The given configuration is not valid for backend \"{type_name}\": {where}: {exc.message}.")
    value = object_val(attrs)
    return BackendConfig(type_name, value, backend_hash(type_name, value)), None


@dataclass(frozen=True)
class StoredState:
    """A workspace's stored document (None: no state is stored) and what messages call it."""

    data: bytes | None
    where: str


def read_stored_state(
    cfg: BackendConfig, workspace: str, working_dir: str, environ: Mapping[str, str] | None = None
) -> tuple[StoredState | None, Diagnostics]:
    """The stored document of workspace in the backend cfg describes; None with the errors."""
    if cfg.type == "local":
        return _read_local(cfg, workspace, working_dir)
    diags = Diagnostics()
    backend, d = build_backend(cfg, environ)
    diags.extend(d)
    if backend is None or diags.has_errors():
        return None, diags
    from sheath.backend.pg import PgBackend

    if isinstance(backend, PgBackend):  # terraform's Configure step: its errors as they are
        diags.extend(backend.prepare())
        if diags.has_errors():
            return None, diags
    mgr, d = backend.state_mgr(workspace)
    if mgr is None or d.has_errors():
        # terraform: "Error loading state error" at the backend argument, the cause in its detail
        for x in d:
            if x.severity.name == "ERROR":
                cause = x.detail or x.summary  # the detail is the backend's error, the summary sheath's framing
                diags.add_error(LOADING_STATE_ERROR, f"error loading the remote state: {cause}")
            else:
                diags.append(x)
        return None, diags
    diags.extend(d)
    from sheath.states.remote import RemoteState

    if not isinstance(mgr, RemoteState):  # every remote backend's manager is one
        diags.add_error("Error loading state error", f'error loading the remote state: the "{cfg.type}" backend has no readable state.')
        return None, diags
    payload, d = mgr.client.get()
    diags.extend(d)
    if diags.has_errors():
        return None, diags
    data = None if payload is None or not payload.data.strip() else payload.data
    return StoredState(data, f'the "{cfg.type}" backend\'s workspace "{workspace}"'), diags


def _read_local(cfg: BackendConfig, workspace: str, working_dir: str) -> tuple[StoredState | None, Diagnostics]:
    diags = Diagnostics()
    settings = cfg.settings()
    path = str(settings.get("path") or "terraform.tfstate")
    if workspace != DEFAULT_WORKSPACE:
        path = os.path.join(str(settings.get("workspace_dir") or "terraform.tfstate.d"), workspace, "terraform.tfstate")
    path = os.path.join(working_dir, path)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        data = b""
    except OSError as exc:
        diags.add_error("Error loading state", f"Failed to read {path}: {exc.strerror}.")
        return None, diags
    return StoredState(data if data.strip() else None, path), diags


__all__ = ["LOADING_STATE_ERROR", "READABLE_BACKENDS", "ConfigProblem", "StoredState", "coerce_backend_config", "read_stored_state"]
