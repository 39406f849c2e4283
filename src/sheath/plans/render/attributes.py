"""terraform's differ.ComputeDiffForAttribute: a block attribute's diff by its
schema type, or by its nested attribute type (protocol 6: a single object or a
list, set or map of objects); an attribute of dynamic type, or one without a
schema, is diffed as terraform sees it through JSON."""

from __future__ import annotations

from sheath.goquote import go_quote
from sheath.plans.model import Action
from sheath.plans.render.computed import Diff
from sheath.plans.render.differ import compute_diff
from sheath.plans.render.objects import nested_object_renderer
from sheath.plans.render.sequences import nested_collection_renderer
from sheath.plans.render.structured import (
    compare_actions,
    is_null,
    iteration_action,
    json_shape,
    match_set_elements,
    object_attributes,
)
from sheath.providers.schema import Attribute, Nesting, Object
from sheath.types.cty import SENSITIVE, UNKNOWN, Value


def normalize_attribute(v: Value | None, attr: Attribute | None) -> Value | None:
    """A block attribute's value as terraform's renderer sees it."""
    if v is None:
        return v
    if attr is None:  # no schema: every attribute is seen through its JSON
        return json_shape(v)
    t = attr.implied_type()
    if t.is_dynamic():
        return json_shape(v)
    return v


def renders_as_value(v: Value | None) -> bool:
    """Whether v renders as a whole (unknown or sensitive) rather than by its shape."""
    return v is not None and (v.v is UNKNOWN or SENSITIVE in v.marks)


def attribute_diff(b: Value | None, a: Value | None, attr: Attribute | None) -> Diff:
    """differ.ComputeDiffForAttribute: by the attribute's type, or its nested attribute type."""
    if attr is not None and attr.nested_type is not None:
        return _nested_attribute_diff(b, a, attr.nested_type)
    typed = attr is not None and not attr.implied_type().is_dynamic()
    return compute_diff(b, a, typed)


def _nested_attribute_diff(b: Value | None, a: Value | None, obj: Object) -> Diff:
    """A protocol-6 nested attribute (single, list, set or map of objects)."""
    b, a = (None if is_null(b) else b), (None if is_null(a) else a)
    if (b is not None and SENSITIVE in b.marks) or (a is not None and SENSITIVE in a.marks):
        return compute_diff(b, a, True)
    if a is not None and a.v is UNKNOWN:
        if b is None:
            return Diff(Action.CREATE, lambda ind, o: "(known after apply)")
        before = _nested_attribute_diff(b, None, obj)
        return Diff(
            Action.UPDATE,
            lambda ind, o: before.render(ind, o.clone(override_null_suffix=True)) + " -> (known after apply)",
        )
    if obj.nesting in (Nesting.SINGLE, Nesting.GROUP):
        return _nested_object_diff(b, a, obj)
    current = iteration_action(b, a)
    elems: list[tuple[str, Diff]] = []
    if obj.nesting == Nesting.MAP:
        bm = b.v if b is not None and isinstance(b.v, dict) else {}
        am = a.v if a is not None and isinstance(a.v, dict) else {}
        for k in sorted(set(bm) | set(am)):
            elems.append((go_quote(k), _nested_object_diff(bm.get(k), am.get(k), obj)))
    else:
        be: tuple[Value, ...] = b.v if b is not None and isinstance(b.v, tuple) else ()
        ae: tuple[Value, ...] = a.v if a is not None and isinstance(a.v, tuple) else ()
        if obj.nesting == Nesting.LIST:
            for i in range(max(len(be), len(ae))):
                x, y = (be[i] if i < len(be) else None), (ae[i] if i < len(ae) else None)
                elems.append(("", _nested_object_diff(x, y, obj)))
        else:
            matched = match_set_elements(be, ae)
            for i, x in enumerate(be):
                elems.append(("", _nested_object_diff(x, ae[matched[i]] if i in matched else None, obj)))
            for j, y in enumerate(ae):
                if j not in matched.values():
                    elems.append(("", _nested_object_diff(None, y, obj)))
    for _, d in elems:
        current = compare_actions(current, d.action)
    return Diff(current, nested_collection_renderer(elems, obj.nesting == Nesting.MAP, current), collection=True)


def _nested_object_diff(b: Value | None, a: Value | None, obj: Object) -> Diff:
    """renderers.NestedObject: an object of a nested attribute type (deleted children say "-> null")."""
    b, a = (None if is_null(b) else b), (None if is_null(a) else a)
    bd = object_attributes(b) if b is not None else {}
    ad = object_attributes(a) if a is not None else {}
    current = iteration_action(b, a)
    children: dict[str, Diff] = {}
    for k in sorted(obj.attributes):
        bv, av = bd.get(k), ad.get(k)
        if is_null(bv) and is_null(av) and not (av is not None and av.v is UNKNOWN):
            continue
        d = attribute_diff(None if is_null(bv) else bv, None if is_null(av) else av, obj.attributes[k])
        children[k] = d
        current = compare_actions(current, d.action)
    return Diff(current, nested_object_renderer(children, current), collection=True)
