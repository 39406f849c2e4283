"""Checks `terraform init` makes besides installing: the same errors from `sheath init`.

Compared: exit code and the diagnostics (stderr), for configurations and states that init
must refuse, and module trees whose provider configurations are checked once installed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

LEGACY_STATE = {
    "version": 4,
    "terraform_version": "0.12.31",
    "serial": 1,
    "lineage": "6e6a8e61-0b5d-2c4e-b1a3-5c2f7f7c0a11",
    "outputs": {},
    "resources": [
        {
            "mode": "managed",
            "type": "null_resource",
            "name": "a",
            "provider": 'provider["registry.terraform.io/-/null"]',
            "instances": [{"schema_version": 0, "attributes": {"id": "1", "triggers": None}}],
        }
    ],
}

LEGACY_REMOTE = {
    "version": 3,
    "serial": 0,
    "lineage": "b6b8c1b4-3b7a-4e6e-8b4a-9f7d1e0a2c33",
    "remote": {"type": "s3", "config": {"bucket": "b", "key": "k"}},
    "modules": [],
}

CASES: dict[str, dict[str, str]] = {
    "builtin_requirements": {
        "main.tf": (
            'terraform {\n  required_providers {\n    terraform = {\n      source  = "terraform.io/builtin/terraform"\n'
            '      version = "1.0.0"\n    }\n  }\n}\n'
        ),
    },
    "legacy_provider_in_state": {
        "main.tf": 'resource "terraform_data" "a" {}\n',
        "terraform.tfstate": json.dumps(LEGACY_STATE, indent=2),
    },
    "legacy_remote_state": {
        "main.tf": 'resource "terraform_data" "a" {}\n',
        ".terraform/terraform.tfstate": json.dumps(LEGACY_REMOTE, indent=2),
    },
    "import_in_child_module": {
        "main.tf": 'module "m" {\n  source = "./m"\n}\n',
        "m/main.tf": 'import {\n  to = terraform_data.z\n  id = "c"\n}\n\nresource "terraform_data" "z" {}\n',
    },
}


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


@pytest.mark.oracle
@pytest.mark.parametrize("case", sorted(CASES))
def test_init_refuses_as_terraform(case: str, tmp_path: Path, run_terraform: Any, run_sheath: Any) -> None:
    tf_dir = _write(tmp_path / "tf", CASES[case])
    sh_dir = _write(tmp_path / "sh", CASES[case])
    tf = run_terraform(["init", "-backend=false", "-no-color"], cwd=tf_dir)
    sh = run_sheath(["init", "-backend=false", "-no-color"], cwd=sh_dir)
    assert tf.returncode == 1
    assert (sh.returncode, sh.stderr) == (tf.returncode, tf.stderr)
