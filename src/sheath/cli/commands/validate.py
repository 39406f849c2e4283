"""sheath validate [-json] [-no-color]: check whether the configuration is valid."""

from __future__ import annotations

import os
import sys

from sheath.cli.flags import FlagError, FlagSpec, parse_flags, report_flag_error
from sheath.diag import Diagnostics, Severity
from sheath.diag.jsonview import diagnostic_json, go_json
from sheath.diag.consolidate import consolidate_warnings
from sheath.diag.render import render_diagnostic, strip_ui_newline, word_wrap
from sheath.diag.sort import sort_diagnostics
from sheath.engine.validate import validate

USAGE = """Usage: sheath [global options] validate [options]

  Validate the configuration files in a directory, referring only to the
  configuration and not accessing any remote services such as remote state,
  provider APIs, etc.

Options:

  -json        Produce output in a machine-readable JSON format, suitable for
               use in text editor integrations and other automated systems.
               Always disables color.

  -no-color    If specified, output won't contain any color.

  -deprecation=module:LEVEL
               Which module-caller deprecation warnings (OpenTofu's deprecated
               variables and outputs) to show: all (the default), local (only
               those whose module is called by a local path), or none. The
               -json output keeps them all.
"""

_FLAGS = [
    FlagSpec("json"),
    FlagSpec("no-color"),
    FlagSpec("no-tests"),
    FlagSpec("test-directory", "string"),
    FlagSpec("help"),
    FlagSpec("h"),
]

_GREEN_BOLD = "\x1b[32m\x1b[1m"
_RESET = "\x1b[0m"


def _flag_error(message: str, color: bool) -> int:
    return report_flag_error("validate", message, color)


def run(args: list[str]) -> int:
    from sheath.config.deprecation import DeprecationFlagError, strip_deprecation_flag

    color = "-no-color" not in args
    try:
        level, args = strip_deprecation_flag(args)  # OpenTofu's -deprecation=module:LEVEL
    except DeprecationFlagError as exc:
        return _flag_error(str(exc), color)
    try:
        fl = parse_flags(args, _FLAGS)
    except FlagError as exc:
        return _flag_error(str(exc), color)
    if fl.get_bool("help") or fl.get_bool("h"):
        sys.stdout.write(USAGE)
        return 0
    as_json = fl.get_bool("json")
    color = color and not as_json
    root = "."
    if fl.args:
        if len(fl.args) > 1:
            return _flag_error("Too many command line arguments. Expected at most one positional argument.", color)
        root = fl.args[0]
        if not os.path.isdir(root):
            from sheath.diag import error

            d = error(
                "Failed to read module directory",
                f"Module directory {root} does not exist or cannot be read.",
            )
            diags = Diagnostics([d])
            return _report(diags, {}, as_json, color)
    test_dir = fl.get_str("test-directory") or "tests"
    result = validate(root, None if fl.get_bool("no-tests") else test_dir)
    return _report(result.diagnostics, result.sources, as_json, color, level)




def _report(diags: Diagnostics, sources: dict[str, bytes], as_json: bool, color: bool, level: str = "all") -> int:
    errors = sum(1 for d in diags if d.severity is Severity.ERROR)
    warnings = len(diags) - errors
    if as_json:
        doc = {
            "format_version": "1.0",
            "valid": errors == 0,
            "error_count": errors,
            "warning_count": warnings,
            "diagnostics": [diagnostic_json(d, sources) for d in diags],
        }
        sys.stdout.write(go_json(doc) + "\n")
        return 1 if errors else 0
    from sheath.config.deprecation import filter_deprecations

    # as OpenTofu's human view, which alone filters: the counts above are the unfiltered ones
    for d in consolidate_warnings(sort_diagnostics(filter_deprecations(level, diags))):
        stream = sys.stderr if d.severity is Severity.ERROR else sys.stdout
        stream.write(strip_ui_newline(render_diagnostic(d, sources, color), color))
    if errors:
        return 1
    if warnings:
        msg = "The configuration is valid, but there were some validation warnings as shown above."
    else:
        msg = "The configuration is valid."
    # terraform wraps the colourised text at 78 columns, escape sequences included
    if color:
        sys.stdout.write(word_wrap(f"{_GREEN_BOLD}Success!{_RESET} {msg}\n{_RESET}", 78) + "\n")
    else:
        sys.stdout.write(word_wrap(f"Success! {msg}\n", 78) + "\n")
    return 0
