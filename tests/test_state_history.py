"""State history: every version written is kept, with its metadata, in each backend
(local files, a pg table beside terraform's, objects in the s3 bucket)."""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from postgres_helpers import PostgresServer, create_database, postgres  # noqa: F401 - the fixture
from sheath.states.history import LocalHistory, WriteContext
from sheath.states.statefile import read_state_file, write_state_file


def _versions_through(mgr: Any, n: int) -> None:
    """n state writes, each adding an output."""
    from sheath.states.state import OutputValue

    for i in range(n):
        assert not mgr.refresh_state().has_errors()
        sf = mgr.state_file()
        sf.state.outputs[f"o{i}"] = OutputValue(f"v{i}", "string")
        mgr.write_state(sf)
        mgr.write_context = WriteContext(operation="apply", plan_hash=f"p{i}")
        assert not mgr.persist_state().has_errors()


def test_local_history_store(tmp_path: Path) -> None:
    h = LocalHistory(str(tmp_path / "terraform.tfstate"), retention=2)
    for i in range(3):
        assert not h.record(f"state {i}".encode(), i + 1, "lin", WriteContext("apply", f"p{i}", "abc")).has_errors()
    metas, _ = h.versions()
    assert [(m.version, m.serial, m.operation, m.plan_hash) for m in metas] == [(1, 1, "apply", "p0"), (2, 2, "apply", "p1"), (3, 3, "apply", "p2")]
    assert metas[2].sha256 == hashlib.sha256(b"state 2").hexdigest() and metas[0].git_commit == "abc"
    assert h.get(1)[0] is None and h.get(3)[0] == b"state 2"  # retention keeps the newest 2
    assert (tmp_path / ".sheath" / "history" / "terraform.tfstate" / "index.jsonl").is_file()


@pytest.mark.oracle
def test_pg_history_beside_terraforms_table(tmp_path: Path, postgres: PostgresServer, run_terraform: Any) -> None:  # noqa: F811
    import psycopg

    from sheath.backend.pg import PgBackend, PgConfig

    conn = create_database(postgres, "hist_" + uuid.uuid4().hex[:8])
    cfg, _ = PgConfig.from_settings({"conn_str": conn})
    assert cfg is not None
    mgr, diags = PgBackend(cfg, journal_dir=str(tmp_path)).state_mgr("default")
    assert mgr is not None, diags
    _versions_through(mgr, 3)
    assert mgr.history is not None
    metas, _ = mgr.history.versions()
    assert [m.serial for m in metas] == [1, 2, 3] and [m.plan_hash for m in metas] == ["p0", "p1", "p2"]
    with psycopg.connect(conn) as c:
        cols = [r[0] for r in c.execute(
            "select column_name from information_schema.columns where table_schema='terraform_remote_state' and table_name='states' order by 1").fetchall()]
        current = c.execute("select data from terraform_remote_state.states where name='default'").fetchone()
    assert cols == ["data", "id", "name"]  # terraform's table is untouched
    data, _ = mgr.history.get(2)
    assert data is not None
    sf, _ = read_state_file(data)
    assert sf is not None and sf.serial == 2 and set(sf.state.outputs) == {"o0", "o1"}
    assert current is not None and json.loads(current[0])["serial"] == 3


@pytest.mark.oracle
def test_s3_history_objects(tmp_path: Path, moto_server: str) -> None:
    import boto3

    from sheath.backend.s3 import S3Backend, S3Config

    bucket = "hist-" + uuid.uuid4().hex[:8]
    s3 = boto3.client("s3", endpoint_url=moto_server, region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t")
    s3.create_bucket(Bucket=bucket)
    cfg, _ = S3Config.from_settings(
        {"bucket": bucket, "key": "k/state", "region": "us-east-1", "access_key": "t", "secret_key": "t",
         "use_path_style": True, "use_lockfile": True, "endpoints": {"s3": moto_server}},
        environ={},
    )
    assert cfg is not None
    mgr, diags = S3Backend(cfg, journal_dir=str(tmp_path)).state_mgr("default")
    assert mgr is not None, diags
    _versions_through(mgr, 2)
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="sheath-history/")["Contents"])
    assert keys == ["sheath-history/k/state/index.jsonl", "sheath-history/k/state/v000001.tfstate", "sheath-history/k/state/v000002.tfstate"]
    assert mgr.history is not None
    data, _ = mgr.history.get(2)
    assert data == s3.get_object(Bucket=bucket, Key="k/state")["Body"].read()
    assert write_state_file(read_state_file(data)[0]) == data  # type: ignore[arg-type]


def test_s3_history_in_a_versioned_bucket_is_the_state_objects_versions(tmp_path: Path, moto_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bucket with versioning: each version's document is the state object's own version
    (the record names its VersionId), no copy is written; retention leaves the bucket's
    versions alone."""
    import boto3

    from sheath.backend.s3 import S3Backend, S3Config

    bucket = "histv-" + uuid.uuid4().hex[:8]
    s3 = boto3.client("s3", endpoint_url=moto_server, region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    cfg, _ = S3Config.from_settings(
        {"bucket": bucket, "key": "k/state", "region": "us-east-1", "access_key": "t", "secret_key": "t",
         "use_path_style": True, "use_lockfile": True, "endpoints": {"s3": moto_server}},
        environ={},
    )
    assert cfg is not None
    backend = S3Backend(cfg, journal_dir=str(tmp_path))
    backend.history_retention = 1
    mgr, diags = backend.state_mgr("default")
    assert mgr is not None, diags
    _versions_through(mgr, 3)
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="sheath-history/")["Contents"])
    assert keys == ["sheath-history/k/state/index.jsonl"]
    index = [json.loads(line) for line in s3.get_object(Bucket=bucket, Key="sheath-history/k/state/index.jsonl")["Body"].read().splitlines()]
    object_versions = [v for v in s3.list_object_versions(Bucket=bucket, Prefix="k/state")["Versions"] if v["Key"] == "k/state"]
    assert len(object_versions) == 3  # retention deleted none of them
    assert {m["s3_version_id"] for m in index} == {v["VersionId"] for v in object_versions}
    assert mgr.history is not None
    assert mgr.history.kept_versions()[0] == {1, 2, 3}
    for m in index:
        data, d = mgr.history.get(int(m["version"]))
        assert data == s3.get_object(Bucket=bucket, Key="k/state", VersionId=m["s3_version_id"])["Body"].read(), d
        assert read_state_file(data)[0].serial == m["serial"]  # type: ignore[arg-type, union-attr]
    first, _ = mgr.history.get(1)
    assert first is not None and "o0" in first.decode() and "o1" not in first.decode()
    # a version whose object the bucket no longer has is reported, not guessed
    s3.delete_object(Bucket=bucket, Key="k/state", VersionId=index[0]["s3_version_id"])
    assert mgr.history.kept_versions()[0] == {2, 3}
    missing, d = mgr.history.get(1)
    assert missing is None and d.has_errors() and "No such state version" in str(d)
