"""Static analysis of expressions, for both syntaxes (hashicorp/hcl's helpers).

These interpret an expression's *syntax* without evaluating it:

  expr_as_keyword(expr)        "string" in `type = string`, "create" in replace_triggered_by...
  expr_list(expr)              [a, b] -> its element expressions
  expr_map(expr)               {k = v} -> (key, value) expression pairs
  abs_traversal_for_expr(expr) var.x, aws_instance.a[0].id -> Traversal
  rel_traversal_for_expr(expr) like abs, with the root turned into an attribute step
  expr_call(expr)              list(string) -> StaticCall

In JSON files a string stands for a traversal, keyword or call
("aws_instance.foo", "string", "list(string)"), an array for a static list
and an object for a static map, as in hcl.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sheath.diag import Diagnostic, Diagnostics, Range, Severity
from sheath.lang.hcl import Expression, Traversal, TraverseAttr, TraverseRoot

_TRAVERSAL_DETAIL = (
    "A single static variable reference is required: only attribute access and indexing with constant keys. "
    "No calculations, function calls, template expressions, etc are allowed here."
)


@dataclass(slots=True)
class StaticCall:
    """A function call read statically: name(args...)."""

    name: str
    args: list[Any]  # Expressions
    name_range: Range
    args_range: Range


def _unwrap(expr: Any) -> Any:
    """Unwrap object-key wrappers (hcl's UnwrapExpression)."""
    from sheath.lang.hclsyntax.ast import ObjectConsKeyExpr

    while isinstance(expr, ObjectConsKeyExpr):
        if expr.force_non_literal:
            return expr
        expr = expr.wrapped
    return expr


def _as_traversal(expr: Any) -> Traversal | None:
    from sheath.lang.hcljson.body import JSONExpression
    from sheath.lang.hclsyntax.ast import ObjectConsKeyExpr, ScopeTraversalExpr

    if isinstance(expr, ObjectConsKeyExpr):
        if expr.force_non_literal:
            return None
        expr = expr.wrapped
    if isinstance(expr, ScopeTraversalExpr):
        return expr.traversal
    if isinstance(expr, JSONExpression):
        return expr.as_traversal()
    return None


def abs_traversal_for_expr(expr: Expression) -> tuple[Traversal | None, Diagnostics]:
    """The absolute traversal the expression is, or an "Invalid expression" error."""
    t = _as_traversal(expr)
    if t is not None:
        return t, Diagnostics()
    return None, Diagnostics([Diagnostic(Severity.ERROR, "Invalid expression", _TRAVERSAL_DETAIL, expr.range)])


def rel_traversal_for_expr(expr: Expression) -> tuple[Traversal | None, Diagnostics]:
    """Like abs_traversal_for_expr, but the root step becomes an attribute step."""
    t, diags = abs_traversal_for_expr(expr)
    if t is not None and t.steps:
        root = t.steps[0]
        if isinstance(root, TraverseRoot):
            return Traversal((TraverseAttr(root.name, root.range),) + t.steps[1:]), diags
    return t, diags


def expr_as_keyword(expr: Expression) -> str | None:
    """The single identifier the expression is (e.g. `string`), or None."""
    t = _as_traversal(expr)
    if t is not None and len(t.steps) == 1:
        return t.root_name
    return None


def expr_list(expr: Expression) -> tuple[list[Any] | None, Diagnostics]:
    """The element expressions of a static list expression [a, b, ...]."""
    from sheath.lang.hcljson.body import JSONExpression
    from sheath.lang.hclsyntax.ast import TupleConsExpr

    e = _unwrap(expr)
    if isinstance(e, TupleConsExpr):
        return list(e.exprs), Diagnostics()
    if isinstance(e, JSONExpression):
        lst = e.expr_list()
        if lst is not None:
            return list(lst), Diagnostics()
    return None, Diagnostics(
        [Diagnostic(Severity.ERROR, "Invalid expression", "A static list expression is required.", expr.start_range)]
    )


def expr_map(expr: Expression) -> tuple[list[tuple[Any, Any]] | None, Diagnostics]:
    """The (key, value) expression pairs of a static map expression {k = v, ...}."""
    from sheath.lang.hcljson.body import JSONExpression
    from sheath.lang.hclsyntax.ast import ObjectConsExpr

    e = _unwrap(expr)
    if isinstance(e, ObjectConsExpr):
        return [(it.key_expr, it.value_expr) for it in e.items], Diagnostics()
    if isinstance(e, JSONExpression):
        m = e.expr_map()
        if m is not None:
            return list(m), Diagnostics()
    return None, Diagnostics(
        [Diagnostic(Severity.ERROR, "Invalid expression", "A static map expression is required.", expr.start_range)]
    )


def expr_call(expr: Expression) -> tuple[StaticCall | None, Diagnostics]:
    """The static function call the expression is (name and argument expressions)."""
    from sheath.lang.hcljson.body import JSONExpression
    from sheath.lang.hclsyntax._pos import between
    from sheath.lang.hclsyntax.ast import FunctionCallExpr

    e = _unwrap(expr)
    if isinstance(e, JSONExpression):
        e = e.expr_call_native()
    if isinstance(e, FunctionCallExpr):
        return StaticCall(e.name, list(e.args), e.name_range, between(e.open_paren_range, e.close_paren_range)), Diagnostics()
    return None, Diagnostics(
        [Diagnostic(Severity.ERROR, "Invalid expression", "A static function call is required.", expr.start_range)]
    )


def literal_key_name(expr: Expression) -> str | None:
    """For an object key expression: the literal name of a bare identifier key, else None."""
    from sheath.lang.hclsyntax.ast import ObjectConsKeyExpr

    if isinstance(expr, ObjectConsKeyExpr):
        return expr.literal_name()
    return None


__all__ = [
    "StaticCall",
    "abs_traversal_for_expr",
    "expr_as_keyword",
    "expr_call",
    "expr_list",
    "expr_map",
    "literal_key_name",
    "rel_traversal_for_expr",
]
