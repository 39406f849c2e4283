"""Locks: the selected version, the constraints that applied and the package hashes of
each provider, as recorded in .terraform.lock.hcl."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field

from sheath.addrs.provider import Provider, parse_provider_source
from sheath.config.exprs import decode_string, expr_list
from sheath.config.versions import Constraint, Version, parse_constraints, parse_version
from sheath.diag import Diagnostics, Range
from sheath.getproviders.hash import valid_hash_string
from sheath.getproviders.types import parse_provider_version, version_constraints_string
from sheath.lang import hcl
from sheath.lang.hclsyntax.parser import parse_config

LOCK_FILE_NAME = ".terraform.lock.hcl"
HEADER = '# This file is maintained automatically by "terraform init".\n# Manual edits may be lost in future updates.\n'

_ROOT_SCHEMA = hcl.BodySchema(blocks=(hcl.BlockHeaderSchema("provider", ("source_addr",)), hcl.BlockHeaderSchema("module", ("path",))))
_PROVIDER_SCHEMA = hcl.BodySchema(
    attributes=(
        hcl.AttributeSchema("version", required=True),
        hcl.AttributeSchema("constraints"),
        hcl.AttributeSchema("hashes"),
    )
)


@dataclass(slots=True)
class ProviderLock:
    provider: Provider
    version: Version
    constraints: tuple[Constraint, ...] = ()
    hashes: list[str] = field(default_factory=list)
    """Sorted, without duplicates."""

    def constraints_string(self) -> str:
        return version_constraints_string(self.constraints)

    def contains_all(self, other: "ProviderLock") -> bool:
        return set(other.hashes) <= set(self.hashes)


def _hashes_norm(hs: list[str]) -> list[str]:
    return sorted(set(hs))


@dataclass(slots=True)
class Locks:
    providers: dict[Provider, ProviderLock] = field(default_factory=dict)

    def provider(self, p: Provider) -> ProviderLock | None:
        return self.providers.get(p)

    def set_provider(self, p: Provider, version: Version, constraints: tuple[Constraint, ...], hashes: list[str]) -> ProviderLock:
        lock = ProviderLock(p, version, constraints, _hashes_norm(hashes))
        self.providers[p] = lock
        return lock

    def remove_provider(self, p: Provider) -> None:
        self.providers.pop(p, None)

    def empty(self) -> bool:
        return not self.providers

    def equal(self, other: "Locks") -> bool:
        """Same providers, versions, constraints and hashes (what decides whether the file changed)."""
        if set(self.providers) != set(other.providers):
            return False
        for p, a in self.providers.items():
            b = other.providers[p]
            if str(a.version) != str(b.version) or a.constraints_string() != b.constraints_string() or a.hashes != b.hashes:
                return False
        return True


def parse_locks(src: bytes, filename: str) -> tuple[Locks, Diagnostics]:
    diags = Diagnostics()
    locks = Locks()
    f, d = parse_config(src, filename)
    diags.extend(d)
    if d.has_errors():
        return locks, diags
    content, d = f.body.content(_ROOT_SCHEMA)
    diags.extend(d)
    seen: dict[Provider, Range] = {}
    for block in content.blocks:
        if block.type == "module":
            # terraform reserves module blocks for a future feature and ignores them
            continue
        raw = block.labels[0]
        rng = block.label_ranges[0] if block.label_ranges else block.def_range
        addr, d = parse_provider_source(raw, rng)
        if d.has_errors() or addr is None:
            diags.add_error(
                "Invalid provider source address",
                "The provider source address for a provider lock must be a valid, fully-qualified address "
                'of the form "hostname/namespace/type".',
                rng,
            )
            continue
        if str(addr) != raw:
            diags.add_error(
                "Non-normalized provider source address",
                f'The provider source address for this provider lock must be written as "{addr}", '
                "the fully-qualified and normalized form.",
                rng,
            )
            continue
        if addr in seen:
            diags.add_error(
                "Duplicate provider lock",
                f"This lockfile already declared a lock for provider {addr} at {_range_str(seen[addr])}.",
                block.def_range,
            )
            continue
        seen[addr] = block.def_range
        body, d = block.body.content(_PROVIDER_SCHEMA)
        diags.extend(d)
        if d.has_errors():
            continue
        va = body.attributes["version"]
        vs, d = decode_string(va.expr)
        diags.extend(d)
        if vs is None:
            continue
        version = parse_provider_version(vs)
        if version is None:
            loose = parse_version(vs)
            if loose is not None and not vs.startswith("v"):
                norm = str(Version(loose.segments[:3], loose.prerelease, loose.metadata))
                detail = f'The selected version number for provider {addr} must be written in normalized form: "{norm}".'
            else:
                detail = f"The selected version number for provider {addr} is not a valid version number."
            diags.add_error("Invalid provider version number", detail, va.expr.range)
            continue
        constraints: tuple[Constraint, ...] = ()
        ca = body.attributes.get("constraints")
        if ca is not None:
            cs, d = decode_string(ca.expr)
            diags.extend(d)
            pc = parse_constraints(cs) if cs else None
            if cs and pc is None:
                diags.add_error(
                    "Invalid provider version constraints",
                    f"The recorded version constraints for provider {addr} are not valid.",
                    ca.expr.range,
                )
                continue
            if pc is not None:
                canonical = version_constraints_string(pc.items)
                if canonical != cs:
                    diags.add_error(
                        "Invalid provider version constraints",
                        f"The recorded version constraints for provider {addr} must be written in normalized "
                        f'form: "{canonical}".',
                        ca.expr.range,
                    )
                    continue
                constraints = pc.items
        hashes: list[str] = []
        ha = body.attributes.get("hashes")
        if ha is not None:
            items, d = expr_list(ha.expr)
            diags.extend(d)
            for it in items:
                h, d = decode_string(it)
                diags.extend(d)
                if h is None:
                    continue
                if not valid_hash_string(h):
                    diags.add_error(
                        "Invalid provider hash string",
                        f'Cannot interpret "{h}" as a provider hash: hash string must start with a scheme keyword '
                        "followed by a colon.",
                        it.range,
                    )
                    continue
                hashes.append(h)
        locks.set_provider(addr, version, constraints, hashes)
    return locks, diags


def _range_str(r: Range) -> str:
    """hcl's compact range form: file:1,1-31 (or file:1,1-2,5 across lines)."""
    if r.start.line == r.end.line:
        return f"{r.filename}:{r.start.line},{r.start.column}-{r.end.column}"
    return f"{r.filename}:{r.start.line},{r.start.column}-{r.end.line},{r.end.column}"


