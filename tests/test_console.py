"""Differential tests of `sheath console` against `terraform console`.

Same stdin, same flags, same working directory: stdout, stderr and the exit
code must be identical (colour and -no-color modes).
"""

from __future__ import annotations

from pathlib import Path

import pytest

EXPRESSIONS = [
    "1+2",
    '"1"+1',
    "7 % 0",
    "1/0",
    "-0",
    "2 * (3 + 4)",
    '"${1+2}"',
    '"a${1+2}b"',
    '"x%{ if true }y%{ endif }"',
    '"%{ for x in [1,2] }${x},%{ endfor }"',
    "null",
    "[1, \"a\", true]",
    "{a = 1, b = [1, 2]}",
    "{a = 1, a = 2}",
    "[for v in [1, 2] : v * 2]",
    "{for k, v in {a = 1, b = 2} : v => k}",
    '{for k in ["a", "a"] : k => 1...}',
    "{for v in [1, 2, 3] : v => v if v > 1}",
    "[{a = 1}, {a = 2}][*].a",
    "[{a = 1}, {a = 2}].*.a",
    "null[*]",
    '"abc"[*]',
    "true ? 1 : \"a\"",
    "false ? null : 3",
    'upper("abc")',
    "max([1, 5, 3]...)",
    'core::upper("a")',
    'can(1 + "a")',
    'try(1 + "a", 2)',
    "type({a = 1, b = [1, \"x\"]})",
    "type(null)",
    # a heredoc's delimiter is lengthened only for a line that is EOT after Go's TrimSpace,
    # which keeps the ASCII separators \x1c-\x1f that Python's str.strip removes
    '{a = "x\\n\\u001cEOT\\n y"}',
    '{a = "x\\n EOT \\n y"}',
    # errors
    "true ? 1 : [1]",
    "null ? 1 : 2",
    '"a${null}"',
    '"a${[1]}"',
    '{for k in ["a", "a"] : k => 1}',
    "[for v in 1 : v]",
    "[for v in null : v]",
    "[for v in [1] : v if v]",
    "[1][1]",
    "[1][5]",
    "[1][0.5]",
    "{a = 1}[0]",
    "{a = 1}.b",
    '"a".b',
    "null.a",
    "[{a = 1}].a",
    '"a" + 1',
    "null + 1",
    "upper()",
    "upper(1, 2)",
    "upper([])",
    'upper("a"...)',
    "max(null...)",
    'try(1 + "a", [2][5])',
    "try()",
    "[type(1)]",
    "provider::foo::bar(1)",
    "core::nope(1)",
    "count.index",
    "each.key",
    "self",
    "path.foo",
    "var.nope",
    "x",
    "data.x",
    "module.x.y",
    "aws_instance.x",
    "terraform.applying",
    "terraform.env",
    "terraform",
    "var",
    "local[\"a\"]",
    "count.foo",
    "each",
    "1 +",
    ")",
]


