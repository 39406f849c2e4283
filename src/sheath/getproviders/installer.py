"""install_providers: select provider versions (honouring the dependency lock file),
install the packages into .terraform/providers (through the shared plugin cache when one
is configured) and compute the new locks — terraform init's provider step, offline."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Container, Mapping

from sheath.addrs.provider import Provider
from sheath.config.versions import Version
from sheath.depsfile.locks import LOCK_FILE_NAME, Locks, load_locks_from_file, save_locks_to_file
from sheath.diag import Diagnostics, error, warning
from sheath.getproviders.hash import package_hash_h1, package_matches_any_hash
from sheath.getproviders.providercache import CachedProvider, ProviderCacheDir
from sheath.getproviders.sources import (
    MultiSource,
    RegistryNotContacted,
    Source,
    SourceError,
)
from sheath.getproviders.types import (
    PackageLocalDir,
    PackageMeta,
    Platform,
    Requirements,
    constraints_allow,
    current_platform,
    newest_matching,
    parse_provider_version,
    version_constraints_string,
)

if TYPE_CHECKING:
    from sheath.cliconfig.config import CLIConfig

CHECKSUM_DOCS = "https://developer.hashicorp.com/terraform/language/files/dependency-lock#checksum-verification"

LOCK_CREATED_MESSAGE = (
    "Terraform has created a lock file .terraform.lock.hcl to record the provider\n"
    "selections it made above. Include this file in your version control repository\n"
    "so that Terraform can guarantee to make the same selections by default when\n"
    'you run "terraform init" in the future.'
)
LOCK_CHANGED_MESSAGE = (
    "Terraform has made some changes to the provider dependency selections recorded\n"
    "in the .terraform.lock.hcl file. Review those changes and commit them to your\n"
    "version control system if they represent changes you intended to make."
)


@dataclass(slots=True)
class InstallResult:
    selected: dict[Provider, Version] = field(default_factory=dict)
    installed: dict[Provider, CachedProvider] = field(default_factory=dict)
    """Every required provider now present in .terraform/providers (new or reused)."""
    locks: Locks = field(default_factory=Locks)
    """The new locks (written to the lock file unless there were errors)."""
    previous_locks: Locks = field(default_factory=Locks)
    lock_file_existed: bool = False
    lock_changed: bool = False
    lock_written: bool = False
    lines: list[str] = field(default_factory=list)
    """terraform's progress lines ("- Installing hashicorp/aws v5.100.0..."), in order."""
    locally_hashed: list[Provider] = field(default_factory=list)
    dev_overrides: dict[Provider, str] = field(default_factory=dict)

    def lock_message(self) -> str:
        """The paragraph terraform init prints about the lock file, or "" when it did not change."""
        if not self.lock_written:
            return ""
        return LOCK_CHANGED_MESSAGE if self.lock_file_existed else LOCK_CREATED_MESSAGE


def _query_error(provider: Provider, msg: str) -> Diagnostics:
    d = Diagnostics()
    d.append(
        error(
            "Failed to query available provider packages",
            f"Could not retrieve the list of available versions for provider {provider.for_display()}: {msg}",
        )
    )
    return d


_PROVIDERS_HINT = (
    "\n\nTo see which modules are currently depending on {disp} and what versions are specified, "
    "run the following command:\n    terraform providers"
)


def _locations(srcs: list[Source]) -> str:
    return "\n".join(f"  - {s.for_display()}" for s in srcs)


def _not_found_message(p: Provider, searched: list[Source], skipped_network: bool) -> str:
    if not searched:
        msg = f"provider {p} is excluded from every provider installation method in the CLI configuration"
    else:
        msg = f"provider {p} was not found in any of the search locations\n\n{_locations(searched)}"
    if skipped_network:
        msg += (
            "\n\nsheath installs providers only from local sources and never contacts a provider "
            "registry or network mirror; put the provider in a filesystem mirror (see provider_installation "
            "in the CLI configuration) or in one of the implied local mirror directories."
        )
    return msg


