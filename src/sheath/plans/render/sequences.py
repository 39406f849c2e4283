"""terraform's renderers for lists and sets (list.go, set.go) and for the lists,
sets and maps of nested attribute types (nested_list.go, nested_set.go,
nested_map.go): ``[ element, ]`` with unchanged elements counted; a list also
shows the unchanged element next to a change, as context."""

from __future__ import annotations

from collections.abc import Callable

from sheath.plans.model import Action
from sheath.plans.render.computed import Diff, RenderOpts
from sheath.plans.render.util import (
    close_collection,
    indent,
    null_suffix,
    symbol,
    unchanged_text,
    warning_lines,
)


def list_renderer(elems: list[Diff], act: Action) -> Callable[[int, RenderOpts], str]:
    def render_list(ind: int, o: RenderOpts) -> str:
        if not elems:
            return "[]" + null_suffix(act, o)
        eo = o.clone(override_null_suffix=True)
        uo = o.clone(show_unchanged_children=True)
        lines = ["["]
        unchanged: list[Diff] = []
        render_next = False
        for e in elems:
            if e.action == Action.NO_OP and not render_next and not o.show_unchanged_children:
                unchanged.append(e)
                continue
            render_next = False
            opts = eo
            if len(unchanged) > 1:
                lines.append(f"{indent(ind + 1)}{symbol(Action.NO_OP, opts)}{unchanged_text('element', len(unchanged) - 1, o)}")
            if unchanged:
                last = unchanged[-1]
                lines.append(f"{indent(ind + 1)}{symbol(last.action, uo)}{last.render(ind + 1, uo)},")
            unchanged = []
            if e.action == Action.NO_OP:
                opts = uo
            else:
                render_next = True
            lines.extend(warning_lines(e, ind + 1, opts))
            lines.append(f"{indent(ind + 1)}{symbol(e.action, opts)}{e.render(ind + 1, opts)},")
        return close_collection(lines, len(unchanged), "element", "]", ind, o, act)

    return render_list


def set_renderer(elems: list[Diff], act: Action) -> Callable[[int, RenderOpts], str]:
    def render_set(ind: int, o: RenderOpts) -> str:
        if not elems:
            return "[]" + null_suffix(act, o)
        eo = o.clone(override_null_suffix=True)
        lines = ["["]
        hidden = 0
        for e in elems:
            if e.action == Action.NO_OP and not o.show_unchanged_children:
                hidden += 1
                continue
            lines.append(f"{indent(ind + 1)}{symbol(e.action, eo)}{e.render(ind + 1, eo)},")
        return close_collection(lines, hidden, "element", "]", ind, o, act)

    return render_set


def nested_collection_renderer(
    elems: list[tuple[str, Diff]], is_map: bool, act: Action
) -> Callable[[int, RenderOpts], str]:
    """A list or set (elems' keys empty), or a map (keys quoted), of nested objects."""

    def render(ind: int, o: RenderOpts) -> str:
        if not elems:
            return ("{}" if is_map else "[]") + null_suffix(act, o)
        eo = o.clone(override_null_suffix=True)
        lines = ["{" if is_map else "["]
        hidden = 0
        width = max(len(k) for k, _ in elems)
        for k, e in elems:
            if e.action == Action.NO_OP and not o.show_unchanged_children:
                hidden += 1
                continue
            if is_map:
                lines.append(f"{indent(ind + 1)}{symbol(e.action, eo)}{k:<{width}} = {e.render(ind + 1, eo)}")
            else:
                lines.append(f"{indent(ind + 1)}{symbol(e.action, eo)}{e.render(ind + 1, eo)},")
        return close_collection(lines, hidden, "element", "}" if is_map else "]", ind, o, act)

    return render
