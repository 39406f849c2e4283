"""``plan -generate-config-out``, compared with terraform (the oracle) on the real AWS
provider (5.100.0) against moto.

Objects made with boto3 (an S3 bucket with tags, an IAM user with a path and tags)
are named by import blocks with no resource blocks; both tools plan with
``-generate-config-out`` in their own directory, and the generated files, the plan
output (human and ``-json``) and, after both apply, the states must agree. The
error and no-op cases (the file exists, a destroy plan, an import target that has
configuration, no import blocks) are compared the same way.

One ``init`` per tool: the cases share the two directories, each writing its own
``cases.tf``. The two differential tests take minutes (provider starts, moto), so
they are marked slow; the generation rules are also checked without a provider.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sheath.genconfig import ProviderRef, resource_contents, wrap_resource_contents, write_generated_config
from sheath.genconfig.generate import hcl_format, parse_json
from sheath.genconfig.write import GeneratedChange, next_step_note
from sheath.lang.hclwrite import format_source
from sheath.providers.schema import Attribute, Block, NestedBlock, Nesting
from sheath.types import BOOL, NUMBER, STRING, ListType, MapType, list_val, map_val, null, number_val, object_val, string_val
from sheath.types.cty import TRUE
from conftest import SHEATH_CMD
from test_aws_e2e import Pair, Tools, boto, e2e_env, names, ok, provider_hcl, state_attrs, tools  # noqa: F401

GENERATED = "generated.tf"


@dataclass
class Both:
    """The outputs of one command in both tools."""

    sheath: subprocess.CompletedProcess[str]
    terraform: subprocess.CompletedProcess[str]

    def same_exit(self) -> int:
        assert self.sheath.returncode == self.terraform.returncode, self.describe()
        return self.terraform.returncode

    def describe(self) -> str:
        return (
            f"sheath exit {self.sheath.returncode}\n--- stdout\n{self.sheath.stdout}\n--- stderr\n{self.sheath.stderr}\n"
            f"terraform exit {self.terraform.returncode}\n--- stdout\n{self.terraform.stdout}\n--- stderr\n{self.terraform.stderr}"
        )


@pytest.fixture(scope="module")
def dirs(tools: Tools, moto_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    """Both tools' directories, initialised once with the provider configuration."""
    root = tmp_path_factory.mktemp("genconfig")
    pair = Pair(tools, root / "sheath", root / "terraform")
    pair.sheath_dir.mkdir()
    pair.tf_dir.mkdir()
    pair.write(provider_hcl(moto_server))
    pair.init()
    yield pair


def run_both(pair: Pair, args: list[str], automation: bool = True) -> Both:
    """Run in both directories; automation=False shows the notes after a plan (no TF_IN_AUTOMATION)."""
    tools = pair.tools
    if not automation:
        tools = Tools({k: v for k, v in tools.env.items() if k != "TF_IN_AUTOMATION"}, tools.terraform)
    # sheath's policy report (advisory findings after an AWS plan) has no terraform counterpart
    sheath_args = [*args, "-policies=false"] if args[0] in ("plan", "apply") else args
    return Both(tools.sheath(sheath_args, pair.sheath_dir), tools.tf(args, pair.tf_dir))


_PROGRESS_RE = re.compile(r"^\S+: (Preparing import|Refreshing state|Reading|Read complete)")


def progress_apart(out: str) -> tuple[list[str], list[str]]:
    """The progress lines (sorted: their order depends on scheduling) and the rest."""
    lines = out.splitlines()
    return sorted(x for x in lines if _PROGRESS_RE.match(x)), [x for x in lines if not _PROGRESS_RE.match(x)]


def set_cases(pair: Pair, hcl: str) -> None:
    """The case's configuration, a fresh state and no generated file in both directories."""
    for d in (pair.sheath_dir, pair.tf_dir):
        (d / "cases.tf").write_text(hcl)
        for name in (GENERATED, "terraform.tfstate", "terraform.tfstate.backup"):
            (d / name).unlink(missing_ok=True)


PLAN = ["plan", "-input=false", "-no-color", f"-generate-config-out={GENERATED}"]

