"""postgresql_view and postgresql_materialized_view (sheath's own resources in the native
postgresql provider) against a real PostgreSQL the tests start: create, a respelled query
that plans no change, CREATE OR REPLACE in place, drop and create in one transaction,
options, comments, with_data, an index on a materialized view, a dependent view's refusal
as a diagnostic, drift made by hand, import and destroy, each checked against the catalogs;
the DDL each plan shows is exactly what ran (recorded by an event trigger)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from postgres_helpers import PostgresServer, create_database, postgres, run_sql  # noqa: F401 - the fixture
from test_pg_index import run_ok
from test_pg_table import AUDIT, HEADER

TABLE = """
CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(12,2), customer text);
INSERT INTO orders VALUES (1, 10, 'ann'), (2, 0, 'bob'), (3, 5, 'ann');
"""


def _res(kind: str, label: str, body: str) -> str:
    return f'resource "postgresql_{kind}" "{label}" {{\n{body}\n}}\n'


def _view(label: str, name: str, query: str, extra: str = "") -> str:
    return _res("view", label, f'  name  = "{name}"\n  query = {json.dumps(query)}\n{extra}')


def _matview(label: str, name: str, query: str, extra: str = "") -> str:
    return _res("materialized_view", label, f'  name  = "{name}"\n  query = {json.dumps(query)}\n{extra}')


def _write(d: Path, port: int, db: str, *resources: str) -> None:
    (d / "main.tf").write_text(HEADER.format(port=port, db=db) + "".join(resources))


def apply_exact(run_sheath: Any, d: Path, server: PostgresServer, db: str) -> tuple[dict[str, list[str]], str]:
    """plan -out, apply it: the statements the database ran (DROPs included: a view's
    replacement is an update) are exactly the planned ddl, each shown in the plan's text;
    then a second plan shows no changes."""
    text = run_ok(run_sheath, ["plan", "-out=tfplan"], d)
    doc = json.loads(run_ok(run_sheath, ["show", "-json", "tfplan"], d))
    ddl = {
        rc["address"]: rc["change"]["after"]["ddl"]
        for rc in doc.get("resource_changes", [])
        if rc["change"]["actions"] != ["no-op"] and rc["change"]["after"]
    }
    for stmts in ddl.values():
        for s in stmts:
            assert json.dumps(s) in text, (s, text)
    run_sql(server, "TRUNCATE audit.ddl", db)
    run_ok(run_sheath, ["apply", "tfplan"], d)
    ran = [str(q) for (q,) in run_sql(server, "SELECT query FROM audit.ddl ORDER BY n", db)]
    assert sorted(ran) == sorted(s for stmts in ddl.values() for s in stmts)
    run_ok(run_sheath, ["plan", "-detailed-exitcode"], d)
    return ddl, text


def _views(server: PostgresServer, db: str) -> dict[str, tuple[Any, ...]]:
    rows = run_sql(
        server,
        "SELECT c.relname, c.relkind::text, pg_get_viewdef(c.oid, true), c.reloptions, obj_description(c.oid, 'pg_class'),"
        " c.relispopulated FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('v', 'm')"
        " ORDER BY c.relname",
        db,
    )
    return {str(r[0]): tuple(r[1:]) for r in rows}


def _oid(server: PostgresServer, db: str, name: str) -> int:
    return int(str(run_sql(server, f"SELECT to_regclass('public.\"{name}\"')::oid", db)[0][0]))


Q1 = "SELECT id, total FROM orders WHERE total > 0"
V_OPTS = '  comment          = "paid orders"\n  security_barrier = true\n  check_option     = "LOCAL"'
MQ1 = "SELECT customer, sum(total) AS total FROM orders GROUP BY customer"


def test_view_lifecycle(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    db = "views"
    create_database(postgres, db)
    run_sql(postgres, AUDIT + TABLE + "CREATE ROLE view_owner; CREATE ROLE view_reader; GRANT SELECT ON orders TO view_owner;", db)
    d = tmp_path
    port = postgres.port

    # create a view (with options and a comment) and a materialized view
    _write(d, port, db, _view("v", "paid", Q1, V_OPTS), _matview("m", "by_customer", MQ1, '  owner = "view_owner"'))
    run_ok(run_sheath, ["init"], d)
    ddl, _ = apply_exact(run_sheath, d, postgres, db)
    assert ddl == {
        "postgresql_view.v": [
            f'CREATE VIEW "public"."paid" WITH (check_option=local, security_barrier=true) AS {Q1}',
            "COMMENT ON VIEW \"public\".\"paid\" IS 'paid orders'",
        ],
        "postgresql_materialized_view.m": [
            f'CREATE MATERIALIZED VIEW "public"."by_customer" AS {MQ1} WITH DATA',
            'ALTER MATERIALIZED VIEW "public"."by_customer" OWNER TO "view_owner"',
        ],
    }
    views = _views(postgres, db)
    assert views["paid"] == (
        "v",
        " SELECT orders.id,\n    orders.total\n   FROM orders\n  WHERE orders.total > 0::numeric;",
        ["check_option=local", "security_barrier=true"],
        "paid orders",
        True,
    )
    assert views["by_customer"][0] == "m" and views["by_customer"][4] is True
    assert run_sql(postgres, "SELECT customer, total FROM by_customer ORDER BY customer", db) == [("ann", 15), ("bob", 0)]
    paid_oid = _oid(postgres, db, "paid")

    # a respelled query PostgreSQL reads the same: no change
    respelled = "select ID, TOTAL\n  from ORDERS\n where TOTAL > 0;"
    _write(d, port, db, _view("v", "paid", respelled, V_OPTS), _matview("m", "by_customer", "select customer, SUM(total) as total from orders group by 1"))
    run_ok(run_sheath, ["plan", "-detailed-exitcode"], d)

    # privileges granted by hand survive the replacements below (granted again in the same transaction)
    run_sql(postgres, "GRANT SELECT ON paid TO view_reader; GRANT SELECT, UPDATE ON by_customer TO view_reader WITH GRANT OPTION", db)

    # a column appended: CREATE OR REPLACE VIEW, the same view (another check option);
    # a materialized view's new query: DROP and CREATE in one transaction
    q2 = "SELECT id, total, customer FROM orders WHERE total > 0"
    mq2 = "SELECT customer, count(*) AS n FROM orders GROUP BY customer"
    _write(d, port, db, _view("v", "paid", q2, V_OPTS.replace("LOCAL", "CASCADED")), _matview("m", "by_customer", mq2, '  comment = "counts"'))
    ddl, text = apply_exact(run_sheath, d, postgres, db)
    assert ddl == {
        "postgresql_view.v": [f'CREATE OR REPLACE VIEW "public"."paid" WITH (check_option=cascaded, security_barrier=true) AS {q2}'],
        "postgresql_materialized_view.m": [
            'DROP MATERIALIZED VIEW "public"."by_customer"',
            f'CREATE MATERIALIZED VIEW "public"."by_customer" AS {mq2} WITH DATA',
            "COMMENT ON MATERIALIZED VIEW \"public\".\"by_customer\" IS 'counts'",
            'ALTER MATERIALIZED VIEW "public"."by_customer" OWNER TO "view_owner"',
            'GRANT SELECT, UPDATE ON "public"."by_customer" TO "view_reader" WITH GRANT OPTION',
        ],
    }
    assert "2 to change" in text and "must be replaced" not in text
    assert _oid(postgres, db, "paid") == paid_oid
    assert _views(postgres, db)["paid"][2] == ["check_option=cascaded", "security_barrier=true"]
    assert run_sql(postgres, "SELECT customer, n FROM by_customer ORDER BY 1", db) == [("ann", 2), ("bob", 1)]
    assert run_sql(postgres, "SELECT pg_get_userbyid(relowner), relacl::text[] FROM pg_class WHERE relname = 'by_customer'", db) == [
        ("view_owner", ["view_owner=arwdDxt/view_owner", "view_reader=r*w*/view_owner"])
    ]

    # options and comment alone; with_data = false empties the materialized view
    m = _matview("m", "by_customer", mq2, '  comment   = "counts"\n  with_data = false')
    _write(d, port, db, _view("v", "paid", q2, '  comment          = "paid"\n  security_invoker = true'), m)
    ddl, _ = apply_exact(run_sheath, d, postgres, db)
    assert ddl == {
        "postgresql_view.v": [
            'ALTER VIEW "public"."paid" SET (security_invoker=true)',
            'ALTER VIEW "public"."paid" RESET (check_option, security_barrier)',
            "COMMENT ON VIEW \"public\".\"paid\" IS 'paid'",
        ],
        "postgresql_materialized_view.m": ['REFRESH MATERIALIZED VIEW "public"."by_customer" WITH NO DATA'],
    }
    assert _views(postgres, db)["paid"][2] == ["security_invoker=true"]
    assert _views(postgres, db)["by_customer"][4] is False

    # columns dropped (and named through columns), and a new name: DROP and CREATE in one transaction
    _write(d, port, db, _view("v", "Paid Orders", "SELECT id FROM orders WHERE total > 0", '  columns = ["order_id"]'), m)
    ddl, text = apply_exact(run_sheath, d, postgres, db)
    assert ddl == {
        "postgresql_view.v": [
            'DROP VIEW "public"."paid"',
            'CREATE VIEW "public"."Paid Orders" ("order_id") AS SELECT id FROM orders WHERE total > 0',
            'ALTER VIEW "public"."Paid Orders" OWNER TO "postgres"',
            'GRANT SELECT ON "public"."Paid Orders" TO "view_reader"',
        ]
    }
    assert run_sql(postgres, """SELECT has_table_privilege('view_reader', '"Paid Orders"', 'SELECT'), has_table_privilege('view_reader', '"Paid Orders"', 'UPDATE')""", db) == [(True, False)]
    assert "paid" not in _views(postgres, db)
    assert run_sql(postgres, 'SELECT * FROM "Paid Orders" ORDER BY 1', db) == [(1,), (3,)]
    assert _views(postgres, db)["Paid Orders"][3] is None

    # destroy: views before the tables they read
    run_sql(postgres, "TRUNCATE audit.ddl", db)
    run_ok(run_sheath, ["destroy", "-auto-approve"], d)
    assert _views(postgres, db) == {}
    assert sorted(str(q) for (q,) in run_sql(postgres, "SELECT query FROM audit.ddl", db)) == [
        'DROP MATERIALIZED VIEW IF EXISTS "public"."by_customer"',
        'DROP VIEW IF EXISTS "public"."Paid Orders"',
    ]


def test_dependents_drift_import(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    db = "views_drift"
    create_database(postgres, db)
    run_sql(postgres, AUDIT + TABLE, db)
    d = tmp_path
    port = postgres.port
    base = _view("base", "paid", Q1)
    top = _view("top", "paid_ids", "SELECT id FROM ${postgresql_view.base.name}")
    m = _matview("m", "by_customer", MQ1)
    ix = _res("index", "ix", '  table   = postgresql_materialized_view.m.name\n  name    = "by_customer_key"\n  columns = ["customer"]\n  unique  = true')
    _write(d, port, db, base, top, m, ix)
    run_ok(run_sheath, ["init"], d)
    run_ok(run_sheath, ["apply", "-auto-approve"], d)
    assert run_sql(postgres, "SELECT indexdef FROM pg_indexes WHERE tablename = 'by_customer'", db) == [
        ("CREATE UNIQUE INDEX by_customer_key ON public.by_customer USING btree (customer)",)
    ]
    run_ok(run_sheath, ["plan", "-detailed-exitcode"], d)  # (the index on the materialized view too)

    # a new query that must drop a view others depend on: PostgreSQL's refusal as a diagnostic
    base_oid = _oid(postgres, db, "paid")
    _write(d, port, db, _view("base", "paid", "SELECT id FROM orders"), top, m, ix)
    out = run_ok(run_sheath, ["apply", "-auto-approve"], d, rc=1)
    assert "Error applying postgresql_view" in out and "other objects depend on it" in out and "Traceback" not in out, out
    assert _oid(postgres, db, "paid") == base_oid

    # a new query of the materialized view drops its index with it: replace_triggered_by creates it again
    ix2 = ix.replace("  unique  = true", "  unique  = true\n  lifecycle {\n    replace_triggered_by = [postgresql_materialized_view.m.query]\n  }")
    m2 = _matview("m", "by_customer", "SELECT customer, max(total) AS total FROM orders GROUP BY customer")
    _write(d, port, db, base, top, m2, ix2)
    run_ok(run_sheath, ["apply", "-auto-approve"], d)
    assert run_sql(postgres, "SELECT indexname FROM pg_indexes WHERE tablename = 'by_customer'", db) == [("by_customer_key",)]
    assert run_sql(postgres, "SELECT customer, total FROM by_customer ORDER BY 1", db) == [("ann", 10), ("bob", 0)]
    run_ok(run_sheath, ["plan", "-detailed-exitcode"], d)
    m, ix = m2, ix2

    # changed by hand: planned back
    run_sql(postgres, "CREATE OR REPLACE VIEW paid_ids AS SELECT id, 1 AS one FROM paid", db)
    _write(d, port, db, base, top, m, ix)
    out = run_ok(run_sheath, ["plan", "-detailed-exitcode"], d, rc=2)
    assert "postgresql_view.top will be updated in-place" in out and "1 AS one" in out, out
    run_ok(run_sheath, ["apply", "-auto-approve"], d)
    assert run_sql(postgres, "SELECT count(*) FROM pg_attribute WHERE attrelid = 'paid_ids'::regclass AND attnum > 0", db) == [(1,)]

    # import (<database>.<schema>.<name>): the state holds pg_get_viewdef's text, the
    # configured spelling means the same, so no changes
    run_ok(run_sheath, ["state", "rm", "postgresql_view.base", "postgresql_view.top", "postgresql_materialized_view.m"], d)
    out = run_ok(run_sheath, ["import", "postgresql_view.base", f"{db}.public.by_customer"], d, rc=1)
    assert "Cannot import non-existent remote object" in out  # (a materialized view is not a view)
    run_ok(run_sheath, ["import", "postgresql_view.base", f"{db}.public.paid"], d)
    run_ok(run_sheath, ["import", "postgresql_view.top", f"{db}.public.paid_ids"], d)
    run_ok(run_sheath, ["import", "postgresql_materialized_view.m", f"{db}.public.by_customer"], d)
    run_ok(run_sheath, ["plan", "-detailed-exitcode"], d)
    state = json.loads(run_ok(run_sheath, ["show", "-json"], d))
    values = {r["address"]: r["values"] for r in state["values"]["root_module"]["resources"]}
    assert values["postgresql_view.top"]["query"] == "SELECT paid.id\n   FROM paid"
    assert values["postgresql_materialized_view.m"]["with_data"] is True

    # a new query reading a table the same apply creates: the plan cannot tell the DDL yet
    notes = _res("table", "notes", '  name = "notes"\n  column {\n    name = "id"\n    type = "bigint"\n  }')
    _write(d, port, db, base, _view("top", "paid_ids", "SELECT id FROM ${postgresql_table.notes.name}"), m, ix, notes)
    out = run_ok(run_sheath, ["plan"], d)
    assert "postgresql_view.top will be updated in-place" in out and "~ ddl              = [] -> (known after apply)" in out, out
    run_ok(run_sheath, ["apply", "-auto-approve"], d)
    assert run_sql(postgres, "SELECT pg_get_viewdef('paid_ids'::regclass, true)", db) == [(" SELECT notes.id\n   FROM notes;",)]
    run_ok(run_sheath, ["plan", "-detailed-exitcode"], d)

    # destroy: the index and the dependent view first
    run_ok(run_sheath, ["destroy", "-auto-approve"], d)
    assert _views(postgres, db) == {}


def test_materialized_view_in_the_default_tablespace(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    """PostgreSQL records no tablespace for the database's own: tablespace = "pg_default"
    is read back as written (no change planned forever after)."""
    db = "views_ts"
    create_database(postgres, db)
    run_sql(postgres, AUDIT + TABLE, db)
    _write(tmp_path, postgres.port, db, _matview("m", "by_customer", MQ1, '  tablespace = "pg_default"'))
    run_ok(run_sheath, ["init"], tmp_path)
    ddl, _ = apply_exact(run_sheath, tmp_path, postgres, db)
    assert ddl == {"postgresql_materialized_view.m": [f'CREATE MATERIALIZED VIEW "public"."by_customer" TABLESPACE "pg_default" AS {MQ1} WITH DATA']}


def test_validate_refuses_impossible_views(tmp_path: Path, run_sheath: Any) -> None:
    cases = [
        ("view", '  check_option = "local"', 'check_option must be "LOCAL" or "CASCADED"'),
        ("view", '  columns = []', "columns must name one or more columns"),
        ("materialized_view", '  columns = ["a", "a"]', "columns must not name a column twice"),
        ("view", "", "query must be a SELECT"),
        ("materialized_view", "", "A materialized view name must have 1 to 63 bytes"),
    ]
    blocks = []
    for n, (kind, body, message) in enumerate(cases):
        name = "v" * 64 if "63 bytes" in message else f"v{n}"
        query = " ; " if "SELECT" in message else "SELECT 1 AS a"
        blocks.append(_res(kind, f"v{n}", f'  name  = "{name}"\n  query = "{query}"\n{body}'))
    _write(tmp_path, 5432, "postgres", *blocks)
    run_ok(run_sheath, ["init"], tmp_path)
    out = run_ok(run_sheath, ["validate"], tmp_path, rc=1)
    for n, (kind, _, message) in enumerate(cases):
        assert message in out.split(f"postgresql_{kind}.v{n},")[1].split("Error:")[0], (message, out)
