"""sheath graph: the resource dependency graph of the configuration, in DOT."""

from __future__ import annotations

import os
import sys
from typing import Any

from sheath.cli.commands._operation import Ui
from sheath.cli.flags import FlagError, FlagSpec, parse_flags
from sheath.config import load_module_tree
from sheath.config.loader import Config
from sheath.diag import Diagnostic, Diagnostics, error
from sheath.graph.applygraph import ApplyGraph
from sheath.graph.references import ConfigGraph, build_config_graph
from sheath.plans.model import Plan
from sheath.plans.planfile import PlanFile
from sheath.states.codec import is_encrypted_document
from sheath.states.statefile import StateFile

USAGE = """Usage: sheath [global options] graph [options]

  Produces a representation of the dependency graph between different
  objects in the current configuration and state.

  By default the graph shows a summary only of the relationships between
  resources in the configuration, since those are the main objects that
  have side-effects whose ordering is significant.

  The graph is presented in the DOT language. The typical program that can
  read this format is GraphViz, but many web services are also available
  to read this format.

Options:

  -plan=tfplan     Render the apply graph of a plan file saved by sheath plan
                   -out, from the configuration saved in it. Implies
                   -type=apply.

  -draw-cycles     Highlight any cycles in the graph with colored edges
                   (the graphs sheath draws have none).

  -type=plan       Type of operation graph to output. Can be: plan,
                   plan-refresh-only, plan-destroy, or apply. By default
                   sheath just summarizes simple dependencies between
                   resources; -type=apply without -plan draws the apply
                   graph of a plan without changes.
"""


_FLAGS = [
    FlagSpec("type", "string", ""),
    FlagSpec("plan", "string", ""),
    FlagSpec("draw-cycles"),
    FlagSpec("module-depth", "int", -1),
    FlagSpec("help"),
    FlagSpec("h"),
]

_OPERATION_TYPES = ("plan", "plan-refresh-only", "plan-destroy", "apply")


def _type_error(graph_type: str) -> Diagnostic | None:
    """terraform's errors for -type, and sheath's for the types it does not draw yet."""
    if graph_type == "":
        return None
    if graph_type == "validate":
        return error(
            "Graph type no longer available",
            f'The graph type "{graph_type}" is no longer available. Use -type=plan instead to get a similar result.',
        )
    if graph_type not in _OPERATION_TYPES:
        return error(
            "Unsupported graph type",
            'The -type=... argument must be either "plan", "plan-refresh-only", "plan-destroy", or "apply".',
        )
    return None


def _red(text: str, color: bool) -> str:
    return f"\x1b[31m{text}\x1b[0m\x1b[0m\n" if color else f"{text}\n"


def _read_plan(path: str, ui: Ui) -> tuple[PlanFile | None, bool]:
    """terraform's Meta.PlanFile: (plan, ok). A directory is no plan file (terraform then draws
    the configuration's graph); a missing or unreadable file is an error through the Ui."""
    from sheath.plans.planfile import read_plan_file

    if os.path.isdir(path):
        return None, True
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        ui.err.write(_red(f"stat {path}: {(exc.strerror or str(exc)).lower()}", ui.color))
        return None, False
    if data[:2] != b"PK" and not is_encrypted_document(data):
        stripped = data.lstrip(b" \t\r\n")
        first = stripped[:1].decode("latin-1")
        cloud = f"invalid character '{first}' looking for beginning of value" if first else "unexpected end of JSON input"
        ui.err.write(
            _red(
                "couldn't load the provided path as either a local plan file (zip: not a valid zip file) or a saved "
                f"cloud plan ({cloud})",
                ui.color,
            )
        )
        return None, False
    pf, diags = read_plan_file(data, path)
    if pf is None:
        _show(ui, diags)
        return None, False
    return pf, True


def _show(ui: Ui, diags: Diagnostics) -> None:
    """terraform's Meta.showDiagnostics: each through the Ui (its colour and newline)."""
    from sheath.diag.render import render_diagnostic

    for d in diags:
        ui.err.write(render_diagnostic(d, {}, ui.color))


