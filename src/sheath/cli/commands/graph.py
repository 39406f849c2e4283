"""sheath graph: the resource dependency graph of the configuration, in DOT."""

from __future__ import annotations

import sys

from sheath.cli.commands._operation import Ui
from sheath.cli.flags import FlagError, FlagSpec, parse_flags
from sheath.config import load_module_tree
from sheath.diag import Diagnostic, error
from sheath.graph.references import build_config_graph

USAGE = """Usage: sheath [global options] graph [options]

  Produces a representation of the dependency graph between different
  objects in the current configuration and state.

  By default the graph shows a summary only of the relationships between
  resources in the configuration, since those are the main objects that
  have side-effects whose ordering is significant.

  The graph is presented in the DOT language. The typical program that can
  read this format is GraphViz, but many web services are also available
  to read this format.
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
    return error(
        "Unsupported option -type",
        f"sheath graph does not draw terraform's -type={graph_type} operation graph yet; without -type it "
        "prints the resource dependency graph.",
    )


def _red(text: str, color: bool) -> str:
    return f"\x1b[31m{text}\x1b[0m\x1b[0m\n" if color else f"{text}\n"


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
    bad = _type_error(fl.get_str("type") or "")
    if bad is None and fl.get_str("plan"):
        bad = error("Unsupported option -plan", "sheath graph does not read saved plan files yet.")
    if bad is None and fl.get_bool("draw-cycles"):
        bad = error("Unsupported option -draw-cycles", "-draw-cycles applies only to the -type=... operation graphs, which sheath does not draw yet.")
    if bad is None and fl.values.get("module-depth") != -1:
        bad = error("Unsupported option -module-depth", "-module-depth has had no effect since terraform 0.12; sheath does not accept it.")
    if bad is not None:
        from sheath.diag.render import render_diagnostic

        ui.err.write(render_diagnostic(bad, {}, ui.color))  # terraform's Ui layer: its colour and newline
        return 1
    cfg, diags = load_module_tree(".")
    if diags.has_errors():
        ui.diagnostics(diags)
        return 1
    from sheath.cli.backend import local_backend, remote_backend

    selected, bd = remote_backend(cfg.module)  # the graph reads no state: any backend init recorded will do
    if selected is None and not bd.has_errors():
        _, bd = local_backend(cfg.module)
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
    cg, gd = build_config_graph(cfg)
    if gd.has_errors():
        ui.diagnostics(gd)
        return 1
    ui.out.write(cg.dot())
    return 0
