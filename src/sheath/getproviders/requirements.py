"""Collect provider requirements from a loaded module tree, as terraform's
Config.ProviderRequirements does: required_providers entries with their constraints in
every module, plus providers that resources and provider blocks imply."""

from __future__ import annotations

from dataclasses import dataclass, field

from sheath.addrs.provider import Provider
from sheath.config.loader import Config
from sheath.config.versions import Constraint
from sheath.getproviders.types import Requirements


def requirements_from_config(config: Config) -> Requirements:
    out: Requirements = {}

    def add(p: Provider | None, cs: tuple[Constraint, ...] = ()) -> None:
        if p is None or p.is_builtin():
            return
        out[p] = out.get(p, ()) + cs

    for node in config.all_modules():
        m = node.module
        if m.provider_requirements is not None:
            for req in m.provider_requirements.required_providers.values():
                add(req.type, req.requirement.items if req.requirement is not None else ())
        for pc in m.provider_configs.values():
            add(m.implied_provider_for_local_name(pc.name))
        for r in m.all_resources():
            add(r.provider)
    return out


@dataclass
class ModuleRequirements:
    """One module's own provider requirements and its children's (terraform's ModuleRequirements)."""

    name: str
    requirements: Requirements = field(default_factory=dict)
    children: dict[str, "ModuleRequirements"] = field(default_factory=dict)


def requirements_by_module(config: Config, name: str = "") -> ModuleRequirements:
    """Config.ProviderRequirementsByModule: explicit requirements with their constraints, then the
    providers resources and provider blocks imply (builtin providers included), module by module."""
    reqs: Requirements = {}
    m = config.module
    if m.provider_requirements is not None:
        for req in m.provider_requirements.required_providers.values():
            if req.type is None:
                continue
            reqs[req.type] = reqs.get(req.type, ()) + (req.requirement.items if req.requirement is not None else ())
    for r in m.all_resources():
        if r.provider is not None and r.provider not in reqs:
            reqs[r.provider] = ()
    for pc in m.provider_configs.values():
        p = m.implied_provider_for_local_name(pc.name)
        if p not in reqs:
            reqs[p] = ()
    out = ModuleRequirements(name, reqs)
    for child_name, child in config.children.items():
        out.children[child_name] = requirements_by_module(child, child_name)
    return out
