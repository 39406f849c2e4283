"""Date and time functions: formatdate, timeadd, timecmp, timestamp, plantimestamp.

Timestamps are RFC 3339 strings, parsed the way terraform (cty, Go's time
package) parses them, with its error messages. Times are held as
(unix seconds, nanoseconds, UTC offset seconds), so any year Go accepts works.
"""

from __future__ import annotations

import time as _time
from dataclasses import dataclass
from typing import Sequence

from sheath.lang.funcs.function import Function, FunctionContext, FunctionError, ImplFn
from sheath.lang.funcs.support import func, param
from sheath.goquote import go_quote
from sheath.types.cty import NUMBER, STRING, Type, Value, string_val, unknown

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


class TimestampError(ValueError):
    """An RFC 3339 parse failure; str() is terraform's message."""


# --- calendar arithmetic (proleptic Gregorian, any year) -----------------------


def days_from_civil(y: int, m: int, d: int) -> int:
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(z: int) -> tuple[int, int, int]:
    z += 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    return y + (m <= 2), m, d


def _leap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def days_in(m: int, y: int) -> int:
    if m == 2:
        return 29 if _leap(y) else 28
    return 30 if m in (4, 6, 9, 11) else 31


@dataclass(frozen=True, slots=True)
class Time:
    unix: int  # seconds since the epoch (UTC)
    nsec: int  # 0..999999999
    offset: int  # zone offset in seconds east of UTC

    def key(self) -> tuple[int, int]:
        return self.unix, self.nsec

    def local(self) -> tuple[int, int, int, int, int, int, int]:
        """(year, month, day, hour, minute, second, weekday) in the time's own zone."""
        t = self.unix + self.offset
        days, secs = divmod(t, 86400)
        y, m, d = civil_from_days(days)
        return y, m, d, secs // 3600, secs % 3600 // 60, secs % 60, (days + 4) % 7

    def zone(self, colon: bool, z: bool) -> str:
        off = self.offset
        if z and off == 0:
            return "Z"
        sign = "-" if off < 0 else "+"
        off = abs(off) // 60
        return f"{sign}{off // 60:02d}{':' if colon else ''}{off % 60:02d}"

    def rfc3339(self) -> str:
        y, mo, d, h, mi, s, _ = self.local()
        ys = f"{y:04d}" if y >= 0 else f"-{-y:03d}"
        return f"{ys}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}{self.zone(True, True)}"

    def add(self, nanos: int) -> "Time":
        total = self.nsec + nanos
        secs, ns = divmod(total, 1_000_000_000)
        return Time(self.unix + secs, ns, self.offset)


# --- RFC 3339 parsing ----------------------------------------------------------

_PREFIX = "not a valid RFC3339 timestamp"


def _err(msg: str) -> TimestampError:
    return TimestampError(f"{_PREFIX}: {msg}")


def _cannot(value: str, what: str) -> TimestampError:
    if value == "":
        return _err(f"end of string before {what}")
    return _err(f"cannot use {go_quote(value)} as {what}")


def _skip(value: str, lit: str) -> str:
    if not value.startswith(lit):
        if lit == "T":
            raise _err("missing required time introducer 'T'")
        if value == "":
            raise _err(f"end of string where {go_quote(lit)} is expected")
        raise _err(f"found {go_quote(value)} where {go_quote(lit)} is expected")
    return value[len(lit) :]


def _isdigit(s: str, i: int) -> bool:
    return i < len(s) and "0" <= s[i] <= "9"


def _num2(value: str, what: str) -> tuple[int, str]:
    """Go's getnum(value, fixed=true): exactly two digits."""
    if not (_isdigit(value, 0) and _isdigit(value, 1)):
        raise _cannot(value, what)
    return int(value[:2]), value[2:]


