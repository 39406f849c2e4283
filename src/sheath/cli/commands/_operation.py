"""What plan, apply, destroy and refresh share: flags, progress lines, the summary."""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

from sheath.addrs.resource import AbsResourceInstance
from sheath.engine.hooks import deposed_display
from sheath.cli.flags import FlagError, FlagSpec, ParsedFlags, parse_flags
from sheath.cli.jsonui import go_duration
from sheath.diag import Diagnostic, Diagnostics, Severity
from sheath.diag.render import render_diagnostic
from sheath.diag.consolidate import consolidate_warnings
from sheath.diag.sort import sort_diagnostics
from sheath.plans.model import Action

PLAN_FLAGS = [
    FlagSpec("var", "list"),
    FlagSpec("var-file", "list"),
    FlagSpec("target", "list"),
    FlagSpec("replace", "list"),
    FlagSpec("refresh", "bool", True),
    FlagSpec("refresh-only"),
    FlagSpec("destroy"),
    FlagSpec("parallelism", "int", 10),
    FlagSpec("detailed-exitcode"),
    FlagSpec("out", "string"),
    FlagSpec("json"),
    FlagSpec("no-color"),
    FlagSpec("input", "bool", True),
    FlagSpec("lock", "bool", True),
    FlagSpec("lock-timeout", "duration"),
    FlagSpec("state", "string"),
    FlagSpec("state-out", "string"),
    FlagSpec("backup", "string"),
    FlagSpec("auto-approve"),
    FlagSpec("compact-warnings"),
    FlagSpec("generate-config-out", "string"),
    FlagSpec("config", "string"),
    FlagSpec("ignore-remote-version"),
    FlagSpec("help"),
    FlagSpec("h"),
]

_OPERATION = {"var", "var-file", "target", "replace", "refresh", "refresh-only", "destroy", "parallelism", "json"}
_STATE = {"lock", "lock-timeout", "state", "state-out", "backup"}
_ALWAYS = {"no-color", "input", "compact-warnings", "help", "h"}

# The flags terraform's parser defines for each command (flags sheath refuses are
# defined too, so that the refusal can name them: see UNSUPPORTED).
COMMAND_FLAGS: dict[str, set[str]] = {
    "plan": _ALWAYS | _OPERATION | _STATE | {"detailed-exitcode", "out", "generate-config-out"},
    "apply": _ALWAYS | _OPERATION | _STATE | {"auto-approve"},
    "destroy": _ALWAYS | _OPERATION | _STATE | {"auto-approve"},
    "refresh": _ALWAYS | _OPERATION | _STATE,
    "import": _ALWAYS | _STATE | {"var", "var-file", "config", "ignore-remote-version"},
}

# Flags terraform accepts for a command that sheath refuses, with the reason.
UNSUPPORTED: dict[tuple[str, str], str] = {
    ("plan", "state-out"): "plan never writes the state, so -state-out would have no effect.",
    ("plan", "backup"): "plan never writes the state, so -backup would have no effect.",
    ("refresh", "destroy"): "refresh only updates the state to match the remote objects; -destroy has no effect on it.",
    ("refresh", "refresh-only"): "refresh is always refresh-only; use plan -refresh-only or apply -refresh-only to review first.",
    ("refresh", "refresh"): "refresh always refreshes; -refresh=false would leave it nothing to do.",
    ("refresh", "replace"): "refresh never replaces objects; -replace has no effect on it.",
    ("import", "ignore-remote-version"): "-ignore-remote-version applies only to the remote backend, which sheath does not support.",
}


def command_flags(command: str) -> list[FlagSpec]:
    names = COMMAND_FLAGS.get(command)
    return [f for f in PLAN_FLAGS if names is None or f.name in names]


# Commands that take -plan-signing-key (sheath.cli.plansigning): plan signs, apply verifies.
SIGNING_COMMANDS = frozenset({"plan", "apply"})


def command_specs(command: str) -> list[FlagSpec]:
    """The flags a command parses: terraform's (command_flags) and sheath's own."""
    from sheath.cli.plansigning import FLAG

    from sheath.cli.policygate import FLAGS as POLICY_FLAGS
    from sheath.cli.policygate import GATED_COMMANDS

    specs = command_flags(command)
    if command in SIGNING_COMMANDS:
        specs.append(FlagSpec(FLAG, "string"))
    if command in GATED_COMMANDS:
        specs.extend(POLICY_FLAGS)
    if command == "plan":
        specs.append(FlagSpec("markdown", "string"))
    if command in ON_FAILURE_COMMANDS:
        specs.append(FlagSpec("on-failure", "string"))
    if command in EXCLUDE_COMMANDS:
        specs.extend(FlagSpec(name, "list") for name in EXCLUDE_FLAGS)
    if command in DATA_LOSS_COMMANDS:
        specs.append(FlagSpec(DATA_LOSS_FLAG, "list"))
    if command in DEPRECATION_FLAG_COMMANDS:
        # listed for help and flag checks; parse() takes every -deprecation argument off the
        # line first (module:LEVEL, anything else an error)
        specs.append(FlagSpec("deprecation", "string"))
    return specs


