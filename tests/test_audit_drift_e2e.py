"""sheath drift with the real AWS provider (5.100.0) against moto.

A configuration (an S3 bucket with tags, a security group with an ingress rule, an IAM
user with a path) is applied; the tags, the rule and the path are changed out of band
through boto3; ``sheath drift`` exits 2 and names exactly those attributes (human, JSON
and Markdown); the plan JSON's ``resource_drift`` of ``plan -refresh-only`` equals
terraform's on the same state; after ``sheath apply -refresh-only`` ``drift`` exits 0.
"""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest

from test_aws_e2e import Pair, Tools, boto, e2e_env, names, ok, pair, provider_hcl, tools  # noqa: F401

pytestmark = pytest.mark.oracle


def drift_config(url: str, p: str) -> str:
    return provider_hcl(url) + f"""
resource "aws_s3_bucket" "b" {{
  bucket = "{p}-data"
  tags = {{
    env  = "test"
    team = "core"
  }}
}}

resource "aws_security_group" "web" {{
  name        = "{p}-web"
  description = "web"
  ingress {{
    description = "https"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}

resource "aws_iam_user" "u" {{
  name = "{p}-alice"
  path = "/team/"
}}
"""


def assert_same_resource_drift(tools: Tools, pair: Pair) -> None:
    """plan -refresh-only -out, then show -json, in both tools on the same state: the
    resource_drift arrays are equal."""
    shutil.copyfile(pair.sheath_dir / "terraform.tfstate", pair.tf_dir / "terraform.tfstate")
    ok(tools.sheath(["plan", "-refresh-only", "-input=false", "-no-color", "-out=rplan"], pair.sheath_dir), "sheath plan -refresh-only")
    ok(tools.tf(["plan", "-refresh-only", "-input=false", "-no-color", "-out=rplan"], pair.tf_dir), "terraform plan -refresh-only")
    s = json.loads(ok(tools.sheath(["show", "-json", "rplan"], pair.sheath_dir), "sheath show -json"))
    t = json.loads(ok(tools.tf(["show", "-json", "rplan"], pair.tf_dir), "terraform show -json"))
    assert s.get("resource_drift") == t.get("resource_drift")


def _drift(tools: Tools, pair: Pair, *extra: str) -> Any:
    return tools.sheath(["drift", "-no-color", *extra], pair.sheath_dir)


@pytest.mark.slow  # over a minute (60-120 s) against moto: run with -m slow
def test_drift_after_out_of_band_changes(pair: Pair, tools: Tools, moto_server: str, boto: Any, names: str) -> None:
    p = names
    pair.write(drift_config(moto_server, p))
    pair.init()
    ok(tools.sheath(["apply", "-input=false", "-no-color", "-auto-approve"], pair.sheath_dir), "sheath apply")

    assert_same_resource_drift(tools, pair)
    clean = _drift(tools, pair)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "No drift" in clean.stdout

    # out of band: a tag changed and one added, the rule's port changed, the user's path
    s3, ec2, iam = boto("s3"), boto("ec2"), boto("iam")
    s3.put_bucket_tagging(Bucket=f"{p}-data", Tagging={"TagSet": [{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "core"}, {"Key": "owner", "Value": "bob"}]})
    sg_id = ec2.describe_security_groups(GroupNames=[f"{p}-web"])["SecurityGroups"][0]["GroupId"]
    ec2.revoke_security_group_ingress(GroupId=sg_id, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.authorize_security_group_ingress(GroupId=sg_id, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    iam.update_user(UserName=f"{p}-alice", NewPath="/moved/")
    state_before = (pair.sheath_dir / "terraform.tfstate").read_bytes()

    human = _drift(tools, pair)
    assert human.returncode == 2, human.stdout + human.stderr
    assert "sheath apply -refresh-only" in human.stdout and "reverts" not in human.stderr
    assert "main.tf:" in human.stdout

    js = _drift(tools, pair, "-json")
    assert js.returncode == 2, js.stderr
    doc = json.loads(js.stdout)
    got = {r["address"]: sorted(a["path"] for a in r["attributes"]) for r in doc["resources"]}
    assert got == {
        "aws_s3_bucket.b": ['tags["env"]', 'tags["owner"]', 'tags_all["env"]', 'tags_all["owner"]'],
        "aws_security_group.web": ["ingress"],
        "aws_iam_user.u": ["arn", "path"],  # the path is part of the user's ARN
    }
    byaddr = {r["address"]: r for r in doc["resources"]}
    path_attr = byaddr["aws_iam_user.u"]["attributes"][1]
    assert (path_attr["before"], path_attr["after"]) == ("/team/", "/moved/")
    # what the configuration sets, apply reverts; the rest it keeps
    conf = {(r["address"], a["path"]): a["in_configuration"] for r in doc["resources"] for a in r["attributes"]}
    assert conf[("aws_iam_user.u", "path")] is True and conf[("aws_iam_user.u", "arn")] is False
    assert conf[("aws_s3_bucket.b", 'tags["env"]')] is True and conf[("aws_s3_bucket.b", 'tags_all["env"]')] is False
    assert conf[("aws_security_group.web", "ingress")] is True
    assert byaddr["aws_iam_user.u"]["source"]["filename"] == "main.tf"
    assert doc["summary"] == {"checked": 3, "drifted": 3}
    assert doc["commands"] == {"accept": "sheath apply -refresh-only", "revert": "sheath apply"}

    md = _drift(tools, pair, "-markdown")
    assert md.returncode == 2 and "| `aws_iam_user.u` |" in md.stdout

    quiet = _drift(tools, pair, "-detailed-exitcode=false")
    assert quiet.returncode == 0 and "Drift detected" in quiet.stdout
    # drift never writes the state
    assert (pair.sheath_dir / "terraform.tfstate").read_bytes() == state_before

    # the plan JSON's resource_drift is terraform's
    assert_same_resource_drift(tools, pair)

    ok(tools.sheath(["apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color"], pair.sheath_dir), "sheath apply -refresh-only")
    after = _drift(tools, pair)
    assert after.returncode == 0, after.stdout + after.stderr
    assert "No drift" in after.stdout
