"""terraform validate: is the configuration internally consistent?

Phases, as terraform runs them:
  1. load the module tree (syntax, block structure, duplicates, core version);
  2. check every provider the configuration needs is available;
  3. check references against declarations (count/each/self contexts too);
  4. evaluate every expression with unknown input variables and unknown
     resource attributes, so type errors, bad operands, bad function arguments
     and unsuitable count/for_each values are found; bodies of resources whose
     schema sheath knows (the builtin provider's) are checked against it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from sheath import diag
from sheath.config import Config, load_module_tree
from sheath.config.module import Module
from sheath.config.references import body_expressions, check_references
from sheath.config.resource import Resource
from sheath.diag import Diagnostic, Diagnostics, Range
from sheath.engine import builtin_schemas
from sheath.providers.registry import default_registry
from sheath.providers.schema import Schema, block_to_body_schema, computed_only
from sheath.providers.sdk import READ_ONLY_DETAIL, READ_ONLY_SUMMARY
from sheath.lang import hcl
from sheath.lang.eval.context import EvalContext
from sheath.lang.eval.diagvalues import annotate
from sheath.lang.eval.evaluator import evaluate, name_suggestion
from sheath.lang.eval.scope import ModuleData, Scope, object_of
from sheath.lang.eval.templates import make_template_renderer
from sheath.lang.funcs.function import Function
from sheath.lang.funcs.registry import builtin_functions
from sheath.types.convert import ConversionError, convert
from sheath.types.cty import (
    DYNAMIC,
    NUMBER,
    SENSITIVE,
    STRING,
    UNKNOWN,
    SetType,
    Type,
    Value,
    unknown,
)


@dataclass
class ValidateResult:
    diagnostics: Diagnostics
    sources: dict[str, bytes] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.diagnostics.has_errors()


def validate(root_dir: str = ".") -> ValidateResult:
    cfg, diags = load_module_tree(root_dir)
    sources = _sources(cfg, root_dir)
    if diags.has_errors():
        return ValidateResult(diags, sources)
    diags.extend(validate_config(cfg, root_dir))
    return ValidateResult(diags, sources)


def validate_config(cfg: Config, root_dir: str = ".", shared_schemas: Any = None) -> Diagnostics:
    """Phases 2-4 on a loaded module tree (plan and apply run them first, like terraform).

    shared_schemas: the engine's ProviderSchemas, so that plugin providers started to
    validate are the ones the plan then uses (one process, not two)."""
    diags = Diagnostics()
    diags.extend(_check_providers(cfg, root_dir))
    if diags.has_errors():
        return diags
    diags.extend(check_references(cfg))
    if diags.has_errors():
        return diags
    functions = _functions(root_dir)
    schemas = builtin_schemas.KnownSchemas(root_dir=root_dir, shared=shared_schemas)
    try:
        for c in cfg.all_modules():
            diags.extend(_ModuleValidator(c, functions, root_dir, schemas).run())
    finally:
        schemas.close()
    return diags


def _functions(base_dir: str) -> dict[str, Function]:
    renderer = make_template_renderer()
    fns = builtin_functions(base_dir, render_template=renderer)
    renderer.functions = fns
    return fns


def _sources(cfg: Config, root_dir: str) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for c in _safe_modules(cfg):
        for f in c.module.files:
            for name in (f, os.path.join(root_dir, f)):
                try:
                    with open(name, "rb") as fh:
                        out[f] = fh.read()
                    break
                except OSError:
                    continue
    return out


def _safe_modules(cfg: Config) -> list[Config]:
    try:
        return cfg.all_modules()
    except RecursionError:
        return [cfg]


# --- providers -----------------------------------------------------------------------------


def _installed_provider_dirs(root_dir: str) -> set[str]:
    """host/namespace/type of every provider installed under .terraform/providers."""
    base = os.path.join(root_dir, ".terraform", "providers")
    found: set[str] = set()
    try:
        for host in os.listdir(base):
            for ns in os.listdir(os.path.join(base, host)):
                for typ in os.listdir(os.path.join(base, host, ns)):
                    found.add(f"{host}/{ns}/{typ}")
    except OSError:
        pass
    return found


def _required_providers(cfg: Config) -> dict[str, Any]:
    """Provider address string -> address, for everything the tree needs."""
    need: dict[str, Any] = {}
    for c in cfg.all_modules():
        m = c.module
        if m.provider_requirements is not None:
            for req in m.provider_requirements.required_providers.values():
                addr = getattr(req, "type", None) or getattr(req, "source", None)
                if addr is not None and hasattr(addr, "is_builtin"):
                    need[str(addr)] = addr
        for r in m.all_resources():
            if r.provider is not None:
                need[str(r.provider)] = r.provider
        for key in m.provider_configs:
            local = key.split(".", 1)[0]
            addr = m.implied_provider_for_local_name(local)
            need[str(addr)] = addr
    return need


def _check_providers(cfg: Config, root_dir: str) -> Diagnostics:
    diags = Diagnostics()
    installed = _installed_provider_dirs(root_dir)
    native = default_registry()
    for key, addr in sorted(_required_providers(cfg).items()):
        if addr.is_builtin() or native.lookup(addr) is not None:
            continue
        if key in installed:
            continue
        diags.add_error(
            "Missing required provider",
            f"This configuration requires provider {key}, but that provider isn't available. "
            "You may be able to install it automatically by running:\n  terraform init",
        )
    return diags


# --- evaluation ----------------------------------------------------------------------------


def _unknown_of(t: Type, sensitive: bool = False) -> Value:
    v = unknown(t)
    return v.mark(SENSITIVE) if sensitive else v


_EACH_VAL = object_of({"key": unknown(STRING), "value": unknown(DYNAMIC)})
_COUNT_VAL = object_of({"index": unknown(NUMBER)})
_ITERATOR_VAL = object_of({"key": unknown(DYNAMIC), "value": unknown(DYNAMIC)})


class _ModuleValidator:
    def __init__(
        self, cfg: Config, functions: Mapping[str, Function], root_dir: str, schemas: builtin_schemas.KnownSchemas
    ) -> None:
        self.cfg = cfg
        self.schemas = schemas
        self.m: Module = cfg.module
        self.diags = Diagnostics()
        self.functions = functions
        m = self.m
        data = ModuleData(
            path_module=m.source_dir if cfg.path.names else ".",
            path_root=".",
            path_cwd=os.path.abspath(root_dir),
        )
        for name, v in m.variables.items():
            data.variables[name] = _unknown_of(v.type if not v.type.is_dynamic() else DYNAMIC, v.sensitive)
        for key in m.managed_resources:
            data.managed[key] = unknown(DYNAMIC)
        for key in m.data_resources:
            data.data[key[len("data.") :] if key.startswith("data.") else key] = unknown(DYNAMIC)
        for name in m.module_calls:
            data.module_calls[name] = unknown(DYNAMIC)
        for name in m.locals:
            data.locals[name] = unknown(DYNAMIC)
        self.data = data
        self.scope = Scope(data, functions)

    # -- helpers --
    def ctx(self, extra: Mapping[str, Value] | None = None) -> EvalContext:
        base = self.scope.context()
        if extra:
            return base.new_child(extra)
        return base

    def eval(self, expr: Any, ctx: EvalContext) -> Value | None:
        if expr is None:
            return None
        static = self._check_resource_references(expr)
        if static.has_errors():
            self.diags.extend(static)
            return None
        val, d = evaluate(expr, ctx)
        annotate(d)
        self.diags.extend(d)
        if d.has_errors():
            return None
        return val

    def run(self) -> Diagnostics:
        self._locals()
        base = self.ctx()
        m = self.m
        for o in m.outputs.values():
            self.eval(o.expr, base)
            for rule in o.preconditions:
                self._check_rule(rule, base)
        for v in m.variables.values():
            for rule in v.validations:
                self._check_rule(rule, base)
        for r in m.all_resources():
            self._resource(r)
        for ck in m.checks.values():
            if ck.data_resource is not None:
                self._resource(ck.data_resource)
            for rule in ck.asserts:
                self._check_rule(rule, base)
        for mc in m.module_calls.values():
            self._module_call(mc)
        for imp in m.imports:
            extra = {"each": _EACH_VAL} if imp.for_each is not None else None
            self.eval(imp.for_each, base)
            self.eval(imp.id, self.ctx(extra))
        return self.diags

    def _check_resource_references(self, expr: Any) -> Diagnostics:
        """terraform's static validation of references to resources: instance keys
        against count/for_each, and the first attribute against the type's schema."""
        from sheath.addrs import referenceable as R
        from sheath.addrs.resource import Resource as ResourceAddr, ResourceInstance

        diags = Diagnostics()
        for trav in expr.variables():
            ref, rd = R.parse_ref(trav)
            if ref is None or rd.has_errors():
                continue
            subj = ref.subject
            if not isinstance(subj, (ResourceAddr, ResourceInstance)):
                continue
            res_addr = subj if isinstance(subj, ResourceAddr) else subj.resource
            key = f"{res_addr.type}.{res_addr.name}"
            if res_addr.mode.name == "DATA":
                key = "data." + key
            elif res_addr.mode.name == "EPHEMERAL":
                key = "ephemeral." + key
            r = self.m.resource_by_key(key)
            if r is None:
                continue
            remaining = ref.remaining
            repeated = r.count is not None or r.for_each is not None
            if isinstance(subj, ResourceAddr) and repeated and remaining and remaining[0].kind == "name":
                how = "count" if r.count is not None else "for_each"
                example = "count.index" if how == "count" else "each.key"
                diags.add_error(
                    "Missing resource instance key",
                    f'Because {key} has "{how}" set, its attributes must be accessed on specific instances.\n\n'
                    "For example, to correlate with indices of a referring resource, use:\n"
                    f"    {key}[{example}]",
                    ref.source_range,
                )
            elif isinstance(subj, ResourceInstance) and not repeated and subj.key is not None:
                diags.add_error(
                    "Unexpected resource instance key",
                    f'Because {key} does not have "count" or "for_each" set, references to it must not include an '
                    "index key. Remove the bracketed index to refer to the single instance of this resource.",
                    ref.source_range,
                )
            schema = self.schemas.resource_schema(r)
            if schema is None or not remaining or remaining[0].kind != "name":
                continue
            name = str(remaining[0].value)
            block = schema.block
            if name in block.attributes or name in block.block_types:
                continue
            sugg = name_suggestion(name, [*block.attributes, *block.block_types])
            diags.add_error(
                "Unsupported attribute",
                f'This object has no argument, nested block, or exported attribute named "{name}".'
                + (f' Did you mean "{sugg}"?' if sugg else ""),
                remaining[0].range,
            )
        return diags

    def _check_rule(self, rule: Any, ctx: EvalContext) -> None:
        cond = self.eval(rule.condition, ctx)
        if cond is not None and cond.v is not UNKNOWN:
            try:
                convert(cond, _BOOL)
            except ConversionError as err:
                self.diags.append(
                    diag.error(
                        "Invalid condition result",
                        f"Invalid condition result value: {err.message}.",
                        rule.condition.range,
                    )
                )
        self.eval(rule.error_message, ctx)

    # -- locals in dependency order, with cycle detection --
    def _locals(self) -> None:
        m = self.m
        deps: dict[str, list[str]] = {}
        for name, loc in m.locals.items():
            ds: list[str] = []
            for t in loc.expr.variables():
                if t.root_name == "local" and len(t.steps) > 1:
                    step = t.steps[1]
                    n = getattr(step, "name", None)
                    if isinstance(n, str) and n in m.locals:
                        ds.append(n)
            deps[name] = ds
        order: list[str] = []
        state: dict[str, int] = {}
        for start in m.locals:
            if state.get(start):
                continue
            stack: list[tuple[str, Iterable[str]]] = [(start, iter(deps[start]))]
            state[start] = 1
            path = [start]
            while stack:
                node, it = stack[-1]
                nxt = next(iter(it), None) if False else None
                for dep in it:
                    st = state.get(dep, 0)
                    if st == 0:
                        state[dep] = 1
                        path.append(dep)
                        stack.append((dep, iter(deps[dep])))
                        nxt = dep
                        break
                    if st == 1:
                        cyc = path[path.index(dep) :]
                        self.diags.add_error("Cycle: " + ", ".join(f"local.{n}" for n in reversed(cyc)))
                        return
                if nxt is None:
                    stack.pop()
                    path.pop()
                    state[node] = 2
                    order.append(node)
        for name in order:
            val = self.eval(m.locals[name].expr, self.ctx())
            self.data.locals[name] = val if val is not None else unknown(DYNAMIC)
            self.scope._ctx = None

    # -- resources --
    def _resource(self, r: Resource) -> None:
        base = self.ctx()
        extra: dict[str, Value] = {}
        if r.count is not None:
            v = self.eval(r.count, base)
            if v is not None:
                self._check_count(v, r.count)
            extra["count"] = _COUNT_VAL
        if r.for_each is not None:
            v = self.eval(r.for_each, base)
            if v is not None:
                self._check_for_each(v, r.for_each)
            extra["each"] = _EACH_VAL
        ctx = self.ctx(extra) if extra else base
        for rule in r.preconditions:
            self._check_rule(rule, ctx)
        self_ctx = ctx.new_child({"self": unknown(DYNAMIC)})
        for rule in r.postconditions:
            self._check_rule(rule, self_ctx)
        for e in r.triggers_replacement:
            self.eval(e, ctx)
        schema = self.schemas.resource_schema(r)
        if schema is not None:
            if not self._check_schema(r, schema):
                self._provider_validate(r, schema, ctx)
        self._eval_body(r.config, ctx)
        if r.managed is not None:
            if r.managed.connection is not None:
                self._eval_body(r.managed.connection.config, self_ctx)
            for p in r.managed.provisioners:
                self._eval_body(p.config, self_ctx)
                if p.connection is not None:
                    self._eval_body(p.connection.config, self_ctx)

    def _eval_body(self, body: hcl.Body, ctx: EvalContext) -> None:
        for expr, shadow in body_expressions(body):
            c = ctx.new_child({n: _ITERATOR_VAL for n in shadow}) if shadow else ctx
            self.eval(expr, c)

    def _provider_validate(self, r: Resource, schema: Schema, ctx: EvalContext) -> None:
        """A plugin provider's own checks of the configuration (ValidateResourceConfig), with
        what is not known yet unknown, as terraform validate asks them."""
        from sheath.providers import interface as pi
        from sheath.providers.schema import decode_body

        if r.provider is None or not self.schemas.is_plugin(r.provider) or r.mode.name == "EPHEMERAL":
            return
        provider = self.schemas.plugin_instance(r.provider)
        if provider is None:
            return

        def quiet(e: Any, c: EvalContext = ctx) -> Any:
            v, _ = evaluate(e, c)  # evaluation problems are reported by _eval_body
            return v, Diagnostics()

        def scoped(extra: Any) -> Any:
            child = ctx.new_child(extra)
            return lambda e: quiet(e, child)

        config, d = decode_body(schema.block, r.config, quiet, scoped)
        if d.has_errors():
            return
        plain, _ = config.unmark_deep()
        if r.mode.name == "DATA":
            resp = provider.validate_data_resource_config(r.type, plain)
        else:
            resp = provider.validate_resource_config(r.type, plain)
        addr = f"{self.cfg.path}.{r.addr()}" if self.cfg.path.names else str(r.addr())
        for x in resp.diagnostics:
            x.extra.setdefault("address", addr)
            if x.subject is None:
                x.subject = _attribute_range(r, x.extra.get(pi.ATTRIBUTE_PATH)) or r.config.missing_item_range()
            self.diags.append(x)

    def _check_schema(self, r: Resource, schema: Schema) -> bool:
        """Check the body against the schema; True when it has errors."""
        from sheath.providers.schema import attributes_as_blocks

        block = attributes_as_blocks(schema.block, r.config)
        bschema = block_to_body_schema(block)
        if block.block_types:  # dynamic blocks may generate any nested block type
            bschema = hcl.BodySchema(bschema.attributes, tuple(bschema.blocks) + (hcl.BlockHeaderSchema("dynamic", ("type",)),))
        content, d = r.config.content(bschema)
        for b in content.blocks:
            if b.type == "dynamic" and b.labels and b.labels[0] not in block.block_types:
                d.add_error(
                    "Unsupported block type",
                    f'Blocks of type "{b.labels[0]}" are not expected here.',
                    b.label_ranges[0] if b.label_ranges else b.def_range,
                )
        for name in sorted(computed_only(schema.block)):
            attr = content.attributes.get(name)
            if attr is None:
                continue
            if r.type in builtin_schemas.BUILTIN_READ_ONLY and r.provider is not None and r.provider.is_builtin():
                self.diags.add_error(f'"{name}" attribute is read-only')
            elif r.mode.name == "MANAGED":
                self.diags.add_error(READ_ONLY_SUMMARY, READ_ONLY_DETAIL, attr.range)
        for item in d:
            if item.summary == "Unsupported block type" and item.subject is not None:
                found = _dynamic_label(r.config, item.subject)
                if found is not None:
                    label, label_range = found
                    item.detail = f'Blocks of type "{label}" are not expected here.'
                    item.subject = label_range

            if item.summary == "Unsupported argument" and "Did you mean" not in item.detail:
                arg = _quoted_name(item.detail)
                if arg is not None:
                    sugg = name_suggestion(arg, list(schema.block.attributes))
                    if sugg:
                        item.detail = f'An argument named "{arg}" is not expected here. Did you mean "{sugg}"?'
        self.diags.extend(d)
        return d.has_errors()

    def _check_count(self, v: Value, expr: Any) -> None:
        if v.v is UNKNOWN:
            return
        try:
            n = convert(v.unmark()[0], NUMBER)
        except ConversionError as err:
            self.diags.append(diag.error("Incorrect value type", f"Invalid expression value: {err.message}.", expr.range))
            return
        if n.v is None:
            self.diags.append(
                diag.error(
                    "Invalid count argument",
                    'The given "count" argument value is null. An integer is required.',
                    expr.range,
                )
            )
            return
        if n.v is UNKNOWN:
            return
        num = n.v
        if not num.is_integer():
            self.diags.append(
                diag.error(
                    "Invalid count argument",
                    'The given "count" argument value is unsuitable: value must be a whole number.',
                    expr.range,
                )
            )
        elif num.to_int() < 0:
            self.diags.append(
                diag.error(
                    "Invalid count argument",
                    'The given "count" argument value is unsuitable: must be greater than or equal to zero.',
                    expr.range,
                )
            )

    def _check_for_each(self, v: Value, expr: Any) -> None:
        raw, _ = v.unmark()
        if raw.v is UNKNOWN:
            return
        t = raw.type
        if raw.v is None:
            self.diags.append(
                diag.error(
                    "Invalid for_each argument",
                    'The given "for_each" argument value is unsuitable: the given "for_each" argument value is null. '
                    "A map, or set of strings is allowed.",
                    expr.range,
                )
            )
            return
        elem = t.element if isinstance(t, SetType) else None
        ok = t.is_map() or t.is_object() or (elem is not None and (elem == STRING or elem.is_dynamic()))
        if not ok:
            if elem is not None:
                detail = (
                    'The given "for_each" argument value is unsuitable: "for_each" supports maps and sets of '
                    f"strings, but you have provided a set containing type {elem.friendly_name()}."
                )
            else:
                detail = (
                    'The given "for_each" argument value is unsuitable: the "for_each" argument must be a map, '
                    f"or set of strings, and you have provided a value of type {t.friendly_name()}."
                )
            self.diags.append(diag.error("Invalid for_each argument", detail, expr.range))

    # -- module calls --
    def _module_call(self, mc: Any) -> None:
        base = self.ctx()
        extra: dict[str, Value] = {}
        if mc.count is not None:
            v = self.eval(mc.count, base)
            if v is not None:
                self._check_count(v, mc.count)
            extra["count"] = _COUNT_VAL
        if mc.for_each is not None:
            v = self.eval(mc.for_each, base)
            if v is not None:
                self._check_for_each(v, mc.for_each)
            extra["each"] = _EACH_VAL
        ctx = self.ctx(extra) if extra else base
        child = self.cfg.children.get(mc.name)
        if child is None:
            self._eval_body(mc.config, ctx)
            return
        cvars = child.module.variables
        schema = hcl.BodySchema(
            tuple(hcl.AttributeSchema(n, required=(v.default is None and not _has_default(v))) for n, v in cvars.items())
        )
        content, d = mc.config.content(schema)
        for item in d:
            if item.summary == "Unsupported argument":
                name = _quoted_name(item.detail)
                if name is not None:
                    sugg = name_suggestion(name, list(cvars))
                    item.detail = f'An argument named "{name}" is not expected here.' + (
                        f' Did you mean "{sugg}"?' if sugg else ""
                    )
        self.diags.extend(d)
        for name, attr in content.attributes.items():
            val = self.eval(attr.expr, ctx)
            var = cvars.get(name)
            if val is None or var is None or var.type.is_dynamic():
                continue
            try:
                convert(val, var.type)
            except ConversionError as err:
                self.diags.append(
                    diag.error(
                        "Invalid value for input variable",
                        f'The given value is not suitable for module.{mc.name}.var.{name} declared at '
                        f"{_range_str(var.decl_range)}: {err.message}.",
                        attr.expr.range,
                    )
                )


