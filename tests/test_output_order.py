"""When stdout and stderr share one log (`2>&1`, a CI job), sheath's lines come in
terraform's order: warnings (stdout) before the errors (stderr) they give context to.
terraform writes unbuffered and sorts warnings first; sheath sorts as tfdiags does and
flushes stdout before each write to stderr (checked here with Python's own buffering)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import SHEATH_CMD

pytestmark = pytest.mark.oracle

CONFIG = """resource "terraform_data" "a" {
  bogus = 1
  provisioner "local-exec" {
    when    = "destroy"
    command = "true"
  }
}
"""


@pytest.mark.parametrize("color", [False, True])
def test_warnings_then_errors_in_one_log(color: bool, tmp_path: Path, terraform_bin: str, oracle_env: dict[str, str]) -> None:
    (tmp_path / "main.tf").write_text(CONFIG)
    env = {k: v for k, v in oracle_env.items() if k != "PYTHONUNBUFFERED"}
    args = ["validate", *([] if color else ["-no-color"])]
    logs = []
    for tool in ([terraform_bin], SHEATH_CMD):
        r = subprocess.run([*tool, *args], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
        assert r.returncode == 1
        logs.append(r.stdout)
    assert logs[1] == logs[0]
    assert logs[1].index("Quoted keywords are deprecated") < logs[1].index("Unsupported argument")
    assert "PYTHONUNBUFFERED" not in env and os.environ is not env
