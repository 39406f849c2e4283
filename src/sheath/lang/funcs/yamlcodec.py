"""YAML codec for yamldecode / yamlencode, matching terraform (go-cty-yaml).

Decoding runs libyaml's parser (through PyYAML's C binding; go-yaml is a port
of libyaml, so events and error texts agree) and resolves scalars the way
go-cty-yaml does: YAML 1.1-style booleans (``yes``/``on``...), ``~``/``null``,
``.inf``, decimal and ``0x``/``0o`` integers, timestamps as RFC 3339 strings,
``!!binary`` kept as base64 text. Mappings become objects, sequences tuples.

Encoding is a small dedicated emitter reproducing libyaml's emitter as
go-cty-yaml drives it: block style, 2-space indentation, every string
double-quoted (multi-line strings as ``|`` literal blocks when allowed),
keys in cty order, numbers in plain decimal notation.
"""

from __future__ import annotations

import re
from typing import Any

import yaml  # type: ignore[import-untyped, unused-ignore]
import yaml.cyaml  # type: ignore[import-untyped, unused-ignore]

from sheath.lang.funcs import numbers
from sheath.lang.funcs.textenc import Base64Error, b64decode_go
from sheath.types.cty import NUMBER, STRING, Value, null, object_val, string_val, tuple_val, TRUE, FALSE
from sheath.goquote import go_quote

__all__ = ["YAMLError", "decode", "encode"]


class YAMLError(Exception):
    """A decoding/encoding failure; str() is terraform's message text."""


# --------------------------------------------------------------------------
# decoding
# --------------------------------------------------------------------------

_TAG_PREFIX = "tag:yaml.org,2002:"
_STR = _TAG_PREFIX + "str"
_BOOL = _TAG_PREFIX + "bool"
_INT = _TAG_PREFIX + "int"
_FLOAT = _TAG_PREFIX + "float"
_NULL = _TAG_PREFIX + "null"
_TIMESTAMP = _TAG_PREFIX + "timestamp"
_BINARY = _TAG_PREFIX + "binary"
_MAP = _TAG_PREFIX + "map"
_SEQ = _TAG_PREFIX + "seq"
_RESOLVABLE = frozenset(("", _STR, _BOOL, _INT, _FLOAT, _NULL, _TIMESTAMP, _BINARY))

_HINTS: dict[str, str] = {}
for _c in "+-":
    _HINTS[_c] = "S"
for _c in "0123456789":
    _HINTS[_c] = "D"
for _c in "yYnNtTfFoO~":
    _HINTS[_c] = "M"
_HINTS["."] = "."

_INF = "inf"
_NEG_INF = "-inf"
_SPECIAL: dict[str, Any] = {}
for _s in ("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"):
    _SPECIAL[_s] = True
for _s in ("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"):
    _SPECIAL[_s] = False
for _s in ("", "~", "null", "Null", "NULL"):
    _SPECIAL[_s] = None
for _s in (".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"):
    _SPECIAL[_s] = _INF
for _s in ("-.inf", "-.Inf", "-.INF"):
    _SPECIAL[_s] = _NEG_INF
_NANS = frozenset((".nan", ".NaN", ".NAN"))

_DECIMAL_RE = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")
_PREFIXED_INT_RE = re.compile(r"0(?:x[0-9a-fA-F]+|o[0-7]+)\Z")
_GO_INT_RE = re.compile(r"([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)\Z")
_TIMESTAMP_RE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?(Z|[-+]\d{2}:\d{2}))"
    r"|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?))?\Z"
)


