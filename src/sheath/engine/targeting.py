"""-target: which resources a plan may touch.

A target is a module instance, a resource, or a resource instance address.
The walk plans the targeted resources and everything they depend on; other
resources keep the values they have in state.

A destroy plan goes the other way (terraform reverses the edges of destroy
nodes): it deletes the targeted objects in state and every object whose
recorded dependencies name one of them, transitively. As terraform does, an
object depends on nothing in a different instance of its own module.
"""

from __future__ import annotations

from dataclasses import dataclass

from sheath.addrs.instance_key import key_str
from sheath.addrs.module import ModuleInstance as ModuleInstanceAddr
from sheath.addrs.module import ModuleInstance
from sheath.addrs.parse import parse_module_instance_prefix, parse_resource_under_module, steps_from_string
from sheath.addrs.resource import Resource as ResourceAddr
from sheath.config.loader import Config
from sheath.diag import Diagnostics
from sheath.graph.references import RESOURCE, ConfigGraph, ConfigNode
from sheath.plans.model import Plan, ResourceInstanceChange
from sheath.states.state import State, format_instance_key


@dataclass(frozen=True)
class Target:
    module: ModuleInstance
    resource: ResourceAddr | None
    key: object
    has_key: bool

    def matches_node(self, node: ConfigNode) -> bool:
        names = tuple(s.name for s in self.module.steps)
        if node.module.names[: len(names)] != names:
            return False
        if self.resource is None:
            return True
        return node.module.names == names and node.local == str(self.resource)

    def contains_instance(self, module: ModuleInstanceAddr, resource: str, key_text: str) -> bool:
        """terraform's TargetContains for a resource instance: a module target without a key
        at some step contains every instance of that step; a resource target names exactly
        one module instance."""
        if self.resource is None:
            if len(module.steps) < len(self.module.steps):
                return False
            for mine, theirs in zip(self.module.steps, module.steps):
                if mine.name != theirs.name or (mine.key is not None and key_str(mine.key) != key_str(theirs.key)):
                    return False
            return True
        if str(module) != str(self.module) or resource != str(self.resource):
            return False
        return not self.has_key or key_text == key_str(self.key)  # type: ignore[arg-type]

    def matches_instance(self, module: str, resource: str, key_text: str) -> bool:
        """module: module instance string; resource: 'type.name' (with data. prefix); key_text: '[0]' or ''."""
        m = str(self.module)
        if self.module.steps:
            last = self.module.steps[-1]
            if last.key is None:
                # module.x matches module.x and module.x[...] and deeper
                if not (module == m or module.startswith(m + ".") or module.startswith(m + "[")):
                    return False
            elif not (module == m or module.startswith(m + ".")):
                return False
        if self.resource is None:
            return True
        if module != m or resource != str(self.resource):
            return False
        return not self.has_key or key_text == key_str(self.key)  # type: ignore[arg-type]


def parse_target(s: str) -> tuple[Target | None, Diagnostics]:
    steps, diags = steps_from_string(s)
    if diags.has_errors():
        return None, diags
    mod, rest, d = parse_module_instance_prefix(steps)
    diags.extend(d)
    if diags.has_errors():
        return None, diags
    if not rest:
        return Target(mod, None, None, False), diags
    res, key, has_key, d2 = parse_resource_under_module(rest)
    diags.extend(d2)
    if res is None:
        return None, diags
    return Target(mod, res, key, has_key), diags


def target_closure(cg: ConfigGraph, targets: list[Target]) -> tuple[set[ConfigNode], set[ConfigNode]]:
    """(directly targeted resource nodes, every node the plan walks)."""
    direct = {n for n in cg.graph if n.kind == RESOURCE and any(t.matches_node(n) for t in targets)}
    closure: set[ConfigNode] = set()
    stack = list(direct)
    while stack:
        n = stack.pop()
        if n in closure:
            continue
        closure.add(n)
        stack.extend(cg.graph.dependencies(n))
    return direct, closure


@dataclass(frozen=True)
class StateInstance:
    """A managed resource instance in state, as a destroy plan sees it."""

    module: ModuleInstanceAddr
    resource: str  # type.name
    key_text: str  # '' | '[0]' | '["k"]'

    @property
    def address(self) -> str:
        base = f"{self.resource}{self.key_text}"
        return f"{self.module}.{base}" if self.module.steps else base

    @property
    def config_resource(self) -> str:
        static = str(self.module.module())
        return f"{static}.{self.resource}" if static else self.resource


def _module_of(module: str) -> ModuleInstanceAddr:
    if not module:
        return ModuleInstanceAddr()
    steps, _ = steps_from_string(module)
    mi, _, _ = parse_module_instance_prefix(steps)
    return mi


