"""Checks other commands (plan, apply, validate...) make before using providers, as
terraform does: every locked provider must be installed in .terraform/providers and
match the lock's checksums, and the lock must agree with the configuration."""

from __future__ import annotations

import os
from typing import Container, Mapping

from sheath.addrs.provider import Provider
from sheath.depsfile.locks import Locks
from sheath.diag import Diagnostics
from sheath.getproviders.hash import FileHasher, package_matches_any_hash, sha256_file
from sheath.getproviders.providercache import CachedProvider, ProviderCacheDir
from sheath.getproviders.types import (
    PackageLocalDir,
    Platform,
    Requirements,
    constraints_allow,
    current_platform,
    version_constraints_string,
)


def installed_provider_problems(
    locks: Locks,
    workdir: str,
    *,
    dev_overrides: Container[Provider] = (),
    skip: Container[Provider] = (),
    env: Mapping[str, str] | None = None,
    platform: Platform | None = None,
    file_sha256: FileHasher = sha256_file,
) -> tuple[dict[Provider, CachedProvider], dict[Provider, str]]:
    """The installed package of every locked provider, verified against the lock's
    checksums, and what is wrong with each of the others (terraform's words).
    Providers with development overrides or in `skip` are not looked up."""
    e = os.environ if env is None else env
    data_dir = e.get("TF_DATA_DIR") or ".terraform"
    shown = os.path.join(data_dir, "providers")
    cache = ProviderCacheDir(os.path.join(workdir, shown), platform or current_platform())
    out: dict[Provider, CachedProvider] = {}
    problems: dict[Provider, str] = {}
    for p in sorted(locks.providers, key=str):
        if p in dev_overrides or p in skip or p.is_builtin():
            continue
        lock = locks.providers[p]
        cached = cache.provider_version(p, lock.version)
        if cached is None:
            problems[p] = f"there is no package for {p} {lock.version} cached in {shown}"
            continue
        if lock.hashes and not package_matches_any_hash(
            PackageLocalDir(cached.package_dir), lock.hashes, file_sha256=file_sha256
        ):
            problems[p] = (
                f"the cached package for {p} {lock.version} (in {shown}) does not match any of the "
                "checksums recorded in the dependency lock file"
            )
            continue
        out[p] = cached
    return out, problems


def required_plugins_diagnostics(problems: Mapping[Provider, str], in_automation: bool = False) -> Diagnostics:
    """terraform's "Required plugins are not installed" (every command that opens a backend)."""
    diags = Diagnostics()
    if problems:
        listing = "".join(f"\n  - {p}: {problems[p]}" for p in sorted(problems, key=str))
        suggestion = (
            "You must install the required plugins before running Terraform operations."
            if in_automation
            else "To download the plugins required for this configuration, run:\n  terraform init"
        )
        diags.add_error(
            "Required plugins are not installed",
            "The installed provider plugins are not consistent with the packages selected in the dependency "
            f"lock file:{listing}\n\nTerraform uses external plugins to integrate with a variety of different "
            f"infrastructure services. {suggestion}",
        )
    return diags


def installed_providers(
    locks: Locks,
    workdir: str,
    *,
    dev_overrides: Container[Provider] = (),
    skip: Container[Provider] = (),
    env: Mapping[str, str] | None = None,
    platform: Platform | None = None,
) -> tuple[dict[Provider, CachedProvider], Diagnostics]:
    """installed_provider_problems, with the problems as terraform's diagnostic."""
    out, problems = installed_provider_problems(
        locks, workdir, dev_overrides=dev_overrides, skip=skip, env=env, platform=platform
    )
    return out, required_plugins_diagnostics(problems)


def check_lock_consistency(
    requirements: Requirements,
    locks: Locks,
    *,
    dev_overrides: Container[Provider] = (),
    skip: Container[Provider] = (),
) -> Diagnostics:
    """Whether the lock file satisfies the configuration's requirements
    ("Inconsistent dependency lock file", terraform's words, when not)."""
    problems = lock_consistency_problems(requirements, locks, dev_overrides=dev_overrides, skip=skip)
    diags = Diagnostics()
    if problems:
        listing = "".join(f"\n  - {x}" for x in problems)
        if locks.empty():
            hint = (
                "To make the initial dependency selections that will initialize the dependency lock file, run:\n"
                "  terraform init"
            )
        else:
            hint = "To update the locked dependency selections to match a changed configuration, run:\n  terraform init -upgrade"
        diags.add_error(
            "Inconsistent dependency lock file",
            "The following dependency selections recorded in the lock file are inconsistent with the current "
            f"configuration:{listing}\n\n{hint}",
        )
    return diags


def lock_consistency_problems(
    requirements: Requirements,
    locks: Locks,
    *,
    dev_overrides: Container[Provider] = (),
    skip: Container[Provider] = (),
) -> list[str]:
    """terraform's Config.VerifyDependencySelections: what the lock file fails to select."""
    problems: list[str] = []
    for p in sorted(requirements, key=str):
        if p in dev_overrides or p in skip or p.is_builtin():
            continue
        lock = locks.provider(p)
        cs = requirements[p]
        if lock is None:
            problems.append(f"provider {p}: required by this configuration but no version is selected")
        elif not constraints_allow(cs, lock.version):
            problems.append(
                f"provider {p}: locked version selection {lock.version} doesn't match the updated version "
                f'constraints "{version_constraints_string(cs)}"'
            )
    return problems
