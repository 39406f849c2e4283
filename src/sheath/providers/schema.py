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
# An evaluator for expressions that also see extra variables (a dynamic block's iterator).
ScopedEvaluator = Callable[[Mapping[str, Value]], ExprEvaluator]

_DYNAMIC = hcl.BlockHeaderSchema("dynamic", ("type",))
_DYNAMIC_SCHEMA = hcl.BodySchema(
    attributes=(hcl.AttributeSchema("for_each", required=True), hcl.AttributeSchema("iterator"), hcl.AttributeSchema("labels")),
    blocks=(hcl.BlockHeaderSchema("content"),),
)


def _object_collection(t: Type) -> tuple[Nesting, ObjectType] | None:
    if isinstance(t, (ListType, SetType)) and isinstance(t.element, ObjectType):
        return (Nesting.LIST if isinstance(t, ListType) else Nesting.SET), t.element
    return None


def attributes_as_blocks(block: Block, body: hcl.Body) -> Block:
    """terraform's blocktoattr fixup: an attribute of list or set of objects type may be
    written as nested blocks (legacy SDK providers' "attributes as blocks")."""
    candidates = {
        name: _object_collection(a.type)
        for name, a in block.attributes.items()
        if a.nested_type is None and a.type is not None and _object_collection(a.type) is not None
    }
    if not candidates:
        return block
    schema = hcl.BodySchema(blocks=tuple(hcl.BlockHeaderSchema(n) for n in candidates) + (_DYNAMIC,))
    try:
        content, _, _ = body.partial_content(schema)
    except Exception:  # noqa: BLE001 - the full decode reports problems
        return block
    present = {b.type for b in content.blocks if b.type in candidates}
    present |= {b.labels[0] for b in content.blocks if b.type == "dynamic" and b.labels and b.labels[0] in candidates}
    attrs_now = {a.name for a in content.attributes.values()} if hasattr(content, "attributes") else set()
    present -= attrs_now
    if not present:
        return block
    attributes = {n: a for n, a in block.attributes.items() if n not in present}
    block_types = dict(block.block_types)
    for name in present:
        found = candidates[name]
        assert found is not None
        nesting, obj = found
        inner = Block(attributes={k: Attribute(t, optional=True) for k, t in obj.attrs.items()})
        block_types[name] = NestedBlock(inner, nesting)
    return Block(attributes, block_types, block.description, block.deprecated)


def decode_body(
    block: Block, body: hcl.Body, evaluate: ExprEvaluator, scoped: ScopedEvaluator | None = None
) -> tuple[Value, Diagnostics]:
    """Decode an HCL body against a schema block into its config object value.

    ``evaluate`` evaluates one expression (the caller owns the evaluation scope);
    ``scoped`` makes evaluators that also see extra variables, which ``dynamic``
    blocks need (without it they are rejected as unknown blocks).
    Attribute values are converted to their schema types; wrong types, too few
    or too many nested blocks and duplicate map keys are diagnostics with ranges.
    Nested blocks may be generated by ``dynamic`` blocks, and attributes of list
    or set of objects type may be written as blocks, as terraform allows.
    """
    original = block
    block = attributes_as_blocks(block, body)
    bschema = block_to_body_schema(block)
    if scoped is not None and block.block_types:
        bschema = hcl.BodySchema(bschema.attributes, tuple(bschema.blocks) + (_DYNAMIC,))
    content, diags = body.content(bschema)
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
    generated: dict[str, list[tuple[Value, str | None, hcl.Block]]] = {}
    unknown_types: set[str] = set()
    # each block type's blocks in source order, static (a block) and generated (an index into generated)
    in_order: dict[str, list[hcl.Block | int]] = {}
    for b in content.blocks:
        if b.type == "dynamic" and scoped is not None:
            name = b.labels[0] if b.labels else ""
            before = len(generated.get(name, ()))
            _expand_dynamic(block, b, evaluate, scoped, generated, unknown_types, diags)
            in_order.setdefault(name, []).extend(range(before, len(generated.get(name, ()))))
            continue
        by_type.setdefault(b.type, []).append(b)
        in_order.setdefault(b.type, []).append(b)
    for name, nb in block.block_types.items():
        found = by_type.get(name, [])
        made = generated.get(name, [])
        count = len(found) + len(made)
        if nb.nesting in (Nesting.SINGLE, Nesting.GROUP) and count > 1:
            dup = found[1] if len(found) > 1 else (made[0][2] if made else found[0])
            diags.add_error("Duplicate " + name + " block", f"Only one {name} block is allowed. Another was defined earlier.", dup.def_range)
            found = found[:1]
            made = made[: 1 - len(found)] if len(found) < 1 else []
        if name not in unknown_types:
            if nb.min_items and count < nb.min_items:
                diags.add_error(
                    "Insufficient " + name + " blocks",
                    f"At least {nb.min_items} \"{name}\" blocks are required.",
                    content.missing_item_range,
                )
            if nb.max_items and count > nb.max_items and found[nb.max_items:]:
                diags.add_error(
                    "Too many " + name + " blocks",
                    f"No more than {nb.max_items} \"{name}\" blocks are allowed",
                    # hcldec's source range of a nested object: its body's missing-item range
                    found[nb.max_items].body.missing_item_range(),
                )
        if nb.nesting is Nesting.MAP:
            m: dict[str, Value] = {}
            for b in found:
                v, d = decode_body(nb.block, b.body, evaluate, scoped)
                diags.extend(d)
                key = b.labels[0]
                if key in m:
                    diags.add_error(f"Duplicate {name} block", f"A {name} block with the label {key!r} was already defined.", b.def_range)
                m[key] = v
            for v, label, b in made:
                if label is not None:
                    m[label] = v
            blocks[name] = m
        elif nb.nesting in (Nesting.SINGLE, Nesting.GROUP):
            vals: list[Value] = []
            for b in found:
                v, d = decode_body(nb.block, b.body, evaluate, scoped)
                diags.extend(d)
                vals.append(v)
            vals.extend(v for v, _, _ in made)
            blocks[name] = vals
        else:
            # list and set blocks keep the order they are written in, generated ones included
            vals = []
            for item in in_order.get(name, ()):
                if isinstance(item, int):
                    vals.append(made[item][0])
                    continue
                v, d = decode_body(nb.block, item.body, evaluate, scoped)
                diags.extend(d)
                vals.append(v)
            blocks[name] = vals
    result = config_object(block, attrs, blocks)
    if unknown_types:
        d2 = dict(result.attrs())
        for name in unknown_types:
            d2[name] = unknown(block.block_types[name].implied_type())
        result = object_val(d2)
    if block is not original:
        # blocks written for attributes become those attributes' values
        d3 = dict(result.attrs())
        for name, oa in original.attributes.items():
            if name in block.block_types:
                if name not in unknown_types and not by_type.get(name) and not generated.get(name):
                    # dynamic blocks that expanded to none leave the attribute unset (null,
                    # so a computed one stays unknown), as terraform's blocktoattr fixup sees it
                    d3[name] = null(oa.implied_type())
                    continue
                try:
                    d3[name] = convert(d3[name], oa.implied_type())
                except ConversionError:
                    pass
        result = object_val(d3)
    return result, diags


