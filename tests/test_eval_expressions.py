"""Unit tests of the expression evaluator: every node kind, values and errors."""

from __future__ import annotations

import pytest

from sheath.diag import Diagnostics
from sheath.lang.eval import EvalContext, evaluate
from sheath.lang.funcs.registry import builtin_functions
from sheath.lang.hclsyntax.parser import parse_expression
from sheath.types.cty import (
    DYNAMIC,
    NUMBER,
    SENSITIVE,
    STRING,
    UNKNOWN,
    ListType,
    Value,
    list_val,
    object_val,
    string_val,
    unknown,
)
from sheath.types.number import number_val

_FUNCS = builtin_functions(".")


def ctx(**vars: Value) -> EvalContext:
    return EvalContext(dict(vars), _FUNCS)


def ev(src: str, c: EvalContext | None = None) -> tuple[Value, Diagnostics]:
    expr, d = parse_expression(src.encode(), "test.tf")
    assert not d.has_errors(), [x.summary for x in d]
    return evaluate(expr, c if c is not None else ctx())


def ok(src: str, c: EvalContext | None = None) -> Value:
    v, d = ev(src, c)
    assert not d.has_errors(), [(x.summary, x.detail) for x in d]
    return v


def err(src: str, c: EvalContext | None = None) -> tuple[str, str]:
    v, d = ev(src, c)
    errs = d.errors()
    assert errs, f"expected an error from {src!r}, got {v!r}"
    return errs[0].summary, errs[0].detail


def num(v: Value) -> str:
    assert v.type == NUMBER
    return str(v.v)


# --- literals, operators --------------------------------------------------------


@pytest.mark.parametrize(
    "src,want",
    [
        ("1+2", "3"),
        ('"1"+1', "2"),
        ("7-10", "-3"),
        ("3*4", "12"),
        ("1/4", "0.25"),
        ("7%3", "1"),
        ("5%0", "5"),
        ("-5", "-5"),
        ("2*(3+4)", "14"),
    ],
)
def test_arithmetic(src: str, want: str) -> None:
    assert num(ok(src)) == want


def test_division_by_zero_is_infinity() -> None:
    assert ok("1/0").v.is_inf()


@pytest.mark.parametrize(
    "src,want",
    [
        ("1 < 2", True),
        ("2 <= 1", False),
        ('"10" > 9', True),
        ("true && false", False),
        ("true || false", True),
        ("!true", False),
        ("1 == 1", True),
        ('1 == "1"', False),
        ("null == null", True),
        ("[1] != [1]", False),
    ],
)
def test_bool_ops(src: str, want: bool) -> None:
    v = ok(src)
    assert v.v is want


def test_operand_errors() -> None:
    assert err('"a" + 1') == ("Invalid operand", "Unsuitable value for left operand: a number is required.")
    assert err("true && 1") == ("Invalid operand", "Unsuitable value for right operand: bool required.")
    assert err("null + 1") == ("Operation failed", "Error during operation: argument must not be null.")
    assert err("-true")[0] == "Invalid operand"


def test_both_operands_reported() -> None:
    _, d = ev('"a" < "b"')
    assert [x.detail for x in d.errors()] == [
        "Unsuitable value for left operand: a number is required.",
        "Unsuitable value for right operand: a number is required.",
    ]


def test_unknown_propagates_without_short_circuit() -> None:
    c = ctx(u=unknown(STRING), b=unknown(DYNAMIC))
    for src in ("false && b", "true || b", 'u == "a"', "u + 1", "!b", '"x${u}y"'):
        assert ok(src, c).v is UNKNOWN, src


def test_sensitive_propagates() -> None:
    c = ctx(s=string_val("sec").mark(SENSITIVE))
    for src in ('s == "sec"', '"${s}-x"', "upper(s)", 's == "a" ? 1 : 2', "[for c in [s] : c][0]"):
        assert ok(src, c).is_sensitive, src
    assert not ok("[s]", c).is_sensitive
    assert ok("[s]", c).v[0].is_sensitive


# --- conditional ----------------------------------------------------------------


def test_conditional_unifies() -> None:
    v = ok('true ? 1 : "a"')
    assert v.type == STRING and v.v == "1"
    assert num(ok("false ? null : 3")) == "3"


def test_conditional_errors() -> None:
    assert err("true ? 1 : [1]") == (
        "Inconsistent conditional result types",
        "The true and false result expressions must have consistent types. "
        "The 'true' value is number, but the 'false' value is tuple.",
    )
    assert ok("true ? {a=1} : {b=2, a=1}").type.is_map()
    s, d = err('true ? {a=1} : {b="x", a=[1]}')
    assert s == "Inconsistent conditional result types"
    assert err("null ? 1 : 2")[0] == "Null condition"
    assert err('"x" ? 1 : 2') == ("Incorrect condition type", "The condition expression must be of type bool.")


