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
from sheath.diag import Diagnostics, Range
from sheath.diag import warning as warning_diag
from sheath.lang import hcl
from sheath.lang.hcl import Expression

VARIABLE_SUMMARY = "Variable marked as deprecated by the module author"
OUTPUT_SUMMARY = "Value derived from a deprecated source"
ROOT_VARIABLE_SUMMARY = "Deprecated variable used from the root module"


@dataclass(frozen=True, slots=True)
class DeprecatedUse:
    """One use of a deprecated object: its address as OpenTofu words it and its message."""

    subject: str
    message: str
    range: Range


def deprecation_warnings(cfg: Config) -> Diagnostics:
    """Warnings for every module of the tree: arguments given to deprecated variables of
    the modules it calls, and references to the called modules' deprecated outputs."""
    diags = Diagnostics()
    for c in cfg.all_modules():
        diags.extend(_variable_warnings(c))
        diags.extend(_output_warnings(c))
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


def _variable_warnings(c: Config) -> Diagnostics:
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
            diags.append(
                warning_diag(
                    VARIABLE_SUMMARY,
                    f'Variable "{arg}" is marked as deprecated with the following message:\n{v.deprecated}',
                    attr.expr.range,
                )
            )
    return diags


def _output_warnings(c: Config) -> Diagnostics:
    diags = Diagnostics()
    seen: set[tuple[str, Range]] = set()
    for expr in _module_expressions(c):
        for use in _deprecated_outputs(c, expr):
            if (use.subject, use.range) in seen:
                continue
            seen.add((use.subject, use.range))
            diags.append(
                warning_diag(
                    OUTPUT_SUMMARY,
                    f"This value is derived from {use.subject}, which is deprecated with the following message:"
                    f"\n\n{use.message}",
                    use.range,
                )
            )
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
        yield DeprecatedUse(f"{subject}.{out.name}", out.deprecated, expr.range)


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
