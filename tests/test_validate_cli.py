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
    "module_args": (
        'module "m" {\n  source = "./m"\n  nme    = 1\n}\n'
    ),
}

MODULE_M = 'variable "name" {\n  type = string\n}\n'


def _write(tmp: Path, name: str) -> Path:
    d = tmp / name
    d.mkdir()
    (d / "main.tf").write_text(CASES[name])
    if name == "module_args":
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