_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _leap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def _parse_timestamp(s: str) -> str | None:
    """go-cty-yaml's timestamp forms, formatted as RFC 3339 (fraction dropped)."""
    if len(s) < 5 or not s[:4].isdigit() or s[4] != "-":
        return None
    m = _TIMESTAMP_RE.match(s)
    if m is None:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not 1 <= mo <= 12:
        return None
    if d < 1 or d > _DAYS[mo - 1] or (mo == 2 and d == 29 and not _leap(y)):
        return None
    if m.group(4) is not None:
        hh, mm, ss, zone = int(m.group(4)), int(m.group(5)), int(m.group(6)), m.group(7)
    elif m.group(8) is not None:
        hh, mm, ss, zone = int(m.group(8)), int(m.group(9)), int(m.group(10)), "Z"
    else:
        hh = mm = ss = 0
        zone = "Z"
    if hh > 23 or mm > 59 or ss > 59:
        return None
    if zone != "Z":
        zh, zm = int(zone[1:3]), int(zone[4:6])
        if zh > 23 or zm > 59:  # Go rejects out-of-range zone offsets
            return None
        if zh == 0 and zm == 0:
            zone = "Z"
    return f"{y:04d}-{mo:02d}-{d:02d}T{hh:02d}:{mm:02d}:{ss:02d}{zone}"


def _special_value(x: Any) -> Value:
    if x is None:
        return null()
    if x is True:
        return TRUE
    if x is False:
        return FALSE
    return numbers.infinity(negative=x == _NEG_INF)


def _go_parse_int(plain: str) -> int | None:
    """strconv.ParseInt / ParseUint with base 0 over 64 bits (no underscores)."""
    m = _GO_INT_RE.match(plain)
    if m is None:
        return None
    sign, body = m.group(1), m.group(2)
    b = body.lower()
    if b.startswith("0x"):
        n = int(b[2:], 16)
    elif b.startswith("0o"):
        n = int(b[2:], 8)
    elif b.startswith("0b"):
        n = int(b[2:], 2)
    elif b.startswith("0") and len(b) > 1:
        n = int(b[1:], 8)
    else:
        n = int(b)
    if sign == "-":
        n = -n
        return n if n >= -(1 << 63) else None
    if sign == "+":
        return n if n < (1 << 63) else None
    return n if n < (1 << 64) else None


def resolve_scalar(tag: str, src: str) -> Value:
    """go-cty-yaml's resolveScalar (as terraform 1.11 behaves)."""
    if tag not in _RESOLVABLE:
        raise YAMLError(f"unsupported tag {go_quote(tag)}")
    hint = _HINTS.get(src[0], "") if src else "N"
    if hint and tag != _STR and tag != _BINARY:
        if src in _SPECIAL:
            return _special_value(_SPECIAL[src])
        if src in _NANS:
            raise YAMLError("floating point NaN is not supported")
        if hint == ".":
            if _DECIMAL_RE.match(src):
                return numbers.from_decimal(src)
        elif hint in "DS":
            if tag == "" or tag == _TIMESTAMP:
                ts = _parse_timestamp(src)
                if ts is not None:
                    return string_val(ts)
            if _DECIMAL_RE.match(src):
                return numbers.from_decimal(src)
            if tag == "" and _PREFIXED_INT_RE.match(src):
                tag = _INT
    if tag == _STR or tag == _BINARY or tag == "":
        if tag == _BINARY:
            try:
                b64decode_go(src.encode())
            except Base64Error:
                raise YAMLError(f"cannot parse {go_quote(src)} as {tag}: not valid base64") from None
        return string_val(src)
    if tag == _BOOL:
        b = _SPECIAL.get(src, 0)
        if b is True or b is False:
            return TRUE if b else FALSE
        raise YAMLError(f"cannot parse {go_quote(src)} as {tag}")
    if tag == _INT or tag == _FLOAT:
        plain = src.replace("_", "")
        if _DECIMAL_RE.match(plain) or plain in ("inf", "Inf", "+inf", "+Inf", "-inf", "-Inf"):
            return numbers.from_decimal(plain)  # cty.ParseNumberVal (big.ParseFloat) syntax
        n = _go_parse_int(plain)
        if n is None and (plain.startswith("0b") or plain.startswith("-0b")):
            digits = plain[2:] if plain[0] == "0" else plain[3:]
            if digits and set(digits) <= {"0", "1"}:
                n = int(digits, 2) * (-1 if plain[0] == "-" else 1)
                if not -(1 << 63) <= n < (1 << 64):
                    n = None
        if n is not None:
            return numbers.from_int(n)
        raise YAMLError(f"cannot parse {go_quote(src)} as {tag}")
    if tag == _TIMESTAMP:
        ts = _parse_timestamp(src)
        if ts is not None:
            return string_val(ts)
        raise YAMLError(f"cannot parse {go_quote(src)} as {tag}")
    # _NULL
    return null()


