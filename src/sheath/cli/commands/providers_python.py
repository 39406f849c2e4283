"""sheath providers python -out=DIR: typed Python bindings of every provider the configuration
requires, as DIR/sheath/stack/providers/NAME.py, for a type checker over stacks
(`MYPYPATH=DIR mypy stack.py`)."""

from __future__ import annotations

import os

from sheath.cli.flags import FlagSpec
from sheath.cli.stateio import Ui, diagnostic_sources, help_requested, parse_command_flags, strip_no_color
from sheath.diag import Diagnostics

USAGE = """
Usage: sheath [global options] providers python -out=DIR

  Writes typed Python bindings of every provider the configuration in the
  current directory requires (built-in ones and installed plugins) as modules
  DIR/sheath/stack/providers/NAME.py. A stack imports them as
  "from sheath.stack.providers import NAME"; check it with
  MYPYPATH=DIR mypy stack.py. Plugin providers must be installed (sheath init).

Options:

  -out=DIR    The directory to write the modules under (required).
"""

_FLAGS = [FlagSpec("out", "string", "")]


def run(args: list[str]) -> int:
    args, color = strip_no_color(args)
    ui = Ui(color)
    if help_requested(args):
        ui.out.write(USAGE + "\n")
        return 0
    fl = parse_command_flags(args, _FLAGS, ui, USAGE)
    if fl is None:
        return 1
    diags = Diagnostics()
    out_dir = fl.get_str("out")
    if not out_dir or fl.args:
        diags.add_error(
            "Invalid arguments",
            "The providers python command takes one option, -out=DIR, the directory to write the bindings under, and no arguments.",
        )
        ui.diagnostics(diags)
        return 1
    from sheath.cli.commands.providers_schema import config_providers
    from sheath.config.loader import load_module_tree
    from sheath.engine.providers import lock_consistency, required_plugins
    from sheath.stack.plugin_bindings import Generated, provider_bindings, write_modules

    config, cd = load_module_tree(".")
    if cd.has_errors() or config is None:
        ui.diagnostics(cd, diagnostic_sources(cd))
        return 1
    for d in (required_plugins(), lock_consistency(config, ".")):
        if d.has_errors():
            ui.diagnostics(d)
            return 1
    generated: list[Generated] = []
    for addr in sorted(config_providers(config), key=str):
        g, d = provider_bindings(addr, os.getcwd())
        diags.extend(d)
        if g is None:
            ui.diagnostics(diags)
            return 1
        generated.append(g)
    try:
        paths = write_modules(out_dir, generated)
    except OSError as exc:
        diags.add_error("Failed to write provider bindings", f"The bindings could not be written under {out_dir}: {exc.strerror}.")
        ui.diagnostics(diags)
        return 1
    for path in paths:
        ui.out.write(f"- {path}\n")
    if diags:
        ui.diagnostics(diags)
    return 0
