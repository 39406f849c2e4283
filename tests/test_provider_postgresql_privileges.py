"""postgresql_default_privileges of the native cyrilgdn/postgresql provider against a real
PostgreSQL the tests start: an application role creates tables, a read-only role gets
SELECT on them by default (checked by connecting as that role), privileges change in
place, with_grant_option replaces, drift made by hand shows, import by the documented id,
and destroy leaves nothing in pg_default_acl."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import psycopg
import pytest

from postgres_helpers import PostgresServer, postgres, run_sql  # noqa: F401 - the fixture

HEADER = """
terraform {{
  required_providers {{
    postgresql = {{ source = "cyrilgdn/postgresql" }}
  }}
}}
provider "postgresql" {{
  host             = "127.0.0.1"
  port             = {port}
  sslmode          = "disable"
  connect_timeout  = 15
  max_connections  = 4
  expected_version = "15"
}}
"""

SETUP = """
resource "postgresql_role" "app" {{
  name  = "shop_app"
  login = true
}}
resource "postgresql_role" "readonly" {{
  name  = "shop_readonly"
  login = true
}}
resource "postgresql_database" "shop" {{
  name  = "shop"
  owner = postgresql_role.app.name
}}
resource "postgresql_schema" "app" {{
  name         = "app"
  database     = postgresql_database.shop.name
  owner        = postgresql_role.app.name
  drop_cascade = true
}}
resource "postgresql_grant" "readonly_usage" {{
  database    = postgresql_database.shop.name
  role        = postgresql_role.readonly.name
  schema      = postgresql_schema.app.name
  object_type = "schema"
  privileges  = ["USAGE"]
}}
resource "postgresql_default_privileges" "readonly_tables" {{
  role              = postgresql_role.readonly.name
  database          = postgresql_database.shop.name
  schema            = postgresql_schema.app.name
  owner             = postgresql_role.app.name
  object_type       = "table"
  privileges        = {table_privileges}
  with_grant_option = {with_grant_option}
}}
resource "postgresql_default_privileges" "readonly_sequences" {{
  role        = postgresql_role.readonly.name
  database    = postgresql_database.shop.name
  owner       = postgresql_role.app.name
  object_type = "sequence"
  privileges  = ["USAGE", "SELECT"]
}}
resource "postgresql_default_privileges" "revoke_public" {{
  database    = postgresql_database.shop.name
  role        = "public"
  owner       = postgresql_role.app.name
  object_type = "function"
  privileges  = []
}}
"""


def _write(d: Path, port: int, table_privileges: str = '["SELECT"]', with_grant_option: str = "false") -> None:
    (d / "main.tf").write_text(HEADER.format(port=port) + SETUP.format(table_privileges=table_privileges, with_grant_option=with_grant_option))


def _ok(run_sheath: Any, args: list[str], d: Path, rc: int = 0) -> str:
    at = 2 if args[0] == "state" else 1
    r = run_sheath([*args[:at], "-no-color", *args[at:]], d)
    assert r.returncode == rc, (args, r.stdout, r.stderr)
    return str(r.stdout)


def _default_acl(server: PostgresServer) -> list[tuple[object, ...]]:
    """(owner, schema or '', object type, ACL items of shop_readonly and PUBLIC) from pg_default_acl."""
    return run_sql(
        server,
        "SELECT pg_get_userbyid(d.defaclrole), coalesce(n.nspname, ''), d.defaclobjtype::text,"
        " ARRAY(SELECT coalesce(pg_get_userbyid(nullif(a.grantee, 0)), 'PUBLIC') || ':' || a.privilege_type || ':' || a.is_grantable"
        "       FROM aclexplode(d.defaclacl) a WHERE a.grantee <> d.defaclrole ORDER BY 1)"
        " FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace ORDER BY 2, 3",
        "shop",
    )


def test_read_only_role_gets_select_on_future_tables(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    d = tmp_path
    _write(d, postgres.port)
    _ok(run_sheath, ["init"], d)
    out = _ok(run_sheath, ["apply", "-auto-approve"], d)
    assert "Resources: 8 added, 0 changed, 0 destroyed." in out

    # the catalogs: pg_default_acl holds exactly what was declared
    assert _default_acl(postgres) == [
        ("shop_app", "", "S", ["shop_readonly:SELECT:false", "shop_readonly:USAGE:false"]),
        ("shop_app", "", "f", []),  # PUBLIC's built-in EXECUTE revoked
        ("shop_app", "app", "r", ["shop_readonly:SELECT:false"]),
    ]

    # the application role creates objects; the read-only role can read them, and only read
    run_sql(
        postgres,
        "CREATE TABLE app.orders (id serial PRIMARY KEY, total numeric); INSERT INTO app.orders (total) VALUES (12.5);"
        " CREATE FUNCTION app.answer() RETURNS int LANGUAGE sql AS 'SELECT 42'",
        "shop",
        user="shop_app",
    )
    assert run_sql(
        postgres,
        "SELECT has_table_privilege('shop_readonly', 'app.orders', 'SELECT'), has_table_privilege('shop_readonly', 'app.orders', 'INSERT'),"
        " has_sequence_privilege('shop_readonly', 'app.orders_id_seq', 'USAGE'), has_function_privilege('public', 'app.answer()', 'EXECUTE')",
        "shop",
    ) == [(True, False, True, False)]
    assert run_sql(postgres, "SELECT total::text FROM app.orders", "shop", user="shop_readonly") == [("12.5",)]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        run_sql(postgres, "INSERT INTO app.orders (total) VALUES (1)", "shop", user="shop_readonly")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        run_sql(postgres, "SELECT app.answer()", "shop", user="shop_readonly")
    _ok(run_sheath, ["plan", "-detailed-exitcode"], d)

    # privileges change in place: revoke and grant again
    _write(d, postgres.port, table_privileges='["SELECT", "INSERT"]')
    out = _ok(run_sheath, ["plan"], d)
    assert "# postgresql_default_privileges.readonly_tables will be updated in-place" in out and "must be replaced" not in out
    assert "Plan: 0 to add, 1 to change, 0 to destroy." in out
    _ok(run_sheath, ["apply", "-auto-approve"], d)
    run_sql(postgres, "CREATE TABLE app.refunds (id int)", "shop", user="shop_app")
    run_sql(postgres, "INSERT INTO app.refunds VALUES (1)", "shop", user="shop_readonly")
    assert run_sql(postgres, "SELECT has_table_privilege('shop_readonly', 'app.orders', 'INSERT')", "shop") == [(False,)]  # existing tables keep theirs
    _ok(run_sheath, ["plan", "-detailed-exitcode"], d)

    # with_grant_option forces replacement
    _write(d, postgres.port, table_privileges='["SELECT", "INSERT"]', with_grant_option="true")
    out = _ok(run_sheath, ["plan"], d)
    assert "# postgresql_default_privileges.readonly_tables must be replaced" in out
    assert re.search(r"~ with_grant_option\s+= false -> true # forces replacement", out), out
    _ok(run_sheath, ["apply", "-auto-approve"], d)
    assert _default_acl(postgres)[2] == ("shop_app", "app", "r", ["shop_readonly:INSERT:true", "shop_readonly:SELECT:true"])
    _ok(run_sheath, ["plan", "-detailed-exitcode"], d)

    # drift made by hand shows in the plan, and apply puts it back
    run_sql(postgres, "ALTER DEFAULT PRIVILEGES FOR ROLE shop_app IN SCHEMA app REVOKE INSERT ON TABLES FROM shop_readonly", "shop")
    run_sql(postgres, "ALTER DEFAULT PRIVILEGES FOR ROLE shop_app GRANT EXECUTE ON FUNCTIONS TO PUBLIC", "shop")  # back to the built-in default
    out = _ok(run_sheath, ["plan", "-detailed-exitcode"], d, rc=2)
    assert "# postgresql_default_privileges.readonly_tables will be updated in-place" in out
    assert '+ "INSERT"' in out
    assert "# postgresql_default_privileges.revoke_public will be updated in-place" in out and '- "EXECUTE"' in out
    _ok(run_sheath, ["apply", "-auto-approve"], d)
    assert _default_acl(postgres)[1:] == [
        ("shop_app", "", "f", []),
        ("shop_app", "app", "r", ["shop_readonly:INSERT:true", "shop_readonly:SELECT:true"]),
    ]

    # privileges revoked entirely by hand: the resource is gone and planned again
    run_sql(postgres, "ALTER DEFAULT PRIVILEGES FOR ROLE shop_app REVOKE ALL ON SEQUENCES FROM shop_readonly", "shop")
    out = _ok(run_sheath, ["plan", "-detailed-exitcode"], d, rc=2)
    assert "# postgresql_default_privileges.readonly_sequences will be created" in out
    _ok(run_sheath, ["apply", "-auto-approve"], d)

    # import by the documented id (<role>@<database>@<owner>@<object_type>@<schema>@<with_grant_option>)
    for addr, id in (
        ("postgresql_default_privileges.readonly_tables", "shop_readonly@shop@shop_app@table@app@true"),
        ("postgresql_default_privileges.readonly_sequences", "shop_readonly@shop@shop_app@sequence@@false"),
        ("postgresql_default_privileges.revoke_public", "public@shop@shop_app@function@noschema@false"),
    ):
        _ok(run_sheath, ["state", "rm", addr], d)
        out = _ok(run_sheath, ["import", addr, id], d)
        assert "Import successful!" in out
    shown = _ok(run_sheath, ["state", "show", "postgresql_default_privileges.readonly_sequences"], d)
    assert re.search(r'id\s+= "shop_readonly_shop_noschema_shop_app_sequence"', shown), shown
    _ok(run_sheath, ["plan", "-detailed-exitcode"], d)
    r = run_sheath(["import", "-no-color", "postgresql_default_privileges.readonly_tables", "shop_readonly@shop@shop_app@index@app@false"], d)
    assert r.returncode == 1 and "invalid import id" in r.stderr

    # the tables made by hand above hold grants to shop_readonly (given by the default
    # privileges) that only dropping them removes; nothing in the configuration orders the
    # readonly role's drop after the database's, so they go first (as a team would drop
    # what it made outside the configuration) and the destroy does not race them
    run_sql(postgres, "DROP TABLE app.orders, app.refunds", "shop")
    out = _ok(run_sheath, ["destroy", "-auto-approve"], d)
    assert "Resources: 8 destroyed." in out
    assert run_sql(postgres, "SELECT count(*) FROM pg_roles WHERE rolname IN ('shop_app', 'shop_readonly')") == [(0,)]
    assert run_sql(postgres, "SELECT count(*) FROM pg_database WHERE datname = 'shop'") == [(0,)]


def test_default_privileges_in_the_provider_database_are_revoked_on_destroy(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    """Default privileges between roles sheath does not manage, for ALL table privileges (read
    back as ALL), schemas and types; a default granted by hand beforehand is replaced; destroy
    revokes them."""
    run_sql(postgres, "CREATE ROLE etl_owner; CREATE ROLE etl_reader; CREATE SCHEMA etl AUTHORIZATION etl_owner; GRANT CREATE ON DATABASE postgres TO etl_owner")
    run_sql(postgres, "ALTER DEFAULT PRIVILEGES FOR ROLE etl_owner IN SCHEMA etl GRANT UPDATE ON TABLES TO etl_reader")
    d = tmp_path
    (d / "main.tf").write_text(
        HEADER.format(port=postgres.port)
        + """
