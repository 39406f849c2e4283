"""`sheath unmanaged` reads the root module's ``provider "aws"`` blocks with the module's
function table: a provider-defined function (``provider::aws::arn_parse``) in the block
works there as in validate, plan and apply (terraform has no such command to compare
with; the region the function gives is the one listed, against a moto server of its own).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import SHEATH_CMD
from test_audit_unmanaged_e2e import REGION, SERVICES, own_moto  # noqa: F401

pytestmark = pytest.mark.oracle


def test_unmanaged_provider_block_calls_provider_functions(aws_mirror: str, own_moto: str, tmp_path: Path) -> None:  # noqa: F811
    import boto3

    endpoints = "".join(f"    {s} = {json.dumps(own_moto)}\n" for s in SERVICES)
    (tmp_path / "main.tf").write_text(
        'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n'
        f'variable "arn" {{\n  default = "arn:aws:s3:{REGION}:444455556666:bucket/x"\n}}\n'
        'provider "aws" {\n'
        "  region                      = provider::aws::arn_parse(var.arn).region\n"
        '  access_key                  = "test"\n  secret_key                  = "test"\n'
        "  skip_credentials_validation = true\n  skip_requesting_account_id  = true\n"
        "  skip_metadata_api_check     = true\n  s3_use_path_style           = true\n"
        f"  endpoints {{\n{endpoints}  }}\n}}\n"
    )
    rc = tmp_path / "terraformrc"
    rc.write_text(f"provider_installation {{\n  filesystem_mirror {{\n    path = {json.dumps(aws_mirror)}\n  }}\n}}\n")
    env = {"TF_CLI_CONFIG_FILE": str(rc), "SHEATH_CACHE_DIR": str(tmp_path / "cache"), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    s3 = boto3.client("s3", endpoint_url=own_moto, region_name=REGION, aws_access_key_id="test", aws_secret_access_key="test")
    s3.create_bucket(Bucket="pf-unmanaged")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*SHEATH_CMD, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)

    init = run("init", "-no-color")
    assert init.returncode == 0, init.stdout + init.stderr
    r = run("unmanaged", "-json")
    assert r.returncode == 2, r.stdout + r.stderr  # 2: unmanaged resources found
    doc = json.loads(r.stdout)
    assert doc["regions"] == [REGION]
    assert not [d for d in doc["diagnostics"] if d["severity"] == "error"], doc["diagnostics"]
    assert "pf-unmanaged" in json.dumps(doc["unmanaged"])
