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
