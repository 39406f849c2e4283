"""The CLI on the pg and s3 backends, against terraform 1.11.4 on the same database and bucket:
init records the backend as terraform does (with -backend-config files and KEY=VALUE items,
-reconfigure, the "Backend configuration changed" error, migration of local state with
-force-copy), and plan, apply, output, show and the state readers share one state with
terraform. Effects are checked with SQL and boto3."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from journal_kill import KILLING_SHEATH
from postgres_helpers import PostgresServer, create_database, postgres, run_sql  # noqa: F401 - the fixture

pytestmark = pytest.mark.oracle

CONFIG = (
    'resource "terraform_data" "a" {\n  input = var.v\n}\n\n'
    'variable "v" {\n  default = "one"\n}\n\n'
    'output "o" {\n  value = terraform_data.a.output\n}\n'
)


def _sql(conn_str: str, query: str, *args: Any) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(conn_str, autocommit=True) as conn:
        return [tuple(r) for r in conn.execute(query, args).fetchall()]


def _pg_dir(tmp_path: Path, name: str, block: str) -> Path:
    d = tmp_path / name
    d.mkdir()
    (d / "main.tf").write_text('terraform {\n  backend "pg" {\n' + block + "  }\n}\n" + CONFIG)
    return d


def _outcome(r: Any) -> tuple[int, str, str]:
    return r.returncode, r.stdout, r.stderr


@pytest.fixture
def database(postgres: PostgresServer) -> str:
    return create_database(postgres, "db_" + uuid.uuid4().hex[:12])


def test_init_records_the_backend_as_terraform(tmp_path: Path, postgres: PostgresServer, run_terraform: Any, run_sheath: Any) -> None:
    """A partial block completed by a -backend-config file and a KEY=VALUE item: the same
    output, the same record (the block's own hash, the merged settings), and a later plain
    init that keeps the remembered settings. Each tool has a database of its own."""
    dirs, dbs = {}, {}
    for tool in ("tf", "sh"):
        d = _pg_dir(tmp_path, tool, '    schema_name = "app"\n')
        (d / "extra.hcl").write_text("skip_index_creation = true\n")
        dirs[tool] = d
        dbs[tool] = create_database(postgres, f"{tool}_" + uuid.uuid4().hex[:8])
    common = ["init", "-input=false", "-no-color", "-backend-config=extra.hcl"]
    tf = run_terraform([*common, f"-backend-config=conn_str={dbs['tf']}"], dirs["tf"])
    sh = run_sheath([*common, f"-backend-config=conn_str={dbs['sh']}"], dirs["sh"])
    assert tf.returncode == 0, tf.stderr
    assert _outcome(sh) == _outcome(tf)
    tf_record = json.loads((dirs["tf"] / ".terraform/terraform.tfstate").read_text())
    sh_record = json.loads((dirs["sh"] / ".terraform/terraform.tfstate").read_text())
    assert tf_record["backend"]["config"].pop("conn_str") == dbs["tf"]
    assert sh_record["backend"]["config"].pop("conn_str") == dbs["sh"]
    assert sh_record == tf_record  # settings, the block's own hash, the format
    assert sh_record["backend"]["config"]["skip_index_creation"] is True
    assert _sql(dbs["sh"], "select count(*) from information_schema.tables where table_schema = 'app'") == [(1,)]
    # a plain init later matches the record made with the overrides, in both tools
    tf = run_terraform(["init", "-input=false", "-no-color"], dirs["tf"])
    sh = run_sheath(["init", "-input=false", "-no-color"], dirs["sh"])
    assert tf.returncode == 0, tf.stderr
    assert _outcome(sh) == _outcome(tf)
    # a file that cannot be read, and an argument the backend does not have
    for bad in ("-backend-config=missing.hcl", "-backend-config=nope=1"):
        tf = run_terraform(["init", "-input=false", "-no-color", "-reconfigure", bad], dirs["tf"])
        sh = run_sheath(["init", "-input=false", "-no-color", "-reconfigure", bad], dirs["sh"])
        assert tf.returncode == 1
        assert _outcome(sh) == _outcome(tf), bad


def test_changed_backend_needs_reconfigure(tmp_path: Path, database: str, run_terraform: Any, run_sheath: Any) -> None:
    dirs = {t: _pg_dir(tmp_path, t, f'    conn_str = "{database}"\n') for t in ("tf", "sh")}
    for run, tool in ((run_terraform, "tf"), (run_sheath, "sh")):
        assert run(["init", "-input=false"], dirs[tool]).returncode == 0
        text = (dirs[tool] / "main.tf").read_text().replace("  }\n}\n", '    schema_name = "changed"\n  }\n}\n', 1)
        (dirs[tool] / "main.tf").write_text(text)
    tf = run_terraform(["init", "-input=false", "-no-color"], dirs["tf"])
    sh = run_sheath(["init", "-input=false", "-no-color"], dirs["sh"])
    assert tf.returncode == 1 and "Backend configuration changed" in tf.stderr
    assert _outcome(sh) == _outcome(tf)
    tf = run_terraform(["init", "-input=false", "-no-color", "-reconfigure"], dirs["tf"])
    sh = run_sheath(["init", "-input=false", "-no-color", "-reconfigure"], dirs["sh"])
    assert tf.returncode == 0, tf.stderr
    assert _outcome(sh) == _outcome(tf)
    assert (dirs["sh"] / ".terraform/terraform.tfstate").read_bytes() == (dirs["tf"] / ".terraform/terraform.tfstate").read_bytes()
    # an operation before init -reconfigure is terraform's "initialization required" error, in both tools
    text = (dirs["sh"] / "main.tf").read_text().replace('schema_name = "changed"', 'schema_name = "again"')
    for d in dirs.values():
        (d / "main.tf").write_text(text)
    tf = run_terraform(["plan", "-input=false", "-no-color"], dirs["tf"])
    sh = run_sheath(["plan", "-input=false", "-no-color"], dirs["sh"])
    assert tf.returncode == 1 and "Backend initialization required" in tf.stderr
    assert sh.returncode == 1 and "Backend initialization required" in sh.stderr


def test_operations_share_the_state_with_terraform(tmp_path: Path, database: str, run_terraform: Any, run_sheath: Any) -> None:
    d = _pg_dir(tmp_path, "w", f'    conn_str = "{database}"\n')
    assert run_terraform(["init", "-input=false"], d).returncode == 0
    r = run_terraform(["apply", "-auto-approve", "-input=false"], d)
    assert r.returncode == 0, r.stderr
    # sheath plans no changes on terraform's state
    sh = run_sheath(["plan", "-input=false", "-detailed-exitcode", "-no-color"], d)
    assert sh.returncode == 0, sh.stdout + sh.stderr
    # the state readers show what terraform shows
    for args in (["state", "pull"], ["output", "-json"], ["state", "list"], ["show", "-no-color"], ["show", "-json"]):
        assert _outcome(run_sheath(args, d)) == _outcome(run_terraform(args, d)), args
    # sheath applies a change; terraform then plans no changes, and both pull the same state
    sh = run_sheath(["apply", "-auto-approve", "-input=false", "-var", "v=two", "-no-color"], d)
    assert sh.returncode == 0, sh.stderr
    tf = run_terraform(["plan", "-input=false", "-detailed-exitcode", "-var", "v=two"], d)
    assert tf.returncode == 0, tf.stdout + tf.stderr
    assert run_sheath(["state", "pull"], d).stdout == run_terraform(["state", "pull"], d).stdout
    rows = _sql(database, "select name, data from terraform_remote_state.states")
    assert [r[0] for r in rows] == ["default"]
    doc = json.loads(rows[0][1])
    assert doc["serial"] == 2 and doc["outputs"]["o"]["value"] == "two"
    # local state files are not created by either tool
    assert not (d / "terraform.tfstate").exists()
    # console, graph and providers read the backend's state too
    for args, stdin in ((["console"], "terraform_data.a.output\n"), (["graph"], None), (["providers", "-no-color"], None)):
        assert _outcome(run_sheath(args, d, stdin=stdin)) == _outcome(run_terraform(args, d, stdin=stdin)), args
    # the history sheath keeps says what wrote each version
    history = json.loads(run_sheath(["state", "history", "-json"], d).stdout)
    assert history[-1]["serial"] == 2 and history[-1]["operation"] == "apply" and len(history[-1]["plan_hash"]) == 64
    # destroy through sheath; terraform sees an empty state
    sh = run_sheath(["destroy", "-auto-approve", "-input=false", "-var", "v=two", "-no-color"], d)
    assert sh.returncode == 0, sh.stderr
    assert run_terraform(["state", "list"], d).stdout == ""
    assert json.loads(run_sheath(["state", "history", "-json"], d).stdout)[-1]["operation"] == "destroy"


def test_lock_held_elsewhere_stops_both_tools(tmp_path: Path, database: str, run_terraform: Any, run_sheath: Any) -> None:
    from sheath.backend.pg import PgBackend, PgConfig

    d = _pg_dir(tmp_path, "w", f'    conn_str = "{database}"\n')
    assert run_terraform(["init", "-input=false"], d).returncode == 0
    assert run_terraform(["apply", "-auto-approve", "-input=false"], d).returncode == 0
    cfg, _ = PgConfig.from_settings({"conn_str": database})
    assert cfg is not None
    mgr, _ = PgBackend(cfg, journal_dir=str(tmp_path / "journal")).state_mgr("default")
    assert mgr is not None
    info, diags = mgr.lock("OperationTypeApply")
    assert info is not None, diags
    try:
        for run in (run_sheath, run_terraform):
            r = run(["apply", "-auto-approve", "-input=false", "-var", "v=blocked", "-no-color"], d)
            assert r.returncode == 1 and "Error acquiring the state lock" in r.stderr, r.stderr
    finally:
        mgr.unlock(info.id)
    doc = json.loads(_sql(database, "select data from terraform_remote_state.states")[0][0])
    assert doc["outputs"]["o"]["value"] == "one"


def test_local_state_migrates_into_the_backend(tmp_path: Path, postgres: PostgresServer, run_terraform: Any, run_sheath: Any) -> None:
    dirs = {}
    for tool, run in (("tf", run_terraform), ("sh", run_sheath)):
        d = tmp_path / tool
        d.mkdir()
        (d / "main.tf").write_text(CONFIG)
        assert run(["init", "-input=false"], d).returncode == 0
        assert run(["apply", "-auto-approve", "-input=false"], d).returncode == 0
        db = create_database(postgres, f"{tool}_" + uuid.uuid4().hex[:8])
        (d / "main.tf").write_text(f'terraform {{\n  backend "pg" {{\n    conn_str = "{db}"\n  }}\n}}\n' + CONFIG)
        dirs[tool] = (d, db)
    before = {t: json.loads((d / "terraform.tfstate").read_text()) for t, (d, _) in dirs.items()}
    tf = run_terraform(["init", "-input=false", "-no-color"], dirs["tf"][0])
    sh = run_sheath(["init", "-input=false", "-no-color"], dirs["sh"][0])
    assert tf.returncode == 1
    assert _outcome(sh) == _outcome(tf)
    tf = run_terraform(["init", "-input=false", "-no-color", "-force-copy"], dirs["tf"][0])
    sh = run_sheath(["init", "-input=false", "-no-color", "-force-copy"], dirs["sh"][0])
    assert tf.returncode == 0, tf.stderr
    assert _outcome(sh) == _outcome(tf)
    for tool, (d, db) in dirs.items():
        assert (d / "terraform.tfstate").stat().st_size == 0, tool
        assert json.loads((d / "terraform.tfstate.backup").read_text()) == before[tool], tool
        doc = json.loads(_sql(db, "select data from terraform_remote_state.states where name = 'default'")[0][0])
        # terraform copies the content into a new lineage at serial 1
        assert doc["lineage"] != before[tool]["lineage"] and doc["serial"] == 1, tool
        assert doc["resources"] == before[tool]["resources"], tool
        assert doc["outputs"] == before[tool]["outputs"], tool
    # after the migration sheath plans no changes in either directory
    for d, _ in dirs.values():
        assert run_sheath(["plan", "-input=false", "-detailed-exitcode"], d).returncode == 0


def test_local_state_flags_are_refused_on_a_remote_backend(tmp_path: Path, database: str, run_sheath: Any) -> None:
    d = _pg_dir(tmp_path, "w", f'    conn_str = "{database}"\n')
    assert run_sheath(["init", "-input=false"], d).returncode == 0
    r = run_sheath(["plan", "-input=false", "-no-color", "-state=other.tfstate"], d)
    assert r.returncode == 1 and "-state name local state files" in r.stderr
    assert not (d / "other.tfstate").exists()


def test_s3_operations_share_the_state_with_terraform(tmp_path: Path, moto_server: str, run_terraform: Any, run_sheath: Any) -> None:
    import boto3

    s3 = boto3.client("s3", endpoint_url=moto_server, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
    bucket = "state-" + uuid.uuid4().hex[:10]
    s3.create_bucket(Bucket=bucket)
    d = tmp_path / "w"
    d.mkdir()
    (d / "main.tf").write_text(
        'terraform {\n  backend "s3" {\n'
        f'    bucket = "{bucket}"\n    key = "app/terraform.tfstate"\n    region = "us-east-1"\n'
        '    access_key = "testing"\n    secret_key = "testing"\n'
        "    skip_credentials_validation = true\n    skip_requesting_account_id = true\n"
        "    skip_metadata_api_check = true\n    skip_region_validation = true\n    use_path_style = true\n"
        "    use_lockfile = true\n"
        f'    endpoints = {{\n      s3 = "{moto_server}"\n    }}\n'
        "  }\n}\n" + CONFIG
    )
    r = run_sheath(["init", "-input=false", "-no-color"], d)
    assert r.returncode == 0, r.stderr
    record = (d / ".terraform/terraform.tfstate").read_bytes()
    tf = run_terraform(["init", "-input=false", "-no-color"], d)
    assert tf.returncode == 0, tf.stderr
    assert (d / ".terraform/terraform.tfstate").read_bytes() == record  # terraform sees no change
    sh = run_sheath(["apply", "-auto-approve", "-input=false", "-no-color"], d)
    assert sh.returncode == 0, sh.stderr
    tf = run_terraform(["plan", "-input=false", "-detailed-exitcode"], d)
    assert tf.returncode == 0, tf.stdout + tf.stderr
    body = json.loads(s3.get_object(Bucket=bucket, Key="app/terraform.tfstate")["Body"].read())
    assert body["outputs"]["o"]["value"] == "one"
    r = run_terraform(["apply", "-auto-approve", "-input=false", "-var", "v=two"], d)
    assert r.returncode == 0, r.stderr
    assert run_sheath(["plan", "-input=false", "-detailed-exitcode", "-var", "v=two"], d).returncode == 0
    assert _outcome(run_sheath(["output", "-json"], d)) == _outcome(run_terraform(["output", "-json"], d))
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert "app/terraform.tfstate.tflock" not in keys  # both tools released the lock file


CONCURRENT = 'resource "terraform_data" "a" {\n  input = var.n\n}\n\nvariable "n" {\n  type = number\n}\n'


@pytest.mark.parametrize("mix", [False, True], ids=["sheath", "sheath-and-terraform"])
def test_concurrent_applies_queue_on_the_lock(
    mix: bool, tmp_path: Path, database: str, oracle_env: dict[str, str], terraform_bin: str
) -> None:
    """20 applies started at once on one pg workspace, each setting the same resource to its
    own value, wait for each other on the lock: all succeed, the serial rises by exactly
    20, the history holds 20 new versions, and the state is the last writer's."""
    import subprocess
    import sys

    d = tmp_path / "w"
    d.mkdir()
    (d / "main.tf").write_text(f'terraform {{\n  backend "pg" {{\n    conn_str = "{database}"\n  }}\n}}\n' + CONCURRENT)
    first = subprocess.run(
        [sys.executable, "-m", "sheath", "init", "-input=false"], cwd=d, env=oracle_env, capture_output=True, text=True
    )
    assert first.returncode == 0, first.stderr
    seed = subprocess.run(
        [sys.executable, "-m", "sheath", "apply", "-auto-approve", "-input=false", "-var", "n=0"],
        cwd=d, env=oracle_env, capture_output=True, text=True,
    )
    assert seed.returncode == 0, seed.stderr
    serial0 = json.loads(_sql(database, "select data from terraform_remote_state.states")[0][0])["serial"]
    assert serial0 == 1  # a first apply writes serial 1, as terraform's does
    procs = []
    for i in range(1, 21):
        tool = [terraform_bin] if mix and i % 2 == 0 else [sys.executable, "-m", "sheath"]
        procs.append(
            subprocess.Popen(
                [*tool, "apply", "-auto-approve", "-input=false", "-no-color", "-lock-timeout=300s", "-var", f"n={i}"],
                cwd=d, env=oracle_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )
        )
    results = [(p.wait(timeout=600), p.stdout.read() if p.stdout else "", p.stderr.read() if p.stderr else "") for p in procs]
    for rc, out, err in results:
        assert rc == 0, out + err
        assert "Apply complete! Resources: 0 added, 1 changed, 0 destroyed." in out, out
    doc = json.loads(_sql(database, "select data from terraform_remote_state.states")[0][0])
    assert doc["serial"] == serial0 + 20
    value = doc["resources"][0]["instances"][0]["attributes"]["input"]["value"]
    assert 1 <= value <= 20
    # sheath's history: every version sheath wrote (the seed and its applies) is kept, each
    # serial once; terraform's writes are not recorded by terraform
    rows = _sql(database, "select serial from terraform_remote_state.sheath_state_history order by version")
    serials = [r[0] for r in rows]
    assert len(serials) == (11 if mix else 21) and len(set(serials)) == len(serials)


KILLED_CONFIG = """
resource "local_file" "f" {
  count    = 3
  filename = "${path.module}/out/f${count.index}.txt"
  content  = "hello ${count.index}\\n"
}
"""



@pytest.mark.parametrize("first", [True, False], ids=["first-apply", "later-apply"])
def test_killed_apply_on_pg_loses_nothing(first: bool, tmp_path: Path, database: str, oracle_env: dict[str, str], run_sheath: Any, run_terraform: Any) -> None:
    """SIGKILL in the middle of an apply on pg: no lock is left (terraform's advisory locks
    end with the session), the local journal keeps every completed object, and the next
    apply folds it in and completes without duplicates; terraform then plans no changes."""
    import signal
    import subprocess
    import sys

    d = tmp_path / "w"
    d.mkdir()
    backend = f'terraform {{\n  backend "pg" {{\n    conn_str = "{database}"\n  }}\n}}\n'
    (d / "main.tf").write_text(backend + ('resource "terraform_data" "seed" {}\n' if not first else ""))
    assert run_sheath(["init", "-input=false"], d).returncode == 0
    if not first:
        assert run_sheath(["apply", "-auto-approve", "-input=false"], d).returncode == 0
    (d / "main.tf").write_text(backend + KILLED_CONFIG + ('resource "terraform_data" "seed" {}\n' if not first else ""))
    assert run_sheath(["init", "-input=false"], d).returncode == 0
    killed = subprocess.run(
        [sys.executable, "-c", KILLING_SHEATH, "apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=1"],
        cwd=d, env=dict(oracle_env, KILL_AT="f2.txt"), capture_output=True, text=True, timeout=300,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    rows = _sql(database, "select data from terraform_remote_state.states")
    if first:
        assert rows == []  # nothing written yet: the journal holds f[0] and f[1]
    # no lock is left behind: the next apply needs no force-unlock
    done = run_sheath(["apply", "-auto-approve", "-input=false", "-no-color"], d)
    assert done.returncode == 0, done.stdout + done.stderr
    doc = json.loads(_sql(database, "select data from terraform_remote_state.states")[0][0])
    files = [r for r in doc["resources"] if r["type"] == "local_file"]
    assert len(files) == 1 and len(files[0]["instances"]) == 3
    if first:
        # f[0] and f[1] came from the journal: only f[2] was created again
        assert "local_file.f[2]: Creation complete" in done.stdout
        assert "local_file.f[0]: Creation complete" not in done.stdout
    assert sorted(p.name for p in (d / "out").iterdir()) == ["f0.txt", "f1.txt", "f2.txt"]
    assert run_sheath(["plan", "-input=false", "-detailed-exitcode"], d).returncode == 0


EDIT_CONFIG = 'resource "terraform_data" "a" {}\nresource "terraform_data" "b" {}\n'


def test_state_editing_commands_on_pg_match_terraform(tmp_path: Path, postgres: PostgresServer, run_terraform: Any, run_sheath: Any) -> None:
    """taint, untaint, state mv, rm, replace-provider and push on a pg workspace: the same
    output as terraform's and the same state left in each tool's database."""
    dirs: dict[str, tuple[Path, str]] = {}
    for tool, run in (("tf", run_terraform), ("sh", run_sheath)):
        db = create_database(postgres, f"{tool}_" + uuid.uuid4().hex[:8])
        d = tmp_path / tool
        d.mkdir()
        (d / "main.tf").write_text(f'terraform {{\n  backend "pg" {{\n    conn_str = "{db}"\n  }}\n}}\n' + EDIT_CONFIG)
        assert run(["init", "-input=false"], d).returncode == 0
        assert run_terraform(["apply", "-auto-approve", "-input=false"], d).returncode == 0
        dirs[tool] = (d, db)

    def both(*args: str) -> None:
        tf = run_terraform(list(args), dirs["tf"][0])
        sh = run_sheath(list(args), dirs["sh"][0])
        assert _outcome(sh) == _outcome(tf), args
        docs = {}
        for tool, (_, db) in dirs.items():
            doc = json.loads(_sql(db, "select data from terraform_remote_state.states")[0][0])
            docs[tool] = (doc["serial"], [(r["type"], r["name"], [i.get("status") for i in r["instances"]]) for r in doc["resources"]])
        assert docs["sh"] == docs["tf"], args

    both("taint", "-no-color", "terraform_data.a")
    both("untaint", "-no-color", "terraform_data.a")
    both("state", "mv", "terraform_data.a", "terraform_data.c")
    both("state", "rm", "terraform_data.b")
    both("state", "replace-provider", "-auto-approve", "-no-color", "terraform.io/builtin/terraform", "terraform.io/builtin/terraform")
    for tool, (d, _) in dirs.items():
        pulled = run_terraform(["state", "pull"], d).stdout
        doc = json.loads(pulled)
        doc["serial"] += 5
        (d / "pushed.tfstate").write_text(json.dumps(doc))
    both("state", "push", "pushed.tfstate")
    # flags naming local files are an error on remote state, and nothing changes
    r = run_sheath(["state", "rm", "-no-color", "-backup=x.tfstate", "terraform_data.c"], dirs["sh"][0])
    assert r.returncode == 1 and "-backup name local state files" in r.stderr
    assert not (dirs["sh"][0] / "x.tfstate").exists()


# sheath, whose database goes away (connections refused, its sessions ended) when it is
# about to journal the object whose filename ends with CUT_AT
CUTTING_SHEATH = """
import os, sys
import psycopg
from sheath.states import journal
set_object = journal.Journal.set_object
def cutting(self, r, key, obj, deposed=""):
    if str((obj.attributes or {}).get("filename", "")).endswith(os.environ["CUT_AT"]):
        db = os.environ["CUT_DB"]
        with psycopg.connect(os.environ["CUT_ADMIN"], autocommit=True) as c:
            c.execute('ALTER DATABASE "%s" WITH ALLOW_CONNECTIONS false' % db)
            c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (db,))
    set_object(self, r, key, obj, deposed)
journal.Journal.set_object = cutting
from sheath.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_database_gone_mid_apply_keeps_every_object(tmp_path: Path, postgres: PostgresServer, oracle_env: dict[str, str], run_sheath: Any) -> None:
    """The database goes away in the middle of an apply: a clear error, every completed
    object kept in the local journal, and the next apply (database back) pushes them
    without creating anything again."""
    import subprocess
    import sys

    name = "gone_" + uuid.uuid4().hex[:8]
    database = create_database(postgres, name)
    d = tmp_path / "w"
    d.mkdir()
    (d / "main.tf").write_text(f'terraform {{\n  backend "pg" {{\n    conn_str = "{database}"\n  }}\n}}\n' + KILLED_CONFIG)
    assert run_sheath(["init", "-input=false"], d).returncode == 0
    env = dict(oracle_env, CUT_AT="f1.txt", CUT_DB=name, CUT_ADMIN=postgres.conn_str())
    cut = subprocess.run(
        [sys.executable, "-c", CUTTING_SHEATH, "apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=1"],
        cwd=d, env=env, capture_output=True, text=True, timeout=300,
    )
    assert cut.returncode == 1, cut.stdout + cut.stderr
    assert "Traceback" not in cut.stderr
    assert "Error: Failed to save state" in cut.stderr and "Error: State kept locally" in cut.stderr
    assert sorted(p.name for p in (d / "out").iterdir()) == ["f0.txt", "f1.txt", "f2.txt"]
    run_sql(postgres, f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
    assert _sql(database, "select count(*) from terraform_remote_state.states") == [(0,)]
    done = run_sheath(["apply", "-auto-approve", "-input=false", "-no-color"], d)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Creation complete" not in done.stdout  # nothing created twice
    doc = json.loads(_sql(database, "select data from terraform_remote_state.states")[0][0])
    files = [r for r in doc["resources"] if r["type"] == "local_file"]
    assert len(files) == 1 and len(files[0]["instances"]) == 3


def test_data_dir_holds_the_record_and_the_workspace(tmp_path: Path, database: str, oracle_env: dict[str, str], terraform_bin: str) -> None:
    """TF_DATA_DIR: init records the backend there and the selected workspace is read from
    there, by both tools; nothing is written to .terraform."""
    import subprocess
    import sys

    d = _pg_dir(tmp_path, "w", f'    conn_str = "{database}"\n')
    env = dict(oracle_env, TF_DATA_DIR="alt")

    def sheath(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "sheath", *args], cwd=d, env=env, capture_output=True, text=True)

    def terraform(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([terraform_bin, *args], cwd=d, env=env, capture_output=True, text=True)

    assert sheath("init", "-input=false").returncode == 0
    assert (d / "alt" / "terraform.tfstate").exists()
    assert terraform("init", "-input=false").returncode == 0  # terraform accepts sheath's record
    assert sheath("workspace", "new", "dev").returncode == 0
    assert (d / "alt" / "environment").read_text() == "dev"
    r = sheath("apply", "-auto-approve", "-input=false")
    assert r.returncode == 0, r.stderr
    assert terraform("workspace", "show").stdout == "dev\n"
    assert terraform("plan", "-input=false", "-detailed-exitcode").returncode == 0
    assert [r[0] for r in _sql(database, "select name from terraform_remote_state.states order by name")] == ["dev"]
    assert not (d / ".terraform").exists()


def test_drift_on_pg(tmp_path: Path, database: str, run_sheath: Any) -> None:
    """sheath drift reads and locks the pg workspace's state: nothing drifted, then a file
    changed out of band is reported (exit 2 under -detailed-exitcode) and the state is untouched."""
    d = tmp_path / "w"
    d.mkdir()
    (d / "main.tf").write_text(f'terraform {{\n  backend "pg" {{\n    conn_str = "{database}"\n  }}\n}}\n' + KILLED_CONFIG)
    assert run_sheath(["init", "-input=false"], d).returncode == 0
    assert run_sheath(["apply", "-auto-approve", "-input=false"], d).returncode == 0
    before = _sql(database, "select data from terraform_remote_state.states")
    r = run_sheath(["drift", "-no-color", "-detailed-exitcode"], d)
    assert r.returncode == 0, r.stdout + r.stderr
    (d / "out" / "f1.txt").write_text("changed by hand\n")
    r = run_sheath(["drift", "-no-color", "-detailed-exitcode"], d)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "local_file.f[1]" in r.stdout
    assert _sql(database, "select data from terraform_remote_state.states") == before


def test_unmanaged_reads_the_workspaces_of_pg(tmp_path: Path, database: str, run_sheath: Any) -> None:
    """sheath unmanaged counts as managed what the pg workspaces' states hold (the selected
    one, or every one with -all-workspaces)."""
    from sheath.backend.pg import PgBackend, PgConfig
    from sheath.audit.unmanaged import remote_state_entries

    cfg, _ = PgConfig.from_settings({"conn_str": database})
    assert cfg is not None
    backend = PgBackend(cfg, journal_dir=str(tmp_path / "journal"))
    doc = {
        "version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "1b0e8b6e-0000-4000-8000-000000000001",
        "outputs": {}, "check_results": None,
        "resources": [{
            "mode": "managed", "type": "aws_s3_bucket", "name": "b",
            "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
            "instances": [{"schema_version": 0, "attributes": {"id": "kept-bucket", "bucket": "kept-bucket"}, "sensitive_attributes": []}],
        }],
    }
    from sheath.states.statefile import read_state_file

    sf, _ = read_state_file(json.dumps(doc).encode(), "x")
    assert sf is not None
    mgr, _ = backend.state_mgr("dev")
    assert mgr is not None and not mgr.persist_snapshot(sf).has_errors()
    entries, diags = remote_state_entries(backend, "dev")
    assert not diags.has_errors()
    assert [(e.type, e.id) for e in entries] == [("aws_s3_bucket", "kept-bucket")]
    assert remote_state_entries(backend, "default")[0] == []
