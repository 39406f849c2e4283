"""The builtin terraform provider: terraform_data and terraform_remote_state.

Unit tests of plan/apply/import, and differential tests that run the same
sequence of configurations through real terraform and through the provider,
comparing plan actions, unknown attributes and the state attributes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path as FsPath
from typing import Any

import pytest

from sheath.providers.builtin.terraform import TerraformData, go_uuid, new_provider
from sheath.providers.interface import (
    ApplyResourceChangeRequest,
    ImportResourceStateRequest,
    Path,
    PlanResourceChangeRequest,
    PlanResourceChangeResponse,
    ReadDataSourceRequest,
    UpgradeResourceStateRequest,
)
from sheath.providers.objchange import proposed_new
from sheath.providers.sdk import attr, with_attrs
from sheath.types import (
    DYNAMIC,
    STRING,
    Value,
    null,
    number_val,
    object_val,
    string_val,
    tuple_val,
)
from sheath.types.cty import FALSE, TRUE
from sheath.types.json import value_to_json
from sheath.types.ops import raw_equal

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SCHEMA = TerraformData.schema
TYPE = SCHEMA.block.implied_type()


def val(x: Any) -> Value:
    """A Python literal as the value an HCL literal would have (objects, tuples)."""
    if x is None:
        return null(DYNAMIC)
    if isinstance(x, bool):
        return TRUE if x else FALSE
    if isinstance(x, (int, float)):
        return number_val(x)
    if isinstance(x, str):
        return string_val(x)
    if isinstance(x, list):
        return tuple_val([val(e) for e in x])
    return object_val({k: val(e) for k, e in x.items()})


def config(input_: Any = None, triggers: Any = None) -> Value:
    return object_val({"id": null(STRING), "input": val(input_), "output": null(DYNAMIC), "triggers_replace": val(triggers)})


def proposed(prior: Value, cfg: Value) -> Value:
    return proposed_new(SCHEMA.block, prior, cfg)


def plan(prior: Value, cfg: Value) -> PlanResourceChangeResponse:
    p = new_provider()
    return p.plan_resource_change(PlanResourceChangeRequest("terraform_data", prior, proposed(prior, cfg), cfg))


def action(prior: Value, resp: PlanResourceChangeResponse) -> list[str]:
    assert resp.planned_state is not None
    if prior.is_null:
        return ["create"]
    if resp.requires_replace:
        return ["delete", "create"]
    return ["no-op"] if raw_equal(prior, resp.planned_state) else ["update"]


def apply(prior: Value, resp: PlanResourceChangeResponse, cfg: Value) -> Value:
    assert resp.planned_state is not None
    p = new_provider()
    if resp.requires_replace:
        prior = null(TYPE)
    r = p.apply_resource_change(ApplyResourceChangeRequest("terraform_data", prior, resp.planned_state, cfg))
    assert not r.diagnostics
    assert r.new_state is not None
    return r.new_state


def test_create_plans_unknown_id_and_output() -> None:
    resp = plan(null(TYPE), config({"x": 1}))
    st = resp.planned_state
    assert st is not None
    assert not attr(st, "id").is_known and not attr(st, "output").is_known
    assert attr(st, "output").type == attr(st, "input").type
    new = apply(null(TYPE), resp, config({"x": 1}))
    assert UUID_RE.match(attr(new, "id").as_str())
    assert raw_equal(attr(new, "output"), val({"x": 1}))


def test_create_with_null_input_has_null_output() -> None:
    st = plan(null(TYPE), config()).planned_state
    assert st is not None and attr(st, "output").is_null


def test_input_change_updates_in_place() -> None:
    prior = apply(null(TYPE), plan(null(TYPE), config("a")), config("a"))
    resp = plan(prior, config("b"))
    assert action(prior, resp) == ["update"]
    assert resp.planned_state is not None and not attr(resp.planned_state, "output").is_known
    new = apply(prior, resp, config("b"))
    assert attr(new, "id").as_str() == attr(prior, "id").as_str()
    assert attr(new, "output").v == "b"


def test_triggers_replace_change_requires_replacement() -> None:
    prior = apply(null(TYPE), plan(null(TYPE), config("a", [1])), config("a", [1]))
    resp = plan(prior, config("a", [2]))
    assert resp.requires_replace == [Path.attr("triggers_replace")]
    new = apply(prior, resp, config("a", [2]))
    assert attr(new, "id").as_str() != attr(prior, "id").as_str()
    assert plan(new, config("a", [2])).requires_replace == []


def test_import_sets_only_id() -> None:
    r = new_provider().import_resource_state(ImportResourceStateRequest("terraform_data", "abc"))
    assert not r.diagnostics
    st = r.imported_resources[0].state
    assert attr(st, "id").v == "abc"
    assert all(attr(st, n).is_null for n in ("input", "output", "triggers_replace"))


def test_upgrade_decodes_dynamic_wrappers() -> None:
    raw = b'{"id":"x","input":{"value":[1,"a"],"type":["tuple",["number","string"]]},"output":null,"triggers_replace":null}'
    r = new_provider().upgrade_resource_state(UpgradeResourceStateRequest("terraform_data", 0, raw))
    assert not r.diagnostics and r.upgraded_state is not None
    assert raw_equal(attr(r.upgraded_state, "input"), val([1, "a"]))
    r = new_provider().upgrade_resource_state(UpgradeResourceStateRequest("terraform_data", 1, raw))
    assert r.diagnostics.has_errors()


def test_go_uuid_format() -> None:
    assert UUID_RE.match(go_uuid())
    assert go_uuid() != go_uuid()


# --- terraform_remote_state -------------------------------------------------------------

RS_TYPE = new_provider().get_provider_schema().data_sources["terraform_remote_state"].block.implied_type()


def rs_config(path: str | None, defaults: Any = None, workspace: str | None = None) -> Value:
    cfg = null(DYNAMIC) if path is None else object_val({"path": string_val(path)})
    return object_val(
        {
            "backend": string_val("local"),
            "config": cfg,
            "defaults": val(defaults),
            "outputs": null(DYNAMIC),
            "workspace": null(STRING) if workspace is None else string_val(workspace),
        }
    )


STATE_WITH_OUTPUTS = {
    "version": 4,
    "terraform_version": "1.11.4",
    "serial": 1,
    "lineage": "3f1d5e43-2f9e-4c54-8b1f-1bb45c0e3a10",
    "outputs": {
        "a": {"value": "x", "type": "string"},
        "l": {"value": [1, 2], "type": ["tuple", ["number", "number"]]},
        "s": {"value": "sec", "type": "string", "sensitive": True},
    },
    "resources": [],
    "check_results": None,
}


def test_remote_state_reads_outputs_with_defaults(tmp_path: FsPath) -> None:
    (tmp_path / "other.tfstate").write_text(json.dumps(STATE_WITH_OUTPUTS))
    p = new_provider(str(tmp_path))
    r = p.read_data_source(ReadDataSourceRequest("terraform_remote_state", rs_config("other.tfstate", {"a": "d", "z": 5})))
    assert not r.diagnostics
    assert r.state is not None
    outs = attr(r.state, "outputs")
    assert value_to_json(outs) == b'{"a":"x","l":[1,2],"s":"sec","z":5}'
    assert attr(r.state, "workspace").is_null


def test_remote_state_workspace_and_missing_state(tmp_path: FsPath) -> None:
    ws = tmp_path / "terraform.tfstate.d" / "dev"
    ws.mkdir(parents=True)
    (ws / "terraform.tfstate").write_text(json.dumps(STATE_WITH_OUTPUTS))
    p = new_provider(str(tmp_path))
    r = p.read_data_source(ReadDataSourceRequest("terraform_remote_state", rs_config(None, workspace="dev")))
    assert not r.diagnostics and r.state is not None
    assert attr(attr(r.state, "outputs"), "a").v == "x"
    r = p.read_data_source(ReadDataSourceRequest("terraform_remote_state", rs_config(None)))
    assert [d.summary for d in r.diagnostics] == ["Unable to find remote state"]


def test_remote_state_rejects_other_backends(tmp_path: FsPath) -> None:
    cfg = with_attrs(rs_config(None), backend=string_val("nosuch"))
    r = new_provider(str(tmp_path)).validate_data_resource_config("terraform_remote_state", cfg)
    assert [d.summary for d in r.diagnostics] == ["Invalid backend configuration"]


# --- differential: the same steps through terraform and the provider -----------------------

STEPS: list[tuple[str, Any, Any]] = [
    # (HCL for input, python input, python triggers_replace); HCL triggers is rendered from python
    ('{ x = 1, y = "s" }', {"x": 1, "y": "s"}, None),
    ('{ x = 1, y = "s" }', {"x": 1, "y": "s"}, None),
    ('"changed"', "changed", None),
    ('"changed"', "changed", ["t1"]),
    ('"changed"', "changed", ["t2"]),
    ('["a", 2]', ["a", 2], ["t2"]),
    ("null", None, ["t2"]),
    ("null", None, None),
]


def _hcl(x: Any) -> str:
    return "null" if x is None else json.dumps(x)


@pytest.mark.usefixtures("terraform_bin")
def test_terraform_data_matches_terraform(tmp_path: FsPath, run_terraform: Any) -> None:
    r = run_terraform(["init", "-input=false", "-no-color"], tmp_path)
    prior = null(TYPE)
    for i, (hcl, py_input, trig) in enumerate(STEPS):
        (tmp_path / "main.tf").write_text(
            f'resource "terraform_data" "x" {{\n  input = {hcl}\n  triggers_replace = {_hcl(trig)}\n}}\n'
        )
        r = run_terraform(["plan", "-input=false", "-no-color", "-out=p.plan"], tmp_path)
        assert r.returncode == 0, r.stderr
        show = json.loads(run_terraform(["show", "-json", "p.plan"], tmp_path).stdout)
        rc = show["resource_changes"][0]["change"]
        cfg = config(py_input, trig)
        resp = plan(prior, cfg)
        assert action(prior, resp) == rc["actions"], f"step {i}"
        assert resp.planned_state is not None
        unknown_attrs = sorted(n for n, v in resp.planned_state.attrs().items() if not v.is_known)
        assert unknown_attrs == sorted(k for k, v in rc["after_unknown"].items() if v is True), f"step {i}"
        assert [str(p) for p in resp.requires_replace] == [".".join(p) for p in rc.get("replace_paths", [])]
        r = run_terraform(["apply", "-input=false", "-no-color", "p.plan"], tmp_path)
        assert r.returncode == 0, r.stderr
        prior = apply(prior, resp, cfg)
        tf_attrs = json.loads((tmp_path / "terraform.tfstate").read_text())["resources"][0]["instances"][0]["attributes"]
        ours = json.loads(value_to_json(prior, TYPE))
        assert UUID_RE.match(tf_attrs.pop("id")) and UUID_RE.match(ours.pop("id"))
        assert ours == tf_attrs, f"step {i}"


def test_move_from_null_resource() -> None:
    from sheath.providers.interface import MoveResourceStateRequest

    p = new_provider()
    req = MoveResourceStateRequest(
        "registry.terraform.io/hashicorp/null", "null_resource", 0, b'{"id":"123","triggers":{"a":"b"}}', "terraform_data"
    )
    r = p.move_resource_state(req)
    assert not r.diagnostics and r.target_state is not None
    assert attr(r.target_state, "id").v == "123"
    assert raw_equal(attr(r.target_state, "triggers_replace"), val({"a": "b"}))
    req.source_state_json = b'{"id":"123","triggers":null}'
    st = p.move_resource_state(req).target_state
    assert st is not None and attr(st, "triggers_replace").is_null and attr(st, "triggers_replace").type == DYNAMIC
    req.source_type_name = "random_pet"
    assert p.move_resource_state(req).diagnostics.has_errors()


@pytest.mark.usefixtures("terraform_bin")
def test_remote_state_matches_terraform(tmp_path: FsPath, run_terraform: Any) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "main.tf").write_text(
        'output "a" { value = "x" }\n'
        'output "s" {\n  value = { k = [1, true] }\n  sensitive = true\n}\n'
        'output "n" { value = 1.5 }\n'
    )
    assert run_terraform(["init", "-no-color"], src).returncode == 0
    assert run_terraform(["apply", "-auto-approve", "-no-color"], src).returncode == 0
    reader = tmp_path / "reader"
    reader.mkdir()
    (reader / "main.tf").write_text(
        'data "terraform_remote_state" "r" {\n  backend = "local"\n'
        '  config = { path = "../src/terraform.tfstate" }\n  defaults = { a = "d", z = 5 }\n}\n'
        'output "o" { value = data.terraform_remote_state.r }\n'
    )
    assert run_terraform(["init", "-no-color"], reader).returncode == 0
    r = run_terraform(["apply", "-auto-approve", "-no-color"], reader)
    assert r.returncode == 0, r.stderr
    want = json.loads(run_terraform(["output", "-json"], reader).stdout)["o"]["value"]
    p = new_provider(str(reader))
    cfg = rs_config("../src/terraform.tfstate", {"a": "d", "z": 5})
    got = p.read_data_source(ReadDataSourceRequest("terraform_remote_state", cfg))
    assert not got.diagnostics and got.state is not None
    assert json.loads(value_to_json(got.state)) == want


def test_validation_messages() -> None:
    p = new_provider()
    d = p.validate_resource_config("terraform_data", with_attrs(config("a"), output=string_val("x"))).diagnostics
    assert [x.summary for x in d] == ['"output" attribute is read-only']
    assert not p.validate_resource_config("terraform_data", config("a", [1])).diagnostics
    cfg = with_attrs(rs_config(None), config=object_val({"path": string_val("p"), "foo": number_val(1)}))
    d = p.validate_data_resource_config("terraform_remote_state", cfg).diagnostics
    assert [x.detail for x in d] == ['The given configuration is not valid for backend "local": unexpected attribute "foo".']
    d = p.validate_data_resource_config("terraform_remote_state", with_attrs(rs_config(None), backend=string_val("nosuch"))).diagnostics
    assert [x.detail for x in d] == ['There is no backend type named "nosuch".']


@pytest.mark.usefixtures("terraform_bin")
def test_import_matches_terraform(tmp_path: FsPath, run_terraform: Any) -> None:
    (tmp_path / "main.tf").write_text('resource "terraform_data" "x" {}\n')
    assert run_terraform(["init", "-no-color"], tmp_path).returncode == 0
    r = run_terraform(["import", "-no-color", "terraform_data.x", "my-id"], tmp_path)
    assert r.returncode == 0, r.stderr
    tf_attrs = json.loads((tmp_path / "terraform.tfstate").read_text())["resources"][0]["instances"][0]["attributes"]
    got = new_provider().import_resource_state(ImportResourceStateRequest("terraform_data", "my-id"))
    assert json.loads(value_to_json(got.imported_resources[0].state, TYPE)) == tf_attrs
    # and the imported object plans as no-op against an empty configuration, as in terraform
    st = got.imported_resources[0].state
    assert action(st, plan(st, config())) == ["no-op"]
    assert new_provider().get_provider_schema().server_capabilities.move_resource_state


@pytest.mark.usefixtures("terraform_bin")
def test_unknown_input_plans_like_terraform(tmp_path: FsPath, run_terraform: Any) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "terraform_data" "a" {}\n'
        'resource "terraform_data" "b" {\n  input = terraform_data.a.id\n  triggers_replace = [terraform_data.a.id]\n}\n'
    )
    assert run_terraform(["init", "-no-color"], tmp_path).returncode == 0
    assert run_terraform(["plan", "-no-color", "-out=p.plan"], tmp_path).returncode == 0
    show = json.loads(run_terraform(["show", "-json", "p.plan"], tmp_path).stdout)
    rc = next(r for r in show["resource_changes"] if r["address"] == "terraform_data.b")["change"]
    from sheath.types import unknown

    cfg = with_attrs(config(), input=unknown(STRING), triggers_replace=tuple_val([unknown(STRING)]))
    resp = plan(null(TYPE), cfg)
    assert resp.planned_state is not None
    got = {n: True for n, v in resp.planned_state.attrs().items() if not v.is_known}
    assert got == {k: v for k, v in rc["after_unknown"].items() if v is True}
    assert attr(resp.planned_state, "output").type == STRING
    assert rc["after_unknown"]["triggers_replace"] == [True]
    assert [e.is_known for e in attr(resp.planned_state, "triggers_replace").elements()] == [False]


def test_remote_state_accepts_configured_outputs(tmp_path: FsPath) -> None:
    # terraform validates `outputs = {}` in the configuration without complaint
    cfg = with_attrs(rs_config(None), outputs=object_val({}))
    assert not new_provider(str(tmp_path)).validate_data_resource_config("terraform_remote_state", cfg).diagnostics
