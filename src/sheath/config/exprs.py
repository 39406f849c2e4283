"""Static expression helpers the config loader needs, on top of sheath.lang.

The static analysis functions (keyword, list, traversal, call) come from
sheath.lang.hcl.static; constant evaluation ("evaluate with no variables and no
functions", as terraform's gohcl decoding with a nil context) comes from the
evaluator when it is available, with a minimal literal-only fallback.
"""

from __future__ import annotations

from typing import Any

from sheath.diag import Diagnostics, Range
from sheath.lang.hcl import Expression, Traversal
from sheath.types.cty import BOOL, NUMBER, STRING, Type, Value, null, object_val, string_val, tuple_val


def _static() -> Any:
    """sheath.lang.hcl.static when present, else the local fallbacks below (native syntax only)."""
    try:
        import importlib

        return importlib.import_module("sheath.lang.hcl.static")
    except ImportError:
        return _Fallback


class _Fallback:
    """Static analysis of native-syntax expressions, used until sheath.lang.hcl.static exists."""

    @staticmethod
    def expr_as_keyword(expr: Any) -> str | None:
        from sheath.lang.hclsyntax import ast

        if type(expr) is ast.ScopeTraversalExpr and len(expr.traversal.steps) == 1:
            return str(expr.traversal.root_name)
        if type(expr) is ast.ObjectConsKeyExpr:
            return _Fallback.expr_as_keyword(expr.wrapped) if not expr.force_non_literal else None
        return None

    @staticmethod
    def expr_list(expr: Any) -> tuple[list[Any], Diagnostics]:
        from sheath.lang.hclsyntax import ast

        diags = Diagnostics()
        if type(expr) is ast.TupleConsExpr:
            return list(expr.exprs), diags
        diags.add_error("Invalid expression", "A static list expression is required.", expr.range)
        return [], diags

    @staticmethod
    def expr_map(expr: Any) -> tuple[list[tuple[Any, Any]], Diagnostics]:
        from sheath.lang.hclsyntax import ast

        diags = Diagnostics()
        if type(expr) is ast.ObjectConsExpr:
            return [(it.key_expr, it.value_expr) for it in expr.items], diags
        diags.add_error("Invalid expression", "A static map expression is required.", expr.range)
        return [], diags

    @staticmethod
    def abs_traversal_for_expr(expr: Any) -> tuple[Traversal | None, Diagnostics]:
        from sheath.lang.hclsyntax import ast

        diags = Diagnostics()
        e = expr.wrapped if type(expr) is ast.ObjectConsKeyExpr else expr
        if type(e) is ast.ScopeTraversalExpr:
            return e.traversal, diags
        diags.add_error(
            "Invalid expression",
            "A single static variable reference is required: only attribute access and indexing with constant "
            "keys. No calculations, function calls, template expressions, etc are allowed here.",
            expr.range,
        )
        return None, diags

    @staticmethod
    def rel_traversal_for_expr(expr: Any) -> tuple[Traversal | None, Diagnostics]:
        from sheath.lang.hcl import TraverseAttr, TraverseRoot

        t, diags = _Fallback.abs_traversal_for_expr(expr)
        if t is None:
            return None, diags
        first = t.steps[0]
        assert isinstance(first, TraverseRoot)
        return Traversal((TraverseAttr(first.name, first.range),) + tuple(t.steps[1:])), diags

    @staticmethod
    def expr_call(expr: Any) -> tuple[Any, Diagnostics]:
        from sheath.lang.hclsyntax import ast

        diags = Diagnostics()
        if type(expr) is ast.FunctionCallExpr:
            return _Call(expr.name, expr.name_range, list(expr.args),
                         Range.between(expr.open_paren_range, expr.close_paren_range)), diags
        diags.add_error("Invalid expression", "A static function call is required.", expr.range)
        return None, diags


class _Call:
    __slots__ = ("name", "name_range", "arguments", "args_range")

    def __init__(self, name: str, name_range: Range, arguments: list[Any], args_range: Range) -> None:
        self.name = name
        self.name_range = name_range
        self.arguments = arguments
        self.args_range = args_range


def expr_as_keyword(expr: Expression) -> str | None:
    kw: str | None = _static().expr_as_keyword(expr)
    return kw


def expr_list(expr: Expression) -> tuple[list[Expression], Diagnostics]:
    items, diags = _static().expr_list(expr)
    return list(items), Diagnostics(diags)


def expr_map(expr: Expression) -> tuple[list[tuple[Expression, Expression]], Diagnostics]:
    items, diags = _static().expr_map(expr)
    return list(items), Diagnostics(diags)


def abs_traversal_for_expr(expr: Expression) -> tuple[Traversal | None, Diagnostics]:
    t, diags = _static().abs_traversal_for_expr(expr)
    return t, Diagnostics(diags)


