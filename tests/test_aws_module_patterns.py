"""Patterns of the community AWS modules (terraform-aws-modules style, written here: no
community code), with the real AWS provider against moto, compared with terraform.

One configuration holds them all: a module called with ``for_each`` over a map variable of
objects with optional attributes, which calls two modules of its own (two levels deep); a
``var.create`` switch in each module and ``try(resource[0].attr, "")`` outputs; ``count``
over ``var.create ? 1 : 0``; ``lookup``/``try``/``coalesce`` over optional attributes and
over maps holding another module's (unknown) output; ``dynamic`` blocks from maps; a data
source inside a module that refers to the module's resources; one module's output as
another's input (``source_security_group_id = module.main_sg.security_group_id``,
``custom_role_policy_arns = [module.iam_policy.arn]``); ``depends_on`` on a module call; a
sensitive module output next to the ones a root ``for`` expression uses; write-only
attributes (``aws_ssm_parameter.value_wo``).

Each step is planned by both tools over the same state (JSON plans and human plans must
agree), applied by sheath, checked through boto3, and re-planned by terraform on sheath's
state (no changes). The second step changes tags and readers (data sources inside modules
wait for apply), removes a ``for_each`` key and a whole module call (their objects are
destroyed); the last destroys everything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from test_aws_e2e import (  # noqa: F401  (fixtures)
    MORE_SERVICES,
    Pair,
    Tools,
    assert_same_changes,
    boto,
    bucket_names,
    e2e_env,
    names,
    ok,
    pair,
    provider_hcl,
    tools,
)
from test_aws_engine_semantics import _same_plans

pytestmark = pytest.mark.oracle

MODULES = {
    "modules/bucket/main.tf": """
variable "create" {
  type    = bool
  default = true
}
variable "bucket" { type = string }
variable "tags" {
  type    = map(string)
  default = {}
}
variable "versioning" {
  type    = map(string)
  default = {}
}
variable "attach_policy" {
  type    = bool
  default = false
}
variable "read_principals" {
  type    = map(string)
  default = {}
}

resource "aws_s3_bucket" "this" {
  count  = var.create ? 1 : 0
  bucket = var.bucket
  tags   = var.tags
}

resource "aws_s3_bucket_versioning" "this" {
  count  = var.create && length(keys(var.versioning)) > 0 ? 1 : 0
  bucket = aws_s3_bucket.this[0].id
  versioning_configuration {
    status = try(tobool(var.versioning["enabled"]) ? "Enabled" : "Suspended", var.versioning["status"], "Suspended")
  }
}

data "aws_iam_policy_document" "deny_insecure" {
  count = var.create && var.attach_policy ? 1 : 0

  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.this[0].arn,
      "${aws_s3_bucket.this[0].arn}/*",
    ]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  dynamic "statement" {
    for_each = var.read_principals
    content {
      sid       = "Read${statement.key}"
      actions   = ["s3:GetObject"]
      resources = ["${aws_s3_bucket.this[0].arn}/*"]
      principals {
        type        = "AWS"
        identifiers = [statement.value]
      }
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  count  = var.create && var.attach_policy ? 1 : 0
  bucket = aws_s3_bucket.this[0].id
  policy = data.aws_iam_policy_document.deny_insecure[0].json
}

output "id" {
  value = try(aws_s3_bucket.this[0].id, "")
}
output "arn" {
  value = try(aws_s3_bucket.this[0].arn, "")
}
output "policy" {
  value = try(data.aws_iam_policy_document.deny_insecure[0].json, null)
}
""",
    "modules/params/main.tf": """
variable "prefix" { type = string }
variable "parameters" {
  type = map(object({
    value       = string
    type        = optional(string, "String")
    description = optional(string)
    tier        = optional(string)
  }))
}

data "aws_caller_identity" "current" {}

resource "aws_ssm_parameter" "this" {
  for_each    = var.parameters
  name        = "/${var.prefix}/${each.key}"
  type        = each.value.type
  value       = each.value.value
  description = coalesce(each.value.description, "parameter ${each.key} of ${data.aws_caller_identity.current.account_id}")
  tier        = try(each.value.tier, null) != null ? each.value.tier : "Standard"
}

output "names" {
  value = { for k, p in aws_ssm_parameter.this : k => p.name }
}
output "values" {
  value     = { for k, p in aws_ssm_parameter.this : k => p.value }
  sensitive = true
}
""",
    "modules/policy/main.tf": """
variable "create_policy" {
  type    = bool
  default = true
}
variable "name" { type = string }
variable "bucket_arns" { type = list(string) }
variable "tags" {
  type    = map(string)
  default = {}
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "List"
    actions   = ["s3:ListBucket"]
    resources = var.bucket_arns
  }
  statement {
    sid       = "Objects"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = [for a in var.bucket_arns : "${a}/*"]
  }
}

