"""cty's JSON codec (ctyjson): values and types.

* ``value_to_json(v, t)``: Marshal. Numbers are written with full precision
  (``Number.format``), strings escaped as Go's encoding/json does (``<``,
  ``>``, ``&``, U+2028, U+2029 as ``\\uXXXX``), maps/objects with sorted keys,
  sets/lists/tuples as arrays. When ``t`` is dynamic the value is wrapped as
  ``{"value": ..., "type": ...}``. Unknown or marked values are errors.
* ``value_from_json(data, t)``: Unmarshal into a given type.
* ``implied_type(data)`` / ``decode_implied(data)``: what ``jsondecode`` does:
  objects become object types, arrays tuples, numbers exact.
* ``type_to_json`` / ``type_from_json``: cty's JSON type syntax
  (``"string"``, ``["list","string"]``, ``["object",{...}]``, ``"dynamic"``).
"""

from __future__ import annotations

import json as _json
import re
from typing import Any, Final

from sheath.types.cty import (
    BOOL,
    DYNAMIC,
    NUMBER,
    STRING,
    UNKNOWN,
    ListType,
    MapType,
    ObjectType,
    SetType,
    TupleType,
    Type,
    Value,
)
from sheath.types.number import Number

__all__ = [
    "JSONError",
    "value_to_json",
    "value_from_json",
    "implied_type",
    "decode_implied",
    "type_to_json",
    "type_from_json",
    "type_to_json_value",
    "encode_string",
]


