"""apply / destroy / plan output with and without colour, byte for byte against terraform.

The engine corpus compares -no-color output; this checks the colour codes of
the progress lines, summaries and outputs too (terraform_data only).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import RunFn

pytestmark = pytest.mark.oracle

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

CONFIG = """
variable "v" {
  default = "x"
}

resource "terraform_data" "a" {
  input = var.v
}

resource "terraform_data" "b" {
  count = 2
  input = "${terraform_data.a.output}-${count.index}"
}

output "o" {
  value = terraform_data.b[*].output
}

output "s" {
  value     = terraform_data.a.output
  sensitive = true
}
"""


def _norm(text: str) -> list[str]:
    # ids are random; the two independent count instances may be applied in either order
    return sorted(_UUID.sub("<id>", text).splitlines())


@pytest.mark.parametrize("color", [False, True], ids=["no-color", "color"])
def test_apply_update_destroy_output_matches_terraform(
    color: bool, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn
) -> None:
    dirs = {"terraform": tmp_path / "tf", "sheath": tmp_path / "sh"}
    runs = {"terraform": run_terraform, "sheath": run_sheath}
    for d in dirs.values():
        d.mkdir()
        (d / "main.tf").write_text(CONFIG)
    flags = [] if color else ["-no-color"]
    steps = [
        ["init", *flags],
        ["apply", "-auto-approve", "-input=false", *flags],
        ["plan", "-input=false", "-var", "v=y", *flags],
        ["apply", "-auto-approve", "-input=false", "-var", "v=y", *flags],
        ["apply", "-auto-approve", "-input=false", "-var", "v=y", *flags],
        ["destroy", "-auto-approve", "-input=false", "-var", "v=y", *flags],
    ]
    for args in steps:
        got = {tool: runs[tool](args, dirs[tool]) for tool in dirs}
        t, s = got["terraform"], got["sheath"]
        assert s.returncode == t.returncode, f"{args}: {s.stdout}{s.stderr}"
        if args[0] == "init":
            continue
        assert _norm(s.stdout) == _norm(t.stdout), f"{args}\n--- terraform\n{t.stdout}\n--- sheath\n{s.stdout}"
    assert shutil.which("terraform") is not None
