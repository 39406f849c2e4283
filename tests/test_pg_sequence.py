"""postgresql_sequence (sheath's own sequence resource in the native postgresql provider)
against a real PostgreSQL the tests start: create with PostgreSQL's defaults (ascending and
descending), changes in place that keep the current value (rename, increment, bounds, cycle,
cache, type, owned_by), replacement (another database), drift made by hand, import and
destroy (refused for a used sequence unless allowed, like its -replace), each checked against pg_sequences / pg_depend; the DDL each plan shows is exactly
what ran, and a second plan shows no changes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from postgres_helpers import PostgresServer, create_database, postgres, run_sql  # noqa: F401 - the fixture
from test_pg_index import apply_saved_plan, run_ok
from test_pg_table import AUDIT, HEADER

MAX = 2**63 - 1


def _seq(label: str, body: str) -> str:
    return f'resource "postgresql_sequence" "{label}" {{\n{body}\n}}\n'


def _write(d: Path, port: int, db: str, *resources: str) -> None:
    (d / "main.tf").write_text(HEADER.format(port=port, db=db) + "".join(resources))


def _sequences(server: PostgresServer, db: str) -> dict[str, tuple[Any, ...]]:
    rows = run_sql(
        server,
        "SELECT sequencename, data_type::text, start_value, min_value, max_value, increment_by, cycle, cache_size, last_value"
        " FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename",
        db,
    )
    return {str(r[0]): tuple(r[1:]) for r in rows}


def _owner(server: PostgresServer, db: str, seq: str) -> list[tuple[Any, ...]]:
    return run_sql(
        server,
        "SELECT refobjid::regclass::text, refobjsubid FROM pg_depend WHERE classid = 'pg_class'::regclass"
        f" AND objid = 'public.\"{seq}\"'::regclass AND refclassid = 'pg_class'::regclass AND deptype = 'a'",
        db,
    )


def test_sequence_lifecycle(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    db = "seqs"
    create_database(postgres, db)
    run_sql(postgres, AUDIT + "CREATE TABLE orders (id bigint, n integer);", db)
    d = tmp_path
    port = postgres.port

    # create, with PostgreSQL's defaults for the type and the direction
    _write(d, port, db, _seq("ids", '  name = "order_ids"'), _seq("down", '  name      = "countdown"\n  as_type   = "integer"\n  increment = -1'))
    run_ok(run_sheath, ["init"], d)
    ddl, _ = apply_saved_plan(run_sheath, d, postgres, db)
    assert ddl == {
        "postgresql_sequence.ids": [f'CREATE SEQUENCE "public"."order_ids" AS bigint INCREMENT BY 1 MINVALUE 1 MAXVALUE {MAX} START WITH 1 CACHE 1 NO CYCLE'],
        "postgresql_sequence.down": [
            'CREATE SEQUENCE "public"."countdown" AS integer INCREMENT BY -1 MINVALUE -2147483648 MAXVALUE -1 START WITH -1 CACHE 1 NO CYCLE'
        ],
    }
    assert _sequences(postgres, db) == {
        "countdown": ("integer", -1, -(2**31), -1, -1, False, 1, None),
        "order_ids": ("bigint", 1, 1, MAX, 1, False, 1, None),
    }
    assert run_sql(postgres, "SELECT nextval('order_ids'), nextval('order_ids'), nextval('countdown')", db) == [(1, 2, -1)]

    # in place: rename, another increment, bounds, cycle, cache, type and an owner; the value is kept
    oid = run_sql(postgres, "SELECT 'order_ids'::regclass::oid", db)[0][0]
    body = (
        '  name      = "Order IDs"\n  as_type   = "integer"\n  increment = 5\n  max_value = 1000\n  start     = 2\n'
        '  cycle     = true\n  cache     = 10\n  owned_by  = "orders.id"'
    )
    _write(d, port, db, _seq("ids", body), _seq("down", '  name      = "countdown"\n  as_type   = "integer"\n  increment = -1'))
    ddl, text = apply_saved_plan(run_sheath, d, postgres, db)
    assert "must be replaced" not in text and "1 to change" in text
    assert ddl == {
        "postgresql_sequence.ids": [
            'ALTER SEQUENCE "public"."order_ids" RENAME TO "Order IDs"',
            'ALTER SEQUENCE "public"."Order IDs" AS integer INCREMENT BY 5 MAXVALUE 1000 START WITH 2 CACHE 10 CYCLE'
            ' OWNED BY "public"."orders"."id"',
        ]
    }
    assert _sequences(postgres, db)["Order IDs"] == ("integer", 2, 1, 1000, 5, True, 10, 2)
    assert run_sql(postgres, "SELECT '\"Order IDs\"'::regclass::oid", db)[0][0] == oid
    assert run_sql(postgres, "SELECT nextval('\"Order IDs\"')", db) == [(7,)]  # continues from 2
    assert _owner(postgres, db, "Order IDs") == [("orders", 1)]

    # another owner column, then none
    _write(d, port, db, _seq("ids", body.replace("orders.id", "orders.n")), _seq("down", '  name      = "countdown"\n  as_type   = "integer"\n  increment = -1'))
    ddl, _ = apply_saved_plan(run_sheath, d, postgres, db)
    assert ddl == {"postgresql_sequence.ids": ['ALTER SEQUENCE "public"."Order IDs" OWNED BY "public"."orders"."n"']}
    assert _owner(postgres, db, "Order IDs") == [("orders", 2)]
    _write(d, port, db, _seq("ids", body.replace('\n  owned_by  = "orders.id"', "")), _seq("down", '  name      = "countdown"\n  as_type   = "integer"\n  increment = -1'))
    ddl, _ = apply_saved_plan(run_sheath, d, postgres, db)
    assert ddl == {"postgresql_sequence.ids": ['ALTER SEQUENCE "public"."Order IDs" OWNED BY NONE']}
    assert _owner(postgres, db, "Order IDs") == []

    # another database: replaced, which loses the value nextval reached: refused unless allowed
    create_database(postgres, "seqs_other")
    run_sql(postgres, AUDIT, "seqs_other")
    moved = _seq("down", '  name      = "countdown"\n  as_type   = "integer"\n  increment = -1\n  database  = "seqs_other"')
    _write(d, port, db, _seq("ids", body.replace('\n  owned_by  = "orders.id"', "")), moved)
    r = run_sheath(["plan", "-no-color"], d)
    assert r.returncode == 1 and "Change would lose data" in r.stdout + r.stderr, r.stdout + r.stderr
    assert "its current value -1 is lost" in r.stdout + r.stderr and "allow_data_loss" in r.stdout + r.stderr
    moved = moved.replace('  database  = "seqs_other"', '  database  = "seqs_other"\n  allow_data_loss = true')
    _write(d, port, db, _seq("ids", body.replace('\n  owned_by  = "orders.id"', "")), moved)
    text = run_ok(run_sheath, ["plan"], d)  # (the ddl is the same CREATE as before, so the plan hides it)
    assert "postgresql_sequence.down must be replaced" in text and "~ database" in text and "forces replacement" in text
    run_ok(run_sheath, ["apply", "-auto-approve"], d)
    assert run_sql(postgres, "SELECT query FROM audit.ddl", "seqs_other") == [
        ('CREATE SEQUENCE "public"."countdown" AS integer INCREMENT BY -1 MINVALUE -2147483648 MAXVALUE -1 START WITH -1 CACHE 1 NO CYCLE',)
    ]
    run_ok(run_sheath, ["plan", "-detailed-exitcode"], d)
    assert "countdown" not in _sequences(postgres, db) and "countdown" in _sequences(postgres, "seqs_other")

    # a used sequence is not dropped unless allowed: not by destroy, not by -replace (its
    # delete half); "countdown" in the other database was never used and is not asked about
    for argv in (["destroy", "-auto-approve", "-no-color"], ["plan", "-replace=postgresql_sequence.ids", "-no-color"]):
        r = run_sheath(argv, d)
        out = r.stdout + r.stderr
        assert r.returncode == 1 and "Change would lose data" in out, out
        assert re.search(r"Order IDs: this change can lose data:\n  - drop the sequence: its current value \d+ is lost", out), out
        assert "countdown: this change" not in out and "-allow-data-loss=ADDRESS" in out, out
    assert "Order IDs" in _sequences(postgres, db)
    text = run_ok(run_sheath, ["plan", "-replace=postgresql_sequence.ids", "-allow-data-loss=postgresql_sequence.ids"], d)
    assert "Change will lose data" in text and "postgresql_sequence.ids will be replaced, as requested" in text
    run_ok(run_sheath, ["destroy", "-auto-approve", "-allow-data-loss=postgresql_sequence.ids"], d)
    assert _sequences(postgres, db) == {} and _sequences(postgres, "seqs_other") == {}


def test_drift_and_import(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    db = "seqs_drift"
    create_database(postgres, db)
    run_sql(postgres, "CREATE TABLE t (id bigint)", db)
    d = tmp_path
    port = postgres.port
    s = _seq("s", '  name     = "s"\n  owned_by = "t.id"')
    _write(d, port, db, s)
    run_ok(run_sheath, ["init"], d)
    run_ok(run_sheath, ["apply", "-auto-approve"], d)
    run_ok(run_sheath, ["plan", "-detailed-exitcode"], d)

    # altered by hand: planned back, in place
    run_sql(postgres, "ALTER SEQUENCE s INCREMENT BY 7 NO MAXVALUE CYCLE", db)
    out = run_ok(run_sheath, ["plan", "-detailed-exitcode"], d, rc=2)
    assert re.search(r"~ increment\s+= 7 -> 1", out) and re.search(r"~ cycle\s+= true -> false", out), out
    assert 'ALTER SEQUENCE \\"public\\".\\"s\\" INCREMENT BY 1 NO CYCLE' in out, out
    run_ok(run_sheath, ["apply", "-auto-approve"], d)
    assert run_sql(postgres, "SELECT increment_by, cycle FROM pg_sequences WHERE sequencename = 's'", db) == [(1, False)]

    # dropped by hand: planned for creation
    run_sql(postgres, "DROP SEQUENCE s", db)
    out = run_ok(run_sheath, ["plan", "-detailed-exitcode"], d, rc=2)
    assert "postgresql_sequence.s will be created" in out
    run_ok(run_sheath, ["apply", "-auto-approve"], d)
    run_ok(run_sheath, ["plan", "-detailed-exitcode"], d)

    # import (<database>.<schema>.<sequence>) of a sequence made by hand, then no changes
    run_sql(postgres, "CREATE SEQUENCE made AS smallint INCREMENT BY 2 START WITH 10 MINVALUE 10 CACHE 3", db)
    made = _seq("made", '  name      = "made"\n  as_type   = "smallint"\n  increment = 2\n  start     = 10\n  min_value = 10\n  cache     = 3')
    _write(d, port, db, s, made)
    run_ok(run_sheath, ["import", "postgresql_sequence.made", f"{db}.public.made"], d)
    run_ok(run_sheath, ["plan", "-detailed-exitcode"], d)
    run_ok(run_sheath, ["state", "rm", "postgresql_sequence.made"], d)
    run_sql(postgres, "DROP SEQUENCE made", db)
    out = run_ok(run_sheath, ["import", "postgresql_sequence.made", f"{db}.public.made"], d, rc=1)
    assert "Cannot import non-existent remote object" in out


def test_validate_refuses_impossible_sequences(tmp_path: Path, run_sheath: Any) -> None:
    cases = [
        ('  as_type = "numeric"', "as_type must be one of smallint, integer, bigint"),
        ("  increment = 0", "increment must not be zero"),
        ("  increment = 1.5", "increment must be a whole number"),
        ("  cache = 0", "cache must be 1 or more"),
        ("  min_value = 10\n  max_value = 5", "min_value (10) must be less than max_value (5)"),
        ("  start = 0\n  min_value = 1", "start (0) must be between min_value and max_value"),
        ('  as_type = "smallint"\n  max_value = 100000', "max_value (100000) is out of range"),
        ('  owned_by = "nodot"', 'owned_by must be "<table>.<column>"'),
        ('  as_type = "bigint"\n  cycle = true', "A sequence name must have 1 to 63 bytes"),
    ]
    names = [f"s{n}" if "63 bytes" not in message else "s" * 64 for n, (_, message) in enumerate(cases)]
    _write(tmp_path, 5432, "postgres", *(_seq(f"s{n}", f'  name = "{names[n]}"\n{body}') for n, (body, _) in enumerate(cases)))
    run_ok(run_sheath, ["init"], tmp_path)
    out = run_ok(run_sheath, ["plan"], tmp_path, rc=1)  # (sheath validate does not ask native providers yet)
    for n, (_, message) in enumerate(cases):
        assert message in out.split(f"postgresql_sequence.s{n},")[1].split("Error:")[0], (message, out)
