"""Limits on the blast radius of one plan, for changes written by people or assistants.

Configured in ``sheath-policy.hcl``:

    limits {
      max_deletes      = 5            # deletions (replacements count as deletions too)
      max_replacements = 3
      max_monthly_cost_increase = 500  # USD, estimated as sheath cost does (docs/cost.md)
      protect          = ["aws_db_instance", "aws_s3_bucket", "aws_kms_key", "aws_dynamodb_table"]
    }

``protect`` lists resource types whose deletion or replacement is refused; without a
``protect`` argument the stateful types below are protected. Without a ``limits``
block, no limit applies. A plan over a limit is an
error unless the user allows, by address, exactly what may go (``-allow-destroy=ADDR``,
repeatable; ``*`` wildcards allowed): allowed objects do not count against the limits.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping, Sequence

from sheath.diag import Diagnostics

STATEFUL_TYPES = (
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_s3_bucket",
    "aws_kms_key",
    "aws_dynamodb_table",
    "aws_efs_file_system",
    "aws_ebs_volume",
    "aws_elasticache_cluster",
    "aws_secretsmanager_secret",
    "postgresql_database",
    "postgresql_table",
)


@dataclass
class Limits:
    max_deletes: int | None = None
    max_replacements: int | None = None
    max_monthly_cost_increase: Decimal | None = None  # USD per month
    protect: tuple[str, ...] = STATEFUL_TYPES
    configured: bool = False


@dataclass
class GuardrailResult:
    violations: list[str] = field(default_factory=list)
    deletes: list[str] = field(default_factory=list)
    replacements: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations


def _allowed(address: str, allow: Sequence[str]) -> bool:
    return any(address == a or fnmatch.fnmatchcase(address, a) for a in allow)


def check_limits(plan: Mapping[str, Any], limits: Limits, allow: Sequence[str] = ()) -> GuardrailResult:
    """The plan's deletions and replacements against the limits (terraform's JSON plan).
    Without a ``limits`` block nothing is enforced: guardrails are opted into."""
    res = GuardrailResult()
    if not limits.configured:
        return res
    for rc in plan.get("resource_changes", []) or []:
        if rc.get("mode", "managed") != "managed":
            continue
        actions = list((rc.get("change") or {}).get("actions") or [])
        addr = str(rc.get("address", ""))
        if rc.get("deposed"):
            continue  # a deposed object's cleanup is part of an earlier replacement
        if actions == ["delete"]:
            res.deletes.append(addr)
        elif actions in (["delete", "create"], ["create", "delete"]):
            res.replacements.append(addr)
            res.deletes.append(addr)
        else:
            continue
        if _allowed(addr, allow):
            continue
        if str(rc.get("type", "")) in limits.protect:
            what = "replaces" if addr in res.replacements else "deletes"
            res.violations.append(
                f"The plan {what} {addr}, a protected {rc.get('type')}; allow it with -allow-destroy={addr}."
            )
    counted_deletes = [a for a in res.deletes if not _allowed(a, allow)]
    counted_replacements = [a for a in res.replacements if not _allowed(a, allow)]
    if limits.max_deletes is not None and len(counted_deletes) > limits.max_deletes:
        res.violations.append(
            f"The plan deletes or replaces {len(counted_deletes)} objects, more than the limit of {limits.max_deletes}; "
            "allow them by address with -allow-destroy=ADDR."
        )
    if limits.max_replacements is not None and len(counted_replacements) > limits.max_replacements:
        res.violations.append(
            f"The plan replaces {len(counted_replacements)} objects, more than the limit of {limits.max_replacements}; "
            "allow them by address with -allow-destroy=ADDR."
        )
    return res


def guardrail_diagnostics(result: GuardrailResult) -> Diagnostics:
    d = Diagnostics()
    for v in result.violations:
        d.add_error("Plan exceeds a guardrail", v)
    return d


def read_limits(path: str) -> tuple[Limits, Diagnostics]:
    """The ``limits`` block of a sheath-policy.hcl file (defaults when there is none)."""
    from sheath.lang import hcl
    from sheath.lang.eval.context import EvalContext
    from sheath.lang.eval.evaluator import evaluate
    from sheath.lang.hclsyntax.parser import parse_config

    limits = Limits()
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        return limits, Diagnostics()
    f, diags = parse_config(data, path)
    if diags.has_errors():
        return limits, diags
    content, _remain, d = f.body.partial_content(hcl.BodySchema((), (hcl.BlockHeaderSchema("limits"),)))
    diags.extend(d)
    for i, b in enumerate(content.blocks):
        if i > 0:  # a second block would silently override the first one's limits
            from sheath.config.common import range_str

            diags.add_error(
                "Duplicate limits block",
                f"A policy file may have only one limits block. It was previously given at {range_str(content.blocks[0].def_range)}.",
                b.def_range,
            )
            continue
        attrs, d = b.body.just_attributes()
        diags.extend(d)
        limits.configured = True
        for name, a in attrs.items():
            v, d = evaluate(a.expr, EvalContext(None, None))
            diags.extend(d)
            if d.has_errors():
                continue
            if name in ("max_deletes", "max_replacements"):
                n = v.v
                try:
                    value = int(str(n))
                except ValueError:
                    value = -1
                if value < 0:
                    diags.add_error("Invalid limit", f"{name} must be a whole number, 0 or more.", a.expr.range)
                    continue
                setattr(limits, name, value)
            elif name == "max_monthly_cost_increase":
                try:
                    amount = Decimal(str(v.v)) if not isinstance(v.v, (str, bool)) and v.v is not None else Decimal(-1)
                except InvalidOperation:
                    amount = Decimal(-1)
                if not amount.is_finite() or amount < 0:
                    diags.add_error("Invalid limit", f"{name} must be a number of US dollars per month, 0 or more.", a.expr.range)
                    continue
                limits.max_monthly_cost_increase = amount
            elif name == "protect":
                items = v.v if isinstance(v.v, tuple) else None
                if items is None or any(not isinstance(i.v, str) for i in items):
                    diags.add_error("Invalid limit", "protect must be a list of resource types.", a.expr.range)
                    continue
                limits.protect = tuple(str(i.v) for i in items)
            else:
                diags.add_error("Unsupported argument", f'An argument named "{name}" is not expected in a limits block.', a.name_range)
    return limits, diags
