"""Arbitrary-precision numbers with the semantics of Go's math/big.Float as cty uses it.

A :class:`Number` is a binary floating-point value with its own precision (in
bits), like ``big.Float``:

* number literals and strings are parsed as ``cty.ParseNumberVal`` does
  (``big.ParseFloat(s, 10, 512, big.ToNearestEven)``), giving precision 512;
* integers from Python (``from_int``) are exact, precision ``max(bits, 64)``
  (as ``big.Float.SetInt``);
* floats (``from_float``) have precision 53 (as ``big.NewFloat``);
* arithmetic results take the larger precision of the operands and are rounded
  to nearest, ties to even;
* :meth:`Number.format` is ``Text('f', -1)``: the shortest decimal that
  identifies the value at its precision, never in exponent form.

Numbers are immutable. ``==`` and ``hash`` follow cty's number equality (equal
when both are the same integer, or when they format identically; ``-0 == 0``).
Ordering operators compare exact values (``big.Float.Cmp``).

Integers are held as plain Python ints, so integer arithmetic is fast.
"""

from __future__ import annotations

import math
import re
from typing import Final

from sheath.types.cty import NUMBER, Value

__all__ = ["Number", "NumberNaNError", "number_val", "format_g10", "CTY_PRECISION", "ZERO", "ONE"]

CTY_PRECISION: Final = 512  # cty.ParseNumberVal's precision
_MAX_EXP: Final = 2**31 - 1  # big.MaxExp
_MIN_EXP: Final = -(2**31)  # big.MinExp
_INT_FORM_BITS: Final = 8192  # integers up to this many bits are held as plain ints


class NumberNaNError(ArithmeticError):
    """The operation has no defined result (Go's big.ErrNaN); the message is cty's."""


def _round(mag: int, e: int, prec: int, sticky: bool = False) -> tuple[int, int]:
    """Round mag*2**e (mag > 0) to prec significant bits, to nearest even.

    ``sticky`` says the true value is slightly larger than mag*2**e (a
    non-zero remainder was dropped below the last bit of mag).
    """
    n = mag.bit_length()
    if n <= prec:
        return mag, e
    shift = n - prec
    q = mag >> shift
    r = mag & ((1 << shift) - 1)
    half = 1 << (shift - 1)
    if r > half or (r == half and (sticky or q & 1)):
        q += 1
    return q, e + shift


_ZERO_FORM: Final = 0
_FINITE_FORM: Final = 1
_INF_FORM: Final = 2


