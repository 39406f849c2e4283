"""Policies and guardrails on every plan and apply: advisory findings are warnings after the
plan, a failing mandatory policy fails plan (an error at the resource's declaration) and
makes apply refuse before changing anything (checked through boto3 against moto, with the
real AWS provider); skips are honoured and reported; -json reports findings as diagnostics;
-policies=false turns the policies off for a run; plan -markdown=FILE writes what show
-markdown writes."""

from __future__ import annotations

import json
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest

from conftest import SHEATH_CMD
from test_aws_e2e import boto, e2e_env, provider_hcl  # noqa: F401 - the fixtures

pytestmark = pytest.mark.oracle

MANDATORY_VERSIONING = 'rule "CKV_AWS_21" {\n  enforcement_level = "mandatory"\n}\n'
SKIP = "\n  # sheath:skip=CKV_AWS_21 a scratch bucket needs no versions"


@dataclass
class Work:
    dir: Path
    env: dict[str, str]
    moto: str
    bucket: str

    def configure(self, skip: str = "", settings: str | None = None) -> None:
        body = f'\nresource "aws_s3_bucket" "site" {{\n  bucket = "{self.bucket}"{skip}\n}}\n'
        (self.dir / "main.tf").write_text(provider_hcl(self.moto) + body)
        path = self.dir / "sheath-policy.hcl"
        if settings is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(settings)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*SHEATH_CMD, *args], cwd=self.dir, capture_output=True, text=True, env=self.env, timeout=600)


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory, moto_server: str, e2e_env: dict[str, str]) -> Work:  # noqa: F811
    w = Work(tmp_path_factory.mktemp("gate"), e2e_env, moto_server, "gate-" + uuid.uuid4().hex[:10])
    w.configure()
    r = w.run("init", "-input=false", "-no-color")
    assert r.returncode == 0, r.stderr
    return w


def _buckets(boto: Callable[[str], Any]) -> set[str]:  # noqa: F811
    return {b["Name"] for b in boto("s3").list_buckets().get("Buckets", [])}


def _json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_mandatory_policy_fails_plan_and_apply_changes_nothing(work: Work, boto: Callable[[str], Any]) -> None:  # noqa: F811
    work.configure(settings=MANDATORY_VERSIONING)
    r = work.run("plan", "-no-color", "-out=tfplan")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "aws_s3_bucket.site will be created" in r.stdout
    assert "mandatory CKV_AWS_21 on aws_s3_bucket.site (main.tf line" in r.stdout
    assert "Error: Policy CKV_AWS_21: S3 bucket has versioning enabled" in r.stderr
    assert 'on main.tf line' in r.stderr and 'resource "aws_s3_bucket" "site"' in r.stderr  # at the declaration
    assert not (work.dir / "tfplan").exists()  # a plan that failed its policies is not saved
    r = work.run("apply", "-no-color", "-auto-approve")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Error: Policy CKV_AWS_21" in r.stderr and "Creating..." not in r.stdout
    assert work.bucket not in _buckets(boto)
    assert not (work.dir / "terraform.tfstate").exists() or work.bucket not in (work.dir / "terraform.tfstate").read_text()
    r = work.run("apply", "-json", "-auto-approve")
    assert r.returncode == 1
    errors = [m for m in _json_lines(r.stdout) if m["type"] == "diagnostic" and m["diagnostic"]["severity"] == "error"]
    assert [e["diagnostic"]["summary"] for e in errors] == ["Policy CKV_AWS_21: S3 bucket has versioning enabled"]
    assert not any(m["type"] == "apply_start" for m in _json_lines(r.stdout))
    assert work.bucket not in _buckets(boto)


