"""output (all, one, -json, -raw) against terraform 1.11.4 on identical copies of an applied directory."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from state_cli_helpers import RunFn, assert_same, build_applied, compare, remove_state


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory, run_terraform: RunFn) -> Path:
    return build_applied(tmp_path_factory.mktemp("applied"), run_terraform)


Setup = Callable[[Path], None] | None

CASES: list[tuple[str, list[str], Setup]] = [
    ("all", ["output"], None),
    ("all-no-color", ["output", "-no-color"], None),
    ("all-json", ["output", "-json"], None),
    ("string", ["output", "a"], None),
    ("sensitive", ["output", "sec"], None),
    ("object", ["output", "obj"], None),
    ("map", ["output", "map"], None),
    ("list", ["output", "lst"], None),
    ("escapes", ["output", "esc"], None),
    ("heredoc", ["output", "multi"], None),
    ("big-number", ["output", "big"], None),
    ("json-object", ["output", "-json", "obj"], None),
    ("json-sensitive", ["output", "-json", "sec"], None),
    ("json-escapes", ["output", "-json", "esc"], None),
    ("json-map", ["output", "-json", "map"], None),
    ("json-number", ["output", "-json", "num"], None),
    ("raw-string", ["output", "-raw", "multi"], None),
    ("raw-number", ["output", "-raw", "num"], None),
    ("raw-big", ["output", "-raw", "big"], None),
    ("raw-empty", ["output", "-raw", "empty"], None),
    ("raw-escapes", ["output", "-raw", "esc"], None),
    ("raw-sensitive", ["output", "-raw", "sec"], None),
    ("raw-object", ["output", "-raw", "obj"], None),
    ("raw-list-no-color", ["output", "-no-color", "-raw", "lst"], None),
    ("missing", ["output", "nope"], None),
    ("null-not-stored", ["output", "nul"], None),
    ("two-names", ["output", "a", "b"], None),
    ("raw-no-name", ["output", "-raw"], None),
    ("json-and-raw", ["output", "-json", "-raw", "a"], None),
    ("bad-flag", ["output", "-bogus"], None),
    ("state-flag", ["output", "-state=rs/terraform.tfstate"], None),
    ("state-flag-missing", ["output", "-state=nope"], None),
    ("no-state", ["output"], remove_state),
    ("no-state-json", ["output", "-json"], remove_state),
    ("no-state-name", ["output", "a"], remove_state),
    ("help", ["output", "-help"], None),
    ("empty-name", ["output", ""], None),
    ("empty-name-raw", ["output", "-raw", ""], None),
]


@pytest.mark.parametrize("args,setup", [pytest.param(a, s, id=i) for i, a, s in CASES])
def test_output_matches_terraform(
    applied: Path, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn, args: list[str], setup: Setup
) -> None:
    want, got = compare(applied, tmp_path, args, run_terraform, run_sheath, setup)
    assert_same(want, got)
