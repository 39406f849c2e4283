"""terraform's planDestroy: a provider that advertises the PlanDestroy capability is asked
to plan every delete (PlanResourceChange with a null configuration and proposed state); it
may refuse the destroy with a diagnostic, and the private data it returns is what
ApplyResourceChange gets. A provider without the capability is not asked. Exercised with
the native hashicorp/local provider, patched in a sheath process to advertise the capability
and to record the calls."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SHEATH_CMD

PATCHED_SHEATH = """
import json, os, sys
from dataclasses import replace
from sheath.diag import Diagnostics, error
from sheath.providers import sdk
from sheath.providers.interface import PlanResourceChangeResponse
log = open(os.environ["CALLS"], "a")
schema, plan, apply = sdk.NativeProvider.get_provider_schema, sdk.NativeProvider.plan_resource_change, sdk.NativeProvider.apply_resource_change
def get_provider_schema(self):
    ps = schema(self)
    caps = replace(ps.server_capabilities, plan_destroy=os.environ["PLAN_DESTROY"] == "1")
    return replace(ps, server_capabilities=caps)
def plan_resource_change(self, req):
    if req.proposed_new_state.is_null:
        log.write(json.dumps({"call": "plan-destroy", "type": req.type_name}) + "\\n"); log.flush()
        if os.environ.get("REFUSE"):
            return PlanResourceChangeResponse(diagnostics=Diagnostics([error("Destroy refused", "the provider refuses")]))
        return PlanResourceChangeResponse(planned_state=req.proposed_new_state, planned_private=b"destroy-token")
    return plan(self, req)
def apply_resource_change(self, req):
    if req.planned_state.is_null:
        log.write(json.dumps({"call": "apply-destroy", "private": req.planned_private.decode()}) + "\\n"); log.flush()
    return apply(self, req)
sdk.NativeProvider.get_provider_schema = get_provider_schema
sdk.NativeProvider.plan_resource_change = plan_resource_change
sdk.NativeProvider.apply_resource_change = apply_resource_change
from sheath.cli.main import main
sys.exit(main(sys.argv[1:]))
"""

FILE = 'resource "local_file" "f" {\n  filename = "${path.module}/f.txt"\n  content  = "x"\n}\n'


def _patched(args: list[str], cwd: Path, plan_destroy: bool, refuse: bool = False) -> tuple[subprocess.CompletedProcess[str], list[dict[str, str]]]:
    calls = cwd / "calls.jsonl"
    calls.unlink(missing_ok=True)
    env = {"CALLS": str(calls), "PLAN_DESTROY": "1" if plan_destroy else "0", **({"REFUSE": "1"} if refuse else {})}
    import os

    r = subprocess.run(
        [sys.executable, "-c", PATCHED_SHEATH, *args], cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True, timeout=300
    )
    got = [json.loads(x) for x in calls.read_text().splitlines()] if calls.exists() else []
    return r, got


@pytest.fixture
def applied(tmp_path: Path) -> Path:
    (tmp_path / "main.tf").write_text(FILE)
    for args in (["init", "-no-color"], ["apply", "-auto-approve", "-no-color"]):
        r = subprocess.run([*SHEATH_CMD, *args], cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
    assert (tmp_path / "f.txt").exists()
    return tmp_path


@pytest.mark.parametrize("how", ["orphan", "destroy"])
def test_the_provider_plans_each_delete_and_its_private_data_reaches_apply(applied: Path, how: str) -> None:
    if how == "orphan":
        (applied / "main.tf").write_text("")
        args = ["apply", "-auto-approve", "-no-color"]
    else:
        args = ["destroy", "-auto-approve", "-no-color"]
    r, calls = _patched(args, applied, plan_destroy=True)
    assert r.returncode == 0, r.stderr
    assert calls == [{"call": "plan-destroy", "type": "local_file"}, {"call": "apply-destroy", "private": "destroy-token"}]
    assert not (applied / "f.txt").exists()


def test_a_provider_refusing_the_destroy_stops_the_plan(applied: Path) -> None:
    r, calls = _patched(["destroy", "-auto-approve", "-no-color"], applied, plan_destroy=True, refuse=True)
    assert r.returncode == 1
    assert "Error: Destroy refused" in r.stderr
    assert [c["call"] for c in calls] == ["plan-destroy"]
    assert (applied / "f.txt").exists()


def test_a_saved_destroy_plan_keeps_the_private_data(applied: Path) -> None:
    r, calls = _patched(["plan", "-destroy", "-out=d.tfplan", "-no-color"], applied, plan_destroy=True)
    assert r.returncode == 0, r.stderr
    r, calls = _patched(["apply", "-no-color", "d.tfplan"], applied, plan_destroy=True)
    assert r.returncode == 0, r.stderr
    assert calls == [{"call": "apply-destroy", "private": "destroy-token"}]


def test_without_the_capability_the_provider_is_not_asked(applied: Path) -> None:
    r, calls = _patched(["destroy", "-auto-approve", "-no-color"], applied, plan_destroy=False)
    assert r.returncode == 0, r.stderr
    assert calls == [{"call": "apply-destroy", "private": ""}]