def rel_traversal_for_expr(expr: Expression) -> tuple[Traversal | None, Diagnostics]:
    t, diags = _static().rel_traversal_for_expr(expr)
    return t, Diagnostics(diags)


def expr_call(expr: Expression) -> tuple[Any, Diagnostics]:
    c, diags = _static().expr_call(expr)
    return c, Diagnostics(diags)


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
    try:
        from sheath.lang.eval.context import EvalContext
        from sheath.lang.eval.evaluator import evaluate
        from sheath.lang.hclsyntax import ast
    except ImportError:  # pragma: no cover - evaluator not installed
        return _fallback_const(expr)
    if not isinstance(expr, ast.ExprBase):
        return _fallback_const(expr)
    v, diags = evaluate(expr, EvalContext())
    return v, Diagnostics(diags)


def _fallback_const(expr: Any) -> tuple[Value, Diagnostics]:
    from sheath.lang.hclsyntax import ast

    diags = Diagnostics()
    t = type(expr)
    if t is ast.LiteralValueExpr:
        return expr.value, diags
    if t is ast.TemplateExpr:
        parts: list[str] = []
        for p in expr.parts:
            v, d = _fallback_const(p)
            diags.extend(d)
            if d.has_errors():
                return null(STRING), diags
            if v.is_null or v.type != STRING:
                conv = _to_string(v)
                if conv is None:
                    return null(STRING), diags
                parts.append(conv)
            else:
                parts.append(v.v)
        return string_val("".join(parts)), diags
    if t is ast.TemplateWrapExpr or t is ast.ParenthesesExpr:
        inner = expr.wrapped if t is ast.TemplateWrapExpr else expr.expression
        return _fallback_const(inner)
    if t is ast.TupleConsExpr:
        vals = []
        for e in expr.exprs:
            v, d = _fallback_const(e)
            diags.extend(d)
            vals.append(v)
        return tuple_val(vals), diags
    if t is ast.ObjectConsExpr:
        attrs: dict[str, Value] = {}
        for item in expr.items:
            k = item.key_expr
            name = k.literal_name() if type(k) is ast.ObjectConsKeyExpr else None
            if name is None:
                kv, d = _fallback_const(k.wrapped if type(k) is ast.ObjectConsKeyExpr else k)
                diags.extend(d)
                if d.has_errors() or kv.is_null:
                    continue
                name = kv.v if kv.type == STRING else _to_string(kv)
            v, d = _fallback_const(item.value_expr)
            diags.extend(d)
            attrs[str(name)] = v
        return object_val(attrs), diags
    if t is ast.UnaryOpExpr:
        v, d = _fallback_const(expr.val)
        diags.extend(d)
        if not d.has_errors() and v.type == NUMBER and not v.is_null:
            return Value(NUMBER, -v.v), diags
        if not d.has_errors() and v.type == BOOL and not v.is_null:
            return Value(BOOL, not v.v), diags
        return v, diags
    if t is ast.ScopeTraversalExpr:
        diags.add_error("Variables not allowed", "Variables may not be used here.", expr.traversal.range)
        return null(), diags
    if t is ast.FunctionCallExpr:
        diags.add_error(
            "Function calls not allowed", "Functions may not be called here.", expr.range
        )
        return null(), diags
    value_fn = getattr(expr, "value", None)
    if callable(value_fn):
        try:
            res = value_fn(None)
        except Exception:  # noqa: BLE001 - foreign implementation, treat as not constant
            res = None
        if isinstance(res, tuple) and len(res) == 2 and isinstance(res[0], Value):
            return res[0], Diagnostics(res[1])
        if isinstance(res, Value):
            return res, diags
    for tr in expr.variables():
        diags.add_error("Variables not allowed", "Variables may not be used here.", tr.range)
        return null(), diags
    diags.add_error("Unsupported expression", "This expression cannot be evaluated statically.", expr.range)
    return null(), diags


def _to_string(v: Value) -> str | None:
    if v.is_null or not v.is_known:
        return None
    if v.type == STRING:
        return str(v.v)
    if v.type == BOOL:
        return "true" if v.v else "false"
    if v.type == NUMBER:
        return str(v.v)
    return None


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
        diags.add_error("Unsuitable value type", "Unsuitable value: value must not be null", expr.start_range)
        return None, diags
    return bool(v.v), diags


def decode_string(expr: Expression) -> tuple[str | None, Diagnostics]:
    v, diags = decode_static(expr, STRING)
    if v is None:
        return None, diags
    if v.is_null:
        diags.add_error("Unsuitable value type", "Unsuitable value: value must not be null", expr.start_range)
        return None, diags
    return str(v.v), diags


def start_of(r: Range) -> Range:
    return Range(r.filename, r.start, r.start)
