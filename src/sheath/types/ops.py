"""cty value operations with terraform's semantics.

Unknown values propagate (an operation on an unknown operand gives an unknown
result) and marks propagate (the result carries the union of the operands'
marks, deep marks included where cty hoists them).

Errors that terraform reports as diagnostics are raised as exceptions carrying
terraform's wording, for the evaluator to turn into diagnostics with ranges:
  * :class:`NumberNaNError` (from number) for undefined arithmetic
    ("can't divide zero by zero or infinity by infinity", ...)
  * :class:`OpError` (summary, detail) for index / attribute failures
"""

from __future__ import annotations

from functools import cmp_to_key
from typing import Any, Callable, Iterable, Iterator, Sequence

from sheath.types.cty import (
    BOOL,
    DYNAMIC,
    FALSE,
    NUMBER,
    STRING,
    TRUE,
    UNKNOWN,
    ListType,
    MapType,
    ObjectType,
    SetType,
    TupleType,
    Type,
    Value,
    unknown,
)
from sheath.types.number import Number, NumberNaNError, format_g10
from sheath.goquote import go_quote

__all__ = [
    "OpError",
    "NumberNaNError",
    "value_key",
    "set_hash_str",
    "set_val",
    "set_sort",
    "equals",
    "raw_equal",
    "not_equal",
    "and_",
    "or_",
    "not_",
    "add",
    "subtract",
    "multiply",
    "divide",
    "modulo",
    "negate",
    "less_than",
    "less_than_or_equal",
    "greater_than",
    "greater_than_or_equal",
    "length",
    "has_index",
    "index",
    "get_attr",
    "elements",
    "items",
    "mark_deep",
    "unmark_deep",
    "merge_marks",
    "go_quote",
    "has_dynamic_values",
]

_NO_MARKS: frozenset[Any] = frozenset()


class OpError(Exception):
    """An operation failed; summary/detail are terraform's diagnostic texts."""

    def __init__(self, summary: str, detail: str) -> None:
        super().__init__(f"{summary}: {detail}")
        self.summary = summary
        self.detail = detail


# --------------------------------------------------------------------- marks


def merge_marks(*vals: Value) -> frozenset[Any]:
    m: frozenset[Any] = _NO_MARKS
    for v in vals:
        if v.marks:
            m = m | v.marks
    return m


def mark_deep(v: Value, marks: frozenset[Any]) -> Value:
    """v with marks added to it and to every nested value."""
    if not marks:
        return v
    p = v.v
    if isinstance(p, tuple):
        p = tuple(mark_deep(e, marks) for e in p)
    elif isinstance(p, dict):
        p = {k: mark_deep(e, marks) for k, e in p.items()}
    return Value(v.type, p, v.marks | marks)


def unmark_deep(v: Value) -> tuple[Value, frozenset[Any]]:
    """v without any marks (deep), and the union of the marks removed."""
    if not v.marks and not _has_nested_marks(v):
        return v, _NO_MARKS
    return v.unmark_deep()


def _has_nested_marks(v: Value) -> bool:
    p = v.v
    if isinstance(p, tuple):
        return any(e.marks or _has_nested_marks(e) for e in p)
    if isinstance(p, dict):
        return any(e.marks or _has_nested_marks(e) for e in p.values())
    return False


# ------------------------------------------------------------- keys / sets


class _UnknownKey:
    """Key for an unknown value: never equal to another key."""

    __slots__ = ()


def value_key(v: Value) -> Any:
    """A hashable key for a value: equal keys iff cty would call the values equal.

    Marks are ignored. Each unknown value gets a distinct key (unknowns are
    never equal to anything, as in cty sets).
    """
    p = v.v
    if p is UNKNOWN:
        return _UnknownKey()
    if p is None:
        return ("~",)
    if isinstance(p, (str, bool, Number)):
        if isinstance(p, bool):
            return ("b", p)
        return p
    if isinstance(p, tuple):
        return ("l", tuple(value_key(e) for e in p))
    if isinstance(p, dict):
        return ("m", tuple((k, value_key(e)) for k, e in p.items()))
    raise TypeError(f"unsupported payload {p!r}")




