"""sheath console: evaluate expressions against the working directory's module.

Behaves as `terraform console`:
  * the module is loaded and its input variables, locals (and outputs, for
    their diagnostics) are evaluated first; errors there are printed to stderr
    followed by a warning on stdout, and the failed values become unknown;
  * stdin not a terminal ("piped"): every line (trimmed) is evaluated in turn;
    on the first error its diagnostics go to stderr and the exit code is 1;
    "exit" stops with 0; otherwise the last line's result is printed;
  * interactive: a "> " prompt, "exit", "help", errors do not end the session.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Iterator, Sequence, TextIO

from sheath.diag import Diagnostic, Diagnostics, Pos, Severity
from sheath.diag.render import render_diagnostic
from sheath.lang.eval.context import EvalContext
from sheath.lang.eval.diagvalues import annotate
from sheath.lang.eval.scope import ModuleData, Scope, object_of
from sheath.lang.eval.templates import make_template_renderer
from sheath.lang.funcs.function import Function, Parameter
from sheath.lang.funcs.registry import BuiltinFunctions
from sheath.types.cty import BOOL, DYNAMIC, UNKNOWN, Type, Value, unknown
from sheath.states.statefile import StateFile

if TYPE_CHECKING:
    from sheath.engine.providers import ProviderSchemas

CONSOLE_INPUT = "<console-input>"

HELP = """The Terraform console allows you to experiment with Terraform interpolations.
You may access resources in the state (if you have one) just as you would
from a configuration. For example: "aws_instance.foo.id" would evaluate
to the ID of "aws_instance.foo" if it exists in your state.

Type in the interpolation to test and hit <enter> to see the result.

To exit the console, type "exit" and hit <enter>, or use Control-C or
Control-D."""

USAGE = """Usage: sheath [global options] console [options]

  Starts an interactive console for experimenting with Terraform
  interpolations.

  This will open an interactive console that you can use to type
  interpolations into and inspect their values. This command loads the
  current state. This lets you explore and test interpolations before
  using them in future configurations.

  This command will never modify your state.

Options:

  -state=path       Legacy option for the local backend only. See the local
                    backend's documentation for more information.

  -var 'foo=bar'    Set a variable in the Terraform configuration. This
                    flag can be set multiple times.

  -var-file=foo     Set variables in the Terraform configuration from
                    a file. If "terraform.tfvars" or any ".auto.tfvars"
                    files are present, they will be automatically loaded.
"""


# --- the console-only type() function ------------------------------------------------

TYPE_MARK = "sheath.console.typetype"


class _TypeCapsule(Type):
    """The type of type() results: a capsule holding a cty Type."""

    __slots__ = ()

    def friendly_name(self) -> str:
        return "type"

    def type_expr(self) -> str:
        return "type"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _TypeCapsule)

    def __hash__(self) -> int:
        return hash("typetype")


TYPE_TYPE = _TypeCapsule()


def _type_function() -> Function:
    def rt(_args: Sequence[Value]) -> Type:
        return TYPE_TYPE

    def impl(args: Sequence[Value], _t: Type) -> Value:
        return Value(TYPE_TYPE, args[0].type, frozenset([TYPE_MARK]))

    return Function(
        name="type",
        params=(
            Parameter("value", DYNAMIC, allow_null=True, allow_unknown=True, allow_dynamic_type=True, allow_marked=True),
        ),
        return_type=rt,
        impl=impl,
    )


def type_string(t: Type, indent: int = 0) -> str:
    """terraform console's rendering of a type()."""
    pad = "    "
    if t.is_object():
        attrs: dict[str, Type] = t.attrs  # type: ignore[attr-defined]
        if not attrs:
            return "object({})"
        out = ["object({\n"]
        for name in sorted(attrs):
            out.append(pad * (indent + 1) + name + ": " + type_string(attrs[name], indent + 1) + ",\n")
        out.append(pad * indent + "})")
        return "".join(out)
    if t.is_tuple():
        elems: tuple[Type, ...] = t.elements  # type: ignore[attr-defined]
        if not elems:
            return "tuple([])"
        out = ["tuple([\n"]
        for et in elems:
            out.append(pad * (indent + 1) + type_string(et, indent + 1) + ",\n")
        out.append(pad * indent + "])")
        return "".join(out)
    if t.is_collection():
        kind = "list" if t.is_list() else "map" if t.is_map() else "set"
        elt: Type = t.element  # type: ignore[attr-defined]
        if elt.is_object() or elt.is_tuple():
            return f"{kind}(\n{pad * (indent + 1)}{type_string(elt, indent + 1)},\n{pad * indent})"
        return f"{kind}({type_string(elt, indent)})"
    return t.friendly_name()


