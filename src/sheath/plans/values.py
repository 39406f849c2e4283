"""Value helpers shared by the JSON plan, the reader and the renderer.

These follow terraform's jsonplan/jsonstate transforms: ``omit_unknowns``
(unknowns dropped from objects, nulls in sequences), ``unknown_as_bool``
(the ``after_unknown`` shape) and ``sensitive_as_bool`` (the ``*_sensitive``
shape). Results are plain Python JSON data (dict/list/str/int/float/bool/None).
"""

from __future__ import annotations

from typing import Any, Final

from sheath.types.cty import (
    BOOL,
    DYNAMIC,
    EMPTY_OBJECT,
    EMPTY_TUPLE,
    NUMBER,
    SENSITIVE,
    UNKNOWN,
    ListType,
    MapType,
    ObjectType,
    SetType,
    TupleType,
    Value,
    null,
    object_val,
    string_val,
    tuple_val,
    unknown,
)
from sheath.types.number import Number

OMIT: Final = object()  # omit_unknowns' "no value" (cty.NilVal)


def _is_seq(v: Value) -> bool:
    return isinstance(v.type, (ListType, SetType, TupleType))


def _is_map(v: Value) -> bool:
    return isinstance(v.type, (MapType, ObjectType))


def number_to_py(n: Number) -> int | float:
    if n.is_integer():
        return n.to_int()
    return float(n.format())


def to_py(v: Value) -> Any:
    """A wholly known value as Python JSON data (marks ignored)."""
    p = v.v
    if p is None:
        return None
    if isinstance(p, Number):
        return number_to_py(p)
    if isinstance(p, tuple):
        return [to_py(e) for e in p]
    if isinstance(p, dict):
        return {k: to_py(e) for k, e in p.items()}
    return p


def omit_unknowns(v: Value) -> Any:
    """to_py with unknowns removed (OMIT when v itself is unknown)."""
    p = v.v
    if p is None:
        return None
    if p is UNKNOWN:
        return OMIT
    if isinstance(p, tuple):
        out = []
        for e in p:
            x = omit_unknowns(e)
            out.append(None if x is OMIT else x)
        return out
    if isinstance(p, dict):
        d = {}
        for k, e in p.items():
            x = omit_unknowns(e)
            if x is not OMIT:
                d[k] = x
        return d
    if isinstance(p, Number):
        return number_to_py(p)
    return p


def unknown_as_bool(v: Value) -> Any:
    p = v.v
    if p is None:
        return False
    if p is UNKNOWN:
        return True
    if isinstance(p, tuple):
        return [unknown_as_bool(e) for e in p]
    if isinstance(p, dict):
        d = {}
        for k, e in p.items():
            b = unknown_as_bool(e)
            if b is not False:
                d[k] = b
        return d
    return False


def sensitive_as_bool(v: Value) -> Any:
    if SENSITIVE in v.marks:
        return True
    p = v.v
    if p is None or v.type.is_primitive() or v.type.is_dynamic():
        return False
    if _is_seq(v):
        if p is UNKNOWN:
            return []
        return [sensitive_as_bool(e) for e in p]
    if _is_map(v):
        if p is UNKNOWN:
            return {}
        d = {}
        for k, e in p.items():
            b = sensitive_as_bool(e)
            if b is not False:
                d[k] = b
        return d
    return False


def from_py(x: Any, unknowns: Any = False, sensitive: Any = False) -> Value:
    """Rebuild a Value from terraform JSON data plus its unknown/sensitive markers.

    Objects become object values, arrays tuples (JSON carries no finer types).
    An unknown whose sensitive marker is ``{}`` / ``[]`` gets an object / tuple
    type so that ``sensitive_as_bool`` reproduces the marker.
    """
    if unknowns is True:
        t = EMPTY_OBJECT if isinstance(sensitive, dict) else EMPTY_TUPLE if isinstance(sensitive, list) else DYNAMIC
        v = unknown(t)
    elif x is None:
        v = null(DYNAMIC)
    elif isinstance(x, bool):
        v = Value(BOOL, x)
    elif isinstance(x, (int, float)):
        v = Value(NUMBER, Number.from_int(x) if isinstance(x, int) else Number.parse(repr(x)))
    elif isinstance(x, str):
        v = string_val(x)
    elif isinstance(x, list):
        us = unknowns if isinstance(unknowns, list) else []
        ss = sensitive if isinstance(sensitive, list) else []
        v = tuple_val(
            [from_py(e, us[i] if i < len(us) else False, ss[i] if i < len(ss) else False) for i, e in enumerate(x)]
        )
    elif isinstance(x, dict):
        ud = unknowns if isinstance(unknowns, dict) else {}
        sd = sensitive if isinstance(sensitive, dict) else {}
        attrs = {k: from_py(e, ud.get(k, False), sd.get(k, False)) for k, e in x.items()}
        for k, u in ud.items():
            if u is True and k not in attrs:
                attrs[k] = from_py(None, True, sd.get(k, False))
        v = object_val(attrs)
    else:
        raise TypeError(f"not JSON data: {x!r}")
    if sensitive is True:
        v = v.mark(SENSITIVE)
    return v
