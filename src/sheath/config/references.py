"""Static reference checks: every traversal in a module must name a declared object.

check_references(config) walks every expression of every module of a loaded
tree (locals, outputs, variable validations, resource/data/ephemeral bodies and
meta-arguments, provisioners, module call arguments, provider configurations,
check blocks, import blocks) and reports terraform's diagnostics for
undeclared variables, locals, resources, modules and module outputs, and for
count/each/self used where they are not available.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from sheath.addrs import (
    CountAttr,
    ForEachAttr,
    InputVariable,
    LocalValue,
    ModuleCall as ModuleCallAddr,
    ModuleCallInstance,
    ModuleCallInstanceOutput,
    PathAttr,
    Resource as ResourceAddr,
    ResourceInstance,
    ResourceMode,
    Self,
    TerraformAttr,
    parse_ref,
)
from sheath.config.loader import Config
from sheath.config.merge import MergedBodies, MergedBody
from sheath.config.module import Module
from sheath.config.resource import Resource
from sheath.diag import Diagnostics
from sheath.lang import hcl
from sheath.lang.hcl import Expression, Traversal


def _suggest(given: str, candidates: list[str]) -> str:
    try:
        from sheath.lang.eval.evaluator import name_suggestion
    except ImportError:  # pragma: no cover
        return ""
    return name_suggestion(given, candidates)


@dataclass(slots=True)
class Scope:
    """What a group of expressions may refer to besides module-level objects."""

    count: bool = False
    each: bool = False
    self_ok: bool = False
    in_resource: bool = False
    shadow: frozenset[str] = frozenset()
    container: str = ""  # the check block the expressions are in: its scoped data source is visible


# --- walking bodies -----------------------------------------------------------------------


def body_expressions(body: hcl.Body, shadow: frozenset[str] = frozenset()) -> Iterator[tuple[Expression, frozenset[str]]]:
    """Every expression in a body, recursively, with the dynamic-block iterator names in scope."""
    attrs, blocks = body_items(body)
    for a in attrs:
        yield a.expr, shadow
    for b in blocks:
        if b.type == "dynamic" and b.labels:
            yield from _dynamic_expressions(b, shadow)
        else:
            yield from body_expressions(b.body, shadow)


def _dynamic_expressions(b: Any, shadow: frozenset[str]) -> Iterator[tuple[Expression, frozenset[str]]]:
    attrs, blocks = body_items(b.body)
    iterator = b.labels[0]
    for a in attrs:
        if a.name == "iterator":
            kw = getattr(a.expr, "traversal", None)
            if kw is not None and len(kw.steps) == 1:
                iterator = kw.root_name
    inner = shadow | {iterator}
    for a in attrs:
        if a.name == "for_each":
            yield a.expr, shadow
        elif a.name == "labels":
            yield a.expr, inner
    for cb in blocks:
        if cb.type == "content":
            yield from body_expressions(cb.body, inner)


def body_items(body: Any) -> tuple[list[Any], list[Any]]:
    if isinstance(body, MergedBodies):
        attrs: list[Any] = []
        blocks: list[Any] = []
        for b in body.bodies:
            a, bl = body_items(b)
            attrs += a
            blocks += bl
        return attrs, blocks
    if isinstance(body, MergedBody):
        ba, bb = body_items(body.base)
        oa, ob = body_items(body.override)
        names = {a.name for a in oa}
        types = {(b.labels[0] if b.type == "dynamic" and b.labels else b.type) for b in ob}
        attrs = [a for a in ba if a.name not in names] + oa
        blocks = [b for b in bb if (b.labels[0] if b.type == "dynamic" and b.labels else b.type) not in types] + ob
        return attrs, blocks
    attributes: Any = getattr(body, "attributes", None)
    body_blocks: Any = getattr(body, "blocks", None)
    if isinstance(attributes, dict) and isinstance(body_blocks, list):
        hidden_a: frozenset[str] = getattr(body, "hidden_attrs", frozenset())
        hidden_b: frozenset[str] = getattr(body, "hidden_blocks", frozenset())
        return (
            [a for n, a in attributes.items() if n not in hidden_a],
            [b for b in body_blocks if b.type not in hidden_b],
        )
    walk = getattr(body, "walk_items", None)
    if callable(walk):
        a2, b2 = walk()
        return list(a2), list(b2)
    attrs_map, _ = body.just_attributes()
    return list(attrs_map.values()), []


# --- the checker ----------------------------------------------------------------------------


class ReferenceChecker:
    """Reference checks of one module; run() checks everything, the other methods one object
    (each returns the diagnostics of that object alone)."""

    def __init__(self, cfg: Config, check_outputs: bool = True) -> None:
        """check_outputs: report references to undeclared module outputs (validate leaves
        them to evaluation, where they are terraform's "Unsupported attribute")."""
        self.check_outputs = check_outputs
        self.cfg = cfg
        self.m: Module = cfg.module
        self.diags = Diagnostics()
        self.where = "the root module" if cfg.path.is_root() else str(cfg.path)

    def expr(self, e: Expression | None, scope: Scope, shadow: frozenset[str] = frozenset()) -> None:
        if e is None:
            return
        sh = shadow | scope.shadow
        for t in e.variables():
            if sh and t.root_name in sh:
                continue
            self.traversal(t, scope)

    def body(self, body: hcl.Body, scope: Scope) -> None:
        for e, shadow in body_expressions(body):
            self.expr(e, scope, shadow)

    def traversal(self, t: Traversal, scope: Scope) -> None:
        ref, d = parse_ref(t)
        self.diags.extend(d)
        if ref is None:
            return
        s = ref.subject
        rng = ref.source_range
        m = self.m
        if isinstance(s, InputVariable):
            if s.name not in m.variables:
                sugg = _suggest(s.name, list(m.variables))
                detail = f'An input variable with the name "{s.name}" has not been declared.'
                detail += f' Did you mean "{sugg}"?' if sugg else f' This variable can be declared with a variable "{s.name}" {{}} block.'
                self.diags.add_error("Reference to undeclared input variable", detail, rng)
        elif isinstance(s, LocalValue):
            if s.name not in m.locals:
                sugg = _suggest(s.name, list(m.locals))
                detail = f'A local value with the name "{s.name}" has not been declared.'
                if sugg:
                    detail += f' Did you mean "{sugg}"?'
                self.diags.add_error("Reference to undeclared local value", detail, rng)
        elif isinstance(s, (ResourceAddr, ResourceInstance)):
            res = s if isinstance(s, ResourceAddr) else s.resource
            declared = m.resource_by_key(str(res))
            if declared is not None and declared.container and declared.container != scope.container:
                adjective = {ResourceMode.MANAGED: "managed", ResourceMode.DATA: "data", ResourceMode.EPHEMERAL: "ephemeral"}[res.mode]
                self.diags.add_error(
                    "Reference to scoped resource",
                    f'The referenced {adjective} resource "{res.type}" "{res.name}" is not available from this context.',
                    rng,
                )
            if declared is None:
                kind = {
                    ResourceMode.MANAGED: "managed resource",
                    ResourceMode.DATA: "data resource",
                    ResourceMode.EPHEMERAL: "ephemeral resource",
                }[res.mode]
                self.diags.add_error(
                    "Reference to undeclared resource",
                    f'A {kind} "{res.type}" "{res.name}" has not been declared in {self.where}.',
                    rng,
                )
        elif isinstance(s, (ModuleCallAddr, ModuleCallInstance, ModuleCallInstanceOutput)):
            if isinstance(s, ModuleCallAddr):
                name = s.name
            elif isinstance(s, ModuleCallInstance):
                name = s.call.name
            else:
                name = s.call.call.name
            if name not in m.module_calls:
                self.diags.add_error(
                    "Reference to undeclared module",
                    f'No module call named "{name}" is declared in {self.where}.',
                    rng,
                )
            elif isinstance(s, ModuleCallInstanceOutput) and self.check_outputs:
                child = self.cfg.children.get(name)
                if child is not None and s.name not in child.module.outputs:
                    self.diags.add_error(
                        "Reference to undeclared output value",
                        f'An output value with the name "{s.name}" has not been declared in {child.path}.',
                        rng,
                    )
        elif isinstance(s, CountAttr):
            if not scope.count:
                self.diags.add_error(
                    'Reference to "count" in non-counted context',
                    'The "count" object can only be used in "module", "resource", and "data" blocks, and only when '
                    'the "count" argument is set.',
                    rng,
                )
        elif isinstance(s, ForEachAttr):
            if not scope.each:
                if scope.in_resource and s.name == "value":
                    self.diags.add_error(
                        "each.value cannot be used in this context",
                        'A reference to "each.value" has been used in a context in which it is unavailable, such as '
                        'when the configuration no longer contains the value in its "for_each" expression. Remove '
                        "this reference to each.value in your configuration to work around this error.",
                        rng,
                    )
                else:
                    self.diags.add_error(
                        'Reference to "each" in context without for_each',
                        'The "each" object can be used only in "module" or "resource" blocks, and only when the '
                        '"for_each" argument is set.',
                        rng,
                    )
        elif isinstance(s, Self):
            if not scope.self_ok:
                self.diags.add_error(
                    'Invalid "self" reference',
                    'The "self" object is not available in this context. This object can be used only in resource '
                    "provisioner, connection, and postcondition blocks.",
                    rng,
                )
        elif isinstance(s, PathAttr):
            if s.name not in ("module", "root", "cwd"):
                sugg = _suggest(s.name, ["cwd", "module", "root"])
                detail = f'The "path" object does not have an attribute named "{s.name}".'
                if sugg:
                    detail += f' Did you mean "{sugg}"?'  # terraform's evaluate_data.go names no others
                self.diags.add_error('Invalid "path" attribute', detail, rng)
        elif isinstance(s, TerraformAttr):
            if s.name not in ("workspace", "applying"):
                self.diags.add_error(
                    'Invalid "terraform" attribute',
                    f'The "terraform" object does not have an attribute named "{s.name}". The only supported '
                    "attributes are terraform.workspace, the name of the currently-selected workspace, and "
                    "terraform.applying, a boolean which is true only during apply.",
                    rng,
                )

    def resource(self, r: Resource) -> None:
        base = Scope(count=r.count is not None, each=r.for_each is not None, in_resource=True, container=r.container)
        meta = Scope(in_resource=True, container=r.container)
        self.expr(r.count, meta)
        self.expr(r.for_each, meta)
        self.expr(r.enabled, meta)  # OpenTofu's lifecycle.enabled
        self.body(r.config, base)
        for t in r.depends_on:
            self.traversal(t, meta)
        for rule in r.preconditions:
            self.expr(rule.condition, base)
            self.expr(rule.error_message, base)
        post = Scope(base.count, base.each, True, True, container=r.container)
        for rule in r.postconditions:
            self.expr(rule.condition, post)
            self.expr(rule.error_message, post)
        # lifecycle.replace_triggered_by: terraform checks its references only at plan (engine.triggers)
        if r.managed is not None:
            if r.managed.connection is not None:
                self.body(r.managed.connection.config, post)
            for p in r.managed.provisioners:
                self.body(p.config, post)
                if p.connection is not None:
                    self.body(p.connection.config, post)

    def collect(self, fn: Any, *args: Any) -> Diagnostics:
        """The diagnostics fn(*args) adds, apart from those already collected."""
        saved, self.diags = self.diags, Diagnostics()
        try:
            fn(*args)
            return self.diags
        finally:
            self.diags = saved

    def check_expr(self, e: Expression | None, scope: Scope) -> Diagnostics:
        return self.collect(self.expr, e, scope)

    def check_body(self, body: hcl.Body, scope: Scope) -> Diagnostics:
        return self.collect(self.body, body, scope)

    def variable(self, v: Any) -> None:
        for rule in v.validations:
            self.expr(rule.condition, Scope())
            self.expr(rule.error_message, Scope())

    def output(self, o: Any) -> None:
        plain = Scope()
        self.expr(o.expr, plain)
        for t in o.depends_on:
            self.traversal(t, plain)
        for rule in o.preconditions:
            self.expr(rule.condition, plain)
            self.expr(rule.error_message, plain)

    def provider_meta(self, pm: Any) -> None:
        # provider_meta is decoded without any variables in scope
        for e, _ in body_expressions(pm.config):
            for t in e.variables():
                self.diags.add_error("Variables not allowed", "Variables may not be used here.", t.steps[0].range)

    def module_call(self, mc: Any) -> None:
        plain = Scope()
        self.expr(mc.count, plain)
        self.expr(mc.for_each, plain)
        self.expr(mc.enabled, plain)  # OpenTofu's lifecycle.enabled
        self.body(mc.config, Scope(count=mc.count is not None, each=mc.for_each is not None))
        for t in mc.depends_on:
            self.traversal(t, plain)

    def check(self, ck: Any) -> None:
        inside = Scope(container=ck.name)
        for rule in ck.asserts:
            self.expr(rule.condition, inside)
            self.expr(rule.error_message, inside)

    def import_block(self, imp: Any) -> None:
        sc = Scope(each=imp.for_each is not None)
        self.expr(imp.for_each, Scope())
        self.expr(imp.id, sc)
        if imp.to_resource is None and imp.to is not None:
            for t in imp.to.variables():
                if t.root_name in ("each", "var", "local"):
                    self.traversal(t, sc)

    def run(self) -> Diagnostics:
        m = self.m
        for v in m.variables.values():
            self.variable(v)
        for loc in m.locals.values():
            self.expr(loc.expr, Scope())
        for o in m.outputs.values():
            self.output(o)
        for p in m.provider_configs.values():
            # OpenTofu's provider for_each: each.key and each.value in the block's arguments
            self.expr(p.for_each, Scope())
            self.body(p.config, Scope(each=p.for_each is not None))
        for pm in m.provider_metas.values():
            self.provider_meta(pm)
        for r in m.all_resources():
            self.resource(r)
        for mc in m.module_calls.values():
            self.module_call(mc)
        for ck in m.checks.values():
            self.check(ck)
        for imp in m.imports:
            self.import_block(imp)
        return self.diags


def check_module_references(cfg: Config) -> Diagnostics:
    """Reference checks for one module of a tree."""
    return ReferenceChecker(cfg).run()


def check_references(cfg: Config) -> Diagnostics:
    """Reference checks for every module of the tree under cfg."""
    diags = Diagnostics()
    for c in cfg.all_modules():
        diags.extend(check_module_references(c))
    return diags