_HEADER_RE = re.compile(r"\n(?=# __generated__ by Terraform from )")


def generated_blocks(text: str) -> tuple[str, list[str]]:
    """The file's header and its blocks (each with its comment line), in order."""
    head, *blocks = _HEADER_RE.split(text)
    return head, blocks


# messages in the order the walk reaches them (terraform's planned changes too: they follow its
# plan's changes, in the order they were planned)
_HOOKS = ("refresh_start", "refresh_complete", "apply_start", "apply_complete", "planned_change")


def without_timestamps(out: str) -> tuple[list[str], list[dict[str, Any]]]:
    """The JSON view's messages without timestamps: the hooks' and planned changes'
    sorted (their order depends on scheduling), then the others in order."""
    msgs = [json.loads(line) for line in out.splitlines() if line.strip()]
    for m in msgs:
        m.pop("@timestamp", None)
    hooks = sorted(json.dumps(m, sort_keys=True) for m in msgs if m.get("type") in _HOOKS)
    return hooks, [m for m in msgs if m.get("type") not in _HOOKS]


@pytest.mark.oracle
@pytest.mark.slow
def test_errors_and_cases_without_generation(dirs: Pair, moto_server: str, boto: Callable[[str], Any], names: str) -> None:
    pair = dirs
    p = names
    boto("s3").create_bucket(Bucket=f"{p}-configured")

    # the target file exists: nothing is planned
    set_cases(pair, "")
    for d in (pair.sheath_dir, pair.tf_dir):
        (d / "taken.txt").write_text("keep me\n")
    both = run_both(pair, ["plan", "-input=false", "-no-color", "-generate-config-out=taken.txt"])
    assert both.same_exit() == 1
    assert both.sheath.stderr == both.terraform.stderr, both.describe()
    assert "Target generated file already exists" in both.terraform.stderr
    assert both.sheath.stdout == both.terraform.stdout
    assert (pair.sheath_dir / "taken.txt").read_text() == "keep me\n"
    both = run_both(pair, ["plan", "-input=false", "-json", "-generate-config-out=taken.txt"])
    assert both.same_exit() == 1
    assert without_timestamps(both.sheath.stdout) == without_timestamps(both.terraform.stdout), both.describe()

    # a destroy plan cannot generate configuration
    both = run_both(pair, ["plan", "-destroy", "-input=false", "-no-color", f"-generate-config-out={GENERATED}"])
    assert both.same_exit() == 1
    assert both.sheath.stderr == both.terraform.stderr, both.describe()
    assert "Invalid generate-config-out flag" in both.terraform.stderr

    # no import blocks: an ordinary plan, no file
    both = run_both(pair, PLAN)
    assert both.same_exit() == 0
    assert both.sheath.stdout == both.terraform.stdout, both.describe()
    assert not (pair.sheath_dir / GENERATED).exists() and not (pair.tf_dir / GENERATED).exists()

    # an import target that has configuration: imported as without the flag, no file
    set_cases(
        pair,
        f"""
import {{
  to = aws_s3_bucket.configured
  id = "{p}-configured"
}}

resource "aws_s3_bucket" "configured" {{
  bucket = "{p}-configured"
}}
""",
    )
    both = run_both(pair, PLAN)
    assert both.same_exit() == 0, both.describe()
    assert both.sheath.stdout == both.terraform.stdout, both.describe()
    assert both.sheath.stderr == both.terraform.stderr == ""
    assert not (pair.sheath_dir / GENERATED).exists() and not (pair.tf_dir / GENERATED).exists()


