"""JSON values with source ranges: a small scanner and parser.

The standard JSON libraries give no positions, so this module scans the
source itself (one compiled regex) and builds value nodes that remember their
ranges. Syntax errors are diagnostics with hashicorp/hcl's JSON summaries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sheath.diag import Diagnostic, Diagnostics, Pos, Range, Severity
from sheath.lang.hclsyntax._pos import SourceIndex, between, mk_pos, mk_range, src_range
from sheath.lang.hclsyntax.body import go_quote, name_suggestion
from sheath.types.number import Number

# --- nodes ---------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class JSONObjectAttr:
    name: str
    value: "JSONNode"
    name_range: Range

    @property
    def range(self) -> Range:
        return between(self.name_range, self.value.range)


@dataclass(slots=True, eq=False)
class JSONObject:
    attrs: list[JSONObjectAttr]
    range: Range
    open_range: Range
    close_range: Range

    @property
    def start_range(self) -> Range:
        return self.open_range


@dataclass(slots=True, eq=False)
class JSONArray:
    values: list["JSONNode"]
    range: Range
    open_range: Range

    @property
    def start_range(self) -> Range:
        return self.open_range


@dataclass(slots=True, eq=False)
class JSONString:
    value: str
    range: Range

    @property
    def start_range(self) -> Range:
        return self.range


@dataclass(slots=True, eq=False)
class JSONNumber:
    value: Number
    text: str
    range: Range

    @property
    def start_range(self) -> Range:
        return self.range


@dataclass(slots=True, eq=False)
class JSONBool:
    value: bool
    range: Range

    @property
    def start_range(self) -> Range:
        return self.range


@dataclass(slots=True, eq=False)
class JSONNull:
    range: Range

    @property
    def start_range(self) -> Range:
        return self.range


@dataclass(slots=True, eq=False)
class JSONInvalid:
    """Placeholder for a value that could not be parsed."""

    range: Range

    @property
    def start_range(self) -> Range:
        return self.range


JSONNode = JSONObject | JSONArray | JSONString | JSONNumber | JSONBool | JSONNull | JSONInvalid

# --- scanner -------------------------------------------------------------------

_WS, _OBRACE, _CBRACE, _OBRACK, _CBRACK, _COMMA, _COLON, _EQUALS, _STRING, _NUMBER, _KEYWORD, _INVALID, _EOF = range(1, 14)

_TOKEN_RE = re.compile(
    r"([ \t\r\n]+)"
    r"|(\{)|(\})|(\[)|(\])|(,)|(:)|(=)"
    r'|("(?:[^"\\]|\\.)*"?)'
    r"|(-?[0-9.][0-9a-zA-Z.+\-]*)"
    r"|([A-Za-z_][A-Za-z0-9_]*)"
    r"|(.)",
    re.DOTALL,
)

_NUMBER_RE = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_SIMPLE_STRING_RE = re.compile(r'"[^"\\\x00-\x1f\udc80-\udcff]*"')


@dataclass(slots=True)
class _Tok:
    type: int
    text: str
    range: Range


def _scan(text: str, ix: SourceIndex) -> list[_Tok]:
    toks: list[_Tok] = []
    append = toks.append
    match = _TOKEN_RE.match
    pos = 0
    n = len(text)
    while pos < n:
        m = match(text, pos)
        assert m is not None
        g = m.lastindex
        e = m.end()
        if g != _WS:
            assert g is not None
            append(_Tok(g, text[pos:e], src_range(ix, pos, e)))
        pos = e
    append(_Tok(_EOF, "", src_range(ix, n, n)))
    return toks


def _err(summary: str, detail: str, subject: Range, context: Range | None = None) -> Diagnostic:
    return Diagnostic(Severity.ERROR, summary, detail, subject, context)


class _Parser:
    __slots__ = ("toks", "i")

    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = toks
        self.i = 0

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def read(self) -> _Tok:
        t = self.toks[self.i]
        if t.type != _EOF:
            self.i += 1
        return t

    def parse_value(self, diags: Diagnostics) -> JSONNode:
        """Parse one value; a value that cannot be parsed becomes a JSONInvalid placeholder."""
        tok = self.peek()
        ty = tok.type
        node: JSONNode | None = None
        if ty == _OBRACE:
            node = self.parse_object(diags)
        elif ty == _OBRACK:
            node = self.parse_array(diags)
        elif ty == _STRING:
            node = self.parse_string(diags)
        elif ty == _NUMBER:
            node = self.parse_number(diags)
        elif ty == _KEYWORD:
            node = self.parse_keyword(diags)
        elif ty == _CBRACE:
            diags.append(
                _err(
                    "Missing JSON value",
                    "A JSON value must start with a brace, a bracket, a number, a string, or a keyword.",
                    tok.range,
                )
            )
        elif ty == _CBRACK:
            diags.append(
                _err(
                    "Missing array element value",
                    "A JSON value must start with a brace, a bracket, a number, a string, or a keyword.",
                    tok.range,
                )
            )
        elif ty == _EOF:
            diags.append(_err("Missing value", "The JSON data ends prematurely.", tok.range))
        else:
            diags.append(
                _err(
                    "Invalid start of value",
                    "A JSON value must start with a brace, a bracket, a number, a string, or a keyword.",
                    tok.range,
                )
            )
        if node is None:
            return JSONInvalid(tok.range)
        return node

    def _recover(self, tok: _Tok, open_t: int, close_t: int) -> None:
        depth = 1
        while True:
            if tok.type == open_t:
                depth += 1
            elif tok.type == close_t:
                depth -= 1
                if depth <= 1:
                    return
            elif tok.type == _EOF:
                return
            tok = self.read()

    def parse_object(self, diags: Diagnostics) -> JSONObject | None:
        open_ = self.read()
        attrs: list[JSONObjectAttr] = []
        while True:
            if self.peek().type == _CBRACE:
                break
            key = self.parse_value(diags)
            if not isinstance(key, JSONString):
                diags.append(
                    _err("Invalid object property name", "A JSON object property name must be a string", key.start_range)
                )
                return None
            colon = self.read()
            if colon.type != _COLON:
                self._recover(colon, _OBRACE, _CBRACE)
                if colon.type == _CBRACE or colon.type == _COMMA:
                    diags.append(
                        _err("Missing object value", "A JSON object attribute must have a value, introduced by a colon.", colon.range)
                    )
                elif colon.type == _EQUALS:
                    diags.append(
                        _err(
                            "Missing property value colon",
                            "JSON uses a colon as its name/value delimiter, not an equals sign.",
                            colon.range,
                        )
                    )
                else:
                    diags.append(
                        _err(
                            "Missing property value colon",
                            "A colon must appear between an object property's name and its value.",
                            colon.range,
                        )
                    )
                return None
            val = self.parse_value(diags)
            attrs.append(JSONObjectAttr(key.value, val, key.range))
            nt = self.peek().type
            if nt == _COMMA:
                comma = self.read()
                if self.peek().type == _CBRACE:
                    diags.append(
                        _err(
                            "Trailing comma in object",
                            "JSON does not permit a trailing comma after the final property in an object.",
                            comma.range,
                        )
                    )
                    return None
                continue
            if nt == _EOF:
                diags.append(_err("Unclosed object", "No closing brace was found for this JSON object.", open_.range))
                return None
            if nt == _CBRACK:
                self.read()
                diags.append(
                    _err("Mismatched braces", "A JSON object must be closed with a brace, not a bracket.", self.peek().range)
                )
                return None
            if nt == _CBRACE:
                break
            self._recover(self.read(), _OBRACE, _CBRACE)
            diags.append(
                _err(
                    "Missing attribute seperator comma",
                    "A comma must appear between each property definition in an object.",
                    self.peek().range,
                )
            )
            return None
        close = self.read()
        return JSONObject(attrs, between(open_.range, close.range), open_.range, close.range)

    def parse_array(self, diags: Diagnostics) -> JSONArray | None:
        open_ = self.read()
        vals: list[JSONNode] = []
        while True:
            if self.peek().type == _CBRACK:
                break
            val = self.parse_value(diags)
            vals.append(val)
            nt = self.peek().type
            if nt == _COMMA:
                comma = self.read()
                if self.peek().type == _CBRACK:
                    diags.append(
                        _err(
                            "Trailing comma in array",
                            "JSON does not permit a trailing comma after the final value in an array.",
                            comma.range,
                        )
                    )
                    return None
                continue
            if nt == _COLON:
                self._recover(self.read(), _OBRACK, _CBRACK)
                diags.append(_err("Invalid array value", "A colon is not used to introduce values in a JSON array.", self.peek().range))
                return None
            if nt == _EOF:
                self._recover(self.read(), _OBRACK, _CBRACK)
                diags.append(_err("Unclosed object", "No closing bracket was found for this JSON array.", open_.range))
                return None
            if nt == _CBRACE:
                tok = self.read()
                self._recover(tok, _OBRACK, _CBRACK)
                diags.append(_err("Mismatched brackets", "A JSON array must be closed with a bracket, not a brace.", tok.range))
                return None
            if nt == _CBRACK:
                break
            self._recover(self.read(), _OBRACK, _CBRACK)
            diags.append(
                _err("Missing attribute seperator comma", "A comma must appear between each value in an array.", self.peek().range)
            )
            return None
        close = self.read()
        return JSONArray(vals, between(open_.range, close.range), open_.range)

    def parse_number(self, diags: Diagnostics) -> JSONNumber | None:
        tok = self.read()
        if _NUMBER_RE.fullmatch(tok.text) is None:
            diags.append(_err("Invalid JSON number", "There is a syntax error in the given JSON number.", tok.range))
            return None
        try:
            num = Number.parse(tok.text)
        except ValueError:
            diags.append(_err("Invalid JSON number", "There is a syntax error in the given JSON number.", tok.range))
            return None
        return JSONNumber(num, tok.text, tok.range)

    def parse_string(self, diags: Diagnostics) -> JSONString | None:
        tok = self.read()
        text = tok.text
        if _SIMPLE_STRING_RE.fullmatch(text) is not None:
            return JSONString(text[1:-1], tok.range)
        val, err_at = _decode_string(text)
        if err_at is not None:
            # like encoding/json's SyntaxError.Offset: bytes read up to and including the bad one
            off = len(text[:err_at].encode("utf-8", "surrogateescape"))
            r = tok.range
            st = r.start
            err_range = mk_range(
                r.filename, mk_pos(st.line, st.column + off, st.byte + off), mk_pos(st.line, st.column + off + 1, st.byte + off + 1)
            )
            ctx = r if err_range != r else None
            diags.append(_err("Invalid JSON string", "There is a syntax error in the given JSON string.", err_range, ctx))
            return None
        return JSONString(val, tok.range)

    def parse_keyword(self, diags: Diagnostics) -> JSONNode | None:
        tok = self.read()
        s = tok.text
        if s == "true":
            return JSONBool(True, tok.range)
        if s == "false":
            return JSONBool(False, tok.range)
        if s == "null":
            return JSONNull(tok.range)
        if s in ("undefined", "NaN", "Infinity"):
            diags.append(
                _err("Invalid JSON keyword", f"The JavaScript identifier {go_quote(s)} cannot be used in JSON.", tok.range)
            )
            return None
        sugg = name_suggestion(s.lower() if s.lower() in ("true", "false", "null") else s, ["true", "false", "null"])
        dym = f" Did you mean {go_quote(sugg)}?" if sugg else ""
        diags.append(_err("Invalid JSON keyword", f"{go_quote(s)} is not a valid JSON keyword.{dym}", tok.range))
        return None


_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_HEX = frozenset("0123456789abcdefABCDEF")


def _decode_string(text: str) -> tuple[str, int | None]:
    """Decode a JSON string token as Go's encoding/json does.

    Returns (value, None), or ("", i) where i is the index just past the
    offending character (invalid escape, control character, or end of input).
    Invalid UTF-8 becomes U+FFFD; unpaired surrogate escapes too.
    """
    out: list[str] = []
    i = 1
    n = len(text)
    while i < n:
        c = text[i]
        if c == '"':
            if i != n - 1:
                return "", i + 1
            return "".join(out), None
        if c == "\\":
            if i + 1 >= n:
                return "", n
            sel = text[i + 1]
            simple = _ESCAPES.get(sel)
            if simple is not None:
                out.append(simple)
                i += 2
                continue
            if sel != "u":
                return "", i + 2
            for j in range(i + 2, i + 6):
                if j >= n:
                    return "", n
                if text[j] not in _HEX:
                    return "", j + 1
            cp = int(text[i + 2 : i + 6], 16)
            i += 6
            if 0xD800 <= cp < 0xDC00 and text[i : i + 2] == "\\u" and all(ch in _HEX for ch in text[i + 2 : i + 6]) and len(text) >= i + 6:
                lo = int(text[i + 2 : i + 6], 16)
                if 0xDC00 <= lo < 0xE000:
                    out.append(chr(0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)))
                    i += 6
                    continue
            out.append("\ufffd" if 0xD800 <= cp < 0xE000 else chr(cp))
            continue
        if c < " ":
            return "", i + 1
        if "\udc80" <= c <= "\udcff":
            out.append("\ufffd")
        else:
            out.append(c)
        i += 1
    return "", n


def parse_value(src: bytes, filename: str, start: Pos = Pos()) -> tuple[JSONNode, Diagnostics]:
    """Parse one JSON value (the whole input); problems are diagnostics, never exceptions."""
    byte0 = start.byte
    if src.startswith(b"\xef\xbb\xbf"):
        src = src[3:]
        byte0 += 3
    text = src.decode("utf-8", "surrogateescape")
    ix = SourceIndex(filename, text, start, byte0, len(text) == len(src))
    p = _Parser(_scan(text, ix))
    diags = Diagnostics()
    try:
        node = p.parse_value(diags)
    except RecursionError:
        first = p.toks[0].range
        diags.append(_err("JSON value too deeply nested", "This JSON value is nested too deeply to be parsed.", first))
        return JSONInvalid(first), diags
    if not diags and p.peek().type != _EOF:
        diags.append(_err("Extraneous data after value", "Extra characters appear after the JSON value.", p.peek().range))
    return node, diags


__all__ = [
    "JSONArray",
    "JSONBool",
    "JSONInvalid",
    "JSONNode",
    "JSONNull",
    "JSONNumber",
    "JSONObject",
    "JSONObjectAttr",
    "JSONString",
    "parse_value",
]
