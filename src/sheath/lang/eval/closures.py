"""can() and try(): functions whose arguments are unevaluated expressions.

They evaluate each argument themselves and turn evaluation errors into
results: can() yields false, try() moves on to the next argument. A result
that is not wholly known cannot be judged yet: can() yields an unknown bool,
try() an unknown value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sheath.diag import Diagnostic, Diagnostics, Range, Severity
from sheath.lang.eval.context import EvalContext
from sheath.lang.hclsyntax import ast as A
from sheath.types.cty import BOOL, DYNAMIC, FALSE, TRUE, UNKNOWN, Value

if TYPE_CHECKING:
    from sheath.lang.eval.evaluator import Evaluator

_DYN = Value(DYNAMIC, UNKNOWN)


def range_str(r: Range) -> str:
    """hcl's Range.String()."""
    if r.start.line == r.end.line:
        return f"{r.filename}:{r.start.line},{r.start.column}-{r.end.column}"
    return f"{r.filename}:{r.start.line},{r.start.column}-{r.end.line},{r.end.column}"


def _err(summary: str, detail: str, subject: Range | None, context: Range | None, call_info: Any) -> Diagnostic:
    d = Diagnostic(Severity.ERROR, summary, detail, subject, context)
    d.extra["function_call"] = call_info
    return d


def call_closure_function(ev: "Evaluator", e: A.FunctionCallExpr, ctx: EvalContext) -> tuple[Value, Diagnostics]:
    base = e.name.rsplit("::", 1)[-1]
    diags = Diagnostics()
    if e.expand_final:
        diags.append(
            _err(
                "Invalid expanding argument value",
                "The expanding argument (indicated by ...) must be of a tuple, list, or set type.",
                e.args[-1].range,
                e.range,
                None,
            )
        )
        return _DYN, diags
    if base == "can":
        info: tuple[str, list[str], str | None] = (e.name, ["expression"], None)
        if not e.args:
            diags.append(
                _err(
                    "Not enough function arguments",
                    f'Function "{e.name}" expects 1 argument(s). Missing value for "expression".',
                    e.close_paren_range,
                    e.range,
                    info,
                )
            )
            return _DYN, diags
        if len(e.args) > 1:
            diags.append(
                _err(
                    "Too many function arguments",
                    f'Function "{e.name}" expects only 1 argument(s).',
                    e.args[1].start_range,
                    e.range,
                    info,
                )
            )
            return _DYN, diags
        v, d = ev.eval(e.args[0], ctx)
        if d.has_errors():
            return FALSE, diags
        if not v.is_wholly_known():
            return Value(BOOL, UNKNOWN), diags
        return TRUE, diags

    # try
    info = (e.name, [], "expressions")
    if not e.args:
        diags.append(
            _err(
                "Error in function call",
                f'Call to function "{e.name}" failed: at least one argument is required.',
                e.start_range,
                e.range,
                info,
            )
        )
        return _DYN, diags
    collected: list[Diagnostic] = []
    for arg in e.args:
        v, d = ev.eval(arg, ctx)
        if d.has_errors():
            collected.extend(d)
            continue
        if not v.is_wholly_known():
            return _DYN, diags
        return v, diags
    lines = ["no expression succeeded:\n"]
    for x in collected:
        if x.subject is not None:
            lines.append(f"- {x.summary} (at {range_str(x.subject)})\n  {x.detail}\n")
        else:
            lines.append(f"- {x.summary}\n  {x.detail}\n")
    lines.append("\nAt least one expression must produce a successful result")
    diags.append(
        _err("Error in function call", f'Call to function "{e.name}" failed: {"".join(lines)}.', e.start_range, e.range, info)
    )
    return _DYN, diags
