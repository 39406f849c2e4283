"""Addresses as values: modules, resources, instances, providers, references.

Every address is an immutable, hashable dataclass, compared by value, printed
to its canonical string with str() and parsed back with the parse_* functions.
"""

from sheath.addrs.instance_key import NO_KEY, InstanceKey, IntKey, StringKey, key_str, quote_hcl_string
from sheath.addrs.module import (
    ROOT_MODULE,
    ROOT_MODULE_INSTANCE,
    Module,
    ModuleCall,
    ModuleCallInstance,
    ModuleCallInstanceOutput,
    ModuleInstance,
    ModuleInstanceStep,
)
from sheath.addrs.move import MoveEndpoint, parse_move_endpoint
from sheath.addrs.parse import (
    Step,
    parse_abs_resource,
    parse_abs_resource_instance,
    parse_abs_resource_instance_str,
    parse_abs_resource_str,
    parse_module_instance_str,
    steps_from_string,
    steps_from_traversal,
)
from sheath.addrs.provider import (
    AbsProviderConfig,
    LocalProviderConfig,
    Provider,
    implied_provider_for_unqualified_type,
    new_builtin_provider,
    new_default_provider,
    parse_abs_provider_config_str,
    parse_provider_source,
)
from sheath.addrs.referenceable import (
    CountAttr,
    ForEachAttr,
    InputVariable,
    LocalValue,
    OutputValue,
    PathAttr,
    Reference,
    Self,
    TerraformAttr,
    parse_ref,
)
from sheath.addrs.resource import (
    AbsResource,
    AbsResourceInstance,
    ConfigResource,
    Resource,
    ResourceInstance,
    ResourceMode,
)

__all__ = [
    "NO_KEY",
    "ROOT_MODULE",
    "ROOT_MODULE_INSTANCE",
    "AbsProviderConfig",
    "AbsResource",
    "AbsResourceInstance",
    "ConfigResource",
    "CountAttr",
    "ForEachAttr",
    "InputVariable",
    "InstanceKey",
    "IntKey",
    "LocalProviderConfig",
    "LocalValue",
    "Module",
    "ModuleCall",
    "ModuleCallInstance",
    "ModuleCallInstanceOutput",
    "ModuleInstance",
    "ModuleInstanceStep",
    "MoveEndpoint",
    "OutputValue",
    "PathAttr",
    "Provider",
    "Reference",
    "Resource",
    "ResourceInstance",
    "ResourceMode",
    "Self",
    "Step",
    "StringKey",
    "TerraformAttr",
    "implied_provider_for_unqualified_type",
    "key_str",
    "new_builtin_provider",
    "new_default_provider",
    "parse_abs_provider_config_str",
    "parse_abs_resource",
    "parse_abs_resource_instance",
    "parse_abs_resource_instance_str",
    "parse_abs_resource_str",
    "parse_module_instance_str",
    "parse_move_endpoint",
    "parse_provider_source",
    "parse_ref",
    "quote_hcl_string",
    "steps_from_string",
    "steps_from_traversal",
]
