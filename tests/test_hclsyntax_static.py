"""Static analysis helpers (sheath.lang.hcl.static) on native-syntax expressions."""

from __future__ import annotations

from sheath.lang.hcl import TraverseAttr, static
from sheath.lang.hclsyntax import ast
from sheath.lang.hclsyntax.parser import parse_config_tokens, parse_expression
from test_hclsyntax_helpers import rng, shape, traversal_str


def expr(src: str) -> ast.Node:
    e, diags = parse_expression(src.encode(), "x.tf")
    assert not diags
    return e


def test_keyword() -> None:
    assert static.expr_as_keyword(expr("string")) == "string"
    assert static.expr_as_keyword(expr("var.x")) is None
    assert static.expr_as_keyword(expr('"string"')) is None


def test_abs_and_rel_traversal() -> None:
    t, diags = static.abs_traversal_for_expr(expr('aws_instance.web["a"].id'))
    assert not diags and t is not None
    assert traversal_str(t) == "aws_instance.web['a'].id"
    r, diags = static.rel_traversal_for_expr(expr("tags.Name"))
    assert not diags and r is not None
    assert isinstance(r.steps[0], TraverseAttr) and r.steps[0].name == "tags"
    _, diags = static.abs_traversal_for_expr(expr("upper(var.x)"))
    assert [(d.summary, d.detail) for d in diags] == [
        (
            "Invalid expression",
            "A single static variable reference is required: only attribute access and indexing with constant keys. "
            "No calculations, function calls, template expressions, etc are allowed here.",
        )
    ]
    assert rng(diags[0].subject) == (1, 1, 1, 13)  # type: ignore[arg-type]


def test_list_and_map() -> None:
    items, diags = static.expr_list(expr("[a.b, c]"))
    assert not diags and items is not None and [shape(i) for i in items] == [("ref", "a.b"), ("ref", "c")]
    _, diags = static.expr_list(expr("a"))
    assert [d.detail for d in diags] == ["A static list expression is required."]
    pairs, diags = static.expr_map(expr("{a = 1, (b) = 2}"))
    assert not diags and pairs is not None
    assert [static.literal_key_name(k) for k, _ in pairs] == ["a", None]
    _, diags = static.expr_map(expr("[1]"))
    assert [d.detail for d in diags] == ["A static map expression is required."]


def test_call() -> None:
    call, diags = static.expr_call(expr("object({ a = optional(string, \"x\") })"))
    assert not diags and call is not None
    assert call.name == "object"
    assert rng(call.name_range) == (1, 1, 1, 7)
    assert rng(call.args_range) == (1, 7, 1, 38)
    assert len(call.args) == 1 and isinstance(call.args[0], ast.ObjectConsExpr)
    _, diags = static.expr_call(expr("string"))
    assert [d.detail for d in diags] == ["A static function call is required."]


def test_parse_config_tokens_returns_the_lossless_stream() -> None:
    src = b'a = 1 # c\nb = "x"\n'
    f, toks, diags = parse_config_tokens(src, "main.tf")
    assert not diags
    assert [t.type.name for t in toks][:5] == ["Ident", "Equal", "NumberLit", "Comment", "Ident"]
    assert list(f.body.attributes) == ["a", "b"]  # type: ignore[attr-defined]
