"""The native cyrilgdn/postgresql provider against a real PostgreSQL the tests start:
sheath init resolves it without a binary, apply creates roles, databases, schemas and
extensions (checked with SQL against the catalogs), changes update in place, drift made
by hand shows in the plan, import reads the catalogs, destroy removes everything, and
passwords never appear in any command's output."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from postgres_helpers import PostgresServer, postgres  # noqa: F401 - the fixture
from sheath.providers.native.postgresql import PROVIDER_SCHEMA, settings_from_config
from sheath.providers.schema import config_object
from sheath.types import Value, bool_val, number_val, string_val

ROLE_PASSWORD = "pw-Zq81-never-printed"
PROVIDER_PASSWORD = "provider-pw-Xk42-never-printed"

HEADER = """
terraform {{
  required_providers {{
    postgresql = {{ source = "cyrilgdn/postgresql" }}
  }}
}}
provider "postgresql" {{
  host            = "127.0.0.1"
  port            = {port}
  sslmode         = "disable"
  password        = "{provider_password}"
  connect_timeout = 15
  max_connections = 4
  expected_version = "15"
}}
"""

RESOURCES = """
resource "postgresql_role" "app" {{
  name             = "app_owner"
  login            = true
  password         = "{role_password}"
  connection_limit = {app_limit}
  search_path      = ["app", "public"]
}}
resource "postgresql_role" "reader" {{
  name            = "app_reader"
  create_database = {reader_createdb}
  roles           = [postgresql_role.app.name]
}}
resource "postgresql_database" "shop" {{
  name             = "shop"
  owner            = postgresql_role.app.name
  connection_limit = {db_limit}
}}
resource "postgresql_schema" "sales" {{
  name     = "sales"
  database = postgresql_database.shop.name
  owner    = {schema_owner}
}}
resource "postgresql_extension" "hstore" {{
  name     = "hstore"
  database = postgresql_database.shop.name
  schema   = postgresql_schema.sales.name
}}
"""


def _write(d: Path, port: int, **kw: Any) -> None:
    values = {"app_limit": 5, "reader_createdb": "false", "db_limit": -1, "schema_owner": "postgresql_role.app.name", **kw}
    text = HEADER.format(port=port, provider_password=PROVIDER_PASSWORD) + RESOURCES.format(role_password=ROLE_PASSWORD, **values)
    (d / "main.tf").write_text(text)


def _sql(server: PostgresServer, query: str, database: str = "postgres") -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(server.conn_str(database), autocommit=True) as conn:
        cur = conn.execute(query)
        return list(cur.fetchall()) if cur.description is not None else []


def _ok(run_sheath: Any, args: list[str], d: Path, outputs: list[str], rc: int = 0) -> str:
    at = 2 if args[0] == "state" else 1  # options before positional arguments
    r = run_sheath([*args[:at], "-no-color", *args[at:]], d)
    outputs.append(r.stdout + r.stderr)
    assert r.returncode == rc, (args, r.stdout, r.stderr)
    return str(r.stdout)


def test_lifecycle_against_the_catalogs(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    d = tmp_path
    outputs: list[str] = []
    _write(d, postgres.port)
    out = _ok(run_sheath, ["init"], d, outputs)
    assert "cyrilgdn/postgresql" in out
    assert not (d / ".terraform" / "providers" / "registry.terraform.io" / "cyrilgdn").exists()  # nothing downloaded
    out = _ok(run_sheath, ["apply", "-auto-approve"], d, outputs)
    assert "Resources: 5 added, 0 changed, 0 destroyed." in out
    assert "password" in out and "(sensitive value)" in out

    # every effect, from the catalogs
    assert _sql(postgres, "SELECT rolcanlogin, rolconnlimit, rolsuper, rolcreatedb, rolinherit, rolvaliduntil::text, rolconfig FROM pg_roles WHERE rolname = 'app_owner'") == [
        (True, 5, False, False, True, "infinity", ["search_path=app, public"])
    ]
    assert _sql(postgres, "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = 'app_owner'") == [(True,)]
    assert _sql(postgres, "SELECT rolpassword FROM pg_authid WHERE rolname = 'app_reader'") == [(None,)]
    assert _sql(
        postgres,
        "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = 'app_reader'",
    ) == [("app_owner",)]
    assert _sql(
        postgres,
        "SELECT pg_get_userbyid(datdba), pg_encoding_to_char(encoding), datcollate, datconnlimit, datallowconn FROM pg_database WHERE datname = 'shop'",
    ) == [("app_owner", "UTF8", "C", -1, True)]
    assert _sql(postgres, "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'sales'", "shop") == [("app_owner",)]
    assert _sql(postgres, "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE extname = 'hstore'", "shop") == [("sales",)]

    _ok(run_sheath, ["plan", "-detailed-exitcode"], d, outputs)  # no changes

    # update in place (the password, unchanged, is not set again)
    hash_before = _sql(postgres, "SELECT rolpassword FROM pg_authid WHERE rolname = 'app_owner'")
    _write(d, postgres.port, app_limit=10, reader_createdb="true", db_limit=3, schema_owner='"postgres"')
    out = _ok(run_sheath, ["plan"], d, outputs)
    assert "~ connection_limit" in out and "must be replaced" not in out
    assert "Plan: 0 to add, 4 to change, 0 to destroy." in out
    out = _ok(run_sheath, ["apply", "-auto-approve"], d, outputs)
    assert "Resources: 0 added, 4 changed, 0 destroyed." in out
    assert _sql(postgres, "SELECT rolconnlimit FROM pg_roles WHERE rolname = 'app_owner'") == [(10,)]
    assert _sql(postgres, "SELECT rolpassword FROM pg_authid WHERE rolname = 'app_owner'") == hash_before
    assert _sql(postgres, "SELECT rolcreatedb FROM pg_roles WHERE rolname = 'app_reader'") == [(True,)]
    assert _sql(postgres, "SELECT datconnlimit FROM pg_database WHERE datname = 'shop'") == [(3,)]
    assert _sql(postgres, "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'sales'", "shop") == [("postgres",)]
    _ok(run_sheath, ["plan", "-detailed-exitcode"], d, outputs)

    # drift made by hand shows in the plan, and apply puts it back
    _sql(postgres, "ALTER ROLE app_owner CONNECTION LIMIT 1")
    _sql(postgres, "REVOKE app_owner FROM app_reader")
    out = _ok(run_sheath, ["plan", "-detailed-exitcode"], d, outputs, rc=2)
    assert re.search(r"~ connection_limit\s+= 1 -> 10", out), out
    assert '+ "app_owner"' in out
    _ok(run_sheath, ["apply", "-auto-approve"], d, outputs)
    assert _sql(postgres, "SELECT rolconnlimit FROM pg_roles WHERE rolname = 'app_owner'") == [(10,)]

    # import by the documented ids, then no changes
    for addr, id in (
        ("postgresql_role.reader", "app_reader"),
        ("postgresql_database.shop", "shop"),
        ("postgresql_schema.sales", "shop.sales"),
        ("postgresql_extension.hstore", "shop.hstore"),
    ):
        _ok(run_sheath, ["state", "rm", addr], d, outputs)
        out = _ok(run_sheath, ["import", addr, id], d, outputs)
        assert "Import successful!" in out
    _ok(run_sheath, ["plan", "-detailed-exitcode"], d, outputs)

    out = _ok(run_sheath, ["destroy", "-auto-approve"], d, outputs)
    assert "Resources: 5 destroyed." in out
    assert _sql(postgres, "SELECT count(*) FROM pg_roles WHERE rolname IN ('app_owner', 'app_reader')") == [(0,)]
    assert _sql(postgres, "SELECT count(*) FROM pg_database WHERE datname = 'shop'") == [(0,)]

    for text in outputs:
        assert ROLE_PASSWORD not in text and PROVIDER_PASSWORD not in text


def test_replace_and_errors_keep_passwords_out(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    d = tmp_path
    outputs: list[str] = []
    (d / "main.tf").write_text(
        HEADER.format(port=postgres.port, provider_password=PROVIDER_PASSWORD)
        + f"""
