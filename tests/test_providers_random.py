"""The native hashicorp/random provider: schemas, plan (defaults, replacement), apply, import."""

from __future__ import annotations

import base64
import re
from typing import Any

import bcrypt
import pytest

from sheath.providers.interface import (
    ApplyResourceChangeRequest,
    ImportResourceStateRequest,
    Path,
    PlanResourceChangeRequest,
    UpgradeResourceStateRequest,
)
from sheath.providers.native import words
from sheath.providers.native import random as rnd
from sheath.providers.schema import config_object
from sheath.providers.sdk import attr, with_attrs
from sheath.types import (
    NUMBER,
    STRING,
    ListType,
    MapType,
    Value,
    list_val,
    map_val,
    null,
    number_val,
    string_val,
)
from sheath.types.cty import FALSE, TRUE
from sheath.types.json import value_to_json

P = rnd.new_provider()
SCHEMAS = P.get_provider_schema().resource_types


def cfg(type_name: str, **attrs: Any) -> Value:
    block = SCHEMAS[type_name].block
    conv: dict[str, Value] = {}
    for k, x in attrs.items():
        if isinstance(x, Value):
            conv[k] = x
        elif isinstance(x, bool):
            conv[k] = TRUE if x else FALSE
        elif isinstance(x, int):
            conv[k] = number_val(x)
        elif isinstance(x, str):
            conv[k] = string_val(x)
        elif isinstance(x, dict):
            conv[k] = map_val({kk: string_val(vv) for kk, vv in x.items()}, STRING)
        else:
            conv[k] = list_val([string_val(e) for e in x], STRING)
    return config_object(block, conv)


def proposed(type_name: str, prior: Value, config: Value) -> Value:
    """objchange.ProposedNew: config, with computed attributes the config leaves null taken from prior."""
    if prior.is_null:
        return config
    block = SCHEMAS[type_name].block
    keep = {n: attr(prior, n) for n, a in block.attributes.items() if a.computed and attr(config, n).is_null}
    return with_attrs(config, **keep)


def create(type_name: str, config: Value) -> Value:
    prior = null(SCHEMAS[type_name].block.implied_type())
    plan = P.plan_resource_change(PlanResourceChangeRequest(type_name, prior, config, config))
    assert not plan.diagnostics and plan.planned_state is not None
    r = P.apply_resource_change(ApplyResourceChangeRequest(type_name, prior, plan.planned_state, config))
    assert not r.diagnostics and r.new_state is not None
    assert r.new_state.is_wholly_known()
    return r.new_state


def test_schema_versions_and_flags() -> None:
    assert SCHEMAS["random_password"].version == 3
    assert SCHEMAS["random_string"].version == 2
    assert all(SCHEMAS[t].version == 0 for t in ("random_id", "random_integer", "random_pet", "random_shuffle", "random_uuid"))
    pw = SCHEMAS["random_password"].block.attributes
    assert pw["result"].sensitive and pw["bcrypt_hash"].sensitive and pw["bcrypt_hash"].computed
    assert not SCHEMAS["random_string"].block.attributes["result"].sensitive
    assert pw["length"].required and pw["special"].optional and pw["special"].computed
    assert pw["number"].deprecated
    for t, s in SCHEMAS.items():
        assert s.block.attributes["keepers"].type == MapType(STRING), t
        assert s.block.attributes["id"].computed, t
    assert SCHEMAS["random_shuffle"].block.attributes["result"].type == ListType(STRING)
    assert sorted(SCHEMAS["random_id"].block.attributes) == [
        "b64_std", "b64_url", "byte_length", "dec", "hex", "id", "keepers", "prefix",
    ]


def test_random_string_defaults_and_result() -> None:
    st = create("random_string", cfg("random_string", length=24))
    a = st.attrs()
    assert a["id"].v == a["result"].v and len(a["result"].v) == 24
    for k in ("lower", "upper", "special", "numeric", "number"):
        assert a[k].v is True, k
    for k in ("min_lower", "min_upper", "min_numeric", "min_special"):
        assert a[k].v == number_val(0).v
    assert a["override_special"].is_null


