"""sheath force-unlock: refused for local state as terraform refuses it; on s3, removes a
lock that a killed terraform left behind, after which terraform runs again."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from test_backend_s3 import _boto, _bucket, _hcl, _settings

pytestmark = pytest.mark.oracle


@pytest.mark.parametrize("args", [["-force", "abc"], ["abc"], [], ["-no-color", "-force", "abc"]])
def test_local_state_as_terraform(args: list[str], tmp_path: Path, run_terraform: Any, run_sheath: Any) -> None:
    (tmp_path / "main.tf").write_text('resource "terraform_data" "x" {}\n')
    t = run_terraform(["force-unlock", *args], tmp_path, stdin="")
    s = run_sheath(["force-unlock", *args], tmp_path, stdin="")
    assert (s.returncode, s.stdout.replace("sheath", "terraform"), s.stderr) == (t.returncode, t.stdout, t.stderr)


def test_s3_lock_left_by_a_killed_terraform(
    tmp_path: Path, moto_server: str, run_terraform: Any, run_sheath: Any, terraform_bin: str, oracle_env: dict[str, str]
) -> None:
    bucket, _ = _bucket(moto_server)
    settings = _settings(moto_server, bucket, use_lockfile=True)
    (tmp_path / "main.tf").write_text(_hcl(settings) + 'resource "terraform_data" "x" {}\n')
    assert run_terraform(["init", "-input=false"], tmp_path).returncode == 0
    env = dict(oracle_env)
    env.pop("TF_IN_AUTOMATION", None)
    p = subprocess.Popen([terraform_bin, "apply"], cwd=tmp_path, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert p.stdout is not None
    seen = ""
    deadline = time.monotonic() + 60
    while "Enter a value" not in seen and time.monotonic() < deadline:
        ch = p.stdout.read(1)
        if not ch:
            break
        seen += ch
    p.send_signal(signal.SIGKILL)
    p.wait()
    s3 = _boto(moto_server, "s3")
    lock = json.loads(s3.get_object(Bucket=bucket, Key="app/terraform.tfstate.tflock")["Body"].read())
    assert run_terraform(["plan", "-input=false", "-no-color"], tmp_path).returncode == 1  # still locked
    r = run_sheath(["force-unlock", "-force", "-no-color", "wrong-id"], tmp_path)
    assert r.returncode == 1 and "Failed to unlock state" in r.stderr
    r = run_sheath(["force-unlock", "-force", "-no-color", lock["ID"]], tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Terraform state has been successfully unlocked!")
    assert run_terraform(["plan", "-input=false", "-no-color"], tmp_path).returncode == 0
