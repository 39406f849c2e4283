"""`console` evaluates module calls as terraform's eval walk does: module.NAME is the
child module's outputs over the state (it was always "(known after apply)"), with count,
for_each, nested modules and sensitive outputs; before any apply, what the state lacks
is unknown. Both tools run in the same directory on the same state, terraform's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

ROOT = """
variable "greeting" {
  default = "hi"
}

module "one" {
  source = "./child"
  x      = var.greeting
}

module "many" {
  source = "./child"
  count  = 2
  x      = "n${count.index}"
}

module "each" {
  source   = "./child"
  for_each = toset(["a", "b"])
  x        = each.key
}

resource "terraform_data" "root" {
  input = module.one.out
}
"""

CHILD = """
variable "x" {}

locals {
  upper = upper(var.x)
}

resource "terraform_data" "in" {
  input = local.upper
}

module "inner" {
  source = "../inner"
  y      = terraform_data.in.output
}

output "out" {
  value = terraform_data.in.output
}

output "nested" {
  value = module.inner.doubled
}

output "secret" {
  value     = "s-${var.x}"
  sensitive = true
}

output "static" {
  value = "static-${var.x}"
}
"""

INNER = """
variable "y" {}

output "doubled" {
  value = "${var.y}${var.y}"
}
"""

EXPRESSIONS = (
    "module.one.out",
    "module.one",
    "module.many[1].nested",
    'module.each["b"].static',
    "module.one.secret",
    "length(module.many)",
    "terraform_data.root.output",
)


def _console(run: Any, d: Path, expr: str) -> tuple[int, str]:
    p = run(["console"], d, stdin=expr + "\n")
    return p.returncode, p.stdout


def test_module_calls_in_the_console_match_terraform(tmp_path: Path, run_terraform: Any, run_sheath: Any) -> None:
    d = tmp_path / "w"
    (d / "child").mkdir(parents=True)
    (d / "inner").mkdir()
    (d / "main.tf").write_text(ROOT)
    (d / "child" / "main.tf").write_text(CHILD)
    (d / "inner" / "main.tf").write_text(INNER)
    assert run_terraform(["init", "-no-color"], d).returncode == 0
    for stage in ("before apply", "after apply"):
        if stage == "after apply":
            applied = run_terraform(["apply", "-auto-approve", "-no-color", "-input=false"], d)
            assert applied.returncode == 0, applied.stderr
        for expr in EXPRESSIONS:
            want = _console(run_terraform, d, expr)
            got = _console(run_sheath, d, expr)
            assert got == want, f"{stage}: {expr}"
    # the values are the state's, not unknown
    assert _console(run_sheath, d, "module.many[1].nested") == (0, '"N1N1"\n')
