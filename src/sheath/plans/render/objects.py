"""terraform's renderers for objects and maps (object.go, map.go) and for the
objects of nested attribute types (nested_object.go): ``{ name = value }`` with
aligned names, unchanged children counted rather than shown (except id, name
and tags)."""

from __future__ import annotations

from collections.abc import Callable

from sheath.plans.model import Action
from sheath.plans.render.computed import Diff, RenderOpts
from sheath.goquote import go_quote
from sheath.plans.render.util import attribute_lines, attribute_name, close_collection, null_suffix


def object_renderer(children: dict[str, Diff], quote_keys: bool, act: Action) -> Callable[[int, RenderOpts], str]:
    """An object (quote_keys False) or a map (quote_keys True) of children, in key order."""

    def render_object(ind: int, o: RenderOpts) -> str:
        if not children:
            return "{}" + null_suffix(act, o)
        names = {k: (go_quote(k) if quote_keys else attribute_name(k)) for k in children}
        width = max(len(n) for n in names.values())
        ao = o.clone(override_null_suffix=True)
        body, hidden = attribute_lines(children, names, width, ind, ao, important=not quote_keys)
        lines = ["{", *body]
        return close_collection(lines, hidden, "element" if quote_keys else "attribute", "}", ind, o, act)

    return render_object


def nested_object_renderer(children: dict[str, Diff], act: Action) -> Callable[[int, RenderOpts], str]:
    """renderers.NestedObject: deleted children say "-> null"."""

    def render(ind: int, o: RenderOpts) -> str:
        if not children:
            return "{}" + null_suffix(act, o)
        co = o.clone(override_null_suffix=False)
        names = {k: attribute_name(k) for k in children}
        width = max(len(n) for n in names.values())
        body, hidden = attribute_lines(children, names, width, ind, co)
        lines = ["{", *body]
        return close_collection(lines, hidden, "attribute", "}", ind, o, act)

    return render
