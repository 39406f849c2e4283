"""What the differ asks of a value (terraform's jsonformat/structured and the
action helpers of jsonformat/collections): null or absent, equal, its JSON kind
and shape, unknown anywhere, and how children's actions make their parent's."""

from __future__ import annotations

from sheath.plans.model import Action
from sheath.plans.render.computed import Diff
from sheath.types.cty import SENSITIVE, UNKNOWN, MapType, ObjectType, TupleType, Value
from sheath.types.number import Number


def is_null(v: Value | None) -> bool:
    return v is None or (v.v is None)


def raw_equal(a: Value, b: Value) -> bool:
    if (SENSITIVE in a.marks) != (SENSITIVE in b.marks):
        return False
    pa, pb = a.v, b.v
    if pa is UNKNOWN or pb is UNKNOWN:
        return pa is pb
    if isinstance(pa, tuple):
        return isinstance(pb, tuple) and len(pa) == len(pb) and all(raw_equal(x, y) for x, y in zip(pa, pb))
    if isinstance(pa, dict):
        return isinstance(pb, dict) and pa.keys() == pb.keys() and all(raw_equal(pa[k], pb[k]) for k in pa)
    if isinstance(pa, Number) and isinstance(pb, Number):
        return pa.format() == pb.format()
    return type(pa) is type(pb) and pa == pb


def has_unknown(v: Value) -> bool:
    p = v.v
    if p is UNKNOWN:
        return True
    if isinstance(p, dict):
        return any(has_unknown(e) for e in p.values())
    if isinstance(p, tuple):
        return any(has_unknown(e) for e in p)
    return False


def unmark_all(v: Value | None) -> Value | None:
    return None if v is None else v.unmark_deep()[0]


def unmark(v: Value | None) -> Value | None:
    """v without its own sensitive mark (its elements keep theirs)."""
    if v is None or SENSITIVE not in v.marks:
        return v
    return Value(v.type, v.v, v.marks - {SENSITIVE})


def block_value(v: Value | None) -> Value | None:
    """A block value as the differ sees it: null is absent."""
    return None if v is None or v.v is None else v


def object_attributes(v: Value) -> dict[str, Value]:
    """An object's attributes; none when it is null or unknown."""
    if v.v is None or v.v is UNKNOWN or not isinstance(v.v, dict):
        return {}
    attrs: dict[str, Value] = v.v
    return attrs


def value_kind(v: Value | None) -> str:
    """The JSON kind of a value: null, map, object, array, string, bool or number."""
    if v is None or v.v is None:
        return "null"
    p = v.v
    if isinstance(p, dict):
        return "map" if isinstance(v.type, MapType) else "object"
    if isinstance(p, tuple):
        return "array"
    if isinstance(p, str):
        return "string"
    if isinstance(p, bool):
        return "bool"
    return "number"


def json_shape(v: Value) -> Value:
    """v as terraform sees a dynamic value: through JSON (maps are objects,
    lists and sets are tuples); unknowns and marks are kept."""
    p = v.v
    if isinstance(p, dict):
        if isinstance(v.type, ObjectType) and all(e is json_shape(e) for e in p.values()):
            return v
        return Value(ObjectType({k: e.type for k, e in p.items()}), {k: json_shape(e) for k, e in p.items()}, v.marks)
    if isinstance(p, tuple):
        elems = tuple(json_shape(e) for e in p)
        return Value(TupleType([e.type for e in elems]), elems, v.marks)
    return v


def match_set_elements(be: tuple[Value, ...], ae: tuple[Value, ...]) -> dict[int, int]:
    """The before index → after index of a set of objects' equal, wholly known elements."""
    matched: dict[int, int] = {}
    for i, x in enumerate(be):
        for j, y in enumerate(ae):
            if j not in matched.values() and raw_equal(x, y) and not has_unknown(y):
                matched[i] = j
    return matched


def calc_action(b: Value | None, a: Value | None) -> Action:
    """A primitive's action: created, deleted, unchanged or updated."""
    if b is None and a is not None:
        return Action.CREATE
    if a is None and b is not None:
        return Action.DELETE
    if b is None or a is None:
        return Action.NO_OP
    return Action.NO_OP if raw_equal(b, a) else Action.UPDATE


def children_action(b: Value | None, a: Value | None, children: list[Diff]) -> Action:
    """A collection's action: created, deleted, or updated when any child changes."""
    if b is None and a is not None:
        return Action.CREATE
    if a is None and b is not None:
        return Action.DELETE
    return Action.UPDATE if any(c.action != Action.NO_OP for c in children) else Action.NO_OP


def compare_actions(current: Action, nxt: Action) -> Action:
    """collections.CompareActions: how a child's action folds into its parent's."""
    if nxt == Action.NO_OP:
        return current
    return current if current == nxt else Action.UPDATE


def iteration_action(b: Value | None, a: Value | None) -> Action:
    """The starting action of a collection or block (GetDefaultActionForIteration)."""
    if b is None and a is None:
        return Action.NO_OP
    if b is None:
        return Action.CREATE
    if a is None:
        return Action.DELETE
    return Action.NO_OP
