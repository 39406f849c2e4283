"""sheath ui's cost view over HTTP: the estimate ``sheath cost`` prints (the shipped price
snapshot, no network) for an applied state of AWS resources and a saved plan of them,
before and after, per resource and component; unpriced resources listed, never $0;
usage-based components flagged; sensitive values never in the document."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from conftest import SHEATH_CMD
from test_ui_plan import request
from ui_fixture import serving

AWS = "registry.terraform.io/hashicorp/aws"
SECRET = "pw-9c41-s3cret"
SECRET_CLASS = "db.t3.micro"  # a sensitive instance class: the component naming it is masked

INSTANCE = {"arn": "arn:aws:ec2:us-east-1:123456789012:instance/i-1", "instance_type": "t3.micro", "tenancy": "default",
            "root_block_device": [{"volume_type": "gp3", "volume_size": 8, "iops": 3000, "throughput": 125}]}
NAT = {"id": "nat-1"}
DB = {"arn": "arn:aws:rds:us-east-1:123456789012:db:db", "instance_class": SECRET_CLASS, "engine": "postgres",
      "multi_az": False, "allocated_storage": 20, "storage_type": "gp2", "password": SECRET}
CACHE = {"arn": "arn:aws:elasticache:us-east-1:1:cluster:c"}
VOLUME = {"availability_zone": "us-east-1a", "type": "gp3", "size": 100, "iops": 3000, "throughput": 125}
QUEUE = {"arn": "arn:aws:sqs:us-east-1:123456789012:q", "name": "q"}

SENSITIVE_DB = [[{"type": "get_attr", "value": "password"}], [{"type": "get_attr", "value": "instance_class"}]]


def _instance(attrs: dict[str, Any], sensitive: list[Any] | None = None, module: str = "") -> dict[str, Any]:
    return {"schema_version": 0, "attributes": attrs, "sensitive_attributes": sensitive or []}


def _resource(type_: str, name: str, attrs: dict[str, Any], sensitive: list[Any] | None = None, module: str = "") -> dict[str, Any]:
    r: dict[str, Any] = {"mode": "managed", "type": type_, "name": name, "provider": f'provider["{AWS}"]',
                         "instances": [_instance(attrs, sensitive)]}
    if module:
        r["module"] = module
    return r


def state_json() -> dict[str, Any]:
    return {"version": 4, "terraform_version": "1.11.4", "serial": 3, "lineage": "5d1f0e8e-0000-4000-8000-00000000c057", "outputs": {},
            "resources": [
                _resource("aws_instance", "web", INSTANCE),
                _resource("aws_nat_gateway", "nat", NAT, module="module.net"),
                _resource("aws_db_instance", "db", DB, SENSITIVE_DB),
                _resource("aws_elasticache_cluster", "c", CACHE),
                _resource("aws_ebs_volume", "data", VOLUME),
            ]}


def write_cost_workdir(root: Path, with_plan: bool = True) -> Path:
    """The state above (priced from its ARNs and zones, no provider needed), and a saved
    plan of it: the volume grows to 200 GB, the NAT gateway is destroyed, a queue created."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "main.tf").write_text('terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n')
    (root / "terraform.tfstate").write_text(json.dumps(state_json()))
    if with_plan:
        (root / "tfplan").write_bytes(plan_file_bytes())
    return root


def plan_file_bytes() -> bytes:
    from sheath.plans.model import Action, Plan, ResourceInstanceChange
    from sheath.plans.planfile import write_plan_file
    from sheath.states.statefile import read_state_file
    from sheath.types.cty import SENSITIVE, null, object_val
    from sheath.types.pyvalue import from_python

    sf, diags = read_state_file(json.dumps(state_json()).encode())
    assert sf is not None, diags
    pcfg = f'provider["{AWS}"]'

    def change(addr: str, action: Action, before: Any, after: Any, module: str = "") -> ResourceInstanceChange:
        type_, name = addr.split(".")[-2:]
        return ResourceInstanceChange(
            address=addr, mode="managed", type=type_, name=name, action=action, module_address=module,
            before=null() if before is None else from_python(before), after=null() if after is None else from_python(after),
            provider_name=AWS, provider_config_addr=pcfg,
        )

    changes = [
        change("aws_ebs_volume.data", Action.UPDATE, VOLUME, {**VOLUME, "size": 200}),
        change("module.net.aws_nat_gateway.nat", Action.DELETE, NAT, None, "module.net"),
        change("aws_sqs_queue.q", Action.CREATE, None, QUEUE),
    ]
    for addr, attrs in (("aws_instance.web", INSTANCE), ("aws_elasticache_cluster.c", CACHE)):
        changes.append(change(addr, Action.NO_OP, attrs, attrs))
    db = from_python(DB).attrs()
    db = {k: v.mark(SENSITIVE) if k in ("password", "instance_class") else v for k, v in db.items()}
    changes.append(change("aws_db_instance.db", Action.NO_OP, None, None))
    changes[-1].before = changes[-1].after = object_val(db)
    return write_plan_file(Plan(changes=changes, prior_state=sf))


