"""The provider schema model: implied types, HCL decoding schemas, config values; registry; paths."""

from __future__ import annotations

from sheath.lang.eval import EvalContext, evaluate
from sheath.lang.hclsyntax import parse_config
from sheath.providers import default_registry
from sheath.providers.interface import Path, Provider
from sheath.providers.schema import (
    Attribute,
    Block,
    NestedBlock,
    Nesting,
    Object,
    block_to_body_schema,
    computed_only,
    config_object,
    decode_body,
)
from sheath.types import (
    BOOL,
    DYNAMIC,
    NUMBER,
    STRING,
    ListType,
    MapType,
    ObjectType,
    SetType,
    number_val,
    string_val,
)

INNER = Block({"name": Attribute(STRING, required=True), "size": Attribute(NUMBER, optional=True)})

BLOCK = Block(
    attributes={
        "id": Attribute(STRING, computed=True),
        "tags": Attribute(MapType(STRING), optional=True),
        "enabled": Attribute(BOOL, optional=True, computed=True),
        "nested": Attribute(nested_type=Object({"a": Attribute(STRING, optional=True)}, Nesting.LIST), optional=True),
    },
    block_types={
        "disk": NestedBlock(INNER, Nesting.LIST, max_items=2),
        "rule": NestedBlock(INNER, Nesting.SET),
        "one": NestedBlock(INNER, Nesting.SINGLE),
        "env": NestedBlock(INNER, Nesting.MAP),
    },
)


def test_implied_type_follows_nesting_modes() -> None:
    inner = ObjectType({"name": STRING, "size": NUMBER})
    assert BLOCK.implied_type() == ObjectType(
        {
            "id": STRING,
            "tags": MapType(STRING),
            "enabled": BOOL,
            "nested": ListType(ObjectType({"a": STRING})),
            "disk": ListType(inner),
            "rule": SetType(inner),
            "one": inner,
            "env": MapType(inner),
        }
    )


def test_body_schema_has_every_attribute() -> None:
    # as terraform's hcldec spec: computed-only attributes decode, providers reject them
    bs = block_to_body_schema(BLOCK)
    assert [(a.name, a.required) for a in bs.attributes] == [("enabled", False), ("id", False), ("nested", False), ("tags", False)]
    assert [(b.type, b.label_names) for b in bs.blocks] == [("disk", ()), ("env", ("key",)), ("one", ()), ("rule", ())]
    assert computed_only(BLOCK) == frozenset({"id"})


def test_config_object_fills_nulls_and_empty_collections() -> None:
    v = config_object(BLOCK, {})
    a = v.attrs()
    assert a["id"].is_null and a["tags"].is_null and a["enabled"].is_null
    assert a["disk"].elements() == () and a["rule"].elements() == ()
    assert a["env"].attrs() == {}
    assert a["one"].is_null
    assert v.type == BLOCK.implied_type()  # no dynamic attributes here, so the types agree


def _decode(src: str, block: Block = BLOCK):  # type: ignore[no-untyped-def]
    f, diags = parse_config(src.encode(), "t.tf")
    assert not diags.has_errors()
    ctx = EvalContext()
    return decode_body(block, f.body, lambda e: evaluate(e, ctx))


def test_decode_body_evaluates_and_converts() -> None:
    v, diags = _decode(
        """
        tags = { a = 1 }
        disk {
          name = "x"
          size = "5"
        }
        env "prod" { name = "p" }
        """
    )
    assert not diags, [d.summary for d in diags]
    a = v.attrs()
    assert a["tags"].attrs()["a"].v == "1"  # converted to map(string)
    disk = a["disk"].elements()[0].attrs()
    assert disk["name"].v == "x" and disk["size"].v == number_val(5).v
    assert a["env"].attrs()["prod"].attrs()["name"].v == "p"
    assert a["env"].attrs()["prod"].attrs()["size"].is_null


def test_decode_body_reports_problems() -> None:
    _, diags = _decode('nosuch = "x"\n')
    assert [d.summary for d in diags] == ["Unsupported argument"]
    _, diags = _decode('tags = "x"\n')
    assert [d.summary for d in diags] == ["Incorrect attribute value type"]
    assert diags[0].subject is not None and diags[0].subject.start.line == 1
    _, diags = _decode('disk { name = "a" }\ndisk { name = "b" }\ndisk { name = "c" }\n')
    assert [d.summary for d in diags] == ["Too many disk blocks"]
    _, diags = _decode("disk {}\n")
    assert [d.summary for d in diags] == ["Missing required argument"]


def test_dynamic_blocks_keep_their_place_among_static_blocks() -> None:
    # terraform keeps list and set blocks in the order they are written, generated ones included
    f, diags = parse_config(
        b"""
        disk { name = "first" }
        dynamic "disk" {
          for_each = ["g0", "g1"]
          content { name = disk.value }
        }
        disk { name = "middle" }
        dynamic "disk" {
          for_each = { k = "g2" }
          iterator = d
          content { name = d.value }
        }
        disk { name = "last" }
        """,
        "t.tf",
    )
    assert not diags.has_errors()
    block = Block(block_types={"disk": NestedBlock(INNER, Nesting.LIST)})

    def scoped(extra):  # type: ignore[no-untyped-def]
        ctx = EvalContext(variables=dict(extra))
        return lambda e: evaluate(e, ctx)

    v, diags = decode_body(block, f.body, scoped({}), scoped)
    assert not diags, [d.summary for d in diags]
    assert [d.attrs()["name"].v for d in v.attrs()["disk"].elements()] == ["first", "g0", "g1", "middle", "g2", "last"]


def test_path_rendering() -> None:
    p = Path.attr("a").index(string_val("k")).index(number_val(0)).get_attr("b")
    assert str(p) == 'a["k"][0].b'


def test_registry_resolves_native_providers() -> None:
    reg = default_registry()
    assert reg.addresses() == [
        "registry.terraform.io/cyrilgdn/postgresql",
        "registry.terraform.io/hashicorp/local",
        "registry.terraform.io/hashicorp/random",
        "terraform.io/builtin/terraform",
    ]
    for a in reg.addresses():
        p = reg.new(a)
        assert isinstance(p, Provider)
    assert reg.new("registry.terraform.io/hashicorp/aws") is None
    tf = reg.new("terraform.io/builtin/terraform")
    assert tf is not None
    s = tf.get_provider_schema()
    assert sorted(s.resource_types) == ["terraform_data"]
    assert sorted(s.data_sources) == ["terraform_remote_state"]
    assert s.resource_types["terraform_data"].block.attributes["input"].type == DYNAMIC


def test_nested_attribute_objects_accept_missing_optional_attributes() -> None:
    block = Block({"rules": Attribute(nested_type=Object({"a": Attribute(STRING, required=True), "b": Attribute(NUMBER, optional=True)}, Nesting.LIST), optional=True)})
    assert block.attributes["rules"].spec_type() == ListType(ObjectType({"a": STRING, "b": NUMBER}, frozenset({"b"})))
    v, diags = _decode('rules = [{ a = "x" }]\n', block)
    assert not diags, [d.detail for d in diags]
    rule = v.attrs()["rules"].elements()[0].attrs()
    assert rule["a"].v == "x" and rule["b"].is_null
    _, diags = _decode("rules = [{ b = 1 }]\n", block)
    assert [d.summary for d in diags] == ["Incorrect attribute value type"]
