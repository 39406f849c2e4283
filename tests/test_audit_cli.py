"""The audit trail of a local state records every command that changes it: apply and
destroy (with their plan's hash), import, state mv, state rm, taint and untaint; a
hash-chained log that audit verify checks."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from conftest import SHEATH_CMD

CONFIG = 'resource "terraform_data" "a" {\n  input = "x"\n}\n\nresource "terraform_data" "b" {}\n'


def test_state_changing_commands_are_audited(tmp_path: Path, run_sheath: Any) -> None:
    (tmp_path / "main.tf").write_text(CONFIG)
    steps = [
        ["init"],
        ["apply", "-auto-approve"],
        ["state", "mv", "terraform_data.b", "terraform_data.c"],
        ["taint", "terraform_data.a"],
        ["untaint", "terraform_data.a"],
        ["state", "rm", "terraform_data.c"],
        ["destroy", "-auto-approve"],
    ]
    for args in steps:
        r = run_sheath(args, tmp_path)
        assert r.returncode == 0, (args, r.stderr)
    r = run_sheath(["audit", "log", "-json"], tmp_path)
    assert r.returncode == 0, r.stderr
    text = r.stdout.strip()
    records = json.loads(text) if text.startswith("[") else [json.loads(line) for line in text.splitlines()]
    assert [(rec["operation"], rec["result"]) for rec in records] == [
        ("apply", "success"),
        ("state mv", "success"),
        ("taint", "success"),
        ("untaint", "success"),
        ("state rm", "success"),
        ("destroy", "success"),
    ]
    assert len(records[0]["plan_hash"]) == 64 and records[0]["details"]["changes"] == {"add": 2, "change": 0, "destroy": 0}
    r = run_sheath(["audit", "verify"], tmp_path)
    assert r.returncode == 0 and "6 records" in r.stdout


def _log(run_sheath: Any, d: Path) -> list[dict[str, Any]]:
    r = run_sheath(["audit", "log", "-json"], d)
    assert r.returncode == 0, r.stderr
    out: list[dict[str, Any]] = json.loads(r.stdout)
    return out


def test_workspace_delete_is_audited_in_the_default_trail(tmp_path: Path, run_sheath: Any) -> None:
    (tmp_path / "main.tf").write_text(CONFIG)
    for args in (["init"], ["workspace", "new", "blue"], ["apply", "-auto-approve"], ["workspace", "select", "default"], ["workspace", "new", "green"], ["workspace", "select", "default"]):
        r = run_sheath(args, tmp_path)
        assert r.returncode == 0, (args, r.stderr)
    r = run_sheath(["workspace", "delete", "-no-color", "blue"], tmp_path)  # not empty: refused
    assert r.returncode == 1 and "Workspace is not empty" in r.stderr
    for args in (["workspace", "delete", "-force", "blue"], ["workspace", "delete", "green"]):
        r = run_sheath(args, tmp_path)
        assert r.returncode == 0, (args, r.stderr)
    # the deleted workspace's own trail went with it; the default state's trail keeps the deletes
    assert not (tmp_path / "terraform.tfstate.d" / "blue").exists()
    records = _log(run_sheath, tmp_path)
    assert [(rec["operation"], rec["result"], rec["details"]["workspace"], rec["details"]["force"], rec["details"]["resources"]) for rec in records] == [
        ("workspace delete", "failure", "blue", False, 2),
        ("workspace delete", "success", "blue", True, 2),
        ("workspace delete", "success", "green", False, 0),
    ]
    assert records[0]["details"]["errors"] == ["Workspace is not empty"]
    assert records[1]["details"]["serial"] >= 1 and records[1]["details"]["lineage"]
    for rec in records:
        assert rec["who"] and rec["host"] and rec["time"] and "git_commit" in rec
    r = run_sheath(["audit", "verify"], tmp_path)
    assert r.returncode == 0 and "3 records" in r.stdout


def test_force_unlock_of_a_local_state_is_audited_as_refused(tmp_path: Path, run_sheath: Any, oracle_env: dict[str, str]) -> None:
    (tmp_path / "main.tf").write_text(CONFIG)
    for args in (["init"], ["apply", "-auto-approve"]):
        assert run_sheath(args, tmp_path).returncode == 0
    r = run_sheath(["force-unlock", "-force", "-no-color", "0b5e4d1c-lock"], tmp_path)
    assert r.returncode == 1 and "Failed to unlock state: LocalState not locked" in r.stderr
    r = run_sheath(["force-unlock", "-no-color", "0b5e4d1c-lock"], tmp_path)
    assert r.returncode == 1 and "Local state cannot be unlocked by another process" in r.stderr
    records = _log(run_sheath, tmp_path)
    assert [(rec["operation"], rec["result"]) for rec in records] == [("apply", "success"), ("force-unlock", "failure"), ("force-unlock", "failure")]
    assert records[1]["details"] == {"workspace": "default", "lock_id": "0b5e4d1c-lock", "errors": ["Failed to unlock state: LocalState not locked"]}
    assert records[2]["details"]["errors"] == ["Local state cannot be unlocked by another process"]
    assert records[1]["who"] and records[1]["host"] and records[1]["prev"] == records[0]["hash"]
    assert run_sheath(["audit", "verify"], tmp_path).returncode == 0
    # a workspace that does not exist is not created by its record: that goes to the default trail
    env = {**oracle_env, "TF_WORKSPACE": "ghost"}
    r = subprocess.run([*SHEATH_CMD, "force-unlock", "-force", "-no-color", "x"], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 1
    assert not (tmp_path / "terraform.tfstate.d" / "ghost").exists()
    assert [rec["details"]["workspace"] for rec in _log(run_sheath, tmp_path)][-1] == "ghost"


def test_audit_log_reads_the_trail_of_the_current_workspace_of_the_configured_backend(tmp_path: Path, run_sheath: Any) -> None:
    backend = 'terraform {\n  backend "local" {\n    path = "st/prod.tfstate"\n  }\n}\n\n'
    (tmp_path / "main.tf").write_text(backend + CONFIG)
    for args in (["init"], ["apply", "-auto-approve"], ["workspace", "new", "blue"], ["apply", "-auto-approve"]):
        r = run_sheath(args, tmp_path)
        assert r.returncode == 0, (args, r.stderr)
    assert [(rec["operation"], rec["details"]["workspace"]) for rec in _log(run_sheath, tmp_path)] == [("apply", "blue")]
    for args in (["workspace", "select", "default"], ["workspace", "delete", "-force", "blue"]):
        assert run_sheath(args, tmp_path).returncode == 0
    assert [(rec["operation"], rec["details"]["workspace"]) for rec in _log(run_sheath, tmp_path)] == [("apply", "default"), ("workspace delete", "blue")]
    assert (tmp_path / "st" / ".sheath" / "audit.jsonl").is_file() and not (tmp_path / ".sheath" / "audit.jsonl").exists()
    r = run_sheath(["audit", "verify"], tmp_path)
    assert r.returncode == 0 and "2 records" in r.stdout
    # -state reads the trail beside a local state file; one with neither is an error
    r = run_sheath(["audit", "verify", "-state=st/prod.tfstate"], tmp_path)
    assert r.returncode == 0 and "2 records" in r.stdout, r.stdout + r.stderr
    r = run_sheath(["audit", "log", "-no-color", "-state=nowhere/x.tfstate"], tmp_path)
    assert r.returncode == 1 and "Error: No audit trail" in r.stderr, r.stderr


def test_push_and_replace_provider_are_audited_and_an_unwritable_trail_is_a_warning(tmp_path: Path, run_sheath: Any) -> None:
    (tmp_path / "main.tf").write_text(CONFIG)
    for args in (["init"], ["apply", "-auto-approve"]):
        assert run_sheath(args, tmp_path).returncode == 0
    pulled = run_sheath(["state", "pull"], tmp_path)
    (tmp_path / "pushed.tfstate").write_text(pulled.stdout)
    for args in (
        ["state", "push", "pushed.tfstate"],
        ["state", "replace-provider", "-auto-approve", "terraform.io/builtin/terraform", "registry.terraform.io/hashicorp/null"],
        ["state", "replace-provider", "-auto-approve", "registry.terraform.io/hashicorp/null", "terraform.io/builtin/terraform"],
    ):
        r = run_sheath(args, tmp_path)
        assert r.returncode == 0, (args, r.stdout, r.stderr)
    records = _log(run_sheath, tmp_path)
    assert [(x["operation"], x["result"]) for x in records] == [
        ("apply", "success"), ("state push", "success"), ("state replace-provider", "success"), ("state replace-provider", "success")
    ]
    # the state is written before its record: a trail that cannot be written is a warning, exit 0
    trail = tmp_path / ".sheath" / "audit.jsonl"
    trail.unlink()
    trail.mkdir()
    for args in (["state", "mv", "terraform_data.b", "terraform_data.c"], ["taint", "terraform_data.a"]):
        r = run_sheath(args + ["-no-color"], tmp_path)
        assert r.returncode == 0, (args, r.stdout, r.stderr)
        assert "Warning: Not recorded in the audit trail" in r.stdout and "Traceback" not in r.stderr, r.stdout + r.stderr
    state = json.loads((tmp_path / "terraform.tfstate").read_text())
    assert sorted(x["name"] for x in state["resources"]) == ["a", "c"]
    assert state["resources"][0]["instances"][0]["status"] == "tainted"
    r = run_sheath(["force-unlock", "-force", "1234"], tmp_path)
    assert r.returncode == 1 and "Traceback" not in r.stderr and "not recorded in the audit trail" in r.stderr, r.stderr


TARGETED = """
resource "terraform_data" "r" {
  for_each = toset(["a", "b"])
  input    = each.key
}

