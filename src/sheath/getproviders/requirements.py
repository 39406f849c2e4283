"""Collect provider requirements from a loaded module tree, as terraform's
Config.ProviderRequirements does: required_providers entries with their constraints in
every module, plus providers that resources and provider blocks imply."""

from __future__ import annotations

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
