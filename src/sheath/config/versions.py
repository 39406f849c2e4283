"""Version constraints with terraform's syntax (hashicorp/go-version semantics).

    ">= 1.2, < 2.0"   "~> 1.5"   "!= 1.3.0"   "= 1.0.0"   "1.0.0"

The pessimistic operator ``~> X.Y.Z`` allows the last given segment to grow:
``~> 1.5`` means ``>= 1.5, < 2.0`` and ``~> 1.5.2`` means ``>= 1.5.2, < 1.6.0``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from sheath import TERRAFORM_VERSION as TERRAFORM_VERSION


_VERSION_RE = re.compile(
    r"^v?([0-9]+(?:\.[0-9]+)*)"
    r"(?:-([0-9A-Za-z\-~]+(?:\.[0-9A-Za-z\-~]+)*))?"
    r"(?:\+([0-9A-Za-z\-~]+(?:\.[0-9A-Za-z\-~]+)*))?$"
)
_CONSTRAINT_RE = re.compile(r"^\s*(=|!=|>=|<=|>|<|~>)?\s*(\S+)\s*$")


@dataclass(frozen=True, slots=True)
class Version:
    segments: tuple[int, ...]
    """At least three segments (missing ones are zero); go-version allows more."""
    prerelease: str = ""
    metadata: str = ""
    given_segments: int = 3
    original: str = ""

    def __str__(self) -> str:
        s = ".".join(str(x) for x in self.segments)
        if self.prerelease:
            s += "-" + self.prerelease
        if self.metadata:
            s += "+" + self.metadata
        return s

    def compare(self, other: "Version") -> int:
        a, b = self.segments, other.segments
        n = max(len(a), len(b))
        a = a + (0,) * (n - len(a))
        b = b + (0,) * (n - len(b))
        if a != b:
            return -1 if a < b else 1
        return _compare_prerelease(self.prerelease, other.prerelease)


def _compare_prerelease(a: str, b: str) -> int:
    if a == b:
        return 0
    if not a:
        return 1
    if not b:
        return -1
    pa, pb = a.split("."), b.split(".")
    for x, y in zip(pa, pb):
        if x == y:
            continue
        xn, yn = x.isdigit(), y.isdigit()
        if xn and yn:
            return -1 if int(x) < int(y) else 1
        if xn:
            return -1
        if yn:
            return 1
        return -1 if x < y else 1
    if len(pa) == len(pb):
        return 0
    return -1 if len(pa) < len(pb) else 1


def parse_version(s: str) -> Version | None:
    m = _VERSION_RE.match(s.strip())
    if m is None:
        return None
    segs = [int(x) for x in m.group(1).split(".")]
    given = len(segs)
    while len(segs) < 3:
        segs.append(0)
    return Version(tuple(segs), m.group(2) or "", m.group(3) or "", given, s)


@dataclass(frozen=True, slots=True)
class Constraint:
    op: str
    version: Version

    def check(self, v: Version) -> bool:
        c = self.version
        if c.prerelease or v.prerelease:
            # a pre-release constraint matches only pre-releases of the same core version,
            # and a pre-release version only matches pre-release constraints
            if v.prerelease and not c.prerelease:
                return False
            if v.prerelease and c.prerelease and Version(v.segments).compare(Version(c.segments)) != 0:
                return False
            if c.prerelease and not v.prerelease and self.op == "~>":
                return False
        cmp = v.compare(c)
        op = self.op
        if op in ("", "="):
            return cmp == 0
        if op == "!=":
            return cmp != 0
        if op == ">":
            return cmp > 0
        if op == "<":
            return cmp < 0
        if op == ">=":
            return cmp >= 0
        if op == "<=":
            return cmp <= 0
        # ~>
        if cmp < 0:
            return False
        n = c.given_segments
        # all but the last given segment must match exactly
        prefix = max(n - 1, 1)
        return v.segments[: prefix] == c.segments[: prefix]

    def __str__(self) -> str:
        return f"{self.op} {self.version.original}".strip() if self.op else self.version.original


@dataclass(frozen=True, slots=True)
class Constraints:
    items: tuple[Constraint, ...]
    source: str = ""

    def check(self, v: Version | str) -> bool:
        if isinstance(v, str):
            pv = parse_version(v)
            if pv is None:
                return False
            v = pv
        return all(c.check(v) for c in self.items)

    def __str__(self) -> str:
        return ", ".join(str(c) for c in self.items)

    def has_prerelease(self) -> bool:
        return any(c.version.prerelease for c in self.items)


def parse_constraints(s: str) -> Constraints | None:
    """Parse a comma-separated constraint string; None when the syntax is wrong."""
    items: list[Constraint] = []
    for part in s.split(","):
        m = _CONSTRAINT_RE.match(part)
        if m is None:
            return None
        v = parse_version(m.group(2))
        if v is None:
            return None
        items.append(Constraint(m.group(1) or "", v))
    return Constraints(tuple(items), s)


TERRAFORM_CORE_VERSION = parse_version(TERRAFORM_VERSION)
