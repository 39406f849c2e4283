"""String functions: chomp endswith format formatlist indent join lower regex
regexall replace split startswith strcontains strrev substr templatestring title
trim trimprefix trimspace trimsuffix upper.

Characters are counted as terraform counts them (grapheme clusters), case
mapping is Go's per-rune mapping, and regular expressions are RE2's, matched
in linear time (sheath.lang.funcs.re2)."""

from __future__ import annotations

from typing import Callable, Sequence

from sheath.gounicode import go_trim_space
from sheath.lang.funcs.fmtverbs import FormatHooks, format_values
from sheath.lang.funcs.function import Function, FunctionContext, FunctionError
from sheath.lang.funcs.re2 import Compiled, Match, RE2Error, compile_re2, expand_template
from sheath.lang.funcs.support import (
    func,
    go_lower,
    go_title_rune,
    go_upper,
    graphemes,
    param,
)
from sheath.lang.funcs.values import conv, marshal_json, str_val, to_go_int
from sheath.types.cty import (
    BOOL,
    DYNAMIC,
    NUMBER,
    STRING,
    UNKNOWN,
    ListType,
    ObjectType,
    TupleType,
    Type,
    Value,
    bool_val,
    unknown,
)


def _s(v: Value) -> str:
    return v.v  # type: ignore[no-any-return]


def _str_fn(name: str, op: Callable[[str], str]) -> Function:
    def impl(args: Sequence[Value], _rt: Type) -> Value:
        return str_val(op(_s(args[0])))

    return func(name, [param("str", STRING)], STRING, impl)


# --- simple string functions -------------------------------------------------


def _chomp(s: str) -> str:
    return s.rstrip("\r\n")


def _strrev(s: str) -> str:
    if s.isascii() and "\r\n" not in s:
        return s[::-1]
    return "".join(reversed(graphemes(s)))


def _is_separator(r: str) -> bool:
    if r.isascii():
        return not (r.isalnum() or r == "_")
    if r.isalpha() or r.isdigit():
        return False
    return go_trim_space(r) == ""


def _title(s: str) -> str:
    out: list[str] = []
    prev = " "
    for r in s:
        out.append(go_title_rune(r) if _is_separator(prev) else r)
        prev = r
    return "".join(out)


def _two_str(name: str, second: str, ret: Type, op: Callable[[str, str], Value]) -> Function:
    def impl(args: Sequence[Value], _rt: Type) -> Value:
        return op(_s(args[0]), _s(args[1]))

    return func(name, [param("str", STRING), param(second, STRING)], ret, impl)


def _indent(args: Sequence[Value], _rt: Type) -> Value:
    spaces = to_go_int(args[0])
    if spaces < 0:
        raise FunctionError("panic in function implementation: strings: negative Repeat count")
    return str_val(_s(args[1]).replace("\n", "\n" + " " * spaces))


def _substr(args: Sequence[Value], _rt: Type) -> Value:
    s = _s(args[0])
    offset = to_go_int(args[1])
    length = to_go_int(args[2])
    g = graphemes(s)
    n = len(g)
    if offset < 0:
        offset += n
        if offset < 0:
            offset = 0
    if offset > n:
        return str_val("")
    if length < 0:
        return str_val("".join(g[offset:]))
    return str_val("".join(g[offset : offset + length]))


def _join(args: Sequence[Value], _rt: Type) -> Value:
    sep = _s(args[0])
    lists = args[1:]
    if not lists:
        raise FunctionError("at least one list is required")
    parts: list[str] = []
    for li, lst in enumerate(lists):
        if lst.v is UNKNOWN:
            return unknown(STRING)
        for ei, e in enumerate(lst.v):
            if e.v is None:
                raise FunctionError(f"element {ei} is null; cannot concatenate null values", arg_index=li + 1)
            if e.v is UNKNOWN:
                return unknown(STRING)
            parts.append(e.v)
    return str_val(sep.join(parts))


