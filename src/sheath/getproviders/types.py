"""Vocabulary of provider installation: platforms, package metadata, requirements.

Mirrors terraform's internal/getproviders types: a provider *package* is one
version of one provider built for one target platform, found at a location
(an unpacked directory or a packed .zip archive).
"""

from __future__ import annotations

import platform as _platform
from dataclasses import dataclass
from typing import Mapping, Sequence

from sheath.addrs.provider import Provider
from sheath.config.versions import Constraint, Constraints, Version, parse_version

_ARCH = {
    "x86_64": "amd64",
    "amd64": "amd64",
    "aarch64": "arm64",
    "arm64": "arm64",
    "i386": "386",
    "i686": "386",
    "x86": "386",
    "armv7l": "arm",
    "armv6l": "arm",
}


@dataclass(frozen=True, slots=True)
class Platform:
    os: str
    arch: str

    def __str__(self) -> str:
        return f"{self.os}_{self.arch}"


def parse_platform(s: str) -> Platform | None:
    parts = s.split("_")
    if len(parts) != 2 or not parts[0] or not parts[1]:
        return None
    if parts[0] != parts[0].lower() or parts[1] != parts[1].lower():
        return None
    return Platform(parts[0], parts[1])


def current_platform() -> Platform:
    """The platform this process runs on, in Go's GOOS_GOARCH spelling (linux_amd64)."""
    os_name = _platform.system().lower() or "linux"
    machine = _platform.machine().lower()
    return Platform(os_name, _ARCH.get(machine, machine))


@dataclass(frozen=True, slots=True)
class PackageLocalDir:
    """An unpacked package: a directory holding the provider executable and friends."""

    path: str

    def __str__(self) -> str:
        return self.path


@dataclass(frozen=True, slots=True)
class PackageLocalArchive:
    """A packed package: terraform-provider-TYPE_VERSION_OS_ARCH.zip."""

    path: str

    def __str__(self) -> str:
        return self.path


PackageLocation = PackageLocalDir | PackageLocalArchive


@dataclass(frozen=True, slots=True)
class PackageMeta:
    provider: Provider
    version: Version
    target_platform: Platform
    filename: str
    location: PackageLocation


Requirements = dict[Provider, tuple[Constraint, ...]]
"""Provider source address -> every version constraint placed on it (possibly none)."""


def make_requirements(reqs: Mapping[Provider, Constraints | Sequence[Constraint] | str | None]) -> Requirements:
    """Normalise a loosely typed mapping into Requirements."""
    from sheath.config.versions import parse_constraints

    out: Requirements = {}
    for p, c in reqs.items():
        items: tuple[Constraint, ...]
        if c is None:
            items = ()
        elif isinstance(c, str):
            pc = parse_constraints(c) if c.strip() else None
            items = pc.items if pc is not None else ()
        elif isinstance(c, Constraints):
            items = c.items
        else:
            items = tuple(c)
        out[p] = out.get(p, ()) + items
    return out


def merge_requirements(a: Requirements, b: Requirements) -> Requirements:
    out = dict(a)
    for p, c in b.items():
        out[p] = out.get(p, ()) + c
    return out


def _op_rank(op: str) -> int:
    return ("", "=", "!=", ">", ">=", "<", "<=", "~>").index(op) if op in ("", "=", "!=", ">", ">=", "<", "<=", "~>") else 99


def version_constraints_string(cs: Sequence[Constraint]) -> str:
    """terraform's canonical rendering of a constraint set, as written in the lock file
    and in "Finding ... versions matching" lines: deduplicated, sorted by version,
    full three-part versions except that ``~>`` keeps its given precision (at least two
    parts), and a bare version for equality."""
    seen: set[tuple[str, str]] = set()
    rendered: list[tuple[Version, int, str]] = []
    for c in cs:
        v = c.version
        op = "" if c.op in ("", "=") else c.op
        if op == "~>":
            n = max(v.given_segments, 2)
            core = ".".join(str(x) for x in (v.segments + (0,) * n)[:n])
        else:
            core = ".".join(str(x) for x in v.segments[:3]) if len(v.segments) <= 3 else ".".join(str(x) for x in v.segments)
        if v.prerelease:
            core += "-" + v.prerelease
        text = f"{op} {core}" if op else core
        key = (op, core)
        if key in seen:
            continue
        seen.add(key)
        rendered.append((v, _op_rank(op), text))
    rendered.sort(key=lambda t: (t[0].segments, t[0].prerelease == "", t[0].prerelease, t[1]))
    return ", ".join(t[2] for t in rendered)


def constraints_allow(cs: Sequence[Constraint], v: Version) -> bool:
    """Whether v satisfies every constraint. A pre-release only matches when some
    constraint names exactly that pre-release (terraform's rule)."""
    if v.prerelease:
        if not any(c.version.prerelease and c.version.compare(v) == 0 for c in cs):
            return False
    return all(c.check(v) for c in cs)


def newest_matching(versions: Sequence[Version], cs: Sequence[Constraint]) -> Version | None:
    best: Version | None = None
    for v in versions:
        if not constraints_allow(cs, v):
            continue
        if best is None or v.compare(best) > 0:
            best = v
    return best


def parse_provider_version(s: str) -> Version | None:
    """A provider version as terraform accepts it in a mirror or lock file: exactly
    MAJOR.MINOR.PATCH with optional pre-release / metadata."""
    v = parse_version(s)
    if v is None or v.given_segments != 3 or s.startswith("v"):
        return None
    return v