def set_hash_str(v: Value) -> str:
    """cty's set hash bytes (as text) for a value: orders non-primitive set elements."""
    buf: list[str] = []
    _append_hash(v, buf)
    return "".join(buf)


def _append_hash(v: Value, buf: list[str]) -> None:
    p = v.v
    if p is UNKNOWN:
        buf.append("?")
        return
    if p is None:
        buf.append("~")
        return
    t = v.type
    if isinstance(p, Number):
        buf.append(format_g10(p))
    elif isinstance(p, bool):
        buf.append("T" if p else "F")
    elif isinstance(p, str):
        buf.append(go_quote(p))
    elif isinstance(p, dict):
        if t.is_map():
            buf.append("{")
            for k, e in p.items():
                buf.append(go_quote(k))
                buf.append(":")
                _append_hash(e, buf)
                buf.append(";")
            buf.append("}")
        else:
            buf.append("<")
            for k in sorted(p):
                _append_hash(p[k], buf)
                buf.append(";")
            buf.append(">")
    elif isinstance(p, tuple):
        tuple_like = t.is_tuple()
        buf.append("<" if tuple_like else "[")
        for e in p:
            _append_hash(e, buf)
            buf.append(";")
        buf.append(">" if tuple_like else "]")


def _set_less_key(ety: Type) -> Callable[[Value], Any]:
    if ety == STRING:

        def k(v: Value) -> Any:
            return v.v

    elif ety == BOOL:

        def k(v: Value) -> Any:
            return v.v

    elif ety == NUMBER:
        return cmp_to_key(_num_cmp)
    else:

        def k(v: Value) -> Any:
            return set_hash_str(v)

    return k


def _num_cmp(a: Value, b: Value) -> int:
    return a.v.cmp(b.v)  # type: ignore[no-any-return]


def set_sort(elems: Sequence[Value], element_type: Type) -> tuple[Value, ...]:
    """Order (already distinct) set elements as cty iterates them."""
    known = []
    unknowns = []
    nulls = []
    for e in elems:
        if e.v is None:
            nulls.append(e)
        elif e.v is UNKNOWN:
            unknowns.append(e)
        else:
            known.append(e)
    if len(known) > 1:
        known.sort(key=_set_less_key(element_type))
    if not unknowns and not nulls:
        return tuple(known)
    return tuple(known + unknowns + nulls)


def set_val(elems: Iterable[Value], element_type: Type | None = None) -> Value:
    """A known set of the given elements: deduplicated, in cty's order.

    Marks on elements are hoisted to the set (cty sets cannot hold marked
    elements). element_type is required when there are no elements.
    """
    seen: dict[Any, Value] = {}
    marks: frozenset[Any] = _NO_MARKS
    ety = element_type
    for e in elems:
        if e.marks or _has_nested_marks(e):
            e, m = e.unmark_deep()
            marks = marks | m
        if ety is None:
            ety = e.type
        k = value_key(e)
        if k not in seen:
            seen[k] = e
    if ety is None:
        raise ValueError("set_val of no elements needs element_type")
    return Value(SetType(ety), set_sort(list(seen.values()), ety), marks)


# --------------------------------------------------------------- iteration


def elements(v: Value) -> Iterator[tuple[Value, Value]]:
    """(key, element) pairs of a known collection or structural value.

    Lists/tuples give number keys, maps/objects string keys (sorted), sets
    give each element as its own key (as terraform's for expressions do).
    """
    p = v.v
    t = v.type
    if isinstance(p, tuple):
        if t.is_set():
            for e in p:
                yield e, e
        else:
            for i, e in enumerate(p):
                yield Value(NUMBER, Number.from_int(i)), e
    elif isinstance(p, dict):
        for k, e in p.items():
            yield Value(STRING, k), e
    else:
        raise TypeError(f"cannot iterate {t.friendly_name()}")


