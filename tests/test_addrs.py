"""Addresses: parse and format canonical strings; values are immutable and hashable."""

from __future__ import annotations

import pytest

from sheath.addrs import (
    AbsProviderConfig,
    AbsResource,
    AbsResourceInstance,
    IntKey,
    LocalProviderConfig,
    Module,
    ModuleInstance,
    Provider,
    Resource,
    ResourceInstance,
    ResourceMode,
    StringKey,
    implied_provider_for_unqualified_type,
    parse_abs_provider_config_str,
    parse_abs_resource_instance_str,
    parse_abs_resource_str,
    parse_module_instance_str,
    parse_provider_source,
)
from sheath.addrs.move import parse_move_endpoint_steps
from sheath.addrs.parse import steps_from_string
from sheath.addrs.referenceable import parse_ref_steps
from sheath.diag import Pos, Range


@pytest.mark.parametrize(
    "s",
    [
        "aws_instance.web",
        "aws_instance.web[0]",
        'aws_instance.web["a"]',
        "data.aws_ami.ubuntu",
        'module.a["k"].aws_s3_bucket.b[0]',
        "module.a.module.b[3].data.x_y.z",
        'module.a.aws_s3_bucket.b["with \\"quote\\" and \\\\ backslash"]',
        "ephemeral.random_password.p",
        'module.m["$${x}"].terraform_data.a',
    ],
)
def test_resource_instance_round_trip(s: str) -> None:
    addr, diags = parse_abs_resource_instance_str(s)
    assert not diags, diags
    assert addr is not None
    assert str(addr) == s
    again, _ = parse_abs_resource_instance_str(str(addr))
    assert again == addr and hash(again) == hash(addr)


def test_resource_instance_structure() -> None:
    addr, _ = parse_abs_resource_instance_str('module.a["k"].aws_s3_bucket.b[0]')
    mod = ModuleInstance().child("a", StringKey("k"))
    assert addr == AbsResourceInstance(
        mod, ResourceInstance(Resource(ResourceMode.MANAGED, "aws_s3_bucket", "b"), IntKey(0))
    )
    assert addr is not None
    assert addr.module.steps[0].key == StringKey("k")
    assert addr.contains_resource() == AbsResource(addr.module, addr.resource.resource)
    assert str(addr.module.module()) == "module.a"


def test_resource_without_key() -> None:
    r, diags = parse_abs_resource_str("module.x.data.a_b.c")
    assert not diags and r is not None
    assert r.resource.mode is ResourceMode.DATA
    assert str(r) == "module.x.data.a_b.c"
    assert str(r.config()) == "module.x.data.a_b.c"


@pytest.mark.parametrize(
    "s,summary,detail",
    [
        ("foo", "Invalid address", "Resource specification must include a resource type and name."),
        ("aws_instance.a.b", "Invalid address", "Resource instance key must be given in square brackets."),
        ("aws_instance.a[0].b", "Invalid address", "Unexpected extra operators after address."),
        ("module", "Invalid address operator", 'Prefix "module." must be followed by a module name.'),
        ("module.a", "Invalid address", "A resource instance address is required here."),
    ],
)
def test_resource_instance_errors(s: str, summary: str, detail: str) -> None:
    addr, diags = parse_abs_resource_instance_str(s)
    assert addr is None
    assert diags[0].summary == summary
    assert diags[0].detail.startswith(detail)


def test_reserved_keyword_in_resource_address() -> None:
    _, diags = parse_abs_resource_instance_str("var.x")
    assert 'The keyword "var" is reserved' in diags[0].detail
    addr, diags = parse_abs_resource_instance_str("resource.var.x")
    assert not diags and addr is not None and addr.resource.resource.type == "var"


def test_module_instance_and_module() -> None:
    mi, diags = parse_module_instance_str('module.a[1].module.b["x"]')
    assert not diags and mi is not None
    assert str(mi) == 'module.a[1].module.b["x"]'
    assert mi.module() == Module(("a", "b"))
    assert str(Module(("a", "b"))) == "module.a.module.b"
    assert Module().is_root() and str(Module()) == ""
    assert mi.parent() == parse_module_instance_str("module.a[1]")[0]


