"""Number helpers shared by the encoding, filesystem, crypto and ipnet functions:
thin wrappers over sheath.types.number for making and reading number values."""

from __future__ import annotations

from sheath.lang.funcs.function import FunctionError
from sheath.types.cty import NUMBER, Value
from sheath.types.number import Number


def from_int(i: int) -> Value:
    return Value(NUMBER, Number.from_int(i))


def from_decimal(text: str) -> Value:
    """cty.ParseNumberVal of a decimal literal (caller validated the syntax)."""
    return Value(NUMBER, Number.parse(text))


def infinity(negative: bool = False) -> Value:
    return Value(NUMBER, Number.inf(negative))


def text(v: Value) -> str:
    """big.Float.Text('f', -1) of a known number value."""
    n: Number = v.v
    return n.format()


def to_int(v: Value, arg_index: int | None = None, what: str = "value") -> int:
    """A whole number as int; FunctionError ("value must be a whole number") otherwise."""
    n: Number = v.v
    if n.is_inf() or not n.is_integer():
        raise FunctionError(f"{what} must be a whole number", arg_index=arg_index)
    return n.to_int()


def to_int64(v: Value, arg_index: int | None = None) -> int:
    """gocty conversion to a Go int: whole and within int64, or FunctionError."""
    n: Number = v.v
    if n.is_inf() or not n.is_integer():
        raise FunctionError("value must be a whole number", arg_index=arg_index)
    i = n.to_int()
    if not -(1 << 63) <= i < (1 << 63):
        raise FunctionError("value must fit in int64", arg_index=arg_index)
    return i