def parse_timestamp(s: str) -> Time:
    """time.Parse(time.RFC3339, s) with terraform's error messages."""
    value = s
    if len(value) < 4 or not _isdigit(value, 0) or not value[:4].isdigit() or not value[:4].isascii():
        raise _cannot(value, "year")
    year, value = int(value[:4]), value[4:]
    value = _skip(value, "-")
    hold = value
    month, value = _num2(value, "month")
    if not 1 <= month <= 12:
        raise _cannot(value, "month")
    value = _skip(value, "-")
    day, value = _num2(value, "day of month")
    value = _skip(value, "T")
    if not _isdigit(value, 0):
        raise _cannot(value, "hour")
    if not _isdigit(value, 1):
        raise _err("hour must have exactly two digits")
    hour, value = int(value[:2]), value[2:]
    if hour >= 24:
        raise _err("hour must be between 0 and 23 inclusive")
    value = _skip(value, ":")
    if not _isdigit(value, 0):
        raise _cannot(value, "minute")
    if not _isdigit(value, 1) or int(value[:2]) >= 60:
        raise _err("minute must have exactly two digits")
    minute, value = int(value[:2]), value[2:]
    value = _skip(value, ":")
    second, value = _num2(value, "second")
    if second >= 60:
        raise _cannot(value, "second")
    nsec = 0
    comma = False
    if len(value) >= 2 and value[0] in ".," and _isdigit(value, 1):
        comma = value[0] == ","
        n = 2
        while _isdigit(value, n):
            n += 1
        frac = value[1:n][:9]
        nsec = int(frac.ljust(9, "0"))
        value = value[n:]
    hold = value
    tz_strict_bad = False
    if value.startswith("Z"):
        offset = 0
        value = value[1:]
    else:
        if len(value) < 6 or value[3] != ":" or value[0] not in "+-":
            raise _cannot(hold, "UTC offset")
        hh, mm = value[1:3], value[4:6]
        if not (hh.isdigit() and hh.isascii() and mm.isdigit() and mm.isascii()):
            raise _cannot(hold, "UTC offset")
        value = value[6:]
        hr, mn = int(hh), int(mm)
        if hr > 24 or mn > 60:
            raise _cannot(value, "UTC offset")
        tz_strict_bad = hr >= 24 or mn >= 60
        offset = (hr * 60 + mn) * 60
        if hold[0] == "-":
            offset = -offset
    if value:
        raise _cannot(value, "timestamp segment")
    if day < 1 or day > days_in(month, year):
        raise _err("day out of range")
    if comma:
        raise _cannot(",", "timestamp segment")
    if tz_strict_bad:
        raise _cannot(hold, "UTC offset")
    local = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
    return Time(local - offset, nsec, offset)


# --- Go durations ----------------------------------------------------------------

_UNITS = {
    "ns": 1,
    "us": 1_000,
    "\u00b5s": 1_000,
    "\u03bcs": 1_000,
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60 * 1_000_000_000,
    "h": 3600 * 1_000_000_000,
}
_I64 = 1 << 63


def _time_quote(s: str) -> str:
    """Go's time.quote."""
    out = ['"']
    for ch in s:
        if ord(ch) >= 0x80 or ch < " ":
            out.extend(f"\\x{b:02x}" for b in ch.encode())
        else:
            if ch in '"\\':
                out.append("\\")
            out.append(ch)
    out.append('"')
    return "".join(out)


def parse_duration(orig: str) -> int:
    """time.ParseDuration: nanoseconds (ValueError with Go's message)."""
    s = orig
    invalid = ValueError(f"time: invalid duration {_time_quote(orig)}")
    neg = False
    if s and s[0] in "+-":
        neg = s[0] == "-"
        s = s[1:]
    if s == "0":
        return 0
    if s == "":
        raise invalid
    d = 0
    while s:
        if not (s[0] == "." or "0" <= s[0] <= "9"):
            raise invalid
        i = 0
        v = 0
        while i < len(s) and "0" <= s[i] <= "9":
            if v > (_I64 - 1) // 10:
                raise invalid
            v = v * 10 + ord(s[i]) - 48
            if v > _I64:
                raise invalid
            i += 1
        pre = i > 0
        s = s[i:]
        post = False
        f, scale = 0, 1.0
        if s and s[0] == ".":
            s = s[1:]
            i = 0
            overflow = False
            while i < len(s) and "0" <= s[i] <= "9":
                if not overflow:
                    if f > (_I64 - 1) // 10:
                        overflow = True
                    else:
                        y = f * 10 + ord(s[i]) - 48
                        if y > _I64:
                            overflow = True
                        else:
                            f = y
                            scale *= 10
                i += 1
            post = i > 0
            s = s[i:]
        if not pre and not post:
            raise invalid
        i = 0
        while i < len(s) and not (s[i] == "." or "0" <= s[i] <= "9"):
            i += 1
        if i == 0:
            raise ValueError(f"time: missing unit in duration {_time_quote(orig)}")
        u, s = s[:i], s[i:]
        unit = _UNITS.get(u)
        if unit is None:
            raise ValueError(f"time: unknown unit {_time_quote(u)} in duration {_time_quote(orig)}")
        if v > _I64 // unit:
            raise invalid
        v *= unit
        if f > 0:
            v += int(float(f) * (float(unit) / scale))
            if v > _I64:
                raise invalid
        d += v
        if d > _I64:
            raise invalid
    if neg:
        return -d
    if d > _I64 - 1:
        raise invalid
    return d


