"""providers: the requirement tree of the configuration and the state's providers, against terraform 1.11.4.

terraform prints a module's providers in Go map order (random when a module has several), so
the configurations here give each module at most one provider, or the comparison sorts lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from state_cli_helpers import RunFn, assert_same, build_applied, compare, remove_state


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory, run_terraform: RunFn) -> Path:
    return build_applied(tmp_path_factory.mktemp("applied"), run_terraform)


def test_providers_of_applied_configuration(applied: Path, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    want, got = compare(applied, tmp_path, ["providers"], run_terraform, run_sheath)
    assert_same(want, got)


def test_providers_without_state(applied: Path, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    want, got = compare(applied, tmp_path, ["providers", "-no-color"], run_terraform, run_sheath, remove_state)
    assert_same(want, got)


def test_providers_extra_argument(applied: Path, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    want, got = compare(applied, tmp_path, ["providers", "somewhere"], run_terraform, run_sheath)
    assert_same(want, got)


def test_providers_help(applied: Path, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    want, got = compare(applied, tmp_path, ["providers", "-help"], run_terraform, run_sheath)
    assert_same(want, got)


CONFIGS = {
    "constraints": {
        "main.tf": """
terraform {
  required_providers {
    random = { source = "hashicorp/random", version = ">= 3.0, < 4.0" }
  }
}
resource "random_pet" "p" {}
module "a" {
  source = "./a"
}
module "b" {
  source = "./b"
}
""",
        "a/main.tf": """
terraform {
  required_providers {
    local = { source = "hashicorp/local", version = "~> 2.0" }
  }
}
resource "local_file" "f" {
  filename = "x"
  content  = "y"
}
module "deeper" {
  source = "../c"
}
""",
        "b/main.tf": "",
        "c/main.tf": 'data "aws_caller_identity" "c" {}\n',
    },
    "provider-block-only": {
        "main.tf": 'provider "google" {\n  project = "x"\n}\n',
    },
    "implied-and-explicit": {
        "main.tf": """
terraform {
  required_providers {
    mycloud = { source = "example.com/acme/mycloud", version = "1.2.3" }
  }
}
resource "mycloud_thing" "t" {}
""",
    },
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_providers_tree_matches_terraform(name: str, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    base = tmp_path / "base"
    for rel, text in CONFIGS[name].items():
        p = base / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    r = run_terraform(["get"], base)
    assert r.returncode == 0, r.stderr
    want, got = compare(base, tmp_path / "w", ["providers"], run_terraform, run_sheath)
    assert_same(want, got)


def test_providers_no_configuration(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    (tmp_path / "tf").mkdir()
    (tmp_path / "sh").mkdir()
    want = run_terraform(["providers", "-no-color"], tmp_path / "tf")
    got = run_sheath(["providers", "-no-color"], tmp_path / "sh")
    assert got.returncode == want.returncode == 1
    assert got.stdout == want.stdout == ""
    assert got.stderr == want.stderr.replace(str(tmp_path / "tf"), str(tmp_path / "sh"))


