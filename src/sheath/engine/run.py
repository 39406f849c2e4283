"""One plan or apply run over a loaded configuration (terraform's terraform.Context walk).

The configuration graph (sheath.graph.references) is walked in dependency
order with bounded parallelism. Each node does its job in every instance of
its module: module calls expand (count / for_each), variables, locals and
outputs are evaluated, providers are configured, and resources expand and
plan (or apply) each of their instances. Apply adds one node per resource for
its destroys, ordered against the others the way terraform orders them
(dependents are destroyed first; a replaced object is destroyed before its
successor is created unless create_before_destroy is set).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from sheath import TERRAFORM_VERSION
from sheath import diag
from sheath.addrs.module import ModuleInstance
from sheath.addrs.provider import Provider as ProviderAddr
from sheath.addrs.resource import AbsResourceInstance
from sheath.addrs.resource import ResourceInstance as AddrResourceInstance
from sheath.config import Config
from sheath.config.module import Module
from sheath.config.resource import Resource
from sheath.engine.dataloss import DataLossAllowance
from sheath.diag import Diagnostic, Diagnostics, Severity
from sheath.engine.checks import CheckTracker
from sheath.engine.generation import GenerationTarget
from sheath.addrs.instance_key import IndexKey, instance_key
from sheath.engine.evalctx import NamedValues, Repetition, module_instance, object_of
from sheath.engine.hooks import Hooks, NoHooks
from sheath.engine.providers import ProviderSchemas, ProviderStartFailed, ProviderUnavailable
from sheath.engine.targeting import ApplySelection
from sheath.graph.dag import Graph
from sheath.graph.references import (
    PROVIDER,
    RESOURCE,
    ConfigGraph,
    ConfigNode,
)
from sheath.graph.walk import walk
from sheath.plans.model import ResourceInstanceChange
from sheath.providers import interface as pi
from sheath.providers.schema import Schema, decode_body
from sheath.states.intents import IntentLog
from sheath.states.lookup import resource_of
from sheath.states.state import InstanceObject, ResourceInstance, State, format_instance_key
from sheath.states.state import Resource as StateResource
from sheath.lang.funcs.values import WHOLE_NUMBER_MSG
from sheath.types.convert import ConversionError, convert
from sheath.types.cty import (
    DYNAMIC,
    EPHEMERAL,
    NUMBER,
    SENSITIVE,
    STRING,
    Value,
    null,
    tuple_val,
    unknown,
)

PLAN = "plan"
APPLY = "apply"


class WalkAbort(Exception):
    """A node failed; its diagnostics are already recorded."""


def instance_address(mi: ModuleInstance, r: Resource | StateResource, key: IndexKey) -> str:
    if isinstance(r, StateResource):
        base = f"{'data.' if r.mode == 'data' else ''}{r.type}.{r.name}"
    else:
        base = f"{r.mode.prefix}{r.type}.{r.name}"
    m = str(mi)
    return f"{m}.{base}{format_instance_key(key)}" if m else f"{base}{format_instance_key(key)}"


def instance_addr(mi: ModuleInstance, r: Resource | StateResource, key: IndexKey) -> AbsResourceInstance:
    """The typed address of one instance of r in mi (what hooks receive)."""
    res = resource_of(r) if isinstance(r, StateResource) else r.addr()
    return AbsResourceInstance(mi, AddrResourceInstance(res, instance_key(key)))


def resource_mode(r: Resource) -> str:
    return "data" if r.mode.name == "DATA" else "managed"


def object_id(v: Value | None) -> str:
    if v is None or v.is_null or not v.is_known or not v.type.is_object():
        return ""
    idv = v.attrs().get("id")
    if idv is None or idv.is_null or not idv.is_known or idv.type != STRING:
        return ""
    return str(idv.unmark()[0].v)


@dataclass
class Expansion:
    mode: str  # "single" | "count" | "for_each"
    keys: list[IndexKey]
    reps: dict[IndexKey, Repetition]


@dataclass
class RunOptions:
    refresh: bool = True
    parallelism: int = 10
    replace: frozenset[str] = frozenset()
    targets: tuple[Any, ...] = ()
    hooks: Hooks = field(default_factory=NoHooks)
    destroy: bool = False
    refresh_only: bool = False
    for_apply: bool = False
    # set: the walk starts no new node (apply -on-failure=stop after a failure)
    stop: threading.Event | None = None
    # -allow-data-loss: instances allowed to lose data in this run (sheath.engine.dataloss)
    allow_data_loss: DataLossAllowance = field(default_factory=DataLossAllowance)


class Run:
    """Shared state of one walk (plan or apply)."""

    def __init__(
        self,
        mode: str,
        config: Config,
        cg: ConfigGraph,
        state: State,
        schemas: ProviderSchemas,
        values: NamedValues,
        root_variables: dict[str, Value],
        options: RunOptions,
    ) -> None:
        self.mode = mode
        self.config = config
        self.cg = cg
        self.state = state
        self.schemas = schemas
        self.values = values
        self.root_variables = root_variables
        self.opts = options
        self.hooks = options.hooks
        self.diags = Diagnostics()
        self._diag_lock = threading.Lock()
        self.state_lock = threading.Lock()
        self.configs: dict[Any, Config] = {c.path: c for c in config.all_modules()}
        self.expansions: dict[Any, list[ModuleInstance]] = {config.path: [ModuleInstance()]}
        self.module_reps: dict[ModuleInstance, Repetition] = {}
        self.providers: dict[str, pi.Provider] = {}  # provider node name -> configured instance
        # OpenTofu's provider for_each (engine.provider_instances): the instance keys of each
        # configuration with for_each, by node name, and the key each resource instance chose
        self.provider_keys: dict[str, list[str]] = {}
        self.chosen_provider_keys: dict[tuple[str, IndexKey], str] = {}
        self.changes: dict[str, ResourceInstanceChange] = {}
        self.changes_lock = threading.Lock()
        self.state_deps = cg.state_dependencies()
        self.provider_of: dict[ConfigNode, ConfigNode] = {}
        for n in cg.graph:
            if n.kind == RESOURCE:
                for d in cg.graph.dependencies(n):
                    if d.kind == PROVIDER:
                        self.provider_of[n] = d
        # create_before_destroy spreads to everything a create_before_destroy resource depends on
        self.cbd: set[str] = set()
        for n, deps in self.state_deps.items():
            cfg_ = self.configs.get(n.module)
            res = cfg_.module.resource_by_key(n.local) if cfg_ is not None else None
            if res is not None and res.managed is not None and res.managed.create_before_destroy:
                self.cbd.add(str(n))
                self.cbd.update(deps)
        self.sem = threading.Semaphore(max(1, options.parallelism))
        self.on_object: Callable[[StateResource, IndexKey, InstanceObject | None, str], None] | None = None
        # apply: where each create is recorded before the provider is asked for it
        self.create_intents: IntentLog | None = None
        self.failed_nodes: set[str] = set()
        self.import_ids: dict[str, str] = {}  # instance address -> id, from import blocks
        self.plans_imports = False  # a normal plan: import blocks are expanded as their resources are planned
        # plan -generate-config-out: import targets whose configuration is generated, by instance address
        self.generation: dict[str, GenerationTarget] = {}
        self.generate_config_out = ""
        self.checks = CheckTracker(config)
        self.planned: dict[str, ResourceInstanceChange] = {}  # apply: the plan's changes by address
        # apply of a targeted plan: the instances terraform's apply graph keeps (None: all)
        self.apply_selection: ApplySelection | None = None
        # apply: the instances whose new objects record create_before_destroy (None: every
        # instance of a resource in self.cbd)
        self.apply_cbd: frozenset[str] | None = None
        self.deposed_for_cbd: dict[str, list[Any]] = {}
        self._holding: dict[tuple[str, str, str], list[str]] | None = None
        self.ephemeral_open: list[tuple[AbsResourceInstance, pi.Provider, str, bytes]] = []  # closed when the walk ends
        self.targets: list[Any] = []  # engine.targeting.Target
        self.target_direct: set[ConfigNode] = set()
        self.target_closure: set[ConfigNode] | None = None
        self.excludes: list[Any] = []  # engine.targeting.Target: OpenTofu's -exclude (engine.exclusion)

    # --- diagnostics -----------------------------------------------------------------
    def add_diags(self, d: Diagnostics | Iterable[Diagnostic]) -> bool:
        """Record diagnostics; True when any was an error."""
        items = list(d)
        if not items:
            return False
        with self._diag_lock:
            for x in items:
                self.diags.append(x)
        return any(x.severity == Severity.ERROR for x in items)

    # --- walking ---------------------------------------------------------------------
    def walk(self, graph: Graph[Any], visit: Callable[[Any], None]) -> None:
        def guarded(n: Any) -> None:
            try:
                visit(n)
            except WalkAbort:
                raise
            except ProviderUnavailable as exc:
                self.add_diags(_missing_provider(str(exc)))
                raise WalkAbort() from exc
            except ProviderStartFailed as exc:
                from sheath.engine.providers import provider_start_diags

                self.add_diags(provider_start_diags(exc.addr, exc.message))
                raise WalkAbort() from exc

        result = walk(graph, guarded, parallelism=max(1, self.opts.parallelism), stop=self.opts.stop)
        for n, err in result.errors():
            if not isinstance(err, WalkAbort):
                raise err
            self.failed_nodes.add(str(n))

    # --- module instances ------------------------------------------------------------
    def instances_of(self, path: Any) -> list[ModuleInstance]:
        return self.expansions.get(path, [])

    def module_of(self, node: ConfigNode) -> tuple[Config, Module]:
        c = self.configs[node.module]
        return c, c.module

    def path_module(self, c: Config) -> str:
        return c.module.source_dir if c.path.names else self.values.path_root

    # --- expansion -------------------------------------------------------------------
    def expand(self, mi: ModuleInstance, count_expr: Any, for_each_expr: Any, enabled_expr: Any = None) -> Expansion | None:
        if enabled_expr is not None:  # OpenTofu's lifecycle.enabled (engine.enabled)
            from sheath.engine.enabled import ENABLED_MODE, enabled_value

            ev, d = self.values.eval_expr(mi, enabled_expr)
            if self.add_diags(d):
                return None
            res = enabled_value(ev, enabled_expr)
            if self.add_diags(res.diags) or res.enabled is None:
                return None
            return Expansion(ENABLED_MODE, [None] if res.enabled else [], {None: Repetition()} if res.enabled else {})
        if count_expr is not None:
            v, d = self.values.eval_expr(mi, count_expr)
            if self.add_diags(d):
                return None
            n = self._count_value(v, count_expr)
            if n is None:
                return None
            keys: list[IndexKey] = list(range(n))
            creps: dict[IndexKey, Repetition] = {k: Repetition(count_index=k) for k in range(n)}
            return Expansion("count", keys, creps)
        if for_each_expr is not None:
            v, d = self.values.eval_expr(mi, for_each_expr)
            if self.add_diags(d):
                return None
            items = self._for_each_value(v, for_each_expr)
            if items is None:
                return None
            reps: dict[IndexKey, Repetition] = {k: Repetition(each_key=k, each_value=ev) for k, ev in items}
            return Expansion("for_each", [k for k, _ in items], reps)
        return Expansion("single", [None], {None: Repetition()})

    def _count_value(self, v: Value, expr: Any) -> int | None:
        v, marks = v.unmark_deep()
        if SENSITIVE in marks:
            self.add_diags([diag.error("Invalid count argument", "Sensitive values, or values derived from sensitive values, cannot be used as count arguments.", expr.range)])
            return None
        if not v.is_known:
            self.add_diags(
                [
                    diag.error(
                        "Invalid count argument",
                        'The "count" value depends on resource attributes that cannot be determined until apply, so '
                        "Terraform cannot predict how many instances will be created. To work around this, use the "
                        "-target argument to first apply only the resources that the count depends on.",
                        expr.range,
                    )
                ]
            )
            return None
        if v.is_null:
            self.add_diags([diag.error("Invalid count argument", 'The given "count" argument value is null. An integer is required.', expr.range)])
            return None
        try:
            nv = convert(v, NUMBER)
        except ConversionError as exc:
            self.add_diags([diag.error("Invalid count argument", f'The given "count" argument value is unsuitable: {exc.message}.', expr.range)])
            return None
        num = nv.v
        try:
            i = num.to_int()
        except Exception:  # noqa: BLE001
            i = None
        if i is None or not num.is_integer() or not -(2**63) <= i < 2**63:
            self.add_diags([diag.error("Invalid count argument", f'The given "count" argument value is unsuitable: {WHOLE_NUMBER_MSG}.', expr.range)])
            return None
        if i < 0:
            self.add_diags([diag.error("Invalid count argument", 'The given "count" argument value is unsuitable: must be greater than or equal to zero.', expr.range)])
            return None
        return int(i)

    def for_each_items(self, v: Value, expr: Any) -> list[tuple[str, Value]] | None:
        """A for_each value's (key, value) pairs in key order, or None with its errors recorded."""
        return self._for_each_value(v, expr)

    def _for_each_value(self, v: Value, expr: Any) -> list[tuple[str, Value]] | None:
        if v.contains_marked():
            plain, marks = v.unmark_deep()
            if SENSITIVE in marks:
                self.add_diags(
                    [
                        diag.error(
                            "Invalid for_each argument",
                            "Sensitive values, or values derived from sensitive values, cannot be used as for_each "
                            "arguments. If used, the sensitive value could be exposed as a resource instance key.",
                            expr.range,
                        )
                    ]
                )
                return None
            v = plain
        if v.is_null:
            self.add_diags([diag.error("Invalid for_each argument", 'The given "for_each" argument value is unsuitable: the given "for_each" argument value is null. A map, or set of strings is allowed.', expr.range)])
            return None
        if not v.is_known or not v.is_wholly_known() and v.type.is_set():
            self.add_diags(
                [
                    diag.error(
                        "Invalid for_each argument",
                        'The "for_each" map includes keys derived from resource attributes that cannot be determined '
                        "until apply, and so Terraform cannot determine the full set of keys that will identify the "
                        "instances of this resource.\n\nWhen working with unknown values in for_each, it's better to "
                        "define the map keys statically in your configuration and place apply-time results only in the "
                        "map values.\n\nAlternatively, you could use the -target planning option to first apply only the "
                        "resources that the for_each value depends on, and then apply a second time to fully converge.",
                        expr.range,
                    )
                ]
            )
            return None
        t = v.type
        if t.is_map() or t.is_object():
            return sorted(((k, e) for k, e in v.attrs().items()), key=lambda kv: kv[0])
        if t.is_set():
            out: list[tuple[str, Value]] = []
            for e in v.elements():
                if e.type != STRING:
                    self.add_diags(
                        [diag.error("Invalid for_each set argument", f'The given "for_each" argument value is unsuitable: "for_each" supports sets of strings, but you have provided a set containing type {e.type.friendly_name()}.', expr.range)]
                    )
                    return None
                if e.is_null:
                    self.add_diags([diag.error("Invalid for_each set argument", 'The given "for_each" argument value is unsuitable: "for_each" sets must not contain null values.', expr.range)])
                    return None
                out.append((e.v, e))
            return sorted(out, key=lambda kv: kv[0])
        self.add_diags(
            [
                diag.error(
                    "Invalid for_each argument",
                    'The given "for_each" argument value is unsuitable: the "for_each" argument must be a map, or set '
                    f"of strings, and you have provided a value of type {t.friendly_name()}.",
                    expr.range,
                )
            ]
        )
        return None

    # --- non-resource nodes ----------------------------------------------------------
    def visit_module_call(self, node: ConfigNode) -> None:
        c, m = self.module_of(node)
        name = node.local[len("module.") :]
        mc = m.module_calls[name]
        child_path = c.path.child(name)
        out: list[ModuleInstance] = []
        failed = False
        for mi in self.instances_of(c.path):
            exp = self.expand(mi, mc.count, mc.for_each, mc.enabled)
            if exp is None:
                failed = True
                continue
            mv = self.values.module(mi)
            mv.call_modes[name] = exp.mode
            mv.call_keys[name] = exp.keys
            for k in exp.keys:
                child = module_instance([(s.name, _plain_key(s.key)) for s in mi.steps] + [(name, k)])
                self.module_reps[child] = exp.reps[k]
                child_values = self.values.module(child)
                child_values.path_module = self.configs[child_path].module.source_dir
                child_values.declared_outputs = tuple(self.configs[child_path].module.outputs)
                out.append(child)
        self.expansions[child_path] = out
        if failed:
            raise WalkAbort()

    def visit_variable(self, node: ConfigNode) -> None:
        c, m = self.module_of(node)
        name = node.local[len("var.") :]
        var = m.variables[name]
        failed = False
        for mi in self.instances_of(c.path):
            if not c.path.names:
                val = self.root_variables.get(name, null(var.type))
            else:
                val, ok = self._module_input(c, mi, name)
                if not ok:
                    failed = True
                    continue
            self.values.module(mi).variables[name] = val
            for rule in var.validations:
                extra = {"var": object_of({name: val})}
                ck = (_join(str(c.path), f"var.{name}"), _join(str(mi), f"var.{name}"), None)
                if not self._check_rule(mi, rule, extra, "Invalid value for variable", error_from_message=True, var_subject=var, check=ck):
                    failed = True
        if failed:
            raise WalkAbort()

    def _module_input(self, c: Config, mi: ModuleInstance, name: str) -> tuple[Value, bool]:
        from sheath.config.variables import InputValue, ValueSourceType, finalize_variable_value
        from sheath.graph.references import call_argument

        var = c.module.variables[name]
        assert c.call is not None
        arg = call_argument(c.call.config, name)
        parent = mi.parent()
        given = None
        if arg is not None:
            rep = self.module_reps.get(mi, Repetition())
            v, d = self.values.eval_expr(parent, arg, rep.variables())
            if self.add_diags(d):
                return unknown(var.type), False
            given = InputValue(v, ValueSourceType.CALLER, arg.range)
        if given is not None and not given.value.is_wholly_known():
            # unknown during plan: keep it unknown of the declared type
            try:
                return convert(given.value, var.type).with_marks(frozenset({SENSITIVE}) if var.sensitive else frozenset()), True
            except ConversionError:
                pass
        if given is None and var.default is None:
            self.add_diags(
                [
                    diag.error(
                        "Missing required argument",
                        f'The argument "{name}" is required, but no definition was found.',
                        c.call.decl_range,
                    )
                ]
            )
            return unknown(var.type), False
        marks: frozenset[Any] = frozenset()
        if given is not None:
            plain, marks = given.value.unmark_deep()
            given = InputValue(plain, given.source_type, given.source_range)
        val, d = finalize_variable_value(var, given)
        if d.has_errors():
            fixed = Diagnostics()
            for x in d:
                if x.severity == Severity.ERROR and given is not None:
                    x = Diagnostic(
                        Severity.ERROR,
                        "Invalid value for input variable",
                        f"The given value is not suitable for module.{c.path.names[-1]}.var.{name} declared at "
                        f"{_range_str(var.decl_range)}: {x.detail.split(': ', 1)[-1]}",
                        given.source_range,
                    )
                fixed.append(x)
            self.add_diags(fixed)
            return unknown(var.type), False
        return (_remark(val, marks) if marks else val), True

    def visit_local(self, node: ConfigNode) -> None:
        c, m = self.module_of(node)
        name = node.local[len("local.") :]
        loc = m.locals[name]
        failed = False
        for mi in self.instances_of(c.path):
            if self.add_diags(loc.self_references(str(mi))):
                failed = True
                continue
            v, d = self.values.eval_expr(mi, loc.expr)
            if self.add_diags(d):
                failed = True
                v = unknown(DYNAMIC)
            self.values.module(mi).locals[name] = v
        if failed:
            raise WalkAbort()

    def visit_output(self, node: ConfigNode) -> None:
        c, m = self.module_of(node)
        name = node.local[len("output.") :]
        o = m.outputs[name]
        failed = False
        for mi in self.instances_of(c.path):
            for rule in o.preconditions:
                ck = (_join(str(c.path), f"output.{name}"), _join(str(mi), f"output.{name}"), None)
                if not self._check_rule(mi, rule, None, "Module output value precondition failed", check=ck):
                    failed = True
            if o.expr is None:
                continue
            v, d = self.values.eval_expr(mi, o.expr)
            if self.add_diags(d):
                failed = True
                if not c.path.names:
                    continue  # no value: terraform's plan shows no change for it
                v = unknown(DYNAMIC)  # the callers' module.NAME still has the attribute
            if not c.path.names and not o.sensitive and v.contains_marked():
                _, marks = v.unmark_deep()
                if SENSITIVE in marks:
                    self.add_diags(
                        [
                            diag.error(
                                "Output refers to sensitive values",
                                "To reduce the risk of accidentally exporting sensitive data that was intended to be only "
                                "internal, Terraform requires that any root module output containing sensitive data be "
                                "explicitly marked as sensitive, to confirm your intent.\n\nIf you do intend to export this "
                                "data, annotate the output value as sensitive by adding the following argument:\n"
                                "    sensitive = true",
                                o.decl_range,
                            )
                        ]
                    )
                    failed = True
                    continue
            if not o.ephemeral and EPHEMERAL in v.unmark_deep()[1]:
                self.add_diags(
                    [
                        diag.error(
                            "Ephemeral value not allowed",
                            "This output value is not declared as returning an ephemeral value, so it cannot be set "
                            "to a result derived from an ephemeral value.",
                            o.expr.range,
                        )
                    ]
                )
                failed = True
                continue
            if o.sensitive and not c.path.names:
                # a child module's sensitive output is not marked for its callers: terraform 1.11
                # carries only the marks its value itself holds
                v = v.mark(SENSITIVE)
            self.values.module(mi).outputs[name] = v
        if failed:
            raise WalkAbort()

    def visit_check(self, node: ConfigNode) -> None:
        c, m = self.module_of(node)
        ck = m.checks[node.local[len("check.") :]]
        for mi in self.instances_of(c.path):
            caddr = _join(str(c.path), node.local)
            oaddr = _join(str(mi), node.local)
            if self.checks.failed(caddr, oaddr):
                continue  # its data source failed: terraform does not evaluate the assertions
            if not ck.asserts:
                self.checks.report(caddr, oaddr, "pass", "", None, str(mi))
            for rule in ck.asserts:
                v, d, cctx = self.values.eval_expr_ctx(mi, rule.condition)
                if d.has_errors():
                    if self.shows_check_diags():
                        for x in d:
                            self.add_diags([Diagnostic(Severity.WARNING, x.summary, x.detail, x.subject)])
                    self.checks.report(caddr, oaddr, "error", "", None, str(mi))
                    continue
                v, _ = v.unmark_deep()
                if not v.is_known:
                    self.checks.report(caddr, oaddr, "unknown", "", None, str(mi))
                    if not self.shows_check_diags():
                        continue
                    self.add_diags(
                        [
                            _with_values(
                                Diagnostic(
                                    Severity.WARNING,
                                    "Check block assertion known after apply",
                                    "The condition could not be evaluated at this time, a result will be known when "
                                    "this plan is applied.",
                                    rule.condition.range,
                                ),
                                rule.condition,
                                cctx,
                            )
                        ]
                    )
                elif not v.is_null and v.v is True:
                    self.checks.report(caddr, oaddr, "pass", "", None, str(mi))
                if v.is_known and not v.is_null and v.v is False:
                    text = self.condition_message(mi, rule, None)
                    self.checks.report(caddr, oaddr, "fail", text, None, str(mi))
                    if not self.shows_check_diags():
                        continue
                    self.add_diags(
                        [
                            _with_values(
                                Diagnostic(Severity.WARNING, "Check block assertion failed", str(text), rule.condition.range),
                                rule.condition,
                                cctx,
                            )
                        ]
                    )

    def shows_check_diags(self) -> bool:
        """Whether check blocks' warnings are reported: not while planning for an apply, as
        terraform drops them there because the apply checks again and reports its own."""
        return not (self.mode == PLAN and self.opts.for_apply)

    def _check_rule(
        self,
        mi: ModuleInstance,
        rule: Any,
        extra: dict[str, Value] | None,
        summary: str,
        error_from_message: bool = False,
        var_subject: Any = None,
        check: tuple[str, str, Any] | None = None,
    ) -> bool:
        """Evaluate a condition; False (and an error recorded) when it fails.

        check: (config address, object address, instance key) of the checkable
        object, whose status the result goes into."""

        def report(status: str, message: str = "") -> None:
            if check is not None:
                self.checks.report(check[0], check[1], status, message, check[2], str(mi))

        v, d, ctx = self.values.eval_expr_ctx(mi, rule.condition, extra)
        if self.add_diags(d):
            report("error")
            return False
        plain, _ = v.unmark_deep()
        if not plain.is_known:
            report("unknown")
            return True
        if plain.is_null:
            self.add_diags(
                [
                    diag.error(
                        "Invalid condition result",
                        "Condition expression must return either true or false, not null.",
                        rule.condition.range,
                    )
                ]
            )
            report("error")
            return False
        try:
            b = convert(plain, _bool_type())
        except ConversionError as exc:
            self.add_diags([diag.error("Invalid condition result", f"Invalid condition result value: {exc.message}.", rule.condition.range)])
            report("error")
            return False
        if b.v is True:
            report("pass")
            return True
        text = self.condition_message(mi, rule, extra)
        report("fail", text)
        if var_subject is not None:
            detail = f"{text}\n\nThis was checked by the validation rule at {_range_str(rule.decl_range)}."
            self.add_diags([diag.error(summary, detail, var_subject.decl_range)])
            return False
        self.add_diags([_with_values(diag.error(summary, text, rule.condition.range), rule.condition, ctx)])
        return False

    def condition_message(self, mi: ModuleInstance, rule: Any, extra: dict[str, Value] | None) -> str:
        mv, md = self.values.eval_expr(mi, rule.error_message, extra)
        text = ""
        mplain, mmarks = mv.unmark_deep()
        if not md.has_errors() and mplain.is_known and not mplain.is_null:
            try:
                text = str(convert(mplain, STRING).v)
            except ConversionError:
                text = ""
            if SENSITIVE in mmarks:
                text = "The error message included a sensitive value, so it will not be displayed."
        return text

    # --- providers ---------------------------------------------------------------------
    def visit_provider(self, node: ConfigNode) -> None:
        c, m = self.module_of(node)
        addr_str, alias = parse_provider_node(node.local)
        addr = provider_address(addr_str)
        pc = None
        for cand in m.provider_configs.values():
            if str(m.provider_for_local_config(_local_cfg(cand.name, cand.alias))) == addr_str and (cand.alias or "") == alias:
                pc = cand
        ps = self.schemas.get(addr)
        self.add_diags(ps.diagnostics)
        mi = ModuleInstance() if not c.path.names else self.instances_of(c.path)[0] if self.instances_of(c.path) else ModuleInstance()
        block = ps.provider.block

        def configure(rep: Repetition) -> pi.Provider | None:
            provider = self.schemas.take_instance(addr)
            if pc is not None:
                ctx = self.values.body_context(mi, pc.config, rep.variables())
                config, d = decode_body(block, pc.config, lambda e: _eval_in(e, ctx))
                if self.add_diags(d):
                    return None
            else:
                config = block.empty_value() if hasattr(block, "empty_value") else null(block.implied_type())
            plain, _ = config.unmark_deep()
            vr = provider.validate_provider_config(plain)
            if self.add_diags(vr.diagnostics):
                return None
            if vr.prepared_config is not None:
                plain = vr.prepared_config
            resp = provider.configure_provider(pi.ConfigureProviderRequest(terraform_version=TERRAFORM_VERSION, config=plain))
            if self.add_diags(resp.diagnostics):
                return None
            return provider

        if pc is not None and pc.for_each is not None:  # OpenTofu's provider for_each
            from sheath.engine.provider_instances import configure_each

            if not configure_each(self, node, mi, pc.for_each, configure):
                raise WalkAbort()
            return
        provider = configure(Repetition())
        if provider is None:
            raise WalkAbort()
        self.providers[node.name] = provider

    def provider_for(self, node: ConfigNode) -> tuple[pi.Provider, str]:
        """The configured provider of a resource. For a configuration with for_each (OpenTofu),
        each instance chooses its own (engine.provider_instances); this is then the first
        instance, or an unconfigured one when there is none, for what needs only the schema."""
        pn = self.provider_of[node]
        if pn.name in self.provider_keys:
            from sheath.states.state import provider_instance_string

            keys = self.provider_keys[pn.name]
            if keys:
                return self.providers[provider_instance_string(pn.name, keys[0])], pn.name
            addr_str, _ = parse_provider_node(pn.local)
            return self.schemas.function_instance(provider_address(addr_str)), pn.name
        p = self.providers.get(pn.name)
        if p is None:
            raise WalkAbort()
        return p, pn.name

    def close_providers(self) -> None:
        from sheath.engine.ephemeral import close_all

        close_all(self)
        for p in self.providers.values():
            try:
                p.close()
            except Exception:  # noqa: BLE001
                pass
        self.schemas.close()

    # --- resource helpers ------------------------------------------------------------
    def resource_schema(self, node: ConfigNode, r: Resource) -> tuple[Schema, ProviderAddr]:
        pn = self.provider_of[node]
        addr_str, _ = parse_provider_node(pn.local)
        addr = provider_address(addr_str)
        s = self.schemas.resource_schema(addr, resource_mode(r), r.type)
        if s is None:
            kind = "data source" if resource_mode(r) == "data" else "resource type"
            self.add_diags(
                [diag.error("Invalid " + kind, f'The provider {addr.for_display()} does not support {kind} "{r.type}".', r.type_range)]
            )
            raise WalkAbort()
        return s, addr

    def state_resource(self, mi: ModuleInstance, r: Resource, provider_node: str) -> StateResource:
        key = (str(mi), resource_mode(r), r.type, r.name)
        with self.state_lock:
            sr = self.state.resources.get(key)
            if sr is None:
                sr = StateResource(str(mi), resource_mode(r), r.type, r.name, provider_node)
                self.state.set_resource(sr)
            else:
                sr.provider = provider_node
        return sr

    def eval_config(self, mi: ModuleInstance, r: Resource, schema: Schema, rep: Repetition) -> tuple[Value, Diagnostics]:
        ctx = self.values.body_context(mi, r.config, rep.variables())

        def scoped(extra: Any) -> Any:
            child = ctx.new_iteration(extra)  # hcl dynblock's child scope
            return lambda e: _eval_in(e, child)

        return decode_body(schema.block, r.config, lambda e: _eval_in(e, ctx), scoped)

    def set_resource_value(
        self, mi: ModuleInstance, r: Resource, exp: Expansion, per_key: dict[IndexKey, Value], prefix: str | None = None
    ) -> None:
        if prefix is None:
            prefix = "data." if resource_mode(r) == "data" else ""
        key = f"{prefix}{r.type}.{r.name}"
        if exp.mode == "single":
            v = per_key.get(None, unknown(DYNAMIC))
        elif exp.mode == "count":
            v = tuple_val([per_key.get(k, unknown(DYNAMIC)) for k in exp.keys])
        elif exp.mode == "enabled":  # OpenTofu: null when the resource is not enabled
            v = per_key.get(None, unknown(DYNAMIC)) if exp.keys else null(DYNAMIC)
        else:
            v = object_of({str(k): per_key.get(k, unknown(DYNAMIC)) for k in exp.keys})
        self.values.module(mi).resources[key] = v

    def record_change(self, c: ResourceInstanceChange) -> None:
        with self.changes_lock:
            self.changes[c.address + ("#" + c.deposed if c.deposed else "")] = c

    def parallel(self, items: list[Any], fn: Callable[[Any], Any]) -> list[Any]:
        if len(items) <= 1:
            return [fn(i) for i in items]
        with ThreadPoolExecutor(max_workers=min(len(items), max(1, self.opts.parallelism))) as pool:
            return list(pool.map(fn, items))

    def set_object(self, sr: StateResource, key: IndexKey, obj: InstanceObject | None, deposed: str = "") -> None:
        """Change one object of the working state (and tell the journal)."""
        with self.state_lock:
            inst = sr.instances.get(key)
            if obj is None:
                if inst is not None:
                    if deposed:
                        inst.deposed.pop(deposed, None)
                    else:
                        inst.current = None
                    if inst.current is None and not inst.deposed:
                        del sr.instances[key]
            else:
                if inst is None:
                    inst = sr.instances[key] = ResourceInstance(key)
                # OpenTofu's provider for_each: the provider instance this object belongs to
                chosen = self.chosen_provider_keys.get((sr.address, key))
                if chosen is not None:
                    obj.provider_key = chosen
                elif obj.provider_key is None:
                    prev = inst.deposed.get(deposed) if deposed else inst.current
                    if prev is not None:
                        obj.provider_key = prev.provider_key
                from sheath.engine.lifecycle_destroy import skip_destroy_for  # OpenTofu's lifecycle.destroy

                skip = skip_destroy_for(self.config, sr)
                if skip is None:  # no configuration: what the state recorded stays
                    prev = inst.deposed.get(deposed) if deposed else inst.current
                    skip = obj.skip_destroy or (prev is not None and prev.skip_destroy)
                obj.skip_destroy = skip
                if deposed:
                    inst.deposed[deposed] = obj
                else:
                    inst.current = obj
        # outside the state lock: journal appends from several workers share one sync
        if self.on_object is not None:
            self.on_object(sr, key, obj, deposed)

    def modules_holding(self, mode: str, type_: str, name: str) -> list[str]:
        """The module instances whose prior state has this resource (an index built once)."""
        index = self._holding
        if index is None:
            with self.state_lock:
                index = self._holding
                if index is None:
                    index = {}
                    for mod, m, t, n in self.state.resources:
                        index.setdefault((m, t, n), []).append(mod)
                    self._holding = index
        return index.get((mode, type_, name), [])

    def prune_state(self) -> None:
        for k, sr in list(self.state.resources.items()):
            if not sr.instances:
                del self.state.resources[k]


