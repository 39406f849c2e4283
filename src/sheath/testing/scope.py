"""The values a run block's assertions see: the root module's variables, locals, resources,
data sources and outputs after the run (planned values for a plan run, the new state for
an apply run), and the outputs of the runs before it (``run.<name>.<output>``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from sheath.diag import Diagnostics
from sheath.lang import hcl
from sheath.lang.eval.context import EvalContext
from sheath.lang.eval.evaluator import evaluate
from sheath.lang.eval.scope import object_of
from sheath.lang.funcs.function import Function
from sheath.states.state import State
from sheath.types.cty import DYNAMIC, Value, string_val, tuple_val, unknown

# module address ("" for the root module) -> (mode, type, name) -> instance key -> value
ResourceValues = dict[str, dict[tuple[str, str, str], dict[Any, Value]]]


@dataclass
class RunValues:
    """The root module's values after one run (and the resources of every module)."""

    variables: dict[str, Value] = field(default_factory=dict)
    outputs: dict[str, Value] = field(default_factory=dict)
    resources: ResourceValues = field(default_factory=dict)


def state_resources(state: State, schema_lookup: Any) -> ResourceValues:
    """The resource instances in a state, by module, decoded by their schemas."""
    from sheath.engine.objects import decode_attributes

    out: ResourceValues = {}
    for (module, mode, type_, name), sr in state.resources.items():
        block = schema_lookup(mode, type_)
        t = block.implied_type() if block is not None else DYNAMIC
        insts: dict[Any, Value] = {}
        for key, ri in sr.instances.items():
            if ri.current is None:
                continue
            insts[key] = decode_attributes(ri.current.attributes, t) if block is not None else unknown(DYNAMIC)
        out.setdefault(module, {})[(mode, type_, name)] = insts
    return out


class FunctionTables(Protocol):
    """Each module's function table (engine.providerfuncs.FunctionScopes): the built-in
    functions and the provider-defined functions of the providers that module requires."""

    def for_module(self, path: tuple[str, ...]) -> Mapping[str, Function]: ...


def _resource_value(insts: Mapping[Any, Value]) -> Value:
    keys = list(insts)
    if keys == [None] or not keys:
        return insts.get(None, unknown(DYNAMIC)) if keys else object_of({})
    if all(isinstance(k, int) for k in keys):
        return tuple_val([insts[k] for k in sorted(keys)])
    return object_of({str(k): insts[k] for k in sorted(keys, key=str)})


def _local_refs(expr: hcl.Expression) -> set[str]:
    names: set[str] = set()
    for t in expr.variables():
        if t.root_name == "local" and len(t.steps) > 1:
            names.add(str(getattr(t.steps[1], "name", "")))
    return names


@dataclass
class _ModuleScope:
    """One module's values: variables, resources, locals, its calls' outputs."""

    config: Any  # sheath.config.loader.Config
    path: tuple[str, ...]  # the module's call names, () for the root module
    variables: dict[str, Value]
    resources: ResourceValues
    tables: FunctionTables
    base: dict[str, Value] = field(default_factory=dict)

    @property
    def address(self) -> str:
        """"" for the root module, "module.a.module.b" below it."""
        return ".".join(f"module.{name}" for name in self.path)

    @property
    def functions(self) -> Mapping[str, Function]:
        # each module calls the functions of its own required_providers, as in plan and apply
        return self.tables.for_module(self.path)

    def evaluate(self) -> None:
        """Locals, then the module calls' outputs, then the locals again (they may read those)."""
        managed: dict[str, dict[str, Value]] = {}
        data: dict[str, dict[str, Value]] = {}
        for (mode, type_, name), insts in self.resources.get(self.address, {}).items():
            (data if mode == "data" else managed).setdefault(type_, {})[name] = _resource_value(insts)
        self.base.update(
            {
                "var": object_of(self.variables),
                "path": object_of({"module": string_val("."), "root": string_val("."), "cwd": string_val(".")}),
                "terraform": object_of({"workspace": string_val("default")}),
                "data": object_of({t: object_of(v) for t, v in data.items()}),
                "module": object_of({}),
            }
        )
        for t, objs in managed.items():
            self.base[t] = object_of(objs)
        self._locals()
        self.base["module"] = object_of({name: self._call(name, child) for name, child in self.config.children.items()})
        self._locals()

    def context(self) -> EvalContext:
        return EvalContext(self.base, self.functions)

    def _locals(self) -> None:
        locals_: dict[str, Value] = {}
        pending = dict(getattr(self.config.module, "locals", {}))
        while pending:
            ready = [n for n, loc in pending.items() if not (_local_refs(loc.expr) & set(pending))]
            if not ready:  # a cycle: validate reports those; leave them unknown
                for n in pending:
                    locals_[n] = unknown(DYNAMIC)
                break
            for n in ready:
                ctx = EvalContext({**self.base, "local": object_of(locals_)}, self.functions)
                v, d = evaluate(pending.pop(n).expr, ctx)
                locals_[n] = unknown(DYNAMIC) if d.has_errors() else v
        self.base["local"] = object_of(locals_)

    def _call(self, name: str, child: Any) -> Value:
        """A module call's outputs (unknown for a call with count or for_each)."""
        from sheath.config.module_call import MODULE_SCHEMA
        from sheath.config.variables import InputValue, ValueSourceType, finalize_variable_value

        call = child.call
        if call is None or call.count is not None or call.for_each is not None:
            return unknown(DYNAMIC)
        _, rest, _ = call.config.partial_content(MODULE_SCHEMA)
        attrs, _ = rest.just_attributes()
        ctx = self.context()
        variables: dict[str, Value] = {}
        for vname, var in child.module.variables.items():
            attr = attrs.get(vname)
            given = None
            if attr is not None:
                v, d = evaluate(attr.expr, ctx)
                if d.has_errors():
                    variables[vname] = unknown(DYNAMIC)
                    continue
                given = InputValue(v, ValueSourceType.CALLER)
            fv, fd = finalize_variable_value(var, given)
            variables[vname] = unknown(DYNAMIC) if fd.has_errors() else fv
        scope = _ModuleScope(child, (*self.path, name), variables, self.resources, self.tables)
        scope.evaluate()
        outputs: dict[str, Value] = {}
        for oname, o in child.module.outputs.items():
            if o.expr is None:
                continue
            v, d = evaluate(o.expr, scope.context())
            outputs[oname] = unknown(DYNAMIC) if d.has_errors() else v
        return object_of(outputs)