def test_json_plan_reports_findings_as_diagnostics(work: Work) -> None:
    work.configure(settings=MANDATORY_VERSIONING)
    r = work.run("plan", "-json")
    assert r.returncode == 1
    diags = [m["diagnostic"] for m in _json_lines(r.stdout) if m["type"] == "diagnostic"]
    by_summary = {d["summary"]: d for d in diags}
    err = by_summary["Policy CKV_AWS_21: S3 bucket has versioning enabled"]
    assert err["severity"] == "error" and err["range"]["filename"] == "main.tf" and "aws_s3_bucket.site" in err["detail"]
    assert by_summary["Policy CKV_AWS_18: S3 bucket has access logging enabled"]["severity"] == "warning"  # advisory
    work.configure(skip=SKIP, settings=MANDATORY_VERSIONING)
    r = work.run("plan", "-json")
    assert r.returncode == 0, r.stdout
    diags = [m["diagnostic"] for m in _json_lines(r.stdout) if m["type"] == "diagnostic"]
    skipped = [d for d in diags if d["summary"] == "Policy checks skipped"]
    assert skipped and "CKV_AWS_21 on aws_s3_bucket.site: a scratch bucket needs no versions (inline)" in skipped[0]["detail"]
    assert all(d["severity"] == "warning" for d in diags)


def test_policies_false_turns_the_policies_off(work: Work) -> None:
    work.configure(settings=MANDATORY_VERSIONING)
    r = work.run("plan", "-no-color", "-policies=false")
    assert r.returncode == 0, r.stderr
    assert "Policy" not in r.stdout + r.stderr
    r = work.run("plan", "-no-color", "-policies=false", "-policies=policies")
    assert r.returncode == 1 and "-policies=false" in r.stderr


def test_advisory_findings_warn_and_skips_are_reported_then_apply(work: Work, boto: Callable[[str], Any]) -> None:  # noqa: F811
    work.configure(skip=SKIP, settings=MANDATORY_VERSIONING)  # the mandatory rule is skipped, the rest advisory
    r = work.run("plan", "-no-color", "-out=tfplan", "-markdown=plan.md")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Policy check: 3 failed (0 mandatory), 1 skipped" in r.stdout
    assert "advisory  CKV_AWS_18 on aws_s3_bucket.site (main.tf line" in r.stdout
    assert "skipped   CKV_AWS_21 on aws_s3_bucket.site: a scratch bucket needs no versions (inline)" in r.stdout
    assert "Error" not in r.stderr
    shown = work.run("show", "-markdown", "tfplan")
    assert shown.returncode == 0, shown.stderr
    assert (work.dir / "plan.md").read_text() == shown.stdout  # plan -markdown writes what show -markdown does
    assert "### Policy" in shown.stdout and "CKV_AWS_18" in shown.stdout
    r = work.run("apply", "-no-color", "-auto-approve")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "advisory  CKV_AWS_18" in r.stdout and "Apply complete! Resources: 1 added" in r.stdout
    assert work.bucket in _buckets(boto)


def test_guardrail_refuses_deleting_a_bucket_unless_allowed(work: Work, boto: Callable[[str], Any]) -> None:  # noqa: F811
    work.configure(skip=SKIP)
    r = work.run("apply", "-no-color", "-auto-approve")  # the bucket exists (the previous test made it, or now)
    assert r.returncode == 0, r.stdout + r.stderr
    assert work.bucket in _buckets(boto)
    (work.dir / "main.tf").write_text(provider_hcl(work.moto))
    (work.dir / "sheath-policy.hcl").write_text("limits {\n  max_deletes = 5\n}\n")  # buckets are protected by default
    r = work.run("apply", "-no-color", "-auto-approve")
    assert r.returncode == 1
    assert "Plan exceeds a guardrail" in r.stderr and "-allow-destroy=aws_s3_bucket.site" in r.stderr
    assert work.bucket in _buckets(boto)
    r = work.run("plan", "-no-color", "-allow-destroy=aws_s3_bucket.site")
    assert r.returncode == 0, r.stderr
    r = work.run("apply", "-no-color", "-auto-approve", "-allow-destroy=aws_s3_bucket.*")
    assert r.returncode == 0, r.stdout + r.stderr
    assert work.bucket not in _buckets(boto)


# --- without AWS resources ---------------------------------------------------------------------

DATA = 'resource "terraform_data" "a" {\n  input = "d"\n}\n'


