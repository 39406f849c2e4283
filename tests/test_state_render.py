"""The human and JSON state renderings with the schemas of the native providers (no terraform
oracle offline for hashicorp/random): typed attributes (maps with quoted keys, lists), attributes
the schema declares sensitive, and the module tree of the JSON representation."""

from __future__ import annotations

from sheath.engine.schemas import NativeSchemas
from sheath.plans.staterender import render_human_state
from sheath.states.jsonstate import state_to_json
from sheath.states.statefile import StateFile
from sheath.states.state import InstanceObject, Resource, ResourceInstance

RANDOM = 'provider["registry.terraform.io/hashicorp/random"]'


def _state() -> StateFile:
    sf = StateFile.new()
    pw = Resource("", "managed", "random_password", "p", RANDOM)
    pw.instances[None] = ResourceInstance(
        None,
        InstanceObject(
            {
                "bcrypt_hash": "$2a$10$x",
                "id": "none",
                "keepers": None,
                "length": 4,
                "lower": True,
                "min_lower": 0,
                "min_numeric": 0,
                "min_special": 0,
                "min_upper": 0,
                "number": True,
                "numeric": True,
                "override_special": None,
                "result": "s3cr",
                "special": True,
                "upper": True,
            },
            schema_version=3,
        ),
    )
    pet = Resource('module.m["k"]', "managed", "random_pet", "k", RANDOM)
    pet.instances[0] = ResourceInstance(
        0,
        InstanceObject({"id": "able-marten", "keepers": {"a": "1", "b c": "2"}, "length": 2, "prefix": None, "separator": "-"}),
    )
    sf.state.set_resource(pw)
    sf.state.set_resource(pet)
    return sf


def test_human_state_with_native_schemas() -> None:
    text = render_human_state(_state().state, NativeSchemas())
    assert text == (
        "# random_password.p:\n"
        'resource "random_password" "p" {\n'
        "    bcrypt_hash = (sensitive value)\n"
        '    id          = "none"\n'
        "    length      = 4\n"
        "    lower       = true\n"
        "    min_lower   = 0\n"
        "    min_numeric = 0\n"
        "    min_special = 0\n"
        "    min_upper   = 0\n"
        "    number      = true\n"
        "    numeric     = true\n"
        "    result      = (sensitive value)\n"
        "    special     = true\n"
        "    upper       = true\n"
        "}\n"
        "\n"
        "\n"
        '# module.m["k"].random_pet.k[0]:\n'
        'resource "random_pet" "k" {\n'
        '    id        = "able-marten"\n'
        "    keepers   = {\n"
        '        "a"   = "1"\n'
        '        "b c" = "2"\n'
        "    }\n"
        "    length    = 2\n"
        '    separator = "-"\n'
        "}\n"
    )


def test_json_state_with_native_schemas() -> None:
    doc = state_to_json(_state(), NativeSchemas())
    root = doc["values"]["root_module"]
    pw = root["resources"][0]
    assert pw["address"] == "random_password.p" and pw["schema_version"] == 3
    assert pw["values"]["result"] == "s3cr"  # values are shown; sensitivity is reported beside them
    assert pw["sensitive_values"] == {"bcrypt_hash": True, "result": True}
    child = root["child_modules"][0]
    assert list(child) == ["resources", "address"]
    pet = child["resources"][0]
    assert (pet["address"], pet["index"], pet["provider_name"]) == (
        'module.m["k"].random_pet.k[0]',
        0,
        "registry.terraform.io/hashicorp/random",
    )
    assert pet["sensitive_values"] == {"keepers": {}}
