"""Backend blocks decoded as terraform decodes them: `.terraform/terraform.tfstate` written
byte for byte as terraform writes it after `init` (every schema attribute, terraform's hash)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from postgres_helpers import PostgresServer, create_database, postgres  # noqa: F401 - the fixture
from sheath.backend.config import decode_backend
from sheath.config import load_module_tree

pytestmark = pytest.mark.oracle


def _record(d: Path) -> bytes:
    cfg, diags = load_module_tree(str(d))
    assert not diags.has_errors()
    b = cfg.module.backend
    assert b is not None
    bc, diags = decode_backend(b.type, [b.config])
    assert bc is not None, [(x.summary, x.detail) for x in diags]
    return bc.record()


def _compare(tmp_path: Path, block: str, run_terraform: Any) -> None:
    d = tmp_path / "w"
    d.mkdir()
    (d / "main.tf").write_text("terraform {\n" + block + "}\n")
    r = run_terraform(["init", "-input=false"], d)
    assert r.returncode == 0, r.stderr
    assert _record(d) == (d / ".terraform" / "terraform.tfstate").read_bytes()


@pytest.mark.parametrize(
    "block",
    [
        '  backend "local" {}\n',
        '  backend "local" {\n    path = "x/y.tfstate"\n    workspace_dir = "ws"\n  }\n',
    ],
)
def test_local_record_is_terraforms(block: str, tmp_path: Path, run_terraform: Any) -> None:
    _compare(tmp_path, block, run_terraform)


def test_pg_record_is_terraforms(tmp_path: Path, postgres: PostgresServer, run_terraform: Any) -> None:  # noqa: F811
    conn = create_database(postgres, "cfg_" + uuid.uuid4().hex[:8])
    _compare(tmp_path, f'  backend "pg" {{\n    conn_str = "{conn}"\n    schema_name = "other"\n    skip_index_creation = true\n  }}\n', run_terraform)


def test_s3_record_is_terraforms(tmp_path: Path, moto_server: str, run_terraform: Any) -> None:
    import boto3

    bucket = "cfg-" + uuid.uuid4().hex[:8]
    boto3.client("s3", endpoint_url=moto_server, region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t").create_bucket(
        Bucket=bucket
    )
    block = (
        '  backend "s3" {\n'
        f'    bucket = "{bucket}"\n    key = "a/b.tfstate"\n    region = "us-east-1"\n'
        '    access_key = "t"\n    secret_key = "t"\n    use_lockfile = true\n    use_path_style = true\n'
        "    skip_credentials_validation = true\n    skip_requesting_account_id = true\n"
        "    skip_metadata_api_check = true\n    skip_region_validation = true\n"
        f'    endpoints = {{\n      s3 = "{moto_server}"\n    }}\n'
        "  }\n"
    )
    _compare(tmp_path, block, run_terraform)


def test_references_are_not_allowed(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('terraform {\n  backend "local" {\n    path = var.p\n  }\n}\n')
    cfg, diags = load_module_tree(str(tmp_path))
    b = cfg.module.backend
    assert b is not None
    bc, diags = decode_backend(b.type, [b.config])
    assert bc is None and diags.has_errors()
    assert [d.summary for d in diags] == ["Variables not allowed"]


def test_unknown_type_and_argument(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('terraform {\n  backend "consul" {}\n}\n')
    cfg, _ = load_module_tree(str(tmp_path))
    assert cfg.module.backend is not None
    bc, diags = decode_backend("consul", [cfg.module.backend.config])
    assert bc is None and [d.summary for d in diags] == ["Unsupported backend type"]
    (tmp_path / "main.tf").write_text('terraform {\n  backend "local" {\n    nope = 1\n  }\n}\n')
    cfg, _ = load_module_tree(str(tmp_path))
    assert cfg.module.backend is not None
    bc, diags = decode_backend("local", [cfg.module.backend.config])
    assert bc is None and [d.summary for d in diags] == ["Unsupported argument"]
