"""Provider sources: filesystem mirrors (packed and unpacked layouts), the direct
registry source (never contacted: sheath works offline), and the multi-source that
combines them with include/exclude patterns, as in terraform's provider_installation."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from sheath.addrs.provider import DEFAULT_REGISTRY_HOST, Provider
from sheath.config.versions import Version
from sheath.getproviders.types import (
    PackageLocalArchive,
    PackageLocalDir,
    PackageMeta,
    Platform,
    parse_platform,
    parse_provider_version,
)

_PART_RE = re.compile(r"^[0-9a-z](?:[0-9a-z-]*[0-9a-z])?$")
_HOST_RE = re.compile(r"^[0-9a-z](?:[0-9a-z.-]*[0-9a-z])?(?::[0-9]+)?$")
_ARCHIVE_RE = re.compile(r"^terraform-provider-([^_]+)_([^_]+)_([^_]+_[^_]+)\.zip$")


class SourceError(Exception):
    """A source could not answer (e.g. a configured mirror directory is missing)."""


class RegistryNotContacted(SourceError):
    """Only the origin registry ("direct") could have satisfied the request."""


def _norm_part(s: str) -> str | None:
    p = s.lower()
    return p if _PART_RE.match(p) else None


@dataclass(slots=True)
class FilesystemMirrorSource:
    """A local directory laid out as HOSTNAME/NAMESPACE/TYPE/VERSION/OS_ARCH/ (unpacked)
    or HOSTNAME/NAMESPACE/TYPE/terraform-provider-TYPE_VERSION_OS_ARCH.zip (packed)."""

    base_dir: str
    display: str = ""
    """How the path was written in the configuration (shown in messages)."""
    _index: dict[Provider, list[PackageMeta]] | None = field(default=None, repr=False)

    def for_display(self) -> str:
        return self.display or self.base_dir

    def all_packages(self) -> dict[Provider, list[PackageMeta]]:
        if self._index is None:
            self._index = _search_local_directory(self.base_dir, self.for_display())
        return self._index

    def available_versions(self, provider: Provider) -> list[Version]:
        seen: dict[str, Version] = {}
        for m in self.all_packages().get(provider, []):
            seen.setdefault(str(m.version), m.version)
        return list(seen.values())

    def package_meta(self, provider: Provider, version: Version, target: Platform) -> PackageMeta | None:
        # an unpacked directory wins over an archive of the same version
        found: PackageMeta | None = None
        for m in self.all_packages().get(provider, []):
            if m.version.compare(version) == 0 and str(m.version) == str(version) and m.target_platform == target:
                if isinstance(m.location, PackageLocalDir):
                    return m
                found = found or m
        return found


def _scandir(path: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(path) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError:
        return []


def _search_local_directory(base: str, shown: str) -> dict[Provider, list[PackageMeta]]:
    if not os.path.isdir(base):
        try:
            os.lstat(base)
        except OSError as e:
            raise SourceError(f"cannot search {shown}: lstat {shown}: {e.strerror.lower() if e.strerror else e}") from None
        raise SourceError(f"cannot search {shown}: not a directory")
    out: dict[Provider, list[PackageMeta]] = {}
    for host_e in _scandir(base):
        if not host_e.is_dir(follow_symlinks=True):
            continue
        host = host_e.name.lower()
        if not _HOST_RE.match(host):
            continue
        for ns_e in _scandir(host_e.path):
            ns = _norm_part(ns_e.name)
            if ns is None or not ns_e.is_dir(follow_symlinks=True):
                continue
            for ty_e in _scandir(ns_e.path):
                ty = _norm_part(ty_e.name)
                if ty is None or not ty_e.is_dir(follow_symlinks=True):
                    continue
                provider = Provider(ty, ns, host)
                metas = out.setdefault(provider, [])
                for v_e in _scandir(ty_e.path):
                    if v_e.is_dir(follow_symlinks=True):
                        version = parse_provider_version(v_e.name)
                        if version is None:
                            continue
                        for t_e in _scandir(v_e.path):
                            target = parse_platform(t_e.name)
                            if target is None or not t_e.is_dir(follow_symlinks=True):
                                continue
                            metas.append(PackageMeta(provider, version, target, t_e.name, PackageLocalDir(t_e.path)))
                    elif v_e.is_file(follow_symlinks=True):
                        m = _ARCHIVE_RE.match(v_e.name)
                        if m is None or m.group(1) != ty:
                            continue
                        version = parse_provider_version(m.group(2))
                        target = parse_platform(m.group(3))
                        if version is None or target is None:
                            continue
                        metas.append(PackageMeta(provider, version, target, v_e.name, PackageLocalArchive(v_e.path)))
                if not metas:
                    del out[provider]
    return out


@dataclass(frozen=True, slots=True)
class DirectSource:
    """The provider's origin registry. sheath never contacts it: asking it anything
    raises RegistryNotContacted so the caller can report every place it did search.
    A network_mirror is represented the same way, with its URL."""

    url: str = ""

    def for_display(self) -> str:
        if self.url:
            return f"network mirror {self.url} (not contacted: sheath performs no network access)"
        return "the provider's origin registry (direct installation; not contacted: sheath performs no network access)"

    def available_versions(self, provider: Provider) -> list[Version]:
        raise RegistryNotContacted(f"{provider.hostname} was not contacted: sheath performs no network access")

    def package_meta(self, provider: Provider, version: Version, target: Platform) -> PackageMeta | None:
        raise RegistryNotContacted(f"{provider.hostname} was not contacted: sheath performs no network access")


Source = FilesystemMirrorSource | DirectSource


# --- include / exclude patterns ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProviderPattern:
    hostname: str
    namespace: str
    type: str

    def matches(self, p: Provider) -> bool:
        return (
            (self.hostname == "*" or self.hostname == p.hostname)
            and (self.namespace == "*" or self.namespace == p.namespace)
            and (self.type == "*" or self.type == p.type)
        )

    def __str__(self) -> str:
        return f"{self.hostname}/{self.namespace}/{self.type}"


def parse_provider_pattern(s: str) -> tuple[ProviderPattern | None, str]:
    """Parse "hashicorp/*", "registry.terraform.io/*/*", "example.com/ns/name"; returns
    (pattern, error message)."""
    parts = s.split("/")
    if len(parts) == 2:
        parts = [DEFAULT_REGISTRY_HOST, *parts]
    if len(parts) != 3:
        return None, f"invalid provider matching pattern {s!r}: must have either two or three slash-separated segments"
    host, ns, ty = parts
    if host != "*":
        host = host.lower()
        if not _HOST_RE.match(host):
            return None, f"invalid hostname in provider matching pattern {s!r}"
    if ns != "*":
        n = _norm_part(ns)
        if n is None:
            return None, f"invalid namespace in provider matching pattern {s!r}"
        ns = n
    if ty != "*":
        t = _norm_part(ty)
        if t is None:
            return None, f"invalid type in provider matching pattern {s!r}"
        ty = t
    if ns == "*" and ty != "*":
        return None, f"invalid provider matching pattern {s!r}: a provider type wildcard requires a namespace wildcard too"
    return ProviderPattern(host, ns, ty), ""


@dataclass(frozen=True, slots=True)
class MultiSourceSelector:
    source: Source
    include: tuple[ProviderPattern, ...] = ()
    exclude: tuple[ProviderPattern, ...] = ()

    def can_handle(self, p: Provider) -> bool:
        if self.include and not any(x.matches(p) for x in self.include):
            return False
        return not any(x.matches(p) for x in self.exclude)


@dataclass(slots=True)
class MultiSource:
    """Sources tried in order; a provider's versions are the union over the sources whose
    selectors admit it, and a package comes from the first such source that has it."""

    selectors: list[MultiSourceSelector]

    def locations_for(self, p: Provider) -> list[Source]:
        return [s.source for s in self.selectors if s.can_handle(p)]

    def all_locations(self) -> list[Source]:
        return [s.source for s in self.selectors]
