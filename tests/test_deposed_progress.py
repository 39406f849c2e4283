"""Progress lines about a deposed object, human output, compared with terraform.

terraform's UI hook names a deposed object "ADDR (deposed object KEY)" when it is
refreshed and when its destroy starts, and by its address alone when the destroy
ends (the engine reports the end with no deposed key). The engine passes sheath's
hooks the typed address and the deposed key; the view writes the text.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import RunFn
from test_json_ui import depose_a

CONFIG = """
resource "terraform_data" "a" {
  input = "x"
}
"""

PROGRESS = re.compile(r"^terraform_data\.a.*: (Refreshing state|Destroying|Destruction complete)")
ELAPSED = re.compile(r"after \d+s")
CURRENT_ID = re.compile(r"\[id=(?!00000000-0000-4000-8000-00000000000d)[0-9a-f-]+\]")  # created anew in each run


def progress_lines(stdout: str) -> list[str]:
    """The progress lines about terraform_data.a, sorted (a deposed object is refreshed
    by its own graph node, concurrently with the current one)."""
    return sorted(CURRENT_ID.sub("[id=<id>]", ELAPSED.sub("after Ns", line)) for line in stdout.splitlines() if PROGRESS.match(line))


def test_deposed_object_progress_lines(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    outputs: dict[str, list[list[str]]] = {}
    for name, run in (("terraform", run_terraform), ("sheath", run_sheath)):
        d = tmp_path / name
        d.mkdir()
        (d / "main.tf").write_text(CONFIG)
        for args in (["init"], ["apply", "-auto-approve"]):
            assert run(args, d).returncode == 0
        depose_a(d)
        steps = []
        for args in (["plan", "-no-color"], ["apply", "-auto-approve", "-no-color"]):
            r = run(args, d)
            assert r.returncode == 0, r.stderr
            steps.append(progress_lines(r.stdout))
        outputs[name] = steps
        shutil.rmtree(d / ".terraform", ignore_errors=True)
    assert outputs["sheath"] == outputs["terraform"]
    plan_lines, apply_lines = outputs["sheath"]
    assert "terraform_data.a (deposed object 0badf00d): Refreshing state... [id=00000000-0000-4000-8000-00000000000d]" in plan_lines
    assert any(line.startswith("terraform_data.a (deposed object 0badf00d): Destroying...") for line in apply_lines)
