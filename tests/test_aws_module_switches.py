"""Module patterns of the community AWS modules (written here, no community code) that
the larger suite in test_aws_module_patterns.py does not reach, with the real AWS provider
against moto, compared with terraform.
"""

from __future__ import annotations

from typing import Any

import pytest

from test_aws_e2e import (  # noqa: F401  (fixtures)
    MORE_SERVICES,
    Pair,
    assert_same_changes,
    Tools,
    e2e_env,
    names,
    ok,
    pair,
    provider_hcl,
    tools,
)

pytestmark = pytest.mark.oracle

POLICY_MODULE = """
variable "create_policy" {
  type    = bool
  default = true
}
variable "name" {
  type    = string
  default = null
}
variable "policy" {
  type    = string
  default = ""
}

resource "aws_iam_policy" "policy" {
  count  = var.create_policy ? 1 : 0
  name   = var.name
  policy = var.policy
}

output "arn" {
  value = try(aws_iam_policy.policy[0].arn, "")
}
"""


@pytest.mark.slow  # over a minute: validate, plan and apply of two module calls with the real provider
def test_disabled_module_not_judged_on_its_defaults(pair: Pair, moto_server: str, names: str) -> None:
    """A module switched off (count = var.create_policy ? 1 : 0) whose defaults the provider
    would reject (an empty policy document): terraform's validate sees every var.NAME as
    unknown, so only the enabled instance is checked, at plan."""
    main = provider_hcl(moto_server, MORE_SERVICES) + f"""
module "on" {{
  source = "./policy"
  name   = "{names}-on"
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = ["s3:ListAllMyBuckets"], Resource = "*" }}]
  }})
}}

module "off" {{
  source        = "./policy"
  create_policy = false
}}

output "arns" {{
  value = [module.on.arn, module.off.arn]
}}
"""
    for d in (pair.sheath_dir, pair.tf_dir):
        (d / "policy").mkdir()
        (d / "policy" / "main.tf").write_text(POLICY_MODULE)
    pair.write(main)
    pair.init()
    for args in (["validate", "-no-color"], ["plan", "-input=false", "-no-color"]):
        s = pair.tools.sheath(args, pair.sheath_dir)
        t = pair.tools.tf(args, pair.tf_dir)
        assert (s.returncode, s.stdout, s.stderr) == (t.returncode, t.stdout, t.stderr)
    ok(pair.tools.sheath(["apply", "-auto-approve", "-input=false", "-no-color"], pair.sheath_dir), "sheath apply")
    pair.terraform_sees_no_changes()
    ok(pair.tools.sheath(["destroy", "-auto-approve", "-input=false", "-no-color"], pair.sheath_dir), "sheath destroy")


TABLE_MODULE = """
variable "name" { type = string }
variable "indexes" {
  type = map(object({
    hash_key             = string
    range_key            = optional(string)
    projection_type      = optional(string, "ALL")
    non_key_attributes   = optional(list(string))
    on_demand_throughput = optional(map(number), {})
  }))
  default = {}
}

resource "aws_dynamodb_table" "this" {
  name         = var.name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  range_key    = "title"

  dynamic "attribute" {
    for_each = { id = "N", title = "S", age = "N" }
    content {
      name = attribute.key
      type = attribute.value
    }
  }

  dynamic "global_secondary_index" {
    for_each = var.indexes
    content {
      name               = global_secondary_index.key
      hash_key           = global_secondary_index.value.hash_key
      range_key          = global_secondary_index.value.range_key
      projection_type    = global_secondary_index.value.projection_type
      non_key_attributes = global_secondary_index.value.non_key_attributes

      dynamic "on_demand_throughput" {
        for_each = length(global_secondary_index.value.on_demand_throughput) > 0 ? [global_secondary_index.value.on_demand_throughput] : []
        content {
          max_read_request_units  = try(on_demand_throughput.value.read, null)
          max_write_request_units = try(on_demand_throughput.value.write, null)
        }
      }
    }
  }

  on_demand_throughput {
    max_read_request_units  = 1
    max_write_request_units = 1
  }
}
"""


