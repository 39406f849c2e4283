"""The HCL native-syntax parser: tokens -> Body / expression AST.

A hand-written recursive-descent parser following hashicorp/hcl's hclsyntax
grammar, error recovery and diagnostics (summaries and details are HCL's).
It never raises for bad input: problems are diagnostics, and a partial result
is always returned.

Public entry points:
  parse_config(src, filename)            -> (hcl.File, Diagnostics)
  parse_expression(src, filename, start) -> (Expression, Diagnostics)
  parse_template(src, filename, start)   -> (Expression, Diagnostics)
  parse_traversal_abs(src, filename, start) -> (Traversal, Diagnostics)
"""

from __future__ import annotations

import gc
import re
import unicodedata
from typing import Union

from sheath.diag import Diagnostic, Diagnostics, Pos, Range, Severity
from sheath.gounicode import GO_SPACE
from sheath.lang import hcl
from sheath.lang.hcl import Traversal, TraverseAttr, TraverseIndex, TraverseRoot
from sheath.lang.hclsyntax._pos import between, end_point, mk_range, shift_start, start_point, sub_range, with_end
from sheath.lang.hclsyntax.ast import (
    AnonSymbolExpr,
    BinaryOpExpr,
    ConditionalExpr,
    ForExpr,
    FunctionCallExpr,
    IndexExpr,
    LiteralValueExpr,
    Node,
    ObjectConsExpr,
    ObjectConsItem,
    ObjectConsKeyExpr,
    Operation,
    ParenthesesExpr,
    RelativeTraversalExpr,
    ScopeTraversalExpr,
    SplatExpr,
    TemplateExpr,
    TemplateJoinExpr,
    TemplateWrapExpr,
    TupleConsExpr,
    UnaryOpExpr,
)
from sheath.lang.hclsyntax.body import Attribute, Block, Body, go_quote, name_suggestion, range_string
from sheath.lang.hclsyntax.lexer import Token, TokenType, lex_for_parser
from sheath.types.cty import DYNAMIC, FALSE, NUMBER, STRING, TRUE, UNKNOWN, Value
from sheath.types.number import Number

T = TokenType
_NL = T.Newline
_EOF = T.EOF
_IDENT = T.Ident
_COMMENT = T.Comment

_ERROR = Severity.ERROR

# binary operators: token type -> (precedence, operation)
_BINOPS: dict[TokenType, tuple[int, Operation]] = {
    T.Or: (1, Operation.LOGICAL_OR),
    T.And: (2, Operation.LOGICAL_AND),
    T.EqualOp: (3, Operation.EQUAL),
    T.NotEqual: (3, Operation.NOT_EQUAL),
    T.GreaterThan: (4, Operation.GREATER_THAN),
    T.GreaterThanEq: (4, Operation.GREATER_THAN_OR_EQUAL),
    T.LessThan: (4, Operation.LESS_THAN),
    T.LessThanEq: (4, Operation.LESS_THAN_OR_EQUAL),
    T.Plus: (5, Operation.ADD),
    T.Minus: (5, Operation.SUBTRACT),
    T.Star: (6, Operation.MULTIPLY),
    T.Slash: (6, Operation.DIVIDE),
    T.Percent: (6, Operation.MODULO),
}

_OPPOSITE: dict[TokenType, TokenType] = {
    T.OBrace: T.CBrace,
    T.OBrack: T.CBrack,
    T.OParen: T.CParen,
    T.OQuote: T.CQuote,
    T.OHeredoc: T.CHeredoc,
    T.CBrace: T.OBrace,
    T.CBrack: T.OBrack,
    T.CParen: T.OParen,
    T.CQuote: T.OQuote,
    T.CHeredoc: T.OHeredoc,
    T.TemplateControl: T.TemplateSeqEnd,
    T.TemplateInterp: T.TemplateSeqEnd,
    T.TemplateSeqEnd: T.TemplateInterp,
}

_OPENERS = frozenset({T.OBrace, T.OBrack, T.OParen, T.OQuote, T.OHeredoc, T.TemplateInterp, T.TemplateControl})
_CLOSERS = frozenset({T.CBrace, T.CBrack, T.CParen, T.CQuote, T.CHeredoc})

# Go's unicode.IsSpace

DYNAMIC_VAL = Value(DYNAMIC, UNKNOWN)
NULL_VAL = Value(DYNAMIC, None)
_EMPTY_STRING = Value(STRING, "")


def string_value(s: str) -> Value:
    """A cty string value (NFC-normalised, as cty does)."""
    if not s.isascii():
        s = unicodedata.normalize("NFC", s)
    return Value(STRING, s)


def _diag(summary: str, detail: str, subject: Range | None, context: Range | None = None) -> Diagnostic:
    return Diagnostic(_ERROR, summary, detail, subject, context)


# --- template intermediate tokens -------------------------------------------



def _unterminated_object(open_: Token) -> Diagnostic:
    return _diag(
        "Unterminated object constructor expression",
        "There is no corresponding closing brace before the end of the file. This may be caused "
        "by incorrect brace nesting elsewhere in this file.",
        open_.range,
    )

class _TLit:
    __slots__ = ("val", "range")

    def __init__(self, val: str, range: Range) -> None:
        self.val = val
        self.range = range


class _TInterp:
    __slots__ = ("expr", "range")

    def __init__(self, expr: Node, range: Range) -> None:
        self.expr = expr
        self.range = range


class _TIf:
    __slots__ = ("cond", "range")

    def __init__(self, cond: Node, range: Range) -> None:
        self.cond = cond
        self.range = range


class _TFor:
    __slots__ = ("key_var", "val_var", "coll", "range")

    def __init__(self, key_var: str | None, val_var: str, coll: Node, range: Range) -> None:
        self.key_var = key_var
        self.val_var = val_var
        self.coll = coll
        self.range = range


class _TEndCtrl:
    __slots__ = ("name", "range")

    def __init__(self, name: str, range: Range) -> None:
        self.name = name  # "endif", "else" or "endfor"
        self.range = range


class _TEnd:
    __slots__ = ("range",)

    def __init__(self, range: Range) -> None:
        self.range = range


_TTok = Union[_TLit, _TInterp, _TIf, _TFor, _TEndCtrl, _TEnd]


# --- string literal decoding ---------------------------------------------------

_QUOTED_ESC_RE = re.compile(r"\\(?:u[0-9A-Fa-f]{0,4}|U[0-9A-Fa-f]{0,8}|.)?|\$\$\{|%%\{", re.DOTALL)
_SIMPLE_ESC = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def parse_string_literal_token(tok: Token) -> tuple[str, Diagnostics]:
    """Resolve the escapes in a QuotedLit (backslash and $${ / %%{) or StringLit ($${ / %%{) token."""
    text = tok.text
    if tok.type is not T.QuotedLit:
        if "$${" in text or "%%{" in text:
            text = text.replace("$${", "${").replace("%%{", "%{")
        return text, Diagnostics()
    if "\\" not in text and "$${" not in text and "%%{" not in text:
        return text, Diagnostics()
    diags = Diagnostics()
    out: list[str] = []
    last = 0
    for m in _QUOTED_ESC_RE.finditer(text):
        s = m.start()
        if s > last:
            out.append(text[last:s])
        last = m.end()
        seq = m.group(0)
        if seq[0] != "\\":
            out.append(seq[0] + "{")
            continue
        if len(seq) < 2:
            diags.append(
                _diag(
                    "Invalid escape sequence",
                    "Backslash must be followed by an escape sequence selector character.",
                    _sub_range(tok, s, m.end()),
                )
            )
            out.append(seq)
            continue
        sel = seq[1]
        simple = _SIMPLE_ESC.get(sel)
        if simple is not None:
            out.append(simple)
            continue
        if sel == "u" or sel == "U":
            want = 6 if sel == "u" else 10
            if len(seq) != want:
                diags.append(
                    _diag(
                        "Invalid escape sequence",
                        "The \\u escape sequence must be followed by four hexadecimal digits."
                        if sel == "u"
                        else "The \\U escape sequence must be followed by eight hexadecimal digits.",
                        _sub_range(tok, s, m.end()),
                    )
                )
                out.append(seq)
                continue
            num = int(seq[2:], 16)
            if num > 0x10FFFF or 0xD800 <= num <= 0xDFFF:
                diags.append(
                    _diag(
                        "Invalid escape sequence",
                        f"Cannot encode character U+{num:04x} in UTF-8.",
                        _sub_range(tok, s, m.end()),
                    )
                )
                out.append(seq)
                continue
            out.append(chr(num))
            continue
        diags.append(
            _diag(
                "Invalid escape sequence",
                f"The symbol {go_quote(seq[1:])} is not a valid escape sequence selector.",
                _sub_range(tok, s, m.end()),
            )
        )
        out.append(seq[1:])
    out.append(text[last:])
    return "".join(out), diags


