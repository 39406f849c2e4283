"""Numeric functions: abs ceil floor log max min parseint pow signum."""

from __future__ import annotations

import math
import struct
from typing import Sequence

from sheath.goquote import go_quote as _go_quote
from sheath.lang.funcs.function import Function, FunctionContext, FunctionError
from sheath.lang.funcs.support import func, param
from sheath.lang.funcs.values import friendly_name, int_val, num, to_go_int
from sheath.types.cty import DYNAMIC, NUMBER, STRING, Type, Value
from sheath.types.number import Number

_NAN_PANIC = "panic in function implementation: Float.SetFloat64(NaN)"


def _float_val(f: float) -> Value:
    """cty.NumberFloatVal: NaN is a panic in terraform."""
    if math.isnan(f):
        raise FunctionError(_NAN_PANIC)
    return Value(NUMBER, Number.from_float(f))


def _abs(args: Sequence[Value], _rt: Type) -> Value:
    return Value(NUMBER, num(args[0]).abs())


def _int_result(i: int, like: Number) -> Value:
    r = Number.from_int(i)
    if like.prec and like.prec != r.prec:
        r = r.with_prec(like.prec)
    return Value(NUMBER, r)


def _ceil(args: Sequence[Value], _rt: Type) -> Value:
    n = num(args[0])
    if n.is_inf():
        return args[0]
    i = n.to_int()
    if not n.is_integer() and not n.is_neg():
        i += 1
    return _int_result(i, n)


def _floor(args: Sequence[Value], _rt: Type) -> Value:
    n = num(args[0])
    if n.is_inf():
        return args[0]
    i = n.to_int()
    if not n.is_integer() and n.is_neg():
        i -= 1
    return _int_result(i, n)


_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_LG = (
    6.666666666666735130e-01,
    3.999999999940941908e-01,
    2.857142874366239149e-01,
    2.222219843214978396e-01,
    1.818357216161805012e-01,
    1.531383769920937332e-01,
    1.479819860511658591e-01,
)
_SQRT2_2 = math.sqrt(2) / 2


def go_log(x: float) -> float:
    """Go's math.Log (FreeBSD e_log.c algorithm, as Go runs it on amd64), to the ulp."""
    if math.isnan(x) or x < 0:
        return math.nan
    if x == 0:
        return -math.inf
    if math.isinf(x):
        return math.inf
    # the exponent and mantissa are taken from the bits, as Go's amd64 assembly
    # does (so subnormal inputs give the same, slightly odd, results)
    bits = struct.unpack("<Q", struct.pack("<d", x))[0]
    f1 = struct.unpack("<d", struct.pack("<Q", (bits & 0x000FFFFFFFFFFFFF) | 0x3FE0000000000000))[0]
    ki = ((bits >> 52) & 0x7FF) - 0x3FE
    if f1 < _SQRT2_2:
        f1 *= 2
        ki -= 1
    f = f1 - 1
    k = float(ki)
    s = f / (2 + f)
    s2 = s * s
    s4 = s2 * s2
    l1, l2, l3, l4, l5, l6, l7 = _LG
    t1 = s2 * (l1 + s4 * (l3 + s4 * (l5 + s4 * l7)))
    t2 = s4 * (l2 + s4 * (l4 + s4 * l6))
    r = t1 + t2
    hfsq = 0.5 * f * f
    return float(k * _LN2_HI - ((hfsq - (s * (hfsq + r) + k * _LN2_LO)) - f))


def _log(args: Sequence[Value], _rt: Type) -> Value:
    x = num(args[0]).to_float()
    b = num(args[1]).to_float()
    lx, lb = go_log(x), go_log(b)
    if math.isnan(lx) or math.isnan(lb):
        raise FunctionError(_NAN_PANIC)
    if lb == 0:
        if lx == 0:
            raise FunctionError(_NAN_PANIC)
        return _float_val(math.copysign(math.inf, lx))
    if math.isinf(lx) and math.isinf(lb):
        raise FunctionError(_NAN_PANIC)
    return _float_val(lx / lb)


def _is_odd_int(y: float) -> bool:
    if math.isinf(y) or y != math.floor(y):
        return False
    return abs(y) < 2**53 and int(y) % 2 == 1


