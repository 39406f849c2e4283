"""Every block kind decodes into its typed declaration, with terraform's diagnostics."""

from __future__ import annotations

from pathlib import Path

from config_helpers import load, summaries

from sheath.addrs import Provider as ProviderAddr
from sheath.addrs import ResourceMode
from sheath.lang import hcl
from sheath.types.cty import NUMBER, STRING, ListType, ObjectType


def test_terraform_block(tmp_path: Path) -> None:
    m, d = load(
        tmp_path,
        """
terraform {
  required_version = ">= 1.2, < 2.0"
  backend "s3" {
    bucket = "b"
  }
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
      configuration_aliases = [aws.west]
    }
    legacy = "1.2.3"
    custom = {
      source = "example.com/acme/custom"
    }
  }
  provider_meta "aws" {
    module_name = "x"
  }
}
""",
    )
    assert not d, d
    assert str(m.core_version_constraints[0].required) == ">= 1.2, < 2.0"
    assert m.core_version_constraints[0].required.check("1.11.4")
    assert m.backend is not None and m.backend.type == "s3"
    assert m.provider_requirements is not None
    rp = m.provider_requirements.required_providers
    assert rp["aws"].type == ProviderAddr("aws")
    assert rp["aws"].requirement is not None and rp["aws"].requirement.check("5.100.0")
    assert [str(a) for a in rp["aws"].aliases] == ["aws.west"]
    assert rp["legacy"].type == ProviderAddr("legacy") and rp["legacy"].requirement_source == "1.2.3"
    assert str(rp["custom"].type) == "example.com/acme/custom"
    assert "aws" in m.provider_metas


def test_cloud_block(tmp_path: Path) -> None:
    m, d = load(tmp_path, 'terraform {\n  cloud {\n    organization = "o"\n  }\n}\n')
    assert not d and m.cloud_config is not None


def test_unsupported_core_version(tmp_path: Path) -> None:
    from sheath.config import load_module_tree

    (tmp_path / "main.tf").write_text('terraform {\n  required_version = "~> 0.12"\n}\n')
    _, d = load_module_tree(str(tmp_path))
    assert summaries(d) == ["Unsupported Terraform Core version"]
    assert "does not support Terraform version 1.11.4" in d[0].detail
    assert d[0].subject is not None and (d[0].subject.start.line, d[0].subject.start.column) == (2, 3)


def test_invalid_version_constraint(tmp_path: Path) -> None:
    _, d = load(tmp_path, 'terraform {\n  required_version = "banana"\n}\n')
    assert summaries(d) == ["Invalid version constraint"]


def test_provider_blocks(tmp_path: Path) -> None:
    m, d = load(
        tmp_path,
        'provider "aws" {\n  region = "us-east-1"\n}\nprovider "aws" {\n  alias  = "west"\n  region = "us-west-2"\n}\n',
    )
    assert not d
    assert set(m.provider_configs) == {"aws", "aws.west"}
    assert m.provider_configs["aws.west"].alias == "west"


def test_duplicate_provider(tmp_path: Path) -> None:
    _, d = load(tmp_path, 'provider "aws" {}\nprovider "aws" {}\nprovider "aws" {\n alias = "a"\n}\nprovider "aws" {\n alias = "a"\n}\n')
    assert summaries(d) == ["Duplicate provider configuration"] * 2
    assert "main.tf:1,1-15" in d[0].detail
    assert 'with alias "a"' in d[1].detail


def test_provider_version_deprecated(tmp_path: Path) -> None:
    _, d = load(tmp_path, 'provider "aws" {\n  version = "1.0"\n}\n')
    assert [x.severity.value for x in d] == ["warning"]


def test_variable_block(tmp_path: Path) -> None:
    m, d = load(
        tmp_path,
        """
variable "v" {
  type        = object({ a = string, b = optional(number, 5) })
  default     = { a = "x" }
  description = "d"
  sensitive   = true
  nullable    = false
  ephemeral   = false
  validation {
    condition     = var.v.a != ""
    error_message = "no"
  }
}
variable "plain" {}
""",
    )
    assert not d, d
    v = m.variables["v"]
    assert isinstance(v.type, ObjectType) and v.type.optional == frozenset({"b"})
    assert v.default is not None and v.default.v["b"].type == NUMBER
    assert v.description == "d" and v.sensitive and not v.nullable
    assert len(v.validations) == 1
    assert m.variables["plain"].required and m.variables["plain"].nullable


def test_variable_errors(tmp_path: Path) -> None:
    _, d = load(
        tmp_path,
        """
variable "count" {}
variable "1x" {}
variable "n" {
  type    = number
  default = "abc"
}
variable "z" {
  validation {
    condition     = true
    error_message = "x"
  }
}
""",
    )
    assert summaries(d) == [
        "Invalid variable name",
        "Invalid variable name",
        "Invalid default value for variable",
        "Invalid validation expression",
        "Invalid variable validation condition",
    ]
    assert 'The variable name "count" is reserved' in d[0].detail
    assert d[2].detail == "This default value is not compatible with the variable's type constraint: a number is required."


