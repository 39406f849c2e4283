"""The HCL native-syntax scanner: bytes -> tokens with source ranges.

``lex(src, filename, start)`` returns ``(tokens, diagnostics)``. Token types
mirror hclsyntax's scanner (TokenType.OBrace, TokenType.Ident, ...).

The token stream is lossless:

  * comments and newlines are tokens (``#`` and ``//`` comments include their
    trailing newline, as hclsyntax's do; ``/* */`` comments do not);
  * everything that is not a token is whitespace made only of spaces and tabs,
    and lies exactly between two tokens: ``src[prev.range.end.byte:tok.range.start.byte]``;
    a UTF-8 byte order mark at the very start is skipped (the first token then
    starts at byte 3, column 1);
  * so ``src == bom + "".join(ws_before(tok) + tok.bytes for tok in tokens)``.

Inside quoted strings and heredocs every byte belongs to a token. Unlike
hclsyntax, consecutive literal pieces of a template are merged into one
QuotedLit / StringLit token (escapes like ``$${`` stay undecoded inside it);
heredoc and bare-template literal tokens still end at each newline.

Columns count Unicode code points (1-based); bytes count UTF-8 bytes (0-based).
Tabs between tokens count as one column each, as in hclsyntax.

The scanner never fails: bytes it cannot use become Invalid / BadUTF8 tokens,
reported (once per kind where hclsyntax does so) in the returned diagnostics.
"""

from __future__ import annotations

import enum
import re
from typing import Iterator

from sheath.diag import Diagnostic, Diagnostics, Pos, Range, Severity
from sheath.lang.hclsyntax._pos import SourceIndex, src_range


class TokenType(enum.Enum):
    OBrace = "{"
    CBrace = "}"
    OBrack = "["
    CBrack = "]"
    OParen = "("
    CParen = ")"
    OQuote = "«"
    CQuote = "»"
    OHeredoc = "H"
    CHeredoc = "h"

    Star = "*"
    Slash = "/"
    Plus = "+"
    Minus = "-"
    Percent = "%"

    Equal = "="
    EqualOp = "≔"
    NotEqual = "≠"
    LessThan = "<"
    LessThanEq = "≤"
    GreaterThan = ">"
    GreaterThanEq = "≥"

    And = "∧"
    Or = "∨"
    Bang = "!"

    Dot = "."
    Comma = ","
    DoubleColon = "⸬"

    Ellipsis = "…"
    FatArrow = "⇒"

    Question = "?"
    Colon = ":"

    TemplateInterp = "∫"
    TemplateControl = "λ"
    TemplateSeqEnd = "∎"

    QuotedLit = "Q"  # may contain backslash escapes
    StringLit = "S"  # cannot contain backslash escapes
    NumberLit = "N"
    Ident = "I"

    Comment = "C"

    Newline = "\n"
    EOF = "␄"

    # Not part of the language; recognised for good diagnostics.
    BitwiseAnd = "&"
    BitwiseOr = "|"
    BitwiseNot = "~"
    BitwiseXor = "^"
    StarStar = "➚"
    Apostrophe = "'"
    Backtick = "`"
    Semicolon = ";"
    Tabs = "␉"
    Invalid = "�"
    BadUTF8 = "💩"
    QuotedNewline = "␤"

    Nil = "\x00"

    # members are singletons: hash by identity (Enum's default hash is slow)
    __hash__ = object.__hash__


class Token:
    """One token: its type, its text and its source range.

    ``text`` is the token's source as str (invalid UTF-8 bytes appear as lone
    surrogates, "surrogateescape"); ``bytes`` is the exact source bytes.
    """

    __slots__ = ("type", "text", "range")

    def __init__(self, type: TokenType, text: str, range: Range) -> None:
        self.type = type
        self.text = text
        self.range = range

    @property
    def bytes(self) -> bytes:
        return self.text.encode("utf-8", "surrogateescape")

    def __repr__(self) -> str:
        r = self.range
        return f"Token({self.type.name}, {self.text!r}, {r.start.line}:{r.start.column}-{r.end.line}:{r.end.column})"


T = TokenType