@pytest.mark.oracle
@pytest.mark.slow
def test_generated_configuration_plan_and_apply(dirs: Pair, moto_server: str, boto: Callable[[str], Any], names: str) -> None:
    pair = dirs
    p = names
    s3, iam = boto("s3"), boto("iam")
    s3.create_bucket(Bucket=f"{p}-logs")
    s3.put_bucket_tagging(Bucket=f"{p}-logs", Tagging={"TagSet": [{"Key": "team", "Value": "infra"}]})
    iam.create_user(
        UserName=f"{p}-deployer", Path="/system/", Tags=[{"Key": "role", "Value": "ci"}, {"Key": "Cost Center", "Value": "42"}]
    )
    ec2 = boto("ec2")
    sg = ec2.create_security_group(GroupName=f"{p}-web", Description="web servers")["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=sg,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "https"}]}],
    )
    set_cases(
        pair,
        f"""
import {{
  to = aws_s3_bucket.logs
  id = "{p}-logs"
}}

import {{
  to = aws_iam_user.deployer
  id = "{p}-deployer"
}}

import {{
  to = aws_security_group.web
  id = "{sg}"
}}
""",
    )
    both = run_both(pair, PLAN, automation=False)
    assert both.same_exit() == 0, both.describe()
    assert both.sheath.stderr == both.terraform.stderr == ""
    # terraform writes the blocks in the order its walk finished them; sheath in address order
    s_head, s_blocks = generated_blocks((pair.sheath_dir / GENERATED).read_text())
    t_head, t_blocks = generated_blocks((pair.tf_dir / GENERATED).read_text())
    assert s_head == t_head
    assert sorted(s_blocks) == sorted(t_blocks)
    assert s_blocks == sorted(s_blocks, key=lambda b: b.split("\n")[1])
    assert f'# __generated__ by Terraform from "{p}-logs"\nresource "aws_s3_bucket" "logs" {{\n' in s_blocks[1]
    assert "ingress = [{" in s_blocks[2] and '"Cost Center" = "42"' in s_blocks[0]
    assert progress_apart(both.sheath.stdout) == progress_apart(both.terraform.stdout), both.describe()
    assert "Terraform has generated configuration and written it to generated.tf." in both.sheath.stdout

    # the JSON view: the same messages, the warning about the experimental feature among them
    for d in (pair.sheath_dir, pair.tf_dir):
        (d / GENERATED).rename(d / "first.txt")
    both = run_both(pair, ["plan", "-input=false", "-json", f"-generate-config-out={GENERATED}"])
    assert both.same_exit() == 0, both.describe()
    assert without_timestamps(both.sheath.stdout) == without_timestamps(both.terraform.stdout), both.describe()
    assert (pair.sheath_dir / GENERATED).read_text() == (pair.sheath_dir / "first.txt").read_text()

    # the generated file is configuration now: both apply it (importing), and agree on the state
    for tool, d in (("sheath", pair.sheath_dir), ("terraform", pair.tf_dir)):
        run = pair.tools.sheath if tool == "sheath" else pair.tools.tf
        ok(run(["apply", "-auto-approve", "-input=false", "-no-color"], d), f"{tool} apply")
    for addr in ("aws_s3_bucket.logs", "aws_iam_user.deployer", "aws_security_group.web"):
        assert state_attrs(pair.sheath_dir / "terraform.tfstate", addr) == state_attrs(pair.tf_dir / "terraform.tfstate", addr)
    assert state_attrs(pair.sheath_dir / "terraform.tfstate", "aws_iam_user.deployer")["path"] == "/system/"
    assert state_attrs(pair.sheath_dir / "terraform.tfstate", "aws_s3_bucket.logs")["tags"] == {"team": "infra"}
    both = run_both(pair, ["plan", "-input=false", "-no-color", "-detailed-exitcode"])
    assert both.same_exit() == 0, both.describe()


# --- generation rules, without a provider ------------------------------------------------


def _schema() -> Block:
    rule = Block(attributes={"key": Attribute(STRING, required=True), "enabled": Attribute(BOOL, optional=True)})
    return Block(
        attributes={
            "name": Attribute(STRING, required=True),
            "description": Attribute(STRING, optional=True),
            "label": Attribute(STRING, required=True),
            "arn": Attribute(STRING, computed=True),
            "id": Attribute(STRING, optional=True, computed=True),
            "password": Attribute(STRING, optional=True, sensitive=True),
            "policy": Attribute(STRING, optional=True),
            "size": Attribute(NUMBER, optional=True),
            "legacy": Attribute(STRING, optional=True, deprecated=True),
            "tags": Attribute(MapType(STRING), optional=True),
        },
        block_types={
            "rule": NestedBlock(rule, Nesting.LIST),
            "old": NestedBlock(Block(attributes={"x": Attribute(STRING, optional=True)}, deprecated=True), Nesting.LIST),
        },
    )