def test_locals_and_outputs(tmp_path: Path) -> None:
    m, d = load(
        tmp_path,
        """
locals {
  a = 1
  b = local.a
}
output "o" {
  value       = local.b
  description = "x"
  sensitive   = true
  depends_on  = [terraform_data.r]
  precondition {
    condition     = local.a == 1
    error_message = "x"
  }
}
resource "terraform_data" "r" {}
""",
    )
    assert not d, d
    assert set(m.locals) == {"a", "b"}
    o = m.outputs["o"]
    assert o.sensitive and o.description == "x"
    assert [t.root_name for t in o.depends_on] == ["terraform_data"]
    assert len(o.preconditions) == 1


def test_output_errors(tmp_path: Path) -> None:
    _, d = load(tmp_path, 'output "o" {}\noutput "a b" {\n  value = 1\n}\noutput "p" {\n  value = 1\n  postcondition {\n    condition = local.x\n    error_message = "x"\n  }\n}\n')
    assert summaries(d) == ["Missing required argument", "Invalid output name", "Postconditions are not allowed"]


def test_resource_block(tmp_path: Path) -> None:
    m, d = load(
        tmp_path,
        """
resource "aws_instance" "web" {
  count    = 2
  provider = aws.west
  ami      = "x"
  depends_on = [aws_instance.other]
  lifecycle {
    create_before_destroy = true
    prevent_destroy       = true
    ignore_changes        = [tags, ami]
    replace_triggered_by  = [aws_instance.other.id]
    precondition {
      condition     = var.x
      error_message = "pre"
    }
    postcondition {
      condition     = self.id != ""
      error_message = "post"
    }
  }
  connection {
    host = self.public_ip
  }
  provisioner "remote-exec" {
    when       = destroy
    on_failure = continue
    inline     = ["echo ${self.id}"]
    connection {
      host = self.private_ip
    }
  }
  dynamic "ebs_block_device" {
    for_each = var.disks
    content {
      size = ebs_block_device.value
    }
  }
}
""",
    )
    assert not d, d
    r = m.managed_resources["aws_instance.web"]
    assert r.mode is ResourceMode.MANAGED and r.count is not None and r.for_each is None
    assert r.provider_config_ref is not None and str(r.provider_config_ref) == "aws.west"
    assert r.provider == ProviderAddr("aws")
    mr = r.managed
    assert mr is not None and mr.create_before_destroy and mr.prevent_destroy
    assert [t.steps[0].name for t in mr.ignore_changes] == ["tags", "ami"]  # type: ignore[union-attr]
    assert len(r.triggers_replacement) == 1 and len(r.preconditions) == 1 and len(r.postconditions) == 1
    assert mr.connection is not None
    p = mr.provisioners[0]
    assert (p.type, p.when, p.on_failure) == ("remote-exec", "destroy", "continue") and p.connection is not None
    # the remaining body keeps arguments and dynamic blocks for schema decoding later
    content, _ = r.config.content(
        hcl.BodySchema(
            attributes=(hcl.AttributeSchema("ami"),), blocks=(hcl.BlockHeaderSchema("dynamic", ("type",)),)
        )
    )
    assert "ami" in content.attributes and content.blocks[0].labels == ["ebs_block_device"]


def test_resource_errors(tmp_path: Path) -> None:
    _, d = load(
        tmp_path,
        """
resource "terraform_data" "a" {
  count    = 1
  for_each = {}
  lifecycle {
    create_before_destroy = "yes"
    replace_triggered_by  = [1]
  }
  provisioner "local-exec" {
    when       = never
    on_failure = maybe
    command    = "x"
  }
}
resource "terraform_data" "a" {}
resource "terraform_data" "i" {
  lifecycle {
    ignore_changes = all
  }
}
""",
    )
    assert summaries(d) == [
        'Invalid combination of "count" and "for_each"',
        "Unsuitable value type",
        "Invalid replace_triggered_by expression",
        'Invalid "when" keyword',
        'Invalid "on_failure" keyword',
        'Duplicate resource "terraform_data" configuration',
    ]
    assert d[1].detail == "Unsuitable value: a bool is required"


def test_quoted_references_warn(tmp_path: Path) -> None:
    m, d = load(tmp_path, 'resource "terraform_data" "a" {\n  provider = "terraform"\n  depends_on = ["terraform_data.b"]\n}\nresource "terraform_data" "b" {}\n')
    assert summaries(d) == ["Quoted references are deprecated"] * 2
    assert all(x.severity.value == "warning" for x in d)
    assert m.managed_resources["terraform_data.a"].depends_on[0].root_name == "terraform_data"


def test_destroy_provisioner_references(tmp_path: Path) -> None:
    _, d = load(tmp_path, 'resource "terraform_data" "a" {\n  provisioner "local-exec" {\n    when = destroy\n    command = var.x\n  }\n}\n')
    assert summaries(d) == ["Invalid reference from destroy provisioner"]


