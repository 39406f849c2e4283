"""Applied versions: every apply recorded as a version of the infrastructure — the state it
produced, the configuration it applied (a content-addressed snapshot, stored once per
distinct content), the variables (sensitive ones only as a hash), the plan's hash and the
plan itself (its changes, sensitive values removed, as a snapshot of its own:
``sheath.audit.planrecord``), the git commit and whether the tree was dirty, who, when,
the outcome and its errors.

Kept beside a local state file: ``.sheath/versions.jsonl`` (one record a line),
``.sheath/snapshots/<sha256>.json`` (the configuration files, base64) and
``.sheath/plans/<sha256>.json`` (the plans, the same way), mode 0600. Plans are kept apart
from configuration snapshots so that unchanged applies still store one configuration.

A snapshot holds the configuration as applied, variable files included, so where the state
is encrypted at rest its snapshots are too: sealed with the state's method as documents of
their own (``states.codec.document_codec``); snapshots stored before encryption was
configured still read.
"""

from __future__ import annotations

import base64
import fcntl
import getpass
import hashlib
import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterator, Mapping

from sheath.states.codec import PLAIN, StateCodec, document_codec
from sheath.states.encryption import EncryptionError

VERSIONS_FILE = "versions.jsonl"
SNAPSHOTS_DIR = "snapshots"

# What a snapshot holds: each kind is stored apart (a directory, table or key prefix).
CONFIG = "config"
PLAN = "plan"
SNAPSHOT_KINDS = (CONFIG, PLAN)
LOCAL_DIRS = {CONFIG: SNAPSHOTS_DIR, PLAN: "plans"}


class RecordsError(Exception):
    """A store of applied versions or audit records could not be read or written, or holds
    something that is not a record (its message is one line, for a diagnostic)."""


def snapshot_digest(files: Mapping[str, bytes]) -> str:
    h = hashlib.sha256()
    for path in sorted(files):
        h.update(path.encode() + b"\0" + hashlib.sha256(files[path]).digest())
    return h.hexdigest()


@dataclass(frozen=True)
class AppliedVersion:
    version: int
    created: str
    operation: str  # "apply" | "destroy" | "rollback"
    outcome: str  # "success" | "failure"
    errors: list[str]
    git_commit: str
    git_dirty: bool
    who: str
    config_sha: str
    plan_hash: str
    state_serial: int
    state_lineage: str
    variables: dict[str, Any]
    changes: dict[str, int]
    failed_resources: list[str]
    origin: str  # "" or what a rollback returned to ("version 3", "git a1b2c3d")
    plan_sha: str = ""  # the snapshot holding the plan; "" in records written before plans were kept

    def summary(self) -> str:
        c = self.changes
        line = f"+{c.get('add', 0)} ~{c.get('change', 0)} -{c.get('destroy', 0)}"
        if self.failed_resources:
            line += f", failed: {', '.join(self.failed_resources)}"
        return line


def new_version(number: int, fields: Mapping[str, Any]) -> AppliedVersion:
    """Applied version number, written now by this user, with fields (the rest)."""
    try:
        who = f"{getpass.getuser()}@{socket.gethostname()}"
    except (KeyError, OSError):
        who = f"unknown@{socket.gethostname()}"
    return AppliedVersion(
        version=number,
        created=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        who=who,
        **fields,
    )


def encode_version(v: AppliedVersion) -> str:
    return json.dumps(v.__dict__, sort_keys=True)


def version_from_json(d: Mapping[str, Any]) -> AppliedVersion:
    values: dict[str, Any] = {k: d.get(k) for k in AppliedVersion.__dataclass_fields__}
    values["plan_sha"] = values["plan_sha"] or ""
    return AppliedVersion(**values)


