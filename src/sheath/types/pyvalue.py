"""Values as plain Python data and back (what the Python API gives and takes)."""

from __future__ import annotations

from typing import Any

import orjson

from sheath.types.cty import Value
from sheath.types.json import decode_implied, value_to_json


def to_python(v: Value) -> Any:
    """A known value as plain Python data (terraform's JSON form: numbers, strings, lists, dicts)."""
    plain, _marks = v.unmark_deep()
    return orjson.loads(value_to_json(plain))


def from_python(x: Any) -> Value:
    """Plain Python data (what json.dumps accepts) as a value of its implied type."""
    return decode_implied(orjson.dumps(x))
