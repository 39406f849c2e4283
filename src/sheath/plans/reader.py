"""Read terraform's JSON plan (``terraform show -json PLANFILE``) into a Plan.

Used by the differential tests and by tools that compare the two. JSON loses
some type detail (lists, sets and tuples are all arrays; maps and objects are
both objects), so values are rebuilt as tuples and objects, except output
values, which planned_values types exactly.
"""

from __future__ import annotations

import json
from typing import Any

from sheath import TERRAFORM_VERSION
from sheath.plans.model import (
    Action,
    ActionReason,
    CheckResult,
    Importing,
    OutputChange,
    Plan,
    ResourceInstanceChange,
)
from sheath.plans.values import from_py
from sheath.types.cty import DYNAMIC, Value, null
from sheath.types.json import type_from_json, value_from_json


def _change(d: dict[str, Any]) -> ResourceInstanceChange:
    ch = d["change"]
    before = from_py(ch.get("before"), False, ch.get("before_sensitive", False))
    if "after" in ch or ch.get("after_unknown") is not True:
        after = from_py(ch.get("after"), ch.get("after_unknown", False), ch.get("after_sensitive", False))
    else:
        after = from_py(None, True, ch.get("after_sensitive", False))
    imp = ch.get("importing")
    return ResourceInstanceChange(
        address=d["address"],
        mode=d["mode"],
        type=d["type"],
        name=d["name"],
        action=Action.from_json_actions(ch["actions"]),
        before=before,
        after=after,
        provider_name=d.get("provider_name", ""),
        module_address=d.get("module_address", ""),
        index=d.get("index"),
        prev_run_address=d.get("previous_address", ""),
        deposed=d.get("deposed", ""),
        action_reason=ActionReason(d.get("action_reason", "")),
        replace_paths=[tuple(p) for p in ch.get("replace_paths", [])],
        importing=Importing(imp.get("id", ""), imp.get("identity")) if isinstance(imp, dict) else None,
        generated_config=ch.get("generated_config", ""),
    )


def _output_value(x: Any, unknown: Any, typ: Any) -> Value:
    if unknown is True:
        return from_py(None, True)
    if x is None:
        return null(DYNAMIC)
    if typ is not None:
        return value_from_json(json.dumps(x), type_from_json(json.dumps(typ)))
    return from_py(x)


def plan_from_terraform_json(doc: dict[str, Any]) -> Plan:
    pv_outputs = doc.get("planned_values", {}).get("outputs", {})
    outputs = []
    for name, oc in doc.get("output_changes", {}).items():
        typ = pv_outputs.get(name, {}).get("type")
        outputs.append(
            OutputChange(
                name=name,
                action=Action.from_json_actions(oc["actions"]),
                before=_output_value(oc.get("before"), False, None),
                after=_output_value(oc.get("after"), oc.get("after_unknown", False), typ),
                sensitive=bool(oc.get("after_sensitive")) or bool(oc.get("before_sensitive")),
            )
        )
    variables = {k: from_py(v.get("value")) for k, v in doc.get("variables", {}).items()}
    checks = None
    if "checks" in doc:
        checks = [CheckResult(c["address"], c["status"], c.get("instances", [])) for c in doc["checks"]]
    return Plan(
        changes=[_change(d) for d in doc.get("resource_changes", [])],
        output_changes=outputs,
        drift=[_change(d) for d in doc.get("resource_drift", [])],
        variables=variables,
        timestamp=doc.get("timestamp", ""),
        applyable=doc.get("applyable", True),
        complete=doc.get("complete", True),
        errored=doc.get("errored", False),
        relevant_attributes=[(r["resource"], tuple(r["attribute"])) for r in doc.get("relevant_attributes", [])],
        checks=checks,
        terraform_version=doc.get("terraform_version", TERRAFORM_VERSION),
    )
