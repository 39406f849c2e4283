"""The human plan renderer with provider schemas (no terraform needed).

The oracle tests (test_plans_terraform.py) read plans from terraform's JSON,
where every value has its JSON shape. The engine hands the renderer real
typed values instead; with the resource type's schema, dynamic attributes
(terraform_data's input/output) must render exactly as their JSON shape does,
and typed attributes by their type (maps with quoted keys, sets by membership,
lists along their longest common subsequence).
"""

from __future__ import annotations

from sheath.plans.model import (
    Action,
    OutputChange,
    Plan,
    ResourceInstanceChange,
    UIMode,
)
from sheath.plans.render import json_shape, render_plan, render_resource_change
from sheath.providers.builtin.terraform import DATA_SCHEMA
from sheath.providers.schema import Attribute, Block
from sheath.types.cty import (
    EMPTY_OBJECT as EMPTY,
)
from sheath.types.cty import (
    STRING,
    ListType,
    MapType,
    SetType,
    Value,
    list_val,
    map_val,
    null,
    object_val,
    string_val,
    unknown,
)


def s(x: str) -> Value:
    return string_val(x)


def _change(before: Value, after: Value, action: Action, type_: str = "terraform_data") -> ResourceInstanceChange:
    return ResourceInstanceChange(
        address=f"{type_}.x", mode="managed", type=type_, name="x", action=action, before=before, after=after
    )


def test_typed_values_of_dynamic_attributes_render_as_json_shapes() -> None:
    inp = map_val({"b c": list_val([s("1"), s("2")]), "a": list_val([s("z")])})
    after = object_val({"id": unknown(STRING), "input": inp, "output": unknown(), "triggers_replace": null()})
    c = _change(null(after.type), after, Action.CREATE)
    with_schema = render_resource_change(c, schema=DATA_SCHEMA.block)
    shaped = _change(null(after.type), json_shape(after), Action.CREATE)
    assert with_schema == render_resource_change(shaped)
    assert with_schema.splitlines() == [
        "  # terraform_data.x will be created",
        '  + resource "terraform_data" "x" {',
        "      + id     = (known after apply)",
        "      + input  = {",
        "          + a     = [",
        '              + "z",',
        "            ]",
        '          + "b c" = [',
        '              + "1",',
        '              + "2",',
        "            ]",
        "        }",
        "      + output = (known after apply)",
        "    }",
    ]


def test_plan_with_schemas_uses_them_per_resource_type() -> None:
    before = object_val({"id": s("i"), "input": map_val({"k": s("v")}), "output": map_val({"k": s("v")})})
    after = object_val({"id": s("i"), "input": map_val({"k": s("w")}), "output": unknown(MapType(STRING))})
    plan = Plan(changes=[_change(before, after, Action.UPDATE)])
    text = render_plan(plan, schemas=lambda mode, t: DATA_SCHEMA.block if t == "terraform_data" else None)
    assert "          ~ k = \"v\" -> \"w\"" in text.splitlines()
    assert "Plan: 0 to add, 1 to change, 0 to destroy." in text


TYPED = Block(
    attributes={
        "id": Attribute(type=STRING, computed=True),
        "keepers": Attribute(type=MapType(STRING), optional=True),
        "names": Attribute(type=ListType(STRING), optional=True),
        "set": Attribute(type=SetType(STRING), optional=True),
        "prefix": Attribute(type=STRING, optional=True),
    }
)


def _typed(keepers: dict[str, str], names: list[str], st: list[str], prefix: str) -> Value:
    return object_val(
        {
            "id": s("r-1"),
            "keepers": map_val({k: s(v) for k, v in keepers.items()}),
            "names": list_val([s(n) for n in names]),
            "set": Value(SetType(STRING), tuple(s(x) for x in sorted(st))),
            "prefix": s(prefix),
        }
    )


def test_typed_attributes_render_by_type() -> None:
    before = _typed({"a": "1", "b": "2"}, ["x", "y", "z"], ["p", "q"], "")
    after = _typed({"a": "1", "b": "3"}, ["x", "z", "w"], ["q", "r"], "")
    text = render_resource_change(_change(before, after, Action.UPDATE, "random_pet"), schema=TYPED)
    assert text.splitlines() == [
        "  # random_pet.x will be updated in-place",
        '  ~ resource "random_pet" "x" {',
        '        id      = "r-1"',
        "      ~ keepers = {",
        '          ~ "b" = "2" -> "3"',
        "            # (1 unchanged element hidden)",
        "        }",
        # a list of the same length that is not a reordering pairs its elements by
        # position (collections.ProcessSlice), as test_plans_terraform's
        # sequences_changed_in_place shows with terraform
        "      ~ names   = [",
        '            "x",',
        '          ~ "y" -> "z",',
        '          ~ "z" -> "w",',
        "        ]",
        "      ~ set     = [",
        '          - "p",',
        '          + "r",',
        "            # (1 unchanged element hidden)",
        "        ]",
        # an empty string on both sides is recorded as unchanged (terraform 1.11's differ
        # reads it as null only after deciding to record the attribute)
        "        # (1 unchanged attribute hidden)",
        "    }",
    ]


def test_outputs_are_dynamic_even_when_typed() -> None:
    o = OutputChange("m", Action.CREATE, null(), map_val({"k": s("v"), "x y": s("w")}))
    text = render_plan(Plan(output_changes=[o]))
    assert text.splitlines()[:5] == ["", "Changes to Outputs:", "  + m = {", '      + k     = "v"', '      + "x y" = "w"']


