"""The checks terraform makes before using providers (plan/apply): installed packages
against the lock file, and the lock file against the configuration. Compared with
`terraform plan`, which stops at these checks before running any provider."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from sheath.cliconfig import load_cli_config
from sheath.config.loader import load_module_tree
from sheath.depsfile import load_locks_from_file
from sheath.diag import Diagnostics
from sheath.getproviders import check_lock_consistency, install_providers, installed_providers, requirements_from_config

CONFIG = 'terraform {\n  required_providers {\n    fake = {\n      source  = "example.com/ns/fake"\n      version = "%s"\n    }\n  }\n}\n'


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


@pytest.fixture()
def setup(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    mirror = tmp_path / "mirror"
    for v in ("1.0.0", "1.2.0"):
        d = mirror / "example.com/ns/fake" / v / "linux_amd64"
        d.mkdir(parents=True)
        (d / f"terraform-provider-fake_v{v}").write_text(v)
    cli = tmp_path / "cli.tfrc"
    cli.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    env.update(TF_CLI_CONFIG_FILE=str(cli), CHECKPOINT_DISABLE="1", HOME=str(tmp_path))
    work = tmp_path / "w"
    work.mkdir()
    (work / "main.tf").write_text(CONFIG % "~> 1.0")
    cfg, _ = load_cli_config(env, cwd=str(work))
    tree, _ = load_module_tree(str(work))
    _, diags = install_providers(requirements_from_config(tree), None, cfg, str(work), env=env)
    assert not diags.has_errors()
    return work, env


def _sheath_checks(work: Path, env: dict[str, str]) -> Diagnostics:
    locks, diags = load_locks_from_file(str(work / ".terraform.lock.hcl"))
    _, d = installed_providers(locks, str(work), env=env)
    diags.extend(d)
    if not diags.has_errors():
        tree, _ = load_module_tree(str(work))
        diags.extend(check_lock_consistency(requirements_from_config(tree), locks))
    return diags


def _terraform_plan(terraform_bin: str, work: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([terraform_bin, "plan", "-no-color", "-input=false"], cwd=work, env=env, capture_output=True, text=True, timeout=120)


def _compare(terraform_bin: str, work: Path, env: dict[str, str]) -> None:
    diags = _sheath_checks(work, env)
    p = _terraform_plan(terraform_bin, work, env)
    assert p.returncode == 1
    errs = diags.errors()
    assert len(errs) == 1, list(diags)
    assert f"Error: {errs[0].summary}" in p.stderr
    assert _norm(p.stderr.split(f"Error: {errs[0].summary}", 1)[1]) == _norm(errs[0].detail)


def test_all_consistent(setup: tuple[Path, dict[str, str]]) -> None:
    work, env = setup
    locks, _ = load_locks_from_file(str(work / ".terraform.lock.hcl"))
    found, diags = installed_providers(locks, str(work), env=env)
    assert not diags
    exe = next(iter(found.values())).executable_path()
    assert exe is not None and exe.endswith("terraform-provider-fake_v1.2.0")
    assert not _sheath_checks(work, env)


def test_package_missing(setup: tuple[Path, dict[str, str]], terraform_bin: str) -> None:
    work, env = setup
    os.unlink(work / ".terraform/providers/example.com/ns/fake/1.2.0/linux_amd64")
    _compare(terraform_bin, work, env)


def test_checksum_mismatch(setup: tuple[Path, dict[str, str]], terraform_bin: str) -> None:
    work, env = setup
    lock = work / ".terraform.lock.hcl"
    lock.write_text(re.sub(r'"h1:.', '"h1:Z', lock.read_text()))
    _compare(terraform_bin, work, env)


def test_no_selection(setup: tuple[Path, dict[str, str]], terraform_bin: str) -> None:
    work, env = setup
    (work / ".terraform.lock.hcl").write_text("")
    _compare(terraform_bin, work, env)


def test_constraints_changed(setup: tuple[Path, dict[str, str]], terraform_bin: str) -> None:
    work, env = setup
    (work / "main.tf").write_text(CONFIG % "~> 2.0")
    _compare(terraform_bin, work, env)
