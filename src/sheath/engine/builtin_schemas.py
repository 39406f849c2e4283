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

    def __init__(self, registry: ProviderRegistry | None = None, root_dir: str | None = None) -> None:
        self.registry = registry or default_registry()
        self.root_dir = root_dir  # when set, installed plugin providers are asked too
        self._cache: dict[str, ProviderSchema | None] = {}

    def provider_schema(self, addr: ProviderAddr) -> ProviderSchema | None:
        key = str(addr)
        if key not in self._cache:
            provider = self.registry.new(addr)
            if provider is None and self.root_dir is not None:
                self._cache[key] = self._plugin_schema(addr)
            else:
                self._cache[key] = None if provider is None else provider.get_provider_schema()
        return self._cache[key]

    def _plugin_schema(self, addr: ProviderAddr) -> ProviderSchema | None:
        """An installed plugin's schema (from the on-disk schema cache when it has it)."""
        from sheath.engine.providers import ProviderFactory, ProviderStartFailed, ProviderUnavailable

        try:
            provider = ProviderFactory(self.root_dir or ".", self.registry).new(addr)
        except (ProviderUnavailable, ProviderStartFailed):
            return None
        try:
            ps = provider.get_provider_schema()
            return None if ps.diagnostics.has_errors() else ps
        finally:
            provider.close()

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