_SELF: dict[str, TokenType] = {
    "[": T.OBrack,
    "]": T.CBrack,
    "(": T.OParen,
    ")": T.CParen,
    ".": T.Dot,
    ",": T.Comma,
    "*": T.Star,
    "/": T.Slash,
    "%": T.Percent,
    "+": T.Plus,
    "-": T.Minus,
    "=": T.Equal,
    "<": T.LessThan,
    ">": T.GreaterThan,
    "!": T.Bang,
    "?": T.Question,
    ":": T.Colon,
    "&": T.BitwiseAnd,
    "|": T.BitwiseOr,
    "~": T.BitwiseNot,
    "^": T.BitwiseXor,
    ";": T.Semicolon,
    "`": T.Backtick,
    "'": T.Apostrophe,
}

_OPS: dict[str, TokenType] = {
    "==": T.EqualOp,
    "!=": T.NotEqual,
    ">=": T.GreaterThanEq,
    "<=": T.LessThanEq,
    "&&": T.And,
    "||": T.Or,
    "::": T.DoubleColon,
    "...": T.Ellipsis,
    "=>": T.FatArrow,
}

_IDENT = r"[^\W\d][\w-]*"
_BAD = "\udc80-\udcff"

# main (expression) mode. Leading spaces are skipped as part of each match;
# group numbers are used for dispatch (see _lex).
_MAIN_RE = re.compile(
    r"[ \t]*(?:"
    r"(\Z)"  # 1 end of input (after trailing spaces)
    r"|(\r?\n)"  # 2 newline
    r"|([0-9](?:(?:[0-9.]|[eE][+-]?[0-9])*(?:[0-9]|[eE][+-]?[0-9]))?)"  # 3 number
    r"|(" + _IDENT + r")"  # 4 ident
    r"|(#[^\n]*\n?|//[^\n]*\n?|/\*.*?\*/)"  # 5 comment
    r"|(<<-?" + _IDENT + r"\r?\n)"  # 6 heredoc start
    r"|(==|!=|>=|<=|&&|\|\||::|\.\.\.|=>)"  # 7 two/three-char operators
    r"|(\{)"  # 8
    r"|(\})"  # 9
    r"|(~\})"  # 10
    r"|(\"[^\"\\$%\r\n" + _BAD + r"]*\")"  # 11 a whole quoted string without escapes or templates
    r"|(\")"  # 12
    r"|([" + _BAD + r"])"  # 13 bad utf-8
    r"|(.)"  # 14 any other character
    r")",
    re.DOTALL,
)

_TMPL_ESC = r"|\$\$\{~?|\$(?!\{)|%%\{~?|%(?!\{)"

# quoted-string mode
_STRING_RE = re.compile(
    r"(\$\{~?)"  # 1 interp
    r"|(%\{~?)"  # 2 control
    r"|(\")"  # 3 end
    r"|((?:\\[^\r\n" + _BAD + r"]|[^\\$%\"\r\n" + _BAD + r"]" + _TMPL_ESC + r")+)"  # 4 literal
    r"|([\r\n]+)"  # 5 quoted newline
    r"|([" + _BAD + r"])"  # 6 bad utf-8
    r"|(.)",  # 7 invalid (e.g. a backslash before a newline)
    re.DOTALL,
)

# heredoc and bare-template modes: literal pieces end at each newline
_HEREDOC_RE = re.compile(
    r"(\$\{~?)"  # 1 interp
    r"|(%\{~?)"  # 2 control
    r"|((?:[^$%\n" + _BAD + r"]" + _TMPL_ESC + r")*\n|(?:[^$%\n" + _BAD + r"]" + _TMPL_ESC + r")+)"  # 3 literal
    r"|([" + _BAD + r"])"  # 4 bad utf-8
    r"|(.)",  # 5 (a lone "$" or "%" at the end of input)
    re.DOTALL,
)

_HEREDOC_INTRO_RE = re.compile(r"<<(-?)(" + _IDENT + r")\r?\n")

_MODE_MAIN = 0
_MODE_STRING = 1
_MODE_HEREDOC = 2
_MODE_BARE = 3


class _Heredoc:
    __slots__ = ("marker", "start_of_line", "close_re")

    def __init__(self, marker: str) -> None:
        self.marker = marker
        self.start_of_line = True
        self.close_re = re.compile(r"[ \t\v\f]*" + re.escape(marker) + r"[ \t\v\f\r]*\n")