def _compare(run_terraform, run_sheath, cwd: Path, stdin: str, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    t = run_terraform(["console", *args], cwd, stdin=stdin)
    s = run_sheath(["console", *args], cwd, stdin=stdin)
    assert (s.stdout, s.stderr, s.returncode) == (t.stdout, t.stderr, t.returncode)


@pytest.mark.oracle
@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_expression_matches_terraform(expr: str, run_terraform, run_sheath, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _compare(run_terraform, run_sheath, tmp_path, expr + "\n", ["-no-color"])


@pytest.mark.oracle
@pytest.mark.parametrize("expr", ["1+2", "foo.bar", '"a" + 1', "[1][1]"])
def test_colour_output_matches_terraform(expr: str, run_terraform, run_sheath, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _compare(run_terraform, run_sheath, tmp_path, expr + "\n", [])


PIPED_INPUTS = [
    "1\n2\n3\n",  # only the last value is printed
    "1\n2\n3",  # no final newline
    "1\n\n",  # an empty last line prints an empty result
    "",  # no input at all
    "1\nexit\n2\n",  # exit stops without printing
    "help\n",
    "[\n1]\n",  # every line is a separate expression
    "1\nfoo.bar\n2\n",  # the first error ends the run with exit code 1
    "   1 + 1   \n",
    "1\r\n2\r\n",
]


@pytest.mark.oracle
@pytest.mark.parametrize("stdin", PIPED_INPUTS)
def test_piped_mechanics(stdin: str, run_terraform, run_sheath, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _compare(run_terraform, run_sheath, tmp_path, stdin, ["-no-color"])


CONFIG = """
variable "x" {
  default = "abc"
}
variable "s" {
  default   = "secret"
  sensitive = true
}
variable "n" {
  type = number
}
variable "l" {
  type    = list(string)
  default = ["a", "b"]
}
locals {
  b = "${var.x}-z"
  c = [for i in [0, 1, 2] : i * 2]
  d = var.s
  e = local.b
  f = { for k, v in var.l : v => k }
}
"""

BROKEN_LOCAL = """
variable "x" {
  default = "abc"
}
locals {
  a = var.x + 1
  b = "ok"
}
"""


@pytest.mark.oracle
@pytest.mark.parametrize(
    "stdin,args",
    [
        ("local.b\n", []),
        ("local.c\n", []),
        ("local.d\n", []),
        ("var.s\n", []),
        ('var.s == "secret"\n', []),
        ("var.n\n", []),
        ("var.n\n", ["-var=n=3"]),
        ("var.n + 1\n", ["-var", "n=41"]),
        ("var.l\n", ['-var=l=["q"]']),
        ("var.x\n", ["-var=x=hello"]),
        ("var.n\n", ["-var=m=1"]),
        ("local.e\n", []),
        ("local.f\n", []),
        ("var.l[5]\n", []),
        ("path.module\n", []),
        ("terraform.workspace\n", []),
        ("var.x + 1\n", []),
    ],
)
def test_config_scope(stdin: str, args: list[str], run_terraform, run_sheath, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "main.tf").write_text(CONFIG)
    _compare(run_terraform, run_sheath, tmp_path, stdin, ["-no-color", *args])


@pytest.mark.oracle
@pytest.mark.parametrize("color", [True, False])
@pytest.mark.parametrize("stdin", ["local.a\n", "local.b\n"])
def test_config_errors_are_reported_first(stdin: str, color: bool, run_terraform, run_sheath, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "main.tf").write_text(BROKEN_LOCAL)
    _compare(run_terraform, run_sheath, tmp_path, stdin, [] if color else ["-no-color"])


@pytest.mark.oracle
def test_var_file(run_terraform, run_sheath, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "main.tf").write_text(CONFIG)
    (tmp_path / "extra.tfvars").write_text('n = 7\nx = "from-file"\n')
    (tmp_path / "terraform.tfvars").write_text('x = "auto"\n')
    _compare(run_terraform, run_sheath, tmp_path, "var.x\n", ["-no-color"])
    _compare(run_terraform, run_sheath, tmp_path, "[var.x, var.n]\n", ["-no-color", "-var-file=extra.tfvars"])


@pytest.mark.oracle
@pytest.mark.parametrize(
    "expr",
    [
        'templatefile("t.tpl", {name = "w", items = [1, 2]})',
        'templatefile("t.tpl", {name = "w"})',
        'templatefile("bad.tpl", {})',
        'templatefile("rec.tpl", {})',
        'templatestring("x${a}", {a = 1})',
        'templatestring("${nope(a)}", {a = "x"})',
    ],
)
def test_templates_match_terraform(expr: str, run_terraform, run_sheath, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "t.tpl").write_text("Hello ${name}!\n%{ for x in items ~}\n- ${x}\n%{ endfor ~}\n")
    (tmp_path / "bad.tpl").write_text("bad ${nope}\n")
    (tmp_path / "rec.tpl").write_text('${templatefile("t.tpl", {name="q", items=[]})}\n')
    _compare(run_terraform, run_sheath, tmp_path, expr + "\n", ["-no-color"])


LOCAL_ERRORS = """
variable "x" {
  default = "abc"
}
variable "l" {
  default = [1, "a", true]
}
locals {
  a = [for v in var.l : v + 1]
  b = upper(var.l)
  c = {
    k = var.x.foo
  }
  e = var.l[7]
  g = max(var.x, 1)
  h = local.nope
}
output "o" {
  value = var.x * 2
}
"""


@pytest.mark.oracle
@pytest.mark.parametrize("color", [True, False])
def test_config_diagnostics_with_snippets(color: bool, run_terraform, run_sheath, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Source snippets, "in locals" context, expression values and "while calling" lines."""
    (tmp_path / "main.tf").write_text(LOCAL_ERRORS)
    _compare(run_terraform, run_sheath, tmp_path, "1\n", [] if color else ["-no-color"])


STATEFUL = """
resource "terraform_data" "x" {
  input = "a"
}
resource "terraform_data" "c" {
  count = 2
  input = { n = count.index }
}
resource "terraform_data" "e" {
  for_each = toset(["k1", "k2"])
  input    = each.key
}
"""


@pytest.mark.oracle
def test_resources_from_state(run_terraform, run_sheath, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Resource values come from terraform.tfstate (state written by terraform itself)."""
    (tmp_path / "main.tf").write_text(STATEFUL)
    assert run_terraform(["init", "-input=false"], tmp_path).returncode == 0
    assert run_terraform(["apply", "-auto-approve", "-input=false"], tmp_path).returncode == 0
    for expr in [
        "terraform_data.x.input",
        "terraform_data.c[1].output.n",
        'terraform_data.e["k2"].output',
        "length(terraform_data.c)",
        "[for k, v in terraform_data.e : v.input]",
    ]:
        _compare(run_terraform, run_sheath, tmp_path, expr + "\n", ["-no-color"])


VALIDATED = """
variable "x" {
  default = "abc"
  validation {
    condition     = length(var.x) > 5
    error_message = "Too short: ${var.x}."
  }
}
variable "o" {
  type = object({
    a = string
    b = optional(number, 7)
  })
  default = { a = "q" }
}
"""


@pytest.mark.oracle
@pytest.mark.parametrize("args", [[], ["-var=x=abcdefgh"], ["-var=x=ab"], ['-var=o={a="z",b=1}']])
def test_variable_validation_and_optional_defaults(args: list[str], run_terraform, run_sheath, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "main.tf").write_text(VALIDATED)
    _compare(run_terraform, run_sheath, tmp_path, "[var.x, var.o]\n", args)


@pytest.mark.oracle
def test_invalid_default_is_fatal(run_terraform, run_sheath, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "main.tf").write_text('variable "nn" {\n  type     = string\n  default  = null\n  nullable = false\n}\n')
    _compare(run_terraform, run_sheath, tmp_path, "1\n", [])


@pytest.mark.oracle
@pytest.mark.parametrize(
    "tfvars",
    [
        'x = var.y\nn = upper("a")\n',  # neither references nor functions in variable files
        'x = "ok"\nn = 1 +\n',  # a syntax error (subject at the end of the line)
        'x = "ok"\nn = 5\n',
    ],
)
def test_variable_files(tfvars: str, run_terraform, run_sheath, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "main.tf").write_text('variable "x" {}\nvariable "n" {\n  type = number\n}\n')
    (tmp_path / "terraform.tfvars").write_text(tfvars)
    _compare(run_terraform, run_sheath, tmp_path, "[var.x, var.n]\n", [])


MULTILINE = """
locals {
  a = {
    x = 1
  } + 1
  b = [
    1,
    2
  ][5]

  c = true ? {
    a = 1
  } : [
    2
  ]
}
"""


@pytest.mark.oracle
def test_multiline_snippets(run_terraform, run_sheath, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "main.tf").write_text(MULTILINE)
    _compare(run_terraform, run_sheath, tmp_path, "1\n", [])


VALUE_STATEMENTS = """
variable "a" {
  default = 1.5
}
variable "b" {
  default = 100000000000000000000
}
variable "c" {
  default = 12345678901
}
variable "d" {
  default = 0.00001
}
variable "e" {
  default = "q\\"\\n\\u00e9"
}
variable "f" {
  default = { k = "v" }
}
variable "g" {
  default = []
}
variable "h" {
  type    = map(string)
  default = { a = "b" }
}
variable "s" {
  default   = "x"
  sensitive = true
}
locals {
  x = [var.a, var.b, var.c, var.d, var.e, var.f, var.g, var.h, var.s].nope
  y = upper(var.a, var.b)
}
"""


@pytest.mark.oracle
def test_expression_value_statements(run_terraform, run_sheath, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The "├── var.x is ..." lines: number formats, quoting, collection summaries, sensitive values left out."""
    (tmp_path / "main.tf").write_text(VALUE_STATEMENTS)
    _compare(run_terraform, run_sheath, tmp_path, "1\n", ["-no-color"])
