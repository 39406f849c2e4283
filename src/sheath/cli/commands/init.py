"""sheath init [-upgrade] [-backend=false] [-get=false] [-input=false] [-reconfigure] [-no-color]: prepare the working directory."""

from __future__ import annotations

import os
import sys

from typing import Callable

from sheath.diag.consolidate import consolidate_warnings
from sheath.cli.flags import FlagError, FlagSpec, ParsedFlags, parse_flags, report_flag_error
from sheath.config.module import Module
from sheath.diag import Diagnostics, Severity, error
from sheath.diag.render import render_diagnostic
from sheath.diag.sort import sort_diagnostics
from sheath.cli.stateio import diagnostic_sources
from sheath.engine.init import CONFIG_PROBLEMS, init

USAGE = """Usage: sheath [global options] init [options]

  Initialize a new or existing working directory: configure the backend,
  install the providers and record local modules, so that plan and apply can run.

Options:

  -backend=false          Disable backend initialization for this configuration
                          (a backend sheath does not support is then no error).

  -backend-config=path    A file of backend settings, or a 'key=value' setting,
                          merged over the backend block. Can be given several
                          times; later ones win. -backend-config='' forgets the
                          settings given by an earlier init.

  -force-copy             Copy existing states into the new backend without
                          asking ("yes" to every migration question).

  -get=false              Disable downloading modules for this configuration:
                          modules not installed before are errors.

  -input=false            Disable interactive prompts (a state migration then
                          needs -force-copy).

  -lock=false             Don't hold a state lock while migrating state.

  -lock-timeout=0s        Duration to retry a state lock.

  -migrate-state          Copy the states of the previous backend into the
                          changed one.

  -no-color               If specified, output won't contain any color.

  -reconfigure            Record the backend configuration as it is now,
                          ignoring the saved one; no state is copied.

  -test-directory=path    Set the Terraform test directory, defaults to "tests".

  -upgrade                Install the latest provider versions allowed by the
                          configuration, ignoring the dependency lock file.

  terraform's -from-module, -ignore-remote-version, -json, -lockfile and
  -plugin-dir are not implemented yet: each is an error.
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
    FlagSpec("force-copy"),
    FlagSpec("backend-config", "list"),
    FlagSpec("from-module", "string"),
    FlagSpec("ignore-remote-version"),
    FlagSpec("json"),
    FlagSpec("lockfile", "string"),
    FlagSpec("plugin-dir", "list"),
    FlagSpec("test-directory", "string"),
    FlagSpec("help"),
    FlagSpec("h"),
]

# terraform's init flags sheath does not implement yet: an error naming them, never ignored
_UNSUPPORTED = {
    "from-module": "sheath init does not copy a module into the working directory yet.",
    "ignore-remote-version": "-ignore-remote-version applies only to the remote backend, which sheath does not support.",
    "json": "sheath init does not produce machine-readable output yet.",
    "lockfile": "sheath init does not implement -lockfile modes yet.",
    "plugin-dir": "sheath init does not install providers from -plugin-dir yet.",
}


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


class _BackendStep:
    """init's backend step: configure and record the backend (see sheath.backend.initialise);
    a cloud block or a backend type sheath does not implement is local_backend's error."""

    def __init__(self, fl: ParsedFlags, color: bool) -> None:
        self.fl = fl
        self.color = color
        self.failed = False  # terraform stops right there: no blank line before its errors

    def __call__(self, module: Module) -> Diagnostics:
        from sheath.backend.config import SCHEMAS
        from sheath.cli.backend import local_backend

        if module.cloud_config is not None or (module.backend is not None and module.backend.type not in SCHEMAS):
            return local_backend(module)[1]  # sheath's own refusal
        diags = self._run(module)
        self.failed = diags.has_errors()
        return diags

    def _run(self, module: Module) -> Diagnostics:
        from sheath.backend.initialise import SUCCESS, BackendInitOptions, initialise_backend

        fl, color = self.fl, self.color
        opts = BackendInitOptions(
            overrides=fl.get_list("backend-config"),
            reconfigure=fl.get_bool("reconfigure"),
            migrate_state=fl.get_bool("migrate-state"),
            force_copy=fl.get_bool("force-copy"),
            input=bool(fl.values.get("input", True)) and os.environ.get("TF_INPUT", "1").lower() not in ("0", "false"),
            ask=_ask_stdin,
            lock=fl.get_bool("lock"),
            lock_timeout=_lock_timeout(fl),
        )
        res, diags = initialise_backend(".", module, opts)
        if res.configured_type and not diags.has_errors():
            msg = SUCCESS.format(type=res.configured_type)
            sys.stdout.write(f"{_RESET}{_GREEN}\n{msg}{_RESET}\n" if color else f"\n{msg}\n")
        return diags


