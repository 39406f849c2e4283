"""plan and apply of ten instances of a realistic service module (380 AWS resources) with the
real AWS provider against moto, sheath and terraform side by side.

    .venv/bin/python benchmarks/module_plan.py [--repeat K] [--instances N] [--keep DIR]

The generated configuration is the shape of a team's service module, written for this
benchmark: a root module calls ``./modules/service`` with ``for_each`` over a map of
N services; each service instance holds an S3 bucket with versioning, encryption, a public
access block, ownership controls, a lifecycle rule and a bucket policy from an
``aws_iam_policy_document``; an SQS queue with a dead-letter queue and a queue policy; an
SNS topic subscribed by the queue, with a topic policy; an IAM role, policy, attachment and
instance profile; a KMS key and alias; a CloudWatch log group; a DynamoDB table; a VPC
with two subnets, a security group and rules from a map; and a nested module call
(``./modules/params``) holding SSM parameters from a map. Conditionals on ``var.create``
switches, ``try``/``lookup``/``merge`` over optional object attributes and ``dynamic``
blocks are used as such modules use them.

Both tools install hashicorp/aws 5.100.0 from the filesystem mirror (discovered as the
tests do) through a CLI configuration file, and each gets its own moto server on
127.0.0.1. Timed, per tool, alternating the order between rounds:

* ``plan`` with no state: every resource planned for creation (data sources read);
* one ``apply`` per tool (timed once);
* after it, ``plan -detailed-exitcode`` refreshing every object.
  moto returns each SQS redrive policy with other whitespace than was sent, so both
  tools plan that update (exit 2); the script fails if their exit codes differ.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from apply_graph import RunResult, Tool, fresh, run_child, state_resource_count  # noqa: E402
from aws_moto import Failed, Moto, aws_mirror_env, aws_preamble, check, load, spread  # noqa: E402

ENDPOINTS = ("s3", "sqs", "sns", "iam", "kms", "ssm", "cloudwatchlogs", "dynamodb", "ec2", "sts")

ROOT = """variable "services" {{
  type = map(object({{
    retention_days = optional(number, 7)
    versioning     = optional(bool, true)
    cidr           = string
    ingress        = optional(map(object({{ port = number, cidr = optional(string, "10.0.0.0/8") }})), {{}})
    parameters     = optional(map(string), {{}})
    tags           = optional(map(string), {{}})
  }}))
}}

module "service" {{
  source   = "./modules/service"
  for_each = var.services

  name           = "{prefix}-${{each.key}}"
  retention_days = each.value.retention_days
  versioning     = each.value.versioning
  cidr           = each.value.cidr
  ingress        = each.value.ingress
  parameters     = each.value.parameters
  tags           = merge({{ service = each.key }}, each.value.tags)
}}

output "queues" {{
  value = {{ for k, m in module.service : k => m.queue_url }}
}}
"""

SERVICE = """variable "name" {
  type = string
}
variable "create" {
  type    = bool
  default = true
}
variable "retention_days" {
  type = number
}
variable "versioning" {
  type = bool
}
variable "cidr" {
  type = string
}
variable "ingress" {
  type = map(object({ port = number, cidr = string }))
}
variable "parameters" {
  type = map(string)
}
variable "tags" {
  type = map(string)
}

locals {
  tags     = merge(var.tags, { managed_by = "benchmark", name = var.name })
  subnets  = [cidrsubnet(var.cidr, 8, 1), cidrsubnet(var.cidr, 8, 2)]
  lifecycle_rules = {
    logs = { prefix = "logs/", days = var.retention_days }
    tmp  = { prefix = "tmp/", days = 1 }
  }
}

data "aws_caller_identity" "current" {}

resource "aws_kms_key" "this" {
  count                   = var.create ? 1 : 0
  description             = "${var.name} data"
  deletion_window_in_days = 7
  tags                    = local.tags
}

resource "aws_kms_alias" "this" {
  count         = var.create ? 1 : 0
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this[0].key_id
}

resource "aws_s3_bucket" "this" {
  count  = var.create ? 1 : 0
  bucket = "${var.name}-data"
  tags   = local.tags
}

