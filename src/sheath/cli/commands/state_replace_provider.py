"""sheath state replace-provider [-auto-approve] FROM TO: change the provider of resources in the state."""

from __future__ import annotations

import sys

from sheath.addrs.provider import parse_provider_source
from sheath.addrs.resource import AbsResource
from sheath.cli.flags import FlagSpec
from sheath.cli.state_help import USAGE
from sheath.cli.stateio import (
    ERR_STATE_NOT_FOUND,
    RemoteStateSource,
    Ui,
    WRITE_FLAGS,
    editor_from_flags,
    parse_command_flags,
    remote_editor,
    state_load_error,
    state_source,
    strip_no_color,
)
from sheath.diag import Diagnostics
from sheath.states.edit import replace_provider
from sheath.states.lookup import module_instance_of, resource_of, resource_sort_key
from sheath.states.state import Resource

_FLAGS = [
    FlagSpec("auto-approve"),
    *WRITE_FLAGS,
]

_C = {
    "yellow": "\x1b[33m",
    "red": "\x1b[31m",
    "green": "\x1b[32m",
    "bold": "\x1b[1m",
    "reset": "\x1b[0m",
}


def _color(s: str, on: bool) -> str:
    import re

    if not on:
        return re.sub(r"\[(yellow|red|green|bold|reset)\]", "", s)
    out, n = re.subn(
        r"\[(yellow|red|green|bold|reset)\]", lambda m: _C[str(m.group(1))], s
    )
    return out + _C["reset"] if n else out


def _abs(r: Resource) -> AbsResource:
    return AbsResource(module_instance_of(r.module), resource_of(r))


def run(args: list[str]) -> int:
    args, color = strip_no_color(args)
    ui = Ui(color)
    usage = USAGE["state_replace_provider"]
    fl = parse_command_flags(args, _FLAGS, ui, usage)
    if fl is None:
        return 1
    if len(fl.args) != 2:
        ui.error("Exactly two arguments expected.\n")
        ui.out.write(usage)
        return 1
    diags = Diagnostics()
    src, d1 = parse_provider_source(fl.args[0])
    if d1.has_errors():
        diags.add_error(
            f'Invalid "from" provider "{fl.args[0]}"',
            f"{d1.errors()[0].summary}: {d1.errors()[0].detail}",
        )
    dst, d2 = parse_provider_source(fl.args[1])
    if d2.has_errors():
        diags.add_error(
            f'Invalid "to" provider "{fl.args[1]}"',
            f"{d2.errors()[0].summary}: {d2.errors()[0].detail}",
        )
    if diags.has_errors() or src is None or dst is None:
        ui.diagnostics(diags)
        return 1
    where = state_source(ui, absolute=True)
    if where is None:
        return 1
    editor = (
        remote_editor(fl, ui, where) if isinstance(where, RemoteStateSource) else editor_from_flags(fl, ui, where.state_path(), where.codec)
    )
    if editor is None:
        return 1
    d = editor.lock("state-replace-provider")
    if d.has_errors():
        ui.diagnostics(d)
        return 1
    try:
        sf, d = editor.refresh()
        if d.has_errors():
            ui.error(f"Failed to refresh source state: {state_load_error(d)}")
            return 1
        if sf is None:
            ui.error(ERR_STATE_NOT_FOUND)
            return 1
        matching = sorted(
            (r for r in sf.state.resources.values() if _source(r) == str(src)),
            key=lambda r: resource_sort_key(_abs(r)),
        )
        if not matching:
            ui.output("No matching resources found.")
            return 0
        ui.output("Terraform will perform the following actions:\n")
        ui.output(_color("  [yellow]~[reset] Updating provider:", color))
        ui.output(_color(f"    [red]-[reset] {src}", color))
        ui.output(_color(f"    [green]+[reset] {dst}\n", color))
        ui.output(_color(f"[bold]Changing[reset] {len(matching)} resources:\n", color))
        for r in matching:
            ui.output(_color(f"  {_abs(r)}", color))
        if not fl.get_bool("auto-approve"):
            ui.output(
                _color(
                    "\n[bold]Do you want to make these changes?[reset]\nOnly 'yes' will be accepted to continue.\n",
                    color,
                )
            )
            ui.out.write("Enter a value: ")
            ui.out.flush()
            line = sys.stdin.readline()
            if not line:
                ui.error("Error asking for approval: EOF")
                return 1
            if line.rstrip("\r\n") != "yes":
                ui.output("Cancelled replacing providers.")
                return 0
        replace_provider(sf.state, str(src), str(dst))
        d = editor.persist(sf)
        if d.has_errors():
            ui.error(f"Error saving the state: {state_load_error(d)}")
            return 1
        ui.diagnostics(d)  # warnings: the audit record or state history not written
        ui.output(f"\nSuccessfully replaced provider for {len(matching)} resources.")
        return 0
    finally:
        ui.diagnostics(editor.unlock())


def _source(r: Resource) -> str:
    from sheath.states.jsonstate import provider_source

    return provider_source(r.provider)
