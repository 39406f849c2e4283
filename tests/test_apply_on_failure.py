"""apply -on-failure=continue|stop|rollback, and the applied versions and audit records
every CLI apply leaves beside a local state (the operation runner records them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

V1 = 'variable "v" {\n  default = "one"\n}\n\nresource "terraform_data" "a" {\n  input = var.v\n}\n'

# a is changed, b fails (its provisioner exits 3), c waits for a only
FAILING = """variable "v" {
  default = "two"
}

resource "terraform_data" "a" {
  input = var.v
}

resource "terraform_data" "b" {
  depends_on = [terraform_data.a]
  provisioner "local-exec" {
    command = "exit 3"
  }
}

resource "terraform_data" "c" {
  depends_on = [terraform_data.b]
}
"""


def _state(d: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((d / "terraform.tfstate").read_text())
    return doc


def _inputs(d: Path) -> dict[str, Any]:
    # terraform_data keeps its input as a dynamic value: {"value": ..., "type": ...}
    out = {}
    for r in _state(d)["resources"]:
        raw = r["instances"][0]["attributes"]["input"]
        out[r["name"]] = raw["value"] if isinstance(raw, dict) else raw
    return out


def _history(run_sheath: Any, d: Path) -> list[dict[str, Any]]:
    r = run_sheath(["history", "-json"], d)
    assert r.returncode == 0, r.stderr
    out: list[dict[str, Any]] = json.loads(r.stdout)
    return out


def test_rollback_restores_the_last_successful_version(tmp_path: Path, run_sheath: Any) -> None:
    (tmp_path / "main.tf").write_text(V1)
    assert run_sheath(["init"], tmp_path).returncode == 0
    r = run_sheath(["apply", "-auto-approve", "-no-color"], tmp_path)
    assert r.returncode == 0, r.stderr
    a_id = _state(tmp_path)["resources"][0]["instances"][0]["attributes"]["id"]
    (tmp_path / "main.tf").write_text(FAILING)
    r = run_sheath(["apply", "-auto-approve", "-no-color", "-on-failure=rollback"], tmp_path)
    assert r.returncode == 1
    assert "Error: local-exec provisioner error" in r.stderr
    assert "Warning: Rolling back" in r.stdout and "Warning: Rolled back" in r.stdout
    # a is back at "one" (the same object, updated in place), b (created by the failed apply) is gone
    assert _inputs(tmp_path) == {"a": "one"}
    assert _state(tmp_path)["resources"][0]["instances"][0]["attributes"]["id"] == a_id
    history = _history(run_sheath, tmp_path)
    assert [(v["version"], v["operation"], v["outcome"], v["origin"]) for v in history] == [
        (1, "apply", "success", ""),
        (2, "apply", "failure", ""),
        (3, "rollback", "success", "version 1"),
    ]
    assert history[1]["failed_resources"] == ["terraform_data.b"]
    log = run_sheath(["audit", "log", "-json"], tmp_path)
    assert log.returncode == 0, log.stderr
    records = [json.loads(line) for line in log.stdout.splitlines() if line.strip()] if not log.stdout.lstrip().startswith("[") else json.loads(log.stdout)
    assert [(rec["operation"], rec["result"]) for rec in records] == [("apply", "success"), ("apply", "failure"), ("rollback", "success")]
    assert run_sheath(["audit", "verify"], tmp_path).returncode == 0
    # the configuration on disk is still the failing one: a plan shows what the rollback undid
    r = run_sheath(["plan", "-no-color", "-detailed-exitcode"], tmp_path)
    assert r.returncode == 2 and '"one" -> "two"' in r.stdout


def test_rollback_without_an_earlier_success_changes_nothing_more(tmp_path: Path, run_sheath: Any) -> None:
    (tmp_path / "main.tf").write_text(FAILING)
    assert run_sheath(["init"], tmp_path).returncode == 0
    r = run_sheath(["apply", "-auto-approve", "-no-color", "-on-failure=rollback"], tmp_path)
    assert r.returncode == 1
    assert "Rollback not possible" in r.stderr and "No earlier apply of this state succeeded" in r.stderr
    assert sorted(_inputs(tmp_path)) == ["a", "b"]  # what the failed apply left, b tainted
    assert _state(tmp_path)["resources"][1]["instances"][0]["status"] == "tainted"


def test_stop_starts_nothing_after_a_failure(tmp_path: Path, run_sheath: Any) -> None:
    config = FAILING.replace("depends_on = [terraform_data.a]\n", "").replace(
        'resource "terraform_data" "c" {\n  depends_on = [terraform_data.b]\n}', 'resource "terraform_data" "c" {\n  depends_on = [terraform_data.a]\n}'
    )
    (tmp_path / "main.tf").write_text(config)
    assert run_sheath(["init"], tmp_path).returncode == 0
    # one worker visits the ready nodes by name: a, b (fails), then c (waits for a only);
    # with -on-failure=continue c is created, with stop it never starts
    r = run_sheath(["apply", "-auto-approve", "-no-color", "-parallelism=1", "-on-failure=stop"], tmp_path)
    assert r.returncode == 1
    assert "Warning: Apply stopped after a failure" in r.stdout
    assert "terraform_data.c" in " ".join(r.stdout.split())
    assert "c" not in _inputs(tmp_path)
    (tmp_path / "terraform.tfstate").unlink()
    r = run_sheath(["apply", "-auto-approve", "-no-color", "-parallelism=1", "-on-failure=continue"], tmp_path)
    assert r.returncode == 1 and "Apply stopped" not in r.stdout
    assert "c" in _inputs(tmp_path)


def test_invalid_value_is_an_error(tmp_path: Path, run_sheath: Any) -> None:
    (tmp_path / "main.tf").write_text(V1)
    for args in (["apply", "-auto-approve", "-on-failure=later"], ["apply", "-json", "-auto-approve", "-on-failure=later"]):
        r = run_sheath(args, tmp_path)
        assert r.returncode == 1
        assert "Invalid -on-failure value" in r.stdout + r.stderr
    assert not (tmp_path / "terraform.tfstate").exists()
    r = run_sheath(["plan", "-on-failure=stop"], tmp_path)  # plan applies nothing: no such flag
    assert r.returncode == 1 and "flag provided but not defined: -on-failure" in r.stderr
