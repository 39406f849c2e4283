"""Applied versions, configuration snapshots and the audit trail of a pg backend: tables
of sheath's own in the backend's schema, beside terraform's ``states`` table (whose
layout is never altered, so terraform keeps working on the same database).

  sheath_applied_versions  (name, version, record)   one row per applied version of workspace name
  sheath_config_snapshots  (sha256, data)            one row per distinct configuration
  sheath_audit_trail       (name, position, record)  the hash-chained trail of workspace name

Tables are created on the first write; reads of a schema without them find nothing.
Writers append in a transaction holding a transaction-scoped advisory lock on the
workspace's trail (or versions), so concurrent writers never interleave or reuse a number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Mapping

from sheath.audit.trail import Verification, encode_record, new_record, parse_record, verify_rows
from sheath.audit.versions import (
    CONFIG,
    PLAN,
    AppliedVersion,
    RecordsError,
    decode_snapshot,
    encode_snapshot,
    encode_version,
    new_version,
    snapshot_digest,
    version_from_json,
)

if TYPE_CHECKING:
    import psycopg

    from sheath.backend.pg import PgBackend

VERSIONS_TABLE = "sheath_applied_versions"
SNAPSHOTS_TABLE = "sheath_config_snapshots"
SNAPSHOT_TABLES = {CONFIG: SNAPSHOTS_TABLE, PLAN: "sheath_plan_snapshots"}
AUDIT_TABLE = "sheath_audit_trail"


def _message(exc: Exception) -> str:
    """A driver error as one line, without the connection string (it may hold a password)."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


class _Tables:
    def __init__(self, backend: "PgBackend") -> None:
        self.backend = backend
        self.schema = backend.schema
        self.ready = False

    def exists(self, conn: "psycopg.Connection[Any]", table: str) -> bool:
        row = conn.execute("SELECT to_regclass(%s)", (f"{self.schema}.{table}",)).fetchone()
        return row is not None and row[0] is not None

    def prepare(self, conn: "psycopg.Connection[Any]") -> None:
        """Create the tables that are missing (after the backend's own schema and table),
        one creator at a time: concurrent CREATE TABLE IF NOT EXISTS can collide."""
        if self.ready or all(self.exists(conn, t) for t in (VERSIONS_TABLE, *SNAPSHOT_TABLES.values(), AUDIT_TABLE)):
            self.ready = True
            return
        diags = self.backend.prepare()
        if diags.has_errors():
            raise RecordsError("; ".join(d.detail or d.summary for d in diags))
        s = self.schema
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"sheath-records-tables:{s}",))
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {s}.{VERSIONS_TABLE} (name text NOT NULL, version integer NOT NULL, "
                "record text NOT NULL, PRIMARY KEY (name, version))"
            )
            for table in SNAPSHOT_TABLES.values():
                conn.execute(f"CREATE TABLE IF NOT EXISTS {s}.{table} (sha256 text PRIMARY KEY, data text NOT NULL)")
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {s}.{AUDIT_TABLE} (name text NOT NULL, position bigint NOT NULL, "
                "record text NOT NULL, PRIMARY KEY (name, position))"
            )
        self.ready = True