def load_locks_from_file(path: str, filename: str | None = None) -> tuple[Locks, Diagnostics]:
    """Read a lock file; a missing file is an empty set of locks. `filename` is the name
    used in diagnostics (terraform says ".terraform.lock.hcl"); default: path."""
    try:
        with open(path, "rb") as fh:
            src = fh.read()
    except FileNotFoundError:
        return Locks(), Diagnostics()
    except OSError as e:
        diags = Diagnostics()
        diags.add_error("Failed to read dependency lock file", f"Error reading {path}: {e}")
        return Locks(), diags
    return parse_locks(src, filename or path)


def _quote(s: str) -> str:
    out = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return '"' + out.replace("${", "$${").replace("%{", "%%{") + '"'


def render_locks(locks: Locks) -> bytes:
    """The lock file's bytes, formatted as terraform (hclwrite) formats them."""
    parts = [HEADER]
    for p in sorted(locks.providers, key=str):
        lock = locks.providers[p]
        attrs: list[tuple[str, str]] = [("version", _quote(str(lock.version)))]
        cs = lock.constraints_string()
        if cs:
            attrs.append(("constraints", _quote(cs)))
        width = max(len(k) for k, _ in attrs)
        lines = [f'\nprovider {_quote(str(p))} {{\n']
        for k, v in attrs:
            lines.append(f"  {k.ljust(width)} = {v}\n")
        if lock.hashes:
            lines.append("  hashes = [\n")
            for h in lock.hashes:
                lines.append(f"    {_quote(h)},\n")
            lines.append("  ]\n")
        lines.append("}\n")
        parts.append("".join(lines))
    return "".join(parts).encode()


def save_locks_to_file(locks: Locks, path: str) -> None:
    """Write the lock file atomically (temp file in the same directory, then rename)."""
    data = render_locks(locks)
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".terraform.lock.", dir=d)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
