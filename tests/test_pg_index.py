"""postgresql_index (sheath's own index resource in the native postgresql provider) against a
real PostgreSQL the tests start: create, rename in place, replacements (columns, unique +
where + include, other methods, expressions), concurrently, drift made by hand, import and
destroy, each checked against pg_indexes / pg_index; the DDL each plan shows is exactly what
ran (recorded by an event trigger), and a second plan shows no changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from postgres_helpers import PostgresServer, create_database, postgres, run_sql  # noqa: F401 - the fixture
from test_pg_table import AUDIT, HEADER

TABLE = """
CREATE TABLE people (id bigint PRIMARY KEY, email text, "Full Name" text, active boolean, tags integer[], doc jsonb);
INSERT INTO people VALUES (1, 'A@example.com', 'A', true, '{1,2}', '{"k": 1}'), (2, 'b@example.com', 'B', false, '{3}', '{}');
"""


def _index(name: str, body: str, label: str = "ix") -> str:
    return f'resource "postgresql_index" "{label}" {{\n  table = "people"\n  name  = "{name}"\n{body}\n}}\n'


def _write(d: Path, port: int, db: str, *resources: str) -> None:
    (d / "main.tf").write_text(HEADER.format(port=port, db=db) + "".join(resources))


def run_ok(run_sheath: Any, args: list[str], d: Path, rc: int = 0) -> str:
    at = 2 if args[0] == "state" else 1
    r = run_sheath([*args[:at], "-no-color", *args[at:]], d)
    assert r.returncode == rc, (args, r.stdout[-3000:], r.stderr)
    return str(r.stdout) + str(r.stderr)


def apply_saved_plan(run_sheath: Any, d: Path, server: PostgresServer, db: str) -> tuple[dict[str, list[str]], str]:
    """plan -out, apply it: the statements the database ran (but the DROP of a replacement,
    which no ddl shows) are exactly the planned ddl (each one shown in the plan's text); then
    a second plan shows no changes."""
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
    ran = [str(q) for (q,) in run_sql(server, "SELECT query FROM audit.ddl ORDER BY n", db) if not str(q).startswith("DROP ")]
    assert sorted(ran) == sorted(s for stmts in ddl.values() for s in stmts)
    run_ok(run_sheath, ["plan", "-detailed-exitcode"], d)
    return ddl, text


def _indexdefs(server: PostgresServer, db: str) -> dict[str, str]:
    rows = run_sql(server, "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'people' AND indexname <> 'people_pkey'", db)
    return {str(n): str(d) for n, d in rows}


def _oid(server: PostgresServer, db: str, name: str) -> int:
    rows = run_sql(server, f"SELECT to_regclass('public.\"{name}\"')::oid", db)
    return int(str(rows[0][0]))


def test_index_lifecycle(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    db = "idx"
    create_database(postgres, db)
    run_sql(postgres, AUDIT + TABLE, db)
    d = tmp_path
    port = postgres.port

    # create
    _write(d, port, db, _index("by_email", '  columns = ["email"]'))
    run_ok(run_sheath, ["init"], d)
    ddl, _ = apply_saved_plan(run_sheath, d, postgres, db)
    assert ddl == {"postgresql_index.ix": ['CREATE INDEX "by_email" ON "public"."people" USING "btree" ("email")']}
    assert _indexdefs(postgres, db) == {"by_email": "CREATE INDEX by_email ON public.people USING btree (email)"}
    oid = _oid(postgres, db, "by_email")

    # rename: in place, the same index
    _write(d, port, db, _index("People Email", '  columns = ["email"]'))
    ddl, text = apply_saved_plan(run_sheath, d, postgres, db)
    assert ddl == {"postgresql_index.ix": ['ALTER INDEX "public"."by_email" RENAME TO "People Email"']}
    assert "will be updated in-place" in text and "must be replaced" not in text
    assert list(_indexdefs(postgres, db)) == ["People Email"]
    assert _oid(postgres, db, "People Email") == oid

    # another column: replaced
    _write(d, port, db, _index("People Email", '  columns = ["email", "Full Name"]'))
    ddl, text = apply_saved_plan(run_sheath, d, postgres, db)
    assert "must be replaced" in text and "forces replacement" in text
    assert ddl == {"postgresql_index.ix": ['CREATE INDEX "People Email" ON "public"."people" USING "btree" ("email", "Full Name")']}
    assert _indexdefs(postgres, db) == {"People Email": 'CREATE INDEX "People Email" ON public.people USING btree (email, "Full Name")'}
    assert _oid(postgres, db, "People Email") != oid

    # unique, partial, with included columns
    body = '  columns = ["email"]\n  unique  = true\n  where   = "active AND email IS NOT NULL"\n  include = ["Full Name", "id"]'
    _write(d, port, db, _index("people_email", body))
    ddl, _ = apply_saved_plan(run_sheath, d, postgres, db)
    assert ddl == {
        "postgresql_index.ix": [
            'CREATE UNIQUE INDEX "people_email" ON "public"."people" USING "btree" ("email") INCLUDE ("Full Name", "id")'
            " WHERE (active AND email IS NOT NULL)"
        ]
    }
    assert _indexdefs(postgres, db) == {
        "people_email": 'CREATE UNIQUE INDEX people_email ON public.people USING btree (email) INCLUDE ("Full Name", id)'
        " WHERE (active AND (email IS NOT NULL))"
    }
    assert run_sql(postgres, "SELECT indisunique, indnkeyatts, indnatts FROM pg_index WHERE indexrelid = 'people_email'::regclass", db) == [(True, 1, 3)]

    # other methods, and expressions (two indexes at once)
    _write(
        d, port, db,
        _index("people_id_hash", '  columns = ["id"]\n  method  = "hash"'),
        _index("people_tags", '  columns = ["tags"]\n  method  = "gin"', "tags"),
        _index("people_lower_email", '  expressions = ["lower(email)", "doc->>\'k\'"]\n  unique = true', "expr"),
    )
    ddl, _ = apply_saved_plan(run_sheath, d, postgres, db)
    assert ddl == {
        "postgresql_index.ix": ['CREATE INDEX "people_id_hash" ON "public"."people" USING "hash" ("id")'],
        "postgresql_index.tags": ['CREATE INDEX "people_tags" ON "public"."people" USING "gin" ("tags")'],
        "postgresql_index.expr": ['CREATE UNIQUE INDEX "people_lower_email" ON "public"."people" USING "btree" ((lower(email)), (doc->>\'k\'))'],
    }
    assert _indexdefs(postgres, db) == {
        "people_id_hash": "CREATE INDEX people_id_hash ON public.people USING hash (id)",
        "people_tags": "CREATE INDEX people_tags ON public.people USING gin (tags)",
        "people_lower_email": "CREATE UNIQUE INDEX people_lower_email ON public.people USING btree (lower(email), ((doc ->> 'k'::text)))",
    }
    assert run_sql(postgres, "SELECT amname FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE relname = 'people_tags'", db) == [("gin",)]

    # an expression PostgreSQL spells differently: no replacement, no DDL
    spelled = _index("people_lower_email", '  expressions = ["LOWER(email)", "(doc ->> \'k\')"]\n  unique = true', "expr")
    _write(d, port, db, _index("people_id_hash", '  columns = ["id"]\n  method  = "hash"'), _index("people_tags", '  columns = ["tags"]\n  method  = "gin"', "tags"), spelled)
    text = run_ok(run_sheath, ["plan"], d)
    assert "must be replaced" not in text and "ddl" not in text, text
    run_sql(postgres, "TRUNCATE audit.ddl", db)
    run_ok(run_sheath, ["apply", "-auto-approve"], d)
    assert run_sql(postgres, "SELECT count(*) FROM audit.ddl", db) == [(0,)]
    run_ok(run_sheath, ["plan", "-detailed-exitcode"], d)

    # concurrently: CREATE INDEX CONCURRENTLY (outside a transaction), and DROP INDEX CONCURRENTLY
    _write(d, port, db, _index("people_active", '  columns      = ["active"]\n  concurrently = true', "conc"))
    ddl, _ = apply_saved_plan(run_sheath, d, postgres, db)
    assert ddl == {"postgresql_index.conc": ['CREATE INDEX CONCURRENTLY "people_active" ON "public"."people" USING "btree" ("active")']}
    assert _indexdefs(postgres, db) == {"people_active": "CREATE INDEX people_active ON public.people USING btree (active)"}

    # a failed CREATE INDEX CONCURRENTLY leaves an invalid index: apply drops it
    conc = _index("people_active", '  columns      = ["active"]\n  concurrently = true', "conc")
    failing = _index("people_lower_unique", '  expressions  = ["lower(email)"]\n  unique       = true\n  concurrently = true', "bad")
    run_sql(postgres, "INSERT INTO people (id, email) VALUES (3, 'a@example.com')", db)
    _write(d, port, db, conc, failing)
    out = run_ok(run_sheath, ["apply", "-auto-approve"], d, rc=1)
    assert "could not create unique index" in out, out
    assert run_sql(postgres, "SELECT count(*) FROM pg_class WHERE relname = 'people_lower_unique'", db) == [(0,)]
    _write(d, port, db, conc)
    run_ok(run_sheath, ["plan", "-detailed-exitcode"], d)

    run_sql(postgres, "TRUNCATE audit.ddl", db)
    run_ok(run_sheath, ["destroy", "-auto-approve"], d)
    assert [q for (q,) in run_sql(postgres, "SELECT query FROM audit.ddl", db)] == ['DROP INDEX CONCURRENTLY IF EXISTS "public"."people_active"']
    assert _indexdefs(postgres, db) == {}


def test_drift_import_destroy(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    db = "idx_drift"
    create_database(postgres, db)
    run_sql(postgres, AUDIT + TABLE, db)
    d = tmp_path
    port = postgres.port
    a = _index("people_email", '  columns = ["email"]\n  where   = "active"')
    b = _index("people_lower", '  expressions = ["lower(email)"]', "lower")
    _write(d, port, db, a, b)
    run_ok(run_sheath, ["init"], d)
    run_ok(run_sheath, ["apply", "-auto-approve"], d)
    run_ok(run_sheath, ["plan", "-detailed-exitcode"], d)

    # dropped by hand: planned for creation again
    run_sql(postgres, "DROP INDEX people_email", db)
    out = run_ok(run_sheath, ["plan", "-detailed-exitcode"], d, rc=2)
    assert "postgresql_index.ix will be created" in out, out
    run_ok(run_sheath, ["apply", "-auto-approve"], d)
    assert "people_email" in _indexdefs(postgres, db)

    # changed by hand (another predicate under the same name): replaced
    run_sql(postgres, "DROP INDEX people_email; CREATE INDEX people_email ON people (email) WHERE NOT active", db)
    out = run_ok(run_sheath, ["plan", "-detailed-exitcode"], d, rc=2)
    assert "postgresql_index.ix must be replaced" in out and "NOT active" in out, out
    run_ok(run_sheath, ["apply", "-auto-approve"], d)
    assert _indexdefs(postgres, db)["people_email"] == "CREATE INDEX people_email ON public.people USING btree (email) WHERE active"
    run_ok(run_sheath, ["plan", "-detailed-exitcode"], d)

    # import (id <database>.<schema>.<index>), then no changes
    run_ok(run_sheath, ["state", "rm", "postgresql_index.ix", "postgresql_index.lower"], d)
    out = run_ok(run_sheath, ["import", "postgresql_index.ix", f"{db}.public.people_email"], d)
    assert "Import successful!" in out
    run_ok(run_sheath, ["import", "postgresql_index.lower", f"{db}.public.people_lower"], d)
    run_ok(run_sheath, ["plan", "-detailed-exitcode"], d)
    state = json.loads(run_ok(run_sheath, ["show", "-json"], d))
    imported = {r["address"]: r["values"] for r in state["values"]["root_module"]["resources"]}
    assert imported["postgresql_index.lower"]["expressions"] == ["lower(email)"]
    assert imported["postgresql_index.ix"]["where"] == "active" and imported["postgresql_index.ix"]["table"] == "people"

    # an index made by hand with a column among expressions: imported as expressions
    _write(d, port, db, a, b, _index("Mixed", '  expressions = ["\\"Full Name\\"", "lower(email)"]', "mixed"))
    out = run_ok(run_sheath, ["import", "postgresql_index.mixed", f"{db}.public.Mixed"], d, rc=1)
    assert "Cannot import non-existent remote object" in out
    run_sql(postgres, 'CREATE INDEX "Mixed" ON people ("Full Name", lower(email))', db)
    run_ok(run_sheath, ["import", "postgresql_index.mixed", f"{db}.public.Mixed"], d)
    run_ok(run_sheath, ["plan", "-detailed-exitcode"], d)

    # destroy
    run_ok(run_sheath, ["destroy", "-auto-approve"], d)
    assert _indexdefs(postgres, db) == {}


def test_index_column_options(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    db = "idx_options"
    create_database(postgres, db)
    run_sql(postgres, AUDIT + TABLE, db)
    d = tmp_path
    port = postgres.port

    # collation, operator class, order and nulls per key part
    opts = '  columns        = ["email", "id"]\n  column_options = ["COLLATE \\"C\\" text_pattern_ops", "DESC NULLS LAST"]'
    _write(d, port, db, _index("people_sorted", opts))
    run_ok(run_sheath, ["init"], d)
    ddl, _ = apply_saved_plan(run_sheath, d, postgres, db)
    assert ddl == {"postgresql_index.ix": ['CREATE INDEX "people_sorted" ON "public"."people" USING "btree" ("email" COLLATE "C" text_pattern_ops, "id" DESC NULLS LAST)']}
    assert _indexdefs(postgres, db) == {"people_sorted": 'CREATE INDEX people_sorted ON public.people USING btree (email COLLATE "C" text_pattern_ops, id DESC NULLS LAST)'}

    # spelled differently, the same meaning: no replacement, no DDL
    _write(d, port, db, _index("people_sorted", opts.replace("text_pattern_ops", "TEXT_PATTERN_OPS").replace("DESC NULLS LAST", "desc  nulls last")))
    text = run_ok(run_sheath, ["plan"], d)
    assert "must be replaced" not in text and "ddl" not in text, text

    # another order (ASC is the default): replaced
    _write(d, port, db, _index("people_sorted", '  columns        = ["email", "id"]\n  column_options = ["", "ASC"]'))
    ddl, text = apply_saved_plan(run_sheath, d, postgres, db)
    assert "must be replaced" in text
    assert ddl == {"postgresql_index.ix": ['CREATE INDEX "people_sorted" ON "public"."people" USING "btree" ("email", "id" ASC)']}
    assert _indexdefs(postgres, db) == {"people_sorted": "CREATE INDEX people_sorted ON public.people USING btree (email, id)"}

    # import of an index made by hand with options, then no changes
    run_sql(postgres, "CREATE INDEX by_hand ON people (email DESC NULLS LAST, lower(email) text_pattern_ops)", db)
    made = _index("by_hand", '  expressions    = ["\\"email\\"", "lower(email)"]\n  column_options = ["DESC NULLS LAST", "text_pattern_ops"]', "made")
    _write(d, port, db, _index("people_sorted", '  columns        = ["email", "id"]\n  column_options = ["", "ASC"]'), made)
    run_ok(run_sheath, ["import", "postgresql_index.made", f"{db}.public.by_hand"], d)
    run_ok(run_sheath, ["plan", "-detailed-exitcode"], d)
    state = json.loads(run_ok(run_sheath, ["show", "-json"], d))
    values = {r["address"]: r["values"] for r in state["values"]["root_module"]["resources"]}
    assert values["postgresql_index.made"]["column_options"] == ["DESC NULLS LAST", "text_pattern_ops"]
    run_ok(run_sheath, ["destroy", "-auto-approve"], d)
    assert _indexdefs(postgres, db) == {}


def test_validate_refuses_impossible_indexes(tmp_path: Path, run_sheath: Any) -> None:
    cases = {
        '  columns = ["a"]\n  expressions = ["lower(a)"]': "Exactly one of columns and expressions must be set; both are set",
        '  unique = true': "Exactly one of columns and expressions must be set; neither is set",
        '  columns = []': "columns must not be empty",
        '  columns = ["a"]\n  unique = true\n  method = "hash"': "PostgreSQL supports unique indexes only with method btree",
        '  columns = ["a"]\n  where = " "': "where must not be empty",
        '  columns = ["a"]\n  method = "btree"\n  concurrently = false': "An index name must have 1 to 63 bytes",
        '  columns = ["a"]\n  column_options = ["DESC", ""]': "column_options must have one entry per key part (1",
        '  columns = ["a", "b"]\n  column_options = ["DESC", null]': "column_options must not hold null",
    }
    names = [f"i{n}" if "63 bytes" not in message else "i" * 64 for n, message in enumerate(cases.values())]
    _write(tmp_path, 5432, "postgres", *(_index(names[n], body, f"i{n}") for n, body in enumerate(cases)))
    run_ok(run_sheath, ["init"], tmp_path)
    out = run_ok(run_sheath, ["plan"], tmp_path, rc=1)  # (sheath validate does not ask native providers yet)
    for n, message in enumerate(cases.values()):
        assert message in out.split(f"postgresql_index.i{n},")[1].split("Error:")[0], (message, out)
