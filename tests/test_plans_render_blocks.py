"""The human plan renderer's nested blocks, with synthetic schemas (no terraform needed).

The expected texts follow terraform 1.11's block renderer (jsonformat): attributes
first, then each nested block type in name order after a blank line; unchanged
blocks are counted in one "# (N unchanged blocks hidden)" line at the end; a
block type whose value is unknown shows as "key (known after apply)"; blocks
whose value is sensitive show a placeholder body. tests/test_aws_render.py checks
the same paths against terraform itself with the AWS provider.
"""

from __future__ import annotations

from sheath.plans.model import Action, ResourceInstanceChange
from sheath.plans.render import render_resource_change, render_state_object
from sheath.providers.schema import Attribute, Block, NestedBlock, Nesting, Object
from sheath.types.cty import (
    NUMBER,
    SENSITIVE,
    STRING,
    ListType,
    MapType,
    ObjectType,
    SetType,
    Value,
    null,
    object_val,
    string_val,
    unknown,
)
from sheath.types.number import number_val

RULE = Block(
    attributes={"days": Attribute(type=NUMBER, optional=True), "name": Attribute(type=STRING, optional=True)},
)
SCHEMA = Block(
    attributes={"id": Attribute(type=STRING, computed=True), "size": Attribute(type=NUMBER, optional=True)},
    block_types={
        "versioning": NestedBlock(Block(attributes={"status": Attribute(type=STRING, optional=True)})),
        "rule": NestedBlock(RULE, Nesting.LIST),
        "tag": NestedBlock(RULE, Nesting.SET),
        "named": NestedBlock(RULE, Nesting.MAP),
    },
)
RULE_T = RULE.implied_type()
VERS_T = SCHEMA.block_types["versioning"].block.implied_type()
T = SCHEMA.implied_type()


def n(x: int) -> Value:
    return number_val(x)


def rule(days: int, name: str) -> Value:
    return object_val({"days": n(days), "name": string_val(name)})


def obj(
    size: int = 1,
    status: str | None = "Enabled",
    rules: list[Value] | None = None,
    tags: list[Value] | None = None,
    named: dict[str, Value] | None = None,
    id_: Value | None = None,
) -> Value:
    vers = Value(ListType(VERS_T), ()) if status is None else object_val({"status": string_val(status)})
    return Value(
        T,
        {
            "id": id_ if id_ is not None else string_val("i-1"),
            "size": n(size),
            "versioning": vers if status is not None else null(VERS_T),
            "rule": Value(ListType(RULE_T), tuple(rules or ())),
            "tag": Value(SetType(RULE_T), tuple(tags or ())),
            "named": Value(MapType(RULE_T), dict(named or {})),
        },
    )


def change(before: Value, after: Value, action: Action, replace: list[tuple[object, ...]] | None = None) -> list[str]:
    c = ResourceInstanceChange(
        address="t_x.x", mode="managed", type="t_x", name="x", action=action, before=before, after=after,
        replace_paths=list(replace or []),
    )
    return render_resource_change(c, schema=SCHEMA).splitlines()


def test_create_renders_every_block() -> None:
    after = obj(rules=[rule(1, "a")], named={"k": rule(2, "b")}, id_=unknown(STRING))
    assert change(null(T), after, Action.CREATE) == [
        "  # t_x.x will be created",
        '  + resource "t_x" "x" {',
        "      + id   = (known after apply)",
        "      + size = 1",
        "",
        '      + named "k" {',
        "          + days = 2",
        '          + name = "b"',
        "        }",
        "",
        "      + rule {",
        "          + days = 1",
        '          + name = "a"',
        "        }",
        "",
        "      + versioning {",
        '          + status = "Enabled"',
        "        }",
        "    }",
    ]


def test_update_inside_a_block_hides_unchanged_blocks_and_attributes() -> None:
    before = obj(rules=[rule(1, "a"), rule(5, "c")], tags=[rule(3, "t")])
    after = obj(status="Suspended", rules=[rule(2, "a"), rule(5, "c")], tags=[rule(3, "t")])
    assert change(before, after, Action.UPDATE) == [
        "  # t_x.x will be updated in-place",
        '  ~ resource "t_x" "x" {',
        '        id   = "i-1"',
        "        # (1 unchanged attribute hidden)",
        "",
        "      ~ rule {",
        "          ~ days = 1 -> 2",
        '            name = "a"',
        "        }",
        "",
        "      ~ versioning {",
        '          ~ status = "Enabled" -> "Suspended"',
        "        }",
        "",
        "        # (2 unchanged blocks hidden)",
        "    }",
    ]


def test_blocks_added_and_removed_and_set_elements() -> None:
    before = obj(status=None, rules=[rule(1, "a")], tags=[rule(3, "t")])
    after = obj(status="Enabled", rules=[], tags=[rule(4, "t")])
    assert change(before, after, Action.UPDATE) == [
        "  # t_x.x will be updated in-place",
        '  ~ resource "t_x" "x" {',
        '        id   = "i-1"',
        "        # (1 unchanged attribute hidden)",
        "",
        "      - rule {",
        "          - days = 1 -> null",
        '          - name = "a" -> null',
        "        }",
        "",
        "      - tag {",
        "          - days = 3 -> null",
        '          - name = "t" -> null',
        "        }",
        "      + tag {",
        "          + days = 4",
        '          + name = "t"',
        "        }",
        "",
        "      + versioning {",
        '          + status = "Enabled"',
        "        }",
        "    }",
    ]


