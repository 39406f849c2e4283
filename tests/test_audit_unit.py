"""The audit modules without a cloud: attribute differences of drift (sensitive values
never shown), the -filter language, .driftignore patterns and the unmanaged summary."""

from __future__ import annotations

import json

import pytest

from sheath.audit.aws_inventory import RealResource
from sheath.audit.drift import DriftReport, ResourceDrift, Source, diff_values, render_human, render_markdown, report_to_json
from sheath.audit.filterexpr import FilterError, parse_filter
from sheath.audit.unmanaged import StateEntry, audit, is_ignored, parse_ignore, render_human as unmanaged_human, report_to_json as unmanaged_json, state_entries
from sheath.providers.schema import Attribute, Block
from sheath.types.cty import SENSITIVE, STRING, MapType, map_val, null, object_val, string_val


def test_diff_values_paths_and_legacy_empty() -> None:
    before = object_val({"path": string_val("/a/"), "tags": map_val({"env": string_val("test")}), "note": null(STRING), "extra": null(MapType(STRING))})
    after = object_val({"path": string_val("/b/"), "tags": map_val({"env": string_val("prod"), "owner": string_val("bob")}), "note": string_val(""), "extra": map_val({}, STRING)})
    got = [(a.path, a.before, a.after) for a in diff_values(before, after)]
    assert got == [("path", "/a/", "/b/"), ('tags["env"]', "test", "prod"), ('tags["owner"]', None, "bob")]


def test_diff_values_sensitive_never_shown() -> None:
    schema = Block(attributes={"password": Attribute(type=STRING, sensitive=True), "user": Attribute(type=STRING)})
    before = object_val({"password": string_val("old"), "user": string_val("x").mark(SENSITIVE)})
    after = object_val({"password": string_val("new"), "user": string_val("y").mark(SENSITIVE)})
    got = diff_values(before, after, schema)
    assert [(a.path, a.sensitive, a.before, a.after) for a in got] == [("password", True, None, None), ("user", True, None, None)]
    report = DriftReport([ResourceDrift("aws_db_instance.d", "aws_db_instance", "update", Source("main.tf", 3), tuple(got))], checked=1)
    for text in (render_human(report), render_markdown(report), json.dumps(report_to_json(report))):
        assert "old" not in text and "new" not in text
    assert "(sensitive value)" in render_human(report)
    assert report_to_json(report)["resources"][0]["attributes"][0] == {"path": "password", "sensitive": True}


def test_drift_report_views_say_which_command_does_what() -> None:
    r = DriftReport([ResourceDrift("aws_iam_user.u", "aws_iam_user", "update", Source("main.tf", 7), tuple(diff_values(object_val({"path": string_val("/a/")}), object_val({"path": string_val("/b/")}))))], checked=2)
    text = render_human(r)
    assert "aws_iam_user.u (main.tf:7)" in text and 'path: "/a/" -> "/b/"' in text
    assert "sheath apply -refresh-only" in text and "sheath apply\n" in text
    doc = report_to_json(r)
    assert doc["summary"] == {"checked": 2, "drifted": 1} and doc["drifted"] is True
    assert "| `aws_iam_user.u` | main.tf:7 | `path` |" in render_markdown(r)
    assert "No drift" in render_human(DriftReport(checked=3))


def test_filter_expressions() -> None:
    f = parse_filter("Type=='aws_s3_bucket' && !starts_with(Id, 'tmp-') || Region==\"eu-west-1\"")
    assert f.matches({"Type": "aws_s3_bucket", "Id": "logs", "Region": "", "Name": ""})
    assert not f.matches({"Type": "aws_s3_bucket", "Id": "tmp-1", "Region": "", "Name": ""})
    assert f.matches({"Type": "aws_vpc", "Id": "vpc-1", "Region": "eu-west-1", "Name": ""})
    assert parse_filter("contains(Name, 'web') && Type != 'aws_vpc'").matches({"Type": "aws_instance", "Id": "i", "Region": "", "Name": "my-web-1"})
    for bad, col in (("Type=", 5), ("Foo=='a'", 1), ("Type=='a' &&", 13), ("(Type=='a'", 11), ("ends_with(Id)", 13)):
        with pytest.raises(FilterError) as exc:
            parse_filter(bad)
        assert exc.value.column == col, (bad, str(exc.value))