def _contains_mark(v: Value, mark: str) -> bool:
    if mark in v.marks:
        return True
    x = v.v
    if isinstance(x, tuple):
        return any(_contains_mark(e, mark) for e in x)
    if isinstance(x, dict):
        return any(_contains_mark(e, mark) for e in x.values())
    return False


# --- arguments ----------------------------------------------------------------------


# flags terraform's console defines that sheath's does not implement (an error, never ignored)
_UNSUPPORTED = ("plan", "compact-warnings", "input", "lock", "lock-timeout", "target")


class _Args:
    def __init__(self) -> None:
        self.color = True
        self.vars: list[tuple[str, str]] = []  # ("var", "k=v") or ("file", path)
        self.state_path: str | None = None


def _parse_args(args: list[str]) -> tuple[_Args | None, str]:
    a = _Args()
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, val = arg.partition("=")
        if name in ("-var", "--var"):
            if not eq:
                i += 1
                if i >= len(args):
                    return None, "flag needs an argument: -var"
                val = args[i]
            a.vars.append(("var", val))
        elif name in ("-var-file", "--var-file"):
            if not eq:
                i += 1
                if i >= len(args):
                    return None, "flag needs an argument: -var-file"
                val = args[i]
            a.vars.append(("file", val))
        elif name in ("-state", "--state"):
            if not eq:
                i += 1
                if i >= len(args):
                    return None, "flag needs an argument: -state"
                val = args[i]
            a.state_path = val
        elif arg in ("-no-color", "--no-color"):
            a.color = False
        elif name in ("-input", "--input") and eq and val in ("false", "0", "f", "F", "FALSE", "False"):
            pass  # sheath's console never prompts for variables
        elif name.lstrip("-") in _UNSUPPORTED:
            return None, f"sheath console does not implement -{name.lstrip('-')} yet"
        elif arg.startswith("-"):
            return None, f"flag provided but not defined: {name}"
        else:
            return None, "Too many command line arguments. Did you mean to use -chdir?"
        i += 1
    return a, ""


# --- output -------------------------------------------------------------------------


def sort_diagnostics(diags: Sequence[Diagnostic]) -> list[Diagnostic]:
    """Terraform's stable diagnostic order: warnings first, sourceless first, then by
    file (fewer path separators first, then name) and subject position."""

    def key(d: Diagnostic) -> tuple[Any, ...]:
        sev = 0 if d.severity is Severity.WARNING else 1
        subj = d.subject
        if subj is None:
            return (sev, 0)
        return (sev, 1, subj.filename.count(os.sep), subj.filename, subj.start.byte, subj.end.byte)

    return sorted(diags, key=key)


class _Printer:
    def __init__(self, color: bool, sources: dict[str, bytes]) -> None:
        self.color = color
        self.sources = sources
        try:
            self.width = shutil.get_terminal_size((78, 24)).columns if sys.stderr.isatty() else 78
        except (OSError, ValueError):
            self.width = 78

    def show(self, diags: Sequence[Diagnostic]) -> None:
        diags = sort_diagnostics(diags)
        annotate(list(diags))
        errs = [d for d in diags if d.severity is Severity.ERROR]
        warns = [d for d in diags if d.severity is not Severity.ERROR]
        for d in warns:
            sys.stdout.write(render_diagnostic(d, self.sources, self.color, self.width))
        for d in errs:
            sys.stderr.write(render_diagnostic(d, self.sources, self.color, self.width))
        sys.stdout.flush()
        sys.stderr.flush()


# --- module data ----------------------------------------------------------------------


def _sources(module: Any) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for f in getattr(module, "files", []) or []:
        try:
            with open(f, "rb") as fh:
                out[f] = fh.read()
        except OSError:
            pass
    return out


