"""terraform's renderStringDiffAsJson: a string holding a JSON object or array is
rendered as ``jsonencode(...)`` around the diff of its JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sheath.plans.model import Action
from sheath.plans.render.computed import Diff, RenderOpts
from sheath.plans.render.util import indent, null_suffix, symbol
from sheath.types.cty import Value


def json_container(v: Value | None) -> tuple[bool, Any]:
    """Whether v is a string holding a JSON object or array, and its data."""
    if v is None or not isinstance(v.v, str):
        return False, None
    t = v.v.lstrip()
    if not t.startswith(("{", "[")):
        return False, None
    try:
        return True, json.loads(v.v)
    except ValueError:
        return False, None


def json_string_renderer(inner: Diff, act: Action, replace: bool) -> Callable[[int, RenderOpts], str]:
    """jsonencode(...) of inner, the diff of the strings' JSON (act: the strings' action)."""
    # The strings differ but their JSON does not: only whitespace changed.
    whitespace_only = inner.action == Action.NO_OP and act == Action.UPDATE

    def render_json(ind: int, o: RenderOpts) -> str:
        jo = o.clone(override_null_suffix=True)
        sym = Action.UPDATE if act == Action.UPDATE else Action.NO_OP
        comment, suffix = "", ""
        if whitespace_only:
            comment = " # whitespace changes force replacement" if replace else " # whitespace changes"
            jo = jo.clone(show_unchanged_children=True)
            sym = Action.NO_OP
        elif replace:
            suffix = o.color(" [red]# forces replacement[reset]")
        text = inner.render(ind + 1, jo)
        if "\n" not in text:
            return f"jsonencode({text}){comment}{suffix}"
        return (
            f"jsonencode({comment}\n{indent(ind + 1)}{symbol(sym, o)}{text}{suffix}"
            f"\n{indent(ind)}{symbol(Action.NO_OP, o)}){null_suffix(act, o)}"
        )

    return render_json