def test_unknown_block_collections_and_single_blocks() -> None:
    after = obj(id_=unknown(STRING))
    after = Value(T, {**after.v, "rule": unknown(ListType(RULE_T)), "versioning": unknown(VERS_T)})
    assert change(null(T), after, Action.CREATE) == [
        "  # t_x.x will be created",
        '  + resource "t_x" "x" {',
        "      + id   = (known after apply)",
        "      + size = 1",
        "",
        "      + rule (known after apply)",
        "",
        "      + versioning (known after apply)",
        "    }",
    ]


def test_sensitive_block() -> None:
    before = obj()
    after = obj()
    after = Value(T, {**after.v, "versioning": object_val({"status": string_val("Suspended")}).mark(SENSITIVE)})
    before = Value(T, {**before.v, "versioning": before.v["versioning"].mark(SENSITIVE)})
    assert change(before, after, Action.UPDATE) == [
        "  # t_x.x will be updated in-place",
        '  ~ resource "t_x" "x" {',
        '        id   = "i-1"',
        "        # (1 unchanged attribute hidden)",
        "",
        "      ~ versioning {",
        "          # At least one attribute in this block is (or was) sensitive,",
        "          # so its contents will not be displayed.",
        "        }",
        "    }",
    ]


def test_block_forcing_replacement() -> None:
    before = obj(rules=[rule(1, "a")])
    after = obj(status="Suspended", rules=[rule(1, "b")])
    lines = change(before, after, Action.DELETE_THEN_CREATE, replace=[("versioning",), ("rule", 0, "name")])
    assert lines == [
        "  # t_x.x must be replaced",
        '-/+ resource "t_x" "x" {',
        '        id   = "i-1"',
        "        # (1 unchanged attribute hidden)",
        "",
        "      ~ rule {",
        '          ~ name = "a" -> "b" # forces replacement',
        "            # (1 unchanged attribute hidden)",
        "        }",
        "",
        "      ~ versioning { # forces replacement",
        '          ~ status = "Enabled" -> "Suspended"',
        "        }",
        "    }",
    ]


def test_state_show_renders_blocks_without_symbols() -> None:
    v = obj(rules=[rule(1, "a")])
    c = ResourceInstanceChange(address="t_x.x", mode="managed", type="t_x", name="x", action=Action.NO_OP, before=v, after=v)
    assert render_state_object(c, schema=SCHEMA).splitlines() == [
        "{",
        '    id   = "i-1"',
        "    size = 1",
        "",
        "    rule {",
        "        days = 1",
        '        name = "a"',
        "    }",
        "",
        "    versioning {",
        '        status = "Enabled"',
        "    }",
        "}",
    ]


def test_empty_block_renders_braces() -> None:
    empty = Block(block_types={"e": NestedBlock(Block(), Nesting.SINGLE)})
    t = empty.implied_type()
    after = Value(t, {"e": Value(ObjectType({}), {})})
    c = ResourceInstanceChange(
        address="t_x.x", mode="managed", type="t_x", name="x", action=Action.CREATE, before=null(t), after=after
    )
    assert render_resource_change(c, schema=empty).splitlines() == [
        "  # t_x.x will be created",
        '  + resource "t_x" "x" {',
        "      + e {}",
        "    }",
    ]


NESTED = Block(
    attributes={
        "id": Attribute(type=STRING, computed=True),
        "items": Attribute(
            nested_type=Object(
                {"name": Attribute(type=STRING, optional=True), "size": Attribute(type=NUMBER, optional=True)},
                Nesting.LIST,
            ),
            optional=True,
        ),
    }
)


def test_nested_attribute_list_is_diffed_by_index_without_context() -> None:
    t = NESTED.implied_type()
    item_t = NESTED.attributes["items"].implied_type()

    def item(name: str, size: int) -> Value:
        return object_val({"name": string_val(name), "size": number_val(size)})

    before = Value(t, {"id": string_val("i-1"), "items": Value(item_t, (item("a", 1), item("b", 2), item("c", 3)))})
    after = Value(t, {"id": string_val("i-1"), "items": Value(item_t, (item("a", 1), item("b", 5)))})
    c = ResourceInstanceChange(
        address="t_x.x", mode="managed", type="t_x", name="x", action=Action.UPDATE, before=before, after=after
    )
    assert render_resource_change(c, schema=NESTED).splitlines() == [
        "  # t_x.x will be updated in-place",
        '  ~ resource "t_x" "x" {',
        '        id    = "i-1"',
        "      ~ items = [",
        "          ~ {",
        '                name = "b"',  # an important attribute: always shown
        "              ~ size = 2 -> 5",
        "            },",
        "          - {",
        '              - name = "c" -> null',
        "              - size = 3 -> null",
        "            },",
        "            # (1 unchanged element hidden)",
        "        ]",
        "    }",
    ]