def _json_to_value(x: Any) -> Value:
    from sheath.types.convert import implied_type
    from sheath.types.cty import (
        FALSE,
        STRING,
        TRUE,
        null,
        string_val,
    )
    from sheath.types.number import number_val

    if x is None:
        return null(DYNAMIC)
    if isinstance(x, bool):
        return TRUE if x else FALSE
    if isinstance(x, (int, float)):
        return number_val(x if isinstance(x, int) else str(x))
    if isinstance(x, str):
        return string_val(x) if x else Value(STRING, "")
    if isinstance(x, list):
        from sheath.types.cty import tuple_val

        return tuple_val([_json_to_value(e) for e in x])
    if isinstance(x, dict):
        if len(x) == 2 and "type" in x and "value" in x:
            # A dynamically-typed attribute, stored as {"value": ..., "type": ...}.
            try:
                from sheath.types.json import type_from_json, value_from_json

                return value_from_json(json.dumps(x["value"]), type_from_json(json.dumps(x["type"])))
            except Exception:
                pass
        return object_of({k: _json_to_value(v) for k, v in x.items()})
    _ = implied_type
    return null(DYNAMIC)


def _state_resources(sf: StateFile) -> dict[str, Value]:
    """Resource values ("[data.]type.name") of the root module's resources in a state, by
    their JSON attributes (as the state file holds them)."""
    from sheath.states.statefile import write_state_file

    out: dict[str, Value] = {}
    doc = json.loads(write_state_file(sf))
    for r in doc.get("resources", []) or []:
        if r.get("module"):
            continue
        mode = r.get("mode")
        key = f"{r.get('type')}.{r.get('name')}"
        if mode == "data":
            key = "data." + key
        insts = r.get("instances", []) or []
        if not insts:
            continue
        if "index_key" not in insts[0]:
            out[key] = _json_to_value(insts[0].get("attributes", {}))
            continue
        if isinstance(insts[0].get("index_key"), int):
            from sheath.types.cty import tuple_val

            ordered = sorted(insts, key=lambda i: i.get("index_key", 0))
            out[key] = tuple_val([_json_to_value(i.get("attributes", {})) for i in ordered])
        else:
            out[key] = object_of({str(i.get("index_key")): _json_to_value(i.get("attributes", {})) for i in insts})
    return out


def _iter_locals_order(module: Any) -> Iterator[str]:
    """Locals in dependency order (references to other locals first)."""
    locs: dict[str, Any] = module.locals
    state: dict[str, int] = {}
    order: list[str] = []

    def deps(name: str) -> list[str]:
        out = []
        for trav in locs[name].expr.variables():
            steps = trav.steps
            if len(steps) >= 2 and getattr(steps[0], "name", "") == "local":
                n = getattr(steps[1], "name", None)
                if n in locs:
                    out.append(n)
        return out

    def visit(n: str) -> None:
        stack: list[tuple[str, Iterator[str]]] = [(n, iter(deps(n)))]
        state[n] = 1
        while stack:
            cur, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                state[cur] = 2
                order.append(cur)
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(deps(nxt))))

    for name in sorted(locs):
        if name not in state:
            visit(name)
    return iter(order)


class _FatalVars(Exception):
    pass


