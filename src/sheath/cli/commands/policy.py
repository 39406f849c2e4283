"""sheath policy check [-format=F] [-no-color] PLAN: guardrails on a saved plan.

PLAN is a plan file saved by ``sheath plan -out`` or the JSON of ``show -json``
(terraform's own plan JSON included), so the check can gate terraform pipelines
too. Exit status 0 when no mandatory policy fails, 1 otherwise (and on errors).
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from sheath.cli.flags import FlagError, FlagSpec, parse_flags
from sheath.diag import Diagnostics
from sheath.diag.render import render_diagnostic

USAGE = """Usage: sheath [global options] policy check [options] PLAN

  Evaluates the policies (the built-in AWS rule pack, with the enforcement
  levels of sheath-policy.hcl and the skips of .sheath-policy-ignore and of
  inline comments) against a saved plan: a plan file from "sheath plan -out"
  or the output of "show -json" (sheath's or terraform's).

Options:

  -format=human     Output format: human, json, sarif, junit or github.
  -allow-destroy=ADDR  Allow the plan to delete or replace ADDR (wildcards *)
                    beyond the limits of sheath-policy.hcl; repeatable.
  -plan-signing-key=FILE  Verify a signed plan file with this key (or
                    SHEATH_PLAN_SIGNING_KEY_FILE).
  -policies=DIR     Also evaluate the policies in DIR (*.policy.hcl in terraform's
                    policy syntax, *.py using sheath.policy.api); repeatable.
  -no-color         If specified, output won't contain any color.

Exit status: 0 when no mandatory policy fails, 1 otherwise.
"""

_FLAGS = [
    FlagSpec("format", "string", "human"),
    FlagSpec("policies", "list"),
    FlagSpec("allow-destroy", "list"),
    FlagSpec("plan-signing-key", "string"),
    FlagSpec("no-color"),
    FlagSpec("help"),
    FlagSpec("h"),
]


def _error(summary: str, detail: str, color: bool) -> int:
    d = Diagnostics()
    d.add_error(summary, detail)
    for x in d:
        sys.stderr.write(render_diagnostic(x, {}, color))
    return 1


def run(args: list[str]) -> int:
    if not args or args[0] != "check":
        sys.stderr.write(USAGE)
        return 1
    color = "-no-color" not in args
    try:
        fl = parse_flags(args[1:], _FLAGS)
    except FlagError as exc:
        return _error("Failed to parse command-line flags", str(exc), color)
    if fl.get_bool("help") or fl.get_bool("h"):
        sys.stdout.write(USAGE)
        return 0
    from sheath.policy.report import FORMATS

    fmt = fl.get_str("format") or "human"
    if fmt not in FORMATS:
        return _error("Invalid output format", f'-format must be one of {", ".join(FORMATS)}; got "{fmt}".', color)
    if len(fl.args) != 1:
        return _error("Missing plan", "policy check takes exactly one argument: a saved plan file or plan JSON.", color)
    import os

    from sheath.cli.plansigning import load_signing_key

    key, kd = load_signing_key(fl.get_str("plan-signing-key"), os.environ)
    if kd.has_errors():
        for x in kd:
            sys.stderr.write(render_diagnostic(x, {}, color))
        return 1
    doc, diags = read_plan_json(fl.args[0], None if key is None else key.key)
    if doc is None:
        for x in diags:
            sys.stderr.write(render_diagnostic(x, {}, color))
        return 1
    from sheath import __version__
    from sheath.policy.aws import RULES
    from sheath.policy.evaluate import evaluate_rules, index_configuration, read_settings
    from sheath.policy.planinput import plan_input_from_json
    from sheath.policy.report import render

    index = index_configuration(".")
    settings, sd = read_settings(".")
    errors = Diagnostics([*index.diagnostics, *sd])
    if errors.has_errors():
        for x in errors:
            sys.stderr.write(render_diagnostic(x, {}, color))
        return 1
    rules = list(RULES)
    for d in fl.get_list("policies"):
        from sheath.policy.custom import load_policy_dir

        custom, cd = load_policy_dir(d)
        errors.extend(cd)
        rules.extend(custom)
    if errors.has_errors():
        for x in errors:
            sys.stderr.write(render_diagnostic(x, _sources(x), color))
        return 1
    from sheath.policy.evaluate import SETTINGS_FILE
    from sheath.policy.guardrails import check_limits, guardrail_diagnostics, read_limits

    limits, ld = read_limits(SETTINGS_FILE)
    if ld.has_errors():
        for x in ld:
            sys.stderr.write(render_diagnostic(x, _sources(x), color))
        return 1
    plan = plan_input_from_json(doc, index.facts)
    report = evaluate_rules(plan, rules, settings, index.skips)
    sys.stdout.write(render(report, fmt, rules, __version__, color))
    guard = check_limits(doc, limits, fl.get_list("allow-destroy"))
    guard_diags = guardrail_diagnostics(guard)
    if limits.configured and limits.max_monthly_cost_increase is not None:
        from sheath.cost.settings import read_cost_usage
        from sheath.policy.costlimit import check_cost_limit

        usage, ud = read_cost_usage(".")
        guard_diags.extend(ud)
        if usage is not None:
            env_region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or ""
            guard_diags.extend(check_cost_limit(doc, limits.max_monthly_cost_increase, env_region, usage))
    for x in guard_diags:
        sys.stderr.write(render_diagnostic(x, {}, color))
    return 1 if report.mandatory_failures or guard_diags.has_errors() else 0


def _sources(d: Any) -> dict[str, bytes]:
    """The file a diagnostic points into, for its source snippet."""
    subject = getattr(d, "subject", None)
    if subject is None or not subject.filename:
        return {}
    try:
        with open(subject.filename, "rb") as fh:
            return {subject.filename: fh.read()}
    except OSError:
        return {}


def read_plan_json(path: str, signing_key: bytes | None = None) -> tuple[dict[str, Any] | None, Diagnostics]:
    """terraform's JSON plan representation from a plan JSON file or a sheath plan file."""
    diags = Diagnostics()
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        diags.add_error("Failed to read plan", f"Could not read {path}: {exc.strerror}")
        return None, diags
    if data[:2] == b"PK":
        from sheath.engine.planjson import plan_file_json

        return plan_file_json(data, path, signing_key)
    try:
        doc = json.loads(data)
    except ValueError as exc:
        diags.add_error("Failed to read plan", f"{path} is neither a plan file nor plan JSON: {exc}")
        return None, diags
    if not isinstance(doc, dict) or "format_version" not in doc or not ("resource_changes" in doc or "planned_values" in doc):
        diags.add_error("Failed to read plan", f'{path} is JSON but not a plan ("show -json PLANFILE" output).')
        return None, diags
    return doc, diags