resource "postgresql_default_privileges" "all_tables" {
  role        = "etl_reader"
  database    = "postgres"
  owner       = "etl_owner"
  schema      = "etl"
  object_type = "table"
  privileges  = ["ALL"]
}
resource "postgresql_default_privileges" "schemas" {
  role        = "etl_reader"
  database    = "postgres"
  owner       = "etl_owner"
  object_type = "schema"
  privileges  = ["USAGE"]
}
resource "postgresql_default_privileges" "types" {
  role        = "etl_reader"
  database    = "postgres"
  owner       = "etl_owner"
  schema      = "etl"
  object_type = "type"
  privileges  = ["USAGE"]
}
"""
    )
    _ok(run_sheath, ["init"], d)
    _ok(run_sheath, ["apply", "-auto-approve"], d)
    run_sql(postgres, "SET ROLE etl_owner; CREATE TABLE etl.t (id int); CREATE SCHEMA etl_more; CREATE TYPE etl.mood AS ENUM ('ok')")
    assert run_sql(
        postgres,
        "SELECT has_table_privilege('etl_reader', 'etl.t', 'SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER'),"
        " has_table_privilege('etl_reader', 'etl.t', 'SELECT WITH GRANT OPTION'), has_schema_privilege('etl_reader', 'etl_more', 'USAGE'),"
        " has_schema_privilege('etl_reader', 'etl_more', 'CREATE'), has_type_privilege('etl_reader', 'etl.mood', 'USAGE')",
    ) == [(True, False, True, False, True)]
    _ok(run_sheath, ["plan", "-detailed-exitcode"], d)  # ALL read back as ALL
    _ok(run_sheath, ["destroy", "-auto-approve"], d)
    rows = run_sql(
        postgres,
        "SELECT count(*) FROM pg_default_acl d, aclexplode(d.defaclacl) a WHERE a.grantee = (SELECT oid FROM pg_roles WHERE rolname = 'etl_reader')",
    )
    assert rows == [(0,)]


def test_invalid_arguments_are_diagnostics(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    d = tmp_path
    (d / "main.tf").write_text(
        HEADER.format(port=postgres.port)
        + """
