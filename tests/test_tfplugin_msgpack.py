"""cty's msgpack value encoding (DynamicValue.msgpack): exact bytes and round trips."""

from __future__ import annotations

from typing import Any

import msgpack
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheath.providers.tfplugin.convert import decode_value, encode_value
from sheath.providers.tfplugin.proto import tfplugin6_pb2
from sheath.types import Value
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
    bool_val,
    null,
    object_val,
    string_val,
    unknown,
)
from sheath.types.msgpack_codec import MsgpackError, value_from_msgpack, value_to_msgpack
from sheath.types.number import Number, number_val
from sheath.types.ops import raw_equal, set_val


def test_exact_bytes() -> None:
    assert value_to_msgpack(unknown(STRING)) == b"\xd4\x00\x00"
    assert value_to_msgpack(null(STRING)) == b"\xc0"
    assert value_to_msgpack(string_val("hi")) == b"\xa2hi"
    assert value_to_msgpack(bool_val(True)) == b"\xc3"
    assert value_to_msgpack(number_val(1)) == b"\x01"
    assert value_to_msgpack(number_val(-(2**63))) == b"\xd3\x80\x00\x00\x00\x00\x00\x00\x00"
    assert value_to_msgpack(number_val(1.5)) == b"\xcb\x3f\xf8\x00\x00\x00\x00\x00\x00"
    # 0.1 as a decimal is not a float64: it travels as its decimal string
    assert value_to_msgpack(number_val("0.1")) == b"\xa30.1"
    assert value_to_msgpack(number_val(2**64 + 1)) == msgpack.packb(str(2**64 + 1))
    # the dynamic pseudo-type wraps known values as [type JSON, value]; null and unknown stay bare
    assert value_to_msgpack(string_val("x"), DYNAMIC) == b'\x92\xc4\x08"string"\xa1x'
    assert value_to_msgpack(null(DYNAMIC), DYNAMIC) == b"\xc0"
    assert value_to_msgpack(unknown(DYNAMIC), DYNAMIC) == b"\xd4\x00\x00"
    # objects carry every attribute, in name order
    t = ObjectType({"b": STRING, "a": NUMBER})
    assert value_to_msgpack(Value(t, {"a": number_val(1), "b": null(STRING)}), t) == b"\x82\xa1a\x01\xa1b\xc0"


def test_decode_variants() -> None:
    # a refined unknown (extension 0 with a payload) is an unknown; refinements are dropped
    refined = msgpack.packb(msgpack.ExtType(0, msgpack.packb({1: True})))
    assert not value_from_msgpack(refined, STRING).is_known
    assert value_from_msgpack(msgpack.packb(2**64 - 1), NUMBER).v == Number.from_int(2**64 - 1)
    assert value_from_msgpack(msgpack.packb("1e3"), NUMBER).v == Number.from_int(1000)
    assert value_from_msgpack(msgpack.packb(0.25), NUMBER).v.format() == "0.25"
    # a missing object attribute decodes as null
    t = ObjectType({"a": STRING, "b": BOOL})
    v = value_from_msgpack(msgpack.packb({"a": "x"}), t)
    assert v.attrs()["b"].is_null and v.type == t
    # dynamic: the wrapped type decides
    v = value_from_msgpack(msgpack.packb([b'["list","number"]', [1, 2]]), DYNAMIC)
    assert v.type == ListType(NUMBER) and [e.v.to_int() for e in v.elements()] == [1, 2]
    # sets come back in cty's canonical order, deduplicated
    v = value_from_msgpack(msgpack.packb(["b", "a", "b"]), SetType(STRING))
    assert [e.v for e in v.elements()] == ["a", "b"]


@pytest.mark.parametrize(
    ("data", "t", "msg"),
    [
        (msgpack.packb("x"), NUMBER, "number is required"),
        (msgpack.packb({"z": 1}), ObjectType({"a": STRING}), 'unsupported attribute "z"'),
        (msgpack.packb([1, 2]), TupleType([NUMBER]), "wrong number of tuple elements"),
        (msgpack.packb({"a": [1, "x"]}), ObjectType({"a": ListType(NUMBER)}), r"a\[1\]: number is required"),
        (msgpack.packb(msgpack.ExtType(5, b"")), STRING, "extension type 5"),
        (b"\xc1", STRING, "invalid msgpack"),
    ],
)
def test_decode_errors(data: bytes, t: Type, msg: str) -> None:
    with pytest.raises(MsgpackError, match=msg):
        value_from_msgpack(data, t)