def _apply_graph(pf: PlanFile, ui: Ui, state: StateFile | None) -> int:
    """The apply graph of a saved plan, from the configuration saved in it."""
    from sheath.config.source import SnapshotModuleSource
    from sheath.plans.planfile import plan_matches_state

    cfg, diags = load_module_tree(".", SnapshotModuleSource.of(pf.config_files))
    if diags.has_errors():
        ui.diagnostics(diags, pf.config_files)
        return 1
    sd = plan_matches_state(pf.plan, state)
    if sd.has_errors():
        _show(ui, sd)
        return 1
    return _draw_apply(cfg, pf.plan, ui, pf.config_files)


def _draw_apply(cfg: Config, plan: Plan, ui: Ui, sources: dict[str, bytes] | None, draw_cycles: bool = False) -> int:
    from sheath.graph.applygraph import build_apply_graph, unsupported_reason

    reason = unsupported_reason(cfg, plan)
    refusal = ("Unsupported plan for sheath graph", f"sheath does not draw the apply graph of this plan yet: {reason}.")
    cg = _config_graph(cfg, ui, sources, draw_cycles, refusal if reason else None)
    if cg is None:
        return 1
    return _write(build_apply_graph(cfg, cg, plan), ui)


def _config_graph(
    cfg: Config, ui: Ui, sources: dict[str, bytes] | None, draw_cycles: bool, refusal: tuple[str, str] | None
) -> ConfigGraph | None:
    """The configuration's graph to draw from, or None once the reason it cannot be drawn
    (a refusal, or the configuration's cycles) is shown."""
    if refusal is not None:
        _show(ui, Diagnostics([error(*refusal)]))
        return None
    cg, gd = build_config_graph(cfg)
    if gd.has_errors():
        if draw_cycles:
            _show(ui, Diagnostics([error("Unsupported option -draw-cycles", "sheath does not draw a graph's cycles yet.")]))
        ui.diagnostics(gd, sources)
        return None
    return cg


def run(args: list[str]) -> int:
    ui = Ui(color="-no-color" not in args)
    try:
        fl = parse_flags([a for a in args if a != "-no-color"], _FLAGS)
    except FlagError as exc:
        ui.err.write(_red(USAGE, ui.color))  # terraform's Ui.Error with the help text
        ui.err.write(_red(f"Error parsing command-line flags: {exc}\n", ui.color))
        return 1
    if fl.get_bool("help") or fl.get_bool("h"):
        sys.stdout.write(USAGE)
        return 0
    if fl.args:
        ui.err.write(_red("Too many command line arguments. Did you mean to use -chdir?", ui.color))
        return 1
    pf: PlanFile | None = None
    if fl.get_str("plan"):
        pf, ok = _read_plan(fl.get_str("plan") or "", ui)
        if not ok:
            return 1
    graph_type = fl.get_str("type") or ""
    if pf is not None and graph_type == "":
        graph_type = "apply"  # a saved plan's graph is its apply graph
    bad = None if graph_type == "apply" else _type_error(graph_type)
    if bad is None and graph_type == "" and fl.get_bool("draw-cycles"):
        bad = error("Unsupported option -draw-cycles", "-draw-cycles applies only to the operation graphs (-type=...).")
    if bad is None and fl.values.get("module-depth") != -1:
        bad = error("Unsupported option -module-depth", "-module-depth has had no effect since terraform 0.12; sheath does not accept it.")
    if bad is not None:
        from sheath.diag.render import render_diagnostic

        ui.err.write(render_diagnostic(bad, {}, ui.color))  # terraform's Ui layer: its colour and newline
        return 1
    if pf is not None:
        cfg, diags = load_root_module(".")
    else:
        cfg, diags = load_module_tree(".")
    if diags.has_errors():
        ui.diagnostics(diags)
        return 1
    from sheath.cli.backend import local_backend, remote_backend

    selected, bd = remote_backend(cfg.module)  # the graph reads no state: any backend init recorded will do
    lb = None
    if selected is None and not bd.has_errors():
        lb, bd = local_backend(cfg.module)
    if bd.has_errors():
        ui.diagnostics(bd)
        return 1
    from sheath.engine.providers import required_plugins

    pd = required_plugins()
    if pd.has_errors():
        from sheath.diag.render import render_diagnostic

        for d in pd:  # terraform's Meta.Backend error goes through the Ui (its extra newline kept)
            ui.err.write(render_diagnostic(d, {}, ui.color))
        return 1
    if graph_type == "apply":
        # -draw-cycles changes nothing here: an apply graph sheath draws has no cycles
        state, sd = _current_state(selected, lb)
        if sd.has_errors():
            _show(ui, sd)
            return 1
        if pf is not None:
            return _apply_graph(pf, ui, state)
        # terraform draws the apply graph of a plan with no changes, made from the current state
        return _draw_apply(cfg, Plan(prior_state=state), ui, None, fl.get_bool("draw-cycles"))
    if graph_type:
        state, sd = _current_state(selected, lb)
        if sd.has_errors():
            _show(ui, sd)
            return 1
        if pf is not None:
            return _plan_graph_of_file(pf, ui, state, graph_type, fl.get_bool("draw-cycles"))
        return _draw_plan(cfg, state, graph_type, ui, None, fl.get_bool("draw-cycles"))
    cg, gd = build_config_graph(cfg)
    if gd.has_errors():
        ui.diagnostics(gd)
        return 1
    ui.out.write(cg.dot())
    return 0


