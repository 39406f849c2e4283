"""JSON syntax tests: values with ranges, bodies and blocks, expressions, diagnostics.

Expected diagnostics were taken from `terraform validate -json` (terraform 1.11.4).
"""

from __future__ import annotations

import pytest

from sheath.lang import hcl
from sheath.lang.hcl import static
from sheath.lang.hcljson import JSONBody, JSONExpression, parse, parse_expression
from sheath.lang.hclsyntax import ast
from test_hclsyntax_helpers import render, rng, shape, traversal_str

SCHEMA = hcl.BodySchema(
    blocks=(
        hcl.BlockHeaderSchema("variable", ("name",)),
        hcl.BlockHeaderSchema("resource", ("type", "name")),
        hcl.BlockHeaderSchema("locals"),
    )
)

CONFIG = b"""{
  "//": "a comment",
  "variable": {"x": {"type": "string", "default": "a"}},
  "resource": {
    "aws_instance": {
      "web": {"ami": "ami-${var.x}", "count": 2, "tags": {"Name": "n", "${var.x}": 1},
              "lifecycle": {"create_before_destroy": true}},
      "db": [{"ami": "one"}, {"ami": "two"}]
    }
  },
  "locals": [{"a": [1, 2.5, null, false]}, {"b": "${local.a}"}]
}"""


def load() -> JSONBody:
    f, diags = parse(CONFIG, "main.tf.json")
    assert not diags
    assert isinstance(f.body, JSONBody)
    return f.body


def test_blocks_with_labels() -> None:
    content, diags = load().content(SCHEMA)
    assert not diags
    assert [(b.type, b.labels) for b in content.blocks] == [
        ("variable", ["x"]),
        ("resource", ["aws_instance", "web"]),
        ("resource", ["aws_instance", "db"]),
        ("resource", ["aws_instance", "db"]),
        ("locals", []),
        ("locals", []),
    ]
    web = content.blocks[1]
    assert rng(web.type_range) == (4, 3, 4, 13)
    assert [rng(r) for r in web.label_ranges] == [(5, 5, 5, 19), (6, 7, 6, 12)]
    assert rng(web.def_range) == (6, 14, 6, 15)


def test_block_body_content_and_expressions() -> None:
    content, _ = load().content(SCHEMA)
    web = content.blocks[1]
    c, diags = web.body.content(
        hcl.BodySchema(
            attributes=(hcl.AttributeSchema("ami"), hcl.AttributeSchema("count"), hcl.AttributeSchema("tags")),
            blocks=(hcl.BlockHeaderSchema("lifecycle"),),
        )
    )
    assert not diags
    assert [b.type for b in c.blocks] == ["lifecycle"]
    ami = c.attributes["ami"].expr
    assert isinstance(ami, JSONExpression)
    native, ndiags = ami.to_native()
    assert not ndiags
    assert shape(native) == ("tmpl", [("lit", "ami-"), ("ref", "var.x")])
    assert [traversal_str(t) for t in ami.variables()] == ["var.x"]
    # template positions are mapped into the JSON file (just past the opening quote)
    ref = native.parts[1]  # type: ignore[union-attr]
    assert rng(ref.range) == (6, 29, 6, 34)
    count, _ = c.attributes["count"].expr.to_native()  # type: ignore[attr-defined]
    assert shape(count) == ("lit", "2")
    tags, _ = c.attributes["tags"].expr.to_native()  # type: ignore[attr-defined]
    assert isinstance(tags, ast.ObjectConsExpr)
    assert [render(i.key_expr.wrapped, {"var": None}) if not isinstance(i.key_expr.wrapped, ast.TemplateWrapExpr) else "wrap" for i in tags.items] == ["n" if False else "Name", "wrap"]  # noqa: E501
    assert [traversal_str(t) for t in c.attributes["tags"].expr.variables()] == ["var.x"]


def test_arrays_merge_bodies_and_just_attributes() -> None:
    content, _ = load().content(SCHEMA)
    locals_blocks = [b for b in content.blocks if b.type == "locals"]
    attrs, diags = locals_blocks[0].body.just_attributes()
    assert not diags
    a, _ = attrs["a"].expr.to_native()  # type: ignore[attr-defined]
    assert shape(a) == ("tuple", [("lit", "1"), ("lit", "2.5"), ("lit", None), ("lit", False)])
    wrapped, _ = locals_blocks[1].body.just_attributes()[0]["b"].expr.to_native()  # type: ignore[attr-defined]
    assert isinstance(wrapped, ast.TemplateWrapExpr)


def test_extraneous_property_and_missing_argument() -> None:
    f, _ = parse(b'{"ami": "x", "amy": 1, "//": "c"}', "main.tf.json")
    _, diags = f.body.content(hcl.BodySchema(attributes=(hcl.AttributeSchema("image", required=True), hcl.AttributeSchema("ami"))))
    assert [(d.summary, d.detail) for d in diags] == [
        ("Missing required argument", 'The argument "image" is required, but no definition was found.'),
        # "ami" is already used, so it is not suggested (as in hcl)
        ("Extraneous JSON object property", 'No argument or block type is named "amy".'),
    ]
    assert rng(diags[0].subject) == (1, 33, 1, 34)  # type: ignore[arg-type]


