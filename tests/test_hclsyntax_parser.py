"""Parser tests for the HCL native syntax: structure, ranges, precedence, templates.

Expected template values were taken from terraform 1.11.4 (`terraform console`),
expected diagnostics from `terraform validate -json`.
"""

from __future__ import annotations

import pytest

from sheath.lang import hcl
from sheath.lang.hclsyntax import ast
from sheath.lang.hclsyntax.parser import parse_config, parse_expression, parse_template, parse_traversal_abs
from test_hclsyntax_helpers import render, rng, shape, traversal_str


def expr(src: str) -> ast.Node:
    e, diags = parse_expression(src.encode(), "x.tf")
    assert not diags, [(d.summary, d.detail) for d in diags]
    return e


def config(src: str) -> ast.Body:
    f, diags = parse_config(src.encode(), "main.tf")
    assert not diags, [(d.summary, d.detail) for d in diags]
    assert isinstance(f.body, ast.Body)
    return f.body


def attr_expr(src: str, name: str = "a") -> ast.Node:
    return config(src).attributes[name].expr


def errors(src: str) -> list[tuple[str, tuple[int, int, int, int] | None]]:
    _, diags = parse_config(src.encode(), "main.tf")
    return [(d.summary, rng(d.subject) if d.subject else None) for d in diags]


# --- bodies -----------------------------------------------------------------------


def test_blocks_and_attributes_with_ranges() -> None:
    body = config('resource "aws_instance" "web" {\n  ami = "x"\n  count = 2\n}\n\nlocals {\n  a = 1\n}\n')
    assert [b.type for b in body.blocks] == ["resource", "locals"]
    res = body.blocks[0]
    assert res.labels == ["aws_instance", "web"]
    assert rng(res.type_range) == (1, 1, 1, 9)
    assert [rng(r) for r in res.label_ranges] == [(1, 10, 1, 24), (1, 25, 1, 30)]
    assert rng(res.open_brace_range) == (1, 31, 1, 32)
    assert rng(res.close_brace_range) == (4, 1, 4, 2)
    assert rng(res.def_range) == (1, 1, 1, 30)
    assert rng(res.range) == (1, 1, 4, 2)
    ami = res.body.attributes["ami"]
    assert rng(ami.name_range) == (2, 3, 2, 6)
    assert rng(ami.equals_range) == (2, 7, 2, 8)
    assert rng(ami.range) == (2, 3, 2, 12)
    assert rng(ami.expr.range) == (2, 9, 2, 12)
    assert list(res.body.attributes) == ["ami", "count"]
    assert rng(res.body.range) == (1, 31, 4, 2)
    assert rng(res.body.missing_item_range()) == (1, 31, 1, 31)


def test_ident_labels_and_one_line_blocks() -> None:
    body = config("provider aws { region = \"us-east-1\" }\nx {}\n")
    p = body.blocks[0]
    assert p.labels == ["aws"]
    assert list(p.body.attributes) == ["region"]
    assert body.blocks[1].body.attributes == {}


def test_all_comment_forms() -> None:
    body = config("# hash\n// slashes\n/* block\ncomment */ a = 1 # trailing\nb = 2 // trailing\nc = /* inline */ 3\n")
    assert list(body.attributes) == ["a", "b", "c"]
    assert shape(body.attributes["c"].expr) == ("lit", "3")


def test_crlf_and_bom() -> None:
    f, diags = parse_config(b"\xef\xbb\xbfa = 1\r\nb = \"x\"\r\n", "main.tf")
    assert not diags
    a = f.body.attributes["a"]  # type: ignore[attr-defined]
    assert (a.name_range.start.line, a.name_range.start.column, a.name_range.start.byte) == (1, 1, 3)
    b = f.body.attributes["b"]  # type: ignore[attr-defined]
    assert rng(b.name_range) == (2, 1, 2, 2)
    assert b.name_range.start.byte == 10


def test_unicode_columns_and_bytes() -> None:
    body = config('a = "é€😀" # c\nb = 1\n')
    e = body.attributes["a"].expr
    assert rng(e.range) == (1, 5, 1, 10)
    assert e.range.end.byte == 4 + 1 + 2 + 3 + 4 + 1
    assert render(e) == "é€😀"