def test_cost_of_the_state_and_the_saved_plan(tmp_path: Path) -> None:
    work = write_cost_workdir(tmp_path / "work")
    cli = subprocess.run([*SHEATH_CMD, "cost", "-json"], cwd=work, capture_output=True, text=True, timeout=120)
    assert cli.returncode == 0, cli.stderr
    cli_doc = json.loads(cli.stdout)
    with serving(work) as url:
        status, doc, body = request(url + "/api/cost")
        assert status == 200, doc
        assert SECRET not in body and SECRET_CLASS not in body
        assert doc["error"] is False
        assert doc["snapshot"]["version"] == "2025-01.1" and doc["snapshot"]["date"] == "2025-01-15"
        state = doc["state"]
        # the same estimate as sheath cost -json: 7.592 + 0.64 + 32.85 + 13.14 + 2.30 + 8.00
        assert state["monthly_cost"] == cli_doc["totalMonthlyCost"] == "64.522"
        assert doc["infracost"]["totalMonthlyCost"] == cli_doc["totalMonthlyCost"]
        rows = {r["address"]: r for r in state["resources"]}
        assert sorted(rows) == ["aws_db_instance.db", "aws_ebs_volume.data", "aws_instance.web", "module.net.aws_nat_gateway.nat"]
        web = rows["aws_instance.web"]
        assert [(c["after"]["monthly_cost"]) for c in web["components"]] == ["7.592", "0.64"]
        assert web["module"] == "" and rows["module.net.aws_nat_gateway.nat"]["module"] == "module.net"
        # the NAT gateway's data processed depends on usage: flagged, not counted
        assert rows["module.net.aws_nat_gateway.nat"]["usage_pending"] is True
        assert "module.net.aws_nat_gateway.nat" in state["usage_pending"]
        pending = [c for c in rows["module.net.aws_nat_gateway.nat"]["components"] if c.get("usage_pending")]
        assert pending and pending[0]["after"]["counted"] is False and pending[0]["after"]["monthly_cost"] is None
        # unpriced: listed with the reason, never $0
        assert [(u["address"], u["reason"]) for u in state["unpriced"]] == [
            ("aws_elasticache_cluster.c", "aws_elasticache_cluster is not in sheath's price snapshot")]
        assert "aws_elasticache_cluster.c" not in rows
        # the sensitive instance class is masked where a component names it
        db_names = [c["name"] for c in rows["aws_db_instance.db"]["components"]]
        assert any("(sensitive value)" in n for n in db_names), db_names
        assert {t["type"]: t["monthly_cost"] for t in state["by_type"]}["aws_nat_gateway"] == "32.85"
        assert {m["module"]: m["monthly_cost"] for m in state["by_module"]} == {"": "31.672", "module.net": "32.85"}

        plan = doc["plan_cost"]
        assert doc["plan_source"] == "file=tfplan" and plan["source"] == {"kind": "file", "name": "tfplan"}
        cli_plan = json.loads(subprocess.run([*SHEATH_CMD, "cost", "-json", "tfplan"], cwd=work, capture_output=True, text=True, timeout=120).stdout)
        p = plan["plan"]
        assert p["past_monthly_cost"] == cli_plan["pastTotalMonthlyCost"] == "64.522"
        assert p["monthly_cost"] == cli_plan["totalMonthlyCost"]
        assert p["diff_monthly_cost"] == cli_plan["diffTotalMonthlyCost"] == "-24.85"  # +8.00 for 100 GB, -32.85 for the NAT
        prow = {r["address"]: r for r in p["resources"]}
        assert (prow["aws_ebs_volume.data"]["before"], prow["aws_ebs_volume.data"]["after"], prow["aws_ebs_volume.data"]["diff"]) == ("8", "16", "8")
        assert prow["aws_ebs_volume.data"]["change"] == "update"
        nat = prow["module.net.aws_nat_gateway.nat"]
        assert (nat["change"], nat["before"], nat["after"], nat["diff"]) == ("delete", "32.85", "0", "-32.85")
        q = prow["aws_sqs_queue.q"]
        assert q["change"] == "create" and q["usage_based"] and q["usage_pending"] and q["after"] is None and q["diff"] is None  # depends on usage: not counted
        assert prow["aws_instance.web"]["change"] == "no-op"
        assert SECRET not in json.dumps(plan)

        assert request(url + "/api/cost?plan=none")[1]["plan_cost"] is None
        assert request(url + "/api/cost?plan=file=nope")[0] == 404
        assert request(url + "/api/cost?plan=fresh=1")[0] == 404
        assert request(url + "/api/cost?plan=bogus")[0] == 400
    assert json.loads((work / "terraform.tfstate").read_text()) == state_json()  # read-only


