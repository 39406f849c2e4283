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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from sheath.diag import Diagnostics
from sheath.lang import hcl
from sheath.types import (
    DYNAMIC,
    ListType,
    MapType,
    ObjectType,
    SetType,
    Type,
    Value,
    null,
    object_val,
    unknown,
)
from sheath.types.convert import ConversionError, convert
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

    attributes: Mapping[str, Attribute]
    nesting: Nesting = Nesting.SINGLE

    def implied_type(self) -> Type:
        # configschema's ImpliedType drops the optional markers its spec type has
        return self._wrap(ObjectType({name: a.implied_type() for name, a in self.attributes.items()}))

    def spec_type(self) -> Type:
        """The type configuration is converted to: attributes that are not required are optional."""
        attrs = {name: a.spec_type() for name, a in self.attributes.items()}
        optional = frozenset(name for name, a in self.attributes.items() if a.optional or a.computed)
        return self._wrap(ObjectType(attrs, optional))

    def _wrap(self, obj: ObjectType) -> Type:
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

    def spec_type(self) -> Type:
        """The type a configured value is converted to (optional attributes in nested objects)."""
        if self.nested_type is not None:
            return self.nested_type.spec_type()
        assert self.type is not None, "an attribute needs type or nested_type"
        return self.type


@dataclass(frozen=True, slots=True)
class NestedBlock:
    block: Block
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
        return object_val(d)

    def attribute_at(self, name: str) -> Attribute | None:
        return self.attributes.get(name)


@dataclass(frozen=True, slots=True)
class Schema:
    """A versioned schema for a provider configuration, resource type or data source."""

    block: Block
    version: int = 0


def block_to_body_schema(block: Block) -> hcl.BodySchema:
    """The HCL decoding schema of a block: every attribute and nested block type.

    Like terraform's hcldec spec, computed-only attributes are accepted by the
    decoder; setting one is reported by the provider's validation (e.g.
    terraform_data's '"output" attribute is read-only').
    """
    attrs = tuple(hcl.AttributeSchema(name, required=a.required) for name, a in sorted(block.attributes.items()))
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

    As with cty.ObjectVal, the value's type follows the attribute values (a
    dynamic attribute holding a string is a string attribute); marshal state
    with the schema's implied type (``value_to_json(v, block.implied_type())``).

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
    return object_val(d)


ExprEvaluator = Callable[[hcl.Expression], tuple[Value, Diagnostics]]


def decode_body(block: Block, body: hcl.Body, evaluate: ExprEvaluator) -> tuple[Value, Diagnostics]:
    """Decode an HCL body against a schema block into its config object value.

    ``evaluate`` evaluates one expression (the caller owns the evaluation scope).
    Attribute values are converted to their schema types; wrong types, too few
    or too many nested blocks and duplicate map keys are diagnostics with ranges.
    """
    content, diags = body.content(block_to_body_schema(block))
    attrs: dict[str, Value] = {}
    for name, a in content.attributes.items():
        sa = block.attributes[name]
        v, d = evaluate(a.expr)
        diags.extend(d)
        want = sa.spec_type()
        try:
            attrs[name] = convert(v, want)
        except ConversionError as exc:
            diags.add_error(
                "Incorrect attribute value type",
                f"Inappropriate value for attribute \"{name}\": {exc.full_message()}.",
                a.expr.range,
            )
            attrs[name] = unknown(sa.implied_type())
    blocks: dict[str, list[Value] | dict[str, Value]] = {}
    by_type: dict[str, list[hcl.Block]] = {}
    for b in content.blocks:
        by_type.setdefault(b.type, []).append(b)
    for name, nb in block.block_types.items():
        found = by_type.get(name, [])
        if nb.nesting in (Nesting.SINGLE, Nesting.GROUP) and len(found) > 1:
            diags.add_error("Duplicate " + name + " block", f"Only one {name} block is allowed. Another was defined earlier.", found[1].def_range)
            found = found[:1]
        if nb.min_items and len(found) < nb.min_items:
            diags.add_error(
                "Insufficient " + name + " blocks",
                f"At least {nb.min_items} \"{name}\" blocks are required.",
                content.missing_item_range,
            )
        if nb.max_items and len(found) > nb.max_items:
            diags.add_error(
                "Too many " + name + " blocks",
                f"No more than {nb.max_items} \"{name}\" blocks are allowed",
                found[nb.max_items].def_range,
            )
        if nb.nesting is Nesting.MAP:
            m: dict[str, Value] = {}
            for b in found:
                v, d = decode_body(nb.block, b.body, evaluate)
                diags.extend(d)
                key = b.labels[0]
                if key in m:
                    diags.add_error(f"Duplicate {name} block", f"A {name} block with the label {key!r} was already defined.", b.def_range)
                m[key] = v
            blocks[name] = m
        else:
            vals: list[Value] = []
            for b in found:
                v, d = decode_body(nb.block, b.body, evaluate)
                diags.extend(d)
                vals.append(v)
            blocks[name] = vals
    return config_object(block, attrs, blocks), diags


def computed_only(block: Block) -> frozenset[str]:
    """Names of attributes the configuration cannot set."""
    return frozenset(n for n, a in block.attributes.items() if a.computed and not (a.optional or a.required))


__all__ = [
    "DYNAMIC",
    "Attribute",
    "Block",
    "NestedBlock",
    "Nesting",
    "Object",
    "Schema",
    "block_to_body_schema",
    "computed_only",
    "config_object",
    "decode_body",
]
