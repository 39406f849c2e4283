"""Applied versions, configuration snapshots and the audit trail kept in the pg and s3
backends (issue 12): sheath history, audit log/verify, rollback -to-version and apply
-on-failure=rollback end to end, remote force-unlock and workspace delete recorded. The
stored records are checked with SQL and boto3, and terraform still inits and plans on the
same database and bucket after sheath wrote them."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from postgres_helpers import PostgresServer, create_database, postgres  # noqa: F401 - the fixture

pytestmark = pytest.mark.oracle


def config(value: str, extra: str = "") -> str:
    return f'variable "v" {{\n  default = "{value}"\n}}\n\nresource "terraform_data" "a" {{\n  input = var.v\n}}\n' + extra


# a resource whose create fails (its provisioner exits 3), after a is changed
FAILING = config(
    "two",
    'resource "terraform_data" "b" {\n  depends_on = [terraform_data.a]\n'
    '  provisioner "local-exec" {\n    command = "exit 3"\n  }\n}\n',
)


def _sql(conn_str: str, query: str, *args: Any) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(conn_str, autocommit=True) as conn:
        cur = conn.execute(query, args)
        return [tuple(r) for r in cur.fetchall()] if cur.description is not None else []


def _ok(r: Any) -> Any:
    assert r.returncode == 0, r.stdout + r.stderr
    return r


def _input(doc: dict[str, Any], name: str = "a") -> Any:
    for r in doc["resources"]:
        if r["name"] == name:
            raw = r["instances"][0]["attributes"]["input"]
            return raw["value"] if isinstance(raw, dict) else raw
    return None


@pytest.fixture
def database(postgres: PostgresServer) -> str:
    return create_database(postgres, "rec_" + uuid.uuid4().hex[:12])


def _pg_dir(tmp_path: Path, database: str) -> Path:
    d = tmp_path / "w"
    d.mkdir()
    (d / "backend.tf").write_text(f'terraform {{\n  backend "pg" {{\n    conn_str = "{database}"\n  }}\n}}\n')
    return d


def _pg_state(database: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(_sql(database, "select data from terraform_remote_state.states where name = 'default'")[0][0])
    return doc


def test_pg_history_audit_and_rollback(tmp_path: Path, database: str, run_sheath: Any, run_terraform: Any) -> None:
    d = _pg_dir(tmp_path, database)
    _ok(run_sheath(["init", "-input=false", "-no-color"], d))
    for value in ("one", "two", "three"):
        (d / "main.tf").write_text(config(value))
        _ok(run_sheath(["apply", "-auto-approve", "-input=false", "-no-color"], d))
    history = json.loads(_ok(run_sheath(["history", "-json"], d)).stdout)
    assert [(v["version"], v["operation"], v["outcome"]) for v in history] == [(1, "apply", "success"), (2, "apply", "success"), (3, "apply", "success")]
    assert history[0]["variables"] == {"v": "one"} and history[0]["changes"] == {"add": 1, "change": 0, "destroy": 0}
    # stored in sheath's own tables, beside terraform's
    rows = _sql(database, "select version, record from terraform_remote_state.sheath_applied_versions where name = 'default' order by version")
    assert [r[0] for r in rows] == [1, 2, 3] and json.loads(rows[2][1])["state_serial"] == _pg_state(database)["serial"]
    # three configurations, and three plans (a create, two updates) in a table of their own
    assert _sql(database, "select count(*) from terraform_remote_state.sheath_config_snapshots") == [(3,)]
    assert _sql(database, "select count(*) from terraform_remote_state.sheath_plan_snapshots") == [(3,)]
    audit = _sql(database, "select position, record from terraform_remote_state.sheath_audit_trail where name = 'default' order by position")
    assert [json.loads(r[1])["operation"] for r in audit] == ["apply", "apply", "apply"]
    shown = _ok(run_sheath(["history", "show", "3"], d)).stdout
    assert "Configuration changes since version 2" in shown
    assert '  ~ terraform_data.a (update)\n      input: "two" -> "three"\n' in shown
    assert "  + terraform_data.a (create)\n" in _ok(run_sheath(["history", "show", "1"], d)).stdout

    r = _ok(run_sheath(["rollback", "-to-version=1", "-auto-approve", "-input=false", "-no-color"], d))
    assert "Rolling back to version 1" in r.stdout
    assert _input(_pg_state(database)) == "one"
    history = json.loads(_ok(run_sheath(["history", "-json"], d)).stdout)
    assert history[-1]["operation"] == "rollback" and history[-1]["origin"] == "version 1"
    # version 1's configuration again: a new version, not a new configuration snapshot (its plan is new)
    assert history[-1]["config_sha"] == history[0]["config_sha"]
    assert _sql(database, "select count(*) from terraform_remote_state.sheath_config_snapshots") == [(3,)]
    assert _sql(database, "select count(*) from terraform_remote_state.sheath_plan_snapshots") == [(4,)]
    log = json.loads(_ok(run_sheath(["audit", "log", "-json"], d)).stdout)
    assert [x["operation"] for x in log] == ["apply"] * 3 + ["rollback"]
    assert "intact: 4 records" in _ok(run_sheath(["audit", "verify"], d)).stdout

    # terraform's table is as terraform made it, and terraform plans version 1 with no changes
    cols = _sql(database, "select column_name from information_schema.columns where table_schema = 'terraform_remote_state' and table_name = 'states' order by ordinal_position")
    assert cols == [("id",), ("name",), ("data",)]
    (d / "main.tf").write_text(config("one"))
    _ok(run_terraform(["init", "-input=false", "-no-color"], d))
    r = run_terraform(["plan", "-input=false", "-no-color", "-detailed-exitcode"], d)
    assert r.returncode == 0, r.stdout + r.stderr
    # a terraform apply changes the state only: sheath's records are where they were
    _ok(run_terraform(["apply", "-auto-approve", "-input=false", "-no-color", "-var", "v=tf"], d))
    assert len(json.loads(_ok(run_sheath(["history", "-json"], d)).stdout)) == 4

    # tampering, through SQL: an altered record, then a removed one, each named
    _sql(database, "update terraform_remote_state.sheath_audit_trail set record = replace(record, '\"apply\"', '\"import\"') where position = 2")
    r = run_sheath(["audit", "verify", "-json"], d)
    assert r.returncode == 1
    assert [(p["seq"], p["problem"]) for p in json.loads(r.stdout)["problems"]] == [(2, "altered")]
    _sql(database, "delete from terraform_remote_state.sheath_audit_trail where position = 2")
    r = run_sheath(["audit", "verify", "-json"], d)
    assert r.returncode == 1 and [(p["seq"], p["problem"]) for p in json.loads(r.stdout)["problems"]] == [(3, "removed")]


def test_pg_on_failure_rollback_force_unlock_and_workspace_delete(tmp_path: Path, database: str, run_sheath: Any) -> None:
    d = _pg_dir(tmp_path, database)
    (d / "main.tf").write_text(config("one"))
    _ok(run_sheath(["init", "-input=false", "-no-color"], d))
    _ok(run_sheath(["apply", "-auto-approve", "-input=false", "-no-color"], d))
    (d / "main.tf").write_text(FAILING)
    r = run_sheath(["apply", "-auto-approve", "-input=false", "-no-color", "-on-failure=rollback"], d)
    assert r.returncode == 1
    assert "Rolled back" in r.stdout + r.stderr, r.stdout + r.stderr
    doc = _pg_state(database)
    assert _input(doc) == "one" and [x["name"] for x in doc["resources"]] == ["a"]  # b (tainted) destroyed
    history = json.loads(_ok(run_sheath(["history", "-json"], d)).stdout)
    assert [(v["operation"], v["outcome"], v["origin"]) for v in history] == [
        ("apply", "success", ""), ("apply", "failure", ""), ("rollback", "success", "version 1")
    ]
    # state edits, a remote force-unlock, and a workspace delete in the default workspace's trail
    _ok(run_sheath(["taint", "-no-color", "terraform_data.a"], d))
    _ok(run_sheath(["untaint", "-no-color", "terraform_data.a"], d))
    r = _ok(run_sheath(["force-unlock", "-force", "-no-color", "1234"], d))
    _ok(run_sheath(["workspace", "new", "dev", "-no-color"], d))
    _ok(run_sheath(["workspace", "select", "default", "-no-color"], d))
    _ok(run_sheath(["workspace", "delete", "dev", "-no-color"], d))
    log = json.loads(_ok(run_sheath(["audit", "log", "-json"], d)).stdout)
    assert [(x["operation"], x["result"]) for x in log] == [
        ("apply", "success"), ("apply", "failure"), ("rollback", "success"), ("taint", "success"), ("untaint", "success"),
        ("force-unlock", "success"), ("workspace delete", "success")
    ]
    assert log[5]["details"]["lock_id"] == "1234" and log[3]["details"]["serial"] == _pg_state(database)["serial"] - 1
    _ok(run_sheath(["audit", "verify"], d))


def _s3(moto_server: str) -> Any:
    import boto3

    return boto3.client("s3", endpoint_url=moto_server, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")


def _s3_dir(tmp_path: Path, moto_server: str, bucket: str) -> Path:
    d = tmp_path / "w"
    d.mkdir()
    (d / "backend.tf").write_text(
        'terraform {\n  backend "s3" {\n'
        f'    bucket = "{bucket}"\n    key = "app/terraform.tfstate"\n    region = "us-east-1"\n'
        '    access_key = "testing"\n    secret_key = "testing"\n'
        "    skip_credentials_validation = true\n    skip_requesting_account_id = true\n"
        "    skip_metadata_api_check = true\n    skip_region_validation = true\n    use_path_style = true\n"
        "    use_lockfile = true\n"
        f'    endpoints = {{\n      s3 = "{moto_server}"\n    }}\n'
        "  }\n}\n"
    )
    return d


def test_s3_history_audit_rollback_and_workspaces(tmp_path: Path, moto_server: str, run_sheath: Any, run_terraform: Any) -> None:
    s3 = _s3(moto_server)
    bucket = "rec-" + uuid.uuid4().hex[:10]
    s3.create_bucket(Bucket=bucket)
    d = _s3_dir(tmp_path, moto_server, bucket)
    _ok(run_sheath(["init", "-input=false", "-no-color"], d))
    for value in ("one", "two"):
        (d / "main.tf").write_text(config(value))
        _ok(run_sheath(["apply", "-auto-approve", "-input=false", "-no-color"], d))
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"])
    assert [k for k in keys if k.startswith("sheath-versions/app/terraform.tfstate/v")] == [
        "sheath-versions/app/terraform.tfstate/v00000001.json", "sheath-versions/app/terraform.tfstate/v00000002.json"
    ]
    # two configurations, and two plans under a prefix of their own
    assert len([k for k in keys if k.startswith("sheath-versions/app/terraform.tfstate/snapshots/")]) == 2
    assert len([k for k in keys if k.startswith("sheath-versions/app/terraform.tfstate/plans/")]) == 2
    assert '  ~ terraform_data.a (update)\n      input: "one" -> "two"\n' in _ok(run_sheath(["history", "show", "2"], d)).stdout
    assert [k for k in keys if k.startswith("sheath-audit/")] == [
        "sheath-audit/app/terraform.tfstate/00000001.json", "sheath-audit/app/terraform.tfstate/00000002.json"
    ]
    v1 = json.loads(s3.get_object(Bucket=bucket, Key="sheath-versions/app/terraform.tfstate/v00000001.json")["Body"].read())
    assert v1["variables"] == {"v": "one"} and v1["operation"] == "apply"

    _ok(run_sheath(["rollback", "-to-version=1", "-auto-approve", "-input=false", "-no-color"], d))
    state = json.loads(s3.get_object(Bucket=bucket, Key="app/terraform.tfstate")["Body"].read())
    assert _input(state) == "one"
    history = json.loads(_ok(run_sheath(["history", "-json"], d)).stdout)
    assert [(v["version"], v["operation"], v["origin"]) for v in history] == [(1, "apply", ""), (2, "apply", ""), (3, "rollback", "version 1")]
    assert "intact: 3 records" in _ok(run_sheath(["audit", "verify"], d)).stdout

    # apply -on-failure=rollback on s3
    (d / "main.tf").write_text(FAILING)
    r = run_sheath(["apply", "-auto-approve", "-input=false", "-no-color", "-on-failure=rollback"], d)
    assert r.returncode == 1 and "Rolled back" in r.stdout + r.stderr, r.stdout + r.stderr
    state = json.loads(s3.get_object(Bucket=bucket, Key="app/terraform.tfstate")["Body"].read())
    assert _input(state) == "one" and [x["name"] for x in state["resources"]] == ["a"]

    # workspace-aware: dev's records live next to env:/dev/KEY
    _ok(run_sheath(["workspace", "new", "dev", "-no-color"], d))
    (d / "main.tf").write_text(config("dev"))
    _ok(run_sheath(["apply", "-auto-approve", "-input=false", "-no-color"], d))
    assert [v["version"] for v in json.loads(_ok(run_sheath(["history", "-json"], d)).stdout)] == [1]
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"])
    assert "sheath-audit/env:/dev/app/terraform.tfstate/00000001.json" in keys

    # terraform still sees its workspaces and plans the state sheath wrote with no changes
    _ok(run_terraform(["init", "-input=false", "-no-color"], d))
    assert run_terraform(["workspace", "list"], d).stdout.split() == ["default", "*", "dev"]
    r = run_terraform(["plan", "-input=false", "-no-color", "-detailed-exitcode"], d)
    assert r.returncode == 0, r.stdout + r.stderr

    # tampering, through boto3: a record removed from the default workspace's trail
    _ok(run_sheath(["workspace", "select", "default", "-no-color"], d))
    s3.delete_object(Bucket=bucket, Key="sheath-audit/app/terraform.tfstate/00000002.json")
    r = run_sheath(["audit", "verify", "-json"], d)
    assert r.returncode == 1 and [(p["seq"], p["problem"]) for p in json.loads(r.stdout)["problems"]] == [(3, "removed")]

    # a refused force-unlock is recorded too
    r = run_sheath(["force-unlock", "-force", "-no-color", "no-such-lock"], d)
    log = json.loads(_ok(run_sheath(["audit", "log", "-json"], d)).stdout)
    assert log[-1]["operation"] == "force-unlock" and log[-1]["result"] == ("success" if r.returncode == 0 else "failure")


SECRET = "hunter2-sensitive-0123"
PLAIN_MARK = "plain-marker-4567"


def _sealed_config(backend: str, value: str) -> str:
    """A terraform block with backend and state encryption, a sensitive variable used in a
    resource and a sensitive output (its value given with -var, so never in the
    configuration), and a plain value (PLAIN_MARK) the plan holds."""
    return (
        "terraform {\n" + backend + "  encryption {\n"
        '    key_provider "pbkdf2" "k" {\n      passphrase = "a passphrase long enough for pbkdf2"\n    }\n'
        '    method "aes_gcm" "m" {\n      keys = key_provider.pbkdf2.k\n    }\n'
        "    state {\n      method = method.aes_gcm.m\n    }\n  }\n}\n"
        'variable "secret" {\n  type      = string\n  sensitive = true\n}\n'
        f'resource "terraform_data" "a" {{\n  input            = "{PLAIN_MARK}-{value}"\n  triggers_replace = {{ s = var.secret }}\n}}\n'
        'output "s" {\n  value     = var.secret\n  sensitive = true\n}\n'
    )


@pytest.mark.parametrize("kind", ["pg", "s3"])
def test_plans_are_kept_sealed_and_never_show_sensitive_values(tmp_path: Path, kind: str, request: Any, run_sheath: Any) -> None:
    """Each applied version keeps its plan as a snapshot, sealed with the state's method
    like the configuration; history show prints its changes, sensitive values masked."""
    if kind == "pg":
        database = request.getfixturevalue("database")
        backend = f'  backend "pg" {{\n    conn_str = "{database}"\n  }}\n'
    else:
        s3 = _s3(request.getfixturevalue("moto_server"))
        bucket = "plan-" + uuid.uuid4().hex[:10]
        s3.create_bucket(Bucket=bucket)
        backend_tf = _s3_dir(tmp_path, request.getfixturevalue("moto_server"), bucket) / "backend.tf"
        backend = backend_tf.read_text().removeprefix("terraform {\n").removesuffix("}\n")
        backend_tf.unlink()
    d = tmp_path / "w"
    d.mkdir(exist_ok=True)
    (d / "main.tf").write_text(_sealed_config(backend, "one"))
    _ok(run_sheath(["init", "-input=false", "-no-color"], d))
    apply = ["apply", "-auto-approve", "-input=false", "-no-color", f"-var=secret={SECRET}"]
    _ok(run_sheath(apply, d))
    (d / "main.tf").write_text(_sealed_config(backend, "two"))
    _ok(run_sheath(apply, d))
    history = json.loads(_ok(run_sheath(["history", "-json"], d)).stdout)
    plan_shas = [v["plan_sha"] for v in history]
    assert len(plan_shas) == 2 and all(plan_shas)
    if kind == "pg":
        raw = [str(r[0]) for sha in plan_shas for r in _sql(database, "select data from terraform_remote_state.sheath_plan_snapshots where sha256 = %s", sha)]
    else:
        prefix = "sheath-versions/app/terraform.tfstate/plans/"
        raw = [s3.get_object(Bucket=bucket, Key=f"{prefix}{sha}.json")["Body"].read().decode() for sha in plan_shas]
    assert len(raw) == 2
    for text in raw:  # sealed: neither the secret nor the plain values nor the layout in clear
        assert SECRET not in text and PLAIN_MARK not in text and "resource_changes" not in text
        assert list(json.loads(text)) == ["meta", "encrypted_data", "encryption_version"]
    one = _ok(run_sheath(["history", "show", "1"], d)).stdout
    two = _ok(run_sheath(["history", "show", "2"], d)).stdout
    assert "  + terraform_data.a (create)\n" in one and "  + output.s = (sensitive value)\n" in one
    assert f'  ~ terraform_data.a (update)\n      input: "{PLAIN_MARK}-one" -> "{PLAIN_MARK}-two"\n' in two
    shown_json = _ok(run_sheath(["history", "show", "-json", "1"], d)).stdout
    assert json.loads(shown_json)["plan"]["resource_changes"][0]["change"]["after_sensitive"]["triggers_replace"] == {"s": True}
    for out in (one, two, shown_json):
        assert SECRET not in out


def _concurrently(store: Any, n: int = 8) -> None:
    """n writers appending an audit record and an applied version each, at once."""
    from concurrent.futures import ThreadPoolExecutor

    def write(i: int) -> None:
        store.audit.append("state mv", "success", details={"writer": i})
        store.versions.record(
            operation="apply", outcome="success", errors=[], git_commit="", git_dirty=False, config_sha=store.versions.save_snapshot({"main.tf": b"x"}),
            plan_hash="", state_serial=i, state_lineage="l", variables={}, changes={}, failed_resources=[], origin="",
        )

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(write, range(n)))
    records = [r for _, r, _ in store.audit.records()]
    assert [r["seq"] for r in records if r] == list(range(1, n + 1))
    assert sorted(r["details"]["writer"] for r in records if r) == list(range(n))
    assert store.audit.verify().ok
    assert [v.version for v in store.versions.versions()] == list(range(1, n + 1))
    assert store.versions.snapshot_count() == 1 and store.versions.snapshot(store.versions.versions()[0].config_sha) == {"main.tf": b"x"}


def test_concurrent_writers_never_interleave(tmp_path: Path, database: str, moto_server: str) -> None:
    from sheath.audit.records import backend_records
    from sheath.backend.pg import PgBackend, PgConfig
    from sheath.backend.s3 import S3Backend, S3Config

    pg, _ = PgConfig.from_settings({"conn_str": database}, environ={})
    assert pg is not None
    backend = PgBackend(pg, journal_dir=str(tmp_path / "j"))
    assert not backend.prepare().has_errors()  # terraform's schema and table, as every command's state_mgr makes them
    pg_store = backend_records(backend, "default")
    bucket = "rec-" + uuid.uuid4().hex[:10]
    _s3(moto_server).create_bucket(Bucket=bucket)
    s3cfg, _ = S3Config.from_settings(
        {"bucket": bucket, "key": "k/terraform.tfstate", "region": "us-east-1", "access_key": "testing", "secret_key": "testing",
         "use_path_style": True, "skip_credentials_validation": True, "skip_requesting_account_id": True, "endpoints": {"s3": moto_server}},
        environ={},
    )
    assert s3cfg is not None
    s3_store = backend_records(S3Backend(s3cfg, journal_dir=str(tmp_path / "j")), "default")
    for store in (pg_store, s3_store):
        assert store is not None
        _concurrently(store)


# resources for the state edits: b is moved to c and removed, i is imported
EDITS = config("one", 'resource "terraform_data" "b" {}\n\nresource "terraform_data" "i" {}\n')
EDIT_STEPS = [
    ["state", "mv", "terraform_data.b", "terraform_data.c"],
    ["state", "rm", "terraform_data.c"],
    ["import", "terraform_data.i", "imported-id"],
    ["state", "replace-provider", "-auto-approve", "terraform.io/builtin/terraform", "registry.terraform.io/hashicorp/null"],
    ["state", "replace-provider", "-auto-approve", "registry.terraform.io/hashicorp/null", "terraform.io/builtin/terraform"],
    ["state", "push", "pushed.tfstate"],
]
EDIT_OPERATIONS = ["apply", "state mv", "state rm", "import", "state replace-provider", "state replace-provider", "state push"]


def _no_color(args: list[str]) -> list[str]:
    """args with -no-color after the command's words (flags go before the arguments)."""
    at = 2 if args[0] == "state" else 1
    return args[:at] + ["-no-color"] + args[at:]


