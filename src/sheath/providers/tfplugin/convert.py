"""Conversions between the plugin protocol's messages and sheath's own shapes.

Works on tfplugin5 and tfplugin6 messages alike (they share field names; only
protocol 6 has nested attribute types). Schemas become
:class:`sheath.providers.schema.Schema`, diagnostics become sheath Diagnostics
(with the attribute path in ``extra["attribute_path"]``), attribute paths
become :class:`~sheath.providers.interface.Path`, and DynamicValues become
Values of a given type.
"""

from __future__ import annotations

from typing import Any, Final

from sheath.diag import Diagnostic, Diagnostics, Severity
from sheath.providers.interface import (
    ATTRIBUTE_PATH,
    FunctionDecl,
    FunctionParameter,
    GetAttrStep,
    IndexStep,
    Path,
    PathStep,
    ProviderSchema,
    ServerCapabilities,
)
from sheath.providers.schema import Attribute, Block, NestedBlock, Nesting, Object, Schema
from sheath.types import Value, null
from sheath.types.cty import DYNAMIC, Type, string_val
from sheath.types.json import type_from_json, value_from_json
from sheath.types.msgpack_codec import value_from_msgpack, value_to_msgpack
from sheath.types.number import number_val

# NestedBlock.NestingMode / Object.NestingMode numbers (the same in both protocols)
_NESTING: Final = {1: Nesting.SINGLE, 2: Nesting.LIST, 3: Nesting.SET, 4: Nesting.MAP, 5: Nesting.GROUP}


class TypeCache:
    """Memoised cty type JSON -> Type (schemas repeat the same few type strings thousands of times)."""

    def __init__(self) -> None:
        self._types: dict[bytes, Type] = {}

    def get(self, raw: bytes) -> Type:
        t = self._types.get(raw)
        if t is None:
            t = type_from_json(raw) if raw else DYNAMIC
            self._types[raw] = t
        return t


def schema_from_proto(msg: Any, types: TypeCache) -> Schema:
    """A tfpluginN.Schema message (may be unset: an empty block)."""
    return Schema(block_from_proto(msg.block, types), int(msg.version))


def block_from_proto(msg: Any, types: TypeCache) -> Block:
    attrs = {a.name: attribute_from_proto(a, types) for a in msg.attributes}
    blocks = {
        nb.type_name: NestedBlock(
            block_from_proto(nb.block, types),
            _NESTING.get(int(nb.nesting), Nesting.SINGLE),
            int(nb.min_items),
            int(nb.max_items),
        )
        for nb in msg.block_types
    }
    return Block(attrs, blocks, "", bool(msg.deprecated))


def attribute_from_proto(a: Any, types: TypeCache) -> Attribute:
    nested: Object | None = None
    if "nested_type" in a.DESCRIPTOR.fields_by_name and a.HasField("nested_type"):
        nt = a.nested_type
        nested = Object(
            {x.name: attribute_from_proto(x, types) for x in nt.attributes},
            _NESTING.get(int(nt.nesting), Nesting.SINGLE),
        )
    return Attribute(
        type=None if nested is not None else types.get(bytes(a.type)),
        nested_type=nested,
        required=a.required,
        optional=a.optional,
        computed=a.computed,
        sensitive=a.sensitive,
        write_only=a.write_only,
        deprecated=a.deprecated,
    )


def function_from_proto(f: Any, types: TypeCache) -> FunctionDecl:
    def param(p: Any) -> FunctionParameter:
        return FunctionParameter(p.name, types.get(bytes(p.type)), p.allow_null_value, p.allow_unknown_values, p.description)

    return FunctionDecl(
        tuple(param(p) for p in f.parameters),
        types.get(bytes(getattr(f, "return").type)),
        param(f.variadic_parameter) if f.HasField("variadic_parameter") else None,
        f.summary,
        f.description,
        f.deprecation_message,
    )


# ------------------------------------------------------------------ paths


