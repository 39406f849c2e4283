"""Canonical whitespace for a flat HCL token sequence (hclwrite's formatter).

Formatting only ever changes the number of spaces before each token; the
token text itself is never touched. The algorithm works line by line:

1. split the tokens into lines, each line into up to three cells: ``lead``
   (everything before an attribute's ``=``), ``assign`` (the ``=`` and the
   value, when the value is complete on this line) and ``comment`` (a
   trailing single-line comment);
2. indent each line by two spaces per level of bracket nesting, counted per
   line (a line that opens several brackets adds only one level);
3. space the tokens inside each cell by the rules of ``_space_after``;
4. align the ``=`` of consecutive assignment lines, then the trailing
   comments of consecutive commented lines.

Heredoc bodies are literal tokens that contain their own newlines, so they
stay part of the line that opened them and are left exactly as written.
"""

from __future__ import annotations

import unicodedata
from typing import Sequence

from sheath.lang.hclsyntax.lexer import TokenType

T = TokenType


class WToken:
    """A writer token: a type, its exact text and the spaces written before it."""

    __slots__ = ("type", "text", "spaces")

    def __init__(self, type: TokenType, text: str, spaces: int = 0) -> None:
        self.type = type
        self.text = text
        self.spaces = spaces

    def __repr__(self) -> str:
        return f"WToken({self.type.name}, {self.text!r}, {self.spaces})"


_NIL = WToken(T.Nil, "")

_OPENERS = frozenset({T.OBrace, T.OBrack, T.OParen, T.TemplateControl, T.TemplateInterp})
_CLOSERS = frozenset({T.CBrace, T.CBrack, T.CParen, T.TemplateSeqEnd})

# Tokens after which a minus sign is a negation (no space after it).
_NEGATION_CONTEXT = frozenset(
    {
        T.Nil,
        T.OParen,
        T.OBrace,
        T.OBrack,
        T.Equal,
        T.Colon,
        T.Comma,
        T.Question,
        T.Plus,
        T.Star,
        T.Slash,
        T.Percent,
        T.Minus,
        T.EqualOp,
        T.NotEqual,
        T.GreaterThan,
        T.GreaterThanEq,
        T.LessThan,
        T.LessThanEq,
        T.And,
        T.Or,
        T.Bang,
    }
)

_NO_SPACE_SUBJECT = frozenset({T.QuotedLit, T.StringLit, T.OQuote, T.OHeredoc})
_NO_SPACE_AFTER = frozenset({T.QuotedLit, T.StringLit, T.CQuote, T.CHeredoc})


def bracket_change(tok: WToken) -> int:
    tt = tok.type
    if tt in _OPENERS:
        return 1
    if tt in _CLOSERS:
        return -1
    return 0


def is_newline(tok: WToken) -> bool:
    """Newline tokens, and single-line comments (which absorb their newline)."""
    tt = tok.type
    if tt is T.Newline:
        return True
    return tt is T.Comment and tok.text.endswith("\n")


def _space_after(subject: WToken, before: WToken, after: WToken) -> bool:
    """Whether subject (preceded by before) wants one space before after."""
    st = subject.type
    at = after.type
    if at is T.Newline or at is T.Nil:
        return False
    if st is T.Ident and at is T.OParen:
        return False
    if (st is T.Ident and at is T.DoubleColon) or (st is T.DoubleColon and at is T.Ident):
        return False
    if st is T.Dot or at is T.Dot:
        return False
    if at is T.Comma or at is T.Ellipsis:
        return False
    if st is T.Comma:
        return True
    if st in _NO_SPACE_SUBJECT or at in _NO_SPACE_AFTER:
        return False
    if st is T.Ident and subject.text == "in" and before.type is T.Ident:
        # "for x in [foo]": in is a keyword here, not a reference being indexed.
        return True
    if at is T.OBrack and (st is T.Ident or st is T.NumberLit or st in _CLOSERS):
        return False
    if st is T.Bang:
        return False
    if st is T.Minus:
        return before.type not in _NEGATION_CONTEXT
    if st is T.OBrace or at is T.CBrace:
        return not (st is T.OBrace and at is T.CBrace)
    if (st is T.TemplateInterp or st is T.TemplateControl) and at is T.OBrace:
        return True
    if st is T.CBrace and at is T.TemplateSeqEnd:
        return True
    if st is T.TemplateSeqEnd and (at is T.TemplateInterp or at is T.TemplateControl):
        return False
    if st in _OPENERS:
        return False
    if at in _CLOSERS:
        return False
    return True


def _columns_of_text(s: str) -> int:
    """Approximate count of grapheme clusters in s."""
    if s.isascii():
        return len(s) - s.count("\r\n")
    n = 0
    prev_zwj = False
    ri_pending = False
    prev = ""
    for ch in s:
        o = ord(ch)
        if prev_zwj:
            prev_zwj = False
            prev = ch
            continue
        if o == 0x200D:
            prev_zwj = True
            continue
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Mc"):
            continue
        if 0xFE00 <= o <= 0xFE0F or 0x1F3FB <= o <= 0x1F3FF or 0xE0020 <= o <= 0xE007F:
            continue
        if 0x1F1E6 <= o <= 0x1F1FF:
            if ri_pending:
                ri_pending = False
                continue
            ri_pending = True
        else:
            ri_pending = False
        if ch == "\n" and prev == "\r":
            prev = ch
            continue
        n += 1
        prev = ch
    return n