# OpenTofu 1.10's -deprecation: plan and apply (and so destroy) define the flag; these
# commands (and validate, in its own module) take -deprecation=module:LEVEL off the
# command line before parsing it (config.deprecation).
DEPRECATION_FLAG_COMMANDS = frozenset({"plan", "apply", "destroy"})
DEPRECATION_LEVEL_COMMANDS = frozenset({"plan", "apply", "destroy", "refresh"})


# OpenTofu's planning options terraform lacks (sheath.engine.exclusion).
EXCLUDE_COMMANDS = frozenset({"plan", "apply", "destroy", "refresh"})
EXCLUDE_FLAGS = ("exclude", "target-file", "exclude-file")


def address_options(fl: ParsedFlags) -> tuple[Any, Diagnostics]:
    """The targets and excludes of -target, -target-file, -exclude and -exclude-file
    (an engine.exclusion.AddressOptions) and what reading them reported."""
    from sheath.engine.exclusion import address_options as read

    return read(fl.get_list("target"), fl.get_list("target-file"), fl.get_list("exclude"), fl.get_list("exclude-file"))


# sheath's -allow-data-loss=ADDR (sheath.engine.dataloss), on the commands that plan changes.
DATA_LOSS_COMMANDS = frozenset({"plan", "apply", "destroy"})
DATA_LOSS_FLAG = "allow-data-loss"


def data_loss_flag_errors(fl: ParsedFlags, command: str) -> Diagnostics:
    """-allow-data-loss: each address must name a managed resource or resource instance; the
    option chooses what a new plan may do, so it is refused with a saved plan (which records
    its own) and with -refresh-only (which changes nothing)."""
    from sheath.engine.dataloss import address_errors

    given = fl.get_list(DATA_LOSS_FLAG) if command in DATA_LOSS_COMMANDS else []
    diags = Diagnostics()
    if not given:
        return diags
    if command == "apply" and fl.args:
        diags.add_error(
            "Invalid option for a saved plan",
            f"-{DATA_LOSS_FLAG} chooses what a new plan may do; a saved plan is applied as it was made "
            f"(the -{DATA_LOSS_FLAG} addresses it was planned with are recorded in it).",
        )
        return diags
    if fl.get_bool("refresh-only"):
        diags.add_error(
            "Incompatible plan options",
            f"-{DATA_LOSS_FLAG} allows changes that lose data; a -refresh-only plan changes nothing, so it would do nothing.",
        )
        return diags
    for raw in given:
        diags.extend(address_errors(raw))
    return diags


# Commands that take -on-failure=continue|stop|rollback (sheath.engine.runner).
ON_FAILURE_COMMANDS = frozenset({"apply", "destroy"})
ON_FAILURE_VALUES = ("continue", "stop", "rollback")


def unsupported_flag(fl: ParsedFlags, command: str) -> Diagnostic | None:
    """The first flag given that terraform defines for the command but sheath does not implement."""
    from sheath.diag import error

    for name, value in fl.ordered:
        reason = UNSUPPORTED.get((command, name))
        if reason is not None and value != "false":
            return error(f"Unsupported option -{name}", reason)
    return None