_NO_DIAGS = Diagnostics()


def _sub_range(tok: Token, s: int, e: int) -> Range:
    """The range of text[s:e] inside a single-line token."""
    return sub_range(tok.range, tok.text, s, e)


# --- the parser ------------------------------------------------------------------


class _Parser:
    __slots__ = ("toks", "i", "recovery", "nl_stack", "incl_nl", "filename", "num_cache")

    def __init__(self, tokens: list[Token], filename: str) -> None:
        """tokens: the scanner's tokens without comments (see lexer.lex_for_parser)."""
        self.toks = tokens
        self.i = 0
        self.recovery = False
        self.nl_stack: list[bool] = [True]
        self.incl_nl = True
        self.filename = filename
        self.num_cache: dict[str, Value] = {}

    # -- peeker --
    def peek(self) -> Token:
        tok = self.toks[self.i]
        if tok.type is _NL and not self.incl_nl:
            j = self.i + 1
            toks = self.toks
            while toks[j].type is _NL:
                j += 1
            return toks[j]
        return tok

    def read(self) -> Token:
        toks = self.toks
        i = self.i
        tok = toks[i]
        if tok.type is _NL and not self.incl_nl:
            i += 1
            while toks[i].type is _NL:
                i += 1
            tok = toks[i]
        if tok.type is not _EOF:
            i += 1
        self.i = i
        return tok

    def prev_range(self) -> Range:
        if self.i == 0:
            return self.peek().range
        return self.toks[self.i - 1].range

    def push_nl(self, include: bool) -> None:
        self.nl_stack.append(include)
        self.incl_nl = include

    def pop_nl(self) -> None:
        self.nl_stack.pop()
        self.incl_nl = self.nl_stack[-1]

    # -- recovery --
    def recover(self, end: TokenType) -> Token:
        start = _OPPOSITE.get(end)
        self.recovery = True
        nest = 0
        while True:
            tok = self.read()
            ty = tok.type
            if end is T.TemplateSeqEnd and ty is T.TemplateControl:
                ty = T.TemplateInterp
            if ty is start:
                nest += 1
            elif ty is end:
                if nest < 1:
                    return tok
                nest -= 1
            elif ty is _EOF:
                return tok

    def recover_over(self, start: TokenType) -> None:
        end = _OPPOSITE[start]
        while True:
            tok = self.read()
            if tok.type is start or tok.type is _EOF:
                break
        self.recover(end)

    def recover_after_body_item(self) -> None:
        self.recovery = True
        opened: list[TokenType] = []
        while True:
            tok = self.read()
            ty = tok.type
            if ty is _NL:
                if not opened:
                    return
            elif ty is _EOF:
                return
            elif ty in _OPENERS:
                opened.append(ty)
            elif ty in _CLOSERS:
                opener = _OPPOSITE[ty]
                while opened and opened[-1] is not opener:
                    opened.pop()
                if opened:
                    opened.pop()
            elif ty is T.TemplateSeqEnd:
                while opened and opened[-1] is not T.TemplateInterp and opened[-1] is not T.TemplateControl:
                    opened.pop()
                if opened:
                    opened.pop()

    # -- bodies --
    def parse_body(self, end: TokenType) -> tuple[Body, Diagnostics]:
        attrs: dict[str, Attribute] = {}
        blocks: list[Block] = []
        items: list[Attribute | Block] = []
        diags = Diagnostics()
        start_range = self.prev_range()
        end_range: Range
        while True:
            nxt = self.peek()
            ty = nxt.type
            if ty is end:
                end_range = nxt.range
                self.read()
                break
            if ty is _NL:
                self.read()
                continue
            if ty is _IDENT:
                item, idiags = self.parse_body_item()
                if idiags:
                    diags.extend(idiags)
                if item is None:
                    continue
                items.append(item)
                if type(item) is Block:
                    blocks.append(item)
                else:
                    assert isinstance(item, Attribute)
                    existing = attrs.get(item.name)
                    if existing is not None:
                        diags.append(
                            _diag(
                                "Attribute redefined",
                                f"The argument {go_quote(item.name)} was already set at "
                                f"{range_string(existing.name_range)}. Each argument may be set only once.",
                                item.name_range,
                            )
                        )
                    else:
                        attrs[item.name] = item
                continue
            bad = self.read()
            if not self.recovery:
                if bad.type is T.OQuote:
                    diags.append(_diag("Invalid argument name", "Argument names must not be quoted.", bad.range))
                elif bad.type is _EOF:
                    if end is T.CBrace:
                        diags.append(
                            _diag(
                                "Unclosed configuration block",
                                "There is no closing brace for this block before the end of the file. "
                                "This may be caused by incorrect brace nesting elsewhere in this file.",
                                start_range,
                            )
                        )
                    else:
                        diags.append(
                            _diag(
                                "Unclosed configuration body",
                                "Found end of file before the end of this configuration body.",
                                start_range,
                            )
                        )
                else:
                    diags.append(
                        _diag(
                            "Argument or block definition required",
                            "An argument or block definition is required here.",
                            bad.range,
                        )
                    )
            end_range = self.prev_range()
            self.recover(end)
            break
        er = end_range
        body = Body(
            attrs,
            blocks,
            between(start_range, er),
            end_point(er),
            items,
        )
        return body, diags

    def parse_body_item(self) -> tuple[Attribute | Block | None, Diagnostics]:
        ident = self.read()
        if ident.type is not _IDENT:
            self.recover_after_body_item()
            return None, Diagnostics(
                [_diag("Argument or block definition required", "An argument or block definition is required here.", ident.range)]
            )
        nt = self.peek().type
        if nt is T.Equal:
            return self.finish_body_attribute(ident, False)
        if nt is T.OQuote or nt is T.OBrace or nt is _IDENT:
            return self.finish_body_block(ident)
        self.recover_after_body_item()
        return None, Diagnostics(
            [
                _diag(
                    "Argument or block definition required",
                    'An argument or block definition is required here. To set an argument, use the equals sign "=" '
                    "to introduce the argument value.",
                    ident.range,
                )
            ]
        )

    def parse_single_attr_body(self, end: TokenType) -> tuple[Body | None, Diagnostics]:
        ident = self.read()
        if ident.type is not _IDENT:
            self.recover_after_body_item()
            return None, Diagnostics(
                [_diag("Argument or block definition required", "An argument or block definition is required here.", ident.range)]
            )
        nxt = self.peek()
        nt = nxt.type
        if nt is T.Equal:
            attr, diags = self.finish_body_attribute(ident, True)
        elif nt is T.OQuote or nt is T.OBrace or nt is _IDENT:
            self.recover_after_body_item()
            return None, Diagnostics(
                [
                    _diag(
                        "Argument definition required",
                        "A single-line block definition can contain only a single argument. If you meant to define "
                        f"argument {go_quote(ident.text)}, use an equals sign to assign it a value. To define a nested "
                        "block, place it on a line of its own within its parent block.",
                        between(ident.range, nxt.range),
                    )
                ]
            )
        else:
            self.recover_after_body_item()
            return None, Diagnostics(
                [
                    _diag(
                        "Argument or block definition required",
                        'An argument or block definition is required here. To set an argument, use the equals sign "=" '
                        "to introduce the argument value.",
                        ident.range,
                    )
                ]
            )
        r = attr.range
        body = Body({attr.name: attr}, [], r, end_point(r), [attr])
        return body, diags

    def finish_body_attribute(self, ident: Token, single_line: bool) -> tuple[Attribute, Diagnostics]:
        eq = self.read()
        expr, diags = self.parse_expression()
        if self.recovery and diags.has_errors():
            end_range = self.prev_range()
            self.recover_after_body_item()
        else:
            end_range = self.prev_range()
            if not single_line:
                end = self.peek()
                if end.type is not _NL and end.type is not _EOF:
                    if not self.recovery:
                        summary = "Missing newline after argument"
                        detail = "An argument definition must end with a newline."
                        if end.type is T.Comma:
                            summary = "Unexpected comma after argument"
                            detail = "Argument definitions must be separated by newlines, not commas. " + detail
                        if not diags:
                            diags = Diagnostics()
                        diags.append(_diag(summary, detail, end.range, between(ident.range, end.range)))
                    end_range = self.prev_range()
                    self.recover_after_body_item()
                else:
                    end_range = self.prev_range()
                    self.read()
        return Attribute(ident.text, expr, between(ident.range, end_range), ident.range, eq.range), diags

    def finish_body_block(self, ident: Token) -> tuple[Block, Diagnostics]:
        block_type = ident.text
        diags = Diagnostics()
        labels: list[str] = []
        label_ranges: list[Range] = []
        while True:
            tok = self.peek()
            ty = tok.type
            if ty is T.OBrace:
                obrace = self.read()
                break
            if ty is T.OQuote:
                label, lrange, ldiags = self.parse_quoted_string_literal()
                diags.extend(ldiags)
                labels.append(label)
                label_ranges.append(lrange)
                continue
            if ty is _IDENT:
                tok = self.read()
                labels.append(tok.text)
                label_ranges.append(tok.range)
                continue
            if ty is T.Equal:
                diags.append(
                    _diag(
                        "Invalid block definition",
                        'The equals sign "=" indicates an argument definition, and must not be used when defining a block.',
                        tok.range,
                        between(ident.range, tok.range),
                    )
                )
            elif ty is _NL:
                diags.append(
                    _diag(
                        "Invalid block definition",
                        'A block definition must have block content delimited by "{" and "}", starting on the same line '
                        "as the block header.",
                        tok.range,
                        between(ident.range, tok.range),
                    )
                )
            elif not self.recovery:
                diags.append(
                    _diag(
                        "Invalid block definition",
                        'Either a quoted string block label or an opening brace ("{") is expected here.',
                        tok.range,
                        between(ident.range, tok.range),
                    )
                )
            self.recover_after_body_item()
            end_range = label_ranges[-1] if label_ranges else ident.range
            ir = ident.range
            empty = Body({}, [], ir, ir, [])
            return Block(block_type, labels, empty, ir, label_ranges, ir, end_range), diags

        body: Body | None
        pt = self.peek().type
        if pt is _NL or pt is _EOF or pt is T.CBrace:
            body, bdiags = self.parse_body(T.CBrace)
        else:
            body, bdiags = self.parse_single_attr_body(T.CBrace)
            nxt = self.peek()
            nt = nxt.type
            if nt is T.CBrace:
                self.read()
            elif nt is T.Comma:
                diags.append(
                    _diag(
                        "Invalid single-argument block definition",
                        "Single-line block syntax can include only one argument definition. To define multiple arguments, "
                        "use the multi-line block syntax with one argument definition per line.",
                        nxt.range,
                    )
                )
                self.recover(T.CBrace)
            elif nt is _NL:
                diags.append(
                    _diag(
                        "Invalid single-argument block definition",
                        "An argument definition on the same line as its containing block creates a single-line block "
                        "definition, which must also be closed on the same line. Place the block's closing brace "
                        "immediately after the argument definition.",
                        nxt.range,
                    )
                )
                self.recover(T.CBrace)
            else:
                if not self.recovery:
                    if nt is _EOF:
                        diags.append(
                            _diag(
                                "Unclosed configuration block",
                                "There is no closing brace for this block before the end of the file. This may be caused "
                                "by incorrect brace nesting elsewhere in this file.",
                                obrace.range,
                                between(ident.range, obrace.range),
                            )
                        )
                    else:
                        diags.append(
                            _diag(
                                "Invalid single-argument block definition",
                                "A single-line block definition must end with a closing brace immediately after its "
                                "single argument definition.",
                                nxt.range,
                            )
                        )
                self.recover(T.CBrace)
        diags.extend(bdiags)
        cbrace_range = self.prev_range()

        eol = self.peek()
        if eol.type is _NL or eol.type is _EOF:
            self.read()
        else:
            if not self.recovery:
                diags.append(
                    _diag(
                        "Missing newline after block definition",
                        "A block definition must end with a newline.",
                        eol.range,
                        between(ident.range, eol.range),
                    )
                )
            self.recover_after_body_item()

        if body is None:
            body = Body({}, [], between(obrace.range, cbrace_range), cbrace_range, [])
        return Block(block_type, labels, body, ident.range, label_ranges, obrace.range, cbrace_range), diags

    # -- expressions --
    def parse_expression(self) -> tuple[Node, Diagnostics]:
        """expression: a conditional, or a binary operation chain (HCL precedence)."""
        start_range = self.peek().range
        cond, diags = self.parse_binary(1)
        if self.recovery and diags.has_errors():
            return cond, diags
        q = self.peek()
        if q.type is not T.Question:
            return cond, diags
        self.read()
        diags = Diagnostics(diags)
        true_expr, tdiags = self.parse_expression()
        diags.extend(tdiags)
        if self.recovery and tdiags.has_errors():
            return cond, diags
        colon = self.peek()
        if colon.type is not T.Colon:
            diags.append(
                _diag(
                    "Missing false expression in conditional",
                    "The conditional operator (...?...:...) requires a false expression, delimited by a colon.",
                    colon.range,
                    between(start_range, colon.range),
                )
            )
            return cond, diags
        self.read()
        false_expr, fdiags = self.parse_expression()
        diags.extend(fdiags)
        if self.recovery and fdiags.has_errors():
            return cond, diags
        return ConditionalExpr(cond, true_expr, false_expr, between(start_range, false_expr.range)), diags

    def parse_binary(self, min_prec: int) -> tuple[Node, Diagnostics]:
        lhs, diags = self.parse_with_traversals()
        if self.recovery and diags.has_errors():
            return lhs, diags
        binops = _BINOPS
        toks = self.toks
        while True:
            tok = toks[self.i]
            if tok.type is _NL and not self.incl_nl:
                tok = self.peek()
            op = binops.get(tok.type)
            if op is None or op[0] < min_prec:
                return lhs, diags
            self.read()
            rhs, rdiags = self.parse_binary(op[0] + 1)
            if rdiags:
                diags = Diagnostics(diags)
                diags.extend(rdiags)
            if self.recovery and rdiags.has_errors():
                return lhs, diags
            lhs = BinaryOpExpr(lhs, op[1], rhs, between(lhs.range, rhs.range))

    def parse_with_traversals(self) -> tuple[Node, Diagnostics]:
        term, diags = self.parse_term()
        tok = self.toks[self.i]
        nt = tok.type
        if nt is _NL and not self.incl_nl:
            nt = self.peek().type
        if nt is T.Dot or nt is T.OBrack:
            ret, more = self.parse_traversals(term)
            if more:
                diags = Diagnostics(diags)
                diags.extend(more)
            return ret, diags
        return term, diags

    def _append_step(self, ret: Node, step: TraverseAttr | TraverseIndex, rng: Range) -> Node:
        t = type(ret)
        if t is ScopeTraversalExpr or t is RelativeTraversalExpr:
            assert isinstance(ret, (ScopeTraversalExpr, RelativeTraversalExpr))
            ret.traversal = Traversal(ret.traversal.steps + (step,))
            ret.range = between(ret.range, rng)
            return ret
        return RelativeTraversalExpr(ret, Traversal((step,)), between(ret.range, rng))

    def parse_traversals(self, frm: Node) -> tuple[Node, Diagnostics]:
        diags = Diagnostics()
        ret = frm
        while True:
            nxt = self.peek()
            nt = nxt.type
            if nt is T.Dot:
                dot = self.read()
                attr_tok = self.peek()
                at = attr_tok.type
                if at is _IDENT:
                    attr_tok = self.read()
                    rng = between(dot.range, attr_tok.range)
                    ret = self._append_step(ret, TraverseAttr(attr_tok.text, rng), rng)
                elif at is T.NumberLit:
                    num_tok = self.read()
                    rng = between(dot.range, num_tok.range)
                    if "." in num_tok.text:
                        first, _, second = num_tok.text.partition(".")
                        diags.append(
                            _diag(
                                "Invalid legacy index syntax",
                                "When using the legacy index syntax, chaining two indexes together is not permitted. "
                                f"Use the proper index syntax instead, like [{first}][{second}].",
                                num_tok.range,
                            )
                        )
                        ret = self._append_step(ret, TraverseIndex(DYNAMIC_VAL, rng), rng)
                        continue
                    val, ndiags = self.number_value(num_tok)
                    diags.extend(ndiags)
                    ret = self._append_step(ret, TraverseIndex(val, rng), rng)
                elif at is T.Star:
                    marker = self.read()
                    steps: list[TraverseAttr | TraverseIndex] = []
                    first_range = self.peek().range
                    last_range = marker.range
                    broke = False
                    while self.peek().type is T.Dot:
                        sdot = self.read()
                        if self.peek().type is T.NumberLit:
                            num_tok = self.read()
                            srng = between(sdot.range, num_tok.range)
                            if "." in num_tok.text:
                                first, _, second = num_tok.text.partition(".")
                                diags.append(
                                    _diag(
                                        "Invalid legacy index syntax",
                                        "When using the legacy index syntax, chaining two indexes together is not permitted. "
                                        "Use the proper index syntax with a full splat expression [*] instead, "
                                        f"like [{first}][{second}].",
                                        attr_tok.range,
                                    )
                                )
                                steps.append(TraverseIndex(DYNAMIC_VAL, srng))
                                last_range = num_tok.range
                                continue
                            val, ndiags = self.number_value(num_tok)
                            diags.extend(ndiags)
                            steps.append(TraverseIndex(val, srng))
                            last_range = num_tok.range
                            continue
                        if self.peek().type is not _IDENT:
                            if not self.recovery:
                                if self.peek().type is T.Star:
                                    diags.append(
                                        _diag(
                                            "Nested splat expression not allowed",
                                            "A splat expression (*) cannot be used inside another attribute-only splat expression.",
                                            self.peek().range,
                                        )
                                    )
                                else:
                                    diags.append(
                                        _diag("Invalid attribute name", "An attribute name is required after a dot.", attr_tok.range)
                                    )
                            self.recovery = True
                            broke = True
                            break
                        atok = self.read()
                        steps.append(TraverseAttr(atok.text, between(sdot.range, atok.range)))
                        last_range = atok.range
                    if broke:
                        continue
                    marker_range = between(dot.range, marker.range)
                    item = AnonSymbolExpr(marker_range)
                    each: Node
                    if not steps:
                        each = item
                    else:
                        each = RelativeTraversalExpr(item, Traversal(tuple(steps)), between(first_range, last_range))
                    ret = SplatExpr(ret, each, item, between(frm.range, last_range), marker_range, True)
                else:
                    diags.append(_diag("Invalid attribute name", "An attribute name is required after a dot.", attr_tok.range))
                    ret = LiteralValueExpr(DYNAMIC_VAL, between(frm.range, dot.range))
                    self.recovery = True
            elif nt is T.OBrack:
                open_ = self.read()
                if self.peek().type is T.Star:
                    self.read()
                    close = self.read()
                    if close.type is not T.CBrack and not self.recovery:
                        diags.append(
                            _diag(
                                "Missing close bracket on splat index",
                                'The star for a full splat operator must be immediately followed by a closing bracket ("]").',
                                close.range,
                            )
                        )
                        close = self.recover(T.CBrack)
                    marker_range = between(open_.range, close.range)
                    item = AnonSymbolExpr(marker_range)
                    each2, ndiags = self.parse_traversals(item)
                    diags.extend(ndiags)
                    ret = SplatExpr(ret, each2, item, between(frm.range, each2.range), marker_range)
                else:
                    self.push_nl(False)
                    key, kdiags = self.parse_expression()
                    diags.extend(kdiags)
                    if self.recovery and kdiags.has_errors():
                        close = self.recover(T.CBrack)
                    else:
                        close = self.read()
                        if close.type is not T.CBrack and not self.recovery:
                            diags.append(
                                _diag(
                                    "Missing close bracket on index",
                                    'The index operator must end with a closing bracket ("]").',
                                    close.range,
                                )
                            )
                            close = self.recover(T.CBrack)
                    self.pop_nl()
                    rng = between(open_.range, close.range)
                    kt = type(key)
                    if kt is LiteralValueExpr:
                        assert isinstance(key, LiteralValueExpr)
                        ret = self._append_step(ret, TraverseIndex(key.value, rng), rng)
                    elif isinstance(key, TemplateExpr) and _template_is_string_literal(key):
                        assert isinstance(key, TemplateExpr)
                        sval = key.parts[0].value if key.parts else string_value("")  # type: ignore[union-attr]
                        ret = self._append_step(ret, TraverseIndex(sval, rng), rng)
                    else:
                        ret = IndexExpr(ret, key, rng, between(frm.range, rng), open_.range)
            else:
                return ret, diags

    def number_value(self, tok: Token) -> tuple[Value, Diagnostics]:
        text = tok.text
        v = self.num_cache.get(text)
        if v is not None:
            return v, _NO_DIAGS
        try:
            v = Value(NUMBER, Number.parse(text))
        except ValueError:
            return Value(NUMBER, UNKNOWN), Diagnostics(
                [_diag("Invalid number literal", "Failed to recognize the value of this number literal.", tok.range)]
            )
        self.num_cache[text] = v
        return v, _NO_DIAGS

    def parse_term(self) -> tuple[Node, Diagnostics]:
        start = self.peek()
        ty = start.type
        if ty is _IDENT:
            tok = self.read()
            nt = self.peek().type
            if nt is T.OParen or nt is T.DoubleColon:
                return self.finish_function_call(tok)
            name = tok.text
            if name == "true":
                return LiteralValueExpr(TRUE, tok.range), _NO_DIAGS
            if name == "false":
                return LiteralValueExpr(FALSE, tok.range), _NO_DIAGS
            if name == "null":
                return LiteralValueExpr(NULL_VAL, tok.range), _NO_DIAGS
            return ScopeTraversalExpr(Traversal((TraverseRoot(name, tok.range),)), tok.range), _NO_DIAGS
        if ty is T.OQuote or ty is T.OHeredoc:
            open_ = self.read()
            if ty is T.OQuote:
                # fast paths for "" and "literal without escapes" (same result as the general path)
                toks = self.toks
                i = self.i
                t1 = toks[i]
                if t1.type is T.CQuote:
                    self.i = i + 1
                    lit = LiteralValueExpr(_EMPTY_STRING, end_point(t1.range))
                    return TemplateExpr([lit], between(open_.range, t1.range)), _NO_DIAGS
                if t1.type is T.QuotedLit:
                    t2 = toks[i + 1]
                    text = t1.text
                    if t2.type is T.CQuote and "\\" not in text and "$${" not in text and "%%{" not in text:
                        self.i = i + 2
                        lit = LiteralValueExpr(string_value(text), t1.range)
                        return TemplateExpr([lit], between(open_.range, t2.range)), _NO_DIAGS
            closer = T.CQuote if ty is T.OQuote else T.CHeredoc
            exprs, passthru, _, diags = self.parse_template_inner(closer, ty is T.OHeredoc and open_.text.startswith("<<-"))
            close_range = self.prev_range()
            if passthru:
                return TemplateWrapExpr(exprs[0], between(open_.range, close_range)), diags
            return TemplateExpr(exprs, between(open_.range, close_range)), diags
        if ty is T.NumberLit:
            tok = self.read()
            val, diags = self.number_value(tok)
            return LiteralValueExpr(val, tok.range), diags
        if ty is T.OParen:
            oparen = self.read()
            self.push_nl(False)
            expr, diags = self.parse_expression()
            if diags.has_errors():
                self.recover(T.CParen)
                self.pop_nl()
                return expr, diags
            close = self.peek()
            if close.type is not T.CParen:
                diags = Diagnostics(diags)
                diags.append(
                    _diag(
                        "Unbalanced parentheses",
                        "Expected a closing parenthesis to terminate the expression.",
                        close.range,
                        between(start.range, close.range),
                    )
                )
                self.recovery = True
            cparen = self.read()
            self.pop_nl()
            return ParenthesesExpr(expr, between(oparen.range, cparen.range)), diags
        if ty is T.Minus or ty is T.Bang:
            tok = self.read()
            operand, diags = self.parse_with_traversals()
            op = Operation.NEGATE if ty is T.Minus else Operation.LOGICAL_NOT
            return UnaryOpExpr(op, operand, between(tok.range, operand.range), tok.range), diags
        if ty is T.OBrack:
            return self.parse_tuple_cons()
        if ty is T.OBrace:
            return self.parse_object_cons()
        diags = Diagnostics()
        if not self.recovery:
            if ty is _EOF:
                diags.append(
                    _diag("Missing expression", "Expected the start of an expression, but found the end of the file.", start.range)
                )
            else:
                diags.append(
                    _diag(
                        "Invalid expression",
                        "Expected the start of an expression, but found an invalid expression token.",
                        start.range,
                    )
                )
        self.recovery = True
        return LiteralValueExpr(DYNAMIC_VAL, start.range), diags

    def finish_function_call(self, name: Token) -> tuple[Node, Diagnostics]:
        diags = Diagnostics()
        open_tok = self.read()
        name_str = name.text
        name_end_range = name.range
        while open_tok.type is T.DoubleColon:
            next_name = self.read()
            if next_name.type is not _IDENT:
                d = _diag(
                    "Missing function name",
                    "Function scope resolution symbol :: must be followed by a function name in this scope.",
                    next_name.range,
                    between(name.range, next_name.range),
                )
                diags.append(d)
                self.recover_over(T.OParen)
                return LiteralValueExpr(DYNAMIC_VAL, between(name.range, next_name.range)), diags
            name_str = name_str + "::" + next_name.text
            name_end_range = next_name.range
            open_tok = self.read()
        name_range = with_end(name.range, name_end_range)
        if open_tok.type is not T.OParen:
            diags.append(
                _diag(
                    "Missing open parenthesis",
                    "Function selector must be followed by an open parenthesis to begin the function call.",
                    open_tok.range,
                    between(name.range, open_tok.range),
                )
            )
            self.recover_over(T.OParen)
            return LiteralValueExpr(DYNAMIC_VAL, between(name.range, open_tok.range)), diags

        args: list[Node] = []
        expand_final = False
        close_tok: Token | None = None
        self.push_nl(False)
        while True:
            tok = self.peek()
            if tok.type is T.CParen:
                close_tok = self.read()
                break
            arg, adiags = self.parse_expression()
            args.append(arg)
            diags.extend(adiags)
            if self.recovery and adiags.has_errors():
                rt = self.recover(T.CParen)
                if rt.type is T.CParen:
                    close_tok = rt
                break
            sep = self.read()
            if sep.type is T.CParen:
                close_tok = sep
                break
            if sep.type is T.Ellipsis:
                expand_final = True
                if self.peek().type is not T.CParen:
                    if not self.recovery:
                        diags.append(
                            _diag(
                                "Missing closing parenthesis",
                                "An expanded function argument (with ...) must be immediately followed by closing parentheses.",
                                sep.range,
                                between(name.range, sep.range),
                            )
                        )
                    close_tok = self.recover(T.CParen)
                else:
                    close_tok = self.read()
                break
            if sep.type is not T.Comma:
                if sep.type is _EOF:
                    diags.append(
                        _diag(
                            "Unterminated function call",
                            "There is no closing parenthesis for this function call before the end of the file. "
                            "This may be caused by incorrect parenthesis nesting elsewhere in this file.",
                            between(name.range, open_tok.range),
                        )
                    )
                else:
                    diags.append(
                        _diag(
                            "Missing argument separator",
                            "A comma is required to separate each function argument from the next.",
                            sep.range,
                            between(name.range, sep.range),
                        )
                    )
                close_tok = self.recover(T.CParen)
                break
            if self.peek().type is T.CParen:
                close_tok = self.read()
                break
        self.pop_nl()
        close_range = close_tok.range if close_tok is not None else self.prev_range()
        return (
            FunctionCallExpr(
                name_str, args, expand_final, name_range, open_tok.range, close_range, between(name_range, close_range)
            ),
            diags,
        )

    def parse_tuple_cons(self) -> tuple[Node, Diagnostics]:
        open_ = self.read()
        self.push_nl(False)
        try:
            nxt = self.peek()
            if nxt.type is _IDENT and nxt.text == "for":
                return self.finish_for_expr(open_)
            diags = Diagnostics()
            exprs: list[Node] = []
            while True:
                nxt = self.peek()
                if nxt.type is T.CBrack:
                    close = self.read()
                    break
                expr, ediags = self.parse_expression()
                exprs.append(expr)
                if ediags:
                    diags.extend(ediags)
                if self.recovery and ediags.has_errors():
                    close = self.recover(T.CBrack)
                    break
                nxt = self.peek()
                if nxt.type is T.CBrack:
                    close = self.read()
                    break
                if nxt.type is not T.Comma:
                    if not self.recovery:
                        if nxt.type is _EOF:
                            diags.append(
                                _diag(
                                    "Unterminated tuple constructor expression",
                                    "There is no corresponding closing bracket before the end of the file. This may be caused "
                                    "by incorrect bracket nesting elsewhere in this file.",
                                    open_.range,
                                )
                            )
                        else:
                            diags.append(
                                _diag(
                                    "Missing item separator",
                                    "Expected a comma to mark the beginning of the next item.",
                                    nxt.range,
                                    between(open_.range, nxt.range),
                                )
                            )
                    close = self.recover(T.CBrack)
                    break
                self.read()
            return TupleConsExpr(exprs, between(open_.range, close.range), open_.range), diags
        finally:
            self.pop_nl()

    def parse_object_cons(self) -> tuple[Node, Diagnostics]:
        open_ = self.read()
        self.push_nl(False)
        nxt = self.peek()
        is_for = nxt.type is _IDENT and nxt.text == "for"
        self.pop_nl()
        if is_for:
            return self.finish_for_expr(open_)
        self.push_nl(True)
        try:
            diags = Diagnostics()
            items: list[ObjectConsItem] = []
            while True:
                nxt = self.peek()
                if nxt.type is _NL:
                    self.read()
                    continue
                if nxt.type is T.CBrace:
                    close = self.read()
                    break
                force_non_literal = nxt.type is T.OParen
                key, kdiags = self.parse_expression()
                if kdiags:
                    diags.extend(kdiags)
                if self.recovery and kdiags.has_errors():
                    close = self.recover(T.CBrace)
                    break
                key_expr = ObjectConsKeyExpr(key, force_non_literal)
                nxt = self.peek()
                if nxt.type is not T.Equal and nxt.type is not T.Colon:
                    if not self.recovery:
                        nt = nxt.type
                        if nt is _NL or nt is T.Comma:
                            diags.append(
                                _diag(
                                    "Missing attribute value",
                                    'Expected an attribute value, introduced by an equals sign ("=").',
                                    nxt.range,
                                    between(open_.range, nxt.range),
                                )
                            )
                        elif nt is _IDENT:
                            diags.append(
                                _diag(
                                    "Missing key/value separator",
                                    'Expected an equals sign ("=") to mark the beginning of the attribute value. If you '
                                    "intended to given an attribute name containing periods or spaces, write the name in "
                                    "quotes to create a string literal.",
                                    nxt.range,
                                    between(open_.range, nxt.range),
                                )
                            )
                        elif nt is _EOF:
                            diags.append(_unterminated_object(open_))
                        else:
                            diags.append(
                                _diag(
                                    "Missing key/value separator",
                                    'Expected an equals sign ("=") to mark the beginning of the attribute value.',
                                    nxt.range,
                                    between(open_.range, nxt.range),
                                )
                            )
                    close = self.recover(T.CBrace)
                    break
                self.read()
                value, vdiags = self.parse_expression()
                if vdiags:
                    diags.extend(vdiags)
                items.append(ObjectConsItem(key_expr, value))
                if self.recovery and vdiags.has_errors():
                    close = self.recover(T.CBrace)
                    break
                nxt = self.peek()
                if nxt.type is T.CBrace:
                    close = self.read()
                    break
                if nxt.type is not T.Comma and nxt.type is not _NL:
                    if not self.recovery:
                        if nxt.type is _EOF:
                            diags.append(_unterminated_object(open_))
                        else:
                            diags.append(
                                _diag(
                                    "Missing attribute separator",
                                    "Expected a newline or comma to mark the beginning of the next attribute.",
                                    nxt.range,
                                    between(open_.range, nxt.range),
                                )
                            )
                    close = self.recover(T.CBrace)
                    break
                self.read()
            return ObjectConsExpr(items, between(open_.range, close.range), open_.range), diags
        finally:
            self.pop_nl()

    def finish_for_expr(self, open_: Token) -> tuple[Node, Diagnostics]:
        self.push_nl(False)
        try:
            return self._finish_for_expr(open_)
        finally:
            self.pop_nl()

    def _for_error(self, open_: Token, close_type: TokenType, detail: str, diags: Diagnostics) -> tuple[Node, Diagnostics]:
        if not self.recovery:
            p = self.peek()
            diags.append(_diag("Invalid 'for' expression", detail, p.range, between(open_.range, p.range)))
        close = self.recover(close_type)
        return LiteralValueExpr(DYNAMIC_VAL, between(open_.range, close.range)), diags

    def _finish_for_expr(self, open_: Token) -> tuple[Node, Diagnostics]:
        self.read()  # "for"
        make_obj = open_.type is T.OBrace
        close_type = T.CBrace if make_obj else T.CBrack
        diags = Diagnostics()
        key_name: str | None = None
        if self.peek().type is not _IDENT:
            return self._for_error(open_, close_type, "For expression requires variable name after 'for'.", diags)
        val_name = self.read().text
        if self.peek().type is T.Comma:
            key_name = val_name
            self.read()
            if self.peek().type is not _IDENT:
                return self._for_error(open_, close_type, "For expression requires value variable name after comma.", diags)
            val_name = self.read().text
        p = self.peek()
        if not (p.type is _IDENT and p.text == "in"):
            return self._for_error(
                open_, close_type, "For expression requires the 'in' keyword after its name declarations.", diags
            )
        self.read()
        coll, cdiags = self.parse_expression()
        diags.extend(cdiags)
        if self.recovery and cdiags.has_errors():
            close = self.recover(close_type)
            return LiteralValueExpr(DYNAMIC_VAL, between(open_.range, close.range)), diags
        if self.peek().type is not T.Colon:
            return self._for_error(open_, close_type, "For expression requires a colon after the collection expression.", diags)
        self.read()
        key_expr: Node | None = None
        kdiags: Diagnostics = _NO_DIAGS
        val_expr, vdiags = self.parse_expression()
        if self.peek().type is T.FatArrow:
            self.read()
            key_expr, kdiags = val_expr, vdiags
            val_expr, vdiags = self.parse_expression()
        diags.extend(kdiags)
        diags.extend(vdiags)
        if self.recovery and (kdiags.has_errors() or vdiags.has_errors()):
            close = self.recover(close_type)
            return LiteralValueExpr(DYNAMIC_VAL, between(open_.range, close.range)), diags
        group = False
        ellipsis: Token | None = None
        if self.peek().type is T.Ellipsis:
            ellipsis = self.read()
            group = True
        cond_expr: Node | None = None
        p = self.peek()
        if p.type is _IDENT and p.text == "if":
            self.read()
            cond_expr, cdiags2 = self.parse_expression()
            diags.extend(cdiags2)
            if self.recovery and cdiags2.has_errors():
                close = self.recover(close_type)
                return LiteralValueExpr(DYNAMIC_VAL, between(open_.range, close.range)), diags
        if self.peek().type is close_type:
            close = self.read()
        else:
            if not self.recovery:
                p = self.peek()
                diags.append(
                    _diag(
                        "Invalid 'for' expression",
                        "Extra characters after the end of the 'for' expression.",
                        p.range,
                        between(open_.range, p.range),
                    )
                )
            close = self.recover(close_type)
        whole = between(open_.range, close.range)
        if not make_obj:
            if key_expr is not None:
                diags.append(
                    _diag("Invalid 'for' expression", "Key expression is not valid when building a tuple.", key_expr.range, whole)
                )
            if group and ellipsis is not None:
                diags.append(
                    _diag(
                        "Invalid 'for' expression",
                        "Grouping ellipsis (...) cannot be used when building a tuple.",
                        ellipsis.range,
                        whole,
                    )
                )
        elif key_expr is None:
            diags.append(
                _diag("Invalid 'for' expression", "Key expression is required when building an object.", val_expr.range, whole)
            )
        return (
            ForExpr(key_name, val_name, coll, key_expr, val_expr, cond_expr, group, whole, open_.range, close.range),
            diags,
        )

    def parse_quoted_string_literal(self) -> tuple[str, Range, Diagnostics]:
        oquote = self.read()
        if oquote.type is not T.OQuote:
            return "", oquote.range, Diagnostics([_diag("Invalid string literal", "A quoted string is required here.", oquote.range)])
        toks = self.toks
        i = self.i
        t1 = toks[i]
        if t1.type is T.QuotedLit:
            t2 = toks[i + 1]
            text = t1.text
            if t2.type is T.CQuote and "\\" not in text and "$${" not in text and "%%{" not in text:
                self.i = i + 2
                return text, between(oquote.range, t2.range), Diagnostics()
        diags = Diagnostics()
        out: list[str] = []
        while True:
            tok = self.read()
            ty = tok.type
            if ty is T.CQuote:
                end_range = tok.range
                break
            if ty is T.QuotedLit:
                s, sdiags = parse_string_literal_token(tok)
                diags.extend(sdiags)
                out.append(s)
                continue
            if ty is T.TemplateControl or ty is T.TemplateInterp:
                which = "%" if ty is T.TemplateControl else "$"
                diags.append(
                    _diag(
                        "Invalid string literal",
                        f"Template sequences are not allowed in this string. To include a literal {go_quote(which)}, "
                        f'double it (as "{which}{which}") to escape it.',
                        tok.range,
                        between(oquote.range, tok.range),
                    )
                )
                out.append(which + "{ ... }")
                self.recover(T.TemplateSeqEnd)
                continue
            if ty is _EOF:
                diags.append(
                    _diag(
                        "Unterminated string literal",
                        "Unable to find the closing quote mark before the end of the file.",
                        tok.range,
                        between(oquote.range, tok.range),
                    )
                )
                end_range = tok.range
                break
            diags.append(
                _diag(
                    "Invalid string literal",
                    "This item is not valid in a string literal.",
                    tok.range,
                    between(oquote.range, tok.range),
                )
            )
            self.recover(T.CQuote)
            end_range = tok.range
            break
        return "".join(out), between(oquote.range, end_range), diags

    # -- templates --
    def parse_template_inner(self, end: TokenType, flush_heredoc: bool) -> tuple[list[Node], bool, Range, Diagnostics]:
        parts, src_range, diags = self.parse_template_parts(end)
        if flush_heredoc:
            _flush_heredoc(parts)
        _meld_literals(parts)
        tp = _TemplateParser(parts)
        exprs, ediags = tp.parse_root()
        if ediags:
            diags.extend(ediags)
        passthru = len(parts) == 2 and type(parts[0]) is _TInterp
        return exprs, passthru, src_range, diags

    def parse_template_parts(self, end: TokenType) -> tuple[list[_TTok], Range, Diagnostics]:
        parts: list[_TTok] = []
        diags = Diagnostics()
        start_range = self.peek().range
        ltrim_next = False
        next_can_trim_prev = False
        end_range: Range
        while True:
            nxt = self.read()
            ty = nxt.type
            if ty is end:
                end_range = nxt.range
                break
            ltrim = ltrim_next
            ltrim_next = False
            can_trim_prev = next_can_trim_prev
            next_can_trim_prev = False
            if ty is T.QuotedLit or ty is T.StringLit:
                s, sdiags = parse_string_literal_token(nxt)
                if sdiags:
                    diags.extend(sdiags)
                if ltrim:
                    s = s.lstrip(GO_SPACE)
                parts.append(_TLit(s, nxt.range))
                next_can_trim_prev = True
            elif ty is T.TemplateInterp:
                if can_trim_prev and len(nxt.text) == 3 and parts and type(parts[-1]) is _TLit:
                    prev = parts[-1]
                    assert isinstance(prev, _TLit)
                    prev.val = prev.val.rstrip(GO_SPACE)
                self.push_nl(False)
                expr, ediags = self.parse_expression()
                if ediags:
                    diags.extend(ediags)
                close = self.peek()
                if close.type is not T.TemplateSeqEnd:
                    if not self.recovery:
                        ct = close.type
                        if ct is _EOF:
                            diags.append(
                                _diag(
                                    "Unclosed template interpolation sequence",
                                    "There is no closing brace for this interpolation sequence before the end of the file. "
                                    "This might be caused by incorrect nesting inside the given expression.",
                                    start_range,
                                )
                            )
                        elif ct is T.Colon:
                            diags.append(
                                _diag(
                                    "Extra characters after interpolation expression",
                                    "Template interpolation doesn't expect a colon at this location. Did you intend this "
                                    "to be a literal sequence to be processed as part of another language? If so, you can "
                                    'escape it by starting with "$${" instead of just "${".',
                                    close.range,
                                    between(start_range, close.range),
                                )
                            )
                        elif (ct is T.CQuote or ct is T.OQuote) and end is T.CQuote:
                            diags.append(
                                _diag(
                                    "Unclosed template interpolation sequence",
                                    "There is no closing brace for this interpolation sequence before the end of the quoted "
                                    "template. This might be caused by incorrect nesting inside the given expression.",
                                    start_range,
                                )
                            )
                        else:
                            diags.append(
                                _diag(
                                    "Extra characters after interpolation expression",
                                    "Expected a closing brace to end the interpolation expression, but found extra "
                                    "characters.\n\nThis can happen when you include interpolation syntax for another "
                                    "language, such as shell scripting, but forget to escape the interpolation start "
                                    'token. If this is an embedded sequence for another language, escape it by starting '
                                    'with "$${" instead of just "${".',
                                    close.range,
                                    between(start_range, close.range),
                                )
                            )
                    self.recover(T.TemplateSeqEnd)
                else:
                    self.read()
                    if len(close.text) == 2 and close.text[0] == "~":
                        ltrim_next = True
                self.pop_nl()
                parts.append(_TInterp(expr, between(nxt.range, close.range)))
            elif ty is T.TemplateControl:
                if can_trim_prev and len(nxt.text) == 3 and parts and type(parts[-1]) is _TLit:
                    prev = parts[-1]
                    assert isinstance(prev, _TLit)
                    prev.val = prev.val.rstrip(GO_SPACE)
                self.push_nl(False)
                kw = self.peek()
                if kw.type is not _IDENT:
                    if not self.recovery:
                        diags.append(
                            _diag(
                                "Invalid template directive",
                                'A template directive keyword ("if", "for", etc) is expected at the beginning of a %{ '
                                "sequence.",
                                kw.range,
                                between(nxt.range, kw.range),
                            )
                        )
                    self.recover(T.TemplateSeqEnd)
                    self.pop_nl()
                    continue
                self.read()
                word = kw.text
                if word == "if":
                    cond, cdiags = self.parse_expression()
                    if cdiags:
                        diags.extend(cdiags)
                    parts.append(_TIf(cond, between(nxt.range, self.peek().range)))
                elif word == "else" or word == "endif" or word == "endfor":
                    parts.append(_TEndCtrl(word, between(nxt.range, self.peek().range)))
                elif word == "for":
                    key_name: str | None = None
                    if self.peek().type is not _IDENT:
                        if not self.recovery:
                            diags.append(
                                _diag("Invalid 'for' directive", "For directive requires variable name after 'for'.", self.peek().range)
                            )
                        self.recover(T.TemplateSeqEnd)
                        self.pop_nl()
                        continue
                    val_name = self.read().text
                    if self.peek().type is T.Comma:
                        key_name = val_name
                        self.read()
                        if self.peek().type is not _IDENT:
                            if not self.recovery:
                                diags.append(
                                    _diag(
                                        "Invalid 'for' directive",
                                        "For directive requires value variable name after comma.",
                                        self.peek().range,
                                    )
                                )
                            self.recover(T.TemplateSeqEnd)
                            self.pop_nl()
                            continue
                        val_name = self.read().text
                    p = self.peek()
                    if not (p.type is _IDENT and p.text == "in"):
                        if not self.recovery:
                            diags.append(_diag("Invalid 'for' directive", "For directive requires 'in' keyword after names.", p.range))
                        self.recover(T.TemplateSeqEnd)
                        self.pop_nl()
                        continue
                    self.read()
                    coll, cdiags = self.parse_expression()
                    if cdiags:
                        diags.extend(cdiags)
                    parts.append(_TFor(key_name, val_name, coll, between(nxt.range, self.peek().range)))
                else:
                    if not self.recovery:
                        sugg = name_suggestion(word, ["if", "for", "else", "endif", "endfor"])
                        extra = f" Did you mean {go_quote(sugg)}?" if sugg else ""
                        diags.append(
                            _diag(
                                "Invalid template control keyword",
                                f"{go_quote(word)} is not a valid template control keyword.{extra}",
                                kw.range,
                                between(nxt.range, kw.range),
                            )
                        )
                    self.recover(T.TemplateSeqEnd)
                    self.pop_nl()
                    continue
                close = self.peek()
                if close.type is not T.TemplateSeqEnd:
                    if not self.recovery:
                        diags.append(
                            _diag(
                                f"Extra characters in {word} marker",
                                "Expected a closing brace to end the sequence, but found extra characters.",
                                close.range,
                                between(start_range, close.range),
                            )
                        )
                    self.recover(T.TemplateSeqEnd)
                else:
                    self.read()
                    if len(close.text) == 2 and close.text[0] == "~":
                        ltrim_next = True
                self.pop_nl()
            else:
                if not self.recovery:
                    diags.append(
                        _diag(
                            "Unterminated template string",
                            "No closing marker was found for the string.",
                            nxt.range,
                            between(start_range, nxt.range),
                        )
                    )
                final = self.recover(end)
                end_range = final.range
                break
        if not parts:
            sr = start_range
            parts.append(_TLit("", end_point(sr)))
        parts.append(_TEnd(end_range))
        return parts, between(start_range, end_range), diags


