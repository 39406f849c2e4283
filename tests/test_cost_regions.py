"""Each resource is priced in its own provider configuration's region (docs/cost.md#region):
a configuration passed to a module (``providers = { aws = aws.west }``), inherited by it, or
defined in it; a region given by a variable is evaluated with the plan's variables (and a
module call's arguments). The price snapshot has us-east-1 only: a resource in another
region, or whose provider's region is not known, is unpriced and the cost limit warns,
never prices it in the root provider's region. No provider process: hand-made plans."""

from __future__ import annotations

import json
import os
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from sheath.config.loader import load_module_tree
from sheath.cost.estimate import Estimator, plan_cost
from sheath.cost.regions import with_provider_regions
from sheath.plans.configuration import configuration_json
from sheath.types.cty import string_val
from test_cost import estimator, plan_doc, resource

NAT_MONTH = Decimal("32.85")  # us-east-1, $0.045 an hour x 730

ROOT = """
variable "r" {
  type = string
}
provider "aws" {
  region = "us-east-1"
}
provider "aws" {
  alias  = "west"
  region = "us-west-2"
}
provider "aws" {
  alias  = "byvar"
  region = var.r
}
resource "aws_nat_gateway" "root" {}
resource "aws_nat_gateway" "west" {
  provider = aws.west
}
resource "aws_nat_gateway" "byvar" {
  provider = aws.byvar
}
module "passed" {
  source    = "./child"
  providers = { aws = aws.west }
}
module "inherited" {
  source = "./child"
}
module "own" {
  source = "./own"
  region = "eu-west-1"
}
module "own_from_root" {
  source = "./own"
  region = var.r
}
module "own_unknown" {
  source = "./own"
  region = aws_nat_gateway.root.id
}
module "own_default" {
  source = "./own_default"
}
"""
CHILD = 'resource "aws_nat_gateway" "n" {}\n'
OWN = """
variable "region" {
  type = string
}
provider "aws" {
  region = var.region
}
resource "aws_nat_gateway" "n" {}
"""
OWN_DEFAULT = 'provider "aws" {}\nresource "aws_nat_gateway" "n" {}\n'

ADDRESSES = ["aws_nat_gateway.root", "aws_nat_gateway.west", "aws_nat_gateway.byvar",
             "module.passed.aws_nat_gateway.n", "module.inherited.aws_nat_gateway.n", "module.own.aws_nat_gateway.n",
             "module.own_from_root.aws_nat_gateway.n", "module.own_unknown.aws_nat_gateway.n",
             "module.own_default.aws_nat_gateway.n"]


def write_config(root: Path) -> Any:
    for d, text in (("", ROOT), ("child", CHILD), ("own", OWN), ("own_default", OWN_DEFAULT)):
        (root / d).mkdir(parents=True, exist_ok=True)
        (root / d / "main.tf").write_text(text)
    config, diags = load_module_tree(str(root))
    assert not diags.has_errors(), diags
    return config


def regions_plan(tmp_path: Path, r: str) -> dict[str, Any]:
    """NAT gateways (no ARN or zone yet: priced by their provider's region) created in every
    module, with the configuration's provider regions evaluated with var.r = r."""
    config = write_config(tmp_path)
    doc = plan_doc([], [resource(a, {}) for a in ADDRESSES])
    doc["configuration"] = with_provider_regions(configuration_json(config), config, {"r": string_val(r)})
    return doc