def operation_flag_errors(fl: ParsedFlags, command: str) -> Diagnostics:
    """What terraform's arguments parser checks after the flags parse: -target and -replace
    addresses, and planning modes that exclude each other (shown with the help hint)."""
    from sheath.states.lookup import parse_instance, parse_target

    diags = Diagnostics()
    for raw in fl.get_list("target"):
        _, td = parse_target(raw)
        for d in td:
            if d.severity is Severity.ERROR:
                diags.add_error(f'Invalid target "{raw}"', d.detail)
                break
    for raw in fl.get_list("replace"):
        _, rd = parse_instance(raw)
        for d in rd:
            if d.severity is Severity.ERROR:
                diags.add_error(f'Invalid force-replace address "{raw}"', d.detail)
                break
    if command in EXCLUDE_COMMANDS:
        given = [f"-{n}" for n in EXCLUDE_FLAGS if fl.get_list(n)]
        if command == "apply" and fl.args and given:
            diags.add_error(
                "Invalid option for a saved plan",
                f"{given[0]} chooses what a new plan covers; a saved plan is applied as it was made "
                "(its -target and -exclude addresses are recorded in it).",
            )
        else:
            diags.extend(address_options(fl)[1])
    diags.extend(data_loss_flag_errors(fl, command))
    on_failure = fl.get_str("on-failure")
    if on_failure is not None and on_failure not in ON_FAILURE_VALUES:
        diags.add_error(
            "Invalid -on-failure value",
            f'The value "{on_failure}" is not one of continue (the default: independent changes go on, as in terraform), '
            "stop (no further change starts after a failure) and rollback (then apply the last successful version again).",
        )
    if command != "refresh" and fl.get_bool("refresh-only"):
        if fl.get_bool("destroy") or command == "destroy":
            diags.add_error("Incompatible plan mode options", "The -destroy and -refresh-only options are mutually-exclusive.")
        elif not fl.values.get("refresh", True):
            diags.add_error("Incompatible refresh options", "It doesn't make sense to use -refresh-only at the same time as -refresh=false, because Terraform would have nothing to do.")
    return diags


def parallelism_error(fl: ParsedFlags) -> Diagnostic | None:
    from sheath.diag import error

    n = fl.values.get("parallelism", 10)
    if isinstance(n, int) and n < 0:
        return error("Invalid parallelism value", f"The parallelism must be a positive value. Not {n}.")
    return None


@dataclass
class Ui:
    color: bool
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    compact_warnings: bool = False
    deprecation: str = "all"  # OpenTofu's -deprecation=module:LEVEL (config.deprecation)

    def c(self, s: str) -> str:
        """terraform's colorstring: [bold], [reset], [green]..."""
        codes = {"[reset]": "\x1b[0m", "[bold]": "\x1b[1m", "[green]": "\x1b[32m", "[red]": "\x1b[31m", "[yellow]": "\x1b[33m"}
        for k, v in codes.items():
            s = s.replace(k, v if self.color else "")
        return s

    sources: dict[str, bytes] | None = None

    def diagnostics(self, diags: Diagnostics, sources: dict[str, bytes] | None = None) -> None:
        from sheath.diag.render import strip_ui_newline
        from sheath.lang.eval.diagvalues import annotate

        if self.deprecation != "all":
            from sheath.config.deprecation import filter_deprecations

            diags = filter_deprecations(self.deprecation, diags)
        annotate(list(diags))

        if sources is None and any(d.subject is not None for d in diags):
            if self.sources is None:
                self.sources = config_sources(".")
            sources = self.sources

        ordered = sort_diagnostics(diags)
        if self.compact_warnings and ordered and all(d.severity is Severity.WARNING for d in ordered):
            self.out.write("\n" + compact_warnings_text(ordered, self.color))
            self.out.write("\nTo see the full warning notes, run Terraform without -compact-warnings.\n")
            return
        for d in consolidate_warnings(ordered):
            stream = self.err if d.severity is Severity.ERROR else self.out
            stream.write(strip_ui_newline(render_diagnostic(d, sources or {}, self.color), self.color))


def compact_warnings_text(diags: list[Diagnostic], color: bool) -> str:
    """terraform's DiagnosticWarningsCompact: the warnings' summaries, consolidated as
    consolidate_warnings does, each with where it (and how many like it) occurred."""
    head = "\x1b[1m\x1b[33mWarnings:\x1b[0m\n\n\x1b[0m" if color else "Warnings:\n\n"
    groups: list[tuple[Diagnostic, int]] = []
    firsts: dict[str, int] = {}
    for d in diags:
        if d.subject is not None and not d.summary.startswith("Check block assertion"):
            i = firsts.get(d.summary)
            if i is not None:
                groups[i] = (groups[i][0], groups[i][1] + 1)
                continue
            firsts[d.summary] = len(groups)
        groups.append((d, 1))
    lines = [head]
    for d, n in groups:
        lines.append(f"- {d.summary}\n")
        if d.subject is not None:
            more = f" (and {n - 1} more)" if n > 1 else ""
            lines.append(f"  on {d.subject.filename} line {d.subject.start.line}{more}\n")
    return "".join(lines)


def config_sources(root_dir: str) -> dict[str, bytes]:
    """The configuration files' bytes, for source snippets in diagnostics."""
    from sheath.config import load_module_tree
    from sheath.engine.validate import config_sources as module_sources

    cfg, _ = load_module_tree(root_dir)
    return module_sources(cfg, root_dir)


