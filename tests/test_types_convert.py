"""convert / unify: cty's conversion rules and messages (as terraform shows them)."""

from __future__ import annotations

import pytest

from sheath.types import (
    BOOL,
    DYNAMIC,
    EMPTY_OBJECT_VAL,
    NUMBER,
    SENSITIVE,
    STRING,
    TRUE,
    ConversionError,
    ListType,
    MapType,
    ObjectType,
    SetType,
    TupleType,
    Type,
    Value,
    can_convert,
    convert,
    format_value,
    list_val,
    map_val,
    null,
    number_val,
    object_val,
    string_val,
    tuple_val,
    unify,
    unknown,
)

N = number_val
S = string_val


def obj(**kw: Type) -> ObjectType:
    return ObjectType(kw)


@pytest.mark.parametrize(
    "val, want, msg",
    [
        # the messages terraform prints for invalid variable defaults
        (tuple_val([S("x")]), ListType(NUMBER), "[0]: a number is required"),
        (object_val({"x": S("1")}), obj(x=STRING, y=NUMBER), 'attribute "y" is required'),
        (
            object_val({"m": object_val({"k": S("yes")})}),
            MapType(obj(k=BOOL)),
            '["m"].k: a bool is required',
        ),
        (object_val({"x": S("s")}), obj(x=ListType(STRING)), 'attribute "x": list of string required'),
        (tuple_val([tuple_val([N(1)])]), SetType(STRING), "element 0: string required"),
        (tuple_val([S("a")]), TupleType([STRING, NUMBER]), "tuple required"),
        (object_val({"a": EMPTY_OBJECT_VAL}), MapType(STRING), 'element "a": string required'),
        (object_val({"a": object_val({"b": S("z")})}), obj(a=obj(b=NUMBER)), ".a.b: a number is required"),
        # primitives
        (S("x"), NUMBER, "a number is required"),
        (S("True"), BOOL, 'a bool is required; to convert from string, use lowercase "true"'),
        (S("x"), BOOL, "a bool is required"),
        (TRUE, NUMBER, "number required"),
        (N(1), BOOL, "bool required"),
        (tuple_val([]), STRING, "string required"),
        # collections
        (tuple_val([N(1), EMPTY_OBJECT_VAL]), ListType(DYNAMIC), "all list elements must have the same type"),
        (object_val({"a": N(1), "b": tuple_val([])}), MapType(DYNAMIC), "all map elements must have the same type"),
        (S("a"), ListType(DYNAMIC), "list of any single type required"),
        (list_val([S("a")]), MapType(STRING), "map of string required"),
        (list_val([S("a")]), ListType(NUMBER), "[0]: a number is required"),
        (object_val({"a": N(1)}), obj(b=STRING, c=STRING), 'attributes "b" and "c" are required'),
        (object_val({}), obj(b=STRING, c=STRING, d=STRING), 'attributes "b", "c", and "d" are required'),
        (map_val({"a": S("1")}), obj(a=NUMBER, b=STRING), 'map has no element for required attribute "b"'),
    ],
)
def test_conversion_errors(val: Value, want: Type, msg: str) -> None:
    with pytest.raises(ConversionError) as ei:
        convert(val, want)
    assert ei.value.full_message() == msg


@pytest.mark.parametrize(
    "val, want, out",
    [
        (N(1), STRING, '"1"'),
        (Value(NUMBER, N("1").v.quo(N("3").v)), STRING, '"0.' + "3" * 154 + '5"'),
        (TRUE, STRING, '"true"'),
        (S("1e3"), NUMBER, "1000"),
        (S("-0"), NUMBER, "-0"),
        (S("false"), BOOL, "false"),
        (tuple_val([N(1), S("a"), TRUE]), ListType(DYNAMIC), 'tolist([\n  "1",\n  "a",\n  "true",\n])'),
        (tuple_val([N(2), N(1), N(2)]), SetType(STRING), 'toset([\n  "1",\n  "2",\n])'),
        (tuple_val([]), ListType(DYNAMIC), "tolist([])"),
        (object_val({"b": N(1), "a": TRUE}), MapType(STRING), 'tomap({\n  "a" = "true"\n  "b" = "1"\n})'),
        (map_val({"a": N(1)}), obj(a=STRING), '{\n  "a" = "1"\n}'),
        (list_val([N(1), N(2)]), TupleType([STRING, NUMBER]), '[\n  "1",\n  2,\n]'),
        (list_val([S("b"), S("a")]), SetType(STRING), 'toset([\n  "a",\n  "b",\n])'),
        (list_val([S("b")]), ListType(DYNAMIC), 'tolist([\n  "b",\n])'),
        (null(), ListType(STRING), "tolist(null) /* of string */"),
        (unknown(), MapType(NUMBER), "(known after apply)"),
        (
            object_val({"a": S("1")}),
            ObjectType({"a": NUMBER, "b": STRING}, frozenset({"b"})),
            '{\n  "a" = 1\n  "b" = tostring(null)\n}',
        ),
        (object_val({"a": N(1), "extra": N(2)}), obj(a=NUMBER), '{\n  "a" = 1\n}'),
    ],
)
def test_conversions(val: Value, want: Type, out: str) -> None:
    assert format_value(convert(val, want)) == out


