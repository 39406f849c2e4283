"""The builtin provider's functions (provider::terraform::*), compared with terraform's results."""

from __future__ import annotations

import json
from pathlib import Path as FsPath
from typing import Any

import pytest

from sheath.providers.builtin.terraform import new_provider
from sheath.providers.interface import CallFunctionRequest
from sheath.types import Value, list_val, map_val, null, number_val, string_val
from sheath.types.json import value_to_json
from sheath.types.ops import set_val
from tests.test_providers_terraform import val

P = new_provider()


def call(name: str, arg: Value) -> tuple[Value | None, str]:
    r = P.call_function(CallFunctionRequest(name, [arg]))
    return r.result, r.error


# (function, HCL argument, the same argument as a sheath value)
CASES: list[tuple[str, str, Value]] = [
    ("encode_expr", '{a = 1, "b c" = [true, null], d = {x = "y"}, e = []}', val({"a": 1, "b c": [True, None], "d": {"x": "y"}, "e": []})),
    ("encode_expr", '"a\\nb$${1}%%{ \\"q\\" \\\\ \\t"', string_val('a\nb${1}%{ "q" \\ \t')),
    ("encode_expr", "1.5", number_val(1.5)),
    ("encode_expr", "tolist([1, 2])", list_val([number_val(1), number_val(2)])),
    ("encode_expr", 'toset(["b", "a"])', set_val([string_val("b"), string_val("a")])),
    ("encode_expr", "{}", val({})),
    ("encode_expr", 'tomap({a = "x", "1b" = "y"})', map_val({"a": string_val("x"), "1b": string_val("y")})),
    ("encode_expr", '{a = {b = {c = 1}}, x = [{y = 1}], z = tolist([])}', val({"a": {"b": {"c": 1}}, "x": [{"y": 1}], "z": []}) ),
    ("encode_expr", '["a", {b = 1}, [2]]', val(["a", {"b": 1}, [2]])),
    ("encode_tfvars", '{a = 1, bbb = "x", c = {d = [1]}}', val({"a": 1, "bbb": "x", "c": {"d": [1]}})),
    ("encode_tfvars", "{}", val({})),
    ("encode_tfvars", "{a = {}, b = []}", val({"a": {}, "b": []})),
    ("decode_tfvars", '"a = 1\\nb = \\"x\\"\\nc = [true]\\nd = {k = 1.5}"', string_val('a = 1\nb = "x"\nc = [true]\nd = {k = 1.5}')),
    ("decode_tfvars", '""', string_val("")),
]


def test_declarations() -> None:
    fs = P.get_provider_schema().functions
    assert sorted(fs) == ["decode_tfvars", "encode_expr", "encode_tfvars"]
    assert fs["decode_tfvars"].parameters[0].name == "src"


def test_errors() -> None:
    assert call("encode_tfvars", val({"a b": 1}))[1] == (
        'invalid variable name "a b": must be a valid identifier, per Terraform\'s rules for input variable declarations'
    )
    assert call("encode_tfvars", string_val("x"))[1].startswith("invalid value to encode: must be an object")
    assert call("decode_tfvars", string_val("a = var.x"))[1] == (
        'invalid expression for variable "a": <decode_tfvars argument>:1,5-8: Variables not allowed; Variables may not be used here.'
    )
    assert call("decode_tfvars", string_val("a = "))[1].startswith("invalid tfvars syntax: <decode_tfvars argument>:1,5-5: Missing expression")
    assert call("decode_tfvars", string_val("b {}"))[1] == (
        'invalid tfvars content: <decode_tfvars argument>:1,1-2: Unexpected "b" block; Blocks are not allowed here.'
    )
    r = P.call_function(CallFunctionRequest("encode_expr", [null()]))
    assert r.argument_index == 0 and "must not be null" in r.error
    assert P.call_function(CallFunctionRequest("nope", [null()])).error


@pytest.mark.usefixtures("terraform_bin")
def test_functions_match_terraform(tmp_path: FsPath, run_terraform: Any) -> None:
    lines = ['terraform {\n  required_providers {\n    terraform = { source = "terraform.io/builtin/terraform" }\n  }\n}\n']
    for i, (fn, hcl, _) in enumerate(CASES):
        lines.append(f'output "o{i}" {{ value = provider::terraform::{fn}({hcl}) }}\n')
    (tmp_path / "main.tf").write_text("".join(lines))
    assert run_terraform(["init", "-no-color"], tmp_path).returncode == 0
    r = run_terraform(["apply", "-auto-approve", "-no-color"], tmp_path)
    assert r.returncode == 0, r.stderr
    outs = json.loads(run_terraform(["output", "-json"], tmp_path).stdout)
    for i, (fn, hcl, arg) in enumerate(CASES):
        got, err = call(fn, arg)
        assert not err and got is not None, (fn, hcl, err)
        assert json.loads(value_to_json(got)) == outs[f"o{i}"]["value"], (fn, hcl)