def items(v: Value) -> list[Value]:
    """Element values of a list/set/tuple/map/object in iteration order."""
    p = v.v
    if isinstance(p, tuple):
        return list(p)
    if isinstance(p, dict):
        return list(p.values())
    raise TypeError(f"cannot iterate {v.type.friendly_name()}")


# ---------------------------------------------------------------- equality


def has_dynamic_values(v: Value) -> bool:
    """The value is, or contains, an unknown whose type is not yet known (not cty's HasWhollyKnownType)."""
    p = v.v
    if p is None:
        return False
    if p is UNKNOWN:
        return v.type.has_dynamic_types()
    if isinstance(p, tuple):
        return any(has_dynamic_values(e) for e in p)
    if isinstance(p, dict):
        return any(has_dynamic_values(e) for e in p.values())
    return False


def equals(a: Value, b: Value) -> Value:
    """cty's Equals: a bool Value, unknown when it cannot be decided yet."""
    marks = merge_marks(a, b)
    if _has_nested_marks(a) or _has_nested_marks(b):
        a, ma = a.unmark_deep()
        b, mb = b.unmark_deep()
        marks = marks | ma | mb
    r = _equals(a, b)
    if r is None:
        res = unknown(BOOL)
    else:
        res = TRUE if r else FALSE
    return res.with_marks(marks) if marks else res


def _equals(a: Value, b: Value) -> bool | None:
    ak = a.v is not UNKNOWN
    bk = b.v is not UNKNOWN
    if not ak and not bk:
        return None
    if ak and not bk:
        if a.v is None or b.type.has_dynamic_types():
            return None
        if a.type != b.type:
            return False
        return None
    if bk and not ak:
        if b.v is None or a.type.has_dynamic_types():
            return None
        if a.type != b.type:
            return False
        return None
    if a.v is None or b.v is None:
        return a.v is None and b.v is None
    if has_dynamic_values(a) or has_dynamic_values(b):
        if not _may_conform(a.type, b.type):
            return False
        return None
    if a.type != b.type:
        return False
    pa, pb = a.v, b.v
    if isinstance(pa, Number):
        return pa.cty_equals(pb)
    if isinstance(pa, (str, bool)):
        return bool(pa == pb)
    if isinstance(pa, tuple):
        if len(pa) != len(pb):
            return False
        if a.type.is_set():
            if not a.is_wholly_known() or not b.is_wholly_known():
                return None
            return {value_key(e) for e in pa} == {value_key(e) for e in pb}
        for x, y in zip(pa, pb):
            r = _equals(x, y)
            if r is None:
                return None
            if not r:
                return False
        return True
    if isinstance(pa, dict):
        if len(pa) != len(pb) or pa.keys() != pb.keys():
            return False
        for k, x in pa.items():
            r = _equals(x, pb[k])
            if r is None:
                return None
            if not r:
                return False
        return True
    return False


def _may_conform(a: Type, b: Type) -> bool:
    """Whether the types could become equal once dynamic parts are known (cty TestConformance)."""
    if a.is_dynamic() or b.is_dynamic():
        return True
    if a.is_primitive() or b.is_primitive():
        return a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, (ListType, SetType, MapType)):
        return _may_conform(a.element, b.element)  # type: ignore[attr-defined]
    if isinstance(a, ObjectType) and isinstance(b, ObjectType):
        return a.attrs.keys() == b.attrs.keys() and all(_may_conform(t, b.attrs[k]) for k, t in a.attrs.items())
    if isinstance(a, TupleType) and isinstance(b, TupleType):
        return len(a.elements) == len(b.elements) and all(
            _may_conform(x, y) for x, y in zip(a.elements, b.elements)
        )
    return False