def _variable_values(module: Any, a: _Args, diags: Diagnostics, sources: dict[str, bytes]) -> dict[str, Value]:
    """Input variable values: defaults < TF_VAR_* < terraform.tfvars < *.auto.tfvars < -var/-var-file.

    Unset required variables are unknown (console never prompts).
    """
    from sheath.config.named_values import VariableParsingMode
    from sheath.lang.eval.evaluator import evaluate
    from sheath.lang.hclsyntax.parser import parse_config, parse_expression
    from sheath.types.cty import SENSITIVE

    decls: dict[str, Any] = getattr(module, "variables", {})
    raw: dict[str, tuple[Value, str]] = {}  # name -> (value, how it was set)
    empty = EvalContext(None, None)  # variable files allow neither references nor functions
    eval_failed = False
    parse_failed = False

    def from_string(name: str, text: str, how: str) -> None:
        decl = decls.get(name)
        if decl is not None and decl.parsing_mode is VariableParsingMode.HCL:
            expr, pd = parse_expression(text.encode("utf-8"), how, Pos(1, 1, 0))
            if pd.has_errors():
                diags.extend(pd)
                return
            v, ed = evaluate(expr, empty)
            if ed.has_errors():
                diags.extend(ed)
                return
            raw[name] = (v, how)
        else:
            from sheath.types.cty import string_val

            raw[name] = (string_val(text), how)

    for k, v in sorted(os.environ.items()):
        if k.startswith("TF_VAR_") and k[7:] in decls:
            from_string(k[7:], v, f'using the TF_VAR_{k[7:]} environment variable')

    def from_file(path: str, explicit: bool) -> None:
        try:
            with open(path, "rb") as fh:
                src = fh.read()
        except OSError:
            diags.append(
                Diagnostic(
                    Severity.ERROR,
                    "Failed to read variables file",
                    f'Given variables file {path} does not exist.',
                )
            )
            raise _FatalVars() from None
        if path.endswith(".json"):
            try:
                doc = json.loads(src)
            except ValueError:
                return
            for name, x in (doc or {}).items():
                raw[name] = (_json_to_value(x), "file")
            return
        nonlocal eval_failed, parse_failed
        sources[path] = src
        f, pd = parse_config(src, path)
        diags.extend(pd)
        if pd.has_errors():
            parse_failed = True
            return
        attrs, ad = f.body.just_attributes()
        diags.extend(ad)
        for name, attr in attrs.items():
            v, ed = evaluate(attr.expr, empty)
            diags.extend(ed)
            if ed.has_errors():
                eval_failed = True
            else:
                raw[name] = (v, "file")

    try:
        if os.path.exists("terraform.tfvars"):
            from_file("terraform.tfvars", False)
        if os.path.exists("terraform.tfvars.json"):
            from_file("terraform.tfvars.json", False)
        for fn in sorted(os.listdir(".")):
            if fn.endswith(".auto.tfvars") or fn.endswith(".auto.tfvars.json"):
                from_file(fn, False)
        for kind, text in a.vars:
            if kind == "file":
                from_file(text, True)
                continue
            name, eq, value = text.partition("=")
            if not eq or not name:
                diags.append(
                    Diagnostic(
                        Severity.ERROR,
                        "Invalid -var option",
                        f'The given -var option "{text}" is not correctly specified. Must be a variable name '
                        "and value separated by an equals sign, like -var=\"key=value\".",
                    )
                )
                raise _FatalVars()
            if name not in decls:
                diags.append(
                    Diagnostic(
                        Severity.ERROR,
                        "Value for undeclared variable",
                        f'A variable named "{name}" was assigned on the command line, but the root module does not '
                        "declare a variable of that name. To use this value, add a \"variable\" block to the "
                        "configuration.",
                    )
                )
                raise _FatalVars()
            from_string(name, value, f'-var="{name}=..."')
    except _FatalVars:
        raise
    if parse_failed:
        raise _FatalVars()
    if eval_failed:
        for name, decl in decls.items():
            if decl.default is None and name not in raw:
                diags.append(
                    Diagnostic(
                        Severity.ERROR,
                        "No value for required variable",
                        f'The root module input variable "{name}" is not set, and has no default value. Use a -var '
                        "or -var-file command line argument to provide a value for this variable.",
                        decl.decl_range,
                    )
                )
        raise _FatalVars()

    from sheath.lang.eval import valops as vo

    out: dict[str, Value] = {}
    for name, decl in decls.items():
        ty = decl.type
        got = raw.get(name)
        if got is None:
            val = decl.default if decl.default is not None else unknown(ty)
        else:
            val, how = got
            try:
                from sheath.types.convert import convert, without_optional_attrs

                val = convert(val, without_optional_attrs(ty)) if not ty.is_dynamic() else val
            except Exception as err:
                msg = getattr(err, "message", None) or str(err)
                where = f"set using {how}" if how != "file" else "set using a variables file"
                diags.append(
                    Diagnostic(
                        Severity.ERROR,
                        "Invalid value for input variable",
                        f"Unsuitable value for var.{name} {where}: {msg}.",
                        decl.decl_range,
                    )
                )
                val = unknown(ty)
            _ = vo
        if decl.sensitive:
            val = val.mark(SENSITIVE)
        out[name] = val
    return out


