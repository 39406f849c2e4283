"""postgresql_table (sheath's own table resource in the native postgresql provider) against
a real PostgreSQL the tests start: a schema evolution through several applies, each checked
against the catalogs, and the DDL each plan shows (its ``ddl`` attribute, read from
``show -json`` of the saved plan and from the plan's text) is exactly what ran (recorded by
an event trigger in the database); data-loss refusals with the values at stake; drift made
by hand; import then no changes; destroy."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from postgres_helpers import PROVIDER_CONFIG, PostgresServer, create_database, postgres, run_sql  # noqa: F401 - the fixture

DB = "shop"

HEADER = PROVIDER_CONFIG

CUSTOMERS = """
resource "postgresql_table" "customers" {
  name = "customers"
  column {
    name     = "id"
    type     = "bigint"
    nullable = false
  }
  column {
    name = "email"
    type = "text"
  }
  primary_key { columns = ["id"] }
  unique { columns = ["email"] }
}
"""

# the DDL the database ran, recorded by an event trigger (current_query() of each DDL command)
AUDIT = """
CREATE SCHEMA audit;
CREATE TABLE audit.ddl (n bigserial, query text);
CREATE FUNCTION audit.record() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit.ddl (query) VALUES (current_query());
END $$;
CREATE EVENT TRIGGER record_ddl ON ddl_command_end EXECUTE FUNCTION audit.record();
"""


def _orders(*, total_default: str = "0", note: bool = False, customer: bool = False, allow: bool = False) -> str:
    cols = [
        '  column {\n    name     = "id"\n    type     = "bigint"\n    nullable = false\n    identity = "always"\n  }',
        f'  column {{\n    name    = "total"\n    type    = "numeric(12,2)"\n    default = "{total_default}"\n    comment = "gross, in cents"\n  }}',
    ]
    if note:
        cols.append('  column {\n    name = "note"\n    type = "varchar(200)"\n  }')
    if customer:
        cols.append('  column {\n    name = "customer_id"\n    type = "bigint"\n  }')
    extra = ['  primary_key { columns = ["id"] }', '  check { expression = "total >= 0" }']
    if customer:
        extra.append(
            "  foreign_key {\n    columns            = [\"customer_id\"]\n    references_table   = postgresql_table.customers.name\n"
            '    references_columns = ["id"]\n    on_delete          = "CASCADE"\n  }'
        )
        extra.append('  unique {\n    name    = "orders_customer_total"\n    columns = ["customer_id", "total"]\n  }')
    body = "\n".join(cols + extra)
    flag = "\n  allow_data_loss = true" if allow else ""
    return f'resource "postgresql_table" "orders" {{\n  name    = "orders"\n  comment = "one row per order"{flag}\n{body}\n}}\n'


def _write(d: Path, port: int, orders: str, db: str = DB) -> None:
    (d / "main.tf").write_text(HEADER.format(port=port, db=db) + CUSTOMERS + orders)


def _ok(run_sheath: Any, args: list[str], d: Path, rc: int = 0) -> str:
    at = 2 if args[0] == "state" else 1  # options after the subcommand
    r = run_sheath([*args[:at], "-no-color", *args[at:]], d)
    assert r.returncode == rc, (args, r.stdout[-3000:], r.stderr)
    return str(r.stdout) + str(r.stderr)


def _audit(server: PostgresServer, db: str = DB) -> list[str]:
    return [str(q) for (q,) in run_sql(server, "SELECT query FROM audit.ddl ORDER BY n", db)]


def _planned_ddl(run_sheath: Any, d: Path) -> tuple[dict[str, list[str]], str]:
    """plan -out, then the ddl each resource's planned object shows (show -json) and the plan's text."""
    text = _ok(run_sheath, ["plan", "-out=tfplan"], d)
    doc = json.loads(_ok(run_sheath, ["show", "-json", "tfplan"], d))
    ddl = {
        rc["address"]: rc["change"]["after"]["ddl"]
        for rc in doc.get("resource_changes", [])
        if rc["change"]["actions"] != ["no-op"] and rc["change"]["after"]
    }
    return ddl, text


def _apply_plan_and_check_ddl(run_sheath: Any, d: Path, server: PostgresServer, db: str = DB) -> dict[str, list[str]]:
    """Apply a saved plan; the statements the database ran are exactly the planned ddl."""
    ddl, text = _planned_ddl(run_sheath, d)
    for stmts in ddl.values():
        for s in stmts:
            assert json.dumps(s) in text, (s, text)  # the plan's text shows each statement
    run_sql(server, "TRUNCATE audit.ddl", db)
    _ok(run_sheath, ["apply", "tfplan"], d)
    ran = _audit(server, db)
    assert sorted(ran) == sorted(s for stmts in ddl.values() for s in stmts)
    return ddl


def _columns(server: PostgresServer, table: str, db: str = DB) -> list[tuple[Any, ...]]:
    return run_sql(
        server,
        "SELECT column_name, data_type, is_nullable, column_default, is_identity FROM information_schema.columns"
        f" WHERE table_schema = 'public' AND table_name = '{table}' ORDER BY ordinal_position",
        db,
    )


def _constraints(server: PostgresServer, table: str) -> list[tuple[Any, ...]]:
    return run_sql(
        server,
        f"SELECT conname, contype::text, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'public.{table}'::regclass ORDER BY conname",
        DB,
    )


def test_schema_evolution(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    create_database(postgres, DB)
    run_sql(postgres, AUDIT, DB)
    d = tmp_path / "w"
    d.mkdir()

    # 1. create
    _write(d, postgres.port, _orders())
    _ok(run_sheath, ["init"], d)
    ddl = _apply_plan_and_check_ddl(run_sheath, d, postgres)
    assert ddl["postgresql_table.orders"] == [
        'CREATE TABLE "public"."orders" ("id" bigint NOT NULL GENERATED ALWAYS AS IDENTITY, "total" numeric(12,2) DEFAULT 0,'
        ' CONSTRAINT "orders_pkey" PRIMARY KEY ("id"), CONSTRAINT "orders_check_2b8d0fba" CHECK (total >= 0))'.replace(
            "orders_check_2b8d0fba", _check_name(ddl)
        ),
        'COMMENT ON TABLE "public"."orders" IS \'one row per order\'',
        'COMMENT ON COLUMN "public"."orders"."total" IS \'gross, in cents\'',
    ]
    assert _columns(postgres, "orders") == [
        ("id", "bigint", "NO", None, "YES"),
        ("total", "numeric", "YES", "0", "NO"),
    ]
    assert [c[:2] for c in _constraints(postgres, "orders")] == [(_check_name(ddl), "c"), ("orders_pkey", "p")]
    assert run_sql(postgres, "SELECT obj_description('public.orders'::regclass, 'pg_class')", DB) == [("one row per order",)]
    _ok(run_sheath, ["plan", "-detailed-exitcode"], d)  # no changes: the state round-trips

    # 2. add a column
    _write(d, postgres.port, _orders(note=True))
    ddl = _apply_plan_and_check_ddl(run_sheath, d, postgres)
    assert ddl == {"postgresql_table.orders": ['ALTER TABLE "public"."orders" ADD COLUMN "note" varchar(200)']}
    assert _columns(postgres, "orders")[-1] == ("note", "character varying", "YES", None, "NO")

    # 3. change a default
    _write(d, postgres.port, _orders(note=True, total_default="1"))
    ddl = _apply_plan_and_check_ddl(run_sheath, d, postgres)
    assert ddl == {"postgresql_table.orders": ['ALTER TABLE "public"."orders" ALTER COLUMN "total" SET DEFAULT 1']}
    assert _columns(postgres, "orders")[1][3] == "1"

    # 4. a foreign key and a unique constraint (with the column they need)
    _write(d, postgres.port, _orders(note=True, total_default="1", customer=True))
    ddl = _apply_plan_and_check_ddl(run_sheath, d, postgres)
    assert ddl == {
        "postgresql_table.orders": [
            'ALTER TABLE "public"."orders" ADD COLUMN "customer_id" bigint',
            'ALTER TABLE "public"."orders" ADD CONSTRAINT "orders_customer_total" UNIQUE ("customer_id", "total")',
            'ALTER TABLE "public"."orders" ADD CONSTRAINT "orders_customer_id_fkey" FOREIGN KEY ("customer_id")'
            ' REFERENCES "public"."customers" ("id") ON DELETE CASCADE',
        ]
    }
    cons = {c[0]: c[2] for c in _constraints(postgres, "orders")}
    assert cons["orders_customer_id_fkey"] == "FOREIGN KEY (customer_id) REFERENCES customers(id) ON DELETE CASCADE"
    assert cons["orders_customer_total"] == "UNIQUE (customer_id, total)"
    _ok(run_sheath, ["plan", "-detailed-exitcode"], d)

    # 5. dropping a column that holds values is refused, with the values at stake; then allowed
    run_sql(postgres, "INSERT INTO customers VALUES (1, 'a@example.com')", DB)
    run_sql(postgres, "INSERT INTO orders (total, note, customer_id) VALUES (5, 'first', 1), (7, 'second', 1), (9, NULL, 1)", DB)
    _write(d, postgres.port, _orders(total_default="1", customer=True))
    out = _ok(run_sheath, ["plan"], d, rc=1)
    assert "Change would lose data" in out and "shop.public.orders" in out
    assert "drop column 'note': 2 non-null values at stake" in out
    assert "postgresql_table.orders" in out  # the diagnostic names the resource
    out = _ok(run_sheath, ["apply", "-auto-approve"], d, rc=1)
    assert "Change would lose data" in out
    assert _columns(postgres, "orders")[2][0] == "note"  # nothing ran
    _write(d, postgres.port, _orders(total_default="1", customer=True, allow=True))
    ddl = _apply_plan_and_check_ddl(run_sheath, d, postgres)
    assert ddl == {"postgresql_table.orders": ['ALTER TABLE "public"."orders" DROP COLUMN "note"']}
    assert [c[0] for c in _columns(postgres, "orders")] == ["id", "total", "customer_id"]
    assert run_sql(postgres, "SELECT count(*) FROM orders", DB) == [(3,)]
    _ok(run_sheath, ["plan", "-detailed-exitcode"], d)

    # narrowing a type is a loss too
    _write(d, postgres.port, _orders(total_default="1", customer=True).replace("numeric(12,2)", "numeric(4,2)"))
    out = _ok(run_sheath, ["plan"], d, rc=1)
    assert "change the type of column 'total' from numeric(12,2) to numeric(4,2): 3 non-null values at stake" in out


def test_drift_import_destroy(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    db = "depot"
    create_database(postgres, db)
    run_sql(postgres, AUDIT, db)
    d = tmp_path
    _write(d, postgres.port, _orders(total_default="1", customer=True, allow=True), db)
    _ok(run_sheath, ["init"], d)
    _ok(run_sheath, ["apply", "-auto-approve"], d)
    run_sql(postgres, "INSERT INTO customers VALUES (1, 'a@example.com')", db)
    run_sql(postgres, "INSERT INTO orders (total, customer_id) VALUES (5, 1)", db)

    # drift: a column added and a default changed by hand show in the plan, apply puts them back
    run_sql(postgres, "ALTER TABLE orders ADD COLUMN extra integer", db)
    run_sql(postgres, "ALTER TABLE orders ALTER COLUMN total SET DEFAULT 3", db)
    out = _ok(run_sheath, ["plan", "-detailed-exitcode"], d, rc=2)
    assert '"extra"' in out and 'ALTER TABLE \\"public\\".\\"orders\\" DROP COLUMN \\"extra\\"' in out, out
    assert re.search(r"~ default\s+= \"3\" -> \"1\"", out), out
    ddl = _apply_plan_and_check_ddl(run_sheath, d, postgres, db)
    assert ddl == {
        "postgresql_table.orders": [
            'ALTER TABLE "public"."orders" DROP COLUMN "extra"',
            'ALTER TABLE "public"."orders" ALTER COLUMN "total" SET DEFAULT 1',
        ]
    }
    assert [c[0] for c in _columns(postgres, "orders", db)] == ["id", "total", "customer_id"]
    _ok(run_sheath, ["plan", "-detailed-exitcode"], d)

    # in place: widen a type, make a column NOT NULL, a new owner and comment (values kept)
    run_sql(postgres, "DO $$ BEGIN CREATE ROLE table_owner; EXCEPTION WHEN duplicate_object THEN NULL; END $$", db)
    orders = _orders(total_default="1", customer=True, allow=True).replace("numeric(12,2)", "numeric(14,2)")
    orders = orders.replace('type = "bigint"\n  }', 'type = "bigint"\n    nullable = false\n  }', 2)
    orders = orders.replace('comment = "one row per order"', 'comment = "orders"\n  owner   = "table_owner"')
    _write(d, postgres.port, orders, db)
    ddl = _apply_plan_and_check_ddl(run_sheath, d, postgres, db)
    a = 'ALTER TABLE "public"."orders" '
    assert ddl == {
        "postgresql_table.orders": [
            a + 'ALTER COLUMN "total" TYPE numeric(14,2)',
            a + 'ALTER COLUMN "customer_id" SET NOT NULL',
            "COMMENT ON TABLE \"public\".\"orders\" IS 'orders'",
            a + 'OWNER TO "table_owner"',
        ]
    }
    assert _columns(postgres, "orders", db) == [
        ("id", "bigint", "NO", None, "YES"),
        ("total", "numeric", "YES", "1", "NO"),
        ("customer_id", "bigint", "NO", None, "NO"),
    ]
    assert run_sql(postgres, "SELECT numeric_precision FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'total'", db) == [(14,)]
    assert run_sql(postgres, "SELECT pg_get_userbyid(relowner), obj_description(oid, 'pg_class'), (SELECT count(*) FROM orders) FROM pg_class WHERE relname = 'orders'", db) == [("table_owner", "orders", 1)]
    _ok(run_sheath, ["plan", "-detailed-exitcode"], d)

    # one transaction: the second statement fails (duplicates), so the first is undone too
    run_sql(postgres, "INSERT INTO orders (total, customer_id) VALUES (6, 1)", db)
    failing = orders.replace("  primary_key", '  column {\n    name = "flag"\n    type = "boolean"\n  }\n  unique { columns = ["customer_id"] }\n  primary_key')
    _write(d, postgres.port, failing, db)
    out = _ok(run_sheath, ["apply", "-auto-approve"], d, rc=1)
    assert 'ADD COLUMN \\"flag\\" boolean' in out and "could not create unique index" in out, out
    assert [c[0] for c in _columns(postgres, "orders", db)] == ["id", "total", "customer_id"]
    _write(d, postgres.port, orders, db)
    _ok(run_sheath, ["plan", "-detailed-exitcode"], d)

    # import (id <database>.<schema>.<table>), then no changes
    _ok(run_sheath, ["state", "rm", "postgresql_table.customers"], d)
    out = _ok(run_sheath, ["import", "postgresql_table.customers", f"{db}.public.customers"], d)
    assert "Import successful!" in out
    _ok(run_sheath, ["plan", "-detailed-exitcode"], d)
    out = _ok(run_sheath, ["import", "postgresql_table.missing", f"{db}.public.missing"], d, rc=1)

    # destroy: a table with rows is refused at plan time unless its state allows data loss
    # (orders' does), so nothing is dropped
    out = _ok(run_sheath, ["destroy", "-auto-approve"], d, rc=1)
    assert f"{db}.public.customers" in out and "drop the table: 1 row at stake" in out
    assert "Warning: Change will lose data" in out and f"{db}.public.orders: this change loses data" in out  # allowed, shown
    assert run_sql(postgres, "SELECT count(*) FROM customers", db) == [(1,)]
    assert run_sql(postgres, "SELECT to_regclass('public.orders') IS NOT NULL", db) == [(True,)]
    run_sql(postgres, "DELETE FROM customers", db)
    _ok(run_sheath, ["destroy", "-auto-approve"], d)
    assert run_sql(postgres, "SELECT count(*) FROM pg_class WHERE relname IN ('orders', 'customers')", db) == [(0,)]


def _check_name(ddl: dict[str, list[str]]) -> str:
    create = ddl["postgresql_table.orders"][0]
    return create.split('CONSTRAINT "')[2].split('"')[0]


# --- the DDL, without a server ------------------------------------------------------------------


def test_widening_types() -> None:
    from sheath.providers.native.pg_table_ddl import widens

    for old, new in (("smallint", "bigint"), ("integer", "numeric(12,2)"), ("numeric(6,2)", "numeric(9,3)"),
                     ("character varying(10)", "text"), ("character varying(10)", "character varying(20)"), ("real", "double precision")):
        assert widens(old, new), (old, new)
    for old, new in (("bigint", "integer"), ("integer", "numeric(8,2)"), ("numeric(6,2)", "numeric(6,3)"),
                     ("text", "character varying(5)"), ("character varying(20)", "character varying(10)"), ("text", "integer")):
        assert not widens(old, new), (old, new)


def test_alter_statements_order_renames_and_losses() -> None:
    from sheath.providers.native.pg_table_ddl import Column, Constraint, Table, alter_statements

    old = Table("db", "s", "t", owner="a", columns=(
        Column("id", "integer", nullable=False), Column("gone", "text"), Column("code", "text", default="'x'"),
    ), constraints=(Constraint("primary_key", "t_pkey", ("id",)), Constraint("unique", "old_name", ("code",))))
    new = Table("db", "s", "t", owner="b", comment="it's", columns=(
        Column("id", "bigint", nullable=False, identity="by_default"), Column("code", "integer"), Column("added", "date", comment="new"),
    ), constraints=(Constraint("primary_key", "t_pkey", ("id",)), Constraint("unique", "t_code_key", ("code",))))
    ch = alter_statements(old, new, old, new)
    a = 'ALTER TABLE "s"."t" '
    assert ch.statements == [
        a + 'RENAME CONSTRAINT "old_name" TO "t_code_key"',
        a + 'DROP COLUMN "gone"',
        a + 'ALTER COLUMN "id" TYPE bigint',
        a + 'ALTER COLUMN "id" ADD GENERATED BY DEFAULT AS IDENTITY',
        a + 'ALTER COLUMN "code" DROP DEFAULT',
        a + 'ALTER COLUMN "code" TYPE integer USING "code"::integer',
        a + 'ADD COLUMN "added" date',
        'COMMENT ON TABLE "s"."t" IS \'it\'\'s\'',
        'COMMENT ON COLUMN "s"."t"."added" IS \'new\'',
        a + 'OWNER TO "b"',
    ]
    assert [(loss.what, loss.column) for loss in ch.losses] == [
        ("drop column 'gone'", "gone"),
        ("change the type of column 'code' from text to integer", "code"),
    ]
    assert alter_statements(new, new, new, new).statements == []


def test_validate_refuses_impossible_tables(tmp_path: Path, run_sheath: Any) -> None:
    (tmp_path / "main.tf").write_text(
        HEADER.format(port=5432, db=DB)
        + """
