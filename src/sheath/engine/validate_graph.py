"""The shape of terraform's validate walk: which objects are validated, and which are not.

terraform validates each object of the configuration (variable, local, output, resource,
module call, provider configuration, check, import) as a node of a graph whose edges are
the references between them. A node whose dependency failed is skipped (and counts as
failed itself), so an error is reported once, where it happens, and not again by every
object that refers to the failed one; objects that do not depend on a failed one are all
validated, so an error in one resource does not hide errors in another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from sheath.addrs import (
    InputVariable,
    LocalValue,
    ModuleCall as ModuleCallAddr,
    ModuleCallInstance,
    ModuleCallInstanceOutput,
    Resource as ResourceAddr,
    ResourceInstance,
    parse_ref,
)
from sheath.config.loader import Config
from sheath.diag import Diagnostics
from sheath.lang.hcl import Traversal

NodeKey = tuple[str, str]
"""(module path, object key in that module): ("", "local.a"), ("module.m", "var.n")."""


@dataclass
class Node:
    key: NodeKey
    run: Callable[[], Diagnostics]
    deps: list[NodeKey] = field(default_factory=list)


def module_key(cfg: Config) -> str:
    return str(cfg.path)


def reference_keys(cfg: Config, traversals: Iterable[Traversal]) -> list[NodeKey]:
    """The nodes the traversals refer to (objects declared in cfg's module or its children)."""
    here = module_key(cfg)
    out: list[NodeKey] = []
    for t in traversals:
        ref, d = parse_ref(t)
        if ref is None or d.has_errors():
            continue
        s = ref.subject
        if isinstance(s, InputVariable):
            out.append((here, f"var.{s.name}"))
        elif isinstance(s, LocalValue):
            out.append((here, f"local.{s.name}"))
        elif isinstance(s, (ResourceAddr, ResourceInstance)):
            res = s if isinstance(s, ResourceAddr) else s.resource
            out.append((here, str(res)))
        elif isinstance(s, (ModuleCallAddr, ModuleCallInstance, ModuleCallInstanceOutput)):
            if isinstance(s, ModuleCallAddr):
                name = s.name
            elif isinstance(s, ModuleCallInstance):
                name = s.call.name
            else:
                name = s.call.call.name
            out.append((here, f"module.{name}"))
            child = cfg.children.get(name)
            if child is None:
                continue
            if isinstance(s, ModuleCallInstanceOutput):
                out.append((module_key(child), f"output.{s.name}"))
            else:
                out.extend((module_key(child), f"output.{o}") for o in child.module.outputs)
    return out


def walk(nodes: list[Node]) -> Diagnostics:
    """Validate every node after its dependencies, skipping those downstream of a failure."""
    by_key = {n.key: n for n in nodes}
    diags = Diagnostics()
    failed: set[NodeKey] = set()
    state: dict[NodeKey, int] = {}  # 1: on the stack, 2: done
    for start in nodes:
        if start.key in state:
            continue
        stack: list[tuple[Node, int]] = [(start, 0)]
        state[start.key] = 1
        while stack:
            node, i = stack[-1]
            if i < len(node.deps):
                stack[-1] = (node, i + 1)
                dep = by_key.get(node.deps[i])
                if dep is not None and dep.key not in state:
                    state[dep.key] = 1
                    stack.append((dep, 0))
                continue
            stack.pop()
            state[node.key] = 2
            if any(d in failed for d in node.deps if d != node.key):
                failed.add(node.key)
                continue
            d = node.run()
            diags.extend(d)
            if d.has_errors():
                failed.add(node.key)
    return diags
