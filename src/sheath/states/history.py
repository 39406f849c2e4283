"""State history: every state version a backend writes is kept, with who wrote it, when,
for which operation and plan, and from which git commit. History is never rewritten:
rolling back writes an old version again as a new serial.

Stores:
  local  ``.sheath/history/`` beside the state file: ``index.jsonl`` (one record a line)
         and one file a version (``v000001.tfstate``), mode 0600
  pg     the table ``sheath_state_history`` in the backend's schema, beside terraform's
         ``states`` table (which stays untouched)
  s3     the objects under ``<history prefix>/<state key>/`` (``index.jsonl`` and
         ``v000001.tfstate``)

Retention: the environment variable ``SHEATH_HISTORY_RETENTION=N`` keeps the documents of
the newest N versions (unset or 0: all); an older version keeps its record (listed, marked
removed) and loses its document. Every backend applies it when it records a version.
"""

from __future__ import annotations

import fcntl
import getpass
import hashlib
import json
import os
import socket
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any, Mapping, Protocol

from sheath.diag import Diagnostics


@dataclass(frozen=True)
class VersionMeta:
    version: int
    serial: int
    lineage: str
    created: str
    who: str
    sheath_version: str
    operation: str
    plan_hash: str
    git_commit: str
    sha256: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class WriteContext:
    """What the writer knows about a state write beyond its bytes."""

    operation: str = ""
    plan_hash: str = ""
    git_commit: str = ""


class HistoryStore(Protocol):
    def record(self, data: bytes, serial: int, lineage: str, ctx: WriteContext) -> Diagnostics: ...

    def versions(self) -> tuple[list[VersionMeta], Diagnostics]: ...

    def get(self, version: int) -> tuple[bytes | None, Diagnostics]: ...


RETENTION_VARIABLE = "SHEATH_HISTORY_RETENTION"


def history_retention(environ: Mapping[str, str] | None = None) -> tuple[int, Diagnostics]:
    """How many versions' documents a history store keeps (0: all), from SHEATH_HISTORY_RETENTION."""
    env = os.environ if environ is None else environ
    raw = env.get(RETENTION_VARIABLE, "").strip()
    diags = Diagnostics()
    if not raw:
        return 0, diags
    if not raw.isdigit():
        diags.add_error(
            f"Invalid {RETENTION_VARIABLE}",
            f'{RETENTION_VARIABLE} is the number of state versions whose documents the history keeps (0: all), not "{raw}".',
        )
        return 0, diags
    return int(raw), diags


def new_meta(version: int, data: bytes, serial: int, lineage: str, ctx: WriteContext) -> VersionMeta:
    from sheath import __version__

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return VersionMeta(
        version=version,
        serial=serial,
        lineage=lineage,
        created=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        who=f"{user}@{socket.gethostname()}",
        sheath_version=__version__,
        operation=ctx.operation,
        plan_hash=ctx.plan_hash,
        git_commit=ctx.git_commit,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def meta_from_json(d: dict[str, Any]) -> VersionMeta:
    fields = VersionMeta.__dataclass_fields__
    return VersionMeta(**{k: d.get(k, 0 if fields[k].type == "int" else "") for k in fields})


class LocalHistory:
    def __init__(self, state_path: str, retention: int = 0) -> None:
        self.dir = os.path.join(os.path.dirname(state_path) or ".", ".sheath", "history", os.path.basename(state_path))
        self.index = os.path.join(self.dir, "index.jsonl")
        self.retention = retention

    def _file(self, version: int) -> str:
        return os.path.join(self.dir, f"v{version:06d}.tfstate")

    def record(self, data: bytes, serial: int, lineage: str, ctx: WriteContext) -> Diagnostics:
        diags = Diagnostics()
        try:
            os.makedirs(self.dir, mode=0o700, exist_ok=True)
            fd = os.open(self.index, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                metas, _ = self.versions()
                version = (metas[-1].version + 1) if metas else 1
                meta = new_meta(version, data, serial, lineage, ctx)
                vfd = os.open(self._file(version), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                try:
                    os.write(vfd, data)
                    os.fsync(vfd)
                finally:
                    os.close(vfd)
                os.write(fd, json.dumps(meta.to_json(), sort_keys=True).encode() + b"\n")
                os.fsync(fd)
                if self.retention > 0:
                    for old in metas[: max(0, len(metas) + 1 - self.retention)]:
                        try:
                            os.unlink(self._file(old.version))
                        except FileNotFoundError:
                            pass
            finally:
                os.close(fd)
        except OSError as exc:
            diags.add_warning("State history not recorded", f"Could not write to {self.dir}: {exc.strerror}")
        return diags

    def versions(self) -> tuple[list[VersionMeta], Diagnostics]:
        diags = Diagnostics()
        out: list[VersionMeta] = []
        try:
            with open(self.index, encoding="utf-8") as fh:
                for n, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    try:
                        out.append(meta_from_json(json.loads(line)))
                    except (ValueError, TypeError):
                        diags.add_error("Invalid state history", f"{self.index}:{n} is not a history record.")
        except FileNotFoundError:
            pass
        return out, diags

    def available(self, version: int) -> bool:
        return os.path.isfile(self._file(version))

    def kept_versions(self) -> tuple[set[int], Diagnostics]:
        """The versions whose document is still there (retention removes older ones')."""
        metas, diags = self.versions()
        return {m.version for m in metas if self.available(m.version)}, diags

    def get(self, version: int) -> tuple[bytes | None, Diagnostics]:
        diags = Diagnostics()
        try:
            with open(self._file(version), "rb") as fh:
                return fh.read(), diags
        except FileNotFoundError:
            diags.add_error("No such state version", f"Version {version} is not in the state history (or was removed by retention).")
            return None, diags
