"""sheath output [-json] [-raw] [-no-color] [-state=PATH] [NAME]: root module output values from the state."""

from __future__ import annotations

from sheath.cli.flags import FlagError, FlagSpec, parse_flags
from sheath.cli.stateio import (
    Ui,
    read_backend_state,
    state_source,
    strip_no_color,
)
from sheath.diag import Diagnostics
from sheath.states import gojson
from sheath.states.jsonstate import decode_output
from sheath.states.state import OutputValue
from sheath.types.cty import BOOL, NUMBER, STRING
from sheath.types.format import format_value

_FLAGS = [
    FlagSpec("state", "string"),
    FlagSpec("json"),
    FlagSpec("raw"),
    FlagSpec("help"),
    FlagSpec("h"),
]


def _fail(ui: Ui, summary: str, detail: str, help_hint: bool = False) -> int:
    d = Diagnostics()
    d.add_error(summary, detail)
    ui.view_diagnostics(d)
    if help_hint:
        ui.err.write(
            "\nFor more help on using this command, run:\n  terraform output -help\n"
        )
    return 1


def run(args: list[str]) -> int:
    args, color = strip_no_color(args)
    ui = Ui(color)
    try:
        fl = parse_flags(args, _FLAGS)
    except FlagError as exc:
        return _fail(ui, "Failed to parse command-line flags", str(exc), True)
    if fl.get_bool("help") or fl.get_bool("h"):
        from sheath.cli.state_help import USAGE

        ui.out.write(USAGE["output"])
        return 0
    as_json, raw = fl.get_bool("json"), fl.get_bool("raw")
    if as_json and raw:
        return _fail(
            ui,
            "Invalid output format",
            "The -raw and -json options are mutually-exclusive.",
            True,
        )
    if len(fl.args) > 1:
        return _fail(
            ui,
            "Unexpected argument",
            "The output command expects exactly one argument with the name of an output variable or no arguments "
            "to show all outputs.",
            True,
        )
    name = fl.args[0] if fl.args else ""  # an empty name means all outputs, as in terraform
    if raw and not name:
        return _fail(
            ui,
            "Output name required",
            "You must give the name of a single output value when using the -raw option.",
            True,
        )
    if as_json:
        ui.color = False
    lb = state_source(ui, absolute=False, view=True)
    if lb is None:
        return 1
    sf, diags, _ = read_backend_state(lb, fl.get_str("state"))
    if diags.has_errors():
        ui.view_diagnostics(diags)
        return 1
    outputs = sf.state.outputs if sf is not None else {}
    if name:
        return _one(ui, outputs, name, as_json, raw)
    if as_json:
        doc = {
            n: {"sensitive": o.sensitive, "type": o.type, "value": o.value}
            for n, o in sorted(outputs.items())
        }
        ui.out.write(gojson.dumps(doc) + "\n")
        return 0
    if not outputs:
        _no_outputs(ui)
        return 0
    lines = []
    for name in sorted(outputs):
        o = outputs[name]
        text = (
            "<sensitive>"
            if o.sensitive
            else format_value(decode_output(o.value, o.type))
        )
        lines.append(f"{name} = {text}\n")
    ui.out.write("".join(lines))
    return 0


def _no_outputs(ui: Ui) -> None:
    d = Diagnostics()
    d.add_warning(
        "No outputs found",
        "The state file either has no outputs defined, or all the defined outputs are empty. Please define an "
        "output in your configuration with the `output` keyword and run `terraform refresh` for it to become "
        "available. If you are using interpolation, please verify the interpolated value is not empty. You can "
        "use the `terraform console` command to assist.",
    )
    ui.view_diagnostics(d)


def _one(
    ui: Ui, outputs: dict[str, OutputValue], name: str, as_json: bool, raw: bool
) -> int:
    if not outputs:
        _no_outputs(ui)
        return 0
    o = outputs.get(name)
    if o is None:
        return _fail(
            ui,
            f'Output "{name}" not found',
            "The output variable requested could not be found in the state file. If you recently added this to "
            "your configuration, be sure to run `terraform apply`, since the state won't be updated with new output "
            "variables until that command is run.",
        )
    v = decode_output(o.value, o.type)
    if as_json:
        ui.out.write(gojson.marshal(o.value) + "\n")
        return 0
    if raw:
        if v.type not in (STRING, NUMBER, BOOL):
            return _fail(
                ui,
                "Unsupported value for raw output",
                f'The -raw option only supports strings, numbers, and boolean values, but output value "{name}" is '
                f"{v.type.friendly_name()}.\n\nUse the -json option for machine-readable representations of output "
                "values that have complex types.",
            )
        if v.v is None:
            return _fail(
                ui,
                "Unsupported value for raw output",
                f'The value for output value "{name}" is null, so -raw mode cannot print it.',
            )
        if v.type == STRING:
            ui.out.write(str(v.v))
        elif v.type == BOOL:
            ui.out.write("true" if v.v else "false")
        else:
            ui.out.write(v.v.format())
        return 0
    ui.out.write(format_value(v) + "\n")
    return 0
