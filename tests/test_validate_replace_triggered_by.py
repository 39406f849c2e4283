"""lifecycle.replace_triggered_by: validate checks only what terraform checks when it loads the
configuration (each element one resource reference, count.index and each.key); what the
references name is checked by the plan, with terraform's wording and ranges.

Differential: terraform validate -json and plan against sheath's on the same configurations.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.oracle

_TRIGGER = """resource "terraform_data" "b" {}
resource "terraform_data" "a" {
  lifecycle {
    replace_triggered_by = [%s]
  }
}
"""

# what terraform's validate accepts and its plan judges
PLAN_TIME: dict[str, dict[str, str]] = {
    "undeclared": {"main.tf": _TRIGGER % "terraform_data.nope"},
    "undeclared_instance": {"main.tf": _TRIGGER % 'terraform_data.nope["k"].output'},
    "bad_attribute": {"main.tf": _TRIGGER % "terraform_data.b.nope"},
    "each_without_for_each": {"main.tf": _TRIGGER % "terraform_data.b[each.key]"},
    "count_without_count": {"main.tf": _TRIGGER % "terraform_data.b[count.index], terraform_data.b[each.key]"},
    "index_without_count": {"main.tf": _TRIGGER % "terraform_data.b[0]"},
    "itself": {"main.tf": _TRIGGER.replace("[%s]", "[terraform_data.a]")},
    "function_call": {"main.tf": _TRIGGER % "tostring(terraform_data.b.id)"},
    "json_undeclared": {
        "main.tf.json": json.dumps(
            {"resource": {"terraform_data": {"a": {"lifecycle": {"replace_triggered_by": ["terraform_data.nope"]}}}}}
        )
    },
    "valid": {"main.tf": _TRIGGER % "terraform_data.b, terraform_data.b.output"},
}

# what terraform's configuration loader rejects
LOAD_TIME: dict[str, dict[str, str]] = {
    "multiple_and_other_references": {
        "main.tf": (_TRIGGER % 'terraform_data.b.id, "${terraform_data.b.id}${terraform_data.c.id}", var.x, count.foo')
        + 'resource "terraform_data" "c" {}\nvariable "x" {}\n'
    },
    "data_and_ephemeral_are_resources": {
        "main.tf": _TRIGGER % "data.terraform_remote_state.s, ephemeral.x.y, self, path.module, module.m.o, data.x"
    },
    "json_non_string_elements": {
        "main.tf.json": json.dumps(
            {"resource": {"terraform_data": {"a": {"lifecycle": {"replace_triggered_by": ["var.x", 1, "terraform_data.b["]}}}}}
        )
    },
}


def _write(root: Path, files: dict[str, str]) -> Path:
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text)
    return root


def _diags(stdout: str) -> tuple[bool, list[tuple[Any, ...]]]:
    out = json.loads(stdout)
    got = []
    for d in out["diagnostics"]:
        r = d.get("range") or {}
        got.append((d["severity"], d["summary"], d["detail"], r.get("filename"), json.dumps(r.get("start")), json.dumps(r.get("end"))))
    return bool(out["valid"]), got


@pytest.mark.parametrize("case", sorted({**PLAN_TIME, **LOAD_TIME}))
def test_validate_matches_terraform(case: str, tmp_path: Path, run_terraform: Any, run_sheath: Any) -> None:
    work = _write(tmp_path / case, {**PLAN_TIME, **LOAD_TIME}[case])
    tf = run_terraform(["validate", "-json", "-no-color"], cwd=work)
    sh = run_sheath(["validate", "-json", "-no-color"], cwd=work)
    assert (sh.returncode, _diags(sh.stdout)) == (tf.returncode, _diags(tf.stdout))
    assert tf.returncode == (0 if case in PLAN_TIME else 1)


@pytest.mark.parametrize("case", sorted(PLAN_TIME))
def test_plan_matches_terraform(case: str, tmp_path: Path, run_terraform: Any, run_sheath: Any) -> None:
    """The plan reports what validate let through, as terraform's plan does (human output and exit code)."""
    outs = []
    for tool, run in (("terraform", run_terraform), ("sheath", run_sheath)):
        work = _write(tmp_path / tool, PLAN_TIME[case])
        run(["init", "-input=false", "-no-color"], cwd=work)
        res = run(["plan", "-input=false", "-no-color"], cwd=work)
        outs.append((res.returncode, res.stdout, res.stderr))
    assert outs[1] == outs[0]