class JSONError(ValueError):
    """A value cannot be encoded/decoded; ``message`` is cty's / Go's wording."""

    def __init__(self, message: str, path: tuple[Any, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


_ESCAPE_RE: Final = re.compile('[\\x00-\\x1f"\\\\<>&\u2028\u2029]')
_ESCAPES: Final = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


def _escape(m: re.Match[str]) -> str:
    c = m.group(0)
    e = _ESCAPES.get(c)
    if e is not None:
        return e
    return f"\\u{ord(c):04x}"


def encode_string(s: str) -> str:
    """A JSON string literal as Go's encoding/json writes it (HTML-safe)."""
    return '"' + _ESCAPE_RE.sub(_escape, s) + '"'


# ------------------------------------------------------------------ encode


def value_to_json(v: Value, t: Type | None = None) -> bytes:
    """ctyjson.Marshal(v, t); t defaults to v's own type."""
    out: list[str] = []
    _marshal(v, v.type if t is None else t, (), out)
    return "".join(out).encode("utf-8")


def _marshal(v: Value, t: Type, path: tuple[Any, ...], out: list[str]) -> None:
    if v.marks:
        raise JSONError("value has marks, so it cannot be serialized as JSON", path)
    if t.is_dynamic() and not v.type.is_dynamic():
        out.append('{"value":')
        _marshal(v, v.type, path, out)
        out.append(',"type":')
        out.append(type_to_json(v.type).decode())
        out.append("}")
        return
    p = v.v
    if p is None:
        out.append("null")
        return
    if p is UNKNOWN:
        raise JSONError("value is not known", path)
    if t == STRING:
        out.append(encode_string(p))
    elif t == NUMBER:
        if p.is_inf():
            raise JSONError("cannot serialize infinity as JSON", path)
        out.append(p.format())
    elif t == BOOL:
        out.append("true" if p else "false")
    elif isinstance(t, (ListType, SetType)):
        out.append("[")
        for i, e in enumerate(p):
            if i:
                out.append(",")
            _marshal(e, t.element, path + (i,), out)
        out.append("]")
    elif isinstance(t, TupleType):
        out.append("[")
        for i, (e, et) in enumerate(zip(p, t.elements)):
            if i:
                out.append(",")
            _marshal(e, et, path + (i,), out)
        out.append("]")
    elif isinstance(t, MapType):
        out.append("{")
        for i, k in enumerate(sorted(p)):
            if i:
                out.append(",")
            out.append(encode_string(k))
            out.append(":")
            _marshal(p[k], t.element, path + ((k,),), out)
        out.append("}")
    elif isinstance(t, ObjectType):
        out.append("{")
        for i, k in enumerate(sorted(t.attrs)):
            if i:
                out.append(",")
            out.append(encode_string(k))
            out.append(":")
            _marshal(p[k], t.attrs[k], path + (k,), out)
        out.append("}")
    else:
        raise JSONError(f"cannot serialize {t.friendly_name()}", path)


# ------------------------------------------------------------------ parse

_LONE_SURROGATE: Final = re.compile("[\ud800-\udfff]")


class _Num:
    """A JSON number literal, kept as text until it is typed."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def _reject_constant(name: str) -> Any:
    raise JSONError(f"invalid character '{name[0]}' looking for beginning of value")


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    d: dict[str, Any] = {}
    for k, v in pairs:
        if _LONE_SURROGATE.search(k):
            k = _LONE_SURROGATE.sub("\ufffd", k)
        d[k] = v
    return d


def _parse(data: str | bytes) -> Any:
    if isinstance(data, bytes):
        data = data.decode("utf-8", errors="replace")
    if not data.strip():
        raise JSONError("EOF")
    dec = _json.JSONDecoder(
        parse_float=_Num,
        parse_int=_Num,
        parse_constant=_reject_constant,
        object_pairs_hook=_pairs,
        strict=True,
    )
    try:
        obj, end = dec.raw_decode(data, len(data) - len(data.lstrip(" \t\r\n")))
    except _json.JSONDecodeError as e:
        raise JSONError(_go_json_message(e, data)) from None
    if data[end:].strip(" \t\r\n"):
        raise JSONError("extraneous data after JSON object")
    return obj


def _go_json_message(e: _json.JSONDecodeError, data: str) -> str:
    if e.pos >= len(data.rstrip(" \t\r\n")):
        return "unexpected EOF"
    ch = data[e.pos]
    if e.msg.startswith("Expecting value"):
        rest = data[e.pos :].rstrip(" \t\r\n")
        for lit in ("true", "false", "null"):
            if lit.startswith(rest):
                return "unexpected EOF"
            if rest[:1] == lit[0]:
                for i, c in enumerate(rest[: len(lit)]):
                    if c != lit[i]:
                        return f"invalid character {_go_char(c)} in literal {lit} (expecting {_go_char(lit[i])})"
        return f"invalid character {_go_char(ch)} looking for beginning of value"
    if e.msg.startswith("Expecting property name"):
        return f"invalid character {_go_char(ch)} looking for beginning of object key string"
    if e.msg.startswith("Expecting ':'"):
        return f"invalid character {_go_char(ch)} after object key"
    if e.msg.startswith("Expecting ',' delimiter"):
        ctx = "object key:value pair" if _innermost_is_object(data, e.pos) else "array element"
        return f"invalid character {_go_char(ch)} after {ctx}"
    if e.msg.startswith("Invalid control character"):
        return f"invalid character {_go_char(ch)} in string literal"
    if e.msg.startswith("Invalid \\escape") or e.msg.startswith("Invalid \\u"):
        return f"invalid character {_go_char(ch)} in string escape code"
    return e.msg


def _innermost_is_object(data: str, pos: int) -> bool:
    depth: list[str] = []
    in_str = False
    esc = False
    for c in data[:pos]:
        if in_str:
            if esc:
                esc = False
            elif c == "\\":
                esc = True
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif c in "[{":
            depth.append(c)
        elif c in "]}" and depth:
            depth.pop()
    return bool(depth) and depth[-1] == "{"


def _go_char(c: str) -> str:
    if c == "'":
        return "'\\''"
    if c == '"':
        return "'\"'"
    if c.isprintable():
        return f"'{c}'"
    return "'" + _json.dumps(c)[1:-1] + "'"


def _implied(x: Any) -> Type:
    if x is None:
        return DYNAMIC
    if isinstance(x, bool):
        return BOOL
    if isinstance(x, _Num):
        return NUMBER
    if isinstance(x, str):
        return STRING
    if isinstance(x, list):
        return TupleType([_implied(e) for e in x])
    if isinstance(x, dict):
        return ObjectType({k: _implied(v) for k, v in x.items()})
    raise JSONError("unsupported JSON value")


def implied_type(data: str | bytes) -> Type:
    """ctyjson.ImpliedType: the type jsondecode gives a document."""
    return _implied(_parse(data))


def decode_implied(data: str | bytes) -> Value:
    """jsondecode: parse a JSON document into a value of its implied type."""
    raw = _parse(data)
    return _to_value(raw, _implied(raw), ())


def value_from_json(data: str | bytes, t: Type) -> Value:
    """ctyjson.Unmarshal(data, t)."""
    return _to_value(_parse(data), t, ())


def _str(s: str) -> str:
    import unicodedata

    if _LONE_SURROGATE.search(s):
        s = _LONE_SURROGATE.sub("\ufffd", s)
    return s if s.isascii() else unicodedata.normalize("NFC", s)


def _to_value(x: Any, t: Type, path: tuple[Any, ...]) -> Value:
    if t.is_dynamic():
        if x is None:
            return Value(DYNAMIC, None)
        if not isinstance(x, dict) or set(x) != {"value", "type"}:
            raise JSONError("missing or invalid dynamic value wrapper (need \"value\" and \"type\")", path)
        return _to_value(x["value"], _type_from(x["type"]), path)
    if x is None:
        return Value(t, None)
    if t == STRING:
        if isinstance(x, str):
            return Value(STRING, _str(x))
        if isinstance(x, _Num):
            return Value(STRING, Number.parse(x.text).format())
        if isinstance(x, bool):
            return Value(STRING, "true" if x else "false")
        raise JSONError("string is required", path)
    if t == NUMBER:
        if isinstance(x, _Num):
            try:
                return Value(NUMBER, _parse_number(x.text))
            except ValueError:
                raise JSONError("a number is required", path) from None
        if isinstance(x, str) and not isinstance(x, bool):
            try:
                return Value(NUMBER, _parse_number(x))
            except ValueError:
                raise JSONError("a number is required", path) from None
        raise JSONError("number is required", path)
    if t == BOOL:
        if isinstance(x, bool):
            return Value(BOOL, x)
        if x in ("true", "false"):
            return Value(BOOL, x == "true")
        raise JSONError("bool is required", path)
    if isinstance(t, (ListType, SetType)):
        if not isinstance(x, list):
            raise JSONError("array is required" if True else "", path)
        elems = [_to_value(e, t.element, path + (i,)) for i, e in enumerate(x)]
        if isinstance(t, SetType):
            from sheath.types.ops import set_val

            return set_val(elems, t.element)
        return Value(t, tuple(elems))
    if isinstance(t, TupleType):
        if not isinstance(x, list):
            raise JSONError("array is required", path)
        if len(x) != len(t.elements):
            raise JSONError(f"wrong number of elements (got {len(x)}, want {len(t.elements)})", path)
        elems = [_to_value(e, et, path + (i,)) for i, (e, et) in enumerate(zip(x, t.elements))]
        return Value(TupleType([e.type for e in elems]), tuple(elems))
    if isinstance(t, MapType):
        if not isinstance(x, dict):
            raise JSONError("object is required", path)
        d = {k: _to_value(v, t.element, path + ((k,),)) for k, v in sorted(x.items())}
        return Value(t, d)
    if isinstance(t, ObjectType):
        if not isinstance(x, dict):
            raise JSONError("object is required", path)
        attrs: dict[str, Value] = {}
        for k, v in x.items():
            aty = t.attrs.get(k)
            if aty is None:
                raise JSONError(f'unsupported attribute "{k}"', path)
            attrs[k] = _to_value(v, aty, path + (k,))
        for k, aty in t.attrs.items():
            if k not in attrs:
                attrs[k] = Value(aty, None)
        attrs = dict(sorted(attrs.items()))
        return Value(ObjectType({k: v.type for k, v in attrs.items()}), attrs)
    raise JSONError(f"unsupported type {t.friendly_name()}", path)


def _parse_number(text: str) -> Number:
    n = Number.parse(text)
    if n.is_inf():
        raise ValueError("number out of range")
    return n


# ------------------------------------------------------------------ types


def type_to_json_value(t: Type) -> Any:
    """A type as the plain JSON-able structure cty uses."""
    if t.is_dynamic():
        return "dynamic"
    if t.is_primitive():
        return t.friendly_name()
    if isinstance(t, (ListType, SetType, MapType)):
        return [t.kind, type_to_json_value(t.element)]
    if isinstance(t, ObjectType):
        attrs = {k: type_to_json_value(a) for k, a in t.attrs.items()}
        if t.optional:
            return ["object", attrs, sorted(t.optional)]
        return ["object", attrs]
    if isinstance(t, TupleType):
        return ["tuple", [type_to_json_value(e) for e in t.elements]]
    raise JSONError(f"unsupported type {t!r}")


def type_to_json(t: Type) -> bytes:
    """cty Type.MarshalJSON (compact)."""
    return _json.dumps(type_to_json_value(t), separators=(",", ":"), ensure_ascii=False).encode()


def type_from_json(data: str | bytes | Any) -> Type:
    """cty Type.UnmarshalJSON; accepts JSON text or an already-decoded structure."""
    if isinstance(data, (str, bytes)):
        try:
            data = _json.loads(data)
        except _json.JSONDecodeError as e:
            raise JSONError(f"invalid type JSON: {e.msg}") from None
    return _type_from(data)


_PRIMS: Final = {"string": STRING, "number": NUMBER, "bool": BOOL, "dynamic": DYNAMIC}


def _type_from(x: Any) -> Type:
    if isinstance(x, str):
        t = _PRIMS.get(x)
        if t is None:
            raise JSONError(f"invalid primitive type name {x!r}")
        return t
    if isinstance(x, list) and x and isinstance(x[0], str):
        kind = x[0]
        if kind in ("list", "set", "map") and len(x) == 2:
            et = _type_from(x[1])
            return ListType(et) if kind == "list" else SetType(et) if kind == "set" else MapType(et)
        if kind == "object" and len(x) in (2, 3) and isinstance(x[1], dict):
            opt = frozenset(x[2]) if len(x) == 3 else frozenset()
            return ObjectType({k: _type_from(v) for k, v in x[1].items()}, opt)
        if kind == "tuple" and len(x) == 2 and isinstance(x[1], list):
            return TupleType([_type_from(e) for e in x[1]])
    raise JSONError("invalid complex type description")
