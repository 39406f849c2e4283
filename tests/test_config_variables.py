"""Input variable values: sources, precedence, raw-string parsing, conversion, errors."""

from __future__ import annotations

from pathlib import Path

from config_helpers import load, write

from sheath.config.variables import (
    ValueSourceType,
    collect_variable_values,
    finalize_variable_values,
    parse_var_option,
    variable_validations,
)
from sheath.types.cty import NUMBER, SENSITIVE, STRING
from sheath.types.number import Number

DECLS = """
variable "s" {
  default = "default"
}
variable "n" {
  type = number
}
variable "l" {
  type    = list(string)
  default = []
}
variable "o" {
  type    = object({ a = string, b = optional(number, 7) })
  default = null
}
variable "secret" {
  type      = string
  default   = "x"
  sensitive = true
  validation {
    condition     = length(var.secret) > 0
    error_message = "empty"
  }
}
variable "nn" {
  type     = string
  nullable = false
  default  = "fallback"
}
"""


def test_parse_var_option() -> None:
    assert parse_var_option("a=b=c") == ("a", "b=c")
    assert parse_var_option("a=") == ("a", "")
    assert parse_var_option("a") is None


def test_precedence(tmp_path: Path) -> None:
    m, d = load(tmp_path, DECLS)
    assert not d
    write(
        tmp_path,
        {
            "terraform.tfvars": 's = "tfvars"\nn = 1\n',
            "terraform.tfvars.json": '{"s": "tfvars.json"}',
            "b.auto.tfvars": 's = "auto-b"\n',
            "a.auto.tfvars": 's = "auto-a"\nn = 2\n',
            "extra.tfvars": 'n = 4\n',
        },
    )
    env = {"TF_VAR_s": "env", "TF_VAR_n": "0", "TF_VAR_undeclared": "ignored"}
    try:
        import sheath.lang.hcljson  # noqa: F401

        has_json = True
    except ImportError:
        has_json = False
    if not has_json:
        (tmp_path / "terraform.tfvars.json").unlink()
    vals, d = collect_variable_values(m, str(tmp_path), [], env)
    assert not d.has_errors(), d
    assert vals["s"].value.v == "auto-b"  # auto files in lexical order, after terraform.tfvars(.json)
    assert vals["n"].value.v == Number.from_int(2) and vals["n"].source_type is ValueSourceType.AUTO_FILE
    vals, d = collect_variable_values(m, str(tmp_path), [("var", "n=3"), ("var-file", "extra.tfvars")], env)
    assert vals["n"].value.v == Number.from_int(4)  # command line order: the later -var-file wins
    vals, d = collect_variable_values(m, str(tmp_path), [("var-file", "extra.tfvars"), ("var", "n=3")], env)
    assert vals["n"].value.v == "3" and vals["n"].source_type is ValueSourceType.CLI


def test_env_only(tmp_path: Path) -> None:
    m, _ = load(tmp_path, DECLS)
    vals, d = collect_variable_values(m, str(tmp_path), [], {"TF_VAR_s": "env"})
    assert not d and vals["s"].value.v == "env" and vals["s"].source_type is ValueSourceType.ENV


def test_raw_strings_and_hcl_parsing(tmp_path: Path) -> None:
    m, _ = load(tmp_path, DECLS)
    vals, d = collect_variable_values(
        m, str(tmp_path), [("var", "n=5"), ("var", 'l=["a", "b"]'), ("var", 'o={a="x"}'), ("var", "s=[1]")], {}
    )
    assert not d, d
    assert vals["n"].value.type == STRING and vals["n"].value.v == "5"  # literal for primitive types
    assert vals["s"].value.v == "[1]"  # untyped variables take the raw string
    final, d = finalize_variable_values(m, vals)
    assert not d, d
    assert final["n"].type == NUMBER and final["n"].v == Number.from_int(5)
    assert [e.v for e in final["l"].v] == ["a", "b"]
    assert final["o"].v["b"].v == Number.from_int(7)  # optional attribute default applied
    assert final["secret"].has_mark(SENSITIVE)
    assert final["nn"].v == "fallback"


def test_errors(tmp_path: Path) -> None:
    m, _ = load(tmp_path, DECLS)
    vals, d = collect_variable_values(m, str(tmp_path), [("var", "nope=1"), ("var", "bad"), ("var", "l=[")], {})
    assert [x.summary for x in d if x.is_error][:2] == ["Value for undeclared variable", "Invalid -var option"]
    assert any(x.summary == "Missing expression" or x.is_error for x in d[2:])
    final, d = finalize_variable_values(m, vals)
    assert [x.summary for x in d] == ["No value for required variable"]
    assert d[0].detail.startswith('The root module input variable "n" is not set, and has no default value.')

    vals, _ = collect_variable_values(m, str(tmp_path), [("var", "n=abc")], {})
    _, d = finalize_variable_values(m, vals)
    assert [x.summary for x in d] == ["Invalid value for input variable"]
    assert d[0].detail == 'Unsuitable value for var.n set using -var="n=...": a number is required.'

    vals, _ = collect_variable_values(m, str(tmp_path), [], {"TF_VAR_n": "abc"})
    _, d = finalize_variable_values(m, vals)
    assert d[0].detail == "Unsuitable value for var.n set using the TF_VAR_n environment variable: a number is required."

    write(tmp_path, {"terraform.tfvars": 'n = "abc"\nzz = 1\n'})
    vals, d = collect_variable_values(m, str(tmp_path), [], {})
    assert [(x.severity.value, x.summary) for x in d] == [("warning", "Value for undeclared variable")]
    _, d = finalize_variable_values(m, vals)
    assert d[0].detail.startswith("The given value is not suitable for var.n declared at ")
    assert d[0].detail.endswith(": a number is required.")
    assert d[0].subject is not None and d[0].subject.filename.endswith("terraform.tfvars")


def test_undeclared_in_named_var_file(tmp_path: Path) -> None:
    m, _ = load(tmp_path, DECLS)
    write(tmp_path, {"extra.tfvars": "zz = 1\nn = 1\n"})
    vals, d = collect_variable_values(m, str(tmp_path), [("var-file", "extra.tfvars")], {})
    assert [x.summary for x in d] == ["Value for undeclared variable"]
    assert d[0].detail == (
        'The root module does not declare a variable named "zz" but a value was found in file "extra.tfvars". '
        'If you meant to use this value, add a "variable" block to the configuration.'
    )
    assert vals["n"].source_type is ValueSourceType.NAMED_FILE
    _, d = collect_variable_values(m, str(tmp_path), [("var-file", "missing.tfvars")], {})
    assert [x.summary for x in d] == ["Failed to read variables file"]


def test_nullable(tmp_path: Path) -> None:
    m, _ = load(tmp_path, DECLS + 'variable "strict" {\n  nullable = false\n}\n')
    write(tmp_path, {"terraform.tfvars": "n = 1\ns = null\nnn = null\nstrict = null\n"})
    vals, _ = collect_variable_values(m, str(tmp_path), [], {})
    final, d = finalize_variable_values(m, vals)
    assert final["s"].is_null  # nullable: an explicit null wins over the default
    assert final["nn"].v == "fallback"  # not nullable: the default is used
    assert [x.summary for x in d] == ["Required variable not set"]


def test_validations_are_exposed(tmp_path: Path) -> None:
    m, _ = load(tmp_path, DECLS)
    rules = variable_validations(m)
    assert [(v.name, r.condition.range.start.line) for v, r in rules] == [("secret", 21)]
