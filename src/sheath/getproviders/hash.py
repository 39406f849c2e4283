"""Package hashes: terraform's "h1:" (dirhash Hash1 of the package contents) and "zh:"
(SHA-256 of the .zip archive itself, as published in the registry's SHA256SUMS)."""

from __future__ import annotations

import base64
import hashlib
import os
import zipfile
from typing import Callable, Iterable

from sheath.getproviders.types import PackageLocalArchive, PackageLocation

SCHEME_H1 = "h1:"
SCHEME_ZH = "zh:"
_CHUNK = 1 << 20


def _sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            b = f.read(_CHUNK)
            if not b:
                break
            h.update(b)
    return h.hexdigest()


def _hash1(entries: Iterable[tuple[str, str]]) -> str:
    """Hash1 over (name, sha256hex) pairs: sha256 of sorted "hex  name\\n" lines, base64."""
    lines = sorted(f"{hx}  {name}\n" for name, hx in entries)
    summary = hashlib.sha256("".join(lines).encode()).digest()
    return SCHEME_H1 + base64.b64encode(summary).decode("ascii")


def _walk_files(root: str) -> list[tuple[str, str]]:
    """Every regular file under root (following symlinks) as (slash-relative-name, path)."""
    out: list[tuple[str, str]] = []
    stack = [("", root)]
    while stack:
        rel, path = stack.pop()
        with os.scandir(path) as it:
            for e in it:
                name = f"{rel}/{e.name}" if rel else e.name
                if e.is_dir(follow_symlinks=True):
                    stack.append((name, e.path))
                elif e.is_file(follow_symlinks=True):
                    out.append((name, e.path))
    return out


FileHasher = Callable[[str], str]
"""A file's SHA-256 (hex) by path: plain hashing, or one that remembers large binaries."""


def sha256_file(path: str) -> str:
    return _sha256_file(path)


def hash_dir_h1(path: str, file_sha256: FileHasher = _sha256_file) -> str:
    return _hash1((name, file_sha256(p)) for name, p in _walk_files(path))


def hash_zip_h1(path: str) -> str:
    """h1 of an archive: the hash its contents would have once extracted."""
    entries: list[tuple[str, str]] = []
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            if info.is_dir():
                continue
            h = hashlib.sha256()
            with z.open(info) as f:
                while True:
                    b = f.read(_CHUNK)
                    if not b:
                        break
                    h.update(b)
            entries.append((info.filename, h.hexdigest()))
    return _hash1(entries)


def hash_zip_zh(path: str) -> str:
    return SCHEME_ZH + _sha256_file(path)


def package_hash_h1(loc: PackageLocation, file_sha256: FileHasher = _sha256_file) -> str:
    """The h1 hash of a package (the scheme terraform records for local packages)."""
    if isinstance(loc, PackageLocalArchive):
        return hash_zip_h1(loc.path)
    return hash_dir_h1(loc.path, file_sha256)


def package_hashes(loc: PackageLocation) -> list[str]:
    """Every hash of this package that can be computed locally."""
    if isinstance(loc, PackageLocalArchive):
        return [hash_zip_h1(loc.path), hash_zip_zh(loc.path)]
    return [hash_dir_h1(loc.path)]


def package_matches_any_hash(
    loc: PackageLocation,
    hashes: Iterable[str],
    computed: dict[str, str] | None = None,
    file_sha256: FileHasher = _sha256_file,
) -> bool:
    """Whether the package matches one of hashes, considering only the schemes that apply
    to its location (zh: only for archives). `computed` caches hashes by scheme."""
    cache = computed if computed is not None else {}
    for want in hashes:
        if want.startswith(SCHEME_H1):
            if SCHEME_H1 not in cache:
                cache[SCHEME_H1] = package_hash_h1(loc, file_sha256)
            if cache[SCHEME_H1] == want:
                return True
        elif want.startswith(SCHEME_ZH) and isinstance(loc, PackageLocalArchive):
            if SCHEME_ZH not in cache:
                cache[SCHEME_ZH] = hash_zip_zh(loc.path)
            if cache[SCHEME_ZH] == want:
                return True
    return False


def valid_hash_string(s: str) -> bool:
    scheme, sep, rest = s.partition(":")
    return bool(sep) and bool(scheme) and bool(rest)


__all__ = [
    "SCHEME_H1",
    "SCHEME_ZH",
    "hash_dir_h1",
    "hash_zip_h1",
    "hash_zip_zh",
    "package_hash_h1",
    "package_hashes",
    "package_matches_any_hash",
    "valid_hash_string",
]