def _pos_error(mark: Any, msg: str) -> YAMLError:
    """go-cty-yaml's positioned error: 'on line L, column C: msg' (L 0-based as go-cty-yaml prints it)."""
    if mark is not None and mark.line != 0:
        return YAMLError(f"on line {mark.line}, column {mark.column + 1}: {msg}")
    return YAMLError(msg)


def _parser_error(e: yaml.YAMLError) -> YAMLError:
    problem = getattr(e, "problem", None)
    if isinstance(e, yaml.reader.ReaderError):
        msg = e.reason or "invalid YAML syntax"
        return YAMLError(msg)
    msg = problem or "invalid YAML syntax"
    pm = getattr(e, "problem_mark", None)
    cm = getattr(e, "context_mark", None)
    if pm is not None and pm.line != 0:
        line, col = pm.line, pm.column
        if isinstance(e, yaml.scanner.ScannerError):
            line += 1
            col = 0
        return YAMLError(f"on line {line}, column {col + 1}: {msg}")
    if cm is not None and cm.line != 0:
        return YAMLError(f"on line {cm.line}, column {cm.column + 1}: {msg}")
    return YAMLError(msg)


def _to_string(v: Value) -> Value:
    """cty conversion of a primitive to string (for literal-style scalars)."""
    if v.v is None:
        return null(STRING)
    if v.type == STRING:
        return v
    if v.type == NUMBER:
        return string_val(numbers.text(v))
    return string_val("true" if v.v else "false")


