"""terraform's human state rendering (jsonformat's RenderHumanState), used by
``show`` and ``state show``: every object as a ``resource "T" "N" { ... }``
block with the plan renderer's value formatting (no action symbols, all
attributes shown), then the root module's outputs."""

from __future__ import annotations

from sheath.plans.model import Action, ResourceInstanceChange
from sheath.plans.render import render_state_object, render_state_value
from sheath.states.jsonstate import (
    SchemaLookup,
    StateObject,
    decode_output,
    parent_module,
    resource_order,
    state_objects,
)
from sheath.states.state import State
from sheath.types.cty import SENSITIVE, STRING, ObjectType, Value

EMPTY_STATE = "The state file is empty. No resources are represented.\n"


def _module_tree(
    objects: list[StateObject],
) -> tuple[dict[str, list[StateObject]], dict[str, list[str]]]:
    """Each module's objects (in jsonstate's resource_order) and children (by address string), as jsonstate nests them."""
    by_mod: dict[str, list[StateObject]] = {"": []}
    children: dict[str, set[str]] = {}
    for so in objects:
        by_mod.setdefault(so.module, []).append(so)
        m = so.module
        while m:
            p = parent_module(m)
            children.setdefault(p, set()).add(m)
            by_mod.setdefault(m, [])
            m = p
    for objs in by_mod.values():
        # stable: instance-key order, current before deposed
        objs.sort(key=lambda so: resource_order(so.resource.mode, so.resource.type, so.resource.name))
    return by_mod, {k: sorted(v) for k, v in children.items()}


def render_object(so: StateObject, color: bool) -> str:
    c = ResourceInstanceChange(
        address=so.address,
        mode=so.resource.mode,
        type=so.resource.type,
        name=so.resource.name,
        action=Action.NO_OP,
        before=so.value,
        after=so.value,
    )
    body = render_state_object(c, color, so.schema)
    kind = "data" if so.resource.mode == "data" else "resource"
    return f'{kind} "{so.resource.type}" "{so.resource.name}" {body}'


def _empty_strings_null(v: Value) -> Value:
    """terraform's renderer shows empty strings of typed values as null (a legacy SDK allowance)."""
    p = v.v
    if p == "" and v.type == STRING:
        return Value(STRING, None, v.marks)
    if isinstance(p, dict):
        return Value(v.type, {k: _empty_strings_null(e) for k, e in p.items()}, v.marks)
    if isinstance(p, tuple):
        return Value(v.type, tuple(_empty_strings_null(e) for e in p), v.marks)
    return v


def _drop_null_attributes(v: Value) -> Value:
    """Object attributes that are null are left out of a typed value's rendering, as terraform's differ does."""
    p = v.v
    if isinstance(p, dict):
        kept = {
            k: _drop_null_attributes(e)
            for k, e in p.items()
            if not (isinstance(v.type, ObjectType) and e.v is None)
        }
        t = (
            ObjectType({k: v.type.attrs[k] for k in kept})
            if isinstance(v.type, ObjectType)
            else v.type
        )
        return Value(t, kept, v.marks)
    if isinstance(p, tuple):
        return Value(v.type, tuple(_drop_null_attributes(e) for e in p), v.marks)
    return v


def render_human_state(
    state: State, schemas: SchemaLookup | None, color: bool = False
) -> str:
    objects = state_objects(state, schemas)
    if not objects and not state.outputs:
        return EMPTY_STATE
    by_mod, children = _module_tree(objects)
    parts: list[str] = []

    def module(m: str, first: bool) -> None:
        # renderHumanStateModule: "first" is passed down by value, so a sibling
        # module after a first module with resources starts without blank lines.
        objs = by_mod.get(m, [])
        if objs and not first:
            parts.append("\n")
        for so in objs:
            if not first:
                parts.append("\n")
            first = False
            if so.deposed:
                parts.append(f"# {so.address}: (deposed object {so.deposed})\n")
            elif so.obj.status == "tainted":
                parts.append(f"# {so.address}: (tainted)\n")
            else:
                parts.append(f"# {so.address}:\n")
            parts.append(render_object(so, color) + "\n")
        for c in children.get(m, []):
            module(c, first)

    module("", True)
    if state.outputs:
        parts.append("\n\nOutputs:\n\n")
        for name in sorted(state.outputs):
            o = state.outputs[name]
            v = _empty_strings_null(
                _drop_null_attributes(decode_output(o.value, o.type))
            )
            if o.sensitive:
                v = v.mark(SENSITIVE)
            parts.append(f"{name} = {render_state_value(v, color)}\n")
    return "".join(parts)


__all__ = ["EMPTY_STATE", "render_human_state", "render_object"]