def test_a_plan_without_findings_prints_what_it_printed_before(tmp_path: Path, run_sheath: Any) -> None:
    (tmp_path / "main.tf").write_text(DATA)
    on = run_sheath(["plan", "-no-color"], tmp_path)
    off = run_sheath(["plan", "-no-color", "-policies=false"], tmp_path)
    assert on.returncode == off.returncode == 0
    assert on.stdout == off.stdout and on.stderr == off.stderr
    assert "Policy" not in on.stdout


def test_custom_policies_on_plan_and_markdown(tmp_path: Path, run_sheath: Any) -> None:
    (tmp_path / "main.tf").write_text(DATA)
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "data.policy.hcl").write_text(
        'resource_policy "terraform_data" "no_d" {\n  enforce {\n    condition     = attrs.input != "d"\n'
        '    error_message = "input must not be d"\n  }\n}\n'
    )
    r = run_sheath(["plan", "-no-color", "-policies=policies", "-markdown=plan.md"], tmp_path)
    assert r.returncode == 1
    assert "Error: Policy no_d" in r.stderr and "input must not be d" in r.stderr
    md = (tmp_path / "plan.md").read_text()
    assert "<!-- sheath:plan -->" in md and "no_d" in md  # written even when the policies fail: the review shows why
    r = run_sheath(["plan", "-no-color", "-policies=missing"], tmp_path)
    assert r.returncode == 1 and "The policy directory missing does not exist" in r.stderr


def test_guardrail_on_terraform_data(tmp_path: Path, run_sheath: Any) -> None:
    (tmp_path / "main.tf").write_text(DATA + DATA.replace('"a"', '"b"'))
    assert run_sheath(["apply", "-auto-approve", "-no-color"], tmp_path).returncode == 0
    (tmp_path / "sheath-policy.hcl").write_text("limits {\n  max_deletes = 1\n}\n")
    r = run_sheath(["plan", "-destroy", "-no-color"], tmp_path)
    assert r.returncode == 1 and "more than the limit of 1" in r.stderr
    r = run_sheath(["plan", "-destroy", "-json"], tmp_path)
    assert r.returncode == 1 and '"summary":"Plan exceeds a guardrail"' in r.stdout
    state = (tmp_path / "terraform.tfstate").read_text()
    r = run_sheath(["apply", "-destroy", "-auto-approve", "-no-color"], tmp_path)
    assert r.returncode == 1 and (tmp_path / "terraform.tfstate").read_text() == state
    r = run_sheath(["apply", "-destroy", "-auto-approve", "-no-color", "-allow-destroy=terraform_data.a"], tmp_path)
    assert r.returncode == 0, r.stderr


def test_a_saved_plan_and_destroy_are_checked_too(tmp_path: Path, run_sheath: Any) -> None:
    """The gate runs on every plan that is applied: apply PLANFILE checks the saved plan
    again (with the flags given to apply), and destroy checks its plan."""
    (tmp_path / "main.tf").write_text(DATA + DATA.replace('"a"', '"b"'))
    assert run_sheath(["apply", "-auto-approve", "-no-color"], tmp_path).returncode == 0
    (tmp_path / "sheath-policy.hcl").write_text("limits {\n  max_deletes = 1\n}\n")
    r = run_sheath(["plan", "-destroy", "-out=tfplan", "-no-color", "-allow-destroy=terraform_data.*"], tmp_path)
    assert r.returncode == 0, r.stderr
    state = (tmp_path / "terraform.tfstate").read_text()
    for args in (["apply", "-no-color", "tfplan"], ["apply", "-json", "tfplan"], ["destroy", "-auto-approve", "-no-color"]):
        r = run_sheath(args, tmp_path)
        assert r.returncode == 1 and "Plan exceeds a guardrail" in r.stdout + r.stderr, args
        assert (tmp_path / "terraform.tfstate").read_text() == state  # refused before anything changed
    r = run_sheath(["apply", "-no-color", "-allow-destroy=terraform_data.a", "tfplan"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "terraform.tfstate").read_text())["resources"] == []
