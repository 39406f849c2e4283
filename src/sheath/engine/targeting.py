"""-target: which resources a plan may touch.

A target is a module instance, a resource, or a resource instance address.
The walk plans the targeted resources and everything they depend on; other
resources keep the values they have in state.
"""

from __future__ import annotations

from dataclasses import dataclass

from sheath.addrs.instance_key import key_str
from sheath.addrs.module import ModuleInstance
from sheath.addrs.parse import parse_module_instance_prefix, parse_resource_under_module, steps_from_string
from sheath.addrs.resource import Resource as ResourceAddr
from sheath.diag import Diagnostics
from sheath.graph.references import RESOURCE, ConfigGraph, ConfigNode


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
