"""Blast-radius guardrails: deletes and replacements over the limits, protected stateful
types, and -allow-destroy naming what may go."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sheath.policy.guardrails import Limits, check_limits


def _rc(addr: str, type_: str, actions: list[str]) -> dict[str, Any]:
    return {"address": addr, "mode": "managed", "type": type_, "change": {"actions": actions}}


PLAN = {
    "format_version": "1.2",
    "resource_changes": [
        _rc("aws_db_instance.main", "aws_db_instance", ["delete", "create"]),
        _rc("aws_instance.a", "aws_instance", ["delete"]),
        _rc("aws_instance.b", "aws_instance", ["delete"]),
        _rc("aws_instance.c", "aws_instance", ["create"]),
    ],
}


def test_protected_types_and_limits() -> None:
    r = check_limits(PLAN, Limits(max_deletes=1, max_replacements=0, configured=True))
    assert r.deletes == ["aws_db_instance.main", "aws_instance.a", "aws_instance.b"]
    assert len(r.violations) == 3
    assert "protected aws_db_instance" in r.violations[0]
    r = check_limits(PLAN, Limits(max_deletes=2, configured=True), allow=["aws_db_instance.main"])
    assert r.ok
    r = check_limits(PLAN, Limits(max_deletes=1, configured=True), allow=["aws_db_instance.main", "aws_instance.*"])
    assert r.ok
    assert check_limits(PLAN, Limits(max_deletes=0)).ok  # no limits block: nothing enforced


def test_policy_check_enforces_limits(tmp_path: Path, run_sheath: Any) -> None:
    (tmp_path / "plan.json").write_text(json.dumps(PLAN))
    (tmp_path / "sheath-policy.hcl").write_text("limits {\n  max_deletes = 2\n}\n")
    r = run_sheath(["policy", "check", "-no-color", "plan.json"], tmp_path)
    assert r.returncode == 1
    assert "Plan exceeds a guardrail" in r.stderr and "-allow-destroy=aws_db_instance.main" in r.stderr
    r = run_sheath(["policy", "check", "-allow-destroy=aws_db_instance.main", "plan.json"], tmp_path)
    assert r.returncode == 0, r.stderr
    (tmp_path / "sheath-policy.hcl").write_text('limits {\n  max_deletes = "many"\n}\n')
    r = run_sheath(["policy", "check", "-no-color", "plan.json"], tmp_path)
    assert r.returncode == 1 and "Invalid limit" in r.stderr


def test_a_second_limits_block_is_an_error_not_merged(tmp_path: Path) -> None:
    from sheath.policy.guardrails import read_limits

    path = tmp_path / "sheath-policy.hcl"
    path.write_text("limits {\n  max_deletes = 0\n}\n\nlimits {\n  max_deletes = 9\n}\n")
    limits, diags = read_limits(str(path))
    assert [d.summary for d in diags] == ["Duplicate limits block"]
    assert diags[0].subject is not None and diags[0].subject.start.line == 5
    assert limits.max_deletes == 0
