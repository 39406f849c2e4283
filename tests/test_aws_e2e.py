"""The sheath CLI with the real AWS provider (5.100.0) against moto, compared with terraform.

Each test writes a configuration, runs ``sheath`` as a subprocess (``init``,
``plan -out``, ``show -json``, ``apply``, ``import``, ``destroy``) against a
moto server on 127.0.0.1, and checks every effect through boto3 against moto.
Terraform plans the same configuration against the same moto state (in its own
copy of the directory, before sheath applies), and the ``resource_changes`` of
both plans must be equal; terraform's ``plan -detailed-exitcode`` on the state
sheath wrote must report no changes.

Both tools install the provider from the filesystem mirror (``aws_mirror``)
through a CLI configuration file (``TF_CLI_CONFIG_FILE``).
"""

from __future__ import annotations

import re

import importlib.util
import json
import shutil
import subprocess
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import SHEATH_CMD, need

pytestmark = pytest.mark.oracle

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account
SERVICES = ("s3", "iam", "sts", "ec2", "rds")
# the services of configurations that go further (policies, modules): all to moto
MORE_SERVICES = (*SERVICES, "kms", "sqs", "sns", "dynamodb", "cloudtrail", "ssm")


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def e2e_env(aws_mirror: str, oracle_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of both tools: a CLI configuration installing hashicorp/aws from the
    mirror, a schema cache shared by this module's sheath runs, no AWS_* variables."""
    d = tmp_path_factory.mktemp("e2e-cli")
    rc = d / "terraformrc"
    rc.write_text(
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f"    path    = {json.dumps(aws_mirror)}\n"
        '    include = ["registry.terraform.io/hashicorp/aws"]\n'
        "  }\n"
        "}\n"
    )
    env = {k: v for k, v in oracle_env.items() if not k.startswith(("AWS_", "SHEATH_LOG"))}
    env["TF_CLI_CONFIG_FILE"] = str(rc)
    env["SHEATH_CACHE_DIR"] = str(d / "cache")
    return env


@dataclass(frozen=True)
class Tools:
    env: dict[str, str]
    terraform: str

    def sheath(self, args: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*SHEATH_CMD, *args], cwd=cwd, capture_output=True, text=True, env=self.env, timeout=timeout)

    def tf(self, args: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run([self.terraform, *args], cwd=cwd, capture_output=True, text=True, env=self.env, timeout=timeout)


@pytest.fixture(scope="module")
def tools(e2e_env: dict[str, str], terraform_bin: str) -> Tools:
    return Tools(e2e_env, terraform_bin)


@pytest.fixture(scope="module")
def boto(moto_server: str) -> Callable[[str], Any]:
    need(importlib.util.find_spec("boto3") is not None, "boto3 (pip install -e '.[test]')")
    import boto3

    def client(service: str) -> Any:
        return boto3.client(
            service, endpoint_url=moto_server, region_name=REGION, aws_access_key_id="test", aws_secret_access_key="test"
        )

    return client


@pytest.fixture
def names() -> str:
    """A prefix unique to one test: the moto server is shared by the whole session."""
    return "e2e" + uuid.uuid4().hex[:8]


# --- helpers -----------------------------------------------------------------------------


def provider_hcl(url: str, services: Sequence[str] = SERVICES) -> str:
    """The AWS provider pointed at the moto server at url for services (every service a
    configuration uses must be listed: the others would go to AWS itself)."""
    endpoints = "\n".join(f"    {s} = {json.dumps(url)}" for s in services)
    return f"""terraform {{
  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "5.100.0"
    }}
  }}
}}

provider "aws" {{
  region                      = "{REGION}"
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


def ok(p: subprocess.CompletedProcess[str], what: str) -> str:
    # stderr first (a provider's crash report is there), then the end of stdout
    tail = "\n".join(p.stdout.splitlines()[-40:])
    assert p.returncode == 0, f"{what} exited {p.returncode}\n--- stderr\n{p.stderr}\n--- stdout (last 40 lines)\n{tail}"
    return p.stdout


@dataclass
class Pair:
    """One configuration in two directories: sheath's and terraform's."""

    tools: Tools
    sheath_dir: Path
    tf_dir: Path

    def write(self, main_tf: str) -> None:
        for d in (self.sheath_dir, self.tf_dir):
            (d / "main.tf").write_text(main_tf)

    def init(self) -> None:
        ok(self.tools.sheath(["init", "-input=false", "-no-color"], self.sheath_dir), "sheath init")
        ok(self.tools.tf(["init", "-input=false", "-no-color"], self.tf_dir), "terraform init")
        # the same provider package gives the same lock file
        assert (self.sheath_dir / ".terraform.lock.hcl").read_text() == (self.tf_dir / ".terraform.lock.hcl").read_text()

    def plan_both(self, extra: Sequence[str] = ()) -> tuple[dict[str, Any], dict[str, Any], str]:
        """Plan in both directories (terraform on a copy of sheath's state) before either
        applies; returns both plans' JSON and sheath's plan output."""
        state = self.sheath_dir / "terraform.tfstate"
        if state.exists():
            shutil.copyfile(state, self.tf_dir / "terraform.tfstate")
        sp = ok(self.tools.sheath(["plan", "-input=false", "-no-color", "-out=tfplan", *extra], self.sheath_dir), "sheath plan")
        ok(self.tools.tf(["plan", "-input=false", "-no-color", "-out=tfplan", *extra], self.tf_dir), "terraform plan")
        s = json.loads(ok(self.tools.sheath(["show", "-json", "tfplan"], self.sheath_dir), "sheath show -json"))
        t = json.loads(ok(self.tools.tf(["show", "-json", "tfplan"], self.tf_dir), "terraform show -json"))
        return s, t, sp

    def apply(self) -> str:
        return ok(self.tools.sheath(["apply", "-input=false", "-no-color", "tfplan"], self.sheath_dir), "sheath apply")

    def terraform_sees_no_changes(self, extra: Sequence[str] = ()) -> None:
        shutil.copyfile(self.sheath_dir / "terraform.tfstate", self.tf_dir / "terraform.tfstate")
        p = self.tools.tf(["plan", "-input=false", "-no-color", "-detailed-exitcode", *extra], self.tf_dir)
        assert p.returncode == 0, f"terraform plan on sheath's state: exit {p.returncode}\n{p.stdout}\n{p.stderr}"


@pytest.fixture
def pair(tools: Tools, tmp_path: Path) -> Pair:
    s, t = tmp_path / "sheath", tmp_path / "terraform"
    s.mkdir()
    t.mkdir()
    return Pair(tools, s, t)


# attributes moto derives from the clock at each read: the two tools refresh at different times
VOLATILE = frozenset({"latest_restorable_time"})


def _stable(v: Any) -> Any:
    return {k: x for k, x in v.items() if k not in VOLATILE} if isinstance(v, dict) else v


def changes(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """resource_changes by address: actions, known after values and which are unknown,
    sensitivity, the reason for a replacement and import details."""
    out: dict[str, dict[str, Any]] = {}
    for rc in plan.get("resource_changes", []):
        c = rc["change"]
        out[rc["address"]] = {
            "mode": rc["mode"],
            "actions": c["actions"],
            "before": _stable(c.get("before")),
            "after": _stable(c.get("after")),
            "after_unknown": c.get("after_unknown"),
            "after_sensitive": c.get("after_sensitive"),
            "replace_paths": sorted(json.dumps(p) for p in c.get("replace_paths", [])),
            "importing": c.get("importing"),
            "action_reason": rc.get("action_reason"),
        }
    return out


def assert_same_changes(sheath_plan: dict[str, Any], tf_plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    s, t = changes(sheath_plan), changes(tf_plan)
    assert sorted(s) == sorted(t)
    for addr in t:
        for key in t[addr]:
            assert s[addr][key] == t[addr][key], f"{addr}: {key} differs\nsheath:    {s[addr][key]!r}\nterraform: {t[addr][key]!r}"
    return s


PLAN_PROGRESS = re.compile(r"^\S+: (Refreshing state|Reading|Read complete)")


def plan_body(text: str) -> list[str]:
    """A human plan without progress lines (their order depends on scheduling) and without
    sheath's policy report (its own addition after the plan: advisory findings of the
    built-in AWS rules, which terraform has no counterpart of)."""
    out: list[str] = []
    in_report = False
    for line in text.splitlines():
        if line.startswith("Policy check: "):
            in_report = True
            if out and out[-1] == "":
                out.pop()
            continue
        if in_report and line.startswith("  "):
            continue
        in_report = False
        if not PLAN_PROGRESS.match(line):
            out.append(line)
    return out


def actions(plan: dict[str, Any]) -> dict[str, list[str]]:
    return {a: c["actions"] for a, c in changes(plan).items()}


def state_attrs(state_file: Path, address: str) -> dict[str, Any]:
    """Attributes of one resource instance in a state file (address without module path)."""
    state = json.loads(state_file.read_text())
    for r in state["resources"]:
        base = f"{r['type']}.{r['name']}" if r["mode"] == "managed" else f"data.{r['type']}.{r['name']}"
        for inst in r["instances"]:
            key = inst.get("index_key")
            addr = base if key is None else f"{base}[{json.dumps(key)}]"
            if addr == address:
                attrs: dict[str, Any] = inst["attributes"]
                return attrs
    raise AssertionError(f"{address} not in {state_file}")


def bucket_names(s3: Any, prefix: str) -> set[str]:
    return {b["Name"] for b in s3.list_buckets()["Buckets"] if b["Name"].startswith(prefix)}


def bucket_tags(s3: Any, name: str) -> dict[str, str]:
    try:
        tags = s3.get_bucket_tagging(Bucket=name)["TagSet"]
    except s3.exceptions.ClientError:
        return {}
    return {t["Key"]: t["Value"] for t in tags}


def iam_user_names(iam: Any, prefix: str) -> set[str]:
    return {u["UserName"] for u in iam.list_users()["Users"] if u["UserName"].startswith(prefix)}


# --- the configurations ------------------------------------------------------------------


def lifecycle_config(url: str, p: str, bucket_suffixes: list[str], env_tag: str) -> str:
    """Buckets with count, users with for_each, a policy from a policy document attached to
    every user, a security group with inline ingress rules, a second group with a separate
    ingress rule resource, the caller identity, and an access key whose secret is sensitive."""
    buckets = json.dumps([f"{p}-{s}" for s in bucket_suffixes])
    return provider_hcl(url) + f"""
variable "bucket_names" {{
  default = {buckets}
}}

variable "users" {{
  default = ["alice", "bob"]
}}

data "aws_caller_identity" "me" {{}}

resource "aws_s3_bucket" "b" {{
  count  = length(var.bucket_names)
  bucket = var.bucket_names[count.index]
  tags = {{
    env   = "{env_tag}"
    index = tostring(count.index)
  }}
}}

resource "aws_iam_user" "u" {{
  for_each = toset(var.users)
  name     = "{p}-${{each.key}}"
  tags = {{
    team = each.key
  }}
}}

data "aws_iam_policy_document" "read" {{
  statement {{
    sid       = "Read"
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = flatten([for b in aws_s3_bucket.b : [b.arn, "${{b.arn}}/*"]])
  }}
}}

resource "aws_iam_policy" "read" {{
  name        = "{p}-read"
  description = "read the buckets of account ${{data.aws_caller_identity.me.account_id}}"
  policy      = data.aws_iam_policy_document.read.json
}}

resource "aws_iam_user_policy_attachment" "read" {{
  for_each   = aws_iam_user.u
  user       = each.value.name
  policy_arn = aws_iam_policy.read.arn
}}

resource "aws_security_group" "web" {{
  name        = "{p}-web"
  description = "web"
  ingress = [
    for port in [443, 22] : {{
      description      = "port ${{port}}"
      from_port        = port
      to_port          = port
      protocol         = "tcp"
      cidr_blocks      = [port == 22 ? "10.1.0.0/16" : "0.0.0.0/0"]
      ipv6_cidr_blocks = []
      prefix_list_ids  = []
      security_groups  = []
      self             = false
    }}
  ]
}}

resource "aws_security_group" "app" {{
  name        = "{p}-app"
  description = "app"
}}

resource "aws_vpc_security_group_ingress_rule" "app" {{
  security_group_id = aws_security_group.app.id
  cidr_ipv4         = "10.2.0.0/16"
  from_port         = 8080
  to_port           = 8080
  ip_protocol       = "tcp"
}}

resource "aws_iam_access_key" "k" {{
  user = aws_iam_user.u["alice"].name
}}

output "account" {{
  value = data.aws_caller_identity.me.account_id
}}

output "secret" {{
  value     = aws_iam_access_key.k.secret
  sensitive = true
}}
"""


# --- tests -------------------------------------------------------------------------------


@pytest.mark.slow  # over a minute (60-120 s) against moto: run with -m slow
def test_lifecycle_create_update_replace_destroy(pair: Pair, tools: Tools, moto_server: str, boto: Any, names: str) -> None:
    p = names
    s3, iam, ec2 = boto("s3"), boto("iam"), boto("ec2")

    # 1. create: both tools plan the same changes; sheath applies
    pair.write(lifecycle_config(moto_server, p, ["logs", "data"], "test"))
    pair.init()
    splan, tplan, _ = pair.plan_both()
    got = assert_same_changes(splan, tplan)
    assert {a: c["actions"] for a, c in got.items() if c["mode"] == "managed"} == {
        'aws_s3_bucket.b[0]': ["create"],
        'aws_s3_bucket.b[1]': ["create"],
        'aws_iam_user.u["alice"]': ["create"],
        'aws_iam_user.u["bob"]': ["create"],
        "aws_iam_policy.read": ["create"],
        'aws_iam_user_policy_attachment.read["alice"]': ["create"],
        'aws_iam_user_policy_attachment.read["bob"]': ["create"],
        "aws_security_group.web": ["create"],
        "aws_security_group.app": ["create"],
        "aws_vpc_security_group_ingress_rule.app": ["create"],
        "aws_iam_access_key.k": ["create"],
    }
    assert got["aws_s3_bucket.b[0]"]["after"]["bucket"] == f"{p}-logs"
    outputs: list[str] = [pair.apply()]

    assert bucket_names(s3, p) == {f"{p}-logs", f"{p}-data"}
    assert bucket_tags(s3, f"{p}-logs") == {"env": "test", "index": "0"}
    assert iam_user_names(iam, p) == {f"{p}-alice", f"{p}-bob"}
    policy_arn = f"arn:aws:iam::{ACCOUNT}:policy/{p}-read"
    version = iam.get_policy(PolicyArn=policy_arn)["Policy"]["DefaultVersionId"]
    doc = iam.get_policy_version(PolicyArn=policy_arn, VersionId=version)["PolicyVersion"]["Document"]
    if isinstance(doc, str):
        doc = json.loads(doc)
    assert sorted(doc["Statement"][0]["Resource"]) == sorted(
        [f"arn:aws:s3:::{p}-{n}{s}" for n in ("logs", "data") for s in ("", "/*")]
    )
    for user in ("alice", "bob"):
        attached = iam.list_attached_user_policies(UserName=f"{p}-{user}")["AttachedPolicies"]
        assert [a["PolicyArn"] for a in attached] == [policy_arn]
    groups = {g["GroupName"]: g for g in ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [f"{p}-web", f"{p}-app"]}])["SecurityGroups"]}
    assert sorted(groups) == [f"{p}-app", f"{p}-web"]
    web = sorted((r["FromPort"], r["IpProtocol"], [c["CidrIp"] for c in r["IpRanges"]]) for r in groups[f"{p}-web"]["IpPermissions"])
    assert web == [(22, "tcp", ["10.1.0.0/16"]), (443, "tcp", ["0.0.0.0/0"])]
    app = [(r["FromPort"], [c["CidrIp"] for c in r["IpRanges"]]) for r in groups[f"{p}-app"]["IpPermissions"]]
    assert app == [(8080, ["10.2.0.0/16"])]
    keys = iam.list_access_keys(UserName=f"{p}-alice")["AccessKeyMetadata"]
    secret = state_attrs(pair.sheath_dir / "terraform.tfstate", "aws_iam_access_key.k")["secret"]
    assert [k["AccessKeyId"] for k in keys] == [state_attrs(pair.sheath_dir / "terraform.tfstate", "aws_iam_access_key.k")["id"]]
    assert secret

    out = ok(tools.sheath(["output", "-no-color"], pair.sheath_dir), "sheath output")
    assert f'account = "{ACCOUNT}"' in out and "secret = <sensitive>" in out
    outputs += [out, ok(tools.sheath(["show", "-no-color"], pair.sheath_dir), "sheath show")]
    pair.terraform_sees_no_changes()

    # 2. tags changed in place, bucket 1 renamed (replaced); again both tools plan the same
    pair.write(lifecycle_config(moto_server, p, ["logs", "archive"], "prod"))
    splan, tplan, text = pair.plan_both()
    outputs.append(text)
    got = assert_same_changes(splan, tplan)
    managed = {a: c["actions"] for a, c in got.items() if c["mode"] == "managed" and c["actions"] != ["no-op"]}
    assert managed == {
        "aws_s3_bucket.b[0]": ["update"],
        "aws_s3_bucket.b[1]": ["delete", "create"],
        "aws_iam_policy.read": ["update"],
    }
    assert got["aws_s3_bucket.b[1]"]["replace_paths"] == [json.dumps(["bucket"])]
    outputs.append(pair.apply())
    assert bucket_names(s3, p) == {f"{p}-logs", f"{p}-archive"}
    assert bucket_tags(s3, f"{p}-logs") == {"env": "prod", "index": "0"}
    assert bucket_tags(s3, f"{p}-archive") == {"env": "prod", "index": "1"}
    version = iam.get_policy(PolicyArn=policy_arn)["Policy"]["DefaultVersionId"]
    doc = iam.get_policy_version(PolicyArn=policy_arn, VersionId=version)["PolicyVersion"]["Document"]
    if isinstance(doc, str):
        doc = json.loads(doc)
    assert f"arn:aws:s3:::{p}-archive" in doc["Statement"][0]["Resource"]
    pair.terraform_sees_no_changes()

    # 3. destroy: everything is gone from moto
    outputs.append(ok(tools.sheath(["destroy", "-auto-approve", "-input=false", "-no-color"], pair.sheath_dir), "sheath destroy"))
    assert bucket_names(s3, p) == set()
    assert iam_user_names(iam, p) == set()
    assert not [x for x in iam.list_policies(Scope="Local")["Policies"] if x["PolicyName"].startswith(p)]
    assert not ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [f"{p}-web", f"{p}-app"]}])["SecurityGroups"]

    # the sensitive secret was never printed
    for text in outputs:
        assert secret not in text


@pytest.mark.slow  # over a minute (60-120 s) against moto: run with -m slow
def test_import_command_and_import_block(pair: Pair, tools: Tools, moto_server: str, boto: Any, names: str) -> None:
    p = names
    s3 = boto("s3")
    for name in (f"{p}-cmd", f"{p}-blk"):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "origin", "Value": "boto3"}]})
    base = provider_hcl(moto_server) + f"""
resource "aws_s3_bucket" "cmd" {{
  bucket = "{p}-cmd"
  tags = {{
    origin = "boto3"
  }}
}}
"""
    pair.write(base)
    pair.init()

    # `import ADDR ID`: the bucket's attributes come from moto
    out = ok(tools.sheath(["import", "-input=false", "-no-color", "aws_s3_bucket.cmd", f"{p}-cmd"], pair.sheath_dir), "sheath import")
    assert "Import successful!" in out
    attrs = state_attrs(pair.sheath_dir / "terraform.tfstate", "aws_s3_bucket.cmd")
    assert attrs["bucket"] == f"{p}-cmd" and attrs["arn"] == f"arn:aws:s3:::{p}-cmd" and attrs["tags"] == {"origin": "boto3"}

    # an import block: both tools plan the same import; terraform on the imported state too
    pair.write(
        base
        + f"""
import {{
  to = aws_s3_bucket.blk
  id = "{p}-blk"
}}

resource "aws_s3_bucket" "blk" {{
  bucket = "{p}-blk"
  tags = {{
    origin = "boto3"
    owner  = "sheath"
  }}
}}
"""
    )
    splan, tplan, _ = pair.plan_both()
    got = assert_same_changes(splan, tplan)
    assert got["aws_s3_bucket.blk"]["actions"] == ["update"]
    assert got["aws_s3_bucket.blk"]["importing"] == {"id": f"{p}-blk"}
    assert got["aws_s3_bucket.cmd"]["actions"] == ["no-op"]
    pair.apply()
    assert bucket_tags(s3, f"{p}-blk") == {"origin": "boto3", "owner": "sheath"}
    assert state_attrs(pair.sheath_dir / "terraform.tfstate", "aws_s3_bucket.blk")["arn"] == f"arn:aws:s3:::{p}-blk"
    pair.terraform_sees_no_changes()

    ok(tools.sheath(["destroy", "-auto-approve", "-input=false", "-no-color"], pair.sheath_dir), "sheath destroy")
    assert bucket_names(s3, p) == set()


@pytest.mark.slow  # 40-60 s against moto (CI time): run with -m slow
def test_data_source_of_a_bucket_made_outside(pair: Pair, tools: Tools, moto_server: str, boto: Any, names: str) -> None:
    p = names
    s3 = boto("s3")
    s3.create_bucket(Bucket=f"{p}-ext")
    pair.write(
        provider_hcl(moto_server)
        + f"""
data "aws_s3_bucket" "ext" {{
  bucket = "{p}-ext"
}}

resource "aws_s3_bucket" "copy" {{
  bucket = "${{data.aws_s3_bucket.ext.id}}-copy"
  tags = {{
    source = data.aws_s3_bucket.ext.arn
  }}
}}

output "source_arn" {{
  value = data.aws_s3_bucket.ext.arn
}}
"""
    )
    pair.init()
    splan, tplan, _ = pair.plan_both()
    got = assert_same_changes(splan, tplan)
    assert got["aws_s3_bucket.copy"]["after"]["tags"] == {"source": f"arn:aws:s3:::{p}-ext"}
    assert splan["output_changes"]["source_arn"]["after"] == f"arn:aws:s3:::{p}-ext"
    pair.apply()
    assert bucket_tags(s3, f"{p}-ext-copy") == {"source": f"arn:aws:s3:::{p}-ext"}
    pair.terraform_sees_no_changes()
    ok(tools.sheath(["destroy", "-auto-approve", "-input=false", "-no-color"], pair.sheath_dir), "sheath destroy")
    assert bucket_names(s3, p) == {f"{p}-ext"}


@pytest.mark.slow  # 40-60 s against moto (CI time): run with -m slow
def test_ingress_blocks_for_a_list_of_objects_attribute(pair: Pair, tools: Tools, moto_server: str, boto: Any, names: str) -> None:
    """`ingress { ... }` blocks for the legacy SDK's `ingress` attribute (a set of objects),
    written directly and generated by a `dynamic` block, as terraform accepts them:
    the same plan as terraform's, and the rules really made (checked through EC2)."""
    pair.write(
        provider_hcl(moto_server)
        + f"""
locals {{
  ports = [80, 8080]
}}

resource "aws_security_group" "web" {{
  name        = "{names}-web"
  description = "web"
  ingress {{
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }}
  dynamic "ingress" {{
    for_each = local.ports
    iterator = port
    content {{
      from_port   = port.value
      to_port     = port.value
      protocol    = "tcp"
      cidr_blocks = ["10.${{port.key}}.0.0/16"]
    }}
  }}
}}
"""
    )
    pair.init()
    ok(tools.sheath(["validate", "-no-color"], pair.sheath_dir), "sheath validate")
    splan, tplan, _ = pair.plan_both()
    got = assert_same_changes(splan, tplan)
    ingress = got["aws_security_group.web"]["after"]["ingress"]
    assert sorted(r["from_port"] for r in ingress) == [80, 443, 8080]
    pair.apply()
    ec2 = boto("ec2")
    groups = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [f"{names}-web"]}])["SecurityGroups"]
    assert len(groups) == 1
    rules = {(p["FromPort"], tuple(r["CidrIp"] for r in p["IpRanges"])) for p in groups[0]["IpPermissions"]}
    assert rules == {(443, ("0.0.0.0/0",)), (80, ("10.0.0.0/16",)), (8080, ("10.1.0.0/16",))}
    pair.terraform_sees_no_changes()
    ok(tools.sheath(["destroy", "-auto-approve", "-input=false", "-no-color"], pair.sheath_dir), "sheath destroy")