def _attribute_range(r: Resource, path: Any) -> Range | None:
    """The range of the configuration's expression for the first attribute of path."""
    from sheath.providers import interface as pi

    if path is None or not getattr(path, "steps", None) or not isinstance(path.steps[0], pi.GetAttrStep):
        return None
    name = path.steps[0].name
    try:
        content, _, _ = r.config.partial_content(hcl.BodySchema(attributes=(hcl.AttributeSchema(name),)))
    except Exception:  # noqa: BLE001 - a range is a nicety
        return None
    a = content.attributes.get(name)
    return a.expr.range if a is not None else None


def _dynamic_label(body: hcl.Body, subject: Range) -> tuple[str, Range] | None:
    """A dynamic block's label and its range, for the block whose type is at subject."""
    for b in getattr(body, "blocks", None) or []:
        if b.type == "dynamic" and b.labels and b.type_range.start.byte == subject.start.byte:
            return str(b.labels[0]), b.label_ranges[0]
    return None


def _has_default(v: Any) -> bool:
    # A variable is optional when it has a default (even null, when declared explicitly).
    return bool(getattr(v, "default_range", None))


def _quoted_name(detail: str) -> str | None:
    first = detail.find('"')
    if first < 0:
        return None
    second = detail.find('"', first + 1)
    if second < 0:
        return None
    return detail[first + 1 : second]


def _range_str(r: Range) -> str:
    return f"{r.filename}:{r.start.line},{r.start.column}-{r.end.column}"


from sheath.types.cty import BOOL as _BOOL  # noqa: E402

__all__ = ["ValidateResult", "validate", "Diagnostic"]
