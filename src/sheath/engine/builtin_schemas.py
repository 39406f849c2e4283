"""Schemas validate can use without starting a provider process: those of the
providers sheath implements itself (terraform's builtin provider, and the
native hashicorp/random and hashicorp/local), read from their implementations."""

from __future__ import annotations

from typing import Any

from sheath.addrs.provider import Provider as ProviderAddr
from sheath.diag import Diagnostics
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

    def __init__(
        self, registry: ProviderRegistry | None = None, root_dir: str | None = None, shared: Any = None
    ) -> None:
        self.registry = registry or default_registry()
        self.root_dir = root_dir  # when set, installed plugin providers are asked too
        self._cache: dict[str, ProviderSchema | None] = {}
        self._shared = shared  # an engine.providers.ProviderSchemas the plan goes on using
        self._owned = False
        self.failures = Diagnostics()  # plugins that could not answer: never a silent skip
        self._native: dict[str, Any] = {}  # the instances of native providers that answered

    def provider_schema(self, addr: ProviderAddr) -> ProviderSchema | None:
        key = str(addr)
        if key not in self._cache:
            provider = self.registry.new(addr)
            if provider is None and self.root_dir is not None:
                self._cache[key] = self._plugin_schema(addr)
            else:
                self._cache[key] = None if provider is None else provider.get_provider_schema()
                if provider is not None:
                    self._native[key] = provider
        return self._cache[key]

    def is_plugin(self, addr: ProviderAddr) -> bool:
        return self.registry.lookup(addr) is None

    def validating_instance(self, addr: ProviderAddr) -> Any:
        """The provider that answered the schema (a native one, or the plugin process), to ask
        its ValidateResourceConfig; None for terraform's builtin provider, whose checks
        validate makes itself, or when no provider answered."""
        if addr.is_builtin() or self.provider_schema(addr) is None:
            return None
        native = self._native.get(str(addr))
        if native is not None:
            return native
        return None if self._shared is None else self._shared.peek_instance(addr)

    def _plugin_schema(self, addr: ProviderAddr) -> ProviderSchema | None:
        """An installed plugin's schema (from the on-disk schema cache when it has it)."""
        from sheath.engine.providers import (
            ProviderFactory,
            ProviderSchemas,
            ProviderStartFailed,
            ProviderUnavailable,
            provider_start_diags,
        )

        if self._shared is None:
            self._shared = ProviderSchemas(ProviderFactory(self.root_dir or ".", self.registry))
            self._owned = True
        try:
            ps: ProviderSchema = self._shared.get(addr)
        except ProviderUnavailable:
            return None  # not installed: validate's provider check reports it
        except ProviderStartFailed as exc:
            self.failures.extend(provider_start_diags(exc.addr, exc.message))
            return None
        if ps.diagnostics.has_errors():
            self.failures.extend(ps.diagnostics)
            return None
        return ps

    def close(self) -> None:
        """Stop plugin processes this object started itself (a shared one is its owner's)."""
        if self._shared is not None and self._owned:
            self._shared.close()

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