def _flush_heredoc(parts: list[_TTok]) -> None:
    """Trim the smallest common leading whitespace from each line (<<- heredocs)."""
    if not parts:
        return
    big = 1 << 62
    min_spaces = big
    newline = True
    adjust: list[_TLit] = []
    for tt in parts:
        if newline:
            newline = False
            spaces = 0
            if type(tt) is _TLit:
                assert isinstance(tt, _TLit)
                orig = tt.val
                trimmed = orig.lstrip(GO_SPACE)
                if not trimmed and orig.endswith("\n"):
                    spaces = big
                else:
                    spaces = len(orig) - len(trimmed)
                    adjust.append(tt)
            elif type(tt) is _TEnd:
                break
            if spaces < min_spaces:
                min_spaces = spaces
        if type(tt) is _TLit and tt.val.endswith("\n"):
            newline = True
    if min_spaces == big or min_spaces == 0:
        return
    for lit in adjust:
        cut = lit.val[:min_spaces]
        lit.val = lit.val[min_spaces:]
        lit.range = shift_start(lit.range, cut)


def _meld_literals(parts: list[_TTok]) -> None:
    i = 1
    while i < len(parts):
        prev = parts[i - 1]
        cur = parts[i]
        if type(prev) is _TLit and type(cur) is _TLit:
            assert isinstance(prev, _TLit) and isinstance(cur, _TLit)
            prev.val = prev.val + cur.val
            prev.range = with_end(prev.range, cur.range)
            del parts[i]
            continue
        i += 1