def test_random_string_character_classes_and_minimums() -> None:
    st = create("random_string", cfg("random_string", length=30, special=False, upper=False, min_numeric=10))
    s = attr(st, "result").as_str()
    assert re.fullmatch(r"[a-z0-9]{30}", s)
    assert sum(c.isdigit() for c in s) >= 10
    st = create("random_string", cfg("random_string", length=40, override_special="_", lower=False, upper=False, numeric=False))
    assert attr(st, "result").as_str() == "_" * 40
    assert attr(st, "number").v is False  # number mirrors numeric


def test_random_string_validation() -> None:
    d = P.validate_resource_config("random_string", cfg("random_string", length=2, min_upper=2, min_lower=1)).diagnostics
    assert [x.summary for x in d] == ["Invalid Attribute Value"]
    assert d[0].extra["attribute_path"] == Path.attr("length")
    d = P.validate_resource_config("random_string", cfg("random_string", length=0)).diagnostics
    assert d.has_errors()
    assert not P.validate_resource_config("random_string", cfg("random_string", length=3)).diagnostics


def test_random_password_bcrypt_and_id() -> None:
    st = create("random_password", cfg("random_password", length=16))
    a = st.attrs()
    assert a["id"].v == "none"
    assert bcrypt.checkpw(a["result"].v.encode(), a["bcrypt_hash"].v.encode())


def test_changes_force_replacement_and_recompute() -> None:
    c1 = cfg("random_string", length=8, keepers={"k": "1"})
    st = create("random_string", c1)
    c2 = cfg("random_string", length=8, keepers={"k": "2"})
    plan = P.plan_resource_change(PlanResourceChangeRequest("random_string", st, proposed("random_string", st, c2), c2))
    assert plan.requires_replace == [Path.attr("keepers")]
    assert plan.planned_state is not None and not attr(plan.planned_state, "result").is_known
    # unchanged configuration: no replacement, results kept
    plan = P.plan_resource_change(PlanResourceChangeRequest("random_string", st, proposed("random_string", st, c1), c1))
    assert plan.requires_replace == []
    assert plan.planned_state is not None and attr(plan.planned_state, "result").v == attr(st, "result").v
    # changing a defaulted attribute explicitly forces replacement too
    c3 = cfg("random_string", length=8, keepers={"k": "1"}, special=False)
    plan = P.plan_resource_change(PlanResourceChangeRequest("random_string", st, proposed("random_string", st, c3), c3))
    assert plan.requires_replace == [Path.attr("special")]


def test_random_id_encodings() -> None:
    st = create("random_id", cfg("random_id", byte_length=8, prefix="p-"))
    a = st.attrs()
    raw = base64.urlsafe_b64decode(a["id"].v + "=" * (-len(a["id"].v) % 4))
    assert len(raw) == 8
    assert a["b64_url"].v == "p-" + a["id"].v
    assert a["b64_std"].v == "p-" + base64.b64encode(raw).decode()
    assert a["hex"].v == "p-" + raw.hex()
    assert a["dec"].v == "p-" + str(int.from_bytes(raw, "big"))


def test_random_id_import() -> None:
    r = P.import_resource_state(ImportResourceStateRequest("random_id", "p-,aGVsbG8"))
    assert not r.diagnostics
    a = r.imported_resources[0].state.attrs()
    assert a["byte_length"].v == number_val(5).v and a["prefix"].v == "p-"
    assert a["hex"].v == "p-" + b"hello".hex() and a["id"].v == "aGVsbG8"
    assert a["keepers"].is_known and a["keepers"].attrs() == {}
    for bad in ("!!", "aGk=", "a"):
        assert P.import_resource_state(ImportResourceStateRequest("random_id", bad)).diagnostics.has_errors(), bad
    r = P.import_resource_state(ImportResourceStateRequest("random_id", ",aGk"))
    assert attr(r.imported_resources[0].state, "prefix").is_null


