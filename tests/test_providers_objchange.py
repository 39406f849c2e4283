"""proposed_new: configuration values, with computed attributes kept from the prior state."""

from __future__ import annotations

from sheath.providers.builtin.terraform import TerraformData
from sheath.providers.native.random import RandomString
from sheath.providers.objchange import proposed_new
from sheath.providers.schema import (
    Attribute,
    Block,
    NestedBlock,
    Nesting,
    Object,
    config_object,
)
from sheath.providers.sdk import attr
from sheath.types import (
    NUMBER,
    STRING,
    Value,
    null,
    number_val,
    object_val,
    string_val,
    unknown,
)
from sheath.types.cty import TRUE
from sheath.types.ops import raw_equal


def test_create_uses_config_with_null_computed() -> None:
    block = TerraformData.schema.block
    cfg = config_object(block, {"input": string_val("a")})
    p = proposed_new(block, null(block.implied_type()), cfg)
    assert attr(p, "input").v == "a" and attr(p, "id").is_null and attr(p, "output").is_null
    assert proposed_new(block, null(block.implied_type()), null(block.implied_type())).is_null


def test_update_keeps_computed_from_prior() -> None:
    block = TerraformData.schema.block
    prior = object_val({"id": string_val("i"), "input": string_val("a"), "output": string_val("a"), "triggers_replace": null()})
    cfg = config_object(block, {"input": string_val("b")})
    p = proposed_new(block, prior, cfg)
    assert attr(p, "id").v == "i" and attr(p, "output").v == "a" and attr(p, "input").v == "b"


def test_optional_computed_kept_unless_configured() -> None:
    block = RandomString.schema.block
    prior = config_object(block, {"length": number_val(3), "special": TRUE, "result": string_val("abc")})
    cfg = config_object(block, {"length": number_val(3)})
    p = proposed_new(block, prior, cfg)
    assert attr(p, "special").v is True and attr(p, "result").v == "abc"
    cfg = config_object(block, {"length": number_val(3), "special": Value(TRUE.type, False)})
    assert attr(proposed_new(block, prior, cfg), "special").v is False


INNER = Block({"name": Attribute(STRING, required=True), "uid": Attribute(STRING, computed=True)})
OUTER = Block(
    {
        "id": Attribute(STRING, computed=True),
        "obj": Attribute(nested_type=Object({"a": Attribute(STRING, optional=True), "b": Attribute(NUMBER, computed=True)}), optional=True),
    },
    {"item": NestedBlock(INNER, Nesting.LIST), "one": NestedBlock(INNER, Nesting.SINGLE), "byname": NestedBlock(INNER, Nesting.MAP)},
)


def test_nested_blocks_and_objects() -> None:
    def inner(name: str, uid: str | None) -> Value:
        return object_val({"name": string_val(name), "uid": null(STRING) if uid is None else string_val(uid)})

    prior = config_object(
        OUTER,
        {"id": string_val("x"), "obj": object_val({"a": string_val("1"), "b": number_val(7)})},
        {"item": [inner("a", "u1"), inner("b", "u2")], "one": [inner("o", "u3")], "byname": {"k": inner("k", "u4")}},
    )
    cfg = config_object(
        OUTER,
        {"obj": object_val({"a": string_val("2"), "b": null(NUMBER)})},
        {"item": [inner("a2", None), inner("b", None), inner("c", None)], "one": [inner("o", None)], "byname": {"k": inner("k", None), "n": inner("n", None)}},
    )
    p = proposed_new(OUTER, prior, cfg)
    assert attr(p, "id").v == "x"
    assert raw_equal(attr(p, "obj"), object_val({"a": string_val("2"), "b": number_val(7)}))
    items = attr(p, "item").elements()
    assert [attr(i, "uid").v for i in items] == ["u1", "u2", None]
    assert [attr(i, "name").v for i in items] == ["a2", "b", "c"]
    assert attr(attr(p, "one"), "uid").v == "u3"
    m = attr(p, "byname").attrs()
    assert attr(m["k"], "uid").v == "u4" and attr(m["n"], "uid").is_null


def test_unknown_config_stays_unknown() -> None:
    block = TerraformData.schema.block
    prior = object_val({"id": string_val("i"), "input": string_val("a"), "output": string_val("a"), "triggers_replace": null()})
    cfg = config_object(block, {"input": unknown(STRING)})
    assert not attr(proposed_new(block, prior, cfg), "input").is_known
