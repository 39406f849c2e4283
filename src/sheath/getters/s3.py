"""go-getter's s3 getter: every object under a key prefix, or one archive object, from AWS S3
or an S3-compatible endpoint (any host but amazonaws.com's is used path-style as the endpoint)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sheath.getters.archive import archive_kind, unpack
from sheath.getters.errors import FetchError


@dataclass(frozen=True, slots=True)
class S3Location:
    endpoint: str  # "" for AWS itself
    region: str
    bucket: str
    key: str
    credentials: tuple[str, str, str] | None


def parse_s3_url(url: str) -> S3Location | FetchError:
    parts = urlsplit(url)
    q = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    creds = None
    if any(k in q for k in ("aws_access_key_id", "aws_access_key_secret", "aws_access_token")):
        creds = (q.get("aws_access_key_id", ""), q.get("aws_access_key_secret", ""), q.get("aws_access_token", ""))
    host = parts.netloc
    if "amazonaws.com" in host:
        labels = host.split(".")
        path = parts.path.lstrip("/")
        if labels[0] in ("s3",) or labels[0].startswith("s3-"):
            region = labels[0][3:] if labels[0].startswith("s3-") else (labels[1] if len(labels) > 3 else "us-east-1")
            bucket, _, key = path.partition("/")
        else:
            bucket, key = labels[0], path
            region = labels[2] if len(labels) > 4 else (labels[1][3:] if labels[1].startswith("s3-") else "us-east-1")
        return S3Location("", q.get("region") or region, bucket, key, creds)
    pieces = parts.path.split("/", 2)
    if len(pieces) != 3:
        return FetchError("URL is not a valid S3 compliant URL")
    endpoint = f"{parts.scheme}://{host}"
    return S3Location(endpoint, q.get("region") or "us-east-1", pieces[1], pieces[2], creds)


@dataclass(frozen=True, slots=True)
class S3Fetcher:
    def fetch(self, url: str, dst: str, cwd: str) -> FetchError | None:
        loc = parse_s3_url(url)
        if isinstance(loc, FetchError):
            return loc
        target = os.path.join(cwd, dst)
        try:
            client = _client(loc)
            kind = archive_kind(loc.key, "")
            if kind:
                with tempfile.TemporaryDirectory() as tmp:
                    path = os.path.join(tmp, "archive")
                    client.download_file(loc.bucket, loc.key, path)
                    return unpack(path, kind, target)
            prefix = loc.key.rstrip("/")
            for page in client.get_paginator("list_objects").paginate(Bucket=loc.bucket, Prefix=prefix):
                for obj in page.get("Contents", []):
                    key = obj["Key"]
                    if key.endswith("/"):
                        continue  # a directory marker
                    rel = os.path.relpath(key, prefix) if key != prefix else os.path.basename(key)
                    if rel == ".." or rel.startswith(".." + os.sep):
                        continue  # another key that merely starts with the prefix
                    out = os.path.join(target, rel)
                    os.makedirs(os.path.dirname(out), exist_ok=True)
                    client.download_file(loc.bucket, key, out)
        except Exception as exc:  # botocore's errors are many classes; each is a failed download
            return FetchError(str(exc))
        return None


def _client(loc: S3Location) -> Any:
    import boto3
    from botocore.config import Config

    kw: dict[str, Any] = {"region_name": loc.region}
    if loc.credentials is not None:
        kw["aws_access_key_id"], kw["aws_secret_access_key"] = loc.credentials[0], loc.credentials[1]
        if loc.credentials[2]:
            kw["aws_session_token"] = loc.credentials[2]
    cfg = Config(s3={"addressing_style": "path"}) if loc.endpoint else None
    return boto3.session.Session(**kw).client("s3", endpoint_url=loc.endpoint or None, config=cfg)
