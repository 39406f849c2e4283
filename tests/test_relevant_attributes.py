"""A plan's relevant_attributes against terraform's: the resource attributes the planned
changes rely on, found statically (terraform's lang/globalref) through locals, module
inputs and outputs (every child module output, referred to or not), count and for_each, whole resources and narrowed attribute paths.

terraform_data needs no provider binary, so both tools plan in a second or two. Compared
as sets: terraform's order is its map's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import RunFn

pytestmark = pytest.mark.oracle

_ROOT = """
variable "n" {
  default = 2
}

locals {
  first = terraform_data.a.output
  keys  = { x = var.n }
}

resource "terraform_data" "a" {
  input = "x"
}

resource "terraform_data" "b" {
  count = var.n
  input = [local.first, terraform_data.a.id, count.index]
}

resource "terraform_data" "c" {
  for_each = local.keys
  input    = each.value
}

resource "terraform_data" "d" {
  input            = terraform_data.b[0]
  triggers_replace = terraform_data.c["x"].input
}

module "m" {
  source = "./m"
  in     = terraform_data.b[1].output
}

# no root output refers to it: its outputs are changes of the plan all the same
module "n" {
  source = "./m"
  count  = 1
  in     = "fixed"
}

output "o" {
  value = module.m.out
}

output "whole" {
  value = module.m
}
"""

_MODULE = """
variable "in" {}

resource "terraform_data" "x" {
  input = var.in
}

output "out" {
  value = terraform_data.x.output
}

output "other" {
  value = terraform_data.x.id
}
"""

# a second step: only what changes (and its inputs) is relevant
_ROOT_CHANGED = _ROOT.replace('input = "x"', 'input = "y"')


def _relevant(out: str) -> list[tuple[str, list[Any]]]:
    doc = json.loads(out)
    return sorted((r["resource"], r["attribute"]) for r in doc.get("relevant_attributes", []))


def _plan_both(run_sheath: RunFn, run_terraform: RunFn, dirs: list[Path]) -> list[list[tuple[str, list[Any]]]]:
    found = []
    for run, d in ((run_sheath, dirs[0]), (run_terraform, dirs[1])):
        p = run(["plan", "-input=false", "-no-color", "-out=tfplan"], d)
        assert p.returncode == 0, p.stdout + p.stderr
        s = run(["show", "-json", "tfplan"], d)
        assert s.returncode == 0, s.stderr
        found.append(_relevant(s.stdout))
    return found


def test_relevant_attributes_as_terraform(run_sheath: RunFn, run_terraform: RunFn, tmp_path: Path) -> None:
    dirs = [tmp_path / "sheath", tmp_path / "terraform"]
    for d in dirs:
        (d / "m").mkdir(parents=True)
        (d / "main.tf").write_text(_ROOT)
        (d / "m" / "main.tf").write_text(_MODULE)
    for run, d in ((run_sheath, dirs[0]), (run_terraform, dirs[1])):
        r = run(["init", "-input=false", "-no-color"], d)
        assert r.returncode == 0, r.stdout + r.stderr
    sheath, terraform = _plan_both(run_sheath, run_terraform, dirs)
    assert sheath == terraform
    assert ("terraform_data.a", ["output"]) in sheath  # through local.first
    assert ("module.m.terraform_data.x", ["output"]) in sheath  # through the module's output
    assert ("module.n[0].terraform_data.x", ["id"]) in sheath  # a child module's output

    for run, d in ((run_sheath, dirs[0]), (run_terraform, dirs[1])):
        r = run(["apply", "-input=false", "-no-color", "-auto-approve"], d)
        assert r.returncode == 0, r.stdout + r.stderr
        (d / "main.tf").write_text(_ROOT_CHANGED)
    sheath, terraform = _plan_both(run_sheath, run_terraform, dirs)
    assert sheath == terraform

    for run, d in ((run_sheath, dirs[0]), (run_terraform, dirs[1])):
        p = run(["plan", "-destroy", "-input=false", "-no-color", "-out=tfplan"], d)
        assert p.returncode == 0, p.stdout + p.stderr
    s = run_sheath(["show", "-json", "tfplan"], dirs[0])
    t = run_terraform(["show", "-json", "tfplan"], dirs[1])
    assert _relevant(s.stdout) == _relevant(t.stdout)