def _plan_graph_of_file(pf: PlanFile, ui: Ui, state: StateFile | None, graph_type: str, draw_cycles: bool) -> int:
    """A plan graph of the configuration and prior state saved in a plan file."""
    from sheath.config.source import SnapshotModuleSource
    from sheath.plans.planfile import plan_matches_state

    cfg, diags = load_module_tree(".", SnapshotModuleSource.of(pf.config_files))
    if diags.has_errors():
        ui.diagnostics(diags, pf.config_files)
        return 1
    sd = plan_matches_state(pf.plan, state)
    if sd.has_errors():
        _show(ui, sd)
        return 1
    return _draw_plan(cfg, pf.plan.prior_state, graph_type, ui, pf.config_files, draw_cycles)


def _draw_plan(
    cfg: Config, state: StateFile | None, graph_type: str, ui: Ui, sources: dict[str, bytes] | None, draw_cycles: bool
) -> int:
    """terraform's plan graphs (-type=plan, plan-refresh-only, plan-destroy)."""
    from sheath.graph.applygraph import build_plan_graph, plan_graph_unsupported_reason

    prior = state.state if state is not None else None
    reason = plan_graph_unsupported_reason(cfg)
    refusal = ("Unsupported configuration for sheath graph", f"sheath does not draw the -type={graph_type} graph here yet: {reason}.")
    cg = _config_graph(cfg, ui, sources, draw_cycles, refusal if reason else None)
    if cg is None:
        return 1
    return _write(build_plan_graph(cfg, cg, prior, graph_type), ui)


def _write(graph: ApplyGraph, ui: Ui) -> int:
    """The graph in DOT, or an error when it has a cycle (terraform builds no such graph)."""
    if graph.cycles:
        names = ", ".join(sorted(graph.cycles[0]))
        _show(ui, Diagnostics([error("Cycle in the graph", f"sheath does not draw a graph with a cycle: {names}.")]))
        return 1
    ui.out.write(graph.dot())
    return 0


def load_root_module(directory: str) -> tuple[Config, Diagnostics]:
    """The root module alone (what terraform reads for the backend when the configuration
    to draw comes from a saved plan)."""
    from sheath.addrs.module import Module as ModuleAddr
    from sheath.config.loader import config_files, load_module
    from sheath.config.module import new_module

    primary, override, _ = config_files(directory)
    if not primary and not override:
        empty, _ = new_module(directory, [], [])
        return Config(empty, ModuleAddr()), Diagnostics()
    mod, diags = load_module(directory)
    return Config(mod, ModuleAddr()), diags


def _current_state(selected: Any, lb: Any) -> tuple[StateFile | None, Diagnostics]:
    """The selected workspace's state, read without a lock (the saved plan must have been made from it)."""
    from sheath.cli.stateio import RemoteStateSource, read_backend_state

    if selected is not None:
        sf, d, _ = read_backend_state(RemoteStateSource(selected))
        return sf, d
    if lb is None:
        return None, Diagnostics()
    sf, d, _ = read_backend_state(lb)
    return sf, d
