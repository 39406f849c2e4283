"""terraform's JSON state representation (command/jsonstate), and the decoded
objects the human state rendering shares with it.

``state_to_json(sf, schemas)`` is the document ``terraform show -json``
prints for a state: format_version "1.0", terraform_version, and values
(outputs; root_module with resources and child_modules, each module's
resources in terraform's AbsResource order: data first, then type and name,
then instance key; child modules by address string). Attribute
values are decoded with the resource type's schema (dynamic attributes are
unwrapped), sensitive paths (stored and schema-declared) become
sensitive_values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sheath.addrs.provider import parse_abs_provider_config_str
from sheath.providers.marks import mark_sensitive
from sheath.providers.schema import Block, Schema
from sheath.states import gojson
from sheath.states.state import (
    InstanceObject,
    Resource,
    State,
    instance_key_sort_key,
)
from sheath.states.statefile import StateFile
from sheath.types.cty import SENSITIVE, SetType, Value
from sheath.types.json import (
    JSONError,
    decode_implied,
    type_from_json,
    value_from_json,
    value_to_json,
)

FORMAT_VERSION = "1.0"

# (provider source address, mode, type) -> the resource type's schema, or None when unknown
SchemaLookup = Callable[[str, str, str], "Schema | None"]


def provider_source(provider_config: str) -> str:
    """The provider source address of a state resource's provider configuration address."""
    pc = parse_abs_provider_config_str(provider_config)
    if pc is None:
        return provider_config
    return str(pc.provider)


# ------------------------------------------------------------------ decoding


def mark_path(v: Value, path: list[Any]) -> Value:
    """v with SENSITIVE added at path (steps: attribute names / keys as str, indexes as int)."""
    if not path:
        return v.mark(SENSITIVE)
    step, rest = path[0], path[1:]
    p = v.v
    if isinstance(p, dict):
        if isinstance(step, str) and step in p:
            d = dict(p)
            d[step] = mark_path(p[step], rest)
            return Value(v.type, d, v.marks)
        return v
    if (
        isinstance(p, tuple)
        and not isinstance(v.type, SetType)
        and isinstance(step, int)
        and 0 <= step < len(p)
    ):
        elems = list(p)
        elems[step] = mark_path(p[step], rest)
        return Value(v.type, tuple(elems), v.marks)
    return v


def _path_steps(raw: Any) -> list[Any] | None:
    """A stored sensitive path ([{"type": "get_attr"|"index", "value": ...}]) as plain steps."""
    if not isinstance(raw, list):
        return None
    out: list[Any] = []
    for s in raw:
        if not isinstance(s, dict):
            return None
        if s.get("type") == "get_attr":
            out.append(s.get("value"))
        elif s.get("type") == "index":
            k = s.get("value")
            if isinstance(k, dict):
                k = k.get("value")
            if isinstance(k, gojson.JSONNumber):
                k = int(float(str.__str__(k)))
            out.append(k)
        else:
            return None
    return out


def decode_object(obj: InstanceObject, schema: Schema | None) -> Value:
    """The object's value, typed by schema when known, with its sensitive paths marked."""
    data = gojson.dumps_line(obj.attributes if obj.attributes is not None else {})
    value: Value | None = None
    if schema is not None:
        try:
            value = value_from_json(data, schema.block.implied_type())
        except (JSONError, ValueError):
            value = None
    if value is None:
        value = decode_implied(data)
    for raw in obj.sensitive_attributes:
        steps = _path_steps(raw)
        if steps is not None:
            value = mark_path(value, steps)
    if schema is not None:
        value = mark_sensitive(schema.block, value)
    return value


def decode_output(value: Any, type_json: Any) -> Value:
    data = gojson.dumps_line(value)
    if type_json is not None:
        try:
            return value_from_json(data, type_from_json(type_json))
        except (JSONError, ValueError):
            pass
    return decode_implied(data)


# ------------------------------------------------------------------ JSON values


def value_json(v: Value) -> Any:
    """ctyjson.Marshal of v without its marks, as JSON data (numbers kept exact)."""
    plain, _ = v.unmark_deep()
    return gojson.loads(value_to_json(plain))


def sensitive_json(v: Value) -> Any:
    """SensitiveAsBool: true where marked; objects/maps as objects of their marked parts, sequences as lists."""
    if SENSITIVE in v.marks:
        return True
    p = v.v
    if isinstance(p, dict):
        out = {}
        for k, e in p.items():
            b = sensitive_json(e)
            if b is not False:
                out[k] = b
        return out
    if isinstance(p, tuple):
        return [sensitive_json(e) for e in p]
    return False


@dataclass(slots=True)
class StateObject:
    """One object of the state as the JSON and human representations show it."""

    resource: Resource
    key: Any
    deposed: str
    obj: InstanceObject
    value: Value
    schema: Block | None

    @property
    def address(self) -> str:
        from sheath.addrs.instance_key import instance_key, key_str

        return self.resource.address + key_str(instance_key(self.key))

    @property
    def module(self) -> str:
        return self.resource.module