@pytest.mark.slow  # over a minute (60-120 s) against moto: run with -m slow
def test_ephemeral_secret_configures_a_provider(pair: Pair, tools: Tools, moto_server: str, boto: Any, names: str) -> None:
    """An ephemeral resource (a Secrets Manager secret made beforehand with boto3) opened for
    the run, its value given to an aliased provider's configuration and never stored: the
    same progress lines and plan as terraform's, the bucket made through that provider."""
    sm = boto("secretsmanager")
    sm.create_secret(Name=f"{names}-creds", SecretString="test")
    base = provider_hcl(moto_server).replace(
        "  endpoints {\n", f"  endpoints {{\n    secretsmanager = {json.dumps(moto_server)}\n", 1
    )
    pair.write(
        base
        + f"""
ephemeral "aws_secretsmanager_secret_version" "creds" {{
  secret_id = "{names}-creds"
}}

provider "aws" {{
  alias                       = "fromsecret"
  region                      = "{REGION}"
  access_key                  = "test"
  secret_key                  = ephemeral.aws_secretsmanager_secret_version.creds.secret_string
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true
  endpoints {{
    s3 = {json.dumps(moto_server)}
  }}
}}

resource "aws_s3_bucket" "b" {{
  provider = aws.fromsecret
  bucket   = "{names}-eph"
}}
"""
    )
    pair.init()
    splan, tplan, sout = pair.plan_both()
    assert_same_changes(splan, tplan)
    opening = "ephemeral.aws_secretsmanager_secret_version.creds: Opening..."
    closing = "ephemeral.aws_secretsmanager_secret_version.creds: Closing complete after"
    assert opening in sout and closing in sout
    out = pair.apply()
    assert opening in out and closing in out
    assert bucket_names(s3 := boto("s3"), names) == {f"{names}-eph"}
    state = (pair.sheath_dir / "terraform.tfstate").read_text()
    assert "ephemeral" not in state and "secretsmanager" not in state
    pair.terraform_sees_no_changes()
    ok(tools.sheath(["destroy", "-auto-approve", "-input=false", "-no-color"], pair.sheath_dir), "sheath destroy")
    assert bucket_names(s3, names) == set()


