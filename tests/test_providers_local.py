"""The native hashicorp/local provider: local_file, local_sensitive_file and both data sources."""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from pathlib import Path as FsPath
from typing import Any

from sheath.providers.interface import (
    ApplyResourceChangeRequest,
    Path,
    PlanResourceChangeRequest,
    ReadDataSourceRequest,
    ReadResourceRequest,
)
from sheath.providers.native import local
from sheath.providers.schema import config_object
from sheath.providers.sdk import attr, with_attrs
from sheath.types import STRING, Value, null, string_val

P = local.new_provider()
SCHEMA = P.get_provider_schema()


def cfg(type_name: str, data: bool = False, **attrs: Any) -> Value:
    s = (SCHEMA.data_sources if data else SCHEMA.resource_types)[type_name]
    return config_object(s.block, {k: string_val(v) for k, v in attrs.items()})


def create(type_name: str, config: Value) -> Value:
    prior = null(config.type)
    plan = P.plan_resource_change(PlanResourceChangeRequest(type_name, prior, config, config))
    assert not plan.diagnostics and plan.planned_state is not None
    assert not attr(plan.planned_state, "id").is_known
    r = P.apply_resource_change(ApplyResourceChangeRequest(type_name, prior, plan.planned_state, config))
    assert not r.diagnostics, [d.detail for d in r.diagnostics]
    assert r.new_state is not None and r.new_state.is_wholly_known()
    return r.new_state


def test_schemas() -> None:
    lf = SCHEMA.resource_types["local_file"].block.attributes
    assert lf["filename"].required
    assert lf["sensitive_content"].sensitive and lf["sensitive_content"].deprecated
    assert lf["file_permission"].optional and lf["file_permission"].computed
    for h in local.HASH_ATTRIBUTES:
        assert lf[h].computed and lf[h].type == STRING
    lsf = SCHEMA.resource_types["local_sensitive_file"].block.attributes
    assert "sensitive_content" not in lsf and lsf["content"].sensitive
    assert SCHEMA.data_sources["local_sensitive_file"].block.attributes["content"].sensitive
    assert not SCHEMA.data_sources["local_file"].block.attributes["content"].sensitive


def test_create_writes_file_with_hashes(tmp_path: FsPath) -> None:
    fn = tmp_path / "sub" / "dir" / "f.txt"
    st = create("local_file", cfg("local_file", filename=str(fn), content="hello\n"))
    data = b"hello\n"
    assert fn.read_bytes() == data
    a = st.attrs()
    assert a["id"].v == hashlib.sha1(data).hexdigest() == a["content_sha1"].v
    assert a["content_md5"].v == hashlib.md5(data).hexdigest()
    assert a["content_sha256"].v == hashlib.sha256(data).hexdigest()
    assert a["content_base64sha256"].v == base64.b64encode(hashlib.sha256(data).digest()).decode()
    assert a["content_sha512"].v == hashlib.sha512(data).hexdigest()
    assert a["content_base64sha512"].v == base64.b64encode(hashlib.sha512(data).digest()).decode()
    assert a["file_permission"].v == "0777" and a["directory_permission"].v == "0777"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fn.stat().st_mode) == 0o777 & ~umask


def test_content_sources(tmp_path: FsPath) -> None:
    f1 = tmp_path / "b64"
    create("local_file", cfg("local_file", filename=str(f1), content_base64=base64.b64encode(b"\x00\x01").decode()))
    assert f1.read_bytes() == b"\x00\x01"
    f2 = tmp_path / "copy"
    create("local_file", cfg("local_file", filename=str(f2), source=str(f1)))
    assert f2.read_bytes() == b"\x00\x01"
    f3 = tmp_path / "sens"
    st = create("local_sensitive_file", cfg("local_sensitive_file", filename=str(f3), content="x", file_permission="0600"))
    assert stat.S_IMODE(f3.stat().st_mode) == 0o600
    assert attr(st, "directory_permission").v == "0700"