def _split(args: Sequence[Value], _rt: Type) -> Value:
    sep = _s(args[0])
    s = _s(args[1])
    if sep == "":
        elems = list(s)
    else:
        elems = s.split(sep)
    return Value(ListType(STRING), tuple(str_val(e) for e in elems))


# --- regular expressions -----------------------------------------------------


def _compile_pattern(v: Value) -> Compiled:
    try:
        return compile_re2(_s(v))
    except RE2Error as e:
        raise FunctionError(f"invalid regexp pattern: {e}", arg_index=0) from None


def _regex_result_type(names: list[str | None]) -> Type:
    if not names:
        return STRING
    named = [n for n in names if n is not None]
    if named and len(named) != len(names):
        raise FunctionError("invalid regexp pattern: cannot mix both named and unnamed capture groups", arg_index=0)
    if named:
        return ObjectType({n: STRING for n in named})
    return TupleType([STRING] * len(names))


def _regex_pattern_type(args: Sequence[Value]) -> Type:
    if args[0].v is UNKNOWN:
        return DYNAMIC
    return _regex_result_type(_compile_pattern(args[0]).group_names)


def _match_value(m: Match, names: list[str | None], rt: Type) -> Value:
    if not names:
        return str_val(m.group(0) or "")

    def grp(i: int) -> Value:
        g = m.group(i)
        return Value(STRING, None) if g is None else str_val(g)

    if isinstance(rt, ObjectType):
        attrs: dict[str, Value] = {}
        for i, n in enumerate(names, start=1):
            assert n is not None
            attrs[n] = grp(i)
        return Value(rt, dict(sorted(attrs.items())))
    return Value(rt, tuple(grp(i) for i in range(1, len(names) + 1)))


def _regex(args: Sequence[Value], rt: Type) -> Value:
    c = _compile_pattern(args[0])
    if args[1].v is UNKNOWN:
        return unknown(rt)
    m = c.search(_s(args[1]))
    if m is None:
        raise FunctionError("pattern did not match any part of the given string")
    return _match_value(m, c.group_names, rt)


def _regexall_type(args: Sequence[Value]) -> Type:
    if args[0].v is UNKNOWN:
        return ListType(DYNAMIC)
    return ListType(_regex_result_type(_compile_pattern(args[0]).group_names))


def _regexall(args: Sequence[Value], rt: Type) -> Value:
    c = _compile_pattern(args[0])
    assert isinstance(rt, ListType)
    et = rt.element
    if args[1].v is UNKNOWN:
        return unknown(rt)
    return Value(rt, tuple(_match_value(m, c.group_names, et) for m in c.find_all(_s(args[1]))))


def _replace(args: Sequence[Value], _rt: Type) -> Value:
    s, sub, rep = _s(args[0]), _s(args[1]), _s(args[2])
    if len(sub) > 1 and sub[0] == "/" and sub[-1] == "/":
        try:
            c = compile_re2(sub[1:-1])
        except RE2Error as e:
            raise FunctionError(f"error parsing regexp: {e.code}: `{e.expr}`") from None
        names = c.group_names
        return str_val(c.replace_all(s, lambda m: expand_template(rep, m, names)))
    return str_val(s.replace(sub, rep))


# --- format ----------------------------------------------------------------------


def _hooks() -> FormatHooks:
    return FormatHooks(
        to_string=lambda v: conv(v, STRING),
        to_number=lambda v: conv(v, NUMBER),
        to_bool=lambda v: conv(v, BOOL),
        to_json=marshal_json,
    )


def format_impl(fmt: str, args: Sequence[Value]) -> str:
    return format_values(fmt, args, _hooks())


def _format(args: Sequence[Value], _rt: Type) -> Value:
    for a in args[1:]:
        if not a.is_wholly_known():
            return unknown(STRING)
    return str_val(format_impl(_s(args[0]), args[1:]))


