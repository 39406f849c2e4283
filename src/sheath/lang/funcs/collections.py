"""Collection functions: alltrue anytrue chunklist coalesce coalescelist compact
concat contains distinct element flatten index keys length list lookup map
matchkeys merge one range reverse setintersection setproduct setsubtract
setunion slice sort sum transpose values zipmap."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from sheath.lang.funcs.function import Function, FunctionContext, FunctionError
from sheath.lang.funcs.support import func, grapheme_count, param
from sheath.lang.funcs.values import WHOLE_NUMBER_MSG, conv, friendly_name, int_val, unify
from sheath.types import ops
from sheath.types.cty import (
    BOOL,
    DYNAMIC,
    EMPTY_OBJECT,
    EMPTY_TUPLE,
    FALSE,
    NUMBER,
    STRING,
    TRUE,
    UNKNOWN,
    ListType,
    MapType,
    ObjectType,
    SetType,
    TupleType,
    Type,
    Value,
    null,
    unknown,
)
from sheath.types.number import Number, NumberNaNError


def _is_seq(t: Type) -> bool:
    return t.is_list() or t.is_set() or t.is_tuple()


def _elems(v: Value) -> tuple[Value, ...]:
    return v.v  # type: ignore[no-any-return]


def _go_int(v: Value, prefix: str = "", arg_index: int | None = None) -> int:
    i = v.v.to_int64()
    if i is None:
        raise FunctionError(prefix + WHOLE_NUMBER_MSG, arg_index=arg_index)
    return i  # type: ignore[no-any-return]


def _list_of(elems: Sequence[Value], ety: Type) -> Value:
    return Value(ListType(ety), tuple(elems))


# --- alltrue / anytrue ---------------------------------------------------------


def _alltrue(args: Sequence[Value], _rt: Type) -> Value:
    for e in _elems(args[0]):
        if e.v is UNKNOWN:
            return unknown(BOOL)
        if e.v is None or e.v is False:
            return FALSE
    return TRUE


def _anytrue(args: Sequence[Value], _rt: Type) -> Value:
    has_unknown = False
    for e in _elems(args[0]):
        if e.v is UNKNOWN:
            has_unknown = True
            continue
        if e.v is True:
            return TRUE
    return unknown(BOOL) if has_unknown else FALSE


# --- chunklist -------------------------------------------------------------------


def _chunklist_type(args: Sequence[Value]) -> Type:
    return ListType(args[0].type)


def _chunklist(args: Sequence[Value], rt: Type) -> Value:
    lst, lmarks = args[0].unmark()
    sizev, smarks = args[1].unmark()
    return _chunklist_unmarked(lst, sizev, rt).with_marks(lmarks | smarks)


def _chunklist_unmarked(lst: Value, sizev: Value, rt: Type) -> Value:
    size = _go_int(sizev, "invalid size: ")
    if size < 0:
        raise FunctionError("the size argument must be positive")
    elems = _elems(lst)
    if not elems:
        return Value(rt, ())
    if size == 0:
        return Value(rt, (lst,))
    chunks = [Value(lst.type, elems[i : i + size]) for i in range(0, len(elems), size)]
    return Value(rt, tuple(chunks))


# --- coalesce / coalescelist ---------------------------------------------------------


def _coalesce_type(args: Sequence[Value]) -> Type:
    t = unify([a.type for a in args])
    if t is None:
        raise FunctionError("all arguments must have the same type")
    return t


def _coalesce(args: Sequence[Value], rt: Type) -> Value:
    for a in args:
        a = conv(a, rt)
        if a.v is UNKNOWN:
            return unknown(rt)
        if a.v is None:
            continue
        if rt == STRING and a.v == "":
            continue
        return a
    raise FunctionError("no non-null, non-empty-string arguments")


def _coalescelist_type(args: Sequence[Value]) -> Type:
    if not args:
        raise FunctionError("at least one argument is required")
    for a in args:
        if a.v is UNKNOWN:
            return DYNAMIC
        if not (a.type.is_list() or a.type.is_tuple()):
            raise FunctionError("coalescelist arguments must be lists or tuples")
    first = args[0].type
    for a in args[1:]:
        if a.type != first:
            return DYNAMIC
    return first


def _coalescelist(args: Sequence[Value], rt: Type) -> Value:
    for a in args:
        if a.v is UNKNOWN:
            return unknown(rt)
        if a.v is None:
            continue
        if len(a.v) > 0:
            return a
    raise FunctionError("no non-null arguments")


# --- compact / concat / contains / distinct ---------------------------------------------


def _compact(args: Sequence[Value], rt: Type) -> Value:
    lst = args[0]
    if not lst.is_wholly_known():
        return unknown(rt)
    out = [e for e in _elems(lst) if e.v is not None and e.v != ""]
    return _list_of(out, STRING)


def _concat_type(args: Sequence[Value]) -> Type:
    if not args:
        raise FunctionError("at least one argument is required")
    if args[0].type.is_list():
        tys = [a.type for a in args]
        if all(t.is_list() for t in tys):
            common = unify(tys)
            if common is not None:
                return common
    etys: list[Type] = []
    for i, a in enumerate(args):
        t = a.type
        if isinstance(t, TupleType):
            etys.extend(t.elements)
        elif isinstance(t, ListType):
            if a.v is UNKNOWN:
                return DYNAMIC
            etys.extend([t.element] * len(a.v))
        else:
            raise FunctionError(f"all arguments must be lists or tuples; got {friendly_name(t)}", arg_index=i)
    return TupleType(etys)


def _concat(args: Sequence[Value], rt: Type) -> Value:
    vals: list[Value] = []
    marks: frozenset[Any] = frozenset()
    if isinstance(rt, ListType):
        for a in args:
            a = conv(a, rt)
            a, m = a.unmark()
            marks |= m
            vals.extend(_elems(a))
        return Value(rt, tuple(vals)).with_marks(marks)
    for a in args:
        a, m = a.unmark()
        marks |= m
        vals.extend(_elems(a))
    return Value(rt, tuple(vals)).with_marks(marks)


def _contains(args: Sequence[Value], _rt: Type) -> Value:
    lst = args[0]
    t = lst.type
    if not _is_seq(t):
        raise FunctionError("argument must be list, tuple, or set")
    if lst.v is None:
        raise FunctionError("cannot search a nil list or set")
    if lst.v is not UNKNOWN and len(lst.v) == 0:
        return FALSE
    if lst.v is UNKNOWN or args[1].v is UNKNOWN:
        return unknown(BOOL)
    contains_unknown = False
    for e in _elems(lst):
        eq = ops.equals(args[1], e)
        if eq.v is UNKNOWN:
            contains_unknown = True
            continue
        if eq.v is True:
            return TRUE
    return unknown(BOOL) if contains_unknown else FALSE


def _distinct(args: Sequence[Value], rt: Type) -> Value:
    lst = args[0]
    if not lst.is_wholly_known():
        return unknown(rt)
    out: list[Value] = []
    for e in _elems(lst):
        if not any(ops.raw_equal(x, e) for x in out):
            out.append(e)
    return Value(rt, tuple(out))


# --- element / index ---------------------------------------------------------------


def _element_type(args: Sequence[Value]) -> Type:
    lt = args[0].type
    if isinstance(lt, ListType):
        return lt.element
    if isinstance(lt, TupleType):
        if args[1].v is UNKNOWN:
            return DYNAMIC
        etys = lt.elements
        if not etys:
            raise FunctionError("cannot use element function with an empty list")
        idx = _go_int(args[1], "invalid index: ")
        r = _go_rem(idx, len(etys))
        if r < 0:
            raise FunctionError(f"panic in function implementation: runtime error: index out of range [{r}]")
        return etys[r]
    raise FunctionError(f"cannot read elements from {friendly_name(lt)}")


def _go_rem(a: int, b: int) -> int:
    """Go's % (truncated; the result has the sign of a)."""
    r = abs(a) % b
    return -r if a < 0 else r


