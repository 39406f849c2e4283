"""sheath cost (docs/cost.md): figures computed to the cent from AWS's published us-east-1
on-demand prices, the Infracost usage file, unpriced resources, plan before/after, and the
JSON and Markdown reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import SHEATH_CMD
from sheath.cost.catalog import load_catalog
from sheath.cost.estimate import Estimator, ResourceInput, plan_cost, state_resources
from sheath.cost.render import Report, render_markdown, report_to_json
from sheath.cost.usage import UsageFile, parse_usage_file

AWS = "registry.terraform.io/hashicorp/aws"


def resource(address: str, values: dict[str, Any]) -> dict[str, Any]:
    type_, name = address.split(".")[-2:]
    return {"address": address, "mode": "managed", "type": type_, "name": name, "provider_name": AWS, "values": values}


def state_doc(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"format_version": "1.0", "values": {"root_module": {"resources": list(resources)}}}


ARN = "arn:aws:ec2:us-east-1:123456789012:instance/i-1"
INSTANCE = resource("aws_instance.web", {
    "arn": ARN, "instance_type": "t3.micro", "tenancy": "default",
    "root_block_device": [{"volume_type": "gp3", "volume_size": 8, "iops": 3000, "throughput": 125}],
})
VOLUME = resource("aws_ebs_volume.data", {"availability_zone": "us-east-1a", "type": "gp3", "size": 100, "iops": 3000, "throughput": 125})
NAT = resource("aws_nat_gateway.nat", {"id": "nat-1"})
DB = resource("aws_db_instance.db", {
    "arn": "arn:aws:rds:us-east-1:123456789012:db:db", "instance_class": "db.t3.micro", "engine": "postgres",
    "multi_az": False, "allocated_storage": 20, "storage_type": "gp2",
})


def estimator(usage: UsageFile | None = None, region: str = "") -> Estimator:
    catalog, diags = load_catalog()
    assert catalog is not None, diags
    return Estimator(catalog, usage or UsageFile(), region)


def usage_file(text: str) -> UsageFile:
    uf, diags = parse_usage_file(text, "infracost-usage.yml")
    assert uf is not None and not diags.has_errors(), diags
    return uf


def cost(bd: Any, address: str) -> Decimal:
    r = bd.by_address()[address]
    assert r.priced, r.unpriced_reason
    return r.monthly_cost.quantize(Decimal("0.01"))


def test_published_prices_to_the_cent() -> None:
    bd = estimator().breakdown(state_resources(state_doc(INSTANCE, VOLUME, NAT, DB)))
    # t3.micro $0.0104/h x 730 = $7.592; its 8 GB gp3 root volume x $0.08 = $0.64
    inst = bd.by_address()["aws_instance.web"]
    assert [c.monthly_cost for c in inst.components] == [Decimal("7.592"), Decimal("0.64")]
    # gp3 $0.08 per GB-month, baseline IOPS and throughput free
    assert cost(bd, "aws_ebs_volume.data") == Decimal("8.00")
    assert len(bd.by_address()["aws_ebs_volume.data"].components) == 1
    # NAT gateway $0.045/h x 730 = $32.85 (data processed depends on usage: not counted)
    assert cost(bd, "aws_nat_gateway.nat") == Decimal("32.85")
    # db.t3.micro PostgreSQL single-AZ $0.018/h x 730 = $13.14, 20 GB gp2 x $0.115 = $2.30
    db = bd.by_address()["aws_db_instance.db"]
    assert [c.monthly_cost for c in db.components] == [Decimal("13.14"), Decimal("2.3")]
    assert bd.monthly_cost == Decimal("7.592") + Decimal("0.64") + Decimal("8") + Decimal("32.85") + Decimal("15.44")
    for r in bd.resources:
        assert r.region == "us-east-1"  # from the ARN, the AZ, and (NAT) the state's one region


def test_provisioned_iops_throughput_and_multi_az() -> None:
    vol = resource("aws_ebs_volume.fast", {"availability_zone": "us-east-1b", "type": "gp3", "size": 100, "iops": 6000, "throughput": 250})
    io2 = resource("aws_ebs_volume.io2", {"availability_zone": "us-east-1b", "type": "io2", "size": 100, "iops": 40000})
    db = resource("aws_db_instance.db", {**DB["values"], "multi_az": True, "engine": "mysql"})
    bd = estimator().breakdown(state_resources(state_doc(vol, io2, db)))
    # $8 storage + 3000 IOPS x $0.005 + 125 MiB/s x $0.04
    assert cost(bd, "aws_ebs_volume.fast") == Decimal("8.00") + Decimal("15.00") + Decimal("5.00")
    # io2: $12.50 storage + 32,000 IOPS x $0.065 + 8,000 x $0.0455
    assert cost(bd, "aws_ebs_volume.io2") == Decimal("12.50") + Decimal("2080.00") + Decimal("364.00")
    # db.t3.micro MySQL Multi-AZ $0.034/h x 730, 20 GB gp2 Multi-AZ x $0.23
    assert cost(bd, "aws_db_instance.db") == Decimal("24.82") + Decimal("4.60")


def test_usage_file_prices_usage_based_components() -> None:
    docs = state_doc(
        NAT,
        resource("aws_s3_bucket.logs", {"arn": "arn:aws:s3:::logs"}),
        resource("aws_lambda_function.fn", {"arn": "arn:aws:lambda:us-east-1:1:function:fn", "memory_size": 512, "architectures": ["x86_64"]}),
        resource("aws_sqs_queue.q", {"arn": "arn:aws:sqs:us-east-1:1:q", "fifo_queue": False}),
        resource("aws_dynamodb_table.t", {"arn": "arn:aws:dynamodb:us-east-1:1:table/t", "billing_mode": "PAY_PER_REQUEST"}),
    )
    without = estimator().breakdown(state_resources(docs))
    assert cost(without, "aws_nat_gateway.nat") == Decimal("32.85")
    assert all(c.monthly_cost is None for c in without.by_address()["aws_s3_bucket.logs"].components)
    assert without.by_address()["aws_lambda_function.fn"].usage_without_quantity
    uf = usage_file("""
