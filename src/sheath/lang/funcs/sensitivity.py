"""sensitive, nonsensitive, issensitive, ephemeralasnull."""

from __future__ import annotations

from typing import Sequence

from sheath.lang.funcs.function import Function, FunctionContext
from sheath.lang.funcs.support import func, param
from sheath.types.cty import BOOL, DYNAMIC, EPHEMERAL, FALSE, SENSITIVE, TRUE, UNKNOWN, Type, Value, unknown


def _same_type(args: Sequence[Value]) -> Type:
    return args[0].type


def _sensitive(args: Sequence[Value], _rt: Type) -> Value:
    return args[0].mark(SENSITIVE)


def _nonsensitive(args: Sequence[Value], _rt: Type) -> Value:
    v, marks = args[0].unmark()
    return v.with_marks(marks - {SENSITIVE})


def _issensitive(args: Sequence[Value], _rt: Type) -> Value:
    v = args[0]
    if SENSITIVE in v.marks:
        return TRUE
    if v.v is UNKNOWN:
        return unknown(BOOL)
    return FALSE


def ephemeral_as_null(v: Value) -> Value:
    if EPHEMERAL in v.marks:
        return Value(v.type, None, v.marks - {EPHEMERAL})
    p = v.v
    if isinstance(p, tuple):
        elems = tuple(ephemeral_as_null(e) for e in p)
        if any(a is not b for a, b in zip(elems, p)):
            return Value(v.type, elems, v.marks)
    elif isinstance(p, dict):
        d = {k: ephemeral_as_null(e) for k, e in p.items()}
        if any(d[k] is not p[k] for k in p):
            return Value(v.type, d, v.marks)
    return v


def _ephemeralasnull(args: Sequence[Value], _rt: Type) -> Value:
    return ephemeral_as_null(args[0])


def functions(ctx: FunctionContext) -> dict[str, Function]:
    def p() -> list:  # type: ignore[type-arg]
        return [
            param(
                "value", DYNAMIC, allow_null=True, allow_unknown=True, allow_dynamic_type=True, allow_marked=True
            )
        ]

    fns = [
        func("sensitive", p(), _same_type, _sensitive),
        func("nonsensitive", p(), _same_type, _nonsensitive),
        func("issensitive", p(), BOOL, _issensitive),
        func("ephemeralasnull", p(), _same_type, _ephemeralasnull),
    ]
    return {f.name: f for f in fns}
