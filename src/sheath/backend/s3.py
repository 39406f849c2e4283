"""The s3 backend: terraform's S3 layout, so terraform and sheath share one state.

Layout (terraform 1.11): the default workspace's state is the object ``key``;
workspace NAME's is ``<workspace_key_prefix>/NAME/<key>`` (prefix ``env:`` by
default). Locks: with ``use_lockfile``, the object ``<state key>.tflock``
created with ``If-None-Match: *`` holding terraform's lock information; with
``dynamodb_table``, an item ``LockID = "<bucket>/<state key>"`` written on the
condition that it does not exist, its ``Info`` the lock information; both
together as terraform takes them (file first). With a DynamoDB table the
state's MD5 is kept in the item ``"<bucket>/<state key>-md5"`` (``Digest``), and
reads wait for the state to match it, as terraform's do.

boto3 is imported only when an s3 backend is used.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

from sheath.backend import DEFAULT_WORKSPACE
from sheath.diag import Diagnostics
from sheath.states.codec import PLAIN, StateCodec
from sheath.states.remote import Payload, RemoteState
from sheath.states.statemgr import LockInfo
from sheath.states.statemgr.lockinfo import lock_error_detail

if TYPE_CHECKING:
    from sheath.states.history import VersionMeta, WriteContext

DEFAULT_KEY_PREFIX = "env:"
LOCK_SUFFIX = ".tflock"
DIGEST_SUFFIX = "-md5"

_BOOLS = (
    "encrypt",
    "use_lockfile",
    "skip_credentials_validation",
    "skip_requesting_account_id",
    "skip_metadata_api_check",
    "skip_region_validation",
    "skip_s3_checksum",
    "use_path_style",
)
_STRINGS = ("bucket", "key", "region", "acl", "access_key", "secret_key", "token", "kms_key_id", "dynamodb_table", "workspace_key_prefix", "profile")
_ENDPOINTS = ("s3", "dynamodb", "iam", "sts")


@dataclass(frozen=True)
class S3Config:
    bucket: str
    key: str
    region: str
    workspace_key_prefix: str = DEFAULT_KEY_PREFIX
    encrypt: bool = False
    kms_key_id: str = ""
    acl: str = ""
    dynamodb_table: str = ""
    use_lockfile: bool = False
    access_key: str = ""
    secret_key: str = ""
    token: str = ""
    profile: str = ""
    use_path_style: bool = False
    skip_s3_checksum: bool = False
    endpoints: Mapping[str, str] = field(default_factory=dict)

    @staticmethod
    def from_settings(settings: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> tuple["S3Config | None", Diagnostics]:
        env = os.environ if environ is None else environ
        diags = Diagnostics()
        for k, v in settings.items():
            if k in _BOOLS or k in _STRINGS or k == "endpoints":
                continue
            diags.add_error(
                "Unsupported backend argument",
                f'sheath does not support the s3 backend argument "{k}" yet; remove it, or use terraform for this backend.',
            )
        for req in ("bucket", "key"):
            if not settings.get(req):
                diags.add_error("Invalid backend configuration", f'The backend "s3" requires the argument "{req}".')
        key = str(settings.get("key") or "")
        if key and (key.startswith("/") or key.endswith("/")):
            diags.add_error("Invalid backend configuration", 'The "key" argument must not start or end with "/".')
        region = str(settings.get("region") or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "")
        if not region:
            diags.add_error("Invalid backend configuration", 'The backend "s3" requires "region" (or AWS_REGION / AWS_DEFAULT_REGION).')
        endpoints: dict[str, str] = {}
        raw = settings.get("endpoints") or {}
        if not isinstance(raw, Mapping):
            diags.add_error("Invalid backend configuration", '"endpoints" must be an object.')
        else:
            for name, url in raw.items():
                if url is None:
                    continue
                if name not in _ENDPOINTS:
                    diags.add_error("Unsupported backend argument", f'sheath does not support the endpoint "{name}" of the s3 backend yet.')
                elif url:
                    endpoints[name] = str(url)
        for name, var in (("s3", "AWS_ENDPOINT_URL_S3"), ("dynamodb", "AWS_ENDPOINT_URL_DYNAMODB")):
            if name not in endpoints and env.get(var):
                endpoints[name] = env[var]
        if diags.has_errors():
            return None, diags

        def b(name: str) -> bool:
            return bool(settings.get(name))

        def s(name: str) -> str:
            v = settings.get(name)
            return "" if v is None else str(v)

        prefix = settings.get("workspace_key_prefix")
        return (
            S3Config(
                bucket=s("bucket"),
                key=key,
                region=region,
                workspace_key_prefix=DEFAULT_KEY_PREFIX if prefix is None else str(prefix),
                encrypt=b("encrypt"),
                kms_key_id=s("kms_key_id"),
                acl=s("acl"),
                dynamodb_table=s("dynamodb_table") or env.get("AWS_DYNAMODB_TABLE", ""),
                use_lockfile=b("use_lockfile"),
                access_key=s("access_key"),
                secret_key=s("secret_key"),
                token=s("token"),
                profile=s("profile"),
                use_path_style=b("use_path_style"),
                skip_s3_checksum=b("skip_s3_checksum"),
                endpoints=endpoints,
            ),
            diags,
        )


class S3Backend:
    def __init__(self, config: S3Config, journal_dir: str = os.path.join(".terraform", "sheath")) -> None:
        self.config = config
        self.journal_dir = journal_dir
        self.state_codec: StateCodec = PLAIN  # encryption at rest of the state documents
        self.history_retention = 0  # the kept versions' documents (0: all; SHEATH_HISTORY_RETENTION)
        self._s3: Any = None
        self._ddb: Any = None

    # --- clients ---
    def _session_kwargs(self) -> dict[str, Any]:
        c = self.config
        kw: dict[str, Any] = {"region_name": c.region}
        if c.access_key:
            kw["aws_access_key_id"] = c.access_key
            kw["aws_secret_access_key"] = c.secret_key
            if c.token:
                kw["aws_session_token"] = c.token
        if c.profile:
            kw["profile_name"] = c.profile
        return kw

    def s3(self) -> Any:
        if self._s3 is None:
            import boto3
            from botocore.config import Config

            cfg = Config(s3={"addressing_style": "path" if self.config.use_path_style else "auto"}, retries={"max_attempts": 5})
            self._s3 = boto3.session.Session(**self._session_kwargs()).client(
                "s3", endpoint_url=self.config.endpoints.get("s3"), config=cfg
            )
        return self._s3

    def dynamodb(self) -> Any:
        if self._ddb is None:
            import boto3

            self._ddb = boto3.session.Session(**self._session_kwargs()).client("dynamodb", endpoint_url=self.config.endpoints.get("dynamodb"))
        return self._ddb

    def state_key(self, workspace: str) -> str:
        if workspace == DEFAULT_WORKSPACE:
            return self.config.key
        return "/".join(p for p in (self.config.workspace_key_prefix, workspace, self.config.key) if p)

    def _workspace_of(self, key: str) -> str:
        """terraform's keyEnv: the workspace a listed object key belongs to ("" for none)."""
        prefix = self.config.workspace_key_prefix
        if not prefix:
            head, _, rest = key.partition("/")
            return head if rest == self.config.key else ""
        prefix += "/"
        if not key.startswith(prefix):
            return ""
        name, sep, rest = key[len(prefix) :].partition("/")
        return name if sep and rest == self.config.key else ""

    # --- Backend ---
    def workspaces(self) -> tuple[list[str], Diagnostics]:
        diags = Diagnostics()
        prefix = self.config.workspace_key_prefix + "/" if self.config.workspace_key_prefix else ""
        names: list[str] = []
        try:
            pages = self.s3().get_paginator("list_objects_v2").paginate(Bucket=self.config.bucket, Prefix=prefix)
            for page in pages:
                for obj in page.get("Contents", []):
                    ws = self._workspace_of(obj["Key"])
                    if ws:
                        names.append(ws)
        except Exception as exc:
            diags.add_error("Failed to list workspaces", _aws_message(exc, self.config.bucket))
            return [], diags
        return [DEFAULT_WORKSPACE] + sorted(names), diags

    def delete_workspace(self, name: str, force: bool) -> Diagnostics:
        diags = Diagnostics()
        if name in ("", DEFAULT_WORKSPACE):
            diags.add_error("Failed to delete workspace", "can't delete default state")
            return diags
        return S3Client(self, name).delete()

    def state_mgr(self, workspace: str) -> tuple[RemoteState | None, Diagnostics]:
        journal = os.path.join(self.journal_dir, f"s3-{_safe(self.config.bucket)}-{_safe(self.state_key(workspace))}.journal")
        mgr = RemoteState(
            S3Client(self, workspace), workspace, journal, history=S3History(self, self.state_key(workspace), self.history_retention), codec=self.state_codec
        )
        names, diags = self.workspaces()
        if diags.has_errors() or workspace in names:
            return (None if diags.has_errors() else mgr), diags
        info, d = mgr.lock("init")
        diags.extend(d)
        if info is None:
            return None, diags
        try:
            diags.extend(mgr.refresh_state())
            if not diags.has_errors() and not mgr.has_state():
                diags.extend(mgr.persist_state())
        finally:
            diags.extend(mgr.unlock(info.id))
        return (None if diags.has_errors() else mgr), diags


