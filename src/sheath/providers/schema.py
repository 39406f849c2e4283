"""Provider schemas, shaped like the plugin protocol's (tfplugin6) Schema messages.

A Schema has a version and a root Block. A Block has attributes and nested
block types; an Attribute has either a ``type`` or a ``nested_type`` (protocol
6 nested attributes). This maps 1:1 to tfplugin6.Schema so a gRPC adapter can
convert in both directions without loss.

``Block.implied_type()`` gives the object type of a block's value the way
terraform's configschema derives it; ``block_to_body_schema`` gives the HCL
decoding schema (attribute and block names); ``config_object`` assembles the
config value of a block from already-evaluated attributes and nested blocks,
filling in what terraform fills in (nulls, empty collections).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from sheath.lang import hcl
from sheath.types import DYNAMIC, ListType, MapType, ObjectType, SetType, Type, Value, null
from sheath.types.cty import EMPTY_OBJECT
from sheath.types.ops import set_val


class Nesting(enum.Enum):
    """How a nested block type (or nested attribute object) repeats."""

    SINGLE = "single"
    GROUP = "group"
    LIST = "list"
    SET = "set"
    MAP = "map"


@dataclass(frozen=True, slots=True)
class Object:
    """Protocol-6 nested attribute type: attributes plus a nesting mode."""

    attributes: Mapping[str, "Attribute"]
    nesting: Nesting = Nesting.SINGLE

    def implied_type(self) -> Type:
        # configschema's ImpliedType drops the optional markers its spec type has
        obj = ObjectType({name: a.implied_type() for name, a in self.attributes.items()})
        if self.nesting in (Nesting.SINGLE, Nesting.GROUP):
            return obj
        if self.nesting is Nesting.LIST:
            return ListType(obj)
        if self.nesting is Nesting.SET:
            return SetType(obj)
        return MapType(obj)


@dataclass(frozen=True, slots=True)
class Attribute:
    type: Type | None = None
    nested_type: Object | None = None
    required: bool = False
    optional: bool = False
    computed: bool = False
    sensitive: bool = False
    write_only: bool = False
    description: str = ""
    deprecated: bool = False

    def implied_type(self) -> Type:
        if self.nested_type is not None:
            return self.nested_type.implied_type()
        assert self.type is not None, "an attribute needs type or nested_type"
        return self.type


@dataclass(frozen=True, slots=True)
class NestedBlock:
    block: "Block"
    nesting: Nesting = Nesting.SINGLE
    min_items: int = 0
    max_items: int = 0

    def implied_type(self) -> Type:
        inner = self.block.implied_type()
        if self.nesting in (Nesting.SINGLE, Nesting.GROUP):
            return inner
        if self.nesting is Nesting.LIST:
            return ListType(inner)
        if self.nesting is Nesting.SET:
            return SetType(inner)
        return MapType(inner)

    def empty_value(self) -> Value:
        """The value of this block type when no block of it is in the configuration."""
        t = self.implied_type()
        if self.nesting is Nesting.SINGLE:
            return null(t)
        if self.nesting is Nesting.GROUP:
            return self.block.empty_value()
        if isinstance(t, SetType):
            return Value(t, ())
        if isinstance(t, ListType):
            return Value(t, ())
        return Value(t, {})


@dataclass(frozen=True, slots=True)
class Block:
    attributes: Mapping[str, Attribute] = field(default_factory=dict)
    block_types: Mapping[str, NestedBlock] = field(default_factory=dict)
    description: str = ""
    deprecated: bool = False

    def implied_type(self) -> ObjectType:
        """The object type of this block's value (no optional markers, as in configschema)."""
        attrs: dict[str, Type] = {}
        for name, a in self.attributes.items():
            attrs[name] = a.implied_type()
        for name, b in self.block_types.items():
            attrs[name] = b.implied_type()
        return ObjectType(attrs) if attrs else EMPTY_OBJECT

    def empty_value(self) -> Value:
        """The block's value with every attribute null and nested blocks empty."""
        d: dict[str, Value] = {}
        for name, a in self.attributes.items():
            d[name] = null(a.implied_type())
        for name, b in self.block_types.items():
            d[name] = b.empty_value()
        return Value(self.implied_type(), dict(sorted(d.items())))

    def attribute_at(self, name: str) -> Attribute | None:
        return self.attributes.get(name)


@dataclass(frozen=True, slots=True)
class Schema:
    """A versioned schema for a provider configuration, resource type or data source."""

    block: Block
    version: int = 0


def block_to_body_schema(block: Block) -> hcl.BodySchema:
    """The HCL decoding schema of a block: its non-computed-only attributes and block types.

    Attributes that are only computed cannot be set in configuration, so they
    are left out: setting one is then an "Unsupported argument" error, as in terraform.
    """
    attrs = tuple(
        hcl.AttributeSchema(name, required=a.required)
        for name, a in sorted(block.attributes.items())
        if a.required or a.optional
    )
    blocks = tuple(
        hcl.BlockHeaderSchema(name, ("key",) if b.nesting is Nesting.MAP else ())
        for name, b in sorted(block.block_types.items())
    )
    return hcl.BodySchema(attrs, blocks)


def config_object(
    block: Block,
    attributes: Mapping[str, Value],
    blocks: Mapping[str, Sequence[Value] | Mapping[str, Value]] | None = None,
) -> Value:
    """Assemble a block's config value from evaluated attributes and nested block values.

    ``attributes`` holds the values of attributes that were set (already
    converted to their types); unset ones become null. ``blocks`` maps a nested
    block type name to the values of its blocks (a sequence; for map nesting a
    mapping of label to value); absent types become null (single), the empty
    block (group) or an empty collection (list/set/map), as terraform does.
    """
    blocks = blocks or {}
    d: dict[str, Value] = {}
    for name, a in block.attributes.items():
        v = attributes.get(name)
        d[name] = v if v is not None else null(a.implied_type())
    for name, nb in block.block_types.items():
        got = blocks.get(name)
        if not got:
            d[name] = nb.empty_value()
            continue
        t = nb.implied_type()
        if nb.nesting in (Nesting.SINGLE, Nesting.GROUP):
            assert isinstance(got, Sequence)
            d[name] = got[0]
        elif nb.nesting is Nesting.LIST:
            assert isinstance(got, Sequence)
            d[name] = Value(t, tuple(got))
        elif nb.nesting is Nesting.SET:
            assert isinstance(got, Sequence)
            assert isinstance(t, SetType)
            d[name] = set_val(list(got), t.element)
        else:
            assert isinstance(got, Mapping)
            d[name] = Value(t, dict(sorted(got.items())))
    return Value(block.implied_type(), dict(sorted(d.items())))


def computed_only(block: Block) -> frozenset[str]:
    """Names of attributes the configuration cannot set."""
    return frozenset(n for n, a in block.attributes.items() if a.computed and not (a.optional or a.required))


__all__ = [
    "Attribute",
    "Block",
    "NestedBlock",
    "Nesting",
    "Object",
    "Schema",
    "block_to_body_schema",
    "computed_only",
    "config_object",
    "DYNAMIC",
]
