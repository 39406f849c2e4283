"""sheath get [-update] [-no-color] [-test-directory=path]: install the modules of the
configuration (and of its test files) as init does, without touching providers or the backend."""

from __future__ import annotations

from sheath.cli.flags import FlagError, FlagSpec, parse_flags
from sheath.cli.stateio import Ui, diagnostic_sources, help_requested, strip_no_color

USAGE = (
    "Usage: sheath [global options] get [options]\n\n"
    "  Downloads and installs modules needed for the configuration in the \n"
    "  current working directory.\n\n"
    "  This recursively downloads all modules needed, such as modules\n"
    "  imported by modules imported by the root and so on. If a module is\n"
    "  already downloaded, it will not be redownloaded or checked for updates\n"
    "  unless the -update flag is specified.\n\n"
    "  Module installation also happens automatically by default as part of\n"
    '  the "terraform init" command, so you should rarely need to run this\n'
    "  command separately.\n\n"
    "Options:\n\n"
    "  -update               Check already-downloaded modules for available updates\n"
    "                        and install the newest versions available.\n\n"
    "  -no-color             Disable text coloring in the output.\n\n"
    '  -test-directory=path\tSet the Terraform test directory, defaults to "tests".\n'
)

_FLAGS = [FlagSpec("update"), FlagSpec("test-directory", "string", "tests")]


def run(args: list[str]) -> int:
    args, color = strip_no_color(args)
    ui = Ui(color)
    if help_requested(args):
        ui.out.write(USAGE)
        return 0
    try:
        fl = parse_flags(args, _FLAGS)
    except FlagError as exc:
        ui.error(USAGE.rstrip("\n"))
        ui.error(f"Error parsing command-line flags: {exc}\n")
        return 1
    if fl.args:
        ui.error("Too many command line arguments. Did you mean to use -chdir?")
        return 1
    from sheath.engine.getmodules import get_modules

    lines, diags, sources = get_modules(".", fl.get_bool("update"), fl.get_str("test-directory") or "tests")
    for line in lines:
        ui.output(line)
    ui.diagnostics(diags, {**diagnostic_sources(diags), **sources})
    return 1 if diags.has_errors() else 0
