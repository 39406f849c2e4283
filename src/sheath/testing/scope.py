"""The values a run block's assertions see: the root module's variables, locals, resources,
data sources and outputs after the run (planned values for a plan run, the new state for
an apply run), and the outputs of the runs before it (``run.<name>.<output>``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sheath.diag import Diagnostics
from sheath.lang import hcl
from sheath.lang.eval.context import EvalContext
from sheath.lang.eval.evaluator import evaluate
from sheath.lang.eval.scope import object_of
from sheath.lang.funcs.function import Function
from sheath.states.state import State
from sheath.types.cty import DYNAMIC, Value, string_val, tuple_val, unknown

# (mode, type, name) -> instance key -> value
ResourceValues = dict[tuple[str, str, str], dict[Any, Value]]


@dataclass
class RunValues:
    """The root module's values after one run."""

    variables: dict[str, Value] = field(default_factory=dict)
    outputs: dict[str, Value] = field(default_factory=dict)
    resources: ResourceValues = field(default_factory=dict)


def state_resources(state: State, schema_lookup: Any) -> ResourceValues:
    """The root module's resource instances in a state, decoded by their schemas."""
    from sheath.engine.objects import decode_attributes

    out: ResourceValues = {}
    for (module, mode, type_, name), sr in state.resources.items():
        if module:
            continue
        block = schema_lookup(mode, type_)
        t = block.implied_type() if block is not None else DYNAMIC
        insts: dict[Any, Value] = {}
        for key, ri in sr.instances.items():
            if ri.current is None:
                continue
            insts[key] = decode_attributes(ri.current.attributes, t) if block is not None else unknown(DYNAMIC)
        out[(mode, type_, name)] = insts
    return out


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


def assertion_context(
    values: RunValues,
    module: Any,
    functions: Mapping[str, Function],
    prior_runs: Mapping[str, Value],
    path_module: str = ".",
) -> EvalContext:
    """The evaluation context of a run's assertions (the locals evaluated here, in
    dependency order; a local that cannot be evaluated is unknown)."""
    managed: dict[str, dict[str, Value]] = {}
    data: dict[str, dict[str, Value]] = {}
    for (mode, type_, name), insts in values.resources.items():
        (data if mode == "data" else managed).setdefault(type_, {})[name] = _resource_value(insts)
    base: dict[str, Value] = {
        "var": object_of(values.variables),
        "output": object_of(values.outputs),
        "run": object_of(dict(prior_runs)),
        "path": object_of({"module": string_val(path_module), "root": string_val("."), "cwd": string_val(".")}),
        "terraform": object_of({"workspace": string_val("default")}),
        "data": object_of({t: object_of(v) for t, v in data.items()}),
    }
    for t, objs in managed.items():
        base[t] = object_of(objs)
    locals_: dict[str, Value] = {}
    pending = dict(getattr(module, "locals", {}))
    while pending:
        ready = [n for n, loc in pending.items() if not (_local_refs(loc.expr) & set(pending))]
        if not ready:  # a cycle: validate reports those; leave them unknown
            for n in pending:
                locals_[n] = unknown(DYNAMIC)
            break
        for n in ready:
            ctx = EvalContext({**base, "local": object_of(locals_)}, functions)
            v, d = evaluate(pending.pop(n).expr, ctx)
            locals_[n] = unknown(DYNAMIC) if d.has_errors() else v
    base["local"] = object_of(locals_)
    return EvalContext(base, functions)


def evaluate_in(expr: hcl.Expression, ctx: EvalContext) -> tuple[Value, Diagnostics]:
    v, d = evaluate(expr, ctx)
    return v, Diagnostics(d)


@dataclass
class _References:
    """An expression's references, but those to the test-only roots (output, run)."""

    traversals: list[Any]

    def variables(self) -> list[Any]:
        return self.traversals


def check_references(expr: hcl.Expression, module: Any, test_variables: set[str]) -> Diagnostics:
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
    return Scope(data, {}).check_references(refs)
