"""Schemas validate can use without starting a provider process: those of the
providers sheath implements itself (terraform's builtin provider, and the
native hashicorp/random and hashicorp/local), read from their implementations."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from sheath.addrs.provider import Provider as ProviderAddr
from sheath.diag import Diagnostic, Diagnostics
from sheath.config.resource import Resource
from sheath.providers.builtin.terraform import UNSUPPORTED_BACKEND
from sheath.providers.interface import FunctionDecl, Provider, ProviderSchema, ValidateResponse
from sheath.providers.registry import ProviderRegistry, default_registry
from sheath.providers.schema import Schema
from sheath.types import Value

# Resource types whose provider rejects computed-only arguments with this summary
# (terraform_data: '"output" attribute is read-only'); the others use the plugin
# framework's "Invalid Configuration for Read-Only Attribute".
BUILTIN_READ_ONLY = frozenset({"terraform_data"})


@dataclass(frozen=True)
class BuiltinValidation:
    """terraform's builtin provider asked as terraform validate asks it, without what validate
    reports itself (terraform_data's read-only arguments, by _read_only) or what only a read
    refuses (a backend terraform knows that sheath does not read remote state from)."""

    provider: Any

    def validate_resource_config(self, type_name: str, config: Value) -> ValidateResponse:
        resp: ValidateResponse = self.provider.validate_resource_config(type_name, config)
        if type_name in BUILTIN_READ_ONLY:
            return ValidateResponse(_without(resp.diagnostics, lambda x: x.summary.endswith("attribute is read-only")))
        return resp

    def validate_data_resource_config(self, type_name: str, config: Value) -> ValidateResponse:
        resp: ValidateResponse = self.provider.validate_data_resource_config(type_name, config)
        return ValidateResponse(_without(resp.diagnostics, lambda x: x.summary == UNSUPPORTED_BACKEND))


def _without(diags: Diagnostics, drop: Callable[[Diagnostic], bool]) -> Diagnostics:
    kept = Diagnostics()
    for x in diags:
        if not drop(x):
            kept.append(x)
    return kept


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
        """The provider that answered the schema (a native one, terraform's builtin one, or the
        plugin process), to ask its ValidateResourceConfig; None when no provider answered."""
        if self.provider_schema(addr) is None:
            return None
        native = self._native.get(str(addr))
        if native is not None and addr.is_builtin():
            return BuiltinValidation(native)
        if native is not None:
            return native
        return None if self._shared is None else self._shared.peek_instance(addr)

    def function_decls(self, addr: ProviderAddr) -> Mapping[str, FunctionDecl] | None:
        """The functions the provider's schema declares (None when it has no schema)."""
        ps = self.provider_schema(addr)
        return None if ps is None else ps.functions

    def function_instance(self, addr: ProviderAddr) -> Provider:
        """An unconfigured instance to call the provider's functions on: the one that answered
        the schema, or (when the engine has taken that one) another, started for functions."""
        key = str(addr)
        native = self._native.get(key)
        if native is not None:
            return cast(Provider, native)
        spare = None if self._shared is None else self._shared.peek_instance(addr)
        if spare is not None:
            return cast(Provider, spare)
        if self._shared is None:
            from sheath.engine.providers import ProviderFactory, ProviderSchemas

            self._shared = ProviderSchemas(ProviderFactory(self.root_dir or ".", self.registry))
            self._owned = True
        return cast(Provider, self._shared.function_instance(addr))

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
