"""Attribute access and indexing with hcl's semantics and diagnostics (hcl.GetAttr, hcl.Index)."""

from __future__ import annotations

from typing import Any, Sequence

from sheath.diag import Diagnostic, Diagnostics, Range, Severity
from sheath.lang.eval import valops as vo
from sheath.lang.hcl import TraverseAttr, TraverseIndex, Traverser
from sheath.types.cty import DYNAMIC, NUMBER, STRING, UNKNOWN, Value

_DYN = Value(DYNAMIC, UNKNOWN)
_NO_MARKS: frozenset[Any] = frozenset()
# Returned on success; never mutated by callers (they treat empty results as shared).
_NO_DIAGS = Diagnostics()


def _err(summary: str, detail: str, subject: Range | None) -> Diagnostics:
    return Diagnostics([Diagnostic(Severity.ERROR, summary, detail, subject)])


_UNSUPPORTED = "Unsupported attribute"
_INVALID_INDEX = "Invalid index"
_NO_ELEMENT = "The given key does not identify an element in this collection value"


def get_attr(obj: Value, name: str, rng: Range | None) -> tuple[Value, Diagnostics]:
    """obj.name"""
    if obj.v is None:
        return _DYN, _err(
            "Attempt to get attribute from null value", "This value is null, so it does not have any attributes.", rng
        )
    t = obj.type
    if t.is_object():
        attrs = t.attrs  # type: ignore[attr-defined]
        at = attrs.get(name)
        if at is None:
            return _DYN, _err(_UNSUPPORTED, f'This object does not have an attribute named "{name}".', rng)
        if obj.v is UNKNOWN:
            return Value(at, UNKNOWN, obj.marks), _NO_DIAGS
        v: Value = obj.v[name]
        if obj.marks:
            v = v.with_marks(obj.marks)
        return v, _NO_DIAGS
    if t.is_map():
        if obj.v is UNKNOWN:
            return Value(t.element, UNKNOWN, obj.marks), _NO_DIAGS  # type: ignore[attr-defined]
        mv = obj.v.get(name)
        if mv is None:
            return _DYN, _err("Missing map element", f'This map does not have an element with the key "{name}".', rng)
        if obj.marks:
            mv = mv.with_marks(obj.marks)
        return mv, _NO_DIAGS
    if t.is_dynamic():
        return _DYN, _NO_DIAGS
    if t.is_list() and t.element.is_object():  # type: ignore[attr-defined]
        if name in t.element.attrs:  # type: ignore[attr-defined]
            return _DYN, _err(
                _UNSUPPORTED,
                "Can't access attributes on a list of objects. Did you mean to access attribute "
                f'"{name}" for a specific element of the list, or across all elements of the list?',
                rng,
            )
        return _DYN, _err(
            _UNSUPPORTED,
            "Can't access attributes on a list of objects. Did you mean to access an attribute for a "
            "specific element of the list, or across all elements of the list?",
            rng,
        )
    if t.is_set() and t.element.is_object():  # type: ignore[attr-defined]
        return _DYN, _err(
            _UNSUPPORTED,
            "Can't access attributes on a set of objects. Did you mean to access an attribute across all "
            "elements of the set?",
            rng,
        )
    if t.is_primitive():
        return _DYN, _err(_UNSUPPORTED, f"Can't access attributes on a primitive-typed value ({t.friendly_name()}).", rng)
    return _DYN, _err(_UNSUPPORTED, "This value does not have any attributes.", rng)


