"""JSON exactly as Go's encoding/json MarshalIndent(v, "", "  ") writes it.

Used for state files and other documents terraform writes with Go's encoder:
two-space indentation, `[]`/`{}` for empty containers, map keys sorted
(callers pass dicts already in struct-field order where order matters),
HTML-sensitive characters escaped (<, >, & as \\u003c, \\u003e, \\u0026),
U+2028/U+2029 escaped, other non-ASCII left as UTF-8.

Numbers: Python ints are written exactly; ``JSONNumber`` carries a number's
original text so arbitrary-precision values survive a read/write round trip.
"""

from __future__ import annotations

import json

import orjson
from json.encoder import encode_basestring
from typing import Any, Callable


class JSONNumber(str):
    """A JSON number kept as its source text (non-integers, to avoid float rounding)."""

    __slots__ = ()


def loads(data: bytes | str) -> Any:
    """Parse JSON keeping integers exact and other numbers as JSONNumber text."""
    return json.loads(data, parse_float=JSONNumber)


_GO_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def go_escape(text: str) -> str:
    """Go's HTML-safe escapes of already-encoded JSON text (str.replace is far faster than
    str.translate on the megabytes of a provider schema)."""
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _enc_str(s: str, _e: Callable[[str], str] = encode_basestring) -> str:
    out: str = _e(s)
    if "<" in out or ">" in out or "&" in out or "\u2028" in out or "\u2029" in out:
        out = out.translate(_GO_ESCAPES)
    return out


def _fragment(obj: Any) -> Any:
    if isinstance(obj, JSONNumber):
        return orjson.Fragment(str.__str__(obj).encode())
    raise TypeError(f"cannot encode {type(obj).__name__} as JSON")


def dumps(obj: Any) -> str:
    """Indented JSON like Go's MarshalIndent with two spaces (orjson's layout is the same)."""
    try:
        text = orjson.dumps(obj, default=_fragment, option=orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_SUBCLASS).decode()
    except TypeError:
        # integers beyond 64 bits: the pure-Python writer
        parts: list[str] = []
        _write(obj, parts, "\n", False)
        return "".join(parts)
    if "<" in text or ">" in text or "&" in text or "\u2028" in text or "\u2029" in text:
        text = go_escape(text)
    return text


def dumps_line(obj: Any) -> bytes:
    """Compact one-line JSON (for journals), numbers kept exact."""
    try:
        return orjson.dumps(obj, default=_fragment, option=orjson.OPT_PASSTHROUGH_SUBCLASS)
    except TypeError:
        return json.dumps(obj, default=lambda o: str(o), separators=(",", ":")).encode()


def marshal(obj: Any) -> str:
    """Compact JSON as Go's json.Marshal writes it (HTML-sensitive characters escaped)."""
    try:
        text = orjson.dumps(obj, default=_fragment, option=orjson.OPT_PASSTHROUGH_SUBCLASS).decode()
    except TypeError:  # integers beyond 64 bits: the pure-Python writer
        parts: list[str] = []
        _write_compact(obj, parts)
        text = "".join(parts)
    if "<" in text or ">" in text or "&" in text or "\u2028" in text or "\u2029" in text:
        text = go_escape(text)
    return text


def _write_compact(obj: Any, parts: list[str]) -> None:
    if isinstance(obj, dict):
        parts.append("{")
        for i, (k, v) in enumerate(obj.items()):
            if i:
                parts.append(",")
            parts.append(_enc_str(str(k)))
            parts.append(":")
            _write_compact(v, parts)
        parts.append("}")
    elif isinstance(obj, (list, tuple)):
        parts.append("[")
        for i, v in enumerate(obj):
            if i:
                parts.append(",")
            _write_compact(v, parts)
        parts.append("]")
    else:
        _write(obj, parts, "", False)


def _write(obj: Any, parts: list[str], nl: str, sort_keys: bool) -> None:
    if obj is None:
        parts.append("null")
    elif obj is True:
        parts.append("true")
    elif obj is False:
        parts.append("false")
    elif isinstance(obj, JSONNumber):
        parts.append(str.__str__(obj))
    elif isinstance(obj, str):
        parts.append(_enc_str(obj))
    elif isinstance(obj, int):
        parts.append(str(int(obj)))
    elif isinstance(obj, float):
        parts.append(_go_float(obj))
    elif isinstance(obj, dict):
        if not obj:
            parts.append("{}")
            return
        inner = nl + "  "
        parts.append("{")
        items = sorted(obj.items()) if sort_keys else obj.items()
        first = True
        for k, v in items:
            parts.append(inner if first else "," + inner)
            first = False
            parts.append(_enc_str(str(k)))
            parts.append(": ")
            _write(v, parts, inner, sort_keys)
        parts.append(nl + "}")
    elif isinstance(obj, (list, tuple)):
        if not obj:
            parts.append("[]")
            return
        inner = nl + "  "
        parts.append("[")
        first = True
        for v in obj:
            parts.append(inner if first else "," + inner)
            first = False
            _write(v, parts, inner, sort_keys)
        parts.append(nl + "]")
    else:
        raise TypeError(f"cannot encode {type(obj).__name__} as JSON")


def _go_float(f: float) -> str:
    """Go's encoding of a float64: shortest repr, exponent form outside [1e-6, 1e21)."""
    if f != f or f in (float("inf"), float("-inf")):
        raise ValueError("unsupported float value")
    a = abs(f)
    if a != 0 and (a < 1e-6 or a >= 1e21):
        s = repr(f)
        if "e" in s:
            mant, exp = s.split("e")
            sign = exp[0] if exp[0] in "+-" else "+"
            digits = exp.lstrip("+-").lstrip("0") or "0"
            if len(digits) < 2:
                digits = "0" + digits
            return f"{mant}e{sign}{digits}"
        return s
    if f == int(f) and a < 1e21:
        return str(int(f))
    return repr(f)