resource "aws_iam_policy" "this" {
  count       = var.create_policy ? 1 : 0
  name        = var.name
  description = "Access to ${length(var.bucket_arns)} buckets"
  policy      = data.aws_iam_policy_document.this.json
  tags        = var.tags
}

output "arn" {
  value = try(aws_iam_policy.this[0].arn, "")
}
output "name" {
  value = try(aws_iam_policy.this[0].name, "")
}
""",
    "modules/role/main.tf": """
variable "create_role" {
  type    = bool
  default = false
}
variable "role_name" {
  type    = string
  default = null
}
variable "trusted_services" {
  type    = list(string)
  default = []
}
variable "custom_role_policy_arns" {
  type    = list(string)
  default = []
}
variable "number_of_custom_role_policy_arns" {
  type    = number
  default = null
}

data "aws_iam_policy_document" "assume" {
  count = var.create_role ? 1 : 0
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = var.trusted_services
    }
  }
}

resource "aws_iam_role" "this" {
  count              = var.create_role ? 1 : 0
  name               = var.role_name
  assume_role_policy = data.aws_iam_policy_document.assume[0].json
}

resource "aws_iam_role_policy_attachment" "custom" {
  count      = var.create_role ? coalesce(var.number_of_custom_role_policy_arns, length(var.custom_role_policy_arns)) : 0
  role       = aws_iam_role.this[0].name
  policy_arn = element(var.custom_role_policy_arns, count.index)
}

output "iam_role_arn" {
  value = try(aws_iam_role.this[0].arn, "")
}
output "iam_role_name" {
  value = try(aws_iam_role.this[0].name, "")
}
""",
    "modules/sg/main.tf": """
variable "create" {
  type    = bool
  default = true
}
variable "name" { type = string }
variable "description" {
  type    = string
  default = "Managed by configuration"
}
variable "ingress_cidr_blocks" {
  type    = list(string)
  default = []
}
variable "ingress_rules" {
  description = "Named rules"
  type        = list(string)
  default     = []
}
variable "rules" {
  type = map(list(any))
  default = {
    https = [443, 443, "tcp", "HTTPS"]
    ssh   = [22, 22, "tcp", "SSH"]
    pg    = [5432, 5432, "tcp", "PostgreSQL"]
    _     = [0, 0, "-1", ""]
  }
}
variable "ingress_with_source_security_group_id" {
  type    = list(map(string))
  default = []
}
variable "tags" {
  type    = map(string)
  default = {}
}

resource "aws_security_group" "this" {
  count       = var.create ? 1 : 0
  name        = var.name
  description = var.description
  tags        = merge({ Name = var.name }, var.tags)
}

resource "aws_security_group_rule" "ingress_rules" {
  count             = var.create ? length(var.ingress_rules) : 0
  security_group_id = aws_security_group.this[0].id
  type              = "ingress"
  cidr_blocks       = var.ingress_cidr_blocks
  description       = var.rules[var.ingress_rules[count.index]][3]
  from_port         = var.rules[var.ingress_rules[count.index]][0]
  to_port           = var.rules[var.ingress_rules[count.index]][1]
  protocol          = var.rules[var.ingress_rules[count.index]][2]
}

