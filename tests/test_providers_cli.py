"""providers: the requirement tree of the configuration and the state's providers, against terraform 1.11.4.

terraform prints a module's providers in Go map order (random when a module has several), so
the comparison puts each module's entries in sorted order first."""

from __future__ import annotations

from pathlib import Path

import pytest

from state_cli_helpers import (
    Result,
    RunFn,
    assert_same,
    build_applied,
    compare,
    remove_state,
)


def canonical(text: str) -> str:
    """The output with each module's entries in sorted order: terraform lists a module's providers
    and child modules in Go map order, which varies from run to run."""
    lines = text.split("\n")
    try:
        start = lines.index(".") + 1
    except ValueError:
        return text
    end = start
    while end < len(lines) and lines[end]:
        end += 1
    root: list = []
    stack: list[tuple[int, list]] = [(-1, root)]
    for line in lines[start:end]:
        i = max(line.find("├── "), line.find("└── "))
        depth = i // 4
        node: tuple[str, list] = (line[i + 4 :], [])
        while stack[-1][0] >= depth:
            stack.pop()
        stack[-1][1].append(node)
        stack.append((depth, node[1]))

    def render(children: list, prefix: str) -> list[str]:
        out = []
        items = sorted(children, key=lambda n: (n[0].startswith("module."), n[0]))
        for k, (label, sub) in enumerate(items):
            last = k == len(items) - 1
            out.append(prefix + ("└── " if last else "├── ") + label)
            out.extend(render(sub, prefix + ("    " if last else "│\u00a0\u00a0 ")))
        return out

    return "\n".join(lines[:start] + render(root, "") + lines[end:])


def assert_same_tree(want: Result, got: Result) -> None:
    want.stdout, got.stdout = canonical(want.stdout), canonical(got.stdout)
    assert_same(want, got)


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory, run_terraform: RunFn) -> Path:
    return build_applied(tmp_path_factory.mktemp("applied"), run_terraform)


def test_providers_of_applied_configuration(
    applied: Path, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn
) -> None:
    want, got = compare(applied, tmp_path, ["providers"], run_terraform, run_sheath)
    assert_same_tree(want, got)


def test_providers_without_state(
    applied: Path, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn
) -> None:
    want, got = compare(
        applied,
        tmp_path,
        ["providers", "-no-color"],
        run_terraform,
        run_sheath,
        remove_state,
    )
    assert_same_tree(want, got)


def test_providers_extra_argument(
    applied: Path, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn
) -> None:
    want, got = compare(
        applied, tmp_path, ["providers", "somewhere"], run_terraform, run_sheath
    )
    assert_same(want, got)


def test_providers_help(
    applied: Path, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn
) -> None:
    want, got = compare(
        applied, tmp_path, ["providers", "-help"], run_terraform, run_sheath
    )
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
module "empty" {
  source = "../b"
}
""",
        "b/main.tf": 'module "deeper" {\n  source = "../c"\n}\n',
        "c/main.tf": 'data "aws_caller_identity" "c" {}\n',
    },
    "several-per-module": {
        "main.tf": """
terraform {
  required_providers {
    random = { source = "hashicorp/random", version = ">= 3.0, < 4.0" }
    aws    = { source = "hashicorp/aws" }
  }
}
provider "aws" {
  alias = "west"
}
resource "terraform_data" "x" {}
resource "null_resource" "n" {}
module "one" {
  source = "./one"
}
module "two" {
  source = "./one"
}
""",
        "one/main.tf": 'resource "local_file" "f" {\n  filename = "x"\n  content  = "y"\n}\ndata "aws_caller_identity" "c" {}\n',
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
def test_providers_tree_matches_terraform(
    name: str, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn
) -> None:
    base = tmp_path / "base"
    for rel, text in CONFIGS[name].items():
        p = base / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    r = run_terraform(["get"], base)
    assert r.returncode == 0, r.stderr
    want, got = compare(base, tmp_path / "w", ["providers"], run_terraform, run_sheath)
    assert_same_tree(want, got)


def test_providers_no_configuration(
    tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn
) -> None:
    (tmp_path / "tf").mkdir()
    (tmp_path / "sh").mkdir()
    want = run_terraform(["providers", "-no-color"], tmp_path / "tf")
    got = run_sheath(["providers", "-no-color"], tmp_path / "sh")
    assert got.returncode == want.returncode == 1
    assert got.stdout == want.stdout == ""
    assert got.stderr == want.stderr.replace(str(tmp_path / "tf"), str(tmp_path / "sh"))