class _TemplateParser:
    __slots__ = ("toks", "pos")

    def __init__(self, toks: list[_TTok]) -> None:
        self.toks = toks
        self.pos = 0

    def peek(self) -> _TTok:
        return self.toks[self.pos]

    def read(self) -> _TTok:
        t = self.toks[self.pos]
        if type(t) is not _TEnd:
            self.pos += 1
        return t

    def parse_root(self) -> tuple[list[Node], Diagnostics]:
        exprs: list[Node] = []
        diags = Diagnostics()
        while type(self.peek()) is not _TEnd:
            e, d = self.parse_expr()
            diags.extend(d)
            exprs.append(e)
        return exprs, diags

    def parse_expr(self) -> tuple[Node, Diagnostics]:
        tok = self.peek()
        t = type(tok)
        if t is _TLit:
            self.read()
            assert isinstance(tok, _TLit)
            return LiteralValueExpr(string_value(tok.val), tok.range), _NO_DIAGS
        if t is _TInterp:
            self.read()
            assert isinstance(tok, _TInterp)
            return tok.expr, _NO_DIAGS
        if t is _TIf:
            return self.parse_if()
        if t is _TFor:
            return self.parse_for()
        if t is _TEnd:
            self.read()
            return LiteralValueExpr(DYNAMIC_VAL, tok.range), Diagnostics(
                [_diag("Unexpected end of template", "The control directives within this template are unbalanced.", tok.range)]
            )
        assert isinstance(tok, _TEndCtrl)
        self.read()
        return LiteralValueExpr(DYNAMIC_VAL, tok.range), Diagnostics(
            [_diag(f"Unexpected {tok.name} directive", "The control directives within this template are unbalanced.", tok.range)]
        )

    def parse_if(self) -> tuple[Node, Diagnostics]:
        open_if = self.read()
        assert isinstance(open_if, _TIf)
        if_exprs: list[Node] = []
        else_exprs: list[Node] = []
        current = if_exprs
        diags = Diagnostics()
        endif_range: Range
        while True:
            nxt = self.peek()
            if type(nxt) is _TEnd:
                diags.append(
                    _diag(
                        "Unexpected end of template",
                        f"The if directive at {range_string(open_if.range)} is missing its corresponding endif directive.",
                        nxt.range,
                    )
                )
                return LiteralValueExpr(DYNAMIC_VAL, nxt.range), diags
            if type(nxt) is _TEndCtrl:
                assert isinstance(nxt, _TEndCtrl)
                self.read()
                if nxt.name == "else":
                    if current is if_exprs:
                        current = else_exprs
                        continue
                    diags.append(
                        _diag(
                            "Unexpected else directive",
                            f"Already in the else clause for the if started at {range_string(open_if.range)}.",
                            nxt.range,
                        )
                    )
                elif nxt.name == "endif":
                    endif_range = nxt.range
                    break
                else:
                    diags.append(
                        _diag(
                            f"Unexpected {nxt.name} directive",
                            f"Expecting an endif directive for the if started at {range_string(open_if.range)}.",
                            nxt.range,
                        )
                    )
                return LiteralValueExpr(DYNAMIC_VAL, nxt.range), diags
            e, d = self.parse_expr()
            diags.extend(d)
            current.append(e)
        if not if_exprs:
            if_exprs.append(LiteralValueExpr(string_value(""), end_point(open_if.range)))
        if not else_exprs:
            else_exprs.append(LiteralValueExpr(string_value(""), start_point(endif_range)))
        true_expr = TemplateExpr(if_exprs, between(if_exprs[0].range, if_exprs[-1].range))
        false_expr = TemplateExpr(else_exprs, between(else_exprs[0].range, else_exprs[-1].range))
        return ConditionalExpr(open_if.cond, true_expr, false_expr, between(open_if.range, endif_range)), diags

    def parse_for(self) -> tuple[Node, Diagnostics]:
        open_for = self.read()
        assert isinstance(open_for, _TFor)
        content: list[Node] = []
        diags = Diagnostics()
        endfor_range: Range
        while True:
            nxt = self.peek()
            if type(nxt) is _TEnd:
                diags.append(
                    _diag(
                        "Unexpected end of template",
                        f"The for directive at {range_string(open_for.range)} is missing its corresponding endfor directive.",
                        nxt.range,
                    )
                )
                return LiteralValueExpr(DYNAMIC_VAL, nxt.range), diags
            if type(nxt) is _TEndCtrl:
                assert isinstance(nxt, _TEndCtrl)
                self.read()
                if nxt.name == "else":
                    diags.append(
                        _diag("Unexpected else directive", "An else clause is not expected for a for directive.", nxt.range)
                    )
                elif nxt.name == "endfor":
                    endfor_range = nxt.range
                    break
                else:
                    diags.append(
                        _diag(
                            f"Unexpected {nxt.name} directive",
                            "Expecting an endfor directive corresponding to the for directive at "
                            f"{range_string(open_for.range)}.",
                            nxt.range,
                        )
                    )
                return LiteralValueExpr(DYNAMIC_VAL, nxt.range), diags
            e, d = self.parse_expr()
            diags.extend(d)
            content.append(e)
        if not content:
            content.append(LiteralValueExpr(string_value(""), end_point(open_for.range)))
        content_expr = TemplateExpr(content, between(content[0].range, content[-1].range))
        for_expr = ForExpr(
            open_for.key_var,
            open_for.val_var,
            open_for.coll,
            None,
            content_expr,
            None,
            False,
            between(open_for.range, endfor_range),
            open_for.range,
            endfor_range,
        )
        return TemplateJoinExpr(for_expr), diags