def _object() -> object:
    rule_t = object_val({"key": string_val("a"), "enabled": TRUE}).type
    return object_val(
        {
            "name": string_val("n"),
            "description": string_val(""),
            "label": string_val(""),
            "arn": string_val("arn:x"),
            "id": string_val("n"),
            "password": string_val("hunter2"),
            "policy": string_val('{"Version": "2012", "Statement": [{"Effect": "Allow", "N": 1e3}]}'),
            "size": number_val(3),
            "legacy": string_val("old"),
            "tags": map_val({"team": string_val("infra"), "cost center": string_val("x")}),
            "rule": list_val([object_val({"key": string_val("a"), "enabled": TRUE})], rule_t),
            "old": null(ListType(object_val({"x": string_val("")}).type)),
        }
    )


def test_generated_resource_follows_terraforms_rules() -> None:
    contents, diags = resource_contents("aws_thing.x", "aws_thing", _schema(), ProviderRef("aws", "west"), _object())  # type: ignore[arg-type]
    assert not diags.has_errors()
    block = wrap_resource_contents("aws_thing", "x", contents)
    assert block == (
        'resource "aws_thing" "x" {\n'
        "  provider    = aws.west\n"
        "  description = null\n"
        '  label       = ""\n'
        '  name        = "n"\n'
        "  password    = null # sensitive\n"
        "  policy = jsonencode({\n"
        "    Statement = [{\n"
        '      Effect = "Allow"\n'
        "      N      = 1000\n"
        "    }]\n"
        '    Version = "2012"\n'
        "  })\n"
        "  size = 3\n"
        "  tags = {\n"
        '    "cost center" = "x"\n'
        '    team          = "infra"\n'
        "  }\n"
        "  rule {\n"
        "    enabled = true\n"
        '    key     = "a"\n'
        "  }\n"
        "}"
    )
    # already in terraform fmt's layout
    formatted, _ = format_source((block + "\n").encode(), "generated.tf")
    assert formatted.decode() == block + "\n"


def test_implied_provider_has_no_provider_argument() -> None:
    contents, _ = resource_contents("aws_thing.x", "aws_thing", Block(attributes={"name": Attribute(STRING, required=True)}), ProviderRef("aws"), object_val({"name": string_val("n")}))
    assert contents == 'name = "n"\n'
    contents, _ = resource_contents("aws_thing.x", "aws_thing", Block(), ProviderRef("awscc"), object_val({}))
    assert contents == "provider = awscc\n"


def test_json_strings() -> None:
    assert parse_json('"x"') == (True, "x")
    assert parse_json("NaN") == (False, None)
    assert parse_json("{") == (False, None)
    valid, v = parse_json('{"a": 1, "a": 2}')
    assert valid and isinstance(v, Exception)
    s = Block(attributes={"doc": Attribute(STRING, optional=True)})
    for raw, want in (('"quoted"', 'doc = "\\"quoted\\""\n'), ("[1, 2]", "doc = jsonencode([1, 2])\n"), ("null", "doc = jsonencode(null)\n"), ("12", 'doc = "12"\n'), ("${x}", 'doc = "$${x}"\n')):
        got, _ = resource_contents("aws_t.x", "aws_t", s, ProviderRef("aws"), object_val({"doc": string_val(raw)}))
        assert got == want, raw


def test_hcl_format_is_whitespace_only() -> None:
    # terraform fmt would unwrap "${var.x}"; hclwrite.Format does not
    assert hcl_format('a="${var.x}"\nbb = 1\n') == 'a  = "${var.x}"\nbb = 1\n'