def test_driftignore_patterns() -> None:
    rules = parse_ignore("# comment\n\naws_iam_*.*\n!aws_iam_user.keep-*\naws_s3_bucket.my\\.bucket\naws_sqs_queue\n")
    assert is_ignored(rules, "aws_iam_role", "r")
    assert not is_ignored(rules, "aws_iam_user", "keep-me")
    assert is_ignored(rules, "aws_iam_user", "other")
    assert is_ignored(rules, "aws_s3_bucket", "my.bucket")
    assert not is_ignored(rules, "aws_s3_bucket", "myxbucket")
    assert is_ignored(rules, "aws_sqs_queue", "anything")
    assert not is_ignored(rules, "aws_vpc", "vpc-1")


def test_audit_counts_and_coverage() -> None:
    real = [RealResource("aws_s3_bucket", "a"), RealResource("aws_s3_bucket", "b"), RealResource("aws_vpc", "vpc-1", "us-east-1"), RealResource("aws_vpc", "vpc-2", "us-east-1")]
    managed = [StateEntry("aws_s3_bucket", "a", "aws_s3_bucket.a", "s1"), StateEntry("aws_vpc", "vpc-9", "aws_vpc.v", "s2")]
    rep = audit(real, managed)
    assert [r.id for r in rep.unmanaged] == ["b", "vpc-1", "vpc-2"]
    assert [e.id for e in rep.missing] == ["vpc-9"]
    assert rep.coverage == 25
    doc = unmanaged_json(rep)
    assert doc["summary"] == {"total_resources": 4, "total_managed": 1, "total_unmanaged": 3, "total_missing": 1, "total_ignored": 0}
    assert "25% coverage" in unmanaged_human(rep)
    rep2 = audit(real, managed, parse_ignore("aws_vpc.*\n"), parse_filter("Id!='b'"))
    assert [r.id for r in rep2.unmanaged] == [] and rep2.missing == [] and rep2.ignored == 4
    assert audit([], []).coverage == 100
    # a type that could not be listed is never missing
    assert audit(real, managed, unlisted={"aws_vpc"}).missing == []


def test_state_entries_reads_ids_of_supported_aws_types() -> None:
    state = {
        "version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "0e7a1f2c-0000-4000-8000-000000000002", "outputs": {},
        "resources": [
            {"mode": "managed", "type": "aws_s3_bucket", "name": "b", "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
             "instances": [{"index_key": 0, "schema_version": 0, "attributes": {"id": "bkt", "bucket": "bkt"}, "sensitive_attributes": []}]},
            {"mode": "managed", "type": "aws_db_instance", "name": "d", "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
             "instances": [{"schema_version": 2, "attributes": {"id": "db-ABC", "identifier": "mydb"}, "sensitive_attributes": []}]},
            {"mode": "data", "type": "aws_s3_bucket", "name": "x", "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
             "instances": [{"schema_version": 0, "attributes": {"id": "other", "bucket": "other"}, "sensitive_attributes": []}]},
            {"mode": "managed", "type": "random_id", "name": "r", "provider": 'provider["registry.terraform.io/hashicorp/random"]',
             "instances": [{"schema_version": 0, "attributes": {"id": "zz"}, "sensitive_attributes": []}]},
        ],
        "check_results": None,
    }
    entries, diags = state_entries(json.dumps(state).encode(), "s.tfstate")
    assert not diags.has_errors()
    assert sorted((e.type, e.id, e.address) for e in entries) == [("aws_db_instance", "mydb", "aws_db_instance.d"), ("aws_s3_bucket", "bkt", "aws_s3_bucket.b[0]")]


def test_boto3_stays_out_of_the_import_path() -> None:
    import subprocess
    import sys

    code = "import sys, sheath.cli.main, sheath.cli.commands.drift, sheath.cli.commands.unmanaged, sheath.audit.aws_inventory; print('boto3' in sys.modules)"
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert p.stdout.strip() == "False"


def test_commands_refuse_conflicting_flags_and_empty_directories(tmp_path: object) -> None:
    import os

    from sheath.cli.main import main

    cwd = os.getcwd()
    os.chdir(str(tmp_path))
    try:
        assert main(["drift", "-json", "-markdown"]) == 1
        assert main(["unmanaged", "-bogus"]) == 1
        assert main(["drift", "-no-color"]) == 1  # no configuration files
        assert main(["unmanaged", "-filter=Type=="]) == 1
    finally:
        os.chdir(cwd)