def _template_is_string_literal(e: TemplateExpr) -> bool:
    return len(e.parts) == 1 and type(e.parts[0]) is LiteralValueExpr


# --- public API -----------------------------------------------------------------


def parse_config(src: bytes, filename: str, start: Pos = Pos()) -> tuple[hcl.File, Diagnostics]:
    """Parse a whole native-syntax configuration file into a File whose body is a Body."""
    f, _, diags = parse_config_tokens(src, filename, start)
    return f, diags


def parse_config_tokens(src: bytes, filename: str, start: Pos = Pos()) -> tuple[hcl.File, list[Token], Diagnostics]:
    """Like parse_config, also returning the lossless token stream (for formatters and editors)."""
    # Parsing allocates hundreds of thousands of acyclic objects; the cyclic
    # garbage collector would repeatedly scan them all for nothing.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        tokens, ptoks, diags = lex_for_parser(src, filename, start)
        p = _Parser(ptoks, filename)
        try:
            body, pdiags = p.parse_body(T.EOF)
        except RecursionError:
            r = start_point(ptoks[0].range)
            body, pdiags = Body({}, [], r, r, []), Diagnostics([_too_deep(r)])
        diags.extend(pdiags)
    finally:
        if was_enabled:
            gc.enable()
    return hcl.File(filename, body, src), tokens, diags


