"""`validate` checks lifecycle.ignore_changes against the resource type's schema as
terraform does (it accepted any name): "Unsupported attribute" with terraform's
suggestion, index steps where only attributes are allowed, and the warning "Redundant
ignore_changes element" for attributes only the provider decides; plan stops at the same
errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

CASES = {
    "unknown_name": 'resource "terraform_data" "a" {\n  lifecycle {\n    ignore_changes = [bogus]\n  }\n}\n',
    "suggestion_and_index_steps": """
resource "terraform_data" "a" {
  lifecycle {
    ignore_changes = [input["x"], triggers_replace.foo, outputz]
  }
}
""",
    "redundant_computed_attributes": """
resource "terraform_data" "a" {
  lifecycle {
    ignore_changes = [input.foo, triggers_replace[0], id, output]
  }
}
resource "terraform_data" "b" {
  lifecycle {
    ignore_changes = [nope.x]
  }
}
""",
    "index_instead_of_attribute": 'resource "terraform_data" "a" {\n  lifecycle {\n    ignore_changes = [["input"]]\n  }\n}\n',
    "valid": 'resource "terraform_data" "a" {\n  lifecycle {\n    ignore_changes = [input, triggers_replace]\n  }\n}\n',
}


def _key(d: dict[str, Any]) -> tuple[str, str, str, Any]:
    r = d.get("range") or {}
    return d["severity"], d["summary"], d["detail"], (r.get("start"), r.get("end"))


@pytest.mark.oracle
@pytest.mark.parametrize("case", sorted(CASES))
def test_ignore_changes_checked_as_terraform_checks_them(case: str, tmp_path: Path, run_terraform: Any, run_sheath: Any) -> None:
    (tmp_path / "main.tf").write_text(CASES[case])
    tf = json.loads(run_terraform(["validate", "-json", "-no-color"], tmp_path).stdout)
    sh = json.loads(run_sheath(["validate", "-json", "-no-color"], tmp_path).stdout)
    assert (sh["valid"], sorted(map(_key, sh["diagnostics"]))) == (tf["valid"], sorted(map(_key, tf["diagnostics"])))
    tp = run_terraform(["plan", "-no-color", "-input=false"], tmp_path)
    sp = run_sheath(["plan", "-no-color", "-input=false"], tmp_path)
    assert sp.returncode == tp.returncode
    if tp.returncode:
        assert sp.stderr == tp.stderr
