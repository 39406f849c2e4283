"""The audit trail: an append-only log of every operation that changes state.

One JSON record a line (``.sheath/audit.jsonl`` beside a local state file). Each record
carries its sequence number, the hash of the record before it and its own hash (SHA-256
of its canonical JSON without the ``hash`` field), so that ``verify`` detects a record
removed, reordered or altered, and names it. Records hold who, when, from which host and
git commit, the operation, the plan's hash and the result — never attribute values.
"""

from __future__ import annotations

import fcntl
import getpass
import hashlib
import json
import os
import socket
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterator, Mapping, Sequence

GENESIS = "0" * 64
AUDIT_DIR = ".sheath"
AUDIT_FILE = "audit.jsonl"


def audit_path_for_state(state_path: str) -> str:
    """The trail of a local state file: .sheath/audit.jsonl in the state file's directory."""
    return os.path.join(os.path.dirname(state_path) or ".", AUDIT_DIR, AUDIT_FILE)


def _canonical(rec: Mapping[str, Any]) -> bytes:
    return json.dumps({k: v for k, v in rec.items() if k != "hash"}, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def record_hash(rec: Mapping[str, Any]) -> str:
    return hashlib.sha256(_canonical(rec)).hexdigest()


def git_commit(directory: str = ".") -> tuple[str, bool]:
    """(commit, dirty) of the git work tree holding directory; ("", False) outside git."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=directory, capture_output=True, text=True, timeout=10)
        if head.returncode != 0:
            return "", False
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=directory, capture_output=True, text=True, timeout=10)
        return head.stdout.strip(), bool(status.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        return "", False


def _who() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


@dataclass
class Problem:
    line: int  # 1-based line of the trail file
    seq: int | None
    what: str  # "altered" | "removed" | "reordered" | "malformed"
    detail: str


@dataclass
class Verification:
    records: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def new_record(
    last: Mapping[str, Any] | None,
    operation: str,
    result: str,
    plan_hash: str = "",
    details: Mapping[str, Any] | None = None,
    directory: str = ".",
) -> dict[str, Any]:
    """The record that follows last (None: the first) in a trail, with its hash."""
    seq = last.get("seq", 0) if last else 0
    if not isinstance(seq, int) or isinstance(seq, bool):
        from sheath.audit.versions import RecordsError

        raise RecordsError(f"the trail's last record has no valid sequence number ({seq!r}); run sheath audit verify")
    commit, dirty = git_commit(directory)
    rec: dict[str, Any] = {
        "seq": seq + 1,
        "time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "who": _who(),
        "host": socket.gethostname(),
        "git_commit": commit,
        "git_dirty": dirty,
        "operation": operation,
        "plan_hash": plan_hash,
        "result": result,
        "details": dict(details or {}),
        "prev": str(last.get("hash", GENESIS)) if last else GENESIS,
    }
    rec["hash"] = record_hash(rec)
    return rec


def encode_record(rec: Mapping[str, Any]) -> str:
    """A record as a trail stores it: one line of canonical JSON."""
    return json.dumps(rec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def parse_record(raw: str) -> dict[str, Any] | None:
    """A stored record, or None when it is not a JSON object."""
    try:
        rec = json.loads(raw)
    except ValueError:
        return None
    return rec if isinstance(rec, dict) else None


class AuditTrail:
    def __init__(self, path: str) -> None:
        self.path = path

    def records(self) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
        """(line number, record or None when the line is not JSON, raw line)."""
        try:
            with open(self.path, encoding="utf-8") as fh:
                for n, line in enumerate(fh, 1):
                    raw = line.rstrip("\n")
                    if not raw.strip():
                        continue
                    try:
                        rec = json.loads(raw)
                    except ValueError:
                        yield n, None, raw
                        continue
                    yield n, rec if isinstance(rec, dict) else None, raw
        except FileNotFoundError:
            return

    def append(
        self,
        operation: str,
        result: str,
        plan_hash: str = "",
        details: Mapping[str, Any] | None = None,
        directory: str = ".",
    ) -> dict[str, Any]:
        """Add a record at the end (under an exclusive lock on the file, fsynced)."""
        os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            last: dict[str, Any] | None = None
            for _, row, _raw in self.records():
                if row is not None:
                    last = row
            rec = new_record(last, operation, result, plan_hash, details, directory)
            os.write(fd, encode_record(rec).encode() + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        return rec

    def verify(self) -> Verification:
        """Check the chain; name every record that was altered, removed or moved."""
        return verify_rows(list(self.records()))


def verify_rows(rows: Sequence[tuple[int, dict[str, Any] | None, str]]) -> Verification:
    """Check a trail's records (line or position, record or None, raw text) in their stored
    order; name every record that was altered, removed or moved."""
    out = Verification()
    out.records = len(rows)
    seqs = [r.get("seq") if r is not None and isinstance(r.get("seq"), int) else None for _, r, _ in rows]
    hash_of = {seq: str(r.get("hash", "")) for seq, (_, r, _) in zip(seqs, rows) if seq is not None and r is not None}
    expected = 1
    for i, (n, rec, _raw) in enumerate(rows):
        seq = seqs[i]
        if rec is None or seq is None:
            out.problems.append(Problem(n, seq, "malformed", "the line is not a record of the trail"))
            continue
        intact = rec.get("hash") == record_hash(rec)
        if not intact:
            out.problems.append(Problem(n, seq, "altered", "the record's content does not match its hash"))
        if seq != expected and (seq < expected or expected in seqs[i + 1 :]):
            out.problems.append(Problem(n, seq, "reordered", f"record {seq} is where record {expected} belongs"))
        elif seq > expected:
            gap = f"{expected}" if seq == expected + 1 else f"{expected} to {seq - 1}"
            out.problems.append(Problem(n, seq, "removed", f"record {gap} is missing before record {seq}"))
        elif intact and seq - 1 in hash_of | {0: GENESIS} and rec.get("prev") != (hash_of | {0: GENESIS})[seq - 1]:
            out.problems.append(Problem(n, seq, "altered", "the previous record's hash does not match"))
        expected = max(expected, seq + 1)
    return out


def record_state_change(state_path: str, operation: str, failed: Sequence[str] = (), details: Mapping[str, Any] | None = None) -> None:
    """An audit record of an operation that changed a local state file (state mv, rm, push,
    replace-provider, taint, untaint, import, force-unlock, workspace delete), beside that
    state; failed: its errors."""
    info = dict(details or {})
    if failed:
        info["errors"] = list(failed)
    AuditTrail(audit_path_for_state(state_path)).append(operation, "failure" if failed else "success", details=info)
