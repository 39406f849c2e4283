"""`sheath show` of a saved plan against `terraform show` of terraform's plan for the same
configuration: a plugin provider's schemas are used to render it (map keys quoted, as
`plan` prints them), provider blocks appear in the JSON configuration with their full name
and expressions, and an empty prior state is omitted, as terraform omits it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import SHEATH_CMD

pytestmark = pytest.mark.oracle

AWS = """terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "x"
  secret_key                  = "y"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

variable "secret" {
  default   = "hunter2"
  sensitive = true
}

resource "aws_s3_bucket" "b" {
  bucket = "show-parity"
  tags   = { note = var.secret, plain = "p" }
}
"""


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return r


def _both(tmp_path: Path, config: str, env: dict[str, str], terraform_bin: str) -> dict[str, tuple[str, dict[str, Any]]]:
    out = {}
    for name, tool in (("terraform", [terraform_bin]), ("sheath", SHEATH_CMD)):
        d = tmp_path / name
        d.mkdir()
        (d / "main.tf").write_text(config)
        _run([*tool, "init", "-no-color"], d, env)
        _run([*tool, "plan", "-refresh=false", "-no-color", "-out=tfplan"], d, env)
        human = _run([*tool, "show", "-no-color", "tfplan"], d, env).stdout
        doc = json.loads(_run([*tool, "show", "-json", "tfplan"], d, env).stdout)
        out[name] = (human, doc)
    return out


def test_first_plan_omits_the_empty_prior_state(tmp_path: Path, oracle_env: dict[str, str], terraform_bin: str) -> None:
    got = _both(tmp_path, 'resource "terraform_data" "a" {\n  input = 1\n}\n', oracle_env, terraform_bin)
    for _, doc in got.values():
        assert "prior_state" not in doc
    assert got["sheath"][1]["configuration"] == got["terraform"][1]["configuration"]


def test_a_plugin_providers_plan_shows_as_terraform_shows_it(
    tmp_path: Path, aws_mirror: str, oracle_env: dict[str, str], terraform_bin: str
) -> None:
    rc = tmp_path / "terraformrc"
    rc.write_text(
        "provider_installation {\n  filesystem_mirror {\n"
        f"    path    = {json.dumps(aws_mirror)}\n"
        '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n'
    )
    env = {k: v for k, v in oracle_env.items() if not k.startswith("AWS_")}
    env["TF_CLI_CONFIG_FILE"] = str(rc)
    got = _both(tmp_path, AWS, env, terraform_bin)
    (tf_human, tf_doc), (sh_human, sh_doc) = got["terraform"], got["sheath"]
    for key in ("configuration", "planned_values", "resource_changes", "variables"):
        assert sh_doc[key] == tf_doc[key], key
    assert "prior_state" not in sh_doc
    body = sh_human[sh_human.index("Terraform will perform") :]
    assert body == tf_human[tf_human.index("Terraform will perform") :]
    assert '+ "plain" = "p"' in body
