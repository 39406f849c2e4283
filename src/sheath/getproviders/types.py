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


# terraform's order for constraints on the same version: lower bounds first, upper bounds last
_OP_PRIORITY = {">": 1, ">=": 2, "": 3, "~>patch": 4, "~>minor": 5, "<=": 6, "<": 7, "!=": 8}


def _prerelease_key(pre: str) -> tuple[int, tuple[tuple[int, int, str], ...]]:
    if not pre:
        return (1, ())
    parts: list[tuple[int, int, str]] = []
    for x in pre.split("."):
        parts.append((0, int(x), "") if x.isdigit() else (1, 0, x))
    return (0, tuple(parts))


def version_constraints_string(cs: Sequence[Constraint]) -> str:
    """terraform's canonical rendering of a constraint set, as written in the lock file
    and in "Finding ... versions matching" lines: deduplicated, sorted by version then by
    operator (lower bounds first), three-part versions except that a pessimistic
    constraint given with one or two parts is written with two (``~> 1`` is ``~> 1.0``),
    and no operator for equality."""
    items: dict[tuple[str, tuple[int, ...], str, str], Version] = {}
    for c in cs:
        v = c.version
        op = "" if c.op in ("", "=") else c.op
        if op == "~>":
            op = "~>patch" if v.given_segments >= 3 else "~>minor"
        key = (op, v.segments[:3], v.prerelease, v.metadata)
        items.setdefault(key, v)
    ordered = sorted(
        items,
        key=lambda k: (k[1], _prerelease_key(k[2]), k[3], _OP_PRIORITY.get(k[0], 0)),
    )
    out: list[str] = []
    for op, segs, pre, meta in ordered:
        core = f"{segs[0]}.{segs[1]}" if op == "~>minor" else ".".join(str(x) for x in segs)
        if pre:
            core += "-" + pre
        if meta:
            core += "+" + meta
        sym = "~>" if op.startswith("~>") else op
        out.append(f"{sym} {core}" if sym else core)
    return ", ".join(out)


def _cmp(a: Version, b: Version) -> int:
    return a.compare(b)


def constraint_allows(c: Constraint, v: Version) -> bool:
    """One constraint with the provider-version semantics terraform uses (Ruby-style,
    apparentlymart/go-versions): ``~> X.Y.Z`` is >= X.Y.Z, < X.(Y+1).0; ``~> X.Y`` and
    ``~> X`` are >= X.Y.0, < (X+1).0.0; the others compare by semver precedence."""
    b = c.version
    cmp = _cmp(v, b)
    op = c.op
    if op in ("", "="):
        return cmp == 0
    if op == "!=":
        return cmp != 0
    if op == ">":
        return cmp > 0
    if op == ">=":
        return cmp >= 0
    if op == "<":
        return cmp < 0
    if op == "<=":
        return cmp <= 0
    if op == "~>":
        if cmp < 0:
            return False
        segs = b.segments
        if b.given_segments >= 3:
            return v.segments[:2] == segs[:2]
        return v.segments[0] == segs[0]
    return False


def constraints_allow(cs: Sequence[Constraint], v: Version) -> bool:
    """Whether v satisfies every constraint. A pre-release version is only ever selected
    by an exact-version constraint naming it (terraform's rule)."""
    if v.prerelease:
        if not any(c.op in ("", "=") and c.version.compare(v) == 0 for c in cs):
            return False
    return all(constraint_allows(c, v) for c in cs)


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