def path_from_proto(msg: Any) -> Path:
    steps: list[PathStep] = []
    for s in msg.steps:
        which = s.WhichOneof("selector")
        if which == "attribute_name":
            steps.append(GetAttrStep(s.attribute_name))
        elif which == "element_key_string":
            steps.append(IndexStep(string_val(s.element_key_string)))
        elif which == "element_key_int":
            steps.append(IndexStep(number_val(int(s.element_key_int))))
    return Path(tuple(steps))


# ------------------------------------------------------------ diagnostics


def diagnostics_from_proto(msgs: Any) -> Diagnostics:
    out = Diagnostics()
    for m in msgs:
        sev = Severity.WARNING if int(m.severity) == 2 else Severity.ERROR
        d = Diagnostic(sev, m.summary, m.detail)
        if m.HasField("attribute") and len(m.attribute.steps):
            d.extra[ATTRIBUTE_PATH] = path_from_proto(m.attribute)
        out.append(d)
    return out


# ----------------------------------------------------------------- values


def encode_value(pb: Any, v: Value | None, t: Type) -> Any:
    """A DynamicValue message (msgpack) holding v of type t; None encodes as null."""
    return pb.DynamicValue(msgpack=value_to_msgpack(v if v is not None else null(t), t))


def decode_value(dv: Any, t: Type) -> Value:
    """A DynamicValue (msgpack or JSON) as a Value of type t; an empty one is null."""
    if dv.msgpack:
        return value_from_msgpack(bytes(dv.msgpack), t)
    if dv.json:
        return value_from_json(bytes(dv.json), t)
    return null(t)


class LazySchemas(dict[str, Schema]):
    """A name -> Schema dict whose values are converted from protobuf on first use.

    The AWS provider has ~2,000 resource and data source schemas; a run uses a
    handful, so converting them all would cost most of the schema load time.
    Keys are present from the start (``in``, ``len`` and iteration need no
    conversion); ``[]``, ``get``, ``values`` and ``items`` convert as needed.
    """

    def __init__(self, protos: Any, types: TypeCache) -> None:
        super().__init__()
        self._protos = protos
        self._types = types
        for name in protos:
            dict.__setitem__(self, name, _PENDING)

    def __getitem__(self, name: str) -> Schema:
        v = dict.__getitem__(self, name)
        if v is _PENDING:
            v = schema_from_proto(self._protos[name], self._types)
            dict.__setitem__(self, name, v)
        return v

    def get(self, name: str, default: Any = None) -> Any:
        if not dict.__contains__(self, name):
            return default
        return self[name]

    def values(self) -> Any:
        return [self[k] for k in list(dict.keys(self))]

    def items(self) -> Any:
        return [(k, self[k]) for k in list(dict.keys(self))]

    def materialize(self) -> dict[str, Schema]:
        return dict(self.items())

    def copy(self) -> dict[str, Schema]:
        return self.materialize()

    def __iter__(self) -> Any:
        return iter(list(dict.keys(self)))

    def __repr__(self) -> str:
        return f"LazySchemas({len(self)} schemas)"


_PENDING: Final[Any] = object()


def provider_schema_from_proto(resp: Any, types: TypeCache) -> ProviderSchema:
    """A GetProviderSchema response (either protocol) as a ProviderSchema."""
    caps = resp.server_capabilities
    return ProviderSchema(
        provider=schema_from_proto(resp.provider, types),
        provider_meta=schema_from_proto(resp.provider_meta, types) if resp.HasField("provider_meta") else None,
        resource_types=LazySchemas(resp.resource_schemas, types),
        data_sources=LazySchemas(resp.data_source_schemas, types),
        ephemeral_resource_types=LazySchemas(resp.ephemeral_resource_schemas, types),
        functions={name: function_from_proto(f, types) for name, f in resp.functions.items()},
        server_capabilities=ServerCapabilities(caps.plan_destroy, caps.get_provider_schema_optional, caps.move_resource_state),
        diagnostics=diagnostics_from_proto(resp.diagnostics),
    )
