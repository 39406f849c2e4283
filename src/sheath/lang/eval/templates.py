"""The template hook for templatefile / templatestring.

``make_template_renderer()`` returns a callable (src, filename, vars) -> Value
for FunctionContext.render_template; set its ``functions`` after building the
function table (the table and the renderer refer to each other).
"""

from __future__ import annotations

from typing import Mapping

from sheath.diag import Diagnostic, Pos
from sheath.lang.eval.closures import range_str
from sheath.lang.eval.context import EvalContext
from sheath.lang.eval.evaluator import evaluate
from sheath.lang.funcs.function import Function, FunctionError
from sheath.types.cty import Value


def diag_error_string(d: Diagnostic) -> str:
    """hcl's Diagnostic.Error()."""
    if d.subject is not None:
        return f"{range_str(d.subject)}: {d.summary}; {d.detail}"
    return f"{d.summary}; {d.detail}"


def diags_error_string(diags: list[Diagnostic]) -> str:
    """hcl's Diagnostics.Error()."""
    errs = [d for d in diags if d.is_error] or list(diags)
    if len(errs) == 1:
        return diag_error_string(errs[0])
    return f"{diag_error_string(errs[0])}, and {len(errs) - 1} other diagnostic(s)"


class TemplateRenderer:
    """Parses and evaluates a template with the given variables and functions."""

    __slots__ = ("functions",)

    def __init__(self, functions: Mapping[str, Function] | None = None) -> None:
        self.functions: Mapping[str, Function] = functions or {}

    def __call__(self, src: str, filename: str, variables: "dict[str, Value]") -> Value:
        from sheath.lang.hclsyntax.parser import parse_template

        expr, diags = parse_template(src.encode("utf-8"), filename, Pos(1, 1, 0))
        if diags.has_errors():
            raise FunctionError(diags_error_string(diags))
        val, ediags = evaluate(expr, EvalContext(dict(variables), self.functions))
        if ediags.has_errors():
            raise FunctionError(diags_error_string(ediags))
        return val


def make_template_renderer(functions: Mapping[str, Function] | None = None) -> TemplateRenderer:
    return TemplateRenderer(functions)


def render_template(src: str, filename: str, variables: "dict[str, Value]", functions: Mapping[str, Function]) -> Value:
    return TemplateRenderer(functions)(src, filename, variables)
