"""Date and time functions; expected results observed from terraform 1.11.4's console."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from sheath.lang.funcs import numbers
from sheath.lang.funcs.call import call_function
from sheath.lang.funcs.datetime import functions, parse_duration
from sheath.lang.funcs.function import FunctionContext, FunctionError
from sheath.types.cty import Value, string_val

FUNCS = functions(FunctionContext())
S = string_val


def call(name: str, *args: str) -> object:
    r = call_function(FUNCS[name], [S(a) for a in args], convert=False)
    return numbers.text(r) if r.type.friendly_name() == "number" else r.v


def fails(name: str, *args: str) -> FunctionError:
    with pytest.raises(FunctionError) as ei:
        call(name, *args)
    return ei.value


@pytest.mark.parametrize(
    "fmt,ts,want",
    [
        ("DD MMM YYYY hh:mm ZZZ", "2018-01-02T23:12:01Z", "02 Jan 2018 23:12 UTC"),
        ("EEEE, DD-MMM-YY hh:mm:ss ZZZ", "2018-01-02T23:12:01-08:00", "Tuesday, 02-Jan-18 23:12:01 -0800"),
        ("EEE, DD MMM YYYY hh:mm:ss Z", "2018-01-02T23:12:01+05:30", "Tue, 02 Jan 2018 23:12:01 +05:30"),
        ("MMM DD, YYYY", "2018-01-02T23:12:01Z", "Jan 02, 2018"),
        ("h:mm AA", "2018-01-02T03:12:01Z", "3:12 AM"),
        ("H:mm aa", "2018-01-02T00:05:01Z", "12:05 am"),
        ("HH MMMM M D", "2018-07-09T13:00:00Z", "01 July 7 9"),
        ("YYYYMMDDhhmmss'Z'", "2018-01-02T23:12:01Z", "20180102231201Z"),
        ("'literal''s' YY", "2018-01-02T23:12:01Z", "literal's 18"),
        ("''", "2018-01-02T23:12:01Z", "'"),
        ("", "2018-01-02T23:12:01Z", ""),
        ("ZZZ", "2018-01-02T23:12:01+00:00", "UTC"),
        ("Z ZZZZ ZZZZZ", "2018-01-02T23:12:01Z", "Z +0000 +00:00"),
        ("m s", "2018-01-02T23:02:03.999Z", "2 3"),
        ("YYYY-MM-DD hh:mm:ss ZZZZZ", "2017-01-02T00:00:00.1234567891Z", "2017-01-02 00:00:00 +00:00"),
        ("YYYY-MM-DD", "0000-01-01T00:00:00Z", "0000-01-01"),
    ],
)
def test_formatdate(fmt: str, ts: str, want: str) -> None:
    assert call("formatdate", fmt, ts) == want


@pytest.mark.parametrize(
    "fmt,msg",
    [
        ("H:mm a", 'invalid date format verb "a": must be "aa"'),
        ("aa A", 'invalid date format verb "A": must be "AA"'),
        ("M D Z ZZ", 'invalid date format verb "ZZ": timezone must be Z, ZZZZ, or ZZZZZ'),
        ("YYY", 'invalid date format verb "YYY": year must either be "YY" or "YYYY"'),
        ("Y", 'invalid date format verb "Y": year must either be "YY" or "YYYY"'),
        ("x", 'invalid date format verb "x"'),
        ("'unterminated", "unterminated literal '"),
        ("'", "unterminated literal '"),
        ("MMMMM", 'invalid date format verb "MMMMM": month must be "M", "MM", "MMM", or "MMMM"'),
        ("EE", 'invalid date format verb "EE": day of week must either be "EEE" or "EEEE"'),
        ("ss.sss", 'invalid date format verb "sss": second must either be "s" or "ss"'),
        ("DDD", 'invalid date format verb "DDD": day of month must either be "D" or "DD"'),
        ("hhh", 'invalid date format verb "hhh": 24-hour must either be "h" or "hh"'),
        ("HHH", 'invalid date format verb "HHH": 12-hour must either be "H" or "HH"'),
        ("mmm", 'invalid date format verb "mmm": minute must either be "m" or "mm"'),
    ],
)
def test_formatdate_format_errors(fmt: str, msg: str) -> None:
    e = fails("formatdate", fmt, "2018-01-02T23:12:01Z")
    assert (e.message, e.arg_index) == (msg, 0)


@pytest.mark.parametrize(
    "ts,msg",
    [
        ("", "end of string before year"),
        ("nope", 'cannot use "nope" as year'),
        ("2017-01-02", "missing required time introducer 'T'"),
        ("2017-12-02t00:00:00Z", "missing required time introducer 'T'"),
        ("2017-02-28 00:00:00Z", "missing required time introducer 'T'"),
        ("2017:01:02", 'found ":01:02" where "-" is expected'),
        ("2017", 'end of string where "-" is expected'),
        ("2017-01-02T", "end of string before hour"),
        ("2017-01-02T00", 'end of string where ":" is expected'),
        ("2017-01-02T00:00:00", "end of string before UTC offset"),
        ("2017-01-02T26:00:00Z", "hour must be between 0 and 23 inclusive"),
        ("2017-13-02T00:00:00Z", 'cannot use "-02T00:00:00Z" as month'),
        ("2017-00-02T00:00:00Z", 'cannot use "-02T00:00:00Z" as month'),
        ("2017-02-31T00:00:00Z", "day out of range"),
        ("2017-01-00T00:00:00Z", "day out of range"),
        ("2017-02-29T00:00:00Z", "day out of range"),
        ('"2017-12-02T00:00:00Z"', 'cannot use "\\"2017-12-02T00:00:00Z\\"" as year'),
        ("2-12-02T00:00:00Z", 'cannot use "2-12-02T00:00:00Z" as year'),
        ("2017-1-02T00:00:00Z", 'cannot use "1-02T00:00:00Z" as month'),
        ("2017-01-2T00:00:00Z", 'cannot use "2T00:00:00Z" as day of month'),
        ("2017-01-02T0:00:00Z", "hour must have exactly two digits"),
        ("2017-01-02T00:0:00Z", "minute must have exactly two digits"),
        ("2017-01-02T00:60:00Z", "minute must have exactly two digits"),
        ("2017-01-02T00:00:0Z", 'cannot use "0Z" as second'),
        ("2017-01-02T00:00:60Z", 'cannot use "Z" as second'),
        ("2017-01-02T00:00:00.Z", 'cannot use ".Z" as UTC offset'),
        ("2017-01-02T00:00:00+0100", 'cannot use "+0100" as UTC offset'),
        ("2017-01-02T00:00:00+01:0", 'cannot use "+01:0" as UTC offset'),
        ("2017-01-02T00:00:00+24:00", 'cannot use "+24:00" as UTC offset'),
        ("2017-01-02T00:00:00+23:60", 'cannot use "+23:60" as UTC offset'),
        ("2017-02-28T23:00:00+25:00", "end of string before UTC offset"),
        ("2017-01-02T00:00:00+01:00x", 'cannot use "x" as timestamp segment'),
        ("2017-01-02T00:00:00z", 'cannot use "z" as UTC offset'),
        ("2017-01-02T00:00:00 Z", 'cannot use " Z" as UTC offset'),
        ("2017-01-02T00:00:00+1:00", 'cannot use "+1:00" as UTC offset'),
        ("2017-01-02T00:00:00x01:00", 'cannot use "x01:00" as UTC offset'),
        ("2017-02-28T23:00:00,5-00:30", 'cannot use "," as timestamp segment'),
        ("2017-02-28T00:00:00Zx", 'cannot use "x" as timestamp segment'),
    ],
)
def test_formatdate_timestamp_errors(ts: str, msg: str) -> None:
    e = fails("formatdate", "x", ts)  # the timestamp is checked before the format
    assert (e.message, e.arg_index) == ("not a valid RFC3339 timestamp: " + msg, 1)


@pytest.mark.parametrize(
    "ts,dur,want",
    [
        ("2017-11-22T00:00:00Z", "10m", "2017-11-22T00:10:00Z"),
        ("2017-11-22T00:00:00Z", "-1.5h", "2017-11-21T22:30:00Z"),
        ("2017-11-22T00:00:00+05:00", "1h30m15.5s", "2017-11-22T01:30:15+05:00"),
        ("2017-11-22T00:00:00.999Z", "1ms", "2017-11-22T00:00:01Z"),
        ("2017-11-22T00:00:00Z", "0", "2017-11-22T00:00:00Z"),
        ("2017-11-22T00:00:00Z", "1µs", "2017-11-22T00:00:00Z"),
        ("2017-11-22T00:00:00+05:00", ".5s", "2017-11-22T00:00:00+05:00"),
        ("2017-11-22T00:00:00+05:00", "1.s", "2017-11-22T00:00:01+05:00"),
        ("2017-11-22T00:00:00+05:00", "+5s", "2017-11-22T00:00:05+05:00"),
        ("9999-12-31T23:00:00Z", "2h", "10000-01-01T01:00:00Z"),
        ("2016-02-28T23:00:00-00:00", "1h", "2016-02-29T00:00:00Z"),
        ("2017-11-22T00:00:00Z", "2562047h47m16.854775807s", "2310-03-03T23:47:16Z"),
    ],
)
def test_timeadd(ts: str, dur: str, want: str) -> None:
    assert call("timeadd", ts, dur) == want


@pytest.mark.parametrize(
    "ts,dur,msg",
    [
        ("x", "1h", 'not a valid RFC3339 timestamp: cannot use "x" as year'),
        ("2017-11-22T3:00:00Z", "1h", "not a valid RFC3339 timestamp: hour must have exactly two digits"),
        ("2017-11-22T00:00:00Z", "1", 'time: missing unit in duration "1"'),
        ("2017-11-22T00:00:00Z", "1x", 'time: unknown unit "x" in duration "1x"'),
        ("2017-11-22T00:00:00Z", "1h-5m", 'time: unknown unit "h-" in duration "1h-5m"'),
        ("2017-11-22T00:00:00Z", "1é", 'time: unknown unit "\\xc3\\xa9" in duration "1\\xc3\\xa9"'),
        ("2017-11-22T00:00:00Z", "", 'time: invalid duration ""'),
        ("2017-11-22T00:00:00Z", "-", 'time: invalid duration "-"'),
        ("2017-11-22T00:00:00Z", ".s", 'time: invalid duration ".s"'),
        ("2017-11-22T00:00:00Z", "99999999999h", 'time: invalid duration "99999999999h"'),
        ("2017-11-22T00:00:00Z", "2562047h47m16.854775808s", 'time: invalid duration "2562047h47m16.854775808s"'),
    ],
)
def test_timeadd_errors(ts: str, dur: str, msg: str) -> None:
    e = fails("timeadd", ts, dur)
    assert (e.message, e.arg_index) == (msg, None)


def test_parse_duration_values() -> None:
    assert parse_duration("1h30m") == 5400 * 10**9
    assert parse_duration("-10s") == -10 * 10**9
    assert parse_duration("1.5h") == 5400 * 10**9
    assert parse_duration("2ms3us4ns") == 2_003_004
    assert parse_duration("2562047h47m16.854775807s") == 2**63 - 1


def test_timecmp() -> None:
    assert call("timecmp", "2017-11-22T00:00:00Z", "2017-11-22T01:00:00+01:00") == "0"
    assert call("timecmp", "2017-11-22T00:00:00Z", "2017-11-22T00:00:01Z") == "-1"
    assert call("timecmp", "2017-11-22T00:00:01Z", "2017-11-22T00:00:00Z") == "1"
    assert call("timecmp", "2017-11-22T00:00:00.5Z", "2017-11-22T00:00:00.25Z") == "1"
    e = fails("timecmp", "x", "2017-11-22T00:00:00Z")
    assert (e.arg_index, e.message) == (0, 'not a valid RFC3339 timestamp: cannot use "x" as year')
    e = fails("timecmp", "2017-11-22T00:00:00Z", "2017-02-30T00:00:00Z")
    assert (e.arg_index, e.message) == (1, "not a valid RFC3339 timestamp: day out of range")


def test_timestamp() -> None:
    v = call("timestamp")
    assert isinstance(v, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", v)
    pure = functions(FunctionContext(pure_only=True))
    assert not call_function(pure["timestamp"], []).is_known


def test_plantimestamp() -> None:
    # terraform's console has no plantimestamp; contexts opt in with plan_timestamp
    assert "plantimestamp" not in FUNCS
    ctx = SimpleNamespace(base_dir=".", render_template=None, pure_only=False, plan_timestamp=None)
    assert "plantimestamp" not in functions(ctx)  # type: ignore[arg-type]
    ctx.plan_timestamp = ""
    planning = functions(ctx)  # type: ignore[arg-type]
    assert not call_function(planning["plantimestamp"], []).is_known
    ctx.plan_timestamp = "2024-01-01T00:00:00Z"
    v: Value = call_function(functions(ctx)["plantimestamp"], [])  # type: ignore[arg-type]
    assert v.v == "2024-01-01T00:00:00Z"