# --- formatdate ------------------------------------------------------------------


def _tokens(fmt: str) -> list[str]:
    """cty's splitDateFormat."""
    out: list[str] = []
    i, n = 0, len(fmt)
    while i < n:
        c = fmt[i]
        if c == "'":
            if i + 1 < n and fmt[i + 1] == "'":
                out.append("''")
                i += 2
                continue
            j = i + 1
            end = n
            while j < n:
                if fmt[j] == "'":
                    if j + 1 < n and fmt[j + 1] == "'":
                        j += 2
                        continue
                    end = j + 1
                    break
                j += 1
            out.append(fmt[i:end])
            i = end
        elif c.isascii() and c.isalpha():
            j = i + 1
            while j < n and fmt[j] == c:
                j += 1
            out.append(fmt[i:j])
            i = j
        else:
            j = i + 1
            while j < n and fmt[j] != "'" and not (fmt[j].isascii() and fmt[j].isalpha()):
                j += 1
            out.append(fmt[i:j])
            i = j
    return out


def _verb_error(tok: str, detail: str = "") -> FunctionError:
    msg = f"invalid date format verb {go_quote(tok)}"
    if detail:
        msg += f": {detail}"
    return FunctionError(msg, arg_index=0)


def format_date(fmt: str, t: Time) -> str:
    y, mo, d, h, mi, s, wd = t.local()
    buf: list[str] = []
    for tok in _tokens(fmt):
        c = tok[0]
        n = len(tok)
        if c == "'":
            if tok[-1] != "'" or n == 1:
                raise FunctionError("unterminated literal '", arg_index=0)
            if n == 2:
                buf.append("'")
            else:
                buf.append(tok[1:-1].replace("''", "'"))
        elif c.isascii() and c.isalpha():
            if c == "Y":
                if n == 2:
                    buf.append(f"{y % 100:02d}")
                elif n == 4:
                    buf.append(f"{y:04d}")
                else:
                    raise _verb_error(tok, 'year must either be "YY" or "YYYY"')
            elif c == "M":
                if n == 1:
                    buf.append(str(mo))
                elif n == 2:
                    buf.append(f"{mo:02d}")
                elif n == 3:
                    buf.append(_MONTHS[mo - 1][:3])
                elif n == 4:
                    buf.append(_MONTHS[mo - 1])
                else:
                    raise _verb_error(tok, 'month must be "M", "MM", "MMM", or "MMMM"')
            elif c == "D":
                if n == 1:
                    buf.append(str(d))
                elif n == 2:
                    buf.append(f"{d:02d}")
                else:
                    raise _verb_error(tok, 'day of month must either be "D" or "DD"')
            elif c == "E":
                if n == 3:
                    buf.append(_WEEKDAYS[wd][:3])
                elif n == 4:
                    buf.append(_WEEKDAYS[wd])
                else:
                    raise _verb_error(tok, 'day of week must either be "EEE" or "EEEE"')
            elif c == "h":
                if n == 1:
                    buf.append(str(h))
                elif n == 2:
                    buf.append(f"{h:02d}")
                else:
                    raise _verb_error(tok, '24-hour must either be "h" or "hh"')
            elif c == "H":
                h12 = h % 12 or 12
                if n == 1:
                    buf.append(str(h12))
                elif n == 2:
                    buf.append(f"{h12:02d}")
                else:
                    raise _verb_error(tok, '12-hour must either be "H" or "HH"')
            elif c in "Aa":
                if n != 2:
                    raise _verb_error(tok, f'must be "{c}{c}"')
                ampm = "AM" if h < 12 else "PM"
                buf.append(ampm if c == "A" else ampm.lower())
            elif c == "m":
                if n == 1:
                    buf.append(str(mi))
                elif n == 2:
                    buf.append(f"{mi:02d}")
                else:
                    raise _verb_error(tok, 'minute must either be "m" or "mm"')
            elif c == "s":
                if n == 1:
                    buf.append(str(s))
                elif n == 2:
                    buf.append(f"{s:02d}")
                else:
                    raise _verb_error(tok, 'second must either be "s" or "ss"')
            elif c == "Z":
                if n == 1:
                    buf.append(t.zone(True, True))
                elif n == 3:
                    z = t.zone(False, False)
                    buf.append("UTC" if z == "+0000" else z)
                elif n == 4:
                    buf.append(t.zone(False, False))
                elif n == 5:
                    buf.append(t.zone(True, False))
                else:
                    raise _verb_error(tok, "timezone must be Z, ZZZZ, or ZZZZZ")
            else:
                raise _verb_error(tok)
        else:
            buf.append(tok)
    return "".join(buf)