def lex(src: bytes, filename: str, start: Pos = Pos()) -> tuple[list[Token], Diagnostics]:
    """Scan a whole configuration file (or expression) in normal mode."""
    toks, _, suspicious = _lex(src, filename, start, _MODE_MAIN)
    return toks, check_invalid_tokens(toks) if suspicious else Diagnostics()


def lex_template(src: bytes, filename: str, start: Pos = Pos()) -> tuple[list[Token], Diagnostics]:
    """Scan a bare template (the contents of a templatefile, no quotes)."""
    toks, _, suspicious = _lex(src, filename, start, _MODE_BARE)
    return toks, check_invalid_tokens(toks) if suspicious else Diagnostics()


def _lex(src: bytes, filename: str, start: Pos, mode0: int) -> tuple[list[Token], bool, bool]:
    """The tokens, whether there are comments, and whether there may be invalid tokens."""
    byte0 = start.byte
    if src.startswith(b"\xef\xbb\xbf"):
        src = src[3:]
        byte0 += 3
    text = src.decode("utf-8", "surrogateescape")
    ix = SourceIndex(filename, text, start, byte0, len(text) == len(src))

    toks: list[Token] = []
    append = toks.append
    n = len(text)
    pos = 0

    mode_stack: list[int] = [mode0]
    heredocs: list[_Heredoc] = []
    braces = 0
    ret_braces: list[int] = []

    main_match = _MAIN_RE.match
    string_match = _STRING_RE.match
    heredoc_match = _HEREDOC_RE.match
    self_tokens = _SELF
    ops = _OPS
    sr = src_range
    Tok = Token
    has_comments = False
    suspicious = False
    invalidish = _INVALIDISH
    IDENT = T.Ident
    NEWLINE = T.Newline
    INVALID = T.Invalid
    OQUOTE = T.OQuote
    CQUOTE = T.CQuote
    QUOTEDLIT = T.QuotedLit
    NUMBERLIT = T.NumberLit

    while pos < n:
        mode = mode_stack[-1]
        if mode == _MODE_MAIN:
            m = main_match(text, pos)
            assert m is not None
            g = m.lastindex
            e = m.end()
            if g == 4:
                pos = m.start(4)
                append(Tok(IDENT, text[pos:e], sr(ix, pos, e)))
            elif g == 2:
                pos = m.start(2)
                append(Tok(NEWLINE, text[pos:e], sr(ix, pos, e)))
            elif g == 14:
                pos = e - 1
                c = text[pos]
                tt = self_tokens.get(c, INVALID)
                append(Tok(tt, c, sr(ix, pos, e)))
                if tt in invalidish:
                    suspicious = True
            elif g == 11:
                pos = m.start(11)
                append(Tok(OQUOTE, '"', sr(ix, pos, pos + 1)))
                if e - pos > 2:
                    append(Tok(QUOTEDLIT, text[pos + 1 : e - 1], sr(ix, pos + 1, e - 1)))
                append(Tok(CQUOTE, '"', sr(ix, e - 1, e)))
            elif g == 3:
                pos = m.start(3)
                append(Tok(NUMBERLIT, text[pos:e], sr(ix, pos, e)))
            elif g == 7:
                pos = m.start(7)
                t = text[pos:e]
                append(Tok(ops[t], t, sr(ix, pos, e)))
            elif g == 5:
                pos = m.start(5)
                append(Tok(T.Comment, text[pos:e], sr(ix, pos, e)))
                has_comments = True
            elif g == 8:
                append(Tok(T.OBrace, "{", sr(ix, e - 1, e)))
                braces += 1
            elif g == 9:
                if ret_braces and ret_braces[-1] == braces:
                    append(Tok(T.TemplateSeqEnd, "}", sr(ix, e - 1, e)))
                    braces -= 1
                    ret_braces.pop()
                    mode_stack.pop()
                else:
                    append(Tok(T.CBrace, "}", sr(ix, e - 1, e)))
                    braces -= 1
            elif g == 12:
                append(Tok(OQUOTE, '"', sr(ix, e - 1, e)))
                mode_stack.append(_MODE_STRING)
            elif g == 1:
                pass
            elif g == 10:
                append(Tok(T.TemplateSeqEnd, "~}", sr(ix, e - 2, e)))
                if ret_braces and ret_braces[-1] == braces:
                    ret_braces.pop()
                    mode_stack.pop()
                braces -= 1
            elif g == 6:
                pos = m.start(6)
                append(Tok(T.OHeredoc, text[pos:e], sr(ix, pos, e)))
                hm = _HEREDOC_INTRO_RE.match(text, pos)
                assert hm is not None
                heredocs.append(_Heredoc(hm.group(2)))
                mode_stack.append(_MODE_HEREDOC)
            else:  # 13
                append(Tok(T.BadUTF8, text[e - 1 : e], sr(ix, e - 1, e)))
                suspicious = True
            pos = e
        elif mode == _MODE_STRING:
            m = string_match(text, pos)
            assert m is not None
            g = m.lastindex
            e = m.end()
            if g == 4:
                append(Tok(T.QuotedLit, text[pos:e], sr(ix, pos, e)))
            elif g == 3:
                append(Tok(T.CQuote, '"', sr(ix, pos, e)))
                mode_stack.pop()
            elif g == 1 or g == 2:
                append(Tok(T.TemplateInterp if g == 1 else T.TemplateControl, text[pos:e], sr(ix, pos, e)))
                braces += 1
                ret_braces.append(braces)
                mode_stack.append(_MODE_MAIN)
            elif g == 5:
                append(Tok(T.QuotedNewline, text[pos:e], sr(ix, pos, e)))
                suspicious = True
            elif g == 6:
                append(Tok(T.BadUTF8, text[pos:e], sr(ix, pos, e)))
                suspicious = True
            else:
                append(Tok(T.Invalid, text[pos:e], sr(ix, pos, e)))
                suspicious = True
            pos = e
        else:  # heredoc or bare template
            hd = heredocs[-1] if mode == _MODE_HEREDOC else None
            if hd is not None and hd.start_of_line:
                cm = hd.close_re.match(text, pos)
                if cm is not None:
                    e = cm.end()
                    nl_start = e - 2 if text[e - 2] == "\r" else e - 1
                    append(Tok(T.CHeredoc, text[pos:nl_start], sr(ix, pos, nl_start)))
                    append(Tok(T.Newline, text[nl_start:e], sr(ix, nl_start, e)))
                    heredocs.pop()
                    mode_stack.pop()
                    pos = e
                    continue
            m = heredoc_match(text, pos)
            assert m is not None
            g = m.lastindex
            e = m.end()
            if g == 3:
                append(Tok(T.StringLit, text[pos:e], sr(ix, pos, e)))
                if hd is not None:
                    hd.start_of_line = text[e - 1] == "\n"
            elif g == 1 or g == 2:
                append(Tok(T.TemplateInterp if g == 1 else T.TemplateControl, text[pos:e], sr(ix, pos, e)))
                braces += 1
                ret_braces.append(braces)
                if hd is not None:
                    hd.start_of_line = False
                mode_stack.append(_MODE_MAIN)
            elif g == 4:
                append(Tok(T.BadUTF8, text[pos:e], sr(ix, pos, e)))
                suspicious = True
            else:
                append(Tok(T.StringLit, text[pos:e], sr(ix, pos, e)))
                if hd is not None:
                    hd.start_of_line = False
            pos = e
    append(Tok(T.EOF, "", sr(ix, n, n)))
    return toks, has_comments, suspicious


