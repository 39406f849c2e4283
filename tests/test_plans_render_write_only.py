"""Write-only attributes in the human plan, as terraform 1.11's block differ shows them
(computeDiffForWriteOnlyAttribute): every write-only attribute of a block is listed with
the block's action and no value ("(write-only attribute)", with "-> null" on delete); in
an update it is unchanged, so only counted among the hidden attributes.
tests/test_aws_module_patterns.py checks the same against terraform with
aws_ssm_parameter.value_wo."""

from __future__ import annotations

from sheath.plans.model import Action, ResourceInstanceChange
from sheath.plans.render import render_resource_change
from sheath.providers.schema import Attribute, Block
from sheath.types.cty import STRING, Value, null, object_val, string_val, unknown

SCHEMA = Block(
    attributes={
        "id": Attribute(type=STRING, computed=True),
        "name": Attribute(type=STRING, required=True),
        "value_wo": Attribute(type=STRING, optional=True, write_only=True),
        "zone": Attribute(type=STRING, optional=True),
    },
)
T = SCHEMA.implied_type()


def obj(name: str, id_: Value | None = None) -> Value:
    return object_val({"id": id_ or string_val("p-1"), "name": string_val(name), "value_wo": null(STRING), "zone": string_val("a")})


def render(before: Value, after: Value, action: Action) -> list[str]:
    c = ResourceInstanceChange(address="t_p.p", mode="managed", type="t_p", name="p", action=action, before=before, after=after)
    return render_resource_change(c, schema=SCHEMA).splitlines()


def test_create_lists_the_write_only_attribute_in_name_order() -> None:
    assert render(null(T), obj("x", unknown(STRING)), Action.CREATE) == [
        "  # t_p.p will be created",
        '  + resource "t_p" "p" {',
        "      + id       = (known after apply)",
        '      + name     = "x"',
        "      + value_wo = (write-only attribute)",
        '      + zone     = "a"',
        "    }",
    ]


def test_update_counts_it_as_unchanged() -> None:
    assert render(obj("x"), obj("y"), Action.UPDATE) == [
        "  # t_p.p will be updated in-place",
        '  ~ resource "t_p" "p" {',
        '        id       = "p-1"',
        '      ~ name     = "x" -> "y"',
        "        # (2 unchanged attributes hidden)",
        "    }",
    ]


def test_delete_shows_it_going_to_null() -> None:
    assert render(obj("x"), null(T), Action.DELETE) == [
        "  # t_p.p will be destroyed",
        '  - resource "t_p" "p" {',
        '      - id       = "p-1" -> null',
        '      - name     = "x" -> null',
        "      - value_wo = (write-only attribute) -> null",
        '      - zone     = "a" -> null',
        "    }",
    ]
