"""Python packaging: typed package marker, and main() callable from a Python program."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import sheath
from sheath.cli.main import main


def test_package_is_marked_typed() -> None:
    assert (Path(sheath.__file__).parent / "py.typed").is_file()


def test_main_restores_the_callers_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.tf").write_text('locals {\n  a = 1\n}\n')
    before = os.getcwd()
    assert main([f"-chdir={tmp_path}", "validate"]) == 0
    assert os.getcwd() == before
    assert "Success!" in capsys.readouterr().out


def test_main_restores_the_directory_after_a_failing_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.tf").write_text("locals {\n")
    before = os.getcwd()
    assert main([f"-chdir={tmp_path}", "validate"]) == 1
    assert os.getcwd() == before
