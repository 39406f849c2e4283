"""``sheath unmanaged`` over N resources in moto (default 2,000): how long the audit takes.

    .venv/bin/python benchmarks/unmanaged.py [--resources N] [--repeat K] [--managed-share F]

A fresh moto server is started on 127.0.0.1; N resources are created through boto3,
spread evenly over ten types (S3 buckets, IAM users, IAM policies, SQS queues, SNS
topics, SSM parameters, CloudWatch log groups, DynamoDB tables, security groups,
Secrets Manager secrets). A state file listing a share of them (--managed-share,
default 0.5) is written by hand, as sheath or terraform would have written it, with
a configuration whose provider block points every endpoint at the moto server. Then
``sheath unmanaged -json`` runs K times (a subprocess each, the whole command timed:
start-up, loading the configuration, reading the state, listing through boto3 and the
comparison); the median, min and max are printed with the counts the report gave.
No tool to compare with runs offline here (driftctl is archived and not installed).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

REGION = "us-east-1"
SERVICES = ("s3", "iam", "sts", "ec2", "rds", "dynamodb", "sqs", "sns", "kms", "lambda", "logs", "secretsmanager", "ssm")
TYPES = (
    "aws_s3_bucket",
    "aws_iam_user",
    "aws_iam_policy",
    "aws_sqs_queue",
    "aws_sns_topic",
    "aws_ssm_parameter",
    "aws_cloudwatch_log_group",
    "aws_dynamodb_table",
    "aws_security_group",
    "aws_secretsmanager_secret",
)


def start_moto() -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1).close()
            return proc, url
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise SystemExit("moto server did not start")
            time.sleep(0.1)


_CLIENTS: dict[tuple[str, str], Any] = {}


def create(url: str, typ: str, i: int) -> tuple[str, dict[str, Any]]:
    """Create one resource; its id attribute and state attributes."""
    import boto3

    def c(service: str) -> Any:
        key = (url, service)
        if key not in _CLIENTS:
            _CLIENTS[key] = boto3.client(service, endpoint_url=url, region_name=REGION, aws_access_key_id="test", aws_secret_access_key="test")
        return _CLIENTS[key]

    name = f"bench-{i:05d}"
    if typ == "aws_s3_bucket":
        c("s3").create_bucket(Bucket=name)
        return name, {"id": name, "bucket": name}
    if typ == "aws_iam_user":
        c("iam").create_user(UserName=name)
        return name, {"id": name, "name": name}
    if typ == "aws_iam_policy":
        arn = c("iam").create_policy(PolicyName=name, PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}')["Policy"]["Arn"]
        return arn, {"id": arn, "arn": arn}
    if typ == "aws_sqs_queue":
        u = c("sqs").create_queue(QueueName=name)["QueueUrl"]
        return name, {"id": u, "name": name}
    if typ == "aws_sns_topic":
        arn = c("sns").create_topic(Name=name)["TopicArn"]
        return arn, {"id": arn, "arn": arn}
    if typ == "aws_ssm_parameter":
        c("ssm").put_parameter(Name=name, Value="v", Type="String")
        return name, {"id": name, "name": name}
    if typ == "aws_cloudwatch_log_group":
        c("logs").create_log_group(logGroupName=name)
        return name, {"id": name, "name": name}
    if typ == "aws_dynamodb_table":
        c("dynamodb").create_table(TableName=name, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
        return name, {"id": name, "name": name}
    if typ == "aws_security_group":
        gid = c("ec2").create_security_group(GroupName=name, Description="bench")["GroupId"]
        return gid, {"id": gid, "name": name}
    if typ == "aws_secretsmanager_secret":
        arn = c("secretsmanager").create_secret(Name=name, SecretString="s")["ARN"]
        return arn, {"id": arn, "arn": arn}
    raise ValueError(typ)


def provider_block(url: str) -> str:
    endpoints = "\n".join(f"    {s} = {json.dumps(url)}" for s in SERVICES)
    return f"""provider "aws" {{
  region                      = "{REGION}"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  s3_use_path_style           = true
  endpoints {{
{endpoints}
  }}
}}
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--resources", "-n", type=int, default=2000)
    ap.add_argument("--repeat", "-k", type=int, default=3)
    ap.add_argument("--managed-share", type=float, default=0.5)
    a = ap.parse_args()
    proc, url = start_moto()
    try:
        t0 = time.monotonic()
        resources: list[dict[str, Any]] = []
        for i in range(a.resources):
            typ = TYPES[i % len(TYPES)]
            _id, attrs = create(url, typ, i)
            if i < a.resources * a.managed_share:
                resources.append({"mode": "managed", "type": typ, "name": f"r{i}", "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
                                  "instances": [{"schema_version": 0, "attributes": attrs, "sensitive_attributes": []}]})
        setup = time.monotonic() - t0
        with tempfile.TemporaryDirectory() as d:
            Path(d, "main.tf").write_text(provider_block(url))
            Path(d, "terraform.tfstate").write_text(json.dumps({"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "bench", "outputs": {}, "resources": resources, "check_results": None}))
            env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
            times: list[float] = []
            summary: dict[str, Any] = {}
            for _ in range(a.repeat):
                s = time.monotonic()
                p = subprocess.run([sys.executable, "-m", "sheath", "unmanaged", "-json"], cwd=d, env=env, capture_output=True, text=True)
                times.append(time.monotonic() - s)
                if p.returncode not in (0, 2):
                    raise SystemExit(f"sheath unmanaged exited {p.returncode}:\n{p.stdout}\n{p.stderr}")
                summary = json.loads(p.stdout)["summary"]
        load = os.getloadavg()[0]
        print(f"resources created: {a.resources} in {setup:.1f} s; state lists {len(resources)}")
        print(f"report summary: {summary}")
        print(f"sheath unmanaged -json: median {statistics.median(times):.2f} s, min {min(times):.2f} s, max {max(times):.2f} s over {a.repeat} runs (load average {load:.1f})")
    finally:
        proc.kill()
        proc.wait()


if __name__ == "__main__":
    main()
