"""sheath state history / state pull -version / state rollback -version, on the local backend
(written through the Python API) and on pg (terraform's own applies are not recorded; sheath's are)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from postgres_helpers import PostgresServer, create_database, postgres  # noqa: F401 - the fixture
from sheath import Workspace

CFG = 'variable "v" {\n  default = "one"\n}\n\nresource "terraform_data" "a" {\n  input = var.v\n}\n'


def _apply_three(d: Path, init: bool = True) -> None:
    for v in ("one", "two", "three"):
        ws = Workspace(d, variables={"v": v}, plan_checks=[])
        if init:
            ws.init()
        ws.apply()


def _version_with(hist: list[dict[str, Any]], d: Path, run_sheath: Any, value: str) -> int:
    for h in hist:
        doc = json.loads(run_sheath(["state", "pull", f"-version={h['version']}"], d).stdout)
        if doc["resources"] and doc["resources"][0]["instances"][0]["attributes"]["input"]["value"] == value:
            return int(h["version"])
    raise AssertionError(f"no version holds {value}")


def test_local_state_history_commands(tmp_path: Path, run_sheath: Any) -> None:
    (tmp_path / "main.tf").write_text(CFG)
    _apply_three(tmp_path)
    r = run_sheath(["state", "history", "-json"], tmp_path)
    assert r.returncode == 0, r.stderr
    hist = json.loads(r.stdout)
    serials = [h["serial"] for h in hist]
    assert serials == sorted(serials) and len(set(serials)) == len(serials) and {h["operation"] for h in hist} == {"apply"}
    assert {"version", "serial", "lineage", "created", "who", "operation"} <= set(hist[0])
    one = _version_with(hist, tmp_path, run_sheath, "one")
    r = run_sheath(["state", "rollback", f"-version={one}"], tmp_path)
    assert r.returncode == 0, r.stderr
    doc = json.loads((tmp_path / "terraform.tfstate").read_text())
    assert doc["serial"] == serials[-1] + 1 and doc["lineage"] == hist[0]["lineage"]
    assert doc["resources"][0]["instances"][0]["attributes"]["input"]["value"] == "one"
    hist2 = json.loads(run_sheath(["state", "history", "-json"], tmp_path).stdout)
    assert len(hist2) == len(hist) + 1 and hist2[-1]["operation"] == f"state rollback -version={one}"  # never rewritten
    r = run_sheath(["state", "rollback", "-version=99"], tmp_path)
    assert r.returncode == 1 and "No such state version" in r.stderr


@pytest.mark.oracle
def test_pg_state_history_commands(tmp_path: Path, postgres: PostgresServer, run_terraform: Any, run_sheath: Any) -> None:  # noqa: F811
    conn = create_database(postgres, "sh_" + uuid.uuid4().hex[:8])
    (tmp_path / "main.tf").write_text(f'terraform {{\n  backend "pg" {{\n    conn_str = "{conn}"\n  }}\n}}\n\n' + CFG)
    assert run_terraform(["init", "-input=false"], tmp_path).returncode == 0
    _apply_three(tmp_path, init=False)
    hist = json.loads(run_sheath(["state", "history", "-json"], tmp_path).stdout)
    two = _version_with(hist, tmp_path, run_sheath, "two")
    assert run_sheath(["state", "rollback", f"-version={two}"], tmp_path).returncode == 0
    pulled = json.loads(run_terraform(["state", "pull"], tmp_path).stdout)
    assert pulled["serial"] == hist[-1]["serial"] + 1  # terraform reads the rolled-back state
    assert pulled["resources"][0]["instances"][0]["attributes"]["input"]["value"] == "two"
