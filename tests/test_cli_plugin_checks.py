"""Every command that opens the backend checks the installed plugins against the lock file,
as terraform does: a package missing from .terraform/providers, or one whose checksum the
lock does not record, is "Required plugins are not installed" before anything runs (validate
names each problem); a provider the configuration needs and the lock does not select is
"Inconsistent dependency lock file". Same input to both tools, same output and exit code."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.oracle

AWS_CONFIG = """terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
provider "aws" {
  region = "us-east-1"
}
locals {
  t = 1 + "x"
}
output "o" {
  value = "v"
}
"""

COMMANDS = [
    ["validate", "-no-color"],
    ["validate", "-json"],
    ["plan", "-input=false", "-no-color"],
    ["apply", "-input=false", "-auto-approve", "-no-color"],
    ["refresh", "-input=false", "-no-color"],
    ["output", "-no-color"],
    ["state", "list"],
    ["show", "-no-color"],
    ["graph"],
    ["providers", "-no-color"],
    ["console", "-no-color"],
]


@pytest.fixture
def tampered(tmp_path: Path, aws_mirror: str, oracle_env: dict[str, str], run_terraform: Any) -> tuple[Path, dict[str, str]]:
    """A directory terraform initialised from the mirror, whose installed AWS package was then
    replaced by a small file (the lock's checksum no longer matches)."""
    rc = tmp_path / "terraformrc"
    rc.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = {json.dumps(aws_mirror)}\n  }}\n}}\n')
    env = {**oracle_env, "TF_CLI_CONFIG_FILE": str(rc)}
    work = tmp_path / "w"
    work.mkdir()
    (work / "main.tf").write_text(AWS_CONFIG)
    import subprocess

    r = subprocess.run(["terraform", "init", "-input=false", "-no-color"], cwd=work, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    pkg = next((work / ".terraform/providers/registry.terraform.io/hashicorp/aws").glob("*/*"))
    if pkg.is_symlink():
        pkg.unlink()
    else:
        shutil.rmtree(pkg)
    pkg.mkdir()
    exe = pkg / "terraform-provider-aws_v5.100.0_x5"
    exe.write_text("#!/bin/sh\nexit 3\n")
    os.chmod(exe, 0o755)
    return work, env


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_tampered_plugin_is_refused(args: list[str], tampered: tuple[Path, dict[str, str]]) -> None:
    import subprocess
    import sys

    work, env = tampered
    tf = subprocess.run(["terraform", *args], cwd=work, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    sh = subprocess.run([sys.executable, "-m", "sheath", *args], cwd=work, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert tf.returncode == 1
    assert (sh.returncode, sh.stdout, sh.stderr) == (tf.returncode, tf.stdout, tf.stderr)
    assert not (work / "terraform.tfstate").exists()


def test_advice_outside_automation(tampered: tuple[Path, dict[str, str]]) -> None:
    """Without TF_IN_AUTOMATION the error says to run terraform init."""
    import subprocess
    import sys

    work, env = tampered
    env = {k: v for k, v in env.items() if k != "TF_IN_AUTOMATION"}
    tf = subprocess.run(["terraform", "plan", "-no-color"], cwd=work, env=env, capture_output=True, text=True)
    sh = subprocess.run([sys.executable, "-m", "sheath", "plan", "-no-color"], cwd=work, env=env, capture_output=True, text=True)
    assert "terraform init" in tf.stderr
    assert (sh.returncode, sh.stdout, sh.stderr) == (tf.returncode, tf.stdout, tf.stderr)


def test_missing_plugin_package_is_refused(tampered: tuple[Path, dict[str, str]]) -> None:
    import subprocess
    import sys

    work, env = tampered
    shutil.rmtree(next((work / ".terraform/providers/registry.terraform.io/hashicorp/aws").glob("*/*")))
    for args in (["validate", "-no-color"], ["plan", "-input=false", "-no-color"]):
        tf = subprocess.run(["terraform", *args], cwd=work, env=env, capture_output=True, text=True)
        sh = subprocess.run([sys.executable, "-m", "sheath", *args], cwd=work, env=env, capture_output=True, text=True)
        assert tf.returncode == 1
        assert (sh.returncode, sh.stdout, sh.stderr) == (tf.returncode, tf.stdout, tf.stderr), args


def test_provider_missing_from_the_lock(tmp_path: Path, run_terraform: Any, run_sheath: Any) -> None:
    """A provider added to the configuration after init: plan, apply and console stop with
    "Inconsistent dependency lock file" (no plugin is needed to see it)."""
    work = tmp_path / "w"
    work.mkdir()
    (work / "main.tf").write_text('resource "terraform_data" "a" {}\n')
    assert run_terraform(["init", "-input=false"], work).returncode == 0
    (work / "main.tf").write_text('resource "terraform_data" "a" {}\nresource "null_resource" "b" {}\n')
    for args in (["plan", "-input=false", "-no-color"], ["apply", "-auto-approve", "-input=false", "-no-color"], ["plan", "-json"]):
        tf = run_terraform(args, work)
        sh = run_sheath(args, work)
        assert tf.returncode == 1
        if "-json" in args:
            strip = lambda text: [{k: v for k, v in json.loads(line).items() if k != "@timestamp"} for line in text.splitlines()]  # noqa: E731
            assert (sh.returncode, strip(sh.stdout)) == (tf.returncode, strip(tf.stdout))
        else:
            assert (sh.returncode, sh.stdout, sh.stderr) == (tf.returncode, tf.stdout, tf.stderr), args