def test_file_written_only_with_generated_config(tmp_path: Path) -> None:
    out = tmp_path / "gen.tf"
    wrote, diags = write_generated_config([GeneratedChange("a.b", "i", "")], str(out))
    assert not wrote and not out.exists() and not diags
    changes = [GeneratedChange("a.b", 'id "1"', 'resource "a" "b" {\n}'), GeneratedChange("a.c", "", 'resource "a" "c" {\n}')]
    wrote, diags = write_generated_config(changes, str(out))
    assert wrote and [d.summary for d in diags] == ["Config generation is experimental"]
    assert out.read_text() == (
        "# __generated__ by Terraform\n# Please review these resources and move them into your main configuration files.\n"
        '\n# __generated__ by Terraform from "id \\"1\\""\nresource "a" "b" {\n}\n'
        '\n# __generated__ by Terraform\nresource "a" "c" {\n}\n'
    )
    wrote, diags = write_generated_config(changes, str(out))
    assert not wrote and [d.summary for d in diags] == ["Target generated file already exists"]
    assert next_step_note("generated.tf") == (
        "\nTerraform has generated configuration and written it to generated.tf. Please\n"
        "review the configuration and edit it as necessary before adding it to version\ncontrol.\n"
    )


# --- the builtin terraform_data: the whole flow in seconds, byte for byte ------------------


@dataclass
class Builtin:
    """terraform_data configurations in two directories, run with the notes shown."""

    env: dict[str, str]
    terraform: str
    sheath_dir: Path
    tf_dir: Path

    def write(self, hcl: str) -> None:
        for d in (self.sheath_dir, self.tf_dir):
            (d / "main.tf").write_text(hcl)
            for name in (GENERATED, "terraform.tfstate", "terraform.tfstate.backup", "tfplan"):
                (d / name).unlink(missing_ok=True)

    def run(self, args: list[str]) -> Both:
        return Both(
            subprocess.run([*SHEATH_CMD, *args], cwd=self.sheath_dir, capture_output=True, text=True, env=self.env, timeout=120),
            subprocess.run([self.terraform, *args], cwd=self.tf_dir, capture_output=True, text=True, env=self.env, timeout=120),
        )

    def same(self, args: list[str]) -> Both:
        both = self.run(args)
        assert both.same_exit() is not None
        assert both.sheath.stdout == both.terraform.stdout, both.describe()
        assert both.sheath.stderr == both.terraform.stderr, both.describe()
        return both

    def same_files(self, name: str) -> str:
        s, t = self.sheath_dir / name, self.tf_dir / name
        assert s.exists() == t.exists()
        if not t.exists():
            return ""
        assert s.read_text() == t.read_text()
        return t.read_text()


@pytest.fixture
def builtin(terraform_bin: str, oracle_env: dict[str, str], tmp_path: Path) -> Builtin:
    env = {k: v for k, v in oracle_env.items() if k != "TF_IN_AUTOMATION"}
    b = Builtin(env, terraform_bin, tmp_path / "sheath", tmp_path / "terraform")
    b.sheath_dir.mkdir()
    b.tf_dir.mkdir()
    return b


IMPORT_DATA = """
import {
  to = terraform_data.adopted
  id = "abc-123"
}
"""


@pytest.mark.oracle
def test_terraform_data_generated_plan_json_out_and_apply(builtin: Builtin) -> None:
    b = builtin
    b.write(IMPORT_DATA)
    both = b.same(["plan", "-input=false", "-no-color", f"-generate-config-out={GENERATED}"])
    assert both.terraform.returncode == 0
    assert "Terraform has generated configuration and written it to generated.tf." in both.sheath.stdout
    assert 'resource "terraform_data" "adopted" {' in b.same_files(GENERATED)

    # the JSON view (no notes; the warning is a diagnostic message)
    for d in (b.sheath_dir, b.tf_dir):
        (d / GENERATED).unlink()
    both = b.run(["plan", "-input=false", "-json", f"-generate-config-out={GENERATED}"])
    assert both.same_exit() == 0
    assert without_timestamps(both.sheath.stdout) == without_timestamps(both.terraform.stdout), both.describe()
    b.same_files(GENERATED)

    # with -out: the note about the generated file comes before the saved plan's
    for d in (b.sheath_dir, b.tf_dir):
        (d / GENERATED).unlink()
    both = b.same(["plan", "-input=false", "-no-color", "-out=tfplan", f"-generate-config-out={GENERATED}"])
    assert both.terraform.returncode == 0 and "Saved the plan to: tfplan" in both.sheath.stdout

    # the generated file is configuration now: both import on apply
    both = b.run(["apply", "-auto-approve", "-input=false", "-no-color"])
    assert both.same_exit() == 0, both.describe()
    assert both.sheath.stdout == both.terraform.stdout, both.describe()
    for attr in ("id", "input", "output", "triggers_replace"):
        assert state_attrs(b.sheath_dir / "terraform.tfstate", "terraform_data.adopted")[attr] == state_attrs(
            b.tf_dir / "terraform.tfstate", "terraform_data.adopted"
        )[attr]