resource "postgresql_table" "bad" {
  name = "bad"
  column {
    name = "id"
    type = "serial"
  }
  column {
    name     = "n"
    type     = "bigint"
    identity = "always"
  }
  column {
    name     = "n"
    type     = "bigint"
    default  = "1"
    identity = "sometimes"
    nullable = false
  }
  primary_key { columns = ["id"] }
  unique { columns = ["nope"] }
  foreign_key {
    columns            = ["id"]
    references_table   = "other"
    references_columns = ["id"]
    on_delete          = "EXPLODE"
  }
}
"""
    )
    _ok(run_sheath, ["init"], tmp_path)
    out = _ok(run_sheath, ["plan"], tmp_path, rc=1)  # (sheath validate does not ask native providers yet)
    for summary in (
        "Invalid column type",  # serial
        "Identity column must not be nullable",
        "Duplicate column",
        "Invalid identity",
        "Conflicting column arguments",
        "Primary key column must not be nullable",
        "Unknown column",
        "Invalid referential action",
    ):
        assert f"Error: {summary}" in out, (summary, out)


def test_another_database_replaces_the_table(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    for db in ("move_from", "move_to"):
        create_database(postgres, db)
    table = 'resource "postgresql_table" "t" {\n  database = "%s"\n  name     = "moving"\n  column {\n    name = "v"\n    type = "text"\n  }\n}\n'
    (tmp_path / "main.tf").write_text(HEADER.format(port=postgres.port, db="postgres") + table % "move_from")
    _ok(run_sheath, ["init"], tmp_path)
    _ok(run_sheath, ["apply", "-auto-approve"], tmp_path)
    run_sql(postgres, "INSERT INTO moving VALUES ('kept?')", "move_from")
    (tmp_path / "main.tf").write_text(HEADER.format(port=postgres.port, db="postgres") + table % "move_to")
    out = _ok(run_sheath, ["plan"], tmp_path, rc=1)
    assert "replace the table (database move_from -> move_to): 1 row at stake" in out
    run_sql(postgres, "DELETE FROM moving", "move_from")
    out = _ok(run_sheath, ["apply", "-auto-approve"], tmp_path)
    assert "must be replaced" in out and "Resources: 1 added, 0 changed, 1 destroyed." in out
    assert run_sql(postgres, "SELECT to_regclass('public.moving') IS NULL", "move_from") == [(True,)]
    assert run_sql(postgres, "SELECT to_regclass('public.moving') IS NOT NULL", "move_to") == [(True,)]
    _ok(run_sheath, ["plan", "-detailed-exitcode"], tmp_path)
