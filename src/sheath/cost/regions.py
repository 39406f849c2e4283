"""The region of each provider configuration of a module tree, for pricing (docs/cost.md#region).

terraform's JSON configuration gives a provider block's ``region`` as a ``constant_value``
only when it is a literal; ``region = var.region`` is a reference. Where sheath has the
configuration itself and the plan's root variable values (the policy gate, ``sheath cost
PLANFILE``, the cost view of ``sheath ui``), each provider block's region is evaluated
here: root module variables from the plan (their defaults otherwise), a child module's
variables from its module call's arguments (constants, or the parent's variables), no
other references. The result is written into a copy of the JSON configuration's
``provider_config`` entries, keyed as jsonconfig keys them (``aws.west``,
``module.net:aws``), so the estimator (sheath.cost.estimate) reads one shape:

- ``{"constant_value": "us-west-2"}``: the region is known;
- ``{"references": [...]}`` without a constant: the block sets a region that is not known
  here, so resources of that configuration are unpriced, never priced in another region;
- no ``region`` expression: the block sets none (the AWS provider then reads AWS_REGION).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from sheath.config.loader import Config
from sheath.diag import Diagnostics
from sheath.types.cty import Value

_META = frozenset(["source", "version", "count", "for_each", "providers", "depends_on"])


def _opaque_key(provider: str, module_path: str) -> str:
    return f"{module_path}:{provider}" if module_path else provider


def _variables(cfg: Config, given: Mapping[str, Value]) -> dict[str, Value]:
    """The module's input variables: given (the plan's, for the root), else each default;
    a sensitive variable's value marked as such."""
    from sheath.types.cty import SENSITIVE

    out: dict[str, Value] = {}
    for name, v in cfg.module.variables.items():
        value = given[name] if name in given else v.default
        if value is not None:
            out[name] = value.mark(SENSITIVE) if v.sensitive else value
    return out


def _evaluate(expr: Any, variables: Mapping[str, Value]) -> Value | None:
    """expr's value with only var.* in scope, or None when it is not known here."""
    from sheath.lang.eval.context import EvalContext
    from sheath.lang.eval.evaluator import evaluate
    from sheath.types.cty import object_val

    ctx = EvalContext({"var": object_val(dict(variables))}, None)
    v, d = evaluate(expr, ctx)
    if d.has_errors() or not v.is_wholly_known():
        return None
    return v


def _call_arguments(cfg: Config, parent_vars: Mapping[str, Value]) -> dict[str, Value]:
    """The values of the module call's arguments that are known from constants and the
    parent's variables (a call with count or for_each: its each and count are not)."""
    call = cfg.call
    if call is None:
        return {}
    attrs, _ = call.config.just_attributes()
    out: dict[str, Value] = {}
    for name, a in attrs.items():
        if name in _META:
            continue
        v = _evaluate(a.expr, parent_vars)
        if v is not None:
            out[name] = v
    return out


def _region_expression(pc: Any, variables: Mapping[str, Value]) -> dict[str, Any] | None:
    """The provider block's region as a JSON expression (None: the block sets no region)."""
    from sheath.lang import hcl

    content, _, _ = pc.config.partial_content(hcl.BodySchema((hcl.AttributeSchema("region"),), ()))
    attr = content.attributes.get("region")
    if attr is None:
        return None
    v = _evaluate(attr.expr, variables)
    if v is not None:
        raw, marks = v.unmark_deep()
        if isinstance(raw.v, str) and raw.v and not marks:  # a sensitive region is not shown in reports: not known
            return {"constant_value": raw.v}
    from sheath.plans.configuration import expression_json

    return {"references": expression_json(attr.expr).get("references", [])}


def with_provider_regions(configuration: dict[str, Any], config: Config, root_variables: Mapping[str, Value]) -> dict[str, Any]:
    """A copy of terraform's JSON configuration of config with the region of every provider
    block of every module (evaluated as above) in its provider_config entry."""
    out = copy.deepcopy(configuration)
    entries = out.setdefault("provider_config", {})

    def walk(cfg: Config, path: str, variables: Mapping[str, Value]) -> None:
        for key, pc in sorted(cfg.module.provider_configs.items()):
            entry = entries.get(_opaque_key(key, path))
            if not isinstance(entry, dict):
                continue
            exprs = {k: v for k, v in (entry.get("expressions") or {}).items() if k != "region"}
            region = _region_expression(pc, variables)
            if region is not None:
                exprs["region"] = region
            entry["expressions"] = exprs
        for name, child in sorted(cfg.children.items()):
            child_path = f"{path}.module.{name}" if path else f"module.{name}"
            walk(child, child_path, _variables(child, _call_arguments(child, variables)))

    walk(config, "", _variables(config, root_variables))
    return out


def plan_file_regions(plan_json: dict[str, Any], plan: Any, config_files: Mapping[str, bytes]) -> dict[str, Any]:
    """plan_json (a sheath plan file's JSON representation) with its configuration's provider
    regions evaluated from the plan file's configuration snapshot and the plan's variables;
    plan_json unchanged when the snapshot is missing or does not load."""
    from sheath.config.loader import load_module_tree
    from sheath.config.source import SnapshotModuleSource

    if not config_files or not isinstance(plan_json.get("configuration"), dict):
        return plan_json
    config, diags = load_module_tree(".", SnapshotModuleSource.of(dict(config_files)))
    if config is None or diags.has_errors():
        return plan_json
    return {**plan_json, "configuration": with_provider_regions(plan_json["configuration"], config, plan.variables)}


def plan_file_cost_json(data: bytes, path: str, signing_key: bytes | None = None) -> tuple[dict[str, Any] | None, Diagnostics]:
    """A saved plan as terraform's JSON plan representation (what show -json prints), its
    provider regions evaluated as above: what ``sheath cost PLANFILE`` and the ui price."""
    from sheath.engine.planjson import plan_json
    from sheath.plans.planfile import read_plan_file

    pf, diags = read_plan_file(data, path, signing_key)
    if pf is None:
        return None, diags
    return plan_file_regions(plan_json(pf.plan, pf.config_files), pf.plan, pf.config_files), diags
