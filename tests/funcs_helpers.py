"""Shared by the function test tables: evaluate an expression as terraform console
would print it, with unknowns from a stand-in for a stateless terraform_data resource
(``terraform_data.x.id`` / ``.output`` are unknowns of dynamic type)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sheath.lang.eval.context import EvalContext
from sheath.lang.eval.evaluator import evaluate
from sheath.lang.funcs.function import Function
from sheath.lang.funcs.registry import builtin_functions
from sheath.lang.hclsyntax.parser import parse_expression
from sheath.types.cty import DYNAMIC, object_val, string_val, unknown
from sheath.types.format import format_value


@dataclass(frozen=True)
class Err:
    """An expected error: terraform's diagnostic summary and detail."""

    summary: str
    detail: str


PANIC = Err("Error in function call", "panic in function implementation")


@lru_cache(maxsize=1)
def functions() -> dict[str, Function]:
    return builtin_functions(".")


def _context() -> EvalContext:
    tfd = object_val(
        {"x": object_val({"id": unknown(DYNAMIC), "output": unknown(DYNAMIC), "input": string_val("a")})}
    )
    return EvalContext({"terraform_data": tfd}, functions())


def evaluate_console(expr: str) -> str | Err:
    node, pdiags = parse_expression(expr.encode(), "<console-input>")
    assert not pdiags.has_errors(), [d.summary for d in pdiags]
    val, diags = evaluate(node, _context())
    errs = diags.errors()
    if errs:
        return Err(errs[0].summary, errs[0].detail)
    return format_value(val)


def check(expr: str, want: str | Err) -> None:
    got = evaluate_console(expr)
    if want is PANIC:
        assert isinstance(got, Err) and got.summary == PANIC.summary and PANIC.detail in got.detail, got
        return
    assert got == want, f"{expr}: got {got!r}, want {want!r}"
