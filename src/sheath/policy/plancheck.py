"""Policies as a plan check: what the operation runner calls with every plan it makes.

A plan check is a function of the plan (and the working directory it was made in) that
returns diagnostics and a report; errors stop the apply. ``policy_check`` evaluates the
built-in pack, the policy directories given, the settings and skips of the working
directory and the blast-radius limits, exactly as ``sheath policy check`` does on a saved
plan.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol, Sequence

from sheath.diag import Diagnostics
from sheath.plans.model import Plan
from sheath.policy.model import Level, Report


@dataclass
class CheckResult:
    name: str
    # everything the check found (errors refuse the apply), as a machine-readable view reports it
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    report: Any = None
    # how a human view shows it: a text after the plan (given color or not), and the
    # diagnostics it still reports beside that text (None: all of them)
    text: Callable[[bool], str] | None = None
    text_diagnostics: Diagnostics | None = None

    @property
    def refused(self) -> bool:
        return self.diagnostics.has_errors()

    def human_diagnostics(self) -> Diagnostics:
        return self.diagnostics if self.text_diagnostics is None else self.text_diagnostics


class PlanContext(Protocol):
    """Where a plan was made: the root module's directory and its configuration (an
    engine Session is one)."""

    @property
    def root_dir(self) -> str: ...

    @property
    def config(self) -> Any: ...


@dataclass(frozen=True)
class CheckContext:
    root_dir: str = "."
    config: Any = None


PlanCheck = Callable[[Plan, PlanContext], CheckResult]


def plan_document(plan: Plan) -> dict[str, Any]:
    """The plan's JSON representation (terraform's format), as policies read it."""
    from sheath.plans.jsonplan import plan_to_json

    return plan_to_json(plan)


def plan_hash(plan: Plan) -> str:
    """A stable digest of what the plan will do (its JSON representation, timestamp left out)."""
    doc = dict(plan_document(plan))
    doc.pop("timestamp", None)
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


def policy_check(policy_dirs: Sequence[str] = (), allow_destroy: Sequence[str] = ()) -> PlanCheck:
    def check(plan: Plan, ctx: PlanContext) -> CheckResult:
        root_dir = ctx.root_dir
        from sheath.policy.aws import RULES
        from sheath.policy.custom import load_policy_dir
        from sheath.policy.evaluate import SETTINGS_FILE, evaluate_rules, index_configuration, read_settings
        from sheath.policy.guardrails import check_limits, guardrail_diagnostics, read_limits
        from sheath.policy.planinput import plan_input_from_json

        result = CheckResult("policy")
        index = index_configuration(root_dir)
        settings, sd = read_settings(root_dir)
        result.diagnostics.extend(index.diagnostics)
        result.diagnostics.extend(sd)
        rules = list(RULES)
        for d in policy_dirs:
            custom, cd = load_policy_dir(d)
            result.diagnostics.extend(cd)
            rules.extend(custom)
        limits, ld = read_limits(os.path.join(root_dir, SETTINGS_FILE))
        result.diagnostics.extend(ld)
        if result.diagnostics.has_errors():
            return result
        doc = plan_document(plan)
        report: Report = evaluate_rules(plan_input_from_json(doc, index.facts), rules, settings, index.skips)
        result.report = report
        for f in report.failures:
            where = f" ({f.source.filename}:{f.source.line})" if f.source else ""
            text = f"{f.address}{where}: {f.message}. Fix: {f.rule.fix}"
            title = f"Policy {f.rule.id}: {f.rule.title}"
            if f.level is Level.MANDATORY:
                result.diagnostics.add_error(title, text)
            else:
                result.diagnostics.add_warning(title, text)
        result.diagnostics.extend(guardrail_diagnostics(check_limits(doc, limits, allow_destroy)))
        return result

    return check