def test_random_integer_range_seed_and_import() -> None:
    st = create("random_integer", cfg("random_integer", min=5, max=7))
    n = attr(st, "result").v.to_int()
    assert 5 <= n <= 7 and attr(st, "id").v == str(n)
    a = create("random_integer", cfg("random_integer", min=1, max=10**6, seed="s"))
    b = create("random_integer", cfg("random_integer", min=1, max=10**6, seed="s"))
    assert attr(a, "result").v == attr(b, "result").v
    r = P.import_resource_state(ImportResourceStateRequest("random_integer", "15,1,20,abc"))
    s = r.imported_resources[0].state.attrs()
    assert s["result"].v == number_val(15).v and s["min"].v == number_val(1).v and s["seed"].v == "abc"
    assert s["id"].v == "15"
    assert P.import_resource_state(ImportResourceStateRequest("random_integer", "15,1")).diagnostics.has_errors()
    assert s["keepers"].is_known and not s["keepers"].is_null and s["keepers"].attrs() == {}
    d = P.import_resource_state(ImportResourceStateRequest("random_integer", "x,1,2")).diagnostics
    assert [x.summary for x in d] == ["Import Random Integer Error"]
    assert d[0].detail.startswith("The value supplied could not be parsed as an integer.")
    # min > max is an error at apply, as in the provider (not at validation)
    c = cfg("random_integer", min=3, max=1)
    assert not P.validate_resource_config("random_integer", c).diagnostics
    prior = null(c.type)
    plan = P.plan_resource_change(PlanResourceChangeRequest("random_integer", prior, c, c))
    assert plan.planned_state is not None
    r = P.apply_resource_change(ApplyResourceChangeRequest("random_integer", prior, plan.planned_state, c))
    assert [x.summary for x in r.diagnostics] == ["Create Random Integer Error"]


def test_random_pet_words() -> None:
    st = create("random_pet", cfg("random_pet"))
    assert attr(st, "length").v == number_val(2).v and attr(st, "separator").v == "-"
    adj, name = attr(st, "id").as_str().split("-")
    assert adj in words.ADJECTIVES and name in words.NAMES
    st = create("random_pet", cfg("random_pet", length=4, separator="_", prefix="dev"))
    parts = attr(st, "id").as_str().split("_")
    assert len(parts) == 5 and parts[0] == "dev" and parts[1] in words.ADVERBS and parts[4] in words.NAMES


def test_random_shuffle() -> None:
    items = ["a", "b", "c", "d"]
    st = create("random_shuffle", cfg("random_shuffle", input=items))
    assert sorted(e.v for e in attr(st, "result").elements()) == items
    assert attr(st, "id").v == "-"
    st = create("random_shuffle", cfg("random_shuffle", input=items, result_count=2))
    assert len(attr(st, "result").elements()) == 2
    a = create("random_shuffle", cfg("random_shuffle", input=items, seed="x"))
    b = create("random_shuffle", cfg("random_shuffle", input=items, seed="x"))
    assert [e.v for e in attr(a, "result").elements()] == [e.v for e in attr(b, "result").elements()]


def test_random_uuid_and_import() -> None:
    st = create("random_uuid", cfg("random_uuid"))
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", attr(st, "result").as_str())
    assert attr(st, "id").v == attr(st, "result").v
    u = "6a1b2c3d-0000-1111-2222-333344445555"
    r = P.import_resource_state(ImportResourceStateRequest("random_uuid", u))
    assert attr(r.imported_resources[0].state, "result").v == u
    assert P.import_resource_state(ImportResourceStateRequest("random_uuid", "nope")).diagnostics.has_errors()


@pytest.mark.parametrize("type_name", ["random_password", "random_string"])
def test_password_string_import_by_value(type_name: str) -> None:
    r = P.import_resource_state(ImportResourceStateRequest(type_name, "s3cr3t!"))
    assert not r.diagnostics
    a = r.imported_resources[0].state.attrs()
    assert a["result"].v == "s3cr3t!" and a["length"].v == number_val(7).v
    assert a["special"].v is True and a["min_upper"].v == number_val(0).v
    assert a["id"].v == ("none" if type_name == "random_password" else "s3cr3t!")
    if type_name == "random_password":
        assert bcrypt.checkpw(b"s3cr3t!", a["bcrypt_hash"].v.encode())


