"""terraform-style command-line flags (Go's flag package syntax).

Accepted forms: -name, -name=value, -name value (non-boolean flags only),
and the same with two dashes. Parsing stops at the first non-flag argument
or at "--". Boolean flags accept -name=true|false. Repeatable flags collect
every occurrence in order (e.g. -var, -var-file, -target). Duration flags
take Go durations (time.ParseDuration: "90s", "1m30s", "500ms") and hold seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence


class FlagError(Exception):
    """A command line that does not parse; the message matches Go's flag package."""


@dataclass(frozen=True)
class FlagSpec:
    name: str
    kind: str = "bool"  # "bool" | "string" | "int" | "list" | "duration"
    default: object = None


@dataclass
class ParsedFlags:
    values: dict[str, object] = field(default_factory=dict)
    # (name, value) in command-line order, for flags whose relative order matters
    # (terraform applies -var and -var-file in the order given).
    ordered: list[tuple[str, str]] = field(default_factory=list)
    args: list[str] = field(default_factory=list)

    def get_bool(self, name: str) -> bool:
        return bool(self.values.get(name, False))

    def get_str(self, name: str) -> str | None:
        v = self.values.get(name)
        return None if v is None else str(v)

    def get_seconds(self, name: str) -> float:
        """A duration flag's value in seconds (0 when unset)."""
        v = self.values.get(name)
        return float(v) if isinstance(v, (int, float)) else 0.0

    def get_list(self, name: str) -> list[str]:
        v = self.values.get(name)
        return list(v) if isinstance(v, list) else []


_TRUE = {"1", "t", "T", "TRUE", "true", "True"}
_FALSE = {"0", "f", "F", "FALSE", "false", "False"}


def parse_flags(args: Sequence[str], specs: Sequence[FlagSpec]) -> ParsedFlags:
    by_name = {s.name: s for s in specs}
    out = ParsedFlags()
    for s in specs:
        if s.kind == "list":
            out.values[s.name] = []
        elif s.kind == "duration":
            out.values[s.name] = 0.0 if s.default is None else parse_go_duration(str(s.default))
        elif s.default is not None:
            out.values[s.name] = s.default
        elif s.kind == "bool":
            out.values[s.name] = False
    i = 0
    n = len(args)
    while i < n:
        a = args[i]
        if a == "--":
            i += 1
            break
        if len(a) < 2 or a[0] != "-":
            break
        body = a[2:] if a.startswith("--") else a[1:]
        if not body or body[0] in "-=":
            raise FlagError(f"bad flag syntax: {a}")
        name, eq, value = body.partition("=")
        spec = by_name.get(name)
        if spec is None:
            raise FlagError(f"flag provided but not defined: -{name}")
        i += 1
        if spec.kind == "bool":
            if eq:
                if value in _TRUE:
                    out.values[name] = True
                elif value in _FALSE:
                    out.values[name] = False
                else:
                    raise FlagError(f'invalid boolean value "{value}" for -{name}: parse error')
            else:
                out.values[name] = True
            out.ordered.append((name, str(out.values[name]).lower()))
            continue
        if not eq:
            if i >= n:
                raise FlagError(f"flag needs an argument: -{name}")
            value = args[i]
            i += 1
        if spec.kind == "int":
            try:
                out.values[name] = int(value, 0)
            except ValueError:
                raise FlagError(f'invalid value "{value}" for flag -{name}: parse error') from None
        elif spec.kind == "duration":
            try:
                out.values[name] = parse_go_duration(value)
            except ValueError:
                raise FlagError(f'invalid value "{value}" for flag -{name}: parse error') from None
        elif spec.kind == "list":
            lst = out.values[name]
            assert isinstance(lst, list)
            lst.append(value)
        else:
            out.values[name] = value
        out.ordered.append((name, value))
    out.args = list(args[i:])
    return out


def parse_go_duration(text: str) -> float:
    """Go's time.ParseDuration, in seconds (ValueError with Go's message when it does not parse)."""
    from sheath.lang.funcs.datetime import parse_duration

    return parse_duration(text) / 1e9


def report_flag_error(command: str, message: str, color: bool, hint: bool = True) -> int:
    """A flag the command does not take, as terraform's commands report it on stderr: the
    "Failed to parse command-line flags" diagnostic as their views print it, then the help
    hint (init prints none); exit status 1."""
    import sys

    from sheath.diag import error
    from sheath.diag.render import render_diagnostic, strip_ui_newline

    d = error("Failed to parse command-line flags", message)
    sys.stderr.write(strip_ui_newline(render_diagnostic(d, {}, color), color))
    if hint:
        sys.stderr.write(f"\nFor more help on using this command, run:\n  sheath {command} -help\n")
    return 1


JSON_FLAGS = ("-json", "--json", "-json=true", "--json=true")


def wants_json(args: list[str]) -> bool:
    """-json given (and no -help, which prints the usage text either way)."""
    return any(a in JSON_FLAGS for a in args) and not any(a in ("-help", "--help", "-h", "--h") for a in args)