def test_each_resource_takes_its_own_provider_configurations_region(tmp_path: Path) -> None:
    doc = regions_plan(tmp_path, "us-east-1")
    providers = doc["configuration"]["provider_config"]
    assert providers["aws.byvar"]["expressions"]["region"] == {"constant_value": "us-east-1"}  # var.r from the plan
    assert providers["module.own:aws"]["expressions"]["region"] == {"constant_value": "eu-west-1"}  # the call's argument
    assert providers["module.own_from_root:aws"]["expressions"]["region"] == {"constant_value": "us-east-1"}
    assert providers["module.own_unknown:aws"]["expressions"]["region"] == {"references": ["var.region"]}
    assert "region" not in providers["module.own_default:aws"]["expressions"]
    assert "module.passed:aws" not in providers and "module.inherited:aws" not in providers  # folded into aws.west, aws

    pc = plan_cost(Estimator(estimator().catalog, env_region="us-east-1"), doc)
    planned = pc.planned.by_address()
    assert {a: r.region for a, r in planned.items()} == {
        "aws_nat_gateway.root": "us-east-1", "aws_nat_gateway.west": "us-west-2", "aws_nat_gateway.byvar": "us-east-1",
        "module.passed.aws_nat_gateway.n": "us-west-2", "module.inherited.aws_nat_gateway.n": "us-east-1",
        "module.own.aws_nat_gateway.n": "eu-west-1", "module.own_from_root.aws_nat_gateway.n": "us-east-1",
        "module.own_unknown.aws_nat_gateway.n": "",
        "module.own_default.aws_nat_gateway.n": "us-east-1",  # sets no region: AWS_REGION, as the provider reads it
    }
    priced = sorted(a for a, r in planned.items() if r.priced)
    assert priced == ["aws_nat_gateway.byvar", "aws_nat_gateway.root", "module.inherited.aws_nat_gateway.n",
                      "module.own_default.aws_nat_gateway.n", "module.own_from_root.aws_nat_gateway.n"]
    assert all(planned[a].monthly_cost == NAT_MONTH for a in priced)
    reasons = {r.address: r.unpriced_reason for r in pc.planned.unpriced}
    assert reasons["aws_nat_gateway.west"] == reasons["module.passed.aws_nat_gateway.n"] == "the price snapshot has no prices for us-west-2"
    assert reasons["module.own.aws_nat_gateway.n"] == "the price snapshot has no prices for eu-west-1"
    assert reasons["module.own_unknown.aws_nat_gateway.n"].startswith(
        "the region of its provider configuration (module.own_unknown:aws) is not known before apply")

    # without AWS_REGION, a block that sets no region gives no region: unpriced, not the root's us-east-1
    alone = plan_cost(Estimator(estimator().catalog), doc).planned.by_address()["module.own_default.aws_nat_gateway.n"]
    assert not alone.priced and "sets no region" in alone.unpriced_reason


def test_a_variable_region_elsewhere_is_not_priced_in_the_root_region(tmp_path: Path) -> None:
    doc = regions_plan(tmp_path, "eu-central-1")
    planned = plan_cost(Estimator(estimator().catalog, env_region="us-east-1"), doc).planned.by_address()
    for a in ("aws_nat_gateway.byvar", "module.own_from_root.aws_nat_gateway.n"):
        assert planned[a].region == "eu-central-1" and planned[a].unpriced_reason == "the price snapshot has no prices for eu-central-1"


def test_a_sensitive_region_is_not_known_and_not_shown(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'variable "r" {\n  type      = string\n  sensitive = true\n}\n'
        'provider "aws" {\n  region = var.r\n}\nresource "aws_nat_gateway" "n" {}\n')
    config, diags = load_module_tree(str(tmp_path))
    assert not diags.has_errors(), diags
    doc = plan_doc([], [resource("aws_nat_gateway.n", {})])
    doc["configuration"] = with_provider_regions(configuration_json(config), config, {"r": string_val("eu-north-1")})
    assert doc["configuration"]["provider_config"]["aws"]["expressions"]["region"] == {"references": ["var.r"]}
    (n,) = plan_cost(Estimator(estimator().catalog, env_region="us-east-1"), doc).planned.resources
    assert n.region == "" and "(aws) is not known" in n.unpriced_reason and "eu-north-1" not in n.unpriced_reason


