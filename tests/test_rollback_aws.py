"""Rollback against real infrastructure: the AWS provider (5.100.0) and a moto server,
with the local backend, every effect checked through boto3.

- ``rollback -to-version=1`` after three applies (bucket tags and an IAM user's path
  changed, a second bucket added) puts the tags, the path and the set of buckets back as
  version 1 left them, and ``plan -detailed-exitcode`` on version 1's configuration then
  shows no changes;
- ``rollback -to-git-ref`` does the same with the configuration of an earlier commit;
- ``apply -on-failure=rollback``, where AWS rejects one resource half way (an IAM policy
  attachment naming a policy that does not exist), destroys what that apply created,
  restores what it changed, and the audit trail shows the failed apply and the rollback;
  terraform's plan on the state the rollback left shows no changes either.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import SHEATH_CMD
from test_aws_e2e import ACCOUNT, boto, bucket_names, bucket_tags, e2e_env, provider_hcl  # noqa: F401 - the fixtures

pytestmark = pytest.mark.oracle


@dataclass
class Scenario:
    dir: Path
    env: dict[str, str]
    moto: str
    prefix: str  # unique to the scenario: the moto server is shared by the session

    def config(self, tags: str, path: str, second_bucket: bool = False, extra: str = "") -> str:
        body = (
            f'\nresource "aws_s3_bucket" "main" {{\n  bucket = "{self.prefix}-main"\n  tags = {{\n{tags}  }}\n}}\n'
            f'\nresource "aws_iam_user" "ops" {{\n  name = "{self.prefix}-ops"\n  path = "{path}"\n}}\n'
        )
        if second_bucket:
            body += f'\nresource "aws_s3_bucket" "second" {{\n  bucket = "{self.prefix}-second"\n}}\n'
        return provider_hcl(self.moto) + body + extra

    def write(self, text: str) -> None:
        (self.dir / "main.tf").write_text(text)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*SHEATH_CMD, *args], cwd=self.dir, capture_output=True, text=True, env=self.env, timeout=600)

    def ok(self, *args: str) -> str:
        r = self.run(*args)
        assert r.returncode == 0, f"sheath {' '.join(args)} exited {r.returncode}\n{r.stderr}\n{r.stdout[-3000:]}"
        return r.stdout


V1_TAGS = '    Env  = "prod"\n    Team = "core"\n'
V2_TAGS = '    Env  = "staging"\n    Owner = "ana"\n'


def _scenario(tmp: Path, env: dict[str, str], moto: str) -> Scenario:
    tmp.mkdir(exist_ok=True)
    s = Scenario(tmp, env, moto, "rb" + uuid.uuid4().hex[:10])
    s.write(s.config(V1_TAGS, "/v1/"))
    s.ok("init", "-input=false", "-no-color")
    return s


def _user_path(boto: Callable[[str], Any], name: str) -> str:  # noqa: F811
    return str(boto("iam").get_user(UserName=name)["User"]["Path"])


def _assert_as_version_1(s: Scenario, boto: Callable[[str], Any]) -> None:  # noqa: F811
    assert bucket_names(boto("s3"), s.prefix) == {f"{s.prefix}-main"}
    assert bucket_tags(boto("s3"), f"{s.prefix}-main") == {"Env": "prod", "Team": "core"}
    assert _user_path(boto, f"{s.prefix}-ops") == "/v1/"


def _three_applies(s: Scenario, boto: Callable[[str], Any], commit: Callable[[str], None]) -> None:  # noqa: F811
    configs = [s.config(V1_TAGS, "/v1/"), s.config(V2_TAGS, "/v2/"), s.config(V2_TAGS, "/v2/", second_bucket=True)]
    for n, text in enumerate(configs, 1):
        s.write(text)
        commit(f"version {n}")
        s.ok("apply", "-auto-approve", "-input=false", "-no-color")
    assert bucket_names(boto("s3"), s.prefix) == {f"{s.prefix}-main", f"{s.prefix}-second"}
    assert bucket_tags(boto("s3"), f"{s.prefix}-main") == {"Env": "staging", "Owner": "ana"}
    assert _user_path(boto, f"{s.prefix}-ops") == "/v2/"


@pytest.mark.slow  # over a minute (60-120 s) against moto: run with -m slow
def test_rollback_to_version_and_to_git_ref_restore_tags_path_and_buckets(
    tmp_path: Path, e2e_env: dict[str, str], moto_server: str, boto: Callable[[str], Any]  # noqa: F811
) -> None:
    s = _scenario(tmp_path, e2e_env, moto_server)

    def git(*args: str) -> str:
        r = subprocess.run(["git", *args], cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        return r.stdout.strip()

    git("init", "-q")
    git("config", "user.email", "ops@example.com")
    git("config", "user.name", "ops")
    (tmp_path / ".gitignore").write_text(".sheath/\n.terraform/\nterraform.tfstate*\n")
    git("add", ".gitignore", ".terraform.lock.hcl")

    def commit(message: str) -> None:
        git("add", "main.tf")
        git("-c", "commit.gpgsign=false", "commit", "-q", "-m", message)

    _three_applies(s, boto, commit)
    first = git("rev-list", "--max-parents=0", "HEAD")
    history = json.loads(s.ok("history", "-json"))
    assert [v["git_commit"] for v in history] == git("rev-list", "--reverse", "HEAD").split()

    # 1. back to applied version 1
    out = s.ok("rollback", "-to-version=1", "-auto-approve", "-no-color")
    assert "Rolling back to version 1" in out and "aws_s3_bucket.second will be destroyed" in out
    assert "Rollback complete! Resources: 0 added, 2 changed, 1 destroyed." in out
    _assert_as_version_1(s, boto)
    s.write(s.config(V1_TAGS, "/v1/"))  # version 1's configuration against what now exists: nothing to do
    r = s.run("plan", "-detailed-exitcode", "-input=false", "-no-color")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "No changes." in r.stdout

    # 2. forward to the last commit again, then back to the first commit's configuration
    git("checkout", "--", "main.tf")
    s.ok("apply", "-auto-approve", "-input=false", "-no-color")
    assert bucket_names(boto("s3"), s.prefix) == {f"{s.prefix}-main", f"{s.prefix}-second"}
    assert _user_path(boto, f"{s.prefix}-ops") == "/v2/"
    out = s.ok("rollback", f"-to-git-ref={first}", "-auto-approve", "-no-color")
    assert "Rollback complete! Resources: 0 added, 2 changed, 1 destroyed." in out
    _assert_as_version_1(s, boto)
    assert git("status", "--porcelain") == ""  # the working tree was not touched
    history = json.loads(s.ok("history", "-json"))
    assert [(v["version"], v["operation"], v["outcome"], v["origin"]) for v in history][3:] == [
        (4, "rollback", "success", "version 1"),
        (5, "apply", "success", ""),
        (6, "rollback", "success", f"git {first} ({first[:12]})"),
    ]
    records = json.loads(s.ok("audit", "log", "-json"))
    assert [rec["operation"] for rec in records] == ["apply", "apply", "apply", "rollback", "apply", "rollback"]
    s.write(s.config(V1_TAGS, "/v1/"))
    r = s.run("plan", "-detailed-exitcode", "-input=false", "-no-color")
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.slow  # 40-60 s against moto (CI time): run with -m slow
def test_apply_on_failure_rollback_against_aws(
    tmp_path: Path, e2e_env: dict[str, str], moto_server: str, boto: Callable[[str], Any], terraform_bin: str  # noqa: F811
) -> None:
    s = _scenario(tmp_path / "sheath", e2e_env, moto_server)
    s.ok("apply", "-auto-approve", "-input=false", "-no-color")
    _assert_as_version_1(s, boto)
    # AWS rejects the attachment (no such policy) after the user and the buckets are done
    failing = (
        f'\nresource "aws_iam_user_policy_attachment" "ops" {{\n'
        f'  user       = aws_iam_user.ops.name\n'
        f'  policy_arn = "arn:aws:iam::{ACCOUNT}:policy/{s.prefix}-missing"\n'
        f"  depends_on = [aws_s3_bucket.main, aws_s3_bucket.second]\n}}\n"
    )
    s.write(s.config(V2_TAGS, "/v2/", second_bucket=True, extra=failing))
    r = s.run("apply", "-auto-approve", "-input=false", "-no-color", "-on-failure=rollback")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "NoSuchEntity" in r.stderr, r.stderr
    assert "aws_s3_bucket.second: Creation complete" in r.stdout  # created before the failure
    assert "Warning: Rolled back" in r.stdout, r.stdout
    _assert_as_version_1(s, boto)
    history = json.loads(s.ok("history", "-json"))
    assert [(v["version"], v["operation"], v["outcome"], v["origin"]) for v in history] == [
        (1, "apply", "success", ""),
        (2, "apply", "failure", ""),
        (3, "rollback", "success", "version 1"),
    ]
    assert history[1]["failed_resources"] == ["aws_iam_user_policy_attachment.ops"]
    records = json.loads(s.ok("audit", "log", "-json"))
    assert [(rec["operation"], rec["result"]) for rec in records] == [("apply", "success"), ("apply", "failure"), ("rollback", "success")]
    assert records[1]["details"]["errors"] and records[1]["plan_hash"]
    assert records[2]["details"]["changes"] == {"add": 0, "change": 2, "destroy": 1}
    assert s.run("audit", "verify").returncode == 0
    # version 1's configuration: nothing to do
    s.write(s.config(V1_TAGS, "/v1/"))
    r = s.run("plan", "-detailed-exitcode", "-input=false", "-no-color")
    assert r.returncode == 0, r.stdout + r.stderr
    # terraform, on the state the rollback left, agrees
    tf = tmp_path / "terraform"
    tf.mkdir()
    for name in ("main.tf", "terraform.tfstate"):
        shutil.copyfile(s.dir / name, tf / name)
    for args in (["init", "-input=false", "-no-color"], ["plan", "-detailed-exitcode", "-input=false", "-no-color"]):
        r = subprocess.run([terraform_bin, *args], cwd=tf, capture_output=True, text=True, env=e2e_env, timeout=600)
        assert r.returncode == 0, f"terraform {args[0]}: exit {r.returncode}\n{r.stdout}\n{r.stderr}"
