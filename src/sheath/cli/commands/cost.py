"""sheath cost: the monthly cost of the current state, or of a saved plan before and after
(docs/cost.md)."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from typing import Any

import orjson

from sheath.cli.flags import FlagSpec
from sheath.cli.stateio import Ui, help_requested, parse_command_flags, read_backend_state, state_source, strip_no_color
from sheath.diag import Diagnostics

USAGE = """Usage: sheath [global options] cost [options] [PLANFILE]

  Estimates the monthly cost (hourly prices x 730 hours) of the AWS resources of
  the current state, or, given a saved plan file, before and after the plan and
  the difference. Prices come from a dated snapshot of AWS's public on-demand
  prices shipped with sheath: no network, no API key. Usage-based components
  (requests, GB stored or transferred) take their quantities from an
  Infracost-compatible usage file: -usage-file, else the usage_file of the cost
  block of sheath-policy.hcl in the working directory (the flag wins when both
  are given); without one they are listed with their price and not counted. Resource types, regions and classes the snapshot has no
  price for are listed as unpriced, never counted as $0.

Options:

  -usage-file=path    An Infracost-compatible usage file (infracost-usage.yml).
                      Overrides the cost block of sheath-policy.hcl.
  -plan-signing-key=path
                      The key a signed plan file is verified with.
  -json               Print Infracost's JSON breakdown format.
  -markdown           Print GitHub-flavoured Markdown.
  -no-color           If specified, output won't contain any color.
"""

_FLAGS = [
    FlagSpec("usage-file", "string"),
    FlagSpec("plan-signing-key", "string"),
    FlagSpec("json"),
    FlagSpec("markdown"),
]


def run(args: list[str]) -> int:
    args, color = strip_no_color(args)
    ui = Ui(color)
    if help_requested(args):
        ui.out.write(USAGE)
        return 0
    fl = parse_command_flags(args, _FLAGS, ui, USAGE)
    if fl is None:
        return 1
    diags = Diagnostics()
    if len(fl.args) > 1:
        late = [a for a in fl.args[1:] if a.startswith("-")]
        detail = "Expected at most one positional argument: a saved plan file."
        if late:
            detail += f" Options go before it, as in terraform: sheath cost {' '.join(late)} {fl.args[0]}."
        diags.add_error("Too many command line arguments", detail)
    if fl.get_bool("json") and fl.get_bool("markdown"):
        diags.add_error("Invalid options", "The -json and -markdown options are mutually-exclusive.")
    if fl.get_str("plan-signing-key") is not None and not fl.args:
        diags.add_error("Invalid plan signing key", "The -plan-signing-key option verifies a saved plan file; give the plan file.")
    if diags.has_errors():
        ui.view_diagnostics(diags)
        return 1
    return _cost(ui, fl.args[0] if fl.args else None, fl.get_str("usage-file"), fl.get_str("plan-signing-key"),
                 "json" if fl.get_bool("json") else "markdown" if fl.get_bool("markdown") else "human", color)


def _cost(ui: Ui, plan_path: str | None, usage_path: str | None, key_flag: str | None, fmt: str, color: bool) -> int:
    from sheath.cost.catalog import load_catalog
    from sheath.cost.estimate import Estimator, plan_cost, state_resources
    from sheath.cost.render import Report, render_human, render_markdown, report_to_json
    from sheath.cost.settings import read_cost_usage
    from sheath.cost.usage import UsageFile, load_usage_file

    catalog, diags = load_catalog()
    usage: UsageFile | None
    if usage_path is not None:  # the flag wins over the cost block of sheath-policy.hcl
        usage, ud = load_usage_file(usage_path)
    else:
        usage, ud = read_cost_usage(".")
    diags.extend(ud)
    if catalog is None or usage is None or diags.has_errors():
        ui.view_diagnostics(diags)
        return 1
    env_region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or ""
    estimator = Estimator(catalog, usage, "", env_region)
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if plan_path is not None:
        plan_json, pd = _plan_json(plan_path, key_flag)
        diags.extend(pd)
        if plan_json is None:
            ui.view_diagnostics(diags)
            return 1
        report = Report.of_plan(catalog, plan_path, plan_cost(estimator, plan_json), usage.path, now)
    else:
        state_json, sd = _state_json(ui)
        diags.extend(sd)
        if state_json is None:
            ui.view_diagnostics(diags)
            return 1
        report = Report(catalog, ".", estimator.breakdown(state_resources(state_json)), None, usage.path, now)
    if diags:
        ui.view_diagnostics(diags)
    if fmt == "json":
        ui.out.write(orjson.dumps(report_to_json(report), option=orjson.OPT_INDENT_2).decode() + "\n")
    elif fmt == "markdown":
        ui.out.write(render_markdown(report))
    else:
        ui.out.write(render_human(report, color))
    return 0


def _plan_json(path: str, key_flag: str | None) -> tuple[dict[str, Any] | None, Diagnostics]:
    from sheath.cli.plansigning import load_signing_key
    from sheath.cost.regions import plan_file_cost_json

    key, diags = load_signing_key(key_flag, os.environ)
    if diags.has_errors():
        return None, diags
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        diags.add_error("Failed to read the plan file", f"{path}: {exc.strerror or exc}")
        return None, diags
    doc, pd = plan_file_cost_json(data, path, None if key is None else key.key)
    diags.extend(pd)
    return doc, diags


def _state_json(ui: Ui) -> tuple[dict[str, Any] | None, Diagnostics]:
    from sheath.engine.schemas import NativeSchemas
    from sheath.states.jsonstate import state_to_json

    src = state_source(ui, view=True)
    if src is None:
        return None, Diagnostics()
    sf, diags, _ = read_backend_state(src)
    if diags.has_errors():
        return None, diags
    return state_to_json(sf, NativeSchemas()), diags
