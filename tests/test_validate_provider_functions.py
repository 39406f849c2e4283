"""Provider-defined functions (``provider::NAME::FUNCTION``) in `validate`, against terraform.

The functions come from the provider's schema: hashicorp/aws 5.100.0 offers arn_parse,
arn_build and trim_iam_role_path. Both tools validate the same configurations (terraform
calls a function whose arguments are known, on a provider it never configures: no AWS
credentials, no network), and their exit codes and diagnostics (severity, summary,
detail, range) must be the same. terraform only exposes the functions of providers named
in the calling module's required_providers block, under that local name.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHEATH_CMD

pytestmark = pytest.mark.oracle

REQUIRED = 'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n'
ROLE = '"arn:aws:iam::444455556666:role/example"'

# each case one configuration: (root module, child module "m"), the root calling "m" so
# that one init (one module install) serves all; the error cases share a configuration
# because terraform reads the AWS schema on every run (seconds each) and reports every
# output's errors independently
ERRORS = [
    'output "not_enough" { value = provider::aws::arn_parse() }',
    'output "too_many" { value = provider::aws::arn_parse("a", "b") }',
    'output "wrong_type" { value = provider::aws::arn_parse({ a = 1 }) }',
    'output "null_argument" { value = provider::aws::arn_parse(null) }',
    'locals { provider_error = provider::aws::arn_parse("notanarn") }',
    'output "provider_error" { value = local.provider_error }',
    f'output "result_attribute" {{ value = provider::aws::arn_parse({ROLE}).nope }}',
    'output "unknown_function" { value = provider::aws::nope("a") }',
    'output "undeclared_local_name" { value = provider::foo::bar("a") }',
    'output "no_provider_name" { value = provider::nope("a") }',
    'output "bad_namespace" { value = foo::bar("a") }',
    'output "too_deep" { value = provider::aws::b::c("a") }',
    'output "without_namespace" { value = arn_parse("a") }',
    'output "fine" { value = provider::aws::trim_iam_role_path(' + ROLE + ") }",
]
# an unknown function called inside a for expression: hcl evaluates the element in a child
# scope with no functions of its own, and both hcl's diagnostic and terraform's rewrite of
# it look only there (no "not available from the provider", no "Did you mean")
FOR_EXPRESSIONS = [
    'output "a" { value = [for x in ["a"] : provider::aws::nope(x)] }',
    'output "b" { value = [for x in ["a"] : provider::foo::nope(x)] }',
    'output "c" { value = [for x in ["a"] : uppr(x)] }',
    'output "d" { value = [for x in ["a"] : arn_parse(x)] }',
    'output "e" { value = { for x in ["a"] : provider::aws::nope(x) => x } }',
    'output "f" { value = [for x in ["a"] : x if provider::aws::nope(x)] }',
    'output "g" { value = [for x in provider::aws::nope("a") : x] }',
    'output "h" { value = [for x in ["a"] : [for y in [x] : provider::aws::nope(y)]] }',
    'output "i" { value = [for x in ["a"] : provider::aws::trim_iam_role_path(' + ROLE + ")] }",
]
# a dynamic block's content is evaluated in such a child scope too (hcl's dynblock); a
# nested block's is not
DYNAMIC_BLOCKS = """resource "aws_security_group" "g" {
  dynamic "ingress" {
    for_each = [1]
    content {
      description = provider::aws::nope(ingress.value)
      from_port   = 1
      to_port     = 1
      protocol    = uppr("tcp")
    }
  }
  egress {
    description = provider::aws::nope("a")
    from_port   = 1
    to_port     = 1
    protocol    = uppr("tcp")
  }
}
"""
CASES: dict[str, tuple[str, str]] = {
    "valid": (
        REQUIRED
        + f"output \"p\" {{ value = provider::aws::arn_parse({ROLE}) }}\n"
        + 'output "b" { value = provider::aws::arn_build("aws", "iam", "", "444455556666", "role/example") }\n'
        + 'output "t" { value = provider::aws::trim_iam_role_path("arn:aws:iam::444455556666:role/a/b/example") }\n'
        + 'variable "v" {\n  type = string\n}\noutput "unknown_argument" { value = provider::aws::arn_parse(var.v) }\n',
        # the child's own required_providers decide, under its own local name
        REQUIRED.replace("aws =", "amazon =") + f'output "x" {{ value = provider::amazon::arn_parse({ROLE}) }}\n',
    ),
    "errors": (
        REQUIRED + "\n".join(ERRORS) + "\n",
        REQUIRED.replace("aws =", "amazon =") + 'output "x" { value = provider::amazon::arn_parse("bad") }\n',
    ),
    # a provider only implied by a resource offers no functions, in the root or a child
    "not_declared": (
        f'resource "aws_s3_bucket" "b" {{}}\noutput "x" {{ value = provider::aws::arn_parse({ROLE}) }}\n',
        f'output "x" {{ value = provider::aws::arn_parse({ROLE}) }}\n',
    ),
    "for_expressions": (REQUIRED + "\n".join(FOR_EXPRESSIONS) + "\n", ""),
    "dynamic_blocks": (REQUIRED + DYNAMIC_BLOCKS, ""),
}


def _cli_config(mirror: str, d: Path) -> Path:
    rc = d / "terraformrc"
    rc.write_text(
        "provider_installation {\n  filesystem_mirror {\n"
        f"    path    = {json.dumps(mirror)}\n"
        '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n'
    )
    return rc


def _write(d: Path, root: str, child: str) -> None:
    (d / "main.tf").write_text(root + 'module "m" {\n  source = "./m"\n}\n')
    (d / "m").mkdir(exist_ok=True)
    (d / "m" / "main.tf").write_text(child)


def _diagnostics(r: subprocess.CompletedProcess[str]) -> tuple[bool, list[tuple[str, str, str, str]]]:
    doc = json.loads(r.stdout)
    return doc["valid"], sorted(
        (x["severity"], x["summary"], x["detail"], json.dumps(x.get("range"), sort_keys=True)) for x in doc["diagnostics"]
    )


@pytest.fixture(scope="module")
def dirs(aws_mirror: str, terraform_bin: str, oracle_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A working directory per tool, each initialised by its own tool from the mirror."""
    base = tmp_path_factory.mktemp("provider-functions")
    env = {k: v for k, v in oracle_env.items() if not k.startswith("AWS_")}
    env["TF_CLI_CONFIG_FILE"] = str(_cli_config(aws_mirror, base))
    env["SHEATH_CACHE_DIR"] = str(base / "cache")
    out: dict[str, Any] = {"env": env}
    for tool, cmd in (("terraform", [terraform_bin]), ("sheath", SHEATH_CMD)):
        d = base / tool
        d.mkdir()
        _write(d, REQUIRED, "")
        r = subprocess.run([*cmd, "init", "-no-color"], cwd=d, env=env, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, (tool, r.stdout, r.stderr)
        out[tool] = (cmd, d)
    return out


@pytest.mark.parametrize("case", list(CASES))
def test_validate_provider_functions_match_terraform(case: str, dirs: dict[str, Any]) -> None:
    root, child = CASES[case]
    results = {}
    for tool in ("terraform", "sheath"):
        cmd, d = dirs[tool]
        _write(d, root, child)
        r = subprocess.run([*cmd, "validate", "-json", "-no-color"], cwd=d, env=dirs["env"], capture_output=True, text=True, timeout=120)
        results[tool] = (r.returncode, _diagnostics(r))
    assert results["sheath"] == results["terraform"]


def test_validate_needs_no_credentials(dirs: dict[str, Any]) -> None:
    """validate never configures the provider: a function call works with no AWS settings
    at all (no credentials, no region, no shared config files to read)."""
    cmd, d = dirs["sheath"]
    _write(d, CASES["valid"][0], "")
    env = dict(dirs["env"])
    env["HOME"] = str(d)  # no ~/.aws
    r = subprocess.run([*cmd, "validate", "-no-color"], cwd=d, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Success!" in r.stdout


def test_builtin_provider_functions_in_validate(tmp_path: Path, run_terraform: Any, run_sheath: Any) -> None:
    """terraform's own provider's functions, declared as terraform.io/builtin/terraform."""
    (tmp_path / "main.tf").write_text(
        'terraform {\n  required_providers {\n    terraform = { source = "terraform.io/builtin/terraform" }\n  }\n}\n'
        'output "a" { value = provider::terraform::encode_expr({ a = 1 }) }\n'
        'output "b" { value = provider::terraform::decode_tfvars(1, 2) }\n'
        'output "c" { value = provider::terraform::nope() }\n'
    )
    got = {}
    for name, run in (("terraform", run_terraform), ("sheath", run_sheath)):
        r = run(["validate", "-json", "-no-color"], tmp_path)
        got[name] = (r.returncode, _diagnostics(r))
    assert got["sheath"] == got["terraform"]



APPLY = (
    REQUIRED
    + 'variable "v" {\n  type    = string\n  default = "arn:aws:iam::444455556666:role/x/y/example"\n}\n'
    + f'output "p" {{ value = provider::aws::arn_parse({ROLE}) }}\n'
    + 'output "t" { value = provider::aws::trim_iam_role_path(var.v) }\n'
    + 'resource "terraform_data" "d" {\n  input = provider::aws::arn_parse(var.v).account_id\n}\n'
    + 'output "d" { value = terraform_data.d.output }\n'
)


@pytest.mark.slow  # about 40 s: terraform reads the AWS schema for each command
def test_apply_and_console_match_terraform(dirs: dict[str, Any]) -> None:
    """plan/apply and console evaluate with the same per-module function tables."""
    got = {}
    for tool in ("terraform", "sheath"):
        cmd, d = dirs[tool]
        _write(d, APPLY, REQUIRED.replace("aws =", "amazon =") + 'output "x" { value = provider::amazon::arn_build("aws", "s3", "", "", "b") }\n')

        def run(args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
            return subprocess.run([*cmd, *args], cwd=d, env=dirs["env"], input=stdin, capture_output=True, text=True, timeout=120)

        applied = run(["apply", "-auto-approve", "-no-color"])
        assert applied.returncode == 0, (tool, applied.stdout, applied.stderr)
        outputs = json.loads(run(["output", "-json"]).stdout)
        console = run(["console", "-no-color"], "[provider::aws::arn_parse(var.v).resource, module.m.x]\n")
        got[tool] = (outputs, console.returncode, console.stdout, console.stderr)
    assert got["sheath"] == got["terraform"]
    assert got["sheath"][0]["d"]["value"] == "444455556666" and "role/x/y/example" in got["sheath"][2]


# templatefile and templatestring render with the calling module's whole function table
# (terraform's Scope.Functions hands them s.funcs, provider functions included); inside a
# template, an unknown function is hcl's own "Call to unknown function", which terraform
# does not rewrite
TEMPLATE_VARS = '{ r = "arn:aws:iam::444455556666:role/example", ps = ["arn:aws:iam::444455556666:role/a/b"] }'
TEMPLATES = (
    REQUIRED
    + 'variable "tpl" {\n  type    = string\n  default = "$${provider::aws::arn_parse(r).account_id}-'
    + '%%{ for p in ps }$${provider::aws::trim_iam_role_path(p)} %%{ endfor }"\n}\n'
    + "".join(
        f'variable "{n}" {{\n  type    = string\n  default = "{t}"\n}}\n'
        for n, t in (
            ("provider_error", "$${provider::aws::arn_parse(r)}"),
            ("unknown_in_namespace", "$${provider::aws::nope(r)} $${provider::aws::arn_pars(r)}"),
            ("unknown_namespace", "$${provider::foo::nope(r)}"),
            ("without_namespace", "$${arn_parse(r)}"),
            ("misspelt", "$${uppr(r)}"),
        )
    )
    + f'output "file" {{ value = templatefile("${{path.module}}/t.tftpl", {TEMPLATE_VARS}) }}\n'
)
TEMPLATE_FILE = "${provider::aws::arn_parse(r).resource}"
TEMPLATE_ERRORS = "".join(
    f'output "{n}" {{ value = templatestring(var.{n}, {TEMPLATE_VARS}) }}\n'
    for n in ("provider_error", "unknown_in_namespace", "unknown_namespace", "without_namespace", "misspelt")
)
CHILD_TEMPLATES = (
    REQUIRED.replace("aws =", "amazon =")
    + f'output "x" {{ value = templatefile("${{path.module}}/t.tftpl", {TEMPLATE_VARS}) }}\n'
)


def _write_templates(d: Path, root: str) -> None:
    _write(d, root, CHILD_TEMPLATES)
    (d / "t.tftpl").write_text(TEMPLATE_FILE)
    (d / "m" / "t.tftpl").write_text(TEMPLATE_FILE.replace("aws", "amazon"))


def _plan_diagnostics(r: subprocess.CompletedProcess[str]) -> list[tuple[str, str, str, str]]:
    """The diagnostics of a -json plan, and its outputs message (the changes the plan
    shows: none for an output whose evaluation failed)."""
    out = []
    for line in r.stdout.splitlines():
        msg = json.loads(line)
        if msg.get("type") == "diagnostic":
            x = msg["diagnostic"]
            out.append((x["severity"], x["summary"], x["detail"], json.dumps(x.get("range"), sort_keys=True)))
        elif msg.get("type") == "outputs":
            out.append(("outputs", "", "", json.dumps(msg["outputs"], sort_keys=True)))
    return sorted(out)


def _run_in(dirs: dict[str, Any], tool: str) -> Any:
    cmd, d = dirs[tool]

    def run(args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*cmd, *args], cwd=d, env=dirs["env"], input=stdin, capture_output=True, text=True, timeout=120)

    return run


def test_templates_see_provider_functions(dirs: dict[str, Any]) -> None:
    """validate and console (the rendered values) agree with terraform."""
    got = {}
    for tool in ("terraform", "sheath"):
        run = _run_in(dirs, tool)
        _write_templates(dirs[tool][1], TEMPLATES)
        validated = run(["validate", "-json", "-no-color"])
        console = run(["console", "-no-color"], f"[templatestring(var.tpl, {TEMPLATE_VARS}), module.m.x]\n")
        got[tool] = ((validated.returncode, _diagnostics(validated)), (console.returncode, console.stdout, console.stderr))
    assert got["sheath"] == got["terraform"]
    assert got["sheath"][0][0] == 0 and "444455556666-arn:aws:iam::444455556666:role/b " in got["sheath"][1][1]


def test_template_errors_match_terraform(dirs: dict[str, Any]) -> None:
    """Errors inside templates (plan: validate leaves the variables holding them unknown)."""
    got = {}
    for tool in ("terraform", "sheath"):
        _write_templates(dirs[tool][1], TEMPLATES + TEMPLATE_ERRORS)
        planned = _run_in(dirs, tool)(["plan", "-json", "-no-color", "-input=false"])
        got[tool] = (planned.returncode, _plan_diagnostics(planned))
    assert got["sheath"] == got["terraform"]
    assert got["sheath"][0] == 1 and len(got["sheath"][1]) == 6
    assert '"file"' in got["sheath"][1][-1][3] and "provider_error" not in got["sheath"][1][-1][3]


# `terraform test`: a run's assertions see the module's provider functions (terraform's
# moduletest.EvalContext takes the run's scope and its external functions); the file's
# and the run's variables only the built-in ones (hcltest.EvalContext, TestingFunctions);
# an unknown function in an assertion is hcl's diagnostic, not rewritten
TEST_MODULE = (
    REQUIRED
    + 'variable "arn" {\n  type = string\n}\n'
    + 'output "account" { value = provider::aws::arn_parse(var.arn).account_id }\n'
)
TEST_FILE = """variables {
  arn = "arn:aws:iam::444455556666:role/example"
  up  = upper("x")
}
run "one" {
  command = plan
  variables {
    low = lower("X")
  }
  assert {
    condition     = output.account == provider::aws::arn_parse(var.arn).account_id
    error_message = "account"
  }
  assert {
    condition     = provider::aws::trim_iam_role_path("arn:aws:iam::${output.account}:role/a/b") == "arn:aws:iam::444455556666:role/b"
    error_message = "trim ${provider::aws::arn_parse(var.arn).region}"
  }
  assert {
    condition     = var.up == "X" && var.low == "x"
    error_message = "builtin functions in the file's and the run's variables"
  }
}
run "two" {
  command = plan
  assert {
    condition     = provider::aws::nope(var.arn) == "x"
    error_message = "nope"
  }
}
"""


def test_test_command_sees_provider_functions(dirs: dict[str, Any]) -> None:
    got = {}
    for tool in ("terraform", "sheath"):
        d = dirs[tool][1]
        _write(d, TEST_MODULE, "")
        (d / "a.tftest.hcl").write_text(TEST_FILE)
        try:
            r = _run_in(dirs, tool)(["test", "-no-color"])
        finally:
            (d / "a.tftest.hcl").unlink()
        got[tool] = (r.returncode, r.stdout, r.stderr)
    assert got["sheath"] == got["terraform"]
    assert 'run "one"... pass' in got["sheath"][1] and 'no function named "nope"' in got["sheath"][2]