def _check_variable_validations(module: Any, data: ModuleData, diags: Diagnostics) -> None:
    """Evaluate each input variable's validation rules (failures are errors; values are kept)."""
    from sheath.lang.eval.closures import range_str
    from sheath.lang.eval.evaluator import evaluate
    from sheath.lang.funcs.registry import builtin_functions
    from sheath.types.cty import STRING

    decls: dict[str, Any] = getattr(module, "variables", {})
    if not any(getattr(v, "validations", None) for v in decls.values()):
        return
    ctx = EvalContext({"var": object_of(data.variables)}, builtin_functions(os.getcwd()))
    for name, decl in decls.items():
        for rule in decl.validations:
            val = data.variables.get(name)
            if val is None or not val.is_wholly_known():
                continue
            res, rd = evaluate(rule.condition, ctx)
            if rd.has_errors():
                diags.extend(rd)
                continue
            if res.v is UNKNOWN or res.v is None or res.v is True:
                continue
            if res.type != BOOL:
                continue
            msg_val, md = evaluate(rule.error_message, ctx)
            if md.has_errors() or msg_val.type != STRING or not isinstance(msg_val.v, str):
                diags.extend(md)
                continue
            d = Diagnostic(
                Severity.ERROR,
                "Invalid value for variable",
                f"{msg_val.v}\n\nThis was checked by the validation rule at {range_str(rule.decl_range)}.",
                decl.decl_range,
            )
            d.extra["expr"] = rule.condition
            d.extra["ctx"] = ctx
            diags.append(d)




def _module_call_values(var_args: list[tuple[str, str]], sf: StateFile | None) -> tuple[dict[str, Value], Diagnostics]:
    """module.NAME as terraform's console has it: the child modules evaluated over the
    state by the engine's eval walk (their resources' values from the state)."""
    from sheath.engine.evaluate import root_module_calls
    from sheath.engine.operations import load
    from sheath.states.state import State

    session, diags = load(".", var_args, validate=False)
    if session is None:
        return {}, diags
    calls, d = root_module_calls(session, sf.state if sf is not None else State())
    diags.extend(d)
    return calls, diags

_TEMPLATE_FUNCTIONS = frozenset({"templatefile", "templatestring", "core::templatefile", "core::templatestring"})


class ConsoleFunctions(Mapping[str, Function]):
    """The built-in functions and the console-only ``type``, still loaded lazily."""

    def __init__(self, builtin: Mapping[str, Function], type_function: Function, base: BuiltinFunctions | None = None) -> None:
        self.builtin = builtin
        self.type_function = type_function
        # terraform's console scope hands its whole table (type included) to templatefile
        # and templatestring: with base, theirs render with this table
        self.templates: Mapping[str, Function] | None = None
        if base is not None:
            renderer = make_template_renderer()
            self.templates = base.with_render_template(renderer)
            renderer.functions = self

    def __getitem__(self, name: str) -> Function:
        if name == "type":
            return self.type_function
        if self.templates is not None and name in _TEMPLATE_FUNCTIONS:
            return self.templates[name]
        return self.builtin[name]

    def __contains__(self, name: object) -> bool:
        return name == "type" or name in self.builtin

    def __iter__(self) -> Iterator[str]:
        yield "type"
        yield from (n for n in self.builtin if n != "type")

    def __len__(self) -> int:
        return sum(1 for _ in self)