# --- functions ---------------------------------------------------------------------


def _parse_arg(v: Value, arg_index: int | None) -> Time:
    try:
        return parse_timestamp(v.as_str())
    except TimestampError as e:
        raise FunctionError(str(e), arg_index=arg_index) from None


def _formatdate(args: Sequence[Value], _rt: Type) -> Value:
    t = _parse_arg(args[1], 1)
    return string_val(format_date(args[0].as_str(), t))


def _timeadd(args: Sequence[Value], _rt: Type) -> Value:
    t = _parse_arg(args[0], None)
    try:
        d = parse_duration(args[1].as_str())
    except ValueError as e:
        raise FunctionError(str(e)) from None
    return string_val(t.add(d).rfc3339())


def _timecmp(args: Sequence[Value], _rt: Type) -> Value:
    from sheath.lang.funcs import numbers

    a = _parse_arg(args[0], 0)
    b = _parse_arg(args[1], 1)
    ka, kb = a.key(), b.key()
    return numbers.from_int(-1 if ka < kb else (1 if ka > kb else 0))


def now_rfc3339() -> str:
    secs = int(_time.time())
    return Time(secs, 0, 0).rfc3339()


def _timestamp(_args: Sequence[Value], _rt: Type) -> Value:
    return string_val(now_rfc3339())


def _unknown_string(_args: Sequence[Value], rt: Type) -> Value:
    return unknown(rt)


def _static_timestamp(ts: str | None) -> ImplFn:
    def impl(_args: Sequence[Value], rt: Type) -> Value:
        if not ts:
            return unknown(rt)
        return string_val(ts)

    return impl


def functions(ctx: FunctionContext) -> dict[str, Function]:
    s = STRING
    table = {
        "formatdate": func("formatdate", [param("format", s), param("time", s)], s, _formatdate),
        "timeadd": func("timeadd", [param("timestamp", s), param("duration", s)], s, _timeadd),
        "timecmp": func("timecmp", [param("timestamp_a", s), param("timestamp_b", s)], NUMBER, _timecmp),
        "timestamp": func("timestamp", [], s, _unknown_string if ctx.pure_only else _timestamp),
    }
    # plantimestamp exists only where a plan is being made (terraform's console
    # has no such function). A context opts in with a plan_timestamp attribute
    # that is not None: an RFC 3339 string, or "" while it is not known yet
    # (terraform's validate walk, where the result is unknown).
    plan_ts = getattr(ctx, "plan_timestamp", None)
    if plan_ts is not None:
        table["plantimestamp"] = func("plantimestamp", [], s, _static_timestamp(plan_ts))
    return table
