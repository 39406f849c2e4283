"""Schemas validate can use without starting a provider process: those of the
providers sheath implements itself (terraform's builtin provider, and the
native hashicorp/random and hashicorp/local), read from their implementations."""

from __future__ import annotations

from sheath.addrs.provider import Provider as ProviderAddr
from sheath.config.resource import Resource
from sheath.providers.interface import ProviderSchema
from sheath.providers.registry import ProviderRegistry, default_registry
from sheath.providers.schema import Schema

# Resource types whose provider rejects computed-only arguments with this summary
# (terraform_data: '"output" attribute is read-only'); the others use the plugin
# framework's "Invalid Configuration for Read-Only Attribute".
BUILTIN_READ_ONLY = frozenset({"terraform_data"})


class KnownSchemas:
    """Schemas of natively implemented providers, fetched once per run."""

    def __init__(self, registry: ProviderRegistry | None = None) -> None:
        self.registry = registry or default_registry()
        self._cache: dict[str, ProviderSchema | None] = {}

    def provider_schema(self, addr: ProviderAddr) -> ProviderSchema | None:
        key = str(addr)
        if key not in self._cache:
            provider = self.registry.new(addr)
            self._cache[key] = None if provider is None else provider.get_provider_schema()
        return self._cache[key]

    def resource_schema(self, r: Resource) -> Schema | None:
        if r.provider is None:
            return None
        ps = self.provider_schema(r.provider)
        if ps is None:
            return None
        if r.mode.name == "DATA":
            return ps.data_sources.get(r.type)
        if r.mode.name == "EPHEMERAL":
            return ps.ephemeral_resource_types.get(r.type)
        return ps.resource_types.get(r.type)
