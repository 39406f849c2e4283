"""Diagnostic rendering: terraform's exact plain and colour output."""

from __future__ import annotations

from sheath.diag import Diagnostic, Pos, Range, Severity
from sheath.diag.render import render_diagnostic, word_wrap

SRC = b'variable "x" {\n  default = "abc"\n}\nlocals {\n  a = var.x + 1\n}\n'


def _operand_diag() -> Diagnostic:
    off = SRC.index(b"var.x + 1")
    line = SRC[:off].count(b"\n") + 1
    subj = Range("main.tf", Pos(line, 7, off), Pos(line, 12, off + 5))
    ctx = Range("main.tf", Pos(line, 7, off), Pos(line, 16, off + 9))
    return Diagnostic(
        Severity.ERROR,
        "Invalid operand",
        "Unsuitable value for left operand: a number is required.",
        subj,
        ctx,
        [("var.x", 'is "abc"')],
    )


def test_plain_with_snippet_and_values() -> None:
    out = render_diagnostic(_operand_diag(), {"main.tf": SRC}, color=False)
    assert out == (
        "\nError: Invalid operand\n\n"
        "  on main.tf line 5, in locals:\n"
        "   5:   a = var.x + 1\n"
        "    ├────────────────\n"
        '    │ var.x is "abc"\n\n'
        "Unsuitable value for left operand: a number is required.\n\n"
    )


def test_colour_frame() -> None:
    out = render_diagnostic(_operand_diag(), {"main.tf": SRC}, color=True)
    lines = out.split("\n")
    assert lines[0] == "\x1b[31m\x1b[31m╷\x1b[0m\x1b[0m"
    assert lines[1] == "\x1b[31m│\x1b[0m \x1b[0m\x1b[1m\x1b[31mError: \x1b[0m\x1b[0m\x1b[1mInvalid operand\x1b[0m"
    assert "   5:   a = \x1b[4mvar.x\x1b[0m + 1\x1b[0m" in out
    assert lines[-3] == "\x1b[31m╵\x1b[0m\x1b[0m"
    assert lines[-2] == "\x1b[0m\x1b[0m"


def test_source_not_available_and_wrapping() -> None:
    d = Diagnostic(
        Severity.ERROR,
        "Reference to undeclared input variable",
        'An input variable with the name "x" has not been declared. This variable can be declared with a variable "x" {} block.',
        Range("<console-input>", Pos(1, 1, 0), Pos(1, 6, 5)),
    )
    plain = render_diagnostic(d, {}, color=False)
    assert plain == (
        "\nError: Reference to undeclared input variable\n\n"
        "  on <console-input> line 1:\n  (source code not available)\n\n"
        'An input variable with the name "x" has not been declared. This variable can\n'
        'be declared with a variable "x" {} block.\n\n'
    )
    colour = render_diagnostic(d, {}, color=True)
    # colour mode wraps two columns earlier (room for the left rule)
    assert "This variable\x1b" not in colour and "This variable\n" in colour


def test_warning_without_detail() -> None:
    d = Diagnostic(Severity.WARNING, "Due to the problems above, some expressions may produce unexpected results.")
    assert render_diagnostic(d, {}, color=False) == (
        "\nWarning: Due to the problems above, some expressions may produce unexpected results.\n\n\n"
    )


def test_word_wrap_matches_go() -> None:
    assert word_wrap("aaa bbb ccc", 7) == "aaa bbb\nccc"
    assert word_wrap("aaaaaaaaaa bb", 5) == "aaaaaaaaaa\nbb"
    assert word_wrap("a  b", 10) == "a  b"
