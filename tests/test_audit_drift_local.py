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

resource "local_file" "f" {
  filename = "${path.module}/out.txt"
  content  = "hello"
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
    assert sheath(tmp_path, "apply", "-auto-approve").returncode == 0
    clean = sheath(tmp_path, "drift", "-no-color")
    assert clean.returncode == 0 and "No drift: the 2 managed resource instances" in clean.stdout

    (tmp_path / "out.txt").write_text("changed")
    (tmp_path / "secret.txt").unlink()
    state = (tmp_path / "terraform.tfstate").read_bytes()
    p = sheath(tmp_path, "drift", "-json")
    assert p.returncode == 2, p.stderr
    doc = json.loads(p.stdout)
    assert [(r["address"], r["action"], r["source"]) for r in doc["resources"]] == [
        ("local_file.f", "delete", {"filename": "main.tf", "line": 7}),
        ("local_sensitive_file.s", "delete", {"filename": "main.tf", "line": 12}),
    ]
    assert "s3cret" not in p.stdout
    assert (tmp_path / "terraform.tfstate").read_bytes() == state
    assert sheath(tmp_path, "drift", "-lock=false", "-detailed-exitcode=false").returncode == 0

    # the Python API gives the same report
    from sheath import Workspace
    from sheath.audit.drift import drift_report, report_to_json
    from sheath.policy.evaluate import index_configuration

    plan = Workspace(tmp_path).plan(refresh_only=True)
    api = drift_report(plan.plan, plan.session.schema_lookup, index_configuration(str(tmp_path)).facts.sources)
    assert [(r.address, r.action, r.source.line if r.source else None) for r in api.resources] == [("local_file.f", "delete", 7), ("local_sensitive_file.s", "delete", 12)]
    assert report_to_json(api)["summary"] == doc["summary"]

    # apply -refresh-only accepts it: no drift left
    assert sheath(tmp_path, "apply", "-refresh-only", "-auto-approve").returncode == 0
    assert sheath(tmp_path, "drift").returncode == 0