def _element(args: Sequence[Value], rt: Type) -> Value:
    idx = _go_int(args[1], "invalid index: ")
    lst, marks = args[0].unmark()
    if lst.v is UNKNOWN:
        return unknown(rt).with_marks(marks)
    elems = _elems(lst)
    if not elems:
        raise FunctionError("cannot use element function with an empty list")
    # negative indices count from the end (Python's % is the wrap-around)
    return elems[idx % len(elems)].with_marks(marks)


def _index_type(args: Sequence[Value]) -> Type:
    t = args[0].type
    if not (t.is_list() or t.is_tuple()):
        raise FunctionError("argument must be a list or tuple")
    return NUMBER


def _index(args: Sequence[Value], _rt: Type) -> Value:
    lst = args[0]
    _index_type(args)
    if lst.v is UNKNOWN:
        return unknown(NUMBER)
    elems = _elems(lst)
    if not elems:
        raise FunctionError("cannot search an empty list")
    for i, e in enumerate(elems):
        eq = ops.equals(e, args[1])
        if eq.v is UNKNOWN:
            return unknown(NUMBER)
        if eq.v is True:
            return int_val(i)
    raise FunctionError("item not found")


# --- flatten -----------------------------------------------------------------------


def _flattener(v: Value) -> tuple[list[Value], bool]:
    v, marks = v.unmark()
    out: list[Value] = []
    if v.v is UNKNOWN:
        return out, False
    known = True
    for e in v.v.values() if isinstance(v.v, dict) else _elems(v):
        if e.type.is_dynamic() and e.v is UNKNOWN:
            known = False
        if e.v is not None and _is_seq(e.type):
            if e.v is UNKNOWN:
                known = False
            res, k = _flattener(e)
            if not k:
                known = False
            out.extend(res)
        else:
            out.append(e.with_marks(marks) if marks else e)
    return out, known


