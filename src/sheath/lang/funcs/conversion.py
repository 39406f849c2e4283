"""Type conversion functions: tobool tolist tomap tonumber toset tostring.

(can and try are language constructs handled by the evaluator; type() is a
console-only function.)"""

from __future__ import annotations

from typing import Sequence

from sheath.lang.funcs.function import Function, FunctionContext, FunctionError
from sheath.lang.funcs.support import func, param
from sheath.lang.funcs.values import friendly_name
from sheath.types.convert import ConversionError, can_convert, convert, friendly_constraint, mismatch_message
from sheath.types.cty import (
    BOOL,
    DYNAMIC,
    NUMBER,
    SENSITIVE,
    STRING,
    ListType,
    MapType,
    SetType,
    Type,
    Value,
)
from sheath.types.ops import go_quote


def make_to_func(name: str, want: Type) -> Function:
    def rt(args: Sequence[Value]) -> Type:
        got = args[0].type
        if got == want or can_convert(got, want):
            return want
        if got.is_tuple() and want.is_tuple():
            raise FunctionError(
                f"incompatible tuple type for conversion: {mismatch_message(got, want)}", arg_index=0
            )
        if got.is_object() and want.is_object():
            raise FunctionError(
                f"incompatible object type for conversion: {mismatch_message(got, want)}", arg_index=0
            )
        raise FunctionError(
            f"cannot convert {friendly_name(got)} to {friendly_constraint(want)}", arg_index=0
        )

    def impl(args: Sequence[Value], ret: Type) -> Value:
        try:
            return convert(args[0], ret)
        except ConversionError:
            val, marks = args[0].unmark_deep()
            got = val.type
            if SENSITIVE in marks:
                raise FunctionError(
                    f"cannot convert this sensitive {friendly_name(got)} to {friendly_constraint(want)}",
                    arg_index=0,
                ) from None
            if got == STRING and want == BOOL:
                what = "string" if val.v is None else go_quote(val.v)
                raise FunctionError(
                    f'cannot convert {what} to bool; only the strings "true" or "false" are allowed', arg_index=0
                ) from None
            if got == STRING and want == NUMBER:
                what = "string" if val.v is None else go_quote(val.v)
                raise FunctionError(
                    f"cannot convert {what} to number; given string must be a decimal representation of a number",
                    arg_index=0,
                ) from None
            raise FunctionError(
                f"cannot convert {friendly_name(got)} to {friendly_constraint(want)}", arg_index=0
            ) from None

    return func(
        name,
        [
            param(
                "v", DYNAMIC, allow_null=True, allow_marked=True, allow_unknown=True, allow_dynamic_type=True
            )
        ],
        rt,
        impl,
    )


def functions(ctx: FunctionContext) -> dict[str, Function]:
    fns = [
        make_to_func("tobool", BOOL),
        make_to_func("tonumber", NUMBER),
        make_to_func("tostring", STRING),
        make_to_func("tolist", ListType(DYNAMIC)),
        make_to_func("toset", SetType(DYNAMIC)),
        make_to_func("tomap", MapType(DYNAMIC)),
    ]
    return {f.name: f for f in fns}
