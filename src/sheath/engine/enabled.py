"""OpenTofu's lifecycle { enabled = BOOL } (OpenTofu 1.11): a resource with one instance
(no key) when the value is true and none when it is false; its value is then null.

The checks and messages follow OpenTofu's evaluation of the argument: it must be known
during plan, not null, not sensitive, not ephemeral, and convertible to a bool."""

from __future__ import annotations

from dataclasses import dataclass

from sheath import diag
from sheath.diag import Diagnostics
from sheath.lang.hcl import Expression
from sheath.types.convert import ConversionError, convert
from sheath.types.cty import BOOL, EPHEMERAL, SENSITIVE, Value

ENABLED_MODE = "enabled"
"""The expansion mode of a resource with lifecycle.enabled (beside single, count, for_each)."""

_SUMMARY = "Invalid enabled argument"


@dataclass(frozen=True, slots=True)
class EnabledResult:
    enabled: bool | None
    """None when the value was invalid (diags say why)."""
    diags: Diagnostics


def enabled_value(v: Value, expr: Expression) -> EnabledResult:
    diags = Diagnostics()
    plain, marks = v.unmark_deep()
    if SENSITIVE in marks:
        diags.append(
            diag.error(
                _SUMMARY,
                'Sensitive values, or values derived from sensitive values, cannot be used in "enabled" arguments. '
                "If used, the sensitive value would be exposed by whether an instance is present.",
                expr.range,
            )
        )
        return EnabledResult(None, diags)
    if EPHEMERAL in marks:
        diags.append(diag.error(_SUMMARY, 'The given "enabled" argument value is unsuitable: the given value is ephemeral.', expr.range))
        return EnabledResult(None, diags)
    if plain.is_known and plain.is_null:
        diags.append(diag.error(_SUMMARY, 'The given "enabled" argument value is unsuitable: the given value is null.', expr.range))
        return EnabledResult(None, diags)
    if not plain.is_known:
        diags.append(
            diag.error(
                _SUMMARY,
                'The given "enabled" argument value is derived from a value that won\'t be known until the apply '
                "phase, so OpenTofu cannot determine whether an instance of this object is declared or not.",
                expr.range,
            )
        )
        return EnabledResult(None, diags)
    try:
        b = convert(plain, BOOL)
    except ConversionError as exc:
        diags.append(diag.error(_SUMMARY, f'The given "enabled" argument value is unsuitable: {exc.message}.', expr.range))
        return EnabledResult(None, diags)
    return EnabledResult(bool(b.v), diags)
