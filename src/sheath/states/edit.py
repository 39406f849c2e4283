"""Changes to a state by address, as terraform's state commands make them.

Each function changes the State in place; callers decide whether to persist.
"""

from __future__ import annotations

from sheath.addrs.module import ModuleInstance
from sheath.addrs.resource import AbsResource, AbsResourceInstance
from sheath.addrs.instance_key import index_key
from sheath.states.lookup import find_resource, mode_of, module_instance_of
from sheath.states.state import Resource as StateResource
from sheath.states.state import ResourceInstance as StateInstance
from sheath.states.state import State


def state_instance(state: State, addr: AbsResourceInstance) -> StateInstance | None:
    rs = find_resource(state, addr.contains_resource())
    if rs is None:
        return None
    return rs.instances.get(index_key(addr.resource.key))


def forget_instance(state: State, addr: AbsResourceInstance) -> None:
    """ForgetResourceInstanceAll + RemoveResourceIfEmpty."""
    rs = find_resource(state, addr.contains_resource())
    if rs is None:
        return
    rs.instances.pop(index_key(addr.resource.key), None)
    if not rs.instances:
        state.remove_resource(rs.module, rs.mode, rs.type, rs.name)


def state_modules(state: State) -> list[ModuleInstance]:
    """The module instances the state has resources in (the root module always exists)."""
    seen: dict[str, ModuleInstance] = {"": ModuleInstance()}
    for r in state.resources.values():
        if r.module not in seen:
            seen[r.module] = module_instance_of(r.module)
    return list(seen.values())


def has_module(state: State, addr: ModuleInstance) -> bool:
    if addr.is_root():
        return True
    key = str(addr)
    return any(r.module == key for r in state.resources.values())


def move_module(
    state_from: State,
    state_to: State,
    addr_from: ModuleInstance,
    addr_to: ModuleInstance,
) -> None:
    key_from, key_to = str(addr_from), str(addr_to)
    moving = [r for r in state_from.resources.values() if r.module == key_from]
    for r in moving:
        state_from.remove_resource(r.module, r.mode, r.type, r.name)
    for r in moving:
        r.module = key_to
        state_to.set_resource(r)


def move_resource(
    state_from: State, state_to: State, addr_from: AbsResource, addr_to: AbsResource
) -> None:
    rs = find_resource(state_from, addr_from)
    assert rs is not None
    state_from.remove_resource(rs.module, rs.mode, rs.type, rs.name)
    rs.module = str(addr_to.module)
    rs.mode = mode_of(addr_to.resource)
    rs.type = addr_to.resource.type
    rs.name = addr_to.resource.name
    state_to.set_resource(rs)


def move_instance(
    state_from: State,
    state_to: State,
    addr_from: AbsResourceInstance,
    addr_to: AbsResourceInstance,
) -> None:
    from_rs = find_resource(state_from, addr_from.contains_resource())
    assert from_rs is not None
    inst = from_rs.instances[index_key(addr_from.resource.key)]
    provider = from_rs.provider
    forget_instance(state_from, addr_from)
    to_addr = addr_to.contains_resource()
    rs = find_resource(state_to, to_addr)
    if rs is None:
        rs = StateResource(
            module=str(to_addr.module),
            mode=mode_of(to_addr.resource),
            type=to_addr.resource.type,
            name=to_addr.resource.name,
            provider=provider,
        )
        state_to.set_resource(rs)
    inst.key = index_key(addr_to.resource.key)
    rs.instances[inst.key] = inst


def drop_dependencies(state: State, matches: DependencyMatcher) -> None:
    """Forget every dependency of an object when any of them is affected by a move
    (the next plan records them again), as terraform's state mv does."""
    for r in state.resources.values():
        for inst in r.instances.values():
            obj = inst.current
            if obj is None or not obj.dependencies:
                continue
            if any(matches(dep) for dep in obj.dependencies):
                obj.dependencies = []


class DependencyMatcher:
    """Whether a dependency (a config resource address string) and a moved object contain one another."""

    def __init__(
        self, moved: ModuleInstance | AbsResource | AbsResourceInstance
    ) -> None:
        self.moved = moved

    def __call__(self, dep: str) -> bool:
        from sheath.states.lookup import parse_target

        t, _ = parse_target(dep)
        if t is None or t.resource is None:
            return False
        dep_module = tuple(s.name for s in t.module.steps)
        m = self.moved
        if isinstance(m, ModuleInstance):
            # ModuleInstance.TargetContains(ConfigResource): the module path of the
            # dependency starts with the moved module's (which has no keys to compare).
            names = tuple(s.name for s in m.steps)
            if any(s.key is not None for s in m.steps):
                return False
            return dep_module[: len(names)] == names
        res = m if isinstance(m, AbsResource) else m.contains_resource()
        return (
            tuple(s.name for s in res.module.steps) == dep_module
            and res.resource == t.resource
        )


def replace_provider(
    state: State, from_provider: str, to_provider: str
) -> list[StateResource]:
    """The resources whose provider config is for from_provider (a provider source string);
    their provider configs are changed to to_provider, keeping the alias and module."""
    changed: list[StateResource] = []
    for r in state.resources.values():
        start = r.provider.find('provider["')
        end = r.provider.find('"]', start)
        if start < 0 or end < 0:
            continue
        src = r.provider[start + len('provider["') : end]
        if src != from_provider:
            continue
        r.provider = (
            r.provider[: start + len('provider["')] + to_provider + r.provider[end:]
        )
        changed.append(r)
    return changed


__all__ = [
    "DependencyMatcher",
    "drop_dependencies",
    "forget_instance",
    "has_module",
    "move_instance",
    "move_module",
    "move_resource",
    "replace_provider",
    "state_instance",
    "state_modules",
]
