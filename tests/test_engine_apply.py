"""The apply walk's behaviour when things go wrong, checked on real files and state.

No terraform needed: these exercise sheath's own guarantees (partial failure
keeps what completed, dependents stop, saved plans refuse a changed state,
locks, parallelism) with the builtin and native providers.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SHEATH = [sys.executable, "-m", "sheath"]


def sheath(args: list[str], cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {"TF_IN_AUTOMATION": "1", "PATH": "/usr/bin:/bin"}
    return subprocess.run([*SHEATH, *args], cwd=cwd, input=stdin, capture_output=True, text=True, env=env, timeout=120)


def write(d: Path, text: str) -> None:
    (d / "main.tf").write_text(text)


def state(d: Path) -> dict:
    return json.loads((d / "terraform.tfstate").read_text())


def addresses(d: Path) -> list[str]:
    out = []
    for r in state(d)["resources"]:
        for inst in r["instances"]:
            key = inst.get("index_key")
            k = "" if key is None else (f"[{key}]" if isinstance(key, int) else f'["{key}"]')
            out.append(f"{r['type']}.{r['name']}{k}")
    return sorted(out)


FAILING = """
resource "terraform_data" "independent" {
  input = "fine"
}

resource "local_file" "broken" {
  filename = "${path.module}/not-a-dir/x/y.txt"
  content  = "x"
}

resource "terraform_data" "after_broken" {
  input = local_file.broken.id
}

resource "terraform_data" "chain" {
  count = 3
  input = "c${count.index}"
}
"""


def test_failure_keeps_completed_work_and_stops_dependents(tmp_path: Path) -> None:
    (tmp_path / "not-a-dir").write_text("a file where a directory is needed")
    write(tmp_path, FAILING)
    assert sheath(["init"], tmp_path).returncode == 0
    r = sheath(["apply", "-auto-approve", "-no-color"], tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Error:" in r.stderr
    assert "Traceback" not in r.stderr
    # everything independent of the failure completed and is in state; the dependent never ran
    assert addresses(tmp_path) == [
        "terraform_data.chain[0]",
        "terraform_data.chain[1]",
        "terraform_data.chain[2]",
        "terraform_data.independent",
    ]
    assert "terraform_data.after_broken: Creating..." not in r.stdout
    # fixing the problem converges
    (tmp_path / "not-a-dir").unlink()
    r = sheath(["apply", "-auto-approve", "-no-color"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Resources: 2 added, 0 changed, 0 destroyed." in r.stdout
    assert (tmp_path / "not-a-dir" / "x" / "y.txt").read_text() == "x"
    r = sheath(["plan", "-detailed-exitcode", "-no-color"], tmp_path)
    assert r.returncode == 0, r.stdout


def test_saved_plan_refuses_a_changed_state(tmp_path: Path) -> None:
    write(tmp_path, 'resource "terraform_data" "a" {\n  input = "one"\n}\n')
    assert sheath(["apply", "-auto-approve"], tmp_path).returncode == 0
    write(tmp_path, 'resource "terraform_data" "a" {\n  input = "two"\n}\n')
    assert sheath(["plan", "-out=tfplan"], tmp_path).returncode == 0
    write(tmp_path, 'resource "terraform_data" "a" {\n  input = "three"\n}\n')
    assert sheath(["apply", "-auto-approve"], tmp_path).returncode == 0
    before = (tmp_path / "terraform.tfstate").read_bytes()
    r = sheath(["apply", "-no-color", "tfplan"], tmp_path)
    assert r.returncode == 1
    assert "Saved plan is stale" in r.stderr
    assert (tmp_path / "terraform.tfstate").read_bytes() == before


def test_saved_plan_applies_exactly_that_plan(tmp_path: Path) -> None:
    write(tmp_path, 'variable "v" {}\nresource "terraform_data" "a" {\n  input = var.v\n}\noutput "o" { value = terraform_data.a.output }\n')
    r = sheath(["plan", "-out=tfplan", "-var", "v=planned", "-no-color"], tmp_path)
    assert r.returncode == 0, r.stderr
    # the plan carries its variables: none are needed (or used) at apply time
    r = sheath(["apply", "-no-color", "tfplan"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert 'o = "planned"' in r.stdout
    assert state(tmp_path)["outputs"]["o"]["value"] == "planned"


def test_lock_is_held_during_apply(tmp_path: Path) -> None:
    import fcntl
    import os

    write(tmp_path, 'resource "terraform_data" "a" {}\n')
    assert sheath(["apply", "-auto-approve"], tmp_path).returncode == 0
    lock_path = tmp_path / ".terraform.tfstate.lock.info"
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        r = sheath(["apply", "-auto-approve", "-no-color"], tmp_path)
        assert r.returncode == 1
        assert "Error acquiring the state lock" in r.stderr
        r = sheath(["apply", "-auto-approve", "-no-color", "-lock=false"], tmp_path)
        assert r.returncode == 0, r.stderr
    finally:
        os.close(fd)


def test_parallelism_one_applies_a_graph_in_order(tmp_path: Path) -> None:
    blocks = []
    for i in range(6):
        ref = f"terraform_data.n{i - 1}.output" if i else '"start"'
        blocks.append(f'resource "terraform_data" "n{i}" {{\n  input = {ref}\n}}\n')
    body = "\n".join(blocks)
    write(tmp_path, body)
    r = sheath(["apply", "-auto-approve", "-no-color", "-parallelism=1"], tmp_path)
    assert r.returncode == 0, r.stderr
    created = [line.split(":")[0] for line in r.stdout.splitlines() if line.endswith("Creating...")]
    assert created == [f"terraform_data.n{i}" for i in range(6)]
    s = state(tmp_path)
    deps = {r["name"]: r["instances"][0].get("dependencies", []) for r in s["resources"]}
    assert deps["n5"] == [f"terraform_data.n{i}" for i in range(5)]


def test_destroy_removes_everything_in_reverse_order(tmp_path: Path) -> None:
    write(
        tmp_path,
        'resource "terraform_data" "base" {}\n'
        'resource "terraform_data" "mid" { input = terraform_data.base.id }\n'
        'resource "terraform_data" "top" { input = terraform_data.mid.id }\n',
    )
    assert sheath(["apply", "-auto-approve"], tmp_path).returncode == 0
    r = sheath(["destroy", "-auto-approve", "-no-color", "-parallelism=1"], tmp_path)
    assert r.returncode == 0, r.stderr
    order = [line.split(":")[0] for line in r.stdout.splitlines() if "Destroying..." in line]
    assert order == ["terraform_data.top", "terraform_data.mid", "terraform_data.base"]
    assert state(tmp_path)["resources"] == []
    assert "Destroy complete! Resources: 3 destroyed." in r.stdout


def test_apply_without_approval_is_cancelled(tmp_path: Path) -> None:
    write(tmp_path, 'resource "terraform_data" "a" {}\n')
    r = sheath(["apply", "-no-color"], tmp_path, stdin="no\n")
    assert r.returncode == 1
    assert "Apply cancelled" in r.stderr
    assert not (tmp_path / "terraform.tfstate").exists() or state(tmp_path)["resources"] == []
    r = sheath(["apply", "-no-color"], tmp_path, stdin="yes\n")
    assert r.returncode == 0, r.stderr
    assert addresses(tmp_path) == ["terraform_data.a"]