def _expand_dynamic(
    block: Block,
    dyn: hcl.Block,
    evaluate: ExprEvaluator,
    scoped: ScopedEvaluator,
    generated: dict[str, list[tuple[Value, str | None, hcl.Block]]],
    unknown_types: set[str],
    diags: Diagnostics,
) -> None:
    """hcl's dynblock extension: one nested block per element of for_each."""
    from sheath.lang.hcl import static

    name = dyn.labels[0] if dyn.labels else ""
    nb = block.block_types.get(name)
    if nb is None:
        diags.add_error(
            "Unsupported block type",
            f'Blocks of type "{name}" are not expected here.',
            dyn.label_ranges[0] if dyn.label_ranges else dyn.def_range,
        )
        return
    content, d = dyn.body.content(_DYNAMIC_SCHEMA)
    diags.extend(d)
    if d.has_errors():
        return
    iterator = name
    it_attr = content.attributes.get("iterator")
    if it_attr is not None:
        kw = static.expr_as_keyword(it_attr.expr)
        if kw:
            iterator = kw
    fe = content.attributes["for_each"]
    coll, d = evaluate(fe.expr)
    diags.extend(d)
    if d.has_errors():
        return
    plain, marks = coll.unmark_deep()
    if not plain.is_known:
        unknown_types.add(name)
        # hcl's dynblock still decodes the content once (its values unknown): its schema errors count
        bodies = [b for b in content.blocks if b.type == "content"]
        if len(bodies) == 1:
            inner = attributes_as_blocks(nb.block, bodies[0].body)
            ischema = block_to_body_schema(inner)
            if inner.block_types:
                ischema = hcl.BodySchema(ischema.attributes, tuple(ischema.blocks) + (_DYNAMIC,))
            _, d = bodies[0].body.content(ischema)
            diags.extend(d)
        return
    if plain.is_null:
        diags.add_error("Invalid dynamic for_each value", "Cannot use a null value in for_each.", fe.expr.range)
        return
    bodies = [b for b in content.blocks if b.type == "content"]
    if len(bodies) != 1:
        diags.add_error("Missing content block" if not bodies else "Duplicate content block",
                        "A dynamic block must have a nested block of type \"content\" to describe the body of each generated block.",
                        dyn.def_range)
        return
    body = bodies[0].body
    items: list[tuple[Value, Value]] = []
    t = plain.type
    if t.is_map() or t.is_object():
        from sheath.types.cty import string_val

        items = [(string_val(k), v) for k, v in plain.attrs().items()]
    elif t.is_list() or t.is_tuple() or t.is_set():
        from sheath.types.cty import NUMBER
        from sheath.types.number import Number

        elems = plain.elements()
        if t.is_set():
            items = [(e, e) for e in elems]
        else:
            items = [(Value(NUMBER, Number.from_int(i)), e) for i, e in enumerate(elems)]
    else:
        diags.add_error(
            "Invalid dynamic for_each value",
            f"Cannot use a {t.friendly_name()} value in for_each. An iterable collection is required.",
            fe.expr.range,
        )
        return
    labels_attr = content.attributes.get("labels")
    for key, value in items:
        it = object_val({"key": key.with_marks(marks), "value": value.with_marks(marks)})
        ev = scoped({iterator: it})
        label: str | None = None
        if labels_attr is not None:
            lv, ld = ev(labels_attr.expr)
            diags.extend(ld)
            lp, _ = lv.unmark_deep()
            if lp.is_known and not lp.is_null and lp.elements():
                first = lp.elements()[0]
                label = str(first.v) if first.is_known and not first.is_null else None

        def child(extra: Mapping[str, Value], _it: Value = it) -> ExprEvaluator:
            return scoped({iterator: _it, **extra})

        v, d = decode_body(nb.block, body, ev, child)
        diags.extend(d)
        generated.setdefault(name, []).append((v, label, dyn))


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

