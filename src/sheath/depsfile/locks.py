"""Locks: the selected version, the constraints that applied and the package hashes of
each provider, as recorded in .terraform.lock.hcl."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field

from sheath.addrs.provider import Provider, parse_provider_source
from sheath.config.exprs import decode_string, expr_list
from sheath.config.versions import Constraint, Version, parse_constraints
from sheath.diag import Diagnostics
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
                f"Cannot parse {raw!r} as a provider source address.",
                rng,
            )
            continue
        if str(addr) != raw:
            diags.add_error(
                "Non-normalized provider source address",
                f"The provider source address for a provider lock must be a normalized, fully-qualified address. Use {str(addr)!r} instead.",
                rng,
            )
            continue
        if addr in locks.providers:
            diags.add_error(
                "Duplicate provider lock",
                f"This lockfile already declared a lock for provider {addr}.",
                block.def_range,
            )
            continue
        body, d = block.body.content(_PROVIDER_SCHEMA)
        diags.extend(d)
        if d.has_errors():
            continue
        va = body.attributes["version"]
        vs, d = decode_string(va.expr)
        diags.extend(d)
        version = parse_provider_version(vs) if vs is not None else None
        if version is None:
            diags.add_error("Invalid provider version number", "The selected version number must be a valid semantic version with all three parts.", va.expr.range)
            continue
        constraints: tuple[Constraint, ...] = ()
        ca = body.attributes.get("constraints")
        if ca is not None:
            cs, d = decode_string(ca.expr)
            diags.extend(d)
            pc = parse_constraints(cs) if cs else None
            if cs and pc is None:
                diags.add_error("Invalid provider version constraints", "The recorded version constraints are not valid.", ca.expr.range)
                continue
            if pc is not None:
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
                    diags.add_error("Invalid provider hash string", f"Cannot interpret {h!r} as a provider hash.", it.range)
                    continue
                hashes.append(h)
        locks.set_provider(addr, version, constraints, hashes)
    return locks, diags


def load_locks_from_file(path: str) -> tuple[Locks, Diagnostics]:
    """Read a lock file; a missing file is an empty set of locks."""
    try:
        with open(path, "rb") as fh:
            src = fh.read()
    except FileNotFoundError:
        return Locks(), Diagnostics()
    except OSError as e:
        diags = Diagnostics()
        diags.add_error("Failed to read dependency lock file", f"Error reading {path}: {e}")
        return Locks(), diags
    return parse_locks(src, path)


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
