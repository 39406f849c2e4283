"""terraform's JSON plan representation (command/jsonplan), format 1.2.

``plan_to_json(plan, configuration=None)`` returns the document
``terraform show -json PLANFILE`` prints, as Python data:

* ``planned_values``, ``resource_changes``, ``resource_drift``,
  ``output_changes``, ``relevant_attributes``: computed from the plan's
  Values exactly as terraform does (unknowns omitted from ``after`` and shown
  in ``after_unknown``; sensitive marks shown in ``*_sensitive``).
* ``prior_state``: the prior state in terraform's JSON state values shape:
  resources from the plan's prior state file, their values from
  ``prior_values`` (decoded objects) when given, else the stored JSON.
  Outputs are the state's outputs as given (terraform shows the planned
  output values there: the engine passes a state updated with them).
* ``configuration``: whatever the caller passes (``plans.configuration.
  configuration_json`` builds it from the loaded configuration); omitted when
  None.
* ``checks``: the plan's check results, when it has any.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sheath.plans.model import Action, OutputChange, Path, Plan, ResourceInstanceChange
from sheath.plans.values import OMIT, omit_unknowns, sensitive_as_bool, unknown_as_bool
from sheath.states.jsonstate import module_tree
from sheath.states.state import format_instance_key
from sheath.types.cty import Value
from sheath.types.json import type_to_json_value

FORMAT_VERSION = "1.2"


def path_to_json(path: Path) -> list[Any]:
    return [p[0] if isinstance(p, tuple) else p for p in path]


def change_to_json(c: ResourceInstanceChange) -> dict[str, Any]:
    d: dict[str, Any] = {"address": c.address}
    if c.module_address:
        d["module_address"] = c.module_address
    if c.moved:
        d["previous_address"] = c.prev_run_address
    d["mode"] = c.mode
    d["type"] = c.type
    d["name"] = c.name
    if c.index is not None:
        d["index"] = c.index
    if c.deposed:
        d["deposed"] = c.deposed
    d["provider_name"] = c.provider_name
    ch: dict[str, Any] = {"actions": c.action.json_actions()}
    before = omit_unknowns(c.before)
    ch["before"] = None if before is OMIT else before
    after = omit_unknowns(c.after)
    if after is not OMIT:
        ch["after"] = after
    ch["after_unknown"] = {} if c.after.is_wholly_known() else unknown_as_bool(c.after)
    ch["before_sensitive"] = sensitive_as_bool(c.before)
    ch["after_sensitive"] = sensitive_as_bool(c.after)
    if c.replace_paths:
        ch["replace_paths"] = [path_to_json(p) for p in c.replace_paths]
    if c.importing is not None:
        imp: dict[str, Any] = {}
        if c.importing.id:
            imp["id"] = c.importing.id
        if c.importing.identity is not None:
            imp["identity"] = c.importing.identity
        ch["importing"] = imp
    if c.generated_config:
        ch["generated_config"] = c.generated_config
    d["change"] = ch
    if c.action_reason.value:
        d["action_reason"] = c.action_reason.value
    return d


def output_change_to_json(o: OutputChange) -> dict[str, Any]:
    d: dict[str, Any] = {"actions": o.action.json_actions()}
    before = omit_unknowns(o.before)
    d["before"] = None if before is OMIT else before
    after = omit_unknowns(o.after)
    if after is not OMIT:
        d["after"] = after
    d["after_unknown"] = False if o.after.is_wholly_known() else unknown_as_bool(o.after)
    d["before_sensitive"] = o.sensitive
    d["after_sensitive"] = o.sensitive
    return d


def planned_values(plan: Plan) -> dict[str, Any]:
    outputs: dict[str, Any] = {}
    for o in plan.output_changes:
        if o.action == Action.DELETE:
            continue
        od: dict[str, Any] = {"sensitive": o.sensitive}
        if o.after.is_wholly_known():
            after, _ = o.after.unmark_deep()
            od["type"] = type_to_json_value(after.type)
            od["value"] = omit_unknowns(after)
        outputs[o.name] = od
    items: list[tuple[str, dict[str, Any]]] = []
    for c in plan.changes:
        if c.action == Action.DELETE or c.deposed:
            continue
        r: dict[str, Any] = {"address": c.address, "mode": c.mode, "type": c.type, "name": c.name}
        if c.index is not None:
            r["index"] = c.index
        r["provider_name"] = c.provider_name
        r["schema_version"] = c.schema_version
        vals = omit_unknowns(c.after)
        # Go's omitempty: an object with nothing known yet has no "values"
        if vals is not None and vals is not OMIT and vals != {}:
            r["values"] = vals
        r["sensitive_values"] = sensitive_as_bool(c.after)
        items.append((c.module_address, r))
    d: dict[str, Any] = {}
    if outputs:
        d["outputs"] = outputs
    d["root_module"] = module_tree(items)
    return d


PriorValues = Mapping["str | tuple[str, str]", Value]


def prior_state_json(plan: Plan, prior_values: PriorValues | None = None) -> dict[str, Any] | None:
    """terraform's prior_state. Stored attributes are JSON as the schema
    encodes them (dynamic attributes wrapped as {"value","type"}); pass
    prior_values (instance address, or (address, deposed key) for a deposed
    object -> the object decoded with its schema, sensitive paths marked) to
    render them as terraform does."""
    sf = plan.prior_state
    if sf is None or (not sf.state.resources and not sf.state.outputs):
        return None  # an empty state (no resources, no root outputs) is omitted, as terraform omits it
    st = sf.state
    values: dict[str, Any] = {}
    outs = {}
    for name, ov in sorted(st.outputs.items()):
        od: dict[str, Any] = {"sensitive": ov.sensitive, "value": ov.value}
        if ov.type is not None:
            od["type"] = ov.type
        outs[name] = od
    if outs:
        values["outputs"] = outs
    items: list[tuple[str, dict[str, Any]]] = []
    for key in sorted(st.resources):
        res = st.resources[key]
        for ik in sorted(res.instances, key=lambda k: (isinstance(k, str), k if k is not None else -1)):
            inst = res.instances[ik]
            addr = res.address + format_instance_key(ik)
            objs = [("", inst.current)] if inst.current is not None else []
            objs += sorted(inst.deposed.items())
            for dk, obj in objs:
                r: dict[str, Any] = {"address": addr, "mode": res.mode, "type": res.type, "name": res.name}
                if ik is not None:
                    r["index"] = ik
                r["provider_name"] = _provider_name(res.provider)
                r["schema_version"] = obj.schema_version
                decoded = None
                if prior_values is not None:
                    decoded = prior_values.get((addr, dk) if dk else addr)
                if decoded is not None:
                    r["values"] = omit_unknowns(decoded)
                    r["sensitive_values"] = sensitive_as_bool(decoded)
                else:
                    r["values"] = obj.attributes or {}
                    r["sensitive_values"] = _sensitive_from_paths(obj.attributes, obj.sensitive_attributes)
                if obj.dependencies:
                    r["depends_on"] = list(obj.dependencies)
                if obj.status == "tainted":
                    r["tainted"] = True
                if dk:
                    r["deposed_key"] = dk
                items.append((res.module, r))
    values["root_module"] = module_tree(items, state_order=True)
    return {"format_version": "1.0", "terraform_version": sf.terraform_version, "values": values}


def _provider_name(provider_addr: str) -> str:
    # 'provider["registry.terraform.io/hashicorp/random"]' -> the quoted part
    i = provider_addr.find('["')
    j = provider_addr.rfind('"]')
    if i >= 0 and j > i:
        return provider_addr[i + 2 : j]
    return provider_addr


def _path_step(step: Any) -> Any:
    """A state path step's attribute name or index key (an index's key is a typed value:
    {"value": 1, "type": "number"})."""
    if not isinstance(step, dict):
        return None
    v = step.get("value")
    if step.get("type") == "index" and isinstance(v, dict):
        v = v.get("value")
        if isinstance(v, float) and v.is_integer():
            v = int(v)
    return v


def _sensitive_from_paths(attrs: Any, paths: list[Any]) -> Any:
    """The sensitive_values shape for state attributes and their sensitive paths."""

    def shape(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: s for k, s in ((k, shape(v)) for k, v in x.items()) if s is not False}
        if isinstance(x, list):
            return [shape(v) for v in x]
        return False

    out = shape(attrs or {})
    for p in paths:
        steps = [_path_step(s) for s in p] if isinstance(p, list) else []
        if not steps:
            continue
        cur = out
        for s in steps[:-1]:
            if isinstance(cur, dict):
                cur = cur.setdefault(s, {})
            elif isinstance(cur, list) and isinstance(s, int) and s < len(cur):
                if cur[s] is False:
                    cur[s] = {}
                cur = cur[s]
        last = steps[-1]
        if isinstance(cur, dict) or isinstance(cur, list) and isinstance(last, int) and last < len(cur):
            cur[last] = True
    return out


def plan_to_json(
    plan: Plan, configuration: dict[str, Any] | None = None, prior_values: PriorValues | None = None
) -> dict[str, Any]:
    doc: dict[str, Any] = {"format_version": FORMAT_VERSION, "terraform_version": plan.terraform_version}
    if plan.variables:
        doc["variables"] = {k: {"value": omit_unknowns(v.unmark_deep()[0])} for k, v in sorted(plan.variables.items())}
    doc["planned_values"] = planned_values(plan)
    if plan.drift:
        doc["resource_drift"] = [change_to_json(c) for c in plan.drift]
    if plan.changes:
        doc["resource_changes"] = [change_to_json(c) for c in plan.changes]
    if plan.output_changes:
        doc["output_changes"] = {o.name: output_change_to_json(o) for o in sorted(plan.output_changes, key=lambda o: o.name)}
    prior = prior_state_json(plan, prior_values)
    if prior is not None:
        doc["prior_state"] = prior
    if configuration is not None:
        doc["configuration"] = configuration
    if plan.relevant_attributes:
        doc["relevant_attributes"] = [
            {"resource": r, "attribute": path_to_json(p)} for r, p in plan.relevant_attributes
        ]
    if plan.checks is not None:
        doc["checks"] = [
            {"address": c.address, "status": c.status, **({"instances": c.instances} if c.instances else {})}
            for c in plan.checks
        ]
    if plan.timestamp:
        doc["timestamp"] = plan.timestamp
    doc["applyable"] = plan.applyable
    doc["complete"] = plan.complete
    doc["errored"] = plan.errored
    return doc
