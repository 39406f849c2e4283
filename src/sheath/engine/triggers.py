"""lifecycle.replace_triggered_by at plan time (terraform's evaluate_triggers.go and
EvaluateReplaceTriggeredBy).

terraform's validate never looks at these expressions beyond the static checks made when
the configuration is loaded; the plan turns each one into a reference (count.index and
each.key replaced by the planned instance's key), requires the resource to be declared and
to have a planned change, and reports a replacement when that change updates or replaces
the object (or, for a reference into an attribute, when the attribute's value changes).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sheath import diag
from sheath.addrs import ModuleInstance, Reference, parse_ref
from sheath.addrs.instance_key import IndexKey
from sheath.addrs.parse import Step
from sheath.addrs.resource import Resource as ResourceAddr
from sheath.addrs.resource import ResourceInstance
from sheath.config.module import Module
from sheath.diag import Diagnostics
from sheath.lang import hcl
from sheath.lang.hcl.static import rel_traversal_for_expr
from sheath.lang.hclsyntax.ast import IndexExpr, RelativeTraversalExpr, ScopeTraversalExpr
from sheath.plans.model import Action, ResourceInstanceChange
from sheath.types.cty import NUMBER, Value, string_val, unknown
from sheath.types.ops import raw_equal
from sheath.types.number import Number

_TRIGGERING = (Action.UPDATE, Action.DELETE_THEN_CREATE, Action.CREATE_THEN_DELETE)

_INDEX_DETAIL = "Only constant values, count.index or each.key are allowed in index expressions."


def _key_step(expr: Any, key: IndexKey) -> tuple[hcl.TraverseIndex, Diagnostics]:
    """The index step a non-constant key stands for (parseReplaceTriggeredByKeyExpr)."""
    rng = expr.range
    trav, diags = rel_traversal_for_expr(expr)
    if trav is None or diags.has_errors():
        return hcl.TraverseIndex(None, rng), diags
    parts: list[str] = []
    for step in trav.steps:
        if not isinstance(step, hcl.TraverseAttr):
            diags.add_error("Invalid index expression", _INDEX_DETAIL, rng)
            return hcl.TraverseIndex(None, rng), diags
        parts.append(step.name)
    name = ".".join(parts)
    value: Value | None = None
    if name == "count.index":
        if isinstance(key, int):
            value = Value(NUMBER, Number.from_int(key))
        else:
            diags.add_error(
                'Reference to "count" in non-counted context',
                'The "count" object can only be used in "resource" blocks when the "count" argument is set.',
                rng,
            )
    elif name == "each.key":
        if isinstance(key, str):
            value = string_val(key)
        else:
            diags.add_error(
                'Reference to "each" in context without for_each',
                'The "each" object can be used only in "resource" blocks when the "for_each" argument is set.',
                rng,
            )
    else:
        diags.add_error("Invalid index expression", _INDEX_DETAIL, rng)
    return hcl.TraverseIndex(value, rng), diags


def trigger_traversal(expr: Any, key: IndexKey) -> tuple[list[hcl.Traverser], Diagnostics]:
    """The static traversal a replace_triggered_by element names for one instance."""
    diags = Diagnostics()
    if isinstance(expr, RelativeTraversalExpr):
        steps, d = trigger_traversal(expr.source, key)
        diags.extend(d)
        return steps + list(expr.traversal.steps), diags
    if isinstance(expr, ScopeTraversalExpr):
        return list(expr.traversal.steps), diags
    if isinstance(expr, IndexExpr):
        steps, d = trigger_traversal(expr.collection, key)
        diags.extend(d)
        if diags.has_errors():
            return [], diags
        idx, d = _key_step(expr.key, key)
        diags.extend(d)
        return steps + [idx], diags
    diags.add_error("Invalid replace_triggered_by expression", "Unexpected expression found in replace_triggered_by.", expr.range)
    return [], diags


def _apply_path(v: Value | None, steps: tuple[Step, ...]) -> Value | None:
    """cty's Path.Apply: None where terraform gets cty.NilVal (an error on the way)."""
    cur = v
    for step in steps:
        if cur is None or cur.is_null:
            return None
        if not cur.is_known:
            return unknown()
        raw = cur.v
        if step.kind == "name" or (step.kind == "index" and isinstance(step.value, str)):
            if not isinstance(raw, dict) or step.value not in raw:
                return None
            cur = raw[step.value]
        elif step.kind == "index" and isinstance(step.value, int) and isinstance(raw, (tuple, list)):
            if not 0 <= step.value < len(raw):
                return None
            cur = raw[step.value]
        else:
            return None
    return cur


def _display(mi: ModuleInstance) -> str:
    return str(mi) if str(mi) else "the root module"


def evaluate_replace_triggered_by(
    expr: Any,
    key: IndexKey,
    mi: ModuleInstance,
    module: Module,
    changes: Mapping[str, ResourceInstanceChange],
) -> tuple[Reference | None, bool, Diagnostics]:
    """The reference, whether it triggers a replacement of the instance, and the errors."""
    steps, diags = trigger_traversal(expr, key)
    if diags.has_errors():
        return None, False, diags
    ref, d = parse_ref(hcl.Traversal(tuple(steps)))
    diags.extend(d)
    if ref is None or diags.has_errors():
        return None, False, diags
    subject = ref.subject
    prefix = f"{mi}." if str(mi) else ""
    found: list[ResourceInstanceChange] = []
    if isinstance(subject, ResourceAddr):
        res = subject
        base = prefix + str(subject)
        found = [c for a, c in changes.items() if a == base or a.startswith(base + "[")]
    elif isinstance(subject, ResourceInstance):
        res = subject.resource
        c = changes.get(prefix + str(subject))
        if c is not None:
            found.append(c)
    else:
        return None, False, diags
    if module.resource_by_key(str(res)) is None:
        diags.add_error(
            "Reference to undeclared resource",
            f"A resource {subject} has not been declared in {_display(mi)}",
            expr.range,
        )
        return None, False, diags
    if not found:
        diags.append(diag.error(f"no change found for {subject} in {_display(mi)}"))
        return None, False, diags
    if not ref.remaining:
        return (ref, True, diags) if any(c.action in _TRIGGERING for c in found) else (None, False, diags)
    change = found[0]
    if change.action not in _TRIGGERING:
        return None, False, diags
    before = _apply_path(change.before.unmark_deep()[0], tuple(ref.remaining))
    after = _apply_path(change.after.unmark_deep()[0], tuple(ref.remaining))
    if before is None or after is None:
        return ref, (before is None) != (after is None), diags
    return ref, not raw_equal(before, after), diags