def test_conditional_ignores_untaken_branch_errors() -> None:
    assert num(ok("true ? 1 : [1][5]")) == "1"


def test_conditional_unknown_condition() -> None:
    v = ok("c ? 1 : 2", ctx(c=unknown(DYNAMIC)))
    assert v.v is UNKNOWN and v.type == NUMBER


# --- collections, index, attributes ---------------------------------------------


def test_tuple_and_object() -> None:
    v = ok('[1, "a", true]')
    assert v.type.is_tuple() and len(v.v) == 3
    o = ok('{a = 1, "b" = 2, (k) = 3}', ctx(k=string_val("c")))
    assert sorted(o.v) == ["a", "b", "c"]
    assert num(ok("{a=1, a=2}.a")) == "2"
    assert sorted(ok("{null = 1, true = 2}").v) == ["null", "true"]


def test_object_key_errors() -> None:
    assert err("{(null) = 1}") == ("Null value as key", "Can't use a null value as a key.")
    assert err("{([]) = 1}")[0] == "Incorrect key type"
    assert err("{a.b = 1}")[0] == "Ambiguous attribute key"


@pytest.mark.parametrize(
    "src,detail",
    [
        ("[1][1]", "The given key does not identify an element in this collection value: the given index is greater than or equal to the length of the collection."),
        ("[1][5]", "The given key does not identify an element in this collection value."),
        ("[][0]", "The given key does not identify an element in this collection value: the collection has no elements."),
        ("[1][-1]", "The given key does not identify an element in this collection value: a negative number is not a valid index for a sequence."),
        ("[1][0.5]", "The given key does not identify an element in this collection value: indexing a sequence requires a whole number, but the given index has a fractional part."),
        ('[1]["x"]', "The given key does not identify an element in this collection value: a number is required."),
        ('{a=1}["b"]', "The given key does not identify an element in this collection value."),
        ("{a=1}[0]", "The given key does not identify an element in this collection value. An object only supports looking up attributes by name, not by numeric index."),
        ("[1][null]", "Can't use a null value as an indexing key."),
        ("1[0]", "This value does not have any indices."),
    ],
)
def test_index_errors(src: str, detail: str) -> None:
    assert err(src) == ("Invalid index", detail)


def test_index_ok() -> None:
    assert num(ok('[1]["0"]')) == "1"
    assert num(ok("{a=[5,6]}.a.1")) == "6"  # legacy index form
    assert num(ok('{a={b=7}}["a"]["b"]')) == "7"
    assert num(ok("l[k]", ctx(l=list_val([number_val(4), number_val(5)]), k=number_val(1)))) == "5"


def test_attribute_errors() -> None:
    assert err("{a=1}.b") == ("Unsupported attribute", 'This object does not have an attribute named "b".')
    assert err('"a".b') == ("Unsupported attribute", "Can't access attributes on a primitive-typed value (string).")
    assert err("null.a") == ("Attempt to get attribute from null value", "This value is null, so it does not have any attributes.")
    assert err("null[0]") == ("Attempt to index null value", "This value is null, so it does not have any indices.")
    assert err("[{a=1}].a") == ("Unsupported attribute", "This value does not have any attributes.")
    lst = Value(ListType(object_val({"a": number_val(1)}).type), (object_val({"a": number_val(1)}),))
    s, d = err("l.a", ctx(l=lst))
    assert s == "Unsupported attribute" and "list of objects" in d and '"a"' in d


def test_unknown_variable() -> None:
    s, d = err("nope", ctx(nop=number_val(1)))
    assert s == "Unknown variable" and d == 'There is no variable named "nope". Did you mean "nop"?'


def test_traversal_through_unknown_object() -> None:
    o = unknown(object_val({"a": number_val(1)}).type)
    v = ok("o.a", ctx(o=o))
    assert v.v is UNKNOWN and v.type == NUMBER


# --- templates ------------------------------------------------------------------


def test_templates() -> None:
    assert num(ok('"${1+2}"')) == "3"
    assert ok('"a${1+2}"').v == "a3"
    assert ok('"x%{ if true }y%{ else }z%{ endif }"').v == "xy"
    assert ok('"%{ for x in [1,2] }${x},%{ endfor }"').v == "1,2,"
    assert ok('"a %{~ if true ~} b %{~ endif ~}"').v == "ab"
    assert ok('"${true}"').type.is_primitive()


