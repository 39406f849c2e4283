"""Version constraint rendering and selection with terraform's provider semantics.

The expectations were observed from terraform 1.11.4 (`terraform init` against a
filesystem mirror); test_selection_matches_terraform re-checks a sample live."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from sheath.config.versions import Constraint, parse_constraints, parse_version
from sheath.getproviders import version_constraints_string
from sheath.getproviders.types import constraints_allow, newest_matching, parse_provider_version


def _cs(s: str) -> tuple[Constraint, ...]:
    c = parse_constraints(s)
    assert c is not None, s
    return c.items


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("~> 5.0", "~> 5.0"),
        ("1.2", "1.2.0"),
        ("= 1.2", "1.2.0"),
        ("!=2.0,>=1.0", ">= 1.0.0, != 2.0.0"),
        ("~>1.0", "~> 1.0"),
        ("~> 1", "~> 1.0"),
        ("~> 1.2.0", "~> 1.2.0"),
        (">= 1.0, >= 1.0, < 3", ">= 1.0.0, < 3.0.0"),
        ("<3,>0.1", "> 0.1.0, < 3.0.0"),
        ("1.2.0, 1.2", "1.2.0"),
        ("> 1.0, >= 1.0", "> 1.0.0, >= 1.0.0"),
        ("~> 1.2.3, ~> 1.2", "~> 1.2, ~> 1.2.3"),
        (">= 1.0, != 1.0, <= 1.0.0, 1.0", ">= 1.0.0, 1.0.0, <= 1.0.0, != 1.0.0"),
        ("~> 1.2.0-beta", "~> 1.2.0-beta"),
        ("~> 2.1-beta1", "~> 2.1-beta1"),
        (">= 2.1.0-beta1, < 3", ">= 2.1.0-beta1, < 3.0.0"),
        ("1.2.3+foo.bar", "1.2.3+foo.bar"),
    ],
)
def test_constraints_string(given: str, canonical: str) -> None:
    assert version_constraints_string(_cs(given)) == canonical


AVAILABLE = ["1.0.0", "1.2.0", "2.0.0", "2.1.0-beta1"]


@pytest.mark.parametrize(
    ("constraint", "selected"),
    [
        (">= 1.0, < 2.0", "1.2.0"),
        ("~> 1", "1.2.0"),
        ("~> 1.0.0", "1.0.0"),
        ("~> 1.2.0-beta", "1.2.0"),
        (">= 2.0", "2.0.0"),
        ("> 2.0.0-alpha", "2.0.0"),
        ("2.1.0-beta1", "2.1.0-beta1"),
        (">= 2.1.0-beta1", None),
        ("~> 2.1.0-beta1", None),
        ("~> 2.1-beta1", None),
        (">= 2.1.0-beta1, < 3", None),
        ("~> 4.0", None),
    ],
)
def test_newest_matching(constraint: str, selected: str | None) -> None:
    vs = [parse_version(v) for v in AVAILABLE]
    got = newest_matching([v for v in vs if v is not None], _cs(constraint))
    assert (str(got) if got is not None else None) == selected


def test_no_constraints_selects_newest_release() -> None:
    vs = [v for v in (parse_version(x) for x in AVAILABLE) if v is not None]
    assert str(newest_matching(vs, ())) == "2.0.0"
    v = parse_version("2.1.0-beta1")
    assert v is not None and not constraints_allow((), v)


def test_provider_version_syntax() -> None:
    assert str(parse_provider_version("5.100.0")) == "5.100.0"
    assert parse_provider_version("5.1") is None
    assert parse_provider_version("v5.1.0") is None
    assert parse_provider_version("x") is None


@pytest.mark.parametrize("constraint", ["~> 1.2.0-beta", "2.1.0-beta1", ">= 2.1.0-beta1", "> 2.0.0-alpha", "!=1.2.0, ~>1"])
def test_selection_matches_terraform(tmp_path: Path, terraform_bin: str, constraint: str) -> None:
    mirror = tmp_path / "mirror"
    for v in AVAILABLE:
        d = mirror / "example.com/ns/fake" / v / "linux_amd64"
        d.mkdir(parents=True)
        (d / f"terraform-provider-fake_v{v}").write_text(v)
    cli = tmp_path / "cli.tfrc"
    cli.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n')
    work = tmp_path / "w"
    work.mkdir()
    (work / "main.tf").write_text(
        'terraform {\n  required_providers {\n    fake = {\n      source  = "example.com/ns/fake"\n'
        f'      version = "{constraint}"\n    }}\n  }}\n}}\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    env.update(TF_CLI_CONFIG_FILE=str(cli), CHECKPOINT_DISABLE="1", HOME=str(tmp_path))
    p = subprocess.run([terraform_bin, "init", "-backend=false", "-no-color"], cwd=work, env=env, capture_output=True, text=True, timeout=120)
    vs = [v for v in (parse_version(x) for x in AVAILABLE) if v is not None]
    ours = newest_matching(vs, _cs(constraint))
    canonical = version_constraints_string(_cs(constraint))
    assert f'- Finding example.com/ns/fake versions matching "{canonical}"...' in p.stdout
    if ours is None:
        assert p.returncode == 1 and "no available releases match" in p.stderr
    else:
        assert p.returncode == 0, p.stderr
        lock = (work / ".terraform.lock.hcl").read_text()
        assert f'version     = "{ours}"' in lock and f'constraints = "{canonical}"' in lock