def test_optional_attrs_are_dropped_from_result_type() -> None:
    t = ObjectType({"a": NUMBER, "b": obj(c=STRING)}, frozenset({"b"}))
    v = convert(object_val({"a": N(1)}), t)
    assert v.type == ObjectType({"a": NUMBER, "b": obj(c=STRING)})
    assert v.v["b"].is_null


def test_marks_survive_conversion() -> None:
    v = convert(N(1).mark(SENSITIVE), STRING)
    assert v.is_sensitive and v.v == "1"
    deep = convert(tuple_val([N(1).mark(SENSITIVE), N(2)]), ListType(STRING))
    assert deep.v[0].is_sensitive and not deep.v[1].is_marked and not deep.is_marked
    u = convert(unknown(STRING).mark(SENSITIVE), NUMBER)
    assert not u.is_known and u.is_sensitive and u.type == NUMBER


def test_dynamic_passthrough() -> None:
    v = N(1)
    assert convert(v, DYNAMIC) is v
    assert convert(unknown(), STRING).type == STRING
    assert convert(unknown(ListType(STRING)), ListType(DYNAMIC)).type == ListType(STRING)


@pytest.mark.parametrize(
    "types, want",
    [
        ([NUMBER, STRING], STRING),
        ([NUMBER, BOOL], None),
        ([NUMBER, BOOL, STRING], STRING),
        ([DYNAMIC, NUMBER], NUMBER),
        ([DYNAMIC, DYNAMIC], DYNAMIC),
        ([TupleType([NUMBER]), TupleType([STRING])], TupleType([STRING])),
        ([TupleType([NUMBER]), TupleType([NUMBER, NUMBER])], ListType(NUMBER)),
        ([obj(a=NUMBER), obj(b=NUMBER)], MapType(NUMBER)),
        ([obj(a=NUMBER), obj(a=STRING)], obj(a=STRING)),
        ([obj(a=NUMBER), TupleType([])], None),
        ([MapType(NUMBER), obj(a=STRING)], MapType(STRING)),
        ([ListType(NUMBER), ListType(STRING)], ListType(STRING)),
        ([ListType(NUMBER), DYNAMIC], DYNAMIC),
        # as terraform's conditional expressions unify them
        ([ListType(NUMBER), TupleType([STRING])], ListType(STRING)),
        ([ListType(NUMBER), TupleType([NUMBER, STRING])], ListType(STRING)),
        ([ListType(NUMBER), TupleType([obj()])], None),
        ([SetType(NUMBER), TupleType([STRING])], SetType(NUMBER)),
        ([SetType(NUMBER), ListType(NUMBER)], ListType(NUMBER)),
        ([obj(a=NUMBER), MapType(STRING)], MapType(STRING)),
        ([TupleType([]), TupleType([NUMBER])], ListType(NUMBER)),
    ],
)
def test_unify(types: list[Type], want: Type | None) -> None:
    assert unify(types) == want


def test_can_convert() -> None:
    assert can_convert(NUMBER, STRING)
    assert can_convert(STRING, NUMBER)
    assert not can_convert(BOOL, NUMBER)
    assert can_convert(TupleType([NUMBER, STRING]), ListType(STRING))
    assert not can_convert(TupleType([NUMBER, obj()]), ListType(DYNAMIC))