def build_scope(
    a: _Args, diags: Diagnostics, schemas: ProviderSchemas | None = None
) -> tuple[Scope | None, dict[str, bytes]]:
    """The root module's scope; with schemas, its required providers' functions are in it
    (provider::NAME::F), called on unconfigured instances that schemas starts and closes."""
    from sheath.cli.backend import current_workspace
    from sheath.config.loader import load_module

    cwd = os.getcwd()
    module, mdiags = load_module(".")
    diags.extend(mdiags)
    sources = _sources(module)
    if mdiags.has_errors():
        return None, sources
    data = ModuleData(path_module=".", path_root=".", path_cwd=cwd, workspace=current_workspace())
    try:
        data.variables = _variable_values(module, a, diags, sources)
    except _FatalVars:
        return None, sources

    from sheath.cli.backend import local_backend

    from sheath.cli.backend import remote_backend
    from sheath.cli.stateio import RemoteStateSource, StateSource, read_backend_state

    given = [("var-file" if kind == "file" else "var", v) for kind, v in a.vars]  # for the encryption block too
    selected, bd = remote_backend(module, None, given)
    source: StateSource | None = RemoteStateSource(selected) if selected is not None else None
    if source is None and not bd.has_errors():
        source, bd = local_backend(module, None, given)
    diags.extend(bd)
    if source is None:
        return None, sources
    from sheath.engine.providers import required_plugins

    pd = required_plugins()
    if not pd.has_errors():
        from sheath.config import load_module_tree
        from sheath.engine.providers import lock_consistency

        tree, td = load_module_tree(".")
        if not td.has_errors():
            pd = lock_consistency(tree, ".")
    diags.extend(pd)
    if pd.has_errors():
        return None, sources
    sf, sd, _ = read_backend_state(source, a.state_path)
    if sd.has_errors():
        diags.extend(sd)
        return None, sources
    state_vals = _state_resources(sf) if sf is not None else {}
    for key in getattr(module, "managed_resources", {}):
        data.managed[key] = state_vals.get(key, unknown(DYNAMIC))
    for key in getattr(module, "data_resources", {}):
        short = key[len("data.") :] if key.startswith("data.") else key
        data.data[short] = state_vals.get("data." + short, unknown(DYNAMIC))
    for name in getattr(module, "module_calls", {}):
        data.module_calls[name] = unknown(DYNAMIC)
    if getattr(module, "module_calls", {}) and not diags.has_errors():
        calls, cd = _module_call_values(given, sf)
        diags.extend(cd)
        data.module_calls.update(calls)

    _check_variable_validations(module, data, diags)

    renderer = make_template_renderer()
    from sheath.lang.funcs.registry import builtin_functions

    # the table stays lazy: a function's module is imported when the input calls it
    base = builtin_functions(cwd, render_template=renderer)
    renderer.functions = base
    functions: Mapping[str, Function] = base
    if schemas is not None:
        from sheath.engine.providerfuncs import module_functions

        functions = module_functions(functions, module, schemas.function_decls, schemas.function_instance)
    console_fns = ConsoleFunctions(functions, _type_function(), base)

    # Locals (in dependency order); failures become unknown.
    for name in getattr(module, "locals", {}):
        data.locals[name] = unknown(DYNAMIC)
    scope = Scope(data, functions)
    for name in _iter_locals_order(module):
        loc = module.locals[name]
        scope._ctx = None
        val, ld = scope.eval_expr(loc.expr)
        diags.extend(ld)
        data.locals[name] = unknown(DYNAMIC) if ld.has_errors() else val
    scope._ctx = None
    for out in getattr(module, "outputs", {}).values():
        if out.expr is not None:
            _, od = scope.eval_expr(out.expr)
            diags.extend(od)
    return Scope(data, console_fns), sources


# --- the session --------------------------------------------------------------------


def handle(scope: Scope, line: str) -> tuple[str, bool, Diagnostics]:
    """One console input line: (result text, exit requested, diagnostics)."""
    line = line.strip()
    if line == "":
        return "", False, Diagnostics()
    if line == "exit":
        return "", True, Diagnostics()
    if line == "help":
        return HELP, False, Diagnostics()
    from sheath.lang.hclsyntax.parser import parse_expression

    expr, diags = parse_expression(line.encode("utf-8"), CONSOLE_INPUT, Pos(1, 1, 0))
    if diags.has_errors():
        return "", False, diags
    val, ediags = scope.eval_expr(expr)
    diags.extend(ediags)
    if ediags.has_errors():
        return "", False, diags
    if _contains_mark(val, TYPE_MARK):
        if val.type == TYPE_TYPE and val.v is not UNKNOWN and isinstance(val.v, Type):
            return type_string(val.v), False, diags
        diags.append(
            Diagnostic(
                Severity.ERROR,
                "Invalid use of type function",
                'The console-only "type" function cannot be used as part of an expression.',
            )
        )
        return "", False, diags
    from sheath.types.format import format_value

    return format_value(val), False, diags