def test_body_items_keep_source_order() -> None:
    body = config("a = 1\nb {}\nc = 2\n")
    assert [type(i).__name__ for i in body.items] == ["Attribute", "Block", "Attribute"]


# --- expressions: structure and precedence ---------------------------------------------


@pytest.mark.parametrize(
    "src, want",
    [
        ("1 + 2 * 3", ("+", ("lit", "1"), ("*", ("lit", "2"), ("lit", "3")))),
        ("1 * 2 + 3", ("+", ("*", ("lit", "1"), ("lit", "2")), ("lit", "3"))),
        ("1 - 2 - 3", ("-", ("-", ("lit", "1"), ("lit", "2")), ("lit", "3"))),
        ("a || b && c", ("||", ("ref", "a"), ("&&", ("ref", "b"), ("ref", "c")))),
        ("a == b || c != d", ("||", ("==", ("ref", "a"), ("ref", "b")), ("!=", ("ref", "c"), ("ref", "d")))),
        ("a < b == c >= d", ("==", ("<", ("ref", "a"), ("ref", "b")), (">=", ("ref", "c"), ("ref", "d")))),
        ("!a && b", ("&&", ("!u", ("ref", "a")), ("ref", "b"))),
        ("-1 + 2", ("+", ("-u", ("lit", "1")), ("lit", "2"))),
        ("-a.b", ("-u", ("ref", "a.b"))),
        ("1 % 2 / 3", ("/", ("%", ("lit", "1"), ("lit", "2")), ("lit", "3"))),
        ("(1 + 2) * 3", ("*", ("()", ("+", ("lit", "1"), ("lit", "2"))), ("lit", "3"))),
        ("a ? b : c ? d : e", ("?:", ("ref", "a"), ("ref", "b"), ("?:", ("ref", "c"), ("ref", "d"), ("ref", "e")))),
        ("a + 1 > 2 ? 'x' : 'y'".replace("'", '"'), ("?:", (">", ("+", ("ref", "a"), ("lit", "1")), ("lit", "2")), ("tmpl", [("lit", "x")]), ("tmpl", [("lit", "y")]))),
        ("true", ("lit", True)),
        ("null", ("lit", None)),
        ("1.5e3", ("lit", "1500")),
        ("0.1", ("lit", "0.1")),
    ],
)
def test_precedence_and_literals(src: str, want: object) -> None:
    assert shape(expr(src)) == want


def test_traversals() -> None:
    assert shape(expr("aws_instance.a[0].id")) == ("ref", "aws_instance.a[0].id")
    assert shape(expr('a["k"].b')) == ("ref", "a['k'].b")
    assert shape(expr("a.0.b")) == ("ref", "a[0].b")
    assert shape(expr("a[var.k]")) == ("index", ("ref", "a"), ("ref", "var.k"))
    assert shape(expr("f(x).y[0]")) == ("rel", ("call", "f", [("ref", "x")], False), ".y[0]")
    e = expr("aws_instance.a[0].id")
    assert isinstance(e, ast.ScopeTraversalExpr)
    assert [rng(s.range) for s in e.traversal.steps] == [(1, 1, 1, 13), (1, 13, 1, 15), (1, 15, 1, 18), (1, 18, 1, 21)]
    assert rng(e.range) == (1, 1, 1, 21)


def test_splats() -> None:
    full = expr("a[*].b[0]")
    assert shape(full) == ("splat", ("ref", "a"), ("rel", "each", ".b[0]"))
    attr_only = expr("a.*.b[0]")
    # the attribute-only splat stops at the index, which applies to the result
    assert shape(attr_only) == ("rel", ("splat", ("ref", "a"), ("rel", "each", ".b")), "[0]")
    assert shape(expr("a.*.b.0")) == ("splat", ("ref", "a"), ("rel", "each", ".b[0]"))
    assert shape(expr("a[*]")) == ("splat", ("ref", "a"), "each")
    assert isinstance(full, ast.SplatExpr)
    assert rng(full.marker_range) == (1, 2, 1, 5)
    assert rng(full.range) == (1, 1, 1, 10)