class _Decoder:
    __slots__ = ("events", "pos", "error", "pending", "anchors")

    def __init__(self, events: list[Any], error: YAMLError | None) -> None:
        self.events = events
        self.pos = 0
        self.error = error
        self.pending: dict[str, int] = {}
        self.anchors: dict[str, Value] = {}

    def next(self) -> Any:
        """The next event; a parser error surfaces only when it is reached."""
        if self.pos >= len(self.events):
            raise self.error or YAMLError("invalid YAML syntax")
        ev = self.events[self.pos]
        self.pos += 1
        return ev

    def begin(self, name: str | None) -> None:
        if name:
            self.pending[name] = self.pending.get(name, 0) + 1

    def complete(self, name: str | None, v: Value) -> None:
        if name:
            n = self.pending.get(name, 0) - 1
            if n <= 0:
                self.pending.pop(name, None)
            else:
                self.pending[name] = n
            self.anchors[name] = v

    def node(self, ev: Any) -> Value:
        if isinstance(ev, yaml.ScalarEvent):
            self.begin(ev.anchor)
            v = self.scalar(ev)
            self.complete(ev.anchor, v)
            return v
        if isinstance(ev, yaml.AliasEvent):
            name = ev.anchor
            if name in self.pending:
                raise _pos_error(ev.start_mark, f"cannot refer to anchor {go_quote(name)} from inside its own definition")
            if name not in self.anchors:
                raise _pos_error(ev.start_mark, f"reference to undefined anchor {go_quote(name)}")
            return self.anchors[name]
        if isinstance(ev, yaml.MappingStartEvent):
            return self.mapping(ev)
        if isinstance(ev, yaml.SequenceStartEvent):
            return self.sequence(ev)
        if isinstance(ev, yaml.DocumentStartEvent):
            raise _pos_error(ev.start_mark, "only a single document is allowed")
        if isinstance(ev, yaml.StreamEndEvent):
            raise _pos_error(ev.start_mark, "expecting value but found end of stream")
        raise _pos_error(ev.start_mark, "unexpected parser event")

    def scalar(self, ev: Any) -> Value:
        tag = ev.tag or ""
        style = ev.style or ""
        if tag == "" and style in ("'", '"'):
            return string_val(ev.value)
        try:
            v = resolve_scalar(tag, ev.value)
        except YAMLError as e:
            raise _pos_error(ev.start_mark, str(e)) from None
        if tag == "" and style:
            # literal/folded block scalars: typed as string by the type pass
            v = _to_string(v)
        return v

    def mapping(self, ev: Any) -> Value:
        tag = ev.tag or ""
        if tag and tag != _MAP:
            raise _pos_error(ev.start_mark, f"can't interpret mapping as {tag}")
        self.begin(ev.anchor)
        vals: dict[str, Value] = {}
        while True:
            kev = self.next()
            if isinstance(kev, yaml.MappingEndEvent):
                v = object_val(vals)
                self.complete(ev.anchor, v)
                return v
            if not isinstance(kev, yaml.ScalarEvent):
                raise _pos_error(kev.start_mark, "only strings are allowed as mapping keys")
            ktag = kev.tag or ""
            if ktag == "" and (kev.style or "") in ("'", '"'):
                key = string_val(kev.value)
            else:
                key = _to_string(resolve_scalar(ktag, kev.value))
            if key.v is None:
                raise _pos_error(kev.start_mark, "mapping key cannot be null")
            val = self.node(self.next())
            if key.as_str() == "<<":
                # merge key: the mapping's attributes are merged in, in order
                if not val.type.is_object():
                    raise _pos_error(kev.start_mark, f"cannot merge {val.type.friendly_name()} into mapping")
                vals.update(val.attrs())
                continue
            vals[key.as_str()] = val

    def sequence(self, ev: Any) -> Value:
        tag = ev.tag or ""
        if tag and tag != _SEQ:
            raise _pos_error(ev.start_mark, f"can't interpret sequence as {tag}")
        self.begin(ev.anchor)
        vals: list[Value] = []
        while True:
            nev = self.next()
            if isinstance(nev, yaml.SequenceEndEvent):
                v = tuple_val(vals)
                self.complete(ev.anchor, v)
                return v
            vals.append(self.node(nev))


def decode(src: str) -> Value:
    """yamldecode: the value for one YAML document (raises YAMLError)."""
    if src == "":
        src = "\n"
    events: list[Any] = []
    error: YAMLError | None = None
    parser = yaml.cyaml.CParser(src)
    try:
        while True:
            try:
                if not parser.check_event():
                    break
                events.append(parser.get_event())
            except yaml.YAMLError as e:
                error = _parser_error(e)
                break
    finally:
        parser.dispose()
    d = _Decoder(events, error)
    pull = d.next
    ev = pull()
    if not isinstance(ev, yaml.StreamStartEvent):
        raise _pos_error(ev.start_mark, "missing stream start token")
    ev = pull()
    if not isinstance(ev, yaml.DocumentStartEvent):
        raise _pos_error(ev.start_mark, "missing start of document")
    version = getattr(ev, "version", None)
    if version is not None and tuple(version) != (1, 1):
        raise YAMLError("found incompatible YAML document")
    v = d.node(pull())
    ev = pull()
    if isinstance(ev, yaml.DocumentStartEvent):
        raise _pos_error(ev.start_mark, "only a single document is allowed")
    if not isinstance(ev, yaml.DocumentEndEvent):
        raise _pos_error(ev.start_mark, "unexpected extra content after value")
    ev = pull()
    if not isinstance(ev, yaml.StreamEndEvent):
        raise _pos_error(ev.start_mark, "unexpected extra content after value")
    return v


# --------------------------------------------------------------------------
# encoding: libyaml's emitter, reduced to what go-cty-yaml emits
# --------------------------------------------------------------------------

_BEST_INDENT = 2
_BEST_WIDTH = 80
_BREAKS = "\n\r\x85\u2028\u2029"


