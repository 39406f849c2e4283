"""Scanner tests: token types, ranges, and the lossless property the formatter relies on."""

from __future__ import annotations

import pytest

from sheath.lang.hclsyntax.lexer import Token, TokenType, lex, lex_template, whitespace_before

T = TokenType


def types(src: str) -> list[str]:
    toks, _ = lex(src.encode(), "x.tf")
    return [t.type.name for t in toks]


def rebuild(src: bytes, toks: list[Token]) -> bytes:
    out = []
    for i, t in enumerate(toks):
        out.append(whitespace_before(src, toks, i))
        out.append(t.bytes)
    return b"".join(out)


def test_basic_tokens() -> None:
    assert types('a = "x"\n') == ["Ident", "Equal", "OQuote", "QuotedLit", "CQuote", "Newline", "EOF"]
    assert types("a==b!=c<=d>=e&&f||g=>h...i::j") == [
        "Ident", "EqualOp", "Ident", "NotEqual", "Ident", "LessThanEq", "Ident", "GreaterThanEq", "Ident",
        "And", "Ident", "Or", "Ident", "FatArrow", "Ident", "Ellipsis", "Ident", "DoubleColon", "Ident", "EOF",
    ]  # fmt: skip
    assert types("[](){}.,*/%+-=<>!?:") == [
        "OBrack", "CBrack", "OParen", "CParen", "OBrace", "CBrace", "Dot", "Comma", "Star", "Slash", "Percent",
        "Plus", "Minus", "Equal", "LessThan", "GreaterThan", "Bang", "Question", "Colon", "EOF",
    ]  # fmt: skip


def test_comments_keep_their_newline() -> None:
    toks, _ = lex(b"# a\n// b\r\n/* c\n*/x", "x.tf")
    assert [(t.type.name, t.text) for t in toks] == [
        ("Comment", "# a\n"),
        ("Comment", "// b\r\n"),
        ("Comment", "/* c\n*/"),
        ("Ident", "x"),
        ("EOF", ""),
    ]
    assert (toks[3].range.start.line, toks[3].range.start.column) == (4, 3)


def test_numbers() -> None:
    toks, _ = lex(b"1 1.5 1e3 1.5E-3 a.0.1 1.", "x.tf")
    assert [(t.type.name, t.text) for t in toks if t.type in (T.NumberLit, T.Dot)] == [
        ("NumberLit", "1"),
        ("NumberLit", "1.5"),
        ("NumberLit", "1e3"),
        ("NumberLit", "1.5E-3"),
        ("Dot", "."),
        ("NumberLit", "0.1"),
        ("NumberLit", "1"),
        ("Dot", "."),
    ]


def test_templates_and_nesting() -> None:
    toks, _ = lex(b'"a${b({c = "}"})}d%{ if x ~}e"', "x.tf")
    assert [t.type.name for t in toks] == [
        "OQuote", "QuotedLit", "TemplateInterp", "Ident", "OParen", "OBrace", "Ident", "Equal", "OQuote",
        "QuotedLit", "CQuote", "CBrace", "CParen", "TemplateSeqEnd", "QuotedLit", "TemplateControl", "Ident",
        "Ident", "TemplateSeqEnd", "QuotedLit", "CQuote", "EOF",
    ]  # fmt: skip


def test_template_escapes_stay_literal() -> None:
    toks, _ = lex(b'"$${a} %%{b} $ % \\" x"', "x.tf")
    assert [(t.type.name, t.text) for t in toks][:3] == [
        ("OQuote", '"'),
        ("QuotedLit", '$${a} %%{b} $ % \\" x'),
        ("CQuote", '"'),
    ]


def test_heredoc_tokens() -> None:
    toks, _ = lex(b"a = <<-EOT\n  x ${y}\n  EOT\nb = 1\n", "x.tf")
    assert [(t.type.name, t.text) for t in toks] == [
        ("Ident", "a"),
        ("Equal", "="),
        ("OHeredoc", "<<-EOT\n"),
        ("StringLit", "  x "),
        ("TemplateInterp", "${"),
        ("Ident", "y"),
        ("TemplateSeqEnd", "}"),
        ("StringLit", "\n"),
        ("CHeredoc", "  EOT"),
        ("Newline", "\n"),
        ("Ident", "b"),
        ("Equal", "="),
        ("NumberLit", "1"),
        ("Newline", "\n"),
        ("EOF", ""),
    ]


def test_heredoc_marker_must_be_alone_on_its_line() -> None:
    toks, _ = lex(b"<<EOT\nEOTx\nEOT\n", "x.tf")
    assert [t.type.name for t in toks] == ["OHeredoc", "StringLit", "CHeredoc", "Newline", "EOF"]


def test_invalid_tokens_are_reported() -> None:
    toks, diags = lex(b"a = 'x' ; `y` & \xff", "x.tf")
    assert [t.type.name for t in toks if t.type not in (T.Ident, T.Equal, T.EOF)] == [
        "Apostrophe", "Apostrophe", "Semicolon", "Backtick", "Backtick", "BitwiseAnd", "BadUTF8",
    ]  # fmt: skip
    assert [d.summary for d in diags] == [
        "Invalid character",
        "Invalid character",
        "Invalid character",
        "Unsupported operator",
        "Invalid character encoding",
    ]


def test_ranges_count_characters_and_bytes() -> None:
    toks, _ = lex("é = \"ü\"\n  x".encode(), "x.tf")
    e_tok = toks[0]
    assert (e_tok.range.start.column, e_tok.range.end.column, e_tok.range.end.byte) == (1, 2, 2)
    x_tok = toks[-2]
    assert (x_tok.range.start.line, x_tok.range.start.column, x_tok.range.start.byte) == (2, 3, 12)


def test_start_position() -> None:
    from sheath.diag import Pos

    toks, _ = lex(b"a\nb", "x.tf", Pos(5, 10, 100))
    assert (toks[0].range.start.line, toks[0].range.start.column, toks[0].range.start.byte) == (5, 10, 100)
    assert (toks[2].range.start.line, toks[2].range.start.column, toks[2].range.start.byte) == (6, 1, 102)


def test_bare_template_mode() -> None:
    toks, _ = lex_template(b"Hi ${x}!\n100% $", "t")
    assert [(t.type.name, t.text) for t in toks] == [
        ("StringLit", "Hi "),
        ("TemplateInterp", "${"),
        ("Ident", "x"),
        ("TemplateSeqEnd", "}"),
        ("StringLit", "!\n"),
        ("StringLit", "100% $"),
        ("EOF", ""),
    ]


@pytest.mark.parametrize(
    "src",
    [
        b'resource "a" "b" {\n  x = [1, 2]  # c\n\ty = <<-E\n    ${z}\n  E\n}\n',
        b"\xef\xbb\xbfa = 1\r\n",
        b'a = "unterminated\n',
        b"/* unterminated comment",
        b"a = \xff\xfe bad",
        b"x = \"${\"\"}\"  \t // tab\n",
    ],
)
def test_lossless(src: bytes) -> None:
    toks, _ = lex(src, "x.tf")
    assert rebuild(src, toks) == src
    for i in range(len(toks)):
        assert set(whitespace_before(src, toks, i)) <= set(b" \t\xef\xbb\xbf")
