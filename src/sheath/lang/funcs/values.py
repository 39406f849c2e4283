"""Value helpers for function implementations: conversion, numbers, JSON."""

from __future__ import annotations

from sheath.lang.funcs.function import FunctionError
from sheath.types.cty import NUMBER, STRING, Type, Value, string_val
from sheath.types.number import Number

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

WHOLE_NUMBER_MSG = "value must be a whole number, between -9223372036854775808 and 9223372036854775807"


def conv(v: Value, t: Type) -> Value:
    """Convert v to t (cty convert.Convert); FunctionError with cty's message on failure."""
    if v.type == t or t.is_dynamic():
        return v
    from sheath.types.convert import convert

    try:
        return convert(v, t)
    except FunctionError:
        raise
    except Exception as e:
        raise FunctionError(_message(e)) from None


def _message(e: BaseException) -> str:
    m = getattr(e, "message", None)
    if isinstance(m, str) and m:
        return m
    return str(e)


def unify(types: list[Type]) -> Type | None:
    """cty convert.UnifyUnsafe: the common type, or None."""
    from sheath.types.convert import unify as _unify

    return _unify(types)


def marshal_json(v: Value) -> str:
    """cty's JSON encoding of v (as jsonencode/format %v)."""
    from sheath.types.json import value_to_json

    try:
        return value_to_json(v).decode("utf-8")
    except FunctionError:
        raise
    except Exception as e:
        raise FunctionError(_message(e)) from None


def num(v: Value) -> Number:
    return v.v  # type: ignore[no-any-return]


def to_go_int(v: Value) -> int:
    """gocty conversion of a number to a Go int (int64)."""
    n: Number = v.v
    i = n.to_int64()
    if i is None:
        raise FunctionError(WHOLE_NUMBER_MSG)
    return i


def int_val(i: int) -> Value:
    return Value(NUMBER, Number.from_int(i))


def str_val(s: str) -> Value:
    """A known string; skips NFC normalisation for ASCII (always normalised)."""
    if s.isascii():
        return Value(STRING, s)
    return string_val(s)


def friendly_name(t: Type) -> str:
    """cty's Type.FriendlyName ("list of dynamic" for a list of DynamicPseudoType)."""
    from sheath.types.cty import CollectionType

    if isinstance(t, CollectionType):
        return f"{t.kind} of {friendly_name(t.element)}"
    return t.friendly_name()
