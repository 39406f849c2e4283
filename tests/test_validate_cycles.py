"""`validate` reports reference cycles as terraform validate does (it reported only cycles
between locals, worded differently, and passed cycles through resources, module variables
and outputs, depends_on or variable validations), and a local that refers to itself is
"Self-referencing local value", in validate and plan.

terraform starts each cycle at a random node, so the names are compared as sets; the
vertex names (``local.a (expand)``, ``var.v (validation)``, ``module.m.output.o (expand)``)
are compared exactly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

CASES: dict[str, dict[str, str]] = {
    "resources": {
        "main.tf": """
resource "terraform_data" "a" {
  input = terraform_data.b.id
}
resource "terraform_data" "b" {
  input = terraform_data.a.id
}
""",
    },
    "three_locals": {"main.tf": 'locals {\n  a = local.c\n  b = local.a\n  c = local.b\n}\n'},
    "local_and_resource": {
        "main.tf": """
locals {
  a = terraform_data.r.id
}
resource "terraform_data" "r" {
  input = local.a
}
""",
    },
    "module_variable_and_output": {
        "main.tf": 'module "m" {\n  source = "./m"\n  x      = module.m.o\n}\n',
        "m/main.tf": 'variable "x" {}\noutput "o" {\n  value = var.x\n}\n',
    },
    "depends_on": {
        "main.tf": """
resource "terraform_data" "a" {
  depends_on = [terraform_data.b]
}
resource "terraform_data" "b" {
  depends_on = [terraform_data.a]
}
""",
    },
    "variable_validation": {
        "main.tf": """
variable "v" {
  default = 1
  validation {
    condition     = var.v == local.l
    error_message = "x"
  }
}
locals {
  l = var.v
}
""",
    },
    "two_cycles_and_an_unsupported_argument": {
        "main.tf": """
locals {
  a = local.b
  b = local.a
}
resource "terraform_data" "x" {
  input = terraform_data.y.id
  bogus = 1
}
resource "terraform_data" "y" {
  input = terraform_data.x.id
}
""",
    },
    "self_referencing_local": {"main.tf": 'locals {\n  a = local.a\n  b = "ok"\n}\n'},
    "self_referencing_local_in_a_module": {
        "main.tf": 'module "m" {\n  source = "./m"\n}\n',
        "m/main.tf": 'locals {\n  n = "${local.n}-x"\n}\n',
    },
}


def _key(d: dict[str, Any]) -> tuple[str, str, str, str]:
    summary = d["summary"]
    if summary.startswith("Cycle: "):  # terraform starts the cycle at a random node
        summary = "Cycle: " + ", ".join(sorted(summary[len("Cycle: ") :].split(", ")))
    r = d.get("range") or {}
    where = f"{r.get('filename')}:{r.get('start', {}).get('line')},{r.get('start', {}).get('column')}"
    return d["severity"], summary, d["detail"], where


@pytest.mark.oracle
@pytest.mark.parametrize("case", sorted(CASES))
def test_cycles_and_self_references_as_terraform_reports_them(
    case: str, tmp_path: Path, run_terraform: Any, run_sheath: Any
) -> None:
    for name, text in CASES[case].items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    if len(CASES[case]) > 1:
        assert run_terraform(["init", "-backend=false", "-no-color"], tmp_path).returncode == 0
    tf = run_terraform(["validate", "-json", "-no-color"], tmp_path)
    sh = run_sheath(["validate", "-json", "-no-color"], tmp_path)
    want, got = json.loads(tf.stdout), json.loads(sh.stdout)
    assert (got["valid"], sorted(map(_key, got["diagnostics"]))) == (want["valid"], sorted(map(_key, want["diagnostics"])))
    assert not want["valid"]
    # plan stops at the same errors (the human output: summaries only, cycles as sets)
    tp = run_terraform(["plan", "-no-color", "-input=false"], tmp_path)
    sp = run_sheath(["plan", "-no-color", "-input=false"], tmp_path)
    assert sp.returncode == tp.returncode == 1

    def summaries(text: str) -> list[str]:
        out = []
        for line in text.splitlines():
            if line.startswith("Error: "):
                s = line[len("Error: ") :]
                if s.startswith("Cycle: "):
                    s = "Cycle: " + ", ".join(sorted(s[len("Cycle: ") :].split(", ")))
                out.append(s)
        return sorted(out)

    assert summaries(sp.stderr) == summaries(tp.stderr)


# other checks of the validate walk found by comparing with terraform
MORE_CASES: dict[str, str] = {
    # a check block's data source is visible only inside its check block
    "scoped_data_source": """
check "c" {
  data "terraform_remote_state" "s" {
    backend = "local"
    config  = { path = "nope.tfstate" }
  }
  assert {
    condition     = data.terraform_remote_state.s.outputs != null
    error_message = "x"
  }
}
output "o" {
  value = data.terraform_remote_state.s.outputs
}
""",
    # provisioner and connection arguments are evaluated against their schemas
    "provisioner_argument_types": """
resource "terraform_data" "a" {
  provisioner "local-exec" {
    command     = ["echo"]
    interpreter = "bash"
  }
}
resource "terraform_data" "b" {
  connection {
    host = "x"
    port = "abc"
  }
  provisioner "remote-exec" {
    inline = "echo"
  }
}
""",
    # terraform checks the sensitive mark first and stops there
    "sensitive_and_ephemeral_output": """
variable "x" {
  sensitive = true
  ephemeral = true
  default   = "a"
}
output "o" {
  value = var.x
}
""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("case", sorted(MORE_CASES))
def test_more_validate_checks_as_terraform(case: str, tmp_path: Path, run_terraform: Any, run_sheath: Any) -> None:
    (tmp_path / "main.tf").write_text(MORE_CASES[case])
    tf = json.loads(run_terraform(["validate", "-json", "-no-color"], tmp_path).stdout)
    sh = json.loads(run_sheath(["validate", "-json", "-no-color"], tmp_path).stdout)
    assert (sh["valid"], sorted(map(_key, sh["diagnostics"]))) == (tf["valid"], sorted(map(_key, tf["diagnostics"])))
    assert not tf["valid"]
