"""sheath drift with the native hashicorp/local provider (no cloud, fast): no drift exits
0, a file changed or removed outside of sheath is drift (exit 2), the state is never
written, and the same report comes from the Python API."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import SHEATH_CMD

CONFIG = """terraform {
  required_providers {
    local = { source = "hashicorp/local" }
  }
}

variable "text" {
  type = string
}

resource "local_file" "f" {
  filename = "${path.module}/out.txt"
  content  = var.text
}

resource "local_sensitive_file" "s" {
  filename = "${path.module}/secret.txt"
  content  = "s3cret"
}
"""


def sheath(d: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SHEATH_CMD, *args], cwd=d, capture_output=True, text=True, timeout=300)


def test_drift_of_local_files(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(CONFIG)
    assert sheath(tmp_path, "init").returncode == 0
    assert sheath(tmp_path, "apply", "-auto-approve", "-var=text=hello").returncode == 0
    missing_var = sheath(tmp_path, "drift", "-no-color", "-json")
    assert missing_var.returncode == 1 and json.loads(missing_var.stdout)["error"] is True
    assert sheath(tmp_path, "drift", "-var=text=hello").returncode == 0
    (tmp_path / "terraform.tfvars").write_text('text = "hello"\n')
    clean = sheath(tmp_path, "drift", "-no-color")
    assert clean.returncode == 0 and "No drift: the 2 managed resource instances" in clean.stdout

    (tmp_path / "out.txt").write_text("changed")
    (tmp_path / "secret.txt").unlink()
    state = (tmp_path / "terraform.tfstate").read_bytes()
    p = sheath(tmp_path, "drift", "-json")
    assert p.returncode == 2, p.stderr
    doc = json.loads(p.stdout)
    assert [(r["address"], r["action"], r["source"]) for r in doc["resources"]] == [
        ("local_file.f", "delete", {"filename": "main.tf", "line": 11}),
        ("local_sensitive_file.s", "delete", {"filename": "main.tf", "line": 16}),
    ]
    assert "s3cret" not in p.stdout
    assert doc["diagnostics"] == []
    assert (tmp_path / "terraform.tfstate").read_bytes() == state
    assert sheath(tmp_path, "drift", "-lock=false", "-detailed-exitcode=false").returncode == 0

    # the Python API gives the same report
    from sheath import Workspace
    from sheath.audit.drift import drift_report, report_to_json
    from sheath.policy.evaluate import index_configuration

    plan = Workspace(tmp_path).plan(refresh_only=True)
    api = drift_report(plan.plan, plan.session.schema_lookup, index_configuration(str(tmp_path)).facts.sources)
    assert [(r.address, r.action, r.source.line if r.source else None) for r in api.resources] == [("local_file.f", "delete", 11), ("local_sensitive_file.s", "delete", 16)]
    assert report_to_json(api)["summary"] == doc["summary"]

    # apply -refresh-only accepts it: no drift left
    assert sheath(tmp_path, "apply", "-refresh-only", "-auto-approve").returncode == 0
    assert sheath(tmp_path, "drift").returncode == 0
