"""sheath ui on the pg and s3 backends (PostgreSQL started by the tests, S3 on moto): the state,
graph and history views read the configured backend as the CLI's read commands do, and their
/api/ documents agree with what ``sheath state pull`` and ``sheath state history -json`` print
for the same backend. Sensitive values stay masked; nothing is locked, created or written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from ui_fixture import serving

from postgres_helpers import PostgresServer, create_database, postgres  # noqa: F401 - the fixture
from sheath import Workspace
from sheath.ui.model import SENSITIVE

SECRET = "hush-remote-51c0"
PASSPHRASE = "a passphrase that is long enough"

CONFIG = """variable "secret" {
  type      = string
  sensitive = true
}

variable "v" {
  type    = string
  default = "one"
}

resource "terraform_data" "a" {
  input = var.v
}

resource "terraform_data" "s" {
  triggers_replace = var.secret
}

output "o" {
  value = terraform_data.a.output
}

output "hidden" {
  value     = var.secret
  sensitive = true
}
"""

ENCRYPTION = """  encryption {
    key_provider "pbkdf2" "k" {
      passphrase = "%s"
      iterations = 200000
    }
    method "aes_gcm" "m" {
      keys = key_provider.pbkdf2.k
    }
    state {
      method = method.aes_gcm.m
    }
  }
""" % PASSPHRASE


def _env() -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    e.update({"TF_VAR_secret": SECRET, "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"})
    return e


def sheath(d: Path, *args: str) -> str:
    r = subprocess.run([sys.executable, "-m", "sheath", *args], cwd=d, capture_output=True, text=True, env=_env(), timeout=300)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stdout + r.stderr
    return r.stdout


def get(url: str) -> tuple[int, Any, str]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=120) as resp:
            body = resp.read().decode()
            return resp.status, json.loads(body), body
    except urllib.error.HTTPError as exc:
        body = exc.read().decode()
        return exc.code, json.loads(body), body


def _s3_block(moto_server: str, bucket: str) -> str:
    return (
        '  backend "s3" {\n'
        f'    bucket = "{bucket}"\n    key = "app/terraform.tfstate"\n    region = "us-east-1"\n'
        '    access_key = "testing"\n    secret_key = "testing"\n'
        "    skip_credentials_validation = true\n    skip_requesting_account_id = true\n"
        "    skip_metadata_api_check = true\n    skip_region_validation = true\n    use_path_style = true\n"
        "    use_lockfile = true\n"
        f'    endpoints = {{\n      s3 = "{moto_server}"\n    }}\n'
        "  }\n"
    )


def _s3() -> Any:
    import boto3

    return boto3.client(
        "s3", endpoint_url=os.environ["SHEATH_TEST_MOTO"], region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )


def _pg_rows(conn_str: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(conn_str, autocommit=True) as conn:
        rows = conn.execute("SELECT name, data FROM terraform_remote_state.states ORDER BY name").fetchall()
        rows += conn.execute("SELECT name, version, data IS NULL FROM terraform_remote_state.sheath_state_history ORDER BY name, version").fetchall()
        rows += conn.execute("SELECT locktype, objid FROM pg_locks WHERE locktype = 'advisory'").fetchall()
    return [tuple(r) for r in rows]


def _s3_objects(bucket: str) -> list[tuple[str, str]]:
    return sorted((o["Key"], o["ETag"]) for o in _s3().list_objects_v2(Bucket=bucket).get("Contents", []))


@pytest.fixture(params=["pg", "pg-encrypted", "s3"])
def remote_dir(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A working directory on the backend, after two applies (a changed, its secret kept):
    yields (directory, a function returning the backend's stored bytes for the no-write check)."""
    kind = str(request.param)
    if kind.startswith("pg"):
        server = request.getfixturevalue("postgres")
        conn = create_database(server, "ui_" + uuid.uuid4().hex[:10])
        block = f'  backend "pg" {{\n    conn_str = "{conn}"\n  }}\n'
        stored: Any = lambda: _pg_rows(conn)  # noqa: E731
    else:
        moto = request.getfixturevalue("moto_server")
        monkeypatch.setenv("SHEATH_TEST_MOTO", moto)
        bucket = "ui-" + uuid.uuid4().hex[:10]
        _s3().create_bucket(Bucket=bucket)
        block = _s3_block(moto, bucket)
        stored = lambda: _s3_objects(bucket)  # noqa: E731
    enc = ENCRYPTION if kind.endswith("encrypted") else ""
    tmp_path = tmp_path / "w"
    tmp_path.mkdir()
    (tmp_path / "main.tf").write_text("terraform {\n" + block + enc + "}\n\n" + CONFIG)
    sheath(tmp_path, "init", "-input=false", "-no-color")
    Workspace(tmp_path, variables={"secret": SECRET}, plan_checks=[]).apply()
    Workspace(tmp_path, variables={"secret": SECRET, "v": "two"}, plan_checks=[]).apply()
    monkeypatch.setenv("TF_VAR_secret", SECRET)  # the ui reads variables (here: none the state needs) as the CLI does
    return kind, tmp_path, stored