class S3Client:
    """One workspace's object, its digest and its locks."""

    def __init__(self, backend: S3Backend, workspace: str) -> None:
        self.backend = backend
        self.cfg = backend.config
        self.key = backend.state_key(workspace)
        self.lock_key = self.key + LOCK_SUFFIX
        self.lock_path = f"{self.cfg.bucket}/{self.key}"
        self._held: LockInfo | None = None

    def _put_args(self) -> dict[str, Any]:
        kw: dict[str, Any] = {"ContentType": "application/json"}
        if not self.cfg.skip_s3_checksum:
            kw["ChecksumAlgorithm"] = "SHA256"
        if self.cfg.encrypt:
            if self.cfg.kms_key_id:
                kw["ServerSideEncryption"] = "aws:kms"
                kw["SSEKMSKeyId"] = self.cfg.kms_key_id
            else:
                kw["ServerSideEncryption"] = "AES256"
        if self.cfg.acl:
            kw["ACL"] = self.cfg.acl
        return kw

    def _get_object(self, key: str) -> bytes | None:
        s3 = self.backend.s3()
        try:
            resp = s3.get_object(Bucket=self.cfg.bucket, Key=key)
        except s3.exceptions.NoSuchKey:
            return None
        data: bytes = resp["Body"].read()
        return data or None

    def get(self) -> tuple[Payload | None, Diagnostics]:
        diags = Diagnostics()
        deadline = time.monotonic() + 10
        try:
            while True:
                data = self._get_object(self.key)
                expected = self._digest()
                if not expected or (data is not None and hashlib.md5(data).hexdigest() == expected):
                    break
                if time.monotonic() >= deadline:
                    diags.add_error(
                        "Error refreshing state",
                        f"state data in S3 does not have the expected content.\n\nThe checksum calculated for the state stored in S3 "
                        f"does not match the checksum stored in DynamoDB.\n\nBucket: {self.cfg.bucket}\nKey:    {self.key}\n"
                        f"Calculated checksum: {hashlib.md5(data or b'').hexdigest() if data else ''}\nStored checksum:     {expected}",
                    )
                    return None, diags
                time.sleep(2)
        except Exception as exc:
            diags.add_error("Error refreshing state", _aws_message(exc, self.cfg.bucket))
            return None, diags
        return (Payload(data) if data is not None else None), diags

    def put(self, data: bytes) -> Diagnostics:
        diags = Diagnostics()
        try:
            self.backend.s3().put_object(Bucket=self.cfg.bucket, Key=self.key, Body=data, **self._put_args())
            if self.cfg.dynamodb_table:
                self.backend.dynamodb().put_item(
                    TableName=self.cfg.dynamodb_table,
                    Item={"LockID": {"S": self.lock_path + DIGEST_SUFFIX}, "Digest": {"S": hashlib.md5(data).hexdigest()}},
                )
        except Exception as exc:
            diags.add_error("Failed to save state", _aws_message(exc, self.cfg.bucket))
        return diags

    def delete(self) -> Diagnostics:
        diags = Diagnostics()
        try:
            self.backend.s3().delete_object(Bucket=self.cfg.bucket, Key=self.key)
            if self.cfg.dynamodb_table:
                self.backend.dynamodb().delete_item(
                    TableName=self.cfg.dynamodb_table, Key={"LockID": {"S": self.lock_path + DIGEST_SUFFIX}}
                )
        except Exception as exc:
            diags.add_error("Failed to delete workspace", _aws_message(exc, self.cfg.bucket))
        return diags

    def _digest(self) -> str:
        if not self.cfg.dynamodb_table:
            return ""
        resp = self.backend.dynamodb().get_item(
            TableName=self.cfg.dynamodb_table, Key={"LockID": {"S": self.lock_path + DIGEST_SUFFIX}}, ConsistentRead=True
        )
        item = resp.get("Item") or {}
        return str(item.get("Digest", {}).get("S", ""))

    # --- locks ---
    def lock(self, info: LockInfo, timeout: float) -> Diagnostics:
        diags = Diagnostics()
        if not self.cfg.use_lockfile and not self.cfg.dynamodb_table:
            return diags  # terraform's s3 backend without a lock setting does not lock
        info = LockInfo(info.id, info.operation, info.who, info.version, info.created, self.lock_path, info.info)
        deadline = time.monotonic() + timeout
        while True:
            try:
                problem, holder = self._try_lock(info)
            except Exception as exc:
                diags.add_error("Error acquiring the state lock", _aws_message(exc, self.cfg.bucket))
                return diags
            if problem is None:
                self._held = info
                return diags
            if time.monotonic() >= deadline:
                diags.add_error("Error acquiring the state lock", lock_error_detail(problem, holder or info))
                return diags
            time.sleep(0.5)

    def _try_lock(self, info: LockInfo) -> tuple[str | None, LockInfo | None]:
        doc = _lock_json(info)
        if self.cfg.use_lockfile:
            s3 = self.backend.s3()
            try:
                s3.put_object(Bucket=self.cfg.bucket, Key=self.lock_key, Body=doc, IfNoneMatch="*", **self._put_args())
            except Exception as exc:
                if _is_precondition_failed(exc):
                    return "operation error S3: PutObject, StatusCode: 412, PreconditionFailed", self._file_holder()
                raise
        if self.cfg.dynamodb_table:
            ddb = self.backend.dynamodb()
            try:
                ddb.put_item(
                    TableName=self.cfg.dynamodb_table,
                    Item={"LockID": {"S": self.lock_path}, "Info": {"S": doc.decode()}},
                    ConditionExpression="attribute_not_exists(LockID)",
                )
            except ddb.exceptions.ConditionalCheckFailedException:
                holder = self._ddb_holder()
                if self.cfg.use_lockfile:
                    self._delete_lock_file()
                return "ConditionalCheckFailedException: The conditional request failed", holder
        return None, None

    def _file_holder(self) -> LockInfo | None:
        data = self._get_object(self.lock_key)
        return _lock_info(data) if data else None

    def _ddb_holder(self) -> LockInfo | None:
        resp = self.backend.dynamodb().get_item(
            TableName=self.cfg.dynamodb_table, Key={"LockID": {"S": self.lock_path}}, ConsistentRead=True
        )
        raw = (resp.get("Item") or {}).get("Info", {}).get("S")
        return _lock_info(raw.encode()) if raw else None

    def _delete_lock_file(self) -> None:
        self.backend.s3().delete_object(Bucket=self.cfg.bucket, Key=self.lock_key)

    def unlock(self, lock_id: str) -> Diagnostics:
        diags = Diagnostics()
        if not self.cfg.use_lockfile and not self.cfg.dynamodb_table:
            return diags
        try:
            if self.cfg.use_lockfile:
                holder = self._file_holder()
                if holder is not None and holder.id != lock_id:
                    diags.add_error("Error releasing the state lock", f'lock ID "{lock_id}" does not match existing lock ("{holder.id}")')
                    return diags
                self._delete_lock_file()
            if self.cfg.dynamodb_table:
                holder = self._ddb_holder()
                if holder is not None and holder.id != lock_id:
                    diags.add_error("Error releasing the state lock", f'lock ID "{lock_id}" does not match existing lock ("{holder.id}")')
                    return diags
                self.backend.dynamodb().delete_item(TableName=self.cfg.dynamodb_table, Key={"LockID": {"S": self.lock_path}})
        except Exception as exc:
            diags.add_error("Error releasing the state lock", _aws_message(exc, self.cfg.bucket))
        self._held = None
        return diags