def raw_equal(a: Value, b: Value) -> bool:
    """Same type, same known-ness, same value and same marks (cty RawEquals plus marks)."""
    if a.type != b.type or a.marks != b.marks:
        return False
    ak, bk = a.v is not UNKNOWN, b.v is not UNKNOWN
    if not ak or not bk:
        return ak == bk
    if a.v is None or b.v is None:
        return a.v is None and b.v is None
    pa, pb = a.v, b.v
    if isinstance(pa, tuple):
        return len(pa) == len(pb) and all(raw_equal(x, y) for x, y in zip(pa, pb))
    if isinstance(pa, dict):
        return pa.keys() == pb.keys() and all(raw_equal(x, pb[k]) for k, x in pa.items())
    if isinstance(pa, Number):
        return pa.cty_equals(pb)
    return bool(pa == pb)


def not_equal(a: Value, b: Value) -> Value:
    return not_(equals(a, b))


# ------------------------------------------------------------------ logic


def not_(a: Value) -> Value:
    if a.v is UNKNOWN:
        return unknown(BOOL).with_marks(a.marks)
    _need_non_null(a)
    r = FALSE if a.v else TRUE
    return r.with_marks(a.marks)


def and_(a: Value, b: Value) -> Value:
    marks = merge_marks(a, b)
    if a.v is False or b.v is False:
        return FALSE.with_marks(marks)
    if a.v is UNKNOWN or b.v is UNKNOWN:
        return unknown(BOOL).with_marks(marks)
    _need_non_null(a)
    _need_non_null(b)
    return (TRUE if a.v and b.v else FALSE).with_marks(marks)


def or_(a: Value, b: Value) -> Value:
    marks = merge_marks(a, b)
    if a.v is True or b.v is True:
        return TRUE.with_marks(marks)
    if a.v is UNKNOWN or b.v is UNKNOWN:
        return unknown(BOOL).with_marks(marks)
    _need_non_null(a)
    _need_non_null(b)
    return (TRUE if a.v or b.v else FALSE).with_marks(marks)


def _need_non_null(v: Value) -> None:
    if v.v is None:
        raise ValueError("argument must not be null")


# ------------------------------------------------------------- arithmetic


def _binary_num(a: Value, b: Value, f: Callable[[Number, Number], Number]) -> Value:
    marks = merge_marks(a, b) if (a.marks or b.marks) else _NO_MARKS
    if a.v is UNKNOWN or b.v is UNKNOWN:
        return Value(NUMBER, UNKNOWN, marks)
    _need_non_null(a)
    _need_non_null(b)
    return Value(NUMBER, f(a.v, b.v), marks)


def add(a: Value, b: Value) -> Value:
    return _binary_num(a, b, Number.add)


def subtract(a: Value, b: Value) -> Value:
    return _binary_num(a, b, Number.sub)


def multiply(a: Value, b: Value) -> Value:
    return _binary_num(a, b, Number.mul)


def divide(a: Value, b: Value) -> Value:
    """a / b; division by zero gives an infinity, as in terraform."""
    return _binary_num(a, b, Number.quo)


def modulo(a: Value, b: Value) -> Value:
    return _binary_num(a, b, Number.mod)


def negate(a: Value) -> Value:
    if a.v is UNKNOWN:
        return Value(NUMBER, UNKNOWN, a.marks)
    _need_non_null(a)
    return Value(NUMBER, a.v.neg(), a.marks)


def _compare(a: Value, b: Value, test: Callable[[int], bool]) -> Value:
    marks = merge_marks(a, b)
    if a.v is UNKNOWN or b.v is UNKNOWN:
        return Value(BOOL, UNKNOWN, marks)
    _need_non_null(a)
    _need_non_null(b)
    r = TRUE if test(a.v.cmp(b.v)) else FALSE
    return r.with_marks(marks) if marks else r


def less_than(a: Value, b: Value) -> Value:
    return _compare(a, b, lambda c: c < 0)


def less_than_or_equal(a: Value, b: Value) -> Value:
    return _compare(a, b, lambda c: c <= 0)


def greater_than(a: Value, b: Value) -> Value:
    return _compare(a, b, lambda c: c > 0)