resource "aws_security_group_rule" "ingress_with_source_security_group_id" {
  count                    = var.create ? length(var.ingress_with_source_security_group_id) : 0
  security_group_id        = aws_security_group.this[0].id
  type                     = "ingress"
  source_security_group_id = var.ingress_with_source_security_group_id[count.index]["source_security_group_id"]
  description = lookup(
    var.ingress_with_source_security_group_id[count.index],
    "description",
    "Ingress Rule",
  )
  from_port = lookup(
    var.ingress_with_source_security_group_id[count.index],
    "from_port",
    var.rules[lookup(var.ingress_with_source_security_group_id[count.index], "rule", "_")][0],
  )
  to_port = lookup(
    var.ingress_with_source_security_group_id[count.index],
    "to_port",
    var.rules[lookup(var.ingress_with_source_security_group_id[count.index], "rule", "_")][1],
  )
  protocol = lookup(
    var.ingress_with_source_security_group_id[count.index],
    "protocol",
    var.rules[lookup(var.ingress_with_source_security_group_id[count.index], "rule", "_")][2],
  )
}

output "security_group_id" {
  value = try(aws_security_group.this[0].id, "")
}
output "security_group_name" {
  value = try(aws_security_group.this[0].name, "")
}
""",
    "modules/stack/main.tf": """
variable "name" { type = string }
variable "settings" {
  type = object({
    versioned = optional(bool, false)
    policy    = optional(bool)
    readers   = optional(map(string), {})
    tags      = optional(map(string))
    sg_rules  = optional(list(string), [])
  })
}

locals {
  tags = merge({ Stack = var.name }, coalesce(var.settings.tags, {}))
}

module "bucket" {
  source = "../bucket"

  bucket          = var.name
  tags            = local.tags
  versioning      = var.settings.versioned ? { enabled = "true" } : {}
  attach_policy   = coalesce(var.settings.policy, length(var.settings.readers) > 0)
  read_principals = var.settings.readers
}

module "sg" {
  source = "../sg"

  create              = length(var.settings.sg_rules) > 0
  name                = "${var.name}-sg"
  ingress_rules       = var.settings.sg_rules
  ingress_cidr_blocks = ["10.0.0.0/8"]
  tags                = local.tags
}

output "bucket_id" {
  value = module.bucket.id
}
output "bucket_arn" {
  value = module.bucket.arn
}
output "security_group_id" {
  value = module.sg.security_group_id
}
output "policy" {
  value     = module.bucket.policy
  sensitive = true
}
""",
}

_ROOT = """
variable "prefix" {
  type    = string
  default = "{prefix}"
}

variable "stacks" {
  type    = any
  default = {stacks}
}

variable "parameters" {
  type = map(object({
    value       = string
    type        = optional(string)
    description = optional(string)
    tier        = optional(string)
  }))
  default = {
    region = { value = "us-east-1" }
    owner  = { value = "OWNER", description = "who owns it" }
    token  = { value = "s3cr3t", type = "SecureString" }
  }
}

module "stack" {
  source   = "./modules/stack"
  for_each = var.stacks

  name     = "${var.prefix}-${each.key}"
  settings = each.value
}

module "main_sg" {
  source = "./modules/sg"

  name          = "${var.prefix}-main"
  ingress_rules = ["https"]
  ingress_cidr_blocks = ["0.0.0.0/0"]
}

module "app_sg" {
  source = "./modules/sg"

  name = "${var.prefix}-app"
  ingress_with_source_security_group_id = [
    {
      rule                     = "pg"
      source_security_group_id = module.main_sg.security_group_id
    },
    {
      from_port                = 8080
      to_port                  = 8080
      protocol                 = "tcp"
      description              = "app port"
      source_security_group_id = module.main_sg.security_group_id
    },
  ]
}