resource "aws_s3_bucket_versioning" "this" {
  count  = var.create ? 1 : 0
  bucket = aws_s3_bucket.this[0].id
  versioning_configuration {
    status = var.versioning ? "Enabled" : "Suspended"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  count  = var.create ? 1 : 0
  bucket = aws_s3_bucket.this[0].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this[0].arn
    }
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  count                   = var.create ? 1 : 0
  bucket                  = aws_s3_bucket.this[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  count  = var.create ? 1 : 0
  bucket = aws_s3_bucket.this[0].id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  count  = var.create ? 1 : 0
  bucket = aws_s3_bucket.this[0].id
  dynamic "rule" {
    for_each = local.lifecycle_rules
    content {
      id     = rule.key
      status = "Enabled"
      filter {
        prefix = rule.value.prefix
      }
      expiration {
        days = rule.value.days
      }
    }
  }
}

data "aws_iam_policy_document" "bucket" {
  count = var.create ? 1 : 0
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this[0].arn, "${aws_s3_bucket.this[0].arn}/*"]
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
}

resource "aws_s3_bucket_policy" "this" {
  count  = var.create ? 1 : 0
  bucket = aws_s3_bucket.this[0].id
  policy = data.aws_iam_policy_document.bucket[0].json
}

resource "aws_sqs_queue" "dlq" {
  count                     = var.create ? 1 : 0
  name                      = "${var.name}-dlq"
  message_retention_seconds = 1209600
  tags                      = local.tags
}

resource "aws_sqs_queue" "this" {
  count                      = var.create ? 1 : 0
  name                       = "${var.name}-queue"
  visibility_timeout_seconds = 60
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq[0].arn
    maxReceiveCount     = 5
  })
  tags = local.tags
}

resource "aws_sns_topic" "this" {
  count = var.create ? 1 : 0
  name  = "${var.name}-events"
  tags  = local.tags
}

data "aws_iam_policy_document" "queue" {
  count = var.create ? 1 : 0
  statement {
    sid       = "AllowTopic"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.this[0].arn]
    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_sns_topic.this[0].arn]
    }
  }
}

resource "aws_sqs_queue_policy" "this" {
  count     = var.create ? 1 : 0
  queue_url = aws_sqs_queue.this[0].id
  policy    = data.aws_iam_policy_document.queue[0].json
}

resource "aws_sns_topic_subscription" "this" {
  count     = var.create ? 1 : 0
  topic_arn = aws_sns_topic.this[0].arn
  protocol  = "sqs"
  endpoint  = aws_sqs_queue.this[0].arn
}

data "aws_iam_policy_document" "topic" {
  count = var.create ? 1 : 0
  statement {
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this[0].arn]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
}

resource "aws_sns_topic_policy" "this" {
  count  = var.create ? 1 : 0
  arn    = aws_sns_topic.this[0].arn
  policy = data.aws_iam_policy_document.topic[0].json
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  count              = var.create ? 1 : 0
  name               = "${var.name}-role"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = local.tags
}

resource "aws_iam_policy" "this" {
  count = var.create ? 1 : 0
  name  = "${var.name}-access"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "${aws_s3_bucket.this[0].arn}/*" },
      { Effect = "Allow", Action = ["sqs:ReceiveMessage", "sqs:DeleteMessage"], Resource = aws_sqs_queue.this[0].arn },
      { Effect = "Allow", Action = ["kms:Decrypt"], Resource = aws_kms_key.this[0].arn },
    ]
  })
}

resource "aws_iam_role_policy_attachment" "this" {
  count      = var.create ? 1 : 0
  role       = aws_iam_role.this[0].name
  policy_arn = aws_iam_policy.this[0].arn
}

resource "aws_iam_instance_profile" "this" {
  count = var.create ? 1 : 0
  name  = "${var.name}-profile"
  role  = aws_iam_role.this[0].name
}

resource "aws_cloudwatch_log_group" "this" {
  count             = var.create ? 1 : 0
  name              = "/services/${var.name}"
  retention_in_days = lookup({ 1 = 1, 7 = 7, 14 = 14, 30 = 30 }, var.retention_days, 7)
  tags              = local.tags
}

