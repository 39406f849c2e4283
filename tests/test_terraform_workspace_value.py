"""terraform.workspace in plan, apply and outputs is the selected workspace (it was always
"default"), against terraform; and through the API, the Workspace's own."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from conftest import SHEATH_CMD

CONFIG = """
resource "terraform_data" "a" {
  input = "in-${terraform.workspace}"
}
output "ws" {
  value = terraform.workspace
}
output "input" {
  value = terraform_data.a.input
}
"""


def test_selected_workspace_is_evaluated_as_terraform_does(tmp_path: Path, run_terraform: Any, run_sheath: Any) -> None:
    got = {}
    for name, run in (("terraform", run_terraform), ("sheath", run_sheath)):
        d = tmp_path / name
        d.mkdir()
        (d / "main.tf").write_text(CONFIG)
        assert run(["init", "-no-color"], d).returncode == 0
        assert run(["workspace", "new", "-no-color", "dev"], d).returncode == 0
        plan = run(["plan", "-no-color", "-input=false"], d)
        apply = run(["apply", "-auto-approve", "-no-color", "-input=false"], d)
        out = run(["output", "-json"], d)
        again = run(["plan", "-no-color", "-input=false", "-detailed-exitcode"], d)
        state = json.loads((d / "terraform.tfstate.d" / "dev" / "terraform.tfstate").read_text())
        got[name] = (
            plan.returncode,
            plan.stdout,
            apply.returncode,
            apply.stdout.replace(state["resources"][0]["instances"][0]["attributes"]["id"], "<id>"),
            json.loads(out.stdout),
            again.returncode,
        )
    assert got["sheath"] == got["terraform"]
    assert got["sheath"][4]["ws"]["value"] == "dev"


def test_tf_workspace_overrides_the_selection(
    tmp_path: Path, run_terraform: Any, run_sheath: Any, terraform_bin: str, oracle_env: dict[str, str]
) -> None:
    got = {}
    env = {**oracle_env, "TF_WORKSPACE": "qa"}
    for name, run, cmd in (("terraform", run_terraform, [terraform_bin]), ("sheath", run_sheath, SHEATH_CMD)):
        d = tmp_path / name
        d.mkdir()
        (d / "main.tf").write_text('output "ws" {\n  value = terraform.workspace\n}\n')
        assert run(["init", "-no-color"], d).returncode == 0
        assert run(["workspace", "new", "-no-color", "qa"], d).returncode == 0
        assert run(["workspace", "select", "-no-color", "default"], d).returncode == 0
        plan = subprocess.run([*cmd, "plan", "-no-color"], cwd=d, env=env, capture_output=True, text=True, timeout=120)
        got[name] = (plan.returncode, plan.stdout)
    assert got["sheath"] == got["terraform"]
    assert 'ws = "qa"' in got["sheath"][1]


def test_the_api_workspace_is_terraform_workspace(tmp_path: Path) -> None:
    from sheath import Workspace

    (tmp_path / "main.tf").write_text(CONFIG)
    ws = Workspace(tmp_path)
    ws.init()
    from sheath.backend.current import set_current_workspace

    os.makedirs(tmp_path / "terraform.tfstate.d" / "staging", exist_ok=True)
    staging = Workspace(tmp_path, workspace="staging")
    result = staging.apply()
    assert result.outputs == {"ws": "staging", "input": "in-staging"}
    set_current_workspace(str(tmp_path), "default")
    assert Workspace(tmp_path).plan().changes[0].action == "create"
