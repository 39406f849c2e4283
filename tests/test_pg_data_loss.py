"""Data safety of postgresql_table against a real PostgreSQL the tests start: a change that
loses data (a column dropped, a table destroyed or removed from the configuration) is a plan
error with the values at stake unless the resource says allow_data_loss = true or the run
names it with -allow-data-loss=ADDR, which is recorded in a saved plan and changes nothing
that is stored (the next plan shows no changes). Every effect is checked with SQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from postgres_helpers import PROVIDER_CONFIG, PostgresServer, create_database, postgres, run_sql  # noqa: F401 - the fixture

from sheath.engine.dataloss import address_errors, allowance
from sheath.providers.native.pg_table import TABLE_SCHEMA
from sheath.providers.schema import Block, Schema

DB = "lossy"

HEADER = PROVIDER_CONFIG + """resource "terraform_data" "other" {{
  input = 1
}}
"""


def _table(name: str, note: bool = True) -> str:
    cols = ['  column {\n    name     = "id"\n    type     = "bigint"\n    nullable = false\n  }']
    if note:
        cols.append('  column {\n    name = "note"\n    type = "text"\n  }')
    return f'resource "postgresql_table" "{name}" {{\n  name = "{name}"\n' + "\n".join(cols) + "\n}\n"


def _write(d: Path, port: int, *tables: str) -> None:
    (d / "main.tf").write_text(HEADER.format(port=port, db=DB) + "".join(tables))


def _run(run_sheath: Any, args: list[str], d: Path, rc: int = 0) -> str:
    r = run_sheath([args[0], "-no-color", *args[1:]], d)
    assert r.returncode == rc, (args, r.stdout[-3000:], r.stderr[-3000:])
    return str(r.stdout) + str(r.stderr)


def _columns(server: PostgresServer, table: str) -> list[str]:
    rows = run_sql(
        server,
        f"SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '{table}' ORDER BY ordinal_position",
        DB,
    )
    return [str(r[0]) for r in rows]


def _exists(server: PostgresServer, table: str) -> bool:
    return run_sql(server, f"SELECT to_regclass('public.{table}') IS NOT NULL", DB) == [(True,)]


def _state_allow(d: Path, name: str) -> object:
    state = json.loads((d / "terraform.tfstate").read_text())
    (r,) = [r for r in state["resources"] if r["type"] == "postgresql_table" and r["name"] == name]
    return r["instances"][0]["attributes"]["allow_data_loss"]


def test_allow_data_loss_flag_and_destroy(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    create_database(postgres, DB)
    d = tmp_path
    _write(d, postgres.port, _table("t"), _table("u", note=False))
    _run(run_sheath, ["init"], d)
    _run(run_sheath, ["apply", "-auto-approve"], d)
    run_sql(postgres, "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, NULL)", DB)
    run_sql(postgres, "INSERT INTO u VALUES (1)", DB)

    # dropping a column with values: refused at plan time, with the values at stake
    _write(d, postgres.port, _table("t", note=False), _table("u", note=False))
    out = _run(run_sheath, ["plan"], d, rc=1)
    assert "Change would lose data" in out and "drop column 'note': 2 non-null values at stake" in out, out
    assert "-allow-data-loss=ADDRESS" in out
    assert _columns(postgres, "t") == ["id", "note"]

    # the flag's addresses are checked before anything runs
    for bad, says in (
        ("postgresql_table", "Invalid -allow-data-loss address"),
        ("module.db", "must name a managed resource"),
        ("data.postgresql_tables.all", "must name a managed resource"),
    ):
        out = _run(run_sheath, ["plan", f"-allow-data-loss={bad}"], d, rc=1)
        assert says in out, (bad, out)
    out = _run(run_sheath, ["plan", "-allow-data-loss=terraform_data.other", "-allow-data-loss=postgresql_table.t"], d, rc=1)
    assert 'Resource type "terraform_data" has no allow_data_loss argument' in out, out
    out = _run(run_sheath, ["plan", "-refresh-only", "-allow-data-loss=postgresql_table.t"], d, rc=1)
    assert "Incompatible plan options" in out

    # allowed for one run by the flag, saved in the plan file; an address matching nothing warns
    out = _run(run_sheath, ["plan", "-allow-data-loss=postgresql_table.t", "-allow-data-loss=postgresql_table.gone[0]", "-out=tfplan"], d)
    assert "DROP COLUMN" in out and "allow_data_loss" not in out.split("Terraform will perform")[1].split("Plan:")[0], out
    assert "-allow-data-loss matches no resource instance" in out and 'postgresql_table.gone[0]' in out
    # what the allowed change loses is shown all the same
    assert "Warning: Change will lose data" in out and "drop column 'note': 2 non-null values at stake" in out, out
    out = _run(run_sheath, ["apply", "-allow-data-loss=postgresql_table.t", "tfplan"], d, rc=1)
    assert "Invalid option for a saved plan" in out
    assert _columns(postgres, "t") == ["id", "note"]
    _run(run_sheath, ["apply", "tfplan"], d)
    assert _columns(postgres, "t") == ["id"]
    assert run_sql(postgres, "SELECT count(*) FROM t", DB) == [(3,)]
    # nothing stored differs: the state keeps the configured (unset) value; no changes next
    assert _state_allow(d, "t") is None
    _run(run_sheath, ["plan", "-detailed-exitcode"], d)

    # destroy of tables with rows: refused at plan time with the rows at stake
    out = _run(run_sheath, ["plan", "-destroy"], d, rc=1)
    assert f"{DB}.public.t: this change can lose data" in out and "drop the table: 3 rows at stake" in out, out
    assert f"{DB}.public.u" in out and "drop the table: 1 row at stake" in out
    out = _run(run_sheath, ["destroy", "-auto-approve", "-allow-data-loss=postgresql_table.t"], d, rc=1)
    assert "Error: Change would lose data" in out and "drop the table: 1 row at stake" in out  # u
    assert "Warning: Change will lose data" in out and "drop the table: 3 rows at stake\nAllowed:" in out  # t
    assert _exists(postgres, "t") and _exists(postgres, "u")  # nothing ran

    # a table removed from the configuration: refused, then allowed by the flag
    _write(d, postgres.port, _table("t", note=False))
    out = _run(run_sheath, ["plan"], d, rc=1)
    assert "drop the table: 1 row at stake" in out and "postgresql_table.u" in out, out
    assert _exists(postgres, "u")
    out = _run(run_sheath, ["apply", "-auto-approve", "-allow-data-loss=postgresql_table.u"], d)
    assert "Change will lose data" in out and "drop the table: 1 row at stake" in out, out
    assert not _exists(postgres, "u") and _exists(postgres, "t")
    _run(run_sheath, ["plan", "-detailed-exitcode"], d)

    # an empty table is destroyed without asking; the flag covers the rest
    run_sql(postgres, "DELETE FROM t WHERE id > 1", DB)
    _run(run_sheath, ["destroy", "-auto-approve", "-allow-data-loss=postgresql_table.t"], d)
    assert not _exists(postgres, "t")


def test_allow_data_loss_replacement(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    """Another database replaces the table: refused with its rows, then the flag lets the
    plan and the apply's drop of the old table go through."""
    for db in ("loss_from", "loss_to"):
        create_database(postgres, db)
    table = 'resource "postgresql_table" "m" {\n  database = "%s"\n  name     = "moving"\n  column {\n    name = "v"\n    type = "text"\n  }\n}\n'
    header = HEADER.format(port=postgres.port, db="postgres")
    (tmp_path / "main.tf").write_text(header + table % "loss_from")
    _run(run_sheath, ["init"], tmp_path)
    _run(run_sheath, ["apply", "-auto-approve"], tmp_path)
    run_sql(postgres, "INSERT INTO moving VALUES ('x')", "loss_from")
    (tmp_path / "main.tf").write_text(header + table % "loss_to")
    out = _run(run_sheath, ["apply", "-auto-approve"], tmp_path, rc=1)
    assert "replace the table (database loss_from -> loss_to): 1 row at stake" in out
    assert run_sql(postgres, "SELECT count(*) FROM moving", "loss_from") == [(1,)]
    # through the Python API: the plan keeps the addresses, apply(plan) applies with them
    from sheath import Workspace

    ws = Workspace(str(tmp_path))
    plan = ws.plan(allow_data_loss=["postgresql_table.m"])
    assert ("postgresql_table.m", "replace") in [(str(c.address), c.action) for c in plan.changes]
    assert any(d.summary == "Change will lose data" for d in plan.diagnostics)
    ws.apply(plan)
    assert run_sql(postgres, "SELECT to_regclass('public.moving') IS NULL", "loss_from") == [(True,)]
    assert run_sql(postgres, "SELECT count(*) FROM moving", "loss_to") == [(0,)]
    _run(run_sheath, ["plan", "-detailed-exitcode"], tmp_path)


