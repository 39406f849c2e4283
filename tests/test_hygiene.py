"""Code hygiene as habits: mypy --strict passes over the whole package; no new import
cycle between sheath's modules and no new private name imported across modules.

The private imports and cycles that still exist are listed below by name: the test fails
on any other, and on a listed one that has gone (so the list only shrinks)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "sheath"

# (importing module, imported module, name) still to be made public or moved
KNOWN_PRIVATE_IMPORTS: set[tuple[str, str, str]] = set()

# strongly connected groups of modules importing each other at module level
KNOWN_CYCLES: set[frozenset[str]] = set()

# the CLI modules the ui still imports (at any level), still to be moved below both: the
# configured backend's selection and state reading, the plan signing key, the Markdown view.
# sheath.cli.commands is never among them: what a command and the ui share lives below both.
KNOWN_UI_CLI_IMPORTS: set[str] = {"sheath.cli.backend", "sheath.cli.stateio", "sheath.cli.plansigning", "sheath.cli.views.markdown"}


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for dirpath, _dirs, files in os.walk(SRC):
        if "__pycache__" in dirpath or os.sep + "proto" in dirpath:
            continue
        for f in files:
            if f.endswith(".py"):
                p = Path(dirpath) / f
                name = "sheath." + str(p.relative_to(SRC))[:-3].replace(os.sep, ".")
                out[name.removesuffix(".__init__")] = p
    return out


def _scan() -> tuple[set[tuple[str, str, str]], dict[str, set[str]]]:
    mods = _modules()
    private: set[tuple[str, str, str]] = set()
    edges: dict[str, set[str]] = defaultdict(set)
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sheath") and node.level == 0:
                for a in node.names:
                    if a.name.startswith("_") and not a.name.startswith("__") and node.module != name:
                        private.add((name, node.module, a.name))
        for node in tree.body:  # module-level imports make cycles
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sheath") and node.level == 0:
                # `from pkg import submodule` loads the submodule (as any import of it loads
                # the package first): an edge to the package only when a name from it is used
                names_from_package = any(f"{node.module}.{a.name}" not in mods for a in node.names)
                if node.module in mods and node.module != name and names_from_package:
                    edges[name].add(node.module)
                for a in node.names:
                    sub = f"{node.module}.{a.name}"
                    if sub in mods and sub != name:
                        edges[name].add(sub)
    return private, edges


def _cycles(edges: dict[str, set[str]]) -> set[frozenset[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: set[frozenset[str]] = set()
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.add(frozenset(comp))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_new_private_imports_across_modules() -> None:
    private, _ = _scan()
    assert private - KNOWN_PRIVATE_IMPORTS == set(), "private names imported across modules"
    assert KNOWN_PRIVATE_IMPORTS - private == set(), "fixed: remove these from KNOWN_PRIVATE_IMPORTS"


def test_no_new_import_cycles() -> None:
    _, edges = _scan()
    cycles = _cycles(edges)
    assert cycles - KNOWN_CYCLES == set(), "new import cycles"
    assert KNOWN_CYCLES - cycles == set(), "fixed: remove these from KNOWN_CYCLES"


def test_ui_does_not_import_the_cli() -> None:
    """The ui is a front end beside the CLI: it imports no command module, and no CLI
    module beyond the known ones (which only shrink)."""
    imported: set[tuple[str, str]] = set()
    for name, path in _modules().items():
        if not name.startswith("sheath.ui"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            imported |= {(name, t) for t in targets if t == "sheath.cli" or t.startswith("sheath.cli.")}
    assert {(m, t) for m, t in imported if t.startswith("sheath.cli.commands")} == set(), "the ui imports CLI commands"
    used = {t for _, t in imported}
    assert used - KNOWN_UI_CLI_IMPORTS == set(), "the ui imports more of the CLI"
    assert KNOWN_UI_CLI_IMPORTS - used == set(), "fixed: remove these from KNOWN_UI_CLI_IMPORTS"


def test_mypy_strict_passes(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    r = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), "-p", "sheath"],
        cwd=SRC.parent.parent,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stdout[-4000:]
