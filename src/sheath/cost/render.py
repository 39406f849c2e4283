"""Cost reports: Infracost's JSON breakdown shape, a text table, GitHub-flavoured Markdown.
Every report names the price snapshot (version and date)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sheath.cost.catalog import PriceCatalog
from sheath.cost.components import CostComponent
from sheath.cost.estimate import Breakdown, PlanCost, ResourceCost

JSON_VERSION = "0.2"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Report:
    """What a cost command prints: the state's breakdown, or a plan's before and after."""

    catalog: PriceCatalog
    project: str
    breakdown: Breakdown
    past: Breakdown | None = None  # set for a plan
    usage_file: str = ""
    time_generated: str = ""

    @classmethod
    def of_plan(cls, catalog: PriceCatalog, project: str, pc: PlanCost, usage_file: str = "", time_generated: str = "") -> Report:
        return cls(catalog, project, pc.planned, pc.past, usage_file, time_generated)

    @property
    def diff(self) -> Decimal | None:
        return None if self.past is None else self.breakdown.monthly_cost - self.past.monthly_cost

    def snapshot_line(self) -> str:
        return f"Prices: AWS public on-demand prices, snapshot {self.catalog.version} of {self.catalog.date} ({self.catalog.currency}), offline."


def dec(d: Decimal | None) -> str | None:
    if d is None:
        return None
    text = format(d.normalize(), "f")
    return text


def money(d: Decimal | None) -> str:
    if d is None:
        return "-"
    sign = "-" if d < 0 else ""
    return f"{sign}${abs(d).quantize(CENT, rounding=ROUND_HALF_UP):,}"


def signed_money(d: Decimal) -> str:
    return ("+" if d >= 0 else "") + money(d)


# ---- JSON --------------------------------------------------------------------------


def _component_json(c: CostComponent) -> dict[str, Any]:
    return {
        "name": c.name,
        "unit": c.unit,
        "hourlyQuantity": dec(c.hourly_quantity),
        "monthlyQuantity": dec(c.monthly_quantity),
        "price": dec(c.price),
        "hourlyCost": dec(c.hourly_cost),
        "monthlyCost": dec(c.monthly_cost),
        "usageBased": c.usage_based,
        "priced": c.priced,
        **({"note": c.note} if c.note else {}),
    }


def _resource_json(r: ResourceCost) -> dict[str, Any]:
    return {
        "name": r.address,
        "resourceType": r.type,
        "metadata": {"region": r.region},
        "hourlyCost": dec(r.hourly_cost),
        "monthlyCost": dec(r.monthly_cost),
        "costComponents": [_component_json(c) for c in r.components],
        "subresources": [],
    }


def _breakdown_json(b: Breakdown) -> dict[str, Any]:
    return {
        "resources": [_resource_json(r) for r in b.resources if r.priced],
        "totalHourlyCost": dec(b.hourly_cost),
        "totalMonthlyCost": dec(b.monthly_cost),
    }


def _summary(b: Breakdown) -> dict[str, Any]:
    supported = [r for r in b.resources if r.priced]
    unsupported = Counter(r.type for r in b.unpriced)
    free = Counter(t for _, t in b.free)
    return {
        "totalDetectedResources": len(b.resources) + len(b.free),
        "totalSupportedResources": len(supported),
        "totalUnsupportedResources": len(b.unpriced),
        "totalUsageBasedResources": sum(1 for r in supported if any(c.usage_based for c in r.components)),
        "totalNoPriceResources": len(b.free),
        "unsupportedResourceCounts": dict(sorted(unsupported.items())),
        "noPriceResourceCounts": dict(sorted(free.items())),
    }


def report_to_json(rep: Report) -> dict[str, Any]:
    b = rep.breakdown
    diff = rep.diff
    project: dict[str, Any] = {
        "name": rep.project,
        "metadata": {"path": rep.project, "type": "terraform_plan" if rep.past is not None else "terraform_state"},
        "pastBreakdown": None if rep.past is None else _breakdown_json(rep.past),
        "breakdown": _breakdown_json(b),
        "diff": None if rep.past is None else {"totalMonthlyCost": dec(diff)},
        "unpricedResources": [{"name": r.address, "resourceType": r.type, "reason": r.unpriced_reason} for r in b.unpriced],
        "summary": _summary(b),
    }
    past = rep.past
    return {
        "version": JSON_VERSION,
        "metadata": {
            "generator": "sheath cost",
            "priceSnapshot": {"version": rep.catalog.version, "date": rep.catalog.date, "source": rep.catalog.source},
            "usageFile": rep.usage_file or None,
        },
        "currency": rep.catalog.currency,
        "projects": [project],
        "totalHourlyCost": dec(b.hourly_cost),
        "totalMonthlyCost": dec(b.monthly_cost),
        "pastTotalHourlyCost": None if past is None else dec(past.hourly_cost),
        "pastTotalMonthlyCost": None if past is None else dec(past.monthly_cost),
        "diffTotalHourlyCost": None if past is None else dec(b.hourly_cost - past.hourly_cost),
        "diffTotalMonthlyCost": None if diff is None else dec(diff),
        "timeGenerated": rep.time_generated,
        "summary": _summary(b),
    }


# ---- text --------------------------------------------------------------------------


def _component_line(c: CostComponent) -> tuple[str, str, str, str]:
    qty = c.monthly_quantity
    if c.price is None:
        cost = "unpriced" + (f" ({c.note})" if c.note else "")
    elif qty is None:
        what = "depends on usage" if c.usage_based else (c.note or "unknown until apply")
        cost = f"{what}: ${dec(c.price)} per {c.unit}"
    else:
        cost = money(c.monthly_cost)
    q = "" if qty is None else _qty(qty)
    return c.name, q, c.unit, cost


def _qty(q: Decimal) -> str:
    r = q.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP).normalize()
    return f"{r:,f}"


def _resource_lines(r: ResourceCost, bold: str, reset: str) -> list[str]:
    lines = [f"{bold}{r.address}{reset}" + (f"  ({r.region})" if r.region else "")]
    if not r.priced:
        lines.append(f"  unpriced: {r.unpriced_reason}")
        return lines
    for i, c in enumerate(r.components):
        branch = "└─" if i == len(r.components) - 1 else "├─"
        name, q, unit, cost = _component_line(c)
        lines.append(f"  {branch} {name:<58} {q:>14} {unit:<12} {cost}")
    total = r.monthly_cost
    lines.append(f"  Monthly cost: {money(total) if total is not None else 'depends on usage (not counted)'}")
    return lines


def render_human(rep: Report, color: bool) -> str:
    bold, reset = ("\x1b[1m", "\x1b[0m") if color else ("", "")
    out: list[str] = [rep.snapshot_line(), ""]
    b = rep.breakdown
    past_by = rep.past.by_address() if rep.past is not None else {}
    for r in b.resources:
        out.extend(_resource_lines(r, bold, reset))
        if rep.past is not None:
            before = past_by.get(r.address)
            out.append(f"  Before → after: {money(before.monthly_cost if before else Decimal(0))} → {money(r.monthly_cost)}")
        out.append("")
    if rep.past is not None:
        planned = b.by_address()
        for r in rep.past.resources:
            if r.address not in planned:
                out.append(f"{bold}{r.address}{reset}  (destroyed)")
                out.append(f"  Before → after: {money(r.monthly_cost)} → $0.00")
                out.append("")
    usage_pending = sum(1 for r in b.resources if r.usage_without_quantity)
    if rep.past is None:
        out.append(f"{bold}Total monthly cost: {money(b.monthly_cost)}{reset}")
    else:
        diff = rep.diff if rep.diff is not None else Decimal(0)
        out.append(f"{bold}Monthly cost: {money(rep.past.monthly_cost)} → {money(b.monthly_cost)} ({signed_money(diff)}){reset}")
    out.extend(_footnotes(rep, usage_pending))
    return "\n".join(out) + "\n"


def _footnotes(rep: Report, usage_pending: int) -> list[str]:
    b = rep.breakdown
    out: list[str] = []
    if usage_pending:
        out.append(f"{usage_pending} resource(s) have usage-based components without usage: estimates, not counted"
                   + (f" (usage file: {rep.usage_file})." if rep.usage_file else " (give them with -usage-file=infracost-usage.yml)."))
    if b.unpriced:
        out.append(f"{len(b.unpriced)} resource(s) unpriced (not counted as $0): "
                   + ", ".join(f"{r.address} ({r.unpriced_reason})" for r in b.unpriced))
    partial = [r.address for r in b.resources if r.priced and r.unpriced_components]
    if partial:
        out.append(f"{len(partial)} resource(s) with unpriced components: {', '.join(partial)}")
    if b.free:
        out.append(f"{len(b.free)} resource(s) AWS does not charge for.")
    if b.other_providers:
        out.append(f"{len(b.other_providers)} resource(s) of other providers are not priced.")
    return out


# ---- Markdown ----------------------------------------------------------------------


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def _md_cost(r: ResourceCost) -> str:
    if not r.priced:
        return "unpriced"
    if r.monthly_cost is None:
        return "depends on usage"
    return money(r.monthly_cost) + ("\\*" if r.usage_without_quantity else "")


def render_markdown(rep: Report) -> str:
    b = rep.breakdown
    out = ["### Cost estimate", ""]
    if rep.past is None:
        out += ["| Resource | Monthly cost |", "| --- | ---: |"]
        for r in b.resources:
            out.append(f"| `{_md(r.address)}` | {_md_cost(r)} |")
        out.append(f"| **Total** | **{money(b.monthly_cost)}** |")
    else:
        past_by = rep.past.by_address()
        planned = b.by_address()
        out += ["| Resource | Before | After | Diff |", "| --- | ---: | ---: | ---: |"]
        for addr in sorted(set(past_by) | set(planned)):
            before, after = past_by.get(addr), planned.get(addr)
            if (before is not None and not before.priced) or (after is not None and not after.priced):
                out.append(f"| `{_md(addr)}` | unpriced | unpriced | |")
                continue
            bc = before.monthly_cost if before and before.monthly_cost is not None else Decimal(0)
            ac = after.monthly_cost if after and after.monthly_cost is not None else Decimal(0)
            out.append(f"| `{_md(addr)}` | {money(bc)} | {money(ac)} | {signed_money(ac - bc)} |")
        diff = rep.diff if rep.diff is not None else Decimal(0)
        out.append(f"| **Total** | **{money(rep.past.monthly_cost)}** | **{money(b.monthly_cost)}** | **{signed_money(diff)}** |")
    out.append("")
    usage_pending = sum(1 for r in b.resources if r.usage_without_quantity)
    if rep.past is None and usage_pending:
        out.append("\\* plus usage-based components without usage.")
        out.append("")
    for note in _footnotes(rep, usage_pending):
        out.append(f"- {_md(note)}")
    out += ["", f"<sub>{rep.snapshot_line()}</sub>", ""]
    return "\n".join(out)
