"""OpenTofu's `deprecated` on variables and outputs (OpenTofu 1.10's documented behaviour;
terraform 1.11 has no oracle: it rejects the argument)."""

from __future__ import annotations

from pathlib import Path

from conftest import RunFn

CHILD = """
variable "old" {
  type       = string
  default    = null
  deprecated = "Use new instead."
}

variable "new" {
  type    = string
  default = null
}

output "old_out" {
  value      = var.old
  deprecated = "Use new_out."
}

output "new_out" {
  value = var.new
}
"""

ROOT = """
module "c" {
  source = "./child"
  old    = "x"
  new    = "y"
}

resource "terraform_data" "r" {
  input = module.c.old_out
}

output "o" {
  value = module.c.new_out
}

variable "legacy" {
  type       = string
  default    = "d"
  deprecated = "Stop setting legacy."
}
"""


def _write(d: Path, root: str, child: str = CHILD) -> None:
    (d / "child").mkdir(parents=True, exist_ok=True)
    (d / "main.tf").write_text(root)
    (d / "child" / "main.tf").write_text(child)


def test_validate_warns_module_callers(tmp_path: Path, run_sheath: RunFn) -> None:
    _write(tmp_path, ROOT)
    assert run_sheath(["init", "-no-color"], tmp_path).returncode == 0
    r = run_sheath(["validate", "-json"], tmp_path)
    assert r.returncode == 0, r.stderr
    import json

    out = json.loads(r.stdout)
    assert out["valid"] is True
    warns = {(d["summary"], d["range"]["start"]["line"]): d["detail"] for d in out["diagnostics"]}
    assert warns[("Variable marked as deprecated by the module author", 4)] == (
        'Variable "old" is marked as deprecated with the following message:\nUse new instead.'
    )
    assert warns[("Value derived from a deprecated source", 9)] == (
        "This value is derived from module.c.old_out, which is deprecated with the following message:\n\nUse new_out."
    )
    # a variable not given by the caller, an output nobody uses, the root's own variables: no warning
    assert len(warns) == 2


def test_plan_warns_root_variable_given_by_user(tmp_path: Path, run_sheath: RunFn) -> None:
    _write(tmp_path, ROOT)
    assert run_sheath(["init", "-no-color"], tmp_path).returncode == 0
    r = run_sheath(["plan", "-no-color", "-var", "legacy=z"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Warning: Deprecated variable used from the root module" in r.stdout
    assert 'The root variable "legacy" is deprecated with the following message: Stop' in r.stdout
    assert "Plan: 1 to add" in r.stdout
    r = run_sheath(["plan", "-no-color"], tmp_path)
    assert "used from the root module" not in r.stdout


def test_invalid_deprecated_values(tmp_path: Path, run_sheath: RunFn) -> None:
    (tmp_path / "main.tf").write_text(
        """
variable "a" {
  deprecated = " "
}

output "b" {
  value      = 1
  deprecated = ""
}

variable "c" {
  deprecated = ["x"]
}
"""
    )
    r = run_sheath(["validate", "-no-color"], tmp_path)
    assert r.returncode == 1
    err = r.stderr
    assert "Error: Invalid `deprecated` value" in err
    assert 'on main.tf line 2, in variable "a":' in err
    assert "Error: Invalid `deprecated` attribute" in err
    assert "line 8, in output" in err
    assert "migrate away from usage of this deprecated output value." in err
    assert "Incorrect attribute value type" in err or "Unsuitable value type" in err
    assert "Unsupported argument" not in err