def _flatten_type(args: Sequence[Value]) -> Type:
    a = args[0]
    if not a.is_wholly_known():
        return DYNAMIC
    if not _is_seq(a.type):
        raise FunctionError("can only flatten lists, sets and tuples")
    vals, known = _flattener(a)
    if not known:
        return DYNAMIC
    return TupleType([x.type for x in vals])


def _flatten(args: Sequence[Value], rt: Type) -> Value:
    a = args[0]
    ua, marks = a.unmark()
    if ua.v is UNKNOWN or not isinstance(ua.v, (tuple, dict)):
        return unknown(rt).with_marks(marks)
    if len(ua.v) == 0:
        return Value(EMPTY_TUPLE, ()).with_marks(marks)
    vals, known = _flattener(a)
    if not known:
        return unknown(rt).with_marks(a.marks)
    return Value(TupleType([x.type for x in vals]), tuple(vals))


# --- keys / values / length / lookup ----------------------------------------------------


def _keys_type(args: Sequence[Value]) -> Type:
    t = args[0].type
    if isinstance(t, MapType):
        return ListType(STRING)
    if isinstance(t, ObjectType):
        if not t.attrs:
            return EMPTY_TUPLE
        return TupleType([STRING] * len(t.attrs))
    raise FunctionError("must have map or object type", arg_index=0)


def _keys(args: Sequence[Value], rt: Type) -> Value:
    m, marks = args[0].unmark()
    t = m.type
    if isinstance(t, ObjectType):
        return Value(rt, tuple(Value(STRING, k) for k in t.attrs)).with_marks(marks)
    if m.v is UNKNOWN:
        return unknown(rt).with_marks(marks)
    return Value(rt, tuple(Value(STRING, k) for k in m.v)).with_marks(marks)


def _values_type(args: Sequence[Value]) -> Type:
    t = args[0].type
    if isinstance(t, MapType):
        return ListType(t.element)
    if isinstance(t, ObjectType):
        if not t.attrs:
            return EMPTY_TUPLE
        return TupleType(list(t.attrs.values()))
    raise FunctionError("values() requires a map as the first argument")


def _values(args: Sequence[Value], rt: Type) -> Value:
    m, marks = args[0].unmark()
    if m.v is UNKNOWN:
        return unknown(rt).with_marks(marks)
    return Value(rt, tuple(m.v.values())).with_marks(marks)


def _length_type(args: Sequence[Value]) -> Type:
    t = args[0].type
    if t == STRING or t.is_tuple() or t.is_object() or t.is_list() or t.is_map() or t.is_set() or t.is_dynamic():
        return NUMBER
    raise FunctionError("argument must be a string, a collection type, or a structural type")


def _length(args: Sequence[Value], _rt: Type) -> Value:
    c = args[0]
    t = c.type
    marks = c.marks
    if t.is_dynamic():
        return unknown(NUMBER).with_marks(marks)
    if isinstance(t, TupleType):
        return int_val(len(t.elements)).with_marks(marks)
    if isinstance(t, ObjectType):
        return int_val(len(t.attrs)).with_marks(marks)
    if c.v is UNKNOWN:
        return unknown(NUMBER).with_marks(marks)
    if t == STRING:
        return int_val(grapheme_count(c.v)).with_marks(marks)
    if t.is_set() and len(c.v) > 1 and not c.is_wholly_known():
        # unknown elements may coalesce with others: the length is unknown
        # (a single element cannot coalesce with anything)
        return unknown(NUMBER).with_marks(marks)
    return int_val(len(c.v)).with_marks(marks)


def _lookup_type(args: Sequence[Value]) -> Type:
    if len(args) < 1 or len(args) > 3:
        raise FunctionError(f"lookup() takes two or three arguments, got {len(args)}")
    t = args[0].type
    if isinstance(t, ObjectType):
        if args[1].v is UNKNOWN:
            return DYNAMIC
        key = args[1].unmark()[0].v
        if key in t.attrs:
            return t.attrs[key]
        if len(args) == 3:
            return args[2].type
        raise FunctionError(f"the given object has no attribute {ops.go_quote(key)}", arg_index=0)
    if isinstance(t, MapType):
        if len(args) == 3:
            try:
                conv(args[2].unmark_deep()[0], t.element)
            except FunctionError:
                raise FunctionError(
                    "the default value must have the same type as the map elements", arg_index=2
                ) from None
        return t.element
    raise FunctionError("lookup() requires a map as the first argument", arg_index=0)


