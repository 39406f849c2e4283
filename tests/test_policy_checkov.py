"""sheath's built-in AWS pack against Checkov on the same plan JSON: terraform plans one
configuration (the real AWS provider, against moto) with failing and passing resources for
every rule; for each Checkov id both tools have, `sheath policy check -format=json plan.json`
and `checkov -f plan.json --framework terraform_plan` must flag the same resource addresses.

Checkov is installed from PyPI into a virtualenv of its own, outside the repository, reused
across runs (see `checkov_binary`); the test is skipped when that install fails. Deliberate
differences are listed in docs/policy.md and excluded here (KNOWN_DIFFERENCES)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import SHEATH_CMD
from test_aws_e2e import MORE_SERVICES, e2e_env, provider_hcl  # noqa: F401 - the fixture
from test_policy_aws import BAD, GOOD

pytestmark = [pytest.mark.oracle, pytest.mark.slow]

CHECKOV_VERSION = "3.3.30"

# more failing and passing cases, one or two per rule (names say which)
MORE = """
resource "aws_s3_bucket_public_access_block" "half" {
  bucket                  = aws_s3_bucket.aes.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = false
  restrict_public_buckets = false
}

resource "aws_s3_bucket" "aes" {
  bucket = "policy-aes-bucket"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "aes" {
  bucket = aws_s3_bucket.aes.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_versioning" "suspended" {
  bucket = aws_s3_bucket.aes.id
  versioning_configuration {
    status = "Suspended"
  }
}

resource "aws_security_group" "rdp" {
  name = "policy-rdp-sg"
  ingress {
    from_port   = 3389
    to_port     = 3389
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "ssh_v6" {
  name = "policy-ssh-v6-sg"
  ingress {
    from_port        = 22
    to_port          = 22
    protocol         = "tcp"
    ipv6_cidr_blocks = ["::/0"]
  }
}

resource "aws_security_group" "range" {
  name = "policy-range-sg"
  ingress {
    from_port   = 20
    to_port     = 100
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "private_ssh" {
  name = "policy-private-ssh-sg"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_security_group" "web" {
  name = "policy-web-sg"
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group_rule" "rdp" {
  type              = "ingress"
  from_port         = 3389
  to_port           = 3389
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.private_ssh.id
}

resource "aws_security_group_rule" "https" {
  type              = "ingress"
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.private_ssh.id
}

resource "aws_iam_role_policy" "s3_star" {
  name   = "policy-s3-star"
  role   = "some-role"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })
}

resource "aws_iam_policy" "deny_star" {
  name   = "policy-deny-star"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = "*", Resource = "*" }] })
}

resource "aws_iam_policy" "star_on_arn" {
  name   = "policy-star-on-arn"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "arn:aws:s3:::one-bucket" }] })
}

data "aws_iam_policy_document" "star_on_arn" {
  statement {
    actions   = ["*"]
    resources = ["arn:aws:s3:::one-bucket"]
  }
}

resource "aws_ebs_volume" "unencrypted" {
  availability_zone = "us-east-1a"
  size              = 1
  encrypted         = false
}

resource "aws_instance" "default_metadata" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
}

resource "aws_launch_template" "good" {
  name = "policy-good-lt"
  metadata_options {
    http_tokens   = "required"
    http_endpoint = "enabled"
  }
}

resource "aws_kms_key" "asymmetric" {
  description              = "policy asymmetric key"
  customer_master_key_spec = "RSA_2048"
  key_usage                = "SIGN_VERIFY"
}

resource "aws_sqs_queue" "kms" {
  name              = "policy-kms-queue"
  kms_master_key_id = "alias/aws/sqs"
}

resource "aws_sqs_queue" "default" {
  name = "policy-default-queue"
}
"""

# (Checkov id, address, the tool that flags it): deliberate differences, each explained in
# docs/policy.md ("Differences from Checkov")
KNOWN_DIFFERENCES: set[tuple[str, str, str]] = {
    # Checkov's plan runner does not evaluate data sources (its rules for
    # aws_iam_policy_document run on HCL only); sheath reads them from the plan
    ("CKV_AWS_1", "data.aws_iam_policy_document.bad", "sheath"),
    ("CKV_AWS_49", "data.aws_iam_policy_document.bad", "sheath"),
    ("CKV_AWS_49", "data.aws_iam_policy_document.star_on_arn", "sheath"),
    # Checkov counts any reference between a bucket and an aws_s3_bucket_logging, so the
    # bucket that receives the logs passes too; sheath only the logging resource's `bucket`
    ("CKV_AWS_18", "aws_s3_bucket.logs", "sheath"),
    # on plan JSON, Checkov reads the null prefix_list_ids of an aws_security_group_rule as
    # set and passes the rule whatever its CIDR blocks
    ("CKV_AWS_24", "aws_security_group_rule.ssh", "sheath"),
    ("CKV_AWS_25", "aws_security_group_rule.rdp", "sheath"),
    # Checkov flags every action that can be scoped to resources, reads included, from an
    # IAM action database; sheath's rule is about write actions (and "*")
    ("CKV_AWS_355", "aws_iam_policy.good", "checkov"),
}


def checkov_binary(version: str = CHECKOV_VERSION) -> Path | str:
    """The checkov command of a virtualenv under the user's cache directory (outside the
    repository), installed from PyPI on first use and reused afterwards; a string saying
    why when that fails. SHEATH_CHECKOV_VENV overrides the directory."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    venv = Path(os.environ.get("SHEATH_CHECKOV_VENV") or Path(base) / "sheath-tests" / f"checkov-{version}")
    exe = venv / "bin" / "checkov"
    if exe.exists():
        return exe
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", f"checkov=={version}"],
            check=True, capture_output=True, text=True, timeout=1200,
        )
    except (OSError, subprocess.SubprocessError) as e:
        detail = getattr(e, "stderr", "") or str(e)
        return f"installing checkov {version} into {venv} failed: {str(detail)[-500:]}"
    return exe if exe.exists() else f"installing checkov {version} into {venv} left no {exe}"


