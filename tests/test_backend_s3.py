"""The s3 backend against a moto server and terraform 1.11.4 on the same bucket: terraform's
key layout for workspaces, each tool reading the other's state, the .tflock file and the
DynamoDB lock and digest items. Effects are checked with boto3."""

from __future__ import annotations

import hashlib
import json
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from sheath.backend.s3 import S3Backend, S3Config
from sheath.states.statefile import write_state_file

pytestmark = pytest.mark.oracle

CONFIG = 'resource "terraform_data" "a" {\n  input = var.v\n}\n\nvariable "v" {\n  default = "one"\n}\n'
AWS_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1"}


def _boto(moto_server: str, service: str) -> Any:
    import boto3

    return boto3.client(
        service, endpoint_url=moto_server, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )


def _bucket(moto_server: str, table: bool = False) -> tuple[str, str]:
    name = "state-" + uuid.uuid4().hex[:10]
    _boto(moto_server, "s3").create_bucket(Bucket=name)
    tname = ""
    if table:
        tname = "locks-" + uuid.uuid4().hex[:6]
        _boto(moto_server, "dynamodb").create_table(
            TableName=tname,
            KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    return name, tname


def _settings(moto_server: str, bucket: str, **extra: Any) -> dict[str, Any]:
    return {
        "bucket": bucket,
        "key": "app/terraform.tfstate",
        "region": "us-east-1",
        "access_key": "testing",
        "secret_key": "testing",
        "skip_credentials_validation": True,
        "skip_requesting_account_id": True,
        "skip_metadata_api_check": True,
        "skip_region_validation": True,
        "use_path_style": True,
        "endpoints": {"s3": moto_server, "dynamodb": moto_server},
        **extra,
    }


def _hcl(settings: dict[str, Any]) -> str:
    lines = []
    for k, v in settings.items():
        if isinstance(v, dict):
            inner = "".join(f'      {ik} = "{iv}"\n' for ik, iv in v.items())
            lines.append(f"    {k} = {{\n{inner}    }}\n")
        elif isinstance(v, bool):
            lines.append(f"    {k} = {'true' if v else 'false'}\n")
        else:
            lines.append(f'    {k} = "{v}"\n')
    return 'terraform {\n  backend "s3" {\n' + "".join(lines) + "  }\n}\n"


def _tf_dir(tmp_path: Path, settings: dict[str, Any]) -> Path:
    d = tmp_path / "tf"
    d.mkdir()
    (d / "main.tf").write_text(_hcl(settings) + CONFIG)
    return d


def _backend(settings: dict[str, Any], tmp_path: Path) -> S3Backend:
    cfg, diags = S3Config.from_settings(settings, environ={})
    assert cfg is not None, [(d.summary, d.detail) for d in diags]
    return S3Backend(cfg, journal_dir=str(tmp_path / "journal"))


@pytest.fixture
def tf(run_terraform: Any) -> Any:
    def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
        return run_terraform(args, cwd)

    return run


def test_state_and_workspaces_are_shared_with_terraform(tmp_path: Path, moto_server: str, tf: Any) -> None:
    bucket, table = _bucket(moto_server, table=True)
    settings = _settings(moto_server, bucket, dynamodb_table=table)
    d = _tf_dir(tmp_path, settings)
    assert tf(["init", "-input=false"], d).returncode == 0
    r = tf(["apply", "-auto-approve", "-input=false"], d)
    assert r.returncode == 0, r.stderr
    assert tf(["workspace", "new", "dev"], d).returncode == 0
    s3 = _boto(moto_server, "s3")
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"])
    assert keys == ["app/terraform.tfstate", "env:/dev/app/terraform.tfstate"]

    backend = _backend(settings, tmp_path)
    assert backend.workspaces()[0] == ["default", "dev"]
    mgr, diags = backend.state_mgr("default")
    assert mgr is not None, diags
    assert not mgr.refresh_state().has_errors()
    sf = mgr.state_file()
    tf_doc = s3.get_object(Bucket=bucket, Key="app/terraform.tfstate")["Body"].read()
    assert write_state_file(sf) == tf_doc
    # sheath writes a new serial; terraform reads it, and the digest item matches
    del sf.state.resources[("", "managed", "terraform_data", "a")]
    mgr.write_state(sf)
    assert not mgr.persist_state().has_errors()
    doc = s3.get_object(Bucket=bucket, Key="app/terraform.tfstate")["Body"].read()
    assert json.loads(doc)["serial"] == json.loads(tf_doc)["serial"] + 1
    item = _boto(moto_server, "dynamodb").get_item(TableName=table, Key={"LockID": {"S": f"{bucket}/app/terraform.tfstate-md5"}})
    assert item["Item"]["Digest"]["S"] == hashlib.md5(doc).hexdigest()
    assert tf(["workspace", "select", "default"], d).returncode == 0
    assert json.loads(tf(["state", "pull"], d).stdout)["serial"] == json.loads(doc)["serial"]
    # a workspace sheath creates is where terraform puts one, and terraform lists it
    mgr2, diags = backend.state_mgr("qa")
    assert mgr2 is not None, diags
    assert s3.get_object(Bucket=bucket, Key="env:/qa/app/terraform.tfstate")["Body"].read()
    listed = tf(["workspace", "list"], d).stdout
    assert [w.strip(" *") for w in listed.splitlines() if w.strip()] == ["default", "dev", "qa"]
    assert not backend.delete_workspace("qa", False).has_errors()
    assert backend.workspaces()[0] == ["default", "dev"]


def _terraform_waiting(d: Path, env: dict[str, str], terraform: str) -> subprocess.Popen[str]:
    p = subprocess.Popen([terraform, "apply", "-var", "v=two"], cwd=d, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
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


@pytest.mark.parametrize("mode", ["lockfile", "dynamodb", "both"])
def test_locks_exclude_terraform_both_ways(
    mode: str, tmp_path: Path, moto_server: str, tf: Any, terraform_bin: str, oracle_env: dict[str, str]
) -> None:
    bucket, table = _bucket(moto_server, table=mode != "lockfile")
    extra: dict[str, Any] = {}
    if mode in ("lockfile", "both"):
        extra["use_lockfile"] = True
    if mode in ("dynamodb", "both"):
        extra["dynamodb_table"] = table
    settings = _settings(moto_server, bucket, **extra)
    d = _tf_dir(tmp_path, settings)
    assert tf(["init", "-input=false"], d).returncode == 0
    assert tf(["apply", "-auto-approve", "-input=false"], d).returncode == 0
    mgr, diags = _backend(settings, tmp_path).state_mgr("default")
    assert mgr is not None, diags
    # sheath holds the lock: terraform is refused, naming sheath as the holder
    info, diags = mgr.lock("OperationTypeApply")
    assert info is not None, diags
    s3 = _boto(moto_server, "s3")
    if mode != "dynamodb":
        lock_doc = json.loads(s3.get_object(Bucket=bucket, Key="app/terraform.tfstate.tflock")["Body"].read())
        assert lock_doc["ID"] == info.id and lock_doc["Path"] == f"{bucket}/app/terraform.tfstate"
        assert lock_doc["Operation"] == "OperationTypeApply"
    r = tf(["plan", "-input=false"], d)
    assert r.returncode == 1 and "Error acquiring the state lock" in r.stderr
    assert info.id in r.stderr
    assert not mgr.unlock(info.id).has_errors()
    assert tf(["plan", "-input=false"], d).returncode == 0
    # terraform holds the lock: sheath is refused, then waits for it
    env = dict(oracle_env)
    env.pop("TF_IN_AUTOMATION", None)
    p = _terraform_waiting(d, env, terraform_bin)
    info, diags = mgr.lock("OperationTypePlan")
    assert info is None and [x.summary for x in diags] == ["Error acquiring the state lock"]
    assert p.stdin is not None
    p.stdin.write("yes\n")
    p.stdin.flush()
    info, diags = mgr.lock("OperationTypeApply", timeout=60)
    assert info is not None, diags
    assert p.wait(timeout=60) == 0
    assert not mgr.refresh_state().has_errors()
    attrs = mgr.state_file().state.resources[("", "managed", "terraform_data", "a")]
    assert attrs.instances  # terraform's apply landed before sheath got the lock
    assert not mgr.unlock(info.id).has_errors()


def test_unsupported_arguments_are_errors() -> None:
    cfg, diags = S3Config.from_settings({"bucket": "b", "key": "k", "region": "r", "assume_role": {"role_arn": "x"}}, environ={})
    assert cfg is None
    assert [d.summary for d in diags] == ["Unsupported backend argument"]
    cfg, diags = S3Config.from_settings({"bucket": "b"}, environ={})
    assert cfg is None and {d.summary for d in diags} == {"Invalid backend configuration"}


def test_missing_bucket_is_a_diagnostic(tmp_path: Path, moto_server: str) -> None:
    backend = _backend(_settings(moto_server, "no-such-bucket"), tmp_path)
    ws, diags = backend.workspaces()
    assert ws == [] and "does not exist" in (list(diags)[0].detail or "")