def test_dynamic_value_json_and_empty() -> None:
    pb = tfplugin6_pb2
    t = ObjectType({"a": SetType(NUMBER), "d": DYNAMIC})
    dv = pb.DynamicValue(json=b'{"a":[2,1],"d":{"value":"x","type":"string"}}')
    v = decode_value(dv, t)
    assert [e.v.to_int() for e in v.attrs()["a"].elements()] == [1, 2]
    assert v.attrs()["d"].type == STRING
    assert decode_value(pb.DynamicValue(), t).is_null
    enc = encode_value(pb, v, t)
    assert raw_equal(decode_value(enc, t), v)


# --- round trips ---------------------------------------------------------------------

primitive_types = st.sampled_from([STRING, NUMBER, BOOL])
names = st.text(alphabet="abcdefgh_", min_size=1, max_size=4)


def _types(children: st.SearchStrategy[Type]) -> st.SearchStrategy[Type]:
    set_elems = children.filter(lambda t: not t.has_dynamic_types())
    return (
        children.map(ListType)
        | set_elems.map(SetType)
        | children.map(MapType)
        | st.dictionaries(names, children, max_size=4).map(ObjectType)
        | st.lists(children, max_size=3).map(TupleType)
    )


wire_types: st.SearchStrategy[Type] = st.recursive(primitive_types | st.just(DYNAMIC), _types, max_leaves=8)
concrete_types: st.SearchStrategy[Type] = st.recursive(primitive_types, _types, max_leaves=6)

numbers = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False, places=6).map(str),
)


@st.composite
def concretize(draw: Any, t: Type) -> Type:
    """t with each dynamic position replaced by some concrete type (or left dynamic)."""
    if t.is_dynamic():
        return draw(st.just(DYNAMIC) | concrete_types)
    if isinstance(t, ListType):
        return ListType(draw(concretize(t.element)))
    if isinstance(t, MapType):
        return MapType(draw(concretize(t.element)))
    if isinstance(t, SetType):
        return t  # set element types never hold dynamic positions here
    if isinstance(t, ObjectType):
        return ObjectType({k: draw(concretize(a)) for k, a in t.attrs.items()})
    if isinstance(t, TupleType):
        return TupleType([draw(concretize(e)) for e in t.elements])
    return t


@st.composite
def values_with(draw: Any, wire: Type, conc: Type, force_known: bool = False) -> Value:
    """A value of concrete type conc sent as wire type wire.

    Where the wire type holds dynamic positions a null or unknown could not say
    its concrete type (cty encodes them bare), so those are only drawn where
    the concrete type is the wire type.
    """
    if wire.is_dynamic():
        if conc.is_dynamic():
            return draw(st.sampled_from([null(DYNAMIC), unknown(DYNAMIC)]))
        return draw(values_with(conc, conc, True))
    if not force_known and not wire.has_dynamic_types():
        kind = draw(st.sampled_from(["known", "known", "known", "null", "unknown"]))
        if kind == "null":
            return null(wire)
        if kind == "unknown":
            return unknown(wire)
    if wire == STRING:
        return string_val(draw(st.text(max_size=8)))
    if wire == NUMBER:
        return number_val(draw(numbers))
    if wire == BOOL:
        return bool_val(draw(st.booleans()))
    if isinstance(wire, ObjectType):
        assert isinstance(conc, ObjectType)
        return object_val({k: draw(values_with(at, conc.attrs[k])) for k, at in wire.attrs.items()})
    if isinstance(wire, TupleType):
        assert isinstance(conc, TupleType)
        elems = [draw(values_with(wt, ct)) for wt, ct in zip(wire.elements, conc.elements)]
        return Value(TupleType([e.type for e in elems]), tuple(elems))
    assert isinstance(wire, (ListType, SetType, MapType)) and isinstance(conc, (ListType, SetType, MapType))
    n = draw(st.integers(min_value=0, max_value=3))
    if n == 0 and wire.has_dynamic_types():
        return Value(wire, {} if isinstance(wire, MapType) else ())  # nothing tells the element type
    elems = [draw(values_with(wire.element, conc.element)) for _ in range(n)]
    et = elems[0].type if elems else wire.element
    elems = [e for e in elems if e.type == et]  # a collection's elements have one type
    if isinstance(wire, ListType):
        return Value(ListType(et), tuple(elems))
    if isinstance(wire, SetType):
        return set_val([e for e in elems if e.is_wholly_known()], wire.element)
    keys = draw(st.lists(names, min_size=n, max_size=n, unique=True))
    return Value(MapType(et), dict(sorted(zip(keys, elems))))


@st.composite
def typed_values(draw: Any) -> tuple[Type, Value]:
    t = draw(wire_types)
    return t, draw(values_with(t, draw(concretize(t))))


@settings(max_examples=400, deadline=None)
@given(typed_values())
def test_msgpack_round_trip(tv: tuple[Type, Value]) -> None:
    t, v = tv
    data = value_to_msgpack(v, t)
    back = value_from_msgpack(data, t)
    assert raw_equal(back, v), (v, back)
    assert value_to_msgpack(back, t) == data
