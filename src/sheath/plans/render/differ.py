"""terraform's jsonformat/differ for values: the diff of an attribute's or output's
before and after (``compute_diff``), through sensitive and unknown values, then by
the values' kind to the primitive, JSON-string, object, map, list and set diffs."""

from __future__ import annotations

from collections.abc import Hashable

from sheath.plans.collections import json_key, process_set, process_slice
from sheath.plans.model import Action
from sheath.plans.render.computed import Diff, RenderOpts
from sheath.plans.render.jsonstring import json_container, json_string_renderer
from sheath.plans.render.objects import object_renderer
from sheath.plans.render.primitives import (
    is_multiline,
    primitive_renderer,
    primitive_text,
    render_multiline,
    sensitive_attribute_warning,
)
from sheath.plans.render.sequences import list_renderer, set_renderer
from sheath.plans.render.structured import calc_action, children_action, is_null, unmark_all, value_kind
from sheath.plans.render.util import null_suffix
from sheath.plans.values import from_py
from sheath.types.cty import SENSITIVE, STRING, UNKNOWN, ListType, ObjectType, SetType, TupleType, Value


def compute_diff(b: Value | None, a: Value | None, typed: bool = False) -> Diff:
    """The diff of before/after (None = absent) of an attribute or output.

    typed: the values have their schema's types (lists are diffed along their
    longest common subsequence, sets by membership); otherwise they are
    dynamic values, diffed by their JSON shape."""
    if typed:  # legacy SDK: empty strings count as null (the differ's fixup)
        b = None if b is not None and b.v == "" and b.type == STRING and not b.marks else b
        a = None if a is not None and a.v == "" and a.type == STRING and not a.marks else a
        if b is None and a is None:
            return Diff(Action.NO_OP, lambda ind, o: primitive_text(None, o))
    bs = b is not None and SENSITIVE in b.marks
    as_ = a is not None and SENSITIVE in a.marks
    if bs or as_:
        # structured.Change.CheckForSensitive: the action of the unmarked values, an update
        # when only the sensitivity changes
        inner = compute_diff(unmark_all(b), unmark_all(a), typed).action
        act = Action.UPDATE if inner == Action.NO_OP and bs != as_ else inner
        return Diff(
            act,
            lambda ind, o: "(sensitive value)" + null_suffix(act, o),
            warnings=lambda ind, o: sensitive_attribute_warning(ind, o, bs, as_, inner),
        )
    if a is not None and a.v is UNKNOWN:
        if is_null(b):
            return Diff(Action.CREATE, lambda ind, o: "(known after apply)")
        assert b is not None
        bd = compute_diff(b, None, typed)

        def render_unknown(ind: int, o: RenderOpts) -> str:
            return bd.render(ind, o.clone(override_null_suffix=True)) + " -> (known after apply)"

        return Diff(Action.UPDATE, render_unknown)
    kb, ka = value_kind(b), value_kind(a)
    created = kb == "null" and b is None
    deleted = ka == "null" and a is None
    if kb == ka or created or deleted:
        target = ka if kb == "null" else kb
        return _process(b, a, target, typed)
    bd2 = _process(b, None, kb, typed)
    ad2 = _process(None, a, ka, typed)

    def render_type_change(ind: int, o: RenderOpts) -> str:
        oo = o.clone(override_null_suffix=True)
        return f"{bd2.render(ind, oo)} {o.color('[yellow]->[reset]')} {ad2.render(ind, oo)}"

    return Diff(Action.UPDATE, render_type_change)


def _process(b: Value | None, a: Value | None, kind: str, typed: bool = False) -> Diff:
    if kind in ("object", "map"):
        return _object_diff(b, a, quote_keys=kind == "map", typed=typed)
    if kind == "array":
        return _array_diff(b, a, typed)
    act = calc_action(b, a)
    if kind == "string":
        jd = _json_string_diff(b, a, act)
        if jd is not None:
            return jd
    if kind == "string" and is_multiline(b, a):
        return Diff(act, lambda ind, o: render_multiline(b, a, act, ind, o))
    return Diff(act, primitive_renderer(b, a, act))


def _json_string_diff(b: Value | None, a: Value | None, act: Action, replace: bool = False) -> Diff | None:
    """Strings of JSON render as jsonencode(...) of a structural diff (renderStringDiffAsJson)."""
    bj, bdata = json_container(b)
    aj, adata = json_container(a)
    if not ((bj or b is None) and (aj or a is None)) or (b is None and a is None):
        return None
    inner = compute_diff(None if b is None else from_py(bdata), None if a is None else from_py(adata))
    diff = Diff(act, json_string_renderer(inner, act, replace))
    if not replace:
        diff.forcing_replacement = lambda: _json_string_diff(b, a, act, replace=True) or diff
    return diff


def _object_diff(b: Value | None, a: Value | None, quote_keys: bool, typed: bool = False) -> Diff:
    bd = b.v if b is not None and isinstance(b.v, dict) else {}
    ad = a.v if a is not None and isinstance(a.v, dict) else {}
    keys = sorted(set(bd) | set(ad))
    children = {
        k: compute_diff(bd.get(k) if b is not None else None, ad.get(k) if a is not None else None, typed) for k in keys
    }
    act = children_action(b, a, list(children.values()))
    return Diff(act, object_renderer(children, quote_keys, act), collection=True)


def _json_object(k: Hashable) -> bool:
    return isinstance(k, tuple) and k[0] == "object"


def _array_diff(b: Value | None, a: Value | None, typed: bool = False) -> Diff:
    be: tuple[Value, ...] = b.v if b is not None and isinstance(b.v, tuple) else ()
    ae: tuple[Value, ...] = a.v if a is not None and isinstance(a.v, tuple) else ()
    elems: list[Diff] = []
    ref = a if a is not None else b
    t = ref.type if ref is not None else None
    if typed and isinstance(t, SetType):
        return _set_diff(b, a, be, ae)

    def proc(bi: int, ai: int) -> None:
        elems.append(compute_diff(be[bi] if bi < len(be) else None, ae[ai] if ai < len(ae) else None, typed))

    if typed and isinstance(t, TupleType):  # a tuple's elements pair by position
        for i in range(max(len(be), len(ae))):
            proc(i, i)
    else:
        # a list attribute, or a sequence of a dynamic value (its JSON array)
        objects = typed and isinstance(t, ListType) and isinstance(t.element, ObjectType)
        bk, ak = [json_key(x) for x in be], [json_key(y) for y in ae]
        process_slice(bk, ak, proc, lambda x, y: x == y, lambda k: objects or (not typed and _json_object(k)))
    act = children_action(b, a, elems)
    return Diff(act, list_renderer(elems, act), collection=True)


def _set_diff(b: Value | None, a: Value | None, be: tuple[Value, ...], ae: tuple[Value, ...]) -> Diff:
    elems: list[Diff] = []

    def proc(bi: int, ai: int) -> None:
        elems.append(compute_diff(be[bi] if bi < len(be) else None, ae[ai] if ai < len(ae) else None, True))

    process_set(be, ae, proc)
    act = children_action(b, a, elems)
    return Diff(act, set_renderer(elems, act), collection=True)
