"""A destroy plan's output changes start from the state its refresh plan left. That plan
writes an output there only when the output evaluates wholly known (terraform's
NodeApplyableOutput sets RefreshState only if val.IsWhollyKnown()); an output that is
unknown in it (it reads a resource still to be created) keeps its prior value, and the
destroy plan deletes that value. Differential against terraform, terraform_data only."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import RunFn

V1 = """
resource "terraform_data" "a" {
  input = "x"
}
output "o" { value = "a" }
output "p" { value = terraform_data.a.output }
output "gone" { value = null }
"""

# o now reads a resource not yet created: unknown in the refresh plan
V2 = """
resource "terraform_data" "a" {
  input = "x"
}
resource "terraform_data" "b" {
  input = "y"
}
output "o" { value = terraform_data.b.id }
output "p" { value = terraform_data.a.output }
output "q" { value = terraform_data.b.output }
output "gone" { value = null }
"""


def test_destroy_plan_keeps_outputs_unknown_in_its_refresh(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    got = []
    for name, run in (("terraform", run_terraform), ("sheath", run_sheath)):
        d = tmp_path / name
        d.mkdir()
        (d / "main.tf").write_text(V1)
        r = run(["apply", "-auto-approve", "-input=false", "-no-color"], d)
        assert r.returncode == 0, r.stderr
        (d / "main.tf").write_text(V2)
        r = run(["plan", "-destroy", "-input=false", "-no-color", "-out=p"], d)
        assert r.returncode == 0, r.stderr
        human = r.stdout[r.stdout.index("Changes to Outputs:") :].split("\n\n")[0]
        s = run(["show", "-json", "p"], d)
        assert s.returncode == 0, s.stderr
        got.append((json.loads(s.stdout)["output_changes"], human))
    assert got[0] == got[1]
    assert got[1][0]["o"]["actions"] == ["delete"] and got[1][0]["o"]["before"] == "a"
    assert "q" not in got[1][0]