def test_duplicate_arguments() -> None:
    f, _ = parse(b'{"a": 1, "a": 2}', "main.tf.json")
    _, diags = f.body.content(hcl.BodySchema(attributes=(hcl.AttributeSchema("a"),)))
    assert [(d.summary, d.detail) for d in diags] == [("Duplicate argument", 'The argument "a" was already set at main.tf.json:1,2-8.')]
    attrs, diags = f.body.just_attributes()
    assert [d.summary for d in diags] == ["Duplicate attribute definition"]


def test_block_shape_errors() -> None:
    f, _ = parse(b'{"resource": {"t": "oops"}, "locals": 5}', "main.tf.json")
    _, diags = f.body.content(SCHEMA)
    assert [(d.summary, d.detail) for d in diags] == [
        ("Incorrect JSON value type", "Either a JSON object or JSON array of objects is required here, to specify name labels for this block."),
        ("Missing block label", "At least one object property is required, whose name represents the resource block's name."),
        ("Incorrect JSON value type", 'Either a JSON object or a JSON array is required, representing the contents of one or more "locals" blocks.'),
    ]
    f2, _ = parse(b'{"resource": {}}', "main.tf.json")
    _, diags = f2.body.content(SCHEMA)
    assert [d.summary for d in diags] == ["Missing block label"]
    f3, _ = parse(b'{"resource": null}', "main.tf.json")
    _, diags = f3.body.content(SCHEMA)
    assert [d.summary for d in diags] == ["Missing block label"]  # as terraform reports
    f4, _ = parse(b'{"locals": null}', "main.tf.json")
    c, diags = f4.body.content(SCHEMA)
    assert not diags and c.blocks == []


@pytest.mark.parametrize(
    "src, want",
    [
        (b'{"a": 1,}', [("Trailing comma in object", (1, 8, 1, 9)), ("Root value must be object", (1, 1, 1, 2))]),
        (b'{"a" 1}', [("Missing property value colon", (1, 6, 1, 7)), ("Root value must be object", (1, 1, 1, 2))]),
        (b'{"a" = 1}', [("Missing property value colon", (1, 6, 1, 7)), ("Root value must be object", (1, 1, 1, 2))]),
        (b"[1, 2,]", [("Trailing comma in array", (1, 6, 1, 7)), ("Root value must be object", (1, 1, 1, 2))]),
        (b'{"a": tru}', [("Invalid JSON keyword", (1, 7, 1, 10))]),
        (b'{"a": NaN}', [("Invalid JSON keyword", (1, 7, 1, 10))]),
        (b'{"a": "\\q"}', [("Invalid JSON string", (1, 10, 1, 11))]),
        (b'{"a": 01}', [("Invalid JSON number", (1, 7, 1, 9))]),
        (b'"x"', [("Root value must be object", (1, 1, 1, 4))]),
        (b'{"a": 1} x', [("Extraneous data after value", (1, 10, 1, 11))]),
        (b'{"a": [1 2]}', [("Missing attribute seperator comma", (1, 12, 1, 13))]),
        (b'{"a": {"b": 1]}', [("Mismatched braces", (1, 15, 1, 16))]),
        (
            b'{"a": ',
            [("Missing value", (1, 7, 1, 7)), ("Unclosed object", (1, 1, 1, 2)), ("Root value must be object", (1, 1, 1, 2))],
        ),
        (b"{1: 2}", [("Invalid object property name", (1, 2, 1, 3)), ("Root value must be object", (1, 1, 1, 2))]),
        (b"", [("Missing value", (1, 1, 1, 1)), ("Root value must be object", (1, 1, 1, 1))]),
    ],
)
def test_syntax_diagnostics_match_terraform(src: bytes, want: list[tuple[str, tuple[int, int, int, int]]]) -> None:
    _, diags = parse(src, "main.tf.json")
    assert [(d.summary, rng(d.subject)) for d in diags] == want  # type: ignore[arg-type]


def test_string_escapes() -> None:
    e, diags = parse_expression(b'"a\\n\\u00e9\\ud83d\\ude00\\"\\/"', "x.json")
    assert not diags
    assert e.literal_value().v == 'a\né😀"/'


def test_static_helpers_on_json() -> None:
    e, _ = parse_expression(b'["aws_instance.a", "var.b[0]"]', "x.json")
    items, diags = static.expr_list(e)
    assert not diags and items is not None
    travs = [static.abs_traversal_for_expr(i)[0] for i in items]
    assert [traversal_str(t) for t in travs] == ["aws_instance.a", "var.b[0]"]
    kw, _ = parse_expression(b'"string"', "x.json")
    assert static.expr_as_keyword(kw) == "string"
    call, _ = parse_expression(b'"map(list(string))"', "x.json")
    sc, diags = static.expr_call(call)
    assert not diags and sc is not None and sc.name == "map"
    obj, _ = parse_expression(b'{"k": "v"}', "x.json")
    pairs, diags = static.expr_map(obj)
    assert not diags and pairs is not None and len(pairs) == 1
    num, _ = parse_expression(b"1", "x.json")
    _, diags = static.abs_traversal_for_expr(num)
    assert [d.summary for d in diags] == ["Invalid expression"]


def test_invalid_template_in_string() -> None:
    e, _ = parse_expression(b'"${"', "x.json")
    native, diags = e.to_native()
    assert diags.has_errors()
    assert isinstance(native, ast.LiteralValueExpr)


def test_json_body_satisfies_protocol() -> None:
    assert isinstance(load(), hcl.Body)
    e, _ = parse_expression(b"1", "x.json")
    assert isinstance(e, hcl.Expression)