def _available_versions(source: MultiSource, provider: Provider) -> tuple[list[Version], list[Source], bool, str]:
    """(versions, searched locations, whether a network source was skipped, source error)."""
    versions: dict[str, Version] = {}
    searched: list[Source] = []
    skipped_network = False
    for src in source.locations_for(provider):
        searched.append(src)
        try:
            for v in src.available_versions(provider):
                versions.setdefault(str(v), v)
        except RegistryNotContacted:
            skipped_network = True
        except SourceError as e:
            return [], searched, skipped_network, str(e)
    return list(versions.values()), searched, skipped_network, ""


def _package_meta(source: MultiSource, provider: Provider, version: Version, target: Platform) -> tuple[PackageMeta | None, bool]:
    skipped_network = False
    for src in source.locations_for(provider):
        try:
            m = src.package_meta(provider, version, target)
        except RegistryNotContacted:
            skipped_network = True
            continue
        except SourceError:
            continue
        if m is not None:
            return m, skipped_network
    return None, skipped_network


def install_providers(
    requirements: Requirements,
    lock: Locks | None,
    cli_config: "CLIConfig",
    workdir: str,
    upgrade: bool = False,
    *,
    platform: Platform | None = None,
    progress: Callable[[str], None] | None = None,
    write_lock: bool = True,
    skip: Container[Provider] = (),
    native: Mapping[Provider, str] | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[InstallResult, Diagnostics]:
    """Install every required provider for workdir, offline.

    requirements: provider -> constraints (see getproviders.make_requirements).
    lock: the previous locks; None reads workdir/.terraform.lock.hcl.
    upgrade: ignore locked versions (terraform init -upgrade).
    skip: providers that need no installation and get no lock entry.
    native: providers implemented inside sheath, with the version each implements: nothing
        is installed; the lock records them (an existing lock entry is kept as it is unless
        upgrading, so a lock written by terraform keeps its hashes).
    env: the environment (default os.environ), for TF_DATA_DIR (default .terraform).
    The lock file is written (when it changed) unless there were errors or write_lock is False.
    Progress lines go to `progress` as they happen and into the result's `lines`.
    """
    from sheath.cliconfig.config import provider_source

    e = os.environ if env is None else env
    data_dir = e.get("TF_DATA_DIR") or ".terraform"
    diags = Diagnostics()
    res = InstallResult()
    target = platform or current_platform()
    lock_path = os.path.join(workdir, LOCK_FILE_NAME)
    res.lock_file_existed = os.path.exists(lock_path)
    if lock is None:
        lock, d = load_locks_from_file(lock_path, LOCK_FILE_NAME)
        diags.extend(d)
        if d.has_errors():
            return res, diags
    res.previous_locks = lock

    def say(line: str) -> None:
        res.lines.append(line)
        if progress is not None:
            progress(line)

    source, d = provider_source(cli_config, workdir)
    diags.extend(d)
    if d.has_errors():
        return res, diags

    overrides = cli_config.dev_overrides
    res.dev_overrides = {p: v for p, v in overrides.items() if p in requirements}
    if res.dev_overrides:
        listing = "\n".join(f" - {p.for_display()} in {path}" for p, path in sorted(res.dev_overrides.items(), key=lambda kv: str(kv[0])))
        diags.append(
            warning(
                "Provider development overrides are in effect",
                "The following provider development overrides are set in the CLI configuration:\n"
                f"{listing}\n\nSkip terraform init when using provider development overrides. "
                "It is not necessary and may error unexpectedly.",
            )
        )

    # like terraform 1.11, providers with development overrides are still installed and locked
    # (the override only changes which executable runs); init just warns about them
    natives = dict(native or {})
    wanted = sorted((p for p in requirements if p not in skip and p not in natives and not p.is_builtin()), key=str)

    # phase 1: choose a version for each provider
    for p in wanted:
        cs = requirements[p]
        cs_str = version_constraints_string(cs)
        prev = lock.provider(p)
        if prev is not None and not upgrade:
            say(f"- Reusing previous version of {p.for_display()} from the dependency lock file")
            if not constraints_allow(cs, prev.version):
                diags.extend(
                    _query_error(
                        p,
                        f"locked provider {p} {prev.version} does not match configured version constraint {cs_str}; "
                        "must use terraform init -upgrade to allow selection of new versions"
                        + _PROVIDERS_HINT.format(disp=p.for_display()),
                    )
                )
                continue
            versions, searched, skipped_network, src_err = _available_versions(source, p)
            if src_err:
                diags.extend(_query_error(p, src_err + _PROVIDERS_HINT.format(disp=p.for_display())))
                continue
            if not any(str(v) == str(prev.version) for v in versions):
                if not versions:
                    msg = _not_found_message(p, searched, skipped_network)
                else:
                    msg = f"the previously-selected version {prev.version} is no longer available"
                    msg += _PROVIDERS_HINT.format(disp=p.for_display())
                diags.extend(_query_error(p, msg))
                continue
            res.selected[p] = prev.version
            continue
        if cs_str:
            say(f'- Finding {p.for_display()} versions matching "{cs_str}"...')
        else:
            say(f"- Finding latest version of {p.for_display()}...")
        versions, searched, skipped_network, src_err = _available_versions(source, p)
        if src_err:
            diags.extend(_query_error(p, src_err + _PROVIDERS_HINT.format(disp=p.for_display())))
            continue
        if not versions:
            diags.extend(_query_error(p, _not_found_message(p, searched, skipped_network)))
            continue
        best = newest_matching(versions, cs)
        if best is None:
            msg = f"no available releases match the given constraints {cs_str}"
            msg += _PROVIDERS_HINT.format(disp=p.for_display())
            avail = ", ".join(str(v) for v in sorted(versions, key=lambda v: (v.segments, v.prerelease == "", v.prerelease)))
            msg += f"\n\nAvailable versions: {avail}\nLocations searched:\n{_locations(searched)}"
            if skipped_network:
                msg += "\n(the provider registry was not contacted: sheath performs no network access)"
            diags.extend(_query_error(p, msg))
            continue
        res.selected[p] = best
    # like terraform, a provider whose version could not be chosen does not stop the
    # others from being installed; the lock file is only written when all succeeded

    # phase 2: install the selected packages
    work_cache = ProviderCacheDir(os.path.join(workdir, data_dir, "providers"), target)
    shared: ProviderCacheDir | None = None
    if cli_config.plugin_cache_dir:
        cdir = cli_config.plugin_cache_dir
        if not os.path.isabs(cdir):
            cdir = os.path.join(workdir, cdir)
        # like terraform, a cache directory that does not exist yet is created on first use
        shared = ProviderCacheDir(cdir, target)
    new_locks = Locks()
    for p in wanted:
        if p not in res.selected:
            continue
        v = res.selected[p]
        prev = lock.provider(p)
        prev_hashes = list(prev.hashes) if prev is not None and str(prev.version) == str(v) else []
        disp = p.for_display()
        existing = work_cache.provider_version(p, v)
        if existing is not None and prev_hashes and package_matches_any_hash(PackageLocalDir(existing.package_dir), prev_hashes):
            say(f"- Using previously-installed {disp} v{v}")
            res.installed[p] = existing
            new_locks.set_provider(p, v, requirements[p], prev_hashes)
            continue
        if shared is not None:
            cached = shared.provider_version(p, v)
            may_break = cli_config.plugin_cache_may_break_dependency_lock_file
            if cached is not None and (
                (prev_hashes and package_matches_any_hash(PackageLocalDir(cached.package_dir), prev_hashes))
                or (may_break and not prev_hashes)
            ):
                say(f"- Using {disp} v{v} from the shared cache directory")
                hashes = prev_hashes or [package_hash_h1(PackageLocalDir(cached.package_dir))]
                res.installed[p] = work_cache.link_from(cached)
                new_locks.set_provider(p, v, requirements[p], hashes)
                continue
        meta, skipped_network = _package_meta(source, p, v, target)
        if meta is None:
            detail = (
                f"Provider {disp} v{v} does not have a package available for your current platform, {target}.\n\n"
                "Provider releases are separate from Terraform CLI releases, so not all providers are available "
                "for all platforms. Other versions of this provider may have different platforms supported."
            )
            if skipped_network:
                detail += "\n\n(Only local sources were searched: sheath never contacts a provider registry.)"
            diags.append(error("Incompatible provider version", detail))
            continue
        say(f"- Installing {disp} v{v}...")
        computed: dict[str, str] = {}
        if prev_hashes and not package_matches_any_hash(meta.location, prev_hashes, computed):
            if isinstance(meta.location, PackageLocalDir):
                why = (
                    f"the local package for {p} {v} doesn't match any of the checksums previously recorded in the "
                    "dependency lock file (this might be because the available checksums are for packages "
                    "targeting different platforms)"
                )
            else:
                why = f"the current package for {p} {v} doesn't match any of the checksums previously recorded in the dependency lock file"
            diags.append(
                error(
                    "Failed to install provider",
                    f"Error while installing {disp} v{v}: {why}; for more information: {CHECKSUM_DOCS}",
                )
            )
            continue
        h1 = computed.get("h1:") or package_hash_h1(meta.location)
        try:
            if shared is not None:
                into_shared = shared.install(p, v, meta.location)
                installed = work_cache.link_from(into_shared)
            else:
                installed = work_cache.install(p, v, meta.location)
        except OSError as e:
            diags.append(error("Failed to install provider", f"Error while installing {disp} v{v}: {e}"))
            continue
        say(f"- Installed {disp} v{v} (unauthenticated)")
        res.installed[p] = installed
        if not prev_hashes:
            res.locally_hashed.append(p)
        new_locks.set_provider(p, v, requirements[p], prev_hashes + [h1])
    for p in sorted(natives, key=str):
        if p not in requirements or p in skip:
            continue
        prev = lock.provider(p)
        if prev is not None and not upgrade:
            new_locks.providers[p] = prev
            say(f"- Using {p.for_display()} v{prev.version} (built into sheath)")
            continue
        nv = parse_provider_version(natives[p])
        if nv is None:
            diags.add_error("Invalid native provider version", f"{p}: {natives[p]!r} is not a version number.")
            continue
        if not constraints_allow(requirements[p], nv):
            cs_str = version_constraints_string(requirements[p])
            diags.extend(
                _query_error(
                    p,
                    f"no available releases match the given constraints {cs_str}"
                    + _PROVIDERS_HINT.format(disp=p.for_display())
                    + f"\n\n{p.for_display()} is built into sheath at version {nv}.",
                )
            )
            continue
        say(f"- Using {p.for_display()} v{nv} (built into sheath)")
        new_locks.set_provider(p, nv, requirements[p], [])
    res.locks = new_locks
    if diags.has_errors():
        return res, diags
    if res.locally_hashed:
        names = "\n".join(f"  - {p.for_display()}" for p in res.locally_hashed)
        diags.append(
            warning(
                "Incomplete lock file information for providers",
                "Due to your customized provider installation methods, Terraform was forced to calculate lock "
                f"file checksums locally for the following providers:\n{names}\n\n"
                f"The current .terraform.lock.hcl file only includes checksums for {target}, so Terraform running "
                "on another platform will fail to install these providers.\n\n"
                "To calculate additional checksums for another platform, run:\n"
                f"  terraform providers lock -platform={target}\n"
                f"(where {target} is the platform to generate)",
            )
        )
    res.lock_changed = not new_locks.equal(lock) or (not res.lock_file_existed and not new_locks.empty())
    if res.lock_changed and write_lock:
        try:
            save_locks_to_file(new_locks, lock_path)
            res.lock_written = True
        except OSError as e:
            diags.append(error("Failed to update dependency lock file", f"Error writing {lock_path}: {e}"))
    return res, diags


__all__ = ["InstallResult", "LOCK_CHANGED_MESSAGE", "LOCK_CREATED_MESSAGE", "install_providers"]
