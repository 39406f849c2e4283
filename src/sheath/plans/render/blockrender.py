"""terraform's renderers.Block: a block's attributes (names aligned, unchanged ones
counted), then each nested block type's blocks; a sensitive block is shown by a
note, with a warning when its sensitivity changes."""

from __future__ import annotations

from dataclasses import dataclass

from sheath.plans.model import Action
from sheath.plans.render.computed import Diff, RenderOpts
from sheath.plans.render.util import (
    attribute_lines,
    attribute_name,
    indent,
    replace_suffix,
    symbol,
    unchanged_text,
    warning_lines,
)
from sheath.providers.schema import Nesting


@dataclass(slots=True)
class BlockGroup:
    """One nested block type's diffs (renderers.Blocks' entry for a key)."""

    kind: Nesting
    diffs: list[tuple[str, Diff]]  # (map key text, diff)
    replace: bool = False
    before_sensitive: bool = False
    after_sensitive: bool = False
    unknown: bool = False


def sensitive_block_text(ind: int, o: RenderOpts, replace: bool) -> str:
    prefix = f"{indent(ind)}{symbol(Action.NO_OP, o)}"
    return (
        f"{{{replace_suffix(replace, o)}\n{prefix}  # At least one attribute in this block is (or was) sensitive,"
        f"\n{prefix}  # so its contents will not be displayed.\n{prefix}}}"
    )


def sensitive_block_warning(ind: int, o: RenderOpts, before: bool, after: bool, inner: Action) -> list[str]:
    if before == after or inner in (Action.CREATE, Action.DELETE):
        return []
    if before:
        return [
            o.color(
                f"  # [yellow]Warning[reset]: this block will no longer be marked as sensitive\n"
                f"{indent(ind)}  # after applying this change."
            )
        ]
    return [
        o.color(
            f"  # [yellow]Warning[reset]: this block will be marked as sensitive and will not\n"
            f"{indent(ind)}  # display in UI output after applying this change."
        )
    ]


def render_block(
    attrs: dict[str, Diff],
    groups: dict[str, BlockGroup],
    ind: int,
    opts: RenderOpts,
    replace: bool,
    action: Action | None = None,
) -> str:
    """renderers.Block: attributes, then each nested block type's blocks."""
    if not attrs and not groups:
        return "{}" + replace_suffix(replace, opts)
    names = {k: attribute_name(k) for k in attrs}
    width = max((len(n) for n in names.values()), default=0)
    body, hidden = attribute_lines(attrs, names, width, ind, opts.clone())
    lines = ["{" + replace_suffix(replace, opts), *body]
    if hidden:
        lines.append(f"{indent(ind + 1)}{symbol(Action.NO_OP, opts)}{unchanged_text('attribute', hidden, opts)}")
    hidden_blocks = 0
    own_action = action if action is not None else Action.NO_OP
    for key, g in groups.items():
        found = False

        def render_one(d: Diff, map_key: str) -> None:
            nonlocal found, hidden_blocks
            creating = d.action == Action.CREATE and g.after_sensitive
            deleting = d.action == Action.DELETE and g.before_sensitive
            modifying = d.action in (Action.UPDATE, Action.NO_OP) and (g.after_sensitive or g.before_sensitive)
            if creating or deleting or modifying:
                act = d.action
                if act == Action.NO_OP and g.before_sensitive != g.after_sensitive:
                    act = Action.UPDATE
                inner, bs, as_ = d, g.before_sensitive, g.after_sensitive
                d = Diff(
                    act,
                    lambda i, o: sensitive_block_text(i, o, False),
                    warnings=lambda i, o: sensitive_block_warning(i, o, bs, as_, inner.action),
                )
            if d.action == Action.NO_OP and not opts.show_unchanged_children:
                hidden_blocks += 1
                return
            if not found and attrs:
                lines.append("")
                found = True
            bo = opts.clone(force_replace=g.replace)
            lines.extend(warning_lines(d, ind + 1, bo))
            lines.append(f"{indent(ind + 1)}{symbol(d.action, bo)}{attribute_name(key)}{map_key} {d.render(ind + 1, bo)}")

        if g.unknown and g.kind not in (Nesting.SINGLE, Nesting.GROUP):
            render_one(Diff(own_action, lambda i, o: "(known after apply)" + replace_suffix(False, o)), "")
        for map_key, d in g.diffs:
            render_one(d, map_key)
    if hidden_blocks:
        lines.append("")
        lines.append(f"{indent(ind + 1)}{symbol(Action.NO_OP, opts)}{unchanged_text('block', hidden_blocks, opts)}")
    lines.append(f"{indent(ind)}{symbol(Action.NO_OP, opts)}}}")
    return "\n".join(lines)