def lex_for_parser(src: bytes, filename: str, start: Pos, template: bool = False) -> tuple[list[Token], list[Token], Diagnostics]:
    """(all tokens, tokens for the parser, diagnostics).

    The parser's list has no comments; a line comment that ends with a newline
    stands for that newline (hclsyntax's peeker does the same).
    """
    toks, has_comments, suspicious = _lex(src, filename, start, _MODE_BARE if template else _MODE_MAIN)
    diags = check_invalid_tokens(toks) if suspicious else Diagnostics()
    if not has_comments:
        return toks, toks, diags
    ptoks: list[Token] = []
    append = ptoks.append
    nl = T.Newline
    comment = T.Comment
    for t in toks:
        if t.type is comment:
            if t.text.endswith("\n"):
                append(Token(nl, "\n", t.range))
            continue
        append(t)
    return toks, ptoks, diags


def check_invalid_tokens(tokens: list[Token]) -> Diagnostics:
    """Diagnostics for tokens that never appear in valid HCL (hclsyntax's rules)."""
    diags = Diagnostics()
    told_bitwise = told_backtick = told_apostrophe = told_semicolon = told_bad = 0
    for tok in tokens:
        tt = tok.type
        if tt in _INVALIDISH:
            if tt is T.Invalid:
                diags.append(Diagnostic(Severity.ERROR, "Invalid character", "This character is not used within the language.", tok.range))
            elif tt is T.QuotedNewline:
                diags.append(
                    Diagnostic(
                        Severity.ERROR,
                        "Invalid multi-line string",
                        "Quoted strings may not be split over multiple lines. To produce a multi-line string, "
                        'either use the \\n escape to represent a newline character or use the "heredoc" '
                        "multi-line template syntax.",
                        tok.range,
                    )
                )
            elif tt in (T.BitwiseAnd, T.BitwiseOr, T.BitwiseXor, T.BitwiseNot):
                if told_bitwise < 4:
                    sugg = {
                        T.BitwiseAnd: ' Did you mean boolean AND ("&&")?',
                        T.BitwiseOr: ' Did you mean boolean OR ("||")?',
                        T.BitwiseNot: ' Did you mean boolean NOT ("!")?',
                    }.get(tt, "")
                    diags.append(
                        Diagnostic(Severity.ERROR, "Unsupported operator", f"Bitwise operators are not supported.{sugg}", tok.range)
                    )
                    told_bitwise += 1
            elif tt is T.Backtick:
                if told_backtick % 2 == 0:
                    diags.append(
                        Diagnostic(
                            Severity.ERROR,
                            "Invalid character",
                            'The "`" character is not valid. To create a multi-line string, use the "heredoc" syntax, like "<<EOT".',
                            tok.range,
                        )
                    )
                if told_backtick <= 2:
                    told_backtick += 1
            elif tt is T.Apostrophe:
                if told_apostrophe % 2 == 0:
                    diags.append(
                        Diagnostic(
                            Severity.ERROR,
                            "Invalid character",
                            'Single quotes are not valid. Use double quotes (") to enclose strings.',
                            tok.range,
                        )
                    )
                if told_apostrophe <= 2:
                    told_apostrophe += 1
            elif tt is T.Semicolon:
                if told_semicolon < 1:
                    diags.append(
                        Diagnostic(
                            Severity.ERROR,
                            "Invalid character",
                            'The ";" character is not valid. Use newlines to separate arguments and blocks, '
                            "and commas to separate items in collection values.",
                            tok.range,
                        )
                    )
                    told_semicolon += 1
            elif tt is T.BadUTF8:
                if told_bad < 1:
                    diags.append(
                        Diagnostic(
                            Severity.ERROR,
                            "Invalid character encoding",
                            "All input files must be UTF-8 encoded. Ensure that UTF-8 encoding is selected in your editor.",
                            tok.range,
                        )
                    )
                    told_bad += 1
    return diags


_INVALIDISH = frozenset(
    {
        T.Invalid,
        T.QuotedNewline,
        T.BitwiseAnd,
        T.BitwiseOr,
        T.BitwiseXor,
        T.BitwiseNot,
        T.Backtick,
        T.Apostrophe,
        T.Semicolon,
        T.BadUTF8,
    }
)


def whitespace_before(src: bytes, tokens: list[Token], i: int) -> bytes:
    """The whitespace (spaces/tabs, or a leading BOM) between tokens[i-1] and tokens[i]."""
    start = tokens[i - 1].range.end.byte if i > 0 else 0
    return src[start : tokens[i].range.start.byte]


def iter_tokens(tokens: list[Token], *types: TokenType) -> Iterator[Token]:
    ts = frozenset(types)
    return (t for t in tokens if t.type in ts)


__all__ = ["Token", "TokenType", "check_invalid_tokens", "iter_tokens", "lex", "lex_template", "whitespace_before"]
