"""Type conversion and unification with cty's rules and messages.

``convert(val, want)`` is cty's ``convert.Convert`` (the "unsafe" mode that
terraform uses everywhere): safe conversions (number/bool -> string, tuple ->
list, object -> map, list <-> set, ...) plus the unsafe ones (string ->
number/bool, map -> object, list -> tuple, dynamic -> anything). Unknown and
null values convert to unknown/null of the wanted type; marks are kept (also
on nested elements).

``unify(types)`` finds the common type terraform uses for conditionals,
tolist/toset/tomap of mixed elements, etc.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable, Sequence

from sheath.types.cty import (
    BOOL,
    DYNAMIC,
    NUMBER,
    STRING,
    UNKNOWN,
    ListType,
    MapType,
    ObjectType,
    SetType,
    TupleType,
    Type,
    Value,
)
from sheath.types.number import Number

__all__ = [
    "ConversionError",
    "convert",
    "can_convert",
    "unify",
    "mismatch_message",
    "friendly_constraint",
    "implied_type",
    "path_string",
    "without_optional_attrs",
    "dynamic_replace",
]

PathStep = str | int
"""An attribute name (str) or an index (int for lists/tuples, or a map key given as ("key",))."""


class ConversionError(Exception):
    """A value cannot be converted; ``message`` is cty's, ``path`` where it failed."""

    def __init__(self, message: str, path: Sequence[Any] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.path: tuple[Any, ...] = tuple(path)

    def __str__(self) -> str:
        return self.message

    def full_message(self) -> str:
        """The message prefixed by the path, as terraform prints it (``.a.b: ...``)."""
        if not self.path:
            return self.message
        return f"{path_string(self.path)}: {self.message}"


def path_string(path: Sequence[Any]) -> str:
    """Terraform's rendering of a cty path: ``.attr``, ``[0]``, ``["key"]``."""
    from sheath.types.ops import go_quote

    out = []
    for step in path:
        if isinstance(step, str):
            out.append(f".{step}")
        elif isinstance(step, int):
            out.append(f"[{step}]")
        elif isinstance(step, tuple):
            out.append(f"[{go_quote(step[0])}]")
    return "".join(out)


Conv = Callable[[Value, tuple[Any, ...]], Value]

_STRING_TRUE = Value(STRING, "true")
_STRING_FALSE = Value(STRING, "false")


# ------------------------------------------------------------------ public


def convert(val: Value, want: Type) -> Value:
    """cty convert.Convert; raises ConversionError."""
    if val.type == want:
        return val
    conv = _get_conversion(val.type, want)
    if conv is None:
        raise ConversionError(mismatch_message(val.type, want))
    return conv(val, ())


def can_convert(from_type: Type, to_type: Type) -> bool:
    """Whether a conversion exists (it may still fail for some values)."""
    return from_type == to_type or _get_conversion(from_type, to_type) is not None


def without_optional_attrs(t: Type) -> Type:
    """t with optional-attribute annotations removed, deeply (WithoutOptionalAttributesDeep)."""
    if isinstance(t, ObjectType):
        if not t.optional and not any(_has_optional(a) for a in t.attrs.values()):
            return t
        return ObjectType({k: without_optional_attrs(a) for k, a in t.attrs.items()})
    if isinstance(t, TupleType):
        if not any(_has_optional(a) for a in t.elements):
            return t
        return TupleType([without_optional_attrs(a) for a in t.elements])
    if isinstance(t, (ListType, SetType, MapType)):
        if not _has_optional(t.element):
            return t
        return type(t)(without_optional_attrs(t.element))
    return t


def _has_optional(t: Type) -> bool:
    if isinstance(t, ObjectType):
        return bool(t.optional) or any(_has_optional(a) for a in t.attrs.values())
    if isinstance(t, TupleType):
        return any(_has_optional(a) for a in t.elements)
    if isinstance(t, (ListType, SetType, MapType)):
        return _has_optional(t.element)
    return False


# ------------------------------------------------------------- conversions


@lru_cache(maxsize=4096)
def _get_conversion(in_t: Type, out_t: Type) -> Conv | None:
    known = _get_conversion_known(in_t, out_t)
    if known is None:
        return None
    conv: Conv = known
    out_clean = without_optional_attrs(out_t)

    is_dyn = out_t.is_dynamic()

    def wrapped(val: Value, path: tuple[Any, ...]) -> Value:
        if is_dyn:
            return val
        if val.marks:
            inner = Value(val.type, val.v)
            res = wrapped(inner, path)
            return Value(res.type, res.v, res.marks | val.marks)
        if val.v is UNKNOWN:
            return Value(dynamic_replace(val.type, out_clean), UNKNOWN)
        if val.v is None:
            return Value(dynamic_replace(val.type, out_clean), None)
        return conv(val, path)

    return wrapped


def dynamic_replace(in_t: Type, out_t: Type) -> Type:
    """out_t with its dynamic parts replaced by the corresponding parts of in_t."""
    if out_t.is_dynamic():
        return in_t
    if not out_t.has_dynamic_types():
        return out_t
    if isinstance(out_t, (ListType, SetType, MapType)):
        if isinstance(in_t, (ListType, SetType, MapType)):
            return type(out_t)(dynamic_replace(in_t.element, out_t.element))
        return out_t
    if isinstance(out_t, ObjectType) and isinstance(in_t, ObjectType):
        return ObjectType(
            {k: dynamic_replace(in_t.attrs[k], t) if k in in_t.attrs else t for k, t in out_t.attrs.items()},
            out_t.optional,
        )
    if isinstance(out_t, TupleType) and isinstance(in_t, TupleType) and len(in_t.elements) == len(out_t.elements):
        return TupleType([dynamic_replace(a, b) for a, b in zip(in_t.elements, out_t.elements)])
    return out_t


def _passthrough(val: Value, path: tuple[Any, ...]) -> Value:
    return val


def _get_conversion_known(in_t: Type, out_t: Type) -> Conv | None:
    if out_t.is_dynamic():
        return _passthrough
    if in_t.is_dynamic():
        return _dynamic_fixup(out_t)
    if in_t.is_primitive() and out_t.is_primitive():
        return _primitive_conversion(in_t, out_t)
    if isinstance(out_t, ListType):
        if isinstance(in_t, (ListType, SetType)):
            return _collection_to_list(in_t, out_t)
        if isinstance(in_t, TupleType):
            return _tuple_to_collection(in_t, out_t)
        return None
    if isinstance(out_t, SetType):
        if isinstance(in_t, (ListType, SetType)):
            return _collection_to_set(in_t, out_t)
        if isinstance(in_t, TupleType):
            return _tuple_to_collection(in_t, out_t)
        return None
    if isinstance(out_t, MapType):
        if isinstance(in_t, MapType):
            return _map_to_map(in_t, out_t)
        if isinstance(in_t, ObjectType):
            return _object_to_map(in_t, out_t)
        return None
    if isinstance(out_t, ObjectType):
        if isinstance(in_t, ObjectType):
            return _object_to_object(in_t, out_t)
        if isinstance(in_t, MapType):
            return _map_to_object(in_t, out_t)
        return None
    if isinstance(out_t, TupleType):
        if isinstance(in_t, TupleType):
            return _tuple_to_tuple(in_t, out_t)
        if isinstance(in_t, ListType):
            return _list_to_tuple(in_t, out_t)
        return None
    return None


class _Impossible:
    pass


_IMPOSSIBLE = _Impossible()


def _elem_conv(in_t: Type, out_t: Type) -> Conv | None | _Impossible:
    """Conversion for an element: None if no conversion needed, _IMPOSSIBLE if impossible."""
    if in_t == out_t:
        return None
    c = _get_conversion(in_t, out_t)
    return _IMPOSSIBLE if c is None else c


def _dynamic_fixup(out_t: Type) -> Conv:
    def conv(val: Value, path: tuple[Any, ...]) -> Value:
        try:
            return convert(val, out_t)
        except ConversionError as e:
            raise ConversionError(e.message, path + e.path) from None

    return conv


def _primitive_conversion(in_t: Type, out_t: Type) -> Conv | None:
    if in_t == out_t:
        return _passthrough
    if out_t == STRING:
        if in_t == NUMBER:
            return lambda v, p: Value(STRING, v.v.format())
        if in_t == BOOL:
            return lambda v, p: _STRING_TRUE if v.v else _STRING_FALSE
    if in_t == STRING:
        if out_t == NUMBER:

            def to_number(v: Value, p: tuple[Any, ...]) -> Value:
                try:
                    return Value(NUMBER, Number.parse(v.v))
                except ValueError:
                    raise ConversionError("a number is required", p) from None

            return to_number
        if out_t == BOOL:

            def to_bool(v: Value, p: tuple[Any, ...]) -> Value:
                s = v.v
                if s == "true" or s == "1":  # cty also accepts "1" and "0"
                    return Value(BOOL, True)
                if s == "false" or s == "0":
                    return Value(BOOL, False)
                low = s.lower()
                if low in ("true", "false"):
                    raise ConversionError(
                        f'a bool is required; to convert from string, use lowercase "{low}"', p
                    )
                raise ConversionError("a bool is required", p)

            return to_bool
    return None


def _collection_to_list(in_t: ListType | SetType, out_t: ListType) -> Conv | None:
    ety = out_t.element
    ec = _elem_conv(in_t.element, ety)
    if isinstance(ec, _Impossible):
        return None

    def conv(val: Value, path: tuple[Any, ...]) -> Value:
        elems = val.v
        if ec is not None:
            elems = tuple(ec(e, path + (i,)) for i, e in enumerate(elems))
        if not elems:
            return Value(ListType(in_t.element if ety.is_dynamic() else without_optional_attrs(ety)), ())
        return Value(ListType(_result_ety(ety, elems)), tuple(elems))

    return conv


def _result_ety(want: Type, elems: Sequence[Value]) -> Type:
    """The element type of a collection built from converted elements."""
    if not want.has_dynamic_types():
        return without_optional_attrs(want)
    return elems[0].type


def _collection_to_set(in_t: ListType | SetType, out_t: SetType) -> Conv | None:
    from sheath.types.ops import set_val

    ety = out_t.element
    ec = _elem_conv(in_t.element, ety)
    if isinstance(ec, _Impossible):
        return None

    def conv(val: Value, path: tuple[Any, ...]) -> Value:
        elems = val.v
        if ec is not None:
            elems = tuple(ec(e, path + (i,)) for i, e in enumerate(elems))
        if not elems:
            return Value(SetType(in_t.element if ety.is_dynamic() else without_optional_attrs(ety)), ())
        return set_val(elems, _result_ety(ety, elems))

    return conv


def _map_to_map(in_t: MapType, out_t: MapType) -> Conv | None:
    ety = out_t.element
    ec = _elem_conv(in_t.element, ety)
    if isinstance(ec, _Impossible):
        return None

    def conv(val: Value, path: tuple[Any, ...]) -> Value:
        elems: dict[str, Value] = val.v
        if ec is not None:
            elems = {k: ec(e, path + ((k,),)) for k, e in elems.items()}
        if not elems:
            return Value(MapType(in_t.element if ety.is_dynamic() else without_optional_attrs(ety)), {})
        return Value(MapType(_result_ety(ety, list(elems.values()))), elems)

    return conv


def _tuple_to_collection(in_t: TupleType, out_t: ListType | SetType) -> Conv | None:
    from sheath.types.ops import set_val

    is_set = isinstance(out_t, SetType)
    ety = out_t.element
    etys = in_t.elements
    if not etys:
        empty_t = without_optional_attrs(ety)
        if is_set:
            return lambda v, p: Value(SetType(empty_t), ())
        return lambda v, p: Value(ListType(empty_t), ())
    if ety.is_dynamic():
        u = unify(list(etys))
        if u is None:
            return None
        ety = u
    convs: list[Conv | None] = []
    for t in etys:
        c = _elem_conv(t, ety)
        if isinstance(c, _Impossible):
            return None
        convs.append(c)
    final_ety = without_optional_attrs(ety)

    def conv(val: Value, path: tuple[Any, ...]) -> Value:
        elems = []
        for i, (e, c) in enumerate(zip(val.v, convs)):
            elems.append(c(e, path + (i,)) if c is not None else e)
        rt = final_ety if not final_ety.has_dynamic_types() else elems[0].type
        if is_set:
            return set_val(elems, rt)
        return Value(ListType(rt), tuple(elems))

    return conv


def _object_to_map(in_t: ObjectType, out_t: MapType) -> Conv | None:
    ety = out_t.element
    atys = in_t.attrs
    if not atys:
        empty_t = without_optional_attrs(ety)
        return lambda v, p: Value(MapType(empty_t), {})
    if ety.is_dynamic():
        u = unify(list(atys.values()))
        if u is None:
            return None
        ety = u
    convs: dict[str, Conv | None] = {}
    for k, t in atys.items():
        c = _elem_conv(t, ety)
        if isinstance(c, _Impossible):
            return None
        convs[k] = c
    final_ety = without_optional_attrs(ety)

    def conv(val: Value, path: tuple[Any, ...]) -> Value:
        elems = {}
        for k, e in val.v.items():
            c = convs[k]
            elems[k] = c(e, path + ((k,),)) if c is not None else e
        rt = final_ety if not final_ety.has_dynamic_types() else next(iter(elems.values())).type
        return Value(MapType(rt), elems)

    return conv


def _object_to_object(in_t: ObjectType, out_t: ObjectType) -> Conv | None:
    in_atys = in_t.attrs
    convs: dict[str, Conv | None] = {}
    for name, oty in out_t.attrs.items():
        ity = in_atys.get(name)
        if ity is None:
            if name in out_t.optional:
                continue
            return None
        c = _elem_conv(ity, oty)
        if isinstance(c, _Impossible):
            return None
        convs[name] = c
    optional_nulls = {
        name: Value(without_optional_attrs(out_t.attrs[name]), None)
        for name in out_t.optional
        if name not in in_atys
    }

    def conv(val: Value, path: tuple[Any, ...]) -> Value:
        attrs: dict[str, Value] = {}
        src = val.v
        for name, c in convs.items():
            e = src[name]
            if c is not None:
                e = c(e, path + (name,))
            if e.v is None and _has_optional(e.type):
                e = Value(without_optional_attrs(e.type), None, e.marks)
            attrs[name] = e
        attrs.update(optional_nulls)
        attrs = dict(sorted(attrs.items()))
        return Value(ObjectType({k: v.type for k, v in attrs.items()}), attrs)

    return conv


def _map_to_object(in_t: MapType, out_t: ObjectType) -> Conv | None:
    atys = out_t.attrs
    if not atys:
        return lambda v, p: Value(ObjectType({}), {})
    mety = in_t.element
    convs: dict[str, Conv | None] = {}
    for name, oty in atys.items():
        c = _elem_conv(mety, oty)
        if isinstance(c, _Impossible):
            return None
        convs[name] = c

    def conv(val: Value, path: tuple[Any, ...]) -> Value:
        attrs: dict[str, Value] = {}
        for k, e in val.v.items():
            if k not in atys:
                continue
            c = convs[k]
            attrs[k] = c(e, path + ((k,),)) if c is not None else e
        for name, aty in atys.items():
            if name not in attrs:
                if name in out_t.optional:
                    attrs[name] = Value(without_optional_attrs(aty), None)
                else:
                    raise ConversionError(f'map has no element for required attribute "{name}"', path)
        attrs = dict(sorted(attrs.items()))
        return Value(ObjectType({k: v.type for k, v in attrs.items()}), attrs)

    return conv


def _tuple_to_tuple(in_t: TupleType, out_t: TupleType) -> Conv | None:
    if len(in_t.elements) != len(out_t.elements):
        return None
    convs: list[Conv | None] = []
    for a, b in zip(in_t.elements, out_t.elements):
        c = _elem_conv(a, b)
        if isinstance(c, _Impossible):
            return None
        convs.append(c)

    def conv(val: Value, path: tuple[Any, ...]) -> Value:
        elems = tuple(c(e, path + (i,)) if c is not None else e for i, (e, c) in enumerate(zip(val.v, convs)))
        return Value(TupleType([e.type for e in elems]), elems)

    return conv


def _list_to_tuple(in_t: ListType, out_t: TupleType) -> Conv | None:
    etys = out_t.elements
    convs: list[Conv | None] = []
    for t in etys:
        c = _elem_conv(in_t.element, t)
        if isinstance(c, _Impossible):
            return None
        convs.append(c)

    def conv(val: Value, path: tuple[Any, ...]) -> Value:
        if len(val.v) != len(etys):
            raise ConversionError(f"tuple required with exactly {len(etys)} elements", path)
        elems = tuple(c(e, path + (i,)) if c is not None else e for i, (e, c) in enumerate(zip(val.v, convs)))
        return Value(TupleType([e.type for e in elems]), elems)

    return conv


# ---------------------------------------------------------------- messages


def friendly_constraint(t: Type) -> str:
    """cty's FriendlyNameForConstraint ("list of any single type")."""
    if t.is_dynamic():
        return "any type"
    if isinstance(t, (ListType, SetType, MapType)):
        if t.element.is_dynamic():
            return f"{t.kind} of any single type"
        return f"{t.kind} of {friendly_constraint(t.element)}"
    return t.friendly_name()


def mismatch_message(got: Type, want: Type) -> str:
    """cty's MismatchMessage: why a value of type got cannot become want."""
    if isinstance(got, ObjectType) and isinstance(want, ObjectType):
        return _mismatch_objects(got, want)
    if isinstance(got, TupleType) and isinstance(want, ListType) and want.element.is_dynamic():
        return "all list elements must have the same type"
    if isinstance(got, TupleType) and isinstance(want, SetType) and want.element.is_dynamic():
        return "all set elements must have the same type"
    if isinstance(got, ObjectType) and isinstance(want, MapType) and want.element.is_dynamic():
        return "all map elements must have the same type"
    if isinstance(got, (TupleType, ObjectType)) and isinstance(want, (ListType, SetType, MapType)):
        return _mismatch_from_structural(got, want)
    if isinstance(got, (ListType, SetType, MapType)) and isinstance(want, (ListType, SetType, MapType)):
        return _mismatch_from_collections(got, want)
    return friendly_constraint(want) + " required"


def _mismatch_objects(got: ObjectType, want: ObjectType) -> str:
    missing = []
    for name, wty in want.attrs.items():
        gty = got.attrs.get(name)
        if gty is None:
            if name not in want.optional:
                missing.append(name)
            continue
        if not can_convert(gty, wty):
            return f'attribute "{name}": {mismatch_message(gty, wty)}'
    if not missing:
        return "incorrect object attributes"
    missing.sort()
    if len(missing) == 1:
        return f'attribute "{missing[0]}" is required'
    if len(missing) == 2:
        return f'attributes "{missing[0]}" and "{missing[1]}" are required'
    head = ", ".join(f'"{m}"' for m in missing[:-1])
    return f'attributes {head}, and "{missing[-1]}" are required'


def _mismatch_from_structural(got: TupleType | ObjectType, want: ListType | SetType | MapType) -> str:
    if isinstance(want, (ListType, SetType)) and not isinstance(got, TupleType):
        return friendly_constraint(want) + " required"
    if isinstance(want, MapType) and not isinstance(got, ObjectType):
        return friendly_constraint(want) + " required"
    wety = want.element
    if isinstance(got, TupleType):
        for i, gety in enumerate(got.elements):
            if gety == wety or can_convert(gety, wety):
                continue
            return f"element {i}: {mismatch_message(gety, wety)}"
    else:
        for name, gaty in got.attrs.items():
            if gaty == wety or can_convert(gaty, wety):
                continue
            return f'element "{name}": {mismatch_message(gaty, wety)}'
    return f"all elements must be {friendly_constraint(wety)}"


def _mismatch_from_collections(got: ListType | SetType | MapType, want: ListType | SetType | MapType) -> str:
    if isinstance(want, (ListType, SetType)) and not isinstance(got, (ListType, SetType)):
        return friendly_constraint(want) + " required"
    if isinstance(want, MapType) and not isinstance(got, MapType):
        return friendly_constraint(want) + " required"
    noun = f"{want.kind} element type"
    return f"incorrect {noun}: {mismatch_message(got.element, want.element)}"


# ---------------------------------------------------------------- unify


def unify(types: Sequence[Type]) -> Type | None:
    """cty's (unsafe) unification: the common type all given types convert to, or None."""
    if not types:
        return None
    return _unify(tuple(types))


@lru_cache(maxsize=2048)
def _unify(types: tuple[Type, ...]) -> Type | None:
    first = types[0]
    if all(t == first for t in types):
        return first
    n = len(types)
    maps = sum(1 for t in types if isinstance(t, MapType))
    lists = sum(1 for t in types if isinstance(t, ListType))
    sets = sum(1 for t in types if isinstance(t, SetType))
    objs = sum(1 for t in types if isinstance(t, ObjectType))
    tups = sum(1 for t in types if isinstance(t, TupleType))
    dyn = sum(1 for t in types if t.is_dynamic())
    if maps and maps + dyn == n:
        return _unify_collections(MapType, types, dyn > 0)
    if maps and maps + objs + dyn == n:
        r = _unify_objects_as_maps(types)
        if r is not None:
            return r
    elif lists and lists + dyn == n:
        return _unify_collections(ListType, types, dyn > 0)
    elif lists and lists + tups + dyn == n:
        r = _unify_lists_and_tuples(types)
        if r is not None:
            return r
    elif sets and sets + dyn == n:
        return _unify_collections(SetType, types, dyn > 0)
    elif objs and objs + dyn == n:
        return _unify_objects(types, dyn > 0)
    elif tups and tups + dyn == n:
        return _unify_tuples(types, dyn > 0)
    elif objs and tups:
        return None
    for i in _sort_types(types):
        want = types[i]
        if all(t == want or can_convert(t, want) for t in types):
            return want
    return None


def _compare_types(a: Type, b: Type) -> int:
    """cty's compareTypes: -1 if a is preferred (more general) over b, 1 if b over a, else 0."""
    if a.is_dynamic() or b.is_dynamic():
        if not a.is_dynamic():
            return -1
        if not b.is_dynamic():
            return 1
        return 0
    if a.is_primitive() and b.is_primitive():
        if a == STRING or b == STRING:
            if a != STRING:
                return 1
            if b != STRING:
                return -1
            return 0
    for kind in (ListType, SetType, MapType):
        if isinstance(a, kind) and isinstance(b, kind):
            return _compare_types(a.element, b.element)
    swap = 1
    if (
        (isinstance(a, TupleType) and isinstance(b, ListType))
        or (isinstance(a, ObjectType) and isinstance(b, MapType))
        or (isinstance(a, SetType) and isinstance(b, (TupleType, ListType)))
    ):
        a, b = b, a
        swap = -1
    if isinstance(b, SetType) and isinstance(a, (TupleType, ListType)):
        return -1 * swap
    if isinstance(a, ListType) and isinstance(b, TupleType):
        return -1 * swap
    if isinstance(a, MapType) and isinstance(b, ObjectType):
        return -1 * swap
    pairs: list[tuple[Type, Type]] | None = None
    if isinstance(a, ObjectType) and isinstance(b, ObjectType):
        if a.attrs.keys() != b.attrs.keys():
            return 0
        pairs = [(a.attrs[k], b.attrs[k]) for k in a.attrs]
    elif isinstance(a, TupleType) and isinstance(b, TupleType):
        if len(a.elements) != len(b.elements):
            return 0
        pairs = list(zip(a.elements, b.elements))
    if pairs is not None:
        a_super = b_super = False
        for x, y in pairs:
            c = _compare_types(x, y)
            if c < 0:
                a_super = True
            elif c > 0:
                b_super = True
        if a_super and not b_super:
            return -1 * swap
        if b_super and not a_super:
            return 1 * swap
    return 0


def _sort_types(types: Sequence[Type]) -> list[int]:
    """cty's sortTypes: a topological "more general first" preference order of indices."""
    n = len(types)
    edges: list[list[int]] = [[] for _ in range(n)]
    for i in range(n - 1):
        for j in range(i + 1, n):
            c = _compare_types(types[i], types[j])
            if c < 0:
                edges[i].append(j)
            elif c > 0:
                edges[j].append(i)
    indeg = [0] * n
    for outs in edges:
        for j in outs:
            indeg[j] += 1
    queue = [i for i in range(n) if indeg[i] == 0]
    pos = 0
    while pos < len(queue):
        i = queue[pos]
        pos += 1
        for j in edges[i]:
            indeg[j] -= 1
            if indeg[j] == 0:
                queue.append(j)
    return queue


def _unify_collections(kind: type, types: tuple[Type, ...], has_dynamic: bool) -> Type | None:
    if has_dynamic:
        return DYNAMIC
    ety = _unify(tuple(t.element for t in types))  # type: ignore[attr-defined]
    if ety is None:
        return None
    rt: Type = kind(ety)
    if all(t == rt or can_convert(t, rt) for t in types):
        return rt
    return None


def _unify_objects_as_maps(types: tuple[Type, ...]) -> Type | None:
    etys: list[Type] = []
    for t in types:
        if isinstance(t, MapType):
            etys.append(t.element)
        elif isinstance(t, ObjectType):
            etys.extend(t.attrs.values())
    if not etys:
        return None
    ety = _unify(tuple(etys))
    if ety is None:
        return None
    rt = MapType(ety)
    if all(t == rt or can_convert(t, rt) for t in types):
        return rt
    return None


def _unify_lists_and_tuples(types: tuple[Type, ...]) -> Type | None:
    etys: list[Type] = []
    for t in types:
        if isinstance(t, ListType):
            etys.append(t.element)
        elif isinstance(t, TupleType):
            etys.extend(t.elements)
    if not etys:
        return None
    ety = _unify(tuple(etys))
    if ety is None:
        return None
    rt = ListType(ety)
    if all(t == rt or can_convert(t, rt) for t in types):
        return rt
    return None


def _unify_objects(types: tuple[Type, ...], has_dynamic: bool) -> Type | None:
    if has_dynamic:
        return DYNAMIC
    objs: list[ObjectType] = [t for t in types if isinstance(t, ObjectType)]
    names = objs[0].attrs.keys()
    if any(o.attrs.keys() != names for o in objs[1:]):
        return _unify_objects_to_map(objs)
    atys = {}
    for name in names:
        u = _unify(tuple(o.attrs[name] for o in objs))
        if u is None:
            return None
        atys[name] = u
    rt = ObjectType(atys)
    if all(t == rt or can_convert(t, rt) for t in types):
        return rt
    return _unify_objects_to_map(objs)


def _unify_objects_to_map(objs: list[ObjectType]) -> Type | None:
    atys = tuple(a for o in objs for a in o.attrs.values())
    if not atys:
        return None
    ety = _unify(atys)
    if ety is None:
        return None
    rt = MapType(ety)
    if all(can_convert(o, rt) for o in objs):
        return rt
    return None


def _unify_tuples(types: tuple[Type, ...], has_dynamic: bool) -> Type | None:
    if has_dynamic:
        return DYNAMIC
    tups: list[TupleType] = [t for t in types if isinstance(t, TupleType)]
    n = len(tups[0].elements)
    if any(len(t.elements) != n for t in tups[1:]):
        return _unify_tuples_to_list(tups)
    etys = []
    for i in range(n):
        u = _unify(tuple(t.elements[i] for t in tups))
        if u is None:
            return None
        etys.append(u)
    rt = TupleType(etys)
    if all(t == rt or can_convert(t, rt) for t in types):
        return rt
    return _unify_tuples_to_list(tups)


def _unify_tuples_to_list(tups: list[TupleType]) -> Type | None:
    etys = tuple(e for t in tups for e in t.elements)
    if not etys:
        return None
    ety = _unify(etys)
    if ety is None:
        return None
    rt = ListType(ety)
    if all(can_convert(t, rt) for t in tups):
        return rt
    return None


# ----------------------------------------------------------- implied type


def implied_type(x: object) -> Type:
    """The cty type of a plain Python value (str, bool, int/float/Number, list, dict, None)."""
    if x is None:
        return DYNAMIC
    if isinstance(x, bool):
        return BOOL
    if isinstance(x, (int, float, Number)):
        return NUMBER
    if isinstance(x, str):
        return STRING
    if isinstance(x, (list, tuple)):
        return TupleType([implied_type(e) for e in x])
    if isinstance(x, dict):
        return ObjectType({str(k): implied_type(v) for k, v in x.items()})
    raise TypeError(f"no implied cty type for {type(x).__name__}")
