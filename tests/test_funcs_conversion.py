"""Type conversion and sensitivity functions (tobool..tostring, sensitive, nonsensitive, issensitive, ephemeralasnull).

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
from sheath.types.cty import DYNAMIC, object_val, string_val, unknown
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
    ('ephemeralasnull("a")', '"a"'),
    ('ephemeralasnull(null)', 'null'),
    ('ephemeralasnull(sensitive("a"))', '(sensitive value)'),
    ('ephemeralasnull(terraform_data.x.id)', '(known after apply)'),
    ('ephemeralasnull([1, "a"])', '[\n  1,\n  "a",\n]'),
    ('issensitive(1)', 'false'),
    ('issensitive([sensitive(1)])', 'false'),
    ('issensitive(null)', 'false'),
    ('issensitive(sensitive(1))', 'true'),
    ('issensitive(terraform_data.x.id)', '(known after apply)'),
    ('issensitive(sensitive(terraform_data.x.id))', 'true'),
    ('issensitive(sensitive([1])[0])', 'true'),
    ('issensitive(sensitive(null))', 'true'),
    ('issensitive(0)', 'false'),
    ('issensitive("1")', 'false'),
    ('issensitive("a")', 'false'),
    ('issensitive([1, "a"])', 'false'),
    ('issensitive([null])', 'false'),
    ('issensitive(sensitive("s"))', 'true'),
    ('issensitive(true)', 'false'),
    ('issensitive({a = "x", b = 2})', 'false'),
    ('issensitive({a = 1})', 'false'),
    ('issensitive("")', 'false'),
    ('issensitive([terraform_data.x.id])', 'false'),
    ('issensitive(join("", ["a", "b"]))', 'false'),
    ('issensitive(lookup(1, "-2.5"))', Err('Invalid function argument', 'Invalid value for "inputMap" parameter: lookup() requires a map as the first argument.')),
    ('nonsensitive("a")', '"a"'),
    ('nonsensitive([sensitive(1)])', '[\n  (sensitive value),\n]'),
    ('nonsensitive(null)', 'null'),
    ('nonsensitive(sensitive("a"))', '"a"'),
    ('nonsensitive(terraform_data.x.id)', '(known after apply)'),
    ('nonsensitive(sensitive([sensitive(1)]))', '[\n  (sensitive value),\n]'),
    ('nonsensitive("1")', '"1"'),
    ('nonsensitive("true")', '"true"'),
    ('nonsensitive(["a", "b"])', '[\n  "a",\n  "b",\n]'),
    ('nonsensitive(["a", null])', '[\n  "a",\n  null,\n]'),
    ('nonsensitive([1, "a"])', '[\n  1,\n  "a",\n]'),
    ('nonsensitive([null])', '[\n  null,\n]'),
    ('nonsensitive(sensitive("s"))', '"s"'),
    ('nonsensitive({a = 1})', '{\n  "a" = 1\n}'),
    ('nonsensitive({a = [1], b = [2]})', '{\n  "a" = [\n    1,\n  ]\n  "b" = [\n    2,\n  ]\n}'),
    ('nonsensitive(["x", "x", "y"])', '[\n  "x",\n  "x",\n  "y",\n]'),
    ('nonsensitive(abs({a = terraform_data.x.id}))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('nonsensitive(regex("a", 2.5))', Err('Error in function call', 'Call to function "regex" failed: pattern did not match any part of the given string.')),
    ('nonsensitive(reverse("-2.5"))', Err('Invalid function argument', 'Invalid value for "list" parameter: can only reverse list or tuple values, not string.')),
    ('nonsensitive(sort(-1))', Err('Invalid function argument', 'Invalid value for "list" parameter: list of string required.')),
    ('nonsensitive(terraform_data.x.output)', '(known after apply)'),
    ('nonsensitive(tonumber({}))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert object to number.')),
    ('nonsensitive(toset("1"))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert string to set of any single type.')),
    ('sensitive("a")', '(sensitive value)'),
    ('sensitive()', Err('Not enough function arguments', 'Function "sensitive" expects 1 argument(s). Missing value for "value".')),
    ('sensitive(null)', '(sensitive value)'),
    ('sensitive(terraform_data.x.id)', '(known after apply)'),
    ('sensitive(sensitive(1))', '(sensitive value)'),
    ('sensitive(tolist(["x", "y"]))', '(sensitive value)'),
    ('sensitive(true)', '(sensitive value)'),
    ('sensitive("true")', '(sensitive value)'),
    ('sensitive(["a", "b"])', '(sensitive value)'),
    ('sensitive(["a", null])', '(sensitive value)'),
    ('sensitive([1, 2])', '(sensitive value)'),
    ('sensitive([[1], [2, 3]])', '(sensitive value)'),
    ('sensitive([])', '(sensitive value)'),
    ('sensitive(sensitive("s"))', '(sensitive value)'),
    ('sensitive(tolist([]))', '(sensitive value)'),
    ('sensitive(tomap({a = 1, b = 2}))', '(sensitive value)'),
    ('sensitive("s")', '(sensitive value)'),
    ('sensitive([1])', '(sensitive value)'),
    ('sensitive([terraform_data.x.id])', '(sensitive value)'),
    ('sensitive(length(["x", "x", "y"]))', '(sensitive value)'),
    ('sensitive(max("a", tolist(["x", "y"]), [1, 2]))', Err('Invalid function argument', 'Invalid value for "numbers" parameter: a number is required.')),
    ('sensitive(reverse(terraform_data.x.id))', '(known after apply)'),
    ('sensitive(tostring(["x", "x", "y"]))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert tuple to string.')),
    ('tobool("true")', 'true'),
    ('tobool("yes")', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert "yes" to bool; only the strings "true" or "false" are allowed.')),
    ('tobool(1)', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert number to bool.')),
    ('tobool(null)', 'tobool(null)'),
    ('tobool("True")', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert "True" to bool; only the strings "true" or "false" are allowed.')),
    ('tobool("")', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert "" to bool; only the strings "true" or "false" are allowed.')),
    ('tobool(sensitive("yes"))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert this sensitive string to bool.')),
    ('tobool(sensitive("x"))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert this sensitive string to bool.')),
    ('tobool("TRUE")', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert "TRUE" to bool; only the strings "true" or "false" are allowed.')),
    ('tobool(true)', 'true'),
    ('tobool([])', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert tuple to bool.')),
    ('tobool(tostring(null))', 'tobool(null)'),
    ('tobool({a = "x", b = 2})', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert object to bool.')),
    ('tobool({a = 1})', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert object to bool.')),
    ('tobool({a = [1], b = [2]})', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert object to bool.')),
    ('tobool("b,c")', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert "b,c" to bool; only the strings "true" or "false" are allowed.')),
    ('tobool(2.5)', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert number to bool.')),
    ('tobool(["a", "b"])', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert tuple to bool.')),
    ('tobool([1, "a"])', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert tuple to bool.')),
    ('tobool([null])', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert tuple to bool.')),
    ('tobool(tomap({a = 1, b = 2}))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert map of number to bool.')),
    ('tobool(-1)', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert number to bool.')),
    ('tobool(index([null], ["x", "x", "y"]))', Err('Error in function call', 'Call to function "index" failed: item not found.')),
    ('tobool(reverse({a = [1], b = [2]}))', Err('Invalid function argument', 'Invalid value for "list" parameter: can only reverse list or tuple values, not object.')),
    ('tobool(terraform_data.x.output)', '(known after apply)'),
    ('tolist(["a", 1])', 'tolist([\n  "a",\n  "1",\n])'),
    ('tolist([1, [1]])', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert tuple to list of any single type.')),
    ('tolist([])', 'tolist([])'),
    ('tolist([null, 1])', 'tolist([\n  tonumber(null),\n  1,\n])'),
    ('tolist([sensitive(1), 2])', 'tolist([\n  (sensitive value),\n  2,\n])'),
    ('tolist(null)', 'tolist(null) /* of dynamic */'),
    ('tolist(toset(["b","a"]))', 'tolist([\n  "a",\n  "b",\n])'),
    ('tolist({a=1})', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert object to list of any single type.')),
    ('tolist([{a=1}, {a=2, b=3}])', 'tolist([\n  tomap({\n    "a" = 1\n  }),\n  tomap({\n    "a" = 2\n    "b" = 3\n  }),\n])'),
    ('tolist([{a=1}, {b="x"}])', 'tolist([\n  tomap({\n    "a" = "1"\n  }),\n  tomap({\n    "b" = "x"\n  }),\n])'),
    ('tolist([["a"], [1, 2]])', 'tolist([\n  tolist([\n    "a",\n  ]),\n  tolist([\n    "1",\n    "2",\n  ]),\n])'),
    ('tolist([tolist(["a"]), ["b"]])', 'tolist([\n  tolist([\n    "a",\n  ]),\n  tolist([\n    "b",\n  ]),\n])'),
    ('tolist([null])', 'tolist([\n  null,\n])'),
    ('tolist([null, null])', 'tolist([\n  null,\n  null,\n])'),
    ('tolist(toset([3, 1, 2]))', 'tolist([\n  1,\n  2,\n  3,\n])'),
    ('tolist(toset(["b", "a", "c"]))', 'tolist([\n  "a",\n  "b",\n  "c",\n])'),
    ('tolist(toset([true, false]))', 'tolist([\n  false,\n  true,\n])'),
    ('tolist(sensitive(["a"]))', '(sensitive value)'),
    ('tolist({a=1, b=2})', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert object to list of any single type.')),
    ('tolist(1)', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert number to list of any single type.')),
    ('tolist(true)', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert bool to list of any single type.')),
    ('tolist(tomap({}))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert map of dynamic to list of any single type.')),
    ('tolist([tomap({a=1}), {b=2}])', 'tolist([\n  tomap({\n    "a" = 1\n  }),\n  tomap({\n    "b" = 2\n  }),\n])'),
    ('tolist([tomap({a=1}), {b="x"}])', 'tolist([\n  tomap({\n    "a" = "1"\n  }),\n  tomap({\n    "b" = "x"\n  }),\n])'),
    ('tolist([[1], toset([2])])', 'tolist([\n  toset([\n    1,\n  ]),\n  toset([\n    2,\n  ]),\n])'),
    ('tolist(["a", null, 1])', 'tolist([\n  "a",\n  tostring(null),\n  "1",\n])'),
    ('tolist([terraform_data.x.id])', 'tolist([\n  (known after apply),\n])'),
    ('tolist(sensitive([1]))', '(sensitive value)'),
    ('tolist(["a", true])', 'tolist([\n  "a",\n  "true",\n])'),
    ('tolist([1, true])', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert tuple to list of any single type.')),
    ('tolist([[1], ["a"]])', 'tolist([\n  [\n    "1",\n  ],\n  [\n    "a",\n  ],\n])'),
    ('tolist([{a=1}, {b=2}])', 'tolist([\n  tomap({\n    "a" = 1\n  }),\n  tomap({\n    "b" = 2\n  }),\n])'),
    ('tolist([{a=1}, {a="x", b=2}])', 'tolist([\n  tomap({\n    "a" = "1"\n  }),\n  tomap({\n    "a" = "x"\n    "b" = "2"\n  }),\n])'),
    ('tolist([[], [1]])', 'tolist([\n  tolist([]),\n  tolist([\n    1,\n  ]),\n])'),
    ('tolist("a")', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert string to list of any single type.')),
    ('tolist(tomap({a=1}))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert map of number to list of any single type.')),
    ('tolist(false)', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert bool to list of any single type.')),
    ('tolist({})', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert object to list of any single type.')),
    ('tolist("b,c")', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert string to list of any single type.')),
    ('tolist(sensitive("s"))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert string to list of any single type.')),
    ('tolist(tolist(["x", "y"]))', 'tolist([\n  "x",\n  "y",\n])'),
    ('tolist(toset(["b", "a"]))', 'tolist([\n  "a",\n  "b",\n])'),
    ('tolist(["a", "b"])', 'tolist([\n  "a",\n  "b",\n])'),
    ('tolist(["x", "y"])', 'tolist([\n  "x",\n  "y",\n])'),
    ('tolist([1, 2])', 'tolist([\n  1,\n  2,\n])'),
    ('tolist([true, false])', 'tolist([\n  true,\n  false,\n])'),
    ('tolist(join("", 1e3))', Err('Invalid function argument', 'Invalid value for "lists" parameter: list of string required.')),
    ('tolist(sum(sensitive([1])))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert number to list of any single type.')),
    ('tolist(terraform_data.x.output)', '(known after apply)'),
    ('tolist({b = "2", a = "1"})', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert object to list of any single type.')),
    ('tomap([1])', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert tuple to map of any single type.')),
    ('tomap(null)', 'tomap(null) /* of dynamic */'),
    ('tomap({a=1, b="x"})', 'tomap({\n  "a" = "1"\n  "b" = "x"\n})'),
    ('tomap({a=1, b=[1]})', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert object to map of any single type.')),
    ('tomap({a=null, b=1})', 'tomap({\n  "a" = tonumber(null)\n  "b" = 1\n})'),
    ('tomap({})', 'tomap({})'),
    ('tomap({a=null})', 'tomap({\n  "a" = null\n})'),
    ('tomap({a=[1], b=[]})', 'tomap({\n  "a" = tolist([\n    1,\n  ])\n  "b" = tolist([])\n})'),
    ('tomap({a={x=1}, b={}})', 'tomap({\n  "a" = tomap({\n    "x" = 1\n  })\n  "b" = tomap({})\n})'),
    ('tomap({a=tolist([1]), b=["x"]})', 'tomap({\n  "a" = tolist([\n    "1",\n  ])\n  "b" = tolist([\n    "x",\n  ])\n})'),
    ('tomap(tomap({a=1}))', 'tomap({\n  "a" = 1\n})'),
    ('tomap(sensitive({a=1}))', '(sensitive value)'),
    ('tomap(toset(["a"]))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert set of string to map of any single type.')),
    ('tomap(tolist([]))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert list of dynamic to map of any single type.')),
    ('tomap({a="x", b=null, c=1})', 'tomap({\n  "a" = "x"\n  "b" = tostring(null)\n  "c" = "1"\n})'),
    ('tomap({a=tolist(["x"]), b=toset(["y"])})', 'tomap({\n  "a" = tolist([\n    "x",\n  ])\n  "b" = tolist([\n    "y",\n  ])\n})'),
    ('tomap({a=terraform_data.x.id})', 'tomap({\n  "a" = (known after apply)\n})'),
    ('tomap({a=[1], b=["x"]})', 'tomap({\n  "a" = [\n    "1",\n  ]\n  "b" = [\n    "x",\n  ]\n})'),
    ('tomap({a={x=1}, b={x="y"}})', 'tomap({\n  "a" = {\n    "x" = "1"\n  }\n  "b" = {\n    "x" = "y"\n  }\n})'),
    ('tomap({a=1, b=true})', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert object to map of any single type.')),
    ('tomap({a={x=1}, b={y=2}})', 'tomap({\n  "a" = tomap({\n    "x" = 1\n  })\n  "b" = tomap({\n    "y" = 2\n  })\n})'),
    ('tomap("a")', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert string to map of any single type.')),
    ('tomap(tolist([1]))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert list of number to map of any single type.')),
    ('tomap(false)', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert bool to map of any single type.')),
    ('tomap("")', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert string to map of any single type.')),
    ('tomap("true")', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert string to map of any single type.')),
    ('tomap(["a", null])', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert tuple to map of any single type.')),
    ('tomap(2.5)', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert number to map of any single type.')),
    ('tomap([null])', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert tuple to map of any single type.')),
    ('tomap(anytrue([terraform_data.x.id]))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert bool to map of any single type.')),
    ('tomap(lookup({a = terraform_data.x.id}, ["x", "x", "y"]))', Err('Invalid function argument', 'Invalid value for "key" parameter: string required.')),
    ('tomap(range(sensitive("s")))', Err('Invalid function argument', 'Invalid value for "params" parameter: a number is required.')),
    ('tomap(terraform_data.x.id)', '(known after apply)'),
    ('tomap(tobool([]))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert tuple to bool.')),
    ('tomap(tolist([true, false]))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert list of bool to map of any single type.')),
    ('tomap(tomap({b = "2", a = "1"}))', 'tomap({\n  "a" = "1"\n  "b" = "2"\n})'),
    ('tomap(true)', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert bool to map of any single type.')),
    ('tomap({a = 1, b = 2})', 'tomap({\n  "a" = 1\n  "b" = 2\n})'),
    ('tomap({a = 1})', 'tomap({\n  "a" = 1\n})'),
    ('tonumber(" 1")', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert " 1" to number; given string must be a decimal representation of a number.')),
    ('tonumber("0x10")', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert "0x10" to number; given string must be a decimal representation of a number.')),
    ('tonumber("1.5")', '1.5'),
    ('tonumber("1e3")', '1000'),
    ('tonumber("abc")', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert "abc" to number; given string must be a decimal representation of a number.')),
    ('tonumber(null)', 'tonumber(null)'),
    ('tonumber(true)', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert bool to number.')),
    ('tonumber("1e400")', '10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000'),
    ('tonumber("0.1e1")', '1'),
    ('tonumber("1E2")', '100'),
    ('tonumber("-.5")', '-0.5'),
    ('tonumber("0x1p3")', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert "0x1p3" to number; given string must be a decimal representation of a number.')),
    ('tonumber("")', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert "" to number; given string must be a decimal representation of a number.')),
    ('tonumber("  ")', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert "  " to number; given string must be a decimal representation of a number.')),
    ('tonumber("NaN")', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert "NaN" to number; given string must be a decimal representation of a number.')),
    ('tonumber("-Inf")', '-Inf'),
    ('tonumber(sensitive("x"))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert this sensitive string to number.')),
    ('tonumber(1)', '1'),
    ('tonumber("-0")', '-0'),
    ('tonumber("1.0e-2")', '0.01'),
    ('tonumber("+5")', '5'),
    ('tonumber(".5")', '0.5'),
    ('tonumber("5.")', '5'),
    ('tonumber("Inf")', '+Inf'),
    ('tonumber("1_000")', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert "1_000" to number; given string must be a decimal representation of a number.')),
    ('tonumber(tostring(null))', 'tonumber(null)'),
    ('tonumber(sensitive("s"))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert this sensitive string to number.')),
    ('tonumber("1")', '1'),
    ('tonumber("b,c")', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert "b,c" to number; given string must be a decimal representation of a number.')),
    ('tonumber(["a", "b"])', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert tuple to number.')),
    ('tonumber(tolist([]))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert list of dynamic to number.')),
    ('tonumber(toset(["b", "a"]))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert set of string to number.')),
    ('tonumber({a = "x", b = 2})', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert object to number.')),
    ('tonumber({a = [1], b = [2]})', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert object to number.')),
    ('tonumber(alltrue("B c"))', Err('Invalid function argument', 'Invalid value for "list" parameter: list of bool required.')),
    ('tonumber(ceil("B c"))', Err('Invalid function argument', 'Invalid value for "num" parameter: a number is required.')),
    ('tonumber(startswith("", {a = [1], b = [2]}))', Err('Invalid function argument', 'Invalid value for "prefix" parameter: string required.')),
    ('tonumber(terraform_data.x.output)', '(known after apply)'),
    ('toset(["a","b","a"])', 'toset([\n  "a",\n  "b",\n])'),
    ('toset([1, "a"])', 'toset([\n  "1",\n  "a",\n])'),
    ('toset([])', 'toset([])'),
    ('toset([{a=1}, {a="x"}])', 'toset([\n  {\n    "a" = "1"\n  },\n  {\n    "a" = "x"\n  },\n])'),
    ('toset(null)', 'toset(null) /* of dynamic */'),
    ('toset([true, false, true])', 'toset([\n  false,\n  true,\n])'),
    ('toset([3, 1, 2])', 'toset([\n  1,\n  2,\n  3,\n])'),
    ('toset(["b", "B", "a"])', 'toset([\n  "B",\n  "a",\n  "b",\n])'),
    ('toset([[2], [1]])', 'toset([\n  [\n    1,\n  ],\n  [\n    2,\n  ],\n])'),
    ('toset([{b=1}, {a=2}])', 'toset([\n  tomap({\n    "a" = 2\n  }),\n  tomap({\n    "b" = 1\n  }),\n])'),
    ('toset([1.5, 1, 10, -1])', 'toset([\n  -1,\n  1,\n  1.5,\n  10,\n])'),
    ('toset({})', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert object to set of any single type.')),
    ('toset([tolist([1]), [2]])', 'toset([\n  tolist([\n    1,\n  ]),\n  tolist([\n    2,\n  ]),\n])'),
    ('toset([null, "a"])', 'toset([\n  "a",\n  tostring(null),\n])'),
    ('toset([["a"], [1, 2]])', 'toset([\n  tolist([\n    "1",\n    "2",\n  ]),\n  tolist([\n    "a",\n  ]),\n])'),
    ('toset([{a=1}, {a=1}])', 'toset([\n  {\n    "a" = 1\n  },\n])'),
    ('toset([toset(["a"]), toset(["b"])])', 'toset([\n  toset([\n    "a",\n  ]),\n  toset([\n    "b",\n  ]),\n])'),
    ('toset([1.0, 1, 2])', 'toset([\n  1,\n  2,\n])'),
    ('toset("a")', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert string to set of any single type.')),
    ('toset({a=1})', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert object to set of any single type.')),
    ('toset([terraform_data.x.id])', 'toset([\n  (known after apply),\n])'),
    ('toset([terraform_data.x.id, "a"])', 'toset([\n  "a",\n  (known after apply),\n])'),
    ('toset(tolist([]))', 'toset([])'),
    ('toset({a = 1})', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert object to set of any single type.')),
    ('toset("")', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert string to set of any single type.')),
    ('toset("true")', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert string to set of any single type.')),
    ('toset([null])', 'toset([\n  null,\n])'),
    ('toset(toset(["b", "a"]))', 'toset([\n  "a",\n  "b",\n])'),
    ('toset("B c")', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert string to set of any single type.')),
    ('toset(0)', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert number to set of any single type.')),
    ('toset(["b", "a"])', 'toset([\n  "a",\n  "b",\n])'),
    ('toset(ceil(tolist([])))', Err('Invalid function argument', 'Invalid value for "num" parameter: number required.')),
    ('toset(strrev(null))', Err('Invalid function argument', 'Invalid value for "str" parameter: argument must not be null.')),
    ('toset(terraform_data.x.output)', '(known after apply)'),
    ('toset(toset(null))', 'toset(null) /* of dynamic */'),
    ('tostring(1.50)', '"1.5"'),
    ('tostring([1])', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert tuple to string.')),
    ('tostring(null)', 'tostring(null)'),
    ('tostring(true)', '"true"'),
    ('tostring(tostring(1))', '"1"'),
    ('tostring(0.1)', '"0.1"'),
    ('tostring(1e21)', '"1000000000000000000000"'),
    ('tostring(-0)', '"-0"'),
    ('tostring(1/0)', '"+Inf"'),
    ('tostring(sensitive([1]))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert tuple to string.')),
    ('tostring(terraform_data.x.output)', '(known after apply)'),
    ('tostring(sensitive(1))', '(sensitive value)'),
    ('tostring("a")', '"a"'),
    ('tostring({})', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert object to string.')),
    ('tostring([1, "a"])', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert tuple to string.')),
    ('tostring([1, 2])', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert tuple to string.')),
    ('tostring([])', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert tuple to string.')),
    ('tostring(1)', '"1"'),
    ('tostring("1")', '"1"'),
    ('tostring("B c")', '"B c"'),
    ('tostring("true")', '"true"'),
    ('tostring([[1], [2, 3]])', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert tuple to string.')),
    ('tostring(anytrue(null))', Err('Invalid function argument', 'Invalid value for "list" parameter: argument must not be null.')),
    ('tostring(compact(sensitive([1])))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert list of string to string.')),
    ('tostring(lookup("true", 2.5))', Err('Invalid function argument', 'Invalid value for "inputMap" parameter: lookup() requires a map as the first argument.')),
    ('tostring(tomap({a = 1, b = 2}))', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert map of number to string.')),
    ('tostring(transpose(1))', Err('Invalid function argument', 'Invalid value for "values" parameter: map of list of string required.')),
    ('tostring({a = 1})', Err('Invalid function argument', 'Invalid value for "v" parameter: cannot convert object to string.')),
]


@pytest.mark.parametrize("expr,want", CASES, ids=[c[0][:60] for c in CASES])
def test_observed_terraform_results(expr: str, want: str | Err) -> None:
    check(expr, want)