def test_allowance_addresses() -> None:
    """Which instances an address covers: a resource all its instances, an instance itself,
    in exactly the module instance it names (as -target's resource addresses)."""
    a, diags = allowance(["postgresql_table.t", 'module.db["x"].postgresql_table.u[0]', "module.db.postgresql_table.v"])
    assert not diags
    for addr, allowed in (
        ("postgresql_table.t", True),
        ('postgresql_table.t["k"]', True),
        ("postgresql_table.t2", False),
        ("module.m.postgresql_table.t", False),
        ('module.db["x"].postgresql_table.u[0]', True),
        ('module.db["x"].postgresql_table.u[1]', False),
        ("module.db.postgresql_table.u[0]", False),
        ("module.db.postgresql_table.v[3]", True),
    ):
        assert a.allows(addr, "postgresql_table", TABLE_SCHEMA) is allowed, addr
    assert not a.diagnostics()  # every address matched an instance of a type that has the argument
    assert not a.allows("postgresql_table.t", "other_type", Schema(Block()))
    assert [d.summary for d in a.diagnostics()] == ['Invalid -allow-data-loss address "postgresql_table.t"']
    assert [d.summary for d in address_errors("a.b[")] == ['Invalid -allow-data-loss address "a.b["']


def _json_lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def _diagnostics(out: str) -> list[dict[str, Any]]:
    return [m["diagnostic"] for m in _json_lines(out) if m.get("type") == "diagnostic"]


