"""Saved-plan files: value encoding, whole-plan round trips, staleness checks."""

from __future__ import annotations

import io
import zipfile

import pytest

from sheath.plans.jsonplan import plan_to_json
from sheath.plans.model import (
    Action,
    ActionReason,
    CheckResult,
    Importing,
    OutputChange,
    Plan,
    ResourceInstanceChange,
    UIMode,
)
from sheath.plans.planfile import (
    decode_value,
    encode_value,
    plan_matches_state,
    read_plan_file,
    write_plan_file,
)
from sheath.plans.render import render_plan
from sheath.states.state import InstanceObject, Resource, ResourceInstance
from sheath.states.statefile import StateFile
from sheath.types.cty import (
    NUMBER,
    SENSITIVE,
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
    tuple_val,
    unknown,
)
from sheath.types.number import Number


def num(s: str) -> Value:
    return Value(NUMBER, Number.parse(s))


def _same(a: Value, b: Value) -> None:
    assert a.type == b.type
    assert encode_value(a) == encode_value(b)


VALUES = {
    "string": string_val("héllo ${x}"),
    "big_number": num("123456789012345678901234567890.125"),
    "null_typed": null(ListType(STRING)),
    "unknown_dynamic": unknown(),
    "unknown_typed_sensitive": unknown(MapType(STRING)).mark(SENSITIVE),
    "nested": object_val(
        {
            "a": list_val([string_val("x"), unknown(STRING), string_val("s").mark(SENSITIVE)]),
            "m": map_val({"k": num("1"), "j": unknown(NUMBER)}),
            "s": Value(SetType(STRING), (string_val("p"), string_val("q"))),
            "t": tuple_val([Value(NUMBER, Number.from_int(1)), null(STRING), object_val({})]),
            "o": object_val({"deep": object_val({"x": string_val("y").mark(SENSITIVE)})}).mark(SENSITIVE),
        }
    ),
    "object_with_dollar_keys": object_val({"$marks": string_val("a"), "$v": string_val("b")}),
}


@pytest.mark.parametrize("name", sorted(VALUES))
def test_value_round_trip(name: str) -> None:
    v = VALUES[name]
    back = decode_value(encode_value(v))
    _same(v, back)


def test_encoded_value_shape() -> None:
    v = object_val({"a": unknown(STRING), "b": string_val("x").mark(SENSITIVE), "n": num("1.5")})
    assert encode_value(v) == {
        "type": ["object", {"a": "string", "b": "string", "n": "number"}],
        "value": {"a": None, "b": "x", "n": "1.5"},
        "unknown": [["a"]],
        "marks": [[["b"], ["sensitive"]]],
    }


def _state(serial: int = 3, lineage: str = "3f7a1c2e-0000-4000-8000-000000000001") -> StateFile:
    sf = StateFile.new()
    sf.serial = serial
    sf.lineage = lineage
    sf.state.set_resource(
        Resource(
            module="",
            mode="managed",
            type="terraform_data",
            name="a",
            provider='provider["terraform.io/builtin/terraform"]',
            instances={
                None: ResourceInstance(
                    key=None,
                    current=InstanceObject(
                        attributes={"id": "i-1", "input": {"value": "x", "type": "string"}, "output": None}
                    ),
                )
            },
        )
    )
    return sf


