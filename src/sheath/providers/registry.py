"""Where provider implementations come from: source address -> factory.

Native providers resolve without any download. Keys are fully qualified
source addresses as ``str(addrs.provider.Provider)`` prints them
("registry.terraform.io/hashicorp/random", "terraform.io/builtin/terraform").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sheath.addrs.provider import Provider as ProviderAddr
from sheath.providers.interface import Provider, ProviderFactory


@dataclass
class NativeProviderInfo:
    factory: ProviderFactory
    version: str  # the official provider version whose schema this implements


@dataclass
class ProviderRegistry:
    """An immutable-by-convention mapping of provider source addresses to native implementations."""

    providers: Mapping[str, NativeProviderInfo] = field(default_factory=dict)

    def lookup(self, addr: ProviderAddr | str) -> NativeProviderInfo | None:
        return self.providers.get(str(addr))

    def new(self, addr: ProviderAddr | str) -> Provider | None:
        """A fresh provider instance for addr, or None if there is no native implementation."""
        info = self.lookup(addr)
        return None if info is None else info.factory()

    def addresses(self) -> list[str]:
        return sorted(self.providers)

    def with_provider(self, addr: ProviderAddr | str, factory: ProviderFactory, version: str = "0.0.0") -> ProviderRegistry:
        """A new registry serving addr from factory as well (in place of a plugin binary):
        how a program or an in-process test brings its own provider."""
        return ProviderRegistry({**self.providers, str(addr): NativeProviderInfo(factory, version)})


def _terraform() -> Provider:
    from sheath.providers.builtin.terraform import new_provider

    return new_provider()


def _random() -> Provider:
    from sheath.providers.native.random import new_provider

    return new_provider()


def _local() -> Provider:
    from sheath.providers.native.local import new_provider

    return new_provider()


def _postgresql() -> Provider:
    from sheath.providers.native.postgresql import new_provider

    return new_provider()


def default_registry() -> ProviderRegistry:
    """The providers sheath ships natively."""
    return ProviderRegistry(
        {
            "terraform.io/builtin/terraform": NativeProviderInfo(_terraform, "0.0.0"),
            "registry.terraform.io/hashicorp/random": NativeProviderInfo(_random, "3.7.2"),
            "registry.terraform.io/hashicorp/local": NativeProviderInfo(_local, "2.5.3"),
            "registry.terraform.io/cyrilgdn/postgresql": NativeProviderInfo(_postgresql, "1.25.0"),
        }
    )


__all__ = ["NativeProviderInfo", "ProviderRegistry", "default_registry"]
