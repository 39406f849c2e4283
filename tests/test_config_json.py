"""The JSON syntax loads into the same declarations as the native syntax."""

from __future__ import annotations

from pathlib import Path

from config_helpers import load

from sheath.config import Module

NATIVE = """
terraform {
  required_version = ">= 1.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}
provider "aws" {
  alias  = "west"
  region = "us-west-2"
}
variable "v" {
  type    = object({ a = string, b = optional(number, 5) })
  default = { a = "x" }
  validation {
    condition     = var.v.a != ""
    error_message = "empty"
  }
}
locals {
  l = "${var.v.a}-suffix"
}
resource "aws_instance" "web" {
  count      = 2
  provider   = aws.west
  ami        = local.l
  depends_on = [aws_instance.other]
  lifecycle {
    create_before_destroy = true
    ignore_changes        = [tags]
  }
}
resource "aws_instance" "other" {}
data "aws_ami" "u" {}
module "m" {
  source = "./m"
  x      = 1
}
output "o" {
  value     = aws_instance.web[0].id
  sensitive = true
}
moved {
  from = aws_instance.old
  to   = aws_instance.other
}
import {
  to = aws_instance.other
  id = "i-1"
}
"""

JSON = """
{
  "terraform": {
    "required_version": ">= 1.0",
    "required_providers": {"aws": {"source": "hashicorp/aws", "version": "~> 5.0"}}
  },
  "provider": {"aws": {"alias": "west", "region": "us-west-2"}},
  "variable": {
    "v": {
      "type": "object({ a = string, b = optional(number, 5) })",
      "default": {"a": "x"},
      "validation": {"condition": "${var.v.a != \\"\\"}", "error_message": "empty"}
    }
  },
  "locals": {"l": "${var.v.a}-suffix"},
  "resource": {
    "aws_instance": {
      "web": {
        "count": 2,
        "provider": "aws.west",
        "ami": "${local.l}",
        "depends_on": ["aws_instance.other"],
        "lifecycle": {"create_before_destroy": true, "ignore_changes": ["tags"]}
      },
      "other": {}
    }
  },
  "data": {"aws_ami": {"u": {}}},
  "module": {"m": {"source": "./m", "x": 1}},
  "output": {"o": {"value": "${aws_instance.web[0].id}", "sensitive": true}},
  "moved": [{"from": "aws_instance.old", "to": "aws_instance.other"}],
  "import": [{"to": "aws_instance.other", "id": "i-1"}]
}
"""


def _shape(m: Module) -> dict[str, object]:
    web = m.managed_resources["aws_instance.web"]
    assert web.managed is not None
    v = m.variables["v"]
    assert m.provider_requirements is not None
    return {
        "version": [str(c.required) for c in m.core_version_constraints],
        "required": {k: (str(r.type), r.requirement_source) for k, r in m.provider_requirements.required_providers.items()},
        "providers": sorted(m.provider_configs),
        "var_type": v.type,
        "var_default_b": str(v.default.v["b"].v) if v.default is not None else None,
        "validations": len(v.validations),
        "locals": sorted(m.locals),
        "resources": sorted(m.managed_resources),
        "data": sorted(m.data_resources),
        "web_provider": str(web.provider_config_ref),
        "web_count": web.count is not None,
        "web_depends": [t.root_name for t in web.depends_on],
        "web_cbd": web.managed.create_before_destroy,
        "web_ignore": len(web.managed.ignore_changes),
        "modules": {k: c.source_addr_raw for k, c in m.module_calls.items()},
        "outputs": {k: o.sensitive for k, o in m.outputs.items()},
        "moved": [(str(x.from_), str(x.to)) for x in m.moved],
        "imports": [str(i.to_resource) for i in m.imports],
    }


def test_json_and_native_agree(tmp_path: Path) -> None:
    native, d1 = load(tmp_path / "native", {"main.tf": NATIVE})
    assert not d1, d1
    js, d2 = load(tmp_path / "json", {"main.tf.json": JSON})
    assert not d2, d2
    assert _shape(native) == _shape(js)
    refs_native = sorted(t.root_name for t in native.locals["l"].expr.variables())
    refs_json = sorted(t.root_name for t in js.locals["l"].expr.variables())
    assert refs_native == refs_json == ["var"]


def test_json_override_merges_into_native(tmp_path: Path) -> None:
    m, d = load(
        tmp_path,
        {
            "main.tf": 'variable "v" {\n  default = "a"\n}\n',
            "main_override.tf.json": '{"variable": {"v": {"default": "b", "description": "from json"}}}',
        },
    )
    assert not d
    assert m.variables["v"].default is not None and m.variables["v"].default.v == "b"
    assert m.variables["v"].description == "from json"


def test_json_reference_strings(tmp_path: Path) -> None:
    """JSON strings stand for reference expressions in replace_triggered_by and import targets."""
    m, d = load(
        tmp_path,
        {
            "main.tf.json": """
{
  "import": {"for_each": ["a"], "to": "terraform_data.t[each.value]", "id": "${each.value}"},
  "resource": {"terraform_data": {
    "t": {"for_each": {"a": "a"}},
    "u": {"count": 1, "lifecycle": {"replace_triggered_by": ["terraform_data.t[\\"a\\"].id"]}}
  }}
}
"""
        },
    )
    assert not d, d
    assert len(m.managed_resources["terraform_data.u"].triggers_replacement) == 1
    assert m.imports[0].for_each is not None