module "disabled_sg" {
  source = "./modules/sg"
  create = false
  name   = "${var.prefix}-disabled"
}

module "iam_policy" {
  source      = "./modules/policy"
  name        = "${var.prefix}-buckets"
  bucket_arns = [for k, s in module.stack : s.bucket_arn]
}

module "role" {
  source                  = "./modules/role"
  create_role             = true
  role_name               = "${var.prefix}-role"
  trusted_services        = ["ec2.amazonaws.com"]
  custom_role_policy_arns = [module.iam_policy.arn]
}

module "params" {
  source     = "./modules/params"
  depends_on = [module.stack]

  prefix = var.prefix
  parameters = {
    for k, p in var.parameters : k => {
      value       = p.value
      type        = coalesce(p.type, "String")
      description = p.description
      tier        = p.tier
    }
  }
}
{extra}
output "bucket_arns" {
  value = { for k, s in module.stack : k => s.bucket_arn }
}

output "stack_groups" {
  value = { for k, s in module.stack : k => s.security_group_id if s.security_group_id != "" }
}

output "parameter_names" {
  value = module.params.names
}

output "role" {
  value = module.role.iam_role_name
}
"""

_STACKS_1 = """{
    logs = { versioned = true, sg_rules = ["https", "ssh"] }
    data = { policy = true, readers = { ops = "arn:aws:iam::123456789012:root" }, tags = { Team = "data" } }
    tmp  = {}
  }"""

_STACKS_2 = """{
    logs = { versioned = true, sg_rules = ["https"], tags = { Team = "logs" } }
    data = { policy = true, readers = { ops = "arn:aws:iam::123456789012:root", dev = "arn:aws:iam::210987654321:root" }, tags = { Team = "data2" } }
  }"""

_LEGACY = """
module "legacy" {
  source        = "./modules/bucket"
  bucket        = "${var.prefix}-legacy"
  attach_policy = true
}