version: 0.1
resource_type_default_usage:
  aws_sqs_queue:
    monthly_requests: 2000000
    request_size_kb: 128
resource_usage:
  aws_nat_gateway.nat:
    monthly_data_processed_gb: 100
  aws_s3_bucket.logs:
    standard:
      storage_gb: 100
      monthly_tier_1_requests: 10000
  aws_lambda_function.fn:
    monthly_requests: 1000000
    request_duration_ms: 500
  aws_dynamodb_table.t:
    monthly_write_request_units: 4000000
    monthly_read_request_units: 8000000
    storage_gb: 10
""")
    with_usage = estimator(uf).breakdown(state_resources(docs))
    assert cost(with_usage, "aws_nat_gateway.nat") == Decimal("32.85") + Decimal("4.50")
    # 100 GB x $0.023 + 10 x $0.005 per 1k PUTs
    assert cost(with_usage, "aws_s3_bucket.logs") == Decimal("2.30") + Decimal("0.05")
    # 1M requests x $0.20 + 1M x 0.5 s x 0.5 GB = 250,000 GB-s x $0.0000166667
    assert cost(with_usage, "aws_lambda_function.fn") == (Decimal("0.20") + Decimal("4.166675")).quantize(Decimal("0.01"))
    # 2M requests of 128 KB = 4M billed 64 KB chunks x $0.40 per million
    assert cost(with_usage, "aws_sqs_queue.q") == Decimal("1.60")
    # 4M WRU x $0.625/M + 8M RRU x $0.125/M + 10 GB x $0.25
    assert cost(with_usage, "aws_dynamodb_table.t") == Decimal("2.50") + Decimal("1.00") + Decimal("2.50")


def test_unpriced_types_regions_and_classes_are_listed_never_zero() -> None:
    bd = estimator().breakdown(state_resources(state_doc(
        INSTANCE,
        resource("aws_elasticache_cluster.c", {"arn": "arn:aws:elasticache:us-east-1:1:cluster:c"}),
        resource("aws_instance.eu", {**INSTANCE["values"], "arn": "arn:aws:ec2:eu-west-1:1:instance/i-2"}),
        resource("aws_instance.odd", {**INSTANCE["values"], "instance_type": "u-6tb1.metal"}),
        resource("aws_vpc.v", {"id": "vpc-1"}),
        {**resource("random_id.r", {"hex": "ab"}), "provider_name": "registry.terraform.io/hashicorp/random"},
    )))
    unpriced = {r.address: r.unpriced_reason for r in bd.unpriced}
    assert set(unpriced) == {"aws_elasticache_cluster.c", "aws_instance.eu"}
    assert "eu-west-1" in unpriced["aws_instance.eu"]
    odd = bd.by_address()["aws_instance.odd"]
    assert odd.components[0].price is None and odd.components[0].monthly_cost is None
    assert bd.free == (("aws_vpc.v", "aws_vpc"),)
    assert bd.other_providers == ("random_id.r",)
    # only what has a price is counted: the t3.micro with its root volume, and the unpriced type's root volume
    assert bd.monthly_cost == Decimal("7.592") + 2 * Decimal("0.64")
    doc = report_to_json(Report(estimator().catalog, ".", bd))
    listed = {r["name"] for r in doc["projects"][0]["unpricedResources"]}
    assert listed == {"aws_elasticache_cluster.c", "aws_instance.eu"}
    assert "aws_elasticache_cluster.c" not in {r["name"] for r in doc["projects"][0]["breakdown"]["resources"]}
    assert doc["summary"]["unsupportedResourceCounts"] == {"aws_elasticache_cluster": 1, "aws_instance": 1}


def plan_doc(prior: list[dict[str, Any]], planned: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "prior_state": state_doc(*prior),
        "planned_values": {"root_module": {"resources": planned}},
        "configuration": {"provider_config": {"aws": {"name": "aws", "expressions": {"region": {"constant_value": "us-east-1"}}}}},
    }


def test_plan_before_after_diff_and_json_shape() -> None:
    bigger = resource("aws_instance.web", {"instance_type": "t3.small", "tenancy": "default"})
    new_nat = resource("aws_nat_gateway.nat", {})
    est = estimator()
    pc = plan_cost(est, plan_doc([INSTANCE, VOLUME], [bigger, new_nat]))
    assert pc.past.monthly_cost == Decimal("7.592") + Decimal("0.64") + Decimal("8")
    # t3.small $0.0208/h (root volume unknown until apply: not counted) + NAT $32.85; region from the provider
    assert pc.planned.monthly_cost == Decimal("15.184") + Decimal("32.85")
    assert pc.diff == Decimal("15.184") + Decimal("32.85") - Decimal("16.232")
    doc = report_to_json(Report.of_plan(est.catalog, "tfplan", pc, "", "2026-01-01T00:00:00Z"))
    assert doc["version"] == "0.2" and doc["currency"] == "USD"
    assert doc["totalMonthlyCost"] == "48.034"
    assert doc["pastTotalMonthlyCost"] == "16.232"
    assert doc["diffTotalMonthlyCost"] == "31.802"
    assert doc["metadata"]["priceSnapshot"]["date"] == est.catalog.date
    project = doc["projects"][0]
    assert project["pastBreakdown"]["totalMonthlyCost"] == "16.232"
    web = next(r for r in project["breakdown"]["resources"] if r["name"] == "aws_instance.web")
    comp = web["costComponents"][0]
    assert set(comp) >= {"name", "unit", "hourlyQuantity", "monthlyQuantity", "price", "hourlyCost", "monthlyCost"}
    assert comp == {**comp, "unit": "hours", "hourlyQuantity": "1", "monthlyQuantity": "730", "price": "0.0208",
                    "hourlyCost": "0.0208", "monthlyCost": "15.184"}
    md = render_markdown(Report.of_plan(est.catalog, "tfplan", pc))
    assert "| `aws_instance.web` | $8.23 | $15.18 | +$6.95 |" in md
    assert "| `aws_ebs_volume.data` | $8.00 | $0.00 | -$8.00 |" in md
    assert "| **Total** | **$16.23** | **$48.03** | **+$31.80** |" in md
    assert est.catalog.date in md


def test_plan_regions_follow_provider_aliases_and_modules() -> None:
    doc = plan_doc([], [resource("aws_nat_gateway.east", {}), resource("aws_nat_gateway.west", {}),
                        resource('module.m["a"].aws_nat_gateway.n', {})])
    doc["configuration"] = {
        "provider_config": {
            "aws": {"name": "aws", "expressions": {"region": {"constant_value": "us-east-1"}}},
            "aws.west": {"name": "aws", "alias": "west", "expressions": {"region": {"constant_value": "us-west-2"}}},
        },
        "root_module": {
            "resources": [
                {"address": "aws_nat_gateway.east", "mode": "managed", "provider_config_key": "aws"},
                {"address": "aws_nat_gateway.west", "mode": "managed", "provider_config_key": "aws.west"},
            ],
            "module_calls": {"m": {"module": {"resources": [
                {"address": "aws_nat_gateway.n", "mode": "managed", "provider_config_key": "aws.west"}]}}},
        },
    }
    pc = plan_cost(estimator(), doc)
    assert cost(pc.planned, "aws_nat_gateway.east") == Decimal("32.85")
    unpriced = {r.address: r.unpriced_reason for r in pc.planned.unpriced}
    assert set(unpriced) == {"aws_nat_gateway.west", 'module.m["a"].aws_nat_gateway.n'}
    assert all("us-west-2" in reason for reason in unpriced.values())


def test_usage_file_wildcard_and_errors() -> None:
    uf = usage_file("resource_usage:\n  module.m.aws_sqs_queue.q[*]:\n    monthly_requests: 5\n")
    assert uf.for_resource('module.m.aws_sqs_queue.q["a"]', "aws_sqs_queue").number("monthly_requests") == 5
    bad, diags = parse_usage_file("resource_usage: [1, 2]\n", "u.yml")
    assert bad is None and diags.has_errors()


# ---- the command -------------------------------------------------------------------


def write_state(d: Path, *resources: dict[str, Any]) -> None:
    rs = []
    for r in resources:
        rs.append({"mode": "managed", "type": r["type"], "name": r["name"],
                   "provider": f'provider["{AWS}"]', "instances": [{"schema_version": 0, "attributes": r["values"]}]})
    (d / "terraform.tfstate").write_text(json.dumps(
        {"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "l", "outputs": {}, "resources": rs}))


def sheath(d: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SHEATH_CMD, *args], cwd=d, capture_output=True, text=True, timeout=120)


def test_cli_state_total_json_markdown_and_usage_file(tmp_path: Path) -> None:
    write_state(tmp_path, INSTANCE, NAT, DB, resource("aws_elasticache_cluster.c", {"arn": "arn:aws:elasticache:us-east-1:1:cluster:c"}))
    r = sheath(tmp_path, "cost", "-no-color")
    assert r.returncode == 0, r.stderr
    assert "Total monthly cost: $56.52" in r.stdout  # 7.59 + 0.64 + 32.85 + 13.14 + 2.30
    assert "aws_elasticache_cluster.c" in r.stdout and "unpriced" in r.stdout
    assert "snapshot 2025-01.1 of 2025-01-15" in r.stdout
    (tmp_path / "u.yml").write_text("resource_usage:\n  aws_nat_gateway.nat:\n    monthly_data_processed_gb: 1000\n")
    j = sheath(tmp_path, "cost", "-json", "-usage-file=u.yml")
    assert j.returncode == 0, j.stderr
    doc = json.loads(j.stdout)
    assert doc["totalMonthlyCost"] == "101.522"  # + 1000 GB x $0.045
    assert doc["pastTotalMonthlyCost"] is None and doc["diffTotalMonthlyCost"] is None
    assert doc["metadata"]["usageFile"] == "u.yml"
    m = sheath(tmp_path, "cost", "-markdown")
    assert m.returncode == 0, m.stderr
    assert "| **Total** | **$56.52** |" in m.stdout and "| `aws_elasticache_cluster.c` | unpriced |" in m.stdout
    for args, message in (
        (["-json", "-markdown"], "mutually-exclusive"),
        (["-usage-file=missing.yml"], "Failed to read the usage file"),
        (["a", "b"], "Too many command line arguments"),
        (["p.tfplan", "-json"], "sheath cost -json p.tfplan"),
        (["-bogus"], "flag provided but not defined"),
        (["nope.tfplan"], "Failed to read the plan file"),
    ):
        e = sheath(tmp_path, "cost", "-no-color", *args)
        assert e.returncode == 1 and message in " ".join((e.stderr + e.stdout).split()), (args, e.stderr)


def test_cli_reads_the_cost_block_of_sheath_policy_and_the_flag_wins(tmp_path: Path) -> None:
    write_state(tmp_path, INSTANCE, NAT, DB)
    (tmp_path / "usage").mkdir()
    (tmp_path / "usage" / "block.yml").write_text("resource_usage:\n  aws_nat_gateway.nat:\n    monthly_data_processed_gb: 1000\n")
    (tmp_path / "flag.yml").write_text("resource_usage:\n  aws_nat_gateway.nat:\n    monthly_data_processed_gb: 100\n")
    (tmp_path / "sheath-policy.hcl").write_text('cost {\n  usage_file = "usage/block.yml"\n}\n')
    j = sheath(tmp_path, "cost", "-json")
    assert j.returncode == 0, j.stderr
    doc = json.loads(j.stdout)
    assert doc["totalMonthlyCost"] == "101.522"  # 56.522 + 1000 GB x $0.045, from the cost block
    assert doc["metadata"]["usageFile"] == os.path.join("usage", "block.yml")
    h = sheath(tmp_path, "cost", "-no-color")
    assert h.returncode == 0 and "Total monthly cost: $101.52" in h.stdout
    j = sheath(tmp_path, "cost", "-json", "-usage-file=flag.yml")  # the flag wins over the block
    assert j.returncode == 0, j.stderr
    doc = json.loads(j.stdout)
    assert doc["totalMonthlyCost"] == "61.022" and doc["metadata"]["usageFile"] == "flag.yml"
    # an unreadable usage file named by the block: the same error as from the cost block in plan or policy check
    (tmp_path / "usage" / "block.yml").unlink()
    e = sheath(tmp_path, "cost", "-no-color")
    err = " ".join(e.stderr.split())
    assert e.returncode == 1 and "Failed to read the usage file" in err and "sheath-policy.hcl line 2" in err, e.stderr
    assert e.stdout == ""
    assert sheath(tmp_path, "cost", "-json", "-usage-file=flag.yml").returncode == 0  # not read when the flag is given
    (tmp_path / "sheath-policy.hcl").write_text('cost {\n  usage = "x.yml"\n}\n')
    e = sheath(tmp_path, "cost", "-no-color")
    assert e.returncode == 1 and "Unsupported argument" in e.stderr


# ---- rebuilding the snapshot from AWS's price list files ---------------------------

EC2_CSV_HEADER = ("SKU,OfferTermCode,RateCode,TermType,PriceDescription,EffectiveDate,StartingRange,EndingRange,Unit,"
                  "PricePerUnit,Currency,Product Family,serviceCode,Location,Instance Type,Tenancy,Operating System,"
                  "License Model,Pre Installed S/W,CapacityStatus,Volume API Name,Group,usageType")


def ec2_csv() -> str:
    meta = '"FormatVersion","v1.0"\n"Disclaimer","..."\n"Publication Date","2026-11-30T00:00:00Z"\n"Version","x"\n"OfferCode","AmazonEC2"\n'
    rows = [
        "A,JRTC,A.1,OnDemand,t3.micro,2026-11-01,0,Inf,Hrs,0.0111,USD,Compute Instance,AmazonEC2,US East (N. Virginia),t3.micro,Shared,Linux,No License required,NA,Used,,,BoxUsage:t3.micro",
        "B,JRTC,B.1,OnDemand,win,2026-11-01,0,Inf,Hrs,0.0196,USD,Compute Instance,AmazonEC2,US East (N. Virginia),t3.micro,Shared,Windows,No License required,NA,Used,,,BoxUsage:t3.micro",
        "C,JRTC,C.1,Reserved,ri,2026-11-01,0,Inf,Hrs,0.0065,USD,Compute Instance,AmazonEC2,US East (N. Virginia),t3.micro,Shared,Linux,No License required,NA,Used,,,BoxUsage:t3.micro",
        "D,JRTC,D.1,OnDemand,gp3,2026-11-01,0,Inf,GB-Mo,0.09,USD,Storage,AmazonEC2,US East (N. Virginia),,,,,,,gp3,,EBS:VolumeUsage.gp3",
        "E,JRTC,E.1,OnDemand,nat,2026-11-01,0,Inf,Hrs,0.05,USD,NAT Gateway,AmazonEC2,US East (N. Virginia),,,,,,,,NGW:NatGateway,NatGateway-Hours",
    ]
    return meta + EC2_CSV_HEADER + "\n" + "\n".join(rows) + "\n"


def rds_json() -> dict[str, Any]:
    return {
        "products": {"S1": {"sku": "S1", "productFamily": "Database Instance", "attributes": {
            "instanceType": "db.t3.micro", "databaseEngine": "PostgreSQL", "deploymentOption": "Multi-AZ"}}},
        "terms": {"OnDemand": {"S1": {"S1.T": {"priceDimensions": {"S1.T.D": {
            "unit": "Hrs", "pricePerUnit": {"USD": "0.0370000000"}, "beginRange": "0", "description": "x"}}}}}},
    }


def test_rebuild_from_price_list_files(tmp_path: Path) -> None:
    offers = tmp_path / "offers"
    offers.mkdir()
    (offers / "AmazonEC2-us-east-1.csv").write_text(ec2_csv())
    (offers / "AmazonRDS-us-east-1.json").write_text(json.dumps(rds_json()))
    snapshot = tmp_path / "prices.json"
    snapshot.write_text((Path(__file__).parent.parent / "src" / "sheath" / "cost" / "prices.json").read_text())
    script = Path(__file__).parent.parent / "scripts" / "build_prices.py"
    r = subprocess.run([sys.executable, str(script), "--from-dir", str(offers), "--snapshot", str(snapshot), "--date", "2026-12-01"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    catalog, _ = load_catalog(str(snapshot))
    assert catalog is not None and catalog.date == "2026-12-01" and catalog.version == "2026-12-01.1"
    assert catalog.price("us-east-1", "ec2_instance_linux_hour", "t3.micro") == Decimal("0.0111")  # not Windows, not reserved
    assert catalog.price("us-east-1", "ebs", "gp3.storage_gb_month") == Decimal("0.09")
    assert catalog.price("us-east-1", "vpc", "nat_gateway.hour") == Decimal("0.05")
    assert catalog.price("us-east-1", "rds_instance_hour", "postgres", "db.t3.micro", "multi_az") == Decimal("0.037")
    # what the files do not give is kept
    assert catalog.price("us-east-1", "ec2_instance_linux_hour", "m5.large") == Decimal("0.096")
    assert catalog.price("us-east-1", "kms", "customer_key_month") == Decimal("1")
    doc = json.loads(snapshot.read_text())
    assert "AmazonEC2" in doc["sources"]["us-east-1/ec2_instance_linux_hour"]


# ---- with the real AWS provider against moto ---------------------------------------

from test_aws_e2e import Tools, e2e_env, ok, provider_hcl, tools  # noqa: E402,F401


def cost_config(url: str, prefix: str, size: int, with_queue: bool) -> str:
    queue = f'resource "aws_sqs_queue" "q" {{\n  name = "{prefix}-q"\n}}\n' if with_queue else ""
    return provider_hcl(url, ("ec2", "sqs", "sts")) + f"""
