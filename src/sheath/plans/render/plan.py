"""The whole human plan (terraform's jsonformat/plan.go renderHuman): the drift
section, the action legend, each resource's change, the "Plan:" summary, the
output changes, and the texts of a plan with no changes or a failed one."""

from __future__ import annotations

from typing import Final

from sheath.plans.model import Action, Plan, UIMode
from sheath.plans.render.drift import render_drift
from sheath.plans.render.format import Colorize, horizontal_rule, word_wrap
from sheath.plans.render.outputs import output_diff, render_outputs
from sheath.plans.render.resource import SchemaLookup, render_resource_change

_LEGEND: Final = [
    (Action.CREATE, "  [green]+[reset] create"),
    (Action.UPDATE, "  [yellow]~[reset] update in-place"),
    (Action.DELETE, "  [red]-[reset] destroy"),
    (Action.DELETE_THEN_CREATE, "[red]-[reset]/[green]+[reset] destroy and then create replacement"),
    (Action.CREATE_THEN_DELETE, "[green]+[reset]/[red]-[reset] create replacement and then destroy"),
    (Action.READ, " [cyan]<=[reset] read (data resources)"),
    (Action.FORGET_THEN_CREATE, "[red].[reset]/[green]+[reset] forget and then create replacement"),  # OpenTofu's
]


def render_plan(
    plan: Plan, color: bool = False, schemas: SchemaLookup | None = None, in_automation: bool = True
) -> str:
    """The whole human plan, as ``terraform show [-no-color] PLANFILE`` prints it.

    Drift (``plan.drift``) is shown as terraform does: in refresh-only mode all
    of it, otherwise only changes to ``plan.relevant_attributes``.
    in_automation: TF_IN_AUTOMATION's effect on one suggestion's wording."""
    col = Colorize(color)
    out: list[str] = []
    empty = all(c.action == Action.NO_OP and not c.moved for c in plan.changes) and all(
        output_diff(o).action == Action.NO_OP for o in plan.output_changes
    )
    drift_text, have_refresh = render_drift(plan, col, schemas, empty)
    out.append(drift_text)
    counts: dict[Action, int] = {}
    changes = []
    for c in plan.changes:
        if c.action == Action.NO_OP and not c.moved and c.importing is None:
            continue
        if c.action == Action.DELETE and c.mode != "managed":
            continue
        changes.append(c)
        if c.action != Action.NO_OP:  # forgets count, but get no legend line nor number
            counts[c.action] = counts.get(c.action, 0) + 1
    outputs = render_outputs(plan.output_changes, color)
    if not changes and not outputs:
        if plan.errored:
            if have_refresh:
                out.append(horizontal_rule(col))
            out.append(
                col("\n[reset][bold][red]Planning failed.[reset][bold] Terraform encountered an error while generating this plan.[reset]\n\n")
            )
        elif plan.ui_mode == UIMode.REFRESH_ONLY:
            if have_refresh:
                return "".join(out)
            out.append(
                col("\n[reset][bold][green]No changes.[reset][bold] Your infrastructure still matches the configuration.[reset]\n\n")
            )
            out.append(
                word_wrap(
                    "Terraform has checked that the real remote objects still match the result of your most "
                    "recent changes, and found no differences."
                )
                + "\n"
            )
        elif plan.ui_mode == UIMode.DESTROY:
            if have_refresh:
                out.append(horizontal_rule(col))
            out.append(col("\n[reset][bold][green]No changes.[reset][bold] No objects need to be destroyed.[reset]\n\n"))
            out.append(
                word_wrap(
                    "Either you have not created any objects yet or the existing objects were already deleted "
                    "outside of Terraform."
                )
                + "\n"
            )
        else:
            if have_refresh:
                out.append(horizontal_rule(col))
            out.append(col("\n[reset][bold][green]No changes.[reset][bold] Your infrastructure matches the configuration.[reset]\n\n"))
            if have_refresh:
                if plan.applyable:
                    text = (
                        "Your configuration already matches the changes detected above, so applying this plan will "
                        "only update the state to include the changes detected above and won't change any real "
                        "infrastructure."
                    )
                else:
                    suggestion = "." if in_automation else ":\n  terraform apply -refresh-only"
                    text = (
                        "Your configuration already matches the changes detected above. If you'd like to update the "
                        "Terraform state to match, create and apply a refresh-only plan" + suggestion
                    )
                out.append(word_wrap(text) + "\n")
                return "".join(out)
            out.append(
                word_wrap(
                    "Terraform has compared your real infrastructure against your configuration and found no "
                    "differences, so no changes are needed."
                )
                + "\n"
            )
        if have_refresh:  # terraform prints the rule again after these texts
            out.append(horizontal_rule(col))
        return "".join(out)
    if have_refresh:
        out.append(horizontal_rule(col))
    if counts:
        out.append(
            word_wrap(
                "\nTerraform used the selected providers to generate the following execution plan. "
                "Resource actions are indicated with the following symbols:"
            )
            + "\n"
        )
        for act, text in _LEGEND:
            if counts.get(act):
                out.append(col(text) + "\n")
    if changes:
        if plan.errored:
            out.append("\nTerraform planned the following actions, but then encountered a problem:\n")
        else:
            out.append("\nTerraform will perform the following actions:\n")
        for c in changes:
            out.append("\n")
            schema = schemas(c.mode, c.type) if schemas is not None else None
            out.append(render_resource_change(c, color, schema=schema) + "\n")
        add = counts.get(Action.CREATE, 0) + counts.get(Action.DELETE_THEN_CREATE, 0) + counts.get(Action.CREATE_THEN_DELETE, 0)
        add += counts.get(Action.FORGET_THEN_CREATE, 0)
        chg = counts.get(Action.UPDATE, 0)
        dst = counts.get(Action.DELETE, 0) + counts.get(Action.DELETE_THEN_CREATE, 0) + counts.get(Action.CREATE_THEN_DELETE, 0)
        imports = sum(1 for c in changes if c.importing is not None)
        if imports:
            out.append(col(f"\n[bold]Plan:[reset] {imports} to import, {add} to add, {chg} to change, {dst} to destroy.\n"))
        else:
            out.append(col(f"\n[bold]Plan:[reset] {add} to add, {chg} to change, {dst} to destroy.\n"))
    if outputs:
        out.append("\nChanges to Outputs:\n")
        out.append(outputs + "\n")
        if not counts:
            out.append(
                word_wrap(
                    "\nYou can apply this plan to save these new output values to the Terraform state, "
                    "without changing any real infrastructure."
                )
                + "\n"
            )
    return "".join(out)