def _lookup(args: Sequence[Value], rt: Type) -> Value:
    default: Value | None = args[2] if len(args) == 3 else None
    m, map_marks = args[0].unmark()
    key_v, key_marks = args[1].unmark()
    marks = map_marks | key_marks
    key: str = key_v.v
    if not m.is_known:
        # only the collection itself must be known: its elements (even the one found) may not be
        return unknown(rt).with_marks(marks)
    if isinstance(m.type, ObjectType):
        if key in m.type.attrs:
            return m.v[key].with_marks(marks)  # type: ignore[no-any-return]
    elif key in m.v:
        return m.v[key].with_marks(marks)  # type: ignore[no-any-return]
    if default is not None:
        return conv(default, rt).with_marks(marks)
    shown = "(sensitive value)" if "sensitive" in key_marks else ops.go_quote(key)
    raise FunctionError(f"lookup failed to find key {shown}")


# --- matchkeys / merge / one ---------------------------------------------------------


def _matchkeys_type(args: Sequence[Value]) -> Type:
    if unify([args[1].type, args[2].type]) is None:
        raise FunctionError("keys and searchset must be of the same type")
    return args[0].type


def _matchkeys(args: Sequence[Value], rt: Type) -> Value:
    assert isinstance(rt, ListType)
    values = args[0]
    if values.v is UNKNOWN:
        return unknown(rt)
    if args[1].v is not UNKNOWN and len(values.v) != len(args[1].v):
        raise FunctionError("length of keys and values should be equal")
    ty = unify([args[1].type, args[2].type])
    assert ty is not None
    keys = conv(args[1], ty)
    searchset = conv(args[2], ty)
    if searchset.v is not UNKNOWN and len(searchset.v) == 0:
        return Value(rt, ())
    if not values.is_wholly_known() or not keys.is_wholly_known():
        return unknown(rt)
    out: list[Value] = []
    for i, k in enumerate(_elems(keys)):
        for s in _elems(searchset):
            eq = ops.equals(k, s)
            if eq.v is UNKNOWN:
                return Value(rt, ())
            if eq.v is True:
                out.append(values.v[i])
                break
    return Value(rt, tuple(out))


def _merge_type(args: Sequence[Value]) -> Type:
    if not args:
        return EMPTY_OBJECT
    attrs: dict[str, Type] = {}
    first: Type | None = None
    matching = True
    attrs_known = True
    for i, a in enumerate(args):
        t = a.type
        if t.is_dynamic():
            return DYNAMIC
        if not (t.is_map() or t.is_object()):
            raise FunctionError(f'arguments must be maps or objects, got "{friendly_name(t)}"')
        ua = a.unmark()[0]
        if isinstance(t, ObjectType) and ua.v is not None:
            attrs.update(t.attrs)
        elif isinstance(t, MapType):
            if ua.v is None:
                pass
            elif ua.v is not UNKNOWN:
                for k in ua.v:
                    attrs[k] = t.element
            else:
                attrs_known = False
        if i == 0:
            first = t
            continue
        if t != first:
            matching = False
    if matching:
        assert first is not None
        return first
    if not attrs_known:
        return DYNAMIC
    return ObjectType(attrs)


def _merge(args: Sequence[Value], rt: Type) -> Value:
    out: dict[str, Value] = {}
    marks: frozenset[Any] = frozenset()
    for a in args:
        if a.v is None:
            continue
        a, m = a.unmark()
        marks |= m
        if a.v is UNKNOWN:
            return unknown(rt).with_marks(marks)
        if not isinstance(a.v, dict):
            # only reachable after an untyped null made the type check give up;
            # terraform panics iterating the value
            what = "not a string" if isinstance(a.v, tuple) else "attempt to iterate on non-collection, non-tuple type"
            raise FunctionError(f"panic in function implementation: {what}")
        out.update(a.v)
    d = dict(sorted(out.items()))
    if isinstance(rt, MapType):
        return Value(rt, d).with_marks(marks)
    return Value(ObjectType({k: v.type for k, v in d.items()}), d).with_marks(marks)


_ONE_ERR = "must be a list, set, or tuple value with either zero or one elements"


