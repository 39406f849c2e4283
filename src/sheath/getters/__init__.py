"""Module package fetchers: go-getter's getters, as terraform's module installer uses them.

A module source address names a package (what is downloaded) and optionally a
subdirectory of it ("git::https://host/repo.git//modules/vpc?ref=v1" is the
package "git::https://host/repo.git?ref=v1" and the subdirectory "modules/vpc").
fetch_package downloads a package into a directory with the getter the address
selects: "git::" (or a forced "git::" form), "http://" and "https://" (archives by
their extension or ?archive=, else the URL X-Terraform-Get names), "s3::" (an
object prefix or an archive object; any endpoint but AWS's is used path-style). Failures are messages (go-getter's wording), never exceptions.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Protocol

from sheath.getters.errors import FetchError


class PackageFetcher(Protocol):
    """Downloads one package address (without its forced-getter prefix) into dst."""

    def fetch(self, url: str, dst: str, cwd: str) -> FetchError | None:
        """None on success, else go-getter's error."""
        ...


@dataclass(frozen=True, slots=True)
class PackageAddr:
    """A module source split as go-getter splits it: the package and the subdirectory."""

    package: str
    subdir: str = ""


_FORCED = re.compile(r"^([A-Za-z0-9]+)::(.+)$")


def split_package_subdir(source: str) -> PackageAddr:
    """go-getter's SourceDirSubdir: "x//sub?q" is the package "x?q" and the subdirectory "sub"."""
    stop = source.find("?")
    if stop < 0:
        stop = len(source)
    scheme = source.find("://", 0, stop)
    offset = scheme + 3 if scheme >= 0 else 0
    idx = source.find("//", offset, stop)
    if idx < 0:
        return PackageAddr(source)
    subdir = source[idx + 2 :]
    package = source[:idx]
    q = subdir.find("?")
    if q >= 0:
        package += subdir[q:]
        subdir = subdir[:q]
    return PackageAddr(package, subdir)


def forced_getter(package: str) -> tuple[str, str]:
    """("git", url) for "git::url"; ("", package) when no getter is forced."""
    m = _FORCED.match(package)
    if m is None:
        return "", package
    return m.group(1), m.group(2)


def fetcher_for(package: str) -> tuple[PackageFetcher | None, str]:
    """The getter for a package address and the URL it is given; None when sheath has none."""
    forced, url = forced_getter(package)
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if forced == "git":
        from sheath.getters.git import GitFetcher

        return GitFetcher(), url
    if forced == "s3":
        from sheath.getters.s3 import S3Fetcher

        return S3Fetcher(), url
    if forced in ("", "http", "https") and scheme in ("http", "https"):
        from sheath.getters.http import HttpFetcher

        return HttpFetcher(fetch_next=fetch_address), url
    return None, url


def fetch_package(package: str, dst: str, cwd: str) -> str | None:
    """Download package into dst (relative to cwd); None, or terraform's error text."""
    fetcher, url = fetcher_for(package)
    if fetcher is None:
        return f"sheath cannot download {package!r}: only git::, s3::, http:// and https:// module sources are supported"
    err = fetcher.fetch(url, dst, cwd)
    if err is None:
        return None
    return err.message if err.bare else f"error downloading '{redact_url(url)}': {err.message}"


def fetch_address(source: str, dst: str, cwd: str) -> FetchError | None:
    """Fetch any source address (an X-Terraform-Get answer) into dst, its subdirectory only
    when it names one; an error text without go-getter's "error downloading" prefix."""
    addr = split_package_subdir(source)
    fetcher, url = fetcher_for(addr.package)
    if fetcher is None:
        return FetchError(f"sheath cannot download {addr.package!r}")
    if not addr.subdir:
        return fetcher.fetch(url, dst, cwd)
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        err = fetcher.fetch(url, tmp, cwd)
        if err is not None:
            return err
        src = os.path.join(tmp, addr.subdir)
        if not os.path.isdir(src):
            return FetchError(f"subdir {addr.subdir!r} not found")
        shutil.copytree(src, os.path.join(cwd, dst), symlinks=True, dirs_exist_ok=True)
    return None


def redact_url(url: str) -> str:
    """go-getter's RedactURL: a password in the URL is shown as "redacted"."""
    m = re.match(r"^([a-z][a-z0-9+.-]*://)([^/@:]*):([^/@]*)@", url, re.IGNORECASE)
    if m is None:
        return url
    return f"{m.group(1)}{m.group(2)}:redacted@{url[m.end():]}"


def is_fetchable(package: str) -> bool:
    return fetcher_for(package)[0] is not None
