"""A plan's cost in review: the "Cost" section of the pull-request Markdown (parsed with a
CommonMark parser) and the max_monthly_cost_increase limit of sheath-policy.hcl, to the
cent from AWS's published us-east-1 prices (the figures of tests/test_cost.py)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from sheath.cli.views.markdown import MarkdownInput, render_markdown
from sheath.cost.catalog import load_catalog
from sheath.cost.review import cost_markdown, summarize_plan_cost
from sheath.policy.costlimit import check_cost_limit
from sheath.policy.model import PASSED, Finding, Level, Report, Rule, Severity
from sheath.policy.planinput import PlannedResource
from test_cost import INSTANCE, VOLUME, plan_doc, resource

BIGGER = resource("aws_instance.web", {"instance_type": "t3.small", "tenancy": "default", "tags": {"secret": "hunter2-tag"}})
NAT = resource("aws_nat_gateway.nat", {})
CACHE = resource("aws_elasticache_cluster.c", {"arn": "arn:aws:elasticache:us-east-1:1:cluster:c"})
VOLS = [resource(f"aws_ebs_volume.v{k}", {"availability_zone": "us-east-1a", "type": "gp3", "size": k}) for k in range(1, 12)]


def catalog() -> Any:
    cat, diags = load_catalog()
    assert cat is not None, diags
    return cat


def grow_plan() -> dict[str, Any]:
    """Before: t3.micro with 8 GB root ($8.232) + 100 GB gp3 ($8) = $16.232. After: t3.small
    ($15.184), a NAT gateway ($32.85), an unpriced cache, 11 gp3 volumes of 1..11 GB ($5.28)."""
    doc = {"format_version": "1.2", **plan_doc([INSTANCE, VOLUME], [BIGGER, NAT, CACHE, *VOLS])}
    doc["resource_changes"] = [{"address": r["address"], "mode": "managed", "type": r["type"],
                                "change": {"actions": ["create"]}} for r in [NAT, CACHE, *VOLS]]
    return doc


def _cells(md: str) -> list[list[str]]:
    toks = MarkdownIt("commonmark").enable("table").parse(md)
    rows: list[list[str]] = []
    for t in toks:
        if t.type == "tr_open":
            rows.append([])
        elif t.type == "inline" and rows and t.level >= 4:
            rows[-1].append(t.content)
    return rows


def test_summary_to_the_cent_top_ten_and_unpriced() -> None:
    s = summarize_plan_cost(catalog(), grow_plan())
    assert s is not None
    assert s.before == Decimal("16.232") and s.after == Decimal("53.314") and s.diff == Decimal("37.082")
    assert [c.address for c in s.changes[:4]] == ["aws_nat_gateway.nat", "aws_ebs_volume.data", "aws_instance.web", "aws_ebs_volume.v11"]
    assert len(s.changes) == 14 and s.unpriced == ("aws_elasticache_cluster.c",)
    md = cost_markdown(s)
    assert "Monthly cost: **$16.23** → **$53.31** (**+$37.08**)" in md
    assert "the 10 largest changes of 14" in md and "1 resource(s) unpriced" in md
    assert "snapshot 2025-01.1 of 2025-01-15" in md


def test_cost_section_in_the_pull_request_markdown_is_commonmark() -> None:
    cat = catalog()
    doc = grow_plan()
    s = summarize_plan_cost(cat, doc)
    assert s is not None
    md = render_markdown(MarkdownInput(doc, "plan text", extra_sections=(("Cost", cost_markdown(s)),)))
    toks = MarkdownIt("commonmark").enable("table").parse(md)
    heads = [toks[i + 1].content for i, t in enumerate(toks) if t.type == "heading_open"]
    assert heads[-1] == "Cost"
    rows = _cells(md[md.index("### Cost"):])
    assert rows[0] == ["Resource", "Before", "After", "Diff"]
    assert rows[1] == ["`aws_nat_gateway.nat`", "$0.00", "$32.85", "+$32.85"]
    assert rows[2] == ["`aws_ebs_volume.data`", "$8.00", "$0.00", "-$8.00"]
    assert rows[3] == ["`aws_instance.web`", "$8.23", "$15.18", "+$6.95"]
    assert rows[4] == ["`aws_ebs_volume.v11`", "$0.00", "$0.88", "+$0.88"]
    assert len(rows) == 11 and rows[-1][0] == "`aws_ebs_volume.v5`"
    assert "hunter2" not in md
    # a long policy table comes after the section: a cut comment keeps the cost
    long = render_markdown(MarkdownInput(doc, "", policy=many_findings(3000), extra_sections=(("Cost", cost_markdown(s)),)))
    assert "This comment was cut" in long and "(**+$37.08**)" in long
    assert long.index("### Cost") < long.index("### Policy")


def many_findings(n: int) -> Report:
    rule = Rule("CKV_AWS_3", "EBS volume is encrypted", "r", "f", Severity.HIGH, ("aws_ebs_volume",), lambda r, p: PASSED,
                checkov_id="CKV_AWS_3")
    findings = [Finding(rule, PlannedResource(f"aws_ebs_volume.v[{i}]", "aws_ebs_volume.v", "", "managed", "aws_ebs_volume", "v",
                                              ("create",), {}, None), "unencrypted", Level.ADVISORY) for i in range(n)]
    return Report(findings=findings, passed=0, checked_resources=n)


def test_no_section_without_aws_resources(tmp_path: Path, run_sheath: Any) -> None:
    assert summarize_plan_cost(catalog(), {"planned_values": {"root_module": {"resources": [
        {"address": "terraform_data.a", "mode": "managed", "type": "terraform_data", "provider_name": "terraform.io/builtin/terraform", "values": {}},
    ]}}}) is None
    (tmp_path / "main.tf").write_text('resource "terraform_data" "a" {\n  input = 1\n}\n')
    assert run_sheath(["init"], tmp_path).returncode == 0
    r = run_sheath(["plan", "-out=tfplan", "-markdown=plan.md", "-no-color"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "### Cost" not in (tmp_path / "plan.md").read_text()
    r = run_sheath(["show", "-markdown", "tfplan"], tmp_path)
    assert r.returncode == 0 and "### Cost" not in r.stdout and "### Create (1)" in r.stdout
    # the gate's cost limit: nothing to price is a warning, not a failure
    (tmp_path / "sheath-policy.hcl").write_text("limits {\n  max_monthly_cost_increase = 0\n}\n")
    r = run_sheath(["plan", "-no-color"], tmp_path)
    assert r.returncode == 0, r.stderr
    out = " ".join((r.stdout + r.stderr).split())
    assert "Warning: Cost limit not checked" in out and "max_monthly_cost_increase = 0 was not checked: the plan has no AWS resource" in out


def test_cost_limit_passes_under_fails_over_and_warns_when_nothing_is_priced() -> None:
    doc = grow_plan()
    assert not check_cost_limit(doc, Decimal("37.09"))
    assert not check_cost_limit(doc, Decimal("37.082"))  # an increase equal to the limit passes
    over = check_cost_limit(doc, Decimal("37"))
    assert over.has_errors()
    assert over[0].summary == "Plan exceeds a guardrail"
    assert "by +$37.08 ($16.23 → $53.31), more than the limit of $37.00" in over[0].detail
    assert "1 unpriced resource(s) are not counted" in over[0].detail
    only_unpriced = plan_doc([], [CACHE])
    w = check_cost_limit(only_unpriced, Decimal("0"))
    assert not w.has_errors() and w[0].summary == "Cost limit not checked" and "has a price" in w[0].detail
    w = check_cost_limit({"planned_values": {"root_module": {"resources": []}}}, Decimal("0"))
    assert not w.has_errors() and "no AWS resource" in w[0].detail


def test_policy_check_applies_the_cost_limit(tmp_path: Path, run_sheath: Any) -> None:
    (tmp_path / "plan.json").write_text(json.dumps(grow_plan()))
    (tmp_path / "sheath-policy.hcl").write_text("limits {\n  max_monthly_cost_increase = 100\n}\n")
    r = run_sheath(["policy", "check", "-no-color", "plan.json"], tmp_path)
    assert r.returncode == 0, r.stderr
    (tmp_path / "sheath-policy.hcl").write_text("limits {\n  max_monthly_cost_increase = 20.5\n}\n")
    r = run_sheath(["policy", "check", "-no-color", "plan.json"], tmp_path)
    assert r.returncode == 1
    err = " ".join(r.stderr.split())
    assert "Plan exceeds a guardrail" in err and "+$37.08" in err and "limit of $20.50" in err
    (tmp_path / "sheath-policy.hcl").write_text('limits {\n  max_monthly_cost_increase = "lots"\n}\n')
    r = run_sheath(["policy", "check", "-no-color", "plan.json"], tmp_path)
    assert r.returncode == 1 and "Invalid limit" in r.stderr


# ---- with the real AWS provider against moto: plan -markdown, show -markdown, the gate ----

import pytest  # noqa: E402

from test_aws_e2e import Tools, e2e_env, ok, provider_hcl, tools  # noqa: E402,F401


@pytest.mark.oracle
@pytest.mark.slow  # about a minute: four plans with the AWS provider
def test_plan_markdown_and_cost_limit_with_plan_and_apply(tools: Tools, moto_server: str, tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(provider_hcl(moto_server, ("ec2", "sts")) + """
variable "secret" {
  type      = string
  sensitive = true
  default   = "hunter2-in-config"
}
resource "aws_ebs_volume" "data" {
  availability_zone = "us-east-1a"
  type              = "gp3"
  size              = 100
  tags              = { note = var.secret }
}
resource "aws_eip" "ip" {
  domain = "vpc"
}
""")
    ok(tools.sheath(["init", "-no-color"], tmp_path), "init")
    policy = tmp_path / "sheath-policy.hcl"
    policy.write_text("limits {\n  max_monthly_cost_increase = 10\n}\n")
    # 100 GB gp3 x $0.08 + public IPv4 $0.005 x 730 = $11.65 a month more, over $10
    over = tools.sheath(["plan", "-no-color"], tmp_path)
    assert over.returncode == 1
    err = " ".join(over.stderr.split())
    assert "Plan exceeds a guardrail" in err and "by +$11.65 ($0.00 → $11.65), more than the limit of $10.00" in err
    refused = tools.sheath(["apply", "-auto-approve", "-no-color"], tmp_path)
    assert refused.returncode == 1 and "more than the limit of $10.00" in " ".join(refused.stderr.split())
    assert "aws_ebs_volume.data: Creating" not in refused.stdout
    policy.write_text("limits {\n  max_monthly_cost_increase = 11.65\n}\n")
    ok(tools.sheath(["plan", "-out=tfplan", "-markdown=plan.md", "-no-color"], tmp_path), "plan under the limit")
    shown = ok(tools.sheath(["show", "-markdown", "tfplan"], tmp_path), "show -markdown")
    for md in (shown, (tmp_path / "plan.md").read_text()):
        assert "### Cost" in md and "Monthly cost: **$0.00** → **$11.65** (**+$11.65**)" in md
        assert "| `aws_ebs_volume.data` | $0.00 | $8.00 | +$8.00 |" in md
        assert "| `aws_eip.ip` | $0.00 | $3.65 | +$3.65 |" in md
        section = md[md.index("### Cost"):].split("\n### ")[0].split("<details>")[0].split("```")[0]
        assert "snapshot 2025-01.1 of 2025-01-15" in section
        assert "hunter2" not in section  # (the plan text shows tags_all as the provider plans it)
        assert [r[0] for r in _cells(section)] == ["Resource", "`aws_ebs_volume.data`", "`aws_eip.ip`"]
    ok(tools.sheath(["apply", "-auto-approve", "-no-color"], tmp_path), "apply under the limit")
