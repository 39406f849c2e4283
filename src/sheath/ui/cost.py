"""The cost view's data: what ``sheath cost`` estimates (``sheath.cost``: the shipped
price snapshot, hourly prices x 730 hours, no network), for the current state and,
when there is one, a plan before and after, per resource and per component, with
totals by resource type and by module.

The estimate is ``sheath cost``'s own: the state and plan are turned into terraform's
JSON representations as the command does (``state_to_json``, ``plan_file_cost_json``), and
priced by the same ``Estimator``; the document also carries the command's ``-json``
report unchanged (``infracost``). Prices are never made up here: unpriced resources
are listed with the reason, never counted as $0, and usage-based components without a
quantity are flagged, not counted. Usage comes from the usage file the ``cost`` block
of the working directory's sheath-policy.hcl names, as for ``sheath cost`` without
``-usage-file`` and the pull-request Markdown; a usage file that cannot be read is an
error diagnostic in the document, and no usage is counted (as the Markdown says).

Attribute values never leave this module: only addresses, types, regions and the
pricers' component names. A component text that contains one of the resource's
sensitive values (a sensitive instance type would name it) is masked.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from sheath.cost.catalog import PriceCatalog
from sheath.cost.components import CostComponent
from sheath.cost.estimate import Breakdown, ResourceCost
from sheath.cost.usage import UsageFile
from sheath.diag import Diagnostics
from sheath.ui.model import SENSITIVE, diagnostics_json

_MODULE_PREFIX = re.compile(r'^((?:module\.[^.\[]+(?:\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\])?\.)*)')


def module_of(address: str) -> str:
    """The module a resource instance is in, without instance keys ("" for the root module)."""
    from sheath.ui.model import config_address

    m = _MODULE_PREFIX.match(address)
    prefix = m.group(1) if m else ""
    return config_address(prefix.rstrip("."))


def _dec(d: Decimal | None) -> str | None:
    from sheath.cost.render import dec

    return dec(d)


def _money(d: Decimal | None) -> str:
    from sheath.cost.render import money

    return money(d)


# ---- sensitive values ------------------------------------------------------------------


def _sensitive_leaves(values: Any, mask: Any, out: set[str]) -> None:
    """The string (and number) leaves of values under a true of terraform's sensitive_values mask."""
    if mask is True:
        _leaves(values, out)
        return
    if isinstance(mask, dict) and isinstance(values, dict):
        for k, m in mask.items():
            _sensitive_leaves(values.get(k), m, out)
    elif isinstance(mask, list) and isinstance(values, list):
        for v, m in zip(values, mask):
            _sensitive_leaves(v, m, out)


def _leaves(v: Any, out: set[str]) -> None:
    if isinstance(v, dict):
        for x in v.values():
            _leaves(x, out)
    elif isinstance(v, list):
        for x in v:
            _leaves(x, out)
    elif isinstance(v, bool) or v is None:
        return
    elif isinstance(v, (str, int, float)):
        text = str(v)
        if len(text) >= 2:
            out.add(text)


def sensitive_strings(doc: Any) -> dict[str, set[str]]:
    """Resource instance address -> the texts of its sensitive values, from every module
    tree of a JSON state or plan (values, prior_state, planned_values, resource_changes)."""
    out: dict[str, set[str]] = {}

    def module(m: Any) -> None:
        if not isinstance(m, dict):
            return
        for r in m.get("resources") or []:
            if isinstance(r, dict):
                _sensitive_leaves(r.get("values"), r.get("sensitive_values"), out.setdefault(str(r.get("address")), set()))
        for c in m.get("child_modules") or []:
            module(c)

    if isinstance(doc, dict):
        module((doc.get("values") or {}).get("root_module"))
        module(((doc.get("prior_state") or {}).get("values") or {}).get("root_module"))
        module((doc.get("planned_values") or {}).get("root_module"))
        for rc in doc.get("resource_changes") or []:
            if not isinstance(rc, dict):
                continue
            ch = rc.get("change") or {}
            bucket = out.setdefault(str(rc.get("address")), set())
            _sensitive_leaves(ch.get("before"), ch.get("before_sensitive"), bucket)
            _sensitive_leaves(ch.get("after"), ch.get("after_sensitive"), bucket)
    return {k: v for k, v in out.items() if v}


