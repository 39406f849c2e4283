"""Input variable values for the root module: collection, precedence, conversion.

Sources, lowest to highest precedence (terraform's order):
  1. TF_VAR_<name> environment variables
  2. terraform.tfvars
  3. terraform.tfvars.json
  4. *.auto.tfvars and *.auto.tfvars.json, in lexical order of file name
  5. -var and -var-file options, in command-line order
Raw strings (-var, TF_VAR_) are taken literally for variables with a primitive
type (or no type), and parsed as HCL expressions otherwise.

Validation rules need the evaluator: variable_validations(module) hands them to
the caller (the validate/plan command) together with the final values.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass
from typing import Mapping, Sequence

from sheath.config.common import CheckRule, range_str
from sheath.config.exprs import const_value, convert_value
from sheath.config.module import Module
from sheath.config.named_values import Variable, VariableParsingMode
from sheath.config.typeexpr import apply_defaults
from sheath.diag import Diagnostics, Range
from sheath.types.cty import EPHEMERAL, SENSITIVE, Value, null, string_val

__all__ = [
    "InputValue",
    "ValueSourceType",
    "apply_defaults",
    "collect_variable_values",
    "finalize_variable_values",
    "parse_var_option",
    "variable_validations",
]


class ValueSourceType(enum.Enum):
    ENV = "env"
    AUTO_FILE = "auto_file"
    NAMED_FILE = "named_file"
    CLI = "cli"
    INPUT = "input"
    CALLER = "caller"


@dataclass(slots=True)
class InputValue:
    value: Value
    source_type: ValueSourceType
    source_range: Range | None = None


def parse_var_option(raw: str) -> tuple[str, str] | None:
    """Split a -var option "name=value"; None when there is no equals sign."""
    if "=" not in raw:
        return None
    name, value = raw.split("=", 1)
    return name, value


def _parse_raw(name: str, raw: str, mode: VariableParsingMode) -> tuple[Value, Diagnostics]:
    if mode is VariableParsingMode.LITERAL:
        return string_val(raw), Diagnostics()
    from sheath.lang.hclsyntax.parser import parse_expression

    expr, diags = parse_expression(raw.encode(), f"<value for var.{name}>")
    diags = Diagnostics(diags)
    if diags.has_errors():
        return null(), diags
    v, d = const_value(expr)
    diags.extend(d)
    return v, diags


def interactive_value(var: Variable, raw: str) -> tuple[InputValue | None, Diagnostics]:
    """A value typed at terraform's "Enter a value:" prompt (None when left empty)."""
    if raw == "":
        return None, Diagnostics()
    v, d = _parse_raw(var.name, raw, var.parsing_mode)
    return InputValue(v, ValueSourceType.INPUT), d


def _read_file(
    path: str, st: ValueSourceType, module: Module, out: dict[str, InputValue], diags: Diagnostics, shown: str = ""
) -> None:
    from sheath.config.loader import parse_file

    f, d = parse_file(path)
    diags.extend(d)
    if f is None or d.has_errors():
        return
    attrs, d = f.body.just_attributes()
    diags.extend(d)
    for name, attr in attrs.items():
        v, d = const_value(attr.expr)
        diags.extend(d)
        if d.has_errors():
            continue
        if name not in module.variables:
            detail = (
                f'The root module does not declare a variable named "{name}" but a value was found in file '
                f'"{shown or os.path.basename(path)}". If you meant to use this value, add a "variable" block to '
                "the configuration."
            )
            if st is ValueSourceType.AUTO_FILE:
                detail += (
                    '\n\nTo silence these warnings, use TF_VAR_... environment variables to provide certain "global" '
                    "settings to all configurations in your organization. To reduce the verbosity of these "
                    "warnings, use the -compact-warnings option."
                )
            diags.add_warning("Value for undeclared variable", detail)
            continue
        out[name] = InputValue(v, st, attr.expr.range)


