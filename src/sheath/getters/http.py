"""go-getter's http getter: archives (by extension or ?archive=) are downloaded and unpacked;
any other URL is asked with ?terraform-get=1 for the address of the package (the
X-Terraform-Get header, or a terraform-get meta tag), which is then fetched."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sheath.getters.archive import archive_kind, unpack
from sheath.getters.errors import FetchError

_META = re.compile(r"""<meta\s+name=["']terraform-get["']\s+content=["']([^"']*)["']""", re.IGNORECASE)
_LIMIT = 10  # terraform's XTerraformGetLimit

Fetch = Callable[[str, str, str], "FetchError | None"]


@dataclass(frozen=True, slots=True)
class HttpFetcher:
    """fetch_next fetches the address an X-Terraform-Get answer names (any getter)."""

    fetch_next: Fetch
    redirects: int = 0

    def fetch(self, url: str, dst: str, cwd: str) -> FetchError | None:
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        archive = archive_kind(parts.path, dict(query).get("archive", ""))
        if "archive" in dict(query):
            query = [(k, v) for k, v in query if k != "archive"]
            url = urlunsplit(parts._replace(query=urlencode(query)))
        target = os.path.join(cwd, dst)
        if archive:
            return _fetch_archive(url, archive, target)
        if self.redirects >= _LIMIT:
            return FetchError("too many X-Terraform-Get redirects")
        ask = urlunsplit(parts._replace(query=urlencode([*query, ("terraform-get", "1")])))
        try:
            with urllib.request.urlopen(ask) as resp:
                source = resp.headers.get("X-Terraform-Get") or ""
                if not source:
                    m = _META.search(resp.read(1 << 20).decode("utf-8", "replace"))
                    source = m.group(1) if m else ""
        except urllib.error.HTTPError as exc:
            return FetchError(f"bad response code: {exc.code}")
        except (urllib.error.URLError, OSError) as exc:
            return FetchError(str(getattr(exc, "reason", exc)))
        if not source:
            return FetchError("no source URL was returned")
        if "://" not in source and "::" not in source:
            # terraform's installer resolves no relative address here
            return FetchError(f"invalid source string: {source}")
        return self.fetch_next(source, dst, cwd)


def _fetch_archive(url: str, kind: str, target: str) -> FetchError | None:
    """go-getter reports these errors bare (no "error downloading" prefix)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "archive")
        try:
            with urllib.request.urlopen(url) as resp, open(path, "wb") as fh:
                shutil.copyfileobj(resp, fh)
        except urllib.error.HTTPError as exc:
            return FetchError(f"bad response code: {exc.code}", bare=True)
        except (urllib.error.URLError, OSError) as exc:
            return FetchError(str(getattr(exc, "reason", exc)), bare=True)
        return unpack(path, kind, target)
