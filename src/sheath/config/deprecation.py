"""OpenTofu's deprecated variables and outputs (OpenTofu 1.10): the warnings a module's
caller gets for giving a deprecated variable a value or for using a deprecated output.

OpenTofu raises these from marks on evaluated values; here the module tree is read
statically: a module call argument naming a deprecated variable, and an expression
referring to module.NAME.OUTPUT (or module.NAME[KEY].OUTPUT) of a deprecated output,
are warned about once each, at the argument's or the referring expression's range."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sheath.config.loader import Config
from sheath.config.references import body_expressions
from sheath.diag import Diagnostic, Diagnostics, Range
from sheath.diag import warning as warning_diag
from sheath.lang import hcl
from sheath.lang.hcl import Expression

VARIABLE_SUMMARY = "Variable marked as deprecated by the module author"
OUTPUT_SUMMARY = "Value derived from a deprecated source"
ROOT_VARIABLE_SUMMARY = "Deprecated variable used from the root module"

# Diagnostic.extra key of a module-caller warning: whether its cause comes from a remote
# module (OpenTofu's VariableDeprecationCause / DeprecationCause.IsFromRemoteModule).
FROM_REMOTE_MODULE = "deprecation_from_remote_module"

# OpenTofu's -deprecation=module:LEVEL (arguments.ParseView, OpenTofu 1.10)
LEVEL_ALL, LEVEL_LOCAL, LEVEL_NONE = "all", "local", "none"


class DeprecationFlagError(ValueError):
    """A -deprecation value other than module:all, module:local or module:none."""


def strip_deprecation_flag(args: list[str]) -> tuple[str, list[str]]:
    """The level of the last -deprecation=module:LEVEL argument, and the arguments without
    them (OpenTofu removes them before parsing the command's flags). OpenTofu takes an
    unknown value as "all" and ignores other -deprecation forms; sheath refuses them
    (DeprecationFlagError), since an accepted value that does nothing hides a typo."""
    level = LEVEL_ALL
    rest = []
    for a in args:
        if a == "-deprecation" or a.startswith("-deprecation="):
            value = a.partition("=")[2]
            if not value.startswith("module:") or value[len("module:") :] not in (LEVEL_ALL, LEVEL_LOCAL, LEVEL_NONE):
                raise DeprecationFlagError(
                    f"invalid value {value!r} for -deprecation: expected module:all, module:local or module:none"
                )
            level = value[len("module:") :]
        else:
            rest.append(a)
    return level, rest


def deprecation_allowed(level: str, d: Diagnostic) -> bool:
    """OpenTofu's DeprecationDiagnosticAllowed: whether the human view shows d at level.
    Only module-caller warnings carry a cause; the root variable warning has none."""
    remote = d.extra.get(FROM_REMOTE_MODULE)
    if level == LEVEL_ALL or remote is None:
        return True
    return level == LEVEL_LOCAL and not remote


def filter_deprecations(level: str, diags: Iterable[Diagnostic]) -> Diagnostics:
    return Diagnostics([d for d in diags if deprecation_allowed(level, d)])


def is_module_call_from_remote_module(root: Config, c: Config, call_name: str) -> bool:
    """OpenTofu's Config.IsModuleCallFromRemoteModule on c: c's own source is a remote one
    (not a registry address), or a module call met going up from c, looked up by call_name
    and then by each ancestor's call name, has a registry or remote source."""
    if c.call is not None and c.call.source_addr is not None and c.call.source_addr.kind == "remote":
        return True
    name = call_name
    path = c.path
    while not path.is_root():
        parent = root.descendant(path.parent())
        if parent is None:
            return False
        call = parent.module.module_calls.get(name)
        if call is None:
            return False
        if call.source_addr is not None and not call.source_addr.is_local():
            return True
        if parent.path.is_root():
            return False
        name = parent.path.call_name()
        path = parent.path
    return False


@dataclass(frozen=True, slots=True)
class DeprecatedUse:
    """One use of a deprecated object: its address as OpenTofu words it and its message."""

    subject: str
    message: str
    range: Range
    call_name: str = ""


def deprecation_warnings(cfg: Config) -> Diagnostics:
    """Warnings for every module of the tree: arguments given to deprecated variables of
    the modules it calls, and references to the called modules' deprecated outputs."""
    diags = Diagnostics()
    for c in cfg.all_modules():
        diags.extend(_variable_warnings(cfg, c))
        diags.extend(_output_warnings(cfg, c))
    return diags


def root_variable_warnings(cfg: Config, given: Iterable[str]) -> Diagnostics:
    """The root module's deprecated variables given a value by the user (-var, -var-file,
    terraform.tfvars, TF_VAR_): OpenTofu warns at the variable's declaration."""
    diags = Diagnostics()
    for name in sorted(set(given)):
        v = cfg.module.variables.get(name)
        if v is None or not v.deprecated:
            continue
        diags.append(
            warning_diag(
                ROOT_VARIABLE_SUMMARY,
                f'The root variable "{name}" is deprecated with the following message: {v.deprecated}',
                v.decl_range,
            )
        )
    return diags


def _variable_warnings(root: Config, c: Config) -> Diagnostics:
    diags = Diagnostics()
    for name, mc in sorted(c.module.module_calls.items()):
        child = c.children.get(name)
        if child is None:
            continue
        attrs, _ = mc.config.just_attributes()
        for arg, attr in sorted(attrs.items()):
            v = child.module.variables.get(arg)
            if v is None or not v.deprecated:
                continue
            d = warning_diag(
                VARIABLE_SUMMARY,
                f'Variable "{arg}" is marked as deprecated with the following message:\n{v.deprecated}',
                attr.expr.range,
            )
            d.extra[FROM_REMOTE_MODULE] = is_module_call_from_remote_module(root, child, name)
            diags.append(d)
    return diags


def _output_warnings(root: Config, c: Config) -> Diagnostics:
    diags = Diagnostics()
    seen: set[tuple[str, Range]] = set()
    for expr in _module_expressions(c):
        for use in _deprecated_outputs(c, expr):
            if (use.subject, use.range) in seen:
                continue
            seen.add((use.subject, use.range))
            d = warning_diag(
                OUTPUT_SUMMARY,
                f"This value is derived from {use.subject}, which is deprecated with the following message:"
                f"\n\n{use.message}",
                use.range,
            )
            # OpenTofu asks the module holding the reference about the call it names
            d.extra[FROM_REMOTE_MODULE] = is_module_call_from_remote_module(root, c, use.call_name)
            diags.append(d)
    return diags


def _deprecated_outputs(c: Config, expr: Expression) -> Iterator[DeprecatedUse]:
    for t in expr.variables():
        if t.root_name != "module" or len(t.steps) < 3:
            continue
        call = t.steps[1]
        if not isinstance(call, hcl.TraverseAttr):
            continue
        child = c.children.get(call.name)
        if child is None:
            continue
        rest = list(t.steps[2:])
        key = ""
        if rest and isinstance(rest[0], hcl.TraverseIndex):
            key = _key_str(rest[0])
            rest = rest[1:]
        if not rest or not isinstance(rest[0], hcl.TraverseAttr):
            continue
        out = child.module.outputs.get(rest[0].name)
        if out is None or not out.deprecated:
            continue
        prefix = str(c.path)
        module = f"module.{call.name}{key}"
        subject = f"{prefix}.{module}" if prefix else module
        yield DeprecatedUse(f"{subject}.{out.name}", out.deprecated, expr.range, call.name)


def _key_str(step: hcl.TraverseIndex) -> str:
    k = getattr(step, "key", None)
    v = getattr(k, "v", None)
    if isinstance(v, str):
        return f'["{v}"]'
    if v is not None:
        try:
            return f"[{int(v)}]"
        except (TypeError, ValueError):
            return f"[{v}]"
    return ""


def _module_expressions(c: Config) -> Iterator[Expression]:
    m = c.module
    for r in m.all_resources():
        for e in (r.count, r.for_each):
            if e is not None:
                yield e
        for e, _ in body_expressions(r.config):
            yield e
        for rule in r.preconditions + r.postconditions:
            yield rule.condition
    for loc in m.locals.values():
        yield loc.expr
    for o in m.outputs.values():
        if o.expr is not None:
            yield o.expr
        for rule in o.preconditions:
            yield rule.condition
    for mc in m.module_calls.values():
        for e in (mc.count, mc.for_each):
            if e is not None:
                yield e
        for e, _ in body_expressions(mc.config):
            yield e
    for pc in m.provider_configs.values():
        for e, _ in body_expressions(pc.config):
            yield e


__all__ = [
    "DeprecatedUse",
    "OUTPUT_SUMMARY",
    "ROOT_VARIABLE_SUMMARY",
    "VARIABLE_SUMMARY",
    "deprecation_warnings",
    "root_variable_warnings",
]
