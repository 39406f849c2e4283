"""A throwaway PostgreSQL server for tests: initdb into a temporary directory, started on a
free port on 127.0.0.1, stopped at the end. Needs the server binaries (Debian's postgresql
package); run as root, the server runs as the postgres user, as PostgreSQL requires."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest


@dataclass(frozen=True)
class PostgresServer:
    port: int
    user: str = "postgres"

    def conn_str(self, database: str = "postgres") -> str:
        return f"postgres://{self.user}@127.0.0.1:{self.port}/{database}?sslmode=disable"


# The community provider's configuration for a server the tests start, as a format string
# (port, db): the native provider answers for cyrilgdn/postgresql.
PROVIDER_CONFIG = """
terraform {{
  required_providers {{
    postgresql = {{ source = "cyrilgdn/postgresql" }}
  }}
}}
provider "postgresql" {{
  host            = "127.0.0.1"
  port            = {port}
  sslmode         = "disable"
  connect_timeout = 15
  database        = "{db}"
}}
"""


def find_pg_bin() -> str | None:
    """The directory holding initdb and pg_ctl (on PATH, or Debian's versioned directory)."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return os.path.dirname(on_path)
    base = "/usr/lib/postgresql"
    if os.path.isdir(base):
        for v in sorted(os.listdir(base), reverse=True):
            d = os.path.join(base, v, "bin")
            if os.path.isfile(os.path.join(d, "initdb")):
                return d
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_postgres(bindir: str) -> Iterator[PostgresServer]:
    root = Path(tempfile.mkdtemp(prefix="sheath-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(root, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data = root / "data"
    port = _free_port()
    subprocess.run(
        [*as_user, os.path.join(bindir, "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"],
        check=True,
        capture_output=True,
    )
    opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    subprocess.run(
        [*as_user, os.path.join(bindir, "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(root / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield PostgresServer(port)
    finally:
        subprocess.run([*as_user, os.path.join(bindir, "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def create_database(server: PostgresServer, name: str) -> str:
    import psycopg

    with psycopg.connect(server.conn_str(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.conn_str(name)


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the tests of one module (import this fixture to use it)."""
    from conftest import need

    bindir = find_pg_bin()
    need(bindir is not None, "PostgreSQL server binaries (initdb, pg_ctl: apt-get install postgresql)")
    assert bindir is not None
    yield from start_postgres(bindir)


def run_sql(server: PostgresServer, query: str, database: str = "postgres", user: str | None = None) -> list[tuple[object, ...]]:
    """Run query (autocommit) as user (the superuser by default); the rows it returns, if any."""
    import psycopg

    conn_str = server.conn_str(database)
    if user is not None:
        conn_str = conn_str.replace(f"//{server.user}@", f"//{user}@", 1)
    with psycopg.connect(conn_str, autocommit=True) as conn:
        cur = conn.execute(query)
        return list(cur.fetchall()) if cur.description is not None else []