class Number:
    """An immutable big.Float-like number (see module docstring)."""

    __slots__ = ("_neg", "_mag", "_e", "_prec", "_inf", "_text")

    _neg: bool
    _mag: int
    _e: int
    _prec: int
    _inf: bool
    _text: str | None

    # ------------------------------------------------------------------ build
    @classmethod
    def _new(cls, neg: bool, mag: int, e: int, prec: int, inf: bool = False) -> "Number":
        """Canonicalise and build: mag*2**e, rounded already to prec bits."""
        self = object.__new__(cls)
        if inf:
            mag = 1
            e = 0
        elif mag == 0:
            e = 0
        else:
            if e < 0:
                tz = (mag & -mag).bit_length() - 1
                if tz:
                    s = tz if tz < -e else -e
                    mag >>= s
                    e += s
            bl = mag.bit_length()
            top = e + bl
            if top > _MAX_EXP:
                inf = True
                mag = 1
                e = 0
            elif top <= _MIN_EXP:
                mag = 0
                e = 0
            elif e > 0:
                if top <= _INT_FORM_BITS:
                    mag <<= e
                    e = 0
            elif e == 0 and bl > _INT_FORM_BITS:
                tz = (mag & -mag).bit_length() - 1
                mag >>= tz
                e = tz
        self._neg = neg
        self._mag = mag
        self._e = e
        self._prec = prec
        self._inf = inf
        self._text = None
        return self

    @classmethod
    def _rounded(cls, neg: bool, mag: int, e: int, prec: int, sticky: bool = False) -> "Number":
        if mag:
            mag, e = _round(mag, e, prec, sticky)
        return cls._new(neg, mag, e, prec)

    @classmethod
    def from_int(cls, i: int) -> "Number":
        """An exact integer, precision max(bit length, 64) (as big.Float.SetInt)."""
        neg = i < 0
        mag = -i if neg else i
        bl = mag.bit_length()
        return cls._new(neg, mag, 0, bl if bl > 64 else 64)

    @classmethod
    def from_float(cls, f: float) -> "Number":
        """A float64, precision 53 (as big.NewFloat). NaN raises ValueError."""
        if math.isnan(f):
            raise ValueError("NaN is not a number")
        neg = math.copysign(1.0, f) < 0
        if math.isinf(f):
            return cls._new(neg, 1, 0, 53, inf=True)
        if f == 0:
            return cls._new(neg, 0, 0, 53)
        num, den = abs(f).as_integer_ratio()
        return cls._new(neg, num, -(den.bit_length() - 1), 53)

    @classmethod
    def inf(cls, neg: bool = False) -> "Number":
        return cls._new(neg, 1, 0, 0, inf=True)

    @classmethod
    def parse(cls, text: str, prec: int = CTY_PRECISION) -> "Number":
        """Parse as big.ParseFloat(text, 10, prec, ToNearestEven); ValueError if invalid."""
        if text.isascii() and text.isdigit():
            mag = int(text)
            if mag.bit_length() <= prec:
                return cls._new(False, mag, 0, prec)
        if text in ("Inf", "inf", "+Inf", "+inf"):
            return cls._new(False, 1, 0, prec, inf=True)
        if text in ("-Inf", "-inf"):
            return cls._new(True, 1, 0, prec, inf=True)
        m = _PARSE_RE.fullmatch(text)
        if m is None:
            raise ValueError(f"invalid number {text!r}")
        sign, ip, fp, echar, exps = m.group(1, 2, 3, 4, 5)
        if not ip and not fp:
            raise ValueError(f"invalid number {text!r}")
        neg = sign == "-"
        digits = (ip or "") + (fp or "")
        mant = int(digits) if digits else 0
        if mant == 0:
            return cls._new(neg, 0, 0, prec)
        exp2 = 0
        exp5 = 0
        if fp:
            exp2 -= len(fp)
            exp5 -= len(fp)
        if echar:
            ev = int(exps)
            if abs(ev) > 2**63 - 1:
                raise ValueError(f"invalid number {text!r}")
            if echar in "eE":
                exp2 += ev
                exp5 += ev
            else:
                exp2 += ev
        z = cls._rounded(neg, mant, exp2, prec)
        if exp5 != 0 and not z._inf and z._mag != 0:
            p = _pow5(abs(exp5), prec + 64)
            z = z._quo(p, prec) if exp5 < 0 else z._mul_into(p, prec)
        if z._inf:
            raise ValueError(f"exponent overflow in {text!r}")
        return z

    # -------------------------------------------------------------- queries
    @property
    def prec(self) -> int:
        return self._prec

    def is_inf(self) -> bool:
        return self._inf

    def is_zero(self) -> bool:
        return not self._inf and self._mag == 0

    def is_neg(self) -> bool:
        """The sign bit (true for -0 and -Inf too)."""
        return self._neg

    def sign(self) -> int:
        """-1, 0 or +1 (0 for both zeros), as big.Float.Sign."""
        if not self._inf and self._mag == 0:
            return 0
        return -1 if self._neg else 1

    def is_integer(self) -> bool:
        """A finite integer value (as big.Float.IsInt)."""
        return not self._inf and self._e >= 0

    def to_int(self) -> int:
        """The value truncated toward zero. Raises OverflowError for infinities."""
        if self._inf:
            raise OverflowError("cannot convert infinity to int")
        e = self._e
        if e >= 0:
            v = self._mag << e
        else:
            v = self._mag >> -e
        return -v if self._neg else v

    def to_float(self) -> float:
        """Nearest float64 (infinite when out of range)."""
        if self._inf:
            return -math.inf if self._neg else math.inf
        mag, e = self._mag, self._e
        if mag == 0:
            return -0.0 if self._neg else 0.0
        top = e + mag.bit_length()
        if top > 1025:
            f = math.inf
        elif top < -1080:
            f = 0.0
        else:
            try:
                f = float(mag << e) if e >= 0 else mag / (1 << -e)
            except OverflowError:
                f = math.inf
        return -f if self._neg else f

    def to_int64(self) -> int | None:
        """The value as an int64 if it is an integer in range, else None."""
        if not self.is_integer():
            return None
        i = self.to_int()
        if -(2**63) <= i < 2**63:
            return i
        return None

    def _signed(self) -> int:
        return -self._mag if self._neg else self._mag

    # ----------------------------------------------------------- arithmetic
    def neg(self) -> "Number":
        n = object.__new__(Number)
        n._neg = not self._neg
        n._mag = self._mag
        n._e = self._e
        n._prec = self._prec
        n._inf = self._inf
        n._text = None
        return n

    def __neg__(self) -> "Number":
        return self.neg()

    def abs(self) -> "Number":
        return self.neg() if self._neg else self

    def add(self, other: "Number") -> "Number":
        prec = self._prec if self._prec >= other._prec else other._prec
        if self._e == 0 and other._e == 0 and not self._inf and not other._inf and self._mag and other._mag:
            s = self._signed() + other._signed()
            if s == 0:
                return Number._new(False, 0, 0, prec)
            neg = s < 0
            mag = -s if neg else s
            if mag.bit_length() <= prec:
                return Number._new(neg, mag, 0, prec)
            return Number._rounded(neg, mag, 0, prec)
        return self._add(other._neg, other, prec, "can't compute sum of opposing infinities")

    def sub(self, other: "Number") -> "Number":
        prec = self._prec if self._prec >= other._prec else other._prec
        if self._e == 0 and other._e == 0 and not self._inf and not other._inf and self._mag and other._mag:
            s = self._signed() - other._signed()
            if s == 0:
                return Number._new(False, 0, 0, prec)
            neg = s < 0
            mag = -s if neg else s
            if mag.bit_length() <= prec:
                return Number._new(neg, mag, 0, prec)
            return Number._rounded(neg, mag, 0, prec)
        return self._add(not other._neg, other, prec, "can't subtract infinity from itself")

    def _add(self, yneg: bool, y: "Number", prec: int, nan_msg: str) -> "Number":
        x = self
        xz = not x._inf and x._mag == 0
        yz = not y._inf and y._mag == 0
        if x._inf or y._inf:
            if x._inf and y._inf and x._neg != yneg:
                raise NumberNaNError(nan_msg)
            if x._inf:
                return Number._new(x._neg, 1, 0, prec, inf=True)
            return Number._new(yneg, 1, 0, prec, inf=True)
        if xz and yz:
            return Number._new(x._neg and yneg, 0, 0, prec)
        if yz:
            return Number._new(x._neg, x._mag, x._e, prec)
        if xz:
            return Number._new(yneg, y._mag, y._e, prec)
        # both finite non-zero
        xt = x._e + x._mag.bit_length()
        yt = y._e + y._mag.bit_length()
        if xt - yt > prec + 3:
            return Number._new(x._neg, x._mag, x._e, prec)
        if yt - xt > prec + 3:
            return Number._new(yneg, y._mag, y._e, prec)
        e = x._e if x._e < y._e else y._e
        a = x._mag << (x._e - e)
        b = y._mag << (y._e - e)
        sa = -a if x._neg else a
        sb = -b if yneg else b
        s = sa + sb
        if s == 0:
            return Number._new(False, 0, 0, prec)
        neg = s < 0
        return Number._rounded(neg, -s if neg else s, e, prec)

    def mul(self, other: "Number") -> "Number":
        prec = self._prec if self._prec >= other._prec else other._prec
        neg = self._neg != other._neg
        if self._inf or other._inf:
            if (not self._inf and self._mag == 0) or (not other._inf and other._mag == 0):
                raise NumberNaNError("can't multiply zero by infinity")
            return Number._new(neg, 1, 0, prec, inf=True)
        mag = self._mag * other._mag
        if mag == 0:
            return Number._new(neg, 0, 0, prec)
        e = self._e + other._e
        if e == 0 and mag.bit_length() <= prec:
            return Number._new(neg, mag, 0, prec)
        return Number._rounded(neg, mag, e, prec)

    def quo(self, other: "Number") -> "Number":
        prec = self._prec if self._prec >= other._prec else other._prec
        return self._quo(other, prec)

    def _quo(self, other: "Number", prec: int) -> "Number":
        neg = self._neg != other._neg
        xz = not self._inf and self._mag == 0
        yz = not other._inf and other._mag == 0
        if self._inf or other._inf or xz or yz:
            if (xz and yz) or (self._inf and other._inf):
                raise NumberNaNError("can't divide zero by zero or infinity by infinity")
            if xz or other._inf:
                return Number._new(neg, 0, 0, prec)
            return Number._new(neg, 1, 0, prec, inf=True)
        a, b = self._mag, other._mag
        e = self._e - other._e
        if e == 0 and a % b == 0:
            q = a // b
            if q.bit_length() <= prec:
                return Number._new(neg, q, 0, prec)
        # scale so that the quotient has at least prec+2 bits
        k = prec + 2 - (a.bit_length() - b.bit_length()) + 1
        if k < 0:
            k = 0
        q, r = divmod(a << k, b)
        return Number._rounded(neg, q, e - k, prec, sticky=r != 0)

    def mod(self, other: "Number") -> "Number":
        """cty's Modulo: x - y*trunc(x/y), computed at x's precision; x % 0 == x."""
        if other.sign() == 0:
            return self
        try:
            rat = self.quo(other)
            if rat._inf:
                raise NumberNaNError(
                    "panic in function implementation: runtime error: invalid memory address or nil pointer dereference"
                )
            work = Number._rounded(False, 0, 0, self._prec)
            ri = rat.to_int()
            if ri:
                rneg = ri < 0
                work = Number._rounded(rneg, -ri if rneg else ri, 0, self._prec)
            work = other._mul_into(work, self._prec)
            return self._add(not work._neg, work, self._prec, "can't subtract infinity from itself")
        except NumberNaNError as e:
            if str(e).startswith("panic"):
                raise
            raise NumberNaNError("can't use modulo with zero and infinity") from None

    def _mul_into(self, y: "Number", prec: int) -> "Number":
        """self*y rounded to a fixed precision (z.Mul with z.prec already set)."""
        neg = self._neg != y._neg
        if self._inf or y._inf:
            if (not self._inf and self._mag == 0) or (not y._inf and y._mag == 0):
                raise NumberNaNError("can't multiply zero by infinity")
            return Number._new(neg, 1, 0, prec, inf=True)
        return Number._rounded(neg, self._mag * y._mag, self._e + y._e, prec)

    def with_prec(self, prec: int) -> "Number":
        """This value rounded to a precision (as big.Float.SetPrec)."""
        if self._inf or self._mag == 0:
            return Number._new(self._neg, self._mag, 0, prec, inf=self._inf)
        return Number._rounded(self._neg, self._mag, self._e, prec)

    __add__ = add
    __sub__ = sub
    __mul__ = mul
    __truediv__ = quo
    __mod__ = mod

    # ----------------------------------------------------------- comparison
    def cmp(self, other: "Number") -> int:
        """-1, 0, +1 comparing exact values (big.Float.Cmp; -0 == +0)."""
        sa, sb = self.sign(), other.sign()
        if sa != sb:
            return -1 if sa < sb else 1
        if sa == 0:
            return 0
        # same non-zero sign
        if self._inf or other._inf:
            if self._inf and other._inf:
                return 0
            c = 1 if self._inf else -1
            return c if sa > 0 else -c
        c = self._ucmp(other)
        return c if sa > 0 else -c

    def _ucmp(self, other: "Number") -> int:
        xt = self._e + self._mag.bit_length()
        yt = other._e + other._mag.bit_length()
        if xt != yt:
            return -1 if xt < yt else 1
        e = self._e if self._e < other._e else other._e
        a = self._mag << (self._e - e)
        b = other._mag << (other._e - e)
        return (a > b) - (a < b)

    def __lt__(self, other: "Number") -> bool:
        return self.cmp(other) < 0

    def __le__(self, other: "Number") -> bool:
        return self.cmp(other) <= 0

    def __gt__(self, other: "Number") -> bool:
        return self.cmp(other) > 0

    def __ge__(self, other: "Number") -> bool:
        return self.cmp(other) >= 0

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Number):
            return NotImplemented
        return self.cty_equals(other)

    def cty_equals(self, other: "Number") -> bool:
        """cty's number equality (rawNumberEqual)."""
        if self.sign() != other.sign():
            return False
        ai, bi = self.is_integer(), other.is_integer()
        if ai != bi:
            return False
        if ai:
            return self._e == other._e and self._mag == other._mag
        a, b = self.format(), other.format()
        if a == "-0":
            a = "0"
        if b == "-0":
            b = "0"
        return a == b

    def __hash__(self) -> int:
        if self.is_integer():
            return hash(self.to_int())
        return hash(self.format())

    # -------------------------------------------------------------- format
    def format(self) -> str:
        """Go's big.Float.Text('f', -1)."""
        t = self._text
        if t is None:
            t = self._format()
            self._text = t
        return t

    def _format(self) -> str:
        sign = "-" if self._neg else ""
        if self._inf:
            return sign + "Inf" if self._neg else "+Inf"
        mag, e, prec = self._mag, self._e, self._prec
        if mag == 0:
            return sign + "0"
        if e == 0 and mag.bit_length() <= prec:
            return sign + str(mag)
        digits, dexp = _decimal(mag, e)
        digits, dexp = _round_shortest(digits, dexp, mag, e, prec)
        return sign + _fmt_f(digits, dexp)

    def __str__(self) -> str:
        return self.format()

    def __repr__(self) -> str:
        return f"Number({self.format()!r}, prec={self._prec})"

    def __reduce__(self) -> tuple[object, ...]:
        return (_restore, (self._neg, self._mag, self._e, self._prec, self._inf))