def go_pow(x: float, y: float) -> float:
    """Go's math.Pow (its own algorithm: repeated squaring plus exp/log for the fraction)."""
    if y == 0 or x == 1:
        return 1.0
    if y == 1:
        return x
    if math.isnan(x) or math.isnan(y):
        return math.nan
    if x == 0:
        if y < 0:
            if _is_odd_int(y):
                return math.copysign(math.inf, x)
            return math.inf
        if _is_odd_int(y):
            return x
        return 0.0
    if math.isinf(y):
        if x == -1:
            return 1.0
        if (abs(x) < 1) == (y > 0):
            return 0.0
        return math.inf
    if math.isinf(x):
        if x < 0:
            return go_pow(1 / x, -y)
        return 0.0 if y < 0 else math.inf
    if y == 0.5:
        return math.sqrt(x)
    if y == -0.5:
        return 1 / math.sqrt(x)
    yf, yi = math.modf(abs(y))
    if yf != 0 and x < 0:
        return math.nan
    if yi >= 2.0**63:
        if x == -1:
            return 1.0
        if (abs(x) < 1) == (y > 0):
            return 0.0
        return math.inf
    a1 = 1.0
    ae = 0
    if yf != 0:
        if yf > 0.5:
            yf -= 1
            yi += 1
        a1 = math.exp(yf * go_log(x))
    x1, xe = math.frexp(x)
    i = int(yi)
    while i != 0:
        if xe < -(1 << 12) or (1 << 12) < xe:
            ae += xe
            break
        if i & 1 == 1:
            a1 *= x1
            ae += xe
        x1 *= x1
        xe <<= 1
        if x1 < 0.5:
            x1 += x1
            xe -= 1
        i >>= 1
    if y < 0:
        a1 = 1 / a1
        ae = -ae
    try:
        return math.ldexp(a1, ae)
    except OverflowError:
        return math.copysign(math.inf, a1)


def _pow(args: Sequence[Value], _rt: Type) -> Value:
    return _float_val(go_pow(num(args[0]).to_float(), num(args[1]).to_float()))


def _signum(args: Sequence[Value], _rt: Type) -> Value:
    i = to_go_int(args[0])
    return int_val(-1 if i < 0 else (1 if i > 0 else 0))


def _max(args: Sequence[Value], _rt: Type) -> Value:
    if not args:
        raise FunctionError("must pass at least one number")
    best = args[0]
    for a in args[1:]:
        if num(a).cmp(num(best)) > 0:
            best = a
    return best


def _min(args: Sequence[Value], _rt: Type) -> Value:
    if not args:
        raise FunctionError("must pass at least one number")
    best = args[0]
    for a in args[1:]:
        if num(a).cmp(num(best)) < 0:
            best = a
    return best


def _digit_value(c: str, base: int) -> int:
    o = ord(c)
    if 48 <= o <= 57:
        d = o - 48
    elif 97 <= o <= 122:
        d = o - 97 + 10
    elif 65 <= o <= 90:
        d = o - 65 + (36 if base > 36 else 10)
    else:
        return 99
    return d


def go_parse_big_int(s: str, base: int) -> int | None:
    """big.Int.SetString(s, base) for 2 <= base <= 62; None if invalid."""
    neg = False
    body = s
    if body[:1] in ("+", "-"):
        neg = body[0] == "-"
        body = body[1:]
    if not body:
        return None
    v = 0
    for c in body:
        d = _digit_value(c, base)
        if d >= base:
            return None
        v = v * base + d
    return -v if neg else v


def _parseint_type(args: Sequence[Value]) -> Type:
    t = args[0].type
    if t != STRING:
        raise FunctionError(f"first argument must be a string, not {friendly_name(t)}", arg_index=0)
    return NUMBER


def _parseint(args: Sequence[Value], _rt: Type) -> Value:
    s: str = args[0].v
    try:
        base = to_go_int(args[1])
    except FunctionError as e:
        raise FunctionError(e.message, arg_index=1) from None
    if base < 2 or base > 62:
        raise FunctionError("base must be a whole number between 2 and 62 inclusive", arg_index=1)
    v = go_parse_big_int(s, base)
    if v is None:
        raise FunctionError(f"cannot parse {_go_quote(s)} as a base {base} integer", arg_index=0)
    return int_val(v)




def functions(ctx: FunctionContext) -> dict[str, Function]:
    n = param("num", NUMBER)
    fns = [
        func("abs", [n], NUMBER, _abs),
        func("ceil", [n], NUMBER, _ceil),
        func("floor", [n], NUMBER, _floor),
        func("log", [n, param("base", NUMBER)], NUMBER, _log),
        func("pow", [n, param("power", NUMBER)], NUMBER, _pow),
        func("signum", [n], NUMBER, _signum),
        func("max", [], NUMBER, _max, var_param=param("numbers", NUMBER, allow_dynamic_type=True)),
        func("min", [], NUMBER, _min, var_param=param("numbers", NUMBER, allow_dynamic_type=True)),
        func(
            "parseint",
            [param("number", DYNAMIC), param("base", NUMBER)],
            _parseint_type,
            _parseint,
        ),
    ]
    return {f.name: f for f in fns}

