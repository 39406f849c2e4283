"""terraform's differ.ComputeDiffForBlock: a resource's body and its nested blocks
(single, group, list, set and map nesting), through sensitive and unknown blocks,
with the replace paths that force replacement and the write-only attributes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sheath.plans.model import Action, ResourceInstanceChange
from sheath.plans.render.attributes import attribute_diff, normalize_attribute, renders_as_value
from sheath.plans.render.blockrender import BlockGroup, render_block, sensitive_block_text, sensitive_block_warning
from sheath.plans.render.computed import Diff, RenderOpts, forcing_replacement
from sheath.plans.render.structured import (
    block_value,
    compare_actions,
    is_null,
    iteration_action,
    match_set_elements,
    object_attributes,
    unmark,
)
from sheath.goquote import go_quote
from sheath.plans.render.util import null_suffix, replace_suffix
from sheath.providers.schema import Block, Nesting
from sheath.types.cty import SENSITIVE, UNKNOWN, Value


@dataclass(frozen=True, slots=True)
class ReplacePaths:
    """The replace paths below a point of the value (attribute_path matcher)."""

    paths: frozenset[tuple[Any, ...]]

    def child(self, step: Any) -> ReplacePaths:
        return ReplacePaths(frozenset(p[1:] for p in self.paths if p and p[0] == step))

    def matches(self) -> bool:
        return () in self.paths


def _nested_block_diff(b: Value | None, a: Value | None, schema: Block, replace: ReplacePaths) -> Diff:
    """differ.ComputeDiffForBlock for a nested block (b, a: None when null)."""
    bs = b is not None and SENSITIVE in b.marks
    as_ = a is not None and SENSITIVE in a.marks
    rep = replace.matches()
    if bs or as_:
        inner = _nested_block_diff(unmark(b), unmark(a), schema, replace)
        act = inner.action
        if bs != as_ and act == Action.NO_OP:
            act = Action.UPDATE
        return Diff(
            act,
            lambda ind, o: sensitive_block_text(ind, o, rep),
            warnings=lambda ind, o: sensitive_block_warning(ind, o, bs, as_, inner.action),
        )
    if a is not None and a.v is UNKNOWN:
        if b is None:
            return Diff(Action.CREATE, lambda ind, o: "(known after apply)" + replace_suffix(rep, o))
        before = _nested_block_diff(b, None, schema, ReplacePaths(frozenset()))

        def render_unknown(ind: int, o: RenderOpts) -> str:
            bo = o.clone(override_null_suffix=True, forbid_replace=rep)
            return f"{before.render(ind, bo)} -> (known after apply){replace_suffix(rep, o)}"

        return Diff(Action.UPDATE, render_unknown)
    act, attrs, groups = _block_children(b, a, schema, replace, None)
    return Diff(act, lambda ind, o: render_block(attrs, groups, ind, o, rep, act))


def _block_children(
    b: Value | None,
    a: Value | None,
    schema: Block | None,
    replace: ReplacePaths,
    relevant: frozenset[str] | None,
) -> tuple[Action, dict[str, Diff], dict[str, BlockGroup]]:
    """A block's attribute diffs, nested block groups and action."""
    current = iteration_action(b, a)
    bd = object_attributes(b) if b is not None else {}
    ad = object_attributes(a) if a is not None else {}
    block_types = schema.block_types if schema is not None else {}
    attrs: dict[str, Diff] = {}
    for k in sorted((set(bd) | set(ad)) - set(block_types)):
        attr = schema.attributes.get(k) if schema is not None else None
        if attr is not None and attr.write_only:
            continue
        bv = normalize_attribute(bd.get(k), attr)
        av = normalize_attribute(ad.get(k), attr)
        if relevant is not None and k not in relevant:
            av = bv
        if is_null(bv) and (is_null(av) and (av is None or av.v is not UNKNOWN)):
            continue  # null on both sides: not recorded (an empty string is, as unchanged)
        typed = attr is not None and not attr.implied_type().is_dynamic()
        d = attribute_diff(None if is_null(bv) else bv, None if is_null(av) else av, attr)
        # terraform marks replacement-forcing typed attributes; a dynamic one (rendered
        # through its JSON, like terraform_data's) only when its new value is unknown
        # or sensitive (checked against terraform 1.11)
        if replace.child(k).matches() and (typed or renders_as_value(av)):
            d = forcing_replacement(d)
        attrs[k] = d
        current = compare_actions(current, d.action)
    groups: dict[str, BlockGroup] = {}
    for k in sorted(block_types):
        nb = block_types[k]
        bv = block_value(bd.get(k))
        av = block_value(ad.get(k))
        if relevant is not None and k not in relevant:
            av = bv
        rp = replace.child(k)
        bsens = bv is not None and SENSITIVE in bv.marks
        asens = av is not None and SENSITIVE in av.marks
        unknown = av is not None and av.v is UNKNOWN
        if nb.nesting in (Nesting.SINGLE, Nesting.GROUP):
            d = _nested_block_diff(bv, av, nb.block, rp)
            if d.action == Action.NO_OP and bv is None and av is None:
                continue
            group = BlockGroup(nb.nesting, [("", d)])
            act = d.action
        else:
            bu, au = unmark(bv), unmark(av)
            if au is not None and au.v is UNKNOWN:
                au = None
            diffs, act = _block_collection(bu, au, nb.nesting, nb.block, rp)
            if act == Action.NO_OP and bv is None and av is None and not unknown:
                continue
            group = BlockGroup(nb.nesting, diffs)
        group.replace = rp.matches()
        group.before_sensitive, group.after_sensitive, group.unknown = bsens, asens, unknown
        groups[k] = group
        current = compare_actions(current, act)
    if schema is not None:
        _write_only_attributes(attrs, b, a, schema, replace, current)
    return current, attrs, groups


