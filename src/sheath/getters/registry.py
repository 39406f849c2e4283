"""The module registry protocol: service discovery (a host block of the CLI configuration,
else https://<host>/.well-known/terraform.json), modules.v1's versions and download endpoints."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin

from sheath.config.versions import Constraints, Version, parse_version

DEFAULT_HOST = "registry.terraform.io"
_PART = r"[0-9A-Za-z](?:[0-9A-Za-z_-]{0,62}[0-9A-Za-z])?"
_ADDR = re.compile(
    rf"^(?:(?P<host>[0-9a-z][0-9a-z.-]*\.[a-z0-9-]+(?::\d+)?)/)?(?P<ns>{_PART})/(?P<name>{_PART})/"
    r"(?P<provider>[0-9a-z]{1,64})(?://(?P<sub>.*))?$"
)


@dataclass(frozen=True, slots=True)
class RegistryModule:
    """A module registry address: host/namespace/name/target-system."""

    host: str
    namespace: str
    name: str
    provider: str

    def path(self) -> str:
        return f"{self.namespace}/{self.name}/{self.provider}"

    def __str__(self) -> str:
        """As terraform prints and records it: with the host, the public registry's too."""
        return f"{self.host}/{self.path()}"

    def source(self, subdir: str) -> str:
        """The module source terraform records for this module and a subdirectory of it."""
        return f"{self}//{subdir}" if subdir else str(self)


def parse_registry_source(raw: str) -> tuple[RegistryModule, str] | None:
    """The module address and the subdirectory of a registry source; None when raw is not one."""
    m = _ADDR.match(raw)
    if m is None:
        return None
    host = (m.group("host") or DEFAULT_HOST).lower()
    return RegistryModule(host, m.group("ns"), m.group("name"), m.group("provider")), m.group("sub") or ""


class RegistryError(Exception):
    """A failed registry request: kind "not_found" (the registry has no such module) or "access"."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass
class RegistryClient:
    """Registry requests of one init run (versions are asked once per module, as terraform does)."""

    hosts: Mapping[str, Mapping[str, str]]
    services: dict[str, str] = field(default_factory=dict)
    versions_cache: dict[RegistryModule, list[Version]] = field(default_factory=dict)

    def modules_url(self, host: str) -> str:
        """The modules.v1 base URL of host (raises RegistryError)."""
        if host in self.services:
            return self.services[host]
        configured = self.hosts.get(host)
        if configured is not None:
            base = "https://" + host + "/"
            doc: Mapping[str, object] = configured
        else:
            base = f"https://{host}/.well-known/terraform.json"
            doc = _discover(base)
        url = doc.get("modules.v1") if isinstance(doc, Mapping) else None
        if not isinstance(url, str):
            raise RegistryError("access", f"host {host} does not provide a module registry")
        self.services[host] = urljoin(base, url)
        return self.services[host]

    def versions(self, mod: RegistryModule) -> list[Version]:
        if mod in self.versions_cache:
            return self.versions_cache[mod]
        url = urljoin(self.modules_url(mod.host), f"{mod.path()}/versions")
        try:
            with urllib.request.urlopen(url, timeout=30) as resp:
                doc = json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                raise RegistryError("not_found", "") from exc
            raise RegistryError("access", f"error looking up module versions: {exc.code} {exc.reason}") from exc
        except (OSError, ValueError) as exc:
            raise RegistryError("access", str(exc)) from exc
        out: list[Version] = []
        for m in doc.get("modules", []) if isinstance(doc, dict) else []:
            for v in m.get("versions", []) if isinstance(m, dict) else []:
                pv = parse_version(str(v.get("version", ""))) if isinstance(v, dict) else None
                if pv is not None:
                    out.append(pv)
        self.versions_cache[mod] = out
        return out

    def download_address(self, mod: RegistryModule, version: Version) -> str:
        """The source address the download endpoint answers (X-Terraform-Get), made absolute."""
        url = urljoin(self.modules_url(mod.host), f"{mod.path()}/{version}/download")
        try:
            with urllib.request.urlopen(url, timeout=30) as resp:
                location = resp.headers.get("X-Terraform-Get") or ""
        except urllib.error.HTTPError as exc:
            raise RegistryError("access", f"error getting download location for {mod}: {exc.code} {exc.reason}") from exc
        except OSError as exc:
            raise RegistryError("access", str(exc)) from exc
        if not location:
            raise RegistryError("access", f"failed to get download URL for {mod}: no X-Terraform-Get header")
        if location.startswith(("/", "./", "../")):
            location = urljoin(url, location)
        return location


def _discover(url: str) -> Mapping[str, object]:
    """The service discovery document at url, checked as terraform's disco checks it."""
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            content_type = resp.headers.get("Content-Type") or ""
            media = content_type.split(";", 1)[0].strip().lower()
            if not media or "/" not in media:
                raise RegistryError("access", f'discovery URL has a malformed Content-Type "{content_type}"')
            if media != "application/json":
                raise RegistryError("access", f'discovery URL returned an unsupported Content-Type "{media}"')
            doc = json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return {}
        raise RegistryError("access", f"failed to request discovery document: {exc.code} {exc.reason}") from exc
    except (OSError, ValueError) as exc:
        raise RegistryError("access", f"failed to request discovery document: {exc}") from exc
    return doc if isinstance(doc, dict) else {}


def newest(versions: list[Version], constraints: Constraints | None) -> Version | None:
    """The newest version the constraints allow; pre-releases only when a constraint names them."""
    ok = [
        v
        for v in versions
        if (constraints.check(v) if constraints is not None else not v.prerelease)
    ]
    best: Version | None = None
    for v in ok:
        if best is None or v.compare(best) > 0:
            best = v
    return best


def newest_release(versions: list[Version]) -> Version | None:
    return newest(versions, None)