def test_all_workspaces_state_paths(tmp_path: object) -> None:
    from pathlib import Path

    from sheath.cli.backend import LocalBackend
    from sheath.cli.commands.unmanaged import workspace_state_paths

    base = Path(str(tmp_path))
    (base / "terraform.tfstate.d" / "prod").mkdir(parents=True)
    (base / "terraform.tfstate.d" / "dev").mkdir(parents=True)
    lb = LocalBackend(path=str(base / "terraform.tfstate"), workspace_dir=str(base / "terraform.tfstate.d"), workspace="prod")
    assert workspace_state_paths(lb) == [
        str(base / "terraform.tfstate"),
        str(base / "terraform.tfstate.d" / "dev" / "terraform.tfstate"),
        str(base / "terraform.tfstate.d" / "prod" / "terraform.tfstate"),
    ]


def test_drift_report_says_what_the_configuration_sets() -> None:
    from sheath.audit.drift import drift_report
    from sheath.plans.model import Action, Plan, ResourceInstanceChange

    before = object_val({"path": string_val("/a/"), "arn": string_val("arn:/a/u")})
    after = object_val({"path": string_val("/b/"), "arn": string_val("arn:/b/u")})
    change = ResourceInstanceChange(address='aws_iam_user.u["x"]', mode="managed", type="aws_iam_user", name="u", action=Action.UPDATE, before=before, after=after)
    rep = drift_report(Plan(drift=[change]), None, None, {"aws_iam_user.u": frozenset({"name", "path"})})
    assert [(a.path, a.in_configuration) for a in rep.resources[0].attributes] == [("arn", False), ("path", True)]
    text = render_human(rep)
    assert "path: \"/a/\" -> \"/b/\" (set in the configuration: apply reverts it)" in text
    assert "(not in the configuration: apply keeps it)" in text
    assert report_to_json(rep)["resources"][0]["attributes"][1] == {"path": "path", "sensitive": False, "before": "/a/", "after": "/b/", "in_configuration": True}


def test_aws_targets_from_provider_blocks(tmp_path: object) -> None:
    """region, credentials, endpoints and path style from every provider "aws" block,
    evaluated with variables (-var), locals and functions; an argument that needs a plan
    (a data source) is a warning and left to boto3's default."""
    import os
    from pathlib import Path

    from sheath.audit.aws_inventory import AwsTarget, aws_targets
    from sheath.engine.operations import load

    d = Path(str(tmp_path))
    (d / "main.tf").write_text(
        """
variable "region" {
  type = string
}
locals {
  url = "http://127.0.0.1:4566"
}
data "aws_region" "r" {}
provider "aws" {
  region            = var.region
  access_key        = "AK"
  secret_key        = upper("sk")
  s3_use_path_style = true
  endpoints {
    s3             = local.url
    cloudwatchlogs = "${local.url}/logs"
  }
}
provider "aws" {
  alias  = "other"
  region = data.aws_region.r.name
}
"""
    )
    cwd = os.getcwd()
    os.chdir(d)
    try:
        session, diags = load(".", [("var", "region=eu-west-3")], validate=False)
        assert session is not None, diags
        targets, td = aws_targets(session.config.module, session.variables, session.functions)
    finally:
        os.chdir(cwd)
    assert targets[0] == AwsTarget(
        region="eu-west-3", access_key="AK", secret_key="SK", endpoints=(("logs", "http://127.0.0.1:4566/logs"), ("s3", "http://127.0.0.1:4566")), s3_use_path_style=True
    )
    assert targets[1] == AwsTarget()
    assert [d.summary for d in td] == ["Provider argument not known"]


def test_aws_targets_of_a_provider_with_for_each(tmp_path: object) -> None:
    """OpenTofu's provider for_each: one target per instance, each.key and each.value in its
    arguments (a for_each that is not static is refused when the configuration loads)."""
    import os
    from pathlib import Path

    from sheath.audit.aws_inventory import AwsTarget, aws_targets
    from sheath.engine.operations import load

    d = Path(str(tmp_path))
    (d / "main.tf").write_text(
        """
variable "regions" {
  default = { east = "us-east-1", west = "us-west-2" }
}
provider "aws" {
  alias    = "by_region"
  for_each = var.regions
  region   = each.value
  profile  = each.key
}
"""
    )
    cwd = os.getcwd()
    os.chdir(d)
    try:
        session, diags = load(".", [], validate=False)
        assert session is not None, diags
        targets, td = aws_targets(session.config.module, session.variables, session.functions)
    finally:
        os.chdir(cwd)
    assert targets == [AwsTarget(region="us-east-1", profile="east"), AwsTarget(region="us-west-2", profile="west")]
    assert not td
