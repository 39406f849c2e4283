"""Checks terraform init makes that are not about installing anything."""

from __future__ import annotations

from sheath.config import Config
from sheath.diag import Diagnostics


def builtin_provider_requirements(cfg: Config) -> Diagnostics:
    """Built-in providers named in required_providers: only "terraform" exists, and it takes no version."""
    found: dict[str, str] = {}
    for node in cfg.all_modules():
        reqs = node.module.provider_requirements
        for req in reqs.required_providers.values() if reqs is not None else []:
            p = req.type
            if p is None or not p.is_builtin():
                continue
            if p.type != "terraform":
                found[str(p)] = f'Cannot use {p}: this Terraform release has no built-in provider named "{p.type}".'
            elif req.requirement is not None and req.requirement.items:
                found[str(p)] = f"Cannot use {p}: built-in providers do not support explicit version constraints."
    diags = Diagnostics()
    for key in sorted(found):
        diags.add_error("Invalid dependency on built-in provider", found[key])
    return diags