def _edit_state(d: Path, run_sheath: Any) -> list[dict[str, Any]]:
    """Apply EDITS but i, run EDIT_STEPS (pushing the state pulled before the push), and return
    the audit log, checked to name each edit with the state's serial at the time."""
    (d / "main.tf").write_text(EDITS)
    _ok(run_sheath(["init", "-input=false", "-no-color"], d))
    _ok(run_sheath(["apply", "-auto-approve", "-input=false", "-no-color", "-target=terraform_data.a", "-target=terraform_data.b"], d))
    for args in EDIT_STEPS:
        if args[:2] == ["state", "push"]:
            (d / "pushed.tfstate").write_text(_ok(run_sheath(["state", "pull"], d)).stdout)
        r = _ok(run_sheath(_no_color(args), d))
        assert "Warning" not in r.stdout + r.stderr, (args, r.stdout + r.stderr)
    log: list[dict[str, Any]] = json.loads(_ok(run_sheath(["audit", "log", "-json"], d)).stdout)
    assert [(x["operation"], x["result"]) for x in log] == [(op, "success") for op in EDIT_OPERATIONS]
    assert all(x["details"]["workspace"] == "default" for x in log[1:] if x["operation"] != "import")
    assert log[3]["details"] == {"address": "terraform_data.i", "id": "imported-id"}
    assert "intact: 7 records" in _ok(run_sheath(["audit", "verify"], d)).stdout
    return log