def test_state_round_trip_through_upgrade() -> None:
    st = create("random_password", cfg("random_password", length=10, keepers={"a": "b"}))
    raw = value_to_json(st)
    r = P.upgrade_resource_state(UpgradeResourceStateRequest("random_password", 3, raw))
    assert not r.diagnostics and r.upgraded_state is not None
    assert value_to_json(r.upgraded_state) == raw
    assert P.upgrade_resource_state(UpgradeResourceStateRequest("random_password", 4, raw)).diagnostics.has_errors()


def test_unknown_type_is_a_diagnostic() -> None:
    d = P.validate_resource_config("random_nope", null()).diagnostics
    assert d.has_errors()


def test_number_attributes_are_numbers() -> None:
    assert SCHEMAS["random_integer"].block.attributes["result"].type == NUMBER


def test_upgrade_from_older_schema_versions() -> None:
    v1 = b'{"id":"abc","keepers":null,"length":3,"lower":true,"min_lower":0,"min_numeric":0,"min_special":0,"min_upper":0,"number":false,"override_special":null,"result":"abc","special":true,"upper":true}'
    r = P.upgrade_resource_state(UpgradeResourceStateRequest("random_string", 1, v1))
    assert not r.diagnostics and r.upgraded_state is not None
    assert attr(r.upgraded_state, "numeric").v is False
    v2 = v1[:-1] + b',"bcrypt_hash":"$2a$10$invalidinvalidinvalidinvalidinvalidinvalidinvalidinvali"}'
    r = P.upgrade_resource_state(UpgradeResourceStateRequest("random_password", 2, v2))
    assert not r.diagnostics and r.upgraded_state is not None
    assert bcrypt.checkpw(b"abc", attr(r.upgraded_state, "bcrypt_hash").as_str().encode())


def test_replacement_exceptions() -> None:
    st = create("random_string", cfg("random_string", length=4, override_special=""))
    c = cfg("random_string", length=4)  # override_special "" -> null: no replacement
    plan = P.plan_resource_change(PlanResourceChangeRequest("random_string", st, proposed("random_string", st, c), c))
    assert plan.requires_replace == []
    # keepers entries with null values do not force replacement
    c = cfg("random_string", length=4, override_special="", keepers=Value(MapType(STRING), {"a": null(STRING)}))
    plan = P.plan_resource_change(PlanResourceChangeRequest("random_string", st, proposed("random_string", st, c), c))
    assert plan.requires_replace == []


def test_upgrade_fills_nulls_left_by_old_imports() -> None:
    v0 = b'{"id":"none","keepers":null,"length":null,"lower":null,"min_lower":null,"min_numeric":null,"min_special":null,"min_upper":null,"number":null,"override_special":null,"result":"abcd","special":null,"upper":null}'
    r = P.upgrade_resource_state(UpgradeResourceStateRequest("random_password", 0, v0))
    assert not r.diagnostics and r.upgraded_state is not None
    a = r.upgraded_state.attrs()
    assert a["length"].v == number_val(4).v and a["special"].v is True and a["numeric"].v is True
    assert a["min_upper"].v == number_val(0).v and not a["bcrypt_hash"].is_null


def test_shuffle_result_count_zero_and_repeats() -> None:
    st = create("random_shuffle", cfg("random_shuffle", input=["a", "b"], result_count=0))
    assert len(attr(st, "result").elements()) == 2
    st = create("random_shuffle", cfg("random_shuffle", input=["a", "b"], result_count=5))
    res = [e.v for e in attr(st, "result").elements()]
    assert len(res) == 5 and sorted(res[:2]) == ["a", "b"] and sorted(res[2:4]) == ["a", "b"]


def test_random_id_import_prefix_with_comma() -> None:
    r = P.import_resource_state(ImportResourceStateRequest("random_id", "a,b,aGk"))
    assert attr(r.imported_resources[0].state, "prefix").v == "a,b"


def test_read_only_attributes_rejected() -> None:
    c = with_attrs(cfg("random_pet"), id=string_val("x"))
    d = P.validate_resource_config("random_pet", c).diagnostics
    assert [x.summary for x in d] == ["Invalid Configuration for Read-Only Attribute"]
    assert d[0].extra["attribute_path"] == Path.attr("id")