def _lock_json(info: LockInfo) -> bytes:
    """terraform's LockInfo as JSON (Go's field names and order)."""
    return json.dumps(
        {
            "ID": info.id,
            "Operation": info.operation,
            "Info": info.info,
            "Who": info.who,
            "Version": info.version,
            "Created": info.created,
            "Path": info.path,
        },
        separators=(",", ":"),
    ).encode()


def _lock_info(data: bytes) -> LockInfo | None:
    try:
        d = json.loads(data)
    except ValueError:
        return None
    if not isinstance(d, dict):
        return None
    return LockInfo(
        id=str(d.get("ID", "")),
        operation=str(d.get("Operation", "")),
        who=str(d.get("Who", "")),
        version=str(d.get("Version", "")),
        created=str(d.get("Created", "")),
        path=str(d.get("Path", "")),
        info=str(d.get("Info", "")),
    )


def _is_precondition_failed(exc: Exception) -> bool:
    resp = getattr(exc, "response", None)
    if not isinstance(resp, dict):
        return False
    code = str(resp.get("Error", {}).get("Code", ""))
    status = resp.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code in ("PreconditionFailed", "ConditionalRequestConflict") or status in (409, 412)


def _aws_message(exc: Exception, bucket: str) -> str:
    resp = getattr(exc, "response", None)
    if isinstance(resp, dict) and resp.get("Error"):
        err = resp["Error"]
        code = err.get("Code", "")
        if code == "NoSuchBucket":
            return (
                f'S3 bucket "{bucket}" does not exist.\n\nThe referenced S3 bucket must have been previously created. '
                "If the S3 bucket was created within the last minute, please wait for a minute or two and try again."
            )
        return f"{code}: {err.get('Message', '')}".strip(": ")
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _safe(s: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in s)