def encode_snapshot(files: Mapping[str, bytes], codec: StateCodec = PLAIN) -> bytes:
    """A configuration snapshot as stored: a JSON object of base64 file contents by path,
    sealed with the document codec of the state's codec."""
    plain = json.dumps({p: base64.b64encode(b).decode() for p, b in sorted(files.items())}).encode()
    return document_codec(codec).encode(plain)


def decode_snapshot(data: bytes, codec: StateCodec = PLAIN) -> dict[str, bytes] | None:
    """A stored snapshot's files (None: not a snapshot); RecordsError when it cannot be
    decrypted with the state's encryption."""
    try:
        data = document_codec(codec).decode(data)[0]
    except EncryptionError as exc:
        raise RecordsError(f"Failed to decrypt the configuration snapshot: {exc}") from exc
    try:
        doc = json.loads(data)
        return {str(p): base64.b64decode(b) for p, b in doc.items()}
    except (ValueError, AttributeError, TypeError):
        return None


class VersionStore:
    def __init__(self, state_path: str, codec: StateCodec = PLAIN) -> None:
        self.codec = codec  # the state's encryption at rest, which the snapshots share
        self.dir = os.path.join(os.path.dirname(state_path) or ".", ".sheath")
        self.index = os.path.join(self.dir, VERSIONS_FILE)
        self.snapshots = {kind: os.path.join(self.dir, name) for kind, name in LOCAL_DIRS.items()}

    def versions(self) -> list[AppliedVersion]:
        """The applied versions, oldest first; RecordsError when a line is not one (an apply
        then warns that it was not recorded rather than failing after its changes)."""
        out = []
        n = 0
        try:
            with open(self.index, encoding="utf-8") as fh:
                for n, line in enumerate(fh, 1):
                    if line.strip():
                        out.append(version_from_json(json.loads(line)))
        except FileNotFoundError:
            pass
        except (ValueError, TypeError, AttributeError) as exc:
            raise RecordsError(f"{self.index} line {n} is not an applied version: {exc}") from exc
        return out

    def get(self, version: int) -> AppliedVersion | None:
        for v in self.versions():
            if v.version == version:
                return v
        return None

    def save_snapshot(self, files: Mapping[str, bytes], kind: str = CONFIG) -> str:
        """Store the configuration (or plan) once per distinct content; its digest."""
        digest = snapshot_digest(files)
        path = os.path.join(self.snapshots[kind], digest + ".json")
        if not os.path.exists(path):
            os.makedirs(self.snapshots[kind], mode=0o700, exist_ok=True)
            tmp = path + f".{os.getpid()}.tmp"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(fd, encode_snapshot(files, self.codec))
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, path)
        return digest

    def snapshot(self, digest: str, kind: str = CONFIG) -> dict[str, bytes] | None:
        try:
            with open(os.path.join(self.snapshots[kind], digest + ".json"), "rb") as fh:
                return decode_snapshot(fh.read(), self.codec)
        except OSError:
            return None

    def snapshot_count(self, kind: str = CONFIG) -> int:
        try:
            return sum(1 for n in os.listdir(self.snapshots[kind]) if n.endswith(".json"))
        except FileNotFoundError:
            return 0

    def record(self, **fields: Any) -> AppliedVersion:
        os.makedirs(self.dir, mode=0o700, exist_ok=True)
        fd = os.open(self.index, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            existing = self.versions()
            v = new_version(existing[-1].version + 1 if existing else 1, fields)
            os.write(fd, encode_version(v).encode() + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        return v

    def __iter__(self) -> Iterator[AppliedVersion]:
        return iter(self.versions())


def variables_record(values: Mapping[str, Any], sensitive: set[str]) -> dict[str, Any]:
    """Variables as recorded: plain values, sensitive ones as their SHA-256 only."""
    out: dict[str, Any] = {}
    for name, v in sorted(values.items()):
        text = json.dumps(v, sort_keys=True, default=str)
        out[name] = {"sha256": hashlib.sha256(text.encode()).hexdigest()} if name in sensitive else v
    return out
