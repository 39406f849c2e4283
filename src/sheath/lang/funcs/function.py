"""The function model: a function is a typed spec plus an implementation.

Semantics follow cty's function package, which terraform uses:
  * each argument is converted to its parameter's type first;
  * an unknown argument makes the result unknown (of the return type) unless the
    parameter allows unknowns;
  * a null argument is an error unless the parameter allows nulls;
  * marks (sensitive) are removed before the call and applied to the result,
    unless the parameter allows marked values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

from sheath.types.cty import DYNAMIC, Type, Value


class FunctionError(Exception):
    """A function call failed. arg_index names the offending argument, if any.

    Rendered by the evaluator as terraform does:
      with arg_index: "Invalid value for "<param>" parameter: <message>."
      without:        "Call to function "<name>" failed: <message>."
    """

    def __init__(self, message: str, arg_index: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.arg_index = arg_index


@dataclass(frozen=True)
class Parameter:
    name: str
    type: Type = DYNAMIC
    allow_null: bool = False
    allow_unknown: bool = False
    allow_dynamic_type: bool = False
    allow_marked: bool = False


ReturnTypeFn = Callable[[Sequence[Value]], Type]
ImplFn = Callable[[Sequence[Value], Type], Value]


@dataclass(frozen=True)
class Function:
    """A function spec.

    return_type receives the converted arguments (possibly unknown) and returns
    the result type, raising FunctionError if the arguments cannot work.
    impl receives the converted arguments and the return type.
    """

    name: str
    params: tuple[Parameter, ...]
    return_type: ReturnTypeFn
    impl: ImplFn
    var_param: Parameter | None = None
    description: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    def param_for(self, index: int) -> Parameter | None:
        if index < len(self.params):
            return self.params[index]
        return self.var_param


def static_return(t: Type) -> ReturnTypeFn:
    """A return_type function that always returns t."""

    def rt(_args: Sequence[Value]) -> Type:
        return t

    return rt


# Function tables are plain dicts name -> Function; see sheath.lang.funcs.registry.
FunctionTable = dict[str, Function]


# A hook the evaluator supplies so templatefile/templatestring can render a
# template: (template source, file name for diagnostics, variables) -> result.
# It raises FunctionError on a parse or evaluation error.
TemplateRenderer = Callable[[str, str, "dict[str, Value]"], Value]


@dataclass(frozen=True)
class FunctionContext:
    """What function tables may depend on.

    base_dir: the directory relative paths (file, fileset, templatefile...) are
        resolved against (terraform: the module directory / working directory).
    render_template: the evaluator's template hook (None: template functions
        report that templates are unavailable).
    pure_only: build only functions whose results are known at plan time
        (terraform marks timestamp/uuid/bcrypt impure).
    """

    base_dir: str = "."
    render_template: TemplateRenderer | None = None
    pure_only: bool = False