def _plan() -> Plan:
    before = object_val({"id": string_val("i-1"), "input": string_val("x"), "output": string_val("x"), "triggers_replace": null()})
    after = object_val({"id": unknown(STRING), "input": string_val("y").mark(SENSITIVE), "output": unknown(), "triggers_replace": null()})
    return Plan(
        changes=[
            ResourceInstanceChange(
                address="terraform_data.a",
                mode="managed",
                type="terraform_data",
                name="a",
                action=Action.DELETE_THEN_CREATE,
                before=before,
                after=after,
                provider_config_addr='provider["terraform.io/builtin/terraform"]',
                action_reason=ActionReason.REPLACE_BY_REQUEST,
                replace_paths=[("triggers_replace",), ("input", 0, ("k",))],
            ),
            ResourceInstanceChange(
                address='module.m["x"].terraform_data.b[0]',
                mode="managed",
                type="terraform_data",
                name="b",
                module_address='module.m["x"]',
                index=0,
                action=Action.NO_OP,
                before=object_val({"id": string_val("i-2")}),
                after=object_val({"id": string_val("i-2")}),
                prev_run_address="terraform_data.b",
                importing=Importing("i-2"),
            ),
        ],
        output_changes=[
            OutputChange("o", Action.UPDATE, string_val("x"), unknown(STRING)),
            OutputChange("s", Action.CREATE, null(), string_val("p"), sensitive=True),
        ],
        prior_state=_state(),
        prev_run_state=_state(serial=2),
        variables={"v": list_val([string_val("a")])},
        target_addrs=["terraform_data.a"],
        force_replace_addrs=["terraform_data.a"],
        ui_mode=UIMode.NORMAL,
        timestamp="2026-11-25T22:44:51Z",
        relevant_attributes=[("terraform_data.a", ("output",))],
        checks=[CheckResult({"kind": "resource", "to_display": "terraform_data.a"}, "unknown")],
    )


def test_plan_file_round_trip() -> None:
    plan = _plan()
    config = {"main.tf": b'resource "terraform_data" "a" {}\n', "mod/main.tf": b"# module\n"}
    data = write_plan_file(plan, config)
    pf, diags = read_plan_file(data)
    assert not diags.has_errors(), diags
    assert pf is not None
    back = pf.plan
    assert pf.config_files == config
    assert plan_to_json(back) == plan_to_json(plan)
    assert render_plan(back) == render_plan(plan)
    assert render_plan(back, color=True) == render_plan(plan, color=True)
    for a, b in zip(plan.changes, back.changes):
        _same(a.before, b.before)
        _same(a.after, b.after)
        assert (a.action, a.action_reason, a.replace_paths, a.importing, a.prev_run_address, a.index, a.module_address) == (
            b.action,
            b.action_reason,
            b.replace_paths,
            b.importing,
            b.prev_run_address,
            b.index,
            b.module_address,
        )
        assert a.provider_config_addr == b.provider_config_addr
    for oa, ob in zip(plan.output_changes, back.output_changes):
        assert (oa.name, oa.action, oa.sensitive) == (ob.name, ob.action, ob.sensitive)
        _same(oa.after, ob.after)
    assert back.prior_state is not None and back.prev_run_state is not None
    assert (back.prior_state.lineage, back.prior_state.serial) == ("3f7a1c2e-0000-4000-8000-000000000001", 3)
    assert back.prev_run_state.serial == 2
    assert back.prior_state.state.resources.keys() == plan.prior_state.state.resources.keys()  # type: ignore[union-attr]
    assert back.target_addrs == ["terraform_data.a"] and back.force_replace_addrs == ["terraform_data.a"]
    assert back.timestamp == plan.timestamp and back.ui_mode == UIMode.NORMAL
    assert back.relevant_attributes == plan.relevant_attributes
    assert back.checks == plan.checks
    _same(back.variables["v"], plan.variables["v"])


def test_plan_file_is_a_zip_with_documented_entries() -> None:
    data = write_plan_file(_plan(), {"main.tf": b"x"})
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert sorted(z.namelist()) == ["tfconfig/main.tf", "tfplan", "tfstate", "tfstate-prev"]


def test_first_plan_without_prior_state_round_trips() -> None:
    plan = Plan(changes=[], prior_state=None)
    pf, diags = read_plan_file(write_plan_file(plan))
    assert pf is not None, diags
    assert pf.plan.prior_state is not None and pf.plan.prior_state.serial == 0
    assert not plan_matches_state(pf.plan, None).has_errors()


