"""Checks terraform init makes that are not about installing anything."""

from __future__ import annotations

import json
import os

from sheath.addrs.provider import parse_abs_provider_config_str
from sheath.backend.config import data_dir
from sheath.backend.current import current_workspace
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


def legacy_provider_addresses(root_dir: str) -> Diagnostics:
    """The local state naming providers by pre-0.13 unqualified addresses (registry.terraform.io/-/null):
    terraform refuses to initialise until the 0.13 upgrade is done."""
    ws = current_workspace(root_dir)
    path = os.path.join(root_dir, "terraform.tfstate")
    if ws != "default":
        path = os.path.join(root_dir, "terraform.tfstate.d", ws, "terraform.tfstate")
    try:
        with open(path, "rb") as fh:
            doc = json.loads(fh.read())
    except (OSError, ValueError):
        return Diagnostics()
    legacy: set[str] = set()
    for r in doc.get("resources", []) if isinstance(doc, dict) else []:
        provider = r.get("provider") if isinstance(r, dict) else None
        if not isinstance(provider, str):
            continue
        cfg = parse_abs_provider_config_str(provider)
        if cfg is not None and cfg.provider.is_legacy():
            legacy.add(cfg.provider.type)
    diags = Diagnostics()
    for name in sorted(legacy):
        diags.add_error(
            "Invalid legacy provider address",
            f'This configuration or its associated state refers to the unqualified provider "{name}".\n\n'
            "You must complete the Terraform 0.13 upgrade process before upgrading to later versions.",
        )
    return diags


def legacy_remote_state(root_dir: str) -> Diagnostics:
    """A .terraform/terraform.tfstate from before terraform 0.9 (a "remote" section) cannot be read."""
    diags = Diagnostics()
    try:
        with open(os.path.join(root_dir, data_dir(), "terraform.tfstate"), "rb") as fh:
            doc = json.loads(fh.read())
    except (OSError, ValueError):
        return diags
    remote = doc.get("remote") if isinstance(doc, dict) else None
    if isinstance(remote, dict) and remote.get("type"):
        diags.add_error(
            "Failed to load state: this working directory uses legacy remote state and so must first be upgraded "
            "using Terraform v0.9",
            "",
        )
    return diags
