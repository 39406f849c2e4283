"""terraform providers lock and mirror, offline: choose each provider's version (the locked
one when the lock has it), find its package for a platform in one source (a filesystem
mirror), and compute the package's checksum, without installing anything."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from sheath.addrs.provider import Provider
from sheath.config.versions import Version
from sheath.depsfile.locks import Locks
from sheath.getproviders.hash import package_hash_h1
from sheath.getproviders.providercache import ProviderCacheDir
from sheath.getproviders.sources import SourceError
from sheath.getproviders.types import (
    PackageLocalDir,
    PackageMeta,
    Platform,
    Requirements,
    constraints_allow,
    newest_matching,
    version_constraints_string,
)


class VersionSource(Protocol):
    """What a filesystem mirror answers (sheath.getproviders.sources.FilesystemMirrorSource)."""

    def available_versions(self, provider: Provider) -> list[Version]: ...

    def package_meta(self, provider: Provider, version: Version, target: Platform) -> PackageMeta | None: ...


@dataclass
class PlatformResult:
    """One platform's selections: the locks it implies, and the providers that failed."""

    locks: Locks = field(default_factory=Locks)
    packages: dict[Provider, PackageMeta] = field(default_factory=dict)
    errors: dict[Provider, str] = field(default_factory=dict)

    def error_text(self) -> str:
        """terraform's InstallerError: one line per provider, by address."""
        lines = [f"- {p}: {self.errors[p]}" for p in sorted(self.errors, key=str)]
        return "some providers could not be installed:\n" + "\n".join(lines)


def select_version(p: Provider, requirements: Requirements, old: Locks, source: VersionSource) -> tuple[Version | None, str]:
    """The locked version when there is one (it must still match and be available), else
    the newest available one the constraints allow; the reason when there is none."""
    cs = requirements[p]
    try:
        versions = source.available_versions(p)
    except SourceError as e:
        return None, str(e)
    prev = old.provider(p)
    if prev is not None:
        if not constraints_allow(cs, prev.version):
            return None, (
                f"locked provider {p} {prev.version} does not match configured version constraint "
                f"{version_constraints_string(cs)}; must use terraform init -upgrade to allow selection of new versions"
            )
        if not any(str(v) == str(prev.version) for v in versions):
            return None, f"the previously-selected version {prev.version} is no longer available"
        return prev.version, ""
    best = newest_matching(versions, cs)
    if best is None:
        cs_str = version_constraints_string(cs)
        return None, "no available releases match the given constraints" + (f" {cs_str}" if cs_str else "")
    return best, ""


def lock_for_platform(
    requirements: Requirements,
    old: Locks,
    source: VersionSource,
    platform: Platform,
    *,
    cache: ProviderCacheDir | None = None,
    fetching: Callable[[Provider, Version], None] | None = None,
    retrieved: Callable[[Provider, Version], None] | None = None,
) -> PlatformResult:
    """Each required provider's version and package for platform, hashed (h1:) as terraform
    hashes a package it fetched; with a plugin cache, a package already there is used as it
    is (no fetch) and a fetched one is put there."""
    res = PlatformResult()
    selected: dict[Provider, Version] = {}
    for p in sorted(requirements, key=str):
        v, why = select_version(p, requirements, old, source)
        if v is None:
            res.errors[p] = why
        else:
            selected[p] = v
    for p, v in selected.items():
        cached = cache.provider_version(p, v) if cache is not None else None
        if cached is not None:
            res.locks.set_provider(p, v, requirements[p], [package_hash_h1(PackageLocalDir(cached.package_dir))])
            continue
        meta = source.package_meta(p, v, platform)
        if meta is None:
            res.errors[p] = f"provider {p} {v} is not available for {platform}"
            continue
        if fetching is not None:
            fetching(p, v)
        location = meta.location
        if cache is not None:
            try:
                location = PackageLocalDir(cache.install(p, v, meta.location).package_dir)
            except OSError as e:
                res.errors[p] = f"failed to install into the plugin cache: {e}"
                continue
        res.packages[p] = meta
        res.locks.set_provider(p, v, requirements[p], [package_hash_h1(location)])
        if retrieved is not None:
            retrieved(p, v)
    return res
