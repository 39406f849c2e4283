"""The pull-request Markdown of a plan, parsed with a CommonMark parser (markdown-it-py)."""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt

from sheath.cli.views.markdown import GITHUB_COMMENT_LIMIT, MARKER, MarkdownInput, render_markdown
from sheath.policy.model import Finding, Level, Report, Rule, Severity, Skip, PASSED
from sheath.policy.planinput import PlannedResource, SourceLocation


def _rc(addr: str, actions: list[str], **extra: Any) -> dict[str, Any]:
    return {"address": addr, "change": {"actions": actions, "after": {"secret": "hunter2-sensitive"}}, **extra}


PLAN = {
    "format_version": "1.2",
    "resource_changes": [
        _rc("aws_s3_bucket.new", ["create"]),
        _rc("aws_iam_user.u", ["update"]),
        _rc("aws_instance.web", ["delete", "create"], action_reason="replace_because_cannot_update"),
        _rc("aws_db_instance.old", ["delete"], action_reason="delete_because_no_resource_config"),
        _rc("aws_s3_bucket.kept", ["no-op"], previous_address="aws_s3_bucket.before"),
        _rc("aws_sqs_queue.q", ["no-op"], change={"actions": ["no-op"], "importing": {"id": "q"}}),
    ],
    "resource_drift": [{"address": "aws_iam_user.u", "change": {"actions": ["update"]}}],
    "output_changes": {"url": {"actions": ["create"]}},
}


def _tokens(md: str) -> list[Any]:
    return MarkdownIt("commonmark").enable("table").parse(md)


def _headings(md: str) -> list[str]:
    toks = _tokens(md)
    return [toks[i + 1].content for i, t in enumerate(toks) if t.type == "heading_open"]


def _report() -> Report:
    rule = Rule("CKV_AWS_20", "S3 bucket ACL does not allow public read", "r", "f", Severity.HIGH, ("aws_s3_bucket",),
                lambda r, p: PASSED, checkov_id="CKV_AWS_20")
    res = PlannedResource("aws_s3_bucket.new", "aws_s3_bucket.new", "", "managed", "aws_s3_bucket", "new", ("create",), {}, None,
                          source=SourceLocation("main.tf", 3))
    return Report(
        findings=[
            Finding(rule, res, "public", Level.MANDATORY),
            Finding(rule, res, "public", Level.ADVISORY, Skip("CKV_AWS_20", "public website", "inline")),
        ],
        passed=4,
        checked_resources=2,
    )


def test_structure() -> None:
    md = render_markdown(MarkdownInput(PLAN, "line\n" * 20, "infra", "prod", _report()))
    assert md.startswith(MARKER)
    heads = _headings(md)
    assert heads[0] == "sheath plan: `infra` (workspace `prod`)"
    assert heads[1:] == [
        "Create (1)",
        "Update in place (1)",
        "Replace (1)",
        "Destroy (1)",
        "Import (1)",
        "Move (1)",
        "Drift (changed outside sheath, found during refresh) (1)",
        "Output changes",
        "Policy",
    ]
    assert "[!WARNING]" in md and "destroys or replaces 2 resource(s)" in md
    assert "an argument forces replacement" in md and "no longer in the configuration" in md
    toks = _tokens(md)
    assert any(t.type == "table_open" for t in toks)  # the policy table
    assert "<details><summary>Show the plan (20 lines)</summary>" in md
    assert "hunter2-sensitive" not in md


def test_short_plans_are_not_collapsed_and_no_changes_says_so() -> None:
    md = render_markdown(MarkdownInput({"resource_changes": []}, "No changes.\n"))
    assert "**No changes.**" in md and "<details>" not in md


def test_five_thousand_resources_stay_under_the_limit_with_a_note() -> None:
    plan = {"resource_changes": [_rc(f'aws_s3_bucket.b["{i:05d}"]', ["create"]) for i in range(5000)]}
    text = "".join(f'  # aws_s3_bucket.b["{i:05d}"] will be created\n  + resource "aws_s3_bucket" "b" {{}}\n' for i in range(5000))
    md = render_markdown(MarkdownInput(plan, text))
    assert len(md) <= GITHUB_COMMENT_LIMIT
    assert "more not shown (comment size limit)" in md or "The plan text was cut" in md
    assert "Plan: **5000** to add" in md
    _tokens(md)  # still parses


def test_show_markdown_of_a_saved_plan(tmp_path: Any, run_sheath: Any) -> None:
    (tmp_path / "main.tf").write_text(
        'variable "secret" {\n  type      = string\n  sensitive = true\n  default   = "hunter2-in-config"\n}\n\n'
        'resource "terraform_data" "a" {\n  input = var.secret\n}\n\n'
        'resource "terraform_data" "b" {\n  count = 3\n  input = count.index\n}\n'
    )
    assert run_sheath(["init"], tmp_path).returncode == 0
    r = run_sheath(["plan", "-out=tfplan", "-no-color"], tmp_path)
    assert r.returncode == 0, r.stderr
    r = run_sheath(["show", "-markdown", "tfplan"], tmp_path)
    assert r.returncode == 0, r.stderr
    md = r.stdout
    assert md.startswith(MARKER)
    assert _headings(md)[1:] == ["Create (4)", "Policy"]
    assert "Plan: **4** to add, **0** to change, **0** to destroy." in md
    assert "hunter2-in-config" not in md
    assert "(sensitive value)" in md
    r = run_sheath(["show", "-markdown"], tmp_path)
    assert r.returncode == 1 and "Invalid -markdown" in r.stderr
