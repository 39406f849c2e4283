"""An import block's for_each, as terraform's forEachEvaluator.ImportValues reads it: any
collection (a list or tuple is keyed by index, a set by its elements, a map or object by
its keys), a null one imports nothing; unknown, ephemeral or not a collection is an error.
Used by validate (where unknown is allowed) and by the plan."""

from __future__ import annotations

from sheath.types import EPHEMERAL, Value, number_val, string_val

UNKNOWN_DETAIL = (
    'The "for_each" expression includes values derived from other resource attributes that cannot be determined '
    "until apply, and so Terraform cannot determine the full set of values that might be used to import this resource."
)
EPHEMERAL_DETAIL = (
    'The given "for_each" value is derived from an ephemeral value, which means that Terraform cannot persist it '
    "between plan/apply rounds. Use only non-ephemeral values to specify a resource's instance keys."
)
NOT_COLLECTION_DETAIL = 'The "for_each" expression must be a collection.'


def import_each_items(v: Value, allow_unknown: bool = False) -> tuple[list[tuple[Value, Value]] | None, list[str]]:
    """(each.key, each.value) pairs of an import for_each value, and the details of the
    "Invalid for_each argument" errors it has (in terraform's order). The pairs are None
    when there are none to import from (an error, or an unknown value validate allows)."""
    if not v.is_wholly_known():
        return None, [] if allow_unknown else [UNKNOWN_DETAIL]
    problems = [EPHEMERAL_DETAIL] if EPHEMERAL in v.marks else []
    if v.is_null:
        return [], problems
    plain, marks = v.unmark()
    t = plain.type

    def marked(e: Value) -> Value:
        return e.mark(*marks) if marks else e

    if t.is_list() or t.is_tuple():
        return [(number_val(i), marked(e)) for i, e in enumerate(plain.elements())], problems
    if t.is_set():
        return [(e, marked(e)) for e in plain.elements()], problems
    if t.is_map() or t.is_object():
        return [(string_val(k), marked(e)) for k, e in sorted(plain.attrs().items())], problems
    return None, [*problems, NOT_COLLECTION_DETAIL]


__all__ = ["EPHEMERAL_DETAIL", "NOT_COLLECTION_DETAIL", "UNKNOWN_DETAIL", "import_each_items"]
