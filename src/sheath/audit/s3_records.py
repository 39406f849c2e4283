"""Applied versions, configuration snapshots and the audit trail of an s3 backend: objects
under sheath's own prefixes in the state's bucket, next to the workspace's state key
(``KEY`` or ``env:/NAME/KEY``), never terraform's own objects:

  sheath-versions/<state key>/v00000001.json             one object per applied version
  sheath-versions/<state key>/snapshots/<sha256>.json    one object per distinct configuration
  sheath-versions/<state key>/plans/<sha256>.json        one object per distinct plan
  sheath-audit/<state key>/00000001.json                 one object per audit record, in order

Each version and record is a new object created with ``If-None-Match: *``: two writers
that pick the same number cannot both succeed; the loser reads again and takes the next.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Mapping

from sheath.audit.trail import Verification, encode_record, new_record, parse_record, verify_rows
from sheath.audit.versions import (
    CONFIG,
    PLAN,
    AppliedVersion,
    RecordsError,
    decode_snapshot,
    encode_snapshot,
    encode_version,
    new_version,
    snapshot_digest,
    version_from_json,
)

if TYPE_CHECKING:
    from sheath.backend.s3 import S3Backend

VERSIONS_PREFIX = "sheath-versions"
AUDIT_PREFIX = "sheath-audit"
ATTEMPTS = 20  # conditional creates lost to concurrent writers before giving up


def _message(exc: Exception) -> str:
    resp = getattr(exc, "response", None)
    if isinstance(resp, dict) and resp.get("Error"):
        err = resp["Error"]
        return f"{err.get('Code', '')}: {err.get('Message', '')}".strip(": ")
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _conflict(exc: Exception) -> bool:
    resp = getattr(exc, "response", None)
    if not isinstance(resp, dict):
        return False
    code = str(resp.get("Error", {}).get("Code", ""))
    status = resp.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code in ("PreconditionFailed", "ConditionalRequestConflict") or status in (409, 412)


class _Objects:
    """Numbered objects under a prefix: listed in order, read, created only when absent."""

    def __init__(self, backend: "S3Backend", prefix: str, name: str) -> None:
        self.backend = backend
        self.bucket = backend.config.bucket
        self.prefix = prefix  # ends with "/"
        self.name = name  # "v{:08d}.json" or "{:08d}.json"

    def put_args(self) -> dict[str, Any]:
        c = self.backend.config
        kw: dict[str, Any] = {"ContentType": "application/json"}
        if c.encrypt:
            kw.update({"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": c.kms_key_id} if c.kms_key_id else {"ServerSideEncryption": "AES256"})
        return kw

    def numbered(self) -> list[tuple[int, str]]:
        """(number, key) of every numbered object, in order."""
        out: list[tuple[int, str]] = []
        pages = self.backend.s3().get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for obj in page.get("Contents", []):
                key = str(obj["Key"])
                rest = key[len(self.prefix) :]
                digits = rest.removeprefix("v").removesuffix(".json")
                if "/" not in rest and rest.endswith(".json") and digits.isdigit():
                    out.append((int(digits), key))
        return sorted(out)

    def read(self, key: str) -> bytes | None:
        s3 = self.backend.s3()
        try:
            body: bytes = s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except s3.exceptions.NoSuchKey:
            return None
        return body

    def create(self, key: str, body: bytes) -> bool:
        """Create key unless it exists; whether this call created it."""
        try:
            self.backend.s3().put_object(Bucket=self.bucket, Key=key, Body=body, IfNoneMatch="*", **self.put_args())
        except Exception as exc:
            if _conflict(exc):
                return False
            raise
        return True


class S3VersionLog:
    """The applied versions of the workspace whose state is at key."""

    def __init__(self, backend: "S3Backend", key: str) -> None:
        self.objects = _Objects(backend, f"{VERSIONS_PREFIX}/{key}/", "v{:08d}.json")
        self.snapshots = {CONFIG: f"{VERSIONS_PREFIX}/{key}/snapshots/", PLAN: f"{VERSIONS_PREFIX}/{key}/plans/"}

    def versions(self) -> list[AppliedVersion]:
        try:
            out = []
            for _n, key in self.objects.numbered():
                body = self.objects.read(key)
                doc = parse_record(body.decode("utf-8", "replace")) if body else None
                if doc is not None:
                    out.append(version_from_json(doc))
            return out
        except Exception as exc:
            raise RecordsError(f"Failed to read the applied versions: {_message(exc)}") from exc

    def get(self, version: int) -> AppliedVersion | None:
        return next((v for v in self.versions() if v.version == version), None)

    def save_snapshot(self, files: Mapping[str, bytes], kind: str = CONFIG) -> str:
        digest = snapshot_digest(files)
        try:
            self.objects.create(f"{self.snapshots[kind]}{digest}.json", encode_snapshot(files, self.objects.backend.state_codec))
        except Exception as exc:
            raise RecordsError(f"Failed to store the configuration snapshot: {_message(exc)}") from exc
        return digest

    def snapshot(self, digest: str, kind: str = CONFIG) -> dict[str, bytes] | None:
        try:
            body = self.objects.read(f"{self.snapshots[kind]}{digest}.json")
        except Exception as exc:
            raise RecordsError(f"Failed to read the configuration snapshot: {_message(exc)}") from exc
        return decode_snapshot(body, self.objects.backend.state_codec) if body is not None else None

    def snapshot_count(self, kind: str = CONFIG) -> int:
        try:
            prefix = self.snapshots[kind]
            pages = self.objects.backend.s3().get_paginator("list_objects_v2").paginate(Bucket=self.objects.bucket, Prefix=prefix)
            return sum(1 for page in pages for obj in page.get("Contents", []) if str(obj["Key"]).endswith(".json"))
        except Exception as exc:
            raise RecordsError(f"Failed to read the configuration snapshots: {_message(exc)}") from exc

    def record(self, **fields: Any) -> AppliedVersion:
        try:
            for _ in range(ATTEMPTS):
                numbered = self.objects.numbered()
                v = new_version(numbered[-1][0] + 1 if numbered else 1, fields)
                if self.objects.create(self.objects.prefix + self.objects.name.format(v.version), encode_version(v).encode()):
                    return v
        except Exception as exc:
            raise RecordsError(f"Failed to record the applied version: {_message(exc)}") from exc
        raise RecordsError("Failed to record the applied version: other writers kept taking its number")


class S3AuditTrail:
    """The audit trail of the workspace whose state is at key, one object a record."""

    def __init__(self, backend: "S3Backend", key: str) -> None:
        self.objects = _Objects(backend, f"{AUDIT_PREFIX}/{key}/", "{:08d}.json")

    def records(self) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
        try:
            rows = []
            for n, key in self.objects.numbered():
                raw = (self.objects.read(key) or b"").decode("utf-8", "replace").strip()
                rows.append((n, parse_record(raw), raw))
        except Exception as exc:
            raise RecordsError(f"Failed to read the audit trail: {_message(exc)}") from exc
        return iter(rows)

    def append(
        self,
        operation: str,
        result: str,
        plan_hash: str = "",
        details: Mapping[str, Any] | None = None,
        directory: str = ".",
    ) -> dict[str, Any]:
        try:
            for _ in range(ATTEMPTS):
                numbered = self.objects.numbered()
                last = None
                if numbered:
                    body = self.objects.read(numbered[-1][1])
                    last = parse_record(body.decode("utf-8", "replace")) if body else None
                rec = new_record(last, operation, result, plan_hash, details, directory)
                position = numbered[-1][0] + 1 if numbered else 1
                if self.objects.create(self.objects.prefix + self.objects.name.format(position), (encode_record(rec) + "\n").encode()):
                    return rec
        except Exception as exc:
            raise RecordsError(f"Failed to write the audit trail: {_message(exc)}") from exc
        raise RecordsError("Failed to write the audit trail: other writers kept taking its position")

    def verify(self) -> Verification:
        return verify_rows(list(self.records()))


__all__ = ["AUDIT_PREFIX", "VERSIONS_PREFIX", "S3AuditTrail", "S3VersionLog"]
