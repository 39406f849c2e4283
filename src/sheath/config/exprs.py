"""Static expression helpers the config loader needs, on top of sheath.lang.

The static analysis functions (keyword, list, traversal, call) come from
sheath.lang.hcl.static; constant evaluation ("evaluate with no variables and no
functions", as terraform's gohcl decoding with a nil context) comes from the
evaluator (native syntax) or the JSON expression's literal value (JSON syntax,
where strings are verbatim without a context).
"""

from __future__ import annotations

from typing import Any

from sheath.diag import Diagnostics, Range
from sheath.lang.hcl import Expression, Traversal
from sheath.types.cty import BOOL, STRING, Type, Value, null


def _static() -> Any:
    from sheath.lang.hcl import static

    return static


def expr_as_keyword(expr: Expression) -> str | None:
    kw: str | None = _static().expr_as_keyword(expr)
    return kw


def expr_list(expr: Expression) -> tuple[list[Expression], Diagnostics]:
    items, diags = _static().expr_list(expr)
    return list(items or ()), Diagnostics(diags)


def expr_map(expr: Expression) -> tuple[list[tuple[Expression, Expression]], Diagnostics]:
    items, diags = _static().expr_map(expr)
    return list(items or ()), Diagnostics(diags)


def abs_traversal_for_expr(expr: Expression) -> tuple[Traversal | None, Diagnostics]:
    t, diags = _static().abs_traversal_for_expr(expr)
    return t, Diagnostics(diags)


def rel_traversal_for_expr(expr: Expression) -> tuple[Traversal | None, Diagnostics]:
    t, diags = _static().rel_traversal_for_expr(expr)
    return t, Diagnostics(diags)


def expr_call(expr: Expression) -> tuple[Any, Diagnostics]:
    c, diags = _static().expr_call(expr)
    return c, Diagnostics(diags)


def unwrap_json_ref(expr: Expression) -> tuple[Expression, Diagnostics]:
    """A JSON string used where a reference expression is expected, parsed as native syntax.

    (terraform does this for replace_triggered_by elements and import targets.) Other
    expressions are returned unchanged.
    """
    from sheath.lang.hcljson.body import JSONExpression
    from sheath.lang.hcljson.parser import JSONString
    from sheath.lang.hclsyntax.parser import parse_expression

    if not isinstance(expr, JSONExpression):
        return expr, Diagnostics()
    src = expr.src
    if not isinstance(src, JSONString):
        d = Diagnostics()
        d.add_error("Invalid reference expression", "A single reference string is required.", expr.range)
        return expr, d
    node, diags = parse_expression(src.value.encode("utf-8", "surrogateescape"), src.range.filename, src.range.start)
    if diags.has_errors() or node is None:
        return expr, Diagnostics(diags)
    return node, Diagnostics(diags)


def parse_traversal_abs(src: str, filename: str, start: Any) -> tuple[Traversal | None, Diagnostics]:
    """Parse a traversal from a string (for quoted legacy references)."""
    from sheath.lang.hclsyntax import parser

    t, diags = parser.parse_traversal_abs(src.encode(), filename, start)
    if not t.steps:
        return None, Diagnostics(diags)
    return t, Diagnostics(diags)


# --- constant evaluation ----------------------------------------------------------


def const_value(expr: Expression) -> tuple[Value, Diagnostics]:
    """Evaluate expr with no variables and no functions (terraform's nil EvalContext)."""
    from sheath.lang.eval.context import EvalContext
    from sheath.lang.eval.evaluator import evaluate
    from sheath.lang.hclsyntax import ast

    if isinstance(expr, ast.ExprBase):
        v, diags = evaluate(expr, EvalContext())
        return v, Diagnostics(diags)
    literal = getattr(expr, "literal_value", None)
    if literal is not None:
        # JSON syntax without a context: strings are taken verbatim
        return literal(), Diagnostics()
    diags = Diagnostics()
    diags.add_error("Unsupported expression", "This expression cannot be evaluated statically.", expr.range)
    return null(), diags


def convert_value(v: Value, want: Type) -> tuple[Value | None, str]:
    """Convert v to want; on failure (None, terraform's error message)."""
    if want.is_dynamic() or v.type == want:
        return v, ""
    try:
        import importlib

        conv = importlib.import_module("sheath.types.convert")
    except ImportError:  # pragma: no cover - conversion module not installed yet
        return v, ""
    try:
        out = conv.convert(v, want)
    except Exception as exc:  # the conversion module's own error type
        msg = str(getattr(exc, "message", None) or exc)
        path = getattr(exc, "path", ())
        if path:
            msg = f"{conv.path_string(path)}: {msg}"
        return None, msg
    return out, ""


def decode_static(expr: Expression, want: Type) -> tuple[Value | None, Diagnostics]:
    """gohcl.DecodeExpression: evaluate without context and convert to want.

    Errors are "Unsuitable value type" with "Unsuitable value: <conversion message>".
    """
    v, diags = const_value(expr)
    if diags.has_errors():
        if want.is_primitive():
            # the value of a failed expression is unknown, which gohcl cannot decode either
            diags.add_error("Unsuitable value type", "Unsuitable value: value must be known", expr.start_range)
        return None, diags
    out, msg = convert_value(v, want)
    if out is None:
        diags.add_error("Unsuitable value type", f"Unsuitable value: {msg}", expr.start_range)
        return None, diags
    return out, diags


def decode_bool(expr: Expression) -> tuple[bool | None, Diagnostics]:
    v, diags = decode_static(expr, BOOL)
    if v is None:
        return None, diags
    if v.is_null:
        diags.add_error("Unsuitable value type", "Unsuitable value: null value is not allowed", expr.start_range)
        return None, diags
    return bool(v.v), diags


def decode_string(expr: Expression) -> tuple[str | None, Diagnostics]:
    v, diags = decode_static(expr, STRING)
    if v is None:
        return None, diags
    if v.is_null:
        diags.add_error("Unsuitable value type", "Unsuitable value: null value is not allowed", expr.start_range)
        return None, diags
    return str(v.v), diags


def start_of(r: Range) -> Range:
    return Range(r.filename, r.start, r.start)
