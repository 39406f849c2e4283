"""In-process engine tests: inline configurations and a fake provider served from the test
itself (OpenTofu's testModuleInline style), through the public API. No plugin binary, no
subprocess: the provider is a Python object, and its "cloud" is a dict the test inspects.

These complement the differential corpus (terraform as the oracle); they check what the
engine asks of a provider and what it does with the answers."""

from __future__ import annotations

import itertools
import json
import os
import threading
from dataclasses import dataclass, field
from typing import Any

import pytest

from sheath import SheathError, Workspace
from sheath.diag import Diagnostics
from sheath.providers.interface import (
    ApplyResourceChangeRequest,
    ApplyResourceChangeResponse,
    ReadResourceRequest,
    ReadResourceResponse,
)
from sheath.providers.registry import ProviderRegistry, default_registry
from sheath.providers.schema import Attribute, Block, Schema
from sheath.providers.sdk import NativeProvider, ResourceType, with_attrs
from sheath.types import NUMBER, STRING, Value, null, number_val, string_val
from sheath.types.pyvalue import to_python

FAKE = "registry.terraform.io/example/fake"

REQUIRED = """
terraform {
  required_providers {
    fake = { source = "example/fake" }
  }
}
"""


@dataclass
class Cloud:
    """What the fake provider manages: objects by id, and the calls that reached it."""

    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    fail_names: set[str] = field(default_factory=set)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    # when set, every create waits here until as many creates are under way at once
    barrier: threading.Barrier | None = None


class Thing(ResourceType):
    schema = Schema(
        Block(
            attributes={
                "name": Attribute(STRING, required=True),
                "size": Attribute(NUMBER, optional=True),
                "id": Attribute(STRING, computed=True),
            }
        )
    )

    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud

    def replace_attributes(self) -> tuple[str, ...]:
        return ("name",)

    def read(self, req: ReadResourceRequest) -> ReadResourceResponse:
        oid = to_python(req.prior_state.attrs()["id"])
        self.cloud.calls.append(f"read {oid}")
        obj = self.cloud.objects.get(str(oid))
        if obj is None:
            return ReadResourceResponse(new_state=null(self.schema.block.implied_type()))
        return ReadResourceResponse(new_state=with_attrs(req.prior_state, size=null(NUMBER) if obj["size"] is None else number_val(obj["size"])))

    def apply(self, req: ApplyResourceChangeRequest) -> ApplyResourceChangeResponse:
        planned = req.planned_state.attrs()
        name = str(to_python(planned["name"]))
        if name in self.cloud.fail_names:
            diags = Diagnostics()
            diags.add_error("Thing refused", f"The cloud refused {name}.")
            return ApplyResourceChangeResponse(new_state=req.prior_state, diagnostics=diags)
        size = to_python(planned["size"])
        if self.cloud.barrier is not None and req.prior_state.is_null:
            try:
                self.cloud.barrier.wait(timeout=60)
            except threading.BrokenBarrierError:
                diags = Diagnostics()
                diags.add_error("Not concurrent", f"{name} was created while no other create was under way.")
                return ApplyResourceChangeResponse(new_state=req.prior_state, diagnostics=diags)
        if req.prior_state.is_null:
            oid = f"thing-{next(self.cloud.ids)}"
            self.cloud.calls.append(f"create {oid}")
        else:
            oid = str(to_python(req.prior_state.attrs()["id"]))
            self.cloud.calls.append(f"update {oid}")
        self.cloud.objects[oid] = {"name": name, "size": size}
        return ApplyResourceChangeResponse(new_state=with_attrs(req.planned_state, id=string_val(oid)))

    def delete(self, prior_state: Value) -> Diagnostics:
        oid = str(to_python(prior_state.attrs()["id"]))
        self.cloud.calls.append(f"delete {oid}")
        self.cloud.objects.pop(oid, None)
        return Diagnostics()


def fake_registry(cloud: Cloud) -> ProviderRegistry:
    return default_registry().with_provider(FAKE, lambda: NativeProvider(resources={"fake_thing": Thing(cloud)}), "1.0.0")


def workspace(tmp_path: object, cloud: Cloud, main_tf: str, **kwargs: object) -> Workspace:
    d = str(tmp_path)
    with open(os.path.join(d, "main.tf"), "w", encoding="utf-8") as fh:
        fh.write(REQUIRED + main_tf)
    ws = Workspace(d, providers=fake_registry(cloud), **kwargs)  # type: ignore[arg-type]
    ws.init()
    return ws


def write(ws: Workspace, main_tf: str) -> None:
    with open(os.path.join(ws.path, "main.tf"), "w", encoding="utf-8") as fh:
        fh.write(REQUIRED + main_tf)