def greater_than_or_equal(a: Value, b: Value) -> Value:
    return _compare(a, b, lambda c: c >= 0)


# ------------------------------------------------------------- collections


def length(v: Value) -> Value:
    """Number of elements (cty LengthInt as a Value); unknown if not known yet."""
    if v.v is UNKNOWN:
        return Value(NUMBER, UNKNOWN, v.marks)
    if v.type.is_set() and not v.is_wholly_known():
        return Value(NUMBER, UNKNOWN, v.marks)
    if v.type.is_tuple():
        return Value(NUMBER, Number.from_int(len(v.type.elements)), v.marks)  # type: ignore[attr-defined]
    if v.type.is_object():
        return Value(NUMBER, Number.from_int(len(v.type.attrs)), v.marks)  # type: ignore[attr-defined]
    _need_non_null(v)
    if isinstance(v.v, str):
        raise TypeError("length of a string: use the grapheme count")
    return Value(NUMBER, Number.from_int(len(v.v)), v.marks)


def has_index(coll: Value, key: Value) -> Value:
    """cty HasIndex: whether key identifies an element of a list/tuple/map."""
    marks = merge_marks(coll, key)
    if coll.type.is_dynamic() or key.type.is_dynamic():
        return unknown(BOOL).with_marks(marks)
    t = coll.type
    if t.is_list() or t.is_tuple():
        if key.type != NUMBER:
            return FALSE.with_marks(marks)
        if key.v is UNKNOWN:
            return unknown(BOOL).with_marks(marks)
        if t.is_list() and coll.v is UNKNOWN:
            return unknown(BOOL).with_marks(marks)
        n: Number = key.v
        if n is None or not n.is_integer():
            return FALSE.with_marks(marks)
        i = n.to_int()
        size = len(t.elements) if t.is_tuple() else len(coll.v)  # type: ignore[attr-defined]
        return (TRUE if 0 <= i < size else FALSE).with_marks(marks)
    if t.is_map():
        if key.type != STRING:
            return FALSE.with_marks(marks)
        if key.v is UNKNOWN or coll.v is UNKNOWN:
            return unknown(BOOL).with_marks(marks)
        return (TRUE if key.v in coll.v else FALSE).with_marks(marks)
    return FALSE.with_marks(marks)


_INVALID_INDEX = "Invalid index"
_NOT_ELEMENT = "The given key does not identify an element in this collection value"