def _restore(neg: bool, mag: int, e: int, prec: int, inf: bool) -> Number:
    return Number._new(neg, mag, e, prec, inf)


_PARSE_RE: Final = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?(?:([eEpP])([+-]?[0-9]+))?")

_POW5_27: Final = 5**27


def _pow5(n: int, prec: int) -> Number:
    """5**n at precision prec, computed as Go's big.Float.pow5 does (rounding steps)."""
    if n <= 27:
        return Number._new(False, 5**n, 0, prec)
    z = Number._new(False, _POW5_27, 0, prec)
    n -= 27
    f = Number._new(False, 5, 0, prec + 64)
    while n > 0:
        if n & 1:
            z = z._mul_into(f, prec)
        f = f._mul_into(f, prec + 64)
        n >>= 1
    return z


def _decimal(mag: int, e: int) -> tuple[str, int]:
    """Exact decimal of mag*2**e: (digits without trailing zeros, exp) with value 0.digits * 10**exp."""
    if e >= 0:
        s = str(mag << e)
        n = len(s)
        s = s.rstrip("0")
        return s, n
    k = -e
    s = str(mag * 5**k)
    dexp = len(s) - k
    s = s.rstrip("0")
    return s, dexp


def _at(digits: str, i: int) -> str:
    return digits[i] if 0 <= i < len(digits) else "0"


