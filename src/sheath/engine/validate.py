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
from functools import partial
from typing import Any, Callable, Iterable, Mapping

from sheath import diag
from sheath.config import Config, load_module_tree
from sheath.config.module import Module
from sheath.config.testfile import (
    DEFAULT_TEST_DIRECTORY,
    TestFile,
    expect_failures_problems,
    load_test_files,
    missing_override_targets,
    test_file_sources,
)
from sheath.config.references import ReferenceChecker, Scope as RefScope, body_expressions
from sheath.config.resource import Resource
from sheath.diag import Diagnostic, Diagnostics, Pos, Range
from sheath.engine import builtin_schemas
from sheath.graph.references import ConfigGraph, build_config_graph, cycle_diagnostics
from sheath.engine.ignorechanges import ignore_changes_diagnostics
from sheath.engine.validate_graph import Node, NodeKey, module_key, reference_keys, walk
from sheath.providers.registry import ProviderRegistry, default_registry
from sheath.providers.schema import Block, Schema, block_to_body_schema, computed_only
from sheath.providers.sdk import READ_ONLY_DETAIL, READ_ONLY_SUMMARY
from sheath.lang import hcl
from sheath.lang.eval.context import EvalContext
from sheath.lang.eval.diagvalues import annotate
from sheath.lang.eval.evaluator import evaluate, name_suggestion
from sheath.lang.eval.scope import ModuleData, Scope, object_of
from sheath.lang.eval.templates import make_template_renderer
from sheath.engine.providerfuncs import module_functions
from sheath.lang.funcs.function import Function
from sheath.lang.funcs.registry import builtin_functions
from sheath.lang.funcs.values import WHOLE_NUMBER_MSG
from sheath.types.convert import ConversionError, convert
from sheath.types.cty import (
    DYNAMIC,
    EPHEMERAL,
    NUMBER,
    SENSITIVE,
    STRING,
    UNKNOWN,
    ListType,
    MapType,
    ObjectType,
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


def validate(
    root_dir: str = ".", test_dir: str | None = DEFAULT_TEST_DIRECTORY, registry: ProviderRegistry | None = None
) -> ValidateResult:
    """test_dir: where test files are besides the root module (None: -no-tests, none are read);
    registry: the providers sheath serves itself (the shipped ones when None)."""
    cfg, diags = load_module_tree(root_dir, require_installed=True)
    sources = config_sources(cfg, root_dir)
    tests: list[TestFile] = []
    if test_dir is not None:
        tests, td = load_test_files(root_dir, test_dir)
        diags.extend(td)
        if not diags.has_errors():
            diags.extend(missing_override_targets(tests, cfg, _run_configs(root_dir, tests)))
        sources.update(test_file_sources(root_dir, test_dir))
    if diags.has_errors():
        return ValidateResult(diags, sources)
    from sheath.engine.providers import installed_plugin_problems

    # terraform builds its provider factories before validating: a locked plugin missing
    # from .terraform/providers, or not matching the lock's checksums, is an error each
    problems = installed_plugin_problems(root_dir, registry=registry)
    if problems:
        for addr in sorted(problems, key=str):
            diags.add_error(f"{addr}: {problems[addr]}", "")
        return ValidateResult(diags, sources)
    diags.extend(validate_config(cfg, root_dir, registry=registry))
    # as terraform's validate command, the run blocks' expect_failures after the configuration
    diags.extend(expect_failures_problems(tests))
    return ValidateResult(diags, sources)


def _run_configs(root_dir: str, tests: list[TestFile]) -> dict[tuple[str, str], Config | None]:
    """The configuration each run block with a module block tests, by (file, run): a local
    module's, read where it is; None for one that does not load or is not local."""
    out: dict[tuple[str, str], Config | None] = {}
    for tf in tests:
        for rm in tf.modules:
            c = None
            if rm.local:
                loaded, d = load_module_tree(os.path.join(root_dir, rm.source), tree_checks=False)
                c = None if d.has_errors() else loaded
            out[(tf.filename, rm.run)] = c
    return out


def validate_config(
    cfg: Config,
    root_dir: str = ".",
    shared_schemas: Any = None,
    path_root: str = ".",
    registry: ProviderRegistry | None = None,
    graph: ConfigGraph | None = None,
) -> Diagnostics:
    """Phases 2-4 on a loaded module tree (plan and apply run them first, like terraform).

    shared_schemas: the engine's ProviderSchemas, so that plugin providers started to
    validate are the ones the plan then uses (one process, not two). path_root: the root
    module's path.module and path.root (import -config reads it outside the working directory).
    registry: the providers sheath serves itself (shared_schemas' when None, else the shipped ones).
    graph: the configuration's graph when the caller has built it (its cycles are errors here)."""
    if registry is None:
        registry = shared_schemas.factory.registry if shared_schemas is not None else default_registry()
    diags = Diagnostics()
    diags.extend(_check_providers(cfg, root_dir, registry))
    diags.extend(_validate_provisioners(cfg))
    if diags.has_errors():
        return diags
    diags.extend(_static_checks(cfg))
    if diags.has_errors():
        return diags
    diags.extend(_passed_providers(cfg))
    if diags.has_errors():
        return diags
    from sheath.config.deprecation import deprecation_warnings

    diags.extend(deprecation_warnings(cfg))
    functions = scope_functions(root_dir)
    schemas = builtin_schemas.KnownSchemas(registry, root_dir=root_dir, shared=shared_schemas)
    try:
        parents: dict[str, _ModuleValidator] = {}
        nodes: list[Node] = []
        used: set[NodeKey] = set()
        for c in cfg.all_modules():
            fns = module_functions(functions, c.module, schemas.function_decls, schemas.function_instance)
            v = _ModuleValidator(c, fns, root_dir, schemas, path_root)
            for child in c.children.values():
                parents[module_key(child)] = v
            nodes.extend(v.nodes(parents.get(module_key(c))))
            used |= v.used_providers
            diags.extend(v.missing_providers)
        # terraform builds its validate graph before walking it: a cycle of references
        # (locals, resources, module variables and outputs...) fails validation, named as
        # terraform names the graph's nodes
        missing_targets = _import_target_modules(cfg)
        diags.extend(missing_targets)
        if not missing_targets:
            diags.extend(build_config_graph(cfg)[1] if graph is None else cycle_diagnostics(graph.graph))
        # terraform prunes provider configurations nothing uses before validating
        nodes = [n for n in nodes if not n.key[1].startswith("provider.") or n.key in used]
        if not diags.has_errors():
            walked = walk(nodes)
            # terraform loads every schema before the walk: a provider that could not
            # answer fails validation with its reason, and nothing is checked without it
            diags.extend(schemas.failures if schemas.failures.has_errors() else walked)
    finally:
        schemas.close()
    return diags


def _import_target_modules(cfg: Config) -> Diagnostics:
    """terraform's ConfigTransformer.validateImportTargets: an import target's module must be
    in the configuration, or the graph is not built (so nothing else is validated)."""
    from sheath.addrs.resource import ConfigResource

    diags = Diagnostics()
    for imp in cfg.module.imports:
        to = imp.to_resource
        if to is None or imp.to is None:
            continue
        target = ConfigResource(to.module.module(), to.resource.resource)
        if cfg.descendant(target.module) is None:
            diags.add_error(
                "Configuration for import target does not exist",
                f"The configuration for the given import target {target} does not exist. All target instances must "
                "have an associated configuration to be imported.",
                imp.to.range,
            )
    return diags


def _import_id_problems(v: Value, expr: Any) -> Diagnostics:
    """terraform's evaluateImportIdExpression on a value evaluated without errors: a string,
    neither null nor empty."""
    diags = Diagnostics()
    try:
        sv = convert(v.unmark_deep()[0], STRING)
    except ConversionError as err:
        diags.add_error("Incorrect value type", f"Invalid expression value: {err.message}.", expr.range)
        return diags
    if sv.is_null:
        diags.add_error("Invalid import id argument", "The import ID cannot be null.", expr.range)
    elif sv.is_known and sv.v == "":
        diags.add_error(
            "Invalid import id argument",
            "The import ID value evaluates to an empty string, please provide a non-empty value.",
            expr.range,
        )
    return diags


def _validate_provisioners(cfg: Config) -> Diagnostics:
    from sheath.engine.provisioning import validate_provisioners

    return validate_provisioners(cfg)


def _passed_providers(cfg: Config, ancestors: tuple[Config, ...] = ()) -> Diagnostics:
    """Every provider configuration a module call passes must exist where it is passed from
    (terraform's graph reports "missing provider" otherwise)."""
    diags = Diagnostics()
    for name, mc in cfg.module.module_calls.items():
        for passed in mc.providers:
            ref = passed.in_parent
            fqn = cfg.module.implied_provider_for_local_name(ref.name)
            if not _provider_config_exists(cfg, ancestors, fqn, ref.alias):
                prefix = f"{cfg.path}." if cfg.path.names else ""
                alias = f".{ref.alias}" if ref.alias else ""
                diags.add_error(f'missing provider {prefix}provider["{fqn}"]{alias}', "")
        child = cfg.children.get(name)
        if child is not None:
            diags.extend(_passed_providers(child, (*ancestors, cfg)))
    return diags


def _provider_config_exists(cfg: Config, ancestors: tuple[Config, ...], fqn: Any, alias: str) -> bool:
    """A configuration of provider fqn (with alias) in cfg: declared, passed in, or (a default
    configuration) inherited from the calling module."""
    m = cfg.module
    for pc in m.provider_configs.values():
        if m.implied_provider_for_local_name(pc.name) == fqn and (pc.alias or "") == alias:
            return True
    call = cfg.call
    if not ancestors or call is None:
        return False
    for passed in call.providers:
        if m.implied_provider_for_local_name(passed.in_child.name) == fqn and passed.in_child.alias == alias:
            return True
    if alias:
        return False
    return _provider_config_exists(ancestors[-1], ancestors[:-1], fqn, "")


def _static_checks(cfg: Config) -> Diagnostics:
    """provider_meta blocks (no variables allowed) and module call arguments against the
    called module's variables: terraform checks them before building the graph, so they
    stop validation before anything is evaluated."""
    diags = Diagnostics()
    for c in cfg.all_modules():
        refs = ReferenceChecker(c)
        for pm in c.module.provider_metas.values():
            diags.extend(refs.collect(refs.provider_meta, pm))
        for mc in c.module.module_calls.values():
            child = c.children.get(mc.name)
            if child is None:
                continue
            cvars = child.module.variables
            schema = hcl.BodySchema(
                tuple(hcl.AttributeSchema(n, required=(v.default is None and not _has_default(v))) for n, v in cvars.items())
            )
            _, d = mc.config.content(schema)
            for item in d:
                if item.summary == "Unsupported argument":
                    name = _quoted_name(item.detail)
                    if name is not None:
                        sugg = name_suggestion(name, list(cvars))
                        item.detail = f'An argument named "{name}" is not expected here.' + (
                            f' Did you mean "{sugg}"?' if sugg else ""
                        )
            diags.extend(d)
    return diags


def scope_functions(base_dir: str) -> Mapping[str, Function]:
    renderer = make_template_renderer()
    fns = builtin_functions(base_dir, render_template=renderer)
    renderer.functions = fns
    return fns


def config_sources(cfg: Config, root_dir: str) -> dict[str, bytes]:
    """The bytes of every file of the module tree, for diagnostics' source snippets."""
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
        for imp in m.imports:
            # an import whose resource has no block still needs the provider to generate it
            t = imp.to_resource
            if t is None or not t.module.is_root() or m.resource_by_key(str(t.resource.resource)) is not None:
                continue
            if imp.provider_config_ref is not None:
                local = imp.provider_config_ref.name
            else:
                local = t.resource.resource.type.split("_", 1)[0]
            addr = m.implied_provider_for_local_name(local)
            need[str(addr)] = addr
    return need


def _check_providers(cfg: Config, root_dir: str, native: ProviderRegistry) -> Diagnostics:
    diags = Diagnostics()
    installed = _installed_provider_dirs(root_dir)
    for key, addr in sorted(_required_providers(cfg).items()):
        if addr.is_builtin() and addr.type != "terraform":
            diags.add_error(
                "Missing required provider",
                f"This configuration requires built-in provider {key}, but that provider isn't available in this "
                "Terraform version.",
            )
            continue
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
        self,
        cfg: Config,
        functions: Mapping[str, Function],
        root_dir: str,
        schemas: builtin_schemas.KnownSchemas,
        path_root: str = ".",
    ) -> None:
        self.cfg = cfg
        self.schemas = schemas
        self.m: Module = cfg.module
        self.refs = ReferenceChecker(cfg, check_outputs=False)
        self.parent: _ModuleValidator | None = None
        self.used_providers: set[NodeKey] = set()
        self.missing_providers: list[Diagnostic] = []
        self.diags = Diagnostics()
        self.functions = functions
        m = self.m
        data = ModuleData(
            path_module=m.source_dir if cfg.path.names else path_root,
            path_root=path_root,
            path_cwd=os.path.abspath(root_dir),
        )
        for name, v in m.variables.items():
            val = _unknown_of(v.type if not v.type.is_dynamic() else DYNAMIC, v.sensitive)
            data.variables[name] = val.mark(EPHEMERAL) if v.ephemeral else val
        for key in m.managed_resources:
            data.managed[key] = unknown(DYNAMIC)
        for key in m.data_resources:
            data.data[key[len("data.") :] if key.startswith("data.") else key] = unknown(DYNAMIC)
        for key in m.ephemeral_resources:
            data.ephemeral[key[len("ephemeral.") :] if key.startswith("ephemeral.") else key] = unknown(DYNAMIC).mark(EPHEMERAL)
        for name, mc in m.module_calls.items():
            child = cfg.children.get(name)
            if child is None:
                data.module_calls[name] = unknown(DYNAMIC)
                continue
            outputs = ObjectType({o: DYNAMIC for o in child.module.outputs})
            if mc.count is not None:
                data.module_calls[name] = unknown(ListType(outputs))
            elif mc.for_each is not None:
                data.module_calls[name] = unknown(MapType(outputs))
            else:
                data.module_calls[name] = unknown(outputs)
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

    def eval(self, expr: Any, ctx: EvalContext, scope: RefScope | None = None) -> Value | None:
        """expr's value, or None when it has errors (reported). With scope, the references
        are checked first against the declarations (and nothing is evaluated when one fails)."""
        if expr is None:
            return None
        if scope is not None:
            refs = self.refs.check_expr(expr, scope)
            if refs.has_errors():
                self.diags.extend(refs)
                return None
        static = self._check_resource_references(expr)
        if static.has_errors():
            self.diags.extend(static)
            return None
        val, d = evaluate(expr, self.scope.context_for(ctx, expr.variables()))
        annotate(d)
        self.diags.extend(d)
        if d.has_errors():
            return None
        return val

    def _collect(self, fn: Callable[..., None], *args: Any) -> Diagnostics:
        saved, self.diags = self.diags, Diagnostics()
        try:
            fn(*args)
            return self.diags
        finally:
            self.diags = saved

    def _deps(self, exprs: Iterable[Any], traversals: Iterable[Any] = ()) -> list[NodeKey]:
        ts: list[Any] = []
        for e in exprs:
            if e is not None:
                ts.extend(e.variables())
        ts.extend(traversals)
        return reference_keys(self.cfg, ts)

    def _body_deps(self, body: hcl.Body) -> list[NodeKey]:
        return self._deps(e for e, _ in body_expressions(body))

    def _rule_exprs(self, rules: Iterable[Any]) -> list[Any]:
        return [e for rule in rules for e in (rule.condition, rule.error_message)]

    # -- the nodes of this module, for the validate walk --
    def nodes(self, parent: "_ModuleValidator | None") -> list[Node]:
        self.parent = parent
        m = self.m
        here = module_key(self.cfg)
        call: list[NodeKey] = []
        if parent is not None:
            call = [(module_key(parent.cfg), f"module.{self.cfg.path.names[-1]}")]
        out: list[Node] = []

        def add(key: str, deps: list[NodeKey], fn: Callable[..., None], *args: Any) -> None:
            out.append(Node((here, key), partial(self._collect, fn, *args), call + deps))

        arguments = self._arguments(parent)
        for name, v in m.variables.items():
            deps = self._deps(self._rule_exprs(v.validations))
            arg = arguments.get(name)
            if parent is not None and arg is not None:
                deps += parent._deps([arg.expr])
            add(f"var.{name}", deps, self._variable, v, arg)
        for name, loc in m.locals.items():
            add(f"local.{name}", self._deps([loc.expr]), self._local, name)
        for name, o in m.outputs.items():
            add(f"output.{name}", self._deps([o.expr, *self._rule_exprs(o.preconditions)], o.depends_on), self._output, o)
        for key, pc in m.provider_configs.items():
            add(f"provider.{key}", self._body_deps(pc.config), self._provider, pc)
        resources = list(m.all_resources())
        resources += [ck.data_resource for ck in m.checks.values() if ck.data_resource is not None]
        for r in resources:
            deps = self._resource_deps(r)
            pkey = self._provider_node(self._provider_local_key(r))
            if pkey is not None:
                deps.append(pkey)
                self.used_providers.add(pkey)
            elif r.provider_config_ref is not None and r.provider_config_ref.alias and r.provider is not None:
                self.missing_providers.append(self._provider_not_present(r))
            add(str(r.addr()), deps, self._resource, r)
        for name, ck in m.checks.items():
            add(f"check.{name}", self._deps(self._rule_exprs(ck.asserts)), self._check, ck)
        for name, mc in m.module_calls.items():
            deps = self._deps([mc.count, mc.for_each, mc.enabled], mc.depends_on)
            if name not in self.cfg.children:
                deps += self._body_deps(mc.config)
            add(f"module.{name}", deps, self._module_call, mc)
        for i, imp in enumerate(m.imports):
            add(f"import.{i}", self._deps([imp.for_each, imp.id]), self._import, imp)
        return out

    def _provider_not_present(self, r: Resource) -> Diagnostic:
        assert r.provider is not None and r.provider_config_ref is not None
        prefix = f"{self.cfg.path}." if self.cfg.path.names else ""
        addr = f"{prefix}{r.addr()}"
        pcfg = f'{prefix}provider["{r.provider}"].{r.provider_config_ref.alias}'
        return diag.error(
            "Provider configuration not present",
            f"To work with {addr} its original provider configuration at {pcfg} is required, but it has been "
            "removed. This occurs when a provider configuration is removed while objects created by that provider "
            f"still exist in the state. Re-add the provider configuration to destroy {addr}, after which you can "
            "remove the provider configuration again.",
        )

    def _arguments(self, parent: "_ModuleValidator | None") -> dict[str, Any]:
        """The attributes of the module call that passes this module's variables."""
        call = self.cfg.call
        if parent is None or call is None:
            return {}
        schema = hcl.BodySchema(tuple(hcl.AttributeSchema(n) for n in self.m.variables))
        content, _, _ = call.config.partial_content(schema)
        return dict(content.attributes)

    def _resource_deps(self, r: Resource) -> list[NodeKey]:
        exprs: list[Any] = [r.count, r.for_each, r.enabled, *self._rule_exprs(r.preconditions), *self._rule_exprs(r.postconditions)]
        exprs += r.triggers_replacement
        exprs += [e for e, _ in body_expressions(r.config)]
        if r.managed is not None:
            bodies = [p.config for p in r.managed.provisioners]
            bodies += [c.config for c in [r.managed.connection, *(p.connection for p in r.managed.provisioners)] if c is not None]
            exprs += [e for b in bodies for e, _ in body_expressions(b)]
        return self._deps(exprs, r.depends_on)

    def _provider_local_key(self, r: Resource) -> str:
        if r.provider_config_ref is not None:
            return str(r.provider_config_ref)
        if r.provider is not None:
            return self.m.local_name_for_provider(r.provider)
        return r.type.split("_", 1)[0]

    def _provider_node(self, key: str) -> NodeKey | None:
        """The provider configuration node a module's local provider key resolves to."""
        v: _ModuleValidator | None = self
        while v is not None:
            if key in v.m.provider_configs:
                return (module_key(v.cfg), f"provider.{key}")
            call = v.cfg.call
            if v.parent is None or call is None:
                return None
            passed = [p for p in call.providers if str(p.in_child) == key]
            if passed:
                key = str(passed[0].in_parent)
            elif "." in key:
                return None
            v = v.parent
        return None

    # -- validating one object --
    def _variable(self, v: Any, arg: Any) -> None:
        plain = RefScope()
        if self.parent is None or self.cfg.call is None:
            for rule in v.validations:
                self._check_rule(rule, self.ctx(), plain)
            return
        given: Value | None = None
        if arg is not None:
            mc = self.cfg.call
            p = self.parent
            extra: dict[str, Value] = {}
            if mc.count is not None:
                extra["count"] = _COUNT_VAL
            if mc.for_each is not None:
                extra["each"] = _EACH_VAL
            pscope = RefScope(count=mc.count is not None, each=mc.for_each is not None)
            saved, p.diags = p.diags, self.diags
            try:
                given = p.eval(arg.expr, p.ctx(extra) if extra else p.ctx(), pscope)
            finally:
                p.diags = saved
            if given is None:
                return
            if not v.ephemeral and EPHEMERAL in given.unmark_deep()[1]:
                self.diags.add_error(
                    "Ephemeral value not allowed",
                    "This input variable is not declared as accepting a ephemeral values, so it cannot be set to a "
                    "result derived from an ephemeral value.",
                    arg.expr.range,
                )
                return
            if not v.type.is_dynamic():
                try:
                    given = convert(given, v.type)
                except ConversionError as err:
                    self.diags.append(
                        diag.error(
                            "Invalid value for input variable",
                            f"The given value is not suitable for {self.cfg.path}.var.{v.name} declared at "
                            f"{_range_str(v.decl_range)}: {err.message}.",
                            arg.expr.range,
                        )
                    )
                    return
        elif v.default is not None:
            given = v.default
        if given is None:
            return
        # The given value is checked against the variable's own validation rules; every other
        # reference to it stays unknown, as terraform's validate walk evaluates var.NAME in any
        # module (so a resource switched off by count = var.create ? 1 : 0 is not judged on
        # the defaults it would not be created with).
        placeholder = self.data.variables[v.name]
        self.data.variables[v.name] = given.mark(SENSITIVE) if v.sensitive else given
        self.scope.changed("var")
        try:
            ctx = self.ctx()
            for rule in v.validations:
                if not self._check_rule(rule, ctx, plain) or arg is None:
                    continue
                cond = self.eval(rule.condition, ctx)
                plain_cond = cond.unmark_deep()[0] if cond is not None else None
                if plain_cond is None or not plain_cond.is_known or plain_cond.is_null or plain_cond.v is not False:
                    continue
                self.diags.append(self._validation_failure(rule, ctx, arg.expr.range))
        finally:
            self.data.variables[v.name] = placeholder
            self.scope.changed("var")

    def _validation_failure(self, rule: Any, ctx: EvalContext, subject: Range) -> Diagnostic:
        msg = self.eval(rule.error_message, ctx)
        text = ""
        if msg is not None:
            raw, marks = msg.unmark_deep()
            if raw.is_known and not raw.is_null:
                try:
                    text = str(convert(raw, STRING).v)
                except ConversionError:
                    text = ""
                if SENSITIVE in marks:
                    text = "The error message included a sensitive value, so it will not be displayed."
        d = diag.error(
            "Invalid value for variable",
            f"{text}\n\nThis was checked by the validation rule at {_range_str(rule.decl_range)}.",
            subject,
        )
        d.extra["expr"] = rule.condition
        d.extra["ctx"] = ctx
        annotate([d])
        return d

    def _local(self, name: str) -> None:
        self_refs = self.m.locals[name].self_references(module_key(self.cfg))
        if self_refs:
            self.diags.extend(self_refs)
            return
        val = self.eval(self.m.locals[name].expr, self.ctx(), RefScope())
        if val is not None:
            self.data.locals[name] = val
            self.scope.changed("local")

    def _output(self, o: Any) -> None:
        base = self.ctx()
        plain = RefScope()
        if o.ephemeral and self.parent is None:
            self.diags.add_error(
                "Ephemeral output not allowed", "Ephemeral outputs are not allowed in context of a root module", o.decl_range
            )
        for t in o.depends_on:
            self.diags.extend(self.refs.collect(self.refs.traversal, t, plain))
        val = self.eval(o.expr, base, plain)
        if val is not None:
            self._output_marks(o, val)
        for rule in o.preconditions:
            self._check_rule(rule, base, plain)

    def _output_marks(self, o: Any, val: Value) -> None:
        """Sensitive values only in outputs declared sensitive (root module), then (as terraform
        checks them, only when that passed) ephemeral ones only in ephemeral outputs."""
        _, marks = val.unmark_deep()
        if SENSITIVE in marks and not o.sensitive and self.parent is None:
            self.diags.add_error(
                "Output refers to sensitive values",
                "To reduce the risk of accidentally exporting sensitive data that was intended to be only internal, "
                "Terraform requires that any root module output containing sensitive data be explicitly marked as "
                "sensitive, to confirm your intent.\n\nIf you do intend to export this data, annotate the output "
                "value as sensitive by adding the following argument:\n    sensitive = true",
                o.decl_range,
            )
        elif EPHEMERAL in marks and not o.ephemeral:
            self.diags.add_error(
                "Ephemeral value not allowed",
                "This output value is not declared as returning an ephemeral value, so it cannot be set to a "
                "result derived from an ephemeral value.",
                o.expr.range,
            )

    def _provider(self, pc: Any) -> None:
        """The configuration against the provider's schema, then evaluated."""
        each = pc.for_each is not None  # OpenTofu's provider for_each
        refs = self.refs.check_body(pc.config, RefScope(each=each))
        if refs.has_errors():
            self.diags.extend(refs)
            return
        ctx = self.ctx({"each": _EACH_VAL} if each else None)
        addr = self.m.implied_provider_for_local_name(pc.name)
        ps = self.schemas.provider_schema(addr)
        if ps is None:
            self._eval_body(pc.config, ctx)
            return
        self._evaluate_block(pc.config, ps.provider, ctx)

    def _check(self, ck: Any) -> None:
        for rule in ck.asserts:
            self._check_rule(rule, self.ctx(), RefScope(container=ck.name))

    def _import(self, imp: Any) -> None:
        from sheath.engine.generation import import_target_diagnostics

        extra = {"each": _EACH_VAL} if imp.for_each is not None else None
        for_each = self.eval(imp.for_each, self.ctx(), RefScope())
        if for_each is not None:
            from sheath.engine.importeach import import_each_items

            _, problems = import_each_items(for_each, allow_unknown=True)
            for detail in problems:
                d = diag.error("Invalid for_each argument", detail, imp.for_each.range)
                d.extra["expr"] = imp.for_each
                d.extra["ctx"] = self.ctx()
                annotate([d])
                self.diags.append(d)
            if problems:
                return
        idv = self.eval(imp.id, self.ctx(extra), RefScope(each=imp.for_each is not None))
        if idv is not None and imp.for_each is None:
            self.diags.extend(_import_id_problems(idv, imp.id))
        before = len(self.diags)
        if imp.to_resource is None and imp.to is not None:
            sc = RefScope(each=imp.for_each is not None)
            for t in imp.to.variables():
                if t.root_name in ("each", "var", "local"):
                    self.diags.extend(self.refs.collect(self.refs.traversal, t, sc))
        if Diagnostics(self.diags[before:]).has_errors():
            return
        keys = self._import_keys(imp, for_each) if imp.for_each is not None else None
        self.diags.extend(import_target_diagnostics(self.m, imp, keys))

    def _import_keys(self, imp: Any, for_each: Value | None) -> list[Any]:
        """The instance keys an import block's ``to`` names under its for_each (those
        that are known)."""
        from sheath.addrs.instance_key import IntKey, StringKey
        from sheath.lang.hclsyntax import ast
        from sheath.types.cty import string_val
        from sheath.types.number import number_val

        to = imp.to
        if for_each is None or not for_each.is_wholly_known() or for_each.is_null:
            return []
        plain, _ = for_each.unmark_deep()
        # each.key: a map's keys, a set's elements, a list's (or tuple's) indexes
        items: list[tuple[Value, Value]]
        if plain.type.is_map() or plain.type.is_object():
            items = [(string_val(k), v) for k, v in plain.attrs().items()]
        elif plain.type.is_set():
            items = [(e, e) for e in plain.elements()]
        elif plain.type.is_list() or plain.type.is_tuple():
            items = [(number_val(i), e) for i, e in enumerate(plain.elements())]
        else:
            return []
        if imp.to_resource is not None:
            return [imp.to_resource.resource.key for _ in items]
        if not isinstance(to, ast.IndexExpr):
            return []
        keys: list[Any] = []
        for k, v in items:
            each = object_of({"key": k, "value": v})
            kv, kd = evaluate(to.key, self.ctx({"each": each}))
            if kd.has_errors() or not kv.is_known or kv.is_null:
                continue
            kv, _ = kv.unmark_deep()
            if kv.type == STRING:
                keys.append(StringKey(kv.as_str()))
            elif kv.type == NUMBER:
                keys.append(IntKey(int(kv.v.to_int())))
        return keys

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

    def _check_rule(self, rule: Any, ctx: EvalContext, scope: RefScope) -> bool:
        """Evaluate a rule's condition and message; False when either has errors."""
        before = len(self.diags)
        cond = self.eval(rule.condition, ctx, scope)
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
        self.eval(rule.error_message, ctx, scope)
        return not Diagnostics(self.diags[before:]).has_errors()

    # -- resources --
    def _resource(self, r: Resource) -> None:
        base = self.ctx()
        extra: dict[str, Value] = {}
        meta = RefScope(in_resource=True, container=r.container)
        if r.count is not None:
            v = self.eval(r.count, base, meta)
            if v is not None:
                self._check_count(v, r.count)
            extra["count"] = _COUNT_VAL
        if r.for_each is not None:
            v = self.eval(r.for_each, base, meta)
            if v is not None:
                self._check_for_each(v, r.for_each, base)
            extra["each"] = _EACH_VAL
        if r.enabled is not None:  # OpenTofu's lifecycle.enabled: checked when already known
            ev = self.eval(r.enabled, base, meta)
            if ev is not None and ev.is_known:
                from sheath.engine.enabled import enabled_value

                self.diags.extend(enabled_value(ev, r.enabled).diags)
        for t in r.depends_on:
            self.diags.extend(self.refs.collect(self.refs.traversal, t, meta))
        ctx = self.ctx(extra) if extra else base
        scope = RefScope(count=r.count is not None, each=r.for_each is not None, in_resource=True, container=r.container)
        post = RefScope(scope.count, scope.each, True, True, container=r.container)
        self._resource_body(r, ctx, scope)
        for rule in r.preconditions:
            before = len(self.diags)
            self._check_rule(rule, ctx, scope)
            # terraform evaluates a condition despite a bad "self", which then is unknown to it
            for d in list(self.diags[before:]):
                if d.summary == 'Invalid "self" reference' and d.subject is not None:
                    st = d.subject.start
                    end = Pos(st.line, st.column + 4, st.byte + 4)
                    self.diags.add_error("Unknown variable", 'There is no variable named "self".', Range(d.subject.filename, st, end))
        self_ctx = ctx.new_child({"self": unknown(DYNAMIC)})
        for rule in r.postconditions:
            self._check_rule(rule, self_ctx, post)
        # lifecycle.replace_triggered_by is not evaluated by terraform's validate (engine.triggers at plan)
        if r.managed is not None:
            from sheath.engine.provisioning import connection_body
            from sheath.provisioners.connection import CONNECTION_SCHEMA
            from sheath.provisioners.registry import builtin_provisioner

            bodies = [r.managed.connection.config] if r.managed.connection is not None else []
            for p in r.managed.provisioners:
                bodies.append(p.config)
                if p.connection is not None:
                    bodies.append(p.connection.config)
            failed = False
            for body in bodies:
                bad = self._self_attributes(r, body)
                if bad.has_errors():
                    self.diags.extend(bad)
                    failed = True
                    continue
                refs = self.refs.check_body(body, post)
                if refs.has_errors():
                    self.diags.extend(refs)
                    failed = True
            if failed:
                return
            # as terraform's validateProvisioner: each provisioner's arguments against its
            # schema, then its connection (its own block merged over the resource's) against
            # the superset of every communicator's arguments (a string where a list is
            # required is an error here, not at apply)
            from dataclasses import replace as with_fields

            superset = Block(
                attributes={n: with_fields(a, required=False, optional=True) for n, a in CONNECTION_SCHEMA.attributes.items()},
                block_types=CONNECTION_SCHEMA.block_types,
            )
            for p in r.managed.provisioners:
                provisioner = builtin_provisioner(p.type)
                if provisioner is None:
                    self._eval_body(p.config, self_ctx)
                else:
                    self._evaluate_block(p.config, Schema(provisioner.schema()), self_ctx)
                conn = connection_body(r.managed.connection, p.connection)
                if conn is not None:
                    self._evaluate_block(conn, Schema(superset), self_ctx)

    def _self_attributes(self, r: Resource, body: hcl.Body) -> Diagnostics:
        """self.<name> in provisioner and connection blocks against the resource type's schema."""
        diags = Diagnostics()
        schema = self.schemas.resource_schema(r)
        if schema is None:
            return diags
        block = schema.block
        names = [*block.attributes, *block.block_types]
        for e, _ in body_expressions(body):
            for t in e.variables():
                if t.root_name != "self" or len(t.steps) < 2 or not isinstance(t.steps[1], hcl.TraverseAttr):
                    continue
                name = t.steps[1].name
                if name in block.attributes or name in block.block_types:
                    continue
                sugg = name_suggestion(name, names)
                diags.add_error(
                    "Unsupported attribute",
                    f'This object has no argument, nested block, or exported attribute named "{name}".'
                    + (f' Did you mean "{sugg}"?' if sugg else ""),
                    t.steps[1].range,
                )
        return diags

    def _resource_body(self, r: Resource, ctx: EvalContext, scope: RefScope) -> None:
        """The body against its schema, evaluated (terraform's EvaluateBlock), then the
        provider's own checks when all of that succeeded."""
        if self._unsupported_type(r):
            return
        refs = self.refs.check_body(r.config, scope)
        if refs.has_errors():
            self.diags.extend(refs)
            return
        schema = self.schemas.resource_schema(r)
        if schema is None:
            self._eval_body(r.config, ctx)
            return
        if self._evaluate_block(r.config, schema, ctx, r):
            self._read_only(r, schema)
            if r.managed is not None and r.managed.ignore_changes:
                self.diags.extend(ignore_changes_diagnostics(schema.block, r.managed.ignore_changes, r.type_range))
            self._provider_validate(r, schema, ctx)

    def _evaluate_block(self, body: hcl.Body, schema: Schema, ctx: EvalContext, r: Resource | None = None) -> bool:
        """terraform's EvaluateBlock: the body decoded against the schema, every argument the
        schema knows evaluated (arguments it does not know are errors, never evaluated);
        True when all of that succeeded."""
        from sheath.providers.schema import decode_body

        def ev(e: Any, c: EvalContext = ctx) -> tuple[Value, Diagnostics]:
            static = self._check_resource_references(e)
            if static.has_errors():
                return unknown(DYNAMIC), static
            v, d = evaluate(e, c)
            annotate(d)
            return v, d

        def scoped(extra: Any) -> Any:
            child = ctx.new_iteration(extra)  # hcl dynblock's child scope
            return lambda e: ev(e, child)

        val, d = decode_body(schema.block, body, ev, scoped)
        self._schema_details(d, body, schema)
        if r is not None and r.mode.name != "EPHEMERAL" and not d.has_errors():
            d.extend(self._ephemeral_arguments(r, schema, val))
        self.diags.extend(d)
        return not d.has_errors()

    def _ephemeral_arguments(self, r: Resource, schema: Schema, val: Value) -> Diagnostics:
        """Ephemeral values only in write-only arguments: the others are persisted to state."""
        diags = Diagnostics()
        attrs = val.v if isinstance(val.v, dict) else {}
        for name, a in sorted(schema.block.attributes.items()):
            v = attrs.get(name)
            if v is None or a.write_only or EPHEMERAL not in v.unmark_deep()[1]:
                continue
            d = diag.error(
                "Invalid use of ephemeral value",
                f'Ephemeral values are not valid for "{name}", because it is not a write-only attribute and must '
                "be persisted to state.",
                attribute_range(r, _attr_path(name)) or r.config.missing_item_range(),
            )
            d.extra["address"] = f"{self.cfg.path}.{r.addr()}" if self.cfg.path.names else str(r.addr())
            diags.append(d)
        return diags

    def _read_only(self, r: Resource, schema: Schema) -> None:
        """Computed-only attributes set in the configuration, as the provider reports them."""
        names = computed_only(schema.block)
        if not names:
            return
        content, _, _ = r.config.partial_content(hcl.BodySchema(tuple(hcl.AttributeSchema(n) for n in sorted(names))))
        for name in sorted(names):
            attr = content.attributes.get(name)
            if attr is None:
                continue
            if r.type in builtin_schemas.BUILTIN_READ_ONLY and r.provider is not None and r.provider.is_builtin():
                self.diags.add_error(f'"{name}" attribute is read-only')
            elif r.mode.name == "MANAGED":
                self.diags.add_error(READ_ONLY_SUMMARY, READ_ONLY_DETAIL, attr.range)

    def _schema_details(self, d: Diagnostics, body: hcl.Body, schema: Schema) -> None:
        """terraform's wording: a dynamic block's label for its type, "Did you mean" suggestions."""
        for item in d:
            if item.summary == "Unsupported block type" and item.subject is not None:
                found = _dynamic_label(body, item.subject)
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

    def _unsupported_type(self, r: Resource) -> bool:
        """terraform's "Invalid resource type" (data source, ephemeral resource) when the
        provider's schema lacks r's type; True when reported."""
        if r.provider is None:
            return False
        ps = self.schemas.provider_schema(r.provider)
        if ps is None:
            return False
        by_mode = {
            "MANAGED": (ps.resource_types, "Invalid resource type", "resource type"),
            "DATA": (ps.data_sources, "Invalid data source", "data source"),
            "EPHEMERAL": (ps.ephemeral_resource_types, "Invalid ephemeral resource", "ephemeral resource"),
        }
        types, summary, noun = by_mode[r.mode.name]
        if r.type in types:
            return False
        hint = ""
        if r.mode.name == "MANAGED" and r.type in ps.data_sources:
            hint = (
                f'\n\nDid you intend to use the data source "{r.type}"? If so, declare this using a "data" block '
                'instead of a "resource" block.'
            )
        elif r.mode.name == "DATA" and r.type in ps.resource_types:
            hint = (
                f'\n\nDid you intend to use the managed resource type "{r.type}"? If so, declare this using a '
                '"resource" block instead of a "data" block.'
            )
        elif types:
            sugg = name_suggestion(r.type, list(types))
            hint = f' Did you mean "{sugg}"?' if sugg else ""
        self.diags.add_error(
            summary,
            f'The provider {r.provider.for_display()} does not support {noun} "{r.type}".{hint}',
            r.type_range,
        )
        return True

    def _eval_body(self, body: hcl.Body, ctx: EvalContext, scope: RefScope | None = None) -> None:
        if scope is not None:
            refs = self.refs.check_body(body, scope)
            if refs.has_errors():
                self.diags.extend(refs)
                return
        for expr, shadow in body_expressions(body):
            c = ctx.new_iteration({n: _ITERATOR_VAL for n in shadow}) if shadow else ctx
            self.eval(expr, c)

    def _provider_validate(self, r: Resource, schema: Schema, ctx: EvalContext) -> None:
        """The provider's own checks of the configuration (ValidateResourceConfig), with what
        is not known yet unknown, as terraform validate asks them: a plugin's, or a native
        provider's (hashicorp/random, hashicorp/local, cyrilgdn/postgresql)."""
        from sheath.providers import interface as pi
        from sheath.providers.schema import decode_body

        if r.provider is None or r.mode.name == "EPHEMERAL":
            return
        provider = self.schemas.validating_instance(r.provider)
        if provider is None:
            return
        native = not self.schemas.is_plugin(r.provider)

        def quiet(e: Any, c: EvalContext = ctx) -> Any:
            v, _ = evaluate(e, self.scope.context_for(c, e.variables()))  # problems are reported by _eval_body
            return v, Diagnostics()

        def scoped(extra: Any) -> Any:
            child = ctx.new_iteration(extra)  # hcl dynblock's child scope
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
            if native and x.summary == READ_ONLY_SUMMARY:
                continue  # reported by _read_only already, at the argument
            x.extra.setdefault("address", addr)
            if x.subject is None:
                x.subject = attribute_range(r, x.extra.get(pi.ATTRIBUTE_PATH)) or r.config.missing_item_range()
            self.diags.append(x)

    def _check_count(self, v: Value, expr: Any) -> None:
        if EPHEMERAL in v.unmark()[1]:  # terraform's evaluateCountExpressionValue, known or not
            d = diag.error(
                "Invalid count argument",
                'The given "count" is derived from an ephemeral value, which means that Terraform cannot persist it '
                "between plan/apply rounds. Use only non-ephemeral values to specify the number of resource instances.",
                expr.range,
            )
            d.extra["caused_by_ephemeral"] = True
            self.diags.append(d)
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
        if not num.is_integer() or not -(2**63) <= num.to_int() < 2**63:
            self.diags.append(
                diag.error(
                    "Invalid count argument",
                    f'The given "count" argument value is unsuitable: {WHOLE_NUMBER_MSG}.',
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

    def _check_for_each(self, v: Value, expr: Any, ctx: EvalContext | None = None) -> None:
        raw, top = v.unmark()
        # terraform's validateResource: a sensitive or ephemeral mark on the value itself is an
        # error even while the value is unknown
        marked: list[Diagnostic] = []
        if SENSITIVE in top:
            marked.append(
                diag.error(
                    "Invalid for_each argument",
                    "Sensitive values, or values derived from sensitive values, cannot be used as for_each arguments. "
                    "If used, the sensitive value could be exposed as a resource instance key.",
                    expr.range,
                )
            )
        if EPHEMERAL in top:
            marked.append(
                diag.error(
                    "Invalid for_each argument",
                    'The given "for_each" value is derived from an ephemeral value, which means that Terraform cannot '
                    "persist it between plan/apply rounds. Use only non-ephemeral values to specify a resource's "
                    "instance keys.",
                    expr.range,
                )
            )
        if marked:
            for d in marked:
                d.extra["caused_by_sensitive" if d is marked[0] and SENSITIVE in top else "caused_by_ephemeral"] = True
                if ctx is not None:
                    d.extra["expr"] = expr
                    d.extra["ctx"] = ctx
            annotate(marked)
            self.diags.extend(marked)
            return
        t = raw.type
        if raw.v is UNKNOWN and t.is_dynamic():
            return
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
            d = diag.error("Invalid for_each argument", detail, expr.range)
            if ctx is not None:
                d.extra["expr"] = expr
                d.extra["ctx"] = ctx
                annotate([d])
            self.diags.append(d)

    # -- module calls --
    def _module_call(self, mc: Any) -> None:
        """count and for_each; the arguments are validated by the called module's variables."""
        base = self.ctx()
        plain = RefScope()
        extra: dict[str, Value] = {}
        if mc.count is not None:
            v = self.eval(mc.count, base, plain)
            if v is not None:
                self._check_count(v, mc.count)
            extra["count"] = _COUNT_VAL
        if mc.for_each is not None:
            v = self.eval(mc.for_each, base, plain)
            if v is not None:
                self._check_for_each(v, mc.for_each, base)
            extra["each"] = _EACH_VAL
        if mc.enabled is not None:  # OpenTofu's lifecycle.enabled: checked when already known
            ev = self.eval(mc.enabled, base, plain)
            if ev is not None and ev.is_known:
                from sheath.engine.enabled import enabled_value

                self.diags.extend(enabled_value(ev, mc.enabled).diags)
        for t in mc.depends_on:
            self.diags.extend(self.refs.collect(self.refs.traversal, t, plain))
        if mc.name not in self.cfg.children:
            scope = RefScope(count=mc.count is not None, each=mc.for_each is not None)
            self._eval_body(mc.config, self.ctx(extra) if extra else base, scope)


def _attr_path(name: str) -> Any:
    from sheath.providers import interface as pi

    return pi.Path((pi.GetAttrStep(name),))


def attribute_range(r: Resource, path: Any) -> Range | None:
    """The range of the configuration's expression a provider's attribute path points at,
    through nested blocks (statement.0.effect), as terraform's ElaborateFromConfigBody finds
    it: the attribute's expression, else the start of the deepest body reached (a path naming
    a block, or a set element, points at the body that holds it)."""
    from sheath.providers import interface as pi

    steps = list(getattr(path, "steps", None) or [])
    if not steps:
        return None
    body: hcl.Body = r.config
    try:
        if isinstance(steps[0], pi.IndexStep):
            return body.missing_item_range()
        final = steps[-1]
        traverse = steps
        if isinstance(final, pi.IndexStep) and len(steps) > 1:
            final, traverse = steps[-2], steps[:-1]
        if len(traverse) > 1:
            body = _traverse_blocks(traverse, body)
        subject = body.missing_item_range()
        if not isinstance(final, pi.GetAttrStep):
            return subject
        content, _, d = body.partial_content(hcl.BodySchema(attributes=(hcl.AttributeSchema(final.name),)))
        a = content.attributes.get(final.name)
        if a is None or d.has_errors():
            return subject
        return a.expr.range
    except Exception:  # noqa: BLE001 - a range is a nicety
        return None


def _traverse_blocks(steps: list[Any], body: hcl.Body) -> hcl.Body:
    """terraform's traversePathSteps: down through the nested blocks a path names."""
    from sheath.providers import interface as pi

    i = 0
    while i < len(steps):
        step = steps[i]
        if not isinstance(step, pi.GetAttrStep):
            return body
        key: Any = None
        if i + 1 < len(steps) and isinstance(steps[i + 1], pi.IndexStep):
            key = steps[i + 1].key.v
            i += 1
        i += 1
        blocks = _blocks_of_type(body, step.name)
        if not blocks:
            continue
        if key is None:
            if len(blocks) != 1:
                return body
            body = blocks[0].body
        elif isinstance(key, str):
            match = next((b for b in blocks if b.labels and b.labels[0] == key), None)
            if match is None:
                return body
            body = match.body
        else:
            try:
                idx = key.to_int() if hasattr(key, "to_int") else int(key)
            except (TypeError, ValueError):
                return body
            if idx >= len(blocks):
                return body
            body = blocks[idx].body
    return body


def _blocks_of_type(body: hcl.Body, name: str) -> list[hcl.Block]:
    for labels in ((), ("key",)):
        content, _, d = body.partial_content(hcl.BodySchema(blocks=(hcl.BlockHeaderSchema(name, labels),)))
        if content.blocks and not d.has_errors():
            return list(content.blocks)
    return []


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