def _lock_timeout(fl: ParsedFlags) -> float:
    v = fl.values.get("lock-timeout")
    return float(v) if isinstance(v, (int, float)) else 0.0


def _ask_stdin(description: str) -> str:
    """terraform's UI input: the question, its description indented, then "Enter a value"."""
    body = "".join(f"  {line}\n" if line else "\n" for line in description.split("\n"))
    sys.stdout.write(f"Do you want to copy existing state to the new backend?\n{body}\n  Enter a value: ")
    sys.stdout.flush()
    answer = sys.stdin.readline()
    sys.stdout.write("\n")
    return answer.rstrip("\n")


def run(args: list[str]) -> int:
    color = "-no-color" not in args
    try:
        fl = parse_flags(args, _FLAGS)
    except FlagError as exc:
        return report_flag_error("init", str(exc), color, hint=False)
    if fl.get_bool("help") or fl.get_bool("h"):
        sys.stdout.write(USAGE)
        return 0
    for name, value in fl.ordered:
        if name in _UNSUPPORTED and value != "false":
            d = error(f"Unsupported option -{name}", _UNSUPPORTED[name])
            sys.stderr.write(render_diagnostic(d, {}, color))
            return 1
    out = sys.stdout
    backend = fl.get_bool("backend")
    if backend:
        out.write(_heading("Initializing the backend...", color))
    step = _BackendStep(fl, color)
    modules_heading = _heading("Upgrading modules..." if fl.get_bool("upgrade") else "Initializing modules...", color)
    streamed: list[str] = []

    def module_line(line: str) -> None:
        # printed as the installer goes, as terraform prints "Downloading ..." before it downloads
        if not streamed:
            out.write(modules_heading)
        streamed.append(line)
        out.write(line.rstrip(" ") + "\n")
        out.flush()

    res, diags = init(
        ".", upgrade=fl.get_bool("upgrade"), backend=step if backend else None, get=fl.get_bool("get"),
        module_progress=module_line, test_dir=fl.get_str("test-directory") or "tests",
    )
    if res.has_modules and not streamed:
        out.write(modules_heading)
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
    config_problems = any(d.summary.startswith(CONFIG_PROBLEMS) for d in errors)
    if not config_problems and not step.failed and not res.modules_failed:
        out.write("\n")
    sources = res.sources or diagnostic_sources(diags)
    for d in consolidate_warnings(sort_diagnostics([*diags, *res.repeated_warnings])):
        stream = sys.stderr if d.severity is Severity.ERROR else out
        text = _diag_text(render_diagnostic(d, sources, color), color)
        if color and d.summary.startswith(CONFIG_PROBLEMS):
            # terraform's summary text starts and ends with a colour reset of its own
            text = text.replace(f"{_BOLD}{CONFIG_PROBLEMS}", f"{_BOLD}{_RESET}{CONFIG_PROBLEMS}", 1)
            text = text.replace(f"installed.{_RESET}\n", f"installed.{_RESET}{_RESET}\n", 1)
        stream.write(text)
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