def _with_values(d: Diagnostic, expr: Any, ctx: Any) -> Diagnostic:
    """d showing the values the expression referred to, as terraform's condition failures do."""
    from sheath.lang.eval.diagvalues import annotate

    d.extra["expr"] = expr
    d.extra["ctx"] = ctx
    annotate([d])
    return d


def _join(mod: str, local: str) -> str:
    return f"{mod}.{local}" if mod else local


def _bool_type() -> Any:
    from sheath.types.cty import BOOL

    return BOOL


def _eval_in(e: Any, ctx: Any) -> tuple[Value, Diagnostics]:
    from sheath.lang.eval.evaluator import evaluate

    return evaluate(e, ctx)


def _plain_key(k: Any) -> IndexKey:
    return None if k is None else k.value


def _remark(v: Value, marks: frozenset[Any]) -> Value:
    return v.with_marks(frozenset(m for m in marks if m == SENSITIVE))


def _range_str(r: Any) -> str:
    from sheath.config.common import range_str

    return range_str(r)


def parse_provider_node(local: str) -> tuple[str, str]:
    """('registry.terraform.io/hashicorp/aws', 'west') from 'provider["..."].west'."""
    end = local.index('"]')
    addr = local[len('provider["') : end]
    rest = local[end + 2 :]
    return addr, rest[1:] if rest.startswith(".") else ""


def provider_address(s: str) -> ProviderAddr:
    host, ns, typ = s.split("/")
    return ProviderAddr(typ, ns, host)


def _local_cfg(name: str, alias: str) -> Any:
    from sheath.addrs import LocalProviderConfig

    return LocalProviderConfig(name, alias)


def _missing_provider(addr: str) -> Diagnostics:
    from sheath.engine.providers import provider_diags_for_missing

    return provider_diags_for_missing(addr)


def set_root_output(state: State, name: str, v: Value, sensitive: bool) -> bool:
    """A root output's wholly known value into state (a null one is removed, as terraform's
    setValue does); whether it was stored."""
    from sheath.states import gojson
    from sheath.states.state import OutputValue
    from sheath.types.json import type_to_json_value, value_to_json

    plain, marks = v.unmark_deep()
    if plain.is_null:
        state.outputs.pop(name, None)
        return False
    t = plain.type
    state.outputs[name] = OutputValue(gojson.loads(value_to_json(plain, t)), type_to_json_value(t), sensitive or SENSITIVE in marks)
    return True


__all__ = ["APPLY", "PLAN", "Expansion", "Run", "RunOptions", "WalkAbort", "instance_addr", "instance_address", "set_root_output"]
