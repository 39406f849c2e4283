"""sheath unmanaged against a moto server of its own (nothing else creates resources in it).

The real AWS provider (5.100.0) applies a configuration with one resource of most
supported types; then one resource of every supported type is created out of band
through boto3. ``sheath unmanaged`` lists exactly the out-of-band ones (none of the
managed ones, none of AWS's defaults: the default VPC, its subnets, default security
groups, AWS-managed policies); a second state (``-state`` twice) makes its resources
managed; ``.driftignore`` and ``-filter`` narrow the report; a managed resource
deleted out of band is reported missing.
"""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import SHEATH_CMD, need
from test_aws_e2e import Tools, e2e_env, ok, tools  # noqa: F401

pytestmark = pytest.mark.oracle

REGION = "us-east-1"
SERVICES = ("s3", "iam", "sts", "ec2", "rds", "dynamodb", "sqs", "sns", "kms", "lambda", "logs", "secretsmanager", "ssm")


@pytest.fixture(scope="module")
def own_moto() -> Iterator[str]:
    """A moto server for this module alone: unmanaged lists everything in the account."""
    import importlib.util

    need(importlib.util.find_spec("moto") is not None and importlib.util.find_spec("boto3") is not None, "moto[server] and boto3")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"moto server did not start on {url}")
            time.sleep(0.1)
    yield url
    proc.kill()
    proc.wait()


def client(url: str, service: str) -> Any:
    import boto3

    return boto3.client(service, endpoint_url=url, region_name=REGION, aws_access_key_id="test", aws_secret_access_key="test")


def provider_block(url: str) -> str:
    endpoints = "\n".join(f"    {s} = {json.dumps(url)}" for s in SERVICES)
    return f"""terraform {{
  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "5.100.0"
    }}
  }}
}}

variable "region" {{
  default = "{REGION}"
}}

locals {{
  endpoint = {json.dumps(url)}
}}

provider "aws" {{
  region                      = var.region
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true
  endpoints {{
{endpoints}
  }}
}}
"""


MANAGED = """
resource "aws_s3_bucket" "b" {
  bucket = "managed-bucket"
}
resource "aws_iam_user" "u" {
  name = "managed-user"
}
resource "aws_iam_role" "r" {
  name               = "managed-role"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}
resource "aws_iam_policy" "p" {
  name   = "managed-policy"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:ListBucket", Resource = "*" }] })
}
resource "aws_iam_group" "g" {
  name = "managed-group"
}
resource "aws_vpc" "v" {
  cidr_block = "10.10.0.0/16"
}
resource "aws_subnet" "s" {
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.10.1.0/24"
}
resource "aws_internet_gateway" "i" {
  vpc_id = aws_vpc.v.id
}
resource "aws_security_group" "sg" {
  name   = "managed-sg"
  vpc_id = aws_vpc.v.id
}
resource "aws_eip" "e" {
  domain = "vpc"
}
resource "aws_ebs_volume" "vol" {
  availability_zone = "us-east-1a"
  size              = 1
}
resource "aws_dynamodb_table" "t" {
  name         = "managed-table"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
}
resource "aws_sqs_queue" "q" {
  name = "managed-queue"
}
resource "aws_sns_topic" "n" {
  name = "managed-topic"
}
resource "aws_kms_key" "k" {
  description = "managed"
}
resource "aws_cloudwatch_log_group" "l" {
  name = "managed-logs"
}
resource "aws_secretsmanager_secret" "sec" {
  name = "managed-secret"
}
resource "aws_ssm_parameter" "ssm" {
  name  = "managed-param"
  type  = "String"
  value = "x"
}
"""


