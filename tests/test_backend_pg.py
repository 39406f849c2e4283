"""The pg backend against a real PostgreSQL and terraform 1.11.4 on the same database:
terraform's layout, each tool reading the other's state, workspaces, locks that exclude
each other. Effects are checked with SQL."""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from postgres_helpers import PostgresServer, create_database, postgres  # noqa: F401 - the fixture
from sheath.backend.pg import PgBackend, PgConfig
from sheath.states.remote import RemoteState
from sheath.states.statefile import read_state_file, write_state_file

pytestmark = pytest.mark.oracle


@pytest.fixture
def database(postgres: PostgresServer) -> str:
    return create_database(postgres, "db_" + uuid.uuid4().hex[:12])


def _sql(conn_str: str, query: str, *args: Any) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(conn_str, autocommit=True) as conn:
        return [tuple(r) for r in conn.execute(query, args).fetchall()]


def _tf_dir(tmp_path: Path, conn_str: str, body: str = "", name: str = "tf") -> Path:
    d = tmp_path / name
    d.mkdir()
    (d / "main.tf").write_text('terraform {\n  backend "pg" {\n    conn_str = "' + conn_str + '"\n  }\n}\n' + body)
    return d


CONFIG = 'resource "terraform_data" "a" {\n  input = var.v\n}\n\nvariable "v" {\n  default = "one"\n}\n'


def _backend(conn_str: str, tmp_path: Path, **kw: Any) -> PgBackend:
    cfg, diags = PgConfig.from_settings({"conn_str": conn_str, **kw})
    assert cfg is not None, diags
    return PgBackend(cfg, journal_dir=str(tmp_path / "journal"))


def _layout(conn_str: str, schema: str) -> dict[str, Any]:
    return {
        "columns": _sql(
            conn_str,
            "select column_name, data_type, is_nullable, column_default from information_schema.columns "
            "where table_schema = %s and table_name = 'states' order by ordinal_position",
            schema,
        ),
        "indexes": sorted(
            r[0].replace(f'"{schema}"', "S").replace(schema, "S")
            for r in _sql(conn_str, "select indexdef from pg_indexes where schemaname = %s", schema)
        ),
        "sequence": _sql(conn_str, "select data_type from information_schema.sequences where sequence_name = 'global_states_id_seq'"),
    }


def test_layout_is_terraforms(tmp_path: Path, postgres: PostgresServer, run_terraform: Any) -> None:
    tf_db = create_database(postgres, "tf_" + uuid.uuid4().hex[:8])
    sh_db = create_database(postgres, "sh_" + uuid.uuid4().hex[:8])
    d = _tf_dir(tmp_path, tf_db, CONFIG)
    r = run_terraform(["init", "-input=false"], d)
    assert r.returncode == 0, r.stderr
    ws, diags = _backend(sh_db, tmp_path).workspaces()
    assert not diags.has_errors() and ws == ["default"]
    assert _layout(sh_db, "terraform_remote_state") == _layout(tf_db, "terraform_remote_state")
    # the default workspace needs no row until a state is written, in either tool
    assert _sql(tf_db, "select name from terraform_remote_state.states") == []
    assert _backend(sh_db, tmp_path).state_mgr("default")[0] is not None
    assert _sql(sh_db, "select name from terraform_remote_state.states") == []


