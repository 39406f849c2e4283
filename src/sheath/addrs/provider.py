"""Provider addresses: source addresses (hostname/namespace/type) and configurations."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sheath.addrs.module import ROOT_MODULE, Module
from sheath.diag import Diagnostics, Range

DEFAULT_REGISTRY_HOST = "registry.terraform.io"
BUILTIN_HOST = "terraform.io"
BUILTIN_NAMESPACE = "builtin"
LEGACY_NAMESPACE = "-"
UNKNOWN_NAMESPACE = "?"

_PART_RE = re.compile(r"^[0-9a-z](?:[0-9a-z-]*[0-9a-z])?$")
_HOST_RE = re.compile(r"^[0-9a-z](?:[0-9a-z.-]*[0-9a-z])?(?::[0-9]+)?$")


@dataclass(frozen=True, slots=True)
class Provider:
    """A provider's fully-qualified source address, e.g. registry.terraform.io/hashicorp/aws."""

    type: str
    namespace: str = "hashicorp"
    hostname: str = DEFAULT_REGISTRY_HOST

    def __str__(self) -> str:
        return f"{self.hostname}/{self.namespace}/{self.type}"

    def for_display(self) -> str:
        """The short form terraform prints: hashicorp/aws (hostname omitted when default)."""
        if self.hostname == DEFAULT_REGISTRY_HOST:
            return f"{self.namespace}/{self.type}"
        return str(self)

    def is_builtin(self) -> bool:
        return self.hostname == BUILTIN_HOST and self.namespace == BUILTIN_NAMESPACE

    def is_default(self) -> bool:
        return self.hostname == DEFAULT_REGISTRY_HOST and self.namespace == "hashicorp"

    def is_legacy(self) -> bool:
        return self.namespace == LEGACY_NAMESPACE


def new_default_provider(type_: str) -> Provider:
    return Provider(type_, "hashicorp", DEFAULT_REGISTRY_HOST)


def new_builtin_provider(type_: str) -> Provider:
    return Provider(type_, BUILTIN_NAMESPACE, BUILTIN_HOST)


def implied_provider_for_unqualified_type(type_: str) -> Provider:
    """The provider terraform assumes for a local name that has no required_providers entry."""
    if type_ == "terraform":
        return new_builtin_provider(type_)
    return new_default_provider(type_)


def _normalize_part(part: str) -> str | None:
    p = part.lower()
    if _PART_RE.match(p):
        return p
    return None


def parse_provider_part(part: str) -> str | None:
    """Normalize one namespace or type part; None when invalid."""
    return _normalize_part(part)


def parse_provider_source(src: str, subject: Range | None = None) -> tuple[Provider | None, Diagnostics]:
    """Parse a required_providers source like "hashicorp/aws" or "example.com/ns/type".

    A single-part source gets the "hashicorp" namespace, as terraform does.
    """
    diags = Diagnostics()
    parts = src.split("/")
    if not src or len(parts) > 3 or any(p == "" for p in parts):
        diags.add_error(
            "Invalid provider source string",
            'The "source" attribute must be in the format "[hostname/][namespace/]name"',
            subject,
        )
        return None, diags
    type_raw = parts[-1]
    type_ = _normalize_part(type_raw)
    if type_ is None:
        diags.add_error(
            "Invalid provider type",
            f'Invalid provider type "{type_raw}" in source "{src}": must contain only letters, digits, and dashes, '
            'and may not use leading or trailing dashes"',
            subject,
        )
        return None, diags
    hostname = DEFAULT_REGISTRY_HOST
    namespace = "hashicorp"
    if len(parts) >= 2:
        ns_raw = parts[-2]
        ns = _normalize_part(ns_raw)
        if ns is None and ns_raw != LEGACY_NAMESPACE:
            diags.add_error(
                "Invalid provider namespace",
                f'Invalid provider namespace "" in source "{src}": must contain only letters, digits, and dashes, '
                'and may not use leading or trailing dashes"',
                subject,
            )
            return None, diags
        namespace = ns if ns is not None else LEGACY_NAMESPACE
    if len(parts) == 3:
        h = parts[0].lower()
        if not _HOST_RE.match(h):
            diags.add_error(
                "Invalid provider source hostname",
                f'Invalid provider source hostname namespace "{parts[0]}" in source "{src}": must be a valid hostname',
                subject,
            )
            return None, diags
        hostname = h
    if hostname == DEFAULT_REGISTRY_HOST and type_.startswith("terraform-provider-"):
        diags.add_error(
            "Invalid provider type",
            f'Provider source "{src}" has a type with the prefix "terraform-provider-", which isn\'t valid. '
            "Although that prefix is often used in the names of version control repositories for Terraform "
            'providers, provider source strings should not include it.\n\nDid you mean '
            f'"{namespace}/{type_[len("terraform-provider-"):]}"?',
            subject,
        )
        return None, diags
    return Provider(type_, namespace, hostname), diags


@dataclass(frozen=True, slots=True)
class LocalProviderConfig:
    """A provider configuration as referenced in its own module: aws or aws.west."""

    local_name: str
    alias: str = ""

    def __str__(self) -> str:
        return f"{self.local_name}.{self.alias}" if self.alias else self.local_name

    def key(self) -> str:
        return str(self)


@dataclass(frozen=True, slots=True)
class AbsProviderConfig:
    """provider["registry.terraform.io/hashicorp/aws"].west, optionally in a module."""

    provider: Provider
    alias: str = ""
    module: Module = ROOT_MODULE

    def __str__(self) -> str:
        s = f'provider["{self.provider}"]'
        if self.alias:
            s += f".{self.alias}"
        if not self.module.is_root():
            s = f"{self.module}.{s}"
        return s


def parse_abs_provider_config_str(s: str) -> AbsProviderConfig | None:
    """Parse the state-file form: provider["host/ns/type"].alias, optionally module-prefixed."""
    m = _ABS_PROVIDER_RE.match(s)
    if m is None:
        return None
    mod_part, src, alias = m.group(1), m.group(2), m.group(3) or ""
    names: tuple[str, ...] = ()
    if mod_part:
        segs = mod_part.rstrip(".").split(".")
        if len(segs) % 2:
            return None
        for i in range(0, len(segs), 2):
            if segs[i] != "module":
                return None
            names += (segs[i + 1],)
    parts = src.split("/")
    if len(parts) != 3:
        return None
    return AbsProviderConfig(Provider(parts[2], parts[1], parts[0]), alias, Module(names))


_ABS_PROVIDER_RE = re.compile(r'^((?:module\.[A-Za-z_][\w-]*\.)*)provider\["([^"]+)"\](?:\.([A-Za-z_][\w-]*))?$')
