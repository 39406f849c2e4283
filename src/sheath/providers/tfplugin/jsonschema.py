"""A plugin's GetProviderSchema response in terraform's JSON format (`providers schema -json`).

Marshalled from the protocol message itself, so that every description and
description kind the provider sends is kept; the layout is that of
sheath.providers.jsonprovider (terraform's jsonprovider).
"""

from __future__ import annotations

from typing import Any, Final

from sheath.providers.jsonprovider import JSONDoc, type_json
from sheath.types.json import type_from_json

_NESTING: Final = {1: "single", 2: "list", 3: "set", 4: "map", 5: "group"}


class TypeJSONCache:
    """The JSON form of each distinct type string (schemas repeat a few types many times)."""

    def __init__(self) -> None:
        self._seen: dict[bytes, Any] = {}

    def get(self, raw: bytes) -> Any:
        try:
            return self._seen[raw]
        except KeyError:
            v = type_json(type_from_json(raw)) if raw else "dynamic"
            self._seen[raw] = v
            return v


def attribute_json(a: Any, types: TypeJSONCache) -> JSONDoc:
    out: JSONDoc = {}
    fields = a.DESCRIPTOR.fields_by_name
    if "nested_type" in fields and a.HasField("nested_type"):
        nt = a.nested_type
        obj: JSONDoc = {}
        if len(nt.attributes):
            obj["attributes"] = {x.name: attribute_json(x, types) for x in sorted(nt.attributes, key=_name)}
        obj["nesting_mode"] = _NESTING.get(int(nt.nesting), "")
        out["nested_type"] = obj
    else:
        out["type"] = types.get(a.type)
    description = a.description
    if description:
        out["description"] = description
    out["description_kind"] = "markdown" if a.description_kind == 1 else "plain"
    # the flags in terraform's field order (jsonprovider.Attribute)
    if a.deprecated:
        out["deprecated"] = True
    if a.required:
        out["required"] = True
    if a.optional:
        out["optional"] = True
    if a.computed:
        out["computed"] = True
    if a.sensitive:
        out["sensitive"] = True
    if "write_only" in fields and a.write_only:
        out["write_only"] = True
    return out


def _name(m: Any) -> str:
    name: str = m.name
    return name


def _type_name(m: Any) -> str:
    name: str = m.type_name
    return name


def block_json(b: Any, types: TypeJSONCache) -> JSONDoc:
    out: JSONDoc = {}
    if len(b.attributes):
        out["attributes"] = {a.name: attribute_json(a, types) for a in sorted(b.attributes, key=_name)}
    if len(b.block_types):
        bts: JSONDoc = {}
        for nb in sorted(b.block_types, key=_type_name):
            j: JSONDoc = {"nesting_mode": _NESTING.get(nb.nesting, ""), "block": block_json(nb.block, types)}
            if nb.min_items:
                j["min_items"] = int(nb.min_items)
            if nb.max_items:
                j["max_items"] = int(nb.max_items)
            bts[nb.type_name] = j
        out["block_types"] = bts
    if b.description:
        out["description"] = b.description
    out["description_kind"] = "markdown" if b.description_kind == 1 else "plain"
    if b.deprecated:
        out["deprecated"] = True
    return out


def schema_json(s: Any, types: TypeJSONCache) -> JSONDoc:
    return {"version": int(s.version), "block": block_json(s.block, types)}


def parameter_json(p: Any, types: TypeJSONCache) -> JSONDoc:
    out: JSONDoc = {"name": p.name}
    if p.description:
        out["description"] = p.description
    if p.allow_null_value:
        out["is_nullable"] = True
    out["type"] = types.get(p.type)
    return out


def function_json(f: Any, types: TypeJSONCache) -> JSONDoc:
    out: JSONDoc = {}
    if f.description:
        out["description"] = f.description
    if f.summary:
        out["summary"] = f.summary
    if f.deprecation_message:
        out["deprecation_message"] = f.deprecation_message
    out["return_type"] = types.get(getattr(f, "return").type)
    if len(f.parameters):
        out["parameters"] = [parameter_json(p, types) for p in f.parameters]
    if f.HasField("variadic_parameter"):
        out["variadic_parameter"] = parameter_json(f.variadic_parameter, types)
    return out


def provider_schema_json(resp: Any) -> JSONDoc:
    """A GetProviderSchema response (either protocol version) as one provider's entry."""
    types = TypeJSONCache()
    out: JSONDoc = {"provider": schema_json(resp.provider, types)}
    for key in ("resource_schemas", "data_source_schemas", "ephemeral_resource_schemas"):
        if key not in resp.DESCRIPTOR.fields_by_name:
            continue
        table = getattr(resp, key)
        if len(table):
            out[key] = {n: schema_json(table[n], types) for n in sorted(table)}
    if len(resp.functions):
        out["functions"] = {n: function_json(resp.functions[n], types) for n in sorted(resp.functions)}
    return out
