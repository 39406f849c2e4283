"""The public Python API (sheath.Workspace): one test per line of the example in docs/api.md."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import pytest

from postgres_helpers import PostgresServer, create_database, postgres  # noqa: F401 - the fixture
from sheath import SheathError, Workspace
from sheath.addrs.resource import AbsResourceInstance
from sheath.engine.hooks import NoHooks
from sheath.plans.model import Action

CONFIG = """
variable "env" {
  type = string
}

resource "terraform_data" "a" {
  input = "a-${var.env}"
}

resource "terraform_data" "b" {
  count = 2
  input = "${terraform_data.a.output}-${count.index}"
}

resource "random_pet" "p" {
  length = 2
}

output "a" {
  value = terraform_data.a.output
}

output "bs" {
  value = terraform_data.b[*].output
}
"""


@pytest.fixture
def infra(tmp_path: Path) -> Path:
    d = tmp_path / "infra"
    d.mkdir()
    (d / "main.tf").write_text(CONFIG)
    return d


def _ready(infra: Path, **variables: Any) -> Workspace:
    ws = Workspace(infra, variables=variables or {"env": "dev"}, workspace="default")
    ws.init()
    return ws


def test_init_installs_the_providers(infra: Path) -> None:
    ws = Workspace(str(infra) + "/", variables={"env": "dev"}, workspace="default")
    ws.init()
    assert (infra / ".terraform.lock.hcl").is_file()


def test_plan_lists_typed_changes(infra: Path) -> None:
    ws = _ready(infra)
    plan = ws.plan()
    addrs = [str(c.address) for c in plan.changes]
    assert addrs == ["random_pet.p", "terraform_data.a", "terraform_data.b[0]", "terraform_data.b[1]"]
    assert all(isinstance(c.address, AbsResourceInstance) for c in plan.changes)
    assert {c.action for c in plan.changes} == {"create"}
    assert plan.has_changes
    # nothing was written by planning
    assert not (infra / "terraform.tfstate").exists()


def test_apply_applies_exactly_the_plan_and_outputs_are_python_values(infra: Path) -> None:
    ws = _ready(infra)
    plan = ws.plan()
    result = ws.apply(plan)
    assert result.outputs == {"a": "a-dev", "bs": ["a-dev-0", "a-dev-1"]}
    assert ws.outputs() == {"a": "a-dev", "bs": ["a-dev-0", "a-dev-1"]}
    pet = ws.state().resources[("", "managed", "random_pet", "p")]
    assert pet.instances  # the typed state holds what was applied
    again = ws.plan()
    assert {c.action for c in again.changes} == {"no-op"}
    assert not again.has_changes


def test_a_plan_is_refused_when_the_state_changed_since(infra: Path) -> None:
    ws = _ready(infra)
    stale = ws.plan()
    ws.apply(ws.plan())
    with pytest.raises(SheathError) as err:
        ws.apply(stale)
    assert err.value.diagnostics.has_errors()


def test_variables_are_python_values(infra: Path) -> None:
    ws = _ready(infra, env="prod")
    ws.apply()
    assert ws.outputs()["a"] == "a-prod"


def test_plan_modes_targets_and_replace(infra: Path) -> None:
    ws = _ready(infra)
    ws.apply()
    replaced = ws.plan(replace=["terraform_data.a"])
    actions = {str(c.address): c.action for c in replaced.changes}
    assert actions["terraform_data.a"] == "replace"
    assert replaced.changes[1].change.action == Action.DELETE_THEN_CREATE
    targeted = ws.plan(targets=["terraform_data.b[1]"], replace=["terraform_data.b[1]"])
    assert [str(c.address) for c in targeted.changes if c.action != "no-op"] == ["terraform_data.b[1]"]
    refresh = ws.plan(refresh_only=True)
    assert refresh.changes == []
    destroy = ws.plan(destroy=True)
    assert {c.action for c in destroy.changes} == {"delete"}


def test_destroy_removes_everything(infra: Path) -> None:
    ws = _ready(infra)
    ws.apply()
    ws.destroy()
    assert ws.state().resources == {}
    assert ws.outputs() == {}


def test_errors_raise_one_exception_type_with_diagnostics(infra: Path) -> None:
    (infra / "main.tf").write_text(CONFIG + '\noutput "bad" {\n  value = local.nope\n}\n')
    ws = Workspace(infra, variables={"env": "dev"})
    ws.init()
    with pytest.raises(SheathError) as err:
        ws.plan()
    summaries = [d.summary for d in err.value.diagnostics]
    assert "Reference to undeclared local value" in summaries
    assert "Reference to undeclared local value" in str(err.value)


def test_undeclared_variable_is_an_error(infra: Path) -> None:
    ws = _ready(infra, env="dev", nope=1)
    with pytest.raises(SheathError, match="undeclared variable"):
        ws.plan()


def test_named_workspaces(infra: Path, run_sheath: Any) -> None:
    ws = Workspace(infra, variables={"env": "dev"}, workspace="staging")
    ws.init()
    with pytest.raises(SheathError, match="Workspace does not exist"):
        ws.plan()
    assert run_sheath(["workspace", "new", "-no-color", "staging"], infra).returncode == 0
    assert run_sheath(["workspace", "select", "-no-color", "default"], infra).returncode == 0
    ws.apply()
    assert (infra / "terraform.tfstate.d" / "staging" / "terraform.tfstate").is_file()
    assert not (infra / "terraform.tfstate").exists()
    assert ws.workspaces() == ["default", "staging"]
    assert Workspace(infra, variables={"env": "dev"}).workspace == "default"


def test_applies_are_in_the_audit_trail(infra: Path) -> None:
    from sheath.audit.trail import AuditTrail

    ws = _ready(infra)
    ws.apply()
    ws.destroy()
    trail = AuditTrail(str(infra / ".sheath" / "audit.jsonl"))
    recs = [r for _, r, _ in trail.records() if r is not None]
    assert [(r["operation"], r["result"]) for r in recs] == [("apply", "success"), ("destroy", "success")]
    assert recs[0]["details"]["changes"] == {"add": 4, "change": 0, "destroy": 0}
    assert len(recs[0]["plan_hash"]) == 64 and trail.verify().ok


def test_plan_checks_block_an_apply(infra: Path) -> None:
    (infra / "sheath-policy.hcl").write_text("limits {\n  max_deletes = 0\n  protect = []\n}\n")
    ws = _ready(infra)
    ws.apply()
    plan = ws.plan(destroy=True)
    assert plan.blocked
    assert any(d.summary == "Plan exceeds a guardrail" for c in plan.checks for d in c.diagnostics)
    with pytest.raises(SheathError, match="guardrail"):
        ws.apply(plan)
    assert len(ws.state().resources) == 3  # nothing was destroyed
    unchecked = Workspace(infra, variables={"env": "dev"}, plan_checks=[])
    unchecked.destroy()
    assert ws.state().resources == {}


def test_progress_is_observed_through_hooks(infra: Path) -> None:
    seen: list[tuple[str, str]] = []

    class Recorder(NoHooks):
        def post_apply(self, addr: AbsResourceInstance, deposed: str, action: Action, id_: str, failed: bool) -> None:
            assert isinstance(addr, AbsResourceInstance)  # hooks name objects by typed address
            seen.append((str(addr), action.value))

    ws = Workspace(infra, variables={"env": "dev"}, hooks=Recorder())
    ws.init()
    ws.apply()
    assert sorted(seen) == [
        ("random_pet.p", "create"),
        ("terraform_data.a", "create"),
        ("terraform_data.b[0]", "create"),
        ("terraform_data.b[1]", "create"),
    ]


def test_the_callers_directory_is_kept(infra: Path) -> None:
    before = os.getcwd()
    ws = _ready(infra)
    ws.apply()
    assert os.getcwd() == before


@pytest.mark.oracle
def test_a_pg_backend_through_the_api(tmp_path: Path, postgres: PostgresServer, run_terraform: Any) -> None:  # noqa: F811
    import json as _json

    import psycopg

    conn = create_database(postgres, "api_" + uuid.uuid4().hex[:8])
    d = tmp_path / "pg"
    d.mkdir()
    (d / "main.tf").write_text(f'terraform {{\n  backend "pg" {{\n    conn_str = "{conn}"\n  }}\n}}\n' + CONFIG.replace("random_pet", "terraform_data").replace("  length = 2\n", ""))
    assert run_terraform(["init", "-input=false"], d).returncode == 0  # records the backend
    ws = Workspace(d, variables={"env": "pg"})
    result = ws.apply()
    assert result.outputs["a"] == "a-pg"
    with psycopg.connect(conn) as c:
        row = c.execute("select data from terraform_remote_state.states where name = 'default'").fetchone()
        assert row is not None
        doc = _json.loads(row[0])
        hist = c.execute("select version, operation, plan_hash from terraform_remote_state.sheath_state_history").fetchall()
    assert {r["type"] for r in doc["resources"]} == {"terraform_data"}
    assert [h[1] for h in hist][-1] == "apply" and len(hist[-1][2]) == 64
    r = run_terraform(["plan", "-input=false", "-detailed-exitcode", "-var", "env=pg"], d)
    assert r.returncode == 0, r.stdout + r.stderr  # terraform sees the state sheath wrote, no changes


def test_refresh_writes_what_was_found_to_the_state(tmp_path: Path) -> None:
    """Workspace.refresh() is `sheath refresh`: an object deleted outside leaves the state,
    and nothing real is changed."""
    (tmp_path / "main.tf").write_text(
        'resource "local_file" "f" {\n  filename = "${path.module}/f.txt"\n  content  = "x"\n}\n\n'
        'resource "local_file" "g" {\n  filename = "${path.module}/g.txt"\n  content  = "y"\n}\n\n'
        'output "g" {\n  value = local_file.g.content\n}\n'
    )
    ws = Workspace(tmp_path, workspace="default")
    ws.init()
    ws.apply()
    (tmp_path / "f.txt").unlink()
    result = ws.refresh()
    assert result.outputs == {"g": "y"}
    assert [str(r) for r in ws.state().instance_addresses()] == ["local_file.g"]
    assert not (tmp_path / "f.txt").exists() and (tmp_path / "g.txt").read_text() == "y"
    # the next plan creates it again
    assert sorted((str(c.address), c.action) for c in ws.plan().changes) == [("local_file.f", "create"), ("local_file.g", "no-op")]
