"""Provider schemas in terraform's JSON format (`terraform providers schema -json`).

The document is terraform's jsonprovider: struct fields in their order, map keys
sorted, empty fields left out, a description kind on every block and attribute.
This module marshals sheath's own schemas (builtin and native providers); plugin
providers' schemas are marshalled from their protocol messages, with every
description they carry (sheath.providers.tfplugin.jsonschema).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sheath.providers.interface import FunctionDecl, FunctionParameter, ProviderSchema
from sheath.providers.schema import Attribute, Block, NestedBlock, Object, Schema
from sheath.types.cty import Type

FORMAT_VERSION = "1.0"

JSONDoc = dict[str, Any]


def sorted_json(v: Any) -> Any:
    """v with every mapping's keys sorted, as Go marshals maps."""
    if isinstance(v, dict):
        return {k: sorted_json(v[k]) for k in sorted(v)}
    if isinstance(v, list):
        return [sorted_json(x) for x in v]
    return v


def type_json(t: Type) -> Any:
    """A cty type as ctyjson.MarshalType writes it (object attributes sorted)."""
    from sheath.types.json import type_to_json_value

    return sorted_json(type_to_json_value(t))


def attribute_json(a: Attribute, described_kind: str = "plain") -> JSONDoc:
    out: JSONDoc = {}
    if a.nested_type is not None:
        out["nested_type"] = object_json(a.nested_type)
    else:
        assert a.type is not None
        out["type"] = type_json(a.type)
    if a.description:
        out["description"] = a.description
    out["description_kind"] = described_kind if a.description else "plain"
    for flag in ("deprecated", "required", "optional", "computed", "sensitive", "write_only"):
        if getattr(a, flag):
            out[flag] = True
    return out


def object_json(o: Object) -> JSONDoc:
    out: JSONDoc = {}
    if o.attributes:
        out["attributes"] = {n: attribute_json(o.attributes[n]) for n in sorted(o.attributes)}
    out["nesting_mode"] = o.nesting.value
    return out


def nested_block_json(nb: NestedBlock) -> JSONDoc:
    out: JSONDoc = {"nesting_mode": nb.nesting.value, "block": block_json(nb.block)}
    if nb.min_items:
        out["min_items"] = nb.min_items
    if nb.max_items:
        out["max_items"] = nb.max_items
    return out


def block_json(b: Block, described_kind: str = "plain") -> JSONDoc:
    """described_kind: the description kind of the attributes that have a description."""
    out: JSONDoc = {}
    if b.attributes:
        out["attributes"] = {n: attribute_json(b.attributes[n], described_kind) for n in sorted(b.attributes)}
    if b.block_types:
        out["block_types"] = {n: nested_block_json(b.block_types[n]) for n in sorted(b.block_types)}
    if b.description:
        out["description"] = b.description
    out["description_kind"] = "plain"
    if b.deprecated:
        out["deprecated"] = True
    return out


def schema_json(s: Schema, with_block: bool = True, described_kind: str = "plain") -> JSONDoc:
    out: JSONDoc = {"version": s.version}
    if with_block:
        out["block"] = block_json(s.block, described_kind)
    return out


def parameter_json(p: FunctionParameter) -> JSONDoc:
    out: JSONDoc = {"name": p.name}
    if p.description:
        out["description"] = p.description
    if p.allow_null_value:
        out["is_nullable"] = True
    out["type"] = type_json(p.type)
    return out


def function_json(f: FunctionDecl) -> JSONDoc:
    """A provider function as terraform's jsonfunction marshals it."""
    out: JSONDoc = {}
    if f.description:
        out["description"] = f.description
    if f.summary:
        out["summary"] = f.summary
    if f.deprecation_message:
        out["deprecation_message"] = f.deprecation_message
    out["return_type"] = type_json(f.return_type)
    if f.parameters:
        out["parameters"] = [parameter_json(p) for p in f.parameters]
    if f.variadic_parameter is not None:
        out["variadic_parameter"] = parameter_json(f.variadic_parameter)
    return out


def provider_json(ps: ProviderSchema, builtin: bool = False) -> JSONDoc:
    """One provider's schemas. terraform's own builtin provider has no configuration
    block at all (its provider schema is only a version), and its attribute
    descriptions are Markdown."""
    kind = "markdown" if builtin else "plain"
    out: JSONDoc = {"provider": schema_json(ps.provider, with_block=not builtin)}
    for key, table in (
        ("resource_schemas", ps.resource_types),
        ("data_source_schemas", ps.data_sources),
        ("ephemeral_resource_schemas", ps.ephemeral_resource_types),
    ):
        if table:
            out[key] = {n: schema_json(table[n], described_kind=kind) for n in sorted(table)}
    if ps.functions:
        out["functions"] = {n: function_json(ps.functions[n]) for n in sorted(ps.functions)}
    return out


def providers_document(schemas: Mapping[str, JSONDoc]) -> str:
    """The whole document, one line, keyed by provider source address."""
    from sheath.states.gojson import marshal

    doc: JSONDoc = {"format_version": FORMAT_VERSION}
    if schemas:
        doc["provider_schemas"] = {k: schemas[k] for k in sorted(schemas)}
    return marshal(doc)
