"""Resource instance objects between their two forms: state JSON and typed values.

The state keeps an object's attributes as the JSON its schema decodes (see
sheath.states.state); the engine works on Values of the schema's implied
type, with "sensitive" marks where the state lists sensitive paths.
"""

from __future__ import annotations

from typing import Any

from sheath.providers.schema import Schema
from sheath.states import gojson
from sheath.states.state import InstanceObject
from sheath.types.cty import SENSITIVE, Type, Value
from sheath.types.json import value_from_json, value_to_json

# A path into a value: attribute names (str) and index keys (("k",) for a map
# key / string index, int for a list index), as plans.model.Path.
Path = tuple[Any, ...]


def decode_attributes(attrs: dict[str, Any] | None, t: Type) -> Value:
    """The typed value of a state object's attributes JSON."""
    if attrs is None:
        return Value(t, None)
    return value_from_json(gojson.dumps_line(attrs), t)


def encode_attributes(v: Value, t: Type) -> dict[str, Any] | None:
    """The state JSON of a (wholly known, unmarked) object value."""
    if v.is_null:
        return None
    out: dict[str, Any] = gojson.loads(value_to_json(v, t))
    return out


# --- sensitive paths -------------------------------------------------------------------


def paths_to_json(paths: list[Path]) -> list[list[dict[str, Any]]]:
    """State's sensitive_attributes: each path a list of get_attr / index steps."""
    out: list[list[dict[str, Any]]] = []
    for p in paths:
        steps: list[dict[str, Any]] = []
        for s in p:
            if isinstance(s, str):
                steps.append({"type": "get_attr", "value": s})
            elif isinstance(s, tuple):
                steps.append({"type": "index", "value": {"value": s[0], "type": "string"}})
            else:
                steps.append({"type": "index", "value": {"value": s, "type": "number"}})
        out.append(steps)
    return out


def paths_from_json(raw: list[Any]) -> list[Path]:
    out: list[Path] = []
    for p in raw or []:
        if not isinstance(p, list):
            continue
        steps: list[Any] = []
        for s in p:
            if not isinstance(s, dict):
                continue
            if s.get("type") == "get_attr":
                steps.append(str(s.get("value")))
            else:
                iv = s.get("value")
                if isinstance(iv, dict):
                    if iv.get("type") == "string":
                        steps.append((str(iv.get("value")),))
                    else:
                        steps.append(int(iv.get("value") or 0))
        out.append(tuple(steps))
    return out


def marked_paths(v: Value, mark: str = SENSITIVE, prefix: Path = ()) -> list[Path]:
    """Every path in v whose value carries mark, an outer one before those inside it (cty's
    UnmarkDeepWithPaths: a marked object whose attribute is marked too gives both paths, as
    terraform records them in a state's sensitive_attributes)."""
    out: list[Path] = []
    if mark in v.marks:
        out.append(prefix)
        if isinstance(v.v, tuple) and v.type.is_set():
            return out
    raw = v.v
    if isinstance(raw, dict):
        t = v.type
        is_obj = t.is_object()
        for k, e in raw.items():
            out.extend(marked_paths(e, mark, prefix + ((k if is_obj else (k,)),)))
    elif isinstance(raw, tuple) and not v.type.is_set():
        for i, e in enumerate(raw):
            out.extend(marked_paths(e, mark, prefix + (i,)))
    elif isinstance(raw, tuple):
        # Sets: terraform marks the whole set when an element is sensitive.
        if any(e.contains_marked() for e in raw):
            return [prefix]
    return out


def marks_equal(a: Value, b: Value, mark: str = SENSITIVE) -> bool:
    """Whether a and b carry mark at the same paths (terraform's valueMarksEqual)."""
    return set(marked_paths(a, mark)) == set(marked_paths(b, mark))


def mark_paths(v: Value, paths: list[Path], mark: str = SENSITIVE) -> Value:
    """v with mark applied at each of paths (missing paths are ignored)."""
    for p in paths:
        v = _mark_at(v, p, mark)
    return v


def _mark_at(v: Value, p: Path, mark: str) -> Value:
    if not p:
        return v.mark(mark)
    raw = v.v
    step = p[0]
    if isinstance(raw, dict):
        key = step if isinstance(step, str) else (step[0] if isinstance(step, tuple) else None)
        if key is None or key not in raw:
            return v
        d = dict(raw)
        d[key] = _mark_at(raw[key], p[1:], mark)
        return Value(v.type, d, v.marks)
    if isinstance(raw, tuple) and isinstance(step, int) and 0 <= step < len(raw):
        if v.type.is_set():
            return v.mark(mark)
        elems = list(raw)
        elems[step] = _mark_at(raw[step], p[1:], mark)
        return Value(v.type, tuple(elems), v.marks)
    return v


def object_value(obj: InstanceObject, schema: Schema) -> Value:
    """A state object's value with its sensitive marks."""
    t = schema.block.implied_type()
    v = decode_attributes(obj.attributes, t)
    if obj.sensitive_attributes:
        v = mark_paths(v, paths_from_json(obj.sensitive_attributes))
    return v


def new_object(
    v: Value,
    schema: Schema,
    *,
    private: bytes = b"",
    dependencies: list[str] | None = None,
    create_before_destroy: bool = False,
    status: str = "",
) -> InstanceObject:
    """The state object for a (wholly known) value; marks become sensitive_attributes."""
    import base64

    plain, _ = v.unmark_deep()
    plain = _without_write_only(plain, schema)
    paths = marked_paths(v)
    return InstanceObject(
        attributes=encode_attributes(plain, schema.block.implied_type()),
        schema_version=schema.version,
        status=status,
        sensitive_attributes=paths_to_json(paths),
        private=base64.b64encode(private).decode() if private else None,
        dependencies=list(dependencies or []),
        create_before_destroy=create_before_destroy,
    )


def _without_write_only(v: Value, schema: Schema) -> Value:
    """Write-only attributes are sent to the provider but never stored."""
    wo = [name for name, a in schema.block.attributes.items() if getattr(a, "write_only", False)]
    if not wo or v.is_null or not v.is_known:
        return v
    attrs = dict(v.attrs())
    for name in wo:
        if name in attrs:
            attrs[name] = Value(attrs[name].type, None)
    return Value(v.type, attrs, v.marks)


def object_private(obj: InstanceObject) -> bytes:
    import base64

    if not obj.private:
        return b""
    try:
        return base64.b64decode(obj.private)
    except ValueError:
        return b""