@pytest.mark.oracle
def test_terraform_data_refusals_and_nothing_to_generate(builtin: Builtin) -> None:
    b = builtin
    b.write(IMPORT_DATA)
    for d in (b.sheath_dir, b.tf_dir):
        (d / "taken.txt").write_text("keep me\n")
    both = b.same(["plan", "-input=false", "-no-color", "-generate-config-out=taken.txt"])
    assert both.terraform.returncode == 1 and "Target generated file already exists" in both.terraform.stderr
    assert (b.sheath_dir / "taken.txt").read_text() == "keep me\n"
    both = b.same(["plan", "-input=false", "-no-color", "-refresh-only", f"-generate-config-out={GENERATED}"])
    assert both.terraform.returncode == 1 and "Invalid generate-config-out flag" in both.terraform.stderr
    # without the flag: terraform's error pointing at it
    both = b.same(["plan", "-input=false", "-no-color"])
    assert both.terraform.returncode == 1 and "-generate-config-out" in both.terraform.stderr

    # the target has configuration: an ordinary import plan, no file
    b.write(IMPORT_DATA + 'resource "terraform_data" "adopted" {\n  input = "x"\n}\n')
    both = b.same(["plan", "-input=false", "-no-color", f"-generate-config-out={GENERATED}"])
    assert both.terraform.returncode == 0 and "generated" not in both.terraform.stdout
    assert b.same_files(GENERATED) == ""

    # no import blocks: an ordinary plan, no file
    b.write('resource "terraform_data" "new" {\n  input = 1\n}\n')
    both = b.same(["plan", "-input=false", "-no-color", "-detailed-exitcode", f"-generate-config-out={GENERATED}"])
    assert both.terraform.returncode == 2
    assert b.same_files(GENERATED) == ""


# terraform's validation of import targets: which can have configuration generated, and
# whether an instance key agrees with the resource's count or for_each
TARGET_CASES = [
    ('import {\n  for_each = toset(["a"])\n  to = terraform_data.y[each.key]\n  id = each.key\n}\n', True),
    ('import {\n  for_each = toset(["a"])\n  to = terraform_data.y["a"]\n  id = each.key\n}\n', True),
    ('import {\n  to = terraform_data.y[0]\n  id = "a"\n}\n', True),
    ('import {\n  to = terraform_data.y[0]\n  id = "a"\n}\n', False),
    ('import {\n  to = terraform_data.y["k"]\n  id = "a"\n}\nresource "terraform_data" "y" {\n  count = 1\n}\n', False),
    ('import {\n  to = terraform_data.y\n  id = "a"\n}\nresource "terraform_data" "y" {\n  count = 1\n}\n', False),
    ('import {\n  for_each = [1]\n  to = terraform_data.y[each.value]\n  id = "x"\n}\nresource "terraform_data" "y" {\n  for_each = {a = 1}\n}\n', False),
    ('import {\n  for_each = {a = 1}\n  to = terraform_data.y[each.key]\n  id = each.key\n}\nresource "terraform_data" "y" {\n  for_each = {a = 1}\n}\n', False),
]


@pytest.mark.oracle
def test_import_targets_validated_as_terraform_does(builtin: Builtin) -> None:
    b = builtin
    for hcl, generate in TARGET_CASES:
        b.write(hcl)
        flag = [f"-generate-config-out={GENERATED}"] if generate else []
        both = b.same(["plan", "-input=false", "-no-color", *flag])
        assert b.same_files(GENERATED) == ""
        if "for_each = {a = 1}\n}" not in hcl:
            assert both.terraform.returncode == 1, hcl