def flag_error(ui: Ui, command: str, message: str) -> int:
    from sheath.diag import error

    return diagnostic_error(ui, command, error("Failed to parse command-line flags", message))


def diagnostic_error(ui: Ui, command: str, d: Diagnostic) -> int:
    """A command-line error as terraform's arguments parser reports it: the diagnostic (as its
    views print them), then the help hint."""
    from sheath.diag.render import strip_ui_newline

    sources: dict[str, bytes] = {}
    if d.subject is not None:  # a line of a -target-file or -exclude-file
        try:
            with open(d.subject.filename, "rb") as fh:
                sources[d.subject.filename] = fh.read()
        except OSError:
            pass
    ui.err.write(strip_ui_newline(render_diagnostic(d, sources, ui.color), ui.color))
    ui.err.write(f"\nFor more help on using this command, run:\n  sheath {command} -help\n")
    return 1


def parse(args: list[str], command: str) -> tuple[ParsedFlags | None, Ui, int]:
    from sheath.config.deprecation import LEVEL_ALL, DeprecationFlagError, strip_deprecation_flag

    ui = Ui(color="-no-color" not in args)
    level = LEVEL_ALL
    if command in DEPRECATION_LEVEL_COMMANDS:
        try:
            level, args = strip_deprecation_flag(args)
        except DeprecationFlagError as exc:
            return None, ui, flag_error(ui, command, str(exc))
    ui.deprecation = level
    try:
        fl = parse_flags(args, command_specs(command))
    except FlagError as exc:
        return None, ui, flag_error(ui, command, str(exc))
    ui.compact_warnings = fl.get_bool("compact-warnings")
    return fl, ui, 0


def begin(args: list[str], command: str, usage: str, max_args: int | None = 0) -> tuple[ParsedFlags | None, Ui, int]:
    """Parse a command's flags; answer -help; refuse extra arguments. A ParsedFlags
    of None means: return the given exit code."""
    fl, ui, rc = parse(args, command)
    if fl is None:
        return None, ui, rc
    if fl.get_bool("help") or fl.get_bool("h"):
        sys.stdout.write(usage)
        return None, ui, 0
    if max_args is not None and len(fl.args) > max_args:
        from sheath.diag import error

        if command == "plan":
            detail = "To specify a working directory for the plan, use the global -chdir flag."
        else:
            detail = "Expected at most one positional argument."
        return None, ui, diagnostic_error(ui, command, error("Too many command line arguments", detail))
    od = operation_flag_errors(fl, command)
    if od:
        return None, ui, diagnostic_error(ui, command, od[0])
    bad = unsupported_flag(fl, command) or parallelism_error(fl)
    if bad is not None:
        from sheath.diag.render import strip_ui_newline

        ui.err.write(strip_ui_newline(render_diagnostic(bad, {}, ui.color), ui.color))
        return None, ui, 1
    return fl, ui, 0


def var_args(fl: ParsedFlags) -> list[tuple[str, str]]:
    return [(k, v) for k, v in fl.ordered if k in ("var", "var-file")]


_VERB = {
    Action.CREATE: ("Creating...", "Creation complete", "Still creating..."),
    Action.UPDATE: ("Modifying...", "Modifications complete", "Still modifying..."),
    Action.DELETE: ("Destroying...", "Destruction complete", "Still destroying..."),
    Action.READ: ("Reading...", "Read complete", "Still reading..."),
}


