"""Type constraint expressions (hcl typeexpr + terraform's optional attributes)."""

from __future__ import annotations

import pytest

from sheath.config.typeexpr import apply_defaults, parse_type, parse_type_constraint
from sheath.lang.hclsyntax.parser import parse_expression
from sheath.types.cty import (
    BOOL,
    DYNAMIC,
    NUMBER,
    STRING,
    ListType,
    MapType,
    ObjectType,
    SetType,
    TupleType,
    Type,
    Value,
    null,
    object_val,
    string_val,
    tuple_val,
)
from sheath.types.number import Number


def _expr(src: str):  # type: ignore[no-untyped-def]
    e, d = parse_expression(src.encode(), "t.tf")
    assert not d, d
    return e


def constraint(src: str) -> Type:
    t, _, d = parse_type_constraint(_expr(src))
    assert not d, [x.detail for x in d]
    return t


@pytest.mark.parametrize(
    "src,want",
    [
        ("string", STRING),
        ("number", NUMBER),
        ("bool", BOOL),
        ("any", DYNAMIC),
        ("list", ListType(DYNAMIC)),
        ("map", MapType(DYNAMIC)),
        ("set", SetType(DYNAMIC)),
        ("list(string)", ListType(STRING)),
        ("map(any)", MapType(DYNAMIC)),
        ("set(number)", SetType(NUMBER)),
        ("list(map(list(bool)))", ListType(MapType(ListType(BOOL)))),
        ("tuple([string, number])", TupleType([STRING, NUMBER])),
        ("tuple([])", TupleType([])),
        ("object({})", ObjectType({})),
        ("object({a=string, b=list(number)})", ObjectType({"a": STRING, "b": ListType(NUMBER)})),
    ],
)
def test_types(src: str, want: Type) -> None:
    assert constraint(src) == want
    t, d = parse_type(_expr(src))
    assert not d and t == want


def test_optional_attributes_and_defaults() -> None:
    t, defaults, d = parse_type_constraint(_expr('object({a=string, b=optional(number, 5), c=optional(string)})'))
    assert not d
    assert t == ObjectType({"a": STRING, "b": NUMBER, "c": STRING}, frozenset({"b", "c"}))
    assert defaults is not None and set(defaults.default_values) == {"b"}
    assert defaults.default_values["b"].type == NUMBER


def test_nested_defaults() -> None:
    t, defaults, d = parse_type_constraint(
        _expr('list(object({x=optional(object({y=optional(bool, true)}), {}), z=optional(string, "q")}))')
    )
    assert not d and defaults is not None
    elem = defaults.children[""]
    assert set(elem.default_values) == {"x", "z"}
    assert "x" in elem.children and set(elem.children["x"].default_values) == {"y"}


def test_optional_not_allowed_without_constraint_mode() -> None:
    _, d = parse_type(_expr("object({a=optional(string)})"))
    assert d.has_errors()


@pytest.mark.parametrize(
    "src,detail",
    [
        ("strin", 'The keyword "strin" is not a valid type specification.'),
        ("list(string, number)", "The list type constructor requires one argument specifying the element type."),
        ("list()", "The list type constructor requires one argument specifying the element type."),
        ("optional(string)", 'Keyword "optional" is valid only as a modifier for object type attributes.'),
        ("tuple(string)", "Tuple type constructor requires a list of element types."),
        ("object([string])", "Object type constructor requires a map whose keys are attribute names and whose values are the corresponding attribute types."),
        ("object", "The object type constructor requires one argument specifying the attribute types as a map."),
        ("tuple", "The tuple type constructor requires one argument specifying the element types as a list."),
        ("string(1)", 'Primitive type keyword "string" does not expect arguments.'),
        ("foo(string)", 'Keyword "foo" is not a valid type constructor.'),
        ('"string"', "A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string)."),
        ("object({a=optional(string, 1, 2)})", "Optional attribute modifier expects at most two arguments: the attribute type, and a default value."),
    ],
)
def test_type_errors(src: str, detail: str) -> None:
    _, _, d = parse_type_constraint(_expr(src))
    assert [x.summary for x in d] == ["Invalid type specification"]
    assert d[0].detail == detail


def test_bad_optional_default() -> None:
    _, _, d = parse_type_constraint(_expr('object({a=optional(number, "x")})'))
    assert [x.summary for x in d] == ["Invalid default value for optional attribute"]
    assert d[0].detail == "This default value is not compatible with the attribute's type constraint: a number is required."


def _num(i: int) -> Value:
    return Value(NUMBER, Number.from_int(i))


def test_apply_defaults() -> None:
    t, defaults, _ = parse_type_constraint(_expr('object({a=string, b=optional(number, 5), c=optional(list(object({d=optional(bool, true)})))})'))
    given = object_val({"a": string_val("x"), "c": tuple_val([object_val({}), object_val({"d": Value(BOOL, False)})])})
    out = apply_defaults(given, t, defaults)
    assert out.v["b"].v == Number.from_int(5)
    assert out.v["c"].v[0].v["d"].v is True
    assert out.v["c"].v[1].v["d"].v is False
    # explicit values and nulls of whole objects are left alone
    assert apply_defaults(object_val({"a": string_val("x"), "b": _num(1)}), t, defaults).v["b"].v == Number.from_int(1)
    assert apply_defaults(null(t), t, defaults).is_null
    # a null attribute gets the default
    assert apply_defaults(object_val({"a": string_val("x"), "b": null(NUMBER)}), t, defaults).v["b"].v == Number.from_int(5)