def test_addresses_are_hashable_values() -> None:
    a = Resource(ResourceMode.MANAGED, "t", "n")
    b = Resource(ResourceMode.MANAGED, "t", "n")
    assert a == b and len({a, b}) == 1
    with pytest.raises(AttributeError):
        a.name = "x"  # type: ignore[misc]


def test_provider_source_parsing() -> None:
    p, d = parse_provider_source("hashicorp/aws")
    assert not d and p == Provider("aws", "hashicorp", "registry.terraform.io")
    assert str(p) == "registry.terraform.io/hashicorp/aws"
    assert p is not None and p.for_display() == "hashicorp/aws"
    p, d = parse_provider_source("aws")
    assert p == Provider("aws")
    p, d = parse_provider_source("Example.COM/Org/Thing")
    assert p == Provider("thing", "org", "example.com")
    assert p is not None and p.for_display() == "example.com/org/thing"
    for bad, summary in [
        ("too/many/parts/here", "Invalid provider source string"),
        ("hashicorp/aws-", "Invalid provider type"),
        ("-bad/x", "Invalid provider namespace"),
        ("", "Invalid provider source string"),
    ]:
        p, d = parse_provider_source(bad)
        assert p is None and d[0].summary == summary


def test_builtin_provider() -> None:
    p = implied_provider_for_unqualified_type("terraform")
    assert str(p) == "terraform.io/builtin/terraform" and p.is_builtin()
    assert str(implied_provider_for_unqualified_type("aws")) == "registry.terraform.io/hashicorp/aws"


def test_provider_configs() -> None:
    assert str(LocalProviderConfig("aws", "west")) == "aws.west"
    apc = AbsProviderConfig(Provider("aws"), "west", Module(("a",)))
    s = 'module.a.provider["registry.terraform.io/hashicorp/aws"].west'
    assert str(apc) == s
    assert parse_abs_provider_config_str(s) == apc
    assert parse_abs_provider_config_str('provider["registry.terraform.io/hashicorp/aws"]') == AbsProviderConfig(
        Provider("aws")
    )


def test_move_endpoints() -> None:
    rng = Range("x", Pos(), Pos())
    steps, _ = steps_from_string("module.a")
    ep, d = parse_move_endpoint_steps(steps, rng)
    assert ep is not None and ep.is_module()
    steps, _ = steps_from_string("module.a.terraform_data.b[1]")
    ep2, d = parse_move_endpoint_steps(steps, rng)
    assert ep2 is not None and not ep2.is_module()
    assert not ep.might_unify_with(ep2)
    assert str(ep2) == "module.a.terraform_data.b[1]"


def test_references() -> None:
    def ref(s: str) -> str:
        steps, _ = steps_from_string(s)
        r, d = parse_ref_steps(steps)
        assert r is not None, d
        return f"{type(r.subject).__name__}:{r.subject}:{len(r.remaining)}"

    assert ref("var.x") == "InputVariable:var.x:0"
    assert ref("local.a.b") == "LocalValue:local.a:1"
    assert ref("aws_instance.a.id") == "Resource:aws_instance.a:1"
    assert ref("aws_instance.a[0].id") == "ResourceInstance:aws_instance.a[0]:1"
    assert ref("data.x.y") == "Resource:data.x.y:0"
    assert ref("module.m.out") == "ModuleCallInstanceOutput:module.m.out:0"
    assert ref('module.m["k"]') == 'ModuleCallInstance:module.m["k"]:0'
    assert ref("count.index") == "CountAttr:count.index:0"
    assert ref("each.value") == "ForEachAttr:each.value:0"
    assert ref("self.id") == "Self:self:1"
    steps, _ = steps_from_string("each.nope")
    r, d = parse_ref_steps(steps)
    assert r is None and d[0].summary == 'Invalid "each" attribute'
    steps, _ = steps_from_string("var")
    r, d = parse_ref_steps(steps)
    assert r is None and "cannot be accessed directly" in d[0].detail


def test_string_tokenizer_errors() -> None:
    _, d = steps_from_string("a.b[")
    assert d.has_errors()
    _, d = steps_from_string("a..b")
    assert d.has_errors()
    _, d = steps_from_string("a b")
    assert d.has_errors()
