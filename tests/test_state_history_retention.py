"""History retention (SHEATH_HISTORY_RETENTION=N) on the local, pg and s3 backends: the newest N
versions keep their documents, older ones keep their record only (checked on disk, with SQL
and with boto3, and through sheath state history / state pull -version and sheath ui);
an invalid value is a diagnostic."""

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
from sheath.states.history import RETENTION_VARIABLE, history_retention

CONFIG = 'variable "v" {\n  default = "one"\n}\n\nresource "terraform_data" "a" {\n  input = var.v\n}\n'


def sheath(d: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    e.update({"CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1", **(env or {})})
    return subprocess.run([sys.executable, "-m", "sheath", *args], cwd=d, capture_output=True, text=True, env=e, timeout=300)


def _s3_client(moto_server: str) -> Any:
    import boto3

    return boto3.client("s3", endpoint_url=moto_server, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")


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


def test_retention_setting_is_parsed() -> None:
    assert history_retention({}) == (0, history_retention({})[1])
    n, d = history_retention({RETENTION_VARIABLE: "3"})
    assert n == 3 and not d.has_errors()
    n, d = history_retention({RETENTION_VARIABLE: "-1"})
    assert d.has_errors() and [x.summary for x in d] == [f"Invalid {RETENTION_VARIABLE}"]


@pytest.mark.parametrize("kind", ["local", "pg", "s3"])
def test_retention_keeps_the_newest_documents(kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    d = tmp_path / "w"
    d.mkdir()
    block = ""
    if kind == "pg":
        conn = create_database(request.getfixturevalue("postgres"), "ret_" + uuid.uuid4().hex[:10])
        block = f'terraform {{\n  backend "pg" {{\n    conn_str = "{conn}"\n  }}\n}}\n\n'
    elif kind == "s3":
        moto = request.getfixturevalue("moto_server")
        bucket = "ret-" + uuid.uuid4().hex[:10]
        _s3_client(moto).create_bucket(Bucket=bucket)
        block = "terraform {\n" + _s3_block(moto, bucket) + "}\n\n"
    (d / "main.tf").write_text(block + CONFIG)
    if block:
        r = sheath(d, "init", "-input=false", "-no-color")
        assert r.returncode == 0, r.stderr
    monkeypatch.setenv(RETENTION_VARIABLE, "2")
    for v in ("one", "two", "three"):
        Workspace(d, variables={"v": v}, plan_checks=[]).apply()

    r = sheath(d, "state", "history", "-json")
    assert r.returncode == 0, r.stderr
    hist = json.loads(r.stdout)
    versions = [h["version"] for h in hist]
    assert len(versions) >= 3 and versions == sorted(versions)  # every record stays
    kept, gone = versions[-2:], versions[:-2]
    r = sheath(d, "state", "pull", f"-version={kept[0]}")  # the oldest kept
    assert r.returncode == 0 and json.loads(r.stdout)["serial"] == hist[-2]["serial"], r.stderr
    r = sheath(d, "state", "pull", f"-version={gone[-1]}")  # the newest removed
    assert r.returncode == 1 and "No such state version" in r.stderr
    # the effect where the backend keeps it
    if kind == "local":
        files = sorted(p.name for p in (d / ".sheath" / "history" / "terraform.tfstate").glob("v*.tfstate"))
        assert files == [f"v{v:06d}.tfstate" for v in kept]
    elif kind == "pg":
        import psycopg

        with psycopg.connect(conn, autocommit=True) as c:
            rows = c.execute("SELECT version, data IS NOT NULL FROM terraform_remote_state.sheath_state_history ORDER BY version").fetchall()
        assert [(int(v), bool(k)) for v, k in rows] == [(v, v in kept) for v in versions]
    else:
        keys = sorted(o["Key"] for o in _s3_client(moto).list_objects_v2(Bucket=bucket, Prefix="sheath-history/")["Contents"])
        assert keys == ["sheath-history/app/terraform.tfstate/index.jsonl"] + [f"sheath-history/app/terraform.tfstate/v{v:06d}.tfstate" for v in kept]
    # sheath ui marks the removed ones
    with serving(d) as url:
        import urllib.request

        with urllib.request.urlopen(url + "/api/history", timeout=120) as resp:
            doc = json.loads(resp.read())
    assert [(s["version"], s["available"]) for s in doc["states"]] == [(v, v in kept) for v in versions]


def test_an_invalid_retention_is_a_diagnostic(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(CONFIG)
    r = sheath(tmp_path, "state", "history", "-no-color", env={RETENTION_VARIABLE: "some"})
    assert r.returncode == 1 and f"Invalid {RETENTION_VARIABLE}" in r.stderr and "Traceback" not in r.stderr
