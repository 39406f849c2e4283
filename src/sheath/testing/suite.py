"""A test suite: the test files of the root module (and its test directory), filtered,
in lexical order, each run by ``FileRunner``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sheath.config.loader import parse_file
from sheath.config.testfile import decode_test_file, test_file_paths
from sheath.diag import Diagnostics
from sheath.testing.model import TestFileSpec, decode_test_spec
from sheath.testing.runner import (
    FileResult,
    FileRunner,
    Status,
    TestOptions,
    TestView,
    installed_module_dir,
    module_not_installed,
)


@dataclass
class Suite:
    files: list[TestFileSpec] = field(default_factory=list)


def load_suite(test_directory: str, filters: Sequence[str]) -> tuple[Suite, Diagnostics]:
    """The test files to run: every one when filters is empty, else those it names."""
    diags = Diagnostics()
    suite = Suite()
    paths = sorted(test_file_paths(".", test_directory))
    wanted = set(filters)
    running = Diagnostics()  # what running needs: reported only when the files load cleanly
    for rel in paths:
        if wanted and rel not in wanted:
            continue
        hf, d = parse_file(rel)
        diags.extend(d)
        if hf is None:  # as terraform's, a file with syntax errors is decoded as far as it parsed
            continue
        _, static = decode_test_file(rel, hf.body)  # the static checks validate makes
        diags.extend(static)
        spec, d = decode_test_spec(rel, hf.body)
        # what running needs, less the problems the static checks already reported
        running.extend(x for x in d if x not in static)
        suite.files.append(spec)
    if not diags.has_errors():
        # terraform test stops at the configuration's errors (its loader's) before running
        diags.extend(running)
    return suite, diags


def unsupported_blocks(suite: Suite) -> Diagnostics:
    """Blocks sheath test does not run yet (refused rather than ignored), and run blocks
    calling a module init has not installed."""
    diags = Diagnostics()
    for f in suite.files:
        for rb in f.runs:
            if rb.module_source and installed_module_dir(f.path, rb.name) is None:
                diags.extend(module_not_installed(rb))
    for f in suite.files:
        for kind, rng in f.unsupported:
            diags.add_error(
                "Unsupported block type",
                f"sheath test does not support {kind} blocks in test files yet.",
                rng,
            )
    return diags


def check_variables(var_args: Sequence[tuple[str, str]]) -> Diagnostics:
    """The command line's -var and -var-file problems, found before any test runs
    (values for variables the root module does not declare are not among them)."""
    from sheath.config.loader import load_module
    from sheath.config.variables import collect_variable_values

    module, diags = load_module(".")
    if diags.has_errors() or module is None:
        return Diagnostics()
    _, vd = collect_variable_values(module, ".", var_args)
    return Diagnostics(d for d in vd if d.is_error and d.summary != "Value for undeclared variable")


def run_suite(suite: Suite, opts: TestOptions, view: TestView) -> list[FileResult]:
    return [FileRunner(spec, opts, view).run() for spec in suite.files]


def suite_status(results: list[FileResult]) -> Status:
    st = Status.PASS if not results else Status.PENDING
    for r in results:
        st = max(st, r.status)
    return st