# A value in a pricer's text stands alone: between the start or end of the text, white space,
# punctuation that separates values ("(on-demand, Single-AZ, db.t3.micro)", "index gsi: WCU")
# or quotes; never inside a longer word, name or address ("db" in "db.t3.micro" or
# "aws_db_instance.db" is no value "db").
_VALUE_BEFORE = r"""(?<![^\s,;:("'])"""
_VALUE_AFTER = r"""(?![^\s,;:)"'])"""


def _secret_pattern(secrets: set[str]) -> re.Pattern[str]:
    """One pattern for every secret where it stands as a value, the longest first (case
    ignored: a pricer may capitalise a value, as "Application load balancer")."""
    alternatives = "|".join(re.escape(s) for s in sorted(secrets, key=lambda s: (-len(s), s)))
    return re.compile(f"{_VALUE_BEFORE}(?:{alternatives}){_VALUE_AFTER}", re.IGNORECASE)


def masked_text(text: str, secrets: set[str]) -> str:
    """text with each of secrets replaced by SENSITIVE where it stands as a value."""
    if not secrets:
        return text
    return _secret_pattern(secrets).sub(SENSITIVE, text)


TEXT_KEYS = frozenset(["name", "note", "unit"])  # a component's texts (numbers are figures, never masked)


def scrub(value: Any, secrets: set[str]) -> Any:
    """value with the texts (TEXT_KEYS) of every cost component (a dict with a unit, in the
    section's rows and in the Infracost document alike) masked where one of secrets stands as
    a value in them. Resources' and projects' names are addresses and file names: kept."""
    if not secrets:
        return value
    return _scrub(value, _secret_pattern(secrets))


def _scrub(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, dict):
        component = "unit" in value
        return {k: pattern.sub(SENSITIVE, v) if component and k in TEXT_KEYS and isinstance(v, str) else _scrub(v, pattern)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, pattern) for v in value]
    return value


# ---- the document ----------------------------------------------------------------------


