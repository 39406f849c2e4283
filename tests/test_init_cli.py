"""`sheath init` against `terraform init`: same output, lock file and module manifest."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import SHEATH_CMD

BUILTIN_ONLY = {"main.tf": 'resource "terraform_data" "x" {}\n'}

WITH_AWS_AND_MODULES = {
    "main.tf": (
        'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n'
        '      version = "~> 5.0"\n    }\n  }\n}\n\nmodule "m" {\n  source = "./m"\n}\n'
    ),
    "m/main.tf": 'resource "terraform_data" "x" {}\n\nmodule "n" {\n  source = "./n"\n}\n',
    "m/n/main.tf": "locals {\n  a = 1\n}\n",
}


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def _env(oracle_env: dict[str, str], rc: Path) -> dict[str, str]:
    env = dict(oracle_env)
    env["TF_CLI_CONFIG_FILE"] = str(rc)
    return env


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.oracle
@pytest.mark.parametrize("flags", [["-no-color"], []], ids=["plain", "color"])
@pytest.mark.parametrize("case", ["builtin", "aws_modules"])
def test_init_matches_terraform(
    case: str, flags: list[str], tmp_path: Path, terraform_bin: str, oracle_env: dict[str, str], request: Any
) -> None:
    rc = tmp_path / "terraformrc"
    if case == "aws_modules":
        mirror = request.getfixturevalue("aws_mirror")
        rc.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n')
        files = WITH_AWS_AND_MODULES
    else:
        rc.write_text("")
        files = BUILTIN_ONLY
    env = _env(oracle_env, rc)
    tf_dir = _write(tmp_path / "tf", files)
    sh_dir = _write(tmp_path / "sh", files)
    for attempt in ("first", "again"):
        tf = _run([terraform_bin, "init", *flags], tf_dir, env)
        sh = _run([*SHEATH_CMD, "init", *flags], sh_dir, env)
        assert sh.returncode == tf.returncode == 0, (attempt, sh.stderr)
        assert sh.stdout == tf.stdout, attempt
        assert sh.stderr == tf.stderr, attempt
    for name in (".terraform.lock.hcl", ".terraform/modules/modules.json"):
        assert (tf_dir / name).exists() == (sh_dir / name).exists(), name
        if (tf_dir / name).exists():
            assert (sh_dir / name).read_bytes() == (tf_dir / name).read_bytes(), name
    if case == "aws_modules":
        link = "registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64"
        tf_pkg = tf_dir / ".terraform/providers" / link
        sh_pkg = sh_dir / ".terraform/providers" / link
        assert sorted(os.listdir(sh_pkg)) == sorted(os.listdir(tf_pkg))


def test_native_providers_resolve_without_download(tmp_path: Path, oracle_env: dict[str, str]) -> None:
    rc = tmp_path / "terraformrc"
    rc.write_text("")
    work = _write(
        tmp_path / "w",
        {
            "main.tf": (
                'resource "random_pet" "p" {}\n\nresource "local_file" "f" {\n'
                '  content  = "x"\n  filename = "x.txt"\n}\n'
            )
        },
    )
    res = _run([sys.executable, "-m", "sheath", "init", "-no-color"], work, _env(oracle_env, rc))
    assert res.returncode == 0, res.stderr
    assert "- Using hashicorp/random v" in res.stdout and "(built into sheath)" in res.stdout
    lock = (work / ".terraform.lock.hcl").read_text()
    assert 'provider "registry.terraform.io/hashicorp/random" {' in lock
    assert 'provider "registry.terraform.io/hashicorp/local" {' in lock
    assert not (work / ".terraform" / "providers").exists()
    # a second run reuses the lock file and changes nothing
    again = _run([sys.executable, "-m", "sheath", "init", "-no-color"], work, _env(oracle_env, rc))
    assert again.returncode == 0 and (work / ".terraform.lock.hcl").read_text() == lock
    assert "Terraform has created a lock file" not in again.stdout


def test_remote_module_source_is_a_clear_error(tmp_path: Path, oracle_env: dict[str, str]) -> None:
    rc = tmp_path / "terraformrc"
    rc.write_text("")
    work = _write(tmp_path / "w", {"main.tf": 'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n'})
    res = _run([sys.executable, "-m", "sheath", "init", "-no-color"], work, _env(oracle_env, rc))
    assert res.returncode == 1
    assert "Error:" in res.stderr and "Traceback" not in res.stderr


@pytest.mark.oracle
@pytest.mark.parametrize("flags", [["-no-color"], []], ids=["plain", "color"])
def test_init_human_advice_matches_terraform(
    flags: list[str], tmp_path: Path, terraform_bin: str, oracle_env: dict[str, str]
) -> None:
    """Outside automation (no TF_IN_AUTOMATION) terraform adds advice for humans; so does sheath."""
    rc = tmp_path / "terraformrc"
    rc.write_text("")
    env = _env(oracle_env, rc)
    env.pop("TF_IN_AUTOMATION", None)
    tf = _run([terraform_bin, "init", *flags], _write(tmp_path / "tf", BUILTIN_ONLY), env)
    sh = _run([*SHEATH_CMD, "init", *flags], _write(tmp_path / "sh", BUILTIN_ONLY), env)
    assert sh.returncode == tf.returncode == 0
    assert sh.stdout == tf.stdout
    assert "You may now begin working with Terraform." in sh.stdout


# A root module that does not load: terraform still initialises the backend and installs the
# modules, then shows its "encountered problems" preamble with the errors; the block-decoding
# errors come twice when its backend step (no backend block) loads the root module again, and
# alone, without the preamble, when the module installer does (issue 18).
ROOT_ERRORS: dict[str, dict[str, str]] = {
    "missing_name": {"main.tf": 'resource "aws_instance" {}\n'},
    "two_errors": {"main.tf": 'resource "aws_instance" {}\n\nvariable "x" {\n  bogus = 1\n}\n'},
    "unclosed": {"main.tf": 'resource "aws_instance" {}\n\nlocals {\n  a = 1\n'},
    "json": {"main.tf.json": '{"resource": {"aws_instance": 5}}\n'},
    "backend_block": {"main.tf": 'terraform {\n  backend "local" {}\n}\n\nresource "aws_instance" {}\n'},
    "module_call": {
        "main.tf": 'module "m" {\n  source = "./m"\n}\n\nresource "aws_instance" {}\n\nlocals {\n  a = 1\n',
        "m/main.tf": 'output "o" {\n  value = 1\n}\n',
    },
    "test_file": {
        "main.tf": 'resource "aws_instance" {}\n',
        "tests/a.tftest.hcl": 'run "x" {\n  bogus = 1\n}\n',
    },
    # a sound root module: with -get=false its module is not installed, which is no early problem
    "sound_root_module": {"main.tf": 'module "m" {\n  source = "./m"\n}\n', "m/main.tf": 'output "o" {\n  value = 1\n}\n'},
}


@pytest.mark.oracle
@pytest.mark.parametrize("flags", [["-no-color"], [], ["-no-color", "-backend=false"], ["-no-color", "-get=false"]])
@pytest.mark.parametrize("case", sorted(ROOT_ERRORS))
def test_init_root_module_errors_match_terraform(
    case: str, flags: list[str], tmp_path: Path, terraform_bin: str, oracle_env: dict[str, str]
) -> None:
    rc = tmp_path / "terraformrc"
    rc.write_text("")
    env = _env(oracle_env, rc)
    tf_dir = _write(tmp_path / "tf", ROOT_ERRORS[case])
    sh_dir = _write(tmp_path / "sh", ROOT_ERRORS[case])
    tf = _run([terraform_bin, "init", *flags], tf_dir, env)
    sh = _run([*SHEATH_CMD, "init", *flags], sh_dir, env)
    assert (sh.returncode, sh.stdout, sh.stderr) == (tf.returncode, tf.stdout, tf.stderr)
    for name in (".terraform/modules/modules.json", ".terraform/terraform.tfstate"):
        assert (sh_dir / name).exists() == (tf_dir / name).exists(), name