def test_data_and_ephemeral(tmp_path: Path) -> None:
    m, d = load(
        tmp_path,
        """
data "aws_ami" "u" {
  for_each = var.x
  lifecycle {
    postcondition {
      condition     = self.id != ""
      error_message = "x"
    }
  }
}
ephemeral "random_password" "p" {
  length = 8
}
data "aws_ami" "bad" {
  lifecycle {
    prevent_destroy = true
  }
}
""",
    )
    assert summaries(d) == ["Invalid data resource lifecycle argument"]
    assert m.data_resources["data.aws_ami.u"].for_each is not None
    assert m.ephemeral_resources["ephemeral.random_password.p"].mode is ResourceMode.EPHEMERAL


def test_module_call(tmp_path: Path) -> None:
    m, d = load(
        tmp_path,
        """
module "net" {
  source    = "hashicorp/consul/aws"
  version   = ">= 1.0"
  for_each  = var.x
  providers = {
    aws      = aws.west
    aws.east = aws
  }
  depends_on = [module.other]
  cidr       = "10.0.0.0/16"
}
module "local" {
  source = "./child"
}
""",
    )
    assert not d, d
    mc = m.module_calls["net"]
    assert mc.source_addr is not None and mc.source_addr.kind == "registry"
    assert mc.version is not None and mc.version.check("1.2.0")
    assert [(str(p.in_child), str(p.in_parent)) for p in mc.providers] == [("aws", "aws.west"), ("aws.east", "aws")]
    attrs, _ = mc.config.just_attributes()
    assert list(attrs) == ["cidr"]
    assert m.module_calls["local"].source_addr is not None and m.module_calls["local"].source_addr.is_local()


def test_module_errors(tmp_path: Path) -> None:
    _, d = load(tmp_path, 'module "a" {}\nmodule "b" {\n  source = "./b"\n  lifecycle {}\n}\nmodule "b" {\n  source = "./b"\n}\n')
    assert summaries(d) == ["Missing required argument", "Reserved block type name in module block", "Duplicate module call"]


def test_moved_import_removed(tmp_path: Path) -> None:
    m, d = load(
        tmp_path,
        """
moved {
  from = terraform_data.a
  to   = module.x.terraform_data.a[0]
}
import {
  to       = terraform_data.b
  id       = "i"
  provider = terraform
}
import {
  for_each = var.ids
  to       = terraform_data.c[each.key]
  id       = each.value
}
removed {
  from = module.old
  lifecycle {
    destroy = false
  }
}
""",
    )
    assert not d, d
    assert str(m.moved[0].from_) == "terraform_data.a" and str(m.moved[0].to) == "module.x.terraform_data.a[0]"
    assert str(m.imports[0].to_resource) == "terraform_data.b"
    assert m.imports[1].for_each is not None and m.imports[1].to_resource is None
    assert str(m.removed[0].from_) == "module.old" and m.removed[0].destroy is False


def test_moved_import_removed_errors(tmp_path: Path) -> None:
    _, d = load(
        tmp_path,
        """
moved {
  from = terraform_data.a
  to   = module.b
}
import {
  to = data.x.y
  id = "x"
}
removed {
  from = terraform_data.q[0]
}
""",
    )
    assert summaries(d) == ['Invalid "moved" addresses', "Invalid import address", "Resource instance keys not allowed"]


def test_check_block(tmp_path: Path) -> None:
    m, d = load(
        tmp_path,
        """
check "c" {
  data "http" "h" {
    url = "x"
  }
  assert {
    condition     = data.http.h.status_code == 200
    error_message = "down"
  }
}
check "empty" {}
""",
    )
    assert summaries(d) == ["Zero assert blocks"]
    c = m.checks["c"]
    assert c.data_resource is not None and c.data_resource.container == "c"
    assert "data.http.h" in m.data_resources and len(c.asserts) == 1


def test_unsupported_and_misplaced_blocks(tmp_path: Path) -> None:
    _, d = load(tmp_path, "foo {}\nrequired_providers {}\n")
    assert summaries(d) == ["Unsupported block type", "Invalid required_providers block"]


def test_duplicates(tmp_path: Path) -> None:
    _, d = load(
        tmp_path,
        {
            "a.tf": 'variable "v" {}\nlocals {\n  l = 1\n}\noutput "o" {\n  value = 1\n}\ndata "x" "y" {}\n',
            "b.tf": 'variable "v" {}\nlocals {\n  l = 2\n}\noutput "o" {\n  value = 1\n}\ndata "x" "y" {}\n',
        },
    )
    assert summaries(d) == [
        "Duplicate variable declaration",
        "Duplicate local value definition",
        "Duplicate output definition",
        'Duplicate data "x" configuration',
    ]
    assert d[0].detail.startswith('A variable named "v" was already declared at ')
    assert d[0].detail.endswith("a.tf:1,1-13. Variable names must be unique within a module.")


def test_type_values() -> None:
    assert ListType(STRING).friendly_name() == "list of string"