def _round_shortest(d: str, dexp: int, mag: int, e: int, prec: int) -> tuple[str, int]:
    """big.roundShortest: shortest digits of d (value mag*2**e at precision prec)."""
    bl = mag.bit_length()
    s = bl - (prec + 1)
    if s < 0:
        m2 = mag << -s
    else:
        m2 = mag >> s
    e2 = e + s
    lower, _ = _decimal(m2 - 1, e2)
    upper, _ = _decimal(m2 + 1, e2)
    inclusive = (m2 & 2) == 0
    for i in range(len(d)):
        m = d[i]
        l = _at(lower, i)
        u = _at(upper, i)
        okdown = l != m or (inclusive and i + 1 == len(lower))
        okup = m != u and (inclusive or ord(m) + 1 < ord(u) or i + 1 < len(upper))
        if okdown and okup:
            return _dround(d, dexp, i + 1)
        if okdown:
            return _dround_down(d, dexp, i + 1)
        if okup:
            return _dround_up(d, dexp, i + 1)
    return d, dexp


def _dround(d: str, dexp: int, n: int) -> tuple[str, int]:
    if n < 0 or n >= len(d):
        return d, dexp
    if d[n] == "5" and n + 1 == len(d):
        up = n > 0 and (ord(d[n - 1]) - 48) & 1 != 0
    else:
        up = d[n] >= "5"
    return _dround_up(d, dexp, n) if up else _dround_down(d, dexp, n)


