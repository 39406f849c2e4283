"""The ``max_monthly_cost_increase`` limit of ``sheath-policy.hcl``: a plan whose estimated
monthly cost (``sheath cost``'s estimate of its prior state and planned values, docs/cost.md)
grows by more than the limit is over a guardrail, as a plan over ``max_deletes`` is."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sheath.cost.usage import UsageFile
from sheath.diag import Diagnostics


def check_cost_limit(plan_json: dict[str, Any], limit: Decimal, env_region: str = "", usage: UsageFile | None = None) -> Diagnostics:
    """An error when the plan's estimated monthly cost increases by more than limit (USD),
    usage-based components counted where usage (the cost block's usage file) gives them;
    a warning, and no check, when nothing in the plan is priced."""
    from sheath.cost.catalog import load_catalog
    from sheath.cost.render import money, signed_money
    from sheath.cost.review import summarize_plan_cost

    diags = Diagnostics()
    catalog, cd = load_catalog()
    if catalog is None:
        diags.add_warning("Cost limit not checked",
                          "max_monthly_cost_increase was not checked: the price snapshot could not be read. "
                          + " ".join(d.detail for d in cd))
        return diags
    s = summarize_plan_cost(catalog, plan_json, env_region, usage)
    if s is not None and s.unpriced_regions:
        diags.add_warning("Cost limit: resources not counted",
                          region_warning(s.unpriced_regions, s.regions, f"max_monthly_cost_increase = {limit}"))
    if s is None or s.priced == 0:
        what = "the plan has no AWS resource" if s is None else f"none of its {len(s.unpriced)} AWS resource(s) has a price in the snapshot"
        diags.add_warning("Cost limit not checked",
                          f"max_monthly_cost_increase = {limit} was not checked: {what} (see sheath cost).")
        return diags
    if s.diff > limit:
        unpriced = f" {len(s.unpriced)} unpriced resource(s) are not counted." if s.unpriced else ""
        if s.usage_file:
            unpriced += f" Usage-based components are counted with the usage of {s.usage_file}."
        diags.add_error(
            "Plan exceeds a guardrail",
            f"The plan increases the estimated monthly cost by {signed_money(s.diff)} "
            f"({money(s.before)} → {money(s.after)}), more than the limit of {money(limit)} "
            f"(max_monthly_cost_increase in sheath-policy.hcl; prices of snapshot {s.snapshot_version} of "
            f"{s.snapshot_date}; sheath cost PLANFILE gives the breakdown).{unpriced}",
        )
    return diags


def region_warning(unpriced: tuple[tuple[str, str], ...], regions: tuple[str, ...], what: str, shown: int = 5) -> str:
    """Why resources of priced types are not counted: their regions (never a price of another region)."""
    listed = "; ".join(f"{addr}: {reason}" for addr, reason in unpriced[:shown])
    more = f"; and {len(unpriced) - shown} more" if len(unpriced) > shown else ""
    return (f"{what} does not count {len(unpriced)} resource(s) whose region has no price, rather than price them "
            f"in another region ({listed}{more}). The price snapshot has prices for {', '.join(regions)} only; "
            "sheath cost PLANFILE lists them.")
