"""sheath ui's drift view over HTTP: a check made on request (POST /api/drift) with the
native hashicorp/local provider (no cloud): a file changed or removed outside of sheath is
drift, with its source line; the state is never written; sensitive values never appear."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import SHEATH_CMD
from test_ui_plan import request
from ui_fixture import serving

SECRET = "s3cret-7d1e"

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
  content  = "%s"
}

resource "terraform_data" "t" {
  input = "x"
}
""" % SECRET


def write_drift_workdir(root: Path) -> Path:
    """Applied with sheath, then both files removed outside of it."""
    (root / "main.tf").write_text(CONFIG)
    for args in (["init"], ["apply", "-auto-approve"]):
        p = subprocess.run([*SHEATH_CMD, *args], cwd=root, capture_output=True, text=True, timeout=300)
        assert p.returncode == 0, p.stdout + p.stderr
    (root / "out.txt").unlink()
    (root / "secret.txt").unlink()
    return root


@pytest.fixture(scope="module")
def drift_workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_drift_workdir(tmp_path_factory.mktemp("drift"))


def test_drift_on_request(drift_workdir: Path) -> None:
    state = (drift_workdir / "terraform.tfstate").read_bytes()
    with serving(drift_workdir) as url:
        assert request(url + "/api/drift")[0] == 404  # nothing refreshed until asked
        assert request(url + "/api/drift", method="POST")[0] == 403
        assert request(url + "/api/drift", method="POST", headers={"X-Sheath-UI": "plan"})[0] == 403
        status, doc, body = request(url + "/api/drift", method="POST", headers={"X-Sheath-UI": "drift"})
        assert status == 200, doc
        assert SECRET not in body
        assert doc["drifted"] is True and doc["error"] is False
        assert doc["summary"] == {"checked": 3, "drifted": 2}
        assert [(r["address"], r["action"], r["source"]) for r in doc["resources"]] == [
            ("local_file.f", "delete", {"filename": "main.tf", "line": 7}),
            ("local_sensitive_file.s", "delete", {"filename": "main.tf", "line": 12}),
        ]
        assert doc["drift"] == {"local_file.f": "delete", "local_sensitive_file.s": "delete"}
        assert doc["commands"] == {"accept": "sheath apply -refresh-only", "revert": "sheath apply"}
        assert request(url + "/api/drift")[1] == doc
    assert (drift_workdir / "terraform.tfstate").read_bytes() == state


def test_drift_errors_are_diagnostics(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(CONFIG)  # never initialised: the provider is missing
    with serving(tmp_path) as url:
        status, doc, _ = request(url + "/api/drift", method="POST", headers={"X-Sheath-UI": "drift"})
        assert status == 200 and doc["error"] is True and doc["resources"] == []
        assert any(d["severity"] == "error" for d in doc["diagnostics"])