def test_sheath_reads_terraforms_state_and_terraform_reads_sheaths(tmp_path: Path, database: str, run_terraform: Any) -> None:
    d = _tf_dir(tmp_path, database, CONFIG)
    assert run_terraform(["init", "-input=false"], d).returncode == 0
    r = run_terraform(["apply", "-auto-approve", "-input=false"], d)
    assert r.returncode == 0, r.stderr
    tf_doc = _sql(database, "select data from terraform_remote_state.states where name = 'default'")[0][0]
    mgr, diags = _backend(database, tmp_path).state_mgr("default")
    assert mgr is not None, diags
    assert not mgr.refresh_state().has_errors()
    sf = mgr.state_file()
    assert write_state_file(sf).decode() == tf_doc  # the document, byte for byte as terraform writes it
    pulled = run_terraform(["state", "pull"], d).stdout
    assert sf.serial == json.loads(pulled)["serial"]
    assert sf.lineage == json.loads(pulled)["lineage"]
    assert ("", "managed", "terraform_data", "a") in sf.state.resources
    # sheath changes the state (drops the resource): a new serial of the same lineage
    del sf.state.resources[("", "managed", "terraform_data", "a")]
    mgr.write_state(sf)
    assert not mgr.persist_state().has_errors()
    after = json.loads(run_terraform(["state", "pull"], d).stdout)
    assert after["serial"] == json.loads(pulled)["serial"] + 1
    assert after["lineage"] == json.loads(pulled)["lineage"]
    assert after["resources"] == []
    stored = _sql(database, "select data from terraform_remote_state.states where name = 'default'")[0][0]
    assert stored + "\n" == run_terraform(["state", "pull"], d).stdout  # pull prints one more newline
    # an unchanged state is not written again
    assert not mgr.persist_state().has_errors()
    assert json.loads(run_terraform(["state", "pull"], d).stdout)["serial"] == after["serial"]


def test_workspaces_are_shared(tmp_path: Path, database: str, run_terraform: Any) -> None:
    d = _tf_dir(tmp_path, database, CONFIG)
    assert run_terraform(["init", "-input=false"], d).returncode == 0
    assert run_terraform(["workspace", "new", "dev"], d).returncode == 0
    backend = _backend(database, tmp_path)
    assert backend.workspaces()[0] == ["default", "dev"]
    mgr, diags = backend.state_mgr("qa")  # created as terraform creates a workspace: an empty state row
    assert mgr is not None, diags
    row = _sql(database, "select data from terraform_remote_state.states where name = 'qa'")
    sf, _ = read_state_file(row[0][0].encode())
    assert sf is not None and sf.serial == 1 and sf.lineage
    listed = run_terraform(["workspace", "list"], d).stdout
    assert [w.strip(" *") for w in listed.splitlines() if w.strip()] == ["default", "dev", "qa"]
    tf_row = _sql(database, "select data from terraform_remote_state.states where name = 'dev'")
    tf_sf, _ = read_state_file(tf_row[0][0].encode())
    assert tf_sf is not None and (tf_sf.serial, len(tf_sf.state.resources)) == (sf.serial, 0)
    assert not backend.delete_workspace("qa", False).has_errors()
    assert backend.workspaces()[0] == ["default", "dev"]
    assert backend.delete_workspace("default", False).has_errors()


def test_a_sheath_lock_stops_terraform(tmp_path: Path, database: str, run_terraform: Any) -> None:
    d = _tf_dir(tmp_path, database, CONFIG)
    assert run_terraform(["init", "-input=false"], d).returncode == 0
    assert run_terraform(["apply", "-auto-approve", "-input=false"], d).returncode == 0
    mgr, _ = _backend(database, tmp_path).state_mgr("default")
    assert mgr is not None
    info, diags = mgr.lock("OperationTypeApply")
    assert info is not None, diags
    try:
        r = run_terraform(["plan", "-input=false", "-var", "v=two"], d)
        assert r.returncode == 1
        assert "Error acquiring the state lock" in r.stderr
        assert "Workspace is already locked: default" in r.stderr
    finally:
        assert not mgr.unlock(info.id).has_errors()
    assert run_terraform(["plan", "-input=false", "-var", "v=two"], d).returncode == 0


