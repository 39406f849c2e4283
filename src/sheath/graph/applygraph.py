"""terraform's apply graph of a saved plan, as ``terraform graph -plan=FILE`` draws it.

The vertices are terraform's: per resource an expansion node ("x.y (expand)") and a node
per planned instance change; root variables ("var.v", and "var.v (validation)" when it has
validation rules), module variables, locals, outputs and checks as expansion nodes; per
module call an expansion and a close node; the provider configurations in use with their
close nodes; and "root", which waits for everything. The edges are terraform's transformers'
(references resolved by terraform's reference map keys, module expansion and close, provider
and provider close, root close), then transitively reduced. ``dot`` prints terraform's DOT.

Deletions and replacements add terraform's destroy nodes ("x (destroy)", "x (forget)" for
objects a removed block forgets, and for a
create_before_destroy replacement "x (destroy deposed KEY)", KEY chosen at random as terraform
chooses it), ordered by the objects' recorded dependencies (DestroyEdgeTransformer), with the
edges of create_before_destroy destroyers reversed (CBDEdgeTransformer). A destroy plan keeps
only the destroyers, what they need and the root outputs (pruneUnusedNodesTransformer); a
targeted plan only the targeted nodes and what they need (TargetsTransformer).

Root outputs in state the configuration no longer declares get terraform's
"output.x (destroy)" nodes.

``build_plan_graph`` draws terraform's plan graphs (``graph -type=plan``, ``plan-refresh-only``
and ``plan-destroy``) from the same vertices: expansion nodes, "(orphan)" nodes for objects of
resources no longer declared, "(deposed KEY)" nodes for deposed objects and "(report)" nodes
for check blocks; for plan-destroy only the
state's objects' "(destroy)" nodes, pruned as a destroy plan's apply graph is.

Configurations with ephemeral resources are not drawn (terraform adds other nodes there):
``unsupported_reason`` and
``plan_graph_unsupported_reason`` name which.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from sheath.addrs import LocalProviderConfig, ModuleCallInstance, ModuleCallInstanceOutput, ResourceInstance, parse_ref
from sheath.addrs.module import Module as ModuleAddr
from sheath.addrs.instance_key import key_str
from sheath.addrs.module import ModuleInstance
from sheath.addrs.parse import (
    parse_module_instance_prefix,
    parse_module_instance_str,
    parse_resource_under_module,
    steps_from_string,
)
from sheath.config.loader import Config
from sheath.config.references import body_expressions
from sheath.config.resource import Resource
from sheath.goquote import go_quote
from sheath.graph.dag import Graph
from sheath.graph.references import PROVIDER, ConfigGraph
from sheath.lang import hcl
from sheath.lang.hcl import Expression, Traversal
from sheath.plans.model import Action, Plan, ResourceInstanceChange, UIMode
from sheath.states.state import InstanceObject, State, format_instance_key

_DRAWN_ACTIONS = frozenset(
    {Action.CREATE, Action.UPDATE, Action.READ, Action.DELETE, Action.DELETE_THEN_CREATE, Action.CREATE_THEN_DELETE, Action.FORGET}
)
_UPDATES = frozenset({Action.CREATE, Action.UPDATE, Action.READ, Action.DELETE_THEN_CREATE, Action.CREATE_THEN_DELETE})
_DELETES = frozenset({Action.DELETE, Action.DELETE_THEN_CREATE, Action.CREATE_THEN_DELETE, Action.FORGET})


@dataclass(slots=True)
class Vertex:
    """One graph vertex: its name, the module it belongs to (terraform's ModulePath), the
    keys it can be referred to by, what it refers to, and its DOT node (when it has one)."""

    name: str
    module: ModuleAddr
    referenceable: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    label: str = ""
    display: str = ""  # the name terraform prints, when several vertices share it (else name)
    shape: str = ""
    closer: bool = False  # a module's close node
    expands: bool = True  # whether its module's expansion and close nodes connect to it
    # a resource instance node: "apply" (terraform's GraphNodeCreator) or "destroy"
    instance: str = ""
    module_instance: str = ""  # its module instance ("" for the root module)
    config_resource: str = ""  # its resource's configuration address (also set on "(expand)" nodes)
    local: str = ""  # the instance's address within its module instance
    cbd: bool = False  # a destroyer that runs after its replacement is created
    temporary: bool = True  # False for root outputs, which pruning and targeting keep
    state_object: InstanceObject | None = None


def _key(path: ModuleAddr, addr: str) -> str:
    return f"{path}|{addr}"


def _prefix(path: ModuleAddr) -> str:
    return f"{path}." if path.names else ""


def unsupported_reason(config: Config, plan: Plan) -> str:
    """Why sheath does not draw this plan's apply graph ("" when it does)."""
    for c in plan.changes:
        if c.action not in _DRAWN_ACTIONS and c.action is not Action.NO_OP:
            return f"it plans to {c.action.value} {c.address}"
        if c.deposed and c.action not in (Action.DELETE, Action.FORGET, Action.NO_OP):
            return f"it plans to {c.action.value} a deposed object of {c.address}"
        if c.mode == "data" and c.action in _DELETES:
            return f"it plans to {c.action.value} {c.address}"
        if c.action in _DELETES and c.provider_config_addr.startswith("module."):
            return f"it plans to {c.action.value} {c.address}, whose provider configuration is in a module"
    for t in plan.target_addrs:
        if _parse_target(t) is None:
            return f"its target {t} is not an address sheath reads"
    for cfg in config.all_modules():
        for r in cfg.module.all_resources():
            if r.addr().mode.value == "ephemeral":
                return f"the configuration declares an ephemeral resource ({_prefix(cfg.path)}{r.addr()})"
    return ""


class _Builder:
    def __init__(self, config: Config, config_graph: ConfigGraph, destroying: bool = False) -> None:
        self.config = config
        self.destroying = destroying  # terraform's walkDestroy: the apply of a destroy plan
        self.config_resources = True  # False: a destroy plan's graph, which has no resource expansion nodes
        self.report_checks = False  # the plan graph's "check.x (report)" nodes
        self.config_graph = config_graph
        self.vertices: dict[str, Vertex] = {}
        self.edges: list[tuple[str, str]] = []
        self.providers: dict[str, str] = {}  # resource vertex -> provider vertex
        self.changes: dict[str, Action] = {}  # instance address -> its planned action

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
            ov = self.add(Vertex(f"{pre}output.{o.name} (expand)", p, keys, temporary=bool(p.names)))
            if not p.names and self.destroying:
                continue  # a destroy plan's root outputs refer to nothing
            self.expr(ov, p, o.expr)
            self.refs(ov, p, o.depends_on)
            for rule in o.preconditions:
                self.expr(ov, p, rule.condition)
                self.expr(ov, p, rule.error_message)
        for r in m.all_resources() if self.config_resources else ():
            addr = str(r.addr())
            rv = self.add(Vertex(f"{pre}{addr} (expand)", p, [_key(p, addr)], label=f"{pre}{addr}", shape="box"))
            rv.config_resource, rv.local = f"{pre}{addr}", addr
            self.resource_refs(rv, p, r)
            self.providers[rv.name] = self.provider_of(c, addr)
        for ck in m.checks.values():
            cv = self.add(Vertex(f"{pre}check.{ck.name} (expand)", p, [_key(p, f"check.{ck.name}")]))
            for rule in ck.asserts:
                self.expr(cv, p, rule.condition)
                self.expr(cv, p, rule.error_message)
            if self.report_checks:  # terraform's plan walk reports the checkable objects first
                report = self.add(Vertex(f"{pre}check.{ck.name} (report)", p))
                self.edges.append((cv.name, report.name))
                if ck.data_resource is not None and self.config_resources:
                    self.edges.append((f"{pre}{ck.data_resource.addr()} (expand)", report.name))
        if p.names and c.call is not None:
            call = f"module.{p.call_name()}"
            ev = self.add(Vertex(f"{p} (expand)", p, [_key(p.parent(), call)]))
            self.expr(ev, p.parent(), c.call.count)
            self.expr(ev, p.parent(), c.call.for_each)
            self.expr(ev, p.parent(), c.call.enabled)  # OpenTofu's lifecycle.enabled
            self.refs(ev, p.parent(), c.call.depends_on)
            self.add(Vertex(f"{p} (close)", p, [_key(p.parent(), call)], closer=True))
            self.edges.append((f"{p} (close)", ev.name))
            if p.parent().names:
                self.edges.append((ev.name, f"{p.parent()} (expand)"))

    def resource_refs(self, v: Vertex, p: ModuleAddr, r: Resource) -> None:
        self.expr(v, p, r.count)
        self.expr(v, p, r.for_each)
        self.expr(v, p, r.enabled)  # OpenTofu's lifecycle.enabled
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
        for rv, pname in self.providers.items():
            self.edges.append((rv, pname))

    def _provider_name(self, cfg: Config, name: str, alias: str) -> str:
        addr = cfg.module.provider_for_local_config(LocalProviderConfig(name, alias))
        return f'{_prefix(cfg.path)}provider["{addr}"]' + (f".{alias}" if alias else "")

    def removed_modules(self, state: State | None) -> None:
        """terraform's RemovedModuleTransformer: a close node, connected to nothing, per
        module the state has objects in and the configuration no longer calls."""
        for module, *_ in state.resources if state is not None else ():
            path = ModuleAddr(_module_names(module))
            if self.config.descendant(path) is None:
                self.add(Vertex(f"{path} (close)", path, expands=False))

    def orphan_outputs(self, state: State | None) -> None:
        """terraform's OrphanOutputTransformer: a node per root output in state the
        configuration no longer declares."""
        for name in state.outputs if state is not None else ():
            if name not in self.config.module.outputs:
                label = f"output.{name} (destroy)"
                self.add(Vertex(label, ModuleAddr(), label=label, shape="note", temporary=False))

    def _resource_config(self, path: ModuleAddr, local: str) -> Resource | None:
        c = self.config.descendant(path)
        if c is None:
            return None
        for r in c.module.all_resources():
            if str(r.addr()) == local:
                return r
        return None

    def instances(self, plan: Plan) -> None:
        """terraform's DiffTransformer: a node per instance to apply, one per object to destroy."""
        state = plan.prior_state.state if plan.prior_state is not None else None
        for ch in plan.changes:
            path = ModuleAddr(_module_names(ch.module_address))
            prefix = "data." if ch.mode == "data" else ""
            addr = f"{prefix}{ch.type}.{ch.name}"
            pre = _prefix(path)
            local = ch.address[len(ch.module_address) + 1 :] if ch.module_address else ch.address
            rc = self._resource_config(path, addr)
            obj = _current_object(state, ch)
            update = ch.action in _UPDATES
            if ch.action is Action.NO_OP:
                update = rc is not None and bool(rc.preconditions or rc.postconditions)
            if update:
                expand = self.vertices[f"{pre}{addr} (expand)"]
                iv = self.add(
                    Vertex(
                        ch.address,
                        path,
                        [_key(path, local), _key(path, addr)],
                        label=f"{pre}{addr}",
                        shape="box",
                        instance="apply",
                        module_instance=ch.module_address,
                        config_resource=f"{pre}{addr}",
                        local=local,
                        state_object=obj,
                    )
                )
                iv.references = list(expand.references)
                self.edges.append((iv.name, expand.name))
                self.providers[iv.name] = self.providers[expand.name]
            if ch.action not in _DELETES:
                continue
            deposed = ch.deposed
            if ch.action is Action.CREATE_THEN_DELETE:
                deposed = _unused_deposed_key(state, ch)
            verb = "forget" if ch.action is Action.FORGET else "destroy"
            name = f"{ch.address} ({verb} deposed {deposed})" if deposed else f"{ch.address} ({verb})"
            if ch.action is Action.FORGET:
                cbd = False  # terraform's forget nodes are never create_before_destroy
            elif deposed:
                cbd = True
            elif obj is not None:
                cbd = obj.create_before_destroy
            else:
                cbd = rc is not None and rc.managed is not None and rc.managed.create_before_destroy
            self.add(
                Vertex(
                    name,
                    path,
                    label=f"{pre}{addr}",
                    shape="box",
                    expands=False,
                    instance="destroy",
                    module_instance=ch.module_address,
                    config_resource=f"{pre}{addr}",
                    local=local,
                    cbd=cbd,
                    state_object=obj,
                )
            )
            self.providers[name] = ch.provider_config_addr

    def connect(self) -> Graph[str]:
        """The vertices and edges up to terraform's AttachDependenciesTransformer: references
        (destroyers make and receive none) and module expansion."""
        g: Graph[str] = Graph()
        for name in self.vertices:
            g.add_node(name)
        for a, b in self.edges:
            g.add_edge(a, b)
        by_key: dict[str, list[str]] = {}
        for v in self.vertices.values():
            if v.instance == "destroy":
                continue
            for k in v.referenceable:
                by_key.setdefault(k, []).append(v.name)
        for v in self.vertices.values():
            if v.instance == "destroy":
                continue
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
        return g

    def check_start(self, g: Graph[str]) -> None:
        """terraform's checkStartTransformer: when check blocks' nested data sources are
        read, "(execute checks)" waits for them, and every managed resource instance that
        no other managed one waits for waits for it."""
        nested_addrs = {
            f"{_prefix(c.path)}{ck.data_resource.addr()}"
            for c in self.config.all_modules()
            for ck in c.module.checks.values()
            if ck.data_resource is not None
        }
        applies = [v for v in self.vertices.values() if v.instance == "apply"]
        nested = [v for v in applies if v.local.startswith("data.") and v.config_resource in nested_addrs]
        if not nested:
            return
        leaves = [
            v
            for v in applies
            if not v.local.startswith("data.")
            and not any(self.vertices[d].instance == "apply" and not self.vertices[d].local.startswith("data.") for d in g.dependents(v.name))
        ]
        start = self.add(Vertex("(execute checks)", ModuleAddr(), expands=False))
        g.add_node(start.name)
        for v in nested:
            g.add_edge(v.name, start.name)
        for v in leaves:
            g.add_edge(start.name, v.name)

    def state_dependencies(self, g: Graph[str]) -> dict[str, list[str]]:
        """terraform's StateDependencies of each resource instance node: those its object
        records in the prior state, else the resources it depends on in the graph so far."""
        out: dict[str, list[str]] = {}
        for v in self.vertices.values():
            if not v.instance:
                continue
            if v.state_object is not None:
                out[v.name] = list(v.state_object.dependencies)
                continue
            deps: set[str] = set()
            for a in g.ancestors(v.name):
                av = self.vertices[a]
                if av.config_resource and av.config_resource != v.config_resource:
                    deps.add(av.config_resource)
            out[v.name] = sorted(deps)
        return out

    def destroy_edges(self, g: Graph[str]) -> None:
        """terraform's DestroyEdgeTransformer and CBDEdgeTransformer."""
        destroyers: dict[str, list[Vertex]] = {}
        by_resource: dict[str, list[Vertex]] = {}
        creators: dict[str, list[Vertex]] = {}
        applies: list[Vertex] = []
        for v in self.vertices.values():
            if v.instance == "destroy":
                destroyers.setdefault(v.module_instance + "|" + v.local, []).append(v)
                by_resource.setdefault(v.config_resource, []).append(v)
            elif v.instance == "apply":
                applies.append(v)
                if self.changes.get(v.name, Action.NO_OP) is not Action.NO_OP:
                    creators.setdefault(v.config_resource, []).append(v)
        if not destroyers:
            return
        deps = self.state_dependencies(g)
        for v in applies:
            for d in destroyers.get(v.module_instance + "|" + v.local, ()):
                g.add_edge(v.name, d.name)
        for cs in creators.values():
            for c in cs:
                for res in deps[c.name]:
                    for d in by_resource.get(res, ()):
                        if not _different_instances_of_one_module(c, d):
                            g.add_edge(c.name, d.name)
        for ds in destroyers.values():
            for des in ds:
                for res in deps[des.name]:
                    for d in by_resource.get(res, ()):
                        if not _different_instances_of_one_module(d, des):
                            self.inter_provider_edge(g, d, des)
                    for c in creators.get(res, ()):
                        if not _different_instances_of_one_module(c, des):
                            self.inter_provider_edge(g, c, des)
        for ds in destroyers.values():
            for des in ds:
                if not des.cbd:
                    continue
                for src in g.dependents(des.name):
                    if self.vertices[src].instance == "apply":
                        g.remove_edge(src, des.name)
                        g.add_edge(des.name, src)

    def inter_provider_edge(self, g: Graph[str], src: Vertex, dst: Vertex) -> None:
        g.add_edge(src.name, dst.name)
        if self.destroying:  # walkDestroy and walkPlanDestroy keep every edge
            return
        if self.providers[src.name] != self.providers[dst.name] and src.name in g.ancestors(dst.name):
            g.remove_edge(src.name, dst.name)

    def prune(self, g: Graph[str]) -> None:
        """terraform's pruneUnusedNodesTransformer (destroy plans): only destroyers, what
        they depend on and the root outputs stay."""
        keep: set[str] = set()
        for v in self.vertices.values():
            if not v.temporary:
                keep.add(v.name)
            elif v.instance == "destroy":
                keep.add(v.name)
                keep.update(g.ancestors(v.name))
        for n in list(g):
            if n not in keep:
                g.remove_node(n)

    def target(self, g: Graph[str], targets: list[_Target]) -> None:
        """terraform's TargetsTransformer: the targeted resource nodes and what they depend
        on, and the root outputs all of whose resources are kept."""
        keep: set[str] = set()
        for n in g:
            v = self.vertices[n]
            if any(t.contains(v) for t in targets):
                keep.add(n)
                keep.update(g.ancestors(n))
        for n in list(g):
            v = self.vertices[n]
            if v.temporary:
                continue
            deps = g.ancestors(n)
            resources = [d for d in deps if self.vertices[d].config_resource]
            if resources and all(d in keep for d in resources):
                keep.add(n)
                keep.update(deps)
        for n in list(g):
            if n not in keep:
                g.remove_node(n)

    def close(self, g: Graph[str]) -> None:
        """terraform's CloseProviderTransformer and CloseRootModuleTransformer."""
        for n in sorted(g):
            if self.vertices[n].shape != "diamond":
                continue
            close = f"{n} (close)"
            g.add_node(close)
            g.add_edge(close, n)
            for rv, pname in self.providers.items():
                if pname == n and rv in g:
                    g.add_edge(close, rv)
        root = "root"
        nodes = list(g)
        g.add_node(root)
        for n in nodes:
            if not g.dependents(n):
                g.add_edge(root, n)
        g.transitive_reduction()


@dataclass(frozen=True, slots=True)
class _Target:
    """A -target address: a module instance, a resource or a resource instance in one."""

    module: ModuleInstance
    resource: str  # "" for a module target
    key: str | None  # the instance key's text; None: the whole resource

    def contains(self, v: Vertex) -> bool:
        """terraform's TargetContains for an instance node, and for a resource's expansion
        node with the target reduced to its configuration address."""
        if not v.config_resource:
            return False
        names = tuple(s.name for s in self.module.steps)
        if not v.instance:
            path = v.module.names
            if path[: len(names)] != names:
                return False
            return not self.resource or (path == names and v.local == self.resource)
        vt = _parse_target(v.name if v.instance == "apply" else v.module_instance + ("." if v.module_instance else "") + v.local)
        if vt is None:
            return False
        if not self.resource:
            if len(vt.module.steps) < len(self.module.steps):
                return False
            for i, (mine, theirs) in enumerate(zip(self.module.steps, vt.module.steps)):
                if mine.name != theirs.name:
                    return False
                if i == len(self.module.steps) - 1 and mine.key is None:
                    return True
                if key_str(mine.key) != key_str(theirs.key):
                    return False
            return True
        if str(vt.module) != str(self.module) or vt.resource != self.resource:
            return False
        return self.key is None or self.key == vt.key


def _parse_target(text: str) -> _Target | None:
    steps, diags = steps_from_string(text)
    if diags.has_errors():
        return None
    mod, rest, d = parse_module_instance_prefix(steps)
    if d.has_errors():
        return None
    if not rest:
        return _Target(mod, "", None)
    res, key, has_key, d2 = parse_resource_under_module(rest)
    if res is None or d2.has_errors():
        return None
    return _Target(mod, str(res), key_str(key) if has_key else None)


def _current_object(state: State | None, ch: ResourceInstanceChange) -> InstanceObject | None:
    """The prior state's current object of the change's instance (terraform's instanceState.Current)."""
    if state is None:
        return None
    r = state.resource(ch.module_address, ch.mode, ch.type, ch.name)
    if r is None:
        return None
    ri = r.instances.get(ch.index)
    return ri.current if ri is not None else None


def _unused_deposed_key(state: State | None, ch: ResourceInstanceChange) -> str:
    """A deposed key the instance does not use yet, random as terraform's."""
    used: set[str] = set()
    r = state.resource(ch.module_address, ch.mode, ch.type, ch.name) if state is not None else None
    ri = r.instances.get(ch.index) if r is not None else None
    if ri is not None:
        used = set(ri.deposed)
    while True:
        key = secrets.token_hex(4)
        if key not in used:
            return key


def _different_instances_of_one_module(a: Vertex, b: Vertex) -> bool:
    return a.module == b.module and a.module_instance != b.module_instance


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
    cycles: list[list[str]] = field(default_factory=list)  # terraform refuses to build a graph with any

    def dot(self) -> str:
        """terraform's GraphDot of the graph: the DOT nodes (vertices that draw themselves)
        sorted by name, then every edge, sorted as text."""
        lines = ["digraph {", '\tcompound = "true"', '\tnewrank = "true"', '\tsubgraph "root" {']
        shown = {n: _escape(v.display or n) if (v := self.vertices.get(n)) is not None else _escape(n) for n in self.graph}
        for name in sorted(self.graph, key=lambda n: shown[n]):
            v = self.vertices.get(name)
            if v is None or not v.shape:
                continue
            lines.append(f'\t\t"[root] {shown[name]}" [label = {go_quote(v.label)}, shape = {go_quote(v.shape)}]')
        edges = sorted({f'"[root] {shown[a]}" -> "[root] {shown[b]}"' for a, b in self.graph.edges()})
        lines.extend(f"\t\t{e}" for e in edges)
        lines.append("\t}")
        lines.append("}")
        return "\n".join(lines) + "\n"


def _escape(name: str) -> str:
    """A vertex name as terraform's marshaller keeps it: Go-quoted, without the quotes."""
    return go_quote(name)[1:-1]


def _referenced(config: Config, config_graph: ConfigGraph, plan: Plan) -> tuple[_Builder, Graph[str]]:
    """The apply graph up to terraform's ForcedCBDTransformer: vertices, references, module
    expansion and the check blocks' start."""
    destroying = plan.ui_mode is UIMode.DESTROY
    b = _Builder(config, config_graph, destroying)
    b.changes = {c.address: c.action for c in plan.changes if not c.deposed}
    for c in config.all_modules():
        b.module(c)
    b.instances(plan)
    b.orphan_outputs(plan.prior_state.state if plan.prior_state is not None else None)
    b.removed_modules(plan.prior_state.state if plan.prior_state is not None else None)
    b.provider_vertices()
    g = b.connect()
    if not destroying:
        b.check_start(g)
    return b, g


def forced_create_before_destroy(config: Config, config_graph: ConfigGraph, plan: Plan) -> frozenset[str]:
    """The addresses of the instances the apply creates or updates whose new objects record
    create_before_destroy (terraform's ForcedCBDTransformer on the apply graph): those of
    resources that set it, and those a node of such a resource depends on, its expansion node
    or an instance node. These refer to instances, so a dependent that refers to
    ``r["a"]`` forces it on ``r["a"]`` only, not on every instance of ``r``."""
    b, g = _referenced(config, config_graph, plan)
    configured = {
        f"{_prefix(c.path)}{r.addr()}"
        for c in config.all_modules()
        for r in c.module.all_resources()
        if r.managed is not None and r.managed.create_before_destroy
    }
    stack = [
        n for n, v in b.vertices.items() if v.config_resource in configured and v.instance in ("", "apply") and n in g
    ]
    forced: set[str] = set()
    while stack:
        n = stack.pop()
        if n in forced:
            continue
        forced.add(n)
        stack.extend(g.dependencies(n))
    return frozenset(n for n in forced if b.vertices[n].instance == "apply")


def build_apply_graph(config: Config, config_graph: ConfigGraph, plan: Plan) -> ApplyGraph:
    """The apply graph of plan for config (see unsupported_reason for what it leaves out)."""
    destroying = plan.ui_mode is UIMode.DESTROY
    b, g = _referenced(config, config_graph, plan)
    b.destroy_edges(g)
    if destroying:
        b.prune(g)
    targets = [t for t in (_parse_target(a) for a in plan.target_addrs) if t is not None]
    if targets:
        b.target(g, targets)
    cycles = g.cycles()
    if cycles:
        return ApplyGraph(g, b.vertices, cycles)
    b.close(g)
    return ApplyGraph(g, b.vertices)


PLAN_GRAPH_TYPES = ("plan", "plan-refresh-only", "plan-destroy")


def plan_graph_unsupported_reason(config: Config) -> str:
    """Why sheath does not draw the plan graphs of config ("" when it does)."""
    for cfg in config.all_modules():
        for res in cfg.module.all_resources():
            if res.addr().mode.value == "ephemeral":
                return f"the configuration declares an ephemeral resource ({_prefix(cfg.path)}{res.addr()})"
    return ""


def build_plan_graph(config: Config, config_graph: ConfigGraph, state: State | None, graph_type: str) -> ApplyGraph:
    """terraform's plan graph (PlanGraphForUI) of config and state: "plan" and
    "plan-refresh-only" draw each resource's expansion node and an "(orphan)" node per
    object of a resource the configuration no longer declares; "plan-destroy" a
    "(destroy)" node per object in state (named by its resource, as terraform names them),
    ordered by the objects' recorded dependencies, what they need and the root outputs."""
    destroying = graph_type == "plan-destroy"
    b = _Builder(config, config_graph, destroying)
    b.config_resources = not destroying
    b.report_checks = not destroying
    for c in config.all_modules():
        b.module(c)
    for (module, mode, type_, name), r in (state.resources.items() if state is not None else ()):
        path = ModuleAddr(_module_names(module))
        pre = _prefix(path)
        addr = f"data.{type_}.{name}" if mode == "data" else f"{type_}.{name}"
        cfg = config.descendant(path)
        declared = cfg is not None and any(str(x.addr()) == addr for x in cfg.module.all_resources())
        for key, ri in r.instances.items():
            local = addr + format_instance_key(key)
            full = f"{module}.{local}" if module else local
            for dk in ri.deposed:  # terraform's StateTransformer: a destroyer per deposed object
                b.add(
                    Vertex(
                        f"{full} (deposed {dk})",
                        path,
                        label=f"{pre}{addr}",
                        shape="box",
                        expands=False,
                        instance="destroy",
                        module_instance=module,
                        config_resource=f"{pre}{addr}",
                        local=local,
                        state_object=ri.current,
                    )
                )
                b.providers[f"{full} (deposed {dk})"] = r.provider
            if ri.current is None or (declared and not destroying):
                continue
            v = Vertex(
                f"{full} (destroy)" if destroying else f"{full} (orphan)",
                path,
                label=f"{pre}{addr}",
                shape="box",
                expands=not destroying,
                instance="destroy" if destroying else "orphan",
                module_instance=module,
                config_resource=f"{pre}{addr}",
                local=local,
                state_object=ri.current,
            )
            if destroying:
                v.display = f"{pre}{addr} (destroy)"
            b.add(v)
            if destroying or mode != "data":  # a data source's orphan needs no provider
                b.providers[v.name] = r.provider
    b.orphan_outputs(state)
    b.removed_modules(state)
    b.provider_vertices()
    g = b.connect()
    b.destroy_edges(g)
    if destroying:
        b.prune(g)
    cycles = g.cycles()
    if cycles:
        return ApplyGraph(g, b.vertices, cycles)
    b.close(g)
    return ApplyGraph(g, b.vertices)


__all__ = [
    "PLAN_GRAPH_TYPES",
    "ApplyGraph",
    "Vertex",
    "build_apply_graph",
    "build_plan_graph",
    "forced_create_before_destroy",
    "plan_graph_unsupported_reason",
    "unsupported_reason",
]
