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


LEVELS_ROOT = """
module "c" {
  source = "./child"
  old    = "x"
}

module "r" {
  source = "git::https://example.invalid/child.git"
  old    = "x"
}

resource "terraform_data" "r" {
  input = [module.c.old_out, module.r.old_out]
}

variable "legacy" {
  type       = string
  default    = "d"
  deprecated = "Stop setting legacy."
}
"""


def _write_levels(d: Path) -> None:
    """Module c is local; r comes from a remote source (installed by hand in the manifest)."""
    import json

    _write(d, LEVELS_ROOT)
    (d / ".terraform" / "modules" / "r").mkdir(parents=True)
    (d / ".terraform" / "modules" / "r" / "main.tf").write_text(CHILD)
    manifest = {
        "Modules": [
            {"Key": "", "Source": "", "Dir": "."},
            {"Key": "c", "Source": "./child", "Dir": "child"},
            {"Key": "r", "Source": "git::https://example.invalid/child.git", "Dir": ".terraform/modules/r"},
        ]
    }
    (d / ".terraform" / "modules" / "modules.json").write_text(json.dumps(manifest))


def _warnings(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("Warning: ") or line.startswith("  on main.tf line")]


def test_deprecation_levels(tmp_path: Path, run_sheath: RunFn) -> None:
    """OpenTofu 1.10's -deprecation=module:all|local|none filters the module-caller warnings
    of the human view: local drops those whose cause OpenTofu finds in a remote module."""
    _write_levels(tmp_path)
    var_c = ("Warning: Variable marked as deprecated by the module author", "  on main.tf line 4, in module \"c\":")
    var_r = ("Warning: Variable marked as deprecated by the module author", "  on main.tf line 9, in module \"r\":")
    r = run_sheath(["validate", "-no-color"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("Warning: Variable marked as deprecated by the module author") == 1  # consolidated
    assert "(and one more similar warning elsewhere)" in r.stdout
    for flag in ([], ["-deprecation=module:all"]):
        r = run_sheath(["plan", "-no-color", *flag], tmp_path)
        assert r.returncode == 0, r.stderr
        assert "(and one more similar warning elsewhere)" in r.stdout, flag
        assert r.stdout.count("Value derived from a deprecated source") == 1

    # local: the variable of the remote module call is dropped; outputs used from the root
    # module stay (OpenTofu asks the root module, which is never remote)
    r = run_sheath(["plan", "-no-color", "-deprecation=module:local"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "\n\n".join(var_c) in r.stdout
    assert var_r[1] not in r.stdout
    assert "Value derived from a deprecated source" in r.stdout
    assert "Plan: 1 to add" in r.stdout

    # none: every module-caller warning is dropped; the root variable warning stays
    r = run_sheath(["plan", "-no-color", "-deprecation=module:none", "-var", "legacy=z"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "marked as deprecated by the module author" not in r.stdout
    assert "Value derived from a deprecated source" not in r.stdout
    assert "Warning: Deprecated variable used from the root module" in r.stdout

    r = run_sheath(["validate", "-no-color", "-deprecation=module:none"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Warning:" not in r.stdout
    # the human view filters; the counts (and so this message) are the unfiltered ones
    assert "The configuration is valid, but there were some validation warnings" in r.stdout
    r = run_sheath(["validate", "-json", "-deprecation=module:none"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert '"warning_count": 4' in r.stdout  # the JSON view is not filtered

    r = run_sheath(["apply", "-auto-approve", "-no-color", "-deprecation=module:none"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Warning:" not in r.stdout
    r = run_sheath(["refresh", "-no-color", "-deprecation=module:none"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Warning:" not in r.stdout


def test_deprecation_flag_forms(tmp_path: Path, run_sheath: RunFn) -> None:
    """OpenTofu takes an unknown -deprecation value as "all" and ignores other forms; sheath
    refuses them, on every command that takes the flag, since a value that does nothing
    hides a typo."""
    _write_levels(tmp_path)
    for command in ("plan", "validate", "refresh"):
        for bad in ("-deprecation=none", "-deprecation=module:nope", "-deprecation"):
            r = run_sheath([command, "-no-color", bad], tmp_path)
            assert r.returncode == 1, (command, bad, r.stdout)
            assert "for -deprecation: expected module:all, module:local or module:none" in " ".join(r.stderr.split())
            assert "Traceback" not in r.stderr
    r = run_sheath(["plan", "-no-color", "-deprecation=module:none", "-deprecation=module:all"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "marked as deprecated by the module author" in r.stdout  # the last one wins


# OpenTofu (arguments.ParseView, v1.12) takes -deprecation=module:LEVEL off every command's
# line, but only a command whose walk evaluates module calls and outputs has deprecation
# warnings for it to filter; sheath accepts it on those that have them, and refuses it
# elsewhere rather than accept it for nothing
DEPRECATION_COMMANDS = ("plan", "apply", "destroy", "refresh", "validate")
NO_DEPRECATION_COMMANDS = (
    "console", "import", "output", "show", "graph", "init", "get", "test", "fmt", "taint", "untaint",
    "providers", "state list", "state show", "state pull", "workspace list", "force-unlock",
)  # fmt: skip


def test_deprecation_flag_in_help(tmp_path: Path, run_sheath: RunFn) -> None:
    for command in DEPRECATION_COMMANDS:
        r = run_sheath([command, "-help"], tmp_path)
        assert r.returncode == 0, (command, r.stderr)
        assert "-deprecation=module:LEVEL" in r.stdout, command
        assert "all (the" in r.stdout and "local" in r.stdout and "or none" in r.stdout, command


def test_deprecation_flag_on_destroy_and_json(tmp_path: Path, run_sheath: RunFn) -> None:
    """destroy filters the human view as apply does; every -json operation checks the value
    and, as OpenTofu's JSON view, keeps every deprecation warning."""
    import json

    _write_levels(tmp_path)
    r = run_sheath(["apply", "-auto-approve", "-no-color"], tmp_path)
    assert r.returncode == 0, r.stderr
    r = run_sheath(["destroy", "-auto-approve", "-no-color", "-deprecation=module:local"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert 'on main.tf line 4, in module "c":' in r.stdout and 'on main.tf line 9, in module "r":' not in r.stdout, r.stdout
    assert "Destroy complete! Resources: 1 destroyed." in r.stdout
    r = run_sheath(["destroy", "-auto-approve", "-no-color", "-deprecation=module:none"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Warning:" not in r.stdout, r.stdout

    def summaries(out: str) -> list[str]:
        lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        return [m["diagnostic"]["summary"] for m in lines if m.get("type") == "diagnostic"]

    for args in (["plan"], ["refresh"], ["apply", "-auto-approve"], ["destroy", "-auto-approve"]):
        full = run_sheath([*args, "-json"], tmp_path)
        assert full.returncode == 0, (args, full.stdout)
        assert "Variable marked as deprecated by the module author" in summaries(full.stdout), args
        r = run_sheath([*args, "-json", "-deprecation=module:none"], tmp_path)
        assert r.returncode == 0, (args, r.stdout)
        assert summaries(r.stdout) == summaries(full.stdout), args
        r = run_sheath([*args, "-json", "-deprecation=module:nope"], tmp_path)
        assert r.returncode == 1, (args, r.stdout)
        assert summaries(r.stdout) == ["Failed to parse command-line flags"], (args, r.stdout)
        assert "expected module:all, module:local or module:none" in r.stdout and "Traceback" not in r.stderr


def test_deprecation_flag_refused_elsewhere(tmp_path: Path, run_sheath: RunFn) -> None:
    _write_levels(tmp_path)
    for command in NO_DEPRECATION_COMMANDS:
        r = run_sheath([*command.split(), "-no-color", "-deprecation=module:none"], tmp_path)
        assert r.returncode == 1, (command, r.stdout, r.stderr)
        assert "-deprecation" in r.stdout + r.stderr, (command, r.stdout, r.stderr)
        assert "Traceback" not in r.stderr, command
