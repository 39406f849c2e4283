"""The policy gate: the active policies and the blast-radius limits, evaluated on a plan
(a plan check of the operation runner, and what show -markdown, the ui and the Python API
report).

Active are the built-in packs at the levels of ``sheath-policy.hcl``, the policies of each
policy directory given and the ``limits`` of ``sheath-policy.hcl`` (allowed deletions
name the objects that may go). Policies can be turned off for one run; the limits still
apply.

Advisory findings are warnings; a failing mandatory policy is an error at the resource's
declaration, and so is every exceeded limit: plan exits 1, apply refuses. A plan without
resources any policy could look at costs no more than a look at its resource types
(unless a full report is asked for).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sheath.diag import Diagnostic, Diagnostics, error, warning
from sheath.policy.plancheck import CheckResult, PlanCheck, PlanContext

if TYPE_CHECKING:  # the rule packs are imported only when a plan has something to check
    from sheath.plans.model import Plan
    from sheath.policy.model import Finding, Report

SETTINGS_FILE = "sheath-policy.hcl"  # sheath.policy.evaluate's, named here to keep the rule packs unimported


@dataclass(frozen=True)
class GateOptions:
    enabled: bool = True
    policy_dirs: tuple[str, ...] = ()
    allow_destroy: tuple[str, ...] = ()


@dataclass
class GateResult:
    report: Report | None = None  # None: no policy ran
    diagnostics: Diagnostics = field(default_factory=Diagnostics)  # settings, policy files, limits
    findings: Diagnostics = field(default_factory=Diagnostics)  # each failure at its resource's declaration

    @property
    def refused(self) -> bool:
        return self.diagnostics.has_errors() or self.findings.has_errors()

    def human_diagnostics(self) -> Diagnostics:
        """What the human UI shows as diagnostics: the report lists the advisory findings."""
        return Diagnostics([*self.diagnostics, *self.findings.errors()])

    def json_diagnostics(self) -> Diagnostics:
        """Everything, as diagnostics, the skips as one warning (so that the machine-readable
        UI reports every skip too)."""
        out = Diagnostics([*self.diagnostics, *self.findings])
        if self.report is not None and self.report.skipped:
            out.append(warning("Policy checks skipped", "\n".join(skip_notes(self.report))))
        return out


def gate_check(opts: GateOptions, full_report: bool = False) -> PlanCheck:
    """The gate as one of the operation runner's plan checks: a human view prints the
    report after the plan and reports the errors beside it; a machine-readable view gets
    every finding (and the skips) as diagnostics."""
    def check(plan: Plan, ctx: PlanContext) -> CheckResult:
        gate = evaluate_gate(plan, opts, ctx.config, ctx.root_dir, full_report)
        report = gate.report
        text = None if report is None else (lambda color: render_report(report, color))
        return CheckResult("policy", gate.json_diagnostics(), report, text, gate.human_diagnostics())

    return check


def gate_applies(plan: Plan) -> bool:
    """A refresh-only plan changes no infrastructure: the gate does not look at it."""
    from sheath.plans.model import UIMode

    return plan.ui_mode != UIMode.REFRESH_ONLY


def _builtin_types() -> frozenset[tuple[str, str]]:
    from sheath.policy.aws import RULES

    return frozenset((r.mode, t) for r in RULES for t in r.resource_types)


def _may_concern_builtin_rules(plan: Plan) -> bool:
    """Whether any resource of the plan (or of its prior state, for data sources and the
    companions rules look through) has a type a built-in rule checks."""
    types = {(c.mode, c.type) for c in plan.changes if c.type.startswith("aws_")}
    if plan.prior_state is not None:
        for r in plan.prior_state.state.resources.values():
            if r.type.startswith("aws_"):
                types.add((r.mode, r.type))
    if not types:
        return False
    return bool(types & _builtin_types())


def evaluate_gate(plan: Plan, opts: GateOptions, config: Any = None, root_dir: str = ".", full_report: bool = False) -> GateResult:
    """The gate on plan, made from the configuration config (the module tree) in root_dir;
    full_report: run the rules (for their report) even when no resource concerns them."""
    result = GateResult()
    if not gate_applies(plan):
        return result
    settings_path = os.path.join(root_dir, SETTINGS_FILE)
    has_settings = os.path.isfile(settings_path)
    run_rules = opts.enabled and (full_report or bool(opts.policy_dirs) or _may_concern_builtin_rules(plan))
    doc: dict[str, Any] | None = None
    if run_rules:
        doc = _run_rules(plan, opts, config, root_dir, result)
    if has_settings and not result.diagnostics.has_errors():
        from sheath.policy.guardrails import check_limits, guardrail_diagnostics, read_limits

        limits, ld = read_limits(settings_path)
        result.diagnostics.extend(ld)
        if limits.configured and not ld.has_errors():
            if doc is None:
                from sheath.policy.plancheck import plan_document

                doc = plan_document(plan)
            result.diagnostics.extend(guardrail_diagnostics(check_limits(doc, limits, opts.allow_destroy)))
            if limits.max_monthly_cost_increase is not None:
                result.diagnostics.extend(_cost_limit(doc, limits.max_monthly_cost_increase, config, root_dir, plan.variables))
    return result


def _cost_limit(doc: dict[str, Any], limit: Decimal, config: Any, root_dir: str, variables: dict[str, Any]) -> Diagnostics:
    """max_monthly_cost_increase on the plan; the configuration gives each resource's
    provider configuration and its region (sheath.cost.regions: every module's provider
    blocks, evaluated with the plan's variables); the cost block's usage file, the usage."""
    from sheath.cost.settings import read_cost_usage
    from sheath.policy.costlimit import check_cost_limit

    usage, ud = read_cost_usage(root_dir)
    if usage is None:
        return ud

    if config is not None and "configuration" not in doc:
        from sheath.cost.regions import with_provider_regions
        from sheath.plans.configuration import configuration_json

        doc = {**doc, "configuration": with_provider_regions(configuration_json(config), config, variables)}
    env_region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or ""
    ud.extend(check_cost_limit(doc, limit, env_region, usage))
    return ud


def _run_rules(plan: Plan, opts: GateOptions, config: Any, root_dir: str, result: GateResult) -> dict[str, Any] | None:
    from sheath.policy.aws import RULES
    from sheath.policy.custom import load_policy_dir
    from sheath.policy.evaluate import evaluate_rules, index_configuration, read_settings
    from sheath.policy.plancheck import plan_document
    from sheath.policy.planinput import plan_input_from_json

    index = index_configuration(root_dir, config)
    settings, sd = read_settings(root_dir)
    result.diagnostics.extend(index.diagnostics)
    result.diagnostics.extend(sd)
    rules = list(RULES)
    for d in opts.policy_dirs:
        custom, cd = load_policy_dir(d)
        result.diagnostics.extend(cd)
        rules.extend(custom)
    if result.diagnostics.has_errors():
        return None
    doc = plan_document(plan)
    report = evaluate_rules(plan_input_from_json(doc, index.facts), rules, settings, index.skips)
    result.report = report
    for f in report.failures:
        result.findings.append(finding_diagnostic(f, index.ranges.get(f.resource.config_address)))
    return doc


def finding_diagnostic(f: Finding, subject: Any = None) -> Diagnostic:
    """A failing rule as a diagnostic at the resource's declaration: an error when the
    rule is mandatory, else a warning."""
    from sheath.policy.model import Level

    summary = f"Policy {f.rule.id}: {f.rule.title}"
    level = "mandatory" if f.level is Level.MANDATORY else "advisory"
    detail = f"{f.address} ({f.rule.severity.value}, {level}): {f.message}\n\nFix: {f.rule.fix}"
    if f.level is Level.MANDATORY:
        return error(summary, detail, subject)
    return warning(summary, detail, subject)


def skip_notes(report: Report) -> list[str]:
    """One line for each skipped finding, with its reason."""
    out = []
    for f in report.skipped:
        assert f.skipped is not None
        out.append(f"{f.rule.id} on {f.address}: {f.skipped.reason} ({f.skipped.source})")
    return out


def render_report(report: Report, color: bool = False) -> str:
    """The compact human report shown after the plan: one line for each failure and skip,
    and the counts. Empty when nothing failed and nothing was skipped."""
    if not report.findings:
        return ""
    from sheath.policy.model import Level

    def c(code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if color else text

    mand = len(report.mandatory_failures)
    out = [
        "\n" + c("1", "Policy check:") + f" {len(report.failures)} failed ({mand} mandatory), "
        f"{len(report.skipped)} skipped, {report.passed} passed, on {report.checked_resources} resources.\n"
    ]
    for f in report.failures:
        mandatory = f.level is Level.MANDATORY
        label = c("1;31", "mandatory") if mandatory else c("1;33", "advisory ")
        where = f" ({f.source.filename} line {f.source.line})" if f.source else ""
        out.append(f"  {label} {f.rule.id} on {f.address}{where}: {f.rule.title}\n")
        out.append(f"            {f.message.rstrip('.')}. Fix: {f.rule.fix}\n")
    for line in skip_notes(report):
        out.append(f"  skipped   {line}\n")
    return "".join(out)
