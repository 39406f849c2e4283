"""The views of an operation (OpenTofu's command/views): how the runner's steps
(``sheath.engine.runner``) are told — terraform's human text, or its machine-readable
JSON lines. Both views run the same steps; they differ only in what they print."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from sheath.cli.commands._operation import ProgressHooks, Ui, format_output_value
from sheath.diag import Diagnostics
from sheath.engine.hooks import Hooks
from sheath.engine.operations import Session
from sheath.engine.runner import Operation
from sheath.plans.model import Plan, ResourceInstanceChange, UIMode
from sheath.plans.render import render_plan
from sheath.policy.plancheck import CheckResult
from sheath.types.cty import Value

if TYPE_CHECKING:  # the JSON UI is imported only when -json asks for it
    from sheath.cli.jsonui import JSONView


def destroys(op: Operation) -> bool:
    """Whether the summary is a destroy's: the destroy command's only (apply -destroy
    says "Apply complete!", as terraform's does)."""
    return op.command == "destroy"


class HumanOperationView:
    """terraform's human UI: the plan as text, progress lines, the prompt, the summary."""

    def __init__(self, ui: Ui, input_enabled: bool = True) -> None:
        self.ui = ui
        self.input_enabled = input_enabled
        self.progress = ProgressHooks(ui)
        self.in_automation = bool(os.environ.get("TF_IN_AUTOMATION"))

    @property
    def hooks(self) -> Hooks:
        return self.progress

    def close(self) -> None:
        self.progress.close()

    def diagnostics(self, diags: Diagnostics) -> None:
        self.ui.diagnostics(diags)

    def plan(self, plan: Plan, session: Session, failed: bool, applying: bool) -> None:
        self.ui.out.write(render_plan(plan, color=self.ui.color, in_automation=self.in_automation, schemas=session.schema_lookup))

    def checks(self, results: Sequence[CheckResult]) -> Diagnostics:
        shown = Diagnostics()
        for r in results:
            if r.text is not None:
                self.ui.out.write(r.text(self.ui.color))
            shown.extend(r.human_diagnostics())
        return shown

    def before_trivial_apply(self, diags: Diagnostics) -> None:
        self.ui.diagnostics(diags)

    def confirm(self, destroy: bool) -> bool:
        if not self.input_enabled:
            return False
        if destroy:
            q = (
                "\nDo you really want to destroy all resources?\n"
                "  Terraform will destroy all your managed infrastructure, as shown above.\n"
                "  There is no undo. Only 'yes' will be accepted to confirm.\n\n  Enter a value: "
            )
        else:
            q = (
                "\nDo you want to perform these actions?\n"
                "  Terraform will perform the actions described above.\n"
                "  Only 'yes' will be accepted to approve.\n\n  Enter a value: "
            )
        ui = self.ui
        ui.out.write(ui.c("[reset][bold]") + q + ui.c("[reset]") if ui.color else q)
        ui.out.flush()
        answer = sys.stdin.readline().strip()
        ui.out.write("\n")
        return answer == "yes"

    def cancelled(self, diags: Diagnostics, destroy: bool) -> None:
        self.ui.diagnostics(diags)
        if self.ui.color:
            self.ui.err.write(self.ui.c("\n[reset][bold][red]Error: [reset][bold]Apply cancelled[reset]\n\n"))
        else:
            self.ui.err.write("Error: " + ("Destroy cancelled" if destroy else "Apply cancelled") + "\n\n")

    def saved_plan(self, plan: Plan, session: Session) -> None:
        pass

    def applied(self, plan: Plan, outputs: Mapping[str, tuple[Value, bool]], op: Operation) -> None:
        ui = self.ui
        n = self.progress.counts
        destroy = destroys(op)
        if destroy:
            text = f"Destroy complete! Resources: {n['destroy']} destroyed."
        else:
            imported = sum(1 for c in plan.changes if c.importing is not None)
            head = f"{imported} imported, " if imported else ""
            text = f"Apply complete! Resources: {head}{n['add']} added, {n['change']} changed, {n['destroy']} destroyed."
        ui.out.write(ui.c(f"[reset][bold][green]\n{text}\n[reset]"))
        if not destroy:
            self.outputs(outputs)

    def refreshed(self, outputs: Mapping[str, tuple[Value, bool]]) -> None:
        self.outputs(outputs)

    def outputs(self, outputs: Mapping[str, tuple[Value, bool]]) -> None:
        if not outputs:
            return
        ui = self.ui
        ui.out.write(ui.c("[reset][bold][green]\nOutputs:\n\n[reset]"))
        for name, (v, sensitive) in sorted(outputs.items()):
            ui.out.write(f"{name} = <sensitive>\n" if sensitive else f"{name} = {format_output_value(v)}\n")


class JSONOperationView:
    """terraform's machine-readable UI (-json): one JSON message a line."""

    def __init__(self, view: JSONView) -> None:
        from sheath.cli.jsonui import JSONHooks

        self.view = view
        self.progress = JSONHooks(view)

    @property
    def hooks(self) -> Hooks:
        return self.progress

    def close(self) -> None:
        self.progress.close()

    def diagnostics(self, diags: Diagnostics) -> None:
        self.view.diagnostics(diags)

    def plan(self, plan: Plan, session: Session, failed: bool, applying: bool) -> None:
        if failed and applying:  # unlike plan, apply shows nothing of a plan that failed
            return
        self.view.plan(plan, planned_order(plan, session))

    def checks(self, results: Sequence[CheckResult]) -> Diagnostics:
        shown = Diagnostics()
        for r in results:
            shown.extend(r.diagnostics)
        return shown

    def before_trivial_apply(self, diags: Diagnostics) -> None:
        pass  # reported with the apply's

    def confirm(self, destroy: bool) -> bool:
        return False  # -json cannot ask: the command requires -auto-approve or a plan file

    def cancelled(self, diags: Diagnostics, destroy: bool) -> None:
        self.view.diagnostics(diags)

    def saved_plan(self, plan: Plan, session: Session) -> None:
        self.view.saved_plan_changes(planned_order(plan, session))

    def applied(self, plan: Plan, outputs: Mapping[str, tuple[Value, bool]], op: Operation) -> None:
        from sheath.cli.jsonui import ChangeSummary, outputs_from_values

        n = self.progress.counts
        destroy = destroys(op)
        self.view.change_summary(ChangeSummary(n.add, n.change, n.import_, n.remove, "destroy" if destroy else "apply"))
        if not destroy:
            self.view.outputs(outputs_from_values(outputs))

    def refreshed(self, outputs: Mapping[str, tuple[Value, bool]]) -> None:
        from sheath.cli.jsonui import outputs_from_values

        self.view.outputs(outputs_from_values(outputs))


def planned_order(plan: Plan, session: Session | None) -> list[ResourceInstanceChange]:
    """The plan's changes in an order the engine's walk could have planned them: resources
    after what they depend on (before it, for destroy plans); address order otherwise."""
    rank: dict[str, int] = {}
    if session is not None:
        try:
            order = session.graph.graph.topological_order()
        except Exception:  # a cyclic graph never gets this far; keep address order
            order = []
        rank = {str(n): i for i, n in enumerate(order)}
    sign = -1 if plan.ui_mode == UIMode.DESTROY else 1

    def key(ic: tuple[int, ResourceInstanceChange]) -> tuple[int, int]:
        i, c = ic
        return (sign * rank.get(config_node_name(c), 0), i)

    return [c for _, c in sorted(enumerate(plan.changes), key=key)]


def config_node_name(c: ResourceInstanceChange) -> str:
    """The configuration graph's node of a change's resource (module path, no keys)."""
    parsed = c.instance_addr
    mod = str(parsed.module.module())
    res = str(parsed.resource.resource)
    return f"{mod}.{res}" if mod else res
