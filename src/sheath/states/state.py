"""The state model, as terraform's states package holds it.

Attribute values are kept as the JSON the provider's schema decodes
(``attributes``: the decoded JSON object, exactly as in the state file), the
way terraform keeps ResourceInstanceObjectSrc: decoding into typed values
needs the resource type's schema, which only the engine has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sheath.addrs.instance_key import IndexKey


@dataclass(slots=True)
class InstanceObject:
    """One object of a resource instance (the current one or a deposed one)."""

    attributes: dict[str, Any] | None
    schema_version: int = 0
    status: str = ""  # "" (ready) or "tainted"
    sensitive_attributes: list[Any] = field(default_factory=list)
    private: str | None = None  # base64 of the provider's private bytes
    dependencies: list[str] = field(default_factory=list)
    create_before_destroy: bool = False
    attributes_flat: dict[str, str] | None = None
    skip_destroy: bool = False
    """OpenTofu's: the object's resource had lifecycle.destroy = false (forgotten, never destroyed)."""
    provider_key: str | None = None
    """OpenTofu's provider for_each: the instance key of the provider configuration's instance
    that manages this object (None: a configuration without for_each)."""


@dataclass(slots=True)
class ResourceInstance:
    key: IndexKey
    current: InstanceObject | None = None
    deposed: dict[str, InstanceObject] = field(default_factory=dict)


@dataclass(slots=True)
class Resource:
    """A resource (all its instances) in one module instance."""

    module: str  # "" for the root module, else e.g. 'module.a["k"].module.b'
    mode: str  # "managed" | "data"
    type: str
    name: str
    provider: str  # provider config address, e.g. provider["registry.terraform.io/hashicorp/aws"].west
    instances: dict[IndexKey, ResourceInstance] = field(default_factory=dict)
    each: str = ""  # legacy "list" / "map"; kept for round trips only

    @property
    def address(self) -> str:
        base = f"{self.type}.{self.name}" if self.mode == "managed" else f"data.{self.type}.{self.name}"
        return f"{self.module}.{base}" if self.module else base


@dataclass(slots=True)
class OutputValue:
    value: Any  # decoded JSON
    type: Any  # cty type JSON
    sensitive: bool = False


@dataclass(slots=True)
class State:
    outputs: dict[str, OutputValue] = field(default_factory=dict)
    resources: dict[tuple[str, str, str, str], Resource] = field(default_factory=dict)
    check_results: Any = None

    def resource(self, module: str, mode: str, type_: str, name: str) -> Resource | None:
        return self.resources.get((module, mode, type_, name))

    def set_resource(self, r: Resource) -> None:
        self.resources[(r.module, r.mode, r.type, r.name)] = r

    def remove_resource(self, module: str, mode: str, type_: str, name: str) -> None:
        self.resources.pop((module, mode, type_, name), None)

    def instance_addresses(self) -> list[str]:
        """Every resource instance address (what `state list` prints), in state order."""
        out: list[str] = []
        for key in sorted(self.resources, key=_resource_sort_key):
            r = self.resources[key]
            for ik in sorted(r.instances, key=instance_key_sort_key):
                out.append(r.address + format_instance_key(ik))
        return out


def _resource_sort_key(k: tuple[str, str, str, str]) -> tuple[str, str, str, str]:
    return k


def instance_key_sort_key(k: IndexKey) -> tuple[int, int, str]:
    if k is None:
        return (0, 0, "")
    if isinstance(k, int):
        return (1, k, "")
    return (2, 0, k)


def format_instance_key(k: IndexKey) -> str:
    """The key as it appears in an address: [0] or ["k"], quoted as terraform quotes it."""
    if k is None:
        return ""
    if isinstance(k, int):
        return f"[{k}]"
    from sheath.addrs.instance_key import quote_hcl_string

    return f"[{quote_hcl_string(k)}]"


def provider_instance_string(config_addr: str, key: str | None) -> str:
    """OpenTofu's AbsProviderConfig.InstanceString: provider["…"].ALIAS["KEY"]."""
    from sheath.addrs.instance_key import quote_hcl_string

    return config_addr if key is None else f"{config_addr}[{quote_hcl_string(key)}]"


def split_provider_instance(addr: str) -> tuple[str, str | None]:
    """provider_instance_string reversed: ('provider["…"].a', 'k') from 'provider["…"].a["k"]'."""
    import json

    i = addr.find('provider["')
    j = addr.find('"]', i) + 2 if i >= 0 else -1
    k = addr.find("[", j) if j >= 2 else -1
    if k < 0 or not addr.endswith('"]'):
        return addr, None
    literal = addr[k + 1 : -1]
    try:
        key = json.loads(literal)
    except ValueError:
        return addr, None
    if not isinstance(key, str):
        return addr, None
    return addr[:k], key.replace("$${", "${").replace("%%{", "%{")