def _terraform_holding_lock(d: Path, env: dict[str, str], terraform: str) -> subprocess.Popen[str]:
    """terraform apply waiting at its approval prompt: it holds the state lock."""
    p = subprocess.Popen(
        [terraform, "apply", "-var", "v=two"], cwd=d, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert p.stdout is not None
    seen = ""
    deadline = time.monotonic() + 60
    while "Enter a value" not in seen and time.monotonic() < deadline:
        ch = p.stdout.read(1)
        if not ch:
            break
        seen += ch
    assert "Enter a value" in seen, seen
    return p


def test_a_terraform_lock_stops_sheath_and_lock_timeout_waits(
    tmp_path: Path, database: str, run_terraform: Any, terraform_bin: str, oracle_env: dict[str, str]
) -> None:
    d = _tf_dir(tmp_path, database, CONFIG)
    assert run_terraform(["init", "-input=false"], d).returncode == 0
    assert run_terraform(["apply", "-auto-approve", "-input=false"], d).returncode == 0
    env = dict(oracle_env)
    env.pop("TF_IN_AUTOMATION", None)
    p = _terraform_holding_lock(d, env, terraform_bin)
    mgr: RemoteState | None
    try:
        mgr, _ = _backend(database, tmp_path).state_mgr("default")
        assert mgr is not None
        info, diags = mgr.lock("OperationTypePlan")
        assert info is None
        assert [x.summary for x in diags] == ["Error acquiring the state lock"]
        assert "Workspace is already locked: default" in (list(diags)[0].detail or "")
    finally:
        assert p.stdin is not None
        p.stdin.write("yes\n")
        p.stdin.flush()
    # sheath waits for the lock (-lock-timeout) while terraform finishes its apply
    info, diags = mgr.lock("OperationTypeApply", timeout=60)
    assert info is not None, diags
    assert p.wait(timeout=60) == 0
    try:
        assert not mgr.refresh_state().has_errors()
        row = _sql(database, "select data from terraform_remote_state.states where name = 'default'")[0][0]
        assert mgr.state_file().serial == json.loads(row)["serial"]
        attrs = json.loads(row)["resources"][0]["instances"][0]["attributes"]
        assert attrs["input"]["value"] == "two"  # terraform's apply finished before sheath got the lock
    finally:
        mgr.unlock(info.id)


def test_a_killed_lock_holder_leaves_no_lock(tmp_path: Path, database: str) -> None:
    script = (
        "import sys, time\n"
        "from sheath.backend.pg import PgBackend, PgConfig\n"
        "cfg, _ = PgConfig.from_settings({'conn_str': sys.argv[1]})\n"
        "m, _ = PgBackend(cfg, journal_dir=sys.argv[2]).state_mgr('default')\n"
        "info, d = m.lock('OperationTypeApply')\n"
        "print('locked' if info else d, flush=True)\n"
        "time.sleep(300)\n"
    )
    import sys

    p = subprocess.Popen([sys.executable, "-c", script, database, str(tmp_path / "j")], stdout=subprocess.PIPE, text=True)
    assert p.stdout is not None
    assert p.stdout.readline().strip() == "locked"
    mgr, _ = _backend(database, tmp_path).state_mgr("default")
    assert mgr is not None
    assert mgr.lock("OperationTypeApply")[0] is None
    p.kill()
    p.wait()
    info, diags = mgr.lock("OperationTypeApply", timeout=30)
    assert info is not None, diags
    mgr.unlock(info.id)


def test_bad_configuration_and_unreachable_server_are_diagnostics(tmp_path: Path) -> None:
    cfg, diags = PgConfig.from_settings({"conn_str": "", "nope": 1}, environ={})
    assert cfg is None
    assert sorted(d.summary for d in diags) == ["Invalid backend configuration", "Invalid backend configuration"]
    cfg, diags = PgConfig.from_settings({}, environ={"PG_CONN_STR": "postgres://x@127.0.0.1:1/none?connect_timeout=2", "PG_SCHEMA_NAME": "s"})
    assert cfg is not None and cfg.schema_name == "s"
    ws, diags = PgBackend(cfg, journal_dir=str(tmp_path)).workspaces()
    assert ws == [] and [d.summary for d in diags] == ["Failed to configure the pg backend"]
    assert "x@127.0.0.1" not in (list(diags)[0].detail or "").replace("127.0.0.1:1", "")