def test_allow_data_loss_show_and_json(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    """A saved plan made with -allow-data-loss shows its addresses (human, Markdown and, as
    sheath's own key, -json; a plan without the flag shows as before), and the refusal and
    the allowed loss come as -json diagnostics of plan and apply."""
    from sheath.engine.planjson import plan_file_json
    from sheath.states import gojson

    db = "lossy_json"
    create_database(postgres, db)
    d = tmp_path
    (d / "main.tf").write_text(HEADER.format(port=postgres.port, db=db) + _table("t"))
    _run(run_sheath, ["init"], d)
    _run(run_sheath, ["apply", "-auto-approve"], d)
    run_sql(postgres, "INSERT INTO t VALUES (1, 'a'), (2, 'b')", db)

    # a plan without the flag: show -json is terraform's JSON plan, nothing of sheath's added
    _run(run_sheath, ["plan", "-out=plain"], d)
    shown = _run(run_sheath, ["show", "-json", "plain"], d)
    doc, diags = plan_file_json((d / "plain").read_bytes(), "plain")
    assert doc is not None and not diags
    assert shown == gojson.marshal(doc) + "\n"
    assert "allow_data_loss" not in json.loads(shown) and "sheath_allow_data_loss" not in shown
    assert "Data loss allowed" not in _run(run_sheath, ["show", "plain"], d)

    (d / "main.tf").write_text(HEADER.format(port=postgres.port, db=db) + _table("t", note=False))
    # -json: the refusal is an error diagnostic of the resource, with the values at stake
    out = _run(run_sheath, ["plan", "-json"], d, rc=1)
    (err,) = [g for g in _diagnostics(out) if g["severity"] == "error"]
    assert err["summary"] == "Change would lose data" and err["address"] == "postgresql_table.t", err
    assert "drop column 'note': 2 non-null values at stake" in err["detail"] and "-allow-data-loss=ADDRESS" in err["detail"]
    out = _run(run_sheath, ["apply", "-json", "-auto-approve"], d, rc=1)
    assert [g["summary"] for g in _diagnostics(out) if g["severity"] == "error"] == ["Change would lose data"], out
    out = _run(run_sheath, ["plan", "-json", "-allow-data-loss=postgresql_table.t["], d, rc=1)
    assert [g["summary"] for g in _diagnostics(out)] == ['Invalid -allow-data-loss address "postgresql_table.t["'], out
    assert _columns_in(postgres, db, "t") == ["id", "note"]

    # saved with the flag: show says which addresses may lose data
    out = _run(run_sheath, ["plan", "-json", "-allow-data-loss=postgresql_table.t", "-out=lossy"], d)
    (warn,) = _diagnostics(out)
    assert warn["severity"] == "warning" and warn["summary"] == "Change will lose data" and warn["address"] == "postgresql_table.t"
    assert "2 non-null values at stake" in warn["detail"] and "Allowed:" in warn["detail"]
    human = _run(run_sheath, ["show", "lossy"], d)
    assert "Data loss allowed: this plan was made with -allow-data-loss" in human
    assert "lose data, as allow_data_loss = true on them would:\n  - postgresql_table.t\n" in human, human
    shown = _run(run_sheath, ["show", "-json", "lossy"], d)
    doc = json.loads(shown)
    assert doc["sheath_allow_data_loss"] == ["postgresql_table.t"]
    assert [c["address"] for c in doc["resource_changes"] if c["change"]["actions"] == ["update"]] == ["postgresql_table.t"]
    md = _run(run_sheath, ["show", "-markdown", "lossy"], d)
    assert "### Data loss allowed (-allow-data-loss)" in md and "- `postgresql_table.t`" in md, md

    # apply -json of the saved plan: the loss is shown as a warning, and it ran
    out = _run(run_sheath, ["apply", "-json", "lossy"], d)
    assert [g["summary"] for g in _diagnostics(out)] == ["Change will lose data"], out
    assert any(m.get("type") == "apply_complete" and m["hook"]["resource"]["addr"] == "postgresql_table.t" for m in _json_lines(out))
    assert _columns_in(postgres, db, "t") == ["id"]


def _columns_in(server: PostgresServer, db: str, table: str) -> list[str]:
    rows = run_sql(server, f"SELECT attname FROM pg_attribute WHERE attrelid = 'public.{table}'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum", db)
    return [str(r[0]) for r in rows]


def test_allow_data_loss_forced_replacement(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    """A replacement the provider did not plan (-replace, a tainted table) drops the old table
    as a destroy does: with rows it is refused at plan, before anything runs, unless the run
    names it with -allow-data-loss; an empty table is replaced without asking."""
    db = "lossy_replace"
    create_database(postgres, db)
    d = tmp_path
    (d / "main.tf").write_text(HEADER.format(port=postgres.port, db=db) + _table("t") + _table("e", note=False))
    _run(run_sheath, ["init"], d)
    _run(run_sheath, ["apply", "-auto-approve"], d)
    run_sql(postgres, "INSERT INTO t VALUES (1, 'a'), (2, 'b')", db)

    out = _run(run_sheath, ["plan", "-replace=postgresql_table.t"], d, rc=1)
    assert "Error: Change would lose data" in out and f"{db}.public.t: this change can lose data" in out, out
    assert "drop the table: 2 rows at stake" in out and "-allow-data-loss" in out
    out = _run(run_sheath, ["apply", "-auto-approve", "-replace=postgresql_table.t"], d, rc=1)
    assert "drop the table: 2 rows at stake" in out
    assert run_sql(postgres, "SELECT count(*) FROM t", db) == [(2,)]
    # an empty table: nothing at stake, replaced without the flag
    out = _run(run_sheath, ["plan", "-replace=postgresql_table.e"], d)
    assert "postgresql_table.e will be replaced, as requested" in out, out

    _run(run_sheath, ["taint", "postgresql_table.t"], d)
    out = _run(run_sheath, ["plan"], d, rc=1)
    assert "drop the table: 2 rows at stake" in out, out
    out = _run(run_sheath, ["apply", "-auto-approve", "-allow-data-loss=postgresql_table.t"], d)
    assert "Warning: Change will lose data" in out and "drop the table: 2 rows at stake\nAllowed:" in out, out
    assert "1 added, 0 changed, 1 destroyed" in out
    assert run_sql(postgres, "SELECT count(*) FROM t", db) == [(0,)]
    _run(run_sheath, ["plan", "-detailed-exitcode"], d)

    # another schema is no replacement: the table moves in place with its rows
    run_sql(postgres, "CREATE SCHEMA other", db)
    run_sql(postgres, "INSERT INTO t VALUES (3, 'c')", db)
    moved = _table("t").replace('  name = "t"\n', '  name = "t"\n  schema = "other"\n')
    (d / "main.tf").write_text(HEADER.format(port=postgres.port, db=db) + moved + _table("e", note=False))
    out = _run(run_sheath, ["apply", "-auto-approve"], d)
    assert 'ALTER TABLE \\"public\\".\\"t\\" SET SCHEMA \\"other\\"' in out and "0 added, 1 changed, 0 destroyed" in out, out
    assert "lose data" not in out
    assert run_sql(postgres, "SELECT id, note FROM other.t", db) == [(3, "c")]

    # the configuration saying allow_data_loss = true (the state does not yet) allows a
    # forced replacement at plan, and the apply's drop of the old table honours it too
    allowed = moved.replace('  schema = "other"\n', '  schema = "other"\n  allow_data_loss = true\n')
    (d / "main.tf").write_text(HEADER.format(port=postgres.port, db=db) + allowed + _table("e", note=False))
    out = _run(run_sheath, ["apply", "-auto-approve", "-replace=postgresql_table.t"], d)
    assert "Warning: Change will lose data" in out and "1 added, 0 changed, 1 destroyed" in out, out
    assert run_sql(postgres, "SELECT count(*) FROM other.t", db) == [(0,)]


def _cbd_table(db: str, allow: bool) -> str:
    return (
        'resource "postgresql_table" "c" {\n'
        f'  database = "{db}"\n'
        '  name     = "kept"\n'
        + ("  allow_data_loss = true\n" if allow else "")
        + '  column {\n    name = "v"\n    type = "text"\n  }\n'
        "  lifecycle {\n    create_before_destroy = true\n  }\n}\n"
    )


def test_allow_data_loss_create_before_destroy(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    """A replacement under create_before_destroy drops the old table after the new one is
    created; that drop is guarded as a destroy-first replacement's is: with rows and without
    allow_data_loss it is refused (at plan, before anything runs); the configuration saying
    allow_data_loss = true, or -allow-data-loss naming it, lets the old table go."""
    for db in ("cbd_a", "cbd_b", "cbd_c"):
        create_database(postgres, db)
    header = HEADER.format(port=postgres.port, db="postgres")
    d = tmp_path
    (d / "main.tf").write_text(header + _cbd_table("cbd_a", False))
    _run(run_sheath, ["init"], d)
    _run(run_sheath, ["apply", "-auto-approve"], d)
    run_sql(postgres, "INSERT INTO kept VALUES ('x'), ('y')", "cbd_a")

    # another database replaces the table (the provider plans it): refused with its rows
    (d / "main.tf").write_text(header + _cbd_table("cbd_b", False))
    out = _run(run_sheath, ["apply", "-auto-approve"], d, rc=1)
    assert "Error: Change would lose data" in out and "2 rows at stake" in out, out
    assert run_sql(postgres, "SELECT count(*) FROM kept", "cbd_a") == [(2,)]
    assert run_sql(postgres, "SELECT to_regclass('public.kept') IS NULL", "cbd_b") == [(True,)]

    # a replacement the provider did not plan (-replace): refused the same way
    (d / "main.tf").write_text(header + _cbd_table("cbd_a", False))
    out = _run(run_sheath, ["apply", "-auto-approve", "-replace=postgresql_table.c"], d, rc=1)
    assert "Error: Change would lose data" in out and "drop the table: 2 rows at stake" in out, out
    assert run_sql(postgres, "SELECT count(*) FROM kept", "cbd_a") == [(2,)]

    # the configuration allows it: the new table is created, then the old one dropped
    (d / "main.tf").write_text(header + _cbd_table("cbd_b", True))
    out = _run(run_sheath, ["apply", "-auto-approve"], d)
    assert "Warning: Change will lose data" in out and "1 added, 0 changed, 1 destroyed" in out, out
    assert run_sql(postgres, "SELECT to_regclass('public.kept') IS NULL", "cbd_a") == [(True,)]
    assert run_sql(postgres, "SELECT count(*) FROM kept", "cbd_b") == [(0,)]
    state = json.loads((d / "terraform.tfstate").read_text())
    (r,) = [r for r in state["resources"] if r["type"] == "postgresql_table"]
    assert len(r["instances"]) == 1 and "deposed" not in r["instances"][0], r  # the old object is gone
    _run(run_sheath, ["plan", "-detailed-exitcode"], d)

    # -allow-data-loss naming it, with the configuration not allowing it
    run_sql(postgres, "INSERT INTO kept VALUES ('w')", "cbd_b")
    (d / "main.tf").write_text(header + _cbd_table("cbd_c", False))
    out = _run(run_sheath, ["apply", "-auto-approve"], d, rc=1)
    assert "1 row at stake" in out, out
    out = _run(run_sheath, ["apply", "-auto-approve", "-allow-data-loss=postgresql_table.c"], d)
    assert "1 added, 0 changed, 1 destroyed" in out, out
    assert run_sql(postgres, "SELECT to_regclass('public.kept') IS NULL", "cbd_b") == [(True,)]
    assert run_sql(postgres, "SELECT count(*) FROM kept", "cbd_c") == [(0,)]
    _run(run_sheath, ["plan", "-detailed-exitcode"], d)
