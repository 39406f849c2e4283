"""A plan's cost for review: the "Cost" section of the pull-request Markdown
(``show -markdown``, ``plan -markdown=FILE``) and the figures the policy gate's
``max_monthly_cost_increase`` limit compares (docs/cost.md, docs/policy.md).

Both read terraform's JSON plan representation through the estimator of ``sheath cost``,
with the usage file the ``cost`` block of sheath-policy.hcl names (sheath.cost.settings;
without one, usage-based components are not counted). Only addresses and amounts are
reported, never attribute values.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sheath.cost.catalog import PriceCatalog
from sheath.cost.estimate import Breakdown, Estimator, ResourceCost, plan_cost
from sheath.cost.pricing import PRICERS
from sheath.cost.render import money, signed_money
from sheath.cost.usage import UsageFile

TOP_CHANGES = 10


@dataclass(frozen=True)
class CostChange:
    """A priced resource whose monthly cost the plan changes (created, updated, destroyed)."""

    address: str
    before: Decimal
    after: Decimal

    @property
    def diff(self) -> Decimal:
        return self.after - self.before


@dataclass(frozen=True)
class PlanCostSummary:
    before: Decimal
    after: Decimal
    changes: tuple[CostChange, ...]  # largest absolute change first
    unpriced: tuple[str, ...]  # addresses unpriced before or after: not counted
    usage_pending: int  # resources with usage-based components not counted (no usage given for them)
    priced: int  # resources with a known price before or after (free types included)
    snapshot_version: str
    snapshot_date: str
    currency: str
    usage_file: str = ""  # the usage file read, "" when none
    # (address, reason) of resources of a priced type left unpriced by their region: unknown,
    # or one the snapshot has no prices for (regions: the snapshot's)
    unpriced_regions: tuple[tuple[str, str], ...] = ()
    regions: tuple[str, ...] = ()

    @property
    def diff(self) -> Decimal:
        return self.after - self.before


def _aws_addresses(b: Breakdown) -> set[str]:
    return {r.address for r in b.resources} | {a for a, _ in b.free}


def _cost(r: ResourceCost | None) -> Decimal:
    return r.monthly_cost if r is not None and r.monthly_cost is not None else Decimal(0)


def summarize_plan_cost(catalog: PriceCatalog, plan_json: dict[str, Any], env_region: str = "",
                        usage: UsageFile | None = None) -> PlanCostSummary | None:
    """The plan's cost before and after, usage-based components counted where usage
    gives their quantity, or None when the plan has no AWS resource (managed, in its prior
    state or its planned values)."""
    usage = usage or UsageFile()
    pc = plan_cost(Estimator(catalog, usage, env_region=env_region), plan_json)
    if not (_aws_addresses(pc.past) | _aws_addresses(pc.planned)):
        return None
    past, planned = pc.past.by_address(), pc.planned.by_address()
    changes: list[CostChange] = []
    unpriced: list[str] = []
    by_region: list[tuple[str, str]] = []
    priced = 0
    for addr in sorted(set(past) | set(planned)):
        before, after = past.get(addr), planned.get(addr)
        if (before is not None and not before.priced) or (after is not None and not after.priced):
            unpriced.append(addr)
            for r in (after, before):
                if r is not None and not r.priced and r.type in PRICERS:  # a priced type: its region
                    by_region.append((addr, r.unpriced_reason))
                    break
            continue
        priced += 1
        ch = CostChange(addr, _cost(before), _cost(after))
        if ch.diff != 0:
            changes.append(ch)
    changes.sort(key=lambda c: (-abs(c.diff), c.address))
    free = {a for a, _ in pc.past.free} | {a for a, _ in pc.planned.free}
    return PlanCostSummary(
        before=pc.past.monthly_cost,
        after=pc.planned.monthly_cost,
        changes=tuple(changes),
        unpriced=tuple(unpriced),
        usage_pending=sum(1 for r in pc.planned.resources if r.usage_without_quantity),
        priced=priced + len(free),
        snapshot_version=catalog.version,
        snapshot_date=catalog.date,
        currency=catalog.currency,
        usage_file=usage.path,
        unpriced_regions=tuple(by_region),
        regions=tuple(sorted(catalog.regions)),
    )


def _code(s: str) -> str:
    tick = "``" if "`" in s else "`"
    pad = " " if "`" in s else ""
    return f"{tick}{pad}{s.replace('|', chr(92) + '|')}{pad}{tick}"


def cost_markdown(s: PlanCostSummary, top: int = TOP_CHANGES) -> str:
    """The body of the "Cost" section: before → after and the difference, the resources
    whose cost changes most, what is not counted, the price snapshot."""
    out = [f"Monthly cost: **{money(s.before)}** → **{money(s.after)}** (**{signed_money(s.diff)}**)", ""]
    if s.changes:
        shown = s.changes[:top]
        title = "Resources whose cost changes" + (f" (the {top} largest changes of {len(s.changes)})" if len(s.changes) > top else "")
        out += [f"{title}:", "", "| Resource | Before | After | Diff |", "| --- | ---: | ---: | ---: |"]
        for c in shown:
            out.append(f"| {_code(c.address)} | {money(c.before)} | {money(c.after)} | {signed_money(c.diff)} |")
        out.append("")
    else:
        out += ["No priced resource changes cost.", ""]
    notes = []
    if s.unpriced:
        notes.append(f"{len(s.unpriced)} resource(s) unpriced (not counted as $0).")
    if s.usage_file:
        notes.append(f"Usage-based components counted with the usage of {_code(os.path.basename(s.usage_file))}.")
    if s.usage_pending:
        how = ("no usage given for them in the usage file" if s.usage_file
               else "`usage_file` in the `cost` block of `sheath-policy.hcl` counts them")
        notes.append(f"{s.usage_pending} resource(s) have usage-based components, not counted ({how}).")
    if notes:
        out += [f"- {n}" for n in notes] + [""]
    out.append(f"<sub>AWS public on-demand prices ({s.currency}), snapshot {s.snapshot_version} of {s.snapshot_date}, "
               "offline; `sheath cost PLANFILE` gives the breakdown.</sub>")
    return "\n".join(out) + "\n"