@pytest.mark.slow  # about a minute: two applies of a DynamoDB table with an index against moto
def test_set_block_elements_keep_computed_values_of_their_prior(pair: Pair, moto_server: str, names: str) -> None:
    """Elements of a set of nested blocks are paired with the prior element they could have
    come from (differing only where the provider computes and the configuration is silent),
    as terraform's proposed new state pairs them: an index whose nested block moto does not
    store is planned again with its prior read_capacity = 0, not (known after apply)."""
    main = provider_hcl(moto_server, MORE_SERVICES) + f"""
module "table" {{
  source = "./table"
  name   = "{names}-t"
  indexes = {{
    TitleIndex = {{
      hash_key             = "title"
      range_key            = "age"
      projection_type      = "INCLUDE"
      non_key_attributes   = ["id"]
      on_demand_throughput = {{ read = 1, write = 1 }}
    }}
  }}
}}
"""
    for d in (pair.sheath_dir, pair.tf_dir):
        (d / "table").mkdir()
        (d / "table" / "main.tf").write_text(TABLE_MODULE)
    pair.write(main)
    pair.init()
    s, t, _ = pair.plan_both()
    assert_same_changes(s, t)
    pair.apply()
    s, t, _ = pair.plan_both()
    assert_same_changes(s, t)
    ok(pair.tools.sheath(["destroy", "-auto-approve", "-input=false", "-no-color"], pair.sheath_dir), "sheath destroy")


@pytest.mark.slow  # against moto with the AWS provider: over a minute on a loaded 2-core machine
def test_provider_warning_on_a_block_points_at_the_resource(pair: Pair, moto_server: str, names: str) -> None:
    """A provider's diagnostic whose path names a nested block (the deprecated inline_policy
    of aws_iam_role) is placed where terraform places it: at the start of the body holding
    the block (the resource), not at the block; an attribute's stays at its expression."""
    main = provider_hcl(moto_server, MORE_SERVICES) + f"""
resource "aws_iam_role" "this" {{
  name = "{names}-role"
  assume_role_policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Action = "sts:AssumeRole", Effect = "Allow", Principal = {{ Service = "sns.amazonaws.com" }} }}]
  }})

  inline_policy {{
    name   = "inline"
    policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Action = ["sns:Publish"], Effect = "Allow", Resource = "*" }}] }})
  }}
}}
"""
    pair.write(main)
    pair.init()
    for args in (["validate", "-no-color"], ["plan", "-input=false", "-no-color"]):
        s = pair.tools.sheath(args, pair.sheath_dir)
        t = pair.tools.tf(args, pair.tf_dir)
        assert s.returncode == t.returncode, s.stderr
        warn = t.stdout[t.stdout.index("Warning: Argument is deprecated") :]
        assert warn in s.stdout, s.stdout


def test_dynamic_blocks_expanding_to_none_leave_an_attribute_unset(pair: Pair, moto_server: str, names: str) -> None:
    """Attributes written as blocks (aws_default_security_group's ingress and egress) from
    dynamic blocks over empty lists, as the VPC module writes them: no block, so the
    computed attribute is planned (known after apply), not [], as terraform plans it."""
    main = provider_hcl(moto_server, MORE_SERVICES) + f"""
variable "ingress" {{
  type    = list(map(string))
  default = []
}}

resource "aws_vpc" "this" {{
  cidr_block = "10.40.0.0/16"
  tags       = {{ Name = "{names}" }}
}}

resource "aws_default_security_group" "this" {{
  vpc_id = aws_vpc.this.id

  dynamic "ingress" {{
    for_each = var.ingress
    content {{
      protocol  = ingress.value.protocol
      from_port = ingress.value.from_port
      to_port   = ingress.value.to_port
      self      = true
    }}
  }}
}}
"""
    pair.write(main)
    pair.init()
    s, t, _ = pair.plan_both()
    assert_same_changes(s, t)
