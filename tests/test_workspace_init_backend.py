"""Workspace.init initialises the configured backend as ``sheath init`` does, so an
apply right after it uses that backend's state (it failed with "Backend initialization
required" before)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheath import SheathError, Workspace

BACKEND = 'terraform {\n  backend "local" {\n    path = "st/prod.tfstate"\n  }\n}\n\n'
RESOURCE = 'resource "terraform_data" "a" {\n  input = "one"\n}\n'


def test_init_initialises_a_configured_local_backend(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(BACKEND + RESOURCE)
    ws = Workspace(tmp_path, plan_checks=[])
    ws.init()
    assert (tmp_path / ".terraform" / "terraform.tfstate").is_file()  # the backend is recorded, as init records it
    ws.apply()
    assert (tmp_path / "st" / "prod.tfstate").is_file() and not (tmp_path / "terraform.tfstate").exists()
    assert [r[3] for r in ws.state().resources] == ["a"]
    ws.init()  # again: the recorded configuration is unchanged


def test_init_refuses_a_changed_backend_configuration_without_migrating(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(BACKEND + RESOURCE)
    ws = Workspace(tmp_path, plan_checks=[])
    ws.init()
    ws.apply()
    (tmp_path / "main.tf").write_text(BACKEND.replace("st/prod", "st/other") + RESOURCE)
    with pytest.raises(SheathError, match="Backend configuration changed"):
        ws.init()


def test_init_refuses_a_backend_sheath_does_not_implement(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('terraform {\n  backend "consul" {}\n}\n' + RESOURCE)
    with pytest.raises(SheathError, match="Unsupported backend type"):
        Workspace(tmp_path, plan_checks=[]).init()