def test_the_cost_limit_warns_of_resources_its_snapshot_has_no_region_for(tmp_path: Path) -> None:
    from sheath.policy.costlimit import check_cost_limit

    doc = regions_plan(tmp_path, "us-east-1")
    diags = check_cost_limit(doc, Decimal("200"), "us-east-1")
    assert not diags.has_errors()  # 5 x $32.85 = $164.25, under $200
    (w,) = [d for d in diags if d.summary == "Cost limit: resources not counted"]
    assert "does not count 4 resource(s) whose region has no price" in w.detail
    assert "module.own.aws_nat_gateway.n: the price snapshot has no prices for eu-west-1" in w.detail
    assert "aws_nat_gateway.west: the price snapshot has no prices for us-west-2" in w.detail
    assert "module.own_unknown.aws_nat_gateway.n: the region of its provider configuration" in w.detail
    assert "prices for us-east-1 only" in w.detail
    over = check_cost_limit(doc, Decimal("164"), "us-east-1")
    assert over.has_errors() and "by +$164.25 ($0.00 → $164.25)" in " ".join(d.detail for d in over)


def test_the_gate_prices_modules_in_their_provider_regions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """evaluate_gate, as plan and apply run it: the plan's variables and the module tree."""
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    from sheath.plans.model import Action, Plan, ResourceInstanceChange
    from sheath.policy.gate import GateOptions, evaluate_gate
    from sheath.types.cty import null
    from sheath.types.pyvalue import from_python

    config = write_config(tmp_path)
    aws = "registry.terraform.io/hashicorp/aws"
    changes = []
    for addr in ADDRESSES:
        module = addr.rsplit(".", 2)[0] if addr.startswith("module.") else ""
        changes.append(ResourceInstanceChange(
            address=addr, mode="managed", type="aws_nat_gateway", name=addr.split(".")[-1], action=Action.CREATE,
            module_address=module, before=null(), after=from_python({"id": None}), provider_name=aws,
            provider_config_addr=f'provider["{aws}"]'))
    plan = Plan(changes=changes, variables={"r": string_val("us-east-1")})
    (tmp_path / "sheath-policy.hcl").write_text("limits {\n  max_monthly_cost_increase = 164\n}\n")
    result = evaluate_gate(plan, GateOptions(enabled=False), config, str(tmp_path))
    summaries = [d.summary for d in result.diagnostics]
    assert summaries.count("Plan exceeds a guardrail") == 1 and "Cost limit: resources not counted" in summaries, summaries
    detail = " ".join(d.detail for d in result.diagnostics)
    assert "by +$164.25" in detail  # five in us-east-1; before the fix, module.own's eu-west-1 one was counted too
    (tmp_path / "sheath-policy.hcl").write_text("limits {\n  max_monthly_cost_increase = 164.25\n}\n")
    result = evaluate_gate(plan, GateOptions(enabled=False), config, str(tmp_path))
    assert not result.diagnostics.has_errors(), [d.detail for d in result.diagnostics]