def test_function_calls() -> None:
    assert shape(expr("f()")) == ("call", "f", [], False)
    assert shape(expr("f(1, 2,)")) == ("call", "f", [("lit", "1"), ("lit", "2")], False)
    assert shape(expr("f(a, b...)")) == ("call", "f", [("ref", "a"), ("ref", "b")], True)
    assert shape(expr("f(\n  1,\n  2\n)")) == ("call", "f", [("lit", "1"), ("lit", "2")], False)
    e = expr("provider::aws::arn_parse(x)")
    assert isinstance(e, ast.FunctionCallExpr)
    assert e.name == "provider::aws::arn_parse"
    assert rng(e.name_range) == (1, 1, 1, 25)
    assert rng(e.open_paren_range) == (1, 25, 1, 26)
    assert rng(e.close_paren_range) == (1, 27, 1, 28)


def test_collections() -> None:
    assert shape(expr("[1, \"a\", [true]]")) == ("tuple", [("lit", "1"), ("tmpl", [("lit", "a")]), ("tuple", [("lit", True)])])
    obj = expr('{\n  a = 1\n  "b" = 2,\n  (c) = 3\n  d: 4, e = 5 }')
    assert shape(obj) == (
        "object",
        [
            (("key", "a"), ("lit", "1")),
            (("key", ("tmpl", [("lit", "b")])), ("lit", "2")),
            (("key", ("()", ("ref", "c"))), ("lit", "3")),
            (("key", "d"), ("lit", "4")),
            (("key", "e"), ("lit", "5")),
        ],
    )
    assert shape(expr("{}")) == ("object", [])
    assert shape(expr("[]")) == ("tuple", [])


def test_for_expressions() -> None:
    assert shape(expr("[for v in xs : upper(v) if v != \"\"]")) == (
        "for",
        None,
        "v",
        ("ref", "xs"),
        None,
        ("call", "upper", [("ref", "v")], False),
        ("!=", ("ref", "v"), ("tmpl", [("lit", "")])),
        False,
    )
    assert shape(expr("{for k, v in m : v => k...}")) == ("for", "k", "v", ("ref", "m"), ("ref", "v"), ("ref", "k"), None, True)
    e = expr("{for k, v in m : k => v if v}")
    assert isinstance(e, ast.ForExpr)
    assert [traversal_str(t) for t in e.variables()] == ["m"]


def test_variables_respect_for_scopes() -> None:
    e = expr("[for x in var.list : x + local.y if x != var.z]")
    assert [traversal_str(t) for t in e.variables()] == ["var.list", "local.y", "var.z"]
    e2 = expr('{a = var.a, (var.k) = 1, "${local.s}" = 2}')
    assert [traversal_str(t) for t in e2.variables()] == ["var.a", "var.k", "local.s"]


# --- templates -----------------------------------------------------------------------

HEREDOC_FLUSH = """a = <<-EOT
    hello
      indented
    %{ for x in ["a", "b"] ~}
    - ${x}
    %{ endfor ~}
    done
  EOT
"""


@pytest.mark.parametrize(
    "src, want",
    [
        (HEREDOC_FLUSH, "hello\n  indented\n    - a\n    - b\n    done\n"),
        ('a = <<EOT\n  keep ${"x"}\nEOT\n', "  keep x\n"),
        ("a = <<-EOT\n\n      a\n    b\n  EOT\n", "\n  a\nb\n"),
        ("a = <<-EOT\n\ttab\n\t  tab2\n\tEOT\n", "tab\n  tab2\n"),
        ('a = "a ${~ "b" ~} c"\n', "abc"),
        ('a = "x %{ if true }yes%{ else }no%{ endif } y"\n', "x yes y"),
        ('a = "\\u00e9\\t\\"q\\" $${x} %%{y} $$ %% $x"\n', 'é\t"q" ${x} %{y} $$ %% $x'),
        ('a = "%{ for i, v in ["a","b"] }${i}=${v},%{ endfor }"\n', "0=a,1=b,"),
        ('a = "  a  %{~ if false } x %{~ else ~}  y  %{~ endif ~}  b  "\n', "  ayb  "),
        ('a = "\\U0001F600\\\\n"\n', "😀\\n"),
        ('a = ""\n', ""),
        ("a = <<EOT\nEOT\n", ""),
        ('a = "${"a"}${"b"}"\n', "ab"),
    ],
)
def test_template_values_match_terraform(src: str, want: str) -> None:
    assert render(attr_expr(src)) == want


