"""Connections for the native PostgreSQL provider: settings and a thread-safe pool.

One :class:`Client` serves one provider configuration. The parallel walk calls
resources from several threads at once, so connections come from a pool per
database, bounded by ``max_connections`` (0: unbounded). psycopg is imported
lazily, when the first connection opens, so commands that never connect do not
load it. The password is never part of a repr or a message.

Refresh of many objects of one kind reads the catalogs once for all of them: a
resource asks :meth:`Client.snapshot` for a reading (say, every table of a schema),
which is loaded once and shared until this client runs a statement (``execute``),
so one walk's refresh costs one query per schema, not one per object.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sheath.diag import Diagnostics

if TYPE_CHECKING:
    import psycopg


@dataclass(frozen=True)
class ConnectionSettings:
    host: str = "localhost"
    port: int = 5432
    database: str = "postgres"
    username: str = "postgres"
    password: str = field(default="", repr=False)
    sslmode: str = "prefer"
    sslrootcert: str | None = None
    connect_timeout: int = 180
    superuser: bool = True
    max_connections: int = 20
    expected_version: str = "9.0.0"

    def connect_args(self, database: str) -> dict[str, Any]:
        args: dict[str, Any] = {
            "host": self.host,
            "port": self.port,
            "dbname": database,
            "user": self.username,
            "sslmode": self.sslmode,
            "application_name": "sheath",
        }
        if self.connect_timeout > 0:
            args["connect_timeout"] = self.connect_timeout
        if self.sslrootcert:
            args["sslrootcert"] = self.sslrootcert
        if self.password:
            args["password"] = self.password
        return args


class PostgresError(Exception):
    """A failed statement or connection; ``message`` is safe to show (no password)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


T = TypeVar("T")


@dataclass
class _Snapshot:
    """One catalog reading; its lock makes concurrent askers wait for one load."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    loaded: bool = False
    value: object = None


def error_diagnostics(summary: str, exc: PostgresError) -> Diagnostics:
    diags = Diagnostics()
    diags.add_error(summary, exc.message)
    return diags


@dataclass
class Client:
    """A connection pool per database for one provider configuration."""

    settings: ConnectionSettings | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _idle: dict[str, list[psycopg.Connection[Any]]] = field(default_factory=dict, repr=False)
    _slots: threading.BoundedSemaphore | None = field(default=None, repr=False)
    _snapshots: dict[tuple[str, str], _Snapshot] = field(default_factory=dict, repr=False)

    def configure(self, settings: ConnectionSettings) -> None:
        self.close()
        self.settings = settings
        self._slots = threading.BoundedSemaphore(settings.max_connections) if settings.max_connections > 0 else None

    def _settings(self) -> ConnectionSettings:
        if self.settings is None:
            raise PostgresError("The postgresql provider is not configured.")
        return self.settings

    def superuser(self) -> bool:
        return self._settings().superuser

    def default_database(self) -> str:
        return self._settings().database

    @contextmanager
    def connection(self, database: str | None = None) -> Iterator[psycopg.Connection[Any]]:
        """An autocommit connection to database (the provider's by default), returned to the pool after use.

        Raises PostgresError for any psycopg error inside the block."""
        import psycopg

        s = self._settings()
        db = database or s.database
        if self._slots is not None:
            self._slots.acquire()
        conn: psycopg.Connection[Any] | None = None
        try:
            with self._lock:
                idle = self._idle.get(db)
                conn = idle.pop() if idle else None
            if conn is None or conn.closed:
                try:
                    conn = psycopg.connect(**s.connect_args(db), autocommit=True)
                except psycopg.Error as exc:
                    conn = None
                    raise PostgresError(f"Error connecting to PostgreSQL server {s.host} (port {s.port}, database {db}): {_message(exc)}") from None
            try:
                yield conn
            except psycopg.Error as exc:
                raise PostgresError(_message(exc)) from None
        finally:
            if conn is not None:
                if conn.closed or conn.info.transaction_status != 0:  # not idle: do not reuse
                    conn.close()
                else:
                    with self._lock:
                        self._idle.setdefault(db, []).append(conn)
            if self._slots is not None:
                self._slots.release()

    def query(self, sql: Any, params: Sequence[Any] = (), database: str | None = None) -> list[tuple[Any, ...]]:
        with self.connection(database) as conn:
            cur = conn.execute(sql, params)
            return list(cur.fetchall()) if cur.description is not None else []

    def execute(self, statements: Sequence[Any], database: str | None = None, transaction: bool = True) -> None:
        """Run statements in one transaction (or one by one when transaction is false: CREATE DATABASE).
        Every snapshot is forgotten afterwards (the statements may have changed what they read)."""
        try:
            with self.connection(database) as conn:
                if transaction and len(statements) > 1:
                    with conn.transaction():
                        for st in statements:
                            conn.execute(st)
                else:
                    for st in statements:
                        conn.execute(st)
        finally:
            self.forget_snapshots()

    def snapshot(self, database: str, key: str, load: Callable[[], T]) -> T:
        """load()'s result, loaded once per (database, key) and shared by every caller until a
        statement runs through execute. Threads asking at once wait for the one load; a load
        that fails is not kept (the next caller loads again)."""
        with self._lock:
            entry = self._snapshots.setdefault((database, key), _Snapshot())
        with entry.lock:
            if not entry.loaded:
                entry.value = load()
                entry.loaded = True
            return cast(T, entry.value)  # stored by load for this key

    def forget_snapshots(self) -> None:
        with self._lock:
            self._snapshots.clear()

    def server_version(self) -> int:
        rows = self.query("SHOW server_version_num")
        return int(rows[0][0])

    def discard(self, database: str) -> None:
        """Close the idle connections to database (before DROP DATABASE, which needs none open)."""
        with self._lock:
            conns = self._idle.pop(database, [])
        for c in conns:
            c.close()

    def close(self) -> None:
        with self._lock:
            conns = [c for idle in self._idle.values() for c in idle]
            self._idle.clear()
            self._snapshots.clear()
        for c in conns:
            c.close()


def _message(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text


__all__ = ["Client", "ConnectionSettings", "PostgresError", "error_diagnostics"]
