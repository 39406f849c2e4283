"""The plan's "Changes to Outputs" (terraform's jsonformat/plan.go renderHumanDiffOutputs):
each changed root output's diff, its value seen as a dynamic value (through JSON)."""

from __future__ import annotations

from sheath.plans.model import Action, OutputChange
from sheath.plans.render.computed import Diff, RenderOpts
from sheath.plans.render.differ import compute_diff
from sheath.plans.render.format import Colorize
from sheath.plans.render.structured import json_shape
from sheath.plans.render.util import SYMBOLS, attribute_name
from sheath.types.cty import SENSITIVE


def output_diff(o: OutputChange) -> Diff:
    b = None if o.before.v is None else json_shape(o.before)
    a = None if o.after.v is None else json_shape(o.after)
    if o.sensitive:
        b = b.mark(SENSITIVE) if b is not None else None
        a = a.mark(SENSITIVE) if a is not None else None
    return compute_diff(b, a)


def render_outputs(outputs: list[OutputChange], color: bool = False) -> str:
    col = Colorize(color)
    opts = RenderOpts(col)
    if not outputs:
        return ""
    names = {o.name: attribute_name(o.name) for o in outputs}
    width = max(len(n) for n in names.values())
    lines = []
    for o in sorted(outputs, key=lambda o: o.name):
        d = output_diff(o)
        if d.action == Action.NO_OP:
            continue
        lines.append(f"{col(SYMBOLS[d.action])} {names[o.name]:<{width}} = {d.render(0, opts)}")
    return "\n".join(lines)