def test_template_errors() -> None:
    assert err('"a${null}"') == (
        "Invalid template interpolation value",
        "The expression result is null. Cannot include a null value in a string template.",
    )
    assert err('"a${[1]}"') == (
        "Invalid template interpolation value",
        "Cannot include the given value in a string template: string required.",
    )
    assert err('"%{for x in [1,null]}${x}%{endfor}"')[0] == "Invalid template interpolation value"


# --- for ------------------------------------------------------------------------


def test_for_expressions() -> None:
    v = ok("[for v in [1,2] : v * 2]")
    assert [num(x) for x in v.v] == ["2", "4"]
    v = ok("{for k, v in {b=1, a=2} : v => k}")
    assert {k: x.v for k, x in v.v.items()} == {"1": "b", "2": "a"}
    v = ok('[for k, v in {b=1,a=2} : "${k}${v}"]')
    assert [x.v for x in v.v] == ["a2", "b1"]
    v = ok('{for k in ["a","a","b"] : k => 1...}')
    assert len(v.v["a"].v) == 2 and len(v.v["b"].v) == 1
    v = ok("[for i, v in [5,6] : i]")
    assert [num(x) for x in v.v] == ["0", "1"]
    v = ok("{for v in [1,2,3] : v => v if v > 1}")
    assert sorted(v.v) == ["2", "3"]


def test_for_errors() -> None:
    assert err('{for k in ["a","a"] : k => 1}')[0] == "Duplicate object key"
    assert err("[for v in null : v]")[0] == "Iteration over null value"
    assert err("[for v in 1 : v]") == (
        "Iteration over non-iterable value",
        "A value of type number cannot be used as the collection in a 'for' expression.",
    )
    assert err("[for v in [1] : v if v]") == ("Invalid 'for' condition", "The 'if' clause value is invalid: bool required.")
    assert err("[for v in [1] : v if null]")[0] == "Condition is null"
    assert err("{for v in [1] : null => v}")[0] == "Invalid object key"


def test_for_over_unknown_collection() -> None:
    assert ok("[for v in u : v]", ctx(u=unknown(ListType(STRING)))).v is UNKNOWN


# --- splat ----------------------------------------------------------------------


def test_splat() -> None:
    assert [num(x) for x in ok("[{a=1},{a=2}][*].a").v] == ["1", "2"]
    assert [num(x) for x in ok("[{a=1},{a=2}].*.a").v] == ["1", "2"]
    assert ok("null[*]").v == ()
    v = ok('"abc"[*]')
    assert v.type.is_tuple() and v.v[0].v == "abc"
    lst = list_val([object_val({"a": number_val(1)})])
    v = ok("l[*].a", ctx(l=lst))
    assert v.type.is_list()


# --- functions ------------------------------------------------------------------


def test_function_calls() -> None:
    assert ok('upper("a")').v == "A"
    assert num(ok("max([1,2]...)")) == "2"
    assert num(ok("max(1, [5,3]...)")) == "5"
    assert ok('core::upper("a")').v == "A"


def test_function_errors() -> None:
    s, d = err("lenght([1])")
    assert s == "Call to unknown function" and d == 'There is no function named "lenght". Did you mean "length"?'
    assert err("upper()") == ("Not enough function arguments", 'Function "upper" expects 1 argument(s). Missing value for "str".')
    assert err("upper(1,2)") == ("Too many function arguments", 'Function "upper" expects only 1 argument(s).')
    assert err("upper([])") == ("Invalid function argument", 'Invalid value for "str" parameter: string required.')
    assert err('upper("a"...)')[0] == "Invalid expanding argument value"
    assert err("max(null...)")[1] == "The expanding argument (indicated by ...) must not be null."
    assert err("provider::foo::bar(1)")[0] == "Unknown provider function"


def test_functions_not_allowed() -> None:
    expr, _ = parse_expression(b"upper(x)", "t")
    _, d = evaluate(expr, EvalContext({"x": string_val("a")}, None))
    assert d.errors()[0].summary == "Function calls not allowed"


def test_can_and_try() -> None:
    assert ok('can(1+"a")').v is False
    assert ok("can(1+1)").v is True
    assert num(ok('try(1+"a", 2)')) == "2"
    assert num(ok("try(nope(), 3)")) == "3"
    assert ok("can(u)", ctx(u=unknown(STRING))).v is UNKNOWN
    assert ok("try([u], 1)", ctx(u=unknown(STRING))).v is UNKNOWN
    s, d = err('try(1+"a", [2][5])')
    assert s == "Error in function call"
    assert d.startswith('Call to function "try" failed: no expression succeeded:\n- Invalid operand (at test.tf:1,7-10)\n')
    assert d.endswith("\nAt least one expression must produce a successful result.")
    assert err("try()")[1] == 'Call to function "try" failed: at least one argument is required.'
