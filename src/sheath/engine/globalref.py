"""Which resource attributes a plan relies on (terraform's lang/globalref and
Context.relevantResourceAttrsForPlan).

A plan records, as ``relevant_attributes``, every resource attribute that
contributes, through any chain of variables, locals, module inputs and outputs,
count and for_each, to a planned change: the references of every resource
instance that changes and of every root output that changes, followed
transitively. The human plan shows drift only for those attributes (outside
a refresh-only plan): "Objects have changed outside of Terraform".

Static, as terraform's: the configuration and the providers' schemas, no
values. A reference into a resource with a remaining path (``aws_s3_bucket.b.tags``)
narrows to the expressions that set that attribute or nested block, so a
computed attribute contributes nothing further.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sheath.addrs import (
    CountAttr,
    ForEachAttr,
    InputVariable,
    LocalValue,
    ModuleCall,
    ModuleCallInstance,
    ModuleCallInstanceOutput,
    Reference,
    Resource as ResourceAddr,
    ResourceInstance,
    parse_ref,
)
from sheath.addrs.module import ModuleInstance
from sheath.addrs.parse import Step
from sheath.addrs.resource import AbsResourceInstance
from sheath.config.loader import Config
from sheath.config.references import body_expressions, body_items
from sheath.config.resource import Resource
from sheath.lang.hcl import Expression
from sheath.providers.schema import Block, Nesting

SchemaFor = Callable[[Resource], Block | None]
"""The schema of a resource block's type (None: its provider's schema is not loaded)."""


@dataclass(frozen=True, slots=True)
class GlobalReference:
    """A reference with the object it was found in: a module instance, or, for
    count.index and each.*, the resource instance whose count or for_each it means."""

    container: ModuleInstance | AbsResourceInstance
    ref: Reference

    def module(self) -> ModuleInstance:
        c = self.container
        return c.module if isinstance(c, AbsResourceInstance) else c

    def key(self) -> tuple[str, str, str, tuple[tuple[str, str], ...]]:
        s = self.ref.subject
        return (str(self.container), type(s).__name__, str(s), tuple((st.kind, repr(st.value)) for st in self.ref.remaining))

    def resource_instance(self) -> AbsResourceInstance | None:
        c = self.container
        if isinstance(c, AbsResourceInstance):
            return c
        s = self.ref.subject
        if isinstance(s, ResourceAddr):
            return AbsResourceInstance(c, s.instance(None))
        if isinstance(s, ResourceInstance):
            return AbsResourceInstance(c, s)
        return None

    def resource_attr(self) -> ResourceAttr | None:
        inst = self.resource_instance()
        if inst is None:
            return None
        path: list[Any] = []
        for st in self.ref.remaining:
            if st.kind == "name":
                path.append(str(st.value))
            elif st.kind == "index":
                v = st.value
                path.append(v if isinstance(v, int) and not isinstance(v, bool) else (v,))
            else:
                break
        return ResourceAttr(inst, tuple(path))


@dataclass(frozen=True, slots=True)
class ResourceAttr:
    """A resource instance's attribute, as a path (names, ``(key,)`` for an index by
    key, ints for an index by number)."""

    resource: AbsResourceInstance
    attr: tuple[Any, ...]


def _local(container: ModuleInstance | AbsResourceInstance, ref: Reference) -> GlobalReference:
    s = ref.subject
    if isinstance(s, ResourceAddr) and ref.remaining and ref.remaining[0].kind != "index":
        # terraform's ParseRef: aws_x.a.id refers to the instance with no key
        ref = Reference(ResourceInstance(s, None), ref.source_range, ref.remaining)
    if isinstance(container, AbsResourceInstance) and not isinstance(s, (CountAttr, ForEachAttr)):
        container = container.module
    return GlobalReference(container, ref)


def _refs_in(container: ModuleInstance | AbsResourceInstance, exprs: Iterable[tuple[Expression, frozenset[str]]]) -> list[GlobalReference]:
    out: list[GlobalReference] = []
    for expr, shadow in exprs:
        for t in expr.variables():
            if t.root_name in shadow:
                continue
            ref, d = parse_ref(t)
            if ref is not None and not d.has_errors():
                out.append(_local(container, ref))
    return out


def _expr_refs(container: ModuleInstance | AbsResourceInstance, expr: Expression | None) -> list[GlobalReference]:
    return [] if expr is None else _refs_in(container, [(expr, frozenset())])


class Analyzer:
    """terraform's globalref.Analyzer over one configuration tree and its schemas."""

    def __init__(self, config: Config, schema_for: SchemaFor) -> None:
        self.config = config
        self.schema_for = schema_for

    def module_config(self, mi: ModuleInstance) -> Config | None:
        return self.config.descendant(mi.module())

    # --- where references start ----------------------------------------------------------
    def references_from_output_value(self, module: ModuleInstance, name: str) -> list[GlobalReference]:
        mc = self.module_config(module)
        oc = mc.module.outputs.get(name) if mc is not None else None
        return [] if oc is None else _expr_refs(module, oc.expr)

    def references_from_resource_instance(self, addr: AbsResourceInstance) -> list[GlobalReference]:
        return self._resource_instance(addr.module, addr.resource, ())

    # --- one step further ----------------------------------------------------------------
    def meta_references(self, ref: GlobalReference) -> list[GlobalReference]:
        module = ref.module()
        s = ref.ref.subject
        if isinstance(s, InputVariable):
            return self._input_variable(module, s.name)
        if isinstance(s, LocalValue):
            mc = self.module_config(module)
            local = mc.module.locals.get(s.name) if mc is not None else None
            return [] if local is None else _expr_refs(module, local.expr)
        if isinstance(s, ModuleCallInstanceOutput):
            return self.references_from_output_value(module.child(s.call.call.name, s.call.key), s.name)
        if isinstance(s, (ModuleCall, ModuleCallInstance)):
            callee = module.child(s.name, None) if isinstance(s, ModuleCall) else module.child(s.call.name, s.key)
            mc = self.module_config(callee)
            if mc is None:
                return []
            return [r for name in mc.module.outputs for r in self.references_from_output_value(callee, name)]
        if isinstance(s, (CountAttr, ForEachAttr)):
            inst = ref.resource_instance()
            return [] if inst is None else self._repetition(inst)
        if isinstance(s, ResourceInstance):
            return self._resource_instance(module, s, ref.ref.remaining)
        if isinstance(s, ResourceAddr):
            return self._resource_instance(module, s.instance(None), ref.ref.remaining)
        return []

    def _input_variable(self, callee: ModuleInstance, name: str) -> list[GlobalReference]:
        if callee.is_root():
            return []
        caller = callee.parent()
        cc = self.module_config(caller)
        call = cc.module.module_calls.get(callee.steps[-1].name) if cc is not None else None
        if call is None:
            return []
        attrs, _ = body_items(call.config)
        for a in attrs:
            if a.name == name:
                return _expr_refs(caller, a.expr)
        return []

    def _repetition(self, inst: AbsResourceInstance) -> list[GlobalReference]:
        mc = self.module_config(inst.module)
        rc = mc.module.resource_by_key(str(inst.resource.resource)) if mc is not None else None
        if rc is None:
            return []
        return _expr_refs(inst.module, rc.for_each if rc.for_each is not None else rc.count)

    def _resource_instance(self, module: ModuleInstance, inst: ResourceInstance, remaining: Sequence[Step]) -> list[GlobalReference]:
        mc = self.module_config(module)
        rc = mc.module.resource_by_key(str(inst.resource)) if mc is not None else None
        if rc is None:
            return []
        schema = self.schema_for(rc)
        if schema is None:
            return []
        narrowed = _narrow(rc.config, schema, remaining)
        if narrowed is None:
            return []
        bodies, left, exprs = narrowed
        container = AbsResourceInstance(module, inst)
        found = _refs_in(container, [(e, frozenset()) for e in exprs])
        if left is not None:
            for body in bodies:
                found += _refs_in(container, body_expressions(body))
        return found

    # --- the transitive closure ----------------------------------------------------------
    def contributing_resource_references(self, refs: Iterable[GlobalReference]) -> list[GlobalReference]:
        found: dict[object, GlobalReference] = {}
        visited: set[object] = set()
        pending: dict[object, GlobalReference] = {}
        for r in refs:
            if isinstance(r.ref.subject, (ResourceAddr, ResourceInstance)):
                found[r.key()] = r
            pending[r.key()] = r
        while pending:
            key, r = pending.popitem()
            visited.add(key)
            for nr in self.meta_references(r):
                nk = nr.key()
                if isinstance(nr.ref.subject, (ResourceAddr, ResourceInstance)):
                    found[nk] = nr
                if nk not in visited:
                    pending[nk] = nr
        return list(found.values())


