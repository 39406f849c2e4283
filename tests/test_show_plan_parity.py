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


def _both(
    tmp_path: Path, config: str, env: dict[str, str], terraform_bin: str, files: dict[str, str] | None = None
) -> dict[str, tuple[str, dict[str, Any]]]:
    out = {}
    for name, tool in (("terraform", [terraform_bin]), ("sheath", SHEATH_CMD)):
        d = tmp_path / name
        d.mkdir()
        (d / "main.tf").write_text(config)
        for rel, text in (files or {}).items():
            (d / rel).parent.mkdir(parents=True, exist_ok=True)
            (d / rel).write_text(text)
        _run([*tool, "init", "-no-color"], d, env)
        _run([*tool, "plan", "-refresh=false", "-no-color", "-out=tfplan"], d, env)
        human = _run([*tool, "show", "-no-color", "tfplan"], d, env).stdout
        doc = json.loads(_run([*tool, "show", "-json", "tfplan"], d, env).stdout)
        out[name] = (human, doc)
    return out


def _mirror_env(tmp_path: Path, aws_mirror: str, oracle_env: dict[str, str]) -> dict[str, str]:
    """The oracle's environment installing hashicorp/aws from the mirror (no AWS_ variables)."""
    rc = tmp_path / "terraformrc"
    rc.write_text(
        "provider_installation {\n  filesystem_mirror {\n"
        f"    path    = {json.dumps(aws_mirror)}\n"
        '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n'
    )
    env = {k: v for k, v in oracle_env.items() if not k.startswith("AWS_")}
    env["TF_CLI_CONFIG_FILE"] = str(rc)
    return env


def test_first_plan_omits_the_empty_prior_state(tmp_path: Path, oracle_env: dict[str, str], terraform_bin: str) -> None:
    got = _both(tmp_path, 'resource "terraform_data" "a" {\n  input = 1\n}\n', oracle_env, terraform_bin)
    for _, doc in got.values():
        assert "prior_state" not in doc
    assert got["sheath"][1]["configuration"] == got["terraform"][1]["configuration"]


@pytest.mark.slow  # against moto with the AWS provider: over a minute on a loaded 2-core machine
def test_a_plugin_providers_plan_shows_as_terraform_shows_it(
    tmp_path: Path, aws_mirror: str, oracle_env: dict[str, str], terraform_bin: str
) -> None:
    env = _mirror_env(tmp_path, aws_mirror, oracle_env)
    got = _both(tmp_path, AWS, env, terraform_bin)
    (tf_human, tf_doc), (sh_human, sh_doc) = got["terraform"], got["sheath"]
    for key in ("configuration", "planned_values", "resource_changes", "variables"):
        assert sh_doc[key] == tf_doc[key], key
    assert "prior_state" not in sh_doc
    body = sh_human[sh_human.index("Terraform will perform") :]
    assert body == tf_human[tf_human.index("Terraform will perform") :]
    assert '+ "plain" = "p"' in body


MODULES = {
    # the root uses the builtin provider: the children's implied configurations fold into it
    "inherited": (
        'resource "terraform_data" "a" {}\nmodule "c" {\n  source = "./c"\n}\n',
        {
            "c/main.tf": 'resource "terraform_data" "b" {}\nmodule "g" {\n  source = "./g"\n}\n',
            "c/g/main.tf": 'resource "terraform_data" "z" {}\n',
        },
    ),
    # only a child uses it: its entry stays, with the module's address
    "child-only": (
        'module "c" {\n  source = "./c"\n}\noutput "o" {\n  value = 1\n}\n',
        {"c/main.tf": 'resource "terraform_data" "b" {}\n'},
    ),
    # a child declares the provider in required_providers; a sibling only implies it
    "required-in-child": (
        'module "c" {\n  source = "./c"\n}\nmodule "d" {\n  source = "./d"\n}\n',
        {
            "c/main.tf": 'terraform {\n  required_providers {\n    terraform = {\n      source = "terraform.io/builtin/terraform"\n    }\n  }\n}\nresource "terraform_data" "b" {}\n',
            "d/main.tf": 'resource "terraform_data" "e" {\n  count = 2\n}\n',
        },
    ),
}


@pytest.mark.parametrize("case", sorted(MODULES))
def test_provider_configs_of_modules_as_terraform(
    case: str, tmp_path: Path, oracle_env: dict[str, str], terraform_bin: str
) -> None:
    root, files = MODULES[case]
    got = _both(tmp_path, root, oracle_env, terraform_bin, files)
    assert got["sheath"][1]["configuration"] == got["terraform"][1]["configuration"]


AWS_MODULES = AWS.replace('resource "aws_s3_bucket" "b"', 'provider "aws" {\n  alias  = "eu"\n  region = "eu-west-1"\n  access_key                  = "x"\n  secret_key                  = "y"\n  skip_credentials_validation = true\n  skip_requesting_account_id  = true\n  skip_metadata_api_check     = true\n}\n\nmodule "passed" {\n  source    = "./m"\n  providers = { aws = aws.eu }\n}\n\nmodule "inherits" {\n  source = "./m"\n}\n\nresource "aws_s3_bucket" "b"')
AWS_CHILD = 'resource "aws_s3_bucket" "c" {\n  bucket = "child-${path.module}"\n}\n'


@pytest.mark.slow  # against moto with the AWS provider: over a minute on a loaded 2-core machine
def test_passed_and_inherited_plugin_provider_configs_as_terraform(
    tmp_path: Path, aws_mirror: str, oracle_env: dict[str, str], terraform_bin: str
) -> None:
    env = _mirror_env(tmp_path, aws_mirror, oracle_env)
    got = _both(tmp_path, AWS_MODULES, env, terraform_bin, {"m/main.tf": AWS_CHILD})
    assert got["sheath"][1]["configuration"] == got["terraform"][1]["configuration"]
