"""Finding things in a state by address, as terraform's state commands do.

* ``parse_target`` reads a target address (a module instance, a resource or a
  resource instance; a resource address without a key means the whole
  resource), like terraform's ``addrs.ParseTargetStr``;
* ``lookup_instances`` lists the resource instances a target selects, sorted
  like terraform's ``AbsResourceInstance.Less``, with terraform's
  "Unknown resource/module/instance" diagnostics;
* ``module_instance_of`` turns a state resource's module string into its
  address value (instance keys convert with ``sheath.addrs.instance_key``'s
  ``instance_key`` and ``index_key``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sheath.addrs.instance_key import InstanceKey, IntKey, StringKey, index_key, instance_key, key_sort_order
from sheath.addrs.module import ModuleInstance
from sheath.addrs.parse import (
    parse_module_instance_prefix,
    parse_resource_under_module,
    steps_from_string,
    steps_from_traversal,
)
from sheath.addrs.resource import (
    AbsResource,
    AbsResourceInstance,
    Resource,
    ResourceInstance,
    ResourceMode,
)
from sheath.diag import Diagnostics, Pos
from sheath.states.state import Resource as StateResource
from sheath.states.state import State


@dataclass(frozen=True, slots=True)
class Target:
    """What a target address selects: exactly one of module / resource / instance is the subject."""

    module: ModuleInstance
    resource: Resource | None = None
    key: InstanceKey = None
    has_key: bool = False

    @property
    def is_module(self) -> bool:
        return self.resource is None

    def abs_resource(self) -> AbsResource:
        assert self.resource is not None
        return AbsResource(self.module, self.resource)

    def abs_instance(self) -> AbsResourceInstance:
        assert self.resource is not None
        return AbsResourceInstance(
            self.module, ResourceInstance(self.resource, self.key)
        )

    def __str__(self) -> str:
        if self.resource is None:
            return str(self.module)
        if self.has_key:
            return str(self.abs_instance())
        return str(self.abs_resource())


def parse_target(s: str) -> tuple[Target | None, Diagnostics]:
    """addrs.ParseTargetStr: HCL's traversal syntax, then the target's structure."""
    from sheath.lang.hclsyntax import parse_traversal_abs

    traversal, diags = parse_traversal_abs(
        s.encode("utf-8", "surrogateescape"), "", Pos(1, 1, 0)
    )
    if diags.has_errors():
        return None, diags
    steps = steps_from_traversal(traversal)
    mod, rest, d2 = parse_module_instance_prefix(steps)
    diags.extend(d2)
    if diags.has_errors():
        return None, diags
    if not rest:
        return Target(mod), diags
    res, key, has_key, d3 = parse_resource_under_module(rest)
    diags.extend(d3)
    if res is None or diags.has_errors():
        return None, diags
    return Target(mod, res, key, has_key and key is not None), diags


def parse_instance(s: str) -> tuple[AbsResourceInstance | None, Diagnostics]:
    """addrs.ParseAbsResourceInstanceStr."""
    t, diags = parse_target(s)
    if t is None:
        return None, diags
    if t.resource is None:
        diags.add_error(
            "Invalid address",
            "A resource instance address is required here. The module path must be followed by a resource "
            "instance specification.",
        )
        return None, diags
    return t.abs_instance(), diags


@lru_cache(maxsize=4096)
def module_instance_of(module: str) -> ModuleInstance:
    """The address of a state resource's module ("" is the root module)."""
    if not module:
        return ModuleInstance()
    steps, diags = steps_from_string(module)
    mod, rest, d2 = parse_module_instance_prefix(steps)
    if diags.has_errors() or d2.has_errors() or rest:
        raise ValueError(f"invalid module address in state: {module!r}")
    return mod


def mode_of(r: Resource) -> str:
    return "data" if r.mode is ResourceMode.DATA else "managed"


def resource_of(r: StateResource) -> Resource:
    return Resource(
        ResourceMode.DATA if r.mode == "data" else ResourceMode.MANAGED, r.type, r.name
    )


