"""The review views of a plan: what ``show`` prints after a plan made with
-allow-data-loss, and the pull-request Markdown that ``show -markdown`` and ``plan
-markdown`` write (counts, changes by action, drift, policy results, data loss allowed,
cost, the human plan with sensitive values redacted as there)."""

from __future__ import annotations

import os
from typing import Any

from sheath.engine.dataloss import FLAG as DATA_LOSS_FLAG
from sheath.plans.model import Plan


def allowed_data_loss_text(plan: Plan, color: bool) -> str:
    """What show prints after a plan made with -allow-data-loss: the addresses applying it
    allows to lose data (a reviewer must see them; the plan's own warnings are not saved).
    Nothing for any other plan."""
    if not plan.allow_data_loss_addrs:
        return ""
    title = f"Data loss allowed: this plan was made with -{DATA_LOSS_FLAG}"
    if color:
        title = f"\x1b[1m{title}\x1b[0m"
    lines = "".join(f"  - {a}\n" for a in plan.allow_data_loss_addrs)
    return f"\n{title}\n\nApplying it allows these resources to lose data, as allow_data_loss = true on them would:\n{lines}"


def allowed_data_loss_markdown(plan: Plan) -> tuple[tuple[str, str], ...]:
    """The Markdown section of a plan made with -allow-data-loss (none for any other plan)."""
    if not plan.allow_data_loss_addrs:
        return ()
    items = "".join(f"- `{a}`\n" for a in plan.allow_data_loss_addrs)
    return ((f"Data loss allowed (-{DATA_LOSS_FLAG})", "Applying this plan allows these resources to lose data, as `allow_data_loss = true` on them would:\n\n" + items),)


def plan_markdown(plan: Plan, config_files: dict[str, bytes], report: Any) -> str:
    """The pull-request Markdown of plan, made from config_files, with the policy report
    (None when no policy ran): what show -markdown and plan -markdown write."""
    from sheath.backend.current import current_workspace
    from sheath.cli.views.markdown import MarkdownInput, render_markdown
    from sheath.cost.regions import plan_file_regions
    from sheath.engine.planjson import plan_json, schema_lookup
    from sheath.engine.schemas import NativeSchemas
    from sheath.plans.render import render_plan

    find = schema_lookup(plan, NativeSchemas())

    def lookup(mode: str, type_: str) -> Any:
        s = find(mode, type_)
        return None if s is None else s.block

    text = render_plan(plan, color=False, schemas=lookup, in_automation=True)
    doc = plan_json(plan, config_files)
    return render_markdown(
        MarkdownInput(doc, text, directory=os.path.basename(os.getcwd()) or ".", workspace=current_workspace(), policy=report,
                      extra_sections=allowed_data_loss_markdown(plan) + cost_section(plan_file_regions(doc, plan, config_files)))
    )


def cost_section(doc: dict[str, Any], root_dir: str = ".") -> tuple[tuple[str, str], ...]:
    """The "Cost" section of the Markdown when the plan has AWS resources (docs/cost.md),
    with the usage file of the cost block of root_dir's sheath-policy.hcl; a usage file that cannot be
    read is said in the section, and its usage not counted."""
    from sheath.cost.catalog import load_catalog
    from sheath.cost.review import cost_markdown, summarize_plan_cost
    from sheath.cost.settings import read_cost_usage

    catalog, _ = load_catalog()
    if catalog is None:
        return ()
    usage, ud = read_cost_usage(root_dir)
    env_region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or ""
    summary = summarize_plan_cost(catalog, doc, env_region, usage)
    if summary is None:
        return ()
    md = cost_markdown(summary)
    if usage is None:
        problems = "; ".join(f"{d.summary}: {d.detail}" if d.detail else d.summary for d in ud if d.severity.value == "error")
        md = f"**The usage file was not read, usage not counted** ({problems}).\n\n" + md
    return (("Cost", md),)


__all__ = ["allowed_data_loss_markdown", "allowed_data_loss_text", "cost_section", "plan_markdown"]