def _write_only_attributes(
    attrs: dict[str, Diff], b: Value | None, a: Value | None, schema: Block, replace: ReplacePaths, block_action: Action
) -> None:
    """terraform's computeDiffForWriteOnlyAttribute: every write-only attribute of a
    block is shown, with the block's action (an update's as unchanged, so only counted)
    and no value."""
    sensitive = (b is not None and SENSITIVE in b.marks) or (a is not None and SENSITIVE in a.marks)
    text = "(sensitive, write-only attribute)" if sensitive else "(write-only attribute)"
    act = Action.NO_OP if block_action == Action.UPDATE else block_action
    rep = replace.matches()
    written = {k for k, attr in schema.attributes.items() if attr.write_only}
    if not written:
        return
    for k in written:
        attrs[k] = Diff(act, lambda ind, o: text + null_suffix(act, o) + replace_suffix(rep, o))
    ordered = sorted(attrs.items())
    attrs.clear()
    attrs.update(ordered)


def _block_collection(
    b: Value | None, a: Value | None, nesting: Nesting, schema: Block, replace: ReplacePaths
) -> tuple[list[tuple[str, Diff]], Action]:
    """The element diffs of a list, set or map of blocks, and their action."""
    current = iteration_action(b, a)
    out: list[tuple[str, Diff]] = []

    def add(key: str, x: Value | None, y: Value | None, rp: ReplacePaths) -> None:
        nonlocal current
        d = _nested_block_diff(block_value(x), block_value(y), schema, rp)
        out.append((key, d))
        current = compare_actions(current, d.action)

    if nesting == Nesting.MAP:
        bm = b.v if b is not None and isinstance(b.v, dict) else {}
        am = a.v if a is not None and isinstance(a.v, dict) else {}
        for k in sorted(set(bm) | set(am)):
            add(f" {go_quote(k)}", bm.get(k), am.get(k), replace.child(k))
        return out, current
    be: tuple[Value, ...] = b.v if b is not None and isinstance(b.v, tuple) else ()
    ae: tuple[Value, ...] = a.v if a is not None and isinstance(a.v, tuple) else ()
    if nesting == Nesting.LIST:
        for i in range(max(len(be), len(ae))):
            add("", be[i] if i < len(be) else None, ae[i] if i < len(ae) else None, replace.child(i))
        return out, current
    none = ReplacePaths(frozenset())
    matched = match_set_elements(be, ae)
    for i, x in enumerate(be):
        add("", x, ae[matched[i]] if i in matched else None, none)
    for j, y in enumerate(ae):
        if j not in matched.values():
            add("", None, y, none)
    return out, current


def block_diff(
    c: ResourceInstanceChange, schema: Block | None = None, relevant: frozenset[str] | None = None
) -> tuple[Action, Callable[[RenderOpts], str]]:
    """The resource body's diff: its computed action and its renderer.

    relevant: for drift, the attribute names whose changes matter (others are
    shown as unchanged); None means all."""
    b, a = c.before, c.after
    if c.action == Action.FORGET:  # shown as the unchanged object it leaves behind
        a = b
    replace = ReplacePaths(frozenset(tuple(p) for p in c.replace_paths))
    action, attrs, groups = _block_children(
        None if b.is_null else b, None if a.is_null else a, schema, replace, relevant
    )
    return action, lambda opts: render_block(attrs, groups, 0, opts, False, action)