def test_unreadable_plan_files_are_diagnostics() -> None:
    pf, diags = read_plan_file(b"not a zip", "p.plan")
    assert pf is None and diags.has_errors()
    assert diags[0].summary == "Failed to read plan from plan file"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("other", "x")
    pf, diags = read_plan_file(buf.getvalue(), "p.plan")
    assert pf is None and "missing tfplan" in diags[0].detail


def test_plan_matches_unchanged_state() -> None:
    plan = _plan()
    assert not plan_matches_state(plan, _state()).has_errors()


def test_stale_plan_is_refused() -> None:
    diags = plan_matches_state(_plan(), _state(serial=4))
    assert diags.has_errors()
    assert diags[0].summary == "Saved plan is stale"
    assert diags[0].detail == (
        "The given plan file can no longer be applied because the state was changed by another operation "
        "after the plan was created."
    )


def test_plan_from_other_lineage_is_refused() -> None:
    diags = plan_matches_state(_plan(), _state(lineage="another"))
    assert [d.summary for d in diags] == ["Saved plan does not match the given state"]


def test_first_plan_then_state_created_is_stale() -> None:
    plan = Plan(prior_state=StateFile())
    assert [d.summary for d in plan_matches_state(plan, _state(serial=1))] == ["Saved plan is stale"]
    assert not plan_matches_state(plan, _state(serial=0, lineage="x")).has_errors()


# --- integrity and signing -------------------------------------------------------------------


