"""Your own policies, from a policy directory (``-policies=DIR``):

* ``*.policy.hcl`` in terraform's policy syntax (as documented for terraform's
  experimental ``-policies``): ``resource_policy "TYPE" "NAME" { operations,
  enforcement_level, filter, locals { ... }, enforce { condition, error_message } }``,
  evaluated with sheath's language engine. ``attrs`` is the resource's planned
  values, ``meta`` its address, type, name, module and operation. TYPE may use
  ``*`` wildcards. Unless set, ``operations`` is ``["create", "update"]`` and
  ``enforcement_level`` is ``"mandatory"`` (sheath's choices where the syntax's
  documentation is silent). Each ``enforce`` block is a rule ``NAME`` (``NAME.2``,
  ``NAME.3``... for the following blocks of the same policy).
  Other policy blocks (``provider_policy``, ``module_policy``, ``policy``, ``input``)
  are not supported yet and are errors, never ignored.
* ``*.py`` files using ``sheath.policy.api``: a function decorated with
  ``resource_policy(...)`` receives each matching planned resource.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from typing import Any, Callable

from sheath.diag import Diagnostics
from sheath.policy.model import PASSED, UNDECIDED, Level, Result, Rule, Severity, failed
from sheath.policy.planinput import PlanInput, PlannedResource, Unknown, UnknownValue

_OPERATIONS = ("create", "update", "delete", "read", "no-op")


def to_value(x: Any) -> Any:
    """Planned values (JSON data with Unknown) as a sheath value."""
    from sheath.types.cty import DYNAMIC, bool_val, null, object_val, string_val, tuple_val, unknown
    from sheath.types.number import number_val

    if isinstance(x, UnknownValue):
        return unknown(DYNAMIC)
    if x is None:
        return null(DYNAMIC)
    if isinstance(x, bool):
        return bool_val(x)
    if isinstance(x, (int, float)):
        return number_val(x)
    if isinstance(x, str):
        return string_val(x)
    if isinstance(x, dict):
        return object_val({str(k): to_value(v) for k, v in x.items()})
    if isinstance(x, (list, tuple)):
        return tuple_val([to_value(v) for v in x])
    return string_val(str(x))


def operation_of(r: PlannedResource) -> str:
    a = r.actions
    if a in (("delete", "create"), ("create", "delete")):
        return "update"  # a replacement creates the new object as planned
    return a[0] if a else "no-op"


def load_policy_dir(path: str) -> tuple[list[Rule], Diagnostics]:
    """Every policy in the directory (not recursive), sorted by file name."""
    diags = Diagnostics()
    rules: list[Rule] = []
    try:
        names = sorted(os.listdir(path))
    except OSError as exc:
        diags.add_error("Failed to read policies", f"Could not read the policy directory {path}: {exc.strerror}")
        return rules, diags
    for n in names:
        full = os.path.join(path, n)
        if n.endswith(".policy.hcl"):
            r, d = _load_hcl(full)
        elif n.endswith(".py"):
            r, d = _load_python(full)
        else:
            continue
        rules.extend(r)
        diags.extend(d)
    return rules, diags


def _load_hcl(path: str) -> tuple[list[Rule], Diagnostics]:
    from sheath.lang import hcl
    from sheath.lang.hclsyntax.parser import parse_config

    with open(path, "rb") as fh:
        data = fh.read()
    f, diags = parse_config(data, path)
    if diags.has_errors():
        return [], diags
    schema = hcl.BodySchema(
        (),
        (
            hcl.BlockHeaderSchema("resource_policy", ("type", "name")),
            hcl.BlockHeaderSchema("provider_policy", ("type", "name")),
            hcl.BlockHeaderSchema("module_policy", ("type", "name")),
            hcl.BlockHeaderSchema("policy"),
            hcl.BlockHeaderSchema("input", ("name",)),
            hcl.BlockHeaderSchema("locals"),
        ),
    )
    content, d = f.body.content(schema)
    diags.extend(d)
    file_locals: list[hcl.Attribute] = []
    rules: list[Rule] = []
    for b in content.blocks:
        if b.type == "locals":
            attrs, d = b.body.just_attributes()
            diags.extend(d)
            file_locals.extend(attrs.values())
        elif b.type != "resource_policy":
            diags.add_error(
                "Unsupported policy block",
                f'sheath does not support "{b.type}" blocks in policy files yet; only resource_policy and locals.',
                b.def_range,
            )
    for b in content.blocks:
        if b.type == "resource_policy":
            r, d = _resource_policy(b, file_locals)
            rules.extend(r)
            diags.extend(d)
    return rules, diags


def _resource_policy(block: Any, file_locals: list[Any]) -> tuple[list[Rule], Diagnostics]:
    from sheath.lang import hcl
    from sheath.lang.eval.context import EvalContext
    from sheath.lang.eval.evaluator import evaluate

    type_pattern, name = block.labels[0], block.labels[1]
    schema = hcl.BodySchema(
        (
            hcl.AttributeSchema("operations"),
            hcl.AttributeSchema("enforcement_level"),
            hcl.AttributeSchema("filter"),
        ),
        (hcl.BlockHeaderSchema("locals"), hcl.BlockHeaderSchema("enforce")),
    )
    content, diags = block.body.content(schema)
    if diags.has_errors():
        return [], diags

    def const(attr: Any) -> Any:
        v, d = evaluate(attr.expr, EvalContext(None, None))
        diags.extend(d)
        return v

    operations = ["create", "update"]
    if "operations" in content.attributes:
        v = const(content.attributes["operations"])
        items = [e.v for e in v.v] if isinstance(v.v, tuple) else None
        if not isinstance(items, list) or any(i not in _OPERATIONS for i in items):
            diags.add_error(
                "Invalid operations",
                f"operations must be a list of {', '.join(_OPERATIONS)}.",
                content.attributes["operations"].expr.range,
            )
            return [], diags
        operations = [str(i) for i in items]
    level = Level.MANDATORY
    if "enforcement_level" in content.attributes:
        v = const(content.attributes["enforcement_level"])
        try:
            level = Level(v.v)
        except ValueError:
            diags.add_error(
                "Invalid enforcement level",
                'enforcement_level must be "advisory", "mandatory" or "disabled".',
                content.attributes["enforcement_level"].expr.range,
            )
            return [], diags
    local_attrs = list(file_locals)
    for lb in content.blocks:
        if lb.type == "locals":
            attrs, d = lb.body.just_attributes()
            diags.extend(d)
            local_attrs.extend(attrs.values())
    filter_attr = content.attributes.get("filter")
    rules: list[Rule] = []
    enforces = [eb for eb in content.blocks if eb.type == "enforce"]
    if not enforces:
        diags.add_error("Missing enforce block", f'resource_policy "{type_pattern}" "{name}" needs at least one enforce block.', block.def_range)
    for i, eb in enumerate(enforces, 1):
        ec, d = eb.body.content(
            hcl.BodySchema(
                (
                    hcl.AttributeSchema("condition", required=True),
                    hcl.AttributeSchema("error_message"),
                    hcl.AttributeSchema("info_message"),
                ),
                (),
            )
        )
        diags.extend(d)
        if d.has_errors():
            continue
        check = _hcl_check(ec.attributes["condition"], ec.attributes.get("error_message"), filter_attr, local_attrs, operations)
        rid = name if i == 1 else f"{name}.{i}"
        rules.append(
            Rule(
                id=rid,
                title=f'resource_policy "{type_pattern}" "{name}"',
                rationale=f"{block.def_range.filename}:{eb.def_range.start.line}",
                fix="See the policy's error message.",
                severity=Severity.HIGH,
                resource_types=(type_pattern,),
                check=check,
                pack="custom",
                default_level=level,
            )
        )
    return rules, diags


def _hcl_check(
    condition: Any, error_message: Any, filter_attr: Any, local_attrs: list[Any], operations: list[str]
) -> Callable[[PlannedResource, PlanInput], Result]:
    from sheath.lang.eval.context import EvalContext
    from sheath.lang.eval.evaluator import evaluate
    from sheath.lang.funcs.registry import builtin_functions
    from sheath.types.cty import object_val, string_val

    functions = builtin_functions(".")

    def check(r: PlannedResource, plan: PlanInput) -> Result:
        op = operation_of(r)
        if op not in operations:
            return PASSED
        values = r.before if op == "delete" and r.before is not None else r.values
        variables = {
            "attrs": to_value(values),
            "meta": object_val(
                {
                    "address": string_val(r.address),
                    "type": string_val(r.type),
                    "name": string_val(r.name),
                    "module_address": string_val(r.module_address),
                    "operation": string_val(op),
                }
            ),
        }
        pending = list(local_attrs)
        local_values: dict[str, Any] = {}
        for _ in range(len(pending) + 1):  # locals may refer to each other, in any order
            rest = []
            for a in pending:
                v, d = evaluate(a.expr, EvalContext({**variables, "local": object_val(local_values)}, functions))
                if d.has_errors():
                    rest.append(a)
                else:
                    local_values[a.name] = v
            if not rest or len(rest) == len(pending):
                pending = rest
                break
            pending = rest
        ctx = EvalContext({**variables, "local": object_val(local_values)}, functions)
        if filter_attr is not None:
            fv, d = evaluate(filter_attr.expr, ctx)
            if d.has_errors() or not fv.is_known:
                return UNDECIDED
            if fv.v is not True:
                return PASSED
        cv, d = evaluate(condition.expr, ctx)
        if d.has_errors():
            return failed("; ".join(x.summary + (f": {x.detail}" if x.detail else "") for x in d))
        if not cv.is_known:
            return UNDECIDED
        if cv.v is True:
            return PASSED
        msg = "the policy's condition is false"
        if error_message is not None:
            mv, md = evaluate(error_message.expr, ctx)
            if not md.has_errors() and mv.is_known and isinstance(mv.v, str):
                msg = mv.v
        return failed(msg)

    return check


def _load_python(path: str) -> tuple[list[Rule], Diagnostics]:
    from sheath.policy import api

    diags = Diagnostics()
    name = "sheath_policy_" + os.path.splitext(os.path.basename(path))[0].replace("-", "_").replace(".", "_")
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        diags.add_error("Failed to load policy", f"{path} is not a Python module.")
        return [], diags
    module = importlib.util.module_from_spec(spec)
    collector = api.Collector()
    with api.collecting(collector):
        try:
            sys.modules[name] = module
            spec.loader.exec_module(module)
        except Exception as exc:  # the policy file's own error: a diagnostic naming it
            diags.add_error("Failed to load policy", f"{path}: {type(exc).__name__}: {exc}")
            return [], diags
        finally:
            sys.modules.pop(name, None)
    return collector.rules, diags


__all__ = ["Unknown", "load_policy_dir", "operation_of", "to_value"]
