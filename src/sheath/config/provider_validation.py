"""Provider configurations across module boundaries (terraform's validateProviderConfigs).

Run on the whole module tree once it is loaded: which provider configurations a module
declares, requires (configuration_aliases) and is passed by its caller, and whether
those agree — "Provider type mismatch", "Cannot override provider configuration",
"Missing required provider configuration", "Reference to undefined provider",
"Module is incompatible with count, for_each, and depends_on", "Duplicate required
provider" and the "Redundant empty provider block" deprecation warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sheath.addrs.provider import Provider as ProviderAddr, implied_provider_for_unqualified_type, new_default_provider
from sheath.config.common import ProviderConfigRef, range_str
from sheath.config.module_call import ModuleCall, PassedProviderConfig
from sheath.config.provider_instances import validate_provider_instances
from sheath.diag import Diagnostics, Range
from sheath.lang import hcl

if TYPE_CHECKING:
    from sheath.config.loader import Config


def _is_default(p: ProviderAddr) -> bool:
    return p.is_default()


def _name(ref: ProviderConfigRef) -> str:
    return f"{ref.name}.{ref.alias}" if ref.alias else ref.name


@dataclass
class _Suggestion:
    source: ProviderAddr
    ranges: list[Range] = field(default_factory=list)
    configs: list[str] = field(default_factory=list)
    aliases: int = 0


def validate_provider_configs(
    cfg: "Config", parent: "Config | None" = None, call: ModuleCall | None = None, no_config: Range | None = None
) -> Diagnostics:
    diags = Diagnostics()
    mod = cfg.module
    for name, child in cfg.children.items():
        mc = mod.module_calls.get(name)
        if mc is None:
            continue
        child_no_config = no_config
        if mc.count is not None:
            child_no_config = mc.count.range
        elif mc.for_each is not None:
            child_no_config = mc.for_each.range
        elif mc.depends_on:
            child_no_config = mc.depends_on[-1].range
        diags.extend(validate_provider_configs(child, cfg, mc, child_no_config))

    passed_in: dict[str, PassedProviderConfig] = {}
    empty: dict[str, Range] = {}
    configured: dict[str, Range] = {}
    config_aliases: dict[str, ProviderAddr] = {}
    local_names: dict[str, ProviderAddr] = {}

    for pc in mod.provider_configs.values():
        key = f"{pc.name}.{pc.alias}" if pc.alias else pc.name
        _, d = pc.config.content(hcl.BodySchema())
        if d.has_errors() or pc.version is not None:
            configured[key] = pc.decl_range
        else:
            empty[key] = pc.decl_range
    diags.extend(validate_provider_instances(mod, set(configured), str(cfg.path) if cfg.path.names else ""))

    if mod.provider_requirements is not None:
        local_types: set[str] = set()
        for req in mod.provider_requirements.required_providers.values():
            if req.type is None:
                continue
            if str(req.type) in local_types:
                prev = ""
                for ln, typ in local_names.items():
                    if typ == req.type:
                        prev = ln
                diags.add_warning(
                    "Duplicate required provider",
                    f'Provider {req.type.for_display()} with the local name "{req.name}" was previously required as '
                    f'"{prev}". A provider can only be required once within required_providers.',
                    req.decl_range,
                )
            elif _is_default(req.type):
                type_name = req.type.type
                for pc in mod.provider_configs.values():
                    if pc.name == type_name and req.name != type_name:
                        diags.add_warning(
                            "Duplicate required provider",
                            f'Provider {req.type.for_display()} with the local name "{req.name}" was implicitly '
                            f'required via a configuration block as "{type_name}". The provider configuration block '
                            "name must match the name used in required_providers.",
                            req.decl_range,
                        )
                        break
            local_types.add(str(req.type))
            local_names[req.name] = req.type
            for alias in req.aliases:
                config_aliases[f"{alias.local_name}.{alias.alias}" if alias.alias else alias.local_name] = req.type

    for r in mod.all_resources():
        if r.provider_config_ref is not None:
            continue
        implied_name = r.type.split("_", 1)[0]
        if implied_name in local_names:
            continue
        implied = implied_provider_for_unqualified_type(implied_name)
        for prev, addr in local_names.items():
            if addr == implied:
                diags.add_warning(
                    "Duplicate required provider",
                    f'Provider "{implied}" was implicitly required via resource "{r.addr()}", but listed in '
                    f'required_providers as "{prev}". Either the local name in required_providers must match the '
                    f'resource name, or the "{prev}" provider must be assigned within the resource block.',
                    r.decl_range,
                )

    if call is not None:
        for passed in call.providers:
            passed_in[_name(passed.in_child)] = passed

    module_text = "the root module" if cfg.path.is_root() else str(cfg.path)
    parent_text = "the root module"
    if parent is not None and not parent.path.is_root():
        parent_text = str(parent.path)

    for mc in mod.module_calls.values():
        for passed in mc.providers:
            if passed.in_parent.alias:
                continue
            name = str(passed.in_parent)
            conf_ok = name in configured
            local_ok = name in local_names
            passed_ok = name in passed_in
            if not (conf_ok or local_ok):
                default = new_default_provider(name)
                diags.add_warning(
                    "Reference to undefined provider",
                    f'There is no explicit declaration for local provider name "{name}" in {module_text}, so '
                    f'Terraform is assuming you mean to pass a configuration for provider "{default.for_display()}".'
                    f"\n\nTo clarify your intent and silence this warning, add to {parent_text} a required_providers "
                    f'entry named "{name}" with source = "{default.for_display()}", or a different source address if '
                    "appropriate.",
                    passed.in_parent.name_range,
                )
                continue
            if not cfg.path.is_root() and not (conf_ok or passed_ok) and call is not None:
                default = new_default_provider(name)
                diags.add_warning(
                    "Missing required provider configuration",
                    f"The configuration for {module_text} expects to inherit a configuration for provider "
                    f'{default.for_display()} with local name "{name}", but {parent_text} doesn\'t pass a '
                    f'configuration under that name.\n\nTo satisfy this requirement, add an entry for "{name}" to '
                    f'the "providers" argument in the module "{call.name}" block.',
                    call.decl_range,
                )

    if cfg.path.is_root() or parent is None or call is None:
        return diags

    if configured and no_config is not None:
        for _ in configured:
            diags.add_error(
                "Module is incompatible with count, for_each, and depends_on",
                f"The module at {cfg.path} is a legacy module which contains its own local provider "
                "configurations, and so calls to it may not use the count, for_each, or depends_on arguments."
                f'\n\nIf you also control the module "{cfg.source_addr}", consider updating this module to '
                "instead expect provider configurations to be passed by its caller.",
                no_config,
            )

    for name in configured:
        if name in passed_in:
            diags.add_error(
                "Cannot override provider configuration",
                f"The configuration of {module_text} has its own local configuration for {name}, and so it cannot "
                f"accept an overridden configuration provided by {parent_text}.",
                passed_in[name].in_child.name_range,
            )

    for name, addr in config_aliases.items():
        if name in configured or name in passed_in:
            continue
        diags.add_error(
            "Missing required provider configuration",
            f"The child module requires an additional configuration for provider {addr.for_display()}, with the "
            f'local name "{name}".\n\nRefer to the module\'s documentation to understand the intended purpose of '
            f"this additional provider configuration, and then add an entry for {name} in the \"providers\" "
            "meta-argument in the module block to choose which provider configuration the module should use for "
            "that purpose.",
            call.decl_range,
        )

    parent_reqs = parent.module.provider_requirements
    for name, passed in passed_in.items():
        child_req = mod.provider_requirements.required_providers.get(passed.in_child.name) if mod.provider_requirements else None
        child_ty = child_req.type if child_req is not None and child_req.type is not None else None
        provider = child_ty or new_default_provider(passed.in_child.name)
        local_addr = local_names.get(name)
        if local_addr is not None:
            provider = local_addr
        alias_addr = config_aliases.get(name)
        if alias_addr is not None:
            provider = alias_addr
        if not (local_addr is not None or alias_addr is not None or name in empty):
            if _is_default(provider):
                diags.add_warning(
                    "Reference to undefined provider",
                    f'There is no explicit declaration for local provider name "{name}" in {module_text}, so '
                    f'Terraform is assuming you mean to pass a configuration for "{provider.for_display()}".\n\n'
                    f'If you also control the child module, add a required_providers entry named "{name}" with the '
                    f'source address "{provider.for_display()}".',
                    passed.in_child.name_range,
                )
            else:
                diags.add_error(
                    "Reference to undefined provider",
                    f'The child module does not declare any provider requirement with the local name "{name}".\n\n'
                    f'If you also control the child module, you can add a required_providers entry named "{name}" '
                    f'with the source address "{provider.for_display()}" to accept this provider configuration.',
                    passed.in_child.name_range,
                )
        parent_req = parent_reqs.required_providers.get(passed.in_parent.name) if parent_reqs else None
        parent_ty = parent_req.type if parent_req is not None and parent_req.type is not None else None
        parent_provider = parent_ty or new_default_provider(passed.in_parent.name)
        if parent_reqs is not None:
            named = parent_reqs.required_providers.get(name)
            if named is not None and named.type is not None:
                parent_provider = named.type
        if provider != parent_provider:
            other = next((ln for ln, a in local_names.items() if a == parent_provider), "")
            if other:
                diags.add_error(
                    "Provider type mismatch",
                    f'The assigned configuration is for provider "{parent_provider.for_display()}", but local name '
                    f'"{passed.in_child.name}" in {parent_text} represents "{provider.for_display()}".\n\nTo pass '
                    f'this configuration to the child module, use the local name "{other}" instead.',
                    passed.in_child.name_range,
                )
            else:
                diags.add_error(
                    "Provider type mismatch",
                    f'The local name "{passed.in_parent}" in {parent_text} represents provider '
                    f'"{parent_provider.for_display()}", but "{passed.in_child}" in {module_text} represents '
                    f'"{provider.for_display()}".\n\nEach provider has its own distinct configuration schema and '
                    f'provider types, so this module\'s "{passed.in_child}" can be assigned only a configuration for '
                    f"{provider.for_display()}, which is not required by {module_text}.",
                    passed.in_parent.name_range,
                )

    suggestions: dict[str, _Suggestion] = {}
    for name, rng in empty.items():
        local_name = name.split(".", 1)[0]
        source = local_names.get(name) or new_default_provider(local_name)
        s = suggestions.setdefault(local_name, _Suggestion(source))
        if local_name != name:
            s.aliases += 1
        s.configs.append(name)
        s.ranges.append(rng)
    for local, s in suggestions.items():
        lines = [
            'Earlier versions of Terraform used empty provider blocks ("proxy provider configurations") for child '
            "modules to declare their need to be passed a provider configuration by their callers. That approach "
            "was ambiguous and is now deprecated.\n\nIf you control this module, you can migrate to the new "
            f'declaration syntax by removing all of the empty provider "{local}" blocks and then adding or updating '
            f"an entry like the following to the required_providers block of {module_text}:",
            f"    {local} = {{",
            f'      source = "{s.source.for_display()}"',
        ]
        if s.aliases:
            lines.append("      configuration_aliases = [")
            lines += [f"        {c}," for c in sorted(s.configs)]
            lines.append("      ]")
        lines.append("    }")
        diags.add_warning("Redundant empty provider block", "\n".join(lines), min(s.ranges, key=range_str))
    return diags