def _one_type(args: Sequence[Value]) -> Type:
    t = args[0].type
    if isinstance(t, (ListType, SetType)):
        return t.element
    if isinstance(t, TupleType):
        if len(t.elements) == 0:
            return DYNAMIC
        if len(t.elements) == 1:
            return t.elements[0]
    raise FunctionError(_ONE_ERR, arg_index=0)


def _one(args: Sequence[Value], rt: Type) -> Value:
    v = args[0]
    if v.v is UNKNOWN:
        return unknown(rt)
    elems = _elems(v)
    if len(elems) == 0:
        return null(rt)
    if len(elems) == 1:
        return elems[0]
    raise FunctionError(_ONE_ERR, arg_index=0)


# --- range / reverse -----------------------------------------------------------------


def _range(args: Sequence[Value], _rt: Type) -> Value:
    nums: list[Number] = [a.v for a in args]
    zero = Number.from_int(0)
    if len(nums) == 1:
        start, end = zero, nums[0]
        step = Number.from_int(-1 if nums[0].cmp(zero) < 0 else 1)
    elif len(nums) == 2:
        start, end = nums[0], nums[1]
        step = Number.from_int(-1 if end.cmp(start) < 0 else 1)
    elif len(nums) == 3:
        start, end, step = nums
    else:
        raise FunctionError("must have one, two, or three arguments")
    down = step.cmp(zero) < 0
    if down:
        if end.cmp(start) > 0:
            raise FunctionError("end must be less than start when step is negative", arg_index=1)
    elif end.cmp(start) < 0:
        raise FunctionError("end must be greater than start when step is positive", arg_index=1)
    vals: list[Value] = []
    n = start
    while True:
        if down:
            if n.cmp(end) <= 0:
                break
        elif n.cmp(end) >= 0:
            break
        if len(vals) >= 1024:
            raise FunctionError(
                "more than 1024 values were generated; either decrease the difference "
                "between start and end or use a smaller step"
            )
        vals.append(Value(NUMBER, n))
        n = n.add(step)
    return Value(ListType(NUMBER), tuple(vals))


def _reverse_type(args: Sequence[Value]) -> Type:
    t = args[0].type
    if isinstance(t, TupleType):
        return TupleType(list(reversed(t.elements)))
    if isinstance(t, (ListType, SetType)):
        return ListType(t.element)
    raise FunctionError(f"can only reverse list or tuple values, not {friendly_name(t)}", arg_index=0)


def _reverse(args: Sequence[Value], rt: Type) -> Value:
    v, marks = args[0].unmark()
    if v.v is UNKNOWN:
        return unknown(rt).with_marks(marks)
    return Value(rt, tuple(reversed(_elems(v)))).with_marks(marks)


# --- sets ---------------------------------------------------------------------------


def _set_op_type(args: Sequence[Value]) -> Type:
    etys: list[Type] = []
    for a in args:
        t = a.type
        assert isinstance(t, SetType)
        ety = t.element
        if a.v is not UNKNOWN and a.v is not None and len(a.v) == 0 and ety.is_dynamic():
            continue
        etys.append(ety)
    if not etys:
        return SetType(DYNAMIC)
    common = unify(etys)
    if common is None:
        raise FunctionError("given sets must all have compatible element types")
    return SetType(common)


def _set_op(
    op: Callable[[dict[Any, Value], dict[Any, Value]], dict[Any, Value]], allow_unknowns: bool
) -> Callable[..., Value]:
    def impl(args: Sequence[Value], rt: Type) -> Value:
        assert isinstance(rt, SetType)
        cur: dict[Any, Value] | None = None
        for a in args:
            ca = conv(a, rt)
            if not allow_unknowns and not ca.is_wholly_known():
                return unknown(rt)
            d = {ops.value_key(e): e for e in _elems(ca)}
            cur = d if cur is None else op(cur, d)
        assert cur is not None
        return ops.set_val(list(cur.values()), rt.element)

    return impl


def _inter(a: dict[Any, Value], b: dict[Any, Value]) -> dict[Any, Value]:
    return {k: v for k, v in a.items() if k in b}


def _union(a: dict[Any, Value], b: dict[Any, Value]) -> dict[Any, Value]:
    r = dict(a)
    for k, v in b.items():
        r.setdefault(k, v)
    return r


def _subtract(a: dict[Any, Value], b: dict[Any, Value]) -> dict[Any, Value]:
    return {k: v for k, v in a.items() if k not in b}


