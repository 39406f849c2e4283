"""``plan -generate-config-out``: import blocks whose target resource has no
configuration get one, generated from the imported object (as terraform does).

Before the walk, each such target becomes a resource of the root module with an
empty body (``with_generation_targets``); when the planner has imported and read
the object, the body is generated from it (``generate_for_import``) and the
resource is planned with it. After the plan, ``write_generated`` writes the blocks
to the file."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sheath import diag
from sheath.addrs import ResourceMode
from sheath.addrs.instance_key import InstanceKey, IntKey, StringKey
from sheath.config.loader import Config
from sheath.config.module import Module
from sheath.config.refactoring import Import
from sheath.config.resource import RESOURCE_SCHEMA, ManagedResource, Resource
from sheath.diag import Diagnostics
from sheath.lang.hclsyntax import parse_config
from sheath.plans.model import Plan, ResourceInstanceChange
from sheath.providers.schema import Block
from sheath.types.cty import Value

if TYPE_CHECKING:
    from sheath.genconfig import GeneratedChange, ProviderRef


@dataclass(slots=True)
class GenerationTarget:
    """An import target that gets generated configuration."""

    address: str
    resource: Resource
    provider: ProviderRef
    import_id: str = ""
    generated: str = ""
    """The whole generated resource block, once the object is imported."""


def with_generation_targets(config: Config, out_path: str) -> tuple[Config, dict[str, GenerationTarget]]:
    """A copy of the configuration in which every root import block naming an
    undeclared resource (a single instance) declares it with an empty body."""
    root = config.module
    targets: dict[str, GenerationTarget] = {}
    added: dict[str, Resource] = {}
    for imp in root.imports:
        tr = imp.to_resource
        if tr is None or tr.module.steps or imp.for_each is not None:
            continue
        rel = tr.resource.resource
        if rel.mode is not ResourceMode.MANAGED or tr.resource.key is not None:
            continue
        key = str(rel)
        if key in root.managed_resources or key in added:
            continue
        empty, _ = parse_config(b"", os.path.basename(out_path))
        r = Resource(
            mode=ResourceMode.MANAGED,
            type=rel.type,
            name=rel.name,
            config=empty.body,
            decl_range=imp.decl_range,
            type_range=imp.decl_range,
            provider_config_ref=imp.provider_config_ref,
            managed=ManagedResource(),
        )
        local = imp.provider_config_ref.name if imp.provider_config_ref is not None else r.provider_local_name()
        r.provider = root.implied_provider_for_local_name(local)
        alias = imp.provider_config_ref.alias if imp.provider_config_ref is not None else ""
        added[key] = r
        from sheath.genconfig import ProviderRef

        targets[str(tr)] = GenerationTarget(str(tr), r, ProviderRef(r.provider.type, alias))
    if not added:
        return config, targets
    module = replace(root, managed_resources={**root.managed_resources, **added})
    return replace(config, module=module), targets


def generate_for_import(target: GenerationTarget, import_id: str, schema: Block, obj: Value, out_path: str) -> Diagnostics:
    """Generate the target's configuration from the imported object and make it the
    resource's body (its arguments that are not the provider's, such as ``provider``,
    left out as the configuration loader leaves them out)."""
    from sheath.genconfig import resource_contents, wrap_resource_contents

    contents, diags = resource_contents(target.address, target.resource.type, schema, target.provider, obj.unmark_deep()[0])
    target.import_id = import_id
    target.generated = wrap_resource_contents(target.resource.type, target.resource.name, contents)
    f, pd = parse_config(contents.encode("utf-8", "surrogateescape"), os.path.basename(out_path))
    diags.extend(pd)
    if pd.has_errors():
        return diags
    _, remain, cd = f.body.partial_content(RESOURCE_SCHEMA)
    diags.extend(cd)
    if not cd.has_errors():
        target.resource.config = remain
    return diags


def write_generated(
    changes: Iterable[ResourceInstanceChange], targets: Iterable[GenerationTarget], out_path: str
) -> tuple[bool, Diagnostics]:
    """Write the plan's generated configuration to out_path: each change's, in the
    plan's order, then (without an import id, as terraform's placeholder change has
    none) the configuration of targets whose planning failed after the import."""
    from sheath.genconfig import GeneratedChange, write_generated_config

    out: list[GeneratedChange] = []
    seen: set[str] = set()
    for c in changes:
        seen.add(c.address)
        out.append(GeneratedChange(c.address, c.importing.id if c.importing is not None else "", c.generated_config))
    for t in targets:
        if t.generated and t.address not in seen:
            out.append(GeneratedChange(t.address, "", t.generated))
    return write_generated_config(out, out_path)


_NOT_GENERATABLE = (
    "The given import block is not compatible with config generation. The -generate-config-out option cannot be used "
    "with import blocks which use for_each, or resources which use for_each or count."
)


def import_target_diagnostics(module: Module, imp: Import, keys: Sequence[InstanceKey] | None) -> Diagnostics:
    """terraform's validation of a (root) import block's target: a target without
    configuration must be one config could be generated for (no instance key, no
    for_each), and each instance key must agree with the resource's count or for_each.
    keys are the target's keys under the block's for_each (None without for_each; empty
    when they are not known), from which the expansion is checked."""
    diags = Diagnostics()
    if imp.to is None:
        return diags
    tr = imp.to_resource
    config = None
    if tr is not None:
        rel = tr.resource.resource
        config = module.managed_resources.get(str(rel)) if not tr.module.steps else None
        if config is None and not tr.module.steps and (tr.resource.key is not None or imp.for_each is not None):
            diags.append(diag.error("Configuration for import target does not exist", _NOT_GENERATABLE, imp.to.range))
            return diags
    elif keys:
        base = _import_base(imp)
        config = module.managed_resources.get(base) if base is not None else None
    if tr is not None and tr.module.steps:
        return diags
    for key in keys if keys is not None else ([tr.resource.key] if tr is not None else []):
        d = _expansion_diagnostic(config, key)
        if d:
            diags.append(diag.error("Invalid import 'to' expression", d, imp.to.range))
            return diags
    return diags


def _import_base(imp: Import) -> str | None:
    from sheath.addrs.parse import parse_abs_resource
    from sheath.lang.hclsyntax import ast

    to = imp.to
    if isinstance(to, ast.IndexExpr) and isinstance(to.collection, ast.ScopeTraversalExpr):
        base, _ = parse_abs_resource(to.collection.traversal)
        if base is not None and base.module.is_root():
            return str(base.resource)
    return None


def _expansion_diagnostic(config: Resource | None, key: InstanceKey) -> str:
    for_each = config is not None and config.for_each is not None
    count = config is not None and config.count is not None
    if isinstance(key, StringKey):
        return "" if for_each else "The target resource does not use for_each."
    if isinstance(key, IntKey):
        return "" if count else "The target resource does not use count."
    if for_each:
        return "The target resource is using for_each."
    if count:
        return "The target resource is using count."
    return ""


def generated_config_note(plan: Plan, out_path: str) -> str:
    """The human plan's closing note about the generated file (after the horizontal
    rule, before the note about -out), or "" when no configuration was written."""
    if not out_path or not any(c.generated_config for c in plan.changes):
        return ""
    from sheath.genconfig.write import next_step_note

    return next_step_note(out_path)


__all__ = ["GenerationTarget", "generated_config_note", "import_target_diagnostics", "generate_for_import", "with_generation_targets", "write_generated"]
