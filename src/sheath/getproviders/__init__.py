"""Provider installation, terraform's offline paths: filesystem mirrors (packed and
unpacked), include/exclude selection, version selection, h1:/zh: package hashes, the
provider cache directories, and install_providers for `sheath init`. The origin
registry and network mirrors are never contacted."""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sheath.getproviders.hash import hash_dir_h1, hash_zip_h1, hash_zip_zh, package_hash_h1, package_matches_any_hash
    from sheath.getproviders.providercache import CachedProvider, ProviderCacheDir
    from sheath.getproviders.sources import (
        DirectSource,
        FilesystemMirrorSource,
        MultiSource,
        MultiSourceSelector,
        ProviderPattern,
        parse_provider_pattern,
    )
    from sheath.getproviders.types import (
        PackageLocalArchive,
        PackageLocalDir,
        PackageMeta,
        Platform,
        Requirements,
        current_platform,
        make_requirements,
        merge_requirements,
        version_constraints_string,
    )
    from sheath.getproviders.installer import LOCK_CHANGED_MESSAGE, LOCK_CREATED_MESSAGE, InstallResult, install_providers
    from sheath.getproviders.requirements import requirements_from_config
    from sheath.getproviders.verify import check_lock_consistency, installed_providers

_LAZY = {
    "hash_dir_h1": "sheath.getproviders.hash",
    "hash_zip_h1": "sheath.getproviders.hash",
    "hash_zip_zh": "sheath.getproviders.hash",
    "package_hash_h1": "sheath.getproviders.hash",
    "package_matches_any_hash": "sheath.getproviders.hash",
    "CachedProvider": "sheath.getproviders.providercache",
    "ProviderCacheDir": "sheath.getproviders.providercache",
    "DirectSource": "sheath.getproviders.sources",
    "FilesystemMirrorSource": "sheath.getproviders.sources",
    "MultiSource": "sheath.getproviders.sources",
    "MultiSourceSelector": "sheath.getproviders.sources",
    "ProviderPattern": "sheath.getproviders.sources",
    "parse_provider_pattern": "sheath.getproviders.sources",
    "PackageLocalArchive": "sheath.getproviders.types",
    "PackageLocalDir": "sheath.getproviders.types",
    "PackageMeta": "sheath.getproviders.types",
    "Platform": "sheath.getproviders.types",
    "Requirements": "sheath.getproviders.types",
    "current_platform": "sheath.getproviders.types",
    "make_requirements": "sheath.getproviders.types",
    "merge_requirements": "sheath.getproviders.types",
    "version_constraints_string": "sheath.getproviders.types",
    "LOCK_CHANGED_MESSAGE": "sheath.getproviders.installer",
    "LOCK_CREATED_MESSAGE": "sheath.getproviders.installer",
    "InstallResult": "sheath.getproviders.installer",
    "install_providers": "sheath.getproviders.installer",
    "requirements_from_config": "sheath.getproviders.requirements",
    "check_lock_consistency": "sheath.getproviders.verify",
    "installed_providers": "sheath.getproviders.verify",
}


def __getattr__(name: str) -> Any:
    # every name is imported on first use: a plan needs only the lock checks, and the
    # installer depends on depsfile and cliconfig, which depend on this package's basic
    # modules (importing it on first use keeps the import graph acyclic)
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(mod), name)


__all__ = [
    "LOCK_CHANGED_MESSAGE",
    "LOCK_CREATED_MESSAGE",
    "CachedProvider",
    "DirectSource",
    "FilesystemMirrorSource",
    "InstallResult",
    "MultiSource",
    "MultiSourceSelector",
    "PackageLocalArchive",
    "PackageLocalDir",
    "PackageMeta",
    "Platform",
    "ProviderCacheDir",
    "ProviderPattern",
    "Requirements",
    "current_platform",
    "hash_dir_h1",
    "hash_zip_h1",
    "hash_zip_zh",
    "install_providers",
    "installed_providers",
    "check_lock_consistency",
    "make_requirements",
    "merge_requirements",
    "package_hash_h1",
    "package_matches_any_hash",
    "parse_provider_pattern",
    "requirements_from_config",
    "version_constraints_string",
]
