"""cty's msgpack encoding of values (the plugin protocol's DynamicValue.msgpack).

The wire format, as cty's msgpack package defines it:

* null is msgpack nil; an unknown value (of any type) is the extension type 0
  (any payload: newer encoders put the unknown's refinements there, which are
  dropped on decoding);
* strings are str, bools are bool;
* numbers are an integer when the value is an integer in int64 range, else a
  float64 when that represents the value exactly, else the decimal string;
* lists, sets and tuples are arrays; maps and objects are maps keyed by string
  (objects carry every attribute);
* a value whose type is the dynamic pseudo-type is a two-element array of the
  type's JSON (bytes) and the value encoded with that type -- except null and
  unknown, which are encoded bare.

Marks are not encoded (providers never see them); callers re-apply them.
"""

from __future__ import annotations

import math
from typing import Any, Final

import msgpack

from sheath.types.cty import (
    BOOL,
    NUMBER,
    STRING,
    UNKNOWN,
    PrimitiveType,
    ListType,
    MapType,
    ObjectType,
    SetType,
    TupleType,
    Type,
    Value,
    string_val,
)
from sheath.types.json import type_from_json, type_to_json
from sheath.types.number import Number
from sheath.types.ops import set_val

__all__ = ["MsgpackError", "UNKNOWN_EXT_CODE", "value_to_msgpack", "value_from_msgpack"]

UNKNOWN_EXT_CODE: Final = 0
_UNKNOWN_EXT: Final = msgpack.ExtType(UNKNOWN_EXT_CODE, b"\x00")


class MsgpackError(ValueError):
    """The bytes do not encode a value of the wanted type; ``path`` says where."""

    def __init__(self, message: str, path: tuple[str | int, ...] = ()) -> None:
        self.path = path
        where = "".join(f".{p}" if isinstance(p, str) else f"[{p}]" for p in path)
        super().__init__(f"{where.lstrip('.')}: {message}" if where else message)


# --------------------------------------------------------------- encoding


def value_to_msgpack(v: Value, t: Type | None = None) -> bytes:
    """cty msgpack.Marshal(v, t): t defaults to the value's own type."""
    packed: bytes = msgpack.packb(_enc(v, t if t is not None else v.type, ()), use_bin_type=True)
    return packed


def _enc_number(n: Number) -> Any:
    i = n.to_int64()
    if i is not None:
        return i
    f = n.to_float()
    if math.isinf(f) and n.is_inf():
        return f
    if not math.isinf(f) and Number.from_float(f).cmp(n) == 0:
        return f
    return n.format()


def _enc(v: Value, t: Type, path: tuple[str | int, ...]) -> Any:
    x = v.v
    if x is UNKNOWN:
        return _UNKNOWN_EXT
    if x is None:
        return None
    if t.is_dynamic():
        return [type_to_json(v.type), _enc(v, v.type, path)]
    if t.__class__ is PrimitiveType:
        if t is NUMBER or t == NUMBER:
            return _enc_number(x)
        return x
    if isinstance(t, (ListType, SetType)):
        et = t.element
        return [_enc(e, et, path + (i,)) for i, e in enumerate(x)]
    if isinstance(t, MapType):
        et = t.element
        return {k: _enc(e, et, path + (k,)) for k, e in x.items()}
    if isinstance(t, ObjectType):
        out: dict[str, Any] = {}
        for name, at in t.attrs.items():
            av = x.get(name)
            out[name] = None if av is None else _enc(av, at, path + (name,))
        return out
    if isinstance(t, TupleType):
        if len(x) != len(t.elements):
            raise MsgpackError(f"wrong number of tuple elements (got {len(x)}, want {len(t.elements)})", path)
        return [_enc(e, et, path + (i,)) for i, (e, et) in enumerate(zip(x, t.elements))]
    raise MsgpackError(f"cannot encode a value of type {t.friendly_name()}", path)


# --------------------------------------------------------------- decoding


class _Unknown:
    __slots__ = ()


_UNKNOWN_MARK: Final = _Unknown()


def _ext_hook(code: int, data: bytes) -> Any:
    if code == UNKNOWN_EXT_CODE:
        return _UNKNOWN_MARK
    raise MsgpackError(f"unsupported msgpack extension type {code}")


