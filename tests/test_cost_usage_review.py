"""The usage file in review: the ``cost`` block of sheath-policy.hcl names an
Infracost-compatible usage file, and the "Cost" section of the pull-request Markdown and the
``max_monthly_cost_increase`` limit count the usage-based components it gives
(docs/cost.md). Hand-written plans (tests/test_cost_review.py's), no cloud."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from sheath.cli.views.review import cost_section
from sheath.cost.review import cost_markdown, summarize_plan_cost
from sheath.cost.settings import read_cost_usage
from sheath.policy.costlimit import check_cost_limit
from test_cost_review import catalog, grow_plan

# 1,000 GB through the NAT gateway at $0.045/GB: $45.00 more a month
USAGE = "version: 0.1\nresource_usage:\n  aws_nat_gateway.nat:\n    monthly_data_processed_gb: 1000\n"
COST_BLOCK = 'cost {\n  usage_file = "usage/infracost-usage.yml"\n}\n'


def _write_usage(root: Path, policy: str = COST_BLOCK) -> None:
    (root / "usage").mkdir(exist_ok=True)
    (root / "usage" / "infracost-usage.yml").write_text(USAGE)
    (root / "sheath-policy.hcl").write_text(policy)


def test_the_cost_block_names_the_usage_file_relative_to_its_directory(tmp_path: Path) -> None:
    usage, diags = read_cost_usage(str(tmp_path))
    assert usage is not None and usage.path == "" and not diags  # no sheath-policy.hcl: no usage
    (tmp_path / "sheath-policy.hcl").write_text("limits {\n  max_deletes = 1\n}\n")
    usage, diags = read_cost_usage(str(tmp_path))
    assert usage is not None and usage.path == "" and not diags  # no cost block: no usage
    _write_usage(tmp_path)
    usage, diags = read_cost_usage(str(tmp_path))
    assert not diags and usage is not None
    assert usage.path == str(tmp_path / "usage" / "infracost-usage.yml")
    assert usage.for_resource("aws_nat_gateway.nat", "aws_nat_gateway").number("monthly_data_processed_gb") == 1000


def test_a_usage_file_that_cannot_be_read_is_an_error_at_the_argument(tmp_path: Path) -> None:
    (tmp_path / "sheath-policy.hcl").write_text('cost {\n  usage_file = "missing.yml"\n}\n')
    usage, diags = read_cost_usage(str(tmp_path))
    assert usage is None and diags.has_errors()
    assert diags[0].summary == "Failed to read the usage file" and "missing.yml" in diags[0].detail
    assert diags[0].subject is not None and diags[0].subject.start.line == 2
    (tmp_path / "sheath-policy.hcl").write_text('cost {\n  usage = "x.yml"\n}\n')
    usage, diags = read_cost_usage(str(tmp_path))
    assert usage is None and diags[0].summary == "Unsupported argument"
    (tmp_path / "sheath-policy.hcl").write_text("cost {\n  usage_file = 3\n}\n")
    usage, diags = read_cost_usage(str(tmp_path))
    assert usage is None and diags[0].summary == "Invalid usage file"


def test_a_second_cost_block_is_an_error_not_ignored(tmp_path: Path) -> None:
    _write_usage(tmp_path)
    (tmp_path / "sheath-policy.hcl").write_text(
        'cost {\n  usage_file = "usage/infracost-usage.yml"\n}\ncost {\n  usage_file = "other.yml"\n}\n'
    )
    usage, diags = read_cost_usage(str(tmp_path))
    assert usage is None and [d.summary for d in diags] == ["Duplicate cost block"]
    assert diags[0].subject is not None and diags[0].subject.start.line == 4
    assert "sheath-policy.hcl:1" in diags[0].detail


def test_summary_and_markdown_count_the_usage(tmp_path: Path) -> None:
    _write_usage(tmp_path)
    usage, _ = read_cost_usage(str(tmp_path))
    without = summarize_plan_cost(catalog(), grow_plan())
    with_usage = summarize_plan_cost(catalog(), grow_plan(), usage=usage)
    assert without is not None and with_usage is not None
    assert without.diff == Decimal("37.082") and without.usage_pending == 1
    assert with_usage.diff == Decimal("82.082") and with_usage.after == Decimal("98.314") and with_usage.usage_pending == 0
    assert with_usage.changes[0].address == "aws_nat_gateway.nat" and with_usage.changes[0].after == Decimal("77.85")
    md = cost_markdown(with_usage)
    assert "Monthly cost: **$16.23** → **$98.31** (**+$82.08**)" in md
    assert "| `aws_nat_gateway.nat` | $0.00 | $77.85 | +$77.85 |" in md
    assert "Usage-based components counted with the usage of `infracost-usage.yml`." in md
    assert "not counted" not in md.replace("unpriced (not counted as $0)", "")
    assert "`usage_file` in the `cost` block of `sheath-policy.hcl` counts them" in cost_markdown(without)


def test_the_markdown_cost_section_reads_the_cost_block(tmp_path: Path) -> None:
    doc = grow_plan()
    (title, md), = cost_section(doc, str(tmp_path))
    assert title == "Cost" and "(**+$37.08**)" in md
    _write_usage(tmp_path)
    (title, md), = cost_section(doc, str(tmp_path))
    assert "(**+$82.08**)" in md and "| `aws_nat_gateway.nat` | $0.00 | $77.85 | +$77.85 |" in md
    (tmp_path / "usage" / "infracost-usage.yml").write_text("resource_usage: [1, 2]\n")
    (title, md), = cost_section(doc, str(tmp_path))
    assert md.startswith("**The usage file was not read, usage not counted** (Invalid usage file:")
    assert "(**+$37.08**)" in md


def test_the_cost_limit_counts_the_usage(tmp_path: Path) -> None:
    _write_usage(tmp_path)
    usage, _ = read_cost_usage(str(tmp_path))
    doc = grow_plan()
    assert not check_cost_limit(doc, Decimal("50"))  # $37.08 without usage
    over = check_cost_limit(doc, Decimal("50"), usage=usage)
    assert over.has_errors() and "by +$82.08 ($16.23 → $98.31), more than the limit of $50.00" in over[0].detail
    assert "counted with the usage of" in over[0].detail
    assert not check_cost_limit(doc, Decimal("82.082"), usage=usage)


def test_policy_check_applies_the_limit_with_the_usage(tmp_path: Path, run_sheath: Any) -> None:
    (tmp_path / "plan.json").write_text(json.dumps(grow_plan()))
    limits = "limits {\n  max_monthly_cost_increase = 50\n}\n"
    (tmp_path / "sheath-policy.hcl").write_text(limits)
    r = run_sheath(["policy", "check", "-no-color", "plan.json"], tmp_path)
    assert r.returncode == 0, r.stderr
    _write_usage(tmp_path, limits + COST_BLOCK)
    r = run_sheath(["policy", "check", "-no-color", "plan.json"], tmp_path)
    assert r.returncode == 1
    err = " ".join(r.stderr.split())
    assert "Plan exceeds a guardrail" in err and "+$82.08" in err and "limit of $50.00" in err
    (tmp_path / "usage" / "infracost-usage.yml").unlink()
    r = run_sheath(["policy", "check", "-no-color", "plan.json"], tmp_path)
    assert r.returncode == 1 and "Failed to read the usage file" in r.stderr and "Plan exceeds" not in r.stderr


# ---- with the real AWS provider against moto: plan, plan -markdown, show -markdown ----

import pytest  # noqa: E402

from test_aws_e2e import Tools, e2e_env, ok, provider_hcl, tools  # noqa: E402,F401


@pytest.mark.oracle
@pytest.mark.slow  # three plans with the AWS provider
def test_plan_and_show_markdown_and_the_gate_count_the_usage(tools: Tools, moto_server: str, tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(provider_hcl(moto_server, ("sqs", "sts")) + 'resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n')
    (tmp_path / "infracost-usage.yml").write_text("resource_usage:\n  aws_sqs_queue.q:\n    monthly_requests: 100000000\n")
    ok(tools.sheath(["init", "-no-color"], tmp_path), "init")
    policy = tmp_path / "sheath-policy.hcl"
    limits = "limits {\n  max_monthly_cost_increase = 10\n}\n"
    policy.write_text(limits)
    ok(tools.sheath(["plan", "-no-color"], tmp_path), "plan without usage: $0.00 counted")
    # 100 M requests (64 KB each) x $0.40 per million = $40.00 a month, over $10
    policy.write_text(limits + 'cost {\n  usage_file = "infracost-usage.yml"\n}\n')
    over = tools.sheath(["plan", "-no-color"], tmp_path)
    assert over.returncode == 1
    assert "by +$40.00 ($0.00 → $40.00), more than the limit of $10.00" in " ".join(over.stderr.split())
    policy.write_text('limits {\n  max_monthly_cost_increase = 40\n}\ncost {\n  usage_file = "infracost-usage.yml"\n}\n')
    ok(tools.sheath(["plan", "-out=tfplan", "-markdown=plan.md", "-no-color"], tmp_path), "plan at the limit")
    shown = ok(tools.sheath(["show", "-markdown", "tfplan"], tmp_path), "show -markdown")
    for md in (shown, (tmp_path / "plan.md").read_text()):
        assert "Monthly cost: **$0.00** → **$40.00** (**+$40.00**)" in md
        assert "| `aws_sqs_queue.q` | $0.00 | $40.00 | +$40.00 |" in md
        assert "Usage-based components counted with the usage of `infracost-usage.yml`." in md
