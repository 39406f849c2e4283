"""The built-in AWS rule pack on real plans: one configuration where every rule fails and
one where every rule passes, planned with the real AWS provider (against moto) by sheath
and by terraform; `sheath policy check` on sheath's plan file, on sheath's plan JSON and on
terraform's plan JSON must give the same findings, and the expected ones."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import SHEATH_CMD
from test_aws_e2e import MORE_SERVICES, e2e_env, provider_hcl  # noqa: F401 - the fixture

pytestmark = pytest.mark.oracle

# every rule fails here (names say which)
BAD = """
resource "aws_s3_bucket" "bad" {
  bucket = "policy-bad-bucket"
}

resource "aws_s3_bucket_acl" "bad" {
  bucket = aws_s3_bucket.bad.id
  acl    = "public-read"
}

resource "aws_s3_bucket" "nopab" {
  bucket = "policy-nopab-bucket"
}

resource "aws_s3_bucket_public_access_block" "bad" {
  bucket                  = aws_s3_bucket.bad.id
  block_public_acls       = false
  block_public_policy     = false
  ignore_public_acls      = false
  restrict_public_buckets = false
}

resource "aws_security_group" "bad" {
  name = "policy-bad-sg"
  ingress {
    from_port   = 0
    to_port     = 65535
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group_rule" "ssh" {
  type              = "ingress"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.bad.id
}

resource "aws_iam_policy" "bad" {
  name   = "policy-bad"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}

resource "aws_iam_policy" "write_star" {
  name   = "policy-write-star"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:PutObject"], Resource = "*" }] })
}

data "aws_iam_policy_document" "bad" {
  statement {
    actions   = ["*"]
    resources = ["*"]
  }
}

resource "aws_db_instance" "bad" {
  identifier          = "policy-bad-db"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  username            = "app"
  password            = "not-a-secret-1"
  publicly_accessible = true
  skip_final_snapshot = true
}

resource "aws_ebs_volume" "bad" {
  availability_zone = "us-east-1a"
  size              = 1
}

resource "aws_instance" "bad" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = "optional"
  }
}

resource "aws_kms_key" "bad" {
  description = "policy bad key"
}

resource "aws_cloudtrail" "bad" {
  name           = "policy-bad-trail"
  s3_bucket_name = aws_s3_bucket.bad.id
}

resource "aws_dynamodb_table" "bad" {
  name         = "policy-bad-table"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_sqs_queue" "bad" {
  name                    = "policy-bad-queue"
  sqs_managed_sse_enabled = false
}

resource "aws_sns_topic" "bad" {
  name = "policy-bad-topic"
}

resource "aws_vpc" "bad" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_default_security_group" "bad" {
  vpc_id = aws_vpc.bad.id
  ingress {
    protocol  = "-1"
    self      = true
    from_port = 0
    to_port   = 0
  }
}
"""

# every rule passes here
GOOD = """
resource "aws_s3_bucket" "good" {
  bucket = "policy-good-bucket"
}

resource "aws_s3_bucket" "logs" {
  bucket = "policy-good-logs"
  # sheath:skip=CKV2_AWS_6 the log bucket's own guardrails are tested elsewhere
  #checkov:skip=CKV_AWS_19:logs are encrypted by the bucket default
  #checkov:skip=CKV_AWS_145:logs are encrypted by the bucket default
  # sheath:skip=CKV_AWS_21 logs are append-only
  # sheath:skip=CKV_AWS_18 this is the log bucket
}

resource "aws_s3_bucket_public_access_block" "good" {
  bucket                  = aws_s3_bucket.good.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "good" {
  bucket = aws_s3_bucket.good.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.good.arn
    }
  }
}

resource "aws_s3_bucket_versioning" "good" {
  bucket = aws_s3_bucket.good.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_logging" "good" {
  bucket        = aws_s3_bucket.good.id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "log/"
}

resource "aws_security_group" "good" {
  name = "policy-good-sg"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_iam_policy" "good" {
  name   = "policy-good"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "*" }] })
}