def _dround_up(d: str, dexp: int, n: int) -> tuple[str, int]:
    if n < 0 or n >= len(d):
        return d, dexp
    while n > 0 and d[n - 1] >= "9":
        n -= 1
    if n == 0:
        return "1", dexp + 1
    return d[: n - 1] + chr(ord(d[n - 1]) + 1), dexp


def _dround_down(d: str, dexp: int, n: int) -> tuple[str, int]:
    if n < 0 or n >= len(d):
        return d, dexp
    d = d[:n].rstrip("0")
    if not d:
        return "", 0
    return d, dexp


def _fmt_f(d: str, dexp: int) -> str:
    """fmtF with the shortest precision: integer digits padded with zeros, then fraction."""
    if not d:
        return "0"
    if dexp > 0:
        if len(d) <= dexp:
            return d + "0" * (dexp - len(d))
        return d[:dexp] + "." + d[dexp:]
    return "0." + "0" * (-dexp) + d


def number_val(x: "int | float | str | Number") -> "Value":
    """A known cty number value.

    ints are exact (as cty.NumberIntVal), floats have precision 53 (as
    cty.NumberFloatVal), strings are parsed as cty.ParseNumberVal (ValueError
    when invalid).
    """
    if isinstance(x, Number):
        return Value(NUMBER, x)
    if isinstance(x, bool):
        raise TypeError("number_val of a bool")
    if isinstance(x, int):
        return Value(NUMBER, Number.from_int(x))
    if isinstance(x, float):
        return Value(NUMBER, Number.from_float(x))
    if isinstance(x, str):
        return Value(NUMBER, Number.parse(x))
    raise TypeError(f"number_val of {type(x).__name__}")