def _masked(attrs: dict[str, Any], paths: list[list[Any]]) -> dict[str, Any]:
    out = dict(attrs)
    for p in paths:
        assert len(p) == 1
        out[p[0]] = SENSITIVE
    return out


def test_state_graph_and_history_match_the_cli(remote_dir: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    kind, d, stored = remote_dir
    pulled = json.loads(sheath(d, "state", "pull"))
    history = json.loads(sheath(d, "state", "history", "-json"))
    assert SECRET in json.dumps(pulled)  # the CLI prints it: the ui must not
    before = stored()
    other = d.parent / "elsewhere"
    other.mkdir()
    monkeypatch.chdir(other)  # the ui finds the backend record in its working directory, not the process's
    if True:
        with serving(d) as url:
            status, state, body = get(url + "/api/state")
            assert status == 200 and SECRET not in body, body
            assert state["exists"] and state["diagnostics"] == []
            want = {r["type"] + "." + r["name"]: r["instances"][0] for r in pulled["resources"]}
            got = {r["address"]: r["instances"][0] for r in state["resources"]}
            assert set(got) == set(want) == {"terraform_data.a", "terraform_data.s"}
            for addr, inst in got.items():
                assert inst["attributes"] == _masked(want[addr]["attributes"], inst["sensitive_paths"])
            assert got["terraform_data.s"]["sensitive_paths"] == [["triggers_replace"]]
            assert got["terraform_data.a"]["attributes"]["output"] == {"value": "two", "type": "string"}
            assert state["outputs"] == {"hidden": {"value": SENSITIVE, "sensitive": True}, "o": {"value": "two", "sensitive": False}}

            status, graph, _ = get(url + "/api/graph")
            assert status == 200 and {n["address"]: n["instances"] for n in graph["nodes"]} == {"terraform_data.a": 1, "terraform_data.s": 1}

            status, hist, body = get(url + "/api/history")
            assert status == 200 and SECRET not in body
            assert hist["backend"] == kind.split("-")[0] and [a["version"] for a in hist["applied"]] == [1, 2] and hist["diagnostics"] == []
            assert [{k: v for k, v in s.items() if k != "available"} for s in hist["states"]] == history
            assert all(s["available"] for s in hist["states"]) and len(history) >= 2
            assert {"operation", "plan_hash", "git_commit"} <= set(hist["states"][-1]) and hist["states"][-1]["operation"] == "apply"

            first, last = history[0]["version"], history[-1]["version"]
            status, diff, body = get(url + f"/api/history/diff?kind=state&from={first}&to={last}")
            assert status == 200 and SECRET not in body, body
            changed = {r["address"]: r for r in diff["resources"]}
            assert changed["terraform_data.a"]["action"] in ("update", "create")
            assert '"two"' in changed["terraform_data.a"]["diff"]
            # the applied versions the backend keeps (pg's tables, s3's objects)
            status, diff, body = get(url + "/api/history/diff?kind=applied&from=1&to=2")
            assert status == 200 and SECRET not in body and diff["configuration"] == "", body
            assert get(url + "/api/history/diff?kind=applied&from=1&to=9")[0] == 404
            assert get(url + "/api/history/diff?kind=state&from=1&to=999")[0] == 404
    assert stored() == before  # read-only: no write, no lock left behind, no table or object added


def test_a_missing_workspace_is_not_created(remote_dir: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    kind, d, stored = remote_dir
    before = stored()
    monkeypatch.setenv("TF_WORKSPACE", "nowhere")
    with serving(d) as url:
        status, state, _ = get(url + "/api/state")
        assert status == 200 and not state["exists"] and state["resources"] == []
        assert [x["summary"] for x in state["diagnostics"]] == ["No such workspace"]
        status, hist, _ = get(url + "/api/history")
        assert status == 200 and hist["states"] == []
    assert stored() == before


def test_an_unreachable_backend_is_a_diagnostic(tmp_path: Path, postgres: PostgresServer) -> None:  # noqa: F811
    """The database the backend names is gone: every view answers, the state view with the
    error as a diagnostic (no traceback, no connection string)."""
    import psycopg

    name = "gone_" + uuid.uuid4().hex[:10]
    conn = create_database(postgres, name)
    (tmp_path / "main.tf").write_text('terraform {\n  backend "pg" {\n    conn_str = "' + conn + '"\n  }\n}\n\n' + CONFIG)
    sheath(tmp_path, "init", "-input=false", "-no-color")
    with psycopg.connect(postgres.conn_str(), autocommit=True) as c:
        c.execute(f'DROP DATABASE "{name}"')
    with serving(tmp_path) as url:
        status, state, body = get(url + "/api/state")
        assert status == 200 and not state["exists"]
        assert [d["severity"] for d in state["diagnostics"]] == ["error"] and conn not in body
        status, graph, _ = get(url + "/api/graph")
        assert status == 200 and {n["address"] for n in graph["nodes"]} == {"terraform_data.a", "terraform_data.s"}
        status, hist, _ = get(url + "/api/history")
        assert status == 200 and hist["states"] == [] and any(d["severity"] == "error" for d in hist["diagnostics"])
        assert get(url + "/api/history/diff?kind=state&from=1&to=2")[0] == 404