def test_sheath_cost_of_a_saved_plan_prices_modules_in_their_provider_regions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """sheath cost PLANFILE and the ui's cost view evaluate the provider regions from the plan
    file's configuration snapshot and its variables (var.r = eu-central-1 here)."""
    import subprocess

    from conftest import SHEATH_CMD
    from sheath.plans.model import Action, Plan, ResourceInstanceChange
    from sheath.plans.planfile import write_plan_file
    from sheath.states.statefile import read_state_file
    from sheath.types.cty import null
    from sheath.types.pyvalue import from_python
    from sheath.ui.cost import plan_cost_document

    write_config(tmp_path)
    files = {str(p.relative_to(tmp_path)): p.read_bytes() for p in tmp_path.rglob("*.tf")}
    aws = "registry.terraform.io/hashicorp/aws"
    state, diags = read_state_file(json.dumps({"version": 4, "terraform_version": "1.11.4", "serial": 1,
                                               "lineage": "l", "outputs": {}, "resources": []}).encode())
    assert state is not None, diags
    changes = [ResourceInstanceChange(
        address=a, mode="managed", type="aws_nat_gateway", name="n", action=Action.CREATE,
        module_address=a.rsplit(".", 2)[0] if a.startswith("module.") else "", before=null(), after=from_python({"id": None}),
        provider_name=aws, provider_config_addr=f'provider["{aws}"]') for a in ADDRESSES]
    data = write_plan_file(Plan(changes=changes, prior_state=state, variables={"r": string_val("eu-central-1")}), files)
    (tmp_path / "tfplan").write_bytes(data)
    env = {k: v for k, v in os.environ.items() if k not in ("AWS_REGION", "AWS_DEFAULT_REGION")}
    r = subprocess.run([*SHEATH_CMD, "cost", "-json", "tfplan"], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                       env={**env, "AWS_REGION": "us-east-1"})
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    project = doc["projects"][0]
    priced = {x["name"]: x["metadata"]["region"] for x in project["breakdown"]["resources"]}
    assert priced == {"aws_nat_gateway.root": "us-east-1", "module.inherited.aws_nat_gateway.n": "us-east-1",
                      "module.own_default.aws_nat_gateway.n": "us-east-1"}
    assert doc["totalMonthlyCost"] == str(3 * NAT_MONTH)
    unpriced = {x["name"]: x["reason"] for x in project["unpricedResources"]}
    assert unpriced["aws_nat_gateway.byvar"] == unpriced["module.own_from_root.aws_nat_gateway.n"] == \
        "the price snapshot has no prices for eu-central-1"
    assert unpriced["module.own.aws_nat_gateway.n"] == "the price snapshot has no prices for eu-west-1"
    assert unpriced["module.passed.aws_nat_gateway.n"] == "the price snapshot has no prices for us-west-2"
    assert len(unpriced) == 6
    md = subprocess.run([*SHEATH_CMD, "show", "-markdown", "tfplan"], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                        env={**env, "AWS_REGION": "us-east-1"})
    assert md.returncode == 0, md.stderr
    assert "Monthly cost: **$0.00** → **$98.55** (**+$98.55**)" in md.stdout and "6 resource(s) unpriced" in md.stdout

    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    ui = plan_cost_document(data, "tfplan", {"kind": "file", "name": "tfplan"}, verify=False, root_dir=str(tmp_path))
    assert ui["error"] is False and ui["plan"]["monthly_cost"] == doc["totalMonthlyCost"]
    assert {u["address"] for u in ui["plan"]["unpriced"]} == set(unpriced)


# ---- with terraform and the real AWS provider: terraform's JSON configuration, sheath's gate ----

from test_aws_e2e import Tools, e2e_env, ok, tools  # noqa: E402,F401

CREDS = """  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
"""
E2E_ROOT = f"""
terraform {{
  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "5.100.0"
    }}
  }}
}}
variable "r" {{
  type    = string
  default = "us-east-1"
}}
provider "aws" {{
  region = "us-east-1"
{CREDS}}}
provider "aws" {{
  alias  = "west"
  region = "us-west-2"
{CREDS}}}
resource "aws_nat_gateway" "root" {{
  subnet_id         = "subnet-1"
  connectivity_type = "private"
}}
module "passed" {{
  source    = "./child"
  providers = {{ aws = aws.west }}
}}
module "inherited" {{
  source = "./child"
}}
module "own" {{
  source = "./own"
  region = "eu-west-1"
}}
module "own_from_root" {{
  source = "./own"
  region = var.r
}}
"""
E2E_CHILD = """
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
resource "aws_nat_gateway" "n" {
  subnet_id         = "subnet-1"
  connectivity_type = "private"
}
"""
E2E_OWN = E2E_CHILD + f"""
variable "region" {{
  type = string
}}
provider "aws" {{
  region = var.region
{CREDS}}}
"""