def module_sort_key(m: ModuleInstance) -> tuple[Any, ...]:
    return (len(m), tuple((s.name, key_sort_order(s.key)) for s in m.steps))


def instance_sort_key(a: AbsResourceInstance) -> tuple[Any, ...]:
    """AbsResourceInstance.Less: shorter module paths first, data before managed, type, name, key."""
    r = a.resource.resource
    return (
        module_sort_key(a.module),
        0 if r.mode is ResourceMode.DATA else 1,
        r.type,
        r.name,
        key_sort_order(a.resource.key),
    )


def resource_sort_key(a: AbsResource) -> tuple[Any, ...]:
    r = a.resource
    return (
        module_sort_key(a.module),
        0 if r.mode is ResourceMode.DATA else 1,
        r.type,
        r.name,
    )


def find_resource(state: State, addr: AbsResource) -> StateResource | None:
    return state.resource(
        str(addr.module), mode_of(addr.resource), addr.resource.type, addr.resource.name
    )


def resource_instances(r: StateResource) -> list[AbsResourceInstance]:
    mod = module_instance_of(r.module)
    res = resource_of(r)
    return [
        AbsResourceInstance(mod, ResourceInstance(res, instance_key(k)))
        for k in r.instances
    ]


def all_instances(state: State) -> list[AbsResourceInstance]:
    out: list[AbsResourceInstance] = []
    for r in state.resources.values():
        out.extend(resource_instances(r))
    out.sort(key=instance_sort_key)
    return out


def module_contains(target: ModuleInstance, other: ModuleInstance) -> bool:
    """target is other, an ancestor of it, or (with a key-less last step) any instance of it."""
    if len(other) < len(target):
        return False
    for i, ours in enumerate(target.steps):
        theirs = other.steps[i]
        if ours.name != theirs.name:
            return False
        if i == len(target) - 1 and ours.key is None:
            return True
        if ours.key != theirs.key:
            return False
    return True


def lookup_instances(
    state: State, target: Target, allow_missing: bool = False
) -> tuple[list[AbsResourceInstance], Diagnostics]:
    """The resource instances target selects, sorted (terraform's lookupResourceInstanceAddr)."""
    diags = Diagnostics()
    out: list[AbsResourceInstance] = []
    if target.resource is None:
        found = False
        for r in state.resources.values():
            if module_contains(target.module, module_instance_of(r.module)):
                found = True
                out.extend(resource_instances(r))
        if not found and not allow_missing:
            diags.add_error(
                "Unknown module",
                f"The current state contains no module at {target.module}. If you've just added this module to the "
                'configuration, you must run "terraform apply" first to create the module\'s entry in the state.',
            )
    elif not target.has_key:
        rs = find_resource(state, target.abs_resource())
        if rs is None:
            if not allow_missing:
                diags.add_error(
                    "Unknown resource",
                    f"The current state contains no resource {target.abs_resource()}. If you've just added this "
                    'resource to the configuration, you must run "terraform apply" first to create the resource\'s '
                    "entry in the state.",
                )
        else:
            out.extend(resource_instances(rs))
    else:
        rs = find_resource(state, target.abs_resource())
        if rs is None or index_key(target.key) not in rs.instances:
            if not allow_missing:
                diags.add_error(
                    "Unknown resource instance",
                    f"The current state contains no resource instance {target.abs_instance()}. If you've just added "
                    "its resource to the configuration or have changed the count or for_each arguments, you must run "
                    '"terraform apply" first to update the resource\'s entry in the state.',
                )
        else:
            out.append(target.abs_instance())
    out.sort(key=instance_sort_key)
    return out, diags


__all__ = [
    "Target",
    "all_instances",
    "find_resource",
    "instance_sort_key",
    "lookup_instances",
    "module_contains",
    "module_instance_of",
    "parse_instance",
    "parse_target",
    "resource_instances",
    "resource_of",
    "resource_sort_key",
    "state_key",
]