resource "aws_dynamodb_table" "this" {
  count        = var.create ? 1 : 0
  name         = "${var.name}-locks"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
  tags = local.tags
}

resource "aws_vpc" "this" {
  count      = var.create ? 1 : 0
  cidr_block = var.cidr
  tags       = merge(local.tags, { Name = var.name })
}

resource "aws_subnet" "this" {
  count      = var.create ? length(local.subnets) : 0
  vpc_id     = aws_vpc.this[0].id
  cidr_block = local.subnets[count.index]
  tags       = merge(local.tags, { Name = "${var.name}-${count.index}" })
}

resource "aws_security_group" "this" {
  count       = var.create ? 1 : 0
  name        = "${var.name}-sg"
  description = "Service ${var.name}"
  vpc_id      = aws_vpc.this[0].id
  tags        = local.tags
}

resource "aws_security_group_rule" "ingress" {
  for_each          = var.create ? var.ingress : {}
  type              = "ingress"
  description       = try("${each.key} from ${each.value.cidr}", each.key)
  from_port         = each.value.port
  to_port           = each.value.port
  protocol          = "tcp"
  cidr_blocks       = [coalesce(each.value.cidr, var.cidr)]
  security_group_id = aws_security_group.this[0].id
}

resource "aws_security_group_rule" "egress" {
  count             = var.create ? 1 : 0
  type              = "egress"
  from_port         = 0
  to_port           = 0
  protocol          = "-1"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.this[0].id
}

module "params" {
  source     = "../params"
  count      = var.create ? 1 : 0
  prefix     = "/${var.name}"
  parameters = merge(var.parameters, { queue_url = aws_sqs_queue.this[0].id, bucket = aws_s3_bucket.this[0].id })
  key_id     = aws_kms_key.this[0].key_id
  tags       = local.tags
}

output "queue_url" {
  value = try(aws_sqs_queue.this[0].id, null)
}

output "bucket_arn" {
  value = try(aws_s3_bucket.this[0].arn, null)
}

output "parameter_names" {
  value = try(module.params[0].names, [])
}
"""

PARAMS = """variable "prefix" {
  type = string
}
variable "parameters" {
  type = map(string)
}
variable "key_id" {
  type = string
}
variable "tags" {
  type = map(string)
}

resource "aws_ssm_parameter" "this" {
  for_each = var.parameters
  name     = "${var.prefix}/${each.key}"
  type     = startswith(each.key, "secret_") ? "SecureString" : "String"
  key_id   = startswith(each.key, "secret_") ? var.key_id : null
  value    = each.value
  tags     = var.tags
}

