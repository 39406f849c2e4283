"""terraform's jsonformat/computed: a computed diff (``Diff``), the tree the differ
builds with an action per node and a renderer, and the options it renders with
(``RenderOpts``, terraform's RenderHumanOpts)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sheath.plans.model import Action
from sheath.plans.render.format import Colorize


@dataclass(slots=True)
class RenderOpts:
    color: Colorize
    override_null_suffix: bool = False
    show_unchanged_children: bool = False
    hide_symbols: bool = False  # HideDiffActionSymbols: how state is shown
    force_replace: bool = False  # ForceForcesReplacement (not inherited by clones)
    forbid_replace: bool = False  # ForbidForcesReplacement (not inherited by clones)

    def clone(self, **kw: bool) -> RenderOpts:
        o = RenderOpts(self.color, self.override_null_suffix, self.show_unchanged_children, self.hide_symbols)
        for k, v in kw.items():
            setattr(o, k, v)
        return o


@dataclass(slots=True)
class Diff:
    action: Action
    render: Callable[[int, RenderOpts], str]
    collection: bool = False  # "# forces replacement" goes on the opening line
    warnings: Callable[[int, RenderOpts], list[str]] | None = None
    # the diff rendered with terraform's replacement note where it is not a plain suffix
    forcing_replacement: Callable[[], Diff] | None = None


def forcing_replacement(d: Diff) -> Diff:
    """d with terraform's " # forces replacement" suffix."""
    if d.forcing_replacement is not None:
        return d.forcing_replacement()
    inner = d.render

    def render(ind: int, o: RenderOpts) -> str:
        text = inner(ind, o)
        suffix = o.color(" [red]# forces replacement[reset]")
        if d.collection and "\n" in text:
            first, rest = text.split("\n", 1)
            return f"{first}{suffix}\n{rest}"
        return text + suffix

    return Diff(d.action, render, d.collection)