def _formatlist(args: Sequence[Value], rt: Type) -> Value:
    fmt = _s(args[0])
    rest = args[1:]
    if not rest:
        return Value(ListType(STRING), (str_val(format_impl(fmt, [])),))
    iter_len = -1
    len_chooser = -1
    iters: list[tuple[Value, ...] | None] = []
    unknowns = False
    for i, a in enumerate(rest):
        t = a.type
        if (t.is_list() or t.is_set() or t.is_tuple()) and a.v is not None:
            if not t.is_tuple() and a.v is UNKNOWN:
                unknowns = True
                iters.append(None)
                continue
            this_len = len(t.elements) if isinstance(t, TupleType) else len(a.v)
            if iter_len == -1:
                iter_len = this_len
                len_chooser = i
            elif this_len != iter_len:
                raise FunctionError(
                    f"argument {i + 1} has length {this_len}, which is inconsistent with argument "
                    f"{len_chooser + 1} of length {iter_len}",
                    arg_index=i + 1,
                )
            if a.v is UNKNOWN:
                unknowns = True
                iters.append(None)
                continue
            iters.append(a.v)
        else:
            iters.append(None)
    if unknowns:
        return unknown(rt)
    if iter_len == 0:
        return Value(ListType(STRING), ())
    if iter_len == -1:
        iter_len = 1
    out: list[Value] = []
    for k in range(iter_len):
        fargs: list[Value] = []
        unk = False
        for i, a in enumerate(rest):
            it = iters[i]
            fa = it[k] if it is not None else a
            fargs.append(fa)
            if not fa.is_wholly_known():
                unk = True
                break
        if unk:
            out.append(unknown(STRING))
            continue
        try:
            out.append(str_val(format_impl(fmt, fargs)))
        except FunctionError as e:
            raise FunctionError(f"error on format iteration {k}: {e.message}") from None
    return Value(ListType(STRING), tuple(out))


# --- templatestring -------------------------------------------------------------------

TEMPLATESTRING_FILENAME = "<templatestring argument>"

_TS_WRAP = (
    "invalid template expression: templatestring is only for rendering templates retrieved dynamically from "
    "elsewhere; to treat the inner expression as template syntax, write the reference expression directly "
    "without any template interpolation syntax"
)
_TS_LITERAL = (
    "invalid template expression: templatestring is only for rendering templates retrieved dynamically from "
    "elsewhere, and so does not support providing a literal template; consider using a template string "
    "expression instead"
)
_TS_INLINE = (
    "invalid template expression: templatestring is only for rendering templates retrieved dynamically from "
    "elsewhere; to render an inline template, consider using a plain template string expression"
)
_TS_REFERENCE = (
    "invalid template expression: must be a direct reference to a single string from elsewhere, containing "
    "valid Terraform template syntax"
)


def _is_template_reference(expr: object) -> bool:
    """terraform's isValidTemplateStringExpr: a reference, possibly indexed/splatted."""
    from sheath.lang.hclsyntax import ast as A

    while True:
        if isinstance(expr, A.ScopeTraversalExpr):
            return True
        if isinstance(expr, (A.RelativeTraversalExpr, A.SplatExpr)):
            expr = expr.source
        elif isinstance(expr, A.IndexExpr):
            expr = expr.collection
        else:
            return False


def templatestring_arg_check(arg_exprs: Sequence[object]) -> FunctionError | None:
    """The check terraform makes on templatestring's unevaluated template argument.

    The evaluator calls this (via Function.extra["arg_expr_check"]) with the
    argument expressions before evaluating them.
    """
    from sheath.lang.hclsyntax import ast as A

    if not arg_exprs:
        return None
    expr = arg_exprs[0]
    if isinstance(expr, A.TemplateWrapExpr):
        return FunctionError(_TS_WRAP, arg_index=0)
    if isinstance(expr, A.TemplateExpr):
        parts = expr.parts
        literal = len(parts) == 1 and isinstance(parts[0], A.LiteralValueExpr)
        return FunctionError(_TS_LITERAL if literal else _TS_INLINE, arg_index=0)
    if not _is_template_reference(expr):
        return FunctionError(_TS_REFERENCE, arg_index=0)
    return None


