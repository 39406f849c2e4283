"""Type constraint expressions: string, list(string), object({a=optional(number, 5)}), ...

parse_type_constraint(expr) -> (Type, Defaults | None, Diagnostics) follows hcl's
ext/typeexpr with terraform's extensions: optional(type[, default]) attributes
inside object types, whose defaults are returned as a Defaults tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sheath.config.exprs import const_value, convert_value, expr_as_keyword, expr_call, expr_list, expr_map
from sheath.diag import Diagnostics, Range
from sheath.lang.hcl import Expression
from sheath.types.cty import (
    BOOL,
    DYNAMIC,
    NUMBER,
    STRING,
    ListType,
    MapType,
    ObjectType,
    SetType,
    TupleType,
    Type,
    Value,
)

INVALID = "Invalid type specification"


@dataclass(slots=True)
class Defaults:
    """Default values for optional object attributes, nested like the type.

    children keys: attribute names (objects), "" (collection elements), "0", "1"... (tuples).
    """

    type: Type
    default_values: dict[str, Value] = field(default_factory=dict)
    children: dict[str, "Defaults"] = field(default_factory=dict)


_PRIMITIVES: dict[str, Type] = {"bool": BOOL, "string": STRING, "number": NUMBER, "any": DYNAMIC}
_COLLECTIONS = {"list": ListType, "map": MapType, "set": SetType}


def _call_parts(call: Any) -> tuple[str, Range, list[Expression], Range]:
    name = call.name
    name_range = getattr(call, "name_range")
    args = list(getattr(call, "arguments", None) or getattr(call, "args", None) or [])
    args_range = getattr(call, "args_range", None) or name_range
    return name, name_range, args, args_range


def parse_type(expr: Expression) -> tuple[Type, Diagnostics]:
    """A type expression without optional() support (hcl's typeexpr.Type)."""
    t, _, diags = _get_type(expr, constraint=False, with_defaults=False)
    return t, diags


def parse_type_constraint(expr: Expression) -> tuple[Type, Defaults | None, Diagnostics]:
    """A type constraint with optional(type, default) attributes (terraform's variable type)."""
    return _get_type(expr, constraint=True, with_defaults=True)


def _get_type(expr: Expression, constraint: bool, with_defaults: bool) -> tuple[Type, Defaults | None, Diagnostics]:
    diags = Diagnostics()
    kw = expr_as_keyword(expr)
    if kw is not None:
        if kw in _PRIMITIVES:
            return _PRIMITIVES[kw], None, diags
        if kw in _COLLECTIONS:
            return _COLLECTIONS[kw](DYNAMIC), None, diags
        if kw == "object":
            diags.add_error(
                INVALID,
                "The object type constructor requires one argument specifying the attribute types as a map.",
                expr.range,
            )
        elif kw == "tuple":
            diags.add_error(
                INVALID,
                "The tuple type constructor requires one argument specifying the element types as a list.",
                expr.range,
            )
        elif kw == "optional":
            diags.add_error(
                INVALID, 'Keyword "optional" is valid only as a modifier for object type attributes.', expr.range
            )
        elif kw == "":
            diags.add_error(
                INVALID,
                "A type specification is either a primitive type keyword (bool, number, string) or a complex type "
                "constructor call, like list(string).",
                expr.range,
            )
        else:
            diags.add_error(INVALID, f'The keyword "{kw}" is not a valid type specification.', expr.range)
        return DYNAMIC, None, diags

    call, cdiags = expr_call(expr)
    if call is None or cdiags.has_errors():
        diags.add_error(
            INVALID,
            "A type specification is either a primitive type keyword (bool, number, string) or a complex type "
            "constructor call, like list(string).",
            expr.range,
        )
        return DYNAMIC, None, diags
    name, name_range, args, args_range = _call_parts(call)

    if name in _PRIMITIVES:
        diags.add_error(INVALID, f'Primitive type keyword "{name}" does not expect arguments.', args_range)
        return DYNAMIC, None, diags

    if name in _COLLECTIONS:
        if len(args) != 1:
            subj = args_range if not args else Range.between(args[1].range, args[-1].range)
            diags.add_error(
                INVALID, f"The {name} type constructor requires one argument specifying the element type.", subj
            )
            return _COLLECTIONS[name](DYNAMIC), None, diags
        et, edef, d = _get_type(args[0], constraint, with_defaults)
        diags.extend(d)
        ct = _COLLECTIONS[name](et)
        defs = Defaults(ct, children={"": edef}) if edef is not None else None
        return ct, defs, diags

    if name == "object":
        if len(args) != 1:
            diags.add_error(
                INVALID,
                "The object type constructor requires one argument specifying the attribute types as a map.",
                args_range,
            )
            return DYNAMIC, None, diags
        items, mdiags = expr_map(args[0])
        if mdiags.has_errors():
            diags.add_error(
                INVALID,
                "Object type constructor requires a map whose keys are attribute names and whose values are the "
                "corresponding attribute types.",
                args[0].range,
            )
            return DYNAMIC, None, diags
        attrs: dict[str, Type] = {}
        optional: set[str] = set()
        default_values: dict[str, Value] = {}
        children: dict[str, Defaults] = {}
        for kexpr, vexpr in items:
            aname = expr_as_keyword(kexpr)
            if aname is None:
                diags.add_error(INVALID, "Object constructor map keys must be attribute names.", kexpr.range)
                continue
            atype_expr = vexpr
            default_expr: Expression | None = None
            if constraint:
                vcall, vcd = expr_call(vexpr)
                if vcall is not None and not vcd.has_errors() and _call_parts(vcall)[0] == "optional":
                    _, _, oargs, oargs_range = _call_parts(vcall)
                    if len(oargs) < 1:
                        diags.add_error(
                            INVALID, "Optional attribute modifier requires the attribute type as its argument.", oargs_range
                        )
                        continue
                    if with_defaults:
                        # hcl's typeexpr: more than two arguments is an error, the attribute then required
                        if len(oargs) > 2:
                            diags.add_error(
                                INVALID,
                                "Optional attribute modifier expects at most two arguments: the attribute type, "
                                "and a default value.",
                                oargs_range,
                            )
                        else:
                            optional.add(aname)
                        if len(oargs) == 2:
                            default_expr = oargs[1]
                    elif len(oargs) != 1:
                        diags.add_error(
                            INVALID,
                            "Optional attribute modifier expects only one argument: the attribute type.",
                            oargs_range,
                        )
                        continue
                    else:
                        optional.add(aname)
                    atype_expr = oargs[0]
            at, adef, d = _get_type(atype_expr, constraint, with_defaults)
            diags.extend(d)
            attrs[aname] = at
            if adef is not None:
                children[aname] = adef
            if default_expr is not None:
                dv, dd = const_value(default_expr)
                diags.extend(dd)
                if dd.has_errors():
                    continue
                if adef is not None:
                    dv = apply_defaults(dv, at, adef)
                cv, msg = convert_value(dv, at)
                if cv is None:
                    diags.add_error(
                        "Invalid default value for optional attribute",
                        f"This default value is not compatible with the attribute's type constraint: {msg}.",
                        default_expr.range,
                    )
                    continue
                if not cv.is_null:
                    default_values[aname] = cv
        ot = ObjectType(attrs, frozenset(optional))
        defs = Defaults(ot, default_values, children) if (default_values or children) else None
        return ot, defs, diags

    if name == "tuple":
        if len(args) != 1:
            diags.add_error(
                INVALID,
                "The tuple type constructor requires one argument specifying the element types as a list.",
                args_range,
            )
            return DYNAMIC, None, diags
        elems, ldiags = expr_list(args[0])
        if ldiags.has_errors():
            diags.add_error(INVALID, "Tuple type constructor requires a list of element types.", args[0].range)
            return DYNAMIC, None, diags
        ets: list[Type] = []
        tchildren: dict[str, Defaults] = {}
        for i, e in enumerate(elems):
            et, edef, d = _get_type(e, constraint, with_defaults)
            diags.extend(d)
            ets.append(et)
            if edef is not None:
                tchildren[str(i)] = edef
        tt = TupleType(ets)
        return tt, (Defaults(tt, children=tchildren) if tchildren else None), diags

    if name == "optional":
        diags.add_error(INVALID, 'Keyword "optional" is valid only as a modifier for object type attributes.', name_range)
        return DYNAMIC, None, diags

    diags.add_error(INVALID, f'Keyword "{name}" is not a valid type constructor.', name_range)
    return DYNAMIC, None, diags


def legacy_quoted_type(s: str) -> Type | None:
    """The type a pre-0.12 quoted constraint names: "string", "list", "map"."""
    return {"string": STRING, "list": ListType(DYNAMIC), "map": MapType(DYNAMIC)}.get(s)


# --- applying defaults ---------------------------------------------------------------


def apply_defaults(value: Value, type_: Type, defaults: Defaults | None) -> Value:
    """Insert optional-attribute defaults into value (before conversion), recursively.

    Null and unknown values are left alone; a missing or null attribute that has a
    default gets it; nested objects, collection elements and tuple elements get
    their own defaults.
    """
    if defaults is None or value.is_null or not value.is_known:
        return value
    vt = value.type
    marks = value.marks
    if vt.is_object() or vt.is_map():
        src: dict[str, Value] = dict(value.v)
        changed = False
        if isinstance(type_, ObjectType):
            for k, dv in defaults.default_values.items():
                cur = src.get(k)
                if cur is None or cur.is_null:
                    src[k] = dv
                    changed = True
            for k, achild in defaults.children.items():
                cur = src.get(k)
                if cur is not None:
                    at = type_.attrs.get(k, DYNAMIC)
                    nv = apply_defaults(cur, at, achild)
                    if nv is not cur:
                        src[k] = nv
                        changed = True
        elif isinstance(type_, MapType) and "" in defaults.children:
            mchild = defaults.children[""]
            for k, cur in list(src.items()):
                nv = apply_defaults(cur, type_.element, mchild)
                if nv is not cur:
                    src[k] = nv
                    changed = True
        if not changed:
            return value
        # (a map's elements may no longer share one type: the result is an object either way;
        # conversion to the constraint type turns it back into a map)
        from sheath.types.cty import object_val

        return object_val(src).with_marks(marks)
    if vt.is_list() or vt.is_set() or vt.is_tuple():
        elems = list(value.v)
        changed = False
        for i, e in enumerate(elems):
            child: Defaults | None
            if isinstance(type_, TupleType):
                child = defaults.children.get(str(i))
                et: Type = type_.elements[i] if i < len(type_.elements) else DYNAMIC
            elif isinstance(type_, (ListType, SetType)):
                child = defaults.children.get("")
                et = type_.element
            else:
                child = None
                et = DYNAMIC
            if child is None:
                continue
            ne = apply_defaults(e, et, child)
            if ne is not e:
                elems[i] = ne
                changed = True
        if not changed:
            return value
        from sheath.types.cty import tuple_val

        return tuple_val(elems).with_marks(marks)
    return value