def state_objects(state: State, schemas: SchemaLookup | None) -> list[StateObject]:
    """Every object (current, then deposed) of every resource instance, decoded."""
    out: list[StateObject] = []
    for r in state.resources.values():
        schema = (
            schemas(provider_source(r.provider), r.mode, r.type)
            if schemas is not None
            else None
        )
        for k in sorted(r.instances, key=instance_key_sort_key):
            ri = r.instances[k]
            objs: list[tuple[str, InstanceObject]] = (
                [("", ri.current)] if ri.current is not None else []
            )
            objs += sorted(ri.deposed.items())
            for dk, obj in objs:
                out.append(
                    StateObject(
                        r,
                        k,
                        dk,
                        obj,
                        decode_object(obj, schema),
                        schema.block if schema else None,
                    )
                )
    return out


def parent_module(addr: str) -> str:
    """The parent of a module instance address string ('' for a first-level module)."""
    from sheath.states.lookup import module_instance_of

    return str(module_instance_of(addr).parent())


def resource_order(mode: str, type_: str, name: str) -> tuple[bool, str, str]:
    """terraform's order of a module's resources in state (AbsResource.Less, as jsonstate
    sorts them): data resources first, then by type and name. Sort with it stably over
    objects already in instance-key order (current before deposed)."""
    return (mode != "data", type_, name)


def module_tree(items: list[tuple[str, dict[str, Any]]], state_order: bool = False) -> dict[str, Any]:
    """Nest (module address, resource) pairs as root_module / child_modules, each module's resources
    sorted by address string (planned values) or, with state_order, in the order jsonstate gives a
    state's (resource_order), children by address string, fields in terraform's order (resources,
    address, child_modules)."""
    root: dict[str, Any] = {}
    nodes: dict[str, dict[str, Any]] = {"": root}

    def node(addr: str) -> dict[str, Any]:
        n = nodes.get(addr)
        if n is not None:
            return n
        parent = node(parent_module(addr))
        n = {"address": addr}
        parent.setdefault("child_modules", []).append(n)
        nodes[addr] = n
        return n

    for mod, r in items:
        node(mod).setdefault("resources", []).append(r)
    for n in nodes.values():
        if "resources" in n:
            if state_order:
                n["resources"].sort(key=lambda r: resource_order(r["mode"], r["type"], r["name"]))
            else:
                n["resources"].sort(key=lambda r: r["address"])
        if "child_modules" in n:
            n["child_modules"].sort(key=lambda m: m["address"])
    # field order: resources, address, child_modules
    for addr, n in nodes.items():
        ordered: dict[str, Any] = {}
        if "resources" in n:
            ordered["resources"] = n["resources"]
        if addr:
            ordered["address"] = addr
        if "child_modules" in n:
            ordered["child_modules"] = n["child_modules"]
        n.clear()
        n.update(ordered)
    return root


def outputs_json(state: State) -> dict[str, Any]:
    outs: dict[str, Any] = {}
    for name in sorted(state.outputs):
        o = state.outputs[name]
        outs[name] = {"sensitive": o.sensitive, "value": o.value, "type": o.type}
    return outs


def resource_json(so: StateObject) -> dict[str, Any]:
    r = so.resource
    d: dict[str, Any] = {
        "address": so.address,
        "mode": r.mode,
        "type": r.type,
        "name": r.name,
    }
    if so.key is not None:
        d["index"] = so.key
    d["provider_name"] = provider_source(r.provider)
    d["schema_version"] = so.obj.schema_version
    d["values"] = value_json(so.value) if so.obj.attributes is not None else {}
    d["sensitive_values"] = sensitive_json(so.value)
    if so.obj.dependencies:
        d["depends_on"] = list(so.obj.dependencies)
    if so.obj.status == "tainted":
        d["tainted"] = True
    if so.deposed:
        d["deposed_key"] = so.deposed
    return d


def state_values_json(state: State, schemas: SchemaLookup | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    outs = outputs_json(state)
    if outs:
        values["outputs"] = outs
    items = [(so.module, resource_json(so)) for so in state_objects(state, schemas)]
    values["root_module"] = module_tree(items, state_order=True)
    return values


def state_to_json(sf: StateFile | None, schemas: SchemaLookup | None) -> dict[str, Any]:
    """The document ``terraform show -json`` prints for a state (None: no state)."""
    doc: dict[str, Any] = {"format_version": FORMAT_VERSION}
    if sf is None or (not sf.state.resources and not sf.state.outputs):
        return doc  # an empty state is shown as no state
    doc["terraform_version"] = sf.terraform_version
    doc["values"] = state_values_json(sf.state, schemas)
    return doc


__all__ = [
    "FORMAT_VERSION",
    "SchemaLookup",
    "StateObject",
    "decode_object",
    "decode_output",
    "mark_path",
    "module_tree",
    "resource_order",
    "provider_source",
    "sensitive_json",
    "state_objects",
    "state_to_json",
    "state_values_json",
    "value_json",
]
