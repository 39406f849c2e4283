"""sheath graph: the resource dependency graph of the configuration, in DOT."""

from __future__ import annotations

import sys

from sheath.cli.commands._operation import flag_error, parse
from sheath.config import load_module_tree
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


def run(args: list[str]) -> int:
    fl, ui, rc = parse([a for a in args if not a.startswith("-type=") and a != "-draw-cycles"], "graph")
    if fl is None:
        return rc
    if fl.get_bool("help") or fl.get_bool("h"):
        sys.stdout.write(USAGE)
        return 0
    if fl.args:
        return flag_error(ui, "graph", "Too many command line arguments. Did you mean to use -chdir?")
    cfg, diags = load_module_tree(".")
    if diags.has_errors():
        ui.diagnostics(diags)
        return 1
    cg, gd = build_config_graph(cfg)
    if gd.has_errors():
        ui.diagnostics(gd)
        return 1
    ui.out.write(cg.dot())
    return 0
