"""Where a workspace's applied versions and audit trail are kept: beside its state, in
whichever backend holds it (issue 12).

  local  ``.sheath/versions.jsonl``, ``.sheath/snapshots/`` and ``.sheath/audit.jsonl``
         beside the state file (``sheath.audit.versions``, ``sheath.audit.trail``)
  pg     tables in the backend's schema beside terraform's ``states`` table, which stays
         untouched (``sheath.audit.pg_records``)
  s3     objects under ``sheath-versions/<state key>/`` and ``sheath-audit/<state key>/``
         in the state's bucket, never terraform's own objects (``sheath.audit.s3_records``)

Commands pick the store from the configured backend (``backend_records``) or from the
state an operation opened (``state_records``); both stores follow the protocols below.
A remote store's failures raise ``RecordsError`` with a one-line message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Mapping, Protocol

from sheath.audit.trail import AuditTrail, Verification, audit_path_for_state
from sheath.audit.versions import AppliedVersion, RecordsError, VersionStore
from sheath.states.codec import PLAIN, StateCodec

__all__ = ["AuditLog", "Records", "RecordsError", "VersionLog", "backend_records", "local_records", "state_records"]


class VersionLog(Protocol):
    """Applied versions, oldest first, and their snapshots: configurations and plans, each
    kind (``versions.CONFIG``, ``versions.PLAN``) stored apart."""

    def versions(self) -> list[AppliedVersion]: ...

    def get(self, version: int) -> AppliedVersion | None: ...

    def save_snapshot(self, files: Mapping[str, bytes], kind: str = ...) -> str: ...

    def snapshot(self, digest: str, kind: str = ...) -> dict[str, bytes] | None: ...

    def snapshot_count(self, kind: str = ...) -> int: ...

    def record(self, **fields: Any) -> AppliedVersion: ...


class AuditLog(Protocol):
    """The hash-chained audit trail: (position, record or None, raw text) in stored order."""

    def records(self) -> Iterator[tuple[int, dict[str, Any] | None, str]]: ...

    def append(
        self,
        operation: str,
        result: str,
        plan_hash: str = "",
        details: Mapping[str, Any] | None = None,
        directory: str = ".",
    ) -> dict[str, Any]: ...

    def verify(self) -> Verification: ...


@dataclass(frozen=True)
class Records:
    versions: VersionLog
    audit: AuditLog
    where: str  # where they are kept, for messages


def local_records(state_path: str, codec: StateCodec = PLAIN) -> Records:
    """The records beside a local state file (codec: the state's encryption at rest, which
    its configuration snapshots share)."""
    return Records(VersionStore(state_path, codec), AuditTrail(audit_path_for_state(state_path)), f"beside {state_path}")


def backend_records(backend: Any, workspace: str) -> Records | None:
    """The records of a workspace of a configured backend (None: a backend that keeps none)."""
    from sheath.backend.local import LocalBackend
    from sheath.backend.pg import PgBackend
    from sheath.backend.s3 import S3Backend

    if isinstance(backend, LocalBackend):
        return local_records(backend.state_path(workspace), backend.state_codec)
    if isinstance(backend, PgBackend):
        from sheath.audit.pg_records import PgAuditTrail, PgVersionLog

        return Records(PgVersionLog(backend, workspace), PgAuditTrail(backend, workspace), f'the pg schema "{backend.config.schema_name}"')
    if isinstance(backend, S3Backend):
        from sheath.audit.s3_records import S3AuditTrail, S3VersionLog

        key = backend.state_key(workspace)
        return Records(S3VersionLog(backend, key), S3AuditTrail(backend, key), f"s3://{backend.config.bucket}")
    return None


def state_records(mgr: Any, local_path: str | None, workspace: str) -> Records | None:
    """The records of a state an operation opened: beside its file when it is local,
    else in the backend its remote client writes to."""
    if local_path:
        return local_records(local_path, getattr(mgr, "codec", PLAIN))
    backend = getattr(getattr(mgr, "client", None), "backend", None)
    return backend_records(backend, workspace) if backend is not None else None
