"""Evaluation of a module instance's expressions against the values known so far.

The engine walks the configuration graph in dependency order; each finished
node leaves its value in ``NamedValues`` (variables, locals, outputs and
resource values per module instance). An expression is evaluated in a
context holding only what it refers to, so building it costs in proportion to
the expression, not to the size of the configuration.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from sheath.addrs.instance_key import IndexKey, instance_key
from sheath.addrs.module import ModuleInstance
from sheath.config.references import body_expressions
from sheath.diag import Diagnostics
from sheath.engine.providerfuncs import FunctionScopes
from sheath.lang import hcl
from sheath.lang.eval.context import EvalContext
from sheath.lang.eval.evaluator import evaluate
from sheath.lang.funcs.function import Function
from sheath.lang.hcl import TraverseAttr
from sheath.types.cty import (
    DYNAMIC,
    EMPTY_OBJECT_VAL,
    EPHEMERAL,
    ObjectType,
    Value,
    bool_val,
    string_val,
    tuple_val,
    unknown,
)



def object_of(d: Mapping[str, Value]) -> Value:
    if not d:
        return EMPTY_OBJECT_VAL
    s = dict(sorted(d.items()))
    return Value(ObjectType({k: v.type for k, v in s.items()}), s)


@dataclass(slots=True)
class Repetition:
    """count.index or each.key/each.value of one instance (module or resource)."""

    count_index: int | None = None
    each_key: str | None = None
    each_value: Value | None = None

    def variables(self) -> dict[str, Value]:
        from sheath.types.number import Number
        from sheath.types.cty import NUMBER

        out: dict[str, Value] = {}
        if self.count_index is not None:
            out["count"] = object_of({"index": Value(NUMBER, Number.from_int(self.count_index))})
        if self.each_key is not None:
            out["each"] = object_of(
                {"key": string_val(self.each_key), "value": self.each_value if self.each_value is not None else unknown()}
            )
        return out


@dataclass
class ModuleValues:
    """Values of one module instance, filled in as the walk goes."""

    path_module: str = "."
    variables: dict[str, Value] = field(default_factory=dict)
    locals: dict[str, Value] = field(default_factory=dict)
    outputs: dict[str, Value] = field(default_factory=dict)
    # the outputs its configuration declares: what module.NAME always has as attributes
    declared_outputs: tuple[str, ...] = ()
    # "type.name" / "data.type.name" -> the resource's value (object, tuple or object by key)
    resources: dict[str, Value] = field(default_factory=dict)
    # module call name -> how its instances are keyed: "single" | "count" | "for_each"
    call_modes: dict[str, str] = field(default_factory=dict)
    call_keys: dict[str, list[IndexKey]] = field(default_factory=dict)


class NamedValues:
    """Everything evaluated so far, per module instance (thread-safe for the walk)."""

    def __init__(
        self,
        root_dir: str,
        functions: Mapping[str, Function],
        applying: bool = False,
        path_root: str = ".",
        workspace: str = "default",
        scopes: FunctionScopes | None = None,
    ) -> None:
        self.root_dir = root_dir
        # each module's own table (its required providers' functions), when given
        self.scopes = scopes
        self.workspace = workspace  # terraform.workspace
        # path.root: the root module's directory (import -config reads it outside the working directory)
        self.path_root = path_root
        self.functions = functions
        self.applying = applying
        self.modules: dict[ModuleInstance, ModuleValues] = {}
        self.lock = threading.Lock()
        self.cwd = os.path.abspath(root_dir)

    def module(self, mi: ModuleInstance) -> ModuleValues:
        mv = self.modules.get(mi)
        if mv is None:
            with self.lock:
                mv = self.modules.get(mi)
                if mv is None:
                    # a child's path.module is set when its call is expanded; the root module's is path.root
                    mv = self.modules[mi] = ModuleValues(path_module=self.path_root)
        return mv

    # --- contexts ---------------------------------------------------------------------

    def call_value(self, mi: ModuleInstance, name: str) -> Value:
        """The value of module.NAME in module instance mi: its outputs per instance."""
        mv = self.module(mi)
        mode = mv.call_modes.get(name)
        if mode is None:
            return unknown(DYNAMIC)
        keys = mv.call_keys.get(name, [])

        def outputs(k: IndexKey) -> Value:
            # as terraform's evaluator: every declared output, unknown until it is evaluated
            # (a destroy evaluates only what providers need)
            child = self.modules.get(mi.child(name, instance_key(k)))
            if child is None:
                return EMPTY_OBJECT_VAL
            if not child.declared_outputs:
                return object_of(child.outputs)
            return object_of({o: child.outputs.get(o, unknown(DYNAMIC)) for o in child.declared_outputs})

        if mode == "single":
            return outputs(None)
        if mode == "count":
            return tuple_val([outputs(k) for k in keys])
        if mode == "enabled":  # OpenTofu's lifecycle.enabled: null when the call is not enabled
            return outputs(None) if keys else Value(DYNAMIC, None)
        return object_of({str(k): outputs(k) for k in keys})

    def context(
        self,
        mi: ModuleInstance,
        traversals: Iterable[Any],
        extra: Mapping[str, Value] | None = None,
    ) -> EvalContext:
        mv = self.module(mi)
        wanted: dict[str, set[str] | None] = {}
        for t in traversals:
            root = t.root_name
            steps = t.steps
            name = steps[1].name if len(steps) > 1 and type(steps[1]) is TraverseAttr else None
            cur = wanted.get(root, set())
            if cur is None:
                continue
            if name is None:
                wanted[root] = None
            else:
                if root in ("data", "ephemeral") and len(steps) > 2 and type(steps[2]) is TraverseAttr:
                    name = f"{name}.{steps[2].name}"
                cur.add(name)
                wanted[root] = cur
        variables: dict[str, Value] = {}
        for root, names in wanted.items():
            if extra is not None and root in extra:
                continue
            if root == "var":
                variables["var"] = _pick(mv.variables, names)
            elif root == "local":
                variables["local"] = _pick(mv.locals, names)
            elif root == "path":
                variables["path"] = object_of(
                    {"module": string_val(mv.path_module), "root": string_val(self.path_root), "cwd": string_val(self.cwd)}
                )
            elif root == "terraform":
                variables["terraform"] = object_of(
                    {"workspace": string_val(self.workspace), "applying": bool_val(self.applying).mark(EPHEMERAL)}
                )
            elif root == "module":
                calls = mv.call_modes.keys() if names is None else names
                variables["module"] = object_of({n: self.call_value(mi, n) for n in calls})
            elif root in ("data", "ephemeral"):
                by_type: dict[str, dict[str, Value]] = {}
                pre = root + "."
                keys = [k for k in mv.resources if k.startswith(pre)] if names is None else [pre + n for n in names]
                for k in keys:
                    _, t_, n_ = k.split(".", 2)
                    by_type.setdefault(t_, {})[n_] = mv.resources.get(k, unknown(DYNAMIC))
                variables[root] = object_of({t_: object_of(v) for t_, v in by_type.items()})
            elif root in ("count", "each", "self"):
                continue
            else:
                prefix = root + "."
                if names is None:
                    objs = {k[len(prefix) :]: v for k, v in mv.resources.items() if k.startswith(prefix)}
                else:
                    objs = {n: mv.resources.get(prefix + n, unknown(DYNAMIC)) for n in names}
                variables[root] = object_of(objs)
        if extra:
            variables.update(extra)
        fns = self.functions if self.scopes is None else self.scopes.for_module(mi.module().names)
        return EvalContext(variables, fns)

    def eval_expr(
        self, mi: ModuleInstance, expr: Any, extra: Mapping[str, Value] | None = None
    ) -> tuple[Value, Diagnostics]:
        v, d, _ = self.eval_expr_ctx(mi, expr, extra)
        return v, d

    def eval_expr_ctx(
        self, mi: ModuleInstance, expr: Any, extra: Mapping[str, Value] | None = None
    ) -> tuple[Value, Diagnostics, EvalContext]:
        """eval_expr, and the context it used (diagnostics show the values it held)."""
        ctx = self.context(mi, expr.variables(), extra)
        v, d = evaluate(expr, ctx)
        return v, d, ctx

    def body_context(self, mi: ModuleInstance, body: hcl.Body, extra: Mapping[str, Value] | None = None) -> EvalContext:
        travs: list[Any] = []
        for e, shadow in body_expressions(body):
            for t in e.variables():
                if t.root_name not in shadow:
                    travs.append(t)
        return self.context(mi, travs, extra)


def _pick(d: Mapping[str, Value], names: set[str] | None) -> Value:
    if names is None:
        return object_of(d)
    return object_of({n: d[n] for n in names if n in d})


def module_instance(steps: Iterable[tuple[str, IndexKey]]) -> ModuleInstance:
    mi = ModuleInstance()
    for name, k in steps:
        mi = mi.child(name, instance_key(k))
    return mi
