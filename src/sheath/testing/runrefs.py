"""The references a run block's variables may make (terraform's moduletest/hcl EvalContext
for a run block): earlier run blocks' outputs, with known values, and the file's and the
global variables; anything else is an error naming what went wrong, found before the
expression is evaluated."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sheath.addrs.referenceable import parse_ref
from sheath.diag import Diagnostics, Range
from sheath.lang import hcl
from sheath.lang.eval.context import EvalContext
from sheath.lang.hclsyntax.ast import ScopeTraversalExpr
from sheath.lang.eval.scope import object_of
from sheath.testing.scope import evaluate_in
from sheath.types.cty import Value

_EARLIER_RUNS = (
    "You can only reference run blocks that are in the same test file and will execute before the current run block."
)


def _display(t: hcl.Traversal) -> str:
    """A traversal as terraform's Reference.DisplayString shows it: run.a.b[0]."""
    out = ""
    for s in t.steps:
        if isinstance(s, hcl.TraverseRoot):
            out += s.name
        elif isinstance(s, hcl.TraverseAttr):
            out += "." + s.name
        elif isinstance(s, hcl.TraverseIndex):
            key = getattr(s.key, "v", s.key)
            out += f'["{key}"]' if isinstance(key, str) else f"[{key}]"
    return out


def _run_reference(
    t: hcl.Traversal, run_names: Sequence[str], prior_runs: Mapping[str, Value], diags: Diagnostics
) -> None:
    if len(t.steps) < 2 or not isinstance(t.steps[1], hcl.TraverseAttr):
        return  # the evaluation reports it
    name = t.steps[1].name
    rng = Range.between(t.steps[0].range, t.steps[1].range)
    if name not in run_names:
        diags.add_error(
            "Reference to unknown run block",
            f'The run block "{name}" does not exist within this test file. {_EARLIER_RUNS}',
            rng,
        )
        return
    if name not in prior_runs:
        diags.add_error(
            "Reference to unavailable run block",
            f'The run block "{name}" has not executed yet. {_EARLIER_RUNS}',
            rng,
        )
        return
    v, d = evaluate_in(ScopeTraversalExpr(t, t.range), EvalContext({"run": object_of(dict(prior_runs))}, None))
    diags.extend(d)
    if not d.has_errors() and not v.is_wholly_known():
        diags.add_error(
            "Reference to unknown value",
            f'The value for {_display(t)} is unknown. Run block "{name}" is executing a "plan" operation, and the '
            "specified output value is only known after apply.",
            rng,
        )


def run_variable_problems(
    expr: hcl.Expression, variables: set[str], run_names: Sequence[str], prior_runs: Mapping[str, Value]
) -> Diagnostics:
    """What is wrong with the references of a run block's variable value: variables are the
    names of the file's and global variables available, run_names every run block of the file,
    prior_runs the outputs of those that ran."""
    diags = Diagnostics()
    for t in expr.variables():
        root = t.root_name
        if root == "run":
            _run_reference(t, run_names, prior_runs, diags)
            continue
        ref, d = parse_ref(t)
        diags.extend(d)
        if ref is None:
            continue
        if root == "var":
            name = getattr(ref.subject, "name", "")
            if name not in variables:
                diags.add_error(
                    "Reference to unavailable variable",
                    f'The input variable "{name}" is not available to the current run block. You can only reference '
                    "variables defined at the file or global levels.",
                    ref.source_range,
                )
            continue
        diags.add_error(
            "Invalid reference",
            "You can only reference earlier run blocks, file level, and global variables while defining variables "
            "from inside a run block.",
            ref.source_range,
        )
    return diags


def file_variable_problems(expr: hcl.Expression, variables: set[str]) -> Diagnostics:
    """What is wrong with the references of a test file's variable value: only the global
    variables (named in variables) are available."""
    diags = Diagnostics()
    for t in expr.variables():
        ref, d = parse_ref(t) if t.root_name != "run" else (None, Diagnostics())
        diags.extend(d)
        if t.root_name == "run":
            rng = Range.between(t.steps[0].range, t.steps[1].range) if len(t.steps) > 1 else t.steps[0].range
            diags.add_error("Invalid reference", "You can not reference run blocks from within the file variables block.", rng)
            continue
        if ref is None:
            continue
        if t.root_name == "var":
            name = getattr(ref.subject, "name", "")
            if name not in variables:
                diags.add_error(
                    "Reference to unavailable variable",
                    f'The input variable "{name}" is not available to the current context. You can only reference '
                    "global variables.",
                    ref.source_range,
                )
            continue
        diags.add_error(
            "Invalid reference",
            "You can only reference global variables within the test file variables block.",
            ref.source_range,
        )
    return diags
