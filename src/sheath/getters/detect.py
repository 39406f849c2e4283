"""go-getter's detectors as terraform's module installer applies them: shorthand source
addresses become the addresses terraform records and fetches.

  github.com/org/repo//sub?ref=v1   ->  git::https://github.com/org/repo.git//sub?ref=v1
  git@github.com:org/repo.git       ->  git::ssh://git@github.com/org/repo.git
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlencode

_SSH = re.compile(r"^(?:([^@]+)@)?([^:]+):/?(.+)$")
_FORCED = re.compile(r"^[A-Za-z0-9]+::")


def normalize_source(raw: str) -> str:
    """The module source terraform records for raw (raw itself when no detector rewrites it)."""
    if _FORCED.match(raw) or "://" in raw.split("?", 1)[0]:
        return raw
    # go-getter splits the subdirectory off before detecting, and puts it back afterwards
    from sheath.getters import split_package_subdir

    addr = split_package_subdir(raw)
    detected = _github(addr.package) or _git_ssh(addr.package)
    if detected is None:
        return raw
    found = split_package_subdir(detected)
    subdir = "/".join(p for p in (found.subdir, addr.subdir) if p)
    if not subdir:
        return found.package
    base, q, query = found.package.partition("?")
    return f"{base}//{subdir}" + (f"?{query}" if q else "")


def _github(src: str) -> str | None:
    if not src.startswith("github.com/"):
        return None
    parts = src.split("/")
    if len(parts) < 3:
        return None
    head = "/".join(parts[:3])
    base, q, query = head.partition("?")
    path = base[len("github.com") :]
    if not path.endswith(".git"):
        path += ".git"
    if len(parts) > 3:
        path += "//" + "/".join(parts[3:])
        return f"git::https://github.com{path}"
    return f"git::https://github.com{path}" + (f"?{query}" if q else "")


def _git_ssh(src: str) -> str | None:
    m = _SSH.match(src)
    if m is None or m.group(1) != "git":
        return None
    host, path = m.group(2), m.group(3)
    path, q, query = path.partition("?")
    out = f"git::ssh://git@{host}/{quote(path, safe='/~:@!$&()*+,;=-._')}"
    if q:
        out += "?" + urlencode(sorted(parse_qsl(query, keep_blank_values=True)))
    return out
