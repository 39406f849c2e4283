"""Shared fixtures: the terraform oracle and helpers to run both tools.

Tests that need terraform skip on machines without it, with a message saying
what is missing. With SHEATH_REQUIRE_ORACLE=1 (set by .ci/run) those skips
become failures, so conformance is never silently skipped in CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

REQUIRE_ORACLE = os.environ.get("SHEATH_REQUIRE_ORACLE") == "1"


def need(condition: bool, what: str) -> None:
    """Skip (or fail under SHEATH_REQUIRE_ORACLE=1) when condition is false."""
    if condition:
        return
    if REQUIRE_ORACLE:
        pytest.fail(f"required for conformance but missing: {what}")
    pytest.skip(f"missing: {what}")


@pytest.fixture(scope="session")
def tf_cli_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty CLI configuration file so terraform prints no warning about ~/.terraformrc."""
    p = tmp_path_factory.mktemp("tfcli") / "terraformrc"
    p.write_text("")
    return p


@pytest.fixture(scope="session")
def terraform_bin() -> str:
    path = shutil.which("terraform")
    need(path is not None, "terraform (1.11.4) on PATH")
    assert path is not None
    return path


@pytest.fixture(scope="session")
def oracle_env(tf_cli_config: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["TF_CLI_CONFIG_FILE"] = str(tf_cli_config)
    env["CHECKPOINT_DISABLE"] = "1"
    env["TF_IN_AUTOMATION"] = "1"
    for k in list(env):
        if k.startswith("TF_VAR_") or k in ("TF_LOG", "TF_CLI_ARGS"):
            del env[k]
    return env


SHEATH_CMD = [sys.executable, "-m", "sheath"]


RunFn = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def run_terraform(terraform_bin: str, oracle_env: dict[str, str]) -> RunFn:
    def run(args: list[str], cwd: Path, stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [terraform_bin, *args], cwd=cwd, input=stdin, capture_output=True, text=True, env=oracle_env, timeout=timeout
        )

    return run


@pytest.fixture(scope="session")
def run_sheath(oracle_env: dict[str, str]) -> RunFn:
    def run(args: list[str], cwd: Path, stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*SHEATH_CMD, *args], cwd=cwd, input=stdin, capture_output=True, text=True, env=oracle_env, timeout=timeout
        )

    return run
