"""terraform's apply graph of a saved plan, as ``terraform graph -plan=FILE`` draws it.

The vertices are terraform's: per resource an expansion node ("x.y (expand)") and a node
per planned instance change; root variables ("var.v", and "var.v (validation)" when it has
validation rules), module variables, locals, outputs and checks as expansion nodes; per
module call an expansion and a close node; the provider configurations in use with their
close nodes; and "root", which waits for everything. The edges are terraform's transformers'
(references resolved by terraform's reference map keys, module expansion and close, provider
and provider close, root close), then transitively reduced. ``dot`` prints terraform's DOT.

Plans that destroy or replace anything, that were targeted, and configurations with
ephemeral resources or check blocks with nested data are not drawn (terraform adds destroy,
ephemeral-close and check-start nodes there): ``unsupported_reason`` names which.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sheath.addrs import LocalProviderConfig, ModuleCallInstance, ModuleCallInstanceOutput, ResourceInstance, parse_ref
from sheath.addrs.module import Module as ModuleAddr
from sheath.addrs.parse import parse_module_instance_str
from sheath.config.loader import Config
from sheath.config.references import body_expressions
from sheath.config.resource import Resource
from sheath.goquote import go_quote
from sheath.graph.dag import Graph
from sheath.graph.references import PROVIDER, ConfigGraph
from sheath.lang import hcl
from sheath.lang.hcl import Expression, Traversal
from sheath.plans.model import Action, Plan

_DRAWN_ACTIONS = frozenset({Action.CREATE, Action.UPDATE, Action.READ})


@dataclass(slots=True)
class Vertex:
    """One graph vertex: its name, the module it belongs to (terraform's ModulePath), the
    keys it can be referred to by, what it refers to, and its DOT node (when it has one)."""

    name: str
    module: ModuleAddr
    referenceable: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    label: str = ""
    shape: str = ""
    closer: bool = False  # a module's close node
    expands: bool = True  # whether its module's expansion and close nodes connect to it


def _key(path: ModuleAddr, addr: str) -> str:
    return f"{path}|{addr}"


def _prefix(path: ModuleAddr) -> str:
    return f"{path}." if path.names else ""


def unsupported_reason(config: Config, plan: Plan) -> str:
    """Why sheath does not draw this plan's apply graph ("" when it does)."""
    if plan.target_addrs:
        return "it was made with -target"
    for c in plan.changes:
        if c.action not in _DRAWN_ACTIONS and c.action is not Action.NO_OP:
            return f"it plans to {c.action.value} {c.address}"
        if c.deposed:
            return f"it plans a change to a deposed object of {c.address}"
    prior = plan.prior_state.state if plan.prior_state is not None else None
    declared = set(config.module.outputs)
    if prior is not None and any(name not in declared for name in prior.outputs):
        return "its prior state has outputs the configuration no longer declares"
    for module, *_ in prior.resources if prior is not None else ():
        if config.descendant(ModuleAddr(_module_names(module))) is None:
            return f"its prior state has objects in {module}, which the configuration no longer calls"
    for cfg in config.all_modules():
        for r in cfg.module.all_resources():
            if r.addr().mode.value == "ephemeral":
                return f"the configuration declares an ephemeral resource ({_prefix(cfg.path)}{r.addr()})"
        for ck in cfg.module.checks.values():
            if ck.data_resource is not None:
                return f"the check block {_prefix(cfg.path)}check.{ck.name} has a nested data block"
    return ""


class _Builder:
    def __init__(self, config: Config, config_graph: ConfigGraph) -> None:
        self.config = config
        self.config_graph = config_graph
        self.vertices: dict[str, Vertex] = {}
        self.edges: list[tuple[str, str]] = []
        self.providers: dict[str, str] = {}  # resource vertex -> provider vertex

    def add(self, v: Vertex) -> Vertex:
        self.vertices[v.name] = v
        return v

    # references ----------------------------------------------------------------------
    def refs(self, v: Vertex, path: ModuleAddr, traversals: Iterable[Traversal], skip: str = "") -> None:
        for t in traversals:
            ref, _ = parse_ref(t)
            if ref is None:
                continue
            s = ref.subject
            text = str(s)
            if text == skip:
                continue
            fallback = ""
            if isinstance(s, ResourceInstance):
                fallback = str(s.resource)
            elif isinstance(s, ModuleCallInstanceOutput):
                fallback = f"module.{s.call.call.name}.{s.name}"
            elif isinstance(s, ModuleCallInstance):
                fallback = str(s.call)
            v.references.append(_key(path, text))
            if fallback:
                v.references.append("?" + _key(path, fallback))

    def expr(self, v: Vertex, path: ModuleAddr, e: Expression | None, skip: str = "") -> None:
        if e is not None:
            self.refs(v, path, e.variables(), skip)

    def body(self, v: Vertex, path: ModuleAddr, b: hcl.Body | None) -> None:
        if b is None:
            return
        for e, shadow in body_expressions(b):
            self.refs(v, path, [t for t in e.variables() if t.root_name not in shadow])

    # vertices ------------------------------------------------------------------------
    def module(self, c: Config) -> None:
        p = c.path
        pre = _prefix(p)
        m = c.module
        parent = self.config.descendant(p.parent()) if p.names else None
        args: dict[str, hcl.Attribute] = {}
        if c.call is not None:
            args, _ = c.call.config.just_attributes()
        for var in m.variables.values():
            if p.names:
                vv = self.add(Vertex(f"{pre}var.{var.name} (expand)", p, [_key(p, f"var.{var.name}")]))
                arg = args.get(var.name)
                if arg is not None and parent is not None:
                    self.expr(vv, parent.path, arg.expr)
            else:
                vv = self.add(Vertex(f"var.{var.name}", p, [_key(p, f"var.{var.name}")], label=f"var.{var.name}", shape="note"))
            if var.validations:
                val = self.add(Vertex(f"{pre}var.{var.name} (validation)", p, [_key(p, f"var.{var.name}")]))
                for rule in var.validations:
                    self.expr(val, p, rule.condition, skip=f"var.{var.name}")
                    self.expr(val, p, rule.error_message, skip=f"var.{var.name}")
                self.edges.append((val.name, vv.name))
        for loc in m.locals.values():
            self.expr(self.add(Vertex(f"{pre}local.{loc.name} (expand)", p, [_key(p, f"local.{loc.name}")])), p, loc.expr)
        for o in m.outputs.values():
            keys = [] if not p.names else [_key(p.parent(), f"module.{p.call_name()}"), _key(p.parent(), f"module.{p.call_name()}.{o.name}")]
            ov = self.add(Vertex(f"{pre}output.{o.name} (expand)", p, keys))
            self.expr(ov, p, o.expr)
            self.refs(ov, p, o.depends_on)
            for rule in o.preconditions:
                self.expr(ov, p, rule.condition)
                self.expr(ov, p, rule.error_message)
        for r in m.all_resources():
            addr = str(r.addr())
            rv = self.add(Vertex(f"{pre}{addr} (expand)", p, [_key(p, addr)], label=f"{pre}{addr}", shape="box"))
            self.resource_refs(rv, p, r)
            self.providers[rv.name] = self.provider_of(c, addr)
        for ck in m.checks.values():
            cv = self.add(Vertex(f"{pre}check.{ck.name} (expand)", p, [_key(p, f"check.{ck.name}")]))
            for rule in ck.asserts:
                self.expr(cv, p, rule.condition)
                self.expr(cv, p, rule.error_message)
        if p.names and c.call is not None:
            call = f"module.{p.call_name()}"
            ev = self.add(Vertex(f"{p} (expand)", p, [_key(p.parent(), call)]))
            self.expr(ev, p.parent(), c.call.count)
            self.expr(ev, p.parent(), c.call.for_each)
            self.refs(ev, p.parent(), c.call.depends_on)
            self.add(Vertex(f"{p} (close)", p, [_key(p.parent(), call)], closer=True))
            self.edges.append((f"{p} (close)", ev.name))
            if p.parent().names:
                self.edges.append((ev.name, f"{p.parent()} (expand)"))

    def resource_refs(self, v: Vertex, p: ModuleAddr, r: Resource) -> None:
        self.expr(v, p, r.count)
        self.expr(v, p, r.for_each)
        self.body(v, p, r.config)
        self.refs(v, p, r.depends_on)
        for rule in (*r.preconditions, *r.postconditions):
            self.expr(v, p, rule.condition)
            self.expr(v, p, rule.error_message)
        for e in r.triggers_replacement:
            self.expr(v, p, e)
        if r.managed is not None:
            if r.managed.connection is not None:
                self.body(v, p, r.managed.connection.config)
            for prov in r.managed.provisioners:
                self.body(v, p, prov.config)
                if prov.connection is not None:
                    self.body(v, p, prov.connection.config)

    def provider_of(self, c: Config, addr: str) -> str:
        node = self.config_graph.node(f"{_prefix(c.path)}{addr}")
        assert node is not None
        for d in self.config_graph.graph.dependencies(node):
            if d.kind == PROVIDER:
                return d.name
        raise AssertionError(f"no provider for {node}")

    def provider_vertices(self) -> None:
        used: set[str] = set(self.providers.values())
        for name in sorted(used):
            node = self.config_graph.node(name)
            module = node.module if node is not None else ModuleAddr()
            pv = self.add(Vertex(name, module, label=name, shape="diamond"))
            if node is not None:
                cfg = self.config.descendant(node.module)
                if cfg is not None:
                    for pc in cfg.module.provider_configs.values():
                        if node.kind == PROVIDER and self._provider_name(cfg, pc.name, pc.alias) == name:
                            self.body(pv, node.module, pc.config)
            # added after module expansion in terraform: no module's nodes wait for it
            self.add(Vertex(f"{name} (close)", module, expands=False))
            self.edges.append((f"{name} (close)", name))
        for rv, pname in self.providers.items():
            self.edges.append((rv, pname))
            self.edges.append((f"{pname} (close)", rv))

    def _provider_name(self, cfg: Config, name: str, alias: str) -> str:
        addr = cfg.module.provider_for_local_config(LocalProviderConfig(name, alias))
        return f'{_prefix(cfg.path)}provider["{addr}"]' + (f".{alias}" if alias else "")

    def instances(self, plan: Plan) -> None:
        for ch in plan.changes:
            if ch.action is Action.NO_OP:
                continue
            path = ModuleAddr(_module_names(ch.module_address))
            prefix = "data." if ch.mode == "data" else ""
            addr = f"{prefix}{ch.type}.{ch.name}"
            pre = _prefix(path)
            expand = self.vertices[f"{pre}{addr} (expand)"]
            local = ch.address[len(ch.module_address) + 1 :] if ch.module_address else ch.address
            iv = self.add(Vertex(ch.address, path, [_key(path, local), _key(path, addr)], label=f"{pre}{addr}", shape="box"))
            iv.references = list(expand.references)
            self.edges.append((iv.name, expand.name))
            self.providers[iv.name] = self.providers[expand.name]

    def connect(self) -> Graph[str]:
        g: Graph[str] = Graph()
        for name in self.vertices:
            g.add_node(name)
        for a, b in self.edges:
            g.add_edge(a, b)
        by_key: dict[str, list[str]] = {}
        for v in self.vertices.values():
            for k in v.referenceable:
                by_key.setdefault(k, []).append(v.name)
        for v in self.vertices.values():
            refs = v.references
            for i, k in enumerate(refs):
                if k.startswith("?"):
                    continue
                targets = by_key.get(k)
                if targets is None and i + 1 < len(refs) and refs[i + 1].startswith("?"):
                    targets = by_key.get(refs[i + 1][1:])
                for t in targets or ():
                    if t != v.name:
                        g.add_edge(v.name, t)
        # module expansion: everything in a module waits for its expansion; its close node for everything
        for c in self.config.all_modules():
            p = c.path
            if not p.names:
                continue
            expand, close = f"{p} (expand)", f"{p} (close)"
            for v in self.vertices.values():
                if v.module == p and v.name != expand and not v.closer and v.expands:
                    g.add_edge(v.name, expand)
                    g.add_edge(close, v.name)
                if v.closer and v.name != close and v.module.names[: len(p.names)] == p.names:
                    g.add_edge(close, v.name)
        root = "root"
        nodes = list(g)
        g.add_node(root)
        for n in nodes:
            if not g.dependents(n):
                g.add_edge(root, n)
        g.transitive_reduction()
        return g


def _module_names(module_address: str) -> tuple[str, ...]:
    """The call names of a module instance address: module.a["k"].module.b[0] -> (a, b)."""
    if not module_address:
        return ()
    mi, _ = parse_module_instance_str(module_address)
    assert mi is not None
    return mi.module().names


@dataclass(slots=True)
class ApplyGraph:
    graph: Graph[str]
    vertices: dict[str, Vertex]

    def dot(self) -> str:
        """terraform's GraphDot of the graph: the DOT nodes (vertices that draw themselves)
        sorted by name, then every edge, sorted as text."""
        lines = ["digraph {", '\tcompound = "true"', '\tnewrank = "true"', '\tsubgraph "root" {']
        for name in sorted(self.graph, key=_escape):
            v = self.vertices.get(name)
            if v is None or not v.shape:
                continue
            lines.append(f'\t\t"[root] {_escape(name)}" [label = {go_quote(v.label)}, shape = {go_quote(v.shape)}]')
        edges = sorted(f'"[root] {_escape(a)}" -> "[root] {_escape(b)}"' for a, b in self.graph.edges())
        lines.extend(f"\t\t{e}" for e in edges)
        lines.append("\t}")
        lines.append("}")
        return "\n".join(lines) + "\n"


def _escape(name: str) -> str:
    """A vertex name as terraform's marshaller keeps it: Go-quoted, without the quotes."""
    return go_quote(name)[1:-1]


def build_apply_graph(config: Config, config_graph: ConfigGraph, plan: Plan) -> ApplyGraph:
    """The apply graph of plan for config (see unsupported_reason for what it leaves out)."""
    b = _Builder(config, config_graph)
    for c in config.all_modules():
        b.module(c)
    b.instances(plan)
    b.provider_vertices()
    g = b.connect()
    return ApplyGraph(g, b.vertices)


__all__ = ["ApplyGraph", "Vertex", "build_apply_graph", "unsupported_reason"]