def checkov_env() -> dict[str, str]:
    """Checkov offline: no platform download, no update check."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BC_", "CKV_", "PRISMA_"))}
    env.update(BC_SKIP_MAPPING="TRUE", CKV_SKIP_PACKAGE_UPDATE_CHECK="true", LOG_LEVEL="WARNING")
    return env


def checkov_args(exe: Path, plan_json: Path) -> list[str]:
    return [str(exe), "-f", str(plan_json), "--framework", "terraform_plan", "-o", "json", "--skip-download"]


def checkov_findings(doc: Any) -> set[tuple[str, str]]:
    reports = doc if isinstance(doc, list) else [doc]
    out: set[tuple[str, str]] = set()
    for rep in reports:
        for f in rep.get("results", {}).get("failed_checks", []):
            out.add((f["check_id"], f.get("resource_address") or f["resource"]))
    return out


@pytest.fixture(scope="module")
def checkov() -> Path:
    exe = checkov_binary()
    if isinstance(exe, str):
        pytest.skip(exe)
    return exe


@pytest.fixture(scope="module")
def plan_json(tmp_path_factory: pytest.TempPathFactory, moto_server: str, e2e_env: dict[str, str], terraform_bin: str) -> Path:  # noqa: F811
    d = tmp_path_factory.mktemp("checkov-diff")
    (d / "main.tf").write_text(provider_hcl(moto_server, MORE_SERVICES) + BAD + GOOD + MORE)
    for args in (["init", "-input=false", "-no-color"], ["plan", "-input=false", "-no-color", "-refresh=false", "-out=tfplan"]):
        r = subprocess.run([terraform_bin, *args], cwd=d, capture_output=True, text=True, env=e2e_env, timeout=600)
        assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run([terraform_bin, "show", "-json", "tfplan"], cwd=d, capture_output=True, text=True, env=e2e_env, timeout=600)
    assert r.returncode == 0, r.stderr
    # alone in its directory: neither tool sees the configuration's comments (skips)
    out = tmp_path_factory.mktemp("plan-json") / "plan.json"
    out.write_text(r.stdout)
    return out


def test_sheath_and_checkov_flag_the_same_resources_for_each_common_id(plan_json: Path, checkov: Path, e2e_env: dict[str, str]) -> None:  # noqa: F811
    from sheath.policy.aws import RULES

    s = subprocess.run([*SHEATH_CMD, "policy", "check", "-format=json", plan_json.name], cwd=plan_json.parent,
                       capture_output=True, text=True, env=e2e_env, timeout=600)
    assert s.returncode in (0, 1), s.stderr
    ours = {(f["rule_id"], f["address"]) for f in json.loads(s.stdout)["findings"] if not f["skipped"]}
    c = subprocess.run(checkov_args(checkov, plan_json), cwd=plan_json.parent, capture_output=True, text=True,
                       env=checkov_env(), timeout=1200)
    assert c.returncode in (0, 1), c.stderr[-2000:]
    theirs_all = checkov_findings(json.loads(c.stdout))
    ids = {r.checkov_id for r in RULES if r.checkov_id}
    theirs = {(i, a) for i, a in theirs_all if i in ids}
    assert theirs, "checkov flagged nothing for the rules in common"
    ours_only = {x for x in ours - theirs if (*x, "sheath") not in KNOWN_DIFFERENCES}
    theirs_only = {x for x in theirs - ours if (*x, "checkov") not in KNOWN_DIFFERENCES}
    assert (sorted(ours_only), sorted(theirs_only)) == ([], [])
    # the deliberate differences are still differences (else drop them from the list and the docs)
    for cid, addr, tool in KNOWN_DIFFERENCES:
        assert ((cid, addr) in ours) == (tool == "sheath") and ((cid, addr) in theirs) == (tool == "checkov")
