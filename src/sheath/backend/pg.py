"""The pg backend: terraform's PostgreSQL layout, so terraform and sheath share one state.

Layout (as terraform 1.11 creates it): a schema (``schema_name``, default
``terraform_remote_state``) holding the table ``states (id bigint primary key
default nextval('public.global_states_id_seq'), name text unique, data text)``
and the unique index ``states_by_name``; one row per workspace, the state
document in ``data``. Locks are PostgreSQL session advisory locks: the
workspace row's id, and -1 while a workspace is being created — the same keys
terraform takes, so the two tools exclude each other. A lock lives as long as
the connection that took it, so a killed process leaves no lock behind.

psycopg (3) is imported only when a pg backend is used.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

from sheath.backend import DEFAULT_WORKSPACE
from sheath.diag import Diagnostics
from sheath.states.codec import PLAIN, StateCodec
from sheath.states.remote import Payload, RemoteState
from sheath.states.statemgr import LockInfo
from sheath.states.statemgr.lockinfo import lock_error_detail

if TYPE_CHECKING:
    import psycopg

    from sheath.states.history import VersionMeta, WriteContext

TABLE = "states"
INDEX = "states_by_name"
DEFAULT_SCHEMA = "terraform_remote_state"


@dataclass(frozen=True)
class PgConfig:
    """The backend block's arguments, with terraform's environment variables as defaults."""

    conn_str: str
    schema_name: str = DEFAULT_SCHEMA
    skip_schema_creation: bool = False
    skip_table_creation: bool = False
    skip_index_creation: bool = False

    @staticmethod
    def from_settings(settings: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> tuple["PgConfig | None", Diagnostics]:
        env = os.environ if environ is None else environ
        diags = Diagnostics()
        known = {"conn_str", "schema_name", "skip_schema_creation", "skip_table_creation", "skip_index_creation"}
        for k in settings:
            if k not in known:
                diags.add_error("Invalid backend configuration", f'The backend "pg" has no argument named "{k}".')
        conn = settings.get("conn_str") or env.get("PG_CONN_STR", "")
        if not conn:
            diags.add_error(
                "Invalid backend configuration",
                'The backend "pg" requires "conn_str" (or the PG_CONN_STR environment variable).',
            )
        if diags.has_errors():
            return None, diags

        def flag(name: str, var: str) -> bool:
            if name in settings and settings[name] is not None:
                return bool(settings[name])
            return env.get(var, "").lower() in ("1", "true")

        return (
            PgConfig(
                conn_str=str(conn),
                schema_name=str(settings.get("schema_name") or env.get("PG_SCHEMA_NAME") or DEFAULT_SCHEMA),
                skip_schema_creation=flag("skip_schema_creation", "PG_SKIP_SCHEMA_CREATION"),
                skip_table_creation=flag("skip_table_creation", "PG_SKIP_TABLE_CREATION"),
                skip_index_creation=flag("skip_index_creation", "PG_SKIP_INDEX_CREATION"),
            ),
            diags,
        )


def quote_ident(name: str) -> str:
    """A PostgreSQL identifier in double quotes (lib/pq's QuoteIdentifier)."""
    return '"' + name.replace('"', '""') + '"'


class PgBackend:
    def __init__(self, config: PgConfig, journal_dir: str = os.path.join(".terraform", "sheath")) -> None:
        self.config = config
        self.schema = quote_ident(config.schema_name)
        self.journal_dir = journal_dir
        self.state_codec: StateCodec = PLAIN  # encryption at rest of the state documents
        self.history_retention = 0  # the kept versions' documents (0: all; SHEATH_HISTORY_RETENTION)
        self._prepared = False

    # --- connections ---
    def connect(self) -> "psycopg.Connection[Any]":
        import psycopg

        return psycopg.connect(self.config.conn_str, autocommit=True)

    def prepare(self) -> Diagnostics:
        """Create the schema, the sequence, the table and the index unless told not to
        (terraform's configure step)."""
        diags = Diagnostics()
        if self._prepared:
            return diags
        try:
            with self.connect() as conn:
                if not self.config.skip_schema_creation:
                    row = conn.execute(
                        "select count(1) from information_schema.schemata where schema_name = %s", (self.config.schema_name,)
                    ).fetchone()
                    if row is None or row[0] < 1:
                        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {self.schema}")
                if not self.config.skip_table_creation:
                    conn.execute("CREATE SEQUENCE IF NOT EXISTS public.global_states_id_seq AS bigint")
                    conn.execute(
                        f"CREATE TABLE IF NOT EXISTS {self.schema}.{TABLE} ("
                        "id bigint NOT NULL DEFAULT nextval('public.global_states_id_seq') PRIMARY KEY, "
                        "name text UNIQUE, data text)"
                    )
                if not self.config.skip_index_creation:
                    conn.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {INDEX} ON {self.schema}.{TABLE} (name)")
        except Exception as exc:  # psycopg.Error and connection failures: a diagnostic, never a traceback
            diags.add_error("Failed to configure the pg backend", _pg_message(exc))
            return diags
        self._prepared = True
        return diags

    # --- Backend ---
    def workspaces(self) -> tuple[list[str], Diagnostics]:
        diags = self.prepare()
        if diags.has_errors():
            return [], diags
        try:
            with self.connect() as conn:
                rows = conn.execute(f"SELECT name FROM {self.schema}.{TABLE} WHERE name != 'default' ORDER BY name").fetchall()
        except Exception as exc:
            diags.add_error("Failed to list workspaces", _pg_message(exc))
            return [], diags
        return [DEFAULT_WORKSPACE] + [str(r[0]) for r in rows], diags

    def delete_workspace(self, name: str, force: bool) -> Diagnostics:
        diags = Diagnostics()
        if name in ("", DEFAULT_WORKSPACE):
            diags.add_error("Failed to delete workspace", "can't delete default state")
            return diags
        try:
            with self.connect() as conn:
                conn.execute(f"DELETE FROM {self.schema}.{TABLE} WHERE name = %s", (name,))
        except Exception as exc:
            diags.add_error("Failed to delete workspace", _pg_message(exc))
        return diags

    def state_mgr(self, workspace: str) -> tuple[RemoteState | None, Diagnostics]:
        """The workspace's state manager. A workspace that does not exist yet is created
        with an empty state under the lock, as terraform does, so that it is listed."""
        diags = self.prepare()
        if diags.has_errors():
            return None, diags
        journal = os.path.join(self.journal_dir, f"pg-{self.config.schema_name}-{workspace}.journal")
        mgr = RemoteState(PgClient(self, workspace), workspace, journal, history=PgHistory(self, workspace, self.history_retention), codec=self.state_codec)
        names, d = self.workspaces()
        diags.extend(d)
        if diags.has_errors() or workspace in names:
            return (None if diags.has_errors() else mgr), diags
        info, d = mgr.lock("init")
        diags.extend(d)
        if info is None:
            return None, diags
        try:
            diags.extend(mgr.refresh_state())
            if not diags.has_errors() and not mgr.has_state():
                diags.extend(mgr.persist_state())
        finally:
            diags.extend(mgr.unlock(info.id))
        return (None if diags.has_errors() else mgr), diags


class PgClient:
    """One workspace's row, and its advisory lock (held on a connection of its own)."""

    def __init__(self, backend: PgBackend, name: str) -> None:
        self.backend = backend
        self.name = name
        self._lock_conn: "psycopg.Connection[Any] | None" = None
        self._lock_key: int | None = None

    def get(self) -> tuple[Payload | None, Diagnostics]:
        diags = Diagnostics()
        try:
            with self.backend.connect() as conn:
                row = conn.execute(f"SELECT data FROM {self.backend.schema}.{TABLE} WHERE name = %s", (self.name,)).fetchone()
        except Exception as exc:
            diags.add_error("Failed to read the state", _pg_message(exc))
            return None, diags
        if row is None or row[0] is None:
            return None, diags
        data = row[0]
        return Payload(data.encode("utf-8") if isinstance(data, str) else bytes(data)), diags

    def put(self, data: bytes) -> Diagnostics:
        diags = Diagnostics()
        s = self.backend.schema
        try:
            with self.backend.connect() as conn:
                conn.execute(
                    f"INSERT INTO {s}.{TABLE} (name, data) VALUES (%s, %s) "
                    f"ON CONFLICT (name) DO UPDATE SET data = EXCLUDED.data WHERE {TABLE}.name = EXCLUDED.name",
                    (self.name, data.decode("utf-8")),
                )
        except Exception as exc:
            diags.add_error("Failed to save state", _pg_message(exc))
        return diags

    def delete(self) -> Diagnostics:
        diags = Diagnostics()
        try:
            with self.backend.connect() as conn:
                conn.execute(f"DELETE FROM {self.backend.schema}.{TABLE} WHERE name = %s", (self.name,))
        except Exception as exc:
            diags.add_error("Failed to delete state", _pg_message(exc))
        return diags

    def lock(self, info: LockInfo, timeout: float) -> Diagnostics:
        """terraform's keys: the row id, and -1 (workspace creation) — tried together, so
        that a workspace being created and one being used exclude each other."""
        diags = Diagnostics()
        deadline = time.monotonic() + timeout
        try:
            conn = self.backend.connect()
        except Exception as exc:
            diags.add_error("Error acquiring the state lock", _pg_message(exc))
            return diags
        s = self.backend.schema
        while True:
            try:
                key, message = self._try_lock(conn, s)
            except Exception as exc:
                conn.close()
                diags.add_error("Error acquiring the state lock", _pg_message(exc))
                return diags
            if key is not None:
                self._lock_conn, self._lock_key = conn, key
                return diags
            if time.monotonic() >= deadline:
                conn.close()
                diags.add_error("Error acquiring the state lock", lock_error_detail(message, info))
                return diags
            time.sleep(0.25)

    def _try_lock(self, conn: "psycopg.Connection[Any]", s: str) -> tuple[int | None, str]:
        row = conn.execute(
            f"SELECT {TABLE}.id, pg_try_advisory_lock({TABLE}.id), pg_try_advisory_lock(-1) FROM {s}.{TABLE} WHERE {TABLE}.name = %s",
            (self.name,),
        ).fetchone()
        if row is None:
            got = conn.execute("SELECT pg_try_advisory_lock(-1)").fetchone()
            if got is None or not got[0]:
                return None, f"Already locked for workspace creation: {self.name}"
            return -1, ""
        row_id, did_lock, did_lock_create = int(row[0]), bool(row[1]), bool(row[2])
        if not did_lock:
            if did_lock_create:
                conn.execute("SELECT pg_advisory_unlock(-1)")
            return None, f"Workspace is already locked: {self.name}"
        if not did_lock_create:
            conn.execute("SELECT pg_advisory_unlock(%s)", (row_id,))
            return None, f"Cannot lock workspace; already locked for workspace creation: {self.name}"
        conn.execute("SELECT pg_advisory_unlock(-1)")
        return row_id, ""

    def unlock(self, lock_id: str) -> Diagnostics:
        diags = Diagnostics()
        conn, key = self._lock_conn, self._lock_key
        self._lock_conn = self._lock_key = None
        if conn is None:
            return diags
        try:
            conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
        except Exception as exc:
            diags.add_error("Error releasing the state lock", _pg_message(exc))
        finally:
            conn.close()  # closing the session releases its advisory locks in any case
        return diags


def _pg_message(exc: Exception) -> str:
    """A driver error as one line, without the connection string (it may hold a password)."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


HISTORY_TABLE = "sheath_state_history"


class PgHistory:
    """State history in SCHEMA.sheath_state_history (terraform's states table is untouched)."""

    def __init__(self, backend: PgBackend, name: str, retention: int = 0) -> None:
        self.backend = backend
        self.name = name
        self.retention = retention
        self._ready = False

    def _exists(self, conn: "psycopg.Connection[Any]") -> bool:
        """Whether the history table is there (reads never create it)."""
        if self._ready:
            return True
        row = conn.execute("SELECT to_regclass(%s)", (f"{self.backend.schema}.{HISTORY_TABLE}",)).fetchone()
        return row is not None and row[0] is not None

    def _prepare(self, conn: "psycopg.Connection[Any]") -> None:
        if self._ready:
            return
        s = self.backend.schema
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {s}.{HISTORY_TABLE} ("
            "name text NOT NULL, version integer NOT NULL, serial bigint NOT NULL, lineage text NOT NULL, "
            "created text NOT NULL, who text NOT NULL, sheath_version text NOT NULL, operation text NOT NULL, "
            "plan_hash text NOT NULL, git_commit text NOT NULL, sha256 text NOT NULL, data text, "
            "PRIMARY KEY (name, version))"
        )
        self._ready = True

    def record(self, data: bytes, serial: int, lineage: str, ctx: "WriteContext") -> Diagnostics:
        from sheath.states.history import new_meta

        diags = Diagnostics()
        s = self.backend.schema
        try:
            with self.backend.connect() as conn:
                self._prepare(conn)
                with conn.transaction():
                    conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"sheath-history:{self.name}",))
                    row = conn.execute(f"SELECT coalesce(max(version), 0) FROM {s}.{HISTORY_TABLE} WHERE name = %s", (self.name,)).fetchone()
                    version = int(row[0] if row else 0) + 1
                    m = new_meta(version, data, serial, lineage, ctx)
                    conn.execute(
                        f"INSERT INTO {s}.{HISTORY_TABLE} (name, version, serial, lineage, created, who, sheath_version, operation, "
                        "plan_hash, git_commit, sha256, data) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                        (self.name, m.version, m.serial, m.lineage, m.created, m.who, m.sheath_version, m.operation, m.plan_hash,
                         m.git_commit, m.sha256, data.decode("utf-8")),
                    )
                    if self.retention > 0:
                        conn.execute(
                            f"UPDATE {s}.{HISTORY_TABLE} SET data = NULL WHERE name = %s AND version <= %s",
                            (self.name, version - self.retention),
                        )
        except Exception as exc:
            diags.add_warning("State history not recorded", _pg_message(exc))
        return diags

    def versions(self) -> tuple[list["VersionMeta"], Diagnostics]:
        from sheath.states.history import VersionMeta

        diags = Diagnostics()
        s = self.backend.schema
        try:
            with self.backend.connect() as conn:
                if not self._exists(conn):
                    return [], diags
                rows = conn.execute(
                    f"SELECT version, serial, lineage, created, who, sheath_version, operation, plan_hash, git_commit, sha256 "
                    f"FROM {s}.{HISTORY_TABLE} WHERE name = %s ORDER BY version",
                    (self.name,),
                ).fetchall()
        except Exception as exc:
            diags.add_error("Failed to read the state history", _pg_message(exc))
            return [], diags
        return [VersionMeta(int(r[0]), int(r[1]), *[str(x) for x in r[2:]]) for r in rows], diags

    def get(self, version: int) -> tuple[bytes | None, Diagnostics]:
        diags = Diagnostics()
        s = self.backend.schema
        try:
            with self.backend.connect() as conn:
                row = None if not self._exists(conn) else conn.execute(
                    f"SELECT data FROM {s}.{HISTORY_TABLE} WHERE name = %s AND version = %s", (self.name, version)
                ).fetchone()
        except Exception as exc:
            diags.add_error("Failed to read the state history", _pg_message(exc))
            return None, diags
        if row is None or row[0] is None:
            diags.add_error("No such state version", f"Version {version} is not in the state history (or was removed by retention).")
            return None, diags
        return str(row[0]).encode("utf-8"), diags

    def kept_versions(self) -> tuple[set[int], Diagnostics]:
        """The versions whose document is still there (retention empties older ones')."""
        diags = Diagnostics()
        try:
            with self.backend.connect() as conn:
                if not self._exists(conn):
                    return set(), diags
                rows = conn.execute(
                    f"SELECT version FROM {self.backend.schema}.{HISTORY_TABLE} WHERE name = %s AND data IS NOT NULL", (self.name,)
                ).fetchall()
        except Exception as exc:
            diags.add_error("Failed to read the state history", _pg_message(exc))
            return set(), diags
        return {int(r[0]) for r in rows}, diags