def _is_printable(c: str) -> bool:
    o = ord(c)
    return (
        o == 0x0A
        or 0x20 <= o <= 0x7E
        or 0xA0 <= o <= 0xD7FF
        or (0xE000 <= o <= 0xFFFD and o != 0xFEFF)
    )  # go-yaml treats U+0085 and all 4-byte UTF-8 sequences as non-printable


class _Analysis:
    __slots__ = ("multiline", "block_allowed")

    def __init__(self, value: str) -> None:
        self.multiline = False
        self.block_allowed = False
        if not value:
            return
        line_breaks = special = False
        leading_space = leading_break = trailing_space = trailing_break = False
        break_space = space_break = previous_space = previous_break = False
        n = len(value)
        for i, c in enumerate(value):
            if not _is_printable(c):
                special = True
            if c == " ":
                if i == 0:
                    leading_space = True
                if i == n - 1:
                    trailing_space = True
                if previous_break:
                    break_space = True
                previous_space = True
                previous_break = False
            elif c in _BREAKS:
                line_breaks = True
                if i == 0:
                    leading_break = True
                if i == n - 1:
                    trailing_break = True
                if previous_space:
                    space_break = True
                previous_break = True
                previous_space = False
            else:
                previous_space = previous_break = False
        del leading_space, leading_break, trailing_break, break_space
        self.multiline = line_breaks
        self.block_allowed = not (trailing_space or space_break or special)


_DQ_ESCAPES = {
    "\0": "0",
    "\a": "a",
    "\b": "b",
    "\t": "t",
    "\n": "n",
    "\v": "v",
    "\f": "f",
    "\r": "r",
    "\x1b": "e",
    '"': '"',
    "\\": "\\",
    "\x85": "N",
    "\u2028": "L",
    "\u2029": "P",
    "\xa0": "_",
}