resource "postgresql_default_privileges" "bad_type" {
  role        = "r"
  database    = "postgres"
  owner       = "o"
  object_type = "index"
  privileges  = []
}
resource "postgresql_default_privileges" "schema_in_schema" {
  role        = "r"
  database    = "postgres"
  owner       = "o"
  schema      = "public"
  object_type = "schema"
  privileges  = ["USAGE"]
}
resource "postgresql_default_privileges" "public_grant_option" {
  role              = "PUBLIC"
  database          = "postgres"
  owner             = "o"
  object_type       = "sequence"
  privileges        = ["EXECUTE"]
  with_grant_option = true
}
"""
    )
    _ok(run_sheath, ["init"], d)
    r = run_sheath(["plan", "-no-color"], d)
    assert r.returncode == 1
    for text in (
        "object_type must be one of table, sequence, function, type, schema",
        'Cannot specify "schema" when "object_type" is "schema"',
        "with_grant_option cannot be true for role 'public'",
        "'EXECUTE' is not a privilege of sequence objects",
    ):
        assert text in r.stderr, (text, r.stderr)
    assert "Traceback" not in r.stderr


def test_state_written_by_the_community_provider_plans_no_changes(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    """A state as the community provider 1.25.0 writes it (schema version 0, id
    <role>_<database>_<schema|noschema>_<owner>_<object_type>, an unset schema as null)."""
    run_sql(postgres, "CREATE ROLE legacy_owner; CREATE ROLE legacy_reader")
    run_sql(postgres, "ALTER DEFAULT PRIVILEGES FOR ROLE legacy_owner IN SCHEMA public GRANT SELECT ON TABLES TO legacy_reader")
    run_sql(postgres, "ALTER DEFAULT PRIVILEGES FOR ROLE legacy_owner GRANT USAGE ON TYPES TO legacy_reader")
    d = tmp_path
    (d / "main.tf").write_text(
        HEADER.format(port=postgres.port)
        + """
