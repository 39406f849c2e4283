"""The dependency lock file: terraform's exact bytes, round trips, and terraform's
diagnostics for malformed files (checked against terraform init)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from sheath.addrs.provider import Provider
from sheath.config.versions import parse_constraints, parse_version
from sheath.depsfile import Locks, load_locks_from_file, parse_locks, render_locks, save_locks_to_file

HEADER = '# This file is maintained automatically by "terraform init".\n# Manual edits may be lost in future updates.\n'

TWO = (
    HEADER
    + "\n"
    + 'provider "example.com/ns/fake" {\n'
    + '  version     = "1.2.0"\n'
    + '  constraints = ">= 1.0.0, < 2.0.0"\n'
    + "  hashes = [\n"
    + '    "h1:45eV9HjATnFvouMMdJ1hi+bUnRsxgm7AF0lSamxgucM=",\n'
    + '    "zh:0000000000000000000000000000000000000000000000000000000000000000",\n'
    + "  ]\n"
    + "}\n"
    + "\n"
    + 'provider "example.com/ns/zz" {\n'
    + '  version = "3.1.0"\n'
    + "  hashes = [\n"
    + '    "h1:oSNgq4EKqOQ8+B5zfpTcQB1JvG7K9yHALbhj14hoVTI=",\n'
    + "  ]\n"
    + "}\n"
)


def test_round_trip_is_byte_identical() -> None:
    locks, diags = parse_locks(TWO.encode(), ".terraform.lock.hcl")
    assert not diags, list(diags)
    assert render_locks(locks).decode() == TWO
    fake = locks.provider(Provider("fake", "ns", "example.com"))
    assert fake is not None and str(fake.version) == "1.2.0"
    assert fake.constraints_string() == ">= 1.0.0, < 2.0.0"
    assert fake.hashes[0].startswith("h1:")


def test_render_sorts_providers_and_hashes() -> None:
    locks = Locks()
    v = parse_version("5.100.0")
    c = parse_constraints("~> 5.0")
    assert v is not None and c is not None
    locks.set_provider(Provider("zz", "ns", "example.com"), v, (), [])
    locks.set_provider(Provider("aws"), v, c.items, ["zh:ff", "h1:b", "h1:a", "h1:a"])
    out = render_locks(locks).decode()
    assert out == (
        HEADER
        + '\nprovider "example.com/ns/zz" {\n  version = "5.100.0"\n}\n'
        + '\nprovider "registry.terraform.io/hashicorp/aws" {\n'
        + '  version     = "5.100.0"\n  constraints = "~> 5.0"\n'
        + '  hashes = [\n    "h1:a",\n    "h1:b",\n    "zh:ff",\n  ]\n}\n'
    )


def test_empty_and_missing(tmp_path: Path) -> None:
    assert render_locks(Locks()).decode() == HEADER
    locks, diags = load_locks_from_file(str(tmp_path / "none.hcl"))
    assert locks.empty() and not diags


def test_save_is_atomic_and_readable(tmp_path: Path) -> None:
    locks, _ = parse_locks(TWO.encode(), "x")
    p = tmp_path / ".terraform.lock.hcl"
    save_locks_to_file(locks, str(p))
    assert p.read_text() == TWO
    assert oct(p.stat().st_mode & 0o777) == "0o644"
    assert [x.name for x in tmp_path.iterdir()] == [".terraform.lock.hcl"]
    again, diags = load_locks_from_file(str(p))
    assert not diags and again.equal(locks)


def test_equal_detects_changes() -> None:
    a, _ = parse_locks(TWO.encode(), "x")
    b, _ = parse_locks(TWO.replace('"3.1.0"', '"3.2.0"').encode(), "x")
    assert a.equal(a) and not a.equal(b)


BAD = {
    "non-normalized": 'provider "hashicorp/aws" {\n  version = "1.0.0"\n}\n',
    "version": 'provider "example.com/ns/fake" {\n  version = "1.0"\n}\n',
    "duplicate": 'provider "example.com/ns/fake" {\n  version = "1.0.0"\n}\nprovider "example.com/ns/fake" {\n  version = "1.0.0"\n}\n',
    "hash": 'provider "example.com/ns/fake" {\n  version = "1.0.0"\n  hashes = ["nocolon"]\n}\n',
    "argument": 'provider "example.com/ns/fake" {\n  version = "1.0.0"\n  constraints = "~> 1.0"\n  foo = 1\n}\n',
    "constraints": 'provider "example.com/ns/fake" {\n  version = "1.0.0"\n  constraints = ">= 1"\n}\n',
    "address": 'provider "!!" {\n  version = "1.0.0"\n}\n',
}


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


@pytest.mark.parametrize("case", sorted(BAD))
def test_errors_match_terraform(tmp_path: Path, terraform_bin: str, case: str) -> None:
    src = BAD[case]
    locks, diags = parse_locks(src.encode(), ".terraform.lock.hcl")
    errs = diags.errors()
    assert len(errs) == 1, list(diags)
    work = tmp_path / "w"
    work.mkdir()
    (work / "main.tf").write_text('terraform {\n  required_providers {\n    fake = {\n      source = "example.com/ns/fake"\n    }\n  }\n}\n')
    (work / ".terraform.lock.hcl").write_text(src)
    cli = tmp_path / "cli.tfrc"
    cli.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{tmp_path / "mirror"}"\n  }}\n}}\n')
    (tmp_path / "mirror").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    env.update(TF_CLI_CONFIG_FILE=str(cli), CHECKPOINT_DISABLE="1", HOME=str(tmp_path))
    p = subprocess.run([terraform_bin, "init", "-backend=false", "-no-color"], cwd=work, env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 1
    err = errs[0]
    assert f"Error: {err.summary}" in p.stderr
    tf_detail = p.stderr.split(f"Error: {err.summary}", 1)[1]
    m = re.search(r"on \.terraform\.lock\.hcl line (\d+)", tf_detail)
    assert m is not None and err.subject is not None and err.subject.start.line == int(m.group(1))
    tf_detail = tf_detail.split("(source code not available)", 1)[1]
    assert _norm(tf_detail) == _norm(err.detail)
