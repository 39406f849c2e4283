"""The state API under the state commands: targets, lookups in terraform's order, edits by
address, and terraform's wording for unreadable state files."""

from __future__ import annotations

import pytest

from sheath.states.edit import (
    forget_instance,
    move_instance,
    move_module,
    move_resource,
    replace_provider,
    state_instance,
)
from sheath.states.lookup import all_instances, lookup_instances, parse_target
from sheath.states.readerrors import load_problems, problems_error
from sheath.states.state import InstanceObject, Resource, ResourceInstance, State

BUILTIN = 'provider["terraform.io/builtin/terraform"]'


def _state() -> State:
    st = State()
    for module, mode, type_, name, keys in [
        ("", "managed", "terraform_data", "a", [None]),
        ("", "managed", "terraform_data", "c", [10, 2, 0]),
        ("", "managed", "terraform_data", "f", ["b", "a"]),
        ("", "data", "terraform_remote_state", "z", [None]),
        ('module.m["k"]', "managed", "terraform_data", "r", [None]),
        ('module.m["k"].module.inner', "managed", "terraform_data", "deep", [0]),
        ("module.b", "managed", "terraform_data", "x", [None]),
    ]:
        r = Resource(module, mode, type_, name, BUILTIN)
        for k in keys:
            r.instances[k] = ResourceInstance(k, InstanceObject({"id": f"{name}-{k}"}))
        st.set_resource(r)
    return st


def test_all_instances_in_terraform_order() -> None:
    assert [str(a) for a in all_instances(_state())] == [
        "data.terraform_remote_state.z",
        "terraform_data.a",
        "terraform_data.c[0]",
        "terraform_data.c[2]",
        "terraform_data.c[10]",
        'terraform_data.f["a"]',
        'terraform_data.f["b"]',
        "module.b.terraform_data.x",
        'module.m["k"].terraform_data.r',
        'module.m["k"].module.inner.terraform_data.deep[0]',
    ]


@pytest.mark.parametrize(
    "target,expected",
    [
        (
            "module.m",
            [
                'module.m["k"].terraform_data.r',
                'module.m["k"].module.inner.terraform_data.deep[0]',
            ],
        ),
        (
            'module.m["k"].module.inner',
            ['module.m["k"].module.inner.terraform_data.deep[0]'],
        ),
        (
            "terraform_data.c",
            ["terraform_data.c[0]", "terraform_data.c[2]", "terraform_data.c[10]"],
        ),
        ("terraform_data.c[2]", ["terraform_data.c[2]"]),
    ],
)
def test_lookup_instances(target: str, expected: list[str]) -> None:
    t, diags = parse_target(target)
    assert t is not None and not diags.has_errors()
    found, diags = lookup_instances(_state(), t)
    assert not diags.has_errors()
    assert [str(a) for a in found] == expected


@pytest.mark.parametrize(
    "target,summary",
    [
        ("module.q", "Unknown module"),
        ("terraform_data.q", "Unknown resource"),
        ("terraform_data.c[3]", "Unknown resource instance"),
    ],
)
def test_lookup_missing(target: str, summary: str) -> None:
    t, _ = parse_target(target)
    assert t is not None
    found, diags = lookup_instances(_state(), t)
    assert found == [] and diags[0].summary == summary
    found, diags = lookup_instances(_state(), t, allow_missing=True)
    assert found == [] and not diags


def test_parse_target_errors_are_hcl_diagnostics() -> None:
    for text, summary in [
        ("a..b", "Attribute name required"),
        ("a b", "Invalid character"),
        ("var.x", "Invalid address"),
    ]:
        t, diags = parse_target(text)
        assert t is None and diags[0].summary == summary


def test_edits() -> None:
    st = _state()
    t, _ = parse_target("terraform_data.c[2]")
    assert t is not None
    forget_instance(st, t.abs_instance())
    assert state_instance(st, t.abs_instance()) is None
    src, _ = parse_target("terraform_data.c[0]")
    dst, _ = parse_target('module.n.terraform_data.c["zero"]')
    assert src is not None and dst is not None
    move_instance(st, st, src.abs_instance(), dst.abs_instance())
    moved = state_instance(st, dst.abs_instance())
    assert (
        moved is not None
        and moved.current is not None
        and moved.current.attributes == {"id": "c-0"}
    )
    assert st.resource("module.n", "managed", "terraform_data", "c") is not None
    a, _ = parse_target("terraform_data.f")
    b, _ = parse_target("terraform_data.g")
    assert a is not None and b is not None
    move_resource(st, st, a.abs_resource(), b.abs_resource())
    assert st.resource("", "managed", "terraform_data", "f") is None
    m, _ = parse_target('module.m["k"].module.inner')
    n, _ = parse_target("module.top")
    assert m is not None and n is not None
    move_module(st, st, m.module, n.module)
    assert st.resource("module.top", "managed", "terraform_data", "deep") is not None
    changed = replace_provider(
        st, "terraform.io/builtin/terraform", "registry.terraform.io/acme/tf"
    )
    assert len(changed) == len(st.resources)
    assert all(
        r.provider == 'provider["registry.terraform.io/acme/tf"]'
        for r in st.resources.values()
    )


@pytest.mark.parametrize(
    "data,expected",
    [
        (b'{"version": 4, "serial": 1, "lin', "syntax error at byte offset 32."),
        (b"{not json", "syntax error at byte offset 2."),
        (b"[1]", "The version in the state file is array."),
        (b'{"serial": 1}', 'does not have a "version" attribute'),
        (
            b'{"version": 7}',
            "uses format version 7, which is not supported by Terraform 1.11.4.",
        ),
        (
            b'{"version": 4, "serial": true}',
            'The state file field "serial" has invalid value bool',
        ),
        (
            b'{"version": 4, "serial": 1, "resources": [{"mode": "x", "type": "t", "name": "n"}]}',
            'mode "x" ("t" "n")',
        ),
    ],
)
def test_terraform_wording_for_broken_state_files(data: bytes, expected: str) -> None:
    problems = load_problems(data)
    assert problems is not None
    assert expected in problems_error(problems)


def test_readable_state_has_no_problems() -> None:
    assert (
        load_problems(b'{"version": 4, "serial": 1, "lineage": "x", "resources": []}')
        is None
    )