@dataclass(frozen=True)
class StateDependencies:
    """The managed instances of a state with the dependencies their objects record (current
    and deposed), and the instances of each configuration resource address."""

    instances: list[tuple[StateInstance, set[str]]]
    by_config: dict[str, list[StateInstance]]

    def recorded(self, si: StateInstance, dep: str) -> list[StateInstance]:
        """The instances a recorded dependency dep of si names (an object depends on nothing
        in another instance of its own module)."""
        return [o for o in self.by_config.get(dep, ()) if o != si and not other_instance_of_same_module(o.module, si.module)]


def state_dependencies(state: State) -> StateDependencies:
    instances: list[tuple[StateInstance, set[str]]] = []
    by_config: dict[str, list[StateInstance]] = {}
    for (mod, mode, typ, name), sr in state.resources.items():
        if mode != "managed":
            continue
        mi = _module_of(mod)
        for key, inst in sr.instances.items():
            si = StateInstance(mi, f"{typ}.{name}", format_instance_key(key))
            deps: set[str] = set()
            for obj in ([inst.current] if inst.current is not None else []) + list(inst.deposed.values()):
                deps.update(obj.dependencies)
            instances.append((si, deps))
            by_config.setdefault(si.config_resource, []).append(si)
    return StateDependencies(instances, by_config)


def destroy_selection(state: State, targets: list[Target]) -> set[str]:
    """The addresses of the managed instances a targeted destroy deletes: the targeted
    ones and, transitively, every instance whose objects record a dependency on one."""
    sd = state_dependencies(state)
    instances = sd.instances
    dependents: dict[StateInstance, set[StateInstance]] = {}
    for si, deps in instances:
        for dep in deps:
            for other in sd.recorded(si, dep):
                dependents.setdefault(other, set()).add(si)
    selected: set[StateInstance] = set()
    stack = [si for si, _ in instances if any(t.contains_instance(si.module, si.resource, si.key_text) for t in targets)]
    while stack:
        si = stack.pop()
        if si in selected:
            continue
        selected.add(si)
        stack.extend(dependents.get(si, ()))
    return {si.address for si in selected}


def other_instance_of_same_module(a: ModuleInstanceAddr, b: ModuleInstanceAddr) -> bool:
    """Two instances of one module (module.m[0] and module.m[1])."""
    return a.module() == b.module() and str(a) != str(b)


@dataclass(frozen=True)
class ApplySelection:
    """What the apply of a plan made with -target carries out. terraform applies -target
    again to the apply graph (TargetsTransformer), whose nodes are resource instances: the
    plan may hold changes of instances that nothing targeted needs (every instance of a
    resource a target depends on is planned, only those it refers to are applied), and root
    outputs that are not kept keep their values in state."""

    changes: frozenset[tuple[str, str]]  # (instance address, deposed key or "")
    outputs: frozenset[str]  # the root outputs the apply evaluates (or removes, when no longer declared)

    def includes(self, change: ResourceInstanceChange) -> bool:
        return (change.address, change.deposed) in self.changes

    def applies(self, address: str) -> bool:
        """Whether the apply has a node for the instance's current object."""
        return (address, "") in self.changes


def apply_selection(config: Config, config_graph: ConfigGraph, plan: Plan) -> ApplySelection | None:
    """The changes and root outputs of a targeted plan that its apply carries out; None
    when the plan has no targets (everything is applied), or when sheath does not build
    terraform's apply graph of this plan (see applygraph.unsupported_reason), then the
    whole plan is applied."""
    from sheath.graph.applygraph import build_apply_graph, unsupported_reason

    if not plan.target_addrs or unsupported_reason(config, plan):
        return None
    ag = build_apply_graph(config, config_graph, plan)
    planned = {(c.address, c.deposed) for c in plan.changes}
    changes: set[tuple[str, str]] = set()
    outputs: set[str] = set()
    for name in ag.graph:
        v = ag.vertices.get(name)
        if v is None:
            continue
        if v.instance:
            address = f"{v.module_instance}.{v.local}" if v.module_instance else v.local
            deposed = ""
            if v.instance == "destroy" and " deposed " in name:
                key = name.rsplit(" ", 1)[1].rstrip(")")
                if (address, key) in planned:  # else: the new deposed key of a create_before_destroy replacement
                    deposed = key
            changes.add((address, deposed))
        elif not v.module.names and name.startswith("output.") and name.endswith((" (expand)", " (destroy)")):
            outputs.add(name[len("output.") :].rsplit(" ", 1)[0])
    return ApplySelection(frozenset(changes), frozenset(outputs))
