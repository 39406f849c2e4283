"""Test helpers for the HCL parser tests: a tiny string-template renderer and dumps.

The renderer understands only what the template tests need (string and
number literals, templates, `%{if}` on literal bools, `%{for}` over literal
tuples, references to loop variables); it is not the evaluator.
"""

from __future__ import annotations

from typing import Any

from sheath.lang.hclsyntax import ast
from sheath.types.number import Number


def render(e: Any, env: dict[str, Any] | None = None) -> Any:
    env = env or {}
    if isinstance(e, ast.LiteralValueExpr):
        v = e.value.v
        if isinstance(v, Number):
            return v.format()
        return v
    if isinstance(e, ast.TemplateExpr):
        return "".join(str(render(p, env)) for p in e.parts)
    if isinstance(e, ast.TemplateWrapExpr):
        return render(e.wrapped, env)
    if isinstance(e, ast.ConditionalExpr):
        return render(e.true_result if render(e.condition, env) else e.false_result, env)
    if isinstance(e, ast.TemplateJoinExpr):
        return "".join(str(x) for x in render(e.tuple, env))
    if isinstance(e, ast.ForExpr):
        coll = render(e.coll_expr, env)
        out = []
        for i, v in enumerate(coll):
            inner = dict(env)
            inner[e.val_var] = v
            if e.key_var:
                inner[e.key_var] = i
            out.append(render(e.val_expr, inner))
        return out
    if isinstance(e, ast.TupleConsExpr):
        return [render(x, env) for x in e.exprs]
    if isinstance(e, ast.ScopeTraversalExpr):
        return env[e.traversal.root_name]
    if isinstance(e, ast.ParenthesesExpr):
        return render(e.expression, env)
    raise NotImplementedError(type(e).__name__)


def rng(r: Any) -> tuple[int, int, int, int]:
    """(start line, start column, end line, end column)"""
    return (r.start.line, r.start.column, r.end.line, r.end.column)


def shape(e: Any) -> Any:
    """A compact nested description of an expression tree (types and operators)."""
    name = type(e).__name__
    if isinstance(e, ast.LiteralValueExpr):
        v = e.value.v
        return ("lit", v.format() if isinstance(v, Number) else v)
    if isinstance(e, ast.ScopeTraversalExpr):
        return ("ref", traversal_str(e.traversal))
    if isinstance(e, ast.RelativeTraversalExpr):
        return ("rel", shape(e.source), traversal_str(e.traversal))
    if isinstance(e, ast.BinaryOpExpr):
        return (e.op.value, shape(e.lhs), shape(e.rhs))
    if isinstance(e, ast.UnaryOpExpr):
        return (e.op.symbol + "u", shape(e.val))
    if isinstance(e, ast.FunctionCallExpr):
        return ("call", e.name, [shape(a) for a in e.args], e.expand_final)
    if isinstance(e, ast.ParenthesesExpr):
        return ("()", shape(e.expression))
    if isinstance(e, ast.SplatExpr):
        return ("splat", shape(e.source), shape(e.each))
    if isinstance(e, ast.AnonSymbolExpr):
        return "each"
    if isinstance(e, ast.IndexExpr):
        return ("index", shape(e.collection), shape(e.key))
    if isinstance(e, ast.ConditionalExpr):
        return ("?:", shape(e.condition), shape(e.true_result), shape(e.false_result))
    if isinstance(e, ast.TemplateExpr):
        return ("tmpl", [shape(p) for p in e.parts])
    if isinstance(e, ast.TemplateWrapExpr):
        return ("wrap", shape(e.wrapped))
    if isinstance(e, ast.TupleConsExpr):
        return ("tuple", [shape(x) for x in e.exprs])
    if isinstance(e, ast.ObjectConsExpr):
        return ("object", [(shape(i.key_expr), shape(i.value_expr)) for i in e.items])
    if isinstance(e, ast.ObjectConsKeyExpr):
        ln = e.literal_name()
        return ("key", ln) if ln is not None else ("key", shape(e.wrapped))
    if isinstance(e, ast.ForExpr):
        return (
            "for",
            e.key_var,
            e.val_var,
            shape(e.coll_expr),
            shape(e.key_expr) if e.key_expr is not None else None,
            shape(e.val_expr),
            shape(e.cond_expr) if e.cond_expr is not None else None,
            e.group,
        )
    return name


def traversal_str(t: Any) -> str:
    from sheath.lang.hcl import TraverseAttr, TraverseIndex, TraverseRoot

    out = []
    for s in t.steps:
        if isinstance(s, TraverseRoot):
            out.append(s.name)
        elif isinstance(s, TraverseAttr):
            out.append("." + s.name)
        elif isinstance(s, TraverseIndex):
            v = s.key.v
            out.append("[" + (v.format() if isinstance(v, Number) else repr(v)) + "]")
    return "".join(out)
