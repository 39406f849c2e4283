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
from typing import Callable, Iterator

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


# --- the AWS provider's filesystem mirror (discovered, never hard-coded) ---

AWS_VERSION = "5.100.0"
_SKIP_ROOTS = {"/proc", "/sys", "/dev", "/run"}
_PRUNE = {"node_modules", ".git", "__pycache__", "site-packages", ".venv", ".npm", ".cargo", ".rustup", ".pyenv", ".m2"}


def has_aws_mirror(root: str) -> bool:
    d = os.path.join(root, "registry.terraform.io", "hashicorp", "aws", AWS_VERSION)
    try:
        for target in os.scandir(d):
            for f in os.scandir(target.path):
                if f.name.startswith("terraform-provider-aws_") or (f.name.endswith(".zip") and "aws" in f.name):
                    return True
    except OSError:
        return False
    return False


def discover_aws_mirror() -> str | None:
    """The filesystem mirror root holding hashicorp/aws 5.100.0: first the directories
    terraform itself implies, then a breadth-first walk of / (skipping /proc, /sys, /dev)."""
    home = os.path.expanduser("~")
    data_home = os.environ.get("XDG_DATA_HOME") or os.path.join(home, ".local", "share")
    candidates = [
        os.path.join(home, ".terraform.d", "plugins"),
        os.path.join(data_home, "terraform", "plugins"),
        *[os.path.join(d, "terraform", "plugins") for d in (os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share").split(":") if d],
    ]
    for c in candidates:
        if has_aws_mirror(c):
            return c
    frontier = ["/"]
    for _ in range(7):
        nxt: list[str] = []
        for d in frontier:
            try:
                entries = list(os.scandir(d))
            except OSError:
                continue
            for e in entries:
                try:
                    if not e.is_dir(follow_symlinks=False):
                        continue
                except OSError:
                    continue
                if e.path in _SKIP_ROOTS or e.name in _PRUNE:
                    continue
                if e.name == "registry.terraform.io" and has_aws_mirror(d):
                    return d
                nxt.append(e.path)
        frontier = nxt
    return None


@pytest.fixture(scope="session")
def aws_mirror() -> str:
    root = discover_aws_mirror()
    need(root is not None, f"a filesystem mirror holding registry.terraform.io/hashicorp/aws/{AWS_VERSION}")
    assert root is not None
    return root


# --- moto: a local AWS API emulator for the real AWS provider ---------------


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """A moto server on 127.0.0.1 on a free port; yields its base URL."""
    import importlib.util
    import socket
    import time
    import urllib.request

    need(importlib.util.find_spec("moto") is not None and importlib.util.find_spec("flask") is not None, "moto[server] (pip install -e '.[test]')")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"moto server did not start on {url}")
            time.sleep(0.1)
    yield url
    proc.kill()  # moto keeps nothing worth a graceful stop (and may ignore SIGTERM)
    proc.wait()