def assertion_context(
    values: RunValues,
    config: Any,
    tables: FunctionTables,
    prior_runs: Mapping[str, Value],
) -> EvalContext:
    """The evaluation context of a run's assertions: the root module's values (its locals
    and its module calls' outputs evaluated here, each module with its own function table;
    what cannot be evaluated is unknown), its outputs, and the earlier runs' outputs."""
    scope = _ModuleScope(config, (), dict(values.variables), values.resources, tables)
    scope.evaluate()
    scope.base["output"] = object_of(values.outputs)
    scope.base["run"] = object_of(dict(prior_runs))
    ctx = scope.context()
    # terraform evaluates assertions with hcl alone: unknown-function diagnostics unrewritten
    ctx.provider_function_hints = False
    return ctx


def testing_functions() -> Mapping[str, Function]:
    """terraform's lang.TestingFunctions: the built-in functions, paths relative to the
    current directory, for a test file's variables and provider blocks."""
    from sheath.lang.eval.templates import make_template_renderer
    from sheath.lang.funcs.registry import builtin_functions

    renderer = make_template_renderer()
    fns = builtin_functions(".", render_template=renderer)
    renderer.functions = fns
    return fns


def evaluate_in(expr: hcl.Expression, ctx: EvalContext) -> tuple[Value, Diagnostics]:
    v, d = evaluate(expr, ctx)
    return v, Diagnostics(d)


@dataclass
class _References:
    """An expression's references, but those to the test-only roots (output, run)."""

    traversals: list[Any]

    def variables(self) -> list[Any]:
        return self.traversals


def check_references(
    expr: hcl.Expression, module: Any, test_variables: set[str], run_names: list[str], evaluated_runs: Mapping[str, Any]
) -> Diagnostics:
    """terraform's validation of an assertion's references against the module under test."""
    from sheath.lang.eval.scope import ModuleData, Scope

    data = ModuleData()
    data.variables = {n: unknown(DYNAMIC) for n in [*module.variables, *test_variables]}
    data.locals = {n: unknown(DYNAMIC) for n in module.locals}
    for key in getattr(module, "managed_resources", {}):
        data.managed[key] = unknown(DYNAMIC)
    for key in getattr(module, "data_resources", {}):
        data.data[key[len("data.") :] if key.startswith("data.") else key] = unknown(DYNAMIC)
    for name in getattr(module, "module_calls", {}):
        data.module_calls[name] = unknown(DYNAMIC)
    refs = _References([t for t in expr.variables() if t.root_name not in ("output", "run")])
    diags = Scope(data, {}).check_references(refs)
    from sheath.diag import Range

    for t in expr.variables():
        if len(t.steps) < 2 or t.root_name not in ("run", "output"):
            continue
        name = str(getattr(t.steps[1], "name", ""))
        rng = Range.between(t.steps[0].range, t.steps[1].range)
        if t.root_name == "output":
            if name not in module.outputs:
                diags.add_error(
                    "Reference to undeclared output value",
                    f'An output value with the name "{name}" has not been declared.',
                    rng,
                )
            continue
        if name in run_names and name not in evaluated_runs:
            diags.add_error(
                "Reference to unevaluated run block",
                f'The run "{name}" block has not yet been evaluated, so its results are not available here.',
                rng,
            )
        elif name not in run_names:
            from sheath.lang.eval.evaluator import name_suggestion

            sugg = name_suggestion(name, run_names)
            extra = f' Did you mean "{sugg}"?' if sugg else ""
            diags.add_error(
                "Reference to undeclared run block",
                f'There is no run "{name}" declared in this test suite.{extra}',
                rng,
            )
    return diags