def index(coll: Value, key: Value) -> Value:
    """hcl.Index: coll[key] with terraform's errors (raises OpError)."""
    from sheath.types.convert import ConversionError, convert

    if coll.v is None:
        raise OpError("Attempt to index null value", "This value is null, so it does not have any indices.")
    if key.v is None:
        raise OpError(_INVALID_INDEX, "Can't use a null value as an indexing key.")
    t = coll.type
    if key.type.is_dynamic() or t.is_dynamic():
        return Value(DYNAMIC, UNKNOWN, coll.marks)
    if t.is_list() or t.is_tuple() or t.is_map():
        want = STRING if t.is_map() else NUMBER
        try:
            key = convert(key, want)
        except ConversionError as err:
            raise OpError(_INVALID_INDEX, f"{_NOT_ELEMENT}: {err.message}.") from None
        has = has_index(coll, key)
        if has.v is UNKNOWN:
            if t.is_tuple():
                return Value(DYNAMIC, UNKNOWN, coll.marks)
            return Value(t.element, UNKNOWN, coll.marks)  # type: ignore[attr-defined]
        if has.v is False:
            if not t.is_map() and key.v is not UNKNOWN and not key.marks:
                n: Number = key.v
                if not n.is_integer():
                    raise OpError(
                        _INVALID_INDEX,
                        f"{_NOT_ELEMENT}: indexing a sequence requires a whole number, but the given index "
                        "has a fractional part.",
                    )
                if n.sign() < 0:
                    raise OpError(_INVALID_INDEX, f"{_NOT_ELEMENT}: a negative number is not a valid index for a sequence.")
                if coll.v is not UNKNOWN:
                    if len(coll.v) == 0:
                        raise OpError(_INVALID_INDEX, f"{_NOT_ELEMENT}: the collection has no elements.")
                    raise OpError(
                        _INVALID_INDEX,
                        f"{_NOT_ELEMENT}: the given index is greater than or equal to the length of the collection.",
                    )
            raise OpError(_INVALID_INDEX, f"{_NOT_ELEMENT}.")
        kmarks = key.marks
        if coll.v is UNKNOWN:
            ety = t.elements[key.v.to_int()] if t.is_tuple() else t.element  # type: ignore[attr-defined]
            return Value(ety, UNKNOWN, coll.marks | kmarks)
        if t.is_map():
            e = coll.v[key.v]
        else:
            e = coll.v[key.v.to_int()]
        m = coll.marks | kmarks
        result: Value = e.with_marks(m) if m else e
        return result
    if t.is_object():
        was_number = key.type == NUMBER
        try:
            key = convert(key, STRING)
        except ConversionError as err:
            raise OpError(_INVALID_INDEX, f"{_NOT_ELEMENT}: {err.message}.") from None
        if coll.v is UNKNOWN or key.v is UNKNOWN:
            return Value(DYNAMIC, UNKNOWN, coll.marks)
        name = key.v
        if name not in t.attrs:  # type: ignore[attr-defined]
            extra = (
                " An object only supports looking up attributes by name, not by numeric index."
                if was_number
                else ""
            )
            raise OpError(_INVALID_INDEX, f"{_NOT_ELEMENT}.{extra}")
        e = coll.v[name]
        m = coll.marks | key.marks
        got: Value = e.with_marks(m) if m else e
        return got
    if t.is_set():
        raise OpError(
            _INVALID_INDEX,
            "Elements of a set are identified only by their value and don't have any separate index or key "
            "to select with, so it's only possible to perform operations across all elements of the set.",
        )
    raise OpError(_INVALID_INDEX, "This value does not have any indices.")


def get_attr(obj: Value, name: str) -> Value:
    """hcl.GetAttr: obj.name with terraform's errors (raises OpError)."""
    if obj.v is None:
        raise OpError(
            "Attempt to get attribute from null value", "This value is null, so it does not have any attributes."
        )
    t = obj.type
    if t.is_dynamic():
        return Value(DYNAMIC, UNKNOWN, obj.marks)
    if t.is_map():
        if obj.v is UNKNOWN:
            return Value(t.element, UNKNOWN, obj.marks)  # type: ignore[attr-defined]
        if name not in obj.v:
            raise OpError("Missing map element", f"This map does not have an element with the key {go_quote(name)}.")
        e = obj.v[name]
        result: Value = e.with_marks(obj.marks) if obj.marks else e
        return result
    if not t.is_object():
        raise OpError("Unsupported attribute", _no_attrs_detail(t))
    attrs = t.attrs  # type: ignore[attr-defined]
    if name not in attrs:
        raise OpError("Unsupported attribute", f"This object does not have an attribute named {go_quote(name)}.")
    if obj.v is UNKNOWN:
        return Value(attrs[name], UNKNOWN, obj.marks)
    e = obj.v[name]
    got: Value = e.with_marks(obj.marks) if obj.marks else e
    return got


def _no_attrs_detail(t: Type) -> str:
    if t.is_primitive():
        return f"Can't access attributes on a primitive-typed value ({t.friendly_name()})."
    if isinstance(t, ListType) and t.element.is_object():
        return (
            "Can't access attributes on a list of objects. Did you mean to access an attribute for a specific "
            "element of the list, or across all elements of the list?"
        )
    if isinstance(t, SetType) and t.element.is_object():
        return (
            "Can't access attributes on a set of objects. Did you mean to access an attribute across all "
            "elements of the set?"
        )
    return "This value does not have any attributes."
