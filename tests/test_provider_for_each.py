"""OpenTofu's provider for_each (OpenTofu 1.9): one provider instance per element, chosen per
resource instance with NAME.ALIAS[KEY] or passed to a module with providers = { ... }.

terraform 1.11 has no oracle (it rejects for_each in a provider block as a reserved
argument), so the rules, messages and state fields follow OpenTofu's documentation and
source: internal/configs/provider.go, resource.go (ProviderConfigRef.InstanceValidation),
provider_validation.go, internal/tofu/eval_provider.go (resolveProviderInstance),
node_resource_abstract_instance.go ("Provider instance not present") and
internal/states/statefile/version4.go (the per-instance "provider" field). Checked through
the state file, with the native random provider (fast) and with the real AWS provider in
two regions against moto (buckets checked with boto3).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import RunFn, need

RANDOM = 'provider["registry.terraform.io/hashicorp/random"]'


def _write(d: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        p = d / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def _resources(d: Path) -> dict[str, dict[str, Any]]:
    doc = json.loads((d / "terraform.tfstate").read_text())
    return {(r.get("module", "") + "." if r.get("module") else "") + r["name"]: r for r in doc["resources"]}


# --- configuration errors (OpenTofu's messages, at their source ranges) -----------------

ERRORS = [
    (
        'provider "random" {\n  for_each = toset(["a"])\n}\n',
        'Alias required when using "for_each"',
        "The for_each argument is allowed only for provider configurations with an",
        "line 2",
    ),
    (
        'resource "terraform_data" "x" {}\nprovider "random" {\n  alias    = "a"\n  for_each = terraform_data.x.output\n}\n',
        "Dynamic value in static context",
        "Unable to use terraform_data.x in static context, which is required by",
        "line 4",
    ),
    (
        'locals {\n  ks = terraform_data.x.output\n}\nresource "terraform_data" "x" {}\n'
        'provider "random" {\n  alias    = "a"\n  for_each = local.ks\n}\n',
        "Unable to compute static value",
        "provider.random.a.for_each depends on local.ks which is not available",
        "line 7",
    ),
    (
        'provider "random" {\n  alias    = "a"\n  for_each = toset(["k"])\n}\n'
        'resource "random_id" "r" {\n  provider    = random.a\n  byte_length = 2\n}\n',
        "Invalid resource provider configuration",
        "A reference to a provider configuration which uses for_each requires an",
        "line 6",
    ),
    (
        'provider "random" {\n  alias   = "a"\n  version = ">= 0"\n}\n'
        'resource "random_id" "r" {\n  provider    = random.a["k"]\n  byte_length = 2\n}\n',
        "Invalid resource provider configuration",
        "An instance key can be specified only for a provider configuration that",
        "line 6",
    ),
    (
        'resource "random_id" "r" {\n  provider    = random.b["k"]\n  byte_length = 2\n}\n',
        "Invalid resource provider configuration",
        'This module doesn\'t declare a provider "random" block with alias = "b",',
        "line 2",
    ),
    (
        'provider "random" {\n  alias    = "a"\n  for_each = toset(["k"])\n}\n'
        'module "m" {\n  source = "./m"\n  providers = {\n    random.b["x"] = random.a["k"]\n  }\n}\n',
        "Invalid module provider configuration",
        "Instance keys are not allowed on the left side of a provider configuration",
        "line 8",
    ),
    (
        'provider "random" {\n  alias    = "a"\n  for_each = toset(["k"])\n}\n'
        'module "m" {\n  source = "./m"\n  providers = {\n    random = random.a\n  }\n}\n',
        "Invalid module provider configuration",
        "A reference to a provider configuration which uses for_each requires an",
        "line 8",
    ),
]


@pytest.mark.parametrize("main_tf,summary,detail,where", ERRORS)
def test_configuration_errors(tmp_path: Path, run_sheath: RunFn, main_tf: str, summary: str, detail: str, where: str) -> None:
    _write(tmp_path, {"main.tf": main_tf, "m/main.tf": 'resource "random_id" "r" {\n  byte_length = 2\n}\n'})
    r = run_sheath(["validate", "-no-color"], tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"Error: {summary}" in r.stderr, r.stderr
    assert detail in r.stderr.replace("\n", " ") or detail in r.stderr, r.stderr
    assert f"on main.tf {where}" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


PLAN_ERRORS = [
    ('["a", "b"]', "Invalid for_each argument", 'the "for_each" argument must be a map, or set of strings'),
    ("null", "Invalid for_each argument", 'the given "for_each" argument value is null'),
]


@pytest.mark.parametrize("value,summary,detail", PLAN_ERRORS)
def test_for_each_value_errors(tmp_path: Path, run_sheath: RunFn, value: str, summary: str, detail: str) -> None:
    _write(
        tmp_path,
        {
            "main.tf": f'provider "random" {{\n  alias    = "a"\n  for_each = {value}\n}}\n'
            'resource "random_id" "r" {\n  provider    = random.a["a"]\n  byte_length = 2\n}\n'
        },
    )
    assert run_sheath(["init", "-no-color"], tmp_path).returncode == 0
    r = run_sheath(["plan", "-no-color"], tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"Error: {summary}" in r.stderr and detail in r.stderr.replace("\n", " "), r.stderr
    assert "on main.tf line 3" in r.stderr


def test_instance_key_errors(tmp_path: Path, run_sheath: RunFn) -> None:
    base = 'provider "random" {\n  alias    = "a"\n  for_each = toset(["x"])\n}\n'
    _write(tmp_path, {"main.tf": base + 'resource "random_id" "r" {\n  provider    = random.a["y"]\n  byte_length = 2\n}\n'})
    assert run_sheath(["init", "-no-color"], tmp_path).returncode == 0
    r = run_sheath(["plan", "-no-color"], tmp_path)
    assert r.returncode == 1
    assert f'Error: provider {RANDOM}.a not initialized with key ["y"]' in r.stderr, r.stderr
    _write(tmp_path, {"main.tf": base + 'resource "random_id" "r" {\n  provider    = random.a[null]\n  byte_length = 2\n}\n'})
    r = run_sheath(["plan", "-no-color"], tmp_path)
    assert r.returncode == 1
    assert "Error: Invalid provider instance key" in r.stderr and "must not be null" in r.stderr, r.stderr


# --- plan, apply, state and destroy with the native random provider -------------------

RANDOM_CONFIG = """
variable "keys" {
  type    = set(string)
  default = ["a", "b"]
}

