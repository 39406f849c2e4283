"""Calling a function: terraform's (hcl + cty) function-call semantics.

``call_function`` does what hcl's function-call expression and cty's
``Function.Call`` do together:

1. arity: too few / too many arguments (hcl's diagnostics);
2. each argument is converted to its parameter's type; a failure is an
   "Invalid function argument" for that parameter;
3. type checking: a null argument for a parameter that does not allow null is
   an error; a dynamically-typed argument (an untyped null or unknown) for a
   parameter that does not allow it makes the whole result an unmarked unknown
   of the return type without calling the implementation (this is why
   ``format("%v", null)`` is "known after apply" in terraform);
4. the return type is computed from the (shallowly unmarked) arguments;
5. an unknown argument for a parameter that does not allow unknowns makes
   the result an unknown of the return type, carrying every argument's marks;
6. otherwise marks are stripped (deeply) from arguments whose parameter does
   not allow marks, the implementation runs, and the union of those marks is
   applied to the result.

Errors are raised as FunctionError (arg_index set for argument errors) or
FunctionArityError; ``error_summary_detail`` renders them as terraform does.
"""

from __future__ import annotations

from typing import Any, Sequence

from sheath.lang.funcs.function import Function, FunctionError, Parameter
from sheath.types.cty import DYNAMIC, DynamicPseudoType, UNKNOWN as _UNKNOWN, Type, Value, unknown


class FunctionArityError(FunctionError):
    """Too few or too many arguments; summary/detail are terraform's texts."""

    def __init__(self, summary: str, detail: str) -> None:
        super().__init__(detail)
        self.summary = summary
        self.detail = detail


class ArgConversionError(FunctionError):
    """An argument could not be converted to its parameter's type."""


def check_arity(fn: Function, nargs: int) -> None:
    """Raise FunctionArityError if nargs does not fit fn's parameters."""
    nparams = len(fn.params)
    if nargs < nparams:
        qual = " at least" if fn.var_param is not None else ""
        raise FunctionArityError(
            "Not enough function arguments",
            f'Function "{fn.name}" expects{qual} {nparams} argument(s). '
            f'Missing value for "{fn.params[nargs].name}".',
        )
    if fn.var_param is None and nargs > nparams:
        raise FunctionArityError(
            "Too many function arguments",
            f'Function "{fn.name}" expects only {nparams} argument(s).',
        )


def _convert(val: Value, ty: Type) -> Value:
    if ty.is_dynamic() or val.type == ty:
        return val
    from sheath.types.convert import convert

    return convert(val, ty)


def convert_args(fn: Function, args: Sequence[Value]) -> list[Value]:
    """Convert each argument to its parameter's type (hcl does this before Call)."""
    out = list(args)
    params = fn.params
    nparams = len(params)
    for i, a in enumerate(args):
        p = params[i] if i < nparams else fn.var_param
        assert p is not None
        pt = p.type
        at = a.type
        if pt is at or pt is DYNAMIC or at == pt or pt.is_dynamic():
            continue
        try:
            out[i] = _convert(a, pt)
        except FunctionError:
            raise
        except Exception as e:  # the conversion module's error type
            msg = getattr(e, "message", None) or str(e)
            raise ArgConversionError(msg, arg_index=i) from None
    return out


def return_type_for_values(fn: Function, args: Sequence[Value]) -> tuple[Type, bool]:
    """cty's returnTypeForValues: (return type, had unhandled dynamic-typed args)."""
    checked: list[Value] | None = None
    for i, val in enumerate(args):
        p = fn.param_for(i)
        assert p is not None
        if not p.allow_marked and val.contains_marked():
            if checked is None:
                checked = list(args)
            checked[i] = val.unmark_deep()[0]
        if val.v is None and not p.allow_null:
            raise FunctionError("argument must not be null", arg_index=i)
        if val.type.is_dynamic() and not p.allow_dynamic_type:
            return DYNAMIC, True
    try:
        return fn.return_type(args if checked is None else checked), False
    except FunctionError:
        raise
    except RecursionError:
        raise FunctionError("value is too deeply nested") from None


def call_function(fn: Function, args: Sequence[Value], convert: bool = True) -> Value:
    """Call fn with args as terraform does; raises FunctionError / FunctionArityError."""
    nargs = len(args)
    params = fn.params
    nparams = len(params)
    var_param = fn.var_param
    if nargs < nparams or (var_param is None and nargs > nparams):
        check_arity(fn, nargs)
    conv = convert_args(fn, args) if convert else list(args)

    # type checking (cty's returnTypeForValues); one pass that also notes
    # unsupported unknowns and which arguments carry marks.
    checked = conv
    marked: list[int] | None = None
    unsupported_unknown = False
    for i in range(nargs):
        val = conv[i]
        p = params[i] if i < nparams else var_param
        assert p is not None
        v = val.v
        if not p.allow_marked and (val.marks or (v.__class__ in _CONTAINERS and val.contains_marked())):
            if marked is None:
                marked = []
                checked = list(conv)
            marked.append(i)
            checked[i] = val.unmark_deep()[0]
        if v is None and not p.allow_null:
            raise FunctionError("argument must not be null", arg_index=i)
        vt = val.type
        if vt is DYNAMIC or (vt.__class__ is DynamicPseudoType):
            if not p.allow_dynamic_type:
                return unknown(_return_type(fn, checked[: i + 1] + conv[i + 1 :], dyn=True))
        if v is _UNKNOWN and not p.allow_unknown:
            unsupported_unknown = True
    ret_type = _return_type(fn, checked, dyn=False)

    marks: frozenset[Any] = _NO_MARKS
    if unsupported_unknown:
        # every argument's marks go on the unknown result
        for val in conv:
            if val.marks or val.contains_marked():
                marks = marks | val.unmark_deep()[1]
        return unknown(ret_type).with_marks(marks)
    if marked is not None:
        for i in marked:
            uv, m = conv[i].unmark_deep()
            conv[i] = uv
            marks = marks | m

    try:
        result = fn.impl(conv, ret_type)
    except FunctionError:
        raise
    except RecursionError:
        raise FunctionError("value is too deeply nested") from None
    if marks:
        result = result.with_marks(marks)
    return result


_CONTAINERS = (tuple, dict)
_NO_MARKS: frozenset[Any] = frozenset()


def _return_type(fn: Function, args: Sequence[Value], dyn: bool) -> Type:
    if dyn:
        # cty stops type checking at the first unhandled dynamic argument and
        # returns an unknown of dynamic type
        return DYNAMIC
    try:
        return fn.return_type(args)
    except FunctionError:
        raise
    except RecursionError:
        raise FunctionError("value is too deeply nested") from None


def param_name(fn: Function, index: int) -> str:
    p: Parameter | None = fn.param_for(index)
    return p.name if p is not None else "?"


def error_summary_detail(fn: Function, err: FunctionError) -> tuple[str, str]:
    """Terraform's diagnostic summary and detail for a failed call of fn."""
    if isinstance(err, FunctionArityError):
        return err.summary, err.detail
    if err.arg_index is not None and fn.param_for(err.arg_index) is not None:
        return (
            "Invalid function argument",
            f'Invalid value for "{param_name(fn, err.arg_index)}" parameter: {err.message}.',
        )
    return "Error in function call", f'Call to function "{fn.name}" failed: {err.message}.'