def value_from_msgpack(data: bytes, t: Type) -> Value:
    """cty msgpack.Unmarshal(data, t)."""
    try:
        raw = msgpack.unpackb(data, raw=False, ext_hook=_ext_hook, strict_map_key=False)
    except MsgpackError:
        raise
    except (ValueError, msgpack.UnpackException) as err:
        raise MsgpackError(f"invalid msgpack: {err}") from None
    return _dec(raw, t, ())


def _dec(x: Any, t: Type, path: tuple[str | int, ...]) -> Value:
    if x is _UNKNOWN_MARK:
        return Value(t, UNKNOWN)
    if x is None:
        return Value(t, None)
    if t.is_dynamic():
        if not isinstance(x, list) or len(x) != 2:
            raise MsgpackError("a dynamic value must be a [type, value] array", path)
        tj = x[0]
        try:
            real = type_from_json(tj if isinstance(tj, (bytes, str)) else b"")
        except ValueError as e:
            raise MsgpackError(f"invalid type of dynamic value: {e}", path) from None
        return _dec(x[1], real, path)
    if t.__class__ is PrimitiveType:
        return _dec_primitive(x, t, path)
    return _dec_structural(x, t, path)


def _dec_primitive(x: Any, t: Type, path: tuple[str | int, ...]) -> Value:
    if t is STRING or t == STRING:
        if isinstance(x, str):
            return string_val(x)
        if isinstance(x, bool):
            return Value(STRING, "true" if x else "false")
        if isinstance(x, int):
            return Value(STRING, str(x))
        raise MsgpackError("string is required", path)
    if t is NUMBER or t == NUMBER:
        if isinstance(x, bool):
            raise MsgpackError("number is required", path)
        if isinstance(x, int):
            return Value(NUMBER, Number.from_int(x))
        if isinstance(x, float):
            if math.isnan(x):
                raise MsgpackError("number is required (NaN)", path)
            return Value(NUMBER, Number.from_float(x))
        if isinstance(x, str):
            try:
                return Value(NUMBER, Number.parse(x))
            except ValueError:
                raise MsgpackError("number is required", path) from None
        raise MsgpackError("number is required", path)
    if isinstance(x, bool):
        return Value(BOOL, x)
    raise MsgpackError("bool is required", path)


def _dec_structural(x: Any, t: Type, path: tuple[str | int, ...]) -> Value:
    if isinstance(t, (ListType, SetType)):
        if not isinstance(x, list):
            raise MsgpackError("array is required", path)
        et = t.element
        elems = [_dec(e, et, path + (i,)) for i, e in enumerate(x)]
        if isinstance(t, SetType):
            return set_val(elems, _collection_element_type(et, elems))
        return Value(ListType(_collection_element_type(et, elems)), tuple(elems))
    if isinstance(t, MapType):
        if not isinstance(x, dict):
            raise MsgpackError("map is required", path)
        et = t.element
        d = {str(k): _dec(e, et, path + (str(k),)) for k, e in sorted(x.items())}
        return Value(MapType(_collection_element_type(et, list(d.values()))), d)
    if isinstance(t, ObjectType):
        if not isinstance(x, dict):
            raise MsgpackError("map is required", path)
        attrs: dict[str, Value] = {}
        for k, raw in x.items():
            at = t.attrs.get(k)
            if at is None:
                raise MsgpackError(f'unsupported attribute "{k}"', path)
            attrs[k] = _dec(raw, at, path + (k,))
        for k, at in t.attrs.items():
            if k not in attrs:
                attrs[k] = Value(at, None)
        attrs = dict(sorted(attrs.items()))
        if t.has_dynamic_types():
            return Value(ObjectType({k: a.type for k, a in attrs.items()}), attrs)
        return Value(ObjectType(t.attrs), attrs) if t.optional else Value(t, attrs)
    if isinstance(t, TupleType):
        if not isinstance(x, list):
            raise MsgpackError("array is required", path)
        if len(x) != len(t.elements):
            raise MsgpackError(f"wrong number of tuple elements (got {len(x)}, want {len(t.elements)})", path)
        elems = [_dec(e, et, path + (i,)) for i, (e, et) in enumerate(zip(x, t.elements))]
        return Value(TupleType([e.type for e in elems]) if t.has_dynamic_types() else t, tuple(elems))
    raise MsgpackError(f"cannot decode a value of type {t.friendly_name()}", path)


def _collection_element_type(et: Type, elems: list[Value]) -> Type:
    """The element type of a decoded collection: a dynamic element type takes the elements' type."""
    if not et.has_dynamic_types():
        return et
    for e in elems:
        if e.type != et:
            return e.type
    return et

