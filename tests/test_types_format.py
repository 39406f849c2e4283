"""format_value: terraform console's rendering, checked against terraform itself."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

import pytest

from sheath.types import (
    BOOL,
    DYNAMIC,
    EMPTY_OBJECT_VAL,
    EMPTY_TUPLE_VAL,
    NUMBER,
    SENSITIVE,
    STRING,
    ListType,
    MapType,
    ObjectType,
    SetType,
    TRUE,
    Value,
    convert,
    format_value,
    list_val,
    map_val,
    null,
    number_val,
    object_val,
    set_val,
    string_val,
    tuple_val,
    unknown,
)
from sheath.types.number import Number

N = number_val
S = string_val

# (terraform expression, the value sheath builds for it)
CASES: list[tuple[str, Callable[[], Value]]] = [
    ("1", lambda: N(1)),
    ("-0", lambda: Value(NUMBER, Number.parse("0").neg())),
    ("1/3", lambda: Value(NUMBER, Number.parse("1").quo(Number.parse("3")))),
    ("1/0", lambda: Value(NUMBER, Number.parse("1").quo(Number.parse("0")))),
    ("pow(2,100)", lambda: N(2.0**100)),
    ("true", lambda: TRUE),
    ("null", lambda: null()),
    ('"a\\"b"', lambda: S('a"b')),
    ('"tab\\there \\u00e9 \\u0001 \\U0001F600"', lambda: S("tab\there \u00e9 \x01 \U0001f600")),
    ('"\\u2028x"', lambda: S("\u2028x")),
    ('"a\\rb"', lambda: S("a\rb")),
    ('"$${x} %%{y}"', lambda: S("${x} %{y}")),
    ('"line1\\nline2"', lambda: S("line1\nline2")),
    ('"line1\\nline2\\n"', lambda: S("line1\nline2\n")),
    ('"EOT\\nx"', lambda: S("EOT\nx")),
    ('" EOT\\nEOT_\\n"', lambda: S(" EOT\nEOT_\n")),
    ('["a\\nb", "c"]', lambda: tuple_val([S("a\nb"), S("c")])),
    ('{"a\\nb"=1}', lambda: object_val({"a\nb": N(1)})),
    ("{}", lambda: EMPTY_OBJECT_VAL),
    ("[]", lambda: EMPTY_TUPLE_VAL),
    ("tomap({})", lambda: Value(MapType(DYNAMIC), {})),
    ("toset([])", lambda: Value(SetType(DYNAMIC), ())),
    ("tolist([])", lambda: Value(ListType(DYNAMIC), ())),
    ("tolist(null)", lambda: null(ListType(DYNAMIC))),
    ("tostring(null)", lambda: null(STRING)),
    ("tonumber(null)", lambda: null(NUMBER)),
    ("tobool(null)", lambda: null(BOOL)),
    ("[null, tostring(null)]", lambda: tuple_val([null(), null(STRING)])),
    ("sensitive(1)", lambda: N(1).mark(SENSITIVE)),
    ('sensitive(["a"])', lambda: tuple_val([S("a")]).mark(SENSITIVE)),
    (
        '{a=sensitive("x"), b=[sensitive(1)]}',
        lambda: object_val({"a": S("x").mark(SENSITIVE), "b": tuple_val([N(1).mark(SENSITIVE)])}),
    ),
    (
        '{a=1, bbbb=2, c={x="y", zz=[1,"a"]}}',
        lambda: object_val(
            {"a": N(1), "bbbb": N(2), "c": object_val({"x": S("y"), "zz": tuple_val([N(1), S("a")])})}
        ),
    ),
    ('{"a b"=1, "1x"=2, "x-y"=3}', lambda: object_val({"a b": N(1), "1x": N(2), "x-y": N(3)})),
    ('tomap({"a b"=1})', lambda: map_val({"a b": N(1)})),
    ("[[], {}, [[]]]", lambda: tuple_val([EMPTY_TUPLE_VAL, EMPTY_OBJECT_VAL, tuple_val([EMPTY_TUPLE_VAL])])),
    ("tomap({a=tolist([1])})", lambda: map_val({"a": list_val([N(1)])})),
    ("[{a=1, bb=2}, {}]", lambda: tuple_val([object_val({"a": N(1), "bb": N(2)}), EMPTY_OBJECT_VAL])),
    ("toset([3, 1, 2, 1])", lambda: set_val([N(3), N(1), N(2), N(1)])),
    ('toset(["b", "a", "B"])', lambda: set_val([S("b"), S("a"), S("B")])),
    ("toset([true, false])", lambda: set_val([TRUE, Value(BOOL, False)])),
    ("toset([{a=1},{a=2}])", lambda: set_val([object_val({"a": N(1)}), object_val({"a": N(2)})])),
    (
        'toset([["b"], ["a", "c"], ["a"]])',
        lambda: set_val([list_val([S("b")]), list_val([S("a"), S("c")]), list_val([S("a")])]),
    ),
    (
        "toset([[10], [9], [1, 2]])",
        lambda: set_val([list_val([N(10)]), list_val([N(9)]), list_val([N(1), N(2)])]),
    ),
    ('tolist([1, "a", true])', lambda: convert(tuple_val([N(1), S("a"), TRUE]), ListType(DYNAMIC))),
    ("tolist([null, 1])", lambda: convert(tuple_val([null(), N(1)]), ListType(DYNAMIC))),
    ("tomap({a=null})", lambda: convert(object_val({"a": null()}), MapType(DYNAMIC))),
    ("tolist([[1],[2,3]])", lambda: convert(tuple_val([tuple_val([N(1)]), tuple_val([N(2), N(3)])]), ListType(DYNAMIC))),
    ('tolist([[1],["a"]])', lambda: convert(tuple_val([tuple_val([N(1)]), tuple_val([S("a")])]), ListType(DYNAMIC))),
    (
        "tolist([{a=1},{b=2}])",
        lambda: convert(tuple_val([object_val({"a": N(1)}), object_val({"b": N(2)})]), ListType(DYNAMIC)),
    ),
    (
        'tolist([{a=1},{a="x"}])',
        lambda: convert(tuple_val([object_val({"a": N(1)}), object_val({"a": S("x")})]), ListType(DYNAMIC)),
    ),
    ('{a=[{b={c="x\\ny"}}]}', lambda: object_val({"a": tuple_val([object_val({"b": object_val({"c": S("x\ny")})})])})),
    (
        "toset([[1e21],[9],[10]])",
        lambda: set_val([tuple_val([N("1e21")]), tuple_val([N(9)]), tuple_val([N(10)])]),
    ),
    (
        'toset([{a="b"},{a="a\\"x"}, {a="a"}])',
        lambda: set_val([object_val({"a": S("b")}), object_val({"a": S('a"x')}), object_val({"a": S("a")})]),
    ),
    ("toset([tomap({b=1}), tomap({a=2})])", lambda: set_val([map_val({"b": N(1)}), map_val({"a": N(2)})])),
    ('toset(["é","z","Z","a"])', lambda: set_val([S("é"), S("z"), S("Z"), S("a")])),
    ("toset([1.5, -1, 1e300, 0.25])", lambda: set_val([N("1.5"), N(-1), N("1e300"), N("0.25")])),
    ("toset([[true],[false]])", lambda: set_val([tuple_val([TRUE]), tuple_val([Value(BOOL, False)])])),
    ('toset([null, "a"])', lambda: convert(tuple_val([null(), S("a")]), SetType(DYNAMIC))),
    ('toset([[null], ["a"]])', lambda: convert(tuple_val([tuple_val([null()]), tuple_val([S("a")])]), SetType(DYNAMIC))),
    (
        "tolist(null) /* dyn */",
        lambda: null(ListType(DYNAMIC)),
    ),
]

# Expected output for the cases, as terraform 1.11.4 prints them (for machines
# without terraform; the differential test below re-checks them live).
STATIC = {
    '{a=1, bbbb=2, c={x="y", zz=[1,"a"]}}': '{\n  "a" = 1\n  "bbbb" = 2\n  "c" = {\n    "x" = "y"\n    "zz" = [\n      1,\n      "a",\n    ]\n  }\n}',
    '["a\\nb", "c"]': '[\n  <<-EOT\n  a\n  b\n  EOT,\n  "c",\n]',
    '"line1\\nline2\\n"': "<<EOT\nline1\nline2\n\nEOT",
    "tolist(null)": "tolist(null) /* of dynamic */",
    '"tab\\there \\u00e9 \\u0001 \\U0001F600"': '"tab\\there \u00e9 \\x01 \U0001f600"',
    '"\\u2028x"': '"\\u2028x"',
    '{"a\\nb"=1}': "{\n  <<-EOT\n  a\n  b\n  EOT = 1\n}",
    '{a=sensitive("x"), b=[sensitive(1)]}': '{\n  "a" = (sensitive value)\n  "b" = [\n    (sensitive value),\n  ]\n}',
    "tolist([null, 1])": "tolist([\n  tonumber(null),\n  1,\n])",
}


@pytest.mark.parametrize("expr", sorted(STATIC))
def test_format_static(expr: str) -> None:
    build = dict(CASES)[expr]
    assert format_value(build()) == STATIC[expr]


def test_ephemeral_marks() -> None:
    from sheath.types import EPHEMERAL

    assert format_value(S("a").mark(EPHEMERAL)) == "(ephemeral value)"
    assert format_value(tuple_val([S("a").mark(EPHEMERAL)])) == "[\n  (ephemeral value),\n]"
    assert format_value(S("b").mark(EPHEMERAL, SENSITIVE)) == "(sensitive value)"


def test_unknown_and_nulls() -> None:
    assert format_value(unknown(STRING)) == "(known after apply)"
    assert format_value(null(ObjectType({"a": STRING}))) == "null /* object */"
    assert format_value(null(SetType(STRING))) == "toset(null) /* of string */"
    assert format_value(null(MapType(ListType(STRING)))) == "tomap(null) /* of list of string */"
    assert format_value(tuple_val([unknown(NUMBER)])) == "[\n  (known after apply),\n]"


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_format_matches_terraform_console(run_terraform: Callable[..., object], tmp_path: Path) -> None:
    exprs = [e for e, _ in CASES]

    def run(i_expr: tuple[int, str]) -> str:
        i, expr = i_expr
        d = tmp_path / f"c{i}"
        d.mkdir()
        src = expr.split(" /*")[0]
        res = run_terraform(["console"], cwd=d, stdin=src + "\n")
        assert res.returncode == 0, (expr, res.stderr)  # type: ignore[attr-defined]
        return _ANSI.sub("", res.stdout).rstrip("\n")  # type: ignore[attr-defined]

    with ThreadPoolExecutor(max_workers=8) as pool:
        outputs = list(pool.map(run, enumerate(exprs)))
    mismatches = []
    for (expr, build), want in zip(CASES, outputs):
        got = format_value(build())
        if got != want:
            mismatches.append(f"{expr}\n--- terraform\n{want}\n--- sheath\n{got}")
    assert not mismatches, "\n\n".join(mismatches)