# --- opt-in: a database ------------------------------------------------------------------

DB_CONFIG = """
variable "db_password" {
  type      = string
  sensitive = true
}

variable "engine_version" {
  type = string
}

resource "aws_db_instance" "db" {
  identifier          = "%s"
  engine              = "postgres"
  engine_version      = var.engine_version
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  username            = "app"
  password            = var.db_password
  skip_final_snapshot = true
  apply_immediately   = true
}
"""


@pytest.mark.slow
def test_db_instance_postgres_upgrade(pair: Pair, tools: Tools, moto_server: str, boto: Any, names: str) -> None:
    rds = boto("rds")
    ident = f"{names}-db"
    password = "pw-" + uuid.uuid4().hex
    pair.write(provider_hcl(moto_server) + DB_CONFIG % ident)
    pair.init()

    def db() -> dict[str, Any]:
        found: list[dict[str, Any]] = rds.describe_db_instances(DBInstanceIdentifier=ident)["DBInstances"]
        assert len(found) == 1
        return found[0]

    printed: list[str] = []
    for version, action in (("15.4", ["create"]), ("16.2", ["update"])):
        args = [f"-var=db_password={password}", f"-var=engine_version={version}"]
        splan, tplan, text = pair.plan_both(args)
        printed.append(text)
        got = assert_same_changes(splan, tplan)
        assert got["aws_db_instance.db"]["actions"] == action
        assert got["aws_db_instance.db"]["after_sensitive"]["password"] is True
        printed.append(pair.apply())
        d = db()
        assert (d["Engine"], d["EngineVersion"], d["DBInstanceClass"], d["AllocatedStorage"]) == ("postgres", version, "db.t3.micro", 20)
        pair.terraform_sees_no_changes(args)

    args = [f"-var=db_password={password}", "-var=engine_version=16.2"]
    printed.append(ok(tools.sheath(["destroy", "-auto-approve", "-input=false", "-no-color", *args], pair.sheath_dir), "sheath destroy"))
    assert not [i for i in rds.describe_db_instances()["DBInstances"] if i["DBInstanceIdentifier"] == ident]
    for text in printed:
        assert password not in text