def _setproduct_type(args: Sequence[Value]) -> Type:
    if len(args) < 2:
        raise FunctionError("at least two arguments are required")
    list_count = 0
    etys: list[Type] = []
    for i, a in enumerate(args):
        t = a.type
        if isinstance(t, SetType):
            etys.append(t.element)
        elif isinstance(t, ListType):
            etys.append(t.element)
            list_count += 1
        elif isinstance(t, TupleType):
            if not t.elements:
                etys.append(DYNAMIC)
                list_count += 1
                continue
            ety = unify(list(t.elements))
            if ety is None:
                raise FunctionError("all elements must be of the same type", arg_index=i)
            etys.append(ety)
            list_count += 1
        else:
            raise FunctionError("a set or a list is required", arg_index=i)
    if list_count == len(args):
        return ListType(TupleType(etys))
    return SetType(TupleType(etys))


def _setproduct(args: Sequence[Value], rt: Type) -> Value:
    assert isinstance(rt, (ListType, SetType))
    ety = rt.element
    assert isinstance(ety, TupleType)
    marks: frozenset[Any] = frozenset()
    seqs: list[tuple[Value, ...]] = []
    unknown_len = False
    for a in args:
        a, m = a.unmark()
        marks |= m
        if a.v is UNKNOWN:
            unknown_len = True
            continue
        seqs.append(_elems(a))
    if unknown_len:
        return unknown(rt).with_marks(marks)
    total = 1
    for s in seqs:
        total *= len(s)
    if total == 0:
        return Value(rt, ()).with_marks(marks)
    prods: list[Value] = []
    idx = [0] * len(seqs)
    for _ in range(total):
        row = []
        for j, n in enumerate(idx):
            v = seqs[j][n]
            st = ety.elements[j]
            if v.type != st:
                v = conv(v, st)
            row.append(v)
        prods.append(Value(ety, tuple(row)))
        for j in range(len(idx) - 1, -1, -1):
            idx[j] += 1
            if idx[j] < len(seqs[j]):
                break
            idx[j] = 0
    if isinstance(rt, ListType):
        return Value(rt, tuple(prods)).with_marks(marks)
    return ops.set_val(prods, ety).with_marks(marks)


# --- slice / sort / sum / transpose / zipmap -------------------------------------------------


def _slice_indexes(args: Sequence[Value]) -> tuple[int, int, bool]:
    lst = args[0].unmark()[0]
    length = -1
    if isinstance(lst.type, TupleType):
        length = len(lst.type.elements)
    elif lst.v is not UNKNOWN:
        length = len(lst.v)
    start = end = 0
    sk = ek = False
    if args[1].v is not UNKNOWN:
        start = _go_int(args[1], "invalid start index: ", arg_index=1)
        if start < 0:
            raise FunctionError("start index must not be less than zero", arg_index=1)
        if length >= 0 and start > length:
            raise FunctionError("start index must not be greater than the length of the list", arg_index=1)
        sk = True
    if args[2].v is not UNKNOWN:
        end = _go_int(args[2], "invalid end index: ", arg_index=2)
        if end < 0:
            raise FunctionError("end index must not be less than zero", arg_index=2)
        if length >= 0 and end > length:
            raise FunctionError("end index must not be greater than the length of the list", arg_index=2)
        ek = True
    if sk and ek and start > end:
        raise FunctionError("start index must not be greater than end index", arg_index=1)
    return start, end, sk and ek


def _slice_type(args: Sequence[Value]) -> Type:
    t = args[0].type
    if t.is_set():
        raise FunctionError(
            "cannot slice a set, because its elements do not have indices; explicitly convert to a list "
            "if the ordering of the result is not important",
            arg_index=0,
        )
    if not (t.is_list() or t.is_tuple()):
        raise FunctionError("must be a list or tuple value", arg_index=0)
    start, end, known = _slice_indexes(args)
    if t.is_list():
        return t
    if not known:
        return DYNAMIC
    assert isinstance(t, TupleType)
    return TupleType(t.elements[start:end])


def _slice(args: Sequence[Value], rt: Type) -> Value:
    lst, marks = args[0].unmark()
    if rt.is_dynamic():
        return unknown(DYNAMIC).with_marks(marks)
    start, end, _ = _slice_indexes(args)
    if lst.v is UNKNOWN:
        return unknown(rt).with_marks(marks)
    return Value(rt, _elems(lst)[start:end]).with_marks(marks)


def _sort(args: Sequence[Value], rt: Type) -> Value:
    lst = args[0]
    if lst.v is UNKNOWN:
        return unknown(rt)
    elems = _elems(lst)
    if not lst.is_wholly_known():
        # the order is unknown but the length is not
        return Value(rt, tuple(unknown(STRING) for _ in elems))
    for i, e in enumerate(elems):
        if e.v is None:
            raise FunctionError(f"given list element {i} is null; a null string cannot be sorted")
    return Value(rt, tuple(sorted(elems, key=lambda e: e.v.encode("utf-8"))))