def index_value(coll: Value, key: Value, rng: Range | None) -> tuple[Value, Diagnostics]:
    """coll[key]"""
    if coll.v is None:
        return _DYN, _err("Attempt to index null value", "This value is null, so it does not have any indices.", rng)
    if key.v is None:
        return _DYN, _err(_INVALID_INDEX, "Can't use a null value as an indexing key.", rng)
    t = coll.type
    if key.type.is_dynamic() or t.is_dynamic():
        return Value(DYNAMIC, UNKNOWN, coll.marks), _NO_DIAGS
    marks = coll.marks | key.marks if key.marks else coll.marks
    if t.is_list() or t.is_tuple() or t.is_map():
        want = STRING if t.is_map() else NUMBER
        try:
            k = vo.convert(key, want)
        except vo.ConversionError as err:
            return _DYN, _err(_INVALID_INDEX, f"{_NO_ELEMENT}: {err.message}.", rng)
        if coll.v is UNKNOWN or k.v is UNKNOWN:
            if t.is_tuple():
                return Value(DYNAMIC, UNKNOWN, coll.marks), _NO_DIAGS
            return Value(t.element, UNKNOWN, coll.marks), _NO_DIAGS  # type: ignore[attr-defined]
        if t.is_map():
            mv = coll.v.get(k.v)
            if mv is None:
                return _DYN, _err(_INVALID_INDEX, f"{_NO_ELEMENT}.", rng)
            return (mv.with_marks(marks) if marks else mv), _NO_DIAGS
        n = k.v
        elems: tuple[Value, ...] = coll.v
        i = n.to_int() if n.is_integer() and not n.is_inf() else -1
        if i >= 0:
            if i < len(elems):
                ev = elems[i]
                return (ev.with_marks(marks) if marks else ev), _NO_DIAGS
        if not k.marks:
            if not n.is_integer() or n.is_inf():
                return _DYN, _err(
                    _INVALID_INDEX,
                    f"{_NO_ELEMENT}: indexing a sequence requires a whole number, but the given index has a "
                    "fractional part.",
                    rng,
                )
            if n.sign() < 0:
                return _DYN, _err(_INVALID_INDEX, f"{_NO_ELEMENT}: a negative number is not a valid index for a sequence.", rng)
            if not coll.marks and i - len(elems) < 1:
                if not elems:
                    return _DYN, _err(_INVALID_INDEX, f"{_NO_ELEMENT}: the collection has no elements.", rng)
                return _DYN, _err(
                    _INVALID_INDEX,
                    f"{_NO_ELEMENT}: the given index is greater than or equal to the length of the collection.",
                    rng,
                )
        return _DYN, _err(_INVALID_INDEX, f"{_NO_ELEMENT}.", rng)
    if t.is_object():
        was_number = key.type == NUMBER
        try:
            k = vo.convert(key, STRING)
        except vo.ConversionError as err:
            return _DYN, _err(_INVALID_INDEX, f"{_NO_ELEMENT}: {err.message}.", rng)
        if coll.v is UNKNOWN or k.v is UNKNOWN:
            return Value(DYNAMIC, UNKNOWN, coll.marks), _NO_DIAGS
        name = k.v
        if name not in t.attrs:  # type: ignore[attr-defined]
            sugg = " An object only supports looking up attributes by name, not by numeric index." if was_number else ""
            return _DYN, _err(_INVALID_INDEX, f"{_NO_ELEMENT}.{sugg}", rng)
        ov: Value = coll.v[name]
        om = coll.marks
        return (ov.with_marks(om) if om else ov), _NO_DIAGS
    if t.is_set():
        return _DYN, _err(
            _INVALID_INDEX,
            "Elements of a set are identified only by their value and don't have any separate index or key to "
            "select with, so it's only possible to perform operations across all elements of the set.",
            rng,
        )
    return _DYN, _err(_INVALID_INDEX, "This value does not have any indices.", rng)


def traverse_steps(val: Value, steps: Sequence[Traverser], start: int) -> tuple[Value, Diagnostics]:
    """Apply attribute/index steps[start:] to val, stopping at the first error."""
    for i in range(start, len(steps)):
        s = steps[i]
        if type(s) is TraverseAttr:
            val, d = get_attr(val, s.name, s.range)
        elif type(s) is TraverseIndex:
            key = s.key
            assert isinstance(key, Value)
            val, d = index_value(val, key, s.range)
        else:
            continue
        if d:
            return val, d
    return val, _NO_DIAGS