def _piped(scope: Scope, printer: _Printer, stdin: TextIO) -> int:
    last = ""
    data = stdin.read()
    lines = data.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for raw in lines:
        if raw.endswith("\r"):
            raw = raw[:-1]
        result, exit_, diags = handle(scope, raw)
        if diags.has_errors():
            printer.show(diags)
            return 1
        if exit_:
            return 0
        last = result
    sys.stdout.write(last + "\n")
    return 0


def expression_entry_could_continue(lines: Sequence[str]) -> bool:
    """Whether interactive input seems to continue on the next line (an unclosed bracket).

    Terraform's heuristic: some bracketing delimiter is still open and every
    closer seen so far matched its opener. An empty last line forces evaluation.
    """
    if not lines or lines[-1].strip() == "":
        return False
    from sheath.lang.hclsyntax.lexer import TokenType as TT, lex

    toks, diags = lex(("\n".join(lines) + "\n").encode("utf-8"), "")
    if diags.has_errors():
        return False
    openers = {TT.OBrace, TT.OBrack, TT.OParen, TT.OHeredoc, TT.TemplateInterp, TT.TemplateControl}
    closers = {
        TT.CBrace: (TT.OBrace,),
        TT.CBrack: (TT.OBrack,),
        TT.CParen: (TT.OParen,),
        TT.CHeredoc: (TT.OHeredoc,),
        TT.TemplateSeqEnd: (TT.TemplateInterp, TT.TemplateControl),
    }
    stack: list[Any] = []
    for t in toks:
        if t.type in openers:
            stack.append(t.type)
        elif t.type in closers:
            if not stack or stack.pop() not in closers[t.type]:
                return False
    return bool(stack)


def _interactive(scope: Scope, printer: _Printer) -> int:
    try:
        import readline  # noqa: F401  (line editing and history for input())
    except ImportError:
        pass
    lines: list[str] = []
    while True:
        try:
            line = input("> " if not lines else ": ")
        except EOFError:
            sys.stdout.write("exit\n")
            break
        except KeyboardInterrupt:
            if not lines:
                break
            lines = []
            sys.stdout.write("(multi-line entry canceled)\n")
            continue
        lines.append(line)
        if expression_entry_could_continue(lines):
            continue
        text = "\n".join(lines) + "\n"
        lines = []
        result, exit_, diags = handle(scope, text)
        if diags.has_errors():
            printer.show(diags)
        if exit_:
            break
        sys.stdout.write(result + "\n")
        sys.stdout.flush()
    return 0


def _ui_error(msg: str, color: bool) -> None:
    """Terraform's UI error output: red when colour is on."""
    if color:
        sys.stderr.write(f"\x1b[31m{msg}\x1b[0m\x1b[0m\n")
    else:
        sys.stderr.write(msg + "\n")


def run(args: list[str]) -> int:
    color = "-no-color" not in args and "--no-color" not in args
    if any(x in ("-help", "-h", "--help") for x in args):
        sys.stdout.write(USAGE)
        return 0
    a, err = _parse_args(args)
    if a is None:
        if err.startswith("Too many"):
            _ui_error(err, color)
        else:
            _ui_error(USAGE.strip(), color)
            _ui_error(f"Error parsing command line flags: {err}\n", color)
        return 1
    from sheath.engine.providers import ProviderFactory, ProviderSchemas

    schemas = ProviderSchemas(ProviderFactory(os.getcwd()))
    try:
        return _console(a, schemas)
    finally:
        schemas.close()


def _console(a: _Args, schemas: ProviderSchemas) -> int:
    diags = Diagnostics()
    scope, sources = build_scope(a, diags, schemas)
    printer = _Printer(a.color, sources)
    if scope is None:
        printer.show(diags)
        return 1
    if diags.has_errors():
        printer.show(diags)
        diags = Diagnostics()
        diags.append(
            Diagnostic(Severity.WARNING, "Due to the problems above, some expressions may produce unexpected results.")
        )
    if diags:
        printer.show(diags)
    if sys.stdin.isatty():
        return _interactive(scope, printer)
    return _piped(scope, printer, sys.stdin)


__all__ = ["run", "handle", "build_scope", "type_string", "EvalContext"]
