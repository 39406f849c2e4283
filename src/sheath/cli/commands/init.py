"""sheath init [-upgrade] [-backend=false] [-input=false] [-no-color]: prepare the working directory."""

from __future__ import annotations

import os
import sys

from sheath.cli.flags import FlagError, FlagSpec, parse_flags
from sheath.diag import Severity, error
from sheath.diag.render import render_diagnostic
from sheath.diag.sort import sort_diagnostics
from sheath.engine.init import init

USAGE = """Usage: sheath [global options] init [options]

  Initialize a new or existing working directory: install the providers and
  record local modules, so that plan and apply can run.

Options:

  -upgrade          Install the latest provider versions allowed by the
                    configuration, ignoring the dependency lock file.

  -backend=false    Accepted for compatibility; only the local backend exists.

  -input=false      Accepted for compatibility; init never prompts.

  -no-color         If specified, output won't contain any color.
"""

_FLAGS = [
    FlagSpec("upgrade"),
    FlagSpec("backend", default=True),
    FlagSpec("input", default=True),
    FlagSpec("no-color"),
    FlagSpec("get", default=True),
    FlagSpec("lock", default=True),
    FlagSpec("lock-timeout", "duration"),
    FlagSpec("reconfigure"),
    FlagSpec("migrate-state"),
    FlagSpec("help"),
    FlagSpec("h"),
]

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_GREEN = "\x1b[32m"

SUCCESS = (
    "Terraform has been successfully initialized!",
    'You may now begin working with Terraform. Try running "terraform plan" to see\n'
    "any changes that are required for your infrastructure. All Terraform commands\n"
    "should now work.\n\n"
    "If you ever set or change modules or backend configuration for Terraform,\n"
    "rerun this command to reinitialize your working directory. If you forget, other\n"
    "commands will detect it and remind you to do so if necessary.",
)


def _heading(text: str, color: bool) -> str:
    return f"{_RESET}{_BOLD}{text}{_RESET}\n" if color else f"{text}\n"


def _diag_text(text: str, color: bool) -> str:
    # render_diagnostic includes the newline of terraform's UI layer; the init view writes without it
    if not color:
        return text[:-1] if text.endswith("\n") else text
    tail = f"{_RESET}{_RESET}\n"
    if text.endswith(tail):
        text = text[: -len(tail)]
    for c in ("\x1b[31m", "\x1b[33m"):
        if text.startswith(c + c):
            text = text[len(c) :]
    return text


def run(args: list[str]) -> int:
    color = "-no-color" not in args
    try:
        fl = parse_flags(args, _FLAGS)
    except FlagError as exc:
        d = error("Failed to parse command-line flags", str(exc))
        sys.stderr.write(render_diagnostic(d, {}, color))
        sys.stderr.write("\nFor more help on using this command, run:\n  sheath init -help\n")
        return 1
    if fl.get_bool("help") or fl.get_bool("h"):
        sys.stdout.write(USAGE)
        return 0
    out = sys.stdout
    out.write(_heading("Initializing the backend...", color))
    res, diags = init(".", upgrade=fl.get_bool("upgrade"))
    if res.has_modules:
        out.write(_heading("Initializing modules...", color))
        for line in res.module_lines:
            out.write(line + "\n")
    if not diags.has_errors() or res.provider_lines:
        out.write(_heading("Initializing provider plugins...", color))
        for line in res.provider_lines:
            out.write(line + "\n")
    if res.lock_message:
        msg = res.lock_message
        if color:
            msg = msg.replace(".terraform.lock.hcl", f"{_BOLD}.terraform.lock.hcl{_RESET}", 1) + _RESET
        out.write(msg.rstrip("\n") + "\n")
    errors = [d for d in diags if d.severity is Severity.ERROR]
    out.write("\n")
    for d in sort_diagnostics(diags):
        stream = sys.stderr if d.severity is Severity.ERROR else out
        stream.write(_diag_text(render_diagnostic(d, res.sources, color), color))
    if errors:
        return 1
    title, body = SUCCESS
    if os.environ.get("TF_IN_AUTOMATION"):
        # terraform leaves out the advice for humans when run by automation
        out.write(f"{_RESET}{_BOLD}{_GREEN}{title}{_RESET}{_GREEN}{_RESET}\n" if color else f"{title}\n")
    elif color:
        out.write(f"{_RESET}{_BOLD}{_GREEN}{title}{_RESET}{_GREEN}{_RESET}\n{_RESET}{_GREEN}\n{body}{_RESET}\n")
    else:
        out.write(f"{title}\n\n{body}\n")
    return 0