variable "used" {
  type    = set(string)
  default = ["a", "b"]
}

provider "random" {
  alias    = "x"
  for_each = var.keys
}

resource "random_id" "r" {
  for_each    = var.used
  provider    = random.x[each.key]
  byte_length = 4
}

module "m" {
  source   = "./m"
  for_each = var.used
  providers = {
    random = random.x[each.key]
  }
}

module "c" {
  source = "./m"
  providers = {
    random = random.x["a"]
  }
}
"""


def test_random_instances_state_and_destroy(tmp_path: Path, run_sheath: RunFn) -> None:
    _write(tmp_path, {"main.tf": RANDOM_CONFIG, "m/main.tf": 'resource "random_id" "r" {\n  byte_length = 2\n}\n'})
    assert run_sheath(["init", "-no-color"], tmp_path).returncode == 0
    r = run_sheath(["apply", "-auto-approve", "-no-color"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Resources: 5 added" in r.stdout
    res = _resources(tmp_path)
    # OpenTofu's state: each instance names its provider instance; the resource names none
    assert "provider" not in res["r"]
    assert [(i["index_key"], i["provider"]) for i in res["r"]["instances"]] == [
        ("a", f'{RANDOM}.x["a"]'),
        ("b", f'{RANDOM}.x["b"]'),
    ]
    assert res['module.m["b"].r']["instances"][0]["provider"] == f'{RANDOM}.x["b"]'
    assert res["module.c.r"]["instances"][0]["provider"] == f'{RANDOM}.x["a"]'

    r = run_sheath(["plan", "-detailed-exitcode", "-no-color"], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr

    # removing an element the objects' provider instance needs: OpenTofu's error
    r = run_sheath(["plan", "-no-color", "-var", 'keys=["a"]', "-var", 'used=["a"]'], tmp_path)
    assert r.returncode == 1
    assert "Error: Provider instance not present" in r.stderr
    assert f'To work with random_id.r["b"] its original provider instance at {RANDOM}.x["b"] is required' in r.stderr.replace(
        "\n", " "
    )

    # keeping the provider instance while its resources go: they are destroyed by it
    r = run_sheath(["apply", "-auto-approve", "-no-color", "-var", 'used=["a"]'], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Resources: 0 added, 0 changed, 2 destroyed" in r.stdout
    assert set(_resources(tmp_path)) == {"r", 'module.m["a"].r', "module.c.r"}

    r = run_sheath(["apply", "-auto-approve", "-no-color", "-var", 'keys=["a"]', "-var", 'used=["a"]'], tmp_path)
    assert r.returncode == 0, r.stderr
    r = run_sheath(["destroy", "-auto-approve", "-no-color", "-var", 'keys=["a"]', "-var", 'used=["a"]'], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Resources: 3 destroyed" in r.stdout
    assert _resources(tmp_path) == {}


# --- the AWS provider in two regions, against moto ----------------------------------------

AWS_CONFIG = """
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