data "aws_iam_policy_document" "good" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::policy-good-bucket/*"]
  }
}

resource "aws_db_instance" "good" {
  identifier          = "policy-good-db"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  username            = "app"
  password            = "not-a-secret-1"
  storage_encrypted   = true
  deletion_protection = true
  multi_az            = true
  skip_final_snapshot = true
}

resource "aws_ebs_volume" "good" {
  availability_zone = "us-east-1a"
  size              = 1
  encrypted         = true
}

resource "aws_instance" "good" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = "required"
  }
}

resource "aws_kms_key" "good" {
  description         = "policy good key"
  enable_key_rotation = true
}

resource "aws_cloudtrail" "good" {
  name                          = "policy-good-trail"
  s3_bucket_name                = aws_s3_bucket.logs.id
  is_multi_region_trail         = true
  enable_log_file_validation    = true
  kms_key_id                    = aws_kms_key.good.arn
}

resource "aws_dynamodb_table" "good" {
  name         = "policy-good-table"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
  point_in_time_recovery {
    enabled = true
  }
}

resource "aws_sqs_queue" "good" {
  name                    = "policy-good-queue"
  sqs_managed_sse_enabled = true
}

resource "aws_sns_topic" "good" {
  name              = "policy-good-topic"
  kms_master_key_id = aws_kms_key.good.arn
}

resource "aws_vpc" "good" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_flow_log" "good" {
  vpc_id               = aws_vpc.good.id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = aws_s3_bucket.logs.arn
}

resource "aws_default_security_group" "good" {
  vpc_id = aws_vpc.good.id
}
"""

EXPECTED_BAD = {
    ("CKV_AWS_53", "aws_s3_bucket_public_access_block.bad"),
    ("CKV_AWS_54", "aws_s3_bucket_public_access_block.bad"),
    ("CKV_AWS_55", "aws_s3_bucket_public_access_block.bad"),
    ("CKV_AWS_56", "aws_s3_bucket_public_access_block.bad"),
    ("CKV2_AWS_6", "aws_s3_bucket.bad"),
    ("CKV2_AWS_6", "aws_s3_bucket.nopab"),
    ("CKV_AWS_145", "aws_s3_bucket.bad"),
    ("CKV_AWS_145", "aws_s3_bucket.nopab"),
    ("CKV_AWS_21", "aws_s3_bucket.bad"),
    ("CKV_AWS_21", "aws_s3_bucket.nopab"),
    ("CKV_AWS_18", "aws_s3_bucket.bad"),
    ("CKV_AWS_18", "aws_s3_bucket.nopab"),
    ("CKV_AWS_20", "aws_s3_bucket.bad"),
    ("CKV_AWS_24", "aws_security_group.bad"),
    ("CKV_AWS_24", "aws_security_group_rule.ssh"),
    ("CKV_AWS_25", "aws_security_group.bad"),
    ("CKV_AWS_260", "aws_security_group.bad"),
    ("CKV_AWS_277", "aws_security_group.bad"),
    ("CKV_AWS_382", "aws_security_group.bad"),
    ("CKV_AWS_1", "data.aws_iam_policy_document.bad"),
    ("CKV_AWS_49", "data.aws_iam_policy_document.bad"),
    ("CKV_AWS_62", "aws_iam_policy.bad"),
    ("CKV_AWS_63", "aws_iam_policy.bad"),
    ("CKV_AWS_355", "aws_iam_policy.bad"),
    ("CKV_AWS_355", "aws_iam_policy.write_star"),
    ("CKV_AWS_16", "aws_db_instance.bad"),
    ("CKV_AWS_17", "aws_db_instance.bad"),
    ("CKV_AWS_293", "aws_db_instance.bad"),
    ("CKV_AWS_157", "aws_db_instance.bad"),
    ("CKV_AWS_3", "aws_ebs_volume.bad"),
    ("CKV_AWS_79", "aws_instance.bad"),
    ("CKV_AWS_7", "aws_kms_key.bad"),
    ("CKV_AWS_67", "aws_cloudtrail.bad"),
    ("CKV_AWS_35", "aws_cloudtrail.bad"),
    ("CKV_AWS_36", "aws_cloudtrail.bad"),
    ("CKV_AWS_28", "aws_dynamodb_table.bad"),
    ("CKV_AWS_27", "aws_sqs_queue.bad"),
    ("CKV_AWS_26", "aws_sns_topic.bad"),
    ("CKV2_AWS_11", "aws_vpc.bad"),
    ("CKV2_AWS_12", "aws_vpc.bad"),
}

GOOD_SKIPS = {
    ("CKV2_AWS_6", "aws_s3_bucket.logs"),
    ("CKV_AWS_145", "aws_s3_bucket.logs"),
    ("CKV_AWS_21", "aws_s3_bucket.logs"),
    ("CKV_AWS_18", "aws_s3_bucket.logs"),
}


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, timeout=600)


def _plans(tmp_path: Path, body: str, moto_server: str, env: dict[str, str], terraform: str) -> tuple[Path, Path, Path]:
    s, t = tmp_path / "sheath", tmp_path / "terraform"
    for d in (s, t):
        d.mkdir()
        (d / "main.tf").write_text(provider_hcl(moto_server, MORE_SERVICES) + body)
    for cmd, d in (([*SHEATH_CMD], s), ([terraform], t)):
        r = _run([*cmd, "init", "-input=false", "-no-color"], d, env)
        assert r.returncode == 0, r.stderr
        r = _run([*cmd, "plan", "-input=false", "-no-color", "-refresh=false", "-out=tfplan"], d, env)
        assert r.returncode == 0, r.stdout + r.stderr
    (s / "plan.json").write_text(_run([*SHEATH_CMD, "show", "-json", "tfplan"], s, env).stdout)
    (t / "plan.json").write_text(_run([terraform, "show", "-json", "tfplan"], t, env).stdout)
    shutil.copyfile(t / "plan.json", s / "terraform-plan.json")
    return s, s / "plan.json", s / "terraform-plan.json"


def _findings(d: Path, arg: str, env: dict[str, str]) -> tuple[set[tuple[str, str]], set[tuple[str, str]], int, dict[str, Any]]:
    r = _run([*SHEATH_CMD, "policy", "check", "-format=json", arg], d, env)
    assert r.returncode in (0, 1), r.stderr
    doc = json.loads(r.stdout)
    failed = {(f["rule_id"], f["address"]) for f in doc["findings"] if not f["skipped"]}
    skipped = {(f["rule_id"], f["address"]) for f in doc["findings"] if f["skipped"]}
    return failed, skipped, r.returncode, doc


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory, moto_server: str, e2e_env: dict[str, str], terraform_bin: str) -> tuple[Path, Path, Path]:  # noqa: F811
    return _plans(tmp_path_factory.mktemp("bad"), BAD, moto_server, e2e_env, terraform_bin)


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory, moto_server: str, e2e_env: dict[str, str], terraform_bin: str) -> tuple[Path, Path, Path]:  # noqa: F811
    return _plans(tmp_path_factory.mktemp("good"), GOOD, moto_server, e2e_env, terraform_bin)


def test_every_rule_fails_on_the_bad_configuration_alike_for_both_tools(bad: tuple[Path, Path, Path], e2e_env: dict[str, str]) -> None:  # noqa: F811
    d, sheath_json, tf_json = bad
    from_planfile = _findings(d, "tfplan", e2e_env)
    from_sheath_json = _findings(d, str(sheath_json), e2e_env)
    from_tf_json = _findings(d, str(tf_json), e2e_env)
    assert from_planfile[0] == EXPECTED_BAD
    assert from_sheath_json[0] == EXPECTED_BAD
    assert from_tf_json[0] == EXPECTED_BAD
    # advisory by default: the check passes with warnings
    assert from_tf_json[2] == 0
    # every finding points at its resource's line in main.tf
    for f in from_tf_json[3]["findings"]:
        assert f["file"] == "main.tf" and f["line"] > 0
    from sheath.policy.aws import RULES

    # CKV_AWS_19 fails only on an encryption algorithm the provider would reject (S3 encrypts
    # every bucket by default): no valid configuration fails it
    assert {r.id for r in RULES} - {"CKV_AWS_19"} == {rid for rid, _ in EXPECTED_BAD}


@pytest.mark.slow  # its fixture applies the good configuration with both tools against moto: over a minute
def test_every_rule_passes_on_the_good_configuration(good: tuple[Path, Path, Path], e2e_env: dict[str, str]) -> None:  # noqa: F811
    d, sheath_json, tf_json = good
    for arg in ("tfplan", str(sheath_json), str(tf_json)):
        failed, skipped, rc, doc = _findings(d, arg, e2e_env)
        assert failed == set(), arg
        assert skipped == GOOD_SKIPS, arg
        assert rc == 0
        assert doc["summary"]["passed"] > 30


def test_mandatory_level_fails_the_check_and_disabled_rules_never_run(bad: tuple[Path, Path, Path], e2e_env: dict[str, str]) -> None:  # noqa: F811
    d, _, tf_json = bad
    (d / "sheath-policy.hcl").write_text(
        'pack "aws" {\n  enforcement_level = "advisory"\n}\n\nrule "CKV_AWS_20" {\n  enforcement_level = "mandatory"\n}\n\n'
        'rule "CKV_AWS_53" {\n  enforcement_level = "disabled"\n}\n'
    )
    try:
        failed, _, rc, doc = _findings(d, str(tf_json), e2e_env)
        assert rc == 1
        assert not any(rid == "CKV_AWS_53" for rid, _ in failed)
        levels = {(f["rule_id"], f["enforcement_level"]) for f in doc["findings"]}
        assert ("CKV_AWS_20", "mandatory") in levels and ("CKV_AWS_18", "advisory") in levels
        r = _run([*SHEATH_CMD, "policy", "check", "-no-color", str(tf_json)], d, e2e_env)
        assert r.returncode == 1
        assert "Policy CKV_AWS_20 (HIGH, mandatory): S3 bucket ACL does not allow public read" in r.stdout
        assert "not-a-secret-1" not in r.stdout  # values never appear
    finally:
        (d / "sheath-policy.hcl").unlink()


def test_ignore_file_and_reasonless_skips(bad: tuple[Path, Path, Path], e2e_env: dict[str, str]) -> None:  # noqa: F811
    d, _, tf_json = bad
    (d / ".sheath-policy-ignore").write_text("# accepted risks\nCKV_AWS_20 aws_s3_bucket.bad the site is public on purpose\n")
    try:
        failed, skipped, _, doc = _findings(d, str(tf_json), e2e_env)
        assert ("CKV_AWS_20", "aws_s3_bucket.bad") in skipped and ("CKV_AWS_20", "aws_s3_bucket.bad") not in failed
        reason = [f["skipped"] for f in doc["findings"] if f["skipped"]][0]
        assert reason == {"reason": "the site is public on purpose", "source": "ignore-file"}
        (d / ".sheath-policy-ignore").write_text("CKV_AWS_20 aws_s3_bucket.bad\n")
        r = _run([*SHEATH_CMD, "policy", "check", str(tf_json)], d, e2e_env)
        assert r.returncode == 1 and "Invalid policy ignore entry" in r.stderr
    finally:
        (d / ".sheath-policy-ignore").unlink()


def test_sarif_is_valid_and_names_checkov_ids(bad: tuple[Path, Path, Path], e2e_env: dict[str, str]) -> None:  # noqa: F811
    d, _, tf_json = bad
    r = _run([*SHEATH_CMD, "policy", "check", "-format=sarif", str(tf_json)], d, e2e_env)
    doc = json.loads(r.stdout)
    from sarif_schema import validate_sarif

    validate_sarif(doc)
    results = doc["runs"][0]["results"]
    assert {(x["ruleId"], x["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]) for x in results} == EXPECTED_BAD


def test_junit_and_github_annotations(bad: tuple[Path, Path, Path], e2e_env: dict[str, str]) -> None:  # noqa: F811
    import xml.etree.ElementTree as ET

    d, _, tf_json = bad
    r = _run([*SHEATH_CMD, "policy", "check", "-format=junit", str(tf_json)], d, e2e_env)
    root = ET.fromstring(r.stdout)
    suite = root.find("testsuite")
    assert suite is not None and int(suite.get("failures", "0")) == len(EXPECTED_BAD)
    r = _run([*SHEATH_CMD, "policy", "check", "-format=github", str(tf_json)], d, e2e_env)
    lines = r.stdout.splitlines()
    assert len(lines) == len(EXPECTED_BAD)
    assert all(line.startswith("::warning file=main.tf,line=") for line in lines)