def _sum_type(args: Sequence[Value]) -> Type:
    return NUMBER


def _sum(args: Sequence[Value], _rt: Type) -> Value:
    a = args[0]
    t = a.type
    if not (_is_seq(t) or t.is_map() or t.is_object()):
        raise FunctionError("cannot sum noniterable", arg_index=0)
    if a.v is UNKNOWN:
        return unknown(NUMBER)
    elems = list(a.v.values()) if isinstance(a.v, dict) else list(a.v)
    if not elems:
        raise FunctionError("cannot sum an empty list", arg_index=0)
    if not _is_seq(t):
        raise FunctionError(
            f"argument must be list, set, or tuple. Received {friendly_name(t)}", arg_index=0
        )
    if not a.is_wholly_known():
        return unknown(NUMBER)
    bad = "argument must be list, set, or tuple of number values"
    total: Number | None = None
    for e in elems:
        if e.v is None:
            raise FunctionError(bad, arg_index=0)
        try:
            n = conv(e, NUMBER).v
        except FunctionError:
            raise FunctionError(bad, arg_index=0) from None
        if total is None:
            total = n
            continue
        try:
            total = total.add(n)
        except NumberNaNError:
            raise FunctionError("can't compute sum of opposing infinities") from None
    assert total is not None
    return Value(NUMBER, total)


def _transpose(args: Sequence[Value], rt: Type) -> Value:
    m = args[0]
    if not m.is_wholly_known():
        return unknown(rt)
    tmp: dict[str, list[Value]] = {}
    for k, lst in m.v.items():
        if lst.v is None:
            raise FunctionError("input must not contain null list")
        for e in _elems(lst):
            if e.v is None:
                raise FunctionError("input list must not contain null string")
            tmp.setdefault(e.v, []).append(Value(STRING, k))
    lt = ListType(STRING)
    return Value(rt, {k: Value(lt, tuple(v)) for k, v in sorted(tmp.items())})


def _zipmap_type(args: Sequence[Value]) -> Type:
    keys, values = args[0], args[1]
    vt = values.type
    if isinstance(vt, ListType):
        return MapType(vt.element)
    if isinstance(vt, TupleType):
        if not keys.is_wholly_known():
            return DYNAMIC
        raw = _elems(keys.unmark()[0])
        if len(raw) != len(vt.elements):
            raise FunctionError(
                f"number of keys ({len(raw)}) does not match number of values ({len(vt.elements)})"
            )
        atys: dict[str, Type] = {}
        for i, k in enumerate(raw):
            k = k.unmark()[0]
            if k.v is None:
                raise FunctionError(f"keys list has null value at index {i}")
            atys[k.v] = vt.elements[i]
        return ObjectType(atys)
    raise FunctionError("values argument must be a list or tuple value")


def _zipmap(args: Sequence[Value], rt: Type) -> Value:
    keys, kmarks = args[0].unmark()
    values, vmarks = args[1].unmark()
    marks = kmarks | vmarks
    if not keys.is_wholly_known() or values.v is UNKNOWN:
        return unknown(rt).with_marks(marks)
    ks = _elems(keys)
    vs = _elems(values)
    if len(ks) != len(vs):
        raise FunctionError(f"number of keys ({len(ks)}) does not match number of values ({len(vs)})")
    out: dict[str, Value] = {}
    for i, (k, v) in enumerate(zip(ks, vs)):
        k, km = k.unmark()
        if k.v is None:
            raise FunctionError(f"keys list has null value at index {i}")
        marks |= km
        out[k.v] = v
    d = dict(sorted(out.items()))
    if isinstance(rt, MapType):
        return Value(rt, d).with_marks(marks)
    return Value(ObjectType({k: v.type for k, v in d.items()}), d).with_marks(marks)


# --- removed functions ---------------------------------------------------------------------


def _removed(name: str, hint: str) -> Function:
    def impl(_args: Sequence[Value], _rt: Type) -> Value:
        raise FunctionError(
            f'the "{name}" function was deprecated in Terraform v0.12 and is no longer available; '
            f"use {hint} syntax to write a literal {name}"
        )

    def rt(_args: Sequence[Value]) -> Type:
        impl(_args, DYNAMIC)
        return DYNAMIC

    return func(name, [], rt, impl, var_param=param("vals", DYNAMIC, allow_null=True, allow_unknown=True, allow_dynamic_type=True))


# --- table ----------------------------------------------------------------------------------


