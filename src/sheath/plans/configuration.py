"""The ``configuration`` section of terraform's JSON plan (command/jsonconfig), partial.

``configuration_json(config, schemas)`` covers: ``provider_config`` as jsonconfig's
marshalProviderConfigs builds it (provider blocks, required and implied providers of every
module, configurations passed to module calls; those passed or inherited are folded into
the configuration they come from), and for every
module ``resources`` (address, mode, type, name, provider_config_key,
expressions through the resource type's schema, count/for_each expressions,
schema_version, depends_on), ``outputs`` (expression, sensitive,
description, depends_on), ``variables`` (default, description, sensitive)
and ``module_calls`` (source, expressions, count/for_each, module). Not
covered: provisioners, version constraints written in provider blocks, check blocks.

Each expression is ``{"constant_value": ...}`` when it evaluates without any
context, and/or ``{"references": [...]}`` listing every reference from the
longest form (``terraform_data.a.output``) down to its subject (and the
resource or module call without instance key), as terraform does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sheath.addrs.module import ModuleCallInstance, ModuleCallInstanceOutput
from sheath.addrs.referenceable import parse_ref
from sheath.addrs.resource import ResourceInstance
from sheath.config.loader import Config
from sheath.lang import hcl
from sheath.lang.eval import EvalContext, evaluate
from sheath.plans.values import to_py
from sheath.providers.schema import Block, Nesting, block_to_body_schema

SchemaLookup = Callable[[str, str], "tuple[Block, int] | None"]  # (mode, type) -> (schema block, version)
ProviderSchemaLookup = Callable[[str], "Block | None"]  # provider source address -> its configuration schema


def _step_str(kind: str, value: object) -> str:
    if kind == "name":
        return f".{value}"
    if isinstance(value, str):
        import json

        return "[" + json.dumps(value, ensure_ascii=False) + "]"
    if kind == "index":
        return f"[{value}]"
    return "[*]"


def expression_json(expr: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if expr is None:
        return out
    val, diags = evaluate(expr, EvalContext())
    if not diags.has_errors() and val.is_wholly_known() and not val.contains_marked():
        out["constant_value"] = to_py(val)
    refs: list[str] = []
    for t in expr.variables():
        ref, _ = parse_ref(t)
        if ref is None:
            continue
        subject = str(ref.subject)
        rem = list(ref.remaining)
        while rem:
            refs.append(subject + "".join(_step_str(s.kind, s.value) for s in rem))
            rem.pop()
        refs.append(subject)
        s = ref.subject
        if isinstance(s, ModuleCallInstance) and s.key is not None:
            refs.append(f"module.{s.call.name}")
        elif isinstance(s, ResourceInstance) and s.key is not None:
            refs.append(str(s.resource))
        elif isinstance(s, ModuleCallInstanceOutput):
            refs.append(f"module.{s.call.call.name}")
    if refs:
        out["references"] = refs
    return out


def _body_expressions(body: hcl.Body, block: Block) -> dict[str, Any]:
    content, _, _ = body.partial_content(block_to_body_schema(block))
    ret: dict[str, Any] = {}
    for name, attr in content.attributes.items():
        ret[name] = expression_json(attr.expr)
    for b in content.blocks:
        nb = block.block_types.get(b.type)
        if nb is None:
            continue
        # jsonconfig's marshalExpressions: one object for a single (or group) block, a list for
        # list and set blocks, an object by label for map blocks
        inner = _body_expressions(b.body, nb.block)
        if nb.nesting in (Nesting.SINGLE, Nesting.GROUP):
            ret[b.type] = inner
        elif nb.nesting is Nesting.MAP:
            ret.setdefault(b.type, {})[b.labels[0] if b.labels else ""] = inner
        else:
            ret.setdefault(b.type, []).append(inner)
    return ret


def _opt_expr(d: dict[str, Any], key: str, expr: Any) -> None:
    if expr is not None:
        e = expression_json(expr)
        if e:
            d[key] = e


def _traversal_str(t: Any) -> str:
    from sheath.addrs.parse import steps_from_traversal

    steps = steps_from_traversal(t)
    if not steps:
        return ""
    return str(steps[0].value) + "".join(_step_str(s.kind, s.value) for s in steps[1:])


def _local_provider(r: Any) -> str:
    if r.provider_config_ref is not None:
        return str(r.provider_config_ref.name)
    return str(r.type.split("_")[0])


def _module_json(cfg: Config, schemas: SchemaLookup | None, prefix: str) -> dict[str, Any]:
    m = cfg.module
    out: dict[str, Any] = {}
    outputs = {}
    for name in sorted(m.outputs):
        o = m.outputs[name]
        od: dict[str, Any] = {}
        if o.sensitive:
            od["sensitive"] = True
        od["expression"] = expression_json(o.expr)
        if o.description:
            od["description"] = o.description
        if o.depends_on:
            od["depends_on"] = [_traversal_str(t) for t in o.depends_on]
        outputs[name] = od
    if outputs:
        out["outputs"] = outputs
    resources = []
    managed = sorted(m.managed_resources.values(), key=lambda r: f"{r.type}.{r.name}")
    data = sorted(m.data_resources.values(), key=lambda r: f"{r.type}.{r.name}")
    for r in managed + data:
        mode = r.mode.value
        addr = f"{r.type}.{r.name}" if mode == "managed" else f"data.{r.type}.{r.name}"
        rd: dict[str, Any] = {"address": addr, "mode": mode, "type": r.type, "name": r.name}
        local = _local_provider(r)
        alias = r.provider_config_ref.alias if r.provider_config_ref is not None else ""
        rd["provider_config_key"] = _opaque_key(f"{local}.{alias}" if alias else local, prefix)
        sch = schemas(mode, r.type) if schemas is not None else None
        if sch is not None:
            exprs = _body_expressions(r.config, sch[0])
            if exprs:
                rd["expressions"] = exprs
            rd["schema_version"] = sch[1]
        _opt_expr(rd, "count_expression", r.count)
        _opt_expr(rd, "for_each_expression", r.for_each)
        if r.depends_on:
            rd["depends_on"] = [_traversal_str(t) for t in r.depends_on]
        resources.append(rd)
    if resources:
        out["resources"] = resources
    calls = {}
    for name in sorted(m.module_calls):
        c = m.module_calls[name]
        cd: dict[str, Any] = {"source": c.source_addr_raw}
        attrs, _ = c.config.just_attributes()
        exprs = {
            k: expression_json(a.expr)
            for k, a in attrs.items()
            if k not in ("source", "version", "count", "for_each", "depends_on", "providers")
        }
        if exprs:
            cd["expressions"] = exprs
        _opt_expr(cd, "count_expression", c.count)
        _opt_expr(cd, "for_each_expression", c.for_each)
        child = cfg.children.get(name)
        if child is not None:
            cpath = f"{prefix}.module.{name}" if prefix else f"module.{name}"
            cd["module"] = _module_json(child, schemas, cpath)
        if c.version_raw:
            cd["version_constraint"] = c.version_raw
        if c.depends_on:
            cd["depends_on"] = [_traversal_str(t) for t in c.depends_on]
        calls[name] = cd
    if calls:
        out["module_calls"] = calls
    variables = {}
    for name in sorted(m.variables):
        v = m.variables[name]
        vd: dict[str, Any] = {}
        if v.default is not None:
            vd["default"] = to_py(v.default)
        if v.description:
            vd["description"] = v.description
        if v.sensitive:
            vd["sensitive"] = True
        variables[name] = vd
    if variables:
        out["variables"] = variables
    return out


def _opaque_key(provider: str, module_path: str) -> str:
    return f"{module_path}:{provider}" if module_path else provider


@dataclass
class _ProviderConfigs:
    """terraform's provider_config entries, each with the key of the configuration it is
    passed or inherited from (jsonconfig's parentKey): those are dropped at the end, and
    resources point at the source instead."""

    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    parents: dict[str, str] = field(default_factory=dict)

    def source_key(self, start: str, full_name: str) -> str:
        found, key = "", start
        while key:
            e = self.entries.get(key)
            if e is None or e["full_name"] != full_name:
                break
            found, key = key, self.parents.get(key, "")
        return found

    def normalise(self, module: dict[str, Any]) -> None:
        for r in module.get("resources", []):
            parent = self.parents.get(r["provider_config_key"], "")
            if parent in self.entries:
                r["provider_config_key"] = parent
        for call in module.get("module_calls", {}).values():
            self.normalise(call.get("module", {}))

    def result(self) -> dict[str, Any]:
        return {k: self.entries[k] for k in sorted(self.entries) if not self.parents.get(k)}


def _provider_configs(
    cfg: Config, path: str, provider_schemas: ProviderSchemaLookup | None, out: _ProviderConfigs, parent_path: str | None
) -> None:
    """jsonconfig's marshalProviderConfigs for one module and, recursively, its children:
    each provider block, each required provider (and alias) without one, each provider the
    module implies, and the configurations module calls pass."""
    from sheath.getproviders.requirements import requirements_by_module
    from sheath.getproviders.types import version_constraints_string

    m = cfg.module
    reqs = requirements_by_module(cfg).requirements

    def entry(name: str, fqn: Any, alias: str = "") -> dict[str, Any]:
        d: dict[str, Any] = {"name": name, "full_name": str(fqn)}
        if alias:
            d["alias"] = alias
        if path:
            d["module_address"] = path
        vc = version_constraints_string(reqs[fqn]) if fqn in reqs else ""
        if vc:
            d["version_constraint"] = vc
        return d

    def inherit(key: str, name: str, full_name: str) -> None:
        if parent_path is not None:
            parent = out.source_key(_opaque_key(name, parent_path), full_name)
            if parent:
                out.parents[key] = parent

    for key, pc in sorted(m.provider_configs.items()):
        fqn = m.implied_provider_for_local_name(pc.name)
        d = entry(pc.name, fqn, pc.alias)
        block = provider_schemas(str(fqn)) if provider_schemas is not None else None
        exprs = _body_expressions(pc.config, block) if block is not None else {}
        if exprs:
            d["expressions"] = exprs
        out.entries[_opaque_key(key, path)] = d
    required = m.provider_requirements.required_providers if m.provider_requirements is not None else {}
    for name, rp in sorted(required.items()):
        fqn = rp.type if rp.type is not None else m.implied_provider_for_local_name(name)
        for a in rp.aliases:
            key = _opaque_key(f"{name}.{a.alias}", path)
            if key not in out.entries:
                out.entries[key] = entry(name, fqn)
        key = _opaque_key(name, path)
        if key not in out.entries:
            out.entries[key] = entry(name, fqn)
            inherit(key, name, str(fqn))
    for fqn in sorted(reqs, key=str):
        key = _opaque_key(fqn.type, path)
        if key not in out.entries:
            out.entries[key] = entry(fqn.type, fqn)
            inherit(key, fqn.type, str(fqn))
    for name in sorted(m.module_calls):
        child = cfg.children.get(name)
        if child is None:
            continue
        child_path = f"{path}.module.{name}" if path else f"module.{name}"
        for passed in m.module_calls[name].providers:
            in_child = str(passed.in_child)
            fqn = child.module.implied_provider_for_local_name(passed.in_child.name)
            key = _opaque_key(in_child, child_path)
            out.entries[key] = {"name": in_child, "full_name": str(fqn), "module_address": child_path}
            parent = out.source_key(_opaque_key(str(passed.in_parent), path), str(fqn))
            if parent:
                out.parents[key] = parent
        _provider_configs(child, child_path, provider_schemas, out, path)


def configuration_json(
    config: Config, schemas: SchemaLookup | None = None, provider_schemas: ProviderSchemaLookup | None = None
) -> dict[str, Any]:
    configs = _ProviderConfigs()
    _provider_configs(config, "", provider_schemas, configs, None)
    root = _module_json(config, schemas, "")
    configs.normalise(root)
    providers = configs.result()
    out: dict[str, Any] = {}
    if providers:
        out["provider_config"] = providers
    out["root_module"] = root
    return out
