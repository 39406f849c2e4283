"""Mutated configurations yield diagnostics, never exceptions, from the loader and reference checks."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheath.config import load_module_tree
from sheath.config.references import check_references

CORPUS = Path(__file__).parent / "corpus" / "validate"
SOURCES = sorted(
    (p.read_text(), p.suffix == ".json" or p.name.endswith(".tf.json"))
    for p in CORPUS.rglob("*")
    if p.is_file() and (p.name.endswith(".tf") or p.name.endswith(".tf.json"))
)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bool]:
    text, is_json = draw(st.sampled_from(SOURCES))
    for _ in range(draw(st.integers(0, 4))):
        if not text:
            break
        i = draw(st.integers(0, len(text) - 1))
        j = draw(st.integers(i, min(len(text), i + 12)))
        op = draw(st.sampled_from(["delete", "duplicate", "insert"]))
        if op == "delete":
            text = text[:i] + text[j:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        else:
            text = text[:i] + draw(st.sampled_from(list('{}[]()"=.,:#\n$%~*0a_-<>'))) + text[i:]
    return text, is_json


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutations_never_raise(case: tuple[str, bool]) -> None:
    text, is_json = case
    with tempfile.TemporaryDirectory() as d:
        Path(d, "main.tf.json" if is_json else "main.tf").write_text(text)
        cwd = os.getcwd()
        os.chdir(d)
        try:
            cfg, diags = load_module_tree(".")
            if not diags.has_errors():
                check_references(cfg)
        finally:
            os.chdir(cwd)
