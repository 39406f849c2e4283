"""Python stacks plan like HCL: sheath on a stack and on the equivalent HCL gives the same plan
and outputs, terraform on `sheath synth`'s JSON plans the same changes, and errors point at
the stack file's lines."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from conftest import RunFn

MODULE = """
variable "cidr" {
  type = string
}
resource "terraform_data" "net" {
  input = var.cidr
}
output "id" {
  value = terraform_data.net.input
}
"""

HCL = """
variable "env" {
  type    = string
  default = "dev"
}
locals {
  prefix = "app-${var.env}"
}
resource "terraform_data" "base" {
  input = local.prefix
}
resource "terraform_data" "counted" {
  count = 2
  input = "${terraform_data.base.input}-${count.index}"
}
resource "terraform_data" "each" {
  for_each   = toset(["a", "b"])
  input      = "svc-${each.key}"
  depends_on = [terraform_data.base]
}
resource "terraform_data" "keep" {
  input = { size = 3, tags = ["x", "y"] }
  lifecycle {
    create_before_destroy = true
  }
}
module "net" {
  source = "./modules/net"
  cidr   = "10.0.0.0/16"
}
output "base" {
  value = terraform_data.base.input
}
output "net" {
  value = module.net.id
}
output "each_a" {
  value = terraform_data.each["a"].output
}
output "secret" {
  value     = "hunter2"
  sensitive = true
}
"""

STACK = """
from sheath.stack import Module, local_value, output, resource, variable
from sheath.stack.providers import terraform

env = variable("env", type=str, default="dev")
prefix = local_value("prefix", f"app-{env}")
base = terraform.Data("base", input=prefix)
counted = resource("terraform_data", "counted", count=2, input=lambda c: f"{base.input}-{c.index}")
each = resource("terraform_data", "each", for_each=["a", "b"], input=lambda e: f"svc-{e.key}", depends_on=[base])
keep = terraform.Data("keep", input={"size": 3, "tags": ["x", "y"]}, lifecycle={"create_before_destroy": True})
net = Module("net", source="./modules/net", cidr="10.0.0.0/16")
output("base", base.input)
output("net", net.id)
output("each_a", each["a"].output)
output("secret", "hunter2", sensitive=True)
"""


def make(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text))
    return root


def ok(r: object) -> str:
    assert getattr(r, "returncode") == 0, getattr(r, "stdout") + getattr(r, "stderr")
    return str(getattr(r, "stdout"))


def changes(plan_text: str) -> list[str]:
    """The plan's resource change headers and its summary line."""
    return [line for line in plan_text.splitlines() if line.startswith("  # ") or line.startswith("Plan:")]


@pytest.mark.oracle
def test_stack_plans_and_outputs_like_hcl_and_terraform_on_synth(tmp_path: Path, run_sheath: RunFn, run_terraform: RunFn) -> None:
    hcl = make(tmp_path / "hcl", {"main.tf": HCL, "modules/net/main.tf": MODULE})
    py = make(tmp_path / "py", {"stack.py": STACK, "modules/net/main.tf": MODULE})
    for d in (hcl, py):
        ok(run_sheath(["init", "-no-color"], d))
    hcl_plan = ok(run_sheath(["plan", "-no-color"], hcl))
    py_plan = ok(run_sheath(["plan", "-no-color"], py))
    assert py_plan == hcl_plan
    assert "Plan: 7 to add, 0 to change, 0 to destroy." in py_plan

    out = tmp_path / "synth"
    ok(run_sheath(["synth", f"-out={out}"], py))
    assert sorted(p.name for p in out.iterdir()) == ["modules", "stack.tf.json"]
    json.loads((out / "stack.tf.json").read_text())
    ok(run_terraform(["init", "-no-color", "-input=false"], out))
    tf_plan = ok(run_terraform(["plan", "-no-color", "-input=false"], out))
    assert changes(tf_plan) == changes(py_plan)
    assert tf_plan.split("Changes to Outputs:")[1].split("\n\n")[0] == py_plan.split("Changes to Outputs:")[1].split("\n\n")[0]

    # state written by terraform from the synthesized JSON is the stack's state for sheath
    ok(run_terraform(["apply", "-auto-approve", "-no-color", "-input=false"], out))
    (py / "terraform.tfstate").write_bytes((out / "terraform.tfstate").read_bytes())
    assert "No changes." in ok(run_sheath(["plan", "-no-color"], py))

    ok(run_sheath(["apply", "-auto-approve", "-no-color"], hcl))
    hcl_out = json.loads(ok(run_sheath(["output", "-json"], hcl)))
    py_out = json.loads(ok(run_sheath(["output", "-json"], py)))
    assert py_out == hcl_out == json.loads(ok(run_terraform(["output", "-json"], out)))
    assert py_out["secret"] == {"sensitive": True, "type": "string", "value": "hunter2"}
    assert py_out["each_a"]["value"] == "svc-a"

    # and state written by sheath from the stack is terraform's: a change applied by sheath
    (py / "stack.py").write_text(STACK.replace('output("base", base.input)', 'output("base", base.input)\nterraform.Data("late", input="z")'))
    assert "Plan: 1 to add, 0 to change, 0 to destroy." in ok(run_sheath(["apply", "-auto-approve", "-no-color"], py))
    ok(run_sheath(["synth", f"-out={out}"], py))
    (out / "terraform.tfstate").write_bytes((py / "terraform.tfstate").read_bytes())
    assert "No changes." in ok(run_terraform(["plan", "-no-color", "-input=false"], out))