module "m" {
  source = "./m"
  v0     = terraform_data.r["a"].id
}
"""
MODULE = 'variable "v0" {}\n\nresource "terraform_data" "mr" {\n  input = var.v0\n}\n'


def test_targeted_apply_records_what_was_applied(tmp_path: Path, run_sheath: Any, run_terraform: Any) -> None:
    """-target=module.m plans both instances of r (the module refers to r["a"] only) but
    applies r["a"] and the module's resource: the applied version and the audit record
    count what was applied, as the summary does (terraform's summary says the same)."""
    summaries = []
    for tool, run in (("sheath", run_sheath), ("terraform", run_terraform)):
        d = tmp_path / tool
        (d / "m").mkdir(parents=True)
        (d / "main.tf").write_text(TARGETED)
        (d / "m" / "main.tf").write_text(MODULE)
        for args in (["init", "-no-color"], ["apply", "-auto-approve", "-no-color", "-target=module.m"]):
            r = run(args, d)
            assert r.returncode == 0, (tool, args, r.stdout, r.stderr)
        assert "Plan: 3 to add, 0 to change, 0 to destroy." in r.stdout
        summaries.append([line for line in r.stdout.splitlines() if line.startswith("Apply complete!")])
    assert summaries[0] == summaries[1] == ["Apply complete! Resources: 2 added, 0 changed, 0 destroyed."]
    d = tmp_path / "sheath"
    r = run_sheath(["history", "-json"], d)
    assert r.returncode == 0, r.stderr
    assert [v["changes"] for v in json.loads(r.stdout)] == [{"add": 2, "change": 0, "destroy": 0}]
    assert [rec["details"]["changes"] for rec in _log(run_sheath, d)] == [{"add": 2, "change": 0, "destroy": 0}]
    # the rest, applied without targets: r["b"] created, r["a"] updated
    (d / "main.tf").write_text(TARGETED.replace('each.key', '"${each.key}-2"'))
    r = run_sheath(["apply", "-auto-approve", "-no-color"], d)
    assert r.returncode == 0, r.stderr
    assert "Apply complete! Resources: 1 added, 1 changed, 0 destroyed." in r.stdout
    assert json.loads(run_sheath(["history", "-json"], d).stdout)[-1]["changes"] == {"add": 1, "change": 1, "destroy": 0}
