"""ops: equality, arithmetic, logic, sets, indexing — terraform's semantics."""

from __future__ import annotations

import pytest

from sheath.types import (
    BOOL,
    DYNAMIC,
    EMPTY_TUPLE_VAL,
    FALSE,
    NUMBER,
    SENSITIVE,
    STRING,
    TRUE,
    UNKNOWN,
    ListType,
    MapType,
    ObjectType,
    SetType,
    Value,
    convert,
    format_value,
    list_val,
    map_val,
    null,
    number_val,
    object_val,
    string_val,
    tuple_val,
    unknown,
)
from sheath.types import ops
from sheath.types.number import NumberNaNError

N = number_val
S = string_val


def fmt(v: Value) -> str:
    return format_value(v)


@pytest.mark.parametrize(
    "a, b, want",
    [
        (list_val([N(1)]), tuple_val([N(1)]), "false"),
        (tuple_val([N(1), S("a")]), tuple_val([N(1), S("a")]), "true"),
        (N(1), S("1"), "false"),
        (null(), null(STRING), "true"),
        (object_val({"a": N(1)}), object_val({"a": N("1.0")}), "true"),
        (Value(NUMBER, N("0.1").v.add(N("0.2").v)), N("0.3"), "true"),
        (N(2.0**100), N("1267650600228229401496703205376"), "true"),
        (N(1).mark(SENSITIVE), N(1), "(sensitive value)"),
        (unknown(NUMBER), N(1), "(known after apply)"),
        (unknown(NUMBER), S("a"), "false"),
        (unknown(NUMBER), null(), "(known after apply)"),
        (tuple_val([N(1), unknown(NUMBER)]), tuple_val([N(2), N(3)]), "false"),
        (tuple_val([unknown(NUMBER), N(1)]), tuple_val([N(2), N(3)]), "(known after apply)"),
        (ops.set_val([N(1), N(2)]), ops.set_val([N(2), N(1)]), "true"),
        (tuple_val([null()]), tuple_val([null()]), "true"),
        (tuple_val([unknown()]), tuple_val([N(1)]), "(known after apply)"),
        (tuple_val([unknown()]), tuple_val([N(1), N(2)]), "false"),
    ],
)
def test_equals(a: Value, b: Value, want: str) -> None:
    assert fmt(ops.equals(a, b)) == want


def test_arithmetic_and_marks() -> None:
    assert fmt(ops.add(N(1), N(2))) == "3"
    assert fmt(ops.subtract(N(1), N(2))) == "-1"
    assert fmt(ops.multiply(N(0), N(-5))) == "-0"
    assert fmt(ops.divide(N(1), N(0))) == "+Inf"
    assert fmt(ops.modulo(N(3), N(-2))) == "1"
    assert fmt(ops.negate(N(0))) == "-0"
    r = ops.add(N(1).mark(SENSITIVE), unknown(NUMBER))
    assert r.v is UNKNOWN and r.is_sensitive
    with pytest.raises(NumberNaNError, match="can't divide zero by zero or infinity by infinity"):
        ops.divide(N(0), N(0))
    assert fmt(ops.less_than(N(1), N(2))) == "true"
    assert fmt(ops.greater_than_or_equal(N(1), N(2))) == "false"
    assert fmt(ops.less_than(unknown(NUMBER), N(2))) == "(known after apply)"


def test_logic() -> None:
    assert ops.and_(FALSE, unknown(BOOL)) is not None and ops.and_(FALSE, unknown(BOOL)).v is False
    assert ops.or_(unknown(BOOL), TRUE).v is True
    assert ops.and_(TRUE, unknown(BOOL)).v is UNKNOWN
    assert ops.not_(TRUE).v is False
    assert ops.not_(FALSE.mark(SENSITIVE)).is_sensitive


def test_set_order_and_dedupe() -> None:
    s = ops.set_val([S("b"), S("a"), S("b"), S("B")])
    assert [e.v for e in s.v] == ["B", "a", "b"]
    n = ops.set_val([N(10), N(9), N("9.0"), N(-1)])
    assert [e.v.format() for e in n.v] == ["-1", "9", "10"]
    b = ops.set_val([TRUE, FALSE])
    assert [e.v for e in b.v] == [False, True]
    # marks on elements move to the set
    m = ops.set_val([S("a").mark(SENSITIVE)])
    assert m.is_sensitive and not m.v[0].is_marked
    # unknowns never collapse, and sort after known values
    u = ops.set_val([unknown(STRING), S("z"), unknown(STRING)])
    assert len(u.v) == 3 and u.v[0].v == "z"
    assert ops.length(u).v is UNKNOWN
    assert ops.set_val([], STRING).type == SetType(STRING)


def test_value_key() -> None:
    assert ops.value_key(N(1)) == ops.value_key(N("1.0"))
    assert ops.value_key(tuple_val([S("a")])) == ops.value_key(list_val([S("a")]))
    assert ops.value_key(unknown()) != ops.value_key(unknown())
    assert hash(ops.value_key(object_val({"a": N(1)})))