def _blocks_named(bodies: list[Any], type_name: str) -> list[Any]:
    """The blocks of a type in the bodies, dynamic blocks generating it included."""
    out: list[Any] = []
    for body in bodies:
        _, blocks = body_items(body)
        for b in blocks:
            if b.type == "dynamic":
                if len(b.labels) == 1 and b.labels[0] == type_name:
                    out.append(b)
            elif b.type == type_name:
                out.append(b)
    return out


def _block_parts(block: Any) -> tuple[list[Any], list[Expression]]:
    """A block's body, or a dynamic block's content body and its for_each/labels."""
    if block.type != "dynamic":
        return [block.body], []
    attrs, blocks = body_items(block.body)
    exprs = [a.expr for a in attrs if a.name in ("for_each", "labels")]
    content = [cb.body for cb in blocks if cb.type == "content"]
    return content[-1:], exprs


def _step_name(st: Step) -> str | None:
    """A step as the attribute or block name it selects (an index converts to a string)."""
    v = st.value
    if st.kind == "name":
        return str(v)
    if st.kind != "index":
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, str)):
        return str(v)
    return None


def _narrow(body: Any, schema: Block, remaining: Sequence[Step]) -> tuple[list[Any], Block | None, list[Expression]] | None:
    """terraform's metaReferencesResourceInstance: follow a reference's remaining steps
    through the resource's configuration by its schema, to the bodies (read with the
    schema left, if any) and expressions that can set what it names.

    As terraform 1.11 does it, a list, set or map block type keeps the bodies it is in
    (a reference to ``ingress`` depends on the whole resource body), and a step into
    one of its elements selects nothing: its stepping-through branch is never taken.
    None: the reference reaches nothing in the configuration."""
    bodies: list[Any] = [body]
    exprs: list[Expression] = []
    cur: Block | None = schema
    for st in remaining:
        if not bodies:
            return None
        if cur is None:
            break
        name = _step_name(st)
        if name is None:
            break
        if name in cur.attributes:
            for b in bodies:
                attrs, _ = body_items(b)
                exprs += [a.expr for a in attrs if a.name == name and a.expr is not None]
            bodies, cur = [], None
            break
        nb = cur.block_types.get(name)
        if nb is None:
            bodies, cur = [], None
            break
        if nb.nesting in (Nesting.SINGLE, Nesting.GROUP):
            inner: list[Any] = []
            for blk in _blocks_named(bodies, name):
                bs, es = _block_parts(blk)
                inner += bs
                exprs += es
            bodies, cur = inner, nb.block
        # list, set and map block types: bodies and schema stay as they are
    if not bodies and not exprs:
        return None
    return bodies, cur, exprs


def relevant_attributes(
    analyzer: Analyzer,
    changed_resources: Iterable[AbsResourceInstance],
    changed_outputs: Iterable[tuple[ModuleInstance, str]],
) -> list[ResourceAttr]:
    """terraform's relevantResourceAttrsForPlan: the resource attributes that contribute to
    the changed resource instances and output values (sorted; terraform's order is its map's).

    A plan records a change for every output of a module instance that is not null (a
    child module's outputs are never in the state, so each is a create), and so each
    such output's references count as well as the root outputs that change."""
    refs: list[GlobalReference] = []
    for addr in changed_resources:
        refs += analyzer.references_from_resource_instance(addr)
    for module, name in changed_outputs:
        refs += analyzer.references_from_output_value(module, name)
    attrs = {}
    for r in analyzer.contributing_resource_references(refs):
        ra = r.resource_attr()
        if ra is not None:
            attrs[(str(ra.resource), repr(ra.attr))] = ra
    return [attrs[k] for k in sorted(attrs)]