def columns(tokens: Sequence[WToken]) -> int:
    total = 0
    for t in tokens:
        total += t.spaces + _columns_of_text(t.text)
    return total


class _Line:
    __slots__ = ("lead", "assign", "comment")

    def __init__(self, lead: list[WToken]) -> None:
        self.lead = lead
        self.assign: list[WToken] | None = None
        self.comment: list[WToken] | None = None


def _lines(tokens: list[WToken]) -> list[_Line]:
    lines: list[_Line] = []
    start = 0
    n = len(tokens)
    ended = False
    for i in range(n):
        tok = tokens[i]
        if tok.type is T.EOF:
            lines.append(_Line(tokens[start:i]))
            ended = True
            break
        if is_newline(tok):
            lines.append(_Line(tokens[start : i + 1]))
            start = i + 1
    if not ended:
        lines.append(_Line(tokens[start:]))

    for line in lines:
        lead = line.lead
        if not lead:
            continue
        if len(lead) > 1 and lead[-1].type is T.Comment:
            line.comment = lead[-1:]
            lead = line.lead = lead[:-1]
        for i in range(1, len(lead)):
            if lead[i].type is T.Equal:
                net = 0
                for tok in lead[i:]:
                    net += bracket_change(tok)
                if net == 0:
                    line.assign = lead[i:]
                    line.lead = lead[:i]
                break
    return lines


def _format_indent(lines: list[_Line]) -> None:
    indents: list[int] = []
    for line in lines:
        lead = line.lead
        if not lead:
            continue
        if lead[0].type is T.Newline:
            lead[0].spaces = 0
            continue
        net = 0
        for tok in lead:
            net += bracket_change(tok)
            if tok.type is T.OHeredoc:
                break
        if line.assign is not None:
            for tok in line.assign:
                net += bracket_change(tok)
                if tok.type is T.OHeredoc:
                    break
        if net > 0:
            lead[0].spaces = 2 * len(indents)
            indents.append(net)
        elif net < 0:
            closed = -net
            while closed > 0 and indents:
                top = indents[-1]
                if closed > top:
                    closed -= top
                    indents.pop()
                elif closed < top:
                    indents[-1] = top - closed
                    closed = 0
                else:
                    indents.pop()
                    closed = 0
            lead[0].spaces = 2 * len(indents)
        else:
            lead[0].spaces = 2 * len(indents)


def _space_cell(cell: list[WToken], first_gets_one: bool) -> None:
    last = len(cell) - 1
    for i, tok in enumerate(cell):
        if i == 0 and first_gets_one:
            tok.spaces = 1
        before = cell[i - 1] if i > 0 else _NIL
        if i < last:
            after = cell[i + 1]
            after.spaces = 1 if _space_after(tok, before, after) else 0


def _format_spaces(lines: list[_Line]) -> None:
    for line in lines:
        _space_cell(line.lead, False)
        if line.assign is not None:
            _space_cell(line.assign, True)


def _format_cells(lines: list[_Line]) -> None:
    chain_start = -1
    max_cols = 0

    def close_assign(end: int) -> None:
        for cl in lines[chain_start:end]:
            assert cl.assign is not None
            cl.assign[0].spaces = max_cols - columns(cl.lead) + 1

    for i, line in enumerate(lines):
        if line.assign is None:
            if chain_start != -1:
                close_assign(i)
                chain_start, max_cols = -1, 0
        else:
            if chain_start == -1:
                chain_start = i
            c = columns(line.lead)
            if c > max_cols:
                max_cols = c
    if chain_start != -1:
        close_assign(len(lines))
        chain_start, max_cols = -1, 0

    def width(cl: _Line) -> int:
        return columns(cl.lead) + (columns(cl.assign) if cl.assign is not None else 0)

    def close_comment(end: int) -> None:
        for cl in lines[chain_start:end]:
            assert cl.comment is not None
            cl.comment[0].spaces = max_cols - width(cl) + 1

    for i, line in enumerate(lines):
        if line.comment is None:
            if chain_start != -1:
                close_comment(i)
                chain_start, max_cols = -1, 0
        else:
            if chain_start == -1:
                chain_start = i
            c = width(line)
            if c > max_cols:
                max_cols = c
    if chain_start != -1:
        close_comment(len(lines))


def format_tokens(tokens: list[WToken]) -> None:
    """Rewrite the spaces before each token, in place, to the canonical layout."""
    if not tokens:
        return
    lines = _lines(tokens)
    _format_indent(lines)
    _format_spaces(lines)
    _format_cells(lines)


def render(tokens: Sequence[WToken]) -> str:
    return "".join([" " * t.spaces + t.text if t.spaces else t.text for t in tokens])


__all__ = ["WToken", "format_tokens", "render", "bracket_change", "is_newline", "columns"]
