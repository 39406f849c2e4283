"""The audit trail: appends chain each record to the one before; verify names every
record removed, reordered or edited."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from sheath.audit.trail import AuditTrail, audit_path_for_state


def _trail(tmp_path: Path, n: int = 5) -> AuditTrail:
    t = AuditTrail(audit_path_for_state(str(tmp_path / "terraform.tfstate")))
    for i in range(n):
        t.append("apply", "success", plan_hash=f"h{i}", details={"added": i}, directory=str(tmp_path))
    return t


def _lines(t: AuditTrail) -> list[str]:
    return Path(t.path).read_text().splitlines()


def _write(t: AuditTrail, lines: list[str]) -> None:
    Path(t.path).write_text("".join(line + "\n" for line in lines))


def test_intact_trail_verifies(tmp_path: Path) -> None:
    t = _trail(tmp_path)
    assert t.path == str(tmp_path / ".sheath" / "audit.jsonl")
    v = t.verify()
    assert v.ok and v.records == 5
    recs = [json.loads(x) for x in _lines(t)]
    assert [r["seq"] for r in recs] == [1, 2, 3, 4, 5]
    assert all(r["prev"] == p["hash"] for p, r in zip(recs, recs[1:]))
    assert {"who", "host", "time", "git_commit", "operation", "plan_hash", "result"} <= set(recs[0])
    assert stat.S_IMODE(os.stat(t.path).st_mode) == 0o600


def test_removed_record_is_named(tmp_path: Path) -> None:
    t = _trail(tmp_path)
    lines = _lines(t)
    _write(t, lines[:2] + lines[3:])
    problems = t.verify().problems
    assert [(p.what, p.seq) for p in problems] == [("removed", 4)]
    assert "record 3 is missing" in problems[0].detail


def test_reordered_records_are_named(tmp_path: Path) -> None:
    t = _trail(tmp_path)
    lines = _lines(t)
    _write(t, [lines[0], lines[2], lines[1], lines[3], lines[4]])
    assert [(p.what, p.seq) for p in t.verify().problems] == [("reordered", 3), ("reordered", 2)]


def test_edited_record_is_named(tmp_path: Path) -> None:
    t = _trail(tmp_path)
    lines = _lines(t)
    rec = json.loads(lines[1])
    rec["result"] = "success-but-edited"
    lines[1] = json.dumps(rec, sort_keys=True, separators=(",", ":"))
    _write(t, lines)
    assert [(p.what, p.seq) for p in t.verify().problems] == [("altered", 2)]


def test_edited_and_rehashed_record_breaks_the_chain(tmp_path: Path) -> None:
    from sheath.audit.trail import record_hash

    t = _trail(tmp_path)
    lines = _lines(t)
    rec = json.loads(lines[1])
    rec["result"] = "forged"
    rec["hash"] = record_hash(rec)
    lines[1] = json.dumps(rec, sort_keys=True, separators=(",", ":"))
    _write(t, lines)
    assert [(p.what, p.seq) for p in t.verify().problems] == [("altered", 3)]


def test_garbage_line_is_malformed(tmp_path: Path) -> None:
    t = _trail(tmp_path, 2)
    with open(t.path, "a") as fh:
        fh.write("not json\n")
    assert [(p.what, p.line) for p in t.verify().problems] == [("malformed", 3)]


def test_audit_commands(tmp_path: Path, run_sheath: Any) -> None:
    t = _trail(tmp_path, 3)
    r = run_sheath(["audit", "verify"], tmp_path)
    assert r.returncode == 0 and "intact: 3 records" in r.stdout
    r = run_sheath(["audit", "log", "-json"], tmp_path)
    assert [x["seq"] for x in json.loads(r.stdout)] == [1, 2, 3]
    r = run_sheath(["audit", "log", "-since=1h"], tmp_path)
    assert len(r.stdout.splitlines()) == 3
    r = run_sheath(["audit", "log", "-since=2999-01-01T00:00:00Z", "-json"], tmp_path)
    assert json.loads(r.stdout) == []
    lines = _lines(t)
    _write(t, [lines[0], lines[2]])
    r = run_sheath(["audit", "verify", "-json"], tmp_path)
    assert r.returncode == 1
    assert json.loads(r.stdout)["problems"][0]["problem"] == "removed"
    r = run_sheath(["audit", "log", "-since=yesterday"], tmp_path)
    assert r.returncode == 1 and "Traceback" not in r.stderr


def test_unreadable_versions_file_warns_after_apply(tmp_path: Path, run_sheath: Any) -> None:
    """A versions file that is not applied versions leaves a finished apply done, with a
    warning that it was not recorded (never a traceback)."""
    (tmp_path / "main.tf").write_text('output "x" {\n  value = 1\n}\n')
    (tmp_path / ".sheath").mkdir()
    (tmp_path / ".sheath" / "versions.jsonl").write_text("not json\n")
    r = run_sheath(["apply", "-auto-approve", "-no-color"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert "Applied version not recorded" in r.stdout + r.stderr
    assert "line 1 is not an applied version" in r.stdout + r.stderr
    assert json.loads((tmp_path / "terraform.tfstate").read_text())["outputs"]["x"]["value"] == 1
    # the audit record is kept even though the applied version could not be
    trail = [json.loads(line) for line in (tmp_path / ".sheath" / "audit.jsonl").read_text().splitlines()]
    assert [rec["operation"] for rec in trail] == ["apply"]


def test_a_trail_whose_last_record_has_no_sequence_warns_after_apply(tmp_path: Path, run_sheath: Any) -> None:
    """A hand-edited last record (its seq not a number) leaves the apply done, with a warning."""
    (tmp_path / "main.tf").write_text('output "x" {\n  value = 1\n}\n')
    (tmp_path / ".sheath").mkdir()
    (tmp_path / ".sheath" / "audit.jsonl").write_text('{"seq": "one", "operation": "apply"}\n')
    r = run_sheath(["apply", "-auto-approve", "-no-color"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert "its audit record could not be written" in r.stdout + r.stderr
    assert json.loads((tmp_path / "terraform.tfstate").read_text())["outputs"]["x"]["value"] == 1
