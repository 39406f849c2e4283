"""Helpers for the config tests: write a module directory and load it."""

from __future__ import annotations

from pathlib import Path

from sheath.config import Module, load_module
from sheath.diag import Diagnostics


def write(tmp: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        p = tmp / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return tmp


def load(tmp: Path, files: dict[str, str] | str) -> tuple[Module, Diagnostics]:
    if isinstance(files, str):
        files = {"main.tf": files}
    write(tmp, files)
    return load_module(str(tmp))


def summaries(diags: Diagnostics) -> list[str]:
    return [d.summary for d in diags]