resource "aws_ebs_volume" "data" {{
  availability_zone = "us-east-1a"
  type              = "gp3"
  size              = {size}
}}
resource "aws_eip" "ip" {{
  domain = "vpc"
}}
{queue}"""


@pytest.mark.slow  # 40-60 s against moto (CI time): run with -m slow
@pytest.mark.oracle
def test_cost_of_an_applied_state_and_a_saved_plan_against_moto(tools: Tools, moto_server: str, tmp_path: Path) -> None:
    prefix = "cost" + tmp_path.name[-6:].replace("_", "")
    (tmp_path / "main.tf").write_text(cost_config(moto_server, prefix, 100, False))
    ok(tools.sheath(["init", "-no-color"], tmp_path), "init")
    ok(tools.sheath(["apply", "-auto-approve", "-no-color"], tmp_path), "apply")
    state = json.loads(ok(tools.sheath(["cost", "-json"], tmp_path), "cost"))
    # 100 GB gp3 x $0.08 + public IPv4 $0.005 x 730
    assert state["totalMonthlyCost"] == "11.65"
    names = {r["name"] for r in state["projects"][0]["breakdown"]["resources"]}
    assert names == {"aws_ebs_volume.data", "aws_eip.ip"}
    assert all(r["metadata"]["region"] == "us-east-1" for r in state["projects"][0]["breakdown"]["resources"])
    # grow the volume, add a queue with usage, destroy the address
    (tmp_path / "main.tf").write_text(cost_config(moto_server, prefix, 200, True).replace(
        'resource "aws_eip" "ip" {\n  domain = "vpc"\n}\n', ""))
    ok(tools.sheath(["plan", "-out=tfplan", "-no-color"], tmp_path), "plan")
    (tmp_path / "infracost-usage.yml").write_text("resource_usage:\n  aws_sqs_queue.q:\n    monthly_requests: 10000000\n")
    plan = json.loads(ok(tools.sheath(["cost", "-json", "-usage-file=infracost-usage.yml", "tfplan"], tmp_path), "cost plan"))
    assert plan["pastTotalMonthlyCost"] == "11.65"
    # 200 GB x $0.08 + 10M SQS requests x $0.40 per million
    assert plan["totalMonthlyCost"] == "20"
    assert plan["diffTotalMonthlyCost"] == "8.35"
    md = ok(tools.sheath(["cost", "-markdown", "tfplan"], tmp_path), "cost markdown")
    assert "| `aws_eip.ip` | $3.65 | $0.00 | -$3.65 |" in md
    assert "| `aws_ebs_volume.data` | $8.00 | $16.00 | +$8.00 |" in md
