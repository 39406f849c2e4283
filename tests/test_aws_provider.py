"""The real AWS provider (5.100.0) through the plugin protocol, against moto.

The provider binary comes from the filesystem mirror (``aws_mirror``), the AWS
APIs from a moto server on 127.0.0.1 (``moto_server``); every effect is
checked through boto3 against moto, not only through the provider's answers.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path as FsPath
from typing import Any

import pytest

from conftest import AWS_VERSION, RunFn, need
from sheath.providers.interface import (
    ApplyResourceChangeRequest,
    CallFunctionRequest,
    CloseEphemeralResourceRequest,
    MoveResourceStateRequest,
    OpenEphemeralResourceRequest,
    UpgradeResourceStateRequest,
    ConfigureProviderRequest,
    GetAttrStep,
    ImportResourceStateRequest,
    Path,
    PlanResourceChangeRequest,
    Provider,
    ReadDataSourceRequest,
    ReadResourceRequest,
)
from sheath.providers.objchange import proposed_new
from sheath.providers.schema import Block, Nesting, config_object
from sheath.providers.tfplugin import GRPCProvider, start_provider
from sheath.types import Value, null
from sheath.types.cty import TRUE, MapType, STRING, string_val
from sheath.types.json import type_to_json_value, value_to_json

pytestmark = pytest.mark.oracle

REGION = "us-east-1"


def provider_binary(mirror: str) -> FsPath:
    d = FsPath(mirror) / "registry.terraform.io" / "hashicorp" / "aws" / AWS_VERSION / "linux_amd64"
    found = sorted(d.glob("terraform-provider-aws_*")) if d.is_dir() else []
    need(bool(found), f"the unpacked linux_amd64 AWS provider binary under {d}")
    return found[0]


@pytest.fixture(scope="module")
def aws_binary(aws_mirror: str) -> FsPath:
    return provider_binary(aws_mirror)


@pytest.fixture(scope="module")
def provider_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_LOG", "SHEATH_LOG"))}
    env["SHEATH_CACHE_DIR"] = str(tmp_path_factory.mktemp("schema-cache"))
    return env


def s_tags(tags: Mapping[str, str]) -> Value:
    return Value(MapType(STRING), {k: string_val(v) for k, v in sorted(tags.items())})


def provider_config(p: Provider, url: str) -> Value:
    block = p.get_provider_schema().provider.block
    ep = block.block_types["endpoints"]
    endpoints = config_object(ep.block, {name: string_val(url) for name in ("s3", "iam", "sts", "ec2", "secretsmanager")})
    return config_object(
        block,
        {
            "region": string_val(REGION),
            "access_key": string_val("test"),
            "secret_key": string_val("test"),
            "skip_credentials_validation": TRUE,
            "skip_requesting_account_id": TRUE,
            "skip_metadata_api_check": string_val("true"),
            "s3_use_path_style": TRUE,
        },
        {"endpoints": [endpoints]},
    )


@pytest.fixture(scope="module")
def aws(aws_binary: FsPath, provider_env: dict[str, str], moto_server: str) -> Iterator[GRPCProvider]:
    p = start_provider(aws_binary, env=provider_env)
    cfg = provider_config(p, moto_server)
    assert not p.validate_provider_config(cfg).diagnostics.has_errors()
    diags = p.configure_provider(ConfigureProviderRequest("1.11.4", cfg)).diagnostics
    assert not diags.has_errors(), [(d.summary, d.detail) for d in diags]
    yield p
    p.close()


@pytest.fixture(scope="module")
def boto(moto_server: str) -> Any:
    import importlib.util

    need(importlib.util.find_spec("boto3") is not None, "boto3 (pip install -e '.[test]')")
    import boto3

    def client(service: str) -> Any:
        return boto3.client(
            service, endpoint_url=moto_server, region_name=REGION, aws_access_key_id="test", aws_secret_access_key="test"
        )

    return client


def block_of(p: Provider, type_name: str) -> Block:
    return p.get_provider_schema().resource_types[type_name].block


def apply(p: Provider, type_name: str, prior: Value, config: Value, private: bytes = b"") -> tuple[Value, bytes, list[Path]]:
    """Plan then apply one change as the engine does; returns (new state, private, requires_replace)."""
    block = block_of(p, type_name)
    proposed = proposed_new(block, prior, config) if not config.is_null else config
    plan = p.plan_resource_change(PlanResourceChangeRequest(type_name, prior, proposed, config, private))
    assert not plan.diagnostics.has_errors(), [(d.summary, d.detail) for d in plan.diagnostics]
    assert plan.planned_state is not None
    res = p.apply_resource_change(ApplyResourceChangeRequest(type_name, prior, plan.planned_state, config, plan.planned_private))
    assert not res.diagnostics.has_errors(), [(d.summary, d.detail) for d in res.diagnostics]
    assert res.new_state is not None
    return res.new_state, res.private, plan.requires_replace


def destroy(p: Provider, type_name: str, prior: Value, private: bytes = b"") -> None:
    t = block_of(p, type_name).implied_type()
    new, _, _ = apply(p, type_name, prior, null(t), private)
    assert new.is_null


def attr(v: Value, name: str) -> Any:
    return v.attrs()[name].v


# --- handshake and schema ----------------------------------------------------------


def test_handshake_protocol_5_with_mtls(aws_binary: FsPath, provider_env: dict[str, str]) -> None:
    t0 = time.perf_counter()
    p = start_provider(aws_binary, env=provider_env)
    started = time.perf_counter() - t0
    try:
        assert p.protocol_version == 5
        assert p.process.handshake.network == "unix"
        assert p.process.handshake.server_cert_der is not None  # automatic mTLS was offered and used
        assert p.process.relay is not None
        md = p.get_metadata()
        assert md is not None
        names = {r.type_name for r in md.resources}
        assert {"aws_s3_bucket", "aws_iam_user", "aws_security_group"} <= names
        assert md.server_capabilities.get_provider_schema_optional
    finally:
        p.close()
    assert p.process.proc.returncode == 0  # the controller's Shutdown let it exit cleanly
    assert started < 30


def test_schema_cache_cold_then_warm(aws_binary: FsPath, tmp_path: FsPath) -> None:
    env = dict(os.environ, SHEATH_CACHE_DIR=str(tmp_path / "cache"))
    timings = []
    types = []
    for _ in range(2):
        p = start_provider(aws_binary, env=env)
        try:
            t0 = time.perf_counter()
            s = p.get_provider_schema()
            timings.append(time.perf_counter() - t0)
            types.append(s.resource_types["aws_s3_bucket"].block.implied_type())
            assert not s.diagnostics.has_errors()
            assert len(s.resource_types) > 1000
            # the provider keeps working after a schema served from the cache
            assert p.validate_resource_config("aws_iam_user", config_object(s.resource_types["aws_iam_user"].block, {"name": string_val("x")})).diagnostics == []
            cached = p.schema_from_cache
        finally:
            p.close()
        assert cached is (len(timings) == 2)
    assert types[0] == types[1]
    entries = list((tmp_path / "cache" / "schemas").iterdir())
    assert len(entries) == 1 and entries[0].name.endswith(".v5.pb")
    assert timings[1] < timings[0]


def _tf_schema(terraform_bin: str, mirror: str, work: FsPath) -> dict[str, Any]:
    (work / "main.tf").write_text(
        'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n'
        f'      version = "{AWS_VERSION}"\n    }}\n  }}\n}}\n'
    )
    rc = work / "terraformrc"
    rc.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "AWS_"))}
    env.update(TF_CLI_CONFIG_FILE=str(rc), CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1")
    init = subprocess.run([terraform_bin, "init", "-input=false", "-no-color"], cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert init.returncode == 0, init.stderr
    out = subprocess.run([terraform_bin, "providers", "schema", "-json"], cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    data: dict[str, Any] = json.loads(out.stdout)
    return data["provider_schemas"]["registry.terraform.io/hashicorp/aws"]


def _block_json(b: Block) -> dict[str, Any]:
    """Our block in the shape of terraform's JSON schema (without descriptions)."""
    out: dict[str, Any] = {}
    attrs = {}
    for name, a in b.attributes.items():
        j: dict[str, Any] = {"type": type_to_json_value(a.implied_type())}
        for flag in ("required", "optional", "computed", "sensitive", "deprecated", "write_only"):
            if getattr(a, flag):
                j[flag] = True
        attrs[name] = j
    if attrs:
        out["attributes"] = attrs
    bts = {}
    for name, nb in b.block_types.items():
        j = {"nesting_mode": nb.nesting.value, "block": _block_json(nb.block)}
        if nb.min_items:
            j["min_items"] = nb.min_items
        if nb.max_items:
            j["max_items"] = nb.max_items
        bts[name] = j
    if bts:
        out["block_types"] = bts
    return out


