"""`sheath validate` against `terraform validate`: same output, byte for byte, and exit code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

CASES: dict[str, str] = {
    "valid": 'locals {\n  a = 1\n}\n\noutput "a" {\n  value = local.a\n}\n',
    "undeclared": 'resource "terraform_data" "a" {\n  input = var.nope\n}\n\noutput "x" {\n  value = local.missing\n}\n',
    "unclosed": "locals {\n  a = 1\n",
    "schema": (
        'resource "terraform_data" "b" {\n  inputt = 1\n  count  = "x"\n  dynamic "foo" {\n'
        "    for_each = [1]\n    content {}\n  }\n}\n"
    ),
    "operands": 'locals {\n  x = 1 + "b"\n  y = "<tag> & more"\n}\n\nresource "terraform_data" "c" {\n  for_each = 5\n}\n',
    "readonly": 'resource "terraform_data" "b" {\n  output = 2\n  id     = "x"\n}\n',
    "count_each": (
        'variable "n" {\n  type = number\n}\n\nresource "terraform_data" "a" {\n  count = var.n\n'
        '  input = count.index\n}\n\nresource "terraform_data" "b" {\n  for_each = toset(["x"])\n'
        "  input    = each.key\n}\n"
    ),
    "values": 'variable "v" {\n  type = string\n}\n\nlocals {\n  a = "x"\n  b = local.a + 1\n  c = var.v + 1\n}\n',
    "schema_refs": (
        'resource "terraform_data" "a" {\n  count = 2\n}\n\nresource "terraform_data" "b" {\n'
        '  for_each = toset(["k"])\n}\n\nresource "terraform_data" "c" {}\n\n'
        'output "o1" {\n  value = terraform_data.a[0].outptu\n}\n\noutput "o2" {\n'
        '  value = terraform_data.b["k"].outptu\n}\n\noutput "o3" {\n  value = terraform_data.c.outptu\n}\n\n'
        'output "o4" {\n  value = terraform_data.a.output\n}\n\noutput "o5" {\n  value = terraform_data.c[0]\n}\n\n'
        'output "o6" {\n  value = [terraform_data.a[0].output, terraform_data.c.id, terraform_data.b["k"].input]\n}\n'
    ),
    "module_args": (
        'module "m" {\n  source = "./m"\n  nme    = 1\n}\n'
    ),
    # a local module is read from the modules terraform init installed: none here
    "module_not_installed": 'module "m" {\n  source = "./m"\n}\n',
    "warnings_consolidated": (
        'resource "terraform_data" "a" {}\n\nresource "terraform_data" "b" {\n  depends_on = ["terraform_data.a"]\n'
        '  lifecycle {\n    ignore_changes = ["input"]\n  }\n}\n'
    ),
    # terraform's decodeVersionConstraint: null is no constraint, a non-string a named error
    "version_null": 'terraform {\n  required_version = null\n}\n\noutput "a" {\n  value = 1\n}\n',
    "version_types": (
        "terraform {\n  required_version = []\n  required_providers {\n    a = true\n    b = null\n"
        "    c = var.x\n    d = [1]\n    e = 5\n  }\n}\n\nmodule \"m\" {\n  source  = \"./m\"\n"
        "  version = null\n}\n"
    ),
}

MODULE_M = 'variable "name" {\n  type = string\n}\n'


def _write(tmp: Path, name: str) -> Path:
    d = tmp / name
    d.mkdir()
    (d / "main.tf").write_text(CASES[name])
    if name in ("module_args", "module_not_installed"):
        (d / "m").mkdir()
        (d / "m" / "main.tf").write_text(MODULE_M)
    return d


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("flags", [["-no-color"], [], ["-json"]], ids=["plain", "color", "json"])
def test_validate_matches_terraform(name: str, flags: list[str], tmp_path: Path, run_terraform: Any, run_sheath: Any) -> None:
    tf_dir = _write(tmp_path / "tf", name) if (tmp_path / "tf").mkdir() is None else None
    sh_dir = _write(tmp_path / "sh", name) if (tmp_path / "sh").mkdir() is None else None
    assert tf_dir is not None and sh_dir is not None
    if name == "module_args":
        init = run_terraform(["init", "-backend=false", "-no-color"], cwd=tf_dir)
        assert init.returncode == 0, init.stderr
        run_sheath_init = (sh_dir / ".terraform" / "modules")
        run_sheath_init.mkdir(parents=True)
        (run_sheath_init / "modules.json").write_text((tf_dir / ".terraform" / "modules" / "modules.json").read_text())
    tf = run_terraform(["validate", *flags], cwd=tf_dir)
    sh = run_sheath(["validate", *flags], cwd=sh_dir)
    assert sh.returncode == tf.returncode, sh.stderr
    if flags == ["-json"]:
        tf_doc, sh_doc = json.loads(tf.stdout), json.loads(sh.stdout)
        assert sh_doc["valid"] == tf_doc["valid"]
        assert sh_doc["error_count"] == tf_doc["error_count"]
        key = lambda d: (d.get("range", {}).get("start", {}).get("byte", -1), d["summary"])  # noqa: E731
        assert sorted(sh_doc["diagnostics"], key=key) == sorted(tf_doc["diagnostics"], key=key)
        assert sh.stdout.replace("\n", "") != "" and ("\\u003c" in sh.stdout) == ("\\u003c" in tf.stdout)
    else:
        assert sh.stdout == tf.stdout
        assert sh.stderr == tf.stderr


def test_native_provider_schemas_are_checked(tmp_path: Path, run_sheath: Any) -> None:
    """hashicorp/random and hashicorp/local are built in: validate knows their schemas without init."""
    (tmp_path / "main.tf").write_text(
        'resource "random_pet" "p" {\n  length = 2\n}\n\n'
        'resource "local_file" "f" {\n  content  = random_pet.p.idd\n  filename = "x.txt"\n}\n\n'
        'resource "random_string" "s" {\n  length = 4\n  result = "x"\n}\n'
    )
    res = run_sheath(["validate", "-json"], cwd=tmp_path)
    doc = json.loads(res.stdout)
    assert res.returncode == 1 and not doc["valid"]
    got = sorted((d["summary"], d["detail"]) for d in doc["diagnostics"])
    assert got[0][0] == "Invalid Configuration for Read-Only Attribute"
    assert got[1] == (
        "Unsupported attribute",
        'This object has no argument, nested block, or exported attribute named "idd". Did you mean "id"?',
    )
    (tmp_path / "main.tf").write_text('resource "random_pet" "p" {}\n\noutput "o" {\n  value = random_pet.p.id\n}\n')
    ok = run_sheath(["validate", "-no-color"], cwd=tmp_path)
    assert ok.returncode == 0 and "Success! The configuration is valid." in ok.stdout


def test_native_providers_own_checks_run_in_validate(tmp_path: Path, run_sheath: Any) -> None:
    """validate asks native providers' ValidateResourceConfig as it asks a plugin's (terraform
    validate calls it on every provider): the same errors plan reports, at the argument."""
    (tmp_path / "main.tf").write_text(
        'resource "local_file" "f" {\n  filename = "x"\n  content  = "a"\n  source   = "b"\n}\n\n'
        'resource "random_password" "p" {\n  length = 0\n}\n\n'
        'resource "random_string" "s" {\n  length = 4\n  result = "x"\n}\n'
    )
    res = run_sheath(["validate", "-json"], cwd=tmp_path)
    doc = json.loads(res.stdout)
    assert res.returncode == 1 and not doc["valid"]
    got = sorted((d["summary"], d["range"]["start"]["line"]) for d in doc["diagnostics"])
    # the read-only argument once (validate's own check), not again from the provider
    assert got == [
        ("Invalid Attribute Combination", 4),
        ("Invalid Attribute Value", 8),
        ("Invalid Configuration for Read-Only Attribute", 13),
    ]


@pytest.mark.oracle
@pytest.mark.parametrize("flags", [[], ["-test-directory=other"], ["-no-tests", "-test-directory=other"]])
def test_test_directory_flags(flags: list[str], tmp_path: Path, run_terraform: Any, run_sheath: Any) -> None:
    """Test files are read from the root module and the test directory, unless -no-tests."""
    for d in ("tf", "sh"):
        (tmp_path / d / "other").mkdir(parents=True)
        (tmp_path / d / "main.tf").write_text('resource "terraform_data" "a" {}\n')
        (tmp_path / d / "other" / "bad.tftest.hcl").write_text('run "x" {}\nrun "x" {}\n')
        (tmp_path / d / "ok.tftest.hcl").write_text('run "1st" {}\n')
    tf = run_terraform(["validate", "-no-color", *flags], cwd=tmp_path / "tf")
    sh = run_sheath(["validate", "-no-color", *flags], cwd=tmp_path / "sh")
    assert (sh.returncode, sh.stdout, sh.stderr) == (tf.returncode, tf.stdout, tf.stderr)
