"""terraform get: install the modules of the configuration and of its test files, as init does."""

from __future__ import annotations

import os

from sheath.config import load_module_tree
from sheath.config.testfile import DEFAULT_TEST_DIRECTORY, TEST_FILE_SUFFIX, load_test_files
from sheath.diag import Diagnostic, Diagnostics, Severity
from sheath.engine.init import TestModule, install_modules, installs_remote, source_not_available
from sheath.engine.validate import config_sources


def test_module_key(test_file: str, run: str) -> str:
    """The manifest key of the module a run block calls: "test.tests.a.<run>" for tests/a.tftest.hcl."""
    stem = test_file[: -len(TEST_FILE_SUFFIX)].replace(os.sep, ".")
    return f"test.{stem}.{run}"


def test_modules(root_dir: str, test_dir: str) -> tuple[tuple[TestModule, ...], Diagnostics]:
    """The modules the run blocks of the root module's test files call, and the test files'
    problems (terraform's installer loads them with the root module)."""
    files, diags = load_test_files(root_dir, test_dir)
    out: list[TestModule] = []
    for tf in files:
        for rm in tf.modules:
            key = test_module_key(tf.filename, rm.run)
            if not rm.local:
                diags.append(source_not_available(key, rm.source, rm.range))
                continue
            cfg, d = load_module_tree(os.path.join(root_dir, rm.source), tree_checks=False)
            diags.extend(d)
            out.append(TestModule(key, rm.source, cfg))
    return tuple(out), diags


def get_modules(
    root_dir: str = ".", update: bool = False, test_dir: str = DEFAULT_TEST_DIRECTORY
) -> tuple[list[str], Diagnostics, dict[str, bytes]]:
    """The "- key in dir" lines of the modules installed, the diagnostics, and the sources
    of the files they point into."""
    cfg, diags = load_module_tree(root_dir, tree_checks=False)
    # remote modules not installed yet are what get is about to install
    diags = Diagnostics(x for x in diags if x.summary != "Module not installed")
    sources = config_sources(cfg, root_dir)
    if diags.has_errors():
        # terraform's installer still installs what the module calls it could read
        lines, d = install_modules(cfg, root_dir)
        if d.has_errors():  # the installer's errors say why a module directory cannot be read
            diags = Diagnostics(x for x in diags if x.summary not in ("Module not installed", "Unreadable module directory"))
        return lines, Diagnostics([*diags, *d]), sources
    if test_dir != DEFAULT_TEST_DIRECTORY and not os.path.isdir(os.path.join(root_dir, test_dir)):
        diags.append(
            Diagnostic(
                Severity.WARNING,
                "Test directory does not exist",
                f"Requested test directory {test_dir} does not exist.",
            )
        )
    tms, d = test_modules(root_dir, test_dir)
    diags.extend(d)
    if d.has_errors():
        return [], diags, sources
    lines, d = install_modules(cfg, root_dir, update, tms)
    diags.extend(d)
    if not d.has_errors() and installs_remote(cfg):
        cfg, d = load_module_tree(root_dir, tree_checks=False)
        diags.extend(d)
        sources.update(config_sources(cfg, root_dir))
    return lines, diags, sources

