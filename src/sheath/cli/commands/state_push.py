"""sheath state push [-force] [-lock=false] PATH: replace the state with a state file (lineage and serial checked)."""

from __future__ import annotations

import sys

from sheath.cli.flags import FlagSpec
from sheath.cli.state_help import USAGE
from sheath.cli.stateio import (
    Ui,
    backend_editor,
    parse_command_flags,
    state_load_error,
    state_source,
    strip_no_color,
)
from sheath.states.statefile import StateFile, read_state_file

_FLAGS = [
    FlagSpec("force"),
    FlagSpec("lock", "bool", True),
    FlagSpec("lock-timeout", "string", "0s"),
    FlagSpec("ignore-remote-version"),
]


def _empty(sf: StateFile | None) -> bool:
    return sf is None or (not sf.state.resources and not sf.state.outputs)


def run(args: list[str]) -> int:
    args, color = strip_no_color(args)
    ui = Ui(color)
    usage = USAGE["state_push"]
    fl = parse_command_flags(args, _FLAGS, ui, "")  # terraform shows no help here
    if fl is None:
        return 1
    if len(fl.args) != 1:
        ui.error("Exactly one argument expected.\n")
        ui.out.write(usage)
        return 1
    src_path = fl.args[0]
    try:
        if src_path == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(src_path, "rb") as fh:
                data = fh.read()
    except OSError as exc:
        ui.error(f"open {src_path}: {(exc.strerror or str(exc)).lower()}")
        return 1
    src: StateFile | None = None
    if data.strip():
        src, d = read_state_file(data, src_path)
        if src is None:
            ui.error(f'Error reading source state "{src_path}": {state_load_error(d)}')
            return 1
    target = state_source(ui, absolute=True)
    if target is None:
        return 1
    editor = backend_editor(fl, ui, target)
    if editor is None:
        return 1
    d = editor.lock("state-push")
    if d.has_errors():
        ui.diagnostics(d)
        return 1
    try:
        existing, d = editor.refresh()
        if d.has_errors():
            ui.error(f"Failed to refresh destination state: {state_load_error(d)}")
            return 1
        if src is None:
            src = StateFile.new()
        if not fl.get_bool("force") and not _empty(existing):
            assert existing is not None
            if existing.lineage != src.lineage:
                ui.error(
                    f'Failed to write state: cannot import state with lineage "{src.lineage}" over unrelated state '
                    f'with lineage "{existing.lineage}"'
                )
                return 1
            if existing.serial > src.serial:
                ui.error(
                    f"Failed to write state: cannot import state with serial {src.serial} over newer state with "
                    f"serial {existing.serial}"
                )
                return 1
        d = editor.persist_snapshot(src)
        if d.has_errors():
            ui.error(f"Failed to persist state: {state_load_error(d)}")
            return 1
        ui.diagnostics(d)  # warnings: the audit record or state history not written
        return 0
    finally:
        ui.diagnostics(editor.unlock())