def collect_variable_values(
    module: Module,
    working_dir: str = ".",
    args: Sequence[tuple[str, str]] = (),
    environ: Mapping[str, str] | None = None,
) -> tuple[dict[str, InputValue], Diagnostics]:
    """Gather raw values from every source, later sources overriding earlier ones.

    args: the -var / -var-file options in command-line order, as ("var", "k=v") or
    ("var-file", path) pairs.
    """
    diags = Diagnostics()
    out: dict[str, InputValue] = {}
    env = os.environ if environ is None else environ
    for key in sorted(env):
        if not key.startswith("TF_VAR_"):
            continue
        name = key[len("TF_VAR_") :]
        var = module.variables.get(name)
        if var is None:
            continue  # undeclared environment variables are ignored
        v, d = _parse_raw(name, env[key], var.parsing_mode)
        diags.extend(d)
        if not d.has_errors():
            out[name] = InputValue(v, ValueSourceType.ENV)
    for fname in ("terraform.tfvars", "terraform.tfvars.json"):
        path = os.path.join(working_dir, fname)
        if os.path.isfile(path):
            _read_file(path, ValueSourceType.AUTO_FILE, module, out, diags)
    try:
        names = sorted(os.listdir(working_dir))
    except OSError:
        names = []
    for fname in names:
        if fname.endswith(".auto.tfvars") or fname.endswith(".auto.tfvars.json"):
            path = os.path.join(working_dir, fname)
            if os.path.isfile(path):
                _read_file(path, ValueSourceType.AUTO_FILE, module, out, diags)
    for kind, raw in args:
        if kind == "var-file":
            path = raw if os.path.isabs(raw) else os.path.join(working_dir, raw)
            if not os.path.isfile(path):
                diags.add_error(
                    "Failed to read variables file", f"Given variables file {raw} does not exist."
                )
                continue
            _read_file(path, ValueSourceType.NAMED_FILE, module, out, diags, raw)
            continue
        parsed = parse_var_option(raw)
        if parsed is None:
            diags.add_error(
                "Invalid -var option",
                f'The given -var option "{raw}" is not correctly specified. Must be a variable name and value '
                'separated by an equals sign, like -var="key=value".',
            )
            continue
        name, text = parsed
        var = module.variables.get(name)
        if var is None:
            diags.add_error(
                "Value for undeclared variable",
                f'A variable named "{name}" was assigned on the command line, but the root module does not declare '
                'a variable of that name. To use this value, add a "variable" block to the configuration.',
            )
            continue
        v, d = _parse_raw(name, text, var.parsing_mode)
        diags.extend(d)
        if not d.has_errors():
            out[name] = InputValue(v, ValueSourceType.CLI)
    return out, diags


def _non_file_source(name: str, iv: InputValue) -> str:
    if iv.source_type is ValueSourceType.CLI:
        return f'set using -var="{name}=..."'
    if iv.source_type is ValueSourceType.ENV:
        return f"set using the TF_VAR_{name} environment variable"
    if iv.source_type is ValueSourceType.INPUT:
        return "set using an interactive prompt"
    return "set from outside of the configuration"


def finalize_variable_value(var: Variable, given: InputValue | None) -> tuple[Value, Diagnostics]:
    """The value of one root variable: default, nullability, optional defaults, type conversion, marks."""
    diags = Diagnostics()
    name = var.name
    if given is None:
        if var.default is None:
            diags.add_error(
                "No value for required variable",
                f'The root module input variable "{name}" is not set, and has no default value. Use a -var or '
                "-var-file command line argument to provide a value for this variable.",
                var.decl_range,
            )
            return null(var.type), diags
        val = var.default
    else:
        val = given.value
        if val.is_null and not var.nullable:
            if var.default is not None and not var.default.is_null:
                val = var.default
            else:
                from_file = given.source_type in (ValueSourceType.AUTO_FILE, ValueSourceType.NAMED_FILE)
                diags.add_error(
                    "Required variable not set",
                    f"Unsuitable value for var.{name} {_non_file_source(name, given)}: required variable may not "
                    "have a null value.",
                    given.source_range if from_file and given.source_range else var.decl_range,
                )
                return null(var.type), diags
        if var.type_defaults is not None:
            val = apply_defaults(val, var.type, var.type_defaults)
        conv, msg = convert_value(val, var.type)
        if conv is None:
            if given.source_type in (ValueSourceType.AUTO_FILE, ValueSourceType.NAMED_FILE) and given.source_range:
                diags.add_error(
                    "Invalid value for input variable",
                    f"The given value is not suitable for var.{name} declared at {range_str(var.decl_range)}: {msg}.",
                    given.source_range,
                )
            else:
                diags.add_error(
                    "Invalid value for input variable",
                    f"Unsuitable value for var.{name} {_non_file_source(name, given)}: {msg}.",
                    var.decl_range,
                )
            return null(var.type), diags
        val = conv
    if var.sensitive:
        val = val.mark(SENSITIVE)
    if var.ephemeral:
        val = val.mark(EPHEMERAL)
    return val, diags


def finalize_variable_values(module: Module, given: Mapping[str, InputValue]) -> tuple[dict[str, Value], Diagnostics]:
    """Final values for every declared root variable, in declaration-name order."""
    diags = Diagnostics()
    out: dict[str, Value] = {}
    for name in sorted(module.variables):
        v, d = finalize_variable_value(module.variables[name], given.get(name))
        diags.extend(d)
        out[name] = v
    return out, diags


def variable_validations(module: Module) -> list[tuple[Variable, CheckRule]]:
    """Every (variable, validation rule) pair, for the caller to evaluate with the final values."""
    return [(v, rule) for v in module.variables.values() for rule in v.validations]
