"""OpenTofu's provider instances: checks on references to provider configurations with for_each.

A provider configuration with `for_each` (OpenTofu 1.9) has one instance per element; a
`resource`/`data`/`ephemeral` block or a module call's `providers` entry chooses one with
`NAME.ALIAS[KEY]`. These are OpenTofu's configuration-time checks of those references
(its ProviderConfigRef.InstanceValidation), and of what a for_each may refer to: it is
evaluated before anything is planned, so only from variables, locals, `path` and
`terraform.workspace` (OpenTofu's static evaluation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sheath.config.common import ProviderConfigRef
from sheath.diag import Diagnostics
from sheath.lang import hcl

if TYPE_CHECKING:
    from sheath.config.module import Module


def instance_validation(ref: ProviderConfigRef, block_type: str, instanced: bool, has_config: bool) -> Diagnostics:
    """OpenTofu's checks of one reference: an instance key only for a configuration with
    for_each, and always one for such a configuration."""
    diags = Diagnostics()
    summary = f"Invalid {block_type} provider configuration"
    if ref.key_expr is not None:
        if not ref.alias:
            diags.add_error(
                summary,
                "An instance key can be specified only for a provider configuration which has an alias and uses for_each.",
                ref.key_expr.range,
            )
        elif not instanced:
            if not has_config:
                diags.add_error(
                    summary,
                    f'This module doesn\'t declare a provider "{ref.name}" block with alias = "{ref.alias}", which is '
                    "required for use with for_each.",
                    ref.name_range,
                )
            else:
                diags.add_error(
                    summary,
                    "An instance key can be specified only for a provider configuration that uses for_each.",
                    ref.key_expr.range,
                )
    elif instanced:
        diags.add_error(
            summary,
            "A reference to a provider configuration which uses for_each requires an instance key. Passing a "
            "collection of provider instances into a child module is not allowed.",
            ref.name_range,
        )
    return diags


def validate_provider_instances(mod: "Module", configured: set[str], module_path: str) -> Diagnostics:
    """Every provider instance reference in one module against its provider blocks."""
    diags = Diagnostics()
    instanced = {pc.module_key() for pc in mod.provider_configs.values() if pc.for_each is not None}
    for pc in mod.provider_configs.values():
        if pc.for_each is not None:
            subject = f"provider.{pc.name}.{pc.alias}.for_each"
            diags.extend(static_references(mod, pc.for_each, f"{module_path}:{subject}" if module_path else subject))
    for call in mod.module_calls.values():
        for passed in call.providers:
            ref = passed.in_parent
            name = f"{ref.name}.{ref.alias}" if ref.alias else ref.name
            diags.extend(instance_validation(ref, "module", name in instanced, name in configured))
    for r in mod.all_resources():
        rref = r.provider_config_ref
        if rref is None:
            continue
        name = f"{rref.name}.{rref.alias}" if rref.alias else rref.name
        diags.extend(instance_validation(rref, "resource", name in instanced, name in configured))
    return diags


def static_references(
    mod: "Module", expr: hcl.Expression, top: str, seen: frozenset[str] = frozenset()
) -> Diagnostics:
    """OpenTofu's static evaluation: a provider's for_each may refer to variables, locals
    (themselves static), path and terraform attributes only; anything else is "Dynamic value
    in static context" (a module output: "Module output not supported in static context"),
    and a local that is not static adds "Unable to compute static value"."""
    from sheath.addrs.referenceable import InputVariable, LocalValue, PathAttr, TerraformAttr, parse_ref

    diags = Diagnostics()
    for trav in expr.variables():
        ref, _ = parse_ref(trav)
        if ref is None:
            continue
        s = ref.subject
        if isinstance(s, (InputVariable, PathAttr, TerraformAttr)):
            continue
        if isinstance(s, LocalValue):
            local = mod.locals.get(s.name)
            if local is None or s.name in seen:
                continue  # "Reference to undeclared local value", reported by validation
            inner = static_references(mod, local.expr, _prefixed(top, f"local.{s.name}"), seen | {s.name})
            if inner.has_errors():
                diags.extend(inner)
                diags.add_error(
                    "Unable to compute static value",
                    f"{top} depends on local.{s.name} which is not available",
                    expr.range,
                )
            continue
        summary = "Module output not supported in static context" if "Output" in type(s).__name__ else "Dynamic value in static context"
        diags.add_error(
            summary,
            f"Unable to use {s} in static context, which is required by {top}",
            ref.source_range,
        )
    return diags


def _prefixed(top: str, subject: str) -> str:
    """OpenTofu's StaticIdentifier text: the module's address, a colon, the subject."""
    return f"{top.split(':', 1)[0]}:{subject}" if ":" in top else subject
