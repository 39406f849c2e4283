"""Providers built into sheath (native Python providers) resolve without installation
and are recorded in the lock file."""

from __future__ import annotations

from pathlib import Path

from sheath.addrs.provider import Provider
from sheath.cliconfig.config import CLIConfig
from sheath.depsfile import load_locks_from_file
from sheath.getproviders import install_providers, make_requirements

RANDOM = Provider("random")


def test_native_provider_is_locked_without_install(tmp_path: Path) -> None:
    reqs = make_requirements({RANDOM: "~> 3.0"})
    res, diags = install_providers(reqs, None, CLIConfig(), str(tmp_path), native={RANDOM: "3.6.3"}, env={})
    assert not diags.has_errors(), list(diags)
    assert res.lines == ["- Using hashicorp/random v3.6.3 (built into sheath)"]
    assert not (tmp_path / ".terraform").exists()
    assert (tmp_path / ".terraform.lock.hcl").read_text().endswith(
        'provider "registry.terraform.io/hashicorp/random" {\n  version     = "3.6.3"\n  constraints = "~> 3.0"\n}\n'
    )
    assert res.lock_written and res.lock_message().startswith("Terraform has created a lock file")


def test_native_keeps_existing_lock_entry(tmp_path: Path) -> None:
    lock = (
        'provider "registry.terraform.io/hashicorp/random" {\n  version = "3.5.1"\n'
        '  hashes = [\n    "h1:abc=",\n  ]\n}\n'
    )
    (tmp_path / ".terraform.lock.hcl").write_text(lock)
    reqs = make_requirements({RANDOM: None})
    res, diags = install_providers(reqs, None, CLIConfig(), str(tmp_path), native={RANDOM: "3.6.3"}, env={})
    assert not diags.has_errors(), list(diags)
    locks, _ = load_locks_from_file(str(tmp_path / ".terraform.lock.hcl"))
    entry = locks.provider(RANDOM)
    assert entry is not None and str(entry.version) == "3.5.1" and entry.hashes == ["h1:abc="]
    # -upgrade records the built-in version
    res, diags = install_providers(reqs, None, CLIConfig(), str(tmp_path), upgrade=True, native={RANDOM: "3.6.3"}, env={})
    assert not diags.has_errors()
    locks, _ = load_locks_from_file(str(tmp_path / ".terraform.lock.hcl"))
    entry = locks.provider(RANDOM)
    assert entry is not None and str(entry.version) == "3.6.3" and entry.hashes == []


def test_native_outside_constraints_is_an_error(tmp_path: Path) -> None:
    reqs = make_requirements({RANDOM: "~> 2.0"})
    _, diags = install_providers(reqs, None, CLIConfig(), str(tmp_path), native={RANDOM: "3.6.3"}, env={})
    errs = diags.errors()
    assert len(errs) == 1 and "no available releases match the given constraints ~> 2.0" in errs[0].detail
    assert not (tmp_path / ".terraform.lock.hcl").exists()


def test_no_providers_writes_no_lock(tmp_path: Path) -> None:
    res, diags = install_providers({}, None, CLIConfig(), str(tmp_path), env={})
    assert not diags and not res.lock_written and res.lines == []
    assert not (tmp_path / ".terraform.lock.hcl").exists()
