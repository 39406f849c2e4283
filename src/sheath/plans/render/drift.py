"""The plan's "Objects have changed outside of Terraform" section (terraform's
jsonformat/plan.go renderHumanDiffDrift): in a refresh-only plan all the drift,
otherwise only the changes to attributes the plan relies on."""

from __future__ import annotations

from collections.abc import Callable

from sheath.plans.model import Action, Plan, ResourceInstanceChange, UIMode
from sheath.plans.render.blocks import block_diff
from sheath.plans.render.computed import RenderOpts
from sheath.plans.render.format import Colorize, word_wrap
from sheath.plans.render.resource import SchemaLookup, change_text


def _relevant_for(plan: Plan, address: str) -> tuple[bool, frozenset[str] | None]:
    """Whether any of the resource's attributes is relevant, and which top-level names
    (None: all of them; terraform's matcher takes an empty path as the whole object)."""
    paths = [p for r, p in plan.relevant_attributes if not r or r == address]
    if not paths:
        return False, None
    if any(not p for p in paths):
        return True, None
    return True, frozenset(str(p[0]) for p in paths)


def render_drift(plan: Plan, col: Colorize, schemas: SchemaLookup | None, resources_empty: bool) -> tuple[str, bool]:
    """The "Objects have changed outside of Terraform" section, and whether it was printed."""
    refresh_only = plan.ui_mode == UIMode.REFRESH_ONLY
    shown: list[tuple[ResourceInstanceChange, Action, Callable[[RenderOpts], str]]] = []
    for c in plan.drift:
        schema = schemas(c.mode, c.type) if schemas is not None else None
        relevant: frozenset[str] | None = None
        if not refresh_only:
            any_relevant, relevant = _relevant_for(plan, c.address)
            if not any_relevant:
                continue  # nothing relevant: terraform shows nothing for this drift
        act, render = block_diff(c, schema, relevant)
        if act == Action.NO_OP and not refresh_only:
            continue
        shown.append((c, act, render))
    if not shown or (resources_empty and not refresh_only):
        return "", False
    out = [col("\n[bold][cyan]Note:[reset][bold] Objects have changed outside of Terraform\n"), "\n"]
    out.append(
        word_wrap(
            'Terraform detected the following changes made outside of Terraform since the last "terraform apply" '
            "which may have affected this plan:\n"
        )
    )
    for c, _act, render in shown:
        if c.action == Action.NO_OP and not c.moved and c.importing is None:
            continue
        out.append("\n" + change_text(c, col, render, drift=True) + "\n")
    if refresh_only:
        text = (
            "\n\nThis is a refresh-only plan, so Terraform will not take any actions to undo these. If you were "
            "expecting these changes then you can apply this plan to record the updated values in the Terraform "
            "state without changing any remote objects."
        )
    else:
        text = (
            "\n\nUnless you have made equivalent changes to your configuration, or ignored the relevant attributes "
            "using ignore_changes, the following plan may include actions to undo or respond to these changes."
        )
    out.append(word_wrap(text) + "\n")
    return "".join(out), True