@pytest.mark.oracle
@pytest.mark.slow  # two plans with the AWS provider (five provider configurations each)
def test_terraform_json_and_sheath_plan_price_modules_in_their_regions(tools: Tools, tmp_path: Path) -> None:
    for d, text in (("", E2E_ROOT), ("child", E2E_CHILD), ("own", E2E_OWN)):
        (tmp_path / d).mkdir(parents=True, exist_ok=True)
        (tmp_path / d / "main.tf").write_text(text)
    tf_dir = tmp_path / "tf"
    shutil.copytree(tmp_path, tf_dir, ignore=shutil.ignore_patterns("tf"))
    ok(tools.tf(["init", "-input=false", "-no-color"], tf_dir), "terraform init")
    ok(tools.tf(["plan", "-refresh=false", "-input=false", "-no-color", "-out=tfplan"], tf_dir), "terraform plan")
    tf_json = json.loads(ok(tools.tf(["show", "-json", "tfplan"], tf_dir), "terraform show -json"))
    ok(tools.sheath(["init", "-input=false", "-no-color"], tmp_path), "sheath init")
    ok(tools.sheath(["plan", "-refresh=false", "-input=false", "-no-color", "-out=tfplan"], tmp_path), "sheath plan")
    sh_json = json.loads(ok(tools.sheath(["show", "-json", "tfplan"], tmp_path), "sheath show -json"))
    # the keys the estimate follows: terraform's, and sheath's the same
    def keys(doc: dict[str, Any]) -> dict[str, str]:
        out: dict[str, str] = {}

        def walk(m: dict[str, Any], prefix: str) -> None:
            for r in m.get("resources", []):
                out[prefix + r["address"]] = r["provider_config_key"]
            for name, call in m.get("module_calls", {}).items():
                walk(call["module"], f"{prefix}module.{name}.")

        walk(doc["configuration"]["root_module"], "")
        return out

    assert keys(tf_json) == keys(sh_json) == {
        "aws_nat_gateway.root": "aws", "module.passed.aws_nat_gateway.n": "aws.west",
        "module.inherited.aws_nat_gateway.n": "aws", "module.own.aws_nat_gateway.n": "module.own:aws",
        "module.own_from_root.aws_nat_gateway.n": "module.own_from_root:aws"}

    # terraform's JSON: module.own's region is a reference there (var.region): not known, unpriced
    pc = plan_cost(Estimator(estimator().catalog, env_region="us-east-1"), tf_json).planned.by_address()
    assert sorted(a for a, r in pc.items() if r.priced) == ["aws_nat_gateway.root", "module.inherited.aws_nat_gateway.n"]
    assert pc["module.passed.aws_nat_gateway.n"].unpriced_reason == "the price snapshot has no prices for us-west-2"
    assert "module.own:aws) is not known" in pc["module.own.aws_nat_gateway.n"].unpriced_reason
    (tf_dir / "plan.json").write_text(json.dumps(tf_json))
    (tf_dir / "sheath-policy.hcl").write_text("limits {\n  max_monthly_cost_increase = 65\n}\n")
    r = tools.sheath(["policy", "check", "-no-color", "plan.json"], tf_dir)
    err = " ".join(r.stderr.split())
    assert r.returncode == 1 and "by +$65.70" in err and "Cost limit: resources not counted" in err, r.stderr

    # sheath's gate evaluates the modules' regions: module.own in eu-west-1 (unpriced), module.own_from_root in us-east-1
    (tmp_path / "sheath-policy.hcl").write_text("limits {\n  max_monthly_cost_increase = 98\n}\n")
    r = tools.sheath(["plan", "-refresh=false", "-input=false", "-no-color"], tmp_path)
    err = " ".join((r.stdout + r.stderr).split())
    assert r.returncode == 1 and "by +$98.55 ($0.00 → $98.55)" in err, r.stderr
    assert "does not count 2 resource(s)" in err and "module.own.aws_nat_gateway.n: the price snapshot has no prices for eu-west-1" in err
