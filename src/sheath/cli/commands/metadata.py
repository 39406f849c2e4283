"""sheath metadata functions -json: the signatures of the built-in functions, in terraform's JSON format."""

from __future__ import annotations

import sys
from typing import Any

from sheath.cli.jsonflag import json_only_command

USAGE = """Usage: sheath [global options] metadata <subcommand> [options] [args]

  This command has subcommands for metadata related purposes.

Subcommands:
    functions    Show signatures and descriptions for the available functions
"""

FUNCTIONS_USAGE = """
Usage: sheath [global options] metadata functions -json

  Prints out a json representation of the available function signatures.
"""

FORMAT_VERSION = "1.0"

# functions whose signature the function table does not hold: can and try are evaluated
# by the expression evaluator (they take expressions, not values), plantimestamp exists
# only while planning, and templatestring checks its own argument (terraform's parameter
# is a non-null string)
SPECIAL_SIGNATURES: dict[str, dict[str, Any]] = {
    "can": {"return_type": "bool", "parameters": [{"name": "expression", "type": "dynamic"}]},
    "plantimestamp": {"return_type": "string"},
    "templatestring": {
        "return_type": "string",
        "parameters": [{"name": "template", "type": "string"}, {"name": "vars", "type": "dynamic"}],
    },
    "try": {"return_type": "dynamic", "variadic_parameter": {"name": "expressions", "type": "dynamic"}},
}

# removed in terraform 0.15: still known, so that calls get a helpful error, but not listed
REMOVED_FUNCTIONS = frozenset({"list", "map"})

def parameter_json(p: Any) -> dict[str, Any]:
    """One parameter as terraform's jsonfunction marshals it (field order: name, description,
    is_nullable, type; empty fields left out)."""
    from sheath.types.json import type_to_json_value

    out: dict[str, Any] = {"name": p.name}
    if getattr(p, "description", ""):
        out["description"] = p.description
    if p.allow_null:
        out["is_nullable"] = True
    out["type"] = type_to_json_value(p.type)
    return out


def signature_json(f: Any) -> dict[str, Any]:
    """A function's signature; its return type is the one for arguments of the parameters'
    own types (dynamic when the function cannot say in advance)."""
    from sheath.lang.funcs.function import FunctionError
    from sheath.types.cty import DYNAMIC, unknown
    from sheath.types.json import type_to_json_value

    every = [*f.params, *([f.var_param] if f.var_param is not None else [])]
    if any(p.type.is_dynamic() and not p.allow_dynamic_type for p in every):
        # cty: an argument of unknown type to a parameter that does not take one makes
        # the result's type unknown, without asking the function
        rt = DYNAMIC
    else:
        try:
            rt = f.return_type([unknown(p.type) for p in every])
        except (FunctionError, ValueError, TypeError):
            rt = DYNAMIC
    out: dict[str, Any] = {}
    if f.description:
        out["description"] = f.description
    out["return_type"] = type_to_json_value(rt)
    if f.params:
        out["parameters"] = [parameter_json(p) for p in f.params]
    if f.var_param is not None:
        out["variadic_parameter"] = parameter_json(f.var_param)
    return out


def functions_json() -> str:
    """terraform metadata functions -json's document (one line, keys sorted as Go's maps are)."""
    from sheath.lang.funcs.registry import builtin_functions

    funcs = builtin_functions(".")
    sigs: dict[str, dict[str, Any]] = {}
    for name in funcs:
        base = name.removeprefix("core::")
        if base not in REMOVED_FUNCTIONS and base not in SPECIAL_SIGNATURES:
            sigs[name] = signature_json(funcs[name])
    for base, sig in SPECIAL_SIGNATURES.items():
        sigs[base] = sigs["core::" + base] = sig
    sigs = dict(sorted(sigs.items()))
    doc = {"format_version": FORMAT_VERSION, "function_signatures": sigs}
    from sheath.states.gojson import marshal

    return marshal(doc)


def run(args: list[str]) -> int:
    if not args or args[0] != "functions":
        sys.stdout.write(USAGE)
        return 0 if args and args[0] in ("-h", "-help", "--help", "--h") else 1
    _, rc = json_only_command(args[1:], FUNCTIONS_USAGE, "metadata functions")
    if rc is not None:
        return rc
    sys.stdout.write(functions_json() + "\n")
    return 0