def create_out_of_band(url: str) -> dict[str, str]:
    """One resource of every supported type, created through boto3; type -> id."""
    s3, iam, ec2 = client(url, "s3"), client(url, "iam"), client(url, "ec2")
    out: dict[str, str] = {}
    s3.create_bucket(Bucket="oob-bucket")
    out["aws_s3_bucket"] = "oob-bucket"
    iam.create_user(UserName="oob-user")
    out["aws_iam_user"] = "oob-user"
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}]})
    role = iam.create_role(RoleName="oob-role", AssumeRolePolicyDocument=trust)["Role"]
    out["aws_iam_role"] = "oob-role"
    pol = iam.create_policy(PolicyName="oob-policy", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
    out["aws_iam_policy"] = pol["Policy"]["Arn"]
    iam.create_group(GroupName="oob-group")
    out["aws_iam_group"] = "oob-group"
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    out["aws_vpc"] = vpc
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24")["Subnet"]["SubnetId"]
    out["aws_subnet"] = subnet
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    out["aws_internet_gateway"] = igw
    out["aws_security_group"] = ec2.create_security_group(GroupName="oob-sg", Description="oob", VpcId=vpc)["GroupId"]
    alloc = ec2.allocate_address(Domain="vpc")["AllocationId"]
    out["aws_eip"] = alloc
    out["aws_nat_gateway"] = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=alloc)["NatGateway"]["NatGatewayId"]
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    out["aws_instance"] = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro")["Instances"][0]["InstanceId"]
    out["aws_ebs_volume"] = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    client(url, "rds").create_db_instance(DBInstanceIdentifier="oob-db", DBInstanceClass="db.t3.micro", Engine="postgres", MasterUsername="admin1", MasterUserPassword="password123", AllocatedStorage=20)
    out["aws_db_instance"] = "oob-db"
    client(url, "dynamodb").create_table(TableName="oob-table", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    out["aws_dynamodb_table"] = "oob-table"
    client(url, "sqs").create_queue(QueueName="oob-queue")
    out["aws_sqs_queue"] = "oob-queue"
    out["aws_sns_topic"] = client(url, "sns").create_topic(Name="oob-topic")["TopicArn"]
    out["aws_kms_key"] = client(url, "kms").create_key(Description="oob")["KeyMetadata"]["KeyId"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return 1\n")
    client(url, "lambda").create_function(FunctionName="oob-fn", Runtime="python3.12", Role=role["Arn"], Handler="index.handler", Code={"ZipFile": buf.getvalue()})
    out["aws_lambda_function"] = "oob-fn"
    client(url, "logs").create_log_group(logGroupName="oob-logs")
    out["aws_cloudwatch_log_group"] = "oob-logs"
    out["aws_secretsmanager_secret"] = client(url, "secretsmanager").create_secret(Name="oob-secret", SecretString="s")["ARN"]
    client(url, "ssm").put_parameter(Name="oob-param", Value="v", Type="String")
    out["aws_ssm_parameter"] = "oob-param"
    return out


def unmanaged(tools: Tools, cwd: Path, *args: str) -> tuple[int, dict[str, Any]]:
    p = tools.sheath(["unmanaged", "-json", *args], cwd)
    assert p.returncode in (0, 2), p.stdout + p.stderr
    return p.returncode, json.loads(p.stdout)


def ids(doc: dict[str, Any], key: str = "unmanaged") -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for r in doc[key]:
        out.setdefault(r["type"], set()).add(r["id"])
    return out


@pytest.mark.slow  # over a minute (60-120 s) against moto: run with -m slow
def test_unmanaged_lists_exactly_the_out_of_band_resources(tools: Tools, own_moto: str, tmp_path: Path) -> None:
    d = tmp_path / "stack"
    d.mkdir()
    (d / "main.tf").write_text(provider_block(own_moto) + MANAGED)
    ok(tools.sheath(["init", "-input=false", "-no-color"], d), "sheath init")
    ok(tools.sheath(["apply", "-input=false", "-no-color", "-auto-approve"], d), "sheath apply")

    rc, doc = unmanaged(tools, d)
    assert rc == 0 and doc["unmanaged"] == [] and doc["missing"] == [], doc
    assert doc["summary"]["total_managed"] == 18 and doc["coverage"] == 100
    assert doc["regions"] == [REGION]

    made = create_out_of_band(own_moto)
    assert len(made) == 22
    rc, doc = unmanaged(tools, d)
    assert rc == 2
    assert ids(doc) == {t: {i} for t, i in made.items()}
    assert doc["missing"] == []
    assert doc["summary"] == {"total_resources": 40, "total_managed": 18, "total_unmanaged": 22, "total_missing": 0, "total_ignored": 0}
    assert doc["coverage"] == 45

    human = tools.sheath(["unmanaged", "-no-color"], d)
    assert human.returncode == 2 and "45% coverage" in human.stdout and "oob-bucket" in human.stdout
    md = tools.sheath(["unmanaged", "-markdown"], d)
    assert md.returncode == 2 and "| `aws_s3_bucket` | `oob-bucket` |" in md.stdout

    # -filter: only what matches is audited
    rc, doc = unmanaged(tools, d, "-filter=Type=='aws_s3_bucket' || starts_with(Id, 'oob-t')")
    assert ids(doc) == {"aws_s3_bucket": {"oob-bucket"}, "aws_dynamodb_table": {"oob-table"}}
    assert {m["id"] for m in doc["managed"]} == {"managed-bucket"}
    bad = tools.sheath(["unmanaged", "-filter=Type=="], d)
    assert bad.returncode == 1 and "Invalid -filter expression" in bad.stderr

    # .driftignore: TYPE.ID, wildcards, negation
    (d / ".driftignore").write_text("# ours\naws_iam_*.*\n!aws_iam_user.oob-user\naws_sqs_queue.oob-queue\n*.oob-param\n")
    rc, doc = unmanaged(tools, d)
    expect = {t: {i} for t, i in made.items() if t not in ("aws_iam_role", "aws_iam_policy", "aws_iam_group", "aws_sqs_queue", "aws_ssm_parameter")}
    assert ids(doc) == expect
    assert doc["summary"]["total_ignored"] == 5 + 4  # the managed user, role, policy and group too
    (d / ".driftignore").unlink()

    # a second state makes its resources managed
    (d / "other.tfstate").write_text(json.dumps({
        "version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "0e7a1f2c-0000-4000-8000-000000000001", "outputs": {},
        "resources": [{"mode": "managed", "type": "aws_s3_bucket", "name": "x", "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
                       "instances": [{"schema_version": 0, "attributes": {"id": "oob-bucket", "bucket": "oob-bucket"}, "sensitive_attributes": []}]}],
        "check_results": None,
    }))
    rc, doc = unmanaged(tools, d, "-state=terraform.tfstate", "-state=other.tfstate")
    assert "aws_s3_bucket" not in ids(doc)
    assert doc["states"] == ["terraform.tfstate", "other.tfstate"]
    assert {m["state"] for m in doc["managed"] if m["type"] == "aws_s3_bucket"} == {"terraform.tfstate", "other.tfstate"}

    # a managed resource deleted out of band is missing
    sqs = client(own_moto, "sqs")
    sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName="managed-queue")["QueueUrl"])
    rc, doc = unmanaged(tools, d)
    assert [(m["type"], m["id"], m["address"]) for m in doc["missing"]] == [("aws_sqs_queue", "managed-queue", "aws_sqs_queue.q")]

    # -destroy: protected types refused unless allowed; asks; deletes what was listed
    refused = tools.sheath(["unmanaged", "-destroy", "-auto-approve", "-no-color"], d)
    assert refused.returncode == 1 and "Deletion of protected resources refused" in refused.stderr
    assert "aws_s3_bucket.oob-bucket" in refused.stderr and "aws_iam_user" not in refused.stderr
    assert "oob-bucket" in {b["Name"] for b in client(own_moto, "s3").list_buckets()["Buckets"]}
    said_no = subprocess.run([*SHEATH_CMD, "unmanaged", "-destroy", "-allow-destroy=*", "-no-color"], cwd=d, input="no\n", capture_output=True, text=True, env=tools.env)
    assert said_no.returncode == 1 and "Deletion cancelled" in said_no.stderr
    assert "sheath will delete these 22 unmanaged resource(s)" in said_no.stdout
    gone = tools.sheath(["unmanaged", "-destroy", "-auto-approve", "-allow-destroy=*", "-no-color"], d)
    assert gone.returncode == 0, gone.stdout + gone.stderr
    assert "Deleted 22 of 22 resource(s)." in gone.stdout
    rc, doc = unmanaged(tools, d)
    assert doc["unmanaged"] == [], doc["unmanaged"]
    assert doc["summary"]["total_managed"] == 17  # the managed queue is still missing
    # checked through boto3 too
    assert "oob-bucket" not in {b["Name"] for b in client(own_moto, "s3").list_buckets()["Buckets"]}
    assert "oob-user" not in {u["UserName"] for u in client(own_moto, "iam").list_users()["Users"]}
    assert not [v for v in client(own_moto, "ec2").describe_vpcs()["Vpcs"] if v["VpcId"] == made["aws_vpc"]]
    assert client(own_moto, "dynamodb").list_tables()["TableNames"] == ["managed-table"]
    assert [f["FunctionName"] for f in client(own_moto, "lambda").list_functions()["Functions"]] == []
