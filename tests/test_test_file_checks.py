"""Test files against terraform: the blocks terraform allows once per test file or run
block (variables, plan_options, module, provider configurations, run names), the run
block's schema, and provider-defined functions in the child modules a test runs
(`terraform validate` and `terraform test` on the same directory: same exit code,
stdout and stderr)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import SHEATH_CMD, RunFn

pytestmark = pytest.mark.oracle

MAIN = 'variable "n" {\n  default = 1\n}\n'
CHILD = 'variable "n" {\n  default = 2\n}\n'

# each second block is reported at its own line (no two diagnostics share a range, whose
# order among themselves sheath's sort decides by summary, terraform's by emission)
DUPLICATES = """variables {
  n = 1
}
variables {
  n = 2
}
provider "aws" {
}
mock_provider "aws" {
}
provider "aws" {
  alias = "x"
}
provider "aws" {
  alias = "x"
}
run "r" {
  command = plan
  plan_options {
    mode = normal
  }
  variables {
    n = 3
  }
  module {
    source = "./child"
  }
  plan_options {
    refresh = true
  }
  variables {
    n = 4
  }
  module {
    source = "./child"
  }
}
run "s" {
  command = plan
  module {
  }
}
run "s" {
  command = plan
  command = apply
}
"""

RUN_SCHEMA = """test {}
run "a" {
  parallel = true
  command  = plan
  plan_options {
    mode = everything
  }
  assert {
    condition = 1 == 1
  }
}
"""


def _both(tmp_path: Path, files: dict[str, str]) -> tuple[Path, Path]:
    tf_dir = tmp_path / "tf"
    for rel, text in files.items():
        p = tf_dir / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    sh_dir = tmp_path / "sh"
    shutil.copytree(tf_dir, sh_dir)
    return tf_dir, sh_dir


def _init_both(tmp_path: Path, files: dict[str, str], run_terraform: RunFn, run_sheath: RunFn) -> tuple[Path, Path]:
    tf_dir, sh_dir = _both(tmp_path, files)
    tf = run_terraform(["init", "-no-color"], tf_dir)
    assert tf.returncode == 0, tf.stderr
    sh = run_sheath(["init", "-no-color"], sh_dir)
    assert sh.returncode == 0, sh.stderr
    return tf_dir, sh_dir


@pytest.mark.parametrize("command", ["validate", "test"])
@pytest.mark.parametrize("case", ["duplicates", "run_schema"])
def test_test_file_blocks(case: str, command: str, run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path) -> None:
    test_file = DUPLICATES if case == "duplicates" else RUN_SCHEMA
    files = {"main.tf": MAIN, "child/main.tf": CHILD, "a.tftest.hcl": test_file}
    # not initialised: init refuses these files (tests/test_test_file_decoding.py)
    tf_dir, sh_dir = _both(tmp_path, files)
    tf = run_terraform([command, "-no-color"], tf_dir)
    sh = run_sheath([command, "-no-color"], sh_dir)
    assert (sh.returncode, sh.stdout, sh.stderr) == (tf.returncode, tf.stdout, tf.stderr)
    assert tf.returncode == 1
    if case == "duplicates":
        for summary in ('Multiple "variables" blocks', 'Multiple "plan_options" blocks', 'Multiple "module" blocks',
                        "Duplicate provider block", 'Missing "source" attribute', 'Duplicate "run" block names'):
            assert summary in tf.stderr


FUNCTIONS_MAIN = """module "c" {
  source = "./child"
  n      = 3
}

output "r" {
  value = module.c.out
}
"""

FUNCTIONS_CHILD = """terraform {
  required_providers {
    terraform = {
      source = "terraform.io/builtin/terraform"
    }
  }
}

variable "n" {
  type = number
}

locals {
  enc = provider::terraform::encode_tfvars({ n = var.n })
}

resource "terraform_data" "d" {
  input = local.enc
}

output "out" {
  value = local.enc
}
"""

FUNCTIONS_TEST = """run "plan" {
  command = plan
  assert {
    condition     = output.r == "n = 3\\n" && module.c.out == "n = 3\\n"
    error_message = "plan ${module.c.out}"
  }
}

run "apply" {
  assert {
    condition     = module.c.out == "n = 3\\n"
    error_message = "apply ${module.c.out}"
  }
}

run "failing" {
  command = plan
  assert {
    condition     = module.c.out == "n = 4\\n"
    error_message = "failing ${module.c.out}"
  }
}
"""


def test_builtin_provider_functions_in_child_modules(run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path) -> None:
    files = {"main.tf": FUNCTIONS_MAIN, "child/main.tf": FUNCTIONS_CHILD, "a.tftest.hcl": FUNCTIONS_TEST}
    tf_dir, sh_dir = _init_both(tmp_path, files, run_terraform, run_sheath)
    tf = run_terraform(["test", "-no-color"], tf_dir)
    sh = run_sheath(["test", "-no-color"], sh_dir)
    assert (sh.returncode, sh.stdout, sh.stderr) == (tf.returncode, tf.stdout, tf.stderr)
    assert 'run "apply"... pass' in tf.stdout and 'run "failing"... fail' in tf.stdout


AWS_MAIN = """module "c" {
  source = "./child"
  arn    = "arn:aws:s3:eu-west-1:444455556666:bucket/x"
}

output "region" {
  value = module.c.region
}
"""

AWS_CHILD = """terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

variable "arn" {
  type = string
}

locals {
  parts = provider::aws::arn_parse(var.arn)
}

output "region" {
  value = local.parts.region
}
"""

AWS_TEST = """run "plan" {
  command = plan
  assert {
    condition     = module.c.region == "eu-west-1" && output.region == "eu-west-1"
    error_message = "plan ${module.c.region}"
  }
}

run "wrong" {
  command = plan
  assert {
    condition     = module.c.region == "us-east-1"
    error_message = "region ${module.c.region}"
  }
}
"""


def test_aws_provider_functions_in_child_modules(
    aws_mirror: str, terraform_bin: str, oracle_env: dict[str, str], tmp_path: Path
) -> None:
    rc = tmp_path / "terraformrc"
    rc.write_text(f"provider_installation {{\n  filesystem_mirror {{\n    path = {json.dumps(aws_mirror)}\n  }}\n}}\n")
    env = {**oracle_env, "TF_CLI_CONFIG_FILE": str(rc), "SHEATH_CACHE_DIR": str(tmp_path / "cache")}
    results = []
    for tool, cmd in (("tf", [terraform_bin]), ("sh", SHEATH_CMD)):
        d = tmp_path / tool
        (d / "child").mkdir(parents=True)
        (d / "main.tf").write_text(AWS_MAIN)
        (d / "child" / "main.tf").write_text(AWS_CHILD)
        (d / "a.tftest.hcl").write_text(AWS_TEST)
        init = subprocess.run([*cmd, "init", "-no-color"], cwd=d, env=env, capture_output=True, text=True, timeout=300)
        assert init.returncode == 0, init.stdout + init.stderr
        results.append(subprocess.run([*cmd, "test", "-no-color"], cwd=d, env=env, capture_output=True, text=True, timeout=300))
    tf, sh = results
    assert (sh.returncode, sh.stdout, sh.stderr) == (tf.returncode, tf.stdout, tf.stderr)
    assert 'run "plan"... pass' in tf.stdout and "region eu-west-1" in tf.stderr
    assert os.path.isdir(tmp_path / "sh" / ".terraform")
