"""Which parts of a value a schema declares sensitive (configschema's ValueMarks).

Attributes flagged ``sensitive`` are marked even when null; nested attribute
objects and nested blocks are walked element by element (set elements are
indexed by the element value itself, as cty paths do).
"""

from __future__ import annotations

from collections.abc import Mapping

from sheath.providers.interface import Path
from sheath.providers.schema import Attribute, Block, Nesting, Object
from sheath.types import SENSITIVE, Value, number_val, string_val
from sheath.types.ops import mark_deep


def block_contains_sensitive(block: Block) -> bool:
    for a in block.attributes.values():
        if a.sensitive or (a.nested_type is not None and object_contains_sensitive(a.nested_type)):
            return True
    return any(block_contains_sensitive(nb.block) for nb in block.block_types.values())


def object_contains_sensitive(obj: Object) -> bool:
    return any(a.sensitive or (a.nested_type is not None and object_contains_sensitive(a.nested_type)) for a in obj.attributes.values())


ROOT = Path()


def sensitive_paths(block: Block, value: Value, path: Path = ROOT) -> list[Path]:
    """Paths within value (an object of block's type) that the schema marks sensitive."""
    out = [path.get_attr(name) for name, a in sorted(block.attributes.items()) if a.sensitive]
    if value.is_null or not value.is_known:
        return out
    attrs = value.attrs()
    for name, a in sorted(block.attributes.items()):
        if a.nested_type is not None and not a.sensitive and object_contains_sensitive(a.nested_type):
            out.extend(_object_paths(a.nested_type, attrs[name], path.get_attr(name)))
    for name, nb in sorted(block.block_types.items()):
        if not block_contains_sensitive(nb.block):
            continue
        bv = attrs[name]
        if bv.is_null or not bv.is_known:
            continue
        bp = path.get_attr(name)
        if nb.nesting in (Nesting.SINGLE, Nesting.GROUP):
            out.extend(sensitive_paths(nb.block, bv, bp))
        else:
            for key, ev in _elements(bv):
                out.extend(sensitive_paths(nb.block, ev, bp.index(key)))
    return out


def _object_paths(obj: Object, value: Value, path: Path) -> list[Path]:
    if value.is_null or not value.is_known:
        return []
    if obj.nesting in (Nesting.SINGLE, Nesting.GROUP):
        return _object_attr_paths(obj.attributes, value, path)
    out: list[Path] = []
    for key, ev in _elements(value):
        out.extend(_object_attr_paths(obj.attributes, ev, path.index(key)))
    return out


def _object_attr_paths(attributes: Mapping[str, Attribute], value: Value, path: Path) -> list[Path]:
    out: list[Path] = []
    if value.is_null or not value.is_known:
        return [path.get_attr(n) for n, a in sorted(attributes.items()) if a.sensitive]
    for name, a in sorted(attributes.items()):
        if a.sensitive:
            out.append(path.get_attr(name))
        elif a.nested_type is not None and object_contains_sensitive(a.nested_type):
            out.extend(_object_paths(a.nested_type, value.attrs()[name], path.get_attr(name)))
    return out


def _elements(v: Value) -> list[tuple[Value, Value]]:
    p = v.v
    if isinstance(p, dict):
        return [(string_val(k), e) for k, e in p.items()]
    if v.type.is_set():
        return [(e, e) for e in p]
    return [(number_val(i), e) for i, e in enumerate(p)]


def mark_sensitive(block: Block, value: Value) -> Value:
    """value with the schema's sensitive attributes marked (deeply) sensitive."""
    if value.is_null or not value.is_known or not block_contains_sensitive(block):
        return value
    marks = frozenset({SENSITIVE})
    attrs = dict(value.attrs())
    for name, a in block.attributes.items():
        if a.sensitive:
            attrs[name] = mark_deep(attrs[name], marks)
        elif a.nested_type is not None and object_contains_sensitive(a.nested_type):
            attrs[name] = _mark_object(a.nested_type, attrs[name])
    for name, nb in block.block_types.items():
        bv = attrs[name]
        if bv.is_null or not bv.is_known or not block_contains_sensitive(nb.block):
            continue
        if nb.nesting in (Nesting.SINGLE, Nesting.GROUP):
            attrs[name] = mark_sensitive(nb.block, bv)
        elif isinstance(bv.v, dict):
            attrs[name] = Value(bv.type, {k: mark_sensitive(nb.block, e) for k, e in bv.v.items()}, bv.marks)
        else:
            attrs[name] = Value(bv.type, tuple(mark_sensitive(nb.block, e) for e in bv.v), bv.marks)
    return Value(value.type, attrs, value.marks)


def _mark_object(obj: Object, v: Value) -> Value:
    if v.is_null or not v.is_known:
        return v
    inner = Block(obj.attributes)
    if obj.nesting in (Nesting.SINGLE, Nesting.GROUP):
        return mark_sensitive(inner, v)
    if isinstance(v.v, dict):
        return Value(v.type, {k: mark_sensitive(inner, e) for k, e in v.v.items()}, v.marks)
    return Value(v.type, tuple(mark_sensitive(inner, e) for e in v.v), v.marks)


__all__ = ["block_contains_sensitive", "mark_sensitive", "object_contains_sensitive", "sensitive_paths"]
