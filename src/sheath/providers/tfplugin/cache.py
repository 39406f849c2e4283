"""The on-disk provider schema cache, keyed by the provider binary's SHA-256.

A provider's schema depends only on its binary, so the serialized
GetProviderSchema response is stored under ``<cache>/schemas/<sha256>.pb``
(``<cache>`` is ``$SHEATH_CACHE_DIR``, else ``$XDG_CACHE_HOME/sheath``, else
``~/.cache/sheath``). Hashing a large binary (the AWS provider is ~700 MB)
costs more than fetching its schema, so the hash itself is remembered per
(path, size, mtime, inode, ctime) in ``<cache>/hashes/``; a changed binary gets a
new hash and so a new entry.

Writes go to a temporary file renamed into place, so concurrent runs never
see a partial entry; a corrupt entry is ignored (and replaced).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    e = os.environ if env is None else env
    explicit = e.get("SHEATH_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = e.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "sheath"
    return Path(e.get("HOME") or os.path.expanduser("~")) / ".cache" / "sheath"


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _memo_path(executable: Path, root: Path) -> Path:
    st = executable.stat()
    # ctime too: a file rewritten in place with its size and mtime restored is still seen
    ident = f"{executable.resolve()}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\0{st.st_ctime_ns}"
    return root / "hashes" / hashlib.sha256(ident.encode()).hexdigest()


def remembered_sha256(executable: Path, root: Path) -> str | None:
    """The binary's SHA-256 if it was computed before for this very file, else None."""
    try:
        got = _memo_path(executable, root).read_text().strip()
    except OSError:
        return None
    return got if len(got) == 64 else None


def binary_sha256(executable: Path, root: Path) -> str:
    """The binary's SHA-256 (hex), remembered by its path, size, mtime and inode."""
    got = remembered_sha256(executable, root)
    if got is not None:
        return got
    memo = _memo_path(executable, root)
    h = hashlib.sha256()
    with open(executable, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    digest = h.hexdigest()
    try:
        _write_atomic(memo, digest.encode())
    except OSError:
        pass
    return digest


class SchemaCache:
    """Serialized schema responses by binary hash and protocol version."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _entry(self, sha256: str, protocol: int) -> Path:
        return self.root / "schemas" / f"{sha256}.v{protocol}.pb"

    def load(self, sha256: str, protocol: int) -> bytes | None:
        try:
            return self._entry(sha256, protocol).read_bytes()
        except OSError:
            return None

    def store(self, sha256: str, protocol: int, data: bytes) -> None:
        try:
            _write_atomic(self._entry(sha256, protocol), data)
        except OSError:
            pass  # a cache that cannot be written only costs time