def _too_deep(r: Range) -> Diagnostic:
    return _diag(
        "Configuration too deeply nested",
        "This file has expressions or blocks nested too deeply to be parsed.",
        r,
    )


def parse_expression(src: bytes, filename: str, start: Pos = Pos()) -> tuple[Node, Diagnostics]:
    """Parse a standalone expression (newlines are insignificant, as inside parentheses)."""
    _, tokens, diags = lex_for_parser(src, filename, start)
    p = _Parser(tokens, filename)
    p.push_nl(False)
    try:
        expr, pdiags = p.parse_expression()
    except RecursionError:
        r = start_point(tokens[0].range)
        diags.append(_too_deep(r))
        return LiteralValueExpr(DYNAMIC_VAL, r), diags
    diags.extend(pdiags)
    nxt = p.peek()
    if nxt.type is not _EOF and not p.recovery:
        diags.append(
            _diag(
                "Extra characters after expression",
                "An expression was successfully parsed, but extra characters were found after it.",
                nxt.range,
            )
        )
    p.pop_nl()
    return expr, diags


def parse_template(src: bytes, filename: str, start: Pos = Pos()) -> tuple[Node, Diagnostics]:
    """Parse a bare template (templatefile / templatestring contents)."""
    _, tokens, diags = lex_for_parser(src, filename, start, template=True)
    p = _Parser(tokens, filename)
    try:
        exprs, passthru, rng, pdiags = p.parse_template_inner(T.EOF, False)
    except RecursionError:
        r = start_point(tokens[0].range)
        diags.append(_too_deep(r))
        return LiteralValueExpr(DYNAMIC_VAL, r), diags
    diags.extend(pdiags)
    if passthru:
        return TemplateWrapExpr(exprs[0], rng), diags
    return TemplateExpr(exprs, rng), diags