variable "regions" {
  type    = set(string)
  default = ["us-east-1", "eu-west-1"]
}

variable "buckets" {
  type = map(string)
}

provider "aws" {
  alias                       = "by_region"
  for_each                    = var.regions
  region                      = each.key
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true
  endpoints {
    s3 = "MOTO"
  }
}

resource "aws_s3_bucket" "b" {
  for_each = var.buckets
  provider = aws.by_region[each.value]
  bucket   = each.key
}
"""


@pytest.mark.slow  # the AWS provider started three times: about two minutes
def test_aws_buckets_in_two_regions(tmp_path: Path, run_sheath: RunFn, aws_mirror: str, moto_server: str) -> None:
    need(importlib.util.find_spec("boto3") is not None, "boto3 (pip install -e '.[test]')")
    import boto3

    rc = tmp_path / "terraformrc"
    rc.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = {json.dumps(aws_mirror)}\n  }}\n}}\n')
    work = tmp_path / "w"
    work.mkdir()
    suffix = tmp_path.name.lower().replace("_", "-")[-12:]
    east, west = f"pfe-east-{suffix}", f"pfe-west-{suffix}"
    _write(work, {"main.tf": AWS_CONFIG.replace("MOTO", moto_server)})
    (work / "terraform.tfvars.json").write_text(json.dumps({"buckets": {east: "us-east-1", west: "eu-west-1"}}))

    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_VAR_"))}
    env["TF_CLI_CONFIG_FILE"] = str(rc)

    def sheath(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "sheath", *args], cwd=work, capture_output=True, text=True, env=env, timeout=300)

    r = sheath("init", "-no-color")
    assert r.returncode == 0, r.stdout + r.stderr
    r = sheath("apply", "-auto-approve", "-no-color")
    assert r.returncode == 0, r.stdout + r.stderr
    s3 = boto3.client("s3", endpoint_url=moto_server, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
    # moto records the region each bucket was created in (us-east-1 is reported as None)
    assert s3.get_bucket_location(Bucket=east)["LocationConstraint"] in (None, "us-east-1")
    assert s3.get_bucket_location(Bucket=west)["LocationConstraint"] == "eu-west-1"
    res = _resources(work)["b"]
    aws = 'provider["registry.terraform.io/hashicorp/aws"].by_region'
    assert {i["index_key"]: i["provider"] for i in res["instances"]} == {east: f'{aws}["us-east-1"]', west: f'{aws}["eu-west-1"]'}
    assert {i["index_key"]: i["attributes"]["region"] for i in res["instances"]} == {east: "us-east-1", west: "eu-west-1"}

    r = sheath("plan", "-detailed-exitcode", "-no-color")
    assert r.returncode == 0, r.stdout + r.stderr

    r = sheath("destroy", "-auto-approve", "-no-color")
    assert r.returncode == 0, r.stdout + r.stderr
    names = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert east not in names and west not in names