class ProgressHooks:
    """terraform's UI hook: one line when an operation starts, one when it ends,
    and "Still creating... [10s elapsed]" every ten seconds in between."""

    def __init__(self, ui: Ui) -> None:
        self.ui = ui
        self.lock = threading.Lock()
        self.started: dict[str, tuple[float, Action, str]] = {}
        self.counts: dict[str, int] = {"add": 0, "change": 0, "destroy": 0, "import": 0, "forget": 0}
        self._stop = threading.Event()
        self._ticker = threading.Thread(target=self._tick, daemon=True)
        self._ticker.start()

    def close(self) -> None:
        self._stop.set()

    def _line(self, s: str) -> None:
        with self.lock:
            self.ui.out.write(self.ui.c(f"[reset][bold]{s}[reset]\n"))
            self.ui.out.flush()

    def _tick(self) -> None:
        while not self._stop.wait(1.0):
            now = time.monotonic()
            with self.lock:
                items = list(self.started.items())
            for addr, (t0, action, id_) in items:
                el = int(now - t0)
                if el > 0 and el % 10 == 0:
                    verb = _VERB.get(action, _VERB[Action.CREATE])[2]
                    idp = f"id={id_}, " if id_ else ""
                    self._line(f"{addr}: {verb} [{idp}{go_duration(el)} elapsed]")

    def pre_refresh(self, addr: AbsResourceInstance, deposed: str, id_: str) -> None:
        idp = f" [id={id_}]" if id_ else ""
        with self.lock:
            self.ui.out.write(self.ui.c(f"[reset][bold]{deposed_display(addr, deposed)}: Refreshing state...{idp}[reset]\n"))

    def post_refresh(self, addr: AbsResourceInstance, deposed: str, id_: str) -> None:
        pass

    def ephemeral_start(self, addr: AbsResourceInstance, op: str) -> None:
        with self.lock:
            self.started[f"ephemeral {op} {addr}"] = (time.monotonic(), Action.READ, "")
        self._line(f"{addr}: {'Opening' if op == 'open' else 'Closing'}...[reset]")

    def ephemeral_done(self, addr: AbsResourceInstance, op: str, failed: bool) -> None:
        with self.lock:
            t0 = self.started.pop(f"ephemeral {op} {addr}", (time.monotonic(), Action.READ, ""))[0]
        if not failed:
            self._line(f"{addr}: {'Opening' if op == 'open' else 'Closing'} complete after {go_duration(int(time.monotonic() - t0))}")

    def pre_apply(self, addr: AbsResourceInstance, deposed: str, action: Action, id_: str) -> None:
        verb = _VERB.get(action, _VERB[Action.CREATE])[0]
        idp = f" [id={id_}]" if id_ and action in (Action.UPDATE, Action.DELETE) else ""
        with self.lock:
            # keyed by the address alone, as terraform's UiHook keys its operations
            self.started[str(addr)] = (time.monotonic(), action, id_)
        self._line(f"{deposed_display(addr, deposed)}: {verb}{idp}[reset]")  # terraform's start lines end with two resets

    def post_apply(self, addr: AbsResourceInstance, deposed: str, action: Action, id_: str, failed: bool) -> None:
        with self.lock:
            t0 = self.started.pop(str(addr), (time.monotonic(), action, ""))[0]
        if failed:
            return
        el = int(time.monotonic() - t0)
        verb = _VERB.get(action, _VERB[Action.CREATE])[1]
        idp = f" [id={id_}]" if id_ else ""
        self._line(f"{deposed_display(addr, deposed)}: {verb} after {go_duration(el)}{idp}")
        key = {Action.CREATE: "add", Action.UPDATE: "change", Action.DELETE: "destroy"}.get(action)
        if key is not None:
            with self.lock:
                self.counts[key] += 1

    def pre_import(self, addr: AbsResourceInstance, id_: str) -> None:
        self._line(f"{addr}: Preparing import... [id={id_}]")

    def post_import(self, addr: AbsResourceInstance, failed: bool) -> None:
        pass

    def pre_apply_import(self, addr: AbsResourceInstance, id_: str) -> None:
        self._line(f"{addr}: Importing... [id={id_}]")

    def post_apply_import(self, addr: AbsResourceInstance, id_: str) -> None:
        self._line(f"{addr}: Import complete [id={id_}]")
        with self.lock:
            self.counts["import"] += 1

    def pre_provision_step(self, addr: AbsResourceInstance, type_name: str) -> None:
        self._line(f"{addr}: Provisioning with '{type_name}'...[reset]")  # colorize's closing reset too

    def provision_output(self, addr: AbsResourceInstance, type_name: str, msg: str) -> None:
        from sheath.provisioners.output import provision_lines

        prefix = self.ui.c(f"[reset][bold]{addr} ({type_name}):[reset] [reset]")
        text = "".join(f"{prefix}{line}\n" for line in provision_lines(msg))
        with self.lock:
            self.ui.out.write(text.rstrip("\n") + "\n")  # an empty message prints an empty line
            self.ui.out.flush()

    def post_provision_step(self, addr: AbsResourceInstance, type_name: str, failed: bool) -> None:
        pass


def format_output_value(v: Any) -> str:
    from sheath.types.format import format_value

    return format_value(v)


def lock_timeout(fl: ParsedFlags) -> float:
    return fl.get_seconds("lock-timeout")


__all__ = ["COMMAND_FLAGS", "PLAN_FLAGS", "command_flags", "ProgressHooks", "Ui", "begin", "flag_error", "parse", "var_args"]
