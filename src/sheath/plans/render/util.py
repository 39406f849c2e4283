"""terraform's jsonformat/renderers/util.go: the pieces every renderer writes (action
symbols, indentation, the ``-> null`` suffix, the hidden-unchanged count, the
replacement note, quoted strings and attribute names) and the warnings above a child."""

from __future__ import annotations

import re
from typing import Final

from sheath.plans.model import Action
from sheath.goquote import go_quote
from sheath.plans.render.computed import Diff, RenderOpts

_IDENT_RE: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")

SYMBOLS: Final = {
    Action.DELETE_THEN_CREATE: "[red]-[reset]/[green]+[reset]",
    Action.CREATE_THEN_DELETE: "[green]+[reset]/[red]-[reset]",
    Action.CREATE: "  [green]+[reset]",
    Action.DELETE: "  [red]-[reset]",
    Action.FORGET: " [red].[reset]",
    Action.FORGET_THEN_CREATE: "  [red].[reset]/[green]+[reset]",  # OpenTofu's symbol, as it prints it
    Action.READ: " [cyan]<=[reset]",
    Action.UPDATE: "  [yellow]~[reset]",
    Action.NO_OP: "   ",
}

# the attributes objects and blocks always show, changed or not
_IMPORTANT_ATTRIBUTES: Final = frozenset(("id", "name", "tags"))


def indent(n: int) -> str:
    return "    " * n


def symbol(action: Action, opts: RenderOpts) -> str:
    if opts.hide_symbols:
        return ""
    return opts.color(SYMBOLS[action]) + " "


def null_suffix(action: Action, opts: RenderOpts) -> str:
    if opts.override_null_suffix or action != Action.DELETE:
        return ""
    return opts.color(" [dark_gray]-> null[reset]")


def unchanged_text(kind: str, n: int, opts: RenderOpts) -> str:
    s = "" if n == 1 else "s"
    return opts.color(f"[dark_gray]# ({n} unchanged {kind}{s} hidden)[reset]")


def replace_suffix(replace: bool, o: RenderOpts) -> str:
    if (replace or o.force_replace) and not o.forbid_replace:
        return o.color(" [red]# forces replacement[reset]")
    return ""


def warning_lines(d: Diff, ind: int, o: RenderOpts) -> list[str]:
    """A child's warnings, each on lines of its own above it (at the child's indent)."""
    return [f"{indent(ind)}{w}" for w in d.warnings(ind, o)] if d.warnings is not None else []


def attribute_name(k: str) -> str:
    return k if _IDENT_RE.match(k) else go_quote(k)


def attribute_lines(
    children: dict[str, Diff], names: dict[str, str], width: int, ind: int, opts: RenderOpts, important: bool = True
) -> tuple[list[str], int]:
    """The ``name = value`` lines of an object's or block's attributes (names aligned
    to width), each after its warnings, and how many unchanged ones were hidden.
    id, name and tags are always shown when important (objectRenderer's rule)."""
    lines: list[str] = []
    hidden = 0
    shown = opts.clone(show_unchanged_children=True)
    for k, d in children.items():
        if important and k in _IMPORTANT_ATTRIBUTES:
            lines.extend(warning_lines(d, ind + 1, shown))
            lines.append(f"{indent(ind + 1)}{symbol(d.action, shown)}{names[k]:<{width}} = {d.render(ind + 1, shown)}")
            continue
        if d.action == Action.NO_OP and not opts.show_unchanged_children:
            hidden += 1
            continue
        lines.extend(warning_lines(d, ind + 1, opts))
        lines.append(f"{indent(ind + 1)}{symbol(d.action, opts)}{names[k]:<{width}} = {d.render(ind + 1, opts)}")
    return lines, hidden


def close_collection(lines: list[str], hidden: int, kind: str, bracket: str, ind: int, o: RenderOpts, act: Action) -> str:
    """A collection's last lines: the count of its hidden unchanged children (of kind),
    then its closing bracket with the ``-> null`` suffix; all lines joined."""
    if hidden:
        lines.append(f"{indent(ind + 1)}{symbol(Action.NO_OP, o)}{unchanged_text(kind, hidden, o)}")
    lines.append(f"{indent(ind)}{symbol(Action.NO_OP, o)}{bracket}{null_suffix(act, o)}")
    return "\n".join(lines)