def test_cost_without_a_state_or_a_plan(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "terraform_data" "t" {}\n')
    with serving(tmp_path) as url:
        status, doc, _ = request(url + "/api/cost")
        assert status == 200 and doc["error"] is False
        assert doc["state"]["monthly_cost"] == "0" and doc["state"]["resources"] == [] and doc["plan_cost"] is None


def test_cost_of_the_plan_made_with_the_plan_button(tmp_path: Path) -> None:
    """Without a saved plan, the cost view prices the Plan button's plan (kept in memory as a
    plan file, never written): terraform_data is another provider's, listed, not priced."""
    from test_ui_plan import write_plan_workdir

    root = write_plan_workdir(tmp_path)
    with serving(root) as url:
        assert request(url + "/api/cost")[1]["plan_cost"] is None  # no plan yet
        status, doc, _ = request(url + "/api/plan", method="POST", headers={"X-Sheath-UI": "plan"})
        assert status == 200 and doc["errored"] is False
        status, cost, _ = request(url + "/api/cost")
        assert status == 200 and cost["plan_source"] == "fresh=1"
        pc = cost["plan_cost"]
        assert pc["error"] is False and pc["source"] == doc["source"]
        assert pc["plan"]["monthly_cost"] == "0" and pc["plan"]["resources"] == []
        assert "terraform_data.new" in pc["plan"]["other_providers"]
        assert request(url + "/api/cost?plan=fresh=1")[1]["plan_cost"]["source"] == doc["source"]
    assert sorted(p.name for p in root.iterdir() if p.suffix in ("", ".tfplan") and p.is_file()) == []


COST_USAGE = ("resource_usage:\n  module.net.aws_nat_gateway.nat:\n    monthly_data_processed_gb: 1000\n"
              "  aws_sqs_queue.q:\n    monthly_requests: 10000000\n")


def test_cost_counts_the_usage_of_the_cost_block_as_the_markdown_does(tmp_path: Path) -> None:
    """The cost block of sheath-policy.hcl names the usage file: the page, sheath cost and
    the pull-request Markdown of the same plan count the same usage-based components."""
    work = write_cost_workdir(tmp_path / "work")
    (work / "usage").mkdir()
    (work / "usage" / "u.yml").write_text(COST_USAGE)
    (work / "sheath-policy.hcl").write_text('cost {\n  usage_file = "usage/u.yml"\n}\n')
    cli = json.loads(subprocess.run([*SHEATH_CMD, "cost", "-json", "tfplan"], cwd=work, capture_output=True, text=True, timeout=120).stdout)
    md = subprocess.run([*SHEATH_CMD, "show", "-markdown", "tfplan"], cwd=work, capture_output=True, text=True, timeout=120)
    assert md.returncode == 0, md.stderr
    with serving(work) as url:
        status, doc, body = request(url + "/api/cost")
        assert status == 200 and doc["error"] is False and not doc["diagnostics"], doc["diagnostics"]
        assert doc["usage"] == {"file": "usage/u.yml", "read": True} and doc["plan_cost"]["usage"] == doc["usage"]
        # the state: 64.522 + 1,000 GB through the NAT gateway x $0.045
        assert doc["state"]["monthly_cost"] == "109.522" and doc["state"]["usage_pending"] == []
        assert doc["infracost"]["metadata"]["usageFile"] == "usage/u.yml"
        p = doc["plan_cost"]["plan"]
        # the NAT gateway (77.85 with its usage) destroyed, 10 M requests to the new queue ($4.00), +100 GB gp3 ($8)
        assert p["past_monthly_cost"] == cli["pastTotalMonthlyCost"] == "109.522"
        assert p["monthly_cost"] == cli["totalMonthlyCost"] == "43.672"
        assert p["diff_monthly_cost"] == cli["diffTotalMonthlyCost"] == "-65.85"
        assert {r["address"]: r["diff"] for r in p["resources"]}["aws_sqs_queue.q"] == "4"
        assert "Monthly cost: **$109.52** → **$43.67** (**-$65.85**)" in md.stdout
        assert "| `aws_sqs_queue.q` | $0.00 | $4.00 | +$4.00 |" in md.stdout
        assert "Usage-based components counted with the usage of `u.yml`." in md.stdout
        assert SECRET not in body

        # a usage file that cannot be read: an error diagnostic at the argument, no usage counted
        (work / "usage" / "u.yml").unlink()
        status, doc, _ = request(url + "/api/cost")
        assert status == 200 and doc["usage"] == {"file": None, "read": False}
        (d,) = doc["diagnostics"]
        assert d["severity"] == "error" and d["summary"] == "Failed to read the usage file"
        assert doc["state"]["monthly_cost"] == "64.522" and doc["plan_cost"]["plan"]["diff_monthly_cost"] == "-24.85"
        assert not doc["plan_cost"]["diagnostics"]  # said once, in the state's document


def test_a_short_secret_is_masked_only_where_it_stands_as_a_value(tmp_path: Path) -> None:
    """A sensitive password "db" must not garble the addresses, module names and instance
    classes that contain "db" (aws_db_instance.db, module.db, db.t3.micro); a component text
    where "db" is a value (the name of a DynamoDB index) is masked."""
    from sheath.ui.cost import masked_text

    assert masked_text("Database instance (on-demand, Single-AZ, PostgreSQL, db.t3.micro)", {"db"}).endswith("db.t3.micro)")
    assert masked_text("Global secondary index db: WCU", {"db"}) == "Global secondary index (sensitive value): WCU"
    assert masked_text("Application load balancer", {"application"}) == "(sensitive value) load balancer"
    assert masked_text("Storage (gp3)", {"gp3"}) == "Storage ((sensitive value))"

    work = tmp_path / "work"
    work.mkdir()
    (work / "main.tf").write_text('terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n')
    db = {**DB, "instance_class": "db.t3.micro", "password": "db"}
    table = {"arn": "arn:aws:dynamodb:us-east-1:123456789012:table/t", "billing_mode": "PROVISIONED", "read_capacity": 1,
             "write_capacity": 1, "global_secondary_index": [{"name": "db", "read_capacity": 1, "write_capacity": 1}]}
    state = {**state_json(), "resources": [
        _resource("aws_db_instance", "db", db, [[{"type": "get_attr", "value": "password"}]]),
        _resource("aws_nat_gateway", "nat", NAT, module="module.db"),
        _resource("aws_dynamodb_table", "t", table),
    ]}
    (work / "terraform.tfstate").write_text(json.dumps(state))
    with serving(work) as url:
        status, doc, body = request(url + "/api/cost")
    assert status == 200 and doc["error"] is False, doc
    rows = {r["address"]: r for r in doc["state"]["resources"]}
    assert sorted(rows) == ["aws_db_instance.db", "aws_dynamodb_table.t", "module.db.aws_nat_gateway.nat"]
    assert rows["module.db.aws_nat_gateway.nat"]["module"] == "module.db"
    db_names = [c["name"] for c in rows["aws_db_instance.db"]["components"]]
    assert db_names[0].endswith("db.t3.micro)") and not any("(sensitive value)" in n for n in db_names), db_names
    resources = doc["infracost"]["projects"][0]["breakdown"]["resources"]
    assert sorted(r["name"] for r in resources) == sorted(rows)
    assert any(c["name"].endswith("db.t3.micro)") for r in resources for c in r["costComponents"])
    table_names = [c["name"] for c in rows["aws_dynamodb_table.t"]["components"]]
    assert "Global secondary index (sensitive value): WCU" in table_names, table_names
    assert "index db" not in body
