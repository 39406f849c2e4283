"""The syntax rewrites ``terraform fmt`` applies on top of whitespace formatting.

Walking the bodies of a (syntactically valid) token stream:

* block labels are normalized to quoted strings (``resource aws_instance x``
  becomes ``resource "aws_instance" "x"``), escapes re-encoded canonically;
  anything between the block type and the last label (comments) is dropped,
  and a label terraform cannot read back as a single literal is dropped;
* an attribute value that is only an interpolation, ``"${expr}"``, is
  unwrapped to ``expr`` (parenthesized when it spans lines);
* in a top-level ``variable`` block, ``type`` written in the legacy quoted
  form (``"string"``, ``"list"``, ``"map"``) or as a bare collection keyword
  (``list``, ``map``, ``set``) is rewritten to the modern type expression.
"""

from __future__ import annotations

import re

from sheath.lang.hclsyntax.lexer import TokenType
from sheath.lang.hclwrite.format import WToken, bracket_change, is_newline

T = TokenType

# hclsyntax splits quoted literal text at each "$" / "%" (alone, or as the
# "$${" / "%%{" escapes); a label survives only if it is one literal piece.
_LIT_PIECE_RE = re.compile(r"\$\$\{~?|%%\{~?|\$|%|(?:\\.|[^$%\\])+", re.S)
_ESCAPE_RE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(.))|\$\$\{|%%\{", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


class RewriteError(Exception):
    """The token stream does not have the shape of a valid configuration body."""


def _decode_literal(text: str) -> str | None:
    if len(_LIT_PIECE_RE.findall(text)) != 1:
        return None
    bad = False

    def repl(m: re.Match[str]) -> str:
        nonlocal bad
        s = m.group(0)
        if s == "$${":
            return "${"
        if s == "%%{":
            return "%{"
        if m.group(1) is not None:
            return chr(int(m.group(1), 16))
        if m.group(2) is not None:
            cp = int(m.group(2), 16)
            if cp > 0x10FFFF:
                bad = True
                return ""
            return chr(cp)
        ch = m.group(3)
        if ch in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[ch]
        bad = True
        return ""

    out = _ESCAPE_RE.sub(repl, text)
    return None if bad else out


def escape_quoted(s: str) -> str:
    """Encode s as the inside of a quoted HCL string, the way hclwrite does."""
    out: list[str] = []
    n = len(s)
    for i, ch in enumerate(s):
        if ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "$" or ch == "%":
            out.append(ch)
            if i + 1 < n and s[i + 1] == "{":
                out.append(ch)
        elif ch == " " or ch.isprintable():
            out.append(ch)
        else:
            o = ord(ch)
            out.append(f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}")
    return "".join(out)


def _label_tokens(labels: list[str]) -> list[WToken]:
    out: list[WToken] = []
    for label in labels:
        out.append(WToken(T.OQuote, '"'))
        if label:
            out.append(WToken(T.QuotedLit, escape_quoted(label)))
        out.append(WToken(T.CQuote, '"'))
    return out


def _trim_newlines(tokens: list[WToken]) -> list[WToken]:
    start, end = 0, len(tokens)
    while start < end and tokens[start].type is T.Newline:
        start += 1
    while end > start and tokens[end - 1].type is T.Newline:
        end -= 1
    return tokens[start:end]


def format_value_expr(tokens: list[WToken]) -> list[WToken]:
    """Unwrap an interpolation-only template "${expr}" to expr."""
    if len(tokens) < 5:
        return tokens
    if (
        tokens[0].type is not T.OQuote
        or tokens[1].type is not T.TemplateInterp
        or tokens[-2].type is not T.TemplateSeqEnd
        or tokens[-1].type is not T.CQuote
    ):
        return tokens
    inside = tokens[2:-2]
    quotes = 0
    for tok in inside:
        tt = tok.type
        if tt is T.OQuote:
            quotes += 1
            continue
        if tt is T.CQuote:
            quotes -= 1
            continue
        if quotes > 0:
            continue
        if tt is T.TemplateInterp or tt is T.TemplateSeqEnd or tt is T.QuotedLit:
            return tokens
    trimmed = _trim_newlines(inside)
    multiline = False
    lead_paren = trail_paren = False
    last = len(trimmed) - 1
    for i, tok in enumerate(trimmed):
        if i == 0 and tok.type is T.OParen:
            lead_paren = True
        elif tok.type is T.Newline:
            multiline = True
        elif i == last and tok.type is T.CParen:
            trail_paren = True
    if multiline and not (lead_paren and trail_paren):
        return [WToken(T.OParen, "("), *trimmed, WToken(T.CParen, ")")]
    return trimmed


def format_type_expr(tokens: list[WToken]) -> list[WToken]:
    """Modernize a variable's type constraint written in legacy forms."""
    if len(tokens) == 1:
        kw = tokens[0]
        if kw.type is T.Ident and kw.text in ("list", "map", "set"):
            return [kw, WToken(T.OParen, "("), WToken(T.Ident, "any"), WToken(T.CParen, ")")]
        return tokens
    if len(tokens) == 3:
        o, s, c = tokens
        if o.type is not T.OQuote or s.type is not T.QuotedLit or c.type is not T.CQuote:
            return tokens
        if s.text == "string":
            return [WToken(T.Ident, "string")]
        if s.text in ("list", "map"):
            return [WToken(T.Ident, s.text), WToken(T.OParen, "("), WToken(T.Ident, "string"), WToken(T.CParen, ")")]
    return tokens


class _Walker:
    __slots__ = ("toks", "out")

    def __init__(self, toks: list[WToken]) -> None:
        self.toks = toks
        self.out: list[WToken] = []

    def _skip_inline_comments(self, i: int) -> int:
        toks = self.toks
        while toks[i].type is T.Comment and not toks[i].text.endswith("\n"):
            i += 1
        return i

    def _expr_end(self, i: int) -> int:
        toks = self.toks
        depth = 0
        while True:
            tok = toks[i]
            tt = tok.type
            if tt is T.EOF:
                return i
            if depth == 0 and (tt is T.CBrace or is_newline(tok)):
                return i
            depth += bracket_change(tok)
            if depth < 0:
                raise RewriteError("unbalanced brackets")
            i += 1

    def body(self, i: int, in_blocks: tuple[str, ...]) -> int:
        toks, out = self.toks, self.out
        while True:
            tok = toks[i]
            tt = tok.type
            if tt is T.CBrace or tt is T.EOF:
                return i
            if tt is T.Newline or tt is T.Comment:
                out.append(tok)
                i += 1
                continue
            if tt is not T.Ident:
                raise RewriteError(f"unexpected {tt.name} in body")
            j = self._skip_inline_comments(i + 1)
            if toks[j].type is T.Equal:
                i = self._attribute(i, j, in_blocks)
            else:
                i = self._block(i, in_blocks)

    def _attribute(self, i: int, eq: int, in_blocks: tuple[str, ...]) -> int:
        toks, out = self.toks, self.out
        out.extend(toks[i : eq + 1])
        start = eq + 1
        end = self._expr_end(start)
        s = start
        while s < end and toks[s].type is T.Comment:
            s += 1
        e = end
        while e > s and toks[e - 1].type is T.Comment:
            e -= 1
        out.extend(toks[start:s])
        expr = toks[s:e]
        if in_blocks == ("variable",) and toks[i].text == "type":
            expr = format_type_expr(expr)
        else:
            expr = format_value_expr(expr)
        out.extend(expr)
        out.extend(toks[e:end])
        return end

    def _block(self, i: int, in_blocks: tuple[str, ...]) -> int:
        toks, out = self.toks, self.out
        type_tok = toks[i]
        out.append(type_tok)
        labels: list[str] = []
        labels_end = -1
        k = i + 1
        while True:
            k = self._skip_inline_comments(k)
            tt = toks[k].type
            if tt is T.OBrace:
                break
            if tt is T.Ident:
                labels.append(toks[k].text)
                k += 1
                labels_end = k
            elif tt is T.OQuote:
                q = k + 1
                while toks[q].type is not T.CQuote:
                    if toks[q].type in (T.EOF, T.Newline, T.QuotedNewline):
                        raise RewriteError("unterminated label")
                    q += 1
                inner = toks[k + 1 : q]
                if not inner:
                    labels.append("")
                elif len(inner) == 1 and inner[0].type is T.QuotedLit:
                    value = _decode_literal(inner[0].text)
                    if value is not None:
                        labels.append(value)
                k = q + 1
                labels_end = k
            else:
                raise RewriteError(f"unexpected {tt.name} in block header")
        if labels_end == -1:
            out.extend(toks[i + 1 : k + 1])
        else:
            out.extend(_label_tokens(labels))
            out.extend(toks[labels_end : k + 1])
        end = self.body(k + 1, (*in_blocks, type_tok.text))
        if toks[end].type is not T.CBrace:
            raise RewriteError("unclosed block")
        out.append(toks[end])
        return end + 1


def rewrite(tokens: list[WToken]) -> list[WToken]:
    """Apply terraform fmt's rewrites to a whole file's tokens (ending in EOF)."""
    w = _Walker(tokens)
    end = w.body(0, ())
    if tokens[end].type is not T.EOF:
        raise RewriteError("unexpected closing brace")
    w.out.append(tokens[end])
    return w.out


__all__ = ["rewrite", "format_value_expr", "format_type_expr", "escape_quoted", "RewriteError"]
