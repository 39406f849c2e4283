"""The value operations the evaluator needs, in one place.

Conversion, unification and equality live in sheath.types (convert, ops);
this module adapts their interfaces to what the evaluator calls, so a change
there touches one file here.
"""

from __future__ import annotations

import importlib
from typing import Any, Sequence

from sheath.types.cty import DYNAMIC, UNKNOWN, Type, Value


class ConversionError(Exception):
    """A value could not be converted; message is cty's text ("a number is required")."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def convert(val: Value, ty: Type) -> Value:
    """cty's convert.Convert; raises ConversionError."""
    vt = val.type
    if vt is ty or ty is DYNAMIC or vt == ty:
        return val
    if ty.is_dynamic():
        return val
    _conv: Any = importlib.import_module("sheath.types.convert")

    try:
        converted: Value = _conv.convert(val, ty)
        return converted
    except Exception as e:  # the conversion module's own error type
        msg = getattr(e, "message", None) or str(e)
        raise ConversionError(msg) from None


def unify(types: Sequence[Type]) -> Type | None:
    """cty's convert.UnifyUnsafe result type (None when there is none)."""
    _conv: Any = importlib.import_module("sheath.types.convert")

    fn: Any = getattr(_conv, "unify_unsafe", None) or getattr(_conv, "unify")
    res = fn(list(types))
    if isinstance(res, tuple):
        res = res[0]
    return res  # type: ignore[no-any-return]


def convert_unsafe(val: Value, ty: Type) -> Value:
    """cty's GetConversionUnsafe(val.type, ty)(val); raises ConversionError."""
    _conv: Any = importlib.import_module("sheath.types.convert")

    fn: Any = getattr(_conv, "convert_unsafe", None)
    if fn is None:
        return convert(val, ty)
    if ty.is_dynamic() or val.type == ty:
        return val
    try:
        return fn(val, ty)  # type: ignore[no-any-return]
    except Exception as e:
        msg = getattr(e, "message", None) or str(e)
        raise ConversionError(msg) from None


def equals(a: Value, b: Value) -> Value:
    """cty's Value.Equals (unknown-aware, mark-propagating)."""
    ops: Any = importlib.import_module("sheath.types.ops")

    return ops.equals(a, b)  # type: ignore[no-any-return]


def raw_equal(a: Value, b: Value) -> bool:
    ops: Any = importlib.import_module("sheath.types.ops")

    return ops.raw_equal(a, b)  # type: ignore[no-any-return]


def set_val(elems: Sequence[Value], ety: Type | None = None) -> Value:
    ops: Any = importlib.import_module("sheath.types.ops")

    return ops.set_val(list(elems), ety) if ety is not None else ops.set_val(list(elems))  # type: ignore[no-any-return]


def is_known(v: Value) -> bool:
    return v.v is not UNKNOWN
