"""Providers: one Python interface for every provider.

  schema     provider schemas shaped like the plugin protocol's (tfplugin6)
  interface  the Provider protocol, request/response types, attribute Paths
  marks      sensitive paths/marks a schema implies (configschema ValueMarks)
  objchange  proposed_new: the proposed new state a provider's plan receives
  sdk        a base for native Python providers (NativeProvider, ResourceType)
  registry   provider source address -> native implementation
  builtin    terraform.io/builtin/terraform (terraform_data, terraform_remote_state)
  native     hashicorp/random, hashicorp/local and cyrilgdn/postgresql, in Python
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sheath.providers.interface import Path, Provider, ProviderFactory, ProviderSchema
    from sheath.providers.registry import ProviderRegistry, default_registry
    from sheath.providers.schema import (
        Attribute,
        Block,
        NestedBlock,
        Nesting,
        Object,
        Schema,
    )

# each name is imported on first use: a command that only decodes a schema (the
# backend block of a state command) does not load the provider interface or registry
_LAZY = {
    "Path": "sheath.providers.interface",
    "Provider": "sheath.providers.interface",
    "ProviderFactory": "sheath.providers.interface",
    "ProviderSchema": "sheath.providers.interface",
    "ProviderRegistry": "sheath.providers.registry",
    "default_registry": "sheath.providers.registry",
    "Attribute": "sheath.providers.schema",
    "Block": "sheath.providers.schema",
    "NestedBlock": "sheath.providers.schema",
    "Nesting": "sheath.providers.schema",
    "Object": "sheath.providers.schema",
    "Schema": "sheath.providers.schema",
}


def __getattr__(name: str) -> Any:
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(mod), name)


__all__ = [
    "Attribute",
    "Block",
    "NestedBlock",
    "Nesting",
    "Object",
    "Path",
    "Provider",
    "ProviderFactory",
    "ProviderRegistry",
    "ProviderSchema",
    "Schema",
    "default_registry",
]
