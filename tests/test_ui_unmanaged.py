"""sheath ui's unmanaged view over HTTP, against a moto server: nothing is listed until the
page asks (POST /api/unmanaged with its header); then what ``sheath unmanaged -json``
reports for the working directory: buckets no state knows are unmanaged, a bucket of the
state that is gone is missing, the state's existing bucket is managed. The state is read
under no lock and never written; no attribute value is in the report."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import SHEATH_CMD
from test_ui_plan import request
from ui_fixture import serving

AWS = "registry.terraform.io/hashicorp/aws"
SECRET = "tok-51f0-s3cret"


def s3(url: str) -> Any:
    import boto3

    return boto3.client("s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")


def write_unmanaged_workdir(root: Path, url: str, prefix: str) -> Path:
    """A configuration whose aws provider points at moto, and a state with two buckets, one
    of which exists; a third bucket exists out of band."""
    from test_audit_unmanaged_e2e import provider_block

    root.mkdir(parents=True, exist_ok=True)
    (root / "main.tf").write_text(provider_block(url))

    def bucket(name: str, bucket: str) -> dict[str, Any]:
        attrs = {"id": bucket, "bucket": bucket, "arn": f"arn:aws:s3:::{bucket}", "tags": {"token": SECRET}}
        return {"mode": "managed", "type": "aws_s3_bucket", "name": name, "provider": f'provider["{AWS}"]',
                "instances": [{"schema_version": 0, "attributes": attrs, "sensitive_attributes": [[{"type": "get_attr", "value": "tags"}]]}]}

    (root / "terraform.tfstate").write_text(json.dumps({
        "version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "5d1f0e8e-0000-4000-8000-0000000000aa", "outputs": {},
        "resources": [bucket("kept", f"{prefix}-kept"), bucket("gone", f"{prefix}-gone")]}))
    client = s3(url)
    for name in (f"{prefix}-kept", f"{prefix}-stray"):
        client.create_bucket(Bucket=name)
    return root


def _mine(items: list[dict[str, Any]], prefix: str) -> list[tuple[str, str]]:
    return sorted((i["type"], i["id"]) for i in items if i["id"].startswith(prefix))


def test_scan_on_request(moto_server: str, tmp_path: Path) -> None:
    pytest.importorskip("boto3")
    prefix = "uiun" + tmp_path.name[-6:].replace("_", "").lower()
    work = write_unmanaged_workdir(tmp_path / "work", moto_server, prefix)
    state = (work / "terraform.tfstate").read_bytes()
    with serving(work) as url:
        assert request(url + "/api/unmanaged")[0] == 404  # nothing listed until asked
        assert request(url + "/api/unmanaged", method="POST")[0] == 403
        assert request(url + "/api/unmanaged", method="POST", headers={"X-Sheath-UI": "plan"})[0] == 403
        status, doc, body = request(url + "/api/unmanaged", method="POST", headers={"X-Sheath-UI": "unmanaged"})
        assert status == 200, doc
        assert doc["error"] is False, doc["diagnostics"]
        assert SECRET not in body
        assert _mine(doc["unmanaged"], prefix) == [("aws_s3_bucket", f"{prefix}-stray")]
        assert _mine(doc["missing"], prefix) == [("aws_s3_bucket", f"{prefix}-gone")]
        assert [(m["id"], m["address"]) for m in doc["managed"] if m["id"].startswith(prefix)] == [(f"{prefix}-kept", "aws_s3_bucket.kept")]
        assert doc["states"] == ["terraform.tfstate"] and doc["regions"] == ["us-east-1"]
        assert doc["summary"]["total_missing"] == 1
        progress = request(url + "/api/unmanaged/progress")[1]
        assert progress["running"] is False and "Listing the AWS account's resources..." in progress["lines"]
        assert request(url + "/api/unmanaged")[1] == doc
        # the same report as the command's
        cli = subprocess.run([*SHEATH_CMD, "unmanaged", "-json"], cwd=work, capture_output=True, text=True, timeout=300)
        assert cli.returncode == 2, cli.stderr
        cli_doc = json.loads(cli.stdout)
        for key in ("unmanaged", "missing"):
            assert _mine(cli_doc[key], prefix) == _mine(doc[key], prefix)
    assert (work / "terraform.tfstate").read_bytes() == state
    assert not (work / ".terraform.tfstate.lock.info").exists()


def test_scan_errors_are_diagnostics(tmp_path: Path) -> None:
    with serving(tmp_path) as url:  # no configuration
        status, doc, _ = request(url + "/api/unmanaged", method="POST", headers={"X-Sheath-UI": "unmanaged"})
        assert status == 200 and doc["error"] is True and doc["unmanaged"] == []
        assert [d["summary"] for d in doc["diagnostics"]] == ["No configuration files"]


def test_scan_reads_the_s3_backends_state(moto_server: str, tmp_path: Path) -> None:
    """The state the scan compares with is the configured backend's (here s3 on moto),
    read without a lock; the backend's objects are not written."""
    pytest.importorskip("boto3")
    from test_ui_remote import _s3_block

    prefix = "uis3" + tmp_path.name[-6:].replace("_", "").lower()
    local = write_unmanaged_workdir(tmp_path / "local", moto_server, prefix)
    backend_bucket = prefix + "-backend"
    client = s3(moto_server)
    client.create_bucket(Bucket=backend_bucket)
    work = tmp_path / "work"
    work.mkdir()
    (work / "main.tf").write_text("terraform {\n" + _s3_block(moto_server, backend_bucket) + "}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    for args in (["init", "-input=false", "-no-color"], ["state", "push", str(local / "terraform.tfstate")]):
        p = subprocess.run([*SHEATH_CMD, *args], cwd=work, capture_output=True, text=True, env=env, timeout=300)
        assert p.returncode == 0, p.stdout + p.stderr
    # the aws provider block added after init: the backend block (and its record) unchanged
    (work / "main.tf").write_text((work / "main.tf").read_text() + (local / "main.tf").read_text())
    objects = sorted((o["Key"], o["ETag"]) for o in client.list_objects_v2(Bucket=backend_bucket).get("Contents", []))
    with serving(work) as url:
        status, doc, body = request(url + "/api/unmanaged", method="POST", headers={"X-Sheath-UI": "unmanaged"})
        assert status == 200 and doc["error"] is False, doc["diagnostics"]
        assert SECRET not in body
        assert doc["states"] == ["workspace default"]
        # the backend's own bucket is in no state either
        assert _mine(doc["unmanaged"], prefix) == [("aws_s3_bucket", backend_bucket), ("aws_s3_bucket", f"{prefix}-stray")]
        assert _mine(doc["missing"], prefix) == [("aws_s3_bucket", f"{prefix}-gone")]
        assert [m["address"] for m in doc["managed"] if m["id"] == f"{prefix}-kept"] == ["aws_s3_bucket.kept"]
    assert sorted((o["Key"], o["ETag"]) for o in client.list_objects_v2(Bucket=backend_bucket).get("Contents", [])) == objects