def test_template_wrap_is_passthrough() -> None:
    e = attr_expr('a = "${1 + 2}"\n')
    assert isinstance(e, ast.TemplateWrapExpr)
    assert shape(e.wrapped) == ("+", ("lit", "1"), ("lit", "2"))
    assert isinstance(attr_expr('a = "x${1}"\n'), ast.TemplateExpr)
    assert isinstance(attr_expr('a = "${~1~}"\n'), ast.TemplateWrapExpr)


def test_template_part_ranges() -> None:
    e = attr_expr('a = "ab${x}c"\n')
    assert isinstance(e, ast.TemplateExpr)
    assert [rng(p.range) for p in e.parts] == [(1, 6, 1, 8), (1, 10, 1, 11), (1, 12, 1, 13)]
    assert rng(e.range) == (1, 5, 1, 14)


def test_heredoc_ranges() -> None:
    e = attr_expr("a = <<EOT\nhello\nEOT\nb = 1\n")
    assert rng(e.range) == (1, 5, 3, 4)
    f, _ = parse_config(b"a = <<EOT\nhello\nEOT\nb = 1\n", "main.tf")
    assert list(f.body.attributes) == ["a", "b"]  # type: ignore[attr-defined]


def test_if_directive_lowers_to_conditional() -> None:
    e = attr_expr('a = "%{if c}y%{endif}"\n')
    assert isinstance(e, ast.TemplateExpr)
    cond = e.parts[0]
    assert isinstance(cond, ast.ConditionalExpr)
    assert shape(cond.condition) == ("ref", "c")
    assert render(cond.false_result) == ""


def test_for_directive_lowers_to_join() -> None:
    e = attr_expr('a = "%{for x in xs}${x}%{endfor}"\n')
    assert isinstance(e, ast.TemplateExpr)
    join = e.parts[0]
    assert isinstance(join, ast.TemplateJoinExpr)
    assert isinstance(join.tuple, ast.ForExpr)
    assert [traversal_str(t) for t in e.variables()] == ["xs"]


def test_parse_template_bare() -> None:
    e, diags = parse_template(b"Hello, ${name}!\n%{ if admin }admin%{ endif }", "t.tmpl")
    assert not diags
    assert render(e, {"name": "bob", "admin": True}) == "Hello, bob!\nadmin"
    e2, diags = parse_template(b"${x}", "t.tmpl")
    assert isinstance(e2, ast.TemplateWrapExpr)
    e3, diags = parse_template(b"cost: $5 and 100%", "t.tmpl")
    assert not diags and render(e3) == "cost: $5 and 100%"
    e4, _ = parse_template(b"", "t.tmpl")
    assert render(e4) == ""


def test_parse_traversal_abs() -> None:
    t, diags = parse_traversal_abs(b'aws_instance.a["k"][0].id', "x")
    assert not diags
    assert traversal_str(t) == "aws_instance.a['k'][0].id"
    _, diags = parse_traversal_abs(b"a.*.b", "x")
    assert [d.detail for d in diags] == ["Splat expressions (.*) may not be used here."]
    _, diags = parse_traversal_abs(b"a[b]", "x")
    assert [d.summary for d in diags] == ["Index value required"]
    _, diags = parse_traversal_abs(b"1", "x")
    assert [d.summary for d in diags] == ["Variable name required"]


# --- diagnostics (compared with terraform validate -json) ----------------------------------