class _Emitter:
    __slots__ = ("out", "indent", "indents", "column", "whitespace", "indention", "open_ended")

    def __init__(self) -> None:
        self.out: list[str] = []
        self.indent = -1
        self.indents: list[int] = []
        self.column = 0
        self.whitespace = True
        self.indention = True
        self.open_ended = False

    # -- primitive writers ------------------------------------------------
    def put(self, s: str) -> None:
        self.out.append(s)
        self.column += len(s)

    def put_break(self) -> None:
        self.out.append("\n")
        self.column = 0

    def write_indent(self) -> None:
        indent = max(self.indent, 0)
        if not self.indention or self.column > indent or (self.column == indent and not self.whitespace):
            self.put_break()
        if self.column < indent:
            self.put(" " * (indent - self.column))
        self.whitespace = True
        self.indention = True

    def write_indicator(self, ind: str, need_ws: bool, is_ws: bool, is_indention: bool) -> None:
        if need_ws and not self.whitespace:
            self.put(" ")
        self.put(ind)
        self.whitespace = is_ws
        self.indention = self.indention and is_indention
        self.open_ended = False

    def increase_indent(self, flow: bool, indentless: bool) -> None:
        self.indents.append(self.indent)
        if self.indent < 0:
            self.indent = _BEST_INDENT if flow else 0
        elif not indentless:
            self.indent += _BEST_INDENT

    def pop_indent(self) -> None:
        self.indent = self.indents.pop()

    # -- scalars ------------------------------------------------------------
    def plain(self, text: str, root: bool) -> None:
        self.increase_indent(True, False)
        if not self.whitespace:
            self.put(" ")
        self.put(text)
        self.whitespace = False
        self.indention = False
        if root:
            self.open_ended = True
        self.pop_indent()

    def string(self, s: str, simple_key: bool) -> None:
        self.increase_indent(True, False)
        literal = "\n" in s and not simple_key and _Analysis(s).block_allowed
        if literal:
            self.literal(s)
        else:
            self.double_quoted(s, allow_breaks=not simple_key)
        self.pop_indent()

    def double_quoted(self, s: str, allow_breaks: bool) -> None:
        self.write_indicator('"', True, False, False)
        spaces = False
        n = len(s)
        i = 0
        # go-yaml escapes every character of a string that starts with a BOM
        escape_all = s.startswith("\ufeff")
        while i < n:
            c = s[i]
            if escape_all or not _is_printable(c) or c == "\ufeff" or c in _BREAKS or c == '"' or c == "\\":
                esc = _DQ_ESCAPES.get(c)
                if esc is None:
                    o = ord(c)
                    if o <= 0xFF:
                        esc = f"x{o:02X}"
                    elif o <= 0xFFFF:
                        esc = f"u{o:04X}"
                    else:
                        esc = f"U{o:08X}"
                self.put("\\" + esc)
                spaces = False
            elif c == " ":
                if allow_breaks and not spaces and self.column > _BEST_WIDTH and i != 0 and i != n - 1:
                    self.write_indent()
                    if i + 1 < n and s[i + 1] == " ":
                        self.put("\\")
                else:
                    self.put(c)
                spaces = True
            else:
                self.put(c)
                spaces = False
            i += 1
        self.write_indicator('"', False, False, False)

    def literal(self, s: str) -> None:
        self.write_indicator("|", True, False, False)
        hints = ""
        if s[0] == " " or s[0] in _BREAKS:
            hints += str(_BEST_INDENT)
        self.open_ended = False
        if s[-1] not in _BREAKS:
            hints += "-"
        elif len(s) == 1 or s[-2] in _BREAKS:
            hints += "+"
            self.open_ended = True
        if hints:
            self.put(hints)
        self.put_break()
        self.indention = True
        self.whitespace = True
        breaks = True
        for c in s:
            if c in _BREAKS:
                if c == "\n":
                    self.put_break()
                else:
                    self.out.append(c)
                    self.column = 0
                self.indention = True
                breaks = True
            else:
                if breaks:
                    self.write_indent()
                    breaks = False
                self.put(c)
                self.indention = False
        self.whitespace = True  # ends after a line break or mid-line

    # -- nodes --------------------------------------------------------------
    def node(self, v: Value, *, root: bool = False, mapping_ctx: bool = False, simple_key: bool = False) -> None:
        if v.v is None:
            self.plain("null", root)
            return
        t = v.type
        if t == STRING:
            self.string(v.as_str(), simple_key)
        elif t == NUMBER:
            self.plain(numbers.text(v), root)
        elif t.is_primitive():
            self.plain("true" if v.v else "false", root)
        elif t.is_map() or t.is_object():
            self.mapping(v.attrs())
        else:
            self.sequence(v.elements(), mapping_ctx)

    def sequence(self, elems: tuple[Value, ...], mapping_ctx: bool) -> None:
        if not elems:
            self.write_indicator("[", True, True, False)
            self.write_indicator("]", False, False, False)
            return
        self.increase_indent(False, mapping_ctx and not self.indention)
        for e in elems:
            self.write_indent()
            self.write_indicator("-", True, False, True)
            self.node(e)
        self.pop_indent()

    def mapping(self, attrs: dict[str, Value]) -> None:
        if not attrs:
            self.write_indicator("{", True, True, False)
            self.write_indicator("}", False, False, False)
            return
        self.increase_indent(False, False)
        for k, e in attrs.items():
            self.write_indent()
            if "\n" not in k and "\r" not in k and "\x85" not in k and "\u2028" not in k and "\u2029" not in k and len(k.encode()) <= 128:
                self.string(k, simple_key=True)
                self.write_indicator(":", False, False, False)
            else:
                self.write_indicator("?", True, False, True)
                self.string(k, simple_key=False)
                self.write_indent()
                self.write_indicator(":", True, False, True)
            self.node(e, mapping_ctx=True)
        self.pop_indent()


def encode(v: Value) -> str:
    """yamlencode of a wholly known value."""
    em = _Emitter()
    em.node(v, root=True)
    # document end (implicit)
    em.write_indent()
    if v.v is None or (v.type.is_primitive() and v.type != STRING):
        em.put("...")
        em.write_indent()
    return "".join(em.out)