HISTORY_PREFIX = "sheath-history"
VERSION_ID_FIELD = "s3_version_id"  # a record's state object version, in a versioned bucket


class S3History:
    """State history in the state's bucket, written while the state lock is held: an
    ``index.jsonl`` of the versions' records under ``sheath-history/<state key>/``, and each
    version's document either as the state object's own version (a bucket with versioning
    enabled: the record names its VersionId) or as a copy beside the index."""

    def __init__(self, backend: S3Backend, key: str, retention: int = 0) -> None:
        self.backend = backend
        self.key = key
        self.prefix = f"{HISTORY_PREFIX}/{key}"
        self.retention = retention
        self._versioned: bool | None = None

    def _index(self) -> list[dict[str, Any]]:
        s3 = self.backend.s3()
        try:
            body = s3.get_object(Bucket=self.backend.config.bucket, Key=f"{self.prefix}/index.jsonl")["Body"].read()
        except s3.exceptions.NoSuchKey:
            return []
        return [json.loads(line) for line in body.decode().splitlines() if line.strip()]

    def versioned(self) -> bool:
        """Whether the bucket keeps object versions (asked once; a caller not allowed
        s3:GetBucketVersioning keeps copies)."""
        if self._versioned is None:
            try:
                status = self.backend.s3().get_bucket_versioning(Bucket=self.backend.config.bucket).get("Status")
            except Exception:  # noqa: BLE001 - copies work without the permission
                status = None
            self._versioned = status == "Enabled"
        return self._versioned

    def _state_version_id(self, data: bytes) -> str:
        """The VersionId of the state object just written ("" when the bucket keeps no versions).
        The state lock is held, so the current object is the one this process wrote; its size
        is checked all the same."""
        if not self.versioned():
            return ""
        head = self.backend.s3().head_object(Bucket=self.backend.config.bucket, Key=self.key)
        vid = str(head.get("VersionId") or "")
        if vid == "null" or int(head.get("ContentLength", -1)) != len(data):
            return ""
        return vid

    def record(self, data: bytes, serial: int, lineage: str, ctx: "WriteContext") -> Diagnostics:
        from sheath.states.history import new_meta

        diags = Diagnostics()
        bucket = self.backend.config.bucket
        try:
            s3 = self.backend.s3()
            index = self._index()
            version = (int(index[-1]["version"]) + 1) if index else 1
            entry = new_meta(version, data, serial, lineage, ctx).to_json()
            vid = self._state_version_id(data)
            if vid:
                entry[VERSION_ID_FIELD] = vid
            else:
                s3.put_object(Bucket=bucket, Key=f"{self.prefix}/v{version:06d}.tfstate", Body=data, ContentType="application/json")
            index.append(entry)
            s3.put_object(
                Bucket=bucket,
                Key=f"{self.prefix}/index.jsonl",
                Body="".join(json.dumps(m, sort_keys=True) + "\n" for m in index).encode(),
                ContentType="application/x-ndjson",
            )
            if self.retention > 0:
                # only the copies: the state object's own versions are the bucket's, kept or
                # expired by its lifecycle rules
                for old in sorted(self._copies())[: -self.retention]:
                    s3.delete_object(Bucket=bucket, Key=f"{self.prefix}/v{old:06d}.tfstate")
        except Exception as exc:
            diags.add_warning("State history not recorded", _aws_message(exc, bucket))
        return diags

    def _copies(self) -> set[int]:
        """The versions whose copy is in the bucket."""
        out: set[int] = set()
        pages = self.backend.s3().get_paginator("list_objects_v2").paginate(Bucket=self.backend.config.bucket, Prefix=self.prefix + "/v")
        for page in pages:
            for obj in page.get("Contents", []):
                name = str(obj["Key"])[len(self.prefix) + 2 :]
                if name.endswith(".tfstate") and name[: -len(".tfstate")].isdigit():
                    out.add(int(name[: -len(".tfstate")]))
        return out

    def _stored(self) -> set[int]:
        """The versions whose document is in the bucket: a copy, or the state object's version
        the record names."""
        out = self._copies()
        named = {str(m[VERSION_ID_FIELD]): int(m["version"]) for m in self._index() if m.get(VERSION_ID_FIELD)}
        if named:
            pages = self.backend.s3().get_paginator("list_object_versions").paginate(Bucket=self.backend.config.bucket, Prefix=self.key)
            for page in pages:
                for v in page.get("Versions", []):
                    if v.get("Key") == self.key and str(v.get("VersionId")) in named:
                        out.add(named[str(v["VersionId"])])
        return out

    def kept_versions(self) -> tuple[set[int], Diagnostics]:
        """The versions whose document is still there (retention deletes older copies)."""
        diags = Diagnostics()
        try:
            return self._stored(), diags
        except Exception as exc:
            diags.add_error("Failed to read the state history", _aws_message(exc, self.backend.config.bucket))
            return set(), diags

    def versions(self) -> tuple[list["VersionMeta"], Diagnostics]:
        from sheath.states.history import meta_from_json

        diags = Diagnostics()
        try:
            index = self._index()
        except Exception as exc:
            diags.add_error("Failed to read the state history", _aws_message(exc, self.backend.config.bucket))
            return [], diags
        return [meta_from_json(m) for m in index], diags

    def get(self, version: int) -> tuple[bytes | None, Diagnostics]:
        diags = Diagnostics()
        s3 = self.backend.s3()
        bucket = self.backend.config.bucket
        try:
            vid = next((str(m[VERSION_ID_FIELD]) for m in self._index() if int(m["version"]) == version and m.get(VERSION_ID_FIELD)), "")
            if vid:
                body: bytes = s3.get_object(Bucket=bucket, Key=self.key, VersionId=vid)["Body"].read()
            else:
                body = s3.get_object(Bucket=bucket, Key=f"{self.prefix}/v{version:06d}.tfstate")["Body"].read()
            return body, diags
        except Exception as exc:
            code = getattr(exc, "response", {}).get("Error", {}).get("Code", "")
            if code in ("NoSuchKey", "NoSuchVersion", "404"):
                diags.add_error("No such state version", f"Version {version} is not in the state history (or was removed by retention).")
            else:
                diags.add_error("Failed to read the state history", _aws_message(exc, bucket))
        return None, diags
