"""The configuration graph: dependencies between configuration objects before expansion.

build_config_graph(config) makes one node per declared object of every module
of a loaded tree — input variables, locals, outputs, managed/data/ephemeral
resources, module calls, provider configurations and check blocks — and an
edge a -> b ("a depends on b") for every reference in a's expressions, every
``depends_on`` entry, every resource's provider configuration, every import
block's id and for_each (for the imported resource), and from every
object inside a module to that module's call (its expansion: count, for_each,
depends_on). Referring to a module call's output depends on that output inside
the child module; referring to the whole call (module.m, or module.m[k] without
an output) depends on all of its outputs and on every resource in it and in the
modules it calls (terraform's close node). A module's input variable depends
on the argument expression in the calling module.

Node names are terraform's: var.x, local.y, output.z, aws_s3_bucket.b,
data.x.y, module.m, module.m.var.v, module.m.output.o,
provider["registry.terraform.io/hashicorp/aws"], module.m.provider[...].alias.

References of an object to itself are not edges (terraform's reference
transformer ignores them too; evaluation reports self-references). Every cycle
becomes an error diagnostic "Cycle: a, b, ..." naming each of its nodes the way
``terraform validate`` does: resources, providers and root variables by their
address, everything else with " (expand)" appended ("local.a (expand)"). Which
node of a cycle terraform names first depends on its (unordered) graph walk;
sheath enters each cycle from the graph's roots, which matches terraform's
usual output.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Self

from sheath.addrs import (
    InputVariable,
    LocalProviderConfig,
    LocalValue,
    ModuleCallInstance,
    ModuleCallInstanceOutput,
    ResourceInstance,
    parse_ref,
)
from sheath.addrs import (
    ModuleCall as ModuleCallAddr,
)
from sheath.addrs import (
    Resource as ResourceAddr,
)
from sheath.addrs.module import ROOT_MODULE
from sheath.addrs.module import Module as ModuleAddr
from sheath.config.loader import Config
from sheath.config.references import body_expressions
from sheath.config.resource import Resource
from sheath.diag import Diagnostics
from sheath.goquote import go_quote
from sheath.graph.dag import Graph
from sheath.lang import hcl
from sheath.lang.hcl import Expression, Traversal, TraverseAttr, TraverseIndex

_IGNORED_ROOTS = frozenset(["count", "each", "self", "path", "terraform"])
_RESOURCE_PREFIXES = {"data": "data.", "ephemeral": "ephemeral.", "resource": ""}
_NOT_RESOURCE_TYPES = frozenset(["template", "lazy", "arg"])

VARIABLE = "var"
LOCAL = "local"
OUTPUT = "output"
RESOURCE = "resource"
MODULE_CALL = "module"
PROVIDER = "provider"
CHECK = "check"


class ConfigNode(str):
    """One configuration object: its full address (the string itself, unique in a tree),
    its kind, its module path and its address inside that module.

    A str subclass so that hashing, comparing and sorting nodes run at C speed.
    """

    kind: str
    module: ModuleAddr
    local: str
    """The address within the module: var.x, local.y, data.a.b, module.c, provider["..."], check.d."""

    def __new__(cls, kind: str, module: ModuleAddr, local: str) -> Self:
        self = super().__new__(cls, f"{module}.{local}" if module.names else local)
        self.kind = kind
        self.module = module
        self.local = local
        return self

    @property
    def name(self) -> str:
        return str.__str__(self)

    def __repr__(self) -> str:
        return f"ConfigNode({self.kind!r}, {str.__repr__(self)})"

    def cycle_name(self) -> str:
        """The name terraform's cycle errors give this node's vertex ("local.a (expand)").
        A root variable can only be in a cycle through its validation rules' references:
        terraform's vertex for those is the variable's validation node."""
        if self.kind == VARIABLE and not self.module.names:
            return f"{self.name} (validation)"
        if self.kind in (PROVIDER, RESOURCE):
            return self.name
        return f"{self.name} (expand)"


@dataclass(slots=True)
class ConfigGraph:
    graph: Graph[ConfigNode]
    _index: dict[str, ConfigNode] | None = None
    _data_deps: dict[ConfigNode, frozenset[ConfigNode]] | None = None

    def node(self, name: str) -> ConfigNode | None:
        """The node whose address (without "(expand)") is ``name``."""
        index = self._index
        if index is None or len(index) != len(self.graph):
            index = self._index = {n.name: n for n in self.graph}
        return index.get(name)

    def resource_graph(self) -> Graph[ConfigNode]:
        """Resources only, each depending on the nearest resources it needs, transitively
        reduced (the graph ``terraform graph`` prints by default). Requires no cycles."""
        g = self.graph.project(lambda n: n.kind == RESOURCE)
        g.transitive_reduction()
        return g

    def state_dependencies(self) -> dict[ConfigNode, list[str]]:
        """For each managed and data resource, the sorted addresses of every resource it
        depends on, transitively (through locals, variables, outputs, modules and providers):
        what terraform records as ``dependencies`` in state. Ephemeral resources are left out
        (they are never persisted). Requires no cycles."""
        g = self.graph.project(lambda n: n.kind == RESOURCE and not n.local.startswith("ephemeral."))
        closure: dict[ConfigNode, frozenset[ConfigNode]] = {}
        out: dict[ConfigNode, list[str]] = {}
        for n in g.topological_order():
            acc: set[ConfigNode] = set()
            for d in g.dependencies(n):
                acc.add(d)
                acc |= closure[d]
            acc.discard(n)
            closure[n] = frozenset(acc)
            out[n] = sorted(str(x) for x in acc)
        return out

    def data_depends_on(self, config: Config) -> dict[ConfigNode, frozenset[ConfigNode]]:
        """For each data resource, the managed resources whose pending changes make it wait
        for apply (terraform's attachDataResourceDependsOn): the managed resources its own
        expressions refer to directly; its depends_on entries (a resource itself, anything else
        with every resource it depends on, ``module.m`` with everything in that module); and the
        depends_on of every enclosing module call, with every resource those depend on.
        Computed once per graph (``config`` must be the tree the graph was built from)."""
        found = self._data_deps
        if found is None:
            found = self._data_deps = _DataDependsOn(config, self.graph).all()
        return found

    def dot(self) -> str:
        """``terraform graph`` output (terraform 1.7+: the simplified resource graph)."""
        return resource_graph_dot(self.resource_graph())


def _dot_key(n: ConfigNode) -> tuple[str, str]:
    return (str(n.module), n.local)


def resource_graph_dot(g: Graph[ConfigNode]) -> str:
    """DOT text exactly as ``terraform graph`` prints a resource graph, clustered by module."""
    lines = ["digraph G {", '  rankdir = "RL";', '  node [shape = rect, fontname = "sans-serif"];']
    nodes = sorted(g, key=_dot_key)
    if not nodes:
        lines.append("  /* This configuration does not contain any resources.         */")
        lines.append("  /* For a more detailed graph, try: terraform graph -type=plan */")
    current = ROOT_MODULE
    for n in nodes:
        if n.module != current:
            if current.names:
                lines.append("  }")
            current = n.module
            lines.append(f"  subgraph {go_quote('cluster_' + str(current))} {{")
            lines.append(f"    label = {go_quote(str(current))}")
            lines.append('    fontname = "sans-serif"')
        indent = "    " if current.names else "  "
        lines.append(f"{indent}{go_quote(str(n))} [label={go_quote(n.local)}];")
    if current.names:
        lines.append("  }")
    for n in nodes:
        for d in sorted(g.dependencies(n), key=_dot_key):
            lines.append(f"  {go_quote(str(n))} -> {go_quote(str(d))};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def cycle_diagnostics(graph: Graph[ConfigNode]) -> Diagnostics:
    """One error per cycle, "Cycle: a (expand), b (expand)", naming every node in it."""
    diags = Diagnostics()
    for c in graph.cycles():
        diags.add_error("Cycle: " + ", ".join(n.cycle_name() for n in c))
    return diags


# --- building ---------------------------------------------------------------------------------


class _Builder:
    def __init__(self, root: Config) -> None:
        self.root = root
        self.g: Graph[ConfigNode] = Graph()
        self.by_path: dict[ModuleAddr, Config] = {c.path: c for c in root.all_modules()}
        self.provider_memo: dict[tuple[ModuleAddr, str, str], ConfigNode] = {}

    # nodes
    def var(self, mod: ModuleAddr, name: str) -> ConfigNode:
        return ConfigNode(VARIABLE, mod, f"var.{name}")

    def local(self, mod: ModuleAddr, name: str) -> ConfigNode:
        return ConfigNode(LOCAL, mod, f"local.{name}")

    def output(self, mod: ModuleAddr, name: str) -> ConfigNode:
        return ConfigNode(OUTPUT, mod, f"output.{name}")

    def resource(self, mod: ModuleAddr, addr: ResourceAddr) -> ConfigNode:
        return ConfigNode(RESOURCE, mod, str(addr))

    def call(self, mod: ModuleAddr, name: str) -> ConfigNode:
        return ConfigNode(MODULE_CALL, mod, f"module.{name}")

    def provider(self, cfg: Config, name: str, alias: str) -> ConfigNode:
        addr = cfg.module.provider_for_local_config(LocalProviderConfig(name, alias))
        local = f'provider["{addr}"]' + (f".{alias}" if alias else "")
        return ConfigNode(PROVIDER, cfg.path, local)

    # references
    def targets(self, cfg: Config, t: Traversal) -> list[ConfigNode]:
        """The nodes a traversal in module cfg refers to (none for count/each/path/... or undeclared)."""
        m = cfg.module
        p = cfg.path
        fast = self._fast_targets(cfg, t)
        if fast is not None:
            return fast
        ref, _ = parse_ref(t)  # invalid references are reported by config.references
        if ref is None:
            return []
        s = ref.subject
        if isinstance(s, InputVariable):
            return [self.var(p, s.name)] if s.name in m.variables else []
        if isinstance(s, LocalValue):
            return [self.local(p, s.name)] if s.name in m.locals else []
        if isinstance(s, ResourceInstance):
            s = s.resource
        if isinstance(s, ResourceAddr):
            return [self.resource(p, s)] if m.resource_by_key(str(s)) is not None else []
        out_name = ""
        if isinstance(s, ModuleCallInstanceOutput):
            call_name = s.call.call.name
            out_name = s.name
        elif isinstance(s, ModuleCallInstance):
            call_name = s.call.name
        elif isinstance(s, ModuleCallAddr):
            call_name = s.name
        else:
            return []
        return self._call_targets(cfg, call_name, out_name)

    def _call_targets(self, cfg: Config, call_name: str, out_name: str) -> list[ConfigNode]:
        p = cfg.path
        if call_name not in cfg.module.module_calls:
            return []
        child = cfg.children.get(call_name)
        if child is None:
            return [self.call(p, call_name)]
        cp = child.path
        if out_name:
            if out_name in child.module.outputs:
                return [self.output(cp, out_name)]
            return [self.call(p, call_name)]
        # the whole call (module.m, module.m[0], module.m[each.key]): terraform's close node,
        # which waits for everything inside the module and the modules it calls
        inside: list[ConfigNode] = []
        for c in child.all_modules():
            inside += [self.output(c.path, o) for o in c.module.outputs]
            inside += [self.resource(c.path, r.addr()) for r in c.module.all_resources()]
        return inside or [self.call(p, call_name)]

    def _fast_targets(self, cfg: Config, t: Traversal) -> list[ConfigNode] | None:
        """targets() for the common shapes without building a Reference; None: use parse_ref."""
        steps = t.steps
        n = len(steps)
        if n < 2 or type(steps[1]) is not TraverseAttr:
            return None
        root = t.root_name
        a1 = steps[1].name
        m = cfg.module
        p = cfg.path
        if root in _IGNORED_ROOTS:
            return []
        if root == "var":
            return [self.var(p, a1)] if a1 in m.variables else []
        if root == "local":
            return [self.local(p, a1)] if a1 in m.locals else []
        if root == "module":
            if n == 2:
                return self._call_targets(cfg, a1, "")
            s2 = steps[2]
            if type(s2) is TraverseAttr:
                return self._call_targets(cfg, a1, s2.name)
            if type(s2) is TraverseIndex:
                if n == 3:
                    return self._call_targets(cfg, a1, "")
                s3 = steps[3]
                if type(s3) is TraverseAttr:
                    return self._call_targets(cfg, a1, s3.name)
            return None
        if root in _RESOURCE_PREFIXES:
            if n < 3 or type(steps[2]) is not TraverseAttr:
                return None
            key = f"{_RESOURCE_PREFIXES[root]}{a1}.{steps[2].name}"
        elif root in _NOT_RESOURCE_TYPES:
            return None
        else:
            key = f"{root}.{a1}"
        return [ConfigNode(RESOURCE, p, key)] if m.resource_by_key(key) is not None else []

    def depend(self, node: ConfigNode, cfg: Config, traversals: Iterable[Traversal], shadow: frozenset[str] = frozenset()) -> None:
        for t in traversals:
            if shadow and t.root_name in shadow:
                continue
            for target in self.targets(cfg, t):
                if target != node:
                    self.g.add_edge(node, target)

    def expr(self, node: ConfigNode, cfg: Config, e: Expression | None) -> None:
        if e is not None:
            self.depend(node, cfg, e.variables())

    def body(self, node: ConfigNode, cfg: Config, b: hcl.Body | None) -> None:
        if b is None:
            return
        for e, shadow in body_expressions(b):
            self.depend(node, cfg, e.variables(), shadow)

    def provider_for(self, cfg: Config, name: str, alias: str) -> ConfigNode:
        """The configuration that serves provider name.alias in module cfg, following
        ``providers`` maps and implicit inheritance of default configurations upward."""
        memo_key = (cfg.path, name, alias)
        found = self.provider_memo.get(memo_key)
        if found is None:
            found = self.provider_memo[memo_key] = self._provider_for(cfg, name, alias)
        return found

    def _provider_for(self, cfg: Config, name: str, alias: str) -> ConfigNode:
        c = cfg
        while True:
            key = f"{name}.{alias}" if alias else name
            if key in c.module.provider_configs or not c.path.names:
                return self.provider(c, name, alias)
            parent = self.by_path.get(c.path.parent())
            call = c.call
            if parent is None or call is None:
                return self.provider(c, name, alias)
            if call.providers:
                for pp in call.providers:
                    if pp.in_child.name == name and pp.in_child.alias == alias:
                        name, alias = pp.in_parent.name, pp.in_parent.alias
                        break
                else:
                    return self.provider(c, name, alias)
            elif alias:
                return self.provider(c, name, alias)
            else:
                addr = c.module.implied_provider_for_local_name(name)
                name = parent.module.local_name_for_provider(addr)
            c = parent

    # modules
    def module(self, cfg: Config) -> None:
        m = cfg.module
        p = cfg.path
        expansion = self.call(p.parent(), p.call_name()) if p.names else None
        parent = self.by_path.get(p.parent()) if p.names else None

        def add(n: ConfigNode) -> ConfigNode:
            self.g.add_node(n)
            if expansion is not None:
                self.g.add_edge(n, expansion)
            return n

        for v in m.variables.values():
            n = add(self.var(p, v.name))
            for rule in v.validations:
                self.expr(n, cfg, rule.condition)
                self.expr(n, cfg, rule.error_message)
            if parent is not None and cfg.call is not None:
                # the argument in the calling module block
                arg = call_argument(cfg.call.config, v.name)
                if arg is not None:
                    self.depend(n, parent, arg.variables())
        for loc in m.locals.values():
            self.expr(add(self.local(p, loc.name)), cfg, loc.expr)
        for o in m.outputs.values():
            n = add(self.output(p, o.name))
            self.expr(n, cfg, o.expr)
            self.depend(n, cfg, o.depends_on)
            for rule in o.preconditions:
                self.expr(n, cfg, rule.condition)
                self.expr(n, cfg, rule.error_message)
        for pc in m.provider_configs.values():
            pn = add(self.provider(cfg, pc.name, pc.alias))
            self.body(pn, cfg, pc.config)
            self.expr(pn, cfg, pc.for_each)  # OpenTofu's provider for_each
        for r in m.all_resources():
            self.resource_deps(add(self.resource(p, r.addr())), cfg, r)
        for mc in m.module_calls.values():
            n = add(self.call(p, mc.name))
            self.expr(n, cfg, mc.count)
            self.expr(n, cfg, mc.for_each)
            self.expr(n, cfg, mc.enabled)  # OpenTofu's lifecycle.enabled
            self.depend(n, cfg, mc.depends_on)
            for passed in mc.providers:  # OpenTofu's provider instance keys
                self.expr(n, cfg, passed.in_parent.key_expr)
        for ck in m.checks.values():
            n = add(ConfigNode(CHECK, p, f"check.{ck.name}"))
            for rule in ck.asserts:
                self.expr(n, cfg, rule.condition)
                self.expr(n, cfg, rule.error_message)
            if ck.data_resource is not None:
                self.g.add_edge(n, self.resource(p, ck.data_resource.addr()))

    def imports(self, cfg: Config) -> None:
        """An import block's id and for_each are evaluated for its target resource."""
        for imp in cfg.module.imports:
            target: ConfigNode | None = None
            if imp.to_resource is not None:
                tr = imp.to_resource
                target = ConfigNode(RESOURCE, tr.module.module(), str(tr.resource.resource))
            elif imp.to is not None:
                for t in imp.to.variables():
                    if t.root_name not in ("each", "var", "local", "module"):
                        found = self.targets(cfg, t)
                        target = found[0] if found else None
                        break
            if target is None or target not in self.g:
                continue
            self.expr(target, cfg, imp.id)
            self.expr(target, cfg, imp.for_each)

    def resource_deps(self, n: ConfigNode, cfg: Config, r: Resource) -> None:
        self.expr(n, cfg, r.count)
        self.expr(n, cfg, r.for_each)
        self.expr(n, cfg, r.enabled)  # OpenTofu's lifecycle.enabled
        self.body(n, cfg, r.config)
        self.depend(n, cfg, r.depends_on)
        for rule in (*r.preconditions, *r.postconditions):
            self.expr(n, cfg, rule.condition)
            self.expr(n, cfg, rule.error_message)
        for e in r.triggers_replacement:
            self.expr(n, cfg, e)
        if r.managed is not None:
            if r.managed.connection is not None:
                self.body(n, cfg, r.managed.connection.config)
            for prov in r.managed.provisioners:
                self.body(n, cfg, prov.config)
                if prov.connection is not None:
                    self.body(n, cfg, prov.connection.config)
        ref = r.provider_config_ref
        if ref is not None:
            self.expr(n, cfg, ref.key_expr)  # OpenTofu's provider instance key
            pn = self.provider_for(cfg, ref.name, ref.alias)
        else:
            pn = self.provider_for(cfg, r.provider_local_name(), "")
        self.g.add_edge(n, pn)

    def build(self) -> Graph[ConfigNode]:
        for c in self.root.all_modules():
            self.module(c)
        self.imports(self.root)
        return self.g


def _is_managed(n: ConfigNode) -> bool:
    return n.kind == RESOURCE and not n.local.startswith(("data.", "ephemeral."))


class _DataDependsOn:
    """terraform's dependsOn / dataDependsOn / parentModuleDependsOn over the config graph."""

    def __init__(self, config: Config, g: Graph[ConfigNode]) -> None:
        self.b = _Builder(config)
        self.g = g
        self.parent_memo: dict[ModuleAddr, frozenset[ConfigNode]] = {}
        self.module_memo: dict[ModuleAddr, frozenset[ConfigNode]] = {}

    def all(self) -> dict[ConfigNode, frozenset[ConfigNode]]:
        out: dict[ConfigNode, frozenset[ConfigNode]] = {}
        for cfg in self.b.by_path.values():
            for r in cfg.module.data_resources.values():
                n = self.b.resource(cfg.path, r.addr())
                if n not in self.g:
                    continue
                deps = {d for d in self.g.dependencies(n) if _is_managed(d) and d.module == n.module}
                deps |= self.depends_on(cfg, r.depends_on)
                deps |= self.parent(cfg)
                out[n] = frozenset(d for d in deps if _is_managed(d))
        return out

    def depends_on(self, cfg: Config, traversals: Iterable[Traversal]) -> set[ConfigNode]:
        """What depends_on entries refer to: a resource, or anything else with its ancestors."""
        out: set[ConfigNode] = set()
        for t in traversals:
            steps = t.steps
            if t.root_name == "module" and len(steps) >= 2 and all(type(s) is not TraverseAttr for s in steps[2:]):
                name = getattr(steps[1], "name", "")
                if name in cfg.children:
                    # the whole call: its close node waits for everything inside the module
                    out |= self.whole_module(cfg.children[name].path)
            for v in self.b.targets(cfg, t):
                out.add(v)
                if v.kind != RESOURCE and v in self.g:
                    out |= self.g.ancestors(v)
        return out

    def whole_module(self, path: ModuleAddr) -> frozenset[ConfigNode]:
        found = self.module_memo.get(path)
        if found is None:
            inside = [n for n in self.g if n.module.names[: len(path.names)] == path.names]
            acc: set[ConfigNode] = set(inside)
            for n in inside:
                acc |= self.g.ancestors(n)
            found = self.module_memo[path] = frozenset(acc)
        return found

    def parent(self, cfg: Config) -> frozenset[ConfigNode]:
        """The depends_on of the calls enclosing cfg, with every resource they depend on."""
        found = self.parent_memo.get(cfg.path)
        if found is not None:
            return found
        acc: set[ConfigNode] = set()
        parent = self.b.by_path.get(cfg.path.parent()) if cfg.path.names else None
        if parent is not None:
            call = parent.module.module_calls.get(cfg.path.call_name())
            deps = self.depends_on(parent, call.depends_on if call is not None else ())
            deps |= self.parent(parent)
            acc |= deps
            for d in deps:
                if d in self.g:
                    acc |= self.g.ancestors(d)
        found = self.parent_memo[cfg.path] = frozenset(d for d in acc if d.kind == RESOURCE)
        return found


def call_argument(body: hcl.Body, name: str) -> Expression | None:
    from sheath.config.references import body_items

    attrs, _ = body_items(body)
    for a in attrs:
        if a.name == name:
            e: Expression = a.expr
            return e
    return None


def build_config_graph(config: Config) -> tuple[ConfigGraph, Diagnostics]:
    """The dependency graph of a loaded configuration tree, and a diagnostic per cycle."""
    g = _Builder(config).build()
    return ConfigGraph(g), cycle_diagnostics(g)


__all__ = [
    "CHECK",
    "LOCAL",
    "MODULE_CALL",
    "OUTPUT",
    "PROVIDER",
    "RESOURCE",
    "VARIABLE",
    "ConfigGraph",
    "ConfigNode",
    "build_config_graph",
    "cycle_diagnostics",
    "resource_graph_dot",
]
