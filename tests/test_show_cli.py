"""show (the current state, a state file; human and -json) against terraform 1.11.4 on identical copies."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from state_cli_helpers import (
    RunFn,
    assert_same,
    build_applied,
    compare,
    corrupt_state,
    depose_a,
    empty_resources,
    empty_state,
    only_data_resources,
    only_module_resources,
    only_resources,
    remove_state,
    taint_a,
)


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory, run_terraform: RunFn) -> Path:
    return build_applied(tmp_path_factory.mktemp("applied"), run_terraform)


Setup = Callable[[Path], None] | None

CASES: list[tuple[str, list[str], Setup]] = [
    ("human", ["show"], None),
    ("human-no-color", ["show", "-no-color"], None),
    ("json", ["show", "-json"], None),
    ("state-file", ["show", "terraform.tfstate"], None),
    ("state-file-no-color", ["show", "-no-color", "terraform.tfstate"], None),
    ("state-file-json", ["show", "-json", "rs/terraform.tfstate"], None),
    ("state-file-human-outputs-only", ["show", "rs/terraform.tfstate"], None),
    ("tainted", ["show", "-no-color"], taint_a),
    ("tainted-json", ["show", "-json"], taint_a),
    ("deposed", ["show", "-no-color"], depose_a),
    ("deposed-json", ["show", "-json"], depose_a),
    ("outputs-only", ["show"], empty_resources),
    ("outputs-only-json", ["show", "-json"], empty_resources),
    ("resources-only", ["show", "-no-color"], only_resources),
    ("no-state", ["show"], remove_state),
    ("empty-state", ["show"], empty_state),
    ("empty-state-json", ["show", "-json"], empty_state),
    ("modules-only", ["show", "-no-color"], only_module_resources),
    ("modules-only-json", ["show", "-json"], only_module_resources),
    ("data-only", ["show"], only_data_resources),
    ("chdir", ["-chdir=rs", "show", "-no-color", "../terraform.tfstate"], None),
    ("no-state-json", ["show", "-json"], remove_state),
    ("missing-file", ["show", "nonexist"], None),
    ("missing-file-json", ["show", "-json", "nonexist"], None),
    ("not-a-state", ["show", "-no-color", "rs"], None),
    ("too-many-args", ["show", "a", "b"], None),
    ("help", ["show", "-help"], None),
    ("empty-path", ["show", "-json", ""], None),
]


@pytest.mark.parametrize("args,setup", [pytest.param(a, s, id=i) for i, a, s in CASES])
def test_show_matches_terraform(
    applied: Path, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn, args: list[str], setup: Setup
) -> None:
    want, got = compare(applied, tmp_path, args, run_terraform, run_sheath, setup)
    assert_same(want, got)


def test_show_corrupt_state_is_an_error(applied: Path, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    want, got = compare(applied, tmp_path, ["show", "-no-color"], run_terraform, run_sheath, corrupt_state)
    assert want.code == got.code == 1
    assert "Traceback" not in got.stderr and "Error" in got.stderr
    assert got.files == want.files


PLAN_V1 = """
resource "terraform_data" "a" {
  input = "hello"
}
resource "terraform_data" "c" {
  count = 3
  input = { n = count.index, tags = ["x", "y"] }
}
resource "terraform_data" "gone" {
  input = "bye"
}
variable "secret" {
  default   = "s3cr3t"
  sensitive = true
}
output "o" { value = terraform_data.a.output }
"""

PLAN_V2 = """
resource "terraform_data" "a" {
  input = "changed"
}
resource "terraform_data" "c" {
  count = 2
  input            = { n = count.index, tags = ["x", "z"] }
  triggers_replace = [count.index]
}
resource "terraform_data" "new" {
  input = { multi = "line1\\nline2", n = 1.5 }
}
variable "secret" {
  default   = "s3cr3t"
  sensitive = true
}
resource "terraform_data" "s" {
  input = var.secret
}
output "o" { value = terraform_data.a.output }
output "s" {
  value     = var.secret
  sensitive = true
}
"""

# filled in by the engine, not by show: terraform's prior_state also carries the planned output
# values, and relevant_attributes lists the attributes the plan's references read
_ENGINE_FIELDS = ("timestamp", "prior_state", "relevant_attributes")


@pytest.mark.parametrize("first", [None, PLAN_V1], ids=["fresh", "changes"])
def test_show_saved_plan_matches_terraform(
    first: str | None, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn
) -> None:
    import json
    import shutil

    base = tmp_path / "base"
    base.mkdir()
    if first is not None:
        (base / "main.tf").write_text(first)
        assert run_terraform(["init"], base).returncode == 0
        r = run_terraform(["apply", "-auto-approve"], base)
        assert r.returncode == 0, r.stderr
    (base / "main.tf").write_text(PLAN_V2)
    assert run_terraform(["init"], base).returncode == 0
    tf_dir, sh_dir = tmp_path / "tf", tmp_path / "sh"
    shutil.copytree(base, tf_dir)
    shutil.copytree(base, sh_dir)
    r = run_terraform(["plan", "-out=saved.plan"], tf_dir)
    assert r.returncode == 0, r.stderr
    r = run_sheath(["plan", "-out=saved.plan"], sh_dir)
    if r.returncode != 0:
        pytest.skip(f"sheath plan could not make this plan: {r.stderr[:300]}")
    for args in (["show", "saved.plan"], ["show", "-no-color", "saved.plan"]):
        want = run_terraform(args, tf_dir)
        got = run_sheath(args, sh_dir)
        assert (got.stdout, got.stderr, got.returncode) == (want.stdout, want.stderr, want.returncode)
    want = run_terraform(["show", "-json", "saved.plan"], tf_dir)
    got = run_sheath(["show", "-json", "saved.plan"], sh_dir)
    assert got.returncode == want.returncode == 0
    wdoc, gdoc = json.loads(want.stdout), json.loads(got.stdout)
    for k in _ENGINE_FIELDS:
        wdoc.pop(k, None)
        gdoc.pop(k, None)
    assert json.dumps(gdoc) == json.dumps(wdoc)


@pytest.fixture(scope="module")
def values_applied(tmp_path_factory: pytest.TempPathFactory, run_terraform: RunFn) -> Path:
    from state_cli_helpers import build_values

    return build_values(tmp_path_factory.mktemp("values"), run_terraform)


VALUE_CASES = [
    ["show"],
    ["show", "-no-color"],
    ["show", "-json"],
    ["output"],
    ["output", "-json"],
    ["output", "-json", "misc"],
    ["output", "misc"],
    ["output", "-raw", "ml"],
    *[["state", "show", f"terraform_data.{n}"] for n in ("j", "ml", "misc", "arr", "notjson", "empty")],
]


@pytest.mark.parametrize("args", VALUE_CASES, ids=["-".join(a) for a in VALUE_CASES])
def test_value_rendering_matches_terraform(
    values_applied: Path, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn, args: list[str]
) -> None:
    want, got = compare(values_applied, tmp_path, args, run_terraform, run_sheath)
    assert_same(want, got)
