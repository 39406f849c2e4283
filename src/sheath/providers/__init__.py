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
