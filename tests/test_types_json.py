"""ctyjson codec: values, types, and jsondecode's implied types."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheath.types import (
    BOOL,
    DYNAMIC,
    NUMBER,
    SENSITIVE,
    STRING,
    ListType,
    MapType,
    ObjectType,
    SetType,
    TupleType,
    Type,
    Value,
    format_value,
    number_val,
    object_val,
    string_val,
    tuple_val,
    unknown,
)
from sheath.types.json import (
    JSONError,
    decode_implied,
    encode_string,
    type_from_json,
    type_to_json,
    value_from_json,
    value_to_json,
)
from sheath.types.ops import raw_equal


def test_encode_like_terraform_jsonencode() -> None:
    v = object_val({"b": number_val(1), "a": tuple_val([number_val("1.5"), Value(BOOL, True), Value(DYNAMIC, None)]), "c": object_val({})})
    assert value_to_json(v) == b'{"a":[1.5,true,null],"b":1,"c":{}}'
    s = "\b\f\x01<>&\u2028\u2029\t\n\r\"\\é😀\x7f\x80\xa0"
    assert encode_string(s) == '"\\b\\f\\u0001\\u003c\\u003e\\u0026\\u2028\\u2029\\t\\n\\r\\"\\\\é😀\x7f\x80\xa0"'
    third = Value(NUMBER, number_val("1").v.quo(number_val("3").v))
    assert value_to_json(third) == b"0." + b"3" * 154 + b"5"
    assert value_to_json(tuple_val([number_val("1e-7"), Value(NUMBER, number_val(0).v.neg())])) == b"[0.0000001,-0]"


def test_encode_errors() -> None:
    with pytest.raises(JSONError, match="value is not known"):
        value_to_json(unknown(STRING))
    with pytest.raises(JSONError, match="cannot serialize infinity as JSON"):
        value_to_json(Value(NUMBER, number_val(1).v.quo(number_val(0).v)))
    with pytest.raises(JSONError, match="value has marks"):
        value_to_json(string_val("x").mark(SENSITIVE))


def test_dynamic_wrapper() -> None:
    assert value_to_json(number_val(1), DYNAMIC) == b'{"value":1,"type":"number"}'
    v = value_from_json(b'{"value":["a"],"type":["list","string"]}', DYNAMIC)
    assert v.type == ListType(STRING)


@pytest.mark.parametrize(
    "doc, want",
    [
        ('{"a":1,"a":2}', '{\n  "a" = 2\n}'),
        ("[1, \"a\", null, 0.1]", '[\n  1,\n  "a",\n  null,\n  0.1,\n]'),
        ("-0", "-0"),
        ("1.0", "1"),
        ('"\\ud800"', '"\ufffd"'),
        ('{"b":1,"a":[true,{}]}', '{\n  "a" = [\n    true,\n    {},\n  ]\n  "b" = 1\n}'),
        (" {\"x\": {\"y\": [ ]}} ", '{\n  "x" = {\n    "y" = []\n  }\n}'),
    ],
)
def test_decode_implied(doc: str, want: str) -> None:
    assert format_value(decode_implied(doc)) == want


@pytest.mark.parametrize(
    "doc, msg",
    [
        ('{"a":1} x', "extraneous data after JSON object"),
        ("[1,]", "invalid character ']' looking for beginning of value"),
        ("01", "extraneous data after JSON object"),
        ("", "EOF"),
        ("tru", "unexpected EOF"),
        ('{"a":1', "unexpected EOF"),
        ("[1e999999999999]", "a number is required"),
    ],
)
def test_decode_errors(doc: str, msg: str) -> None:
    with pytest.raises(JSONError) as ei:
        decode_implied(doc)
    assert ei.value.message == msg


def test_decode_into_type() -> None:
    t = ObjectType({"a": SetType(NUMBER), "b": MapType(STRING), "c": STRING})
    v = value_from_json('{"a":[3,1,3],"b":{"y":"1","x":"2"}}', t)
    assert format_value(v) == '{\n  "a" = toset([\n    1,\n    3,\n  ])\n  "b" = tomap({\n    "x" = "2"\n    "y" = "1"\n  })\n  "c" = tostring(null)\n}'
    with pytest.raises(JSONError, match='unsupported attribute "z"'):
        value_from_json('{"z":1}', t)


TYPES: list[Type] = [
    STRING,
    NUMBER,
    BOOL,
    DYNAMIC,
    ListType(STRING),
    SetType(NUMBER),
    MapType(ListType(BOOL)),
    ObjectType({"a": STRING, "b": TupleType([NUMBER, DYNAMIC])}),
    ObjectType({"a": STRING, "o": NUMBER}, frozenset({"o"})),
    TupleType([]),
]


@pytest.mark.parametrize("t", TYPES, ids=repr)
def test_type_json_round_trip(t: Type) -> None:
    assert type_from_json(type_to_json(t)) == t


def test_type_json_shapes() -> None:
    assert type_to_json(ObjectType({"a": ListType(STRING), "b": DYNAMIC})) == b'["object",{"a":["list","string"],"b":"dynamic"}]'
    assert type_to_json(ObjectType({"a": STRING}, frozenset({"a"}))) == b'["object",{"a":"string"},["a"]]'


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=20,
)


def _to_json_text(x: object) -> str:
    import json

    return json.dumps(x, ensure_ascii=False)


@settings(max_examples=200)
@given(json_values)
def test_json_round_trip(x: object) -> None:
    v = decode_implied(_to_json_text(x))
    data = value_to_json(v)
    again = decode_implied(data)
    assert raw_equal(v, again)
    assert value_to_json(again) == data