def _templatestring(ctx: FunctionContext) -> Function:
    """templatestring(template, vars).

    Terraform also requires the template argument to be a direct reference
    (not a literal template); that check needs the argument's expression and
    is the evaluator's to make.
    """

    def render(args: Sequence[Value]) -> Value:
        tv, marks = args[0].unmark_deep()
        if tv.type != STRING or tv.v is None:
            raise FunctionError("invalid template value: a string is required", arg_index=0)
        vars_v = args[1]
        t = vars_v.type
        if not (t.is_map() or t.is_object()):
            raise FunctionError("invalid vars value: must be a map", arg_index=1)
        if ctx.render_template is None:
            raise FunctionError("template rendering is not available in this context")
        variables = dict(vars_v.v) if vars_v.v is not None else {}
        result = ctx.render_template(tv.v, TEMPLATESTRING_FILENAME, variables)
        try:
            result = conv(result, STRING)
        except FunctionError as e:
            raise FunctionError(f"invalid template result: {e.message}") from None
        return result.with_marks(marks)

    def impl(args: Sequence[Value], rt: Type) -> Value:
        if not args[0].is_wholly_known() or not args[1].is_wholly_known():
            return unknown(rt)
        return render(args)

    fn = func(
        "templatestring",
        [
            param("template", DYNAMIC, allow_null=True, allow_marked=True, allow_dynamic_type=True),
            param("vars", DYNAMIC),
        ],
        STRING,
        impl,
    )
    fn.extra["arg_expr_check"] = templatestring_arg_check
    return fn


# --- table -----------------------------------------------------------------------


def functions(ctx: FunctionContext) -> dict[str, Function]:
    fns = [
        _templatestring(ctx),
        _str_fn("chomp", _chomp),
        _str_fn("lower", go_lower),
        _str_fn("upper", go_upper),
        _str_fn("strrev", _strrev),
        _str_fn("title", _title),
        _str_fn("trimspace", go_trim_space),
        _two_str("startswith", "prefix", BOOL, lambda s, p: bool_val(s.startswith(p))),
        _two_str("endswith", "suffix", BOOL, lambda s, p: bool_val(s.endswith(p))),
        _two_str("strcontains", "substr", BOOL, lambda s, p: bool_val(p in s)),
        _two_str("trim", "cutset", STRING, lambda s, c: str_val(s.strip(c))),
        _two_str("trimprefix", "prefix", STRING, lambda s, p: str_val(s[len(p) :] if s.startswith(p) else s)),
        _two_str(
            "trimsuffix", "suffix", STRING, lambda s, p: str_val(s[: len(s) - len(p)] if p and s.endswith(p) else s)
        ),
        func("indent", [param("spaces", NUMBER), param("str", STRING)], STRING, _indent),
        func(
            "substr",
            [param("str", STRING), param("offset", NUMBER), param("length", NUMBER)],
            STRING,
            _substr,
        ),
        func("join", [param("separator", STRING)], STRING, _join, var_param=param("lists", ListType(STRING))),
        func("split", [param("separator", STRING), param("str", STRING)], ListType(STRING), _split),
        func("regex", [param("pattern", STRING), param("string", STRING)], _regex_pattern_type, _regex),
        func("regexall", [param("pattern", STRING), param("string", STRING)], _regexall_type, _regexall),
        func(
            "replace",
            [param("str", STRING), param("substr", STRING), param("replace", STRING)],
            STRING,
            _replace,
        ),
        func(
            "format",
            [param("format", STRING)],
            STRING,
            _format,
            var_param=param("args", DYNAMIC, allow_null=True, allow_unknown=True),
        ),
        func(
            "formatlist",
            [param("format", STRING)],
            ListType(STRING),
            _formatlist,
            var_param=param("args", DYNAMIC, allow_null=True, allow_unknown=True),
        ),
    ]
    return {f.name: f for f in fns}