output "legacy" {
  value = module.legacy.arn
}
"""


def config(url: str, prefix: str, step: int) -> str:
    provider = provider_hcl(url, MORE_SERVICES)
    root = _ROOT.replace("{prefix}", prefix)
    root = root.replace("{stacks}", _STACKS_1 if step == 1 else _STACKS_2)
    return provider + root.replace("{extra}", _LEGACY if step == 1 else "")


def _write(pair: Pair, url: str, prefix: str, step: int) -> None:
    pair.write(config(url, prefix, step))
    for d in (pair.sheath_dir, pair.tf_dir):
        for path, text in MODULES.items():
            f = d / path
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_text(text)


def _sheath_sees_no_changes(pair: Pair) -> None:
    p = pair.tools.sheath(["plan", "-input=false", "-no-color", "-detailed-exitcode"], pair.sheath_dir)
    assert p.returncode == 0, f"sheath plan after apply: exit {p.returncode}\n{p.stdout}\n{p.stderr}"


def _group_ids(ec2: Any, prefix: str) -> dict[str, str]:
    groups = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [f"{prefix}-*"]}])["SecurityGroups"]
    return {g["GroupName"]: g["GroupId"] for g in groups}


def _parameters(ssm: Any, prefix: str) -> set[str]:
    found = ssm.get_parameters_by_path(Path=f"/{prefix}", Recursive=True)["Parameters"]
    return {p["Name"] for p in found}


def _check_first_step(boto: Callable[[str], Any], prefix: str) -> None:
    s3, ec2, iam, ssm = boto("s3"), boto("ec2"), boto("iam"), boto("ssm")
    assert bucket_names(s3, prefix) == {f"{prefix}-{k}" for k in ("logs", "data", "tmp", "legacy")}
    assert s3.get_bucket_versioning(Bucket=f"{prefix}-logs")["Status"] == "Enabled"
    assert "DenyInsecureTransport" in s3.get_bucket_policy(Bucket=f"{prefix}-data")["Policy"]
    groups = _group_ids(ec2, prefix)
    assert set(groups) == {f"{prefix}-main", f"{prefix}-app", f"{prefix}-logs-sg"}  # not the disabled one
    app = ec2.describe_security_groups(GroupIds=[groups[f"{prefix}-app"]])["SecurityGroups"][0]
    sources = {(p["FromPort"], pair["GroupId"]) for p in app["IpPermissions"] for pair in p["UserIdGroupPairs"]}
    assert sources == {(5432, groups[f"{prefix}-main"]), (8080, groups[f"{prefix}-main"])}
    attached = iam.list_attached_role_policies(RoleName=f"{prefix}-role")["AttachedPolicies"]
    assert [a["PolicyName"] for a in attached] == [f"{prefix}-buckets"]
    assert _parameters(ssm, prefix) == {f"/{prefix}/{k}" for k in ("region", "owner", "token")}


def _check_destroyed(boto: Callable[[str], Any], prefix: str) -> None:
    s3, ec2, iam, ssm = boto("s3"), boto("ec2"), boto("iam"), boto("ssm")
    assert bucket_names(s3, prefix) == set()
    assert _group_ids(ec2, prefix) == {}
    assert not [r for r in iam.list_roles()["Roles"] if r["RoleName"].startswith(prefix)]
    assert not [p for p in iam.list_policies(Scope="Local")["Policies"] if p["PolicyName"].startswith(prefix)]
    assert _parameters(ssm, prefix) == set()


def _compare(pair: Pair, human: bool, extra: list[str] | None = None) -> dict[str, Any]:
    """Both tools' plans of the same state: JSON (resource and output changes) and, when
    human, the plan text too (two more runs of each tool)."""
    if human:
        splan, _ = _same_plans(pair, extra)
        return splan
    splan, tplan, _ = pair.plan_both(extra or [])
    assert_same_changes(splan, tplan)
    assert splan.get("output_changes") == tplan.get("output_changes")
    return splan


def _first_step(pair: Pair, url: str, prefix: str, boto: Callable[[str], Any], human: bool) -> None:
    _write(pair, url, prefix, 1)
    pair.init()
    splan = _compare(pair, human)
    assert {a: c["change"]["actions"] for a, c in ((rc["address"], rc) for rc in splan["resource_changes"])}[
        'module.stack["data"].module.bucket.aws_s3_bucket_policy.this[0]'
    ] == ["create"]
    pair.apply()
    _check_first_step(boto, prefix)


def _second_step(pair: Pair, url: str, prefix: str, boto: Callable[[str], Any], human: bool) -> None:
    _write(pair, url, prefix, 2)
    splan = _compare(pair, human)
    rcs = {rc["address"]: rc for rc in splan["resource_changes"]}
    doc = 'module.stack["data"].module.bucket.data.aws_iam_policy_document.deny_insecure[0]'
    assert rcs[doc]["action_reason"] == "read_because_dependency_pending"
    # in a module whose call depends_on a module with changes
    assert rcs["module.params.data.aws_caller_identity.current"]["action_reason"] == "read_because_dependency_pending"
    assert rcs["module.legacy.aws_s3_bucket.this[0]"]["change"]["actions"] == ["delete"]
    assert rcs['module.stack["tmp"].module.bucket.aws_s3_bucket.this[0]']["change"]["actions"] == ["delete"]
    pair.apply()
    assert bucket_names(boto("s3"), prefix) == {f"{prefix}-logs", f"{prefix}-data"}
    policy = boto("s3").get_bucket_policy(Bucket=f"{prefix}-data")["Policy"]
    assert "Readdev" in policy and "Readops" in policy


_SMALL = """
variable "prefix" {
  type    = string
  default = "{prefix}"
}

