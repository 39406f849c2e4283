"""Numeric functions (abs ceil floor log max min parseint pow signum).

Every CASES row is an expression with the result terraform 1.11.4's console
printed for it (or the error diagnostic it reported), observed by running
`terraform console` on each expression. Unknown values come from a stand-in for
``resource "terraform_data" "x" { input = "a" }`` without state:
``terraform_data.x.id`` and ``terraform_data.x.output`` are unknowns of dynamic type
(terraform evaluates resources without state as DynamicVal).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pytest

from sheath.lang.eval.context import EvalContext
from sheath.lang.eval.evaluator import evaluate
from sheath.lang.funcs.function import Function
from sheath.lang.funcs.registry import builtin_functions
from sheath.lang.hclsyntax.parser import parse_expression
from sheath.types.cty import DYNAMIC, STRING, object_val, string_val, unknown
from sheath.types.format import format_value


@dataclass(frozen=True)
class Err:
    """An expected error: terraform's diagnostic summary and detail."""

    summary: str
    detail: str


PANIC = Err("Error in function call", "panic in function implementation")


@lru_cache(maxsize=1)
def functions() -> dict[str, Function]:
    return builtin_functions(".")


def _context() -> EvalContext:
    tfd = object_val(
        {"x": object_val({"id": unknown(DYNAMIC), "output": unknown(DYNAMIC), "input": string_val("a")})}
    )
    return EvalContext({"terraform_data": tfd}, functions())


def evaluate_console(expr: str) -> str | Err:
    node, pdiags = parse_expression(expr.encode(), "<console-input>")
    assert not pdiags.has_errors(), [d.summary for d in pdiags]
    val, diags = evaluate(node, _context())
    errs = diags.errors()
    if errs:
        return Err(errs[0].summary, errs[0].detail)
    return format_value(val)


def check(expr: str, want: str | Err) -> None:
    got = evaluate_console(expr)
    if want is PANIC:
        assert isinstance(got, Err) and got.summary == PANIC.summary and PANIC.detail in got.detail, got
        return
    assert got == want, f"{expr}: got {got!r}, want {want!r}"


