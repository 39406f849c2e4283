"""sheath workspace against terraform workspace: the same commands in two copies of a
directory give the same output, exit codes and files (local backend), and workspaces
created by either tool in a pg database are the other's."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import pytest

from postgres_helpers import PostgresServer, create_database, postgres  # noqa: F401 - the fixture

pytestmark = pytest.mark.oracle

SEQUENCE = [
    ["workspace", "show"],
    ["workspace", "list"],
    ["workspace", "new", "dev"],
    ["workspace", "new", "dev"],
    ["workspace", "list"],
    ["workspace", "select", "nope"],
    ["workspace", "delete", "dev"],
    ["workspace", "delete", "default"],
    ["workspace", "delete", "nope"],
    ["workspace", "new", "bad/name"],
    ["workspace", "select", "-or-create", "qa"],
    ["workspace", "select", "default"],
    ["workspace", "list", "extra"],
    ["workspace", "new"],
    ["workspace", "select"],
    ["workspace", "nosuch"],
    ["workspace", "delete", "qa"],
    ["workspace", "list"],
]


def _norm(text: str) -> str:
    return text.replace("sheath", "terraform")


@pytest.mark.parametrize("color", [False, True])
def test_workspace_commands_match_terraform(color: bool, tmp_path: Path, run_terraform: Any, run_sheath: Any) -> None:
    dirs = {}
    for tool in ("terraform", "sheath"):
        d = tmp_path / tool
        d.mkdir()
        (d / "main.tf").write_text('resource "terraform_data" "x" {}\n')
        dirs[tool] = d
    for cmd in SEQUENCE:
        args = cmd + ([] if color else ["-no-color"]) if len(cmd) > 2 or cmd[1] in ("list", "show") else cmd
        t = run_terraform(args, dirs["terraform"])
        s = run_sheath(args, dirs["sheath"])
        assert (s.returncode, _norm(s.stdout), _norm(s.stderr)) == (t.returncode, t.stdout, t.stderr), args
    for tool in dirs:
        assert sorted(os.listdir(dirs[tool] / "terraform.tfstate.d")) == ["dev"]
        assert (dirs[tool] / ".terraform" / "environment").read_text() == "default"


def test_tf_workspace_overrides_and_non_empty_delete(tmp_path: Path, run_terraform: Any, run_sheath: Any) -> None:
    d = tmp_path / "w"
    d.mkdir()
    (d / "main.tf").write_text('resource "terraform_data" "x" {}\n')
    assert run_sheath(["workspace", "new", "-no-color", "stage"], d).returncode == 0
    assert run_sheath(["apply", "-auto-approve", "-no-color"], d).returncode == 0
    assert (d / "terraform.tfstate.d" / "stage" / "terraform.tfstate").is_file()
    assert run_sheath(["workspace", "select", "-no-color", "default"], d).returncode == 0
    r = run_sheath(["workspace", "delete", "-no-color", "stage"], d)
    t = run_terraform(["workspace", "delete", "-no-color", "stage"], d)
    assert (r.returncode, r.stdout, r.stderr) == (t.returncode, t.stdout, t.stderr)
    r = run_sheath(["workspace", "delete", "-no-color", "-force", "stage"], d)
    assert r.returncode == 0 and 'WARNING: "stage" was non-empty.' in r.stdout
    env = {**os.environ, "TF_WORKSPACE": "qa"}
    import subprocess
    import sys

    p = subprocess.run([sys.executable, "-m", "sheath", "workspace", "show"], cwd=d, env=env, capture_output=True, text=True)
    assert p.stdout == "qa\n"
    p = subprocess.run([sys.executable, "-m", "sheath", "workspace", "select", "-no-color", "default"], cwd=d, env=env, capture_output=True, text=True)
    assert p.returncode == 1 and "overridden using the TF_WORKSPACE" in p.stderr


def test_pg_workspaces_shared_with_terraform(tmp_path: Path, postgres: PostgresServer, run_terraform: Any, run_sheath: Any) -> None:  # noqa: F811
    conn = create_database(postgres, "ws_" + uuid.uuid4().hex[:8])
    main = f'terraform {{\n  backend "pg" {{\n    conn_str = "{conn}"\n  }}\n}}\n\nresource "terraform_data" "x" {{}}\n'
    d = tmp_path / "w"
    d.mkdir()
    (d / "main.tf").write_text(main)
    assert run_terraform(["init", "-input=false"], d).returncode == 0  # terraform records the backend
    assert run_terraform(["workspace", "new", "dev"], d).returncode == 0
    r = run_sheath(["workspace", "list", "-no-color"], d)
    assert r.stdout == "  default\n* dev\n\n", r.stderr
    assert run_sheath(["workspace", "new", "-no-color", "qa"], d).returncode == 0
    assert run_terraform(["workspace", "list", "-no-color"], d).stdout == "  default\n  dev\n* qa\n\n"
    assert run_sheath(["workspace", "select", "-no-color", "default"], d).returncode == 0
    assert run_sheath(["workspace", "delete", "-no-color", "qa"], d).returncode == 0
    assert run_terraform(["workspace", "list", "-no-color"], d).stdout == "* default\n  dev\n\n"