def test_color_codes() -> None:
    before = object_val({"id": s("i"), "input": s("a"), "output": s("a")})
    after = object_val({"id": s("i"), "input": s("b"), "output": unknown(STRING)})
    text = render_resource_change(_change(before, after, Action.UPDATE), color=True)
    assert text.splitlines()[0] == "\x1b[1m  # terraform_data.x\x1b[0m will be updated in-place"
    assert text.splitlines()[1] == '\x1b[0m  \x1b[33m~\x1b[0m\x1b[0m resource "terraform_data" "x" {'
    assert '      \x1b[33m~\x1b[0m\x1b[0m input  = "a" \x1b[33m->\x1b[0m\x1b[0m "b"' in text.splitlines()


def _drifted() -> ResourceInstanceChange:
    before = object_val({"id": s("i"), "input": s("a"), "output": s("a")})
    after = object_val({"id": s("i"), "input": s("changed"), "output": s("a")})
    return _change(before, after, Action.UPDATE)


def test_drift_section_in_refresh_only_plans() -> None:
    plan = Plan(drift=[_drifted()], ui_mode=UIMode.REFRESH_ONLY)
    assert render_plan(plan).splitlines() == [
        "",
        "Note: Objects have changed outside of Terraform",
        "",
        "Terraform detected the following changes made outside of Terraform since the",
        'last "terraform apply" which may have affected this plan:',
        "",
        "  # terraform_data.x has changed",
        '  ~ resource "terraform_data" "x" {',
        '        id     = "i"',
        '      ~ input  = "a" -> "changed"',
        "        # (1 unchanged attribute hidden)",
        "    }",
        "",
        "",
        "This is a refresh-only plan, so Terraform will not take any actions to undo",
        "these. If you were expecting these changes then you can apply this plan to",
        "record the updated values in the Terraform state without changing any remote",
        "objects.",
    ]


def test_drift_needs_relevant_attributes_outside_refresh_only() -> None:
    change = _change(
        object_val({"id": s("i"), "input": s("a")}), object_val({"id": s("i"), "input": s("b")}), Action.UPDATE
    )
    plan = Plan(drift=[_drifted()], changes=[change])
    assert "Objects have changed outside" not in render_plan(plan)
    plan.relevant_attributes = [("terraform_data.x", ("input",))]
    text = render_plan(plan)
    assert "Note: Objects have changed outside of Terraform" in text
    assert "\u2500" * 77 in text
    assert text.index("Unless you have made equivalent changes") < text.index("Terraform will perform")


def test_errored_plan_wording() -> None:
    change = _change(null(EMPTY), object_val({"id": unknown(STRING)}), Action.CREATE)
    assert "Terraform planned the following actions, but then encountered a problem:" in render_plan(
        Plan(changes=[change], errored=True)
    )
    assert render_plan(Plan(errored=True)).splitlines()[1] == (
        "Planning failed. Terraform encountered an error while generating this plan."
    )


def test_forces_replacement_on_typed_attributes_only() -> None:
    before = _typed({"a": "1"}, ["x"], ["p"], "")
    after = object_val(
        {
            "id": unknown(STRING),
            "keepers": map_val({"a": s("2")}),
            "names": list_val([s("x")]),
            "set": Value(SetType(STRING), (s("p"),)),
            "prefix": s("new"),
        }
    )
    c = _change(before, after, Action.DELETE_THEN_CREATE, "random_pet")
    c.replace_paths = [("keepers",), ("prefix",)]
    lines = render_resource_change(c, schema=TYPED).splitlines()
    assert lines[1] == '-/+ resource "random_pet" "x" {'
    assert '      ~ id      = "r-1" -> (known after apply)' in lines
    assert "      ~ keepers = { # forces replacement" in lines
    assert '      + prefix  = "new" # forces replacement' in lines
    colored = render_resource_change(c, schema=TYPED, color=True)
    assert '"new" \x1b[31m# forces replacement\x1b[0m\x1b[0m' in colored
    # without a schema (dynamic attributes, as terraform_data's) there is no marker
    assert "forces replacement" not in render_resource_change(c)


JSON_TYPED = Block(
    attributes={
        "id": Attribute(type=STRING, optional=True, computed=True),
        "policy": Attribute(type=STRING, optional=True),
    }
)


def _json_replacement(before_policy: str, after_policy: str) -> list[str]:
    before = object_val({"id": s("i-1"), "policy": s(before_policy)})
    after = object_val({"id": unknown(STRING), "policy": s(after_policy)})
    c = _change(before, after, Action.DELETE_THEN_CREATE, "test_instance")
    c.replace_paths = [("policy",)]
    return render_resource_change(c, schema=JSON_TYPED).splitlines()


def test_json_string_forcing_replacement_marks_the_closing_brace() -> None:
    # terraform's renderStringDiffAsJson puts the note after the JSON, before ")"
    assert _json_replacement('{"a": "v"}', '{"a": "v", "b": "w"}')[2:9] == [
        '      ~ id     = "i-1" -> (known after apply)',
        "      ~ policy = jsonencode(",
        "          ~ {",
        '              + b = "w"',
        "                # (1 unchanged attribute hidden)",
        "            } # forces replacement",
        "        )",
    ]


def test_json_whitespace_change_forcing_replacement() -> None:
    assert _json_replacement('{"a": "v", "b": "w"}', '{"a":"v",\n"b":"w"}')[3:9] == [
        "      ~ policy = jsonencode( # whitespace changes force replacement",
        "            {",
        '                a = "v"',
        '                b = "w"',
        "            }",
        "        )",
    ]
