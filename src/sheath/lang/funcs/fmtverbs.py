"""The engine of terraform's format()/formatlist(): verb parsing and rendering.

Verbs follow cty's stdlib format (a printf subset): flags `` +-#0``, an optional
``[n]`` argument index, width, ``.precision`` and a verb letter. Numbers are
rendered as Go's fmt renders *big.Int / *big.Float.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from sheath.lang.funcs.function import FunctionError
from sheath.lang.funcs.support import grapheme_count, graphemes
from sheath.types.cty import NUMBER, STRING, Value
from sheath.types.number import Number
from sheath.goquote import go_quote


@dataclass
class Verb:
    raw: str
    offset: int  # byte offset of '%'
    argnum: int
    mode: str
    zero: bool = False
    sharp: bool = False
    plus: bool = False
    minus: bool = False
    space: bool = False
    prec: int = -1  # -1: none
    width: int = -1  # -1: none
    has_prec: bool = False


_FLAGS = " #+-0"


def _byte_offset(s: str, i: int) -> int:
    return len(s[:i].encode("utf-8"))


def parse_format(fmt: str) -> list[str | Verb]:
    """Split a format string into literal text and verbs; FunctionError if malformed."""
    out: list[str | Verb] = []
    lit: list[str] = []
    n = len(fmt)
    i = 0
    argnum = 1

    def bad_char(j: int) -> FunctionError:
        return FunctionError(f"unrecognized format character {_go_rune_quote(fmt[j])} at offset {_byte_offset(fmt, j)}")

    def eof() -> FunctionError:
        return FunctionError(f"invalid format string starting at offset {_byte_offset(fmt, n)}")

    while i < n:
        c = fmt[i]
        if c != "%":
            lit.append(c)
            i += 1
            continue
        start = i
        i += 1
        if i >= n:
            raise eof()
        if fmt[i] == "%":
            lit.append("%")
            i += 1
            continue
        if lit:
            out.append("".join(lit))
            lit = []
        v = Verb(raw="", offset=_byte_offset(fmt, start), argnum=0, mode="")
        while i < n and fmt[i] in _FLAGS:
            f = fmt[i]
            if f == " ":
                v.space = True
            elif f == "#":
                v.sharp = True
            elif f == "+":
                v.plus = True
            elif f == "-":
                v.minus = True
            else:
                v.zero = True
            i += 1
        if i < n and "1" <= fmt[i] <= "9":
            j = i
            while i < n and fmt[i].isascii() and fmt[i].isdigit():
                i += 1
            v.width = int(fmt[j:i])
        if i < n and fmt[i] == ".":
            i += 1
            v.has_prec = True
            j = i
            while i < n and fmt[i].isascii() and fmt[i].isdigit():
                i += 1
            v.prec = int(fmt[j:i]) if i > j else 0
        if i < n and fmt[i] == "[":
            i += 1
            if i >= n:
                raise eof()
            if not ("1" <= fmt[i] <= "9"):
                raise bad_char(i)
            j = i
            while i < n and fmt[i].isascii() and fmt[i].isdigit():
                i += 1
            if i >= n:
                raise eof()
            if fmt[i] != "]":
                raise bad_char(i)
            argnum = int(fmt[j:i])
            i += 1
        if i >= n:
            raise eof()
        c = fmt[i]
        if not (c.isascii() and c.isalpha()):
            raise bad_char(i)
        v.mode = c
        i += 1
        v.raw = fmt[start:i]
        v.argnum = argnum
        argnum += 1
        out.append(v)
    if lit:
        out.append("".join(lit))
    return out


def _go_rune_quote(c: str) -> str:
    if c == "'":
        return "'\\''"
    if c == "\\":
        return "'\\\\'"
    if c.isprintable():
        return f"'{c}'"
    cp = ord(c)
    if cp < 0x10000:
        return f"'\\u{cp:04x}'"
    return f"'\\U{cp:08x}'"


Converter = Callable[[Value], Value]
JSONMarshal = Callable[[Value], str]


@dataclass(frozen=True)
class FormatHooks:
    to_string: Converter
    to_number: Converter
    to_bool: Converter
    to_json: JSONMarshal


def format_values(fmt: str, args: Sequence[Value], hooks: FormatHooks) -> str:
    """Render a (parsed) format string with wholly-known args."""
    buf: list[str] = []
    max_used = 0
    for item in parse_format(fmt):
        if isinstance(item, str):
            buf.append(item)
        else:
            buf.append(_format_verb(item, args, hooks))
            if item.argnum > max_used:
                max_used = item.argnum
    if max_used < len(args):
        # arg_index counts the format string itself (parameter 0)
        if max_used == 0:
            raise FunctionError("too many arguments; no verbs in format string", arg_index=1)
        raise FunctionError(f"too many arguments; only {max_used} used by format string", arg_index=max_used + 1)
    return "".join(buf)


def _pad(v: Verb, s: str) -> str:
    if v.width < 0:
        return s
    have = grapheme_count(s)
    if have >= v.width:
        return s
    pads = ("0" if v.zero else " ") * (v.width - have)
    return s + pads if v.minus else pads + s


def _conv_err(v: Verb, e: Exception) -> FunctionError:
    msg = getattr(e, "message", None) or str(e)
    return FunctionError(f"unsupported value for {go_quote(v.raw)} at {v.offset}: {msg}")


def _format_verb(v: Verb, args: Sequence[Value], hooks: FormatHooks) -> str:
    idx = v.argnum - 1
    if idx >= len(args):
        raise FunctionError(
            f"not enough arguments for {go_quote(v.raw)} at {v.offset}: need index {v.argnum} but have {len(args)} total"
        )
    arg = args[idx]
    if v.mode != "v" and arg.v is None:
        raise FunctionError(f"unsupported value for {go_quote(v.raw)} at {v.offset}: null value cannot be formatted")
    m = v.mode
    if m == "v":
        if not v.sharp and arg.v is not None:
            if arg.type == STRING:
                return _pad(v, arg.v)
            if arg.type == NUMBER:
                return _pad(v, go_float_text(arg.v, "g", -1))
        try:
            js = hooks.to_json(arg)
        except FunctionError as e:
            raise FunctionError(f"unsupported value for {go_quote(v.raw)} at {v.offset}: {e.message}") from None
        return _pad(v, js)
    if m == "t":
        try:
            b = hooks.to_bool(arg)
        except Exception as e:
            raise _conv_err(v, e) from None
        return "true" if b.v else "false"
    if m in "bdoxXeEfgG":
        try:
            num = hooks.to_number(arg)
        except Exception as e:
            raise _conv_err(v, e) from None
        n: Number = num.v
        if m in "bdoxX":
            if not n.is_integer():
                raise FunctionError(f"unsupported value for {go_quote(v.raw)} at {v.offset}: an integer is required")
            return go_format_int(v, n.to_int())
        return go_format_float(v, n)
    if m in "sq":
        try:
            sv = hooks.to_string(arg)
        except Exception as e:
            raise _conv_err(v, e) from None
        s: str = sv.v
        if v.prec > 0:
            s = "".join(graphemes(s)[: v.prec])
        if m == "s":
            return _pad(v, s)
        return _pad(v, hooks.to_json(Value(STRING, s)))
    raise FunctionError(f"unsupported format verb {_go_rune_quote(m)} in {go_quote(v.raw)} at offset {v.offset}")


# --- Go fmt for *big.Int ------------------------------------------------------


def go_format_int(v: Verb, x: int) -> str:
    base = {"b": 2, "o": 8, "d": 10, "x": 16, "X": 16}[v.mode]
    sign = "-" if x < 0 else ("+" if v.plus else (" " if v.space else ""))
    prefix = ""
    if v.sharp:
        prefix = {"b": "0b", "o": "0", "x": "0x", "X": "0X"}.get(v.mode, "")
    a = -x if x < 0 else x
    if base == 10:
        digits = str(a)
    elif base == 16:
        digits = format(a, "x")
        if v.mode == "X":
            digits = digits.upper()
    elif base == 8:
        digits = format(a, "o")
    else:
        digits = format(a, "b")
    left = zeros = right = 0
    if v.has_prec:
        if len(digits) < v.prec:
            zeros = v.prec - len(digits)
        elif digits == "0" and v.prec == 0:
            return ""
    length = len(sign) + len(prefix) + zeros + len(digits)
    if v.width >= 0 and length < v.width:
        d = v.width - length
        if v.minus:
            right = d
        elif v.zero and not v.has_prec:
            zeros = d
        else:
            left = d
    return " " * left + sign + prefix + "0" * zeros + digits + " " * right


# --- Go fmt for *big.Float ----------------------------------------------------


def _exact_decimal(n: Number) -> tuple[str, int]:
    """(mantissa digits, exp) with |n| = 0.mant * 10**exp; trailing zeros trimmed."""
    mag: int = n._mag  # noqa: SLF001 - exact binary payload
    e: int = n._e  # noqa: SLF001
    if mag == 0:
        return "", 0
    if e >= 0:
        digits = str(mag << e)
        dexp = len(digits)
    else:
        digits = str(mag * 5 ** (-e))
        dexp = len(digits) + e
    stripped = digits.rstrip("0")
    return stripped, dexp


def _shortest_decimal(n: Number) -> tuple[str, int]:
    """Shortest digits identifying n at its precision, from Text('f', -1)."""
    t = n.format()
    if t.startswith("-"):
        t = t[1:]
    ip, _, fp = t.partition(".")
    if ip.strip("0") == "":
        fz = len(fp) - len(fp.lstrip("0"))
        mant = fp.lstrip("0").rstrip("0")
        return mant, -fz if mant else 0
    ipz = ip.lstrip("0")
    mant = (ipz + fp).rstrip("0")
    return mant, len(ipz)


def _round(mant: str, dexp: int, nd: int) -> tuple[str, int]:
    if nd < 0 or nd >= len(mant):
        return mant, dexp
    if mant[nd] == "5" and nd + 1 == len(mant):
        up = nd > 0 and (ord(mant[nd - 1]) - 48) & 1 == 1
    else:
        up = mant[nd] >= "5"
    if up:
        k = nd
        while k > 0 and mant[k - 1] == "9":
            k -= 1
        if k == 0:
            return "1", dexp + 1
        return mant[: k - 1] + chr(ord(mant[k - 1]) + 1), dexp
    kept = mant[:nd].rstrip("0")
    return kept, (dexp if kept else 0)


def _fmt_e(ch: str, prec: int, mant: str, dexp: int) -> str:
    out = [mant[0] if mant else "0"]
    if prec > 0:
        out.append(".")
        rest = mant[1 : prec + 1]
        out.append(rest + "0" * (prec - len(rest)))
    exp = dexp - 1 if mant else 0
    out.append(ch)
    out.append("-" if exp < 0 else "+")
    exp = abs(exp)
    out.append(f"{exp:02d}")
    return "".join(out)


def _fmt_f(prec: int, mant: str, dexp: int) -> str:
    if dexp > 0:
        ip = mant[:dexp] + "0" * max(0, dexp - len(mant))
    else:
        ip = "0"
    if prec > 0:
        frac = []
        for i in range(prec):
            k = dexp + i
            frac.append(mant[k] if 0 <= k < len(mant) else "0")
        return ip + "." + "".join(frac)
    return ip


def go_float_text(n: Number, fmt: str, prec: int) -> str:
    """big.Float.Text(fmt, prec) for fmt in e E f g G."""
    if n.is_inf():
        return "-Inf" if n.is_neg() else "+Inf"
    sign = "-" if n.is_neg() else ""
    shortest = prec < 0
    if shortest:
        mant, dexp = _shortest_decimal(n)
        if fmt in "eE":
            prec = max(len(mant) - 1, 0)
        elif fmt == "f":
            prec = max(len(mant) - dexp, 0)
        else:
            prec = len(mant)
    else:
        mant, dexp = _exact_decimal(n)
        if fmt in "eE":
            mant, dexp = _round(mant, dexp, 1 + prec)
        elif fmt == "f":
            mant, dexp = _round(mant, dexp, dexp + prec)
        else:
            if prec == 0:
                prec = 1
            mant, dexp = _round(mant, dexp, prec)
    if fmt in "eE":
        return sign + _fmt_e(fmt, prec, mant, dexp)
    if fmt == "f":
        return sign + _fmt_f(prec, mant, dexp)
    eprec = prec
    if eprec > len(mant) and len(mant) >= dexp:
        eprec = len(mant)
    if shortest:
        eprec = 6
    exp = dexp - 1
    if exp < -4 or exp >= eprec:
        if prec > len(mant):
            prec = len(mant)
        return sign + _fmt_e("e" if fmt == "g" else "E", prec - 1, mant, dexp)
    if prec > dexp:
        prec = len(mant)
    return sign + _fmt_f(max(prec - dexp, 0), mant, dexp)


def go_format_float(v: Verb, n: Number) -> str:
    prec = v.prec if v.has_prec else (-1 if v.mode in "gG" else 6)
    buf = go_float_text(n, v.mode, prec)
    sign = ""
    if buf[0] == "-":
        sign = "-"
        buf = buf[1:]
    elif buf[0] == "+":
        sign = " " if v.space else "+"
        buf = buf[1:]
    elif v.plus:
        sign = "+"
    elif v.space:
        sign = " "
    padding = 0
    if v.width >= 0 and v.width > len(sign) + len(buf):
        padding = v.width - len(sign) - len(buf)
    # big.Float.Format checks the zero flag before the minus flag (Go's fmt
    # keeps both), so "%-08.1f" pads with zeros on the left
    if v.zero and not n.is_inf():
        return sign + "0" * padding + buf
    if v.minus:
        return sign + buf + " " * padding
    return " " * padding + sign + buf