ZERO: Final = Number.from_int(0)
ONE: Final = Number.from_int(1)


def format_g10(n: Number) -> str:
    """Go's big.Float.String() (Text('g', 10)), used in cty's set hash bytes."""
    if n._inf:
        return "-Inf" if n._neg else "+Inf"
    sign = "-" if n._neg else ""
    if n._mag == 0:
        return sign + "0"
    d, dexp = _decimal(n._mag, n._e)
    d, dexp = _dround(d, dexp, 10)
    prec = 10
    eprec = prec
    if eprec > len(d) and len(d) >= dexp:
        eprec = len(d)
    exp = dexp - 1
    if exp < -4 or exp >= eprec:
        p = min(prec, len(d)) - 1
        body = d[0] + ("." + d[1 : p + 1].ljust(p, "0") if p > 0 else "")
        ee = exp if d else 0
        es = "-" if ee < 0 else "+"
        ee = abs(ee)
        return f"{sign}{body}e{es}{ee:02d}"
    if prec > dexp:
        prec = len(d)
    fprec = max(prec - dexp, 0)
    if dexp > 0:
        ip = d[:dexp].ljust(dexp, "0")
    else:
        ip = "0"
    if fprec > 0:
        frac = "".join(_at(d, dexp + i) for i in range(fprec))
        return f"{sign}{ip}.{frac}"
    return sign + ip