class PgVersionLog:
    """The applied versions of one workspace (name) of a pg backend."""

    def __init__(self, backend: "PgBackend", name: str) -> None:
        self.tables = _Tables(backend)
        self.backend = backend
        self.name = name

    def versions(self) -> list[AppliedVersion]:
        s = self.tables.schema
        try:
            with self.backend.connect() as conn:
                if not self.tables.exists(conn, VERSIONS_TABLE):
                    return []
                rows = conn.execute(f"SELECT record FROM {s}.{VERSIONS_TABLE} WHERE name = %s ORDER BY version", (self.name,)).fetchall()
        except Exception as exc:
            raise RecordsError(f"Failed to read the applied versions: {_message(exc)}") from exc
        out = []
        for (raw,) in rows:
            doc = parse_record(str(raw))
            if doc is not None:
                out.append(version_from_json(doc))
        return out

    def get(self, version: int) -> AppliedVersion | None:
        return next((v for v in self.versions() if v.version == version), None)

    def save_snapshot(self, files: Mapping[str, bytes], kind: str = CONFIG) -> str:
        digest = snapshot_digest(files)
        try:
            with self.backend.connect() as conn:
                self.tables.prepare(conn)
                conn.execute(
                    f"INSERT INTO {self.tables.schema}.{SNAPSHOT_TABLES[kind]} (sha256, data) VALUES (%s, %s) ON CONFLICT (sha256) DO NOTHING",
                    (digest, encode_snapshot(files, self.backend.state_codec).decode()),
                )
        except Exception as exc:
            raise RecordsError(f"Failed to store the configuration snapshot: {_message(exc)}") from exc
        return digest

    def snapshot(self, digest: str, kind: str = CONFIG) -> dict[str, bytes] | None:
        try:
            with self.backend.connect() as conn:
                if not self.tables.exists(conn, SNAPSHOT_TABLES[kind]):
                    return None
                row = conn.execute(f"SELECT data FROM {self.tables.schema}.{SNAPSHOT_TABLES[kind]} WHERE sha256 = %s", (digest,)).fetchone()
        except Exception as exc:
            raise RecordsError(f"Failed to read the configuration snapshot: {_message(exc)}") from exc
        return decode_snapshot(str(row[0]).encode(), self.backend.state_codec) if row is not None else None

    def snapshot_count(self, kind: str = CONFIG) -> int:
        try:
            with self.backend.connect() as conn:
                if not self.tables.exists(conn, SNAPSHOT_TABLES[kind]):
                    return 0
                row = conn.execute(f"SELECT count(*) FROM {self.tables.schema}.{SNAPSHOT_TABLES[kind]}").fetchone()
        except Exception as exc:
            raise RecordsError(f"Failed to read the configuration snapshots: {_message(exc)}") from exc
        return int(row[0]) if row else 0

    def record(self, **fields: Any) -> AppliedVersion:
        s = self.tables.schema
        try:
            with self.backend.connect() as conn:
                self.tables.prepare(conn)
                with conn.transaction():
                    conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"sheath-versions:{self.name}",))
                    row = conn.execute(f"SELECT coalesce(max(version), 0) FROM {s}.{VERSIONS_TABLE} WHERE name = %s", (self.name,)).fetchone()
                    v = new_version(int(row[0] if row else 0) + 1, fields)
                    conn.execute(
                        f"INSERT INTO {s}.{VERSIONS_TABLE} (name, version, record) VALUES (%s, %s, %s)", (self.name, v.version, encode_version(v))
                    )
        except Exception as exc:
            raise RecordsError(f"Failed to record the applied version: {_message(exc)}") from exc
        return v


class PgAuditTrail:
    """The audit trail of one workspace (name) of a pg backend, one row a record in the
    order it was appended (position)."""

    def __init__(self, backend: "PgBackend", name: str) -> None:
        self.tables = _Tables(backend)
        self.backend = backend
        self.name = name

    def records(self) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
        try:
            with self.backend.connect() as conn:
                if not self.tables.exists(conn, AUDIT_TABLE):
                    return iter(())
                rows = conn.execute(
                    f"SELECT position, record FROM {self.tables.schema}.{AUDIT_TABLE} WHERE name = %s ORDER BY position", (self.name,)
                ).fetchall()
        except Exception as exc:
            raise RecordsError(f"Failed to read the audit trail: {_message(exc)}") from exc
        return iter([(int(pos), parse_record(str(raw)), str(raw)) for pos, raw in rows])

    def append(
        self,
        operation: str,
        result: str,
        plan_hash: str = "",
        details: Mapping[str, Any] | None = None,
        directory: str = ".",
    ) -> dict[str, Any]:
        s = self.tables.schema
        try:
            with self.backend.connect() as conn:
                self.tables.prepare(conn)
                with conn.transaction():
                    conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"sheath-audit:{self.name}",))
                    row = conn.execute(
                        f"SELECT position, record FROM {s}.{AUDIT_TABLE} WHERE name = %s ORDER BY position DESC LIMIT 1", (self.name,)
                    ).fetchone()
                    last = parse_record(str(row[1])) if row else None
                    rec = new_record(last, operation, result, plan_hash, details, directory)
                    conn.execute(
                        f"INSERT INTO {s}.{AUDIT_TABLE} (name, position, record) VALUES (%s, %s, %s)",
                        (self.name, (int(row[0]) + 1) if row else 1, encode_record(rec)),
                    )
        except Exception as exc:
            raise RecordsError(f"Failed to write the audit trail: {_message(exc)}") from exc
        return rec

    def verify(self) -> Verification:
        return verify_rows(list(self.records()))