@pytest.mark.parametrize(
    "src, want",
    [
        ("a = ", [("Missing expression", (1, 5, 1, 5))]),
        ("a = 1 b = 2", [("Missing newline after argument", (1, 7, 1, 8))]),
        ('a = "foo\nbar"', [("Invalid multi-line string", (1, 9, 2, 1)), ("Unterminated template string", (1, 9, 2, 1))]),
        ('a = "foo', [("Unterminated template string", (1, 9, 1, 9))]),
        ('resource "x" "y" {\n  a = 1', [("Unclosed configuration block", (1, 18, 1, 19))]),
        ('"a" = 1', [("Invalid argument name", (1, 1, 1, 2))]),
        ("a = 1,\nb = 2", [("Unexpected comma after argument", (1, 6, 1, 7))]),
        ('x "y" = {\n}', [("Invalid block definition", (1, 7, 1, 8))]),
        ('x "y"\n{\n}', [("Invalid block definition", (1, 6, 2, 1))]),
        ("a = [1, 2", [("Unterminated tuple constructor expression", (1, 5, 1, 6))]),
        ("a = {a = 1 b = 2}", [("Missing attribute separator", (1, 12, 1, 13))]),
        ("a = f(1 2)", [("Missing argument separator", (1, 9, 1, 10))]),
        ("a = x ? 1", [("Missing false expression in conditional", (1, 10, 1, 10))]),
        ("a = 1 & 2", [("Unsupported operator", (1, 7, 1, 8)), ("Missing newline after argument", (1, 7, 1, 8))]),
        ("a = 'x'", [("Invalid character", (1, 5, 1, 6)), ("Invalid expression", (1, 5, 1, 6))]),
        ('a = "\\q"', [("Invalid escape sequence", (1, 6, 1, 8))]),
        ('a = "\\u12"', [("Invalid escape sequence", (1, 6, 1, 10))]),
        ('a = "${x"', [("Unclosed template interpolation sequence", (1, 6, 1, 8))]),
        ('a = "${x y}"', [("Extra characters after interpolation expression", (1, 10, 1, 11))]),
        ('a = "%{if x}a"', [("Unexpected end of template", (1, 14, 1, 15))]),
        ('a = "%{ iff x }a%{ endif }"', [("Invalid template control keyword", (1, 9, 1, 12)), ("Unexpected endif directive", (1, 17, 1, 27))]),
        ("a = foo.0.1", [("Invalid legacy index syntax", (1, 9, 1, 12))]),
        ("a = [for x in y: x => x]", [("Invalid 'for' expression", (1, 18, 1, 19))]),
        ("a = {for x in y: x}", [("Invalid 'for' expression", (1, 18, 1, 19))]),
        ("a = <<EOT\nhello", [("Unterminated template string", (2, 6, 2, 6))]),
        ("a = x.", [("Invalid attribute name", (1, 7, 1, 7))]),
        ("a = 1\na = 2", [("Attribute redefined", (2, 1, 2, 2))]),
        ("a = (1 + 2", [("Unbalanced parentheses", (1, 11, 1, 11))]),
        ("a = 1;", [("Invalid character", (1, 6, 1, 7)), ("Missing newline after argument", (1, 6, 1, 7))]),
        ("b {\n  c = 1 }", [("Missing newline after argument", (2, 9, 2, 10))]),
        ("b { c = 1\n}", [("Invalid single-argument block definition", (1, 10, 2, 1))]),
        ("a = 1.2.3", [("Invalid number literal", (1, 5, 1, 10))]),
        ("a = `x`", [("Invalid character", (1, 5, 1, 6)), ("Invalid expression", (1, 5, 1, 6))]),
    ],
)
def test_diagnostics_match_terraform(src: str, want: list[tuple[str, tuple[int, int, int, int]]]) -> None:
    assert errors(src) == want


def test_diagnostic_details() -> None:
    _, diags = parse_config(b"a = 1\na = 2\n", "main.tf")
    assert diags[0].detail == 'The argument "a" was already set at main.tf:1,1-2. Each argument may be set only once.'
    _, diags = parse_config(b'a = "%{if x}a"', "main.tf")
    assert diags[0].detail == "The if directive at main.tf:1,6-13 is missing its corresponding endif directive."


def test_partial_body_after_errors() -> None:
    f, diags = parse_config(b"a = 1\nb = \nc {\n  d = 2\n}\n", "main.tf")
    assert diags.has_errors()
    assert "a" in f.body.attributes  # type: ignore[attr-defined]


def test_expression_extra_characters() -> None:
    _, diags = parse_expression(b"1 2", "x")
    assert [d.summary for d in diags] == ["Extra characters after expression"]


