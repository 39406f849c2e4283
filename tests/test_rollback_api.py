"""Applied versions and rollback through the Python API: each apply records its
configuration snapshot (deduplicated), variables and outcome; rolling back to a version or
to a git ref plans that configuration against what exists now and applies it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from sheath import SheathError, Workspace

V1 = 'variable "tag" {\n  default = "one"\n}\n\nresource "terraform_data" "a" {\n  input = var.tag\n}\n'
V2 = V1 + '\nresource "terraform_data" "b" {\n  input = "new"\n}\n'


def _ws(d: Path, **variables: object) -> Workspace:
    ws = Workspace(d, variables=variables, plan_checks=[])
    ws.init()
    return ws


def test_versions_are_recorded_and_snapshots_deduplicated(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(V1)
    ws = _ws(tmp_path)
    for _ in range(3):
        ws.apply()
    (tmp_path / "main.tf").write_text(V2)
    ws.apply()
    history = ws.history()
    assert [v.version for v in history] == [1, 2, 3, 4]
    assert [v.summary() for v in history] == ["+1 ~0 -0", "+0 ~0 -0", "+0 ~0 -0", "+1 ~0 -0"]
    assert history[0].config_sha == history[2].config_sha != history[3].config_sha
    assert history[0].variables == {"tag": "one"} and history[0].outcome == "success"
    from sheath.audit.versions import PLAN, VersionStore

    # two configurations, and apart from them three plans: the create, the no-op (stored once)
    # and the second create
    store = VersionStore(str(tmp_path / "terraform.tfstate"))
    assert store.snapshot_count() == 2 and store.snapshot_count(PLAN) == 3
    assert history[1].plan_sha == history[2].plan_sha not in (history[0].plan_sha, history[3].plan_sha)


def test_rollback_to_a_version(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(V1)
    ws = _ws(tmp_path)
    ws.apply()
    (tmp_path / "main.tf").write_text(V2.replace('default = "one"', 'default = "two"'))
    ws.apply()
    assert {r[3] for r in ws.state().resources} == {"a", "b"}
    plan = ws.rollback(to_version=1)
    assert plan.origin == "version 1"
    assert sorted((str(c.address), c.action) for c in plan.changes) == [("terraform_data.a", "update"), ("terraform_data.b", "delete")]
    ws.apply(plan)
    assert {r[3] for r in ws.state().resources} == {"a"}
    assert ws.history()[-1].operation == "rollback" and ws.history()[-1].origin == "version 1"
    again = ws.rollback(to_version=1)
    assert {c.action for c in again.changes} == {"no-op"}
    with pytest.raises(SheathError, match="No such version"):
        ws.rollback(to_version=99)


def test_rollback_to_a_git_ref(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.email", "t@example.invalid")
    git("config", "user.name", "t")
    infra = tmp_path / "infra"
    infra.mkdir()
    (infra / "main.tf").write_text(V1)
    git("add", ".")
    git("commit", "-q", "-m", "one")
    git("tag", "v1")
    ws = _ws(infra)
    ws.apply()
    assert ws.history()[0].git_commit and not ws.history()[0].git_dirty
    (infra / "main.tf").write_text(V2)
    git("commit", "-q", "-am", "two")
    ws.apply()
    plan = ws.rollback(git_ref="v1")
    assert plan.origin.startswith("git v1 (")
    ws.apply(plan)
    assert {r[3] for r in ws.state().resources} == {"a"}
    assert (infra / "main.tf").read_text() == V2  # the working tree is untouched
    with pytest.raises(SheathError, match="Unknown git ref"):
        ws.rollback(git_ref="nope")


def test_history_and_rollback_commands(tmp_path: Path, run_sheath: object) -> None:
    from typing import Any, Callable

    run: Callable[..., Any] = run_sheath  # type: ignore[assignment]
    (tmp_path / "main.tf").write_text(V1)
    ws = _ws(tmp_path)
    ws.apply()
    (tmp_path / "main.tf").write_text(V2)
    ws.apply()
    r = run(["history"], tmp_path)
    lines = r.stdout.splitlines()
    assert len(lines) == 2 and lines[1].split()[2:4] == ["apply", "success"] and lines[1].endswith("+1 ~0 -0")
    r = run(["history", "show", "2"], tmp_path)
    assert "+resource \"terraform_data\" \"b\" {" in r.stdout and "changes:       +1 ~0 -0" in r.stdout
    import json as _json

    assert [v["version"] for v in _json.loads(run(["history", "-json"], tmp_path).stdout)] == [1, 2]
    r = run(["rollback", "-to-version=1", "-no-color"], tmp_path, stdin="no\n")
    assert r.returncode == 1 and "Rolling back to version 1." in r.stdout and "terraform_data.b will be destroyed" in r.stdout
    r = run(["rollback", "-to-version=1", "-auto-approve", "-no-color"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Rollback complete! Resources: 0 added, 0 changed, 1 destroyed." in r.stdout
    assert run(["history", "-json"], tmp_path).stdout.count('"rollback"') == 1
    r = run(["rollback", "-no-color"], tmp_path)
    assert r.returncode == 1 and "exactly one of" in r.stderr


def test_history_show_diffs_the_snapshots_of_a_configured_local_backend(tmp_path: Path, run_sheath: object) -> None:
    from typing import Any, Callable

    run: Callable[..., Any] = run_sheath  # type: ignore[assignment]
    backend = 'terraform {\n  backend "local" {\n    path = "st/prod.tfstate"\n  }\n}\n\n'
    (tmp_path / "main.tf").write_text(backend + V1)
    for args in (["init"], ["apply", "-auto-approve"]):
        assert run(args, tmp_path).returncode == 0
    (tmp_path / "main.tf").write_text(backend + V2)
    assert run(["apply", "-auto-approve"], tmp_path).returncode == 0
    assert (tmp_path / "st" / ".sheath" / "versions.jsonl").is_file()
    r = run(["history", "show", "2"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Configuration changes since version 1:" in r.stdout and '+resource "terraform_data" "b" {' in r.stdout


def test_history_show_prints_the_plan_with_sensitive_values_masked(tmp_path: Path, run_sheath: object) -> None:
    """Each version keeps its plan (the JSON plan's changes, sensitive values removed);
    history show prints it; a version recorded before plans were kept says so."""
    import json
    from typing import Any, Callable

    run: Callable[..., Any] = run_sheath  # type: ignore[assignment]
    secret = "hunter2-never-shown-42"
    sensitive = 'variable "secret" {\n  type      = string\n  sensitive = true\n}\n\noutput "s" {\n  value     = var.secret\n  sensitive = true\n}\n\n'
    (tmp_path / "main.tf").write_text(sensitive + V1.replace("input = var.tag", "input = { tag = var.tag, keep = [1] }\n  triggers_replace = { s = var.secret }"))
    assert run(["init"], tmp_path).returncode == 0
    for tag in ("one", "two"):
        r = run(["apply", "-auto-approve", "-no-color", f"-var=secret={secret}", f"-var=tag={tag}"], tmp_path)
        assert r.returncode == 0, r.stdout + r.stderr
    one = run(["history", "show", "1"], tmp_path).stdout
    two = run(["history", "show", "2"], tmp_path).stdout
    assert "Plan applied:\n  + terraform_data.a (create)\n  + output.s = (sensitive value)\n" in one
    assert 'Plan applied:\n  ~ terraform_data.a (update)\n      input.tag: "one" -> "two"\n      output: ' in two, two
    # and the state it produced against its predecessor's, as the backend kept them
    assert re.search(r"\nState changes since version 1 \(state versions \d+ -> \d+\):\n  # terraform_data.a changed\n", two), two
    assert '~ tag  = "one" -> "two"' in two and "# output.s" not in two, two
    assert "State changes" not in one  # version 1 has no predecessor
    shown = run(["history", "show", "-json", "2"], tmp_path).stdout
    state_changes = json.loads(shown)["state_changes"]
    assert [r["address"] for r in state_changes["resources"]] == ["terraform_data.a"] and state_changes["outputs"] == []
    # a history that cannot be read is said, not taken for an empty one
    index = next((tmp_path / ".sheath").rglob("index.jsonl"))
    kept = index.read_text()
    index.write_text(kept + "not a record\n")
    broken = run(["history", "show", "2"], tmp_path)
    assert broken.returncode == 0 and "State changes since version 1: not shown: " in broken.stdout, broken.stdout + broken.stderr
    assert "is not a history record" in broken.stdout
    index.write_text(kept)
    change = json.loads(shown)["plan"]["resource_changes"][0]
    assert change["address"] == "terraform_data.a" and change["change"]["actions"] == ["update"]
    assert change["change"]["before_sensitive"]["triggers_replace"] == {"s": True}
    assert change["change"]["before"]["triggers_replace"] == {"s": None}  # removed, the marker kept
    for out in (one, two, shown):
        assert secret not in out
    plans = list((tmp_path / ".sheath" / "plans").glob("*.json"))
    assert plans
    for p in plans + list((tmp_path / ".sheath" / "snapshots").glob("*.json")):  # not stored, even without encryption
        assert secret.encode() not in p.read_bytes()
    # a version recorded before plans were kept still reads, and says it has no plan
    index = tmp_path / ".sheath" / "versions.jsonl"
    lines = index.read_text().splitlines()
    old = json.loads(lines[0])
    del old["plan_sha"]
    index.write_text("\n".join([json.dumps(old), *lines[1:]]) + "\n")
    r = run(["history", "show", "1"], tmp_path)
    assert r.returncode == 0 and "Plan applied: not stored (this version was recorded before sheath kept plans)." in r.stdout
    assert json.loads(run(["history", "show", "-json", "1"], tmp_path).stdout)["plan"] is None


def test_stored_plan_lines_name_the_innermost_paths() -> None:
    """history show's plan lines: a change inside an object, map or list is shown at the
    path it touches; a list that changes length, a key added or removed, and an unknown
    value as a whole; a sensitive value (stored redacted) only as "(sensitive value)"."""
    from sheath.audit.planrecord import render_plan

    change = {
        "actions": ["update"],
        "before": {"tags": {"env": "a", "Name": "x", "a b": "1"}, "ingress": [{"from_port": 80, "cidr": ["0.0.0.0/0"]}], "l": [1, 2], "s": None},
        "after": {"tags": {"env": "b", "Name": "x", "new": "z"}, "ingress": [{"from_port": 443, "cidr": ["0.0.0.0/0"]}], "l": [1, 2, 3], "s": None, "arn": None},
        "before_sensitive": {"s": True},
        "after_sensitive": {"s": True, "tags": {"new": True}},
        "after_unknown": {"arn": True},
    }
    assert render_plan({"resource_changes": [{"address": "aws_x.a", "change": change}]}) == [
        "  ~ aws_x.a (update)",
        "      arn: null -> (known after apply)",
        "      ingress[0].from_port: 80 -> 443",
        "      l: [1, 2] -> [1, 2, 3]",
        '      tags["a b"]: "1" -> null',
        '      tags.env: "a" -> "b"',
        "      tags.new: null -> (sensitive value)",
    ]
