#!/usr/bin/env python3
"""Benchmark: `sheath policy check` vs `checkov -f plan.json` on the same plan JSON.

    .venv/bin/python benchmarks/policy_checkov.py [--resources N] [--repeat K] [--cache DIR]

1. Generates a root module of N AWS resources (default 5,000) of the kinds the built-in
   pack looks at — buckets with their public access blocks, encryption and versioning
   resources, security groups and rules, IAM policies, EBS volumes, KMS keys, SQS queues,
   SNS topics, DynamoDB tables, RDS instances, CloudTrail trails, VPCs — half of each kind
   failing its rules and half passing.
2. Plans it with terraform and the real hashicorp/aws 5.100.0 (from the filesystem mirror,
   found as the tests find it) against a moto server on 127.0.0.1, and writes
   `terraform show -json` of that plan to DIR/plan-N.json (kept and reused: planning 5,000
   AWS resources takes minutes; --replan makes it anew).
3. Installs Checkov from PyPI into a virtualenv of its own under the user's cache
   directory (the one tests/test_policy_checkov.py uses), once.
4. Times `sheath policy check -format=json plan.json` and
   `checkov -f plan.json --framework terraform_plan -o json` K times each, alternating,
   in the same run, and prints each run, the medians and the ratio checkov/sheath (above
   1 means sheath is faster), with the number of failed checks each reported.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
from aws_moto import Moto, mirror_root  # noqa: E402
from test_aws_e2e import MORE_SERVICES as SERVICES, provider_hcl  # noqa: E402

def body(c: int) -> str:
    """Resources in groups of `c` instances; 15 groups of c instances, even indexes fail."""
    bad = "count.index % 2 == 0"
    return f"""
resource "aws_s3_bucket" "b" {{
  count  = {c}
  bucket = "bench-bucket-${{count.index}}"
  acl    = {bad} ? "public-read" : null
}}

resource "aws_s3_bucket_public_access_block" "b" {{
  count                   = {c}
  bucket                  = aws_s3_bucket.b[count.index].id
  block_public_acls       = !({bad})
  block_public_policy     = true
  ignore_public_acls      = !({bad})
  restrict_public_buckets = true
}}

resource "aws_s3_bucket_server_side_encryption_configuration" "b" {{
  count  = {c}
  bucket = aws_s3_bucket.b[count.index].id
  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm = {bad} ? "AES256" : "aws:kms"
    }}
  }}
}}

resource "aws_s3_bucket_versioning" "b" {{
  count  = {c}
  bucket = aws_s3_bucket.b[count.index].id
  versioning_configuration {{
    status = {bad} ? "Suspended" : "Enabled"
  }}
}}

resource "aws_security_group" "g" {{
  count = {c}
  name  = "bench-sg-${{count.index}}"
  ingress {{
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [{bad} ? "0.0.0.0/0" : "10.0.0.0/8"]
  }}
  egress {{
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }}
}}

resource "aws_security_group_rule" "r" {{
  count             = {c}
  type              = "ingress"
  from_port         = 3389
  to_port           = 3389
  protocol          = "tcp"
  cidr_blocks       = [{bad} ? "0.0.0.0/0" : "10.0.0.0/8"]
  security_group_id = "sg-${{count.index}}"
}}

resource "aws_iam_policy" "p" {{
  count  = {c}
  name   = "bench-policy-${{count.index}}"
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = {bad} ? "*" : "s3:GetObject", Resource = "arn:aws:s3:::bench/*" }}] }})
}}

resource "aws_ebs_volume" "v" {{
  count             = {c}
  availability_zone = "us-east-1a"
  size              = 1
  encrypted         = !({bad})
}}

resource "aws_kms_key" "k" {{
  count               = {c}
  description         = "bench key ${{count.index}}"
  enable_key_rotation = !({bad})
}}

resource "aws_sqs_queue" "q" {{
  count                   = {c}
  name                    = "bench-queue-${{count.index}}"
  sqs_managed_sse_enabled = !({bad})
}}

resource "aws_sns_topic" "t" {{
  count             = {c}
  name              = "bench-topic-${{count.index}}"
  kms_master_key_id = {bad} ? null : "alias/aws/sns"
}}

resource "aws_dynamodb_table" "d" {{
  count        = {c}
  name         = "bench-table-${{count.index}}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {{
    name = "id"
    type = "S"
  }}
  point_in_time_recovery {{
    enabled = !({bad})
  }}
}}

resource "aws_db_instance" "db" {{
  count               = {c}
  identifier          = "bench-db-${{count.index}}"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  username            = "app"
  password            = "not-a-secret-1"
  storage_encrypted   = !({bad})
  publicly_accessible = {bad}
  multi_az            = !({bad})
  deletion_protection = !({bad})
  skip_final_snapshot = true
}}

resource "aws_cloudtrail" "ct" {{
  count                      = {c}
  name                       = "bench-trail-${{count.index}}"
  s3_bucket_name             = "bench-trail-logs"
  is_multi_region_trail      = !({bad})
  enable_log_file_validation = !({bad})
  kms_key_id                 = {bad} ? null : "arn:aws:kms:us-east-1:123456789012:key/bench"
}}