resource "postgresql_database" "db" {{
  name     = "enc_test"
  encoding = "UTF8"
}}
resource "postgresql_role" "bad" {{
  name        = "bad_role"
  password    = "{ROLE_PASSWORD}"
  valid_until = "not a timestamp"
}}
"""
    )
    _ok(run_sheath, ["init"], d, outputs)
    r = run_sheath(["apply", "-auto-approve", "-no-color"], d)
    outputs.append(r.stdout + r.stderr)
    assert r.returncode == 1 and "Error applying postgresql_role" in r.stderr
    assert _sql(postgres, "SELECT count(*) FROM pg_roles WHERE rolname = 'bad_role'") == [(0,)]
    # encoding forces replacement
    text = (d / "main.tf").read_text().replace('encoding = "UTF8"', 'encoding = "SQL_ASCII"').replace('valid_until = "not a timestamp"', "")
    (d / "main.tf").write_text(text)
    out = _ok(run_sheath, ["plan"], d, outputs)
    assert "# postgresql_database.db must be replaced" in out and "forces replacement" in out
    _ok(run_sheath, ["apply", "-auto-approve"], d, outputs)
    assert _sql(postgres, "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = 'enc_test'") == [("SQL_ASCII",)]
    _ok(run_sheath, ["destroy", "-auto-approve"], d, outputs)
    for t in outputs:
        assert ROLE_PASSWORD not in t and PROVIDER_PASSWORD not in t


def test_unimplemented_arguments_are_refused(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    d = tmp_path
    (d / "main.tf").write_text(
        HEADER.format(port=postgres.port, provider_password=PROVIDER_PASSWORD)
        + """
