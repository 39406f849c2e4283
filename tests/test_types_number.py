"""Number: big.Float semantics as cty/terraform use them."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheath.types.number import Number, NumberNaNError, number_val

P = Number.parse


@pytest.mark.parametrize(
    "expr, want",
    [
        (lambda: P("1").quo(P("3")), "0." + "3" * 154 + "5"),
        (lambda: P("0.1").add(P("0.2")), "0.3"),
        (lambda: P("2").quo(P("3")).mul(P("3")), "2"),
        (lambda: P("1").quo(P("3")).mul(P("3")), "1"),
        (lambda: Number.from_float(2.0**100), "1267650600228229400000000000000"),
        (lambda: P("1e300").mul(P("1e300")), "1" + "0" * 600),
        (lambda: P("0").neg(), "-0"),
        (lambda: P("1").quo(P("0")), "+Inf"),
        (lambda: P("1").neg().quo(P("0")), "-Inf"),
        (lambda: P("3").mod(P("-2")), "1"),
        (lambda: P("-7").mod(P("3")), "-1"),
        (lambda: P("5.5").mod(P("2")), "1.5"),
        (lambda: P("1").mod(P("0")), "1"),
        (lambda: P("-0").mod(P("5")), "-0"),
        (lambda: P("0").mul(P("-5")), "-0"),
        (lambda: P("-0").add(P("0")), "0"),
        (lambda: P("-0").sub(P("0")), "-0"),
        (lambda: P("-0").add(P("-0")), "-0"),
        (lambda: P("1").sub(P("1")), "0"),
        (lambda: P("1e-400"), "0." + "0" * 399 + "1"),
        (lambda: P("123456789012345678901234567890.5"), "123456789012345678901234567890.5"),
        (lambda: P("1p3"), "8"),
        (lambda: P(".5"), "0.5"),
        (lambda: P("5."), "5"),
        (lambda: P("+1"), "1"),
        (lambda: P("0.1e+2"), "10"),
        (lambda: P("inf"), "+Inf"),
        (lambda: P("-Inf"), "-Inf"),
        (lambda: P("-0"), "-0"),
        (lambda: Number.from_float(0.1), "0.1"),
        (lambda: Number.from_int(-(2**70)), "-1180591620717411303424"),
    ],
)
def test_format_matches_terraform(expr: object, want: str) -> None:
    assert expr().format() == want  # type: ignore[operator]


@pytest.mark.parametrize("bad", ["", " 1", "1 ", "0x10", "1_000", "Infinity", "1e", ".", "e5", "--1", "1.2.3", "INF", "nan"])
def test_parse_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        P(bad)


@pytest.mark.parametrize(
    "f, msg",
    [
        (lambda: P("1").quo(P("0")).sub(P("1").quo(P("0"))), "can't subtract infinity from itself"),
        (lambda: P("1").neg().quo(P("0")).add(P("1").quo(P("0"))), "can't compute sum of opposing infinities"),
        (lambda: P("0").mul(P("1").quo(P("0"))), "can't multiply zero by infinity"),
        (lambda: P("0").quo(P("0")), "can't divide zero by zero or infinity by infinity"),
        (lambda: P("5").mod(P("1").quo(P("0"))), "can't use modulo with zero and infinity"),
    ],
)
def test_nan_errors(f: object, msg: str) -> None:
    with pytest.raises(NumberNaNError, match=msg):
        f()  # type: ignore[operator]


def test_equality_is_ctys() -> None:
    # an integer float64 equals the same 512-bit integer
    assert Number.from_float(2.0**100) == P("1267650600228229401496703205376")
    assert P("0.1").add(P("0.2")) == P("0.3")
    assert P("-0") == P("0")
    assert P("1") != P("1.5")
    assert hash(P("-0")) == hash(P("0"))
    assert hash(Number.from_int(7)) == hash(P("7"))
    assert P("1") < P("1.5") < P("1").quo(P("0"))
    assert P("-1").quo(P("0")) < P("-1e400")


def test_conversions() -> None:
    assert P("42").to_int() == 42 and P("42").is_integer()
    assert P("-2.5").to_int() == -2 and not P("-2.5").is_integer()
    assert P("0.1").to_float() == 0.1
    assert P("1e400").to_float() == math.inf
    assert P("1").quo(P("0")).is_inf()
    assert Number.from_float(-0.0).format() == "-0"
    assert P("1e30").to_int64() is None and P("12").to_int64() == 12
    with pytest.raises(ValueError):
        Number.from_float(math.nan)


def test_number_val() -> None:
    assert number_val(3).v.format() == "3"
    assert number_val(1.5).v.prec == 53
    assert number_val("1e3").v.format() == "1000"
    with pytest.raises(TypeError):
        number_val(True)


def _slow_format(n: Number) -> str:
    from sheath.types import number as m

    mag, e = n._mag, n._e
    d, dexp = m._decimal(mag, e)
    d, dexp = m._round_shortest(d, dexp, mag, e, n.prec)
    return ("-" if n.is_neg() else "") + m._fmt_f(d, dexp)


@settings(max_examples=300)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_float_format_round_trips(f: float) -> None:
    n = Number.from_float(f)
    text = n.format()
    if f != 0 and math.frexp(abs(f))[0] == 0.5:
        # Go's big.Float shortest formatting uses a symmetric rounding interval
        # even at powers of two, so it may pick the digit string below.
        assert abs(float(text) - f) <= math.ulp(f)
    else:
        assert float(text) == f


@settings(max_examples=300)
@given(st.integers(min_value=-(10**200), max_value=10**200))
def test_integer_fast_paths(i: int) -> None:
    n = Number.parse(str(i))
    assert n.format() == _slow_format(n) if n.sign() else True
    if abs(i).bit_length() <= 512:
        assert n.to_int() == i
        assert n.format() == str(i)
    j = i // 7 + 3
    m = Number.parse(str(j))
    assert n.add(m).cmp(Number.parse(str(i + j))) == 0 or abs(i + j).bit_length() > 512


@settings(max_examples=200)
@given(st.decimals(allow_nan=False, allow_infinity=False, places=20))
def test_decimal_parse_format_round_trip(d: object) -> None:
    text = format(d, "f")
    n = Number.parse(text)
    back = Number.parse(n.format())
    assert back == n


def test_parse_overflow_is_an_error() -> None:
    # terraform: tonumber("1e999999999999") fails to convert
    with pytest.raises(ValueError):
        P("1e999999999999")
    assert P("1e-1000").format() == "0." + "0" * 999 + "1"
