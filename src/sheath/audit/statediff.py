"""The difference between two states: each object added, removed or changed, rendered by
``sheath.plans.render`` as a plan renders a change (sensitive values, the paths each
version records in ``sensitive_attributes``, as ``(sensitive value)``), and each output
added, removed or changed, named, never shown. ``sheath history show`` prints it for an
applied version against its predecessor; the ui's history view shows it for any two."""

from __future__ import annotations

from typing import Any

from sheath.plans.model import Action, ResourceInstanceChange
from sheath.states.jsonstate import SchemaLookup, StateObject, state_objects
from sheath.states.state import State
from sheath.types.cty import Value


def _objects(state: State, schemas: SchemaLookup | None) -> dict[tuple[str, str], StateObject]:
    return {(so.address, so.deposed): so for so in state_objects(state, schemas)}


def _null_like(v: Value) -> Value:
    from sheath.types.cty import null

    return null(v.type)


def _equal(a: Value, b: Value) -> bool:
    from sheath.plans.planfile import encode_value

    return encode_value(a) == encode_value(b)


def _body(c: ResourceInstanceChange, schema: Any) -> str:
    """The rendered change without terraform's comment lines (they speak of a plan)."""
    from sheath.plans.render import render_resource_change

    lines = render_resource_change(c, color=False, schema=schema).split("\n")
    while lines and lines[0].lstrip().startswith("#"):
        lines.pop(0)
    return "\n".join(lines)


def state_diff(old: State, new: State, schemas: SchemaLookup | None = None) -> list[dict[str, Any]]:
    """The objects that differ between two states, each with its rendered diff (schemas:
    the resource types' schemas, for typed rendering; without, values render by shape)."""
    a, b = _objects(old, schemas), _objects(new, schemas)
    out: list[dict[str, Any]] = []
    for key in sorted(set(a) | set(b)):
        before, after = a.get(key), b.get(key)
        if before is not None and after is not None and _equal(before.value, after.value):
            continue
        so = after if after is not None else before
        assert so is not None
        if before is None:
            action, bv, av = Action.CREATE, _null_like(so.value), so.value
        elif after is None:
            action, bv, av = Action.DELETE, before.value, _null_like(before.value)
        else:
            action, bv, av = Action.UPDATE, before.value, after.value
        c = ResourceInstanceChange(
            address=so.address, mode=so.resource.mode, type=so.resource.type, name=so.resource.name,
            action=action, before=bv, after=av, deposed=so.deposed,
        )
        doc = {"address": so.address, "action": action.value, "diff": _body(c, so.schema)}
        if so.deposed:
            doc["deposed"] = so.deposed
        out.append(doc)
    return out


def output_diff(old: State, new: State) -> list[dict[str, Any]]:
    out = []
    for name in sorted(set(old.outputs) | set(new.outputs)):
        o, n = old.outputs.get(name), new.outputs.get(name)
        if o is None:
            out.append({"name": name, "action": "create"})
        elif n is None:
            out.append({"name": name, "action": "delete"})
        elif o.value != n.value or o.sensitive != n.sensitive:
            out.append({"name": name, "action": "update"})
    return out


__all__ = ["output_diff", "state_diff"]