module "main_sg" {
  source              = "./modules/sg"
  name                = "${var.prefix}-main"
  ingress_rules       = ["https"]
  ingress_cidr_blocks = ["0.0.0.0/0"]
}

module "app_sg" {
  source = "./modules/sg"
  name   = "${var.prefix}-app"
  ingress_with_source_security_group_id = [
    {
      rule                     = "pg"
      source_security_group_id = module.main_sg.security_group_id
    },
    {
      from_port                = 8080
      to_port                  = 8080
      protocol                 = "tcp"
      description              = "app port"
      source_security_group_id = module.main_sg.security_group_id
    },
  ]
}

module "disabled_sg" {
  source = "./modules/sg"
  create = false
  name   = "${var.prefix}-disabled"
}

output "groups" {
  value = [module.main_sg.security_group_id, module.app_sg.security_group_id, module.disabled_sg.security_group_id]
}
"""


@pytest.mark.slow  # over a minute (60-120 s) against moto: run with -m slow
def test_module_outputs_feeding_modules_and_a_removed_module(
    pair: Pair, moto_server: str, names: str, boto: Callable[[str], Any]
) -> None:
    """The default run's share (a few resources): one module's output in another's rules
    (lookup over maps holding it), a module switched off by create = false, a module with
    a data source removed after apply (its objects' deletes as terraform plans them:
    as stored), and a destroy of the rest."""
    provider = provider_hcl(moto_server)
    small = _SMALL.replace("{prefix}", names)
    _write(pair, moto_server, names, 1)
    pair.write(provider + small + _LEGACY)
    pair.init()
    _compare(pair, False)
    pair.apply()
    groups = _group_ids(boto("ec2"), names)
    assert set(groups) == {f"{names}-main", f"{names}-app"}
    assert bucket_names(boto("s3"), names) == {f"{names}-legacy"}
    pair.write(provider + small)
    splan = _compare(pair, False)
    deletes = {rc["address"] for rc in splan["resource_changes"] if rc["change"]["actions"] == ["delete"]}
    assert deletes == {"module.legacy.aws_s3_bucket.this[0]", "module.legacy.aws_s3_bucket_policy.this[0]"}
    ok(pair.tools.sheath(["destroy", "-auto-approve", "-input=false", "-no-color"], pair.sheath_dir), "sheath destroy")
    assert _group_ids(boto("ec2"), names) == {}
    assert bucket_names(boto("s3"), names) == set()


@pytest.mark.slow
def test_module_patterns_plan_apply_update(pair: Pair, moto_server: str, names: str, boto: Callable[[str], Any]) -> None:
    """Create and update compared with terraform (JSON plans); sheath destroys it all
    (module outputs feeding other modules), checked through boto3."""
    _first_step(pair, moto_server, names, boto, human=False)
    _second_step(pair, moto_server, names, boto, human=False)
    ok(pair.tools.sheath(["destroy", "-auto-approve", "-input=false", "-no-color"], pair.sheath_dir), "sheath destroy")
    _check_destroyed(boto, names)


@pytest.mark.slow
def test_module_patterns_full_cycle(pair: Pair, moto_server: str, names: str, boto: Callable[[str], Any]) -> None:
    """plan, apply, plan (no changes, both tools) at each step, then plan -destroy
    compared with terraform and applied; human plans compared too."""
    _first_step(pair, moto_server, names, boto, human=True)
    pair.terraform_sees_no_changes()
    _sheath_sees_no_changes(pair)
    _second_step(pair, moto_server, names, boto, human=True)
    pair.terraform_sees_no_changes()
    _sheath_sees_no_changes(pair)
    splan = _compare(pair, True, ["-destroy"])
    assert {rc["change"]["actions"][0] for rc in splan["resource_changes"] if rc["mode"] == "managed"} == {"delete"}
    pair.apply()
    _check_destroyed(boto, names)
