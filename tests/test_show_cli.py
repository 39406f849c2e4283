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
    ("no-state-json", ["show", "-json"], remove_state),
    ("missing-file", ["show", "nonexist"], None),
    ("missing-file-json", ["show", "-json", "nonexist"], None),
    ("not-a-state", ["show", "-no-color", "rs"], None),
    ("too-many-args", ["show", "a", "b"], None),
    ("help", ["show", "-help"], None),
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
