"""One resource instance's change as the plan shows it (terraform's
jsonformat/plan.go renderHumanDiff): the comment lines, the action symbol and
``resource "TYPE" "NAME"``, then the body's diff; and the same body rendered as
state (``terraform show``, ``state show``)."""

from __future__ import annotations

from collections.abc import Callable

from sheath.plans.model import ResourceInstanceChange
from sheath.plans.render.blocks import block_diff
from sheath.plans.render.computed import RenderOpts
from sheath.plans.render.differ import compute_diff
from sheath.plans.render.format import Colorize
from sheath.plans.render.header import resource_comment
from sheath.plans.render.util import SYMBOLS
from sheath.providers.schema import Block
from sheath.types.cty import Value

SchemaLookup = Callable[[str, str], "Block | None"]  # (mode, type) -> the resource type's schema


def change_text(
    c: ResourceInstanceChange, col: Colorize, render: Callable[[RenderOpts], str], drift: bool = False
) -> str:
    """The comment lines, then the symbol, the block header and the body (render's)."""
    opts = RenderOpts(col, show_unchanged_children=c.importing is not None)
    header = f'{"data" if c.mode == "data" else "resource"} "{c.type}" "{c.name}"'
    return col(resource_comment(c, drift)) + f"{col(SYMBOLS[c.action])} {header} {render(opts)}"


def render_resource_change(
    c: ResourceInstanceChange, color: bool = False, drift: bool = False, schema: Block | None = None
) -> str:
    """One resource's block: the comment lines, then the attribute diff.

    schema: the resource type's schema, when known. Without it every
    attribute is rendered as a dynamic value (by its JSON shape), which is
    right for terraform_data and for plans read from terraform's JSON."""
    _, render = block_diff(c, schema)
    return change_text(c, Colorize(color), render, drift)


def render_state_object(
    c: ResourceInstanceChange, color: bool = False, schema: Block | None = None
) -> str:
    """A state object's body as ``terraform show`` / ``state show`` print it: c is a
    no-op change whose before and after are the object (sensitive paths marked)."""
    _, render = block_diff(c, schema)
    return render(RenderOpts(Colorize(color), show_unchanged_children=True, hide_symbols=True))


def render_state_value(v: Value, color: bool = False) -> str:
    """A typed value (a root module output) as ``terraform show`` prints it."""
    d = compute_diff(v, v, typed=True)
    return d.render(0, RenderOpts(Colorize(color), show_unchanged_children=True, hide_symbols=True))