resource "postgresql_default_privileges" "tables" {
  role        = "legacy_reader"
  database    = "postgres"
  schema      = "public"
  owner       = "legacy_owner"
  object_type = "table"
  privileges  = ["SELECT"]
}
resource "postgresql_default_privileges" "types" {
  role        = "legacy_reader"
  database    = "postgres"
  owner       = "legacy_owner"
  object_type = "type"
  privileges  = ["USAGE"]
}
"""
    )
    _ok(run_sheath, ["init"], d)

    def instance(name: str, schema: str | None, kind: str, privilege: str) -> dict[str, Any]:
        attrs = {
            "database": "postgres",
            "id": f"legacy_reader_postgres_{schema or 'noschema'}_legacy_owner_{kind}",
            "object_type": kind,
            "owner": "legacy_owner",
            "privileges": [privilege],
            "role": "legacy_reader",
            "schema": schema,
            "with_grant_option": False,
        }
        return {
            "mode": "managed",
            "type": "postgresql_default_privileges",
            "name": name,
            "provider": 'provider["registry.terraform.io/cyrilgdn/postgresql"]',
            "instances": [{"schema_version": 0, "attributes": attrs, "sensitive_attributes": []}],
        }

    state = {
        "version": 4,
        "terraform_version": "1.11.4",
        "serial": 3,
        "lineage": "5b0c1ad4-0d8e-4c4b-9a55-1f3f0c2b7e11",
        "outputs": {},
        "resources": [instance("tables", "public", "table", "SELECT"), instance("types", None, "type", "USAGE")],
        "check_results": None,
    }
    (d / "terraform.tfstate").write_text(json.dumps(state))
    _ok(run_sheath, ["plan", "-detailed-exitcode"], d)


def test_without_superuser_the_provider_joins_the_owner(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    run_sql(postgres, "CREATE ROLE dp_admin LOGIN CREATEROLE; CREATE ROLE dp_owner; CREATE ROLE dp_reader")
    d = tmp_path
    header = HEADER.format(port=postgres.port).replace('expected_version = "15"', 'expected_version = "15"\n  username = "dp_admin"\n  superuser = false')
    (d / "main.tf").write_text(
        header
        + """