def _rezip(data: bytes, edit: dict[str, bytes], comment: bytes | None = None) -> bytes:
    """The plan file's entries rewritten (as an editor of the file would), with the old comment."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, edit.get(info.filename, src.read(info.filename)))
        dst.comment = src.comment if comment is None else comment
    return out.getvalue()


def test_plan_file_ends_with_its_digest() -> None:
    import hashlib

    data = write_plan_file(_plan(), {"main.tf": b"x"})
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        comment = z.comment
    assert comment.startswith(b"sheath-plan sha256=") and data.endswith(comment)
    assert comment[len(b"sheath-plan sha256=") :].decode() == hashlib.sha256(data[: -len(comment)]).hexdigest()


def test_edited_action_is_refused() -> None:
    import json

    data = write_plan_file(_plan(), {"main.tf": b"x"})
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        doc = json.loads(z.read("tfplan"))
    doc["changes"][0]["action"] = "delete"
    tampered = _rezip(data, {"tfplan": json.dumps(doc).encode()})
    pf, diags = read_plan_file(tampered, "p.plan")
    assert pf is None
    assert diags[0].summary == "Failed to read plan from plan file"
    assert "p.plan" in diags[0].detail and "modified" in diags[0].detail


@pytest.mark.parametrize("entry", ["tfconfig/main.tf", "tfstate", "tfplan"])
def test_any_edited_entry_is_refused(entry: str) -> None:
    data = write_plan_file(_plan(), {"main.tf": b'resource "terraform_data" "a" {}\n'})
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        old = z.read(entry)
    tampered = _rezip(data, {entry: old.replace(b"a", b"b", 1)})
    pf, diags = read_plan_file(tampered, "p.plan")
    assert pf is None and "does not match its digest" in diags[0].detail


def test_added_entry_is_refused() -> None:
    data = write_plan_file(_plan(), {"main.tf": b"x"})
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as z:
        z.writestr("tfconfig/extra.tf", b'resource "terraform_data" "x" {}\n')
        z.comment = zipfile.ZipFile(io.BytesIO(data)).comment
    pf, diags = read_plan_file(out.getvalue(), "p.plan")
    assert pf is None and diags.has_errors()


def _flip_positions(n: int, count: int) -> list[int]:
    """count bit positions spread over n bytes, always including the first and last bytes."""
    return sorted({(i * (n * 8 - 1)) // (count - 1) for i in range(count)})


def test_every_bit_flip_and_truncation_is_a_diagnostic() -> None:
    data = write_plan_file(_plan(), {"main.tf": b'resource "terraform_data" "a" {}\n', "m/x.tf": b"# module\n"})
    for bit in _flip_positions(len(data), 400):
        flipped = bytearray(data)
        flipped[bit // 8] ^= 1 << (bit % 8)
        pf, diags = read_plan_file(bytes(flipped), "p.plan")
        assert pf is None and diags.has_errors(), f"bit {bit} undetected"
        assert "p.plan" in diags[0].detail
    for length in sorted({*range(0, 64), *range(0, len(data), max(1, len(data) // 150)), len(data) - 1}):
        pf, diags = read_plan_file(data[:length], "p.plan")
        assert pf is None and diags.has_errors(), f"truncation at {length} undetected"


def test_signed_plan_needs_its_key() -> None:
    plan = _plan()
    signed = write_plan_file(plan, {"main.tf": b"x"}, signing_key=b"k1")
    pf, diags = read_plan_file(signed, "p.plan", signing_key=b"k1")
    assert pf is not None, diags
    assert pf.config_files == {"main.tf": b"x"}
    pf, diags = read_plan_file(signed, "p.plan", signing_key=b"k2")
    assert pf is None and [d.summary for d in diags] == ["Plan file signature does not match"]
    pf, diags = read_plan_file(signed, "p.plan")
    assert pf is None and [d.summary for d in diags] == ["Plan file is signed"]
    assert "give the key to verify it" in diags[0].detail
    unsigned = write_plan_file(plan, {"main.tf": b"x"})
    pf, diags = read_plan_file(unsigned, "p.plan", signing_key=b"k1")
    assert pf is None and [d.summary for d in diags] == ["Plan file is not signed"]


def test_recomputed_digest_does_not_forge_a_signature() -> None:
    """Whoever edits a plan can recompute its digest, but not its signature without the key."""
    import hashlib
    import json

    signed = write_plan_file(_plan(), {"main.tf": b"x"}, signing_key=b"secret")
    with zipfile.ZipFile(io.BytesIO(signed)) as z:
        doc = json.loads(z.read("tfplan"))
        comment = z.comment
    doc["changes"][0]["action"] = "delete"
    forged = _rezip(signed, {"tfplan": json.dumps(doc).encode()}, comment)
    body = forged[: -len(comment)]
    sig = comment[len(b"sheath-plan sha256=") + 64 :]
    forged = body + b"sheath-plan sha256=" + hashlib.sha256(body).hexdigest().encode() + sig
    pf, diags = read_plan_file(forged, "p.plan", signing_key=b"secret")
    assert pf is None and [d.summary for d in diags] == ["Plan file signature does not match"]


def test_malformed_content_with_a_valid_digest_is_a_diagnostic() -> None:
    """Content that hashes right but is not sheath's (e.g. written by hand) never raises."""
    import hashlib

    for tfplan in (b"[]", b'{"format": "sheath-plan", "format_version": 1, "changes": [{"action": 3}]}', b"[" * 5000):
        raw = _rezip(write_plan_file(_plan()), {"tfplan": tfplan}, b"sheath-plan sha256=" + b"0" * 64)
        body = raw[: -len(b"sheath-plan sha256=") - 64]
        data = body + b"sheath-plan sha256=" + hashlib.sha256(body).hexdigest().encode()
        pf, diags = read_plan_file(data, "p.plan")
        assert pf is None and diags[0].summary == "Failed to read plan from plan file", diags


def test_terraform_plan_file_is_named_as_such() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("tfplan", b"\x0a\x04\x08\x01\x10\x02")  # protocol buffers, as terraform writes it
        z.writestr("tfstate", b"{}")
        z.writestr("tfconfig/main.tf", b"")
    pf, diags = read_plan_file(buf.getvalue(), "tf.plan")
    assert pf is None and "saved by terraform" in diags[0].detail


def test_content_larger_than_the_bound_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from sheath.plans import planfile

    data = write_plan_file(_plan(), {"main.tf": b"x" * 1000})
    monkeypatch.setattr(planfile, "MAX_CONTENT_BYTES", 500)
    pf, diags = read_plan_file(data, "p.plan")
    assert pf is None and "more than 500 bytes" in diags[0].detail