def test_expression_ignores_newlines() -> None:
    assert shape(expr("1 +\n 2")) == ("+", ("lit", "1"), ("lit", "2"))


# --- Body protocol ----------------------------------------------------------------------


def test_body_content_schema_diagnostics() -> None:
    body = config('a = 1\nb = 2\nblk "x" {}\nother {}\n')
    schema = hcl.BodySchema(
        attributes=(hcl.AttributeSchema("a"), hcl.AttributeSchema("c", required=True)),
        blocks=(hcl.BlockHeaderSchema("blk", ("name",)),),
    )
    content, diags = body.content(schema)
    assert list(content.attributes) == ["a"]
    assert [b.labels for b in content.blocks] == [["x"]]
    assert [(d.summary, d.detail) for d in diags] == [
        ("Missing required argument", 'The argument "c" is required, but no definition was found.'),
        ("Unsupported argument", 'An argument named "b" is not expected here. Did you mean "c"?'),
        ("Unsupported block type", 'Blocks of type "other" are not expected here.'),
    ]
    assert isinstance(body, hcl.Body)


def test_body_label_diagnostics() -> None:
    body = config('r "a" "b" "c" {}\nr {}\nq "x" {}\n')
    schema = hcl.BodySchema(blocks=(hcl.BlockHeaderSchema("r", ("type", "name")), hcl.BlockHeaderSchema("q")))
    content, diags = body.content(schema)
    assert content.blocks == []
    assert [(d.summary, d.detail) for d in diags] == [
        ("Extraneous label for r", "Only 2 labels (type, name) are expected for r blocks."),
        ("Missing type for r", "All r blocks must have 2 labels (type, name)."),
        ("Extraneous label for q", "No labels are expected for q blocks."),
    ]


def test_partial_content_and_just_attributes() -> None:
    body = config("a = 1\nb = 2\nx {}\n")
    content, remain, diags = body.partial_content(hcl.BodySchema(attributes=(hcl.AttributeSchema("a"),)))
    assert not diags and list(content.attributes) == ["a"]
    attrs, diags = remain.just_attributes()
    assert list(attrs) == ["b"]
    assert [(d.summary, d.detail) for d in diags] == [('Unexpected "x" block', "Blocks are not allowed here.")]
    c2, d2 = remain.content(hcl.BodySchema(attributes=(hcl.AttributeSchema("b"),), blocks=(hcl.BlockHeaderSchema("x"),)))
    assert not d2 and list(c2.attributes) == ["b"] and len(c2.blocks) == 1


def test_block_suggestions() -> None:
    body = config("lifecycl {}\ncount {}\n")
    _, diags = body.content(hcl.BodySchema(attributes=(hcl.AttributeSchema("count"),), blocks=(hcl.BlockHeaderSchema("lifecycle"),)))
    assert [d.detail for d in diags] == [
        'Blocks of type "lifecycl" are not expected here. Did you mean "lifecycle"?',
        'Blocks of type "count" are not expected here. Did you mean to define argument "count"? If so, use the equals sign to assign it a value.',
    ]


def test_ranges_compare_equal_to_plain_ranges() -> None:
    from sheath.diag import Pos, Range

    e = expr("abc")
    assert e.range == Range("x.tf", Pos(1, 1, 0), Pos(1, 4, 3))
    assert Range("x.tf", Pos(1, 1, 0), Pos(1, 4, 3)) == e.range
    assert hash(e.range) == hash(Range("x.tf", Pos(1, 1, 0), Pos(1, 4, 3)))
    assert str(e.range) == "x.tf:1,1-1,4"


@pytest.mark.parametrize(
    "src, col",
    [
        ('a = "e\u0301" b', 9),  # combining accent joins its letter
        ('a = "\U0001F1FA\U0001F1F8\U0001F468\u200d\U0001F469 x" b', 12),  # flag pair, ZWJ sequence
        ('a = "\U0001F44D\U0001F3FD" b', 9),  # emoji modifier
        ('a = "\u00e9" b', 9),
    ],
)
def test_columns_count_grapheme_clusters_like_terraform(src: str, col: int) -> None:
    assert errors(src) == [("Missing newline after argument", (1, col, 1, col + 1))]
