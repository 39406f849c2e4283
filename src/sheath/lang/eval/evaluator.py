"""Expression evaluation with hcl's semantics, on the native AST.

``evaluate(expr, ctx)`` returns ``(value, diagnostics)``; it never raises for
user errors. Dispatch is a dict from node class to method (no isinstance
chains on the hot path).

Diagnostics carry hcl's summaries, details and ranges; each also records the
expression and context it came from (``extra["expr"]``, ``extra["ctx"]``) so
that ``expression_values`` can compute terraform's "├── var.x is ..." lines.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from sheath.diag import Diagnostic, Diagnostics, Range, Severity
from sheath.lang.eval import valops as vo
from sheath.lang.eval.context import EvalContext
from sheath.lang.eval.traversal import get_attr, index_value, traverse_steps
from sheath.lang.funcs.function import Function, FunctionError
from sheath.lang.hcl import TraverseRoot
from sheath.lang.hclsyntax import ast as A
from sheath.types.cty import (
    BOOL,
    DYNAMIC,
    EMPTY_OBJECT_VAL,
    EMPTY_TUPLE_VAL,
    FALSE,
    NUMBER,
    STRING,
    TRUE,
    UNKNOWN,
    ListType,
    ObjectType,
    TupleType,
    Type,
    Value,
    unknown,
)
from sheath.types.number import NumberNaNError

_NO_MARKS: frozenset[Any] = frozenset()

# Success paths return this shared empty list; it is never mutated (see _join/_add).
# A non-empty Diagnostics returned by a child evaluation belongs to the caller.
_EMPTY = Diagnostics()


def _join(a: Diagnostics, b: Diagnostics) -> Diagnostics:
    if not b:
        return a
    if not a:
        return b
    a.extend(b)
    return a


def _add(a: Diagnostics, d: Diagnostic) -> Diagnostics:
    if not a:
        return Diagnostics([d])
    a.append(d)
    return a


DYNAMIC_VAL = Value(DYNAMIC, UNKNOWN)

Op = A.Operation

# Operand and result types of each binary operator (hcl's Operation.Impl / Type).

# op -> (kind: 0 equality, 1 arithmetic, 2 logical, 3 comparison; operand type; result type)
_OP_INFO: dict[A.Operation, tuple[int, Type, Type]] = {
    Op.EQUAL: (0, DYNAMIC, BOOL),
    Op.NOT_EQUAL: (0, DYNAMIC, BOOL),
    Op.ADD: (1, NUMBER, NUMBER),
    Op.SUBTRACT: (1, NUMBER, NUMBER),
    Op.MULTIPLY: (1, NUMBER, NUMBER),
    Op.DIVIDE: (1, NUMBER, NUMBER),
    Op.MODULO: (1, NUMBER, NUMBER),
    Op.LOGICAL_AND: (2, BOOL, BOOL),
    Op.LOGICAL_OR: (2, BOOL, BOOL),
    Op.GREATER_THAN: (3, NUMBER, BOOL),
    Op.GREATER_THAN_OR_EQUAL: (3, NUMBER, BOOL),
    Op.LESS_THAN: (3, NUMBER, BOOL),
    Op.LESS_THAN_OR_EQUAL: (3, NUMBER, BOOL),
}

# Functions that take their arguments as unevaluated expressions.
_CLOSURE_FUNCS = frozenset(["can", "try", "core::can", "core::try"])


def _diag(
    summary: str,
    detail: str,
    subject: Range | None,
    context: Range | None = None,
    expr: Any = None,
    ctx: EvalContext | None = None,
) -> Diagnostic:
    d = Diagnostic(Severity.ERROR, summary, detail, subject, context)
    if expr is not None:
        d.extra["expr"] = expr
        d.extra["ctx"] = ctx
    return d


def levenshtein(a: str, b: str) -> int:
    if a == b:
        return 0
    if not a:
        return len(b)
    if not b:
        return len(a)
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def name_suggestion(given: str, candidates: Iterable[str]) -> str:
    """A candidate within edit distance 2 of given (the closest; ties alphabetically)."""
    best = ""
    best_d = 3
    for c in sorted(candidates):
        d = levenshtein(given, c)
        if d < best_d:
            best, best_d = c, d
    return best


def _merge_marks(*vals: Value) -> frozenset[Any]:
    m: frozenset[Any] = _NO_MARKS
    for v in vals:
        if v.marks:
            m = m | v.marks
    return m


def _iter_elements(coll: Value) -> list[tuple[Value, Value]]:
    """(key, value) pairs of a known, unmarked iterable value (cty's ElementIterator)."""
    t = coll.type
    if t.is_list() or t.is_tuple():
        from sheath.types.number import number_val

        return [(number_val(i), e) for i, e in enumerate(coll.v)]
    if t.is_set():
        return [(e, e) for e in coll.v]
    # map / object: keys in lexical order
    from sheath.types.cty import string_val

    d: dict[str, Value] = coll.v
    return [(string_val(k), d[k]) for k in sorted(d)]


def _can_iterate(t: Type) -> bool:
    return t.is_list() or t.is_tuple() or t.is_set() or t.is_map() or t.is_object()


class Evaluator:
    """Evaluates native-syntax expression trees. Stateless; one instance is shared."""

    __slots__ = ("_dispatch",)

    def __init__(self) -> None:
        self._dispatch: dict[type, Callable[[Any, EvalContext], tuple[Value, Diagnostics]]] = {
            A.LiteralValueExpr: self._literal,
            A.ScopeTraversalExpr: self._scope_traversal,
            A.RelativeTraversalExpr: self._relative_traversal,
            A.FunctionCallExpr: self._function_call,
            A.ConditionalExpr: self._conditional,
            A.IndexExpr: self._index,
            A.TupleConsExpr: self._tuple_cons,
            A.ObjectConsExpr: self._object_cons,
            A.ObjectConsKeyExpr: self._object_cons_key,
            A.TemplateExpr: self._template,
            A.TemplateWrapExpr: self._template_wrap,
            A.TemplateJoinExpr: self._template_join,
            A.ForExpr: self._for,
            A.SplatExpr: self._splat,
            A.AnonSymbolExpr: self._anon_symbol,
            A.ParenthesesExpr: self._parentheses,
            A.BinaryOpExpr: self._binary_op,
            A.UnaryOpExpr: self._unary_op,
        }

    def eval(self, expr: Any, ctx: EvalContext) -> tuple[Value, Diagnostics]:
        fn = self._dispatch.get(type(expr))
        if fn is None:
            # Foreign expression types (e.g. a syntax that evaluates itself).
            value_fn = getattr(expr, "value", None)
            if callable(value_fn):
                v, d = value_fn(ctx)
                return v, Diagnostics(d)
            raise TypeError(f"cannot evaluate {type(expr).__name__}")
        return fn(expr, ctx)

    # --- leaves ---------------------------------------------------------------

    def _literal(self, e: A.LiteralValueExpr, ctx: EvalContext) -> tuple[Value, Diagnostics]:
        return e.value, _EMPTY

    def _scope_traversal(self, e: A.ScopeTraversalExpr, ctx: EvalContext) -> tuple[Value, Diagnostics]:
        steps = e.traversal.steps
        root = steps[0]
        assert isinstance(root, TraverseRoot)
        val = ctx.lookup(root.name)
        if val is None:
            diags = _EMPTY
            if not ctx.has_variables():
                diags = _add(diags, _diag("Variables not allowed", "Variables may not be used here.", root.range))
                return DYNAMIC_VAL, diags
            sugg = name_suggestion(root.name, ctx.all_variable_names())
            extra = f' Did you mean "{sugg}"?' if sugg else ""
            diags = _add(diags, 
                _diag("Unknown variable", f'There is no variable named "{root.name}".{extra}', root.range, None, e, ctx)
            )
            return DYNAMIC_VAL, diags
        if len(steps) == 1:
            return val, _EMPTY
        val, diags = traverse_steps(val, steps, 1)
        if diags:
            _set_expr(diags, e, ctx)
        return val, diags

    def _relative_traversal(self, e: A.RelativeTraversalExpr, ctx: EvalContext) -> tuple[Value, Diagnostics]:
        src, diags = self.eval(e.source, ctx)
        val, d2 = traverse_steps(src, e.traversal.steps, 0)
        if d2:
            _set_expr(d2, e, ctx)
            diags = _join(diags, d2)
        return val, diags

    def _parentheses(self, e: A.ParenthesesExpr, ctx: EvalContext) -> tuple[Value, Diagnostics]:
        return self.eval(e.expression, ctx)

    def _anon_symbol(self, e: A.AnonSymbolExpr, ctx: EvalContext) -> tuple[Value, Diagnostics]:
        anon = ctx.anon
        if anon is not None:
            v = anon.get(id(e))
            if v is not None:
                return v, _EMPTY
        return DYNAMIC_VAL, _EMPTY

    # --- collections ----------------------------------------------------------

    def _tuple_cons(self, e: A.TupleConsExpr, ctx: EvalContext) -> tuple[Value, Diagnostics]:
        diags = _EMPTY
        vals: list[Value] = []
        ev = self.eval
        for x in e.exprs:
            v, d = ev(x, ctx)
            if d:
                diags = _join(diags, d)
            vals.append(v)
        if not vals:
            return EMPTY_TUPLE_VAL, diags
        return Value(TupleType([v.type for v in vals]), tuple(vals)), diags

    def _object_cons_key(self, e: A.ObjectConsKeyExpr, ctx: EvalContext) -> tuple[Value, Diagnostics]:
        if not e.force_non_literal:
            w = e.wrapped
            if type(w) is A.ScopeTraversalExpr:
                if len(w.traversal.steps) > 1:
                    diags = _EMPTY
                    diags = _add(diags, 
                        _diag(
                            "Ambiguous attribute key",
                            "If this expression is intended to be a reference, wrap it in parentheses. "
                            "If it's instead intended as a literal name containing periods, wrap it in "
                            "quotes to create a string literal.",
                            e.range,
                        )
                    )
                    return DYNAMIC_VAL, diags
                return Value(STRING, w.traversal.root_name), _EMPTY
            if type(w) is A.LiteralValueExpr and w.value.v is None:
                # The bare keyword null as a key is the literal name "null".
                return Value(STRING, "null"), _EMPTY
        return self.eval(e.wrapped, ctx)

    def _object_cons(self, e: A.ObjectConsExpr, ctx: EvalContext) -> tuple[Value, Diagnostics]:
        diags = _EMPTY
        vals: dict[str, Value] = {}
        marks: frozenset[Any] = _NO_MARKS
        known = True
        ev = self.eval
        for item in e.items:
            kx = item.key_expr
            if type(kx) is A.ObjectConsKeyExpr and not kx.force_non_literal:
                w = kx.wrapped
                if type(w) is A.ScopeTraversalExpr and len(w.traversal.steps) == 1:
                    v, vd = ev(item.value_expr, ctx)
                    if vd:
                        diags = _join(diags, vd)
                    vals[w.traversal.root_name] = v
                    continue
            key, kd = ev(kx, ctx)
            if kd:
                diags = _join(diags, kd)
            v, vd = ev(item.value_expr, ctx)
            if vd:
                diags = _join(diags, vd)
            if kd.has_errors():
                known = False
                continue
            if key.v is None:
                diags = _add(diags, 
                    _diag("Null value as key", "Can't use a null value as a key.", item.value_expr.range, None, kx, ctx)
                )
                known = False
                continue
            if key.marks:
                marks = marks | key.marks
                key = Value(key.type, key.v)
            try:
                key = vo.convert(key, STRING)
            except vo.ConversionError as err:
                diags = _add(diags, 
                    _diag("Incorrect key type", f"Can't use this value as a key: {err.message}.", kx.range, None, kx, ctx)
                )
                known = False
                continue
            if key.v is UNKNOWN:
                known = False
                continue
            vals[key.v] = v
        if not known:
            return DYNAMIC_VAL, diags
        if not vals:
            return EMPTY_OBJECT_VAL.with_marks(marks), diags
        d = dict(sorted(vals.items()))
        return Value(ObjectType({k: v.type for k, v in d.items()}), d, marks), diags

    # --- index / function -----------------------------------------------------

    def _index(self, e: A.IndexExpr, ctx: EvalContext) -> tuple[Value, Diagnostics]:
        coll, diags = self.eval(e.collection, ctx)
        key, kd = self.eval(e.key, ctx)
        if kd:
            diags = _join(diags, kd)
        val, idiags = index_value(coll, key, e.bracket_range)
        if idiags:
            _set_expr(idiags, e, ctx)
            diags = _join(diags, idiags)
        return val, diags

    def _function_call(self, e: A.FunctionCallExpr, ctx: EvalContext) -> tuple[Value, Diagnostics]:
        name = e.name
        f, has_table = ctx.function(name)
        if name in _CLOSURE_FUNCS and (f is not None or has_table):
            from sheath.lang.eval.closures import call_closure_function

            return call_closure_function(self, e, ctx)
        if f is None:
            return DYNAMIC_VAL, self._unknown_function(e, ctx, has_table)
        return self._call(e, f, ctx)

    def _unknown_function(self, e: A.FunctionCallExpr, ctx: EvalContext, has_table: bool) -> Diagnostics:
        diags = _EMPTY
        name = e.name
        if not has_table:
            diags = _add(diags, _diag("Function calls not allowed", "Functions may not be called here.", e.range))
            return diags
        # hcl's diagnostic (hclsyntax FunctionCallExpr.Value) names only the functions of the
        # scope the call is evaluated in; terraform then rewrites it for a module's
        # expressions (checkForUnknownFunctionDiags, internal/lang/eval.go), looking at the
        # same scope's table, but not for a template's
        own = ctx.diagnostic_function_names()
        hints = ctx.provider_function_hints
        if "::" in name:
            cut = name.rindex("::") + 2
            namespace, fname = name[:cut], name[cut:]
            parts = namespace.split("::")
            avail = [n for n in own if n.startswith(namespace)]
            if not hints:
                if not avail:
                    detail = f'There are no functions in namespace "{namespace}".'
                else:
                    # hcl compares the bare name with the full names
                    sugg = name_suggestion(fname, avail)
                    detail = f'There is no function named "{fname}" in namespace {namespace}.' + (
                        f" Did you mean {namespace}{sugg}?" if sugg else ""
                    )
                d = _diag("Call to unknown function", detail, e.name_range, e.range, e, ctx)
                return _add(diags, d)
            if parts[0] != "provider":
                detail = (
                    f'The function namespace "{parts[0]}" is not valid. Provider function calls must use the '
                    '"provider::" namespace prefix.'
                )
            elif parts[1] == "":
                detail = 'The function call must include the provider name after the "provider::" prefix.'
            elif avail:
                detail = f'The function "{fname}" is not available from the provider "{parts[1]}".'
            else:
                detail = (
                    f'There is no function named "{namespace}{fname}". Ensure that provider name "{parts[1]}" is '
                    f"declared in this module's required_providers block, and that this provider offers a function "
                    f'named "{fname}".'
                )
            d = _diag("Unknown provider function", detail, e.name_range, e.range, e, ctx)
            diags = _add(diags, d)
            return diags
        sugg = name_suggestion(name, [n for n in own if "::" not in n])
        extra = f' Did you mean "{sugg}"?' if sugg else ""
        # terraform then points at a provider function of that name
        provided = sorted(n for n in own if n.startswith("provider::") and n.endswith("::" + name)) if hints else []
        if provided:
            extra += f' Did you mean "{provided[0]}"?'
        d = _diag("Call to unknown function", f'There is no function named "{name}".{extra}', e.name_range, e.range, e, ctx)
        d.extra["function_call"] = None
        diags = _add(diags, d)
        return diags

    def _call(self, e: A.FunctionCallExpr, f: Function, ctx: EvalContext) -> tuple[Value, Diagnostics]:
        diags = _EMPTY
        params = f.params
        var_param = f.var_param
        args: list[Any] = list(e.args)
        call_info = _call_info(e.name, f)

        def mk(summary: str, detail: str, subject: Range, expr: Any) -> Diagnostic:
            d = _diag(summary, detail, subject, e.range, expr, ctx)
            d.extra["function_call"] = call_info
            return d

        if e.expand_final:
            ex = args[-1]
            xv, xd = self.eval(ex, ctx)
            diags = _join(diags, xd)
            if xd.has_errors():
                return DYNAMIC_VAL, diags
            xt = xv.type
            if xt.is_dynamic() or xt.is_tuple() or xt.is_list() or xt.is_set():
                if xv.v is None:
                    diags = _add(diags, 
                        mk(
                            "Invalid expanding argument value",
                            "The expanding argument (indicated by ...) must not be null.",
                            ex.range,
                            ex,
                        )
                    )
                    return DYNAMIC_VAL, diags
                if xt.is_dynamic() or xv.v is UNKNOWN:
                    return DYNAMIC_VAL, diags
                xmarks = xv.marks
                new_args = args[:-1]
                for el in xv.v:
                    new_args.append(A.LiteralValueExpr(el.with_marks(xmarks), ex.range))
                args = new_args
            else:
                diags = _add(diags, 
                    mk(
                        "Invalid expanding argument value",
                        "The expanding argument (indicated by ...) must be of a tuple, list, or set type.",
                        ex.range,
                        ex,
                    )
                )
                return DYNAMIC_VAL, diags

        nargs = len(args)
        if nargs < len(params):
            qual = " at least" if var_param is not None else ""
            diags = _add(diags, 
                mk(
                    "Not enough function arguments",
                    f'Function "{e.name}" expects{qual} {len(params)} argument(s). '
                    f'Missing value for "{params[nargs].name}".',
                    e.close_paren_range,
                    e,
                )
            )
            return DYNAMIC_VAL, diags
        if var_param is None and nargs > len(params):
            diags = _add(diags, 
                mk(
                    "Too many function arguments",
                    f'Function "{e.name}" expects only {len(params)} argument(s).',
                    args[len(params)].start_range,
                    e,
                )
            )
            return DYNAMIC_VAL, diags
        arg_check = f.extra.get("arg_expr_check")
        if callable(arg_check):
            # functions that inspect an unevaluated argument (templatestring)
            cerr = arg_check(args)
            if cerr is not None:
                ci = cerr.arg_index or 0
                cp = params[ci] if ci < len(params) else var_param
                assert cp is not None
                diags = _add(
                    diags,
                    mk("Invalid function argument", f'Invalid value for "{cp.name}" parameter: {cerr.message}.', args[ci].start_range, args[ci]),
                )
                return DYNAMIC_VAL, diags

        arg_vals: list[Value] = []
        ev = self.eval
        for i, ax in enumerate(args):
            p = params[i] if i < len(params) else var_param
            assert p is not None
            v, ad = ev(ax, ctx)
            if ad:
                diags = _join(diags, ad)
            try:
                v = vo.convert(v, p.type)
            except vo.ConversionError as err:
                diags = _add(diags, 
                    mk("Invalid function argument", f'Invalid value for "{p.name}" parameter: {err.message}.', ax.start_range, ax)
                )
            arg_vals.append(v)
        if diags.has_errors():
            return DYNAMIC_VAL, diags

        from sheath.lang.funcs.call import FunctionArityError, call_function

        try:
            result = call_function(f, arg_vals, convert=False)
        except FunctionArityError as err:
            diags = _add(diags, mk(err.summary, err.detail, e.range, e))
            return DYNAMIC_VAL, diags
        except FunctionError as err:
            ai = err.arg_index
            if ai is not None:
                i = ai
                p = params[i] if i < len(params) else var_param
                if p is not None and i < nargs:
                    ax = args[i]
                    diags = _add(diags, 
                        mk("Invalid function argument", f'Invalid value for "{p.name}" parameter: {err.message}.', ax.start_range, ax)
                    )
                elif p is not None:
                    diags = _add(diags, 
                        mk("Invalid function argument", f'Invalid value for "{p.name}" parameter: {err.message}.', e.range, e)
                    )
                else:
                    diags = _add(diags, mk("Error in function call", f'Call to function "{e.name}" failed: {err.message}.', e.start_range, e))
            else:
                diags = _add(diags, mk("Error in function call", f'Call to function "{e.name}" failed: {err.message}.', e.start_range, e))
            return DYNAMIC_VAL, diags
        except Exception as err:  # a bug in a function must not escape as a traceback
            diags = _add(diags, 
                mk(
                    "Error in function call",
                    f'Call to function "{e.name}" failed: panic in function implementation: {err}.',
                    e.start_range,
                    e,
                )
            )
            return DYNAMIC_VAL, diags
        return result, diags

    # --- conditional ----------------------------------------------------------

    def _conditional(self, e: A.ConditionalExpr, ctx: EvalContext) -> tuple[Value, Diagnostics]:
        tv, tdiags = self.eval(e.true_result, ctx)
        fv, fdiags = self.eval(e.false_result, ctx)
        diags = _EMPTY
        conv_true = conv_false = False
        tt, ft = tv.type, fv.type
        result_type: Type | None
        if tv.v is None and tt.is_dynamic():
            result_type = ft
            conv_true = True
        elif fv.v is None and ft.is_dynamic():
            result_type = tt
            conv_false = True
        elif tt.is_dynamic() or ft.is_dynamic():
            result_type = DYNAMIC
        elif tt == ft:
            result_type = tt
        else:
            result_type = vo.unify([tt, ft])
            conv_true = conv_false = True
        if result_type is None:
            diags = _add(diags, 
                _diag(
                    "Inconsistent conditional result types",
                    "The true and false result expressions must have consistent types. "
                    f"{describe_conditional_type_mismatch(tt, ft)}.",
                    Range.between(e.true_result.range, e.false_result.range),
                    e.range,
                    e,
                    ctx,
                )
            )
            return DYNAMIC_VAL, diags

        cond, cdiags = self.eval(e.condition, ctx)
        diags = _join(diags, cdiags)
        if cond.v is None:
            diags = _add(diags, 
                _diag(
                    "Null condition",
                    "The condition value is null. Conditions must either be true or false.",
                    e.condition.range,
                    e.range,
                    e.condition,
                    ctx,
                )
            )
            return unknown(result_type), diags
        if cond.v is UNKNOWN:
            marks = _merge_marks(cond, tv, fv)
            return Value(result_type, UNKNOWN, marks), diags
        try:
            cond_b = vo.convert(cond, BOOL)
        except vo.ConversionError:
            diags = _add(diags, 
                _diag(
                    "Incorrect condition type",
                    "The condition expression must be of type bool.",
                    e.condition.range,
                    e.range,
                    e.condition,
                    ctx,
                )
            )
            return unknown(result_type), diags
        cond_marks = cond_b.marks
        if cond_b.v is UNKNOWN:
            return Value(result_type, UNKNOWN, _merge_marks(cond_b, tv, fv)), diags
        which, branch, bv, bdiags, conv = (
            ("true", e.true_result, tv, tdiags, conv_true)
            if cond_b.v
            else ("false", e.false_result, fv, fdiags, conv_false)
        )
        diags = _join(diags, bdiags)
        res = bv
        if conv:
            try:
                res = vo.convert_unsafe(bv, result_type)
            except vo.ConversionError as err:
                diags = _add(
                    diags,
                    _diag(
                        "Inconsistent conditional result types",
                        f"The {which} result value has the wrong type: {err.message}.",
                        branch.range,
                        e.range,
                        branch,
                        ctx,
                    ),
                )
                res = unknown(result_type)
        if cond_marks:
            res = res.with_marks(cond_marks)
        return res, diags

    # --- templates ------------------------------------------------------------

    def _template(self, e: A.TemplateExpr, ctx: EvalContext) -> tuple[Value, Diagnostics]:
        diags = _EMPTY
        buf: list[str] = []
        known = True
        marks: frozenset[Any] = _NO_MARKS
        ev = self.eval
        for part in e.parts:
            if type(part) is A.LiteralValueExpr and part.value.type is STRING and part.value.v is not None:
                buf.append(part.value.v)
                continue
            pv, pd = ev(part, ctx)
            if pd:
                diags = _join(diags, pd)
            if pv.v is None:
                diags = _add(diags, 
                    _diag(
                        "Invalid template interpolation value",
                        "The expression result is null. Cannot include a null value in a string template.",
                        part.range,
                        e.range,
                        part,
                        ctx,
                    )
                )
                continue
            if pv.v is UNKNOWN:
                known = False
                if pv.marks:
                    marks = marks | pv.marks
                continue
            try:
                sv = vo.convert(pv, STRING)
            except vo.ConversionError as err:
                diags = _add(diags, 
                    _diag(
                        "Invalid template interpolation value",
                        f"Cannot include the given value in a string template: {err.message}.",
                        part.range,
                        e.range,
                        part,
                        ctx,
                    )
                )
                continue
            if sv.marks:
                marks = marks | sv.marks
            if sv.v is UNKNOWN:
                known = False
                continue
            buf.append(sv.v)
        if not known:
            return Value(STRING, UNKNOWN, marks), diags
        return Value(STRING, "".join(buf), marks), diags

    def _template_wrap(self, e: A.TemplateWrapExpr, ctx: EvalContext) -> tuple[Value, Diagnostics]:
        return self.eval(e.wrapped, ctx)

    def _template_join(self, e: A.TemplateJoinExpr, ctx: EvalContext) -> tuple[Value, Diagnostics]:
        tup, diags = self.eval(e.tuple, ctx)
        if tup.type.is_dynamic() or tup.v is UNKNOWN or tup.v is None:
            return Value(STRING, UNKNOWN, tup.marks), diags
        marks = tup.marks
        buf: list[str] = []
        for val in tup.v:
            if val.v is None:
                diags = _add(diags, 
                    _diag(
                        "Invalid template interpolation value",
                        "An iteration result is null. Cannot include a null value in a string template.",
                        e.range,
                        None,
                        e,
                        ctx,
                    )
                )
                continue
            if val.type.is_dynamic():
                return Value(STRING, UNKNOWN, tup.marks), diags
            try:
                sv = vo.convert(val, STRING)
            except vo.ConversionError as err:
                diags = _add(diags, 
                    _diag(
                        "Invalid template interpolation value",
                        "Cannot include one of the interpolation results into the string template: "
                        f"{err.message}.",
                        e.range,
                        None,
                        e,
                        ctx,
                    )
                )
                continue
            if val.v is UNKNOWN or sv.v is UNKNOWN:
                return Value(STRING, UNKNOWN, tup.marks), diags
            if sv.marks:
                marks = marks | sv.marks
            buf.append(sv.v)
        return Value(STRING, "".join(buf), marks), diags

    # --- for ------------------------------------------------------------------

    def _for(self, e: A.ForExpr, ctx: EvalContext) -> tuple[Value, Diagnostics]:
        coll, diags = self.eval(e.coll_expr, ctx)
        marks: frozenset[Any] = _NO_MARKS
        if coll.v is None:
            diags = _add(diags, 
                _diag(
                    "Iteration over null value",
                    "A null value cannot be used as the collection in a 'for' expression.",
                    e.coll_expr.range,
                    e.range,
                    e.coll_expr,
                    ctx,
                )
            )
            return DYNAMIC_VAL, diags
        if coll.type.is_dynamic():
            return DYNAMIC_VAL, diags
        if coll.marks:
            marks = coll.marks
            coll = Value(coll.type, coll.v)
        if not _can_iterate(coll.type):
            diags = _add(diags, 
                _diag(
                    "Iteration over non-iterable value",
                    f"A value of type {coll.type.friendly_name()} cannot be used as the collection in a 'for' expression.",
                    e.coll_expr.range,
                    e.range,
                    e.coll_expr,
                    ctx,
                )
            )
            return DYNAMIC_VAL, diags

        key_var = e.key_var
        val_var = e.val_var
        cond_expr = e.cond_expr
        cond_marks: frozenset[Any] = _NO_MARKS
        if cond_expr is not None:
            probe_vars: dict[str, Value] = {val_var: DYNAMIC_VAL}
            if key_var:
                probe_vars[key_var] = DYNAMIC_VAL
            res, cd = self.eval(cond_expr, ctx.new_iteration(probe_vars))
            diags = _join(diags, cd)
            if res.v is None:
                diags = _add(diags, 
                    _diag(
                        "Condition is null",
                        "The value of the 'if' clause must not be null.",
                        cond_expr.range,
                        e.range,
                        cond_expr,
                        ctx,
                    )
                )
                return DYNAMIC_VAL, diags
            cond_marks = res.marks
            try:
                vo.convert(res, BOOL)
            except vo.ConversionError as err:
                diags = _add(diags, 
                    _diag(
                        "Invalid 'for' condition",
                        f"The 'if' clause value is invalid: {err.message}.",
                        cond_expr.range,
                        e.range,
                        cond_expr,
                        ctx,
                    )
                )
                return DYNAMIC_VAL, diags
            if cd.has_errors():
                return DYNAMIC_VAL, diags

        if coll.v is UNKNOWN:
            return Value(DYNAMIC, UNKNOWN, marks | cond_marks), diags

        ev = self.eval
        known = True
        key_expr = e.key_expr
        group = e.group
        obj_vals: dict[str, Value] = {}
        group_vals: dict[str, list[Value]] = {}
        tup_vals: list[Value] = []
        for k, v in _iter_elements(coll):
            child_vars: dict[str, Value] = {val_var: v}
            if key_var:
                child_vars[key_var] = k
            child = ctx.new_iteration(child_vars)
            if cond_expr is not None:
                inc_raw, cd = ev(cond_expr, child)
                if cd:
                    diags = _join(diags, cd)
                if inc_raw.v is None:
                    if known:
                        diags = _add(diags, 
                            _diag(
                                "Invalid 'for' condition",
                                "The value of the 'if' clause must not be null.",
                                cond_expr.range,
                                e.range,
                                cond_expr,
                                child,
                            )
                        )
                    known = False
                    continue
                try:
                    inc = vo.convert(inc_raw, BOOL)
                except vo.ConversionError as err:
                    if known:
                        diags = _add(diags, 
                            _diag(
                                "Invalid 'for' condition",
                                f"The 'if' clause value is invalid: {err.message}.",
                                cond_expr.range,
                                e.range,
                                cond_expr,
                                child,
                            )
                        )
                    known = False
                    continue
                if inc.v is UNKNOWN:
                    known = False
                    continue
                if inc.marks:
                    marks = marks | inc.marks
                if not inc.v:
                    continue
            if key_expr is not None:
                key_raw, kd = ev(key_expr, child)
                if kd:
                    diags = _join(diags, kd)
                if key_raw.v is None:
                    if known:
                        diags = _add(diags, 
                            _diag(
                                "Invalid object key",
                                "Key expression in 'for' expression must not produce a null value.",
                                key_expr.range,
                                e.range,
                                key_expr,
                                child,
                            )
                        )
                    known = False
                    continue
                if key_raw.v is UNKNOWN:
                    known = False
                    continue
                try:
                    key = vo.convert(key_raw, STRING)
                except vo.ConversionError as err:
                    if known:
                        diags = _add(diags, 
                            _diag(
                                "Invalid object key",
                                f"The key expression produced an invalid result: {err.message}.",
                                key_expr.range,
                                e.range,
                                key_expr,
                                child,
                            )
                        )
                    known = False
                    continue
                if key.marks:
                    marks = marks | key.marks
                val, vd = ev(e.val_expr, child)
                if vd:
                    diags = _join(diags, vd)
                ks: str = key.v
                if group:
                    group_vals.setdefault(ks, []).append(val)
                elif ks in obj_vals:
                    diags = _add(diags, 
                        _diag(
                            "Duplicate object key",
                            f'Two different items produced the key "{ks}" in this \'for\' expression. '
                            "If duplicates are expected, use the ellipsis (...) after the value expression "
                            "to enable grouping by key.",
                            key_expr.range,
                            e.range,
                            key_expr,
                            child,
                        )
                    )
                else:
                    obj_vals[ks] = val
            else:
                val, vd = ev(e.val_expr, child)
                if vd:
                    diags = _join(diags, vd)
                tup_vals.append(val)

        if not known:
            return Value(DYNAMIC, UNKNOWN, marks), diags
        if key_expr is not None:
            if group:
                obj_vals = {k: Value(TupleType([x.type for x in g]), tuple(g)) for k, g in group_vals.items()}
            d = dict(sorted(obj_vals.items()))
            return Value(ObjectType({k: x.type for k, x in d.items()}), d, marks), diags
        return Value(TupleType([x.type for x in tup_vals]), tuple(tup_vals), marks), diags

    # --- splat ----------------------------------------------------------------

    def _splat(self, e: A.SplatExpr, ctx: EvalContext) -> tuple[Value, Diagnostics]:
        src, diags = self.eval(e.source, ctx)
        item = e.item
        if diags.has_errors():
            _, idiags = self.eval(item, ctx)
            diags = _join(diags, idiags)
            return DYNAMIC_VAL, diags
        st = src.type
        auto_upgrade = not (st.is_tuple() or st.is_list() or st.is_set())
        if src.v is None:
            if auto_upgrade:
                return EMPTY_TUPLE_VAL.with_marks(src.marks), diags
            diags = _add(diags, 
                _diag(
                    "Splat of null value",
                    "Splat expressions (with the * symbol) cannot be applied to null sequences.",
                    e.source.range,
                    Range.between(e.source.range, e.marker_range),
                    e.source,
                    ctx,
                )
            )
            return DYNAMIC_VAL, diags
        if auto_upgrade:
            if src.v is UNKNOWN:
                # An unknown value might turn out null (an empty tuple) or not.
                return Value(DYNAMIC, UNKNOWN, src.marks), diags
            # The source's marks go on the result, not inside the wrapping tuple.
            src = Value(TupleType([src.type]), (Value(src.type, src.v),), src.marks)
            st = src.type

        def result_type() -> tuple[Type, Diagnostics]:
            rd = Diagnostics()
            child = ctx.new_child()
            child.anon = {}
            if st.is_list() or st.is_set():
                child.anon[id(item)] = unknown(st.element)  # type: ignore[attr-defined]
                v, d = self.eval(e.each, child)
                rd.extend(d)
                return ListType(v.type), rd
            if st.is_tuple():
                tys: list[Type] = []
                for et in st.elements:  # type: ignore[attr-defined]
                    child.anon[id(item)] = unknown(et)
                    v, d = self.eval(e.each, child)
                    rd.extend(d)
                    tys.append(v.type)
                return TupleType(tys), rd
            return DYNAMIC, rd

        if src.v is UNKNOWN:
            ty, td = result_type()
            diags = _join(diags, td)
            return Value(ty, UNKNOWN, src.marks), diags

        marks = src.marks
        child = ctx.new_child()
        child.anon = {}
        vals: list[Value] = []
        known = True
        for el in src.v:
            child.anon[id(item)] = el
            nv, nd = self.eval(e.each, child)
            if nd:
                diags = _join(diags, nd)
                if nd.has_errors():
                    known = False
            vals.append(nv)
        if not known:
            ty, _ = result_type()
            return unknown(ty), diags
        if st.is_list() or st.is_set():
            if not vals:
                ty, td = result_type()
                diags = _join(diags, td)
                return Value(ty, (), marks), diags
            return Value(ListType(vals[0].type), tuple(vals), marks), diags
        return Value(TupleType([v.type for v in vals]), tuple(vals), marks), diags

    # --- operators ------------------------------------------------------------

    def _binary_op(self, e: A.BinaryOpExpr, ctx: EvalContext) -> tuple[Value, Diagnostics]:
        op = e.op
        lhs, diags = self.eval(e.lhs, ctx)
        rhs, rd = self.eval(e.rhs, ctx)
        if rd:
            diags = _join(diags, rd)
        kind, ptype, rtype = _OP_INFO[op]
        if kind == 0:  # equality
            if diags and diags.has_errors():
                return unknown(BOOL), diags
            r = vo.equals(lhs, rhs)
            if op is Op.NOT_EQUAL:
                r = _not(r)
            return r, diags
        if lhs.type is not ptype:
            try:
                lhs = vo.convert(lhs, ptype)
            except vo.ConversionError as err:
                diags = _add(
                    diags,
                    _diag("Invalid operand", f"Unsuitable value for left operand: {err.message}.", e.lhs.range, e.range, e.lhs, ctx),
                )
        if rhs.type is not ptype:
            try:
                rhs = vo.convert(rhs, ptype)
            except vo.ConversionError as err:
                diags = _add(
                    diags,
                    _diag("Invalid operand", f"Unsuitable value for right operand: {err.message}.", e.rhs.range, e.range, e.rhs, ctx),
                )
        if diags and diags.has_errors():
            return unknown(rtype), diags
        a = lhs.v
        b = rhs.v
        if a is None or b is None:
            diags = _add(diags, _diag("Operation failed", "Error during operation: argument must not be null.", e.range, None, e, ctx))
            return unknown(rtype), diags
        marks = lhs.marks | rhs.marks if (lhs.marks or rhs.marks) else _NO_MARKS
        if a is UNKNOWN or b is UNKNOWN:
            return Value(rtype, UNKNOWN, marks), diags
        try:
            if kind == 1:  # arithmetic
                if op is Op.ADD:
                    n = a.add(b)
                elif op is Op.SUBTRACT:
                    n = a.sub(b)
                elif op is Op.MULTIPLY:
                    n = a.mul(b)
                elif op is Op.DIVIDE:
                    n = a.quo(b)
                else:
                    n = a.mod(b)
                return Value(NUMBER, n, marks), diags
            if kind == 2:  # logical
                return Value(BOOL, (a and b) if op is Op.LOGICAL_AND else (a or b), marks), diags
            c = a.cmp(b)
            if op is Op.GREATER_THAN:
                ok = c > 0
            elif op is Op.GREATER_THAN_OR_EQUAL:
                ok = c >= 0
            elif op is Op.LESS_THAN:
                ok = c < 0
            else:
                ok = c <= 0
            return Value(BOOL, ok, marks), diags
        except NumberNaNError as err:
            diags = _add(diags, _diag("Operation failed", f"Error during operation: {err}.", e.range, None, e, ctx))
            return unknown(rtype), diags

    def _unary_op(self, e: A.UnaryOpExpr, ctx: EvalContext) -> tuple[Value, Diagnostics]:
        op = e.op
        val, diags = self.eval(e.val, ctx)
        ptype = BOOL if op is Op.LOGICAL_NOT else NUMBER
        try:
            val = vo.convert(val, ptype)
        except vo.ConversionError as err:
            diags = _add(diags, 
                _diag("Invalid operand", f"Unsuitable value for unary operand: {err.message}.", e.val.range, e.range, e, ctx)
            )
        if diags.has_errors():
            return unknown(ptype), diags
        if val.v is None:
            diags = _add(diags, 
                _diag("Operation failed", "Error during operation: argument must not be null.", e.range, None, e, ctx)
            )
            return unknown(ptype), diags
        if val.v is UNKNOWN:
            return Value(ptype, UNKNOWN, val.marks), diags
        if op is Op.LOGICAL_NOT:
            return Value(BOOL, not val.v, val.marks), diags
        return Value(NUMBER, val.v.neg(), val.marks), diags


def _not(v: Value) -> Value:
    if v.v is UNKNOWN or v.v is None:
        return v
    return Value(BOOL, not v.v, v.marks)


def _call_info(name: str, f: Function) -> tuple[str, list[str], str | None]:
    return (name, [p.name for p in f.params], f.var_param.name if f.var_param is not None else None)


def _set_expr(diags: Diagnostics, expr: Any, ctx: EvalContext) -> None:
    for d in diags:
        if "expr" not in d.extra:
            d.extra["expr"] = expr
            d.extra["ctx"] = ctx


def describe_conditional_type_mismatch(t: Type, f: Type) -> str:
    """hcl's explanation of why the two results of a conditional do not unify."""
    if t.is_object() and f.is_object():
        ta: dict[str, Type] = t.attrs  # type: ignore[attr-defined]
        fa: dict[str, Type] = f.attrs  # type: ignore[attr-defined]
        for name in sorted(ta):
            if name not in fa:
                return f"The 'true' value includes object attribute \"{name}\", which is absent in the 'false' value"
            if ta[name] != fa[name]:
                return f'Type mismatch for object attribute "{name}": {describe_conditional_type_mismatch(ta[name], fa[name])}'
        for name in sorted(fa):
            if name not in ta:
                return f"The 'false' value includes object attribute \"{name}\", which is absent in the 'true' value"
    elif t.is_tuple() and f.is_tuple():
        te: tuple[Type, ...] = t.elements  # type: ignore[attr-defined]
        fe: tuple[Type, ...] = f.elements  # type: ignore[attr-defined]
        if len(te) != len(fe):
            return f"The 'true' tuple has length {len(te)}, but the 'false' tuple has length {len(fe)}"
        for i, (a, b) in enumerate(zip(te, fe)):
            if a != b:
                return f"Type mismatch for tuple element {i}: {describe_conditional_type_mismatch(a, b)}"
    elif t.is_collection() and f.is_collection():
        tet: Type = t.element  # type: ignore[attr-defined]
        fet: Type = f.element  # type: ignore[attr-defined]
        same_kind = (t.is_list() and f.is_list()) or (t.is_map() and f.is_map()) or (t.is_set() and f.is_set())
        if same_kind and ((tet.is_object() and fet.is_object()) or (tet.is_tuple() and fet.is_tuple())):
            noun = "list" if t.is_list() else "map" if t.is_map() else "set"
            return f"Mismatched {noun} element types: {describe_conditional_type_mismatch(tet, fet)}"
    tn, fn = t.friendly_name(), f.friendly_name()
    if tn == fn:
        return (
            "At least one deeply-nested attribute or element is not compatible across both the 'true' "
            "and the 'false' value"
        )
    return f"The 'true' value is {tn}, but the 'false' value is {fn}"


_EVALUATOR = Evaluator()


def evaluate(expr: Any, ctx: EvalContext) -> tuple[Value, Diagnostics]:
    """Evaluate an expression (native AST node) in ctx: (value, diagnostics)."""
    try:
        v, d = _EVALUATOR.eval(expr, ctx)
        return v, (d if d else Diagnostics())
    except RecursionError:
        diags = _EMPTY
        diags = _add(diags, 
            _diag("Expression too complex", "The expression is nested too deeply to evaluate.", getattr(expr, "range", None))
        )
        return DYNAMIC_VAL, diags


__all__ = ["Evaluator", "evaluate", "describe_conditional_type_mismatch", "name_suggestion", "DYNAMIC_VAL", "TRUE", "FALSE"]