resource "postgresql_role" "r" {
  name              = "timeouts"
  statement_timeout = 1000
}
"""
    )
    outputs: list[str] = []
    _ok(run_sheath, ["init"], d, outputs)
    r = run_sheath(["plan", "-no-color"], d)
    assert r.returncode == 1
    assert "Argument not implemented" in r.stderr and "statement_timeout" in r.stderr


def _provider_config(**attrs: Value) -> Value:
    return config_object(PROVIDER_SCHEMA.block, attrs)


def test_provider_arguments() -> None:
    s, diags = settings_from_config(_provider_config(host=string_val("db.internal")), {})
    assert not diags and s is not None
    assert (s.port, s.database, s.username, s.sslmode, s.connect_timeout, s.max_connections, s.superuser) == (
        5432,
        "postgres",
        "postgres",
        "prefer",
        180,
        20,
        True,
    )
    s, diags = settings_from_config(_provider_config(), {"PGHOST": "h", "PGPORT": "6543", "PGUSER": "u", "PGPASSWORD": "p"})
    assert s is not None and (s.host, s.port, s.username, s.password) == ("h", 6543, "u", "p")
    _, diags = settings_from_config(_provider_config(), {})
    assert [d.summary for d in diags] == ["Missing required argument"]
    bad = _provider_config(
        host=string_val("h"),
        sslmode=string_val("sometimes"),
        expected_version=string_val("fifteen"),
        max_connections=number_val(-1),
        aws_rds_iam_auth=bool_val(True),
    )
    _, diags = settings_from_config(bad, {})
    details = " ".join(d.detail for d in diags)
    assert "sslmode" in details and "expected_version" in details and "max_connections" in details and "aws_rds_iam_auth" in details
    ok = _provider_config(host=string_val("h"), aws_rds_iam_auth=bool_val(False), scheme=string_val("postgres"))
    assert not settings_from_config(ok, {})[1]


def test_password_not_in_settings_repr() -> None:
    s, _ = settings_from_config(_provider_config(host=string_val("h"), password=string_val(PROVIDER_PASSWORD)), {})
    assert s is not None and s.password == PROVIDER_PASSWORD
    assert PROVIDER_PASSWORD not in repr(s)


def test_schemas_load_without_psycopg() -> None:
    import subprocess
    import sys

    code = (
        "import sys\nfrom sheath.providers.native.postgresql import new_provider\n"
        "s = new_provider().get_provider_schema()\nassert len(s.resource_types) == 12 and len(s.data_sources) == 3\n"
        "assert 'psycopg' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


GRANTS = """
resource "postgresql_role" "reader" {
  name  = "grant_reader"
  login = true
}
resource "postgresql_role" "readonly" {
  name = "grant_readonly_group"
}
resource "postgresql_grant_role" "member" {
  role              = "ext_member"  # created outside (postgresql_role.roles is authoritative)
  grant_role        = postgresql_role.readonly.name
  with_admin_option = true
}
resource "postgresql_grant" "connect" {
  database    = "postgres"
  role        = postgresql_role.reader.name
  object_type = "database"
  privileges  = ["CONNECT"]
}
resource "postgresql_grant" "usage" {
  database    = "postgres"
  role        = postgresql_role.reader.name
  schema      = "inv"
  object_type = "schema"
  privileges  = ["USAGE"]
}
resource "postgresql_grant" "tables" {
  database    = "postgres"
  role        = postgresql_role.reader.name
  schema      = "inv"
  object_type = "table"
  objects     = []
  privileges  = ["SELECT"]
}
"""


def test_grants_checked_by_connecting_as_the_role(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    import psycopg

    _sql(postgres, "CREATE ROLE ext_member; CREATE SCHEMA inv; CREATE TABLE inv.items (id int); CREATE TABLE inv.orders (id int)")
    d = tmp_path
    outputs: list[str] = []
    (d / "main.tf").write_text(HEADER.format(port=postgres.port, provider_password=PROVIDER_PASSWORD) + GRANTS)
    _ok(run_sheath, ["init"], d, outputs)
    out = _ok(run_sheath, ["apply", "-auto-approve"], d, outputs)
    assert "Resources: 6 added" in out
    assert _sql(
        postgres,
        "SELECT m.admin_option FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid"
        " WHERE r.rolname = 'ext_member' AND g.rolname = 'grant_readonly_group'",
    ) == [(True,)]
    assert _sql(
        postgres,
        "SELECT has_database_privilege('grant_reader', 'postgres', 'CONNECT'), has_schema_privilege('grant_reader', 'inv', 'USAGE'),"
        " has_schema_privilege('grant_reader', 'inv', 'CREATE'), has_table_privilege('grant_reader', 'inv.items', 'SELECT'),"
        " has_table_privilege('grant_reader', 'inv.orders', 'SELECT'), has_table_privilege('grant_reader', 'inv.items', 'INSERT')",
    ) == [(True, True, False, True, True, False)]
    as_reader = f"postgres://grant_reader@127.0.0.1:{postgres.port}/postgres?sslmode=disable"
    with psycopg.connect(as_reader, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM inv.items").fetchall() == [(0,)]
        try:
            conn.execute("INSERT INTO inv.items VALUES (1)")
            raise AssertionError("the read-only role could insert")
        except psycopg.errors.InsufficientPrivilege:
            pass
    _ok(run_sheath, ["plan", "-detailed-exitcode"], d, outputs)

    # a privilege revoked by hand is drift: the grant is planned again
    _sql(postgres, "REVOKE SELECT ON inv.orders FROM grant_reader")
    _sql(postgres, "REVOKE grant_readonly_group FROM ext_member")
    out = _ok(run_sheath, ["plan", "-detailed-exitcode"], d, outputs, rc=2)
    assert "# postgresql_grant.tables must be replaced" in out
    assert "# postgresql_grant_role.member will be created" in out
    _ok(run_sheath, ["apply", "-auto-approve"], d, outputs)
    assert _sql(postgres, "SELECT has_table_privilege('grant_reader', 'inv.orders', 'SELECT')") == [(True,)]

    _ok(run_sheath, ["destroy", "-auto-approve"], d, outputs)
    assert _sql(postgres, "SELECT count(*) FROM pg_roles WHERE rolname = 'grant_reader'") == [(0,)]
    assert _sql(postgres, "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = 'ext_member'") == [(0,)]
    assert _sql(postgres, "SELECT count(*) FROM pg_class WHERE relname = 'items' AND relacl IS NOT NULL AND relacl::text LIKE '%grant_reader%'") == [(0,)]


def test_without_superuser(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    """superuser = false (a managed service's admin): the provider makes itself a member of a
    role before giving it a database or a schema, and before reassigning what it owns."""
    _sql(postgres, "CREATE ROLE ops_admin LOGIN CREATEDB CREATEROLE")
    d = tmp_path
    outputs: list[str] = []
    header = HEADER.format(port=postgres.port, provider_password=PROVIDER_PASSWORD).replace(
        "max_connections = 4", 'max_connections = 4\n  username = "ops_admin"\n  superuser = false'
    )
    (d / "main.tf").write_text(
        header
        + """
resource "postgresql_role" "owner" {
  name = "svc_owner"
}
resource "postgresql_database" "svc" {
  name  = "svc"
  owner = postgresql_role.owner.name
}
resource "postgresql_schema" "s" {
  name     = "svc_schema"
  database = postgresql_database.svc.name
  owner    = postgresql_role.owner.name
}
"""
    )
    _ok(run_sheath, ["init"], d, outputs)
    _ok(run_sheath, ["apply", "-auto-approve"], d, outputs)
    assert _sql(postgres, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'svc'") == [("svc_owner",)]
    assert _sql(postgres, "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'svc_schema'", "svc") == [("svc_owner",)]
    assert _sql(postgres, "SELECT rolsuper FROM pg_roles WHERE rolname = 'ops_admin'") == [(False,)]
    _ok(run_sheath, ["plan", "-detailed-exitcode"], d, outputs)
    _ok(run_sheath, ["destroy", "-auto-approve"], d, outputs)
    assert _sql(postgres, "SELECT count(*) FROM pg_roles WHERE rolname = 'svc_owner'") == [(0,)]


def test_pool_honours_max_connections(postgres: PostgresServer) -> None:  # noqa: F811
    import threading

    from sheath.providers.native.pg_client import Client, ConnectionSettings

    client = Client()
    client.configure(ConnectionSettings(host="127.0.0.1", port=postgres.port, sslmode="disable", max_connections=2))
    lock = threading.Lock()
    holding = [0]
    most = [0]
    gate = threading.Barrier(2)

    def work() -> None:
        with client.connection() as conn:
            with lock:
                holding[0] += 1
                most[0] = max(most[0], holding[0])
            try:
                gate.wait(timeout=5)  # two holders meet; a third never gets in meanwhile
            except threading.BrokenBarrierError:
                pass
            conn.execute("SELECT 1")
            with lock:
                holding[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most[0] == 2
    rows = _sql(postgres, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'sheath'")
    assert rows[0][0] <= 2
    client.close()


def test_connection_failure_is_a_diagnostic(tmp_path: Path, run_sheath: Any) -> None:
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    d = tmp_path
    (d / "main.tf").write_text(HEADER.format(port=port, provider_password=PROVIDER_PASSWORD) + 'resource "postgresql_role" "r" {\n  name = "x"\n}\n')
    outputs: list[str] = []
    _ok(run_sheath, ["init"], d, outputs)
    r = run_sheath(["apply", "-auto-approve", "-no-color"], d)
    assert r.returncode == 1 and "Error connecting to PostgreSQL server 127.0.0.1" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    assert PROVIDER_PASSWORD not in r.stdout + r.stderr


def test_renames_are_in_place(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    d = tmp_path
    outputs: list[str] = []
    body = """
resource "postgresql_role" "r" {{
  name = "{role}"
}}
resource "postgresql_schema" "s" {{
  name  = "{schema}"
  owner = postgresql_role.r.name
}}
"""
    header = HEADER.format(port=postgres.port, provider_password=PROVIDER_PASSWORD)
    (d / "main.tf").write_text(header + body.format(role="before_role", schema="before_schema"))
    _ok(run_sheath, ["init"], d, outputs)
    _ok(run_sheath, ["apply", "-auto-approve"], d, outputs)
    (d / "main.tf").write_text(header + body.format(role="after_role", schema="after_schema"))
    out = _ok(run_sheath, ["apply", "-auto-approve"], d, outputs)
    assert "Resources: 0 added, 2 changed, 0 destroyed." in out
    assert _sql(postgres, "SELECT rolname FROM pg_roles WHERE rolname LIKE '%\\_role'") == [("after_role",)]
    assert _sql(postgres, "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'after_schema'") == [("after_role",)]
    assert _sql(postgres, "SELECT count(*) FROM pg_namespace WHERE nspname = 'before_schema'") == [(0,)]
    _ok(run_sheath, ["plan", "-detailed-exitcode"], d, outputs)
    _ok(run_sheath, ["destroy", "-auto-approve"], d, outputs)