def test_wrong_argument_reports_the_stack_file_and_line(tmp_path: Path, run_sheath: RunFn) -> None:
    d = make(
        tmp_path,
        {
            "main.tf": 'resource "terraform_data" "hcl" {}\n',
            "stack.py": "from sheath.stack import resource\n\n\nbad = resource('terraform_data', 'bad', inptu='x')\n",
        },
    )
    r = run_sheath(["validate", "-no-color"], d)
    assert r.returncode == 1
    assert "on stack.py line 4:" in r.stderr
    assert "4: bad = resource('terraform_data', 'bad', inptu='x')" in r.stderr
    assert re.search(r'No argument or block type is named "inptu"\. Did you mean "input"\?', r.stderr)


def test_control_flow_on_a_reference_fails_the_command(tmp_path: Path, run_sheath: RunFn) -> None:
    d = make(tmp_path, {"app.stack.py": "from sheath.stack import resource\nb = resource('terraform_data', 'b')\nif b.output:\n    pass\n"})
    r = run_sheath(["validate", "-no-color"], d)
    assert r.returncode == 1
    assert "Error: Value not known while the stack is built" in r.stderr
    assert "on app.stack.py line 3:" in r.stderr
    assert "3: if b.output:" in r.stderr
    assert "only known after apply" in r.stderr


def test_bad_reference_and_failing_precondition_report_stack_lines(tmp_path: Path, run_sheath: RunFn) -> None:
    stack = (
        "from sheath.stack import resource, variable, expr\n"
        "\n"
        "n = variable('n', type=int, default=1)\n"
        "a = resource('terraform_data', 'a', input=n,\n"
        "             lifecycle={'precondition': [{'condition': expr('var.n > 2'), 'error_message': 'n must be above 2.'}]})\n"
    )
    d = make(tmp_path, {"stack.py": stack + "b = resource('terraform_data', 'b', input=a.nope)\n"})
    r = run_sheath(["validate", "-no-color"], d)
    assert r.returncode == 1
    assert "Error: Unsupported attribute" in r.stderr and "on stack.py line 6:" in r.stderr
    (d / "stack.py").write_text(stack)
    r = run_sheath(["plan", "-no-color"], d)
    assert r.returncode == 1
    assert "Error: Resource precondition failed" in r.stderr
    assert "on stack.py line 4:" in r.stderr and "var.n is 1" in r.stderr and "n must be above 2." in r.stderr


def test_synth_flags(tmp_path: Path, run_sheath: RunFn) -> None:
    d = make(tmp_path / "w", {"stack.py": "from sheath.stack import resource\nresource('terraform_data', 'a')\n"})
    r = run_sheath(["synth"], d)
    assert r.returncode == 1 and "The -out=DIR option is required." in r.stderr
    r = run_sheath(["synth", "-out=x", "extra"], d)
    assert r.returncode == 1 and "Too many command line arguments." in r.stderr
    r = run_sheath(["synth", "-out=."], d)
    assert r.returncode == 1 and "Invalid output directory" in r.stderr
    r = run_sheath(["synth", "-bogus"], d)
    assert r.returncode == 1 and "-bogus" in r.stderr
    ok(run_sheath(["synth", f"-out={tmp_path / 'o'}"], d))
    assert json.loads((tmp_path / "o" / "stack.tf.json").read_text()) == {"resource": {"terraform_data": {"a": {}}}}


def test_a_directory_with_only_a_stack_is_a_configuration(tmp_path: Path, run_sheath: RunFn) -> None:
    d = make(tmp_path, {"stack.py": "from sheath.stack import resource\nresource('terraform_data', 'a')\n"})
    out = ok(run_sheath(["providers", "-no-color"], d))
    assert "provider[terraform.io/builtin/terraform]" in out
    graph = ok(run_sheath(["graph"], d))
    assert '"terraform_data.a"' in graph
