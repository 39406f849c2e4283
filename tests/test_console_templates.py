"""Templates in `console` see the console's whole function table, as terraform's console
scope hands it to templatefile and templatestring: the console-only ``type`` included
(its result is no string, so rendering it is terraform's "invalid template result")."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import RunFn

pytestmark = pytest.mark.oracle

CONFIG = """variable "with_type" {
  default = "$${type(1)}"
}
variable "plain" {
  default = "$${upper(x)}-$${typee(x)}"
}
variable "fine" {
  default = "$${upper(x)}"
}
"""


@pytest.mark.parametrize(
    "expr",
    ['templatestring(var.with_type, {})', 'templatestring(var.plain, { x = "a" })', 'templatestring(var.fine, { x = "a" })'],
)
def test_console_templates_match_terraform(expr: str, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    (tmp_path / "main.tf").write_text(CONFIG)
    got = {}
    for name, run in (("terraform", run_terraform), ("sheath", run_sheath)):
        r = run(["console", "-no-color"], tmp_path, stdin=expr + "\n")
        got[name] = (r.returncode, r.stdout, r.stderr)
    assert got["sheath"] == got["terraform"]