def _strip_tf(b: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "attributes" in b:
        out["attributes"] = {
            n: {k: v for k, v in a.items() if k not in ("description", "description_kind")} for n, a in b["attributes"].items()
        }
    if "block_types" in b:
        out["block_types"] = {
            n: {k: (_strip_tf(v) if k == "block" else v) for k, v in bt.items()} for n, bt in b["block_types"].items()
        }
    return out


def test_schema_matches_terraform(aws: GRPCProvider, terraform_bin: str, aws_mirror: str, tmp_path: FsPath) -> None:
    tf = _tf_schema(terraform_bin, aws_mirror, tmp_path)
    ours = aws.get_provider_schema()
    assert set(tf["resource_schemas"]) == set(ours.resource_types)
    assert set(tf["data_source_schemas"]) == set(ours.data_sources)
    assert set(tf.get("functions", {})) == set(ours.functions)
    assert _block_json(ours.provider.block) == _strip_tf(tf["provider"]["block"])
    for name in ("aws_s3_bucket", "aws_iam_user", "aws_security_group", "aws_db_instance", "aws_instance", "aws_lambda_function"):
        want = tf["resource_schemas"][name]
        got = ours.resource_types[name]
        assert got.version == want["version"], name
        assert _block_json(got.block) == _strip_tf(want["block"]), name
    for name in ("aws_caller_identity", "aws_iam_policy_document", "aws_s3_bucket"):
        assert _block_json(ours.data_sources[name].block) == _strip_tf(tf["data_source_schemas"][name]["block"]), name


# --- managed resources against moto -----------------------------------------------------


def test_s3_bucket_create_update_replace_import_destroy(aws: GRPCProvider, boto: Any) -> None:
    s3 = boto("s3")
    block = block_of(aws, "aws_s3_bucket")
    t = block.implied_type()
    name = f"sheath-{uuid.uuid4().hex[:10]}"

    cfg = config_object(block, {"bucket": string_val(name), "tags": s_tags({"env": "test"})})
    state, private, _ = apply(aws, "aws_s3_bucket", null(t), cfg)
    assert attr(state, "id") == name
    assert attr(state, "arn") == f"arn:aws:s3:::{name}"
    assert name in {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert {x["Key"]: x["Value"] for x in s3.get_bucket_tagging(Bucket=name)["TagSet"]} == {"env": "test"}

    # read: the provider refreshes the same object
    rr = aws.read_resource(ReadResourceRequest("aws_s3_bucket", state, private))
    assert not rr.diagnostics.has_errors()
    assert rr.new_state is not None and attr(rr.new_state, "bucket") == name

    # in-place update of tags
    cfg2 = config_object(block, {"bucket": string_val(name), "tags": s_tags({"env": "prod", "team": "x"})})
    state, private, replace = apply(aws, "aws_s3_bucket", rr.new_state, cfg2, rr.private)
    assert replace == []
    assert {x["Key"]: x["Value"] for x in s3.get_bucket_tagging(Bucket=name)["TagSet"]} == {"env": "prod", "team": "x"}

    # a new name forces replacement: the plan says so, on the "bucket" attribute
    renamed = config_object(block, {"bucket": string_val(name + "-b")})
    proposed = proposed_new(block, state, renamed)
    plan = aws.plan_resource_change(PlanResourceChangeRequest("aws_s3_bucket", state, proposed, renamed, private))
    assert Path((GetAttrStep("bucket"),)) in plan.requires_replace

    # import of a bucket created outside (boto3)
    other = f"sheath-imp-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=other)
    imp = aws.import_resource_state(ImportResourceStateRequest("aws_s3_bucket", other))
    assert not imp.diagnostics.has_errors()
    assert [r.type_name for r in imp.imported_resources] == ["aws_s3_bucket"]
    got = aws.read_resource(ReadResourceRequest("aws_s3_bucket", imp.imported_resources[0].state, imp.imported_resources[0].private))
    assert got.new_state is not None and attr(got.new_state, "bucket") == other
    assert attr(got.new_state, "arn") == f"arn:aws:s3:::{other}"

    # destroy both through plan/apply to null
    destroy(aws, "aws_s3_bucket", state, private)
    destroy(aws, "aws_s3_bucket", got.new_state, got.private)
    left = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert name not in left and other not in left


def test_iam_user_lifecycle(aws: GRPCProvider, boto: Any) -> None:
    iam = boto("iam")
    block = block_of(aws, "aws_iam_user")
    t = block.implied_type()
    name = f"sheath-user-{uuid.uuid4().hex[:8]}"
    cfg = config_object(block, {"name": string_val(name), "path": string_val("/sheath/"), "tags": s_tags({"a": "1"})})
    vr = aws.validate_resource_config("aws_iam_user", cfg)
    assert not vr.diagnostics.has_errors()
    state, private, _ = apply(aws, "aws_iam_user", null(t), cfg)
    user = iam.get_user(UserName=name)["User"]
    assert user["Path"] == "/sheath/"
    assert attr(state, "arn") == user["Arn"]
    assert attr(state, "unique_id") == user["UserId"]

    cfg2 = config_object(block, {"name": string_val(name), "path": string_val("/sheath/"), "tags": s_tags({"a": "2"})})
    state, private, replace = apply(aws, "aws_iam_user", state, cfg2, private)
    assert replace == []
    assert {x["Key"]: x["Value"] for x in iam.list_user_tags(UserName=name)["Tags"]} == {"a": "2"}

    imp = aws.import_resource_state(ImportResourceStateRequest("aws_iam_user", name))
    assert imp.imported_resources and attr(imp.imported_resources[0].state, "id") == name

    destroy(aws, "aws_iam_user", state, private)
    assert name not in {u["UserName"] for u in iam.list_users()["Users"]}


def test_upgrade_and_move_resource_state(aws: GRPCProvider, boto: Any) -> None:
    block = block_of(aws, "aws_iam_user")
    t = block.implied_type()
    name = f"sheath-up-{uuid.uuid4().hex[:8]}"
    state, private, _ = apply(aws, "aws_iam_user", null(t), config_object(block, {"name": string_val(name)}))
    raw = value_to_json(state, t)
    up = aws.upgrade_resource_state(UpgradeResourceStateRequest("aws_iam_user", 0, raw_state_json=raw))
    assert not up.diagnostics.has_errors()
    assert up.upgraded_state is not None
    assert value_to_json(up.upgraded_state, t) == raw
    # the SDKv2 aws_iam_user does not take moves from another type: an error diagnostic, no state
    mv = aws.move_resource_state(MoveResourceStateRequest("registry.terraform.io/hashicorp/aws", "aws_iam_group", 0, b'{"id":"g"}', "aws_iam_user"))
    assert mv.target_state is None and mv.diagnostics.has_errors()
    destroy(aws, "aws_iam_user", state, private)
    assert name not in {u["UserName"] for u in boto("iam").list_users()["Users"]}


def test_provider_defined_functions(aws: GRPCProvider) -> None:
    r = aws.call_function(CallFunctionRequest("arn_parse", [string_val("arn:aws:iam::444455556666:role/example")]))
    assert r.error == "" and r.result is not None
    assert {k: v.v for k, v in r.result.attrs().items()} == {
        "account_id": "444455556666",
        "partition": "aws",
        "region": "",
        "resource": "role/example",
        "service": "iam",
    }
    r = aws.call_function(CallFunctionRequest("trim_iam_role_path", [string_val("arn:aws:iam::444455556666:role/with/path/example")]))
    assert r.result is not None and r.result.v == "arn:aws:iam::444455556666:role/example"
    fns = aws.get_functions()
    assert fns is not None and set(fns.functions) == set(aws.get_provider_schema().functions) == {"arn_build", "arn_parse", "trim_iam_role_path"}
    bad = aws.call_function(CallFunctionRequest("arn_parse", [string_val("not an arn")]))
    assert bad.result is None and bad.error == "arn: invalid prefix"


def test_ephemeral_secret_version(aws: GRPCProvider, boto: Any) -> None:
    sm = boto("secretsmanager")
    name = f"sheath-secret-{uuid.uuid4().hex[:8]}"
    sm.create_secret(Name=name, SecretString="s3cr3t")
    sch = aws.get_provider_schema().ephemeral_resource_types["aws_secretsmanager_secret_version"]
    cfg = config_object(sch.block, {"secret_id": string_val(name)})
    assert not aws.validate_ephemeral_resource_config("aws_secretsmanager_secret_version", cfg).diagnostics.has_errors()
    opened = aws.open_ephemeral_resource(OpenEphemeralResourceRequest("aws_secretsmanager_secret_version", cfg))
    assert not opened.diagnostics.has_errors(), [(d.summary, d.detail) for d in opened.diagnostics]
    assert opened.result is not None and attr(opened.result, "secret_string") == "s3cr3t"
    closed = aws.close_ephemeral_resource(CloseEphemeralResourceRequest("aws_secretsmanager_secret_version", opened.private))
    assert not closed.diagnostics.has_errors()


def test_data_source_and_invalid_config_diagnostic(aws: GRPCProvider) -> None:
    sch = aws.get_provider_schema().data_sources["aws_iam_policy_document"]
    stmt = sch.block.block_types["statement"]
    assert stmt.nesting is Nesting.LIST
    st = config_object(stmt.block, {"actions": Value(stmt.block.attributes["actions"].implied_type(), (string_val("s3:GetObject"),)), "resources": Value(stmt.block.attributes["resources"].implied_type(), (string_val("*"),))})
    cfg = config_object(sch.block, {}, {"statement": [st]})
    r = aws.read_data_source(ReadDataSourceRequest("aws_iam_policy_document", cfg))
    assert not r.diagnostics.has_errors(), [(d.summary, d.detail) for d in r.diagnostics]
    assert r.state is not None
    doc = json.loads(attr(r.state, "json"))
    assert doc["Statement"][0]["Action"] == "s3:GetObject"

    # an invalid value comes back as an attribute diagnostic with its path
    block = block_of(aws, "aws_iam_user")
    bad = config_object(block, {"name": string_val("bad name with spaces!")})
    diags = aws.validate_resource_config("aws_iam_user", bad).diagnostics
    assert diags.has_errors()
    assert any(str(d.extra.get("attribute_path")) == "name" for d in diags)


def test_crashed_provider_gives_plugin_did_not_respond(aws_binary: FsPath, provider_env: dict[str, str]) -> None:
    p = start_provider(aws_binary, env=provider_env)
    try:
        block = block_of(p, "aws_s3_bucket")  # schema (from the cache) before the crash
        os.kill(p.process.proc.pid, signal.SIGKILL)
        p.process.proc.wait(10)
        t = block.implied_type()
        cfg = config_object(block, {"bucket": string_val("x")})
        res = p.apply_resource_change(ApplyResourceChangeRequest("aws_s3_bucket", null(t), cfg, cfg))
        assert res.new_state is None
        [d] = res.diagnostics
        assert d.summary == "Plugin did not respond"
        assert d.detail.startswith(
            "The plugin encountered an error, and failed to respond to the plugin.(*GRPCProvider).ApplyResourceChange call."
        )
        assert d.extra["plugin_exit_status"] == -signal.SIGKILL
        # no panic was printed: the detail says how the process ended, and claims no crash report
        assert f"The {aws_binary.name} process was killed (SIGKILL)." in d.detail and "crashed!" not in d.detail
        rr = p.read_resource(ReadResourceRequest("aws_s3_bucket", cfg))
        assert rr.diagnostics[0].summary == "Plugin did not respond"
    finally:
        p.close()


def test_crash_report_carries_the_go_runtime_dump(aws_binary: FsPath, provider_env: dict[str, str]) -> None:
    """SIGQUIT makes the Go runtime print every goroutine's stack and exit: a real crash with output."""
    p = start_provider(aws_binary, env=provider_env)
    try:
        block = block_of(p, "aws_iam_user")
        os.kill(p.process.proc.pid, signal.SIGQUIT)
        p.process.proc.wait(10)
        cfg = config_object(block, {"name": string_val("x")})
        diags = p.validate_resource_config("aws_iam_user", cfg).diagnostics
        [d] = diags
        assert d.summary == "Plugin did not respond"
        assert "plugin.(*GRPCProvider).ValidateResourceConfig call" in d.detail
        assert f"Stack trace from the {aws_binary.name} plugin:" in d.detail
        assert "goroutine " in d.extra["plugin_panic"]  # type: ignore[operator]
        assert d.detail.rstrip().endswith(f"Error: The {aws_binary.name} plugin crashed!")
    finally:
        p.close()


def test_unclosed_provider_does_not_outlive_its_owner(aws_binary: FsPath, provider_env: dict[str, str]) -> None:
    import gc

    p = start_provider(aws_binary, env=provider_env)
    proc = p.process.proc
    assert proc.poll() is None
    del p
    gc.collect()
    assert proc.wait(10) == -signal.SIGKILL