def test_create_update_replace_destroy_through_the_api(tmp_path: object) -> None:
    cloud = Cloud()
    ws = workspace(tmp_path, cloud, 'resource "fake_thing" "a" {\n  name = "alpha"\n  size = 1\n}\n'
                   'output "id" { value = fake_thing.a.id }\n')
    plan = ws.plan()
    assert [(str(c.address), c.action) for c in plan.changes] == [("fake_thing.a", "create")]
    result = ws.apply(plan)
    assert result.outputs == {"id": "thing-1"}
    assert cloud.objects == {"thing-1": {"name": "alpha", "size": 1}}

    write(ws, 'resource "fake_thing" "a" {\n  name = "alpha"\n  size = 2\n}\n')
    plan = ws.plan()
    assert [(str(c.address), c.action) for c in plan.changes] == [("fake_thing.a", "update")]
    ws.apply(plan)
    assert cloud.objects == {"thing-1": {"name": "alpha", "size": 2}}

    write(ws, 'resource "fake_thing" "a" {\n  name = "beta"\n  size = 2\n}\n')
    plan = ws.plan()
    assert [(str(c.address), c.action) for c in plan.changes] == [("fake_thing.a", "replace")]
    ws.apply(plan)
    # destroy-then-create: the old object is gone before the new one exists
    assert cloud.calls[-2:] == ["delete thing-1", "create thing-2"]
    assert cloud.objects == {"thing-2": {"name": "beta", "size": 2}}

    ws.destroy()
    assert cloud.objects == {}
    assert ws.state().instance_addresses() == []


def test_the_plan_reads_what_exists_and_recreates_what_was_deleted_out_of_band(tmp_path: object) -> None:
    cloud = Cloud()
    ws = workspace(tmp_path, cloud, 'resource "fake_thing" "a" {\n  name = "alpha"\n  size = 1\n}\n')
    ws.apply()
    assert ws.state().instance_addresses() == ["fake_thing.a"]
    cloud.objects["thing-1"]["size"] = 5  # drift
    plan = ws.plan()
    assert "read thing-1" in cloud.calls
    assert [(str(c.address), c.action) for c in plan.changes] == [("fake_thing.a", "update")]
    cloud.objects.clear()  # deleted by hand
    plan = ws.plan()
    assert [(str(c.address), c.action) for c in plan.changes] == [("fake_thing.a", "create")]


def test_a_refused_apply_raises_with_the_provider_diagnostic_and_keeps_the_rest(tmp_path: object) -> None:
    cloud = Cloud(fail_names={"bad"})
    ws = workspace(
        tmp_path,
        cloud,
        'resource "fake_thing" "good" {\n  name = "good"\n}\nresource "fake_thing" "bad" {\n  name = "bad"\n}\n',
    )
    with pytest.raises(SheathError) as exc:
        ws.apply()
    summaries = [d.summary for d in exc.value.diagnostics]
    assert "Thing refused" in summaries
    # the independent change was applied and recorded: nothing is lost
    assert list(cloud.objects.values()) == [{"name": "good", "size": None}]
    with open(os.path.join(ws.path, "terraform.tfstate"), encoding="utf-8") as fh:
        doc = json.load(fh)
    assert [(r["type"], r["name"]) for r in doc["resources"]] == [("fake_thing", "good")]


def test_validate_uses_the_injected_provider_schema(tmp_path: object) -> None:
    cloud = Cloud()
    ws = workspace(tmp_path, cloud, 'resource "fake_thing" "a" {\n  name = "alpha"\n}\n')
    ws.validate()
    write(ws, 'resource "fake_thing" "a" {\n  name = "alpha"\n  colour = "red"\n}\n')
    with pytest.raises(SheathError) as exc:
        ws.validate()
    assert [d.summary for d in exc.value.diagnostics] == ["Unsupported argument"]
    assert cloud.calls == []



def test_instances_in_different_module_instances_are_applied_at_once(tmp_path: object) -> None:
    """terraform expands a resource once per module instance: the instances of
    module.m["a"] do not wait for those of module.m["b"]. Each create waits until all three
    are under way, so an apply that took the module instances one after another fails."""
    os.makedirs(os.path.join(str(tmp_path), "m"))
    with open(os.path.join(str(tmp_path), "m", "main.tf"), "w", encoding="utf-8") as fh:
        fh.write(REQUIRED + 'variable "name" {}\nresource "fake_thing" "t" {\n  name = var.name\n}\n')
    cloud = Cloud(barrier=threading.Barrier(3))
    ws = workspace(tmp_path, cloud, 'module "m" {\n  source   = "./m"\n  for_each = toset(["a", "b", "c"])\n  name     = each.key\n}\n', plan_checks=[])
    ws.apply()
    assert sorted(o["name"] for o in cloud.objects.values()) == ["a", "b", "c"]
