"""Sensitive paths and marks implied by a schema (configschema ValueMarks)."""

from __future__ import annotations

from sheath.providers.interface import Path
from sheath.providers.marks import (
    block_contains_sensitive,
    mark_sensitive,
    sensitive_paths,
)
from sheath.providers.native.local import new_provider as local_provider
from sheath.providers.native.random import RandomPassword, RandomString
from sheath.providers.schema import (
    Attribute,
    Block,
    NestedBlock,
    Nesting,
    Object,
    config_object,
)
from sheath.providers.sdk import attr
from sheath.types import STRING, list_val, null, number_val, object_val, string_val


def test_flat_schemas() -> None:
    b = RandomPassword.schema.block
    v = config_object(b, {"length": number_val(3)})
    assert sensitive_paths(b, v) == [Path.attr("bcrypt_hash"), Path.attr("result")]
    assert not block_contains_sensitive(RandomString.schema.block)
    lf = local_provider().get_provider_schema().resource_types["local_file"].block
    assert sensitive_paths(lf, null(lf.implied_type())) == [Path.attr("sensitive_content")]
    marked = mark_sensitive(b, v)
    assert attr(marked, "result").is_sensitive and not attr(marked, "length").is_sensitive


INNER = Block({"name": Attribute(STRING, optional=True), "secret": Attribute(STRING, optional=True, sensitive=True)})
OUTER = Block(
    {"obj": Attribute(nested_type=Object({"k": Attribute(STRING, optional=True, sensitive=True)}, Nesting.LIST), optional=True)},
    {"item": NestedBlock(INNER, Nesting.LIST), "plain": NestedBlock(Block({"x": Attribute(STRING, optional=True)}), Nesting.SINGLE)},
)


def test_nested_blocks_and_attributes() -> None:
    item = object_val({"name": string_val("a"), "secret": string_val("s")})
    v = config_object(
        OUTER,
        {"obj": list_val([object_val({"k": string_val("1")})])},
        {"item": [item, item]},
    )
    assert sensitive_paths(OUTER, v) == [
        Path.attr("obj").index(number_val(0)).get_attr("k"),
        Path.attr("item").index(number_val(0)).get_attr("secret"),
        Path.attr("item").index(number_val(1)).get_attr("secret"),
    ]
    marked = mark_sensitive(OUTER, v)
    first = attr(marked, "item").elements()[0]
    assert attr(first, "secret").is_sensitive and not attr(first, "name").is_sensitive
    assert attr(attr(marked, "obj").elements()[0], "k").is_sensitive