CASES: list[tuple[str, str | Err]] = [
    ('abs(-0)', '0'),
    ('abs(-1.5)', '1.5'),
    ('abs(-1/0)', '+Inf'),
    ('abs(0)', '0'),
    ('abs(null)', Err('Invalid function argument', 'Invalid value for "num" parameter: argument must not be null.')),
    ('abs(-123456789012345678901234567890)', '123456789012345678901234567890'),
    ('abs(-0.1)', '0.1'),
    ('abs(true)', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('abs(terraform_data.x.output)', '(known after apply)'),
    ('abs(tostring(terraform_data.x.id))', '(known after apply)'),
    ('abs(tonumber(terraform_data.x.id))', '(known after apply)'),
    ('abs(tobool(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('abs(tolist(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('abs(tomap(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('abs(sensitive(1))', '(sensitive value)'),
    ('abs(1)', '1'),
    ('abs([null])', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('abs("")', Err('Invalid function argument', 'Invalid value for "num" parameter: a number is required.')),
    ('abs(["x", "x", "y"])', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('abs(endswith("true", []))', Err('Invalid function argument', 'Invalid value for "suffix" parameter: string required.')),
    ('abs(endswith(tomap({a = tostring(terraform_data.x.id)}), null))', Err('Invalid function argument', 'Invalid value for "str" parameter: string required.')),
    ('abs(lower([null]))', Err('Invalid function argument', 'Invalid value for "str" parameter: string required.')),
    ('abs(sensitive(tostring(terraform_data.x.id)))', '(known after apply)'),
    ('abs(substr(terraform_data.x.output, toset(["b", "a"]), "-2.5"))', Err('Invalid function argument', 'Invalid value for "offset" parameter: number required.')),
    ('abs(tolist([]))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('abs(tolist([tostring(terraform_data.x.id)]))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('abs("1")', '1'),
    ('abs(2.5)', '2.5'),
    ('abs([1, 2])', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('abs([])', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('abs({a = [1], b = [2]})', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('abs("B c")', Err('Invalid function argument', 'Invalid value for "num" parameter: a number is required.')),
    ('abs(log(0, ""))', Err('Invalid function argument', 'Invalid value for "base" parameter: a number is required.')),
    ('abs(log(tostring(terraform_data.x.id), terraform_data.x.output))', '(known after apply)'),
    ('abs(nonsensitive(tolist([])))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('abs(regexall("[a-z]*", -1))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('abs(reverse(tolist([tostring(terraform_data.x.id)])))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('abs(tomap(terraform_data.x.output))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('abs({a = 1})', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('abs(sensitive(""))', Err('Invalid function argument', 'Invalid value for "num" parameter: a number is required.')),
    ('abs(sort(true))', Err('Invalid function argument', 'Invalid value for "list" parameter: list of string required.')),
    ('abs(substr(sensitive("s"), {a = [1], b = [2]}, {a = "x", b = 2}))', Err('Invalid function argument', 'Invalid value for "offset" parameter: number required.')),
    ('abs(tomap({a = 1, b = 2}))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('abs({a = "x", b = 2})', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('ceil(-0.5)', '0'),
    ('ceil(-1.2)', '-1'),
    ('ceil(0.5)', '1'),
    ('ceil(1.2)', '2'),
    ('ceil(1/0)', '+Inf'),
    ('ceil(null)', Err('Invalid function argument', 'Invalid value for "num" parameter: argument must not be null.')),
    ('ceil(1.0000000000000000000001)', '2'),
    ('ceil(-0.1)', '0'),
    ('ceil(1e-300)', '1'),
    ('ceil("1.5")', '2'),
    ('ceil(tostring(terraform_data.x.id))', '(known after apply)'),
    ('ceil(tonumber(terraform_data.x.id))', '(known after apply)'),
    ('ceil(tobool(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('ceil(tolist(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('ceil(tomap(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('ceil(sensitive(1))', '(sensitive value)'),
    ('ceil("1")', '1'),
    ('ceil("a")', Err('Invalid function argument', 'Invalid value for "num" parameter: a number is required.')),
    ('ceil(-1)', '-1'),
    ('ceil(["a", null])', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('ceil(1)', '1'),
    ('ceil(setproduct({a = terraform_data.x.id}))', Err('Error in function call', 'Call to function "setproduct" failed: at least two arguments are required.')),
    ('ceil(strcontains(terraform_data.x.id, {a = "x", b = 2}))', Err('Invalid function argument', 'Invalid value for "substr" parameter: string required.')),
    ('ceil({a = terraform_data.x.id})', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('ceil([])', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('ceil(sensitive("s"))', Err('Invalid function argument', 'Invalid value for "num" parameter: a number is required.')),
    ('ceil(true)', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('ceil({a = "x", b = 2})', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('ceil({a = 1})', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('ceil({})', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('ceil(1e3)', '1000'),
    ('ceil(indent(-1, "B c"))', PANIC),
    ('ceil(signum(2.5))', Err('Error in function call', 'Call to function "signum" failed: value must be a whole number, between -9223372036854775808 and 9223372036854775807.')),
    ('ceil(signum(["a", "b"]))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('ceil(toset([tostring(terraform_data.x.id)]))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('ceil(transpose({a = terraform_data.x.id}))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('ceil(trimspace({a = terraform_data.x.id}))', Err('Invalid function argument', 'Invalid value for "str" parameter: string required.')),
    ('ceil({b = "2", a = "1"})', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('ceil("-2.5")', '-2'),
    ('ceil("true")', Err('Invalid function argument', 'Invalid value for "num" parameter: a number is required.')),
    ('ceil(sensitive([1]))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('ceil(setintersection(tolist([]), ["a", "b"], sensitive("s")))', Err('Invalid function argument', 'Invalid value for "other_sets" parameter: set of any single type required.')),
    ('ceil(setintersection({b = "2", a = "1"}, "a", {a = "x", b = 2}))', Err('Invalid function argument', 'Invalid value for "first_set" parameter: set of any single type required.')),
    ('ceil(signum([]))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('ceil(tonumber("-2.5"))', '-2'),
    ('floor(-0.5)', '-1'),
    ('floor(-1.2)', '-2'),
    ('floor(1/0)', '+Inf'),
    ('floor(1e30+0.5)', '1000000000000000000000000000000'),
    ('floor(5)', '5'),
    ('floor(null)', Err('Invalid function argument', 'Invalid value for "num" parameter: argument must not be null.')),
    ('floor(1.9999999999999999999999)', '1'),
    ('floor(-0)', '0'),
    ('floor(123456789012345678901234567890.5)', '123456789012345678901234567890'),
    ('floor(tostring(terraform_data.x.id))', '(known after apply)'),
    ('floor(tonumber(terraform_data.x.id))', '(known after apply)'),
    ('floor(tobool(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('floor(tolist(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('floor(tomap(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('floor(sensitive(1))', '(sensitive value)'),
    ('floor("b,c")', Err('Invalid function argument', 'Invalid value for "num" parameter: a number is required.')),
    ('floor(0)', '0'),
    ('floor(["a", "b"])', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('floor([1, 2])', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('floor(tolist([]))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('floor({a = "x", b = 2})', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('floor("1")', '1'),
    ('floor(["x", "x", "y"])', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('floor([null])', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('floor(format("%s-%s"))', Err('Error in function call', 'Call to function "format" failed: not enough arguments for "%s" at 0: need index 1 but have 0 total.')),
    ('floor(setproduct(tomap({a = tostring(terraform_data.x.id)})))', Err('Error in function call', 'Call to function "setproduct" failed: at least two arguments are required.')),
    ('floor(signum([]))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('floor(toset(tolist([])))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('floor("true")', Err('Invalid function argument', 'Invalid value for "num" parameter: a number is required.')),
    ('floor(-1)', '-1'),
    ('floor(["a", null])', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('floor(sensitive("s"))', Err('Invalid function argument', 'Invalid value for "num" parameter: a number is required.')),
    ('floor(toset(["b", "a"]))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('floor({a = [1], b = [2]})', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('floor("")', Err('Invalid function argument', 'Invalid value for "num" parameter: a number is required.')),
    ('floor("B c")', Err('Invalid function argument', 'Invalid value for "num" parameter: a number is required.')),
    ('floor(contains([terraform_data.x.id], {a = "x", b = 2}))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('floor(matchkeys(["a", "b"], {a = "x", b = 2}, {a = 1}))', Err('Invalid function argument', 'Invalid value for "keys" parameter: list of any single type required.')),
    ('floor(replace(terraform_data.x.id, [null], tolist([true, false])))', Err('Invalid function argument', 'Invalid value for "substr" parameter: string required.')),
    ('floor(replace(toset([tostring(terraform_data.x.id)]), 1, "a"))', Err('Invalid function argument', 'Invalid value for "str" parameter: string required.')),
    ('floor(sensitive([1]))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('floor(sensitive(tostring(terraform_data.x.id)))', '(known after apply)'),
    ('floor(terraform_data.x.id)', '(known after apply)'),
    ('floor(tobool(tolist([true, false])))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert list of bool to bool.')),
    ('floor(tomap(tolist(["x", "y"])))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert list of string to map of any single type.')),
    ('floor(trimprefix("B c", tomap({a = tostring(terraform_data.x.id)})))', Err('Invalid function argument', 'Invalid value for "prefix" parameter: string required.')),
    ('floor({b = "2", a = "1"})', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('floor("-2.5")', '-3'),
    ('floor(index(0, "B c"))', Err('Error in function call', 'Call to function "index" failed: argument must be a list or tuple.')),
    ('log(-1, 10)', PANIC),
    ('log(0, 10)', '-Inf'),
    ('log(1, 10)', '0'),
    ('log(1, null)', Err('Invalid function argument', 'Invalid value for "base" parameter: argument must not be null.')),
    ('log(1/0, 2)', '+Inf'),
    ('log(10, 0)', '-0'),
    ('log(10, 1)', '+Inf'),
    ('log(10, 10)', '1'),
    ('log(100, 10)', '2'),
    ('log(1000, 10)', '2.9999999999999996'),
    ('log(16, 4)', '2'),
    ('log(2, 8)', '0.33333333333333337'),
    ('log(3, 9)', '0.4999999999999999'),
    ('log(8, 2)', '3'),
    ('log(8, 2.0)', '3'),
    ('log(null, 1)', Err('Invalid function argument', 'Invalid value for "num" parameter: argument must not be null.')),
    ('log(2.718281828459045, 2.718281828459045)', '1'),
    ('log(1e308, 10)', '308'),
    ('log(0.5, 2)', '-1'),
    ('log(1e-320, 10)', '-307.95368556425257'),
    ('log(1, 1)', PANIC),
    ('log(7, 7)', '1'),
    ('log(1024, 2)', '10'),
    ('log(9, 3)', '2.0000000000000004'),
    ('log(125, 5)', '3.0000000000000004'),
    ('log(64, 4)', '3'),
    ('log(27, 3)', '3.0000000000000004'),
    ('log(1/0, 10)', '+Inf'),
    ('log(10, 1/0)', '0'),
    ('log(0, 0)', PANIC),
    ('log(2, 0.5)', '-1'),
    ('log(tostring(terraform_data.x.id), "x")', Err('Invalid function argument', 'Invalid value for "base" parameter: a number is required.')),
    ('log("x", tostring(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "num" parameter: a number is required.')),
    ('log(tonumber(terraform_data.x.id), "x")', Err('Invalid function argument', 'Invalid value for "base" parameter: a number is required.')),
    ('log("x", tonumber(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "num" parameter: a number is required.')),
    ('log(tobool(terraform_data.x.id), "x")', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('log("x", tobool(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "num" parameter: a number is required.')),
    ('log(tolist(terraform_data.x.id), "x")', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('log("x", tolist(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "num" parameter: a number is required.')),
    ('log(tomap(terraform_data.x.id), "x")', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('log("x", tomap(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "num" parameter: a number is required.')),
    ('log(sensitive(1), 1)', PANIC),
    ('log(1, sensitive(1))', PANIC),
    ('log("true", 2.5)', Err('Invalid function argument', 'Invalid value for "num" parameter: a number is required.')),
    ('log(0, [1, "a"])', Err('Invalid function argument', 'Invalid value for "base" parameter: number required.')),
    ('log([], "true")', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('log([], tolist([]))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('log([], tomap({a = 1, b = 2}))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('log(false, tolist(["x", "y"]))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('log({a = 1}, true)', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('log("1", values(tolist(["x", "y"])))', Err('Error in function call', 'Call to function "values" failed: values() requires a map as the first argument.')),
    ('log(0, log({a = 1}, {}))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('log([], tolist(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('log(join(",", tolist([]), tobool(terraform_data.x.id)), null)', Err('Invalid function argument', 'Invalid value for "lists" parameter: list of string required.')),
    ('log(length([1, 2]), 0)', '-0'),
    ('log(min("-2.5", tomap({a = tostring(terraform_data.x.id)})), sensitive(tostring(terraform_data.x.id)))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('log(sensitive(tostring(terraform_data.x.id)), max(-1, tolist([tostring(terraform_data.x.id)]), toset(["b", "a"])))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('log(substr(toset(["b", "a"]), sensitive("s"), [tostring(terraform_data.x.id), "a"]), lower([1, 2]))', Err('Invalid function argument', 'Invalid value for "str" parameter: string required.')),
    ('log(tonumber([terraform_data.x.id]), one([null]))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert tuple to number.')),
    ('log(true, abs(toset(["b", "a"])))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('log("1", "a")', Err('Invalid function argument', 'Invalid value for "base" parameter: a number is required.')),
    ('log(0, [null])', Err('Invalid function argument', 'Invalid value for "base" parameter: number required.')),
    ('log(1, "1")', PANIC),
    ('log(1, [1, "a"])', Err('Invalid function argument', 'Invalid value for "base" parameter: number required.')),
    ('log(["a", null], ["a", "b"])', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('log([], 0)', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('log(null, "b,c")', Err('Invalid function argument', 'Invalid value for "base" parameter: a number is required.')),
    ('log(null, tolist(["x", "y"]))', Err('Invalid function argument', 'Invalid value for "base" parameter: number required.')),
    ('log(null, tomap({a = 1, b = 2}))', Err('Invalid function argument', 'Invalid value for "base" parameter: number required.')),
    ('log(tolist([]), ["a", null])', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('log(tolist([]), false)', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('log({a = "x", b = 2}, [null])', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('log({a = [1], b = [2]}, 2.5)', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('log("1", {a = [1], b = [2]})', Err('Invalid function argument', 'Invalid value for "base" parameter: number required.')),
    ('log([], {a = terraform_data.x.id})', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('log([tostring(terraform_data.x.id), "a"], null)', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('log(chunklist(1e3, sensitive(tostring(terraform_data.x.id))), {b = "2", a = "1"})', Err('Invalid function argument', 'Invalid value for "list" parameter: list of any single type required.')),
    ('log(indent("", tobool(terraform_data.x.id)), index([tostring(terraform_data.x.id), "a"], terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "spaces" parameter: a number is required.')),
    ('log(join(",", ""), 1)', Err('Invalid function argument', 'Invalid value for "lists" parameter: list of string required.')),
    ('log(one(terraform_data.x.id), terraform_data.x.output)', '(known after apply)'),
    ('log(setintersection(toset(["b", "a"]), tolist([])), sensitive(tostring(terraform_data.x.id)))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('log(signum(["a", "b"]), {})', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('log(sum("a"), tomap(terraform_data.x.output))', Err('Invalid function argument', 'Invalid value for "list" parameter: cannot sum noniterable.')),
    ('log(title(["a", "b"]), floor(null))', Err('Invalid function argument', 'Invalid value for "str" parameter: string required.')),
    ('log(transpose(true), trimprefix({a = 1}, sensitive("s")))', Err('Invalid function argument', 'Invalid value for "values" parameter: map of list of string required.')),
    ('log({a = [1], b = [2]}, issensitive(toset([tostring(terraform_data.x.id)])))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('log("-2.5", contains(tomap({a = 1, b = 2}), {b = "2", a = "1"}))', Err('Error in function call', 'Call to function "contains" failed: argument must be list, tuple, or set.')),
    ('log("a", trimspace("true"))', Err('Invalid function argument', 'Invalid value for "num" parameter: a number is required.')),
    ('log(["a", "b"], alltrue(["x", "x", "y"]))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('log(compact({a = terraform_data.x.id}), 2.5)', Err('Invalid function argument', 'Invalid value for "list" parameter: list of string required.')),
    ('log(indent([1, 2], terraform_data.x.id), signum(tolist(["x", "y"])))', Err('Invalid function argument', 'Invalid value for "spaces" parameter: number required.')),
    ('log(trimprefix(tomap({a = 1, b = 2}), tolist(["x", "y"])), terraform_data.x.output)', Err('Invalid function argument', 'Invalid value for "str" parameter: string required.')),
    ('max("2", 1)', '2'),
    ('max(-1.5, -2)', '-1.5'),
    ('max(1)', '1'),
    ('max(1, 5, 3)', '5'),
    ('max(1/0, 1)', '+Inf'),
    ('max([1,2]...)', '2'),
    ('max(null)', Err('Invalid function argument', 'Invalid value for "numbers" parameter: argument must not be null.')),
    ('max(0.1, 0.10000000000000001)', '0.10000000000000001'),
    ('max(1, 1.0)', '1'),
    ('max(1e308, 1e309)', '1000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000'),
    ('max(3, "10")', '10'),
    ('max(1, terraform_data.x.output)', '(known after apply)'),
    ('max(sensitive(1), 2)', '(sensitive value)'),
    ('max(tostring(terraform_data.x.id), "x")', Err('Invalid function argument', 'Invalid value for "numbers" parameter: a number is required.')),
    ('max("x", tostring(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: a number is required.')),
    ('max(tonumber(terraform_data.x.id), "x")', Err('Invalid function argument', 'Invalid value for "numbers" parameter: a number is required.')),
    ('max("x", tonumber(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: a number is required.')),
    ('max(tobool(terraform_data.x.id), "x")', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('max("x", tobool(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: a number is required.')),
    ('max(tolist(terraform_data.x.id), "x")', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('max("x", tolist(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: a number is required.')),
    ('max(tomap(terraform_data.x.id), "x")', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('max("x", tomap(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: a number is required.')),
    ('max(sensitive(1), 1)', '(sensitive value)'),
    ('max(1, sensitive(1))', '(sensitive value)'),
    ('max({}, {a = "x", b = 2}, 0)', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('max(coalescelist([tostring(terraform_data.x.id), "a"], 0), 0)', Err('Error in function call', 'Call to function "coalescelist" failed: coalescelist arguments must be lists or tuples.')),
    ('max(min(tostring(terraform_data.x.id)), lower(terraform_data.x.output), tolist([true, false]))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('max(setsubtract("-2.5", tolist(["x", "y"])))', Err('Invalid function argument', 'Invalid value for "a" parameter: set of any single type required.')),
    ('max(tolist([tostring(terraform_data.x.id)]))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('max(tolist([true, false]), tolist(["x", "y"]), substr(tomap({a = 1, b = 2}), [terraform_data.x.id], {}))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('max(tostring("a"), tomap(tolist(["x", "y"])))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: a number is required.')),
    ('max(trimsuffix("a", "-2.5"))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: a number is required.')),
    ('max([1, "a"], [[1], [2, 3]], -1)', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('max(1e3, {a = [1], b = [2]}, tolist(null))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('max([], tomap(terraform_data.x.output))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('max(chunklist(0, tolist([])), {a = "x", b = 2}, [terraform_data.x.id])', Err('Invalid function argument', 'Invalid value for "list" parameter: list of any single type required.')),
    ('max(chunklist(tomap({a = tostring(terraform_data.x.id)}), [tostring(terraform_data.x.id), "a"]), setintersection("true"), {a = 1})', Err('Invalid function argument', 'Invalid value for "list" parameter: list of any single type required.')),
    ('max(coalesce(1e3, "-2.5", {a = "x", b = 2}), [], {a = terraform_data.x.id})', Err('Error in function call', 'Call to function "coalesce" failed: all arguments must have the same type.')),
    ('max(index({}, [null]))', Err('Error in function call', 'Call to function "index" failed: argument must be a list or tuple.')),
    ('max(issensitive(sensitive([1])))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('max(max(tolist(["x", "y"]), {a = terraform_data.x.id}, sensitive([1])))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('max(one([1, 2]), split(",", ""), substr(null, 1, []))', Err('Invalid function argument', 'Invalid value for "list" parameter: must be a list, set, or tuple value with either zero or one elements.')),
    ('max(regex("(\\\\w)", "1"))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('max(sort(tolist([])), strcontains(2.5, toset(["b", "a"])))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('max(terraform_data.x.output, 0, tolist(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('max(terraform_data.x.output, {a = "x", b = 2}, tolist([[1], [2, 3]]))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('max(tolist([true, false]))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('max(tomap(terraform_data.x.output), abs(tomap({a = 1, b = 2})), tolist([tostring(terraform_data.x.id)]))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('max(1, tonumber({a = 1}))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert object to number.')),
    ('max([1, 2], anytrue([]))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('max(issensitive([1, "a"]), tolist(["x", "y"]), [[1], [2, 3]])', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('max(keys({a = terraform_data.x.id}), toset(["b", "a"]), [terraform_data.x.id])', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('max(tomap(["a", "b"]), length("1"), toset(["b", "a"]))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert tuple to map of any single type.')),
    ('max(tostring(sensitive("s")), [[1], [2, 3]])', Err('Invalid function argument', 'Invalid value for "numbers" parameter: a number is required.')),
    ('max({a = 1}, true, {a = [1], b = [2]})', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('max({b = "2", a = "1"}, terraform_data.x.output)', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('min(3, 1.5)', '1.5'),
    ('min(null)', Err('Invalid function argument', 'Invalid value for "numbers" parameter: argument must not be null.')),
    ('min(-1/0, 1)', '-Inf'),
    ('min("a")', Err('Invalid function argument', 'Invalid value for "numbers" parameter: a number is required.')),
    ('min(-1, false)', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('min(1, "1")', '1'),
    ('min(["a", "b"], "")', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('min(concat(terraform_data.x.id, sensitive([1])))', '(known after apply)'),
    ('min(join(" ", "B c"))', Err('Invalid function argument', 'Invalid value for "lists" parameter: list of string required.')),
    ('min(setunion(tolist([tostring(terraform_data.x.id)]), true), "1", toset(["b", "a"]))', Err('Invalid function argument', 'Invalid value for "other_sets" parameter: set of any single type required.')),
    ('min(tolist([tostring(terraform_data.x.id)]), 2.5)', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('min(tomap({a = 1, b = 2}))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('min("1", ["a", null])', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('min(2.5, toset(["b", "a"]))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('min(false, -1, {a = [1], b = [2]})', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('min(tomap({a = 1, b = 2}), false, "a")', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('min(true)', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('min("B c")', Err('Invalid function argument', 'Invalid value for "numbers" parameter: a number is required.')),
    ('min("true", zipmap({a = 1}, "a"), tostring(-1))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: a number is required.')),
    ('min(1e3, {a = [1], b = [2]}, sensitive([1]))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('min([1, "a"], "1")', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('min(distinct({b = "2", a = "1"}), transpose(0), max("B c", tolist([true, false])))', Err('Invalid function argument', 'Invalid value for "list" parameter: list of any single type required.')),
    ('min(element(sensitive("s"), sensitive([1])))', Err('Invalid function argument', 'Invalid value for "index" parameter: number required.')),
    ('min(index(0, []))', Err('Error in function call', 'Call to function "index" failed: argument must be a list or tuple.')),
    ('min(min(0, -1, []), [1, "a"])', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('min(setsubtract("", toset(["b", "a"])), sensitive([1]), regexall("a", tolist([tostring(terraform_data.x.id)])))', Err('Invalid function argument', 'Invalid value for "a" parameter: set of any single type required.')),
    ('min(sort(tolist([])), tolist(terraform_data.x.id), join(" ", {a = 1}))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('min(tolist([]), [terraform_data.x.id])', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('min(tostring("true"), [terraform_data.x.id])', Err('Invalid function argument', 'Invalid value for "numbers" parameter: a number is required.')),
    ('min(tostring(terraform_data.x.id))', '(known after apply)'),
    ('min(floor("B c"), [], ["x", "x", "y"])', Err('Invalid function argument', 'Invalid value for "num" parameter: a number is required.')),
    ('min(sensitive("s"), keys("true"), "-2.5")', Err('Invalid function argument', 'Invalid value for "numbers" parameter: a number is required.')),
    ('min(sensitive([1]), "-2.5")', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('min(setsubtract(sensitive([1]), {a = [1], b = [2]}))', Err('Invalid function argument', 'Invalid value for "b" parameter: set of any single type required.')),
    ('parseint(" 1", 10)', Err('Invalid function argument', 'Invalid value for "number" parameter: cannot parse " 1" as a base 10 integer.')),
    ('parseint("", 10)', Err('Invalid function argument', 'Invalid value for "number" parameter: cannot parse "" as a base 10 integer.')),
    ('parseint("+12", 10)', '12'),
    ('parseint("-1", 10)', '-1'),
    ('parseint("-ff", 16)', '-255'),
    ('parseint("0x10", 0)', Err('Invalid function argument', 'Invalid value for "base" parameter: base must be a whole number between 2 and 62 inclusive.')),
    ('parseint("0x10", 16)', Err('Invalid function argument', 'Invalid value for "number" parameter: cannot parse "0x10" as a base 16 integer.')),
    ('parseint("1", null)', Err('Invalid function argument', 'Invalid value for "base" parameter: argument must not be null.')),
    ('parseint("10", 2.5)', Err('Invalid function argument', 'Invalid value for "base" parameter: value must be a whole number, between -9223372036854775808 and 9223372036854775807.')),
    ('parseint("100", 10)', '100'),
    ('parseint("12", 1)', Err('Invalid function argument', 'Invalid value for "base" parameter: base must be a whole number between 2 and 62 inclusive.')),
    ('parseint("12", 37)', '39'),
    ('parseint("12x", 10)', Err('Invalid function argument', 'Invalid value for "number" parameter: cannot parse "12x" as a base 10 integer.')),
    ('parseint("1_0", 10)', Err('Invalid function argument', 'Invalid value for "number" parameter: cannot parse "1_0" as a base 10 integer.')),
    ('parseint("1e3", 10)', Err('Invalid function argument', 'Invalid value for "number" parameter: cannot parse "1e3" as a base 10 integer.')),
    ('parseint("7fffffffffffffff", 16)', '9223372036854775807'),
    ('parseint("99999999999999999999999", 10)', '99999999999999999999999'),
    ('parseint("FF", 16)', '255'),
    ('parseint("zz", 36)', '1295'),
    ('parseint(null, 10)', Err('Invalid function argument', 'Invalid value for "number" parameter: argument must not be null.')),
    ('parseint("1010", 2)', '10'),
    ('parseint("777", 8)', '511'),
    ('parseint("Zz", 36)', '1295'),
    ('parseint("-0", 10)', '0'),
    ('parseint("00012", 10)', '12'),
    ('parseint("z", 62)', '35'),
    ('parseint("Z", 62)', '61'),
    ('parseint("10", 62)', '62'),
    ('parseint("g", 16)', Err('Invalid function argument', 'Invalid value for "number" parameter: cannot parse "g" as a base 16 integer.')),
    ('parseint("١", 10)', Err('Invalid function argument', 'Invalid value for "number" parameter: cannot parse "١" as a base 10 integer.')),
    ('parseint("12", 10.0)', '12'),
    ('parseint("12", -1)', Err('Invalid function argument', 'Invalid value for "base" parameter: base must be a whole number between 2 and 62 inclusive.')),
    ('parseint("12", 63)', Err('Invalid function argument', 'Invalid value for "base" parameter: base must be a whole number between 2 and 62 inclusive.')),
    ('parseint("+", 10)', Err('Invalid function argument', 'Invalid value for "number" parameter: cannot parse "+" as a base 10 integer.')),
    ('parseint("--1", 10)', Err('Invalid function argument', 'Invalid value for "number" parameter: cannot parse "--1" as a base 10 integer.')),
    ('parseint("1 ", 10)', Err('Invalid function argument', 'Invalid value for "number" parameter: cannot parse "1 " as a base 10 integer.')),
    ('parseint(terraform_data.x.id, 10)', '(known after apply)'),
    ('parseint(sensitive("10"), 2)', '(sensitive value)'),
    ('parseint(tostring(terraform_data.x.id), "x")', Err('Invalid function argument', 'Invalid value for "base" parameter: a number is required.')),
    ('parseint("x", tostring(terraform_data.x.id))', '(known after apply)'),
    ('parseint(tonumber(terraform_data.x.id), "x")', Err('Invalid function argument', 'Invalid value for "base" parameter: a number is required.')),
    ('parseint("x", tonumber(terraform_data.x.id))', '(known after apply)'),
    ('parseint(tobool(terraform_data.x.id), "x")', Err('Invalid function argument', 'Invalid value for "base" parameter: a number is required.')),
    ('parseint("x", tobool(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "base" parameter: number required.')),
    ('parseint(tolist(terraform_data.x.id), "x")', Err('Invalid function argument', 'Invalid value for "base" parameter: a number is required.')),
    ('parseint("x", tolist(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "base" parameter: number required.')),
    ('parseint(tomap(terraform_data.x.id), "x")', Err('Invalid function argument', 'Invalid value for "base" parameter: a number is required.')),
    ('parseint("x", tomap(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "base" parameter: number required.')),
    ('parseint(sensitive("10"), 1)', Err('Invalid function argument', 'Invalid value for "base" parameter: base must be a whole number between 2 and 62 inclusive.')),
    ('parseint("10", sensitive(1))', Err('Invalid function argument', 'Invalid value for "base" parameter: base must be a whole number between 2 and 62 inclusive.')),
    ('parseint("", {a = [1], b = [2]})', Err('Invalid function argument', 'Invalid value for "base" parameter: number required.')),
    ('parseint("b,c", "a")', Err('Invalid function argument', 'Invalid value for "base" parameter: a number is required.')),
    ('parseint("true", 1)', Err('Invalid function argument', 'Invalid value for "base" parameter: base must be a whole number between 2 and 62 inclusive.')),
    ('parseint(2.5, ["a", null])', Err('Invalid function argument', 'Invalid value for "base" parameter: number required.')),
    ('parseint(["a", null], 2.5)', Err('Invalid function argument', 'Invalid value for "number" parameter: first argument must be a string, not tuple.')),
    ('parseint(["a", null], {a = 1})', Err('Invalid function argument', 'Invalid value for "base" parameter: number required.')),
    ('parseint(sensitive("s"), "")', Err('Invalid function argument', 'Invalid value for "base" parameter: a number is required.')),
    ('parseint("", strcontains(["x", "x", "y"], 1e3))', Err('Invalid function argument', 'Invalid value for "str" parameter: string required.')),
    ('parseint(floor({a = terraform_data.x.id}), regex("(\\\\w)", []))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('parseint(nonsensitive([[1], [2, 3]]), true)', Err('Invalid function argument', 'Invalid value for "base" parameter: number required.')),
    ('parseint(setproduct(1e3, "", "1"), tolist(toset([tostring(terraform_data.x.id)])))', Err('Invalid function argument', 'Invalid value for "sets" parameter: a set or a list is required.')),
    ('parseint(strcontains({a = terraform_data.x.id}, [terraform_data.x.id]), contains(sensitive([1]), terraform_data.x.output))', Err('Invalid function argument', 'Invalid value for "str" parameter: string required.')),
    ('parseint(trim(tomap({a = tostring(terraform_data.x.id)}), {a = "x", b = 2}), signum([[1], [2, 3]]))', Err('Invalid function argument', 'Invalid value for "str" parameter: string required.')),
    ('parseint(-1, 1)', Err('Invalid function argument', 'Invalid value for "number" parameter: first argument must be a string, not number.')),
    ('parseint(1, [null])', Err('Invalid function argument', 'Invalid value for "base" parameter: number required.')),
    ('parseint(["a", null], tolist([]))', Err('Invalid function argument', 'Invalid value for "base" parameter: number required.')),
    ('parseint([[1], [2, 3]], {a = 1})', Err('Invalid function argument', 'Invalid value for "base" parameter: number required.')),
    ('parseint([null], tolist([]))', Err('Invalid function argument', 'Invalid value for "base" parameter: number required.')),
    ('parseint(false, tolist([]))', Err('Invalid function argument', 'Invalid value for "base" parameter: number required.')),
    ('parseint(null, true)', Err('Invalid function argument', 'Invalid value for "base" parameter: number required.')),
    ('parseint(tolist(["x", "y"]), [1, "a"])', Err('Invalid function argument', 'Invalid value for "base" parameter: number required.')),
    ('parseint(tolist(["x", "y"]), {a = 1})', Err('Invalid function argument', 'Invalid value for "base" parameter: number required.')),
    ('parseint(1e3, "a")', Err('Invalid function argument', 'Invalid value for "base" parameter: a number is required.')),
    ('parseint(2.5, [null])', Err('Invalid function argument', 'Invalid value for "base" parameter: number required.')),
    ('parseint(alltrue({}), "1")', Err('Invalid function argument', 'Invalid value for "list" parameter: list of bool required.')),
    ('parseint(distinct([terraform_data.x.id]), tonumber("1"))', Err('Invalid function argument', 'Invalid value for "number" parameter: first argument must be a string, not list of dynamic.')),
    ('parseint(element([null], ""), tomap({a = tostring(terraform_data.x.id)}))', Err('Invalid function argument', 'Invalid value for "index" parameter: a number is required.')),
    ('parseint(max({a = terraform_data.x.id}), "a")', Err('Invalid function argument', 'Invalid value for "numbers" parameter: number required.')),
    ('parseint(substr([null], {b = "2", a = "1"}, tolist(["x", "y"])), nonsensitive(tolist(["x", "y"])))', Err('Invalid function argument', 'Invalid value for "str" parameter: string required.')),
    ('parseint(terraform_data.x.output, "")', Err('Invalid function argument', 'Invalid value for "base" parameter: a number is required.')),
    ('parseint(title("-2.5"), range([[1], [2, 3]], tolist(["x", "y"])))', Err('Invalid function argument', 'Invalid value for "params" parameter: number required.')),
    ('parseint(tonumber(sensitive("s")), chomp(tolist([])))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert this sensitive string to number.')),
    ('parseint({}, regex("[a-z]*", tolist([true, false])))', Err('Invalid function argument', 'Invalid value for "string" parameter: string required.')),
    ('parseint("1", [])', Err('Invalid function argument', 'Invalid value for "base" parameter: number required.')),
    ('parseint("1", {a = [1], b = [2]})', Err('Invalid function argument', 'Invalid value for "base" parameter: number required.')),
    ('parseint(matchkeys([1, 2], 1e3, {a = 1}), sensitive([terraform_data.x.id]))', Err('Invalid function argument', 'Invalid value for "keys" parameter: list of any single type required.')),
    ('parseint(sensitive("s"), sensitive("s"))', Err('Invalid function argument', 'Invalid value for "base" parameter: a number is required.')),
    ('parseint(signum(terraform_data.x.id), sensitive([1]))', Err('Invalid function argument', 'Invalid value for "base" parameter: number required.')),
    ('pow(-2, 0.5)', PANIC),
    ('pow(-2, 3)', '-8'),
    ('pow(-8, 1/3)', PANIC),
    ('pow(0, 0)', '1'),
    ('pow(0.1, 2)', '0.010000000000000002'),
    ('pow(1, null)', Err('Invalid function argument', 'Invalid value for "power" parameter: argument must not be null.')),
    ('pow(1.5, 2)', '2.25'),
    ('pow(10, 2)', '100'),
    ('pow(10, 400)', '+Inf'),
    ('pow(2, -1)', '0.5'),
    ('pow(2, 0.5)', '1.4142135623730951'),
    ('pow(2, 1000)', '10715086071862673000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000'),
    ('pow(2, 62)', '4611686018427388000'),
    ('pow(2, 64)', '18446744073709550000'),
    ('pow(3, 2)', '9'),
    ('pow(3, 40)', '12157665459056929000'),
    ('pow(4, 0.5)', '2'),
    ('pow(null, 1)', Err('Invalid function argument', 'Invalid value for "num" parameter: argument must not be null.')),
    ('pow(2, 10)', '1024'),
    ('pow(2, 0.1)', '1.0717734625362931'),
    ('pow(10, -2)', '0.01'),
    ('pow(1e10, 30)', '999999999999999900000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000'),
    ('pow(-1, 1/0)', '1'),
    ('pow(0.5, 1/0)', '0'),
    ('pow(2, -1/0)', '0'),
    ('pow(1/0, -1)', '0'),
    ('pow(-1/0, 3)', '-Inf'),
    ('pow(-1/0, 2)', '+Inf'),
    ('pow(0, -1)', '+Inf'),
    ('pow(-2, -3)', '-0.125'),
    ('pow(3, 0.3333)', '1.442196755504422'),
    ('pow(1.0001, 10000)', '2.718145926824356'),
    ('pow(2, 1023)', '89884656743115800000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000'),
    ('pow(2, 1024)', '+Inf'),
    ('pow(2, -1074)', '0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000004940656458412465'),
    ('pow(2, -1075)', '0'),
    ('pow(9, 0.5)', '3'),
    ('pow(9, -0.5)', '0.3333333333333333'),
    ('pow(10, 15)', '1000000000000000'),
    ('pow(10, 16)', '10000000000000000'),
    ('pow(10, 22)', '10000000000000000000000'),
    ('pow(10, 23)', '100000000000000000000000'),
    ('pow(7, 19)', '11398895185373144'),
    ('pow(1.1, 2)', '1.2100000000000002'),
    ('pow(2.5, [null])', Err('Invalid function argument', 'Invalid value for "power" parameter: number required.')),
    ('pow(false, 1)', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('pow(sensitive("s"), 2.5)', Err('Invalid function argument', 'Invalid value for "num" parameter: a number is required.')),
    ('pow(tomap([null]), "-2.5")', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert tuple to map of any single type.')),
    ('pow(trimsuffix(tonumber(terraform_data.x.id), [1, 2]), [1, "a"])', Err('Invalid function argument', 'Invalid value for "suffix" parameter: string required.')),
    ('pow("", "")', Err('Invalid function argument', 'Invalid value for "num" parameter: a number is required.')),
    ('pow("1", ["a", "b"])', Err('Invalid function argument', 'Invalid value for "power" parameter: number required.')),
    ('pow(-1, [])', Err('Invalid function argument', 'Invalid value for "power" parameter: number required.')),
    ('pow(0, {a = 1})', Err('Invalid function argument', 'Invalid value for "power" parameter: number required.')),
    ('pow(2.5, 1)', '2.5'),
    ('pow(2.5, {a = "x", b = 2})', Err('Invalid function argument', 'Invalid value for "power" parameter: number required.')),
    ('pow(["a", "b"], -1)', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('pow([], [[1], [2, 3]])', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('pow([], true)', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('pow(tolist([]), [1, "a"])', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('pow(toset(["b", "a"]), [1, 2])', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('pow(true, [1, "a"])', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('pow(true, [null])', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('pow({a = [1], b = [2]}, [1, 2])', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('pow([[1], [2, 3]], one([]))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('pow([terraform_data.x.id], zipmap(true, tonumber(terraform_data.x.id)))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('pow(concat(tolist([]), sensitive("s")), coalesce(["x", "x", "y"], terraform_data.x.id, {b = "2", a = "1"}))', Err('Invalid function argument', 'Invalid value for "seqs" parameter: all arguments must be lists or tuples; got string.')),
    ('pow(lookup({a = 1}, ["x", "x", "y"]), "")', Err('Invalid function argument', 'Invalid value for "key" parameter: string required.')),
    ('pow(range(["a", "b"]), endswith(terraform_data.x.output, ""))', Err('Invalid function argument', 'Invalid value for "params" parameter: number required.')),
    ('pow(terraform_data.x.output, keys(sensitive([1])))', Err('Invalid function argument', 'Invalid value for "inputMap" parameter: must have map or object type.')),
    ('pow(tolist(["x", "y"]), ["a", "b"])', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('pow(upper(1), sensitive([1]))', Err('Invalid function argument', 'Invalid value for "power" parameter: number required.')),
    ('pow({a = [1], b = [2]}, trimspace(tolist([])))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('pow({a = terraform_data.x.id}, tostring(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('pow({}, upper({}))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('pow([[1], [2, 3]], tolist([true, false]))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('pow(ceil([1, 2]), [[1], [2, 3]])', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('pow(terraform_data.x.id, tobool("a"))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert "a" to bool; only the strings "true" or "false" are allowed.')),
    ('pow(toset(["b", "a"]), lower([1, 2]))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('signum(-0)', '0'),
    ('signum(-5)', '-1'),
    ('signum(0)', '0'),
    ('signum(3.2)', Err('Error in function call', 'Call to function "signum" failed: value must be a whole number, between -9223372036854775808 and 9223372036854775807.')),
    ('signum(null)', Err('Invalid function argument', 'Invalid value for "num" parameter: argument must not be null.')),
    ('signum(-0.0)', '0'),
    ('signum(1e20)', Err('Error in function call', 'Call to function "signum" failed: value must be a whole number, between -9223372036854775808 and 9223372036854775807.')),
    ('signum(-9223372036854775808)', '-1'),
    ('signum(9223372036854775808)', Err('Error in function call', 'Call to function "signum" failed: value must be a whole number, between -9223372036854775808 and 9223372036854775807.')),
    ('signum(tostring(terraform_data.x.id))', '(known after apply)'),
    ('signum(tonumber(terraform_data.x.id))', '(known after apply)'),
    ('signum(tobool(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('signum(tolist(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('signum(tomap(terraform_data.x.id))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('signum(sensitive(1))', '(sensitive value)'),
    ('signum([1, "a"])', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('signum(["a", "b"])', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('signum([1, 2])', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('signum(coalescelist(toset(["b", "a"])))', Err('Error in function call', 'Call to function "coalescelist" failed: coalescelist arguments must be lists or tuples.')),
    ('signum(sensitive(tostring(terraform_data.x.id)))', '(known after apply)'),
    ('signum(toset(["b", "a"]))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('signum(true)', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('signum(tolist(["x", "y"]))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('signum({a = [1], b = [2]})', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('signum({})', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('signum("1")', '1'),
    ('signum("a")', Err('Invalid function argument', 'Invalid value for "num" parameter: a number is required.')),
    ('signum(1e3)', '1'),
    ('signum(2.5)', Err('Error in function call', 'Call to function "signum" failed: value must be a whole number, between -9223372036854775808 and 9223372036854775807.')),
    ('signum(["x", "x", "y"])', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('signum(alltrue({a = terraform_data.x.id}))', Err('Invalid function argument', 'Invalid value for "list" parameter: list of bool required.')),
    ('signum(index("", tolist([true, false])))', Err('Error in function call', 'Call to function "index" failed: argument must be a list or tuple.')),
    ('signum(sensitive("true"))', Err('Invalid function argument', 'Invalid value for "num" parameter: a number is required.')),
    ('signum(trimsuffix("", "true"))', Err('Invalid function argument', 'Invalid value for "num" parameter: a number is required.')),
    ('signum("")', Err('Invalid function argument', 'Invalid value for "num" parameter: a number is required.')),
    ('signum(1)', '1'),
    ('signum([terraform_data.x.id])', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('signum(one(tolist([])))', Err('Invalid function argument', 'Invalid value for "num" parameter: argument must not be null.')),
    ('signum({a = "x", b = 2})', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('signum({a = terraform_data.x.id})', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
]


@pytest.mark.parametrize("expr,want", CASES, ids=[c[0][:60] for c in CASES])
def test_observed_terraform_results(expr: str, want: str | Err) -> None:
    check(expr, want)


# --- the call machinery (sheath.lang.funcs.call), tested directly ----------------

from sheath.lang.funcs.call import (  # noqa: E402
    FunctionArityError,
    call_function,
    error_summary_detail,
)
from sheath.lang.funcs.function import FunctionError  # noqa: E402
from sheath.lang.funcs.registry import builtin_functions  # noqa: E402
from sheath.types.cty import (  # noqa: E402
    DYNAMIC,
    NUMBER,
    SENSITIVE,
    STRING,
    TupleType,
    Value,
    null,
    string_val,
    tuple_val,
    unknown,
)
from sheath.types.number import number_val  # noqa: E402

FNS = builtin_functions(".")


def _err(name: str, args: list[Value]) -> tuple[str, str]:
    fn = FNS[name]
    with pytest.raises(FunctionError) as ei:
        call_function(fn, args)
    return error_summary_detail(fn, ei.value)


def test_call_arity_messages_are_hcls() -> None:
    assert _err("upper", []) == (
        "Not enough function arguments",
        'Function "upper" expects 1 argument(s). Missing value for "str".',
    )
    assert _err("upper", [string_val("a"), string_val("b")]) == (
        "Too many function arguments",
        'Function "upper" expects only 1 argument(s).',
    )
    assert _err("join", []) == (
        "Not enough function arguments",
        'Function "join" expects at least 1 argument(s). Missing value for "separator".',
    )
    with pytest.raises(FunctionArityError):
        call_function(FNS["abs"], [])


def test_call_converts_arguments_and_reports_per_parameter() -> None:
    assert call_function(FNS["abs"], [string_val("-3")]).v == number_val(3).v
    assert _err("abs", [string_val("x")]) == (
        "Invalid function argument",
        'Invalid value for "num" parameter: a number is required.',
    )
    assert _err("max", [number_val(1), string_val("a")]) == (
        "Invalid function argument",
        'Invalid value for "numbers" parameter: a number is required.',
    )


def test_call_null_argument() -> None:
    assert _err("upper", [null(STRING)]) == (
        "Invalid function argument",
        'Invalid value for "str" parameter: argument must not be null.',
    )


def test_call_unknown_argument_gives_unknown_of_return_type_with_marks() -> None:
    r = call_function(FNS["upper"], [unknown(STRING).mark(SENSITIVE)])
    assert not r.is_known and r.type == STRING and r.is_sensitive
    r = call_function(FNS["split"], [string_val(","), unknown(STRING)])
    assert not r.is_known and r.type.is_list()


def test_call_dynamic_typed_argument_gives_unmarked_dynamic_unknown() -> None:
    # format's args do not accept dynamic types: format("%v", null) is unknown
    r = call_function(FNS["format"], [string_val("%v"), null(DYNAMIC).mark(SENSITIVE)])
    assert not r.is_known and r.type == DYNAMIC and not r.is_marked


def test_call_marks_are_stripped_and_reapplied() -> None:
    r = call_function(FNS["upper"], [string_val("a").mark(SENSITIVE)])
    assert r.v == "A" and r.is_sensitive
    # deep marks count too, unless the parameter handles marks itself
    t = tuple_val([number_val(1).mark(SENSITIVE), number_val(2)])
    r = call_function(FNS["sum"], [t])
    assert r.is_sensitive and r.v == number_val(3).v
    r = call_function(FNS["length"], [t])
    assert not r.is_sensitive and r.v == number_val(2).v
    assert isinstance(t.type, TupleType) and t.type.elements == (NUMBER, NUMBER)


def test_error_rendering_without_argument() -> None:
    fn = FNS["coalesce"]
    with pytest.raises(FunctionError) as ei:
        call_function(fn, [])
    assert error_summary_detail(fn, ei.value) == (
        "Error in function call",
        'Call to function "coalesce" failed: all arguments must have the same type.',
    )


def test_registry_has_core_namespace_aliases() -> None:
    assert FNS["core::upper"] is FNS["upper"]