def test_pg_state_edits_are_audited_and_an_unwritable_trail_is_a_warning(tmp_path: Path, database: str, run_sheath: Any) -> None:
    d = _pg_dir(tmp_path, database)
    log = _edit_state(d, run_sheath)
    rows = _sql(database, "select position, record from terraform_remote_state.sheath_audit_trail where name = 'default' order by position")
    assert [(p, json.loads(r)["operation"]) for p, r in rows] == list(enumerate(EDIT_OPERATIONS, 1))
    assert [json.loads(r)["hash"] for _, r in rows] == [x["hash"] for x in log]
    state = _pg_state(database)
    assert sorted(x["name"] for x in state["resources"]) == ["a", "i"] and log[-1]["details"]["serial"] == state["serial"]

    # the table refuses new rows: each edit is written, its record is a warning, exit 0
    _sql(database, "alter table terraform_remote_state.sheath_audit_trail add constraint refuse check (position < 0) not valid")
    for args in (["taint", "terraform_data.a"], ["state", "mv", "terraform_data.i", "terraform_data.j"]):
        r = _ok(run_sheath(_no_color(args), d))
        text = " ".join(r.stdout.split())  # the detail is wrapped
        assert "Warning: Not recorded in the audit trail" in text and "violates check constraint" in text, r.stdout
        assert "Traceback" not in r.stderr, r.stderr
    state = _pg_state(database)
    assert sorted(x["name"] for x in state["resources"]) == ["a", "j"]
    assert [x["instances"][0].get("status") for x in state["resources"] if x["name"] == "a"] == ["tainted"]
    assert _sql(database, "select count(*) from terraform_remote_state.sheath_audit_trail") == [(7,)]
    # -state names a local file's trail: refused where the backend keeps the trail
    r = run_sheath(["audit", "log", "-no-color", "-state=terraform.tfstate"], d)
    assert r.returncode == 1 and "Error: Invalid command-line option" in r.stderr and '"pg" backend' in r.stderr, r.stderr


def test_s3_state_edits_are_audited(tmp_path: Path, moto_server: str, run_sheath: Any) -> None:
    s3 = _s3(moto_server)
    bucket = "rec-" + uuid.uuid4().hex[:10]
    s3.create_bucket(Bucket=bucket)
    d = _s3_dir(tmp_path, moto_server, bucket)
    log = _edit_state(d, run_sheath)
    prefix = "sheath-audit/app/terraform.tfstate/"
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix)["Contents"])
    assert keys == [f"{prefix}{n:08d}.json" for n in range(1, 8)]
    stored = [json.loads(s3.get_object(Bucket=bucket, Key=k)["Body"].read()) for k in keys]
    assert [x["operation"] for x in stored] == EDIT_OPERATIONS and [x["hash"] for x in stored] == [x["hash"] for x in log]
    state = json.loads(s3.get_object(Bucket=bucket, Key="app/terraform.tfstate")["Body"].read())
    assert sorted(x["name"] for x in state["resources"]) == ["a", "i"] and log[-1]["details"]["serial"] == state["serial"]
