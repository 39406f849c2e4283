"""Resource type schemas for rendering states and plans outside an operation: the
providers sheath implements natively, and plugin providers installed by init (what show,
cost, the ui and the Markdown views read values with)."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from sheath.providers.schema import Schema

if TYPE_CHECKING:
    from sheath.providers.interface import ProviderSchema

__all__ = ["NativeSchemas"]


class NativeSchemas:
    """Resource type schemas for rendering state: the providers sheath implements natively, and
    plugin providers installed by init (started once each); None when a provider is unavailable."""

    def __init__(self, root_dir: str = ".") -> None:
        self.root_dir = root_dir
        self._cache: dict[str, object] = {}

    def _provider_schema(self, provider: str) -> object:
        from sheath.addrs.provider import parse_provider_source

        addr, diags = parse_provider_source(provider)
        if addr is None or diags.has_errors():
            return None
        try:
            from sheath.engine.providers import ProviderFactory

            p = ProviderFactory(self.root_dir).new(addr)
        except Exception:  # noqa: BLE001 - an unavailable provider means "no schema": values render by shape
            return None
        try:
            return p.get_provider_schema()
        except Exception:  # noqa: BLE001
            return None
        finally:
            with contextlib.suppress(Exception):
                p.close()

    def provider_schema(self, provider: str) -> ProviderSchema | None:
        """The provider's whole schema (once per provider); None when it is unavailable."""
        from sheath.providers.interface import ProviderSchema as Loaded

        if provider not in self._cache:
            self._cache[provider] = self._provider_schema(provider)
        ps = self._cache[provider]
        return ps if isinstance(ps, Loaded) else None

    def __call__(self, provider: str, mode: str, type_: str) -> Schema | None:
        ps = self.provider_schema(provider)
        if ps is None:
            return None
        return (ps.data_sources if mode == "data" else ps.resource_types).get(type_)
