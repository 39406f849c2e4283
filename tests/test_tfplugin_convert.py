"""Protocol messages to sheath shapes: schemas (incl. protocol 6 nested attributes), paths, diagnostics."""

from __future__ import annotations

from sheath.providers.interface import ATTRIBUTE_PATH, GetAttrStep, IndexStep, Path
from sheath.providers.schema import Nesting, Object
from sheath.providers.tfplugin.convert import (
    LazySchemas,
    TypeCache,
    diagnostics_from_proto,
    path_from_proto,
    provider_schema_from_proto,
    schema_from_proto,
)
from sheath.providers.tfplugin.proto import tfplugin5_pb2 as pb5
from sheath.providers.tfplugin.proto import tfplugin6_pb2 as pb6
from sheath.diag import Severity
from sheath.types.cty import NUMBER, STRING, ListType, MapType, ObjectType, SetType, string_val
from sheath.types.number import number_val


def _v6_schema() -> pb6.Schema:
    S = pb6.Schema
    nested = S.Object(
        nesting=S.Object.NestingMode.SET,
        attributes=[
            S.Attribute(name="port", type=b'"number"', required=True),
            S.Attribute(name="label", type=b'"string"', optional=True, computed=True),
        ],
    )
    block = S.Block(
        attributes=[
            S.Attribute(name="id", type=b'"string"', computed=True),
            S.Attribute(name="password", type=b'"string"', optional=True, sensitive=True, write_only=True),
            S.Attribute(name="old", type=b'["list","string"]', optional=True, deprecated=True),
            S.Attribute(name="ports", nested_type=nested, optional=True),
        ],
        block_types=[
            S.NestedBlock(type_name="rule", nesting=S.NestedBlock.NestingMode.LIST, min_items=1, max_items=3,
                          block=S.Block(attributes=[S.Attribute(name="cidr", type=b'"string"', required=True)])),
            S.NestedBlock(type_name="timeouts", nesting=S.NestedBlock.NestingMode.SINGLE, block=S.Block()),
            S.NestedBlock(type_name="labels", nesting=S.NestedBlock.NestingMode.MAP, block=S.Block(
                attributes=[S.Attribute(name="v", type=b'"string"', optional=True)])),
            S.NestedBlock(type_name="group", nesting=S.NestedBlock.NestingMode.GROUP, block=S.Block()),
        ],
    )
    return S(version=3, block=block)


def test_v6_schema_with_nested_attributes() -> None:
    s = schema_from_proto(_v6_schema(), TypeCache())
    assert s.version == 3
    b = s.block
    assert b.attributes["id"].computed and not b.attributes["id"].optional
    pw = b.attributes["password"]
    assert pw.sensitive and pw.write_only and pw.optional
    assert b.attributes["old"].deprecated and b.attributes["old"].type == ListType(STRING)
    ports = b.attributes["ports"]
    assert ports.type is None and isinstance(ports.nested_type, Object)
    assert ports.nested_type.nesting is Nesting.SET
    assert ports.nested_type.attributes["port"].required
    assert ports.implied_type() == SetType(ObjectType({"label": STRING, "port": NUMBER}))
    assert {n: (nb.nesting, nb.min_items, nb.max_items) for n, nb in b.block_types.items()} == {
        "rule": (Nesting.LIST, 1, 3),
        "timeouts": (Nesting.SINGLE, 0, 0),
        "labels": (Nesting.MAP, 0, 0),
        "group": (Nesting.GROUP, 0, 0),
    }
    assert b.implied_type().attrs["labels"] == MapType(ObjectType({"v": STRING}))


def test_provider_schema_lazy_maps_and_functions() -> None:
    resp = pb5.GetProviderSchema.Response(
        provider=pb5.Schema(block=pb5.Schema.Block(attributes=[pb5.Schema.Attribute(name="region", type=b'"string"', optional=True)])),
        server_capabilities=pb5.ServerCapabilities(plan_destroy=True, get_provider_schema_optional=True),
    )
    for name in ("a_one", "a_two"):
        resp.resource_schemas[name].CopyFrom(pb5.Schema(version=1, block=pb5.Schema.Block(attributes=[pb5.Schema.Attribute(name="x", type=b'"string"', required=True)])))
    f = resp.functions["parse"]
    f.parameters.add(name="s", type=b'"string"', allow_null_value=True)
    getattr(f, "return").type = b'["object",{"n":"number"}]'
    f.variadic_parameter.CopyFrom(pb5.Function.Parameter(name="rest", type=b'"number"'))
    f.summary = "parse it"
    ps = provider_schema_from_proto(resp, TypeCache())
    assert ps.server_capabilities.plan_destroy and ps.server_capabilities.get_provider_schema_optional
    assert not ps.server_capabilities.move_resource_state
    assert ps.provider_meta is None
    assert ps.provider.block.attributes["region"].optional
    rt = ps.resource_types
    assert isinstance(rt, LazySchemas)
    assert "a_one" in rt and len(rt) == 2 and sorted(rt) == ["a_one", "a_two"]
    assert rt.get("missing") is None
    assert rt["a_one"].version == 1
    # every way of reading the dict yields converted schemas
    for copy in (dict(rt), {**rt}, rt.copy(), dict(rt.items())):
        assert all(s.block.attributes["x"].required for s in copy.values())
    assert [s.version for s in rt.values()] == [1, 1]
    fn = ps.functions["parse"]
    assert fn.parameters[0].name == "s" and fn.parameters[0].allow_null_value
    assert fn.variadic_parameter is not None and fn.variadic_parameter.type == NUMBER
    assert fn.return_type == ObjectType({"n": NUMBER}) and fn.summary == "parse it"


def test_paths_and_diagnostics() -> None:
    ap = pb6.AttributePath(steps=[
        pb6.AttributePath.Step(attribute_name="rule"),
        pb6.AttributePath.Step(element_key_int=2),
        pb6.AttributePath.Step(attribute_name="tags"),
        pb6.AttributePath.Step(element_key_string="Name"),
    ])
    p = path_from_proto(ap)
    assert p == Path((GetAttrStep("rule"), IndexStep(number_val(2)), GetAttrStep("tags"), IndexStep(string_val("Name"))))
    assert str(p) == 'rule[2].tags["Name"]'
    diags = diagnostics_from_proto([
        pb6.Diagnostic(severity=pb6.Diagnostic.Severity.ERROR, summary="Bad", detail="very", attribute=ap),
        pb6.Diagnostic(severity=pb6.Diagnostic.Severity.WARNING, summary="Meh"),
    ])
    assert [(d.severity, d.summary, d.detail) for d in diags] == [(Severity.ERROR, "Bad", "very"), (Severity.WARNING, "Meh", "")]
    assert diags[0].extra[ATTRIBUTE_PATH] == p
    assert ATTRIBUTE_PATH not in diags[1].extra