output "names" {
  value = sort([for p in aws_ssm_parameter.this : p.name])
}
"""


def services(n: int) -> dict[str, object]:
    out: dict[str, object] = {}
    for i in range(n):
        out[f"svc{i:02d}"] = {
            "retention_days": (7, 14, 30)[i % 3],
            "versioning": i % 4 != 3,
            "cidr": f"10.{i}.0.0/16",
            "ingress": {"https": {"port": 443}, "app": {"port": 8080 + i, "cidr": f"10.{i}.0.0/16"}},
            "parameters": {"level": "info", "region": "us-east-1", "secret_token": f"t-{i}"},
            "tags": {"team": f"team-{i % 3}"},
        }
    return out


def write_config(directory: Path, url: str, n: int, prefix: str) -> None:
    (directory / "main.tf").write_text(aws_preamble(url, ENDPOINTS) + "\n" + ROOT.format(prefix=prefix))
    (directory / "terraform.tfvars.json").write_text(json.dumps({"services": services(n)}, indent=2))
    for name, body in (("service", SERVICE), ("params", PARAMS)):
        (directory / "modules" / name).mkdir(parents=True, exist_ok=True)
        (directory / "modules" / name / "main.tf").write_text(body)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", "-k", type=int, default=3, help="timed plans per tool and phase (median reported)")
    ap.add_argument("--instances", "-n", type=int, default=10, help="module instances (default 10)")
    ap.add_argument("--keep", type=Path, help="work in this directory and leave it there")
    ap.add_argument("--terraform", default=shutil.which("terraform") or "terraform")
    ap.add_argument("--sheath", default=f"{shlex.quote(sys.executable)} -m sheath")
    args = ap.parse_args(argv)

    work = args.keep or Path(tempfile.mkdtemp(prefix="module-plan-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    env = aws_mirror_env(work)
    tools = [Tool("sheath", shlex.split(args.sheath), work / "sheath"), Tool("terraform", [args.terraform], work / "terraform")]
    phases = ("plan (no state)", "apply", "plan (refresh)")
    results: dict[str, dict[str, list[RunResult]]] = {t.name: {p: [] for p in phases} for t in tools}
    servers: dict[str, Moto] = {}
    try:
        for t in tools:
            t.directory.mkdir(exist_ok=True)
            servers[t.name] = Moto()
            write_config(t.directory, servers[t.name].url, args.instances, t.name[:2])
            check(t, "init", run_child([*t.argv, "init", "-input=false"], t.directory, env))
            fresh(t.directory)
        print(f"{args.instances} module instances, {args.repeat} timed plans per tool and phase; load average at start {load()}")
        loads = [load()]
        plan = ["plan", "-input=false", "-no-color"]
        for i in range(args.repeat):
            for t in tools if i % 2 == 0 else list(reversed(tools)):
                r = check(t, "plan", run_child([*t.argv, *plan], t.directory, env))
                results[t.name][phases[0]].append(r)
                print(f"  round {i + 1} {t.name}: {phases[0]} {r.wall:.2f} s", flush=True)
        counts = {}
        codes: dict[str, set[int]] = {}
        for t in tools:
            r = check(t, "apply", run_child([*t.argv, "apply", "-auto-approve", "-input=false", "-no-color"], t.directory, env))
            counts[t.name] = state_resource_count(t.directory)
            results[t.name]["apply"].append(r)
            print(f"  {t.name} apply: {r.wall:.2f} s, {counts[t.name]} instances in state", flush=True)
        if counts["sheath"] != counts["terraform"]:
            raise Failed(f"instances in state differ: {counts}")
        for i in range(args.repeat):
            for t in tools if i % 2 == 0 else list(reversed(tools)):
                # moto returns an SQS redrive policy with other whitespace: both tools plan
                # that update (exit 2); what matters is that they agree
                r = check(t, "plan -detailed-exitcode", run_child([*t.argv, *plan, "-detailed-exitcode"], t.directory, env), (0, 2))
                codes.setdefault(t.name, set()).add(r.returncode)
                results[t.name][phases[2]].append(r)
                print(f"  round {i + 1} {t.name}: {phases[2]} {r.wall:.2f} s", flush=True)
            loads.append(load())
        if codes["sheath"] != codes["terraform"]:
            raise Failed(f"plan -detailed-exitcode after apply: sheath exited {codes['sheath']}, terraform {codes['terraform']}")
    except Failed as e:
        print(f"FAILED: {e}", file=sys.stderr)
        return 1
    finally:
        for m in servers.values():
            m.close()
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)

    print(f"\n{counts['sheath']} resource instances; load average during the rounds: {', '.join(loads)}")
    print("\n| phase | sheath (median, min–max) | terraform (median, min–max) | ratio sheath/terraform |")
    print("|---|---|---|---|")
    for phase in phases:
        sw = [r.wall for r in results["sheath"][phase]]
        tw = [r.wall for r in results["terraform"][phase]]
        print(f"| {phase} | {spread(sw)} | {spread(tw)} | {statistics.median(sw) / statistics.median(tw):.2f} |")
    print("\nCPU time (user + sys of the tool, its provider process included), medians:")
    for phase in phases:
        cpu = {n: statistics.median([r.user + r.sys for r in results[n][phase]]) for n in ("sheath", "terraform")}
        print(f"  {phase}: sheath {cpu['sheath']:.2f} s, terraform {cpu['terraform']:.2f} s, ratio {cpu['sheath'] / cpu['terraform']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
