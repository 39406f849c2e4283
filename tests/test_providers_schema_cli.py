"""`providers schema -json` and `metadata functions -json` against terraform's.

The AWS provider's schema (from the filesystem mirror) is byte-identical to
terraform's; the builtin provider's and the built-in functions' documents are
identical apart from prose descriptions sheath does not carry; native providers,
which terraform's mirror does not hold, are checked for the document's shape.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import SHEATH_CMD, RunFn

pytestmark = pytest.mark.oracle


def _without_descriptions(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _without_descriptions(v) for k, v in x.items() if k != "description"}
    if isinstance(x, list):
        return [_without_descriptions(v) for v in x]
    return x


def _usage_as_terraform(text: str) -> str:
    return text.replace("sheath [global options]", "terraform [global options]")


def _same_outcome(tf: subprocess.CompletedProcess[str], sh: subprocess.CompletedProcess[str]) -> None:
    assert (sh.returncode, _usage_as_terraform(sh.stdout), _usage_as_terraform(sh.stderr)) == (
        tf.returncode,
        tf.stdout,
        tf.stderr,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["metadata"],
        ["metadata", "-help"],
        ["metadata", "functions"],
        ["metadata", "functions", "-h"],
        ["metadata", "functions", "-no-color"],
        ["metadata", "functions", "-json=false"],
        ["metadata", "functions", "-foo"],
        ["metadata", "functions", "-json=x", "-no-color"],
        ["providers", "schema"],
        ["providers", "schema", "-h"],
        ["providers", "schema", "-no-color"],
        ["providers", "schema", "-bar"],
    ],
)
def test_usage_and_flag_errors(args: list[str], tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    _same_outcome(run_terraform(args, tmp_path), run_sheath(args, tmp_path))


def test_metadata_functions_json(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    tf = run_terraform(["metadata", "functions", "-json"], tmp_path)
    sh = run_sheath(["metadata", "functions", "-json"], tmp_path)
    assert tf.returncode == sh.returncode == 0 and sh.stderr == tf.stderr == ""
    want, got = json.loads(tf.stdout), json.loads(sh.stdout)
    assert list(got["function_signatures"]) == list(want["function_signatures"])
    assert got == _without_descriptions(want)
    # the same layout: one line, Go's field order
    assert sh.stdout.count("\n") == 1 and sh.stdout.startswith('{"format_version":"1.0","function_signatures":{"abs":')


BUILTIN_CONFIG = 'resource "terraform_data" "a" {}\n'


def test_builtin_provider_schema(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    for tool in ("tf", "sh"):
        (tmp_path / tool).mkdir()
        (tmp_path / tool / "main.tf").write_text(BUILTIN_CONFIG)
    tf = run_terraform(["providers", "schema", "-json"], tmp_path / "tf")
    sh = run_sheath(["providers", "schema", "-json"], tmp_path / "sh")
    assert tf.returncode == sh.returncode == 0, sh.stderr
    # the same document apart from terraform_remote_state's prose descriptions
    assert _without_descriptions(json.loads(sh.stdout)) == _without_descriptions(json.loads(tf.stdout))
    assert list(json.loads(sh.stdout)["provider_schemas"]) == ["terraform.io/builtin/terraform"]


def test_no_providers(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    (tmp_path / "main.tf").write_text("locals {}\n")
    _same_outcome(run_terraform(["providers", "schema", "-json"], tmp_path), run_sheath(["providers", "schema", "-json"], tmp_path))


def test_configuration_error(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    (tmp_path / "main.tf").write_text('resource "terraform_data" {\n')
    tf = run_terraform(["providers", "schema", "-json", "-no-color"], tmp_path)
    sh = run_sheath(["providers", "schema", "-json", "-no-color"], tmp_path)
    assert sh.returncode == tf.returncode == 1
    assert sh.stderr == tf.stderr


def test_native_providers_shape(tmp_path: Path, run_sheath: RunFn) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "random_id" "a" {\n  byte_length = 2\n}\n'
        'resource "local_file" "f" {\n  filename = "x"\n  content = "y"\n}\n'
    )
    assert run_sheath(["init", "-no-color"], tmp_path).returncode == 0
    sh = run_sheath(["providers", "schema", "-json"], tmp_path)
    assert sh.returncode == 0, sh.stderr
    doc = json.loads(sh.stdout)
    assert list(doc) == ["format_version", "provider_schemas"]
    schemas = doc["provider_schemas"]
    assert list(schemas) == ["registry.terraform.io/hashicorp/local", "registry.terraform.io/hashicorp/random"]
    random = schemas["registry.terraform.io/hashicorp/random"]
    assert random["provider"] == {"version": 0, "block": {"description_kind": "plain"}}
    rid = random["resource_schemas"]["random_id"]["block"]
    assert rid["attributes"]["byte_length"] == {"type": "number", "description_kind": "plain", "required": True}
    assert rid["description_kind"] == "plain"


def test_uninitialized_plugin_provider(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    (tmp_path / "main.tf").write_text('terraform {\n  required_providers {\n    aws = {\n      source = "hashicorp/aws"\n    }\n  }\n}\n')
    tf = run_terraform(["providers", "schema", "-json", "-no-color"], tmp_path)
    sh = run_sheath(["providers", "schema", "-json", "-no-color"], tmp_path)
    assert (sh.returncode, sh.stdout, sh.stderr) == (tf.returncode, tf.stdout, tf.stderr)


@pytest.fixture(scope="module")
def mirror_env(aws_mirror: str, oracle_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    d = tmp_path_factory.mktemp("schema-cli")
    rc = d / "terraformrc"
    rc.write_text(f"provider_installation {{\n  filesystem_mirror {{\n    path = {json.dumps(aws_mirror)}\n  }}\n}}\n")
    env = dict(oracle_env)
    env["TF_CLI_CONFIG_FILE"] = str(rc)
    env["SHEATH_CACHE_DIR"] = str(d / "cache")
    return env


def test_aws_provider_schema_identical(tmp_path: Path, terraform_bin: str, mirror_env: dict[str, str]) -> None:
    config = 'terraform {\n  required_providers {\n    aws = {\n      source = "hashicorp/aws"\n    }\n  }\n}\n'
    out: dict[str, str] = {}
    for tool, cmd in (("tf", [terraform_bin]), ("sh", SHEATH_CMD)):
        d = tmp_path / tool
        d.mkdir()
        (d / "main.tf").write_text(config)
        init = subprocess.run([*cmd, "init", "-no-color"], cwd=d, env=mirror_env, capture_output=True, text=True, timeout=600)
        assert init.returncode == 0, init.stderr
        r = subprocess.run([*cmd, "providers", "schema", "-json"], cwd=d, env=mirror_env, capture_output=True, text=True, timeout=600)
        assert r.returncode == 0 and r.stderr == "", r.stderr
        out[tool] = r.stdout
    assert out["sh"] == out["tf"]