def functions(ctx: FunctionContext) -> dict[str, Function]:
    fns = [
        func("alltrue", [param("list", ListType(BOOL))], BOOL, _alltrue),
        func("anytrue", [param("list", ListType(BOOL))], BOOL, _anytrue),
        func(
            "chunklist",
            [param("list", ListType(DYNAMIC), allow_marked=True), param("size", NUMBER, allow_marked=True)],
            _chunklist_type,
            _chunklist,
        ),
        func(
            "coalesce",
            [],
            _coalesce_type,
            _coalesce,
            var_param=param("vals", DYNAMIC, allow_null=True, allow_unknown=True, allow_dynamic_type=True),
        ),
        func(
            "coalescelist",
            [],
            _coalescelist_type,
            _coalescelist,
            var_param=param("vals", DYNAMIC, allow_null=True, allow_unknown=True, allow_dynamic_type=True),
        ),
        func("compact", [param("list", ListType(STRING))], ListType(STRING), _compact),
        func("concat", [], _concat_type, _concat, var_param=param("seqs", DYNAMIC, allow_marked=True)),
        func("contains", [param("list", DYNAMIC), param("value", DYNAMIC)], BOOL, _contains),
        func("distinct", [param("list", ListType(DYNAMIC))], lambda a: a[0].type, _distinct),
        func("element", [param("list", DYNAMIC, allow_marked=True), param("index", NUMBER)], _element_type, _element),
        func("flatten", [param("list", DYNAMIC)], _flatten_type, _flatten),
        func("index", [param("list", DYNAMIC), param("value", DYNAMIC)], NUMBER, _index),
        func(
            "keys",
            [param("inputMap", DYNAMIC, allow_unknown=True, allow_marked=True)],
            _keys_type,
            _keys,
        ),
        func(
            "length",
            [param("value", DYNAMIC, allow_dynamic_type=True, allow_unknown=True, allow_marked=True)],
            _length_type,
            _length,
        ),
        func(
            "lookup",
            [param("inputMap", DYNAMIC, allow_marked=True), param("key", STRING, allow_marked=True)],
            _lookup_type,
            _lookup,
            var_param=param(
                "default", DYNAMIC, allow_null=True, allow_unknown=True, allow_dynamic_type=True, allow_marked=True
            ),
        ),
        func(
            "matchkeys",
            [
                param("values", ListType(DYNAMIC)),
                param("keys", ListType(DYNAMIC)),
                param("searchset", ListType(DYNAMIC)),
            ],
            _matchkeys_type,
            _matchkeys,
        ),
        func(
            "merge",
            [],
            _merge_type,
            _merge,
            var_param=param("maps", DYNAMIC, allow_null=True, allow_dynamic_type=True, allow_marked=True),
        ),
        func("one", [param("list", DYNAMIC)], _one_type, _one),
        func("range", [], ListType(NUMBER), _range, var_param=param("params", NUMBER)),
        func("reverse", [param("list", DYNAMIC, allow_marked=True)], _reverse_type, _reverse),
        func(
            "setintersection",
            [param("first_set", SetType(DYNAMIC), allow_dynamic_type=True)],
            _set_op_type,
            _set_op(_inter, allow_unknowns=False),
            var_param=param("other_sets", SetType(DYNAMIC), allow_dynamic_type=True),
        ),
        func(
            "setsubtract",
            [
                param("a", SetType(DYNAMIC), allow_dynamic_type=True),
                param("b", SetType(DYNAMIC), allow_dynamic_type=True),
            ],
            _set_op_type,
            _set_op(_subtract, allow_unknowns=False),
        ),
        func(
            "setunion",
            [param("first_set", SetType(DYNAMIC), allow_dynamic_type=True)],
            _set_op_type,
            _set_op(_union, allow_unknowns=True),
            var_param=param("other_sets", SetType(DYNAMIC), allow_dynamic_type=True),
        ),
        func("setproduct", [], _setproduct_type, _setproduct, var_param=param("sets", DYNAMIC, allow_marked=True)),
        func(
            "slice",
            [param("list", DYNAMIC, allow_marked=True), param("start_index", NUMBER), param("end_index", NUMBER)],
            _slice_type,
            _slice,
        ),
        func("sort", [param("list", ListType(STRING))], ListType(STRING), _sort),
        func("sum", [param("list", DYNAMIC)], _sum_type, _sum),
        func(
            "transpose",
            [param("values", MapType(ListType(STRING)))],
            MapType(ListType(STRING)),
            _transpose,
        ),
        func("values", [param("mapping", DYNAMIC, allow_marked=True)], _values_type, _values),
        func(
            "zipmap",
            [param("keys", ListType(STRING), allow_marked=True), param("values", DYNAMIC, allow_marked=True)],
            _zipmap_type,
            _zipmap,
        ),
        _removed("list", "tolist([ ... ])"),
        _removed("map", "tomap({ ... })"),
    ]
    return {f.name: f for f in fns}