resource "aws_vpc" "n" {{
  count      = {c}
  cidr_block = "10.0.0.0/16"
}}
"""


GROUPS = 15


@dataclass(frozen=True, slots=True)
class Run:
    wall: float
    returncode: int
    failed: int


def make_plan(work: Path, n: int, env: dict[str, str]) -> Path:
    out = work / f"plan-{n}.json"
    c = max(1, n // GROUPS)
    d = work / f"config-{n}"
    d.mkdir(parents=True, exist_ok=True)
    moto = Moto()
    try:
        (d / "main.tf").write_text(provider_hcl(moto.url, SERVICES) + body(c))
        for args in (["init", "-input=false", "-no-color"], ["plan", "-input=false", "-no-color", "-refresh=false", "-out=tfplan"]):
            print(f"terraform {' '.join(args)} ({c * GROUPS} resources) ...", flush=True)
            r = subprocess.run(["terraform", *args], cwd=d, env=env, capture_output=True, text=True)
            if r.returncode != 0:
                raise SystemExit(f"terraform {args[0]} failed:\n{r.stdout[-3000:]}{r.stderr[-3000:]}")
    finally:
        moto.close()
    r = subprocess.run(["terraform", "show", "-json", "tfplan"], cwd=d, env=env, capture_output=True, text=True, check=True)
    out.write_text(r.stdout)
    return out


def sheath_failed(stdout: str) -> int:
    return sum(1 for f in json.loads(stdout)["findings"] if not f["skipped"])


def checkov_failed(stdout: str) -> int:
    doc = json.loads(stdout)
    return sum(len(rep.get("results", {}).get("failed_checks", [])) for rep in (doc if isinstance(doc, list) else [doc]))


def timed(argv: list[str], cwd: Path, env: dict[str, str], count: Callable[[str], int]) -> Run:
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        p = subprocess.run(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    try:
        failed = count(text)
    except (ValueError, KeyError, TypeError):
        failed = -1
    return Run(wall, p.returncode, failed)


def main(argv: list[str] | None = None) -> int:
    from test_policy_checkov import CHECKOV_VERSION, checkov_args, checkov_binary, checkov_env

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--resources", "-n", type=int, default=5000)
    ap.add_argument("--repeat", "-k", type=int, default=3)
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sheath-bench" / "policy_checkov"
    ap.add_argument("--cache", type=Path, default=base, help="where the configuration and plan JSON are kept")
    ap.add_argument("--replan", action="store_true", help="plan the configuration again")
    ap.add_argument("--sheath", default=f"{shlex.quote(sys.executable)} -m sheath", help="sheath command line")
    args = ap.parse_args(argv)

    args.cache.mkdir(parents=True, exist_ok=True)
    rc = args.cache / "terraformrc"
    rc.write_text(
        "provider_installation {\n  filesystem_mirror {\n"
        f"    path    = {json.dumps(mirror_root())}\n"
        '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_"))}
    env.update(TF_CLI_CONFIG_FILE=str(rc), CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1")
    plan = args.cache / f"plan-{args.resources}.json"
    if args.replan or not plan.exists():
        plan = make_plan(args.cache, args.resources, env)
    doc = json.loads(plan.read_text())
    print(f"plan JSON: {plan} ({len(doc.get('resource_changes', []))} resource changes, {plan.stat().st_size // 1024} KiB)")

    exe = checkov_binary()
    if isinstance(exe, str):
        raise SystemExit(exe)
    run_dir = Path(tempfile.mkdtemp(prefix="policy-bench-"))
    (run_dir / "plan.json").write_text(plan.read_text())
    sheath = [*shlex.split(args.sheath), "policy", "check", "-format=json", "plan.json"]
    checkov = checkov_args(exe, Path("plan.json"))
    cenv = {**checkov_env(), **{k: v for k, v in env.items() if k.startswith("TF_")}}
    runs: dict[str, list[Run]] = {"sheath": [], f"checkov {CHECKOV_VERSION}": []}
    for i in range(args.repeat):
        order = [("sheath", sheath, env, sheath_failed), (f"checkov {CHECKOV_VERSION}", checkov, cenv, checkov_failed)]
        for name, cmd, e, count in order if i % 2 == 0 else reversed(order):
            r = timed(cmd, run_dir, e, count)
            runs[name].append(r)
            print(f"  run {i + 1} {name:16} {r.wall:8.2f} s  exit {r.returncode}  failed checks {r.failed}", flush=True)
    med = {k: statistics.median(r.wall for r in v) for k, v in runs.items()}
    for k, v in med.items():
        print(f"median {k:16} {v:8.2f} s")
    s, c = med["sheath"], med[f"checkov {CHECKOV_VERSION}"]
    print(f"ratio checkov/sheath: {c / s:.1f}x")
    bad = [k for k, v in runs.items() if any(r.returncode not in (0, 1) or r.failed < 0 for r in v)]
    if bad:
        print(f"failed runs: {', '.join(bad)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