def _component(c: CostComponent | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {
        "monthly_quantity": _dec(c.monthly_quantity),
        "price": _dec(c.price),
        "monthly_cost": _dec(c.monthly_cost),
        "monthly": None if c.monthly_cost is None else _money(c.monthly_cost),
        "counted": c.monthly_cost is not None,
    }


def _components(before: ResourceCost | None, after: ResourceCost | None) -> list[dict[str, Any]]:
    """The components of a resource, before and after matched by name (in the after's order)."""
    b = {c.name: c for c in (before.components if before is not None else ())}
    a = {c.name: c for c in (after.components if after is not None else ())}
    names = list(a) + [n for n in b if n not in a]
    out = []
    for n in names:
        c = a.get(n) or b[n]
        bc, ac = b.get(n), a.get(n)
        row: dict[str, Any] = {
            "name": n,
            "unit": c.unit,
            "usage_based": c.usage_based,
            "priced": c.priced,
            "note": c.note or None,
            "before": _component(bc) if before is not None else None,
            "after": _component(ac) if after is not None else None,
        }
        if c.usage_based and c.quantity is None and c.price is not None:
            row["usage_pending"] = True  # depends on usage: its price is shown, not counted
        out.append(row)
    return out


def _resource_row(address: str, before: ResourceCost | None, after: ResourceCost | None, plan: bool) -> dict[str, Any]:
    r = after or before
    assert r is not None
    bm = before.monthly_cost if before is not None else (Decimal(0) if plan else None)
    am = after.monthly_cost if after is not None else Decimal(0)
    row: dict[str, Any] = {
        "address": address,
        "type": r.type,
        "module": module_of(address),
        "region": r.region,
        "monthly_cost": _dec(am),
        "monthly": _money(am) if am is not None else None,
        "usage_based": any(c.usage_based for c in r.components),
        "usage_pending": any(c.usage_based and c.quantity is None and c.price is not None for c in r.components),
        "components": _components(before, after),
    }
    if plan:
        row["before"] = _dec(bm)
        row["after"] = _dec(am)
        row["diff"] = None if am is None or bm is None else _dec(am - bm)
        row["before_monthly"] = None if bm is None else _money(bm)
        row["diff_monthly"] = None if am is None or bm is None else ("+" if am - bm >= 0 else "") + _money(am - bm)
        row["change"] = "create" if before is None else "delete" if after is None else "update" if am != bm else "no-op"
    return row


def _totals_by(rows: list[dict[str, Any]], key: str, field: str) -> list[dict[str, Any]]:
    sums: dict[str, Decimal] = {}
    for r in rows:
        v = r.get(field)
        sums[r[key]] = sums.get(r[key], Decimal(0)) + (Decimal(v) if v is not None else Decimal(0))
    return [{key: k, "monthly_cost": _dec(v), "monthly": _money(v)} for k, v in sorted(sums.items(), key=lambda kv: (-kv[1], kv[0]))]


def section(breakdown: Breakdown, past: Breakdown | None) -> dict[str, Any]:
    """One estimate: the state's (past None) or a plan's after and before, per resource."""
    plan = past is not None
    after = {r.address: r for r in breakdown.resources if r.priced}
    before = {r.address: r for r in past.resources if r.priced} if past is not None else {}
    addresses = list(after) + [a for a in before if a not in after]
    rows = [_resource_row(a, before.get(a), after.get(a), plan) for a in addresses]
    # the charts: what the plan leaves, counted (usage-based only, not counted: not charted as $0)
    kept = [r for r in rows if r.get("change") != "delete" and r["monthly_cost"] is not None]
    total = breakdown.monthly_cost
    doc: dict[str, Any] = {
        "monthly_cost": _dec(total),
        "monthly": _money(total),
        "resources": rows,
        "by_type": _totals_by(kept, "type", "monthly_cost"),
        "by_module": _totals_by(kept, "module", "monthly_cost"),
        "unpriced": [{"address": r.address, "type": r.type, "region": r.region, "reason": r.unpriced_reason} for r in breakdown.unpriced],
        "free": [{"address": a, "type": t} for a, t in breakdown.free],
        "other_providers": list(breakdown.other_providers),
        "usage_pending": [r["address"] for r in rows if r["usage_pending"] and r.get("change") != "delete"],
    }
    if past is not None:
        doc.update({
            "past_monthly_cost": _dec(past.monthly_cost),
            "past_monthly": _money(past.monthly_cost),
            "diff_monthly_cost": _dec(total - past.monthly_cost),
            "diff_monthly": ("+" if total - past.monthly_cost >= 0 else "") + _money(total - past.monthly_cost),
            "past_unpriced": [{"address": r.address, "type": r.type, "reason": r.unpriced_reason} for r in past.unpriced],
        })
    return doc


def _snapshot(catalog: PriceCatalog) -> dict[str, Any]:
    return {"version": catalog.version, "date": catalog.date, "currency": catalog.currency, "source": catalog.source,
            "line": f"Prices: AWS public on-demand prices, snapshot {catalog.version} of {catalog.date} ({catalog.currency}), offline."}


def _usage(root_dir: str, diags: Diagnostics) -> UsageFile:
    """The usage file of the cost block of root_dir's sheath-policy.hcl (sheath.cost.settings);
    none, its errors added to diags, when it cannot be read."""
    from sheath.cost.settings import read_cost_usage

    usage, ud = read_cost_usage(root_dir)
    diags.extend(ud)
    return usage if usage is not None else UsageFile()


def _usage_json(usage: UsageFile, root_dir: str, diags: Diagnostics) -> dict[str, Any]:
    """The usage file read (relative to root_dir), and whether the cost block's file was read."""
    return {"file": _relative(usage.path, root_dir) or None, "read": not diags.has_errors()}


def _relative(path: str, root_dir: str) -> str:
    return os.path.relpath(path, root_dir) if path else ""


def _estimator(catalog: PriceCatalog, usage: UsageFile) -> Any:
    from sheath.cost.estimate import Estimator

    env_region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or ""
    return Estimator(catalog, usage, "", env_region)


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def state_cost_document(root_dir: str, state: Any, diags: Diagnostics | None = None) -> dict[str, Any]:
    """The monthly cost of state (a StateFile, or None: no state), as ``sheath cost`` prints it."""
    from sheath.engine.schemas import NativeSchemas
    from sheath.cost.catalog import load_catalog
    from sheath.cost.estimate import state_resources
    from sheath.cost.render import Report, report_to_json
    from sheath.states.jsonstate import state_to_json

    all_diags = Diagnostics()
    if diags is not None:
        all_diags.extend(diags)
    catalog, cd = load_catalog()
    all_diags.extend(cd)
    if catalog is None:
        return {"error": True, "snapshot": None, "state": None, "diagnostics": diagnostics_json(all_diags)}
    ud = Diagnostics()
    usage = _usage(root_dir, ud)
    all_diags.extend(ud)
    state_json = state_to_json(state, NativeSchemas(root_dir))
    breakdown = _estimator(catalog, usage).breakdown(state_resources(state_json))
    report = Report(catalog, ".", breakdown, None, _relative(usage.path, root_dir), _now())
    secrets = set().union(*sensitive_strings(state_json).values()) if state_json else set()
    return {
        "error": False,
        "snapshot": _snapshot(catalog),
        "usage": _usage_json(usage, root_dir, ud),
        "state": scrub(section(breakdown, None), secrets),
        "infracost": scrub(report_to_json(report), secrets),
        "diagnostics": diagnostics_json(all_diags),
    }


def plan_cost_document(plan_data: bytes, name: str, source: dict[str, Any], verify: bool = True,
                       root_dir: str = ".") -> dict[str, Any]:
    """A plan file's cost before and after (``sheath cost PLANFILE``'s estimate): plan_data is
    the file's bytes, a saved plan verified (verify) with the key SHEATH_PLAN_SIGNING_KEY_FILE
    names, as the plan view reads it, or a fresh plan written in memory (not verified);
    usage from the cost block of root_dir's sheath-policy.hcl."""
    from sheath.cli.plansigning import load_signing_key
    from sheath.cost.regions import plan_file_cost_json
    from sheath.cost.catalog import load_catalog
    from sheath.cost.estimate import plan_cost
    from sheath.cost.render import Report, report_to_json

    catalog, diags = load_catalog()
    key, kd = load_signing_key(None, os.environ) if verify else (None, Diagnostics())
    diags.extend(kd)
    if catalog is None or kd.has_errors():
        return {"error": True, "source": source, "snapshot": None, "plan": None, "diagnostics": diagnostics_json(diags)}
    plan_json, pd = plan_file_cost_json(plan_data, name, None if key is None else key.key)
    diags.extend(pd)
    if plan_json is None:
        return {"error": True, "source": source, "snapshot": _snapshot(catalog), "plan": None, "diagnostics": diagnostics_json(diags)}
    ud = Diagnostics()  # in the state's document (state_cost_document), not repeated here
    usage = _usage(root_dir, ud)
    pc = plan_cost(_estimator(catalog, usage), plan_json)
    report = Report.of_plan(catalog, name, pc, _relative(usage.path, root_dir), _now())
    secrets = set().union(*sensitive_strings(plan_json).values()) if plan_json else set()
    return {
        "error": False,
        "source": source,
        "snapshot": _snapshot(catalog),
        "usage": _usage_json(usage, root_dir, ud),
        "plan": scrub(section(pc.planned, pc.past), secrets),
        "infracost": scrub(report_to_json(report), secrets),
        "diagnostics": diagnostics_json(diags),
    }