resource "postgresql_default_privileges" "seq" {
  role        = "dp_reader"
  database    = "postgres"
  owner       = "dp_owner"
  object_type = "sequence"
  privileges  = ["SELECT"]
}
"""
    )
    _ok(run_sheath, ["init"], d)
    _ok(run_sheath, ["apply", "-auto-approve"], d)
    assert run_sql(
        postgres,
        "SELECT a.privilege_type FROM pg_default_acl d, aclexplode(d.defaclacl) a"
        " WHERE d.defaclrole = 'dp_owner'::regrole AND a.grantee = 'dp_reader'::regrole AND d.defaclobjtype = 'S'",
    ) == [("SELECT",)]
    assert run_sql(postgres, "SELECT rolsuper FROM pg_roles WHERE rolname = 'dp_admin'") == [(False,)]
    _ok(run_sheath, ["plan", "-detailed-exitcode"], d)
    _ok(run_sheath, ["destroy", "-auto-approve"], d)
    assert run_sql(postgres, "SELECT count(*) FROM pg_default_acl WHERE defaclrole = 'dp_owner'::regrole") == [(0,)]


def test_gone_when_the_database_is_dropped(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    run_sql(postgres, "CREATE ROLE gone_owner; CREATE ROLE gone_reader")
    run_sql(postgres, "CREATE DATABASE gone_db")
    d = tmp_path
    (d / "main.tf").write_text(
        HEADER.format(port=postgres.port)
        + """
resource "postgresql_default_privileges" "t" {
  role        = "gone_reader"
  database    = "gone_db"
  owner       = "gone_owner"
  object_type = "table"
  privileges  = ["SELECT"]
}
"""
    )
    _ok(run_sheath, ["init"], d)
    _ok(run_sheath, ["apply", "-auto-approve"], d)
    run_sql(postgres, "DROP DATABASE gone_db")
    out = _ok(run_sheath, ["plan", "-detailed-exitcode"], d, rc=2)
    assert "# postgresql_default_privileges.t will be created" in out
    run_sql(postgres, "DROP ROLE gone_reader")  # a role dropped by hand: gone as well
    run_sql(postgres, "CREATE DATABASE gone_db")
    out = _ok(run_sheath, ["plan", "-detailed-exitcode"], d, rc=2)
    assert "# postgresql_default_privileges.t will be created" in out
