"""Resource addresses: resources, resource instances, with or without module path."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sheath.addrs.instance_key import InstanceKey, key_str
from sheath.addrs.module import ROOT_MODULE, ROOT_MODULE_INSTANCE, Module, ModuleInstance


class ResourceMode(enum.Enum):
    MANAGED = "managed"
    DATA = "data"
    EPHEMERAL = "ephemeral"

    @property
    def prefix(self) -> str:
        """The address prefix: "" for managed, "data." / "ephemeral." otherwise."""
        if self is ResourceMode.MANAGED:
            return ""
        return str(self.value) + "."


@dataclass(frozen=True, slots=True)
class Resource:
    """A resource in the current module: aws_instance.web / data.aws_ami.ubuntu."""

    mode: ResourceMode
    type: str
    name: str

    def __str__(self) -> str:
        return f"{self.mode.prefix}{self.type}.{self.name}"

    def instance(self, key: InstanceKey) -> "ResourceInstance":
        return ResourceInstance(self, key)

    def absolute(self, module: ModuleInstance) -> "AbsResource":
        return AbsResource(module, self)

    def in_module(self, module: Module) -> "ConfigResource":
        return ConfigResource(module, self)

    def implied_provider(self) -> str:
        """The local provider name implied by the type: the part before the first underscore."""
        return self.type.split("_", 1)[0]


@dataclass(frozen=True, slots=True)
class ResourceInstance:
    resource: Resource
    key: InstanceKey = None

    def __str__(self) -> str:
        return f"{self.resource}{key_str(self.key)}"

    def absolute(self, module: ModuleInstance) -> "AbsResourceInstance":
        return AbsResourceInstance(module, self)


@dataclass(frozen=True, slots=True)
class ConfigResource:
    """A resource in a static module path (what a resource block declares)."""

    module: Module
    resource: Resource

    def __str__(self) -> str:
        if self.module.is_root():
            return str(self.resource)
        return f"{self.module}.{self.resource}"


@dataclass(frozen=True, slots=True)
class AbsResource:
    module: ModuleInstance
    resource: Resource

    def __str__(self) -> str:
        if self.module.is_root():
            return str(self.resource)
        return f"{self.module}.{self.resource}"

    def instance(self, key: InstanceKey) -> "AbsResourceInstance":
        return AbsResourceInstance(self.module, ResourceInstance(self.resource, key))

    def config(self) -> ConfigResource:
        return ConfigResource(self.module.module(), self.resource)


@dataclass(frozen=True, slots=True)
class AbsResourceInstance:
    module: ModuleInstance
    resource: ResourceInstance

    def __str__(self) -> str:
        if self.module.is_root():
            return str(self.resource)
        return f"{self.module}.{self.resource}"

    def contains_resource(self) -> AbsResource:
        return AbsResource(self.module, self.resource.resource)


def root_resource(mode: ResourceMode, type_: str, name: str) -> AbsResource:
    return AbsResource(ROOT_MODULE_INSTANCE, Resource(mode, type_, name))


__all__ = [
    "ROOT_MODULE",
    "AbsResource",
    "AbsResourceInstance",
    "ConfigResource",
    "Resource",
    "ResourceInstance",
    "ResourceMode",
    "root_resource",
]
