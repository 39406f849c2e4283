"""postgresql_table against a real PostgreSQL the tests start: column renames through the
renamed_from hint (the planned DDL is exactly what ran, values kept, the hint harmless once
applied, no hint still a data-loss refusal), refresh reading the catalogs once per schema
(the client's snapshot) and asking for PostgreSQL's spelling only when the catalogs changed
since the last verified reading (the resource's private data), and plan
-generate-config-out for an imported table, index and sequence (then no changes)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from postgres_helpers import PostgresServer, create_database, postgres, run_sql  # noqa: F401 - the fixture
from test_pg_table import AUDIT, HEADER, _apply_plan_and_check_ddl, _ok

from sheath.providers.interface import ReadResourceRequest
from sheath.providers.native.pg_client import Client, ConnectionSettings
from sheath.providers.native.pg_table import PgTable, table_of
from sheath.providers.native.pg_table_ddl import Column, Table, alter_statements
from sheath.providers.sdk import attr, with_attrs
from sheath.types import Value, string_val

DB = "renames"


def _items(*, memo: str = "note", sku: str = "code", hints: bool = False, extra: str = "") -> str:
    def hint(old: str, new: str) -> str:
        return f'\n    renamed_from = "{old}"' if hints and old != new else ""

    return f"""
resource "postgresql_table" "items" {{
  name = "items"
  column {{
    name     = "id"
    type     = "bigint"
    nullable = false
  }}
  column {{
    name = "{memo}"
    type = "varchar(100)"{hint("note", memo)}
  }}
  column {{
    name     = "{sku}"
    type     = "text"
    nullable = false{hint("code", sku)}
  }}{extra}
  primary_key {{ columns = ["id"] }}
  unique {{ columns = ["{sku}"] }}
  check {{ expression = "length({memo}) > 1" }}
}}
"""


def _write(d: Path, port: int, body: str) -> None:
    (d / "main.tf").write_text(HEADER.format(port=port, db=DB) + body)


def test_rename_columns_with_renamed_from(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    create_database(postgres, DB)
    run_sql(postgres, AUDIT, DB)
    d = tmp_path
    _write(d, postgres.port, _items())
    _ok(run_sheath, ["init"], d)
    _ok(run_sheath, ["apply", "-auto-approve"], d)
    run_sql(postgres, "INSERT INTO items VALUES (1, 'first', 'a-1'), (2, 'second', 'a-2')", DB)
    old_check = run_sql(postgres, "SELECT conname FROM pg_constraint WHERE conrelid = 'items'::regclass AND contype = 'c'", DB)[0][0]

    # without the hint, a new name is a drop and an add: refused, the values are at stake
    _write(d, postgres.port, _items(memo="memo"))
    out = _ok(run_sheath, ["plan"], d, rc=1)
    assert "Change would lose data" in out and "drop column 'note': 2 non-null values at stake" in out, out

    # with it: RENAME COLUMN in place; the unique constraint's computed name follows (renamed),
    # the check that names the column is a new check
    _write(d, postgres.port, _items(memo="memo", sku="sku", hints=True))
    ddl = _apply_plan_and_check_ddl(run_sheath, d, postgres, DB)
    a = 'ALTER TABLE "public"."items" '
    new_check = [s for s in ddl["postgresql_table.items"] if "ADD CONSTRAINT" in s][0].split('"')[5]
    assert ddl == {
        "postgresql_table.items": [
            a + 'RENAME COLUMN "note" TO "memo"',
            a + 'RENAME COLUMN "code" TO "sku"',
            a + f'DROP CONSTRAINT "{old_check}"',
            a + 'RENAME CONSTRAINT "items_code_key" TO "items_sku_key"',
            a + f'ADD CONSTRAINT "{new_check}" CHECK (length(memo) > 1)',
        ]
    }
    assert run_sql(postgres, "SELECT id, memo, sku FROM items ORDER BY id", DB) == [(1, "first", "a-1"), (2, "second", "a-2")]
    assert sorted(str(r[0]) for r in run_sql(postgres, "SELECT conname FROM pg_constraint WHERE conrelid = 'items'::regclass", DB)) == sorted(
        ["items_pkey", "items_sku_key", new_check]
    )
    # the hint stays in the configuration and changes nothing any more
    _ok(run_sheath, ["plan", "-detailed-exitcode"], d)

    # a hint naming a column that does not exist is idle: the column is added
    extra = '\n  column {\n    name         = "added"\n    type         = "date"\n    renamed_from = "never_was"\n  }'
    _write(d, postgres.port, _items(memo="memo", sku="sku", hints=True, extra=extra))
    out = _ok(run_sheath, ["plan", "-no-color"], d)
    assert "Warning: Column rename matches no column" in out and 'renamed_from = "never_was"' in out, out
    ddl = _apply_plan_and_check_ddl(run_sheath, d, postgres, DB)
    assert ddl == {"postgresql_table.items": [a + 'ADD COLUMN "added" date']}
    out = _ok(run_sheath, ["plan", "-detailed-exitcode", "-no-color"], d)
    assert "Column rename matches no column" not in out  # once added, the hint is spent

    # a rename with a narrowing type: the values at stake are counted under the old name
    narrowed = _items(memo="memo", sku="label", hints=True, extra=extra).replace('renamed_from = "code"', 'renamed_from = "sku"')
    _write(d, postgres.port, narrowed.replace('"label"\n    type     = "text"', '"label"\n    type     = "varchar(2)"'))
    out = _ok(run_sheath, ["plan"], d, rc=1)
    assert "change the type of column 'label' from text to character varying(2): 2 non-null values at stake" in out, out

    # validation: renamed from itself, from a column also declared, twice from one name
    bad = _items(memo="memo", sku="sku", hints=True).replace('renamed_from = "code"', 'renamed_from = "memo"')
    _write(d, postgres.port, bad)
    out = _ok(run_sheath, ["validate"], d, rc=1)
    assert "Invalid column rename" in out and "kept or renamed, not both" in out, out
    bad = _items(memo="memo", sku="sku", hints=True).replace('renamed_from = "code"', 'renamed_from = "note"')
    _write(d, postgres.port, bad)
    out = _ok(run_sheath, ["validate"], d, rc=1)
    assert "Two columns are renamed from 'note'" in out, out
    bad = _items(memo="memo", sku="sku", hints=True).replace('renamed_from = "code"', 'renamed_from = "sku"')
    _write(d, postgres.port, bad)
    out = _ok(run_sheath, ["validate"], d, rc=1)
    assert "cannot be renamed from itself" in out, out


def test_alter_statements_renames_before_comparing() -> None:
    old = Table("db", "public", "t", columns=(Column("id", "bigint", nullable=False), Column("a", "text", comment="kept")))
    new = Table(
        "db", "public", "t",
        columns=(Column("id", "bigint", nullable=False), Column("b", "varchar(10)", nullable=False, comment="kept", renamed_from="a")),
    )
    canon_new = Table(new.database, new.schema, new.name, columns=(new.columns[0], Column("b", "character varying(10)", nullable=False, renamed_from="a")))
    ch = alter_statements(old, new, old, canon_new)
    q = 'ALTER TABLE "public"."t" '
    assert ch.statements == [
        q + 'RENAME COLUMN "a" TO "b"',
        q + 'ALTER COLUMN "b" TYPE varchar(10) USING "b"::varchar(10)',
        q + 'ALTER COLUMN "b" SET NOT NULL',
    ]
    assert [loss.column for loss in ch.losses] == ["a"]  # the narrowing (not a drop), counted under the old name
    # spent (the new name exists) or idle (the old name does not): no rename
    assert alter_statements(new, new, canon_new, canon_new).statements == []
    assert alter_statements(old, replace_renamed(new, "zz"), old, replace_renamed(canon_new, "zz")).statements[0] == q + 'DROP COLUMN "a"'


def replace_renamed(t: Table, previous: str) -> Table:
    from dataclasses import replace

    return replace(t, columns=tuple(replace(c, renamed_from=previous if c.renamed_from else None) for c in t.columns))


class CountingClient(Client):
    """A client that counts the connections it hands out (each query or scratch table takes one)."""

    def __init__(self) -> None:
        super().__init__()
        self.uses = 0

    @contextmanager
    def connection(self, database: str | None = None) -> Iterator[Any]:
        self.uses += 1
        with super().connection(database) as conn:
            yield conn


def test_refresh_reads_the_catalogs_once_per_schema(postgres: PostgresServer) -> None:  # noqa: F811
    create_database(postgres, "batch")
    run_sql(postgres, "; ".join(f"CREATE TABLE t{i} (id integer PRIMARY KEY, name varchar(20) DEFAULT 'x')" for i in range(4)), "batch")
    client = CountingClient()
    client.configure(ConnectionSettings(host="127.0.0.1", port=postgres.port, database="batch", sslmode="disable", connect_timeout=15))
    try:
        res = PgTable(client)
        imported = [res.import_id(f"batch.public.t{i}") for i in range(4)]
        assert all(v is not None for v in imported)
        states: list[Value] = [v for v in imported if v is not None]
        client.forget_snapshots()
        client.uses = 0
        for s in states:  # imported states hold the catalogs' spelling: nothing to respell
            r = res.read(ReadResourceRequest("postgresql_table", s))
            assert r.new_state is not None and table_of(r.new_state) == table_of(s)
        assert client.uses == 1  # one catalog query for the four tables

        # a state in another spelling: the first refresh respells it (a scratch table), the
        # private data it returns lets the next refresh skip that
        written = states[0]
        cols = [with_attrs(c, type=string_val("varchar(20)")) if attr(c, "name").as_str() == "name" else c for c in attr(written, "column").elements()]
        respelled = with_attrs(written, column=Value(attr(written, "column").type, tuple(cols)))
        client.uses = 0
        first = res.read(ReadResourceRequest("postgresql_table", respelled))
        assert first.new_state is not None and table_of(first.new_state) == table_of(respelled)
        assert client.uses == 1 and first.private  # the scratch table (the snapshot was loaded)
        client.uses = 0
        second = res.read(ReadResourceRequest("postgresql_table", respelled, first.private))
        assert second.new_state is not None and table_of(second.new_state) == table_of(respelled)
        assert client.uses == 0 and second.private == first.private

        # a statement through the client forgets the snapshot; a change made by hand is drift
        client.execute(["ALTER TABLE t0 ALTER COLUMN name TYPE varchar(30)"], database="batch")
        client.uses = 0
        third = res.read(ReadResourceRequest("postgresql_table", respelled, first.private))
        assert third.new_state is not None
        assert [c.type for c in table_of(third.new_state).columns] == ["integer", "character varying(30)"]
        assert third.private == b""
        assert client.uses == 2  # the schema read again, and a scratch table
    finally:
        client.close()


def test_generate_config_for_imported_objects(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    db = "generated"
    create_database(postgres, db)
    run_sql(
        postgres,
        "CREATE TABLE items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name varchar(20) NOT NULL DEFAULT 'x',"
        " total numeric(10,2), CONSTRAINT items_total_check CHECK (total >= 0)); COMMENT ON TABLE items IS 'made by hand';"
        " CREATE INDEX items_lower_name ON items (lower(name)) WHERE total > 0; CREATE SEQUENCE counter START 5 INCREMENT 5",
        db,
    )
    imports = "".join(
        f'import {{\n  to = {to}\n  id = "{db}.public.{name}"\n}}\n'
        for to, name in (("postgresql_table.items", "items"), ("postgresql_index.items_lower_name", "items_lower_name"), ("postgresql_sequence.counter", "counter"))
    )
    (tmp_path / "main.tf").write_text(HEADER.format(port=postgres.port, db=db) + imports)
    _ok(run_sheath, ["init"], tmp_path)
    out = _ok(run_sheath, ["plan", "-generate-config-out=generated.tf"], tmp_path)
    assert "3 to import, 0 to add, 0 to change, 0 to destroy" in out, out
    text = (tmp_path / "generated.tf").read_text()
    assert 'resource "postgresql_table" "items"' in text and 'resource "postgresql_index" "items_lower_name"' in text, text
    assert 'resource "postgresql_sequence" "counter"' in text and "increment       = 5" in text, text
    assert 'identity     = "always"' in text and 'type         = "character varying(20)"' in text, text  # the catalogs' spelling
    assert 'name       = "items_total_check"' in text and 'expressions    = ["lower(name::text)"]' in text, text
    out = _ok(run_sheath, ["apply", "-auto-approve"], tmp_path)
    assert "3 imported, 0 added, 0 changed, 0 destroyed" in out, out
    _ok(run_sheath, ["plan", "-detailed-exitcode"], tmp_path)
