"""The state lock and sheath ui: the page reads the state under no lock; its Plan and Check
drift buttons plan as ``sheath plan`` (and terraform's plan) do: the state is locked while
planning, released after, and never written. While another process holds the lock, the
buttons report terraform's "Error acquiring the state lock" at once (no wait), as a
``terraform plan`` does, and the read-only views and the cost estimate still answer."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_ui_plan import request, write_plan_workdir
from ui_fixture import serving

HOLDER = """
import sys
from sheath.states.statemgr.filesystem import FilesystemStateManager
mgr = FilesystemStateManager(sys.argv[1])
info, diags = mgr.lock("test holds the lock")
print("locked" if info is not None else "failed: " + "; ".join(d.summary for d in diags), flush=True)
sys.stdin.readline()
if info is not None:
    mgr.unlock(info.id)
"""


@contextmanager
def lock_held(state: Path) -> Iterator[None]:
    """The state's lock, held by another process until the block ends."""
    p = subprocess.Popen([sys.executable, "-c", HOLDER, str(state)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout is not None and p.stdout.readline().strip() == "locked"
        yield
    finally:
        assert p.stdin is not None
        p.stdin.write("\n")
        p.stdin.close()
        p.wait(timeout=30)


def _can_lock(state: Path) -> bool:
    with lock_held(state):
        return True


def test_buttons_lock_only_while_planning_and_never_write(tmp_path: Path) -> None:
    root = write_plan_workdir(tmp_path)
    state = root / "terraform.tfstate"
    before = state.read_bytes()
    with serving(root) as url:
        with lock_held(state):
            status, doc, _ = request(url + "/api/plan", method="POST", headers={"X-Sheath-UI": "plan"})
            assert status == 200 and doc["errored"] is True
            assert "Error acquiring the state lock" in [d["summary"] for d in doc["diagnostics"]]
            status, drift, _ = request(url + "/api/drift", method="POST", headers={"X-Sheath-UI": "drift"})
            assert status == 200 and drift["error"] is True
            assert "Error acquiring the state lock" in [d["summary"] for d in drift["diagnostics"]]
            # the views read under no lock
            assert request(url + "/api/state")[0] == 200
            assert request(url + "/api/graph")[0] == 200
            assert request(url + "/api/cost")[0] == 200
        status, doc, _ = request(url + "/api/plan", method="POST", headers={"X-Sheath-UI": "plan"})
        assert status == 200 and doc["errored"] is False, doc["diagnostics"]
        assert _can_lock(state)  # released after the plan
        status, drift, _ = request(url + "/api/drift", method="POST", headers={"X-Sheath-UI": "drift"})
        assert status == 200 and drift["error"] is False, drift["diagnostics"]
        assert _can_lock(state)
    assert state.read_bytes() == before
    assert not (root / "terraform.tfstate.backup").exists()


@pytest.mark.oracle
def test_terraform_plan_refuses_the_held_lock_too(terraform_bin: str, oracle_env: dict[str, str], tmp_path: Path) -> None:
    """The oracle: terraform's plan takes the same lock (and reports the same error)."""
    root = write_plan_workdir(tmp_path)
    state = root / "terraform.tfstate"
    init = subprocess.run([terraform_bin, "init", "-input=false", "-no-color"], cwd=root, env=oracle_env, capture_output=True, text=True, timeout=300)
    assert init.returncode == 0, init.stdout + init.stderr
    with lock_held(state):
        p = subprocess.run([terraform_bin, "plan", "-input=false", "-no-color"], cwd=root, env=oracle_env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 1 and "Error acquiring the state lock" in p.stderr, p.stdout + p.stderr
