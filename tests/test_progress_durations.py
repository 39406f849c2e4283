"""The human UI's progress lines show durations as Go's time.Duration prints them
(terraform's UiHook formats ``time.Now().Round(time.Second).Sub(start)`` with %s):
"Still creating... [1m10s elapsed]", "Creation complete after 1m5s", never "70s"."""

from __future__ import annotations

import io
import re
import shutil
import time
from pathlib import Path

import pytest

from conftest import RunFn
from sheath.addrs.parse import parse_abs_resource_instance_str
from sheath.cli.commands._operation import ProgressHooks, Ui
from sheath.plans.model import Action


def test_progress_lines_past_a_minute() -> None:
    addr, diags = parse_abs_resource_instance_str("terraform_data.slow")
    assert addr is not None and not diags.has_errors()
    out = io.StringIO()
    hooks = ProgressHooks(Ui(color=False, out=out))
    try:
        hooks.pre_apply(addr, "", Action.CREATE, "")
        with hooks.lock:
            t0, action, id_ = hooks.started["terraform_data.slow"]
            # as if it had started 69.5 seconds ago: the next tick, about a second on, is at 70 s
            hooks.started["terraform_data.slow"] = (t0 - 69.5, action, id_)
        deadline = time.monotonic() + 15
        while "elapsed" not in out.getvalue() and time.monotonic() < deadline:
            time.sleep(0.05)
        hooks.post_apply(addr, "", Action.CREATE, "x1", False)
    finally:
        hooks.close()
    lines = out.getvalue().splitlines()
    assert lines[0] == "terraform_data.slow: Creating..."
    assert "terraform_data.slow: Still creating... [1m10s elapsed]" in lines
    assert re.fullmatch(r"terraform_data\.slow: Creation complete after 1m1\ds \[id=x1\]", lines[-1]), lines


SLOW_CONFIG = """
resource "terraform_data" "slow" {
  provisioner "local-exec" {
    command = "sleep 75"
  }
}
"""


def progress_shapes(stdout: str) -> set[str]:
    """The progress lines with every number replaced by N: their shape, not their timing."""
    keep = [line for line in stdout.splitlines() if "elapsed]" in line or "complete after" in line]
    return {re.sub(r"\d+", "N", re.sub(r"\[id=[^\]]*\]", "[id=X]", line)) for line in keep}


@pytest.mark.slow
@pytest.mark.oracle
def test_progress_lines_past_a_minute_as_terraform(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    if shutil.which("sleep") is None:
        pytest.skip("no sleep command")
    shapes = []
    for name, run in (("terraform", run_terraform), ("sheath", run_sheath)):
        d = tmp_path / name
        d.mkdir()
        (d / "main.tf").write_text(SLOW_CONFIG)
        init = run(["init", "-input=false", "-no-color"], d)
        assert init.returncode == 0, init.stderr
        r = run(["apply", "-auto-approve", "-input=false", "-no-color"], d, timeout=240)
        assert r.returncode == 0, r.stderr
        shapes.append(progress_shapes(r.stdout))
    assert shapes[0] == shapes[1]
    assert "terraform_data.slow: Still creating... [NmNs elapsed]" in shapes[1]
    assert "terraform_data.slow: Creation complete after NmNs [id=X]" in shapes[1]