def test_validation() -> None:
    d = P.validate_resource_config("local_file", cfg("local_file", filename="f")).diagnostics
    assert [x.summary for x in d] == ["Invalid Attribute Combination"]
    d = P.validate_resource_config("local_file", cfg("local_file", filename="f", content="a", source="b")).diagnostics
    assert [x.summary for x in d] == ["Invalid Attribute Combination"]
    d = P.validate_resource_config("local_file", cfg("local_file", filename="f", content="a", file_permission="0999")).diagnostics
    assert [x.summary for x in d] == ["Invalid Attribute Value"]
    assert d[0].extra["attribute_path"] == Path.attr("file_permission")
    assert not P.validate_resource_config("local_file", cfg("local_file", filename="f", content="a", file_permission="644")).diagnostics


def test_content_change_replaces(tmp_path: FsPath) -> None:
    fn = str(tmp_path / "f")
    st = create("local_file", cfg("local_file", filename=fn, content="a"))
    c2 = cfg("local_file", filename=fn, content="b")
    prop = with_attrs(c2, **{n: attr(st, n) for n in ("id", "file_permission", "directory_permission", *local.HASH_ATTRIBUTES)})
    plan = P.plan_resource_change(PlanResourceChangeRequest("local_file", st, prop, c2))
    assert plan.requires_replace == [Path.attr("content")]
    assert plan.planned_state is not None and not attr(plan.planned_state, "content_sha256").is_known
    c1 = cfg("local_file", filename=fn, content="a")
    prop = with_attrs(c1, **{n: attr(st, n) for n in ("id", "file_permission", "directory_permission", *local.HASH_ATTRIBUTES)})
    plan = P.plan_resource_change(PlanResourceChangeRequest("local_file", st, prop, c1))
    assert plan.requires_replace == [] and plan.planned_state is not None and plan.planned_state.is_wholly_known()


def test_read_detects_deletion_and_drift(tmp_path: FsPath) -> None:
    fn = tmp_path / "f"
    st = create("local_file", cfg("local_file", filename=str(fn), content="a"))
    r = P.read_resource(ReadResourceRequest("local_file", st))
    assert r.new_state is not None and not r.new_state.is_null
    fn.write_text("changed")
    r = P.read_resource(ReadResourceRequest("local_file", st))
    assert r.new_state is not None and r.new_state.is_null
    fn.unlink()
    r = P.read_resource(ReadResourceRequest("local_file", st))
    assert r.new_state is not None and r.new_state.is_null and not r.diagnostics


def test_destroy_removes_file(tmp_path: FsPath) -> None:
    fn = tmp_path / "f"
    st = create("local_file", cfg("local_file", filename=str(fn), content="a"))
    r = P.apply_resource_change(ApplyResourceChangeRequest("local_file", st, null(st.type), null(st.type)))
    assert not r.diagnostics and r.new_state is not None and r.new_state.is_null
    assert not fn.exists()


def test_data_sources(tmp_path: FsPath) -> None:
    fn = tmp_path / "in.txt"
    fn.write_bytes(b"data\n")
    for t in ("local_file", "local_sensitive_file"):
        r = P.read_data_source(ReadDataSourceRequest(t, cfg(t, data=True, filename=str(fn))))
        assert not r.diagnostics and r.state is not None
        a = r.state.attrs()
        assert a["content"].v == "data\n" and a["content_base64"].v == base64.b64encode(b"data\n").decode()
        assert a["id"].v == hashlib.sha1(b"data\n").hexdigest()
    r = P.read_data_source(ReadDataSourceRequest("local_file", cfg("local_file", data=True, filename=str(tmp_path / "nope"))))
    assert [d.summary for d in r.diagnostics] == ["Read local file data source error"]


def test_read_only_attributes_rejected() -> None:
    c = with_attrs(cfg("local_file", filename="f", content="a"), content_md5=string_val("x"))
    d = P.validate_resource_config("local_file", c).diagnostics
    assert [x.summary for x in d] == ["Invalid Configuration for Read-Only Attribute"]
    c = with_attrs(cfg("local_file", data=True, filename="f"), content=string_val("x"))
    assert P.validate_data_resource_config("local_file", c).diagnostics.has_errors()