@pytest.mark.parametrize(
    "coll, key, summary, detail",
    [
        (tuple_val([N(1), N(2)]), N(1.5), "Invalid index", ": indexing a sequence requires a whole number, but the given index has a fractional part."),
        (tuple_val([N(1), N(2)]), N(-1), "Invalid index", ": a negative number is not a valid index for a sequence."),
        (tuple_val([N(1), N(2)]), N(2), "Invalid index", ": the given index is greater than or equal to the length of the collection."),
        (EMPTY_TUPLE_VAL, N(0), "Invalid index", ": the collection has no elements."),
        (object_val({"a": N(1)}), S("b"), "Invalid index", "."),
        (object_val({"a": N(1)}), N(0), "Invalid index", ". An object only supports looking up attributes by name, not by numeric index."),
        (map_val({"a": N(1)}), S("b"), "Invalid index", "."),
        (tuple_val([N(1)]), S("x"), "Invalid index", ": a number is required."),
    ],
)
def test_index_errors(coll: Value, key: Value, summary: str, detail: str) -> None:
    with pytest.raises(ops.OpError) as ei:
        ops.index(coll, key)
    assert ei.value.summary == summary
    assert ei.value.detail == "The given key does not identify an element in this collection value" + detail


def test_index_other_errors() -> None:
    with pytest.raises(ops.OpError, match="Elements of a set are identified only by their value"):
        ops.index(ops.set_val([N(1)]), N(0))
    with pytest.raises(ops.OpError, match="This value does not have any indices."):
        ops.index(S("abc"), N(0))
    with pytest.raises(ops.OpError, match="Attempt to index null value"):
        ops.index(null(ListType(STRING)), N(0))
    with pytest.raises(ops.OpError, match="Can't use a null value as an indexing key."):
        ops.index(tuple_val([N(1)]), null(NUMBER))


def test_index_values() -> None:
    assert fmt(ops.index(tuple_val([N(1), S("x")]), S("1"))) == '"x"'
    assert fmt(ops.index(map_val({"a": N(1)}), S("a"))) == "1"
    assert ops.index(unknown(ListType(STRING)), N(0)).type == STRING
    assert ops.index(unknown(), N(0)).type == DYNAMIC
    r = ops.index(list_val([S("a")]).mark(SENSITIVE), N(0))
    assert r.is_sensitive


@pytest.mark.parametrize(
    "obj, name, summary, detail",
    [
        (map_val({"a": N(1)}), "b", "Missing map element", 'This map does not have an element with the key "b".'),
        (object_val({"a": N(1)}), "b", "Unsupported attribute", 'This object does not have an attribute named "b".'),
        (S("x"), "y", "Unsupported attribute", "Can't access attributes on a primitive-typed value (string)."),
        (tuple_val([object_val({"a": N(1)})]), "a", "Unsupported attribute", "This value does not have any attributes."),
        (
            convert(tuple_val([object_val({"a": N(1)})]), ListType(DYNAMIC)),
            "b",
            "Unsupported attribute",
            "Can't access attributes on a list of objects. Did you mean to access an attribute for a specific element of the list, or across all elements of the list?",
        ),
        (
            ops.set_val([object_val({"a": N(1)})]),
            "b",
            "Unsupported attribute",
            "Can't access attributes on a set of objects. Did you mean to access an attribute across all elements of the set?",
        ),
        (null(), "a", "Attempt to get attribute from null value", "This value is null, so it does not have any attributes."),
    ],
)
def test_get_attr_errors(obj: Value, name: str, summary: str, detail: str) -> None:
    with pytest.raises(ops.OpError) as ei:
        ops.get_attr(obj, name)
    assert (ei.value.summary, ei.value.detail) == (summary, detail)


def test_get_attr_values() -> None:
    assert fmt(ops.get_attr(object_val({"a": N(1)}), "a")) == "1"
    assert ops.get_attr(unknown(ObjectType({"a": STRING})), "a").type == STRING
    assert ops.get_attr(unknown(MapType(NUMBER)), "a").type == NUMBER


def test_length_and_iteration() -> None:
    assert fmt(ops.length(tuple_val([N(1), N(2)]))) == "2"
    assert fmt(ops.length(object_val({"a": N(1)}))) == "1"
    assert ops.length(unknown(ListType(STRING))).v is UNKNOWN
    keys = [fmt(k) for k, _ in ops.elements(map_val({"b": N(1), "a": N(2)}))]
    assert keys == ['"a"', '"b"']
    assert [fmt(k) for k, _ in ops.elements(list_val([S("x"), S("y")]))] == ["0", "1"]


def test_mark_helpers() -> None:
    v = ops.mark_deep(tuple_val([N(1), tuple_val([S("a")])]), frozenset({SENSITIVE}))
    assert v.is_sensitive and v.v[1].v[0].is_sensitive
    u, m = ops.unmark_deep(v)
    assert m == frozenset({SENSITIVE}) and not u.contains_marked()
    assert ops.go_quote('a"\n\x01\u2028é') == '"a\\"\\n\\x01\\u2028é"'


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=200)
@given(st.lists(st.text(max_size=4), max_size=12))
def test_string_sets_sort_and_dedupe(xs: list[str]) -> None:
    import unicodedata

    s = ops.set_val([S(x) for x in xs], STRING)
    assert [e.v for e in s.v] == sorted({unicodedata.normalize("NFC", x) for x in xs})
    back = convert(convert(s, ListType(STRING)), SetType(STRING))
    assert ops.raw_equal(back, s)


@settings(max_examples=200)
@given(st.lists(st.integers(min_value=-(10**30), max_value=10**30), max_size=12))
def test_number_sets_sort_numerically(xs: list[int]) -> None:
    s = ops.set_val([N(x) for x in xs], NUMBER)
    assert [e.v.to_int() for e in s.v] == sorted(set(xs))
    assert ops.length(s).v.to_int() == len(set(xs))
