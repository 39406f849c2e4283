"""Terraform's "expression values" lines under a diagnostic's source snippet.

For each traversal the failing expression references, the longest prefix
(of two or more steps) that evaluates without error is shown with a compact
statement about its value: ``var.x is "abc"``, ``local.m is map of string with
2 elements``. Sensitive values and unknown values are left out unless the
diagnostic says it was caused by them.
"""

from __future__ import annotations

from typing import Any

from sheath.diag import Diagnostic
from sheath.lang.eval.context import EvalContext
from sheath.lang.eval.traversal import traverse_steps
from sheath.lang.hcl import TraverseAttr, TraverseIndex, TraverseRoot, Traversal
from sheath.types.cty import SENSITIVE, EPHEMERAL, UNKNOWN, Value
from sheath.goquote import go_quote as _go_quote


def _num_g10(n: Any) -> str:
    try:
        f = n.to_float()
    except Exception:
        return str(n)
    if f != f:
        return "NaN"
    if f in (float("inf"), float("-inf")):
        return "+Inf" if f > 0 else "-Inf"
    return format(f, ".10g")


def compact_value_str(v: Value) -> str:
    if SENSITIVE in v.marks:
        return "(sensitive value)"
    t = v.type
    if v.v is None:
        return "null"
    if v.v is UNKNOWN:
        return "(not yet known)"
    if t.is_primitive():
        name = t.friendly_name()
        if name == "bool":
            return "true" if v.v else "false"
        if name == "number":
            return _num_g10(v.v)
        return _go_quote(v.v)
    if t.is_collection() or t.is_tuple():
        n = len(v.v)
        fn = t.friendly_name()
        if n == 0:
            return "empty " + fn
        if n == 1:
            return fn + " with 1 element"
        return f"{fn} with {n} elements"
    if t.is_object():
        attrs = list(t.attrs)  # type: ignore[attr-defined]
        if not attrs:
            return "object with no attributes"
        if len(attrs) == 1:
            return f'object with 1 attribute "{attrs[0]}"'
        return f"object with {len(attrs)} attributes"
    return t.friendly_name()


def traversal_str(steps: tuple[Any, ...]) -> str:
    out: list[str] = []
    for s in steps:
        if type(s) is TraverseRoot:
            out.append(s.name)
        elif type(s) is TraverseAttr:
            out.append("." + s.name)
        elif type(s) is TraverseIndex:
            k = s.key
            if isinstance(k, Value) and k.type.is_primitive():
                out.append("[" + compact_value_str(k) + "]")
            else:
                out.append("[...]")
    return "".join(out)


def expression_values(d: Diagnostic) -> list[tuple[str, str]]:
    expr: Any = d.extra.get("expr")
    ctx = d.extra.get("ctx")
    if expr is None or not isinstance(ctx, EvalContext):
        return []
    include_unknown = bool(d.extra.get("caused_by_unknown"))
    include_sensitive = bool(d.extra.get("caused_by_sensitive"))
    include_ephemeral = bool(d.extra.get("caused_by_ephemeral"))
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    try:
        travs: list[Traversal] = expr.variables()
    except Exception:
        return []
    for trav in travs:
        steps = trav.steps
        while len(steps) > 1:
            root = steps[0]
            assert isinstance(root, TraverseRoot)
            base = ctx.lookup(root.name)
            if base is None:
                steps = steps[:-1]
                continue
            val, diags = traverse_steps(base, steps, 1)
            if diags.has_errors():
                steps = steps[:-1]
                continue
            ts = traversal_str(steps)
            if ts in seen:
                break
            if any(m not in (SENSITIVE, EPHEMERAL) for m in val.marks):
                break
            if SENSITIVE in val.marks and EPHEMERAL in val.marks:
                if not include_sensitive or not include_ephemeral:
                    break
                stmt = "has an ephemeral, sensitive value"
            elif SENSITIVE in val.marks:
                if not include_sensitive:
                    break
                stmt = "has a sensitive value"
            elif EPHEMERAL in val.marks:
                if not include_ephemeral:
                    break
                stmt = "has an ephemeral value"
            elif val.v is UNKNOWN:
                if not val.type.is_dynamic():
                    if include_unknown:
                        stmt = f"is a {val.type.friendly_name()}, known only after apply"
                    else:
                        stmt = f"is a {val.type.friendly_name()}"
                else:
                    if not include_unknown:
                        break
                    stmt = "will be known only after apply"
            else:
                stmt = "is " + compact_value_str(val)
            out.append((ts, stmt))
            seen.add(ts)
            break
    out.sort(key=lambda x: x[0])
    return out


def annotate(diags: list[Diagnostic]) -> None:
    """Fill expression_values of each diagnostic that records its expression."""
    for d in diags:
        if not d.expression_values and "expr" in d.extra:
            d.expression_values = expression_values(d)
