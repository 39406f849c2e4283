"""import blocks with for_each, against terraform: the for_each may be any collection (a list
or tuple is keyed by index), it may refer to locals and data sources (it is evaluated when
its target resource is planned, not before the walk), a null one imports nothing, and a
value that is not a collection or not known is terraform's error."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

CASES = {
    "local-list": """
locals { ids = ["a", "b"] }
import {
  for_each = local.ids
  to       = terraform_data.x[each.value]
  id       = each.value
}
resource "terraform_data" "x" {
  for_each = toset(local.ids)
}
""",
    "tuple-by-index": """
import {
  for_each = ["p", "q"]
  to       = terraform_data.x[each.key]
  id       = "id-${each.value}"
}
resource "terraform_data" "x" {
  count = 2
}
""",
    "map-from-locals": """
locals {
  m   = { one = "1", two = "2" }
  ids = { for k, v in local.m : k => "id-${v}" }
}
import {
  for_each = local.ids
  to       = terraform_data.x[each.key]
  id       = each.value
}
resource "terraform_data" "x" {
  for_each = local.m
}
""",
    "null": """
variable "ids" {
  type    = list(string)
  default = null
}
import {
  for_each = var.ids
  to       = terraform_data.x[each.value]
  id       = each.value
}
resource "terraform_data" "x" {
  for_each = toset(["a"])
}
""",
    "not-a-collection": """
locals { ids = "a" }
import {
  for_each = local.ids
  to       = terraform_data.x[each.value]
  id       = each.value
}
resource "terraform_data" "x" {
  for_each = toset(["a"])
}
""",
    "unknown": """
resource "terraform_data" "seed" {
  input = "a"
}
import {
  for_each = toset([terraform_data.seed.output])
  to       = terraform_data.x[each.value]
  id       = each.value
}
resource "terraform_data" "x" {
  for_each = toset(["a"])
}
""",
}


def _norm(text: str) -> str:
    # progress lines come from parallel work: their order is not part of the contract
    lines = text.splitlines()
    progress = sorted(ln for ln in lines if re.search(r": (Preparing import|Refreshing state)\.\.\.", ln))
    rest = [ln for ln in lines if ln not in progress]
    return "\n".join(progress + rest)


@pytest.mark.parametrize("case", sorted(CASES))
def test_plan_matches_terraform(case: str, tmp_path: Path, run_terraform: Any, run_sheath: Any) -> None:
    config = CASES[case]
    got = {}
    for name, run in (("terraform", run_terraform), ("sheath", run_sheath)):
        d = tmp_path / name
        d.mkdir()
        (d / "main.tf").write_text(config)
        assert run(["init", "-no-color"], d).returncode == 0
        v = run(["validate", "-no-color"], d)
        r = run(["plan", "-no-color", "-input=false"], d)
        got[name] = (v.returncode, v.stdout, v.stderr, r.returncode, _norm(r.stdout), r.stderr)
    assert got["sheath"] == got["terraform"]


@pytest.mark.parametrize("case", ["local-list", "tuple-by-index", "map-from-locals"])
def test_apply_imports_what_terraform_imports(case: str, tmp_path: Path, run_terraform: Any, run_sheath: Any) -> None:
    got = {}
    for name, run in (("terraform", run_terraform), ("sheath", run_sheath)):
        d = tmp_path / name
        d.mkdir()
        (d / "main.tf").write_text(CASES[case])
        assert run(["init", "-no-color"], d).returncode == 0
        r = run(["apply", "-auto-approve", "-no-color", "-input=false"], d)
        assert r.returncode == 0, (name, r.stderr)
        doc = json.loads((d / "terraform.tfstate").read_text())
        got[name] = sorted(
            (res["type"], res["name"], json.dumps(i.get("index_key")), i["attributes"]["id"])
            for res in doc["resources"]
            for i in res["instances"]
        )
        again = run(["plan", "-no-color", "-input=false", "-detailed-exitcode"], d)
        assert again.returncode == 0, (name, again.stdout)
    assert got["sheath"] == got["terraform"]