def parse_traversal_abs(src: bytes, filename: str, start: Pos = Pos()) -> tuple[Traversal, Diagnostics]:
    """Parse a static absolute traversal such as aws_instance.foo[0].id (no splats, constant keys)."""
    _, tokens, diags = lex_for_parser(src, filename, start)
    p = _Parser(tokens, filename)
    p.push_nl(False)
    trav, pdiags = _parse_traversal(p)
    diags.extend(pdiags)
    p.pop_nl()
    return trav, diags


def _parse_traversal(p: _Parser) -> tuple[Traversal, Diagnostics]:
    diags = Diagnostics()
    steps: list[TraverseRoot | TraverseAttr | TraverseIndex] = []
    var_tok = p.read()
    if var_tok.type is not _IDENT:
        diags.append(_diag("Variable name required", "Must begin with a variable name.", var_tok.range))
        return Traversal(()), diags
    steps.append(TraverseRoot(var_tok.text, var_tok.range))
    while True:
        nxt = p.peek()
        if nxt.type is _EOF:
            break
        if nxt.type is T.Dot:
            dot = p.read()
            name_tok = p.read()
            if name_tok.type is not _IDENT:
                if name_tok.type is T.Star:
                    diags.append(
                        _diag(
                            "Attribute name required",
                            "Splat expressions (.*) may not be used here.",
                            name_tok.range,
                            between(var_tok.range, name_tok.range),
                        )
                    )
                else:
                    diags.append(
                        _diag(
                            "Attribute name required",
                            "Dot must be followed by attribute name.",
                            name_tok.range,
                            between(var_tok.range, name_tok.range),
                        )
                    )
                break
            steps.append(TraverseAttr(name_tok.text, between(dot.range, name_tok.range)))
        elif nxt.type is T.OBrack:
            open_ = p.read()
            kt = p.peek()
            if kt.type is T.NumberLit:
                tok = p.read()
                val, ndiags = p.number_value(tok)
                diags.extend(ndiags)
                close = p.read()
                if close.type is not T.CBrack:
                    diags.append(
                        _diag(
                            "Unclosed index brackets",
                            "Index key must be followed by a closing bracket.",
                            close.range,
                            between(open_.range, close.range),
                        )
                    )
                steps.append(TraverseIndex(val, between(open_.range, close.range)))
                if diags.has_errors():
                    break
            elif kt.type is T.OQuote:
                s, _, sdiags = p.parse_quoted_string_literal()
                diags.extend(sdiags)
                close = p.read()
                if close.type is not T.CBrack:
                    diags.append(
                        _diag(
                            "Unclosed index brackets",
                            "Index key must be followed by a closing bracket.",
                            close.range,
                            between(open_.range, close.range),
                        )
                    )
                steps.append(TraverseIndex(string_value(s), between(open_.range, close.range)))
                if diags.has_errors():
                    break
            else:
                if kt.type is T.Star:
                    diags.append(
                        _diag(
                            "Attribute name required",
                            "Splat expressions ([*]) may not be used here.",
                            kt.range,
                            between(var_tok.range, kt.range),
                        )
                    )
                else:
                    diags.append(
                        _diag(
                            "Index value required",
                            "Index brackets must contain either a literal number or a literal string.",
                            kt.range,
                            between(var_tok.range, kt.range),
                        )
                    )
                break
        else:
            diags.append(
                _diag(
                    "Invalid character",
                    "Expected an attribute access or an index operator.",
                    nxt.range,
                    between(var_tok.range, nxt.range),
                )
            )
            break
    return Traversal(tuple(steps)), diags


__all__ = [
    "parse_config",
    "parse_config_tokens",
    "parse_expression",
    "parse_string_literal_token",
    "parse_template",
    "parse_traversal_abs",
    "string_value",
]
