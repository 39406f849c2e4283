"""A native implementation of the hashicorp/local provider.

local_file / local_sensitive_file write a file; their id is the SHA-1 (hex) of
the content. Reading a managed file that is gone, or whose content no longer
matches the id, removes it from state, so the next plan creates it again.
The data sources read a file and expose its content and hashes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re

from sheath.diag import Diagnostics
from sheath.providers.interface import (
    ApplyResourceChangeRequest,
    ApplyResourceChangeResponse,
    Path,
    PlanResourceChangeRequest,
    PlanResourceChangeResponse,
    ReadResourceRequest,
    ReadResourceResponse,
    attribute_error,
)
from sheath.providers.schema import Attribute, Block, Schema
from sheath.providers.sdk import (
    DataSourceType,
    NativeProvider,
    ResourceType,
    attr,
    with_attrs,
)
from sheath.types import STRING, Value, null, string_val, unknown

PROVIDER_ADDRESS = "registry.terraform.io/hashicorp/local"

HASH_ATTRIBUTES = (
    "content_base64sha256",
    "content_base64sha512",
    "content_md5",
    "content_sha1",
    "content_sha256",
    "content_sha512",
)

_PERM_RE = re.compile(r"^0?[0-7]{3}$")


def _hashes() -> dict[str, Attribute]:
    return {h: Attribute(STRING, computed=True) for h in HASH_ATTRIBUTES}


def hash_values(data: bytes) -> dict[str, Value]:
    """id and the content_* hash attributes of some bytes."""
    sha256 = hashlib.sha256(data)
    sha512 = hashlib.sha512(data)
    sha1 = hashlib.sha1(data).hexdigest()
    return {
        "id": string_val(sha1),
        "content_md5": string_val(hashlib.md5(data).hexdigest()),
        "content_sha1": string_val(sha1),
        "content_sha256": string_val(sha256.hexdigest()),
        "content_base64sha256": string_val(base64.b64encode(sha256.digest()).decode()),
        "content_sha512": string_val(sha512.hexdigest()),
        "content_base64sha512": string_val(base64.b64encode(sha512.digest()).decode()),
    }


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _file_schema(sensitive: bool) -> Schema:
    attrs: dict[str, Attribute] = {
        "content": Attribute(STRING, optional=True, sensitive=sensitive),
        "content_base64": Attribute(STRING, optional=True, sensitive=sensitive),
        "directory_permission": Attribute(STRING, optional=True, computed=True),
        "file_permission": Attribute(STRING, optional=True, computed=True),
        "filename": Attribute(STRING, required=True),
        "id": Attribute(STRING, computed=True),
        "source": Attribute(STRING, optional=True),
        **_hashes(),
    }
    if not sensitive:
        attrs["sensitive_content"] = Attribute(STRING, optional=True, sensitive=True, deprecated=True)
    return Schema(Block(attrs))


class LocalFile(ResourceType):
    sensitive = False
    default_permission = "0777"

    def __init__(self) -> None:
        self.schema = _file_schema(self.sensitive)
        self._content_attrs = ("content", "content_base64", "source") + (() if self.sensitive else ("sensitive_content",))

    def replace_attributes(self) -> list[str]:
        return [n for n, a in self.schema.block.attributes.items() if a.required or a.optional]

    def validate(self, config: Value) -> Diagnostics:
        diags = Diagnostics()
        set_ = [n for n in self._content_attrs if not attr(config, n).is_null]
        if len(set_) != 1 and all(attr(config, n).is_known for n in self._content_attrs):
            names = ", ".join(f"[{n}]" for n in sorted(self._content_attrs))
            diags.append(
                attribute_error(
                    "Invalid Attribute Combination",
                    f"Exactly one of these attributes must be configured: {names}",
                    Path.attr(set_[1] if len(set_) > 1 else "content"),
                )
            )
        for p in ("file_permission", "directory_permission"):
            v = attr(config, p)
            if not v.is_known or v.is_null:
                continue
            mode = v.as_str()
            if not 3 <= len(mode) <= 4:
                diags.append(attribute_error("Invalid Attribute Value", f"bad mode for file - string length should be 3 or 4 digits: {mode}", Path.attr(p)))
            if not _PERM_RE.match(mode):
                diags.append(
                    attribute_error(
                        "Invalid Attribute Value",
                        f"bad mode for file - must be expressed in octal numeric notation, of 3 or 4 digits: {mode}",
                        Path.attr(p),
                    )
                )
        cb = attr(config, "content_base64")
        if cb.is_known and not cb.is_null:
            try:
                base64.b64decode(cb.as_str(), validate=True)
            except (ValueError, binascii.Error):
                diags.append(attribute_error("Invalid Attribute Value", "Attribute content_base64 must be a valid base64 string", Path.attr("content_base64")))
        return diags

    def _with_defaults(self, v: Value) -> Value:
        changes: dict[str, Value] = {}
        for p in ("file_permission", "directory_permission"):
            if attr(v, p).is_null:
                changes[p] = string_val(self.default_permission)
        return with_attrs(v, **changes) if changes else v

    def plan(self, req: PlanResourceChangeRequest) -> PlanResourceChangeResponse:
        resp = PlanResourceChangeResponse(planned_private=req.prior_private)
        proposed = req.proposed_new_state
        if proposed.is_null:
            resp.planned_state = proposed
            return resp
        proposed = self._with_defaults(proposed)
        recompute = req.prior_state.is_null
        if not recompute:
            from sheath.types.ops import raw_equal

            for name in self.replace_attributes():
                if not raw_equal(attr(req.prior_state, name), attr(proposed, name)):
                    resp.requires_replace.append(Path.attr(name))
            recompute = bool(resp.requires_replace)
        if recompute:
            proposed = with_attrs(proposed, id=unknown(STRING), **{h: unknown(STRING) for h in HASH_ATTRIBUTES})
        resp.planned_state = proposed
        return resp

    def _content(self, v: Value) -> tuple[bytes | None, Diagnostics]:
        diags = Diagnostics()
        for name in self._content_attrs:
            c = attr(v, name)
            if c.is_null:
                continue
            if name == "content_base64":
                return base64.b64decode(c.as_str()), diags
            if name == "source":
                try:
                    with open(c.as_str(), "rb") as f:
                        return f.read(), diags
                except OSError as exc:
                    diags.add_error("Create local file error", f"An unexpected error occurred while reading the source file.\n\nOriginal Error: {exc}")
                    return None, diags
            return c.as_str().encode(), diags
        return b"", diags

    def apply(self, req: ApplyResourceChangeRequest) -> ApplyResourceChangeResponse:
        planned = req.planned_state
        data, diags = self._content(planned)
        if data is None:
            return ApplyResourceChangeResponse(diagnostics=diags)
        filename = attr(planned, "filename").as_str()
        try:
            d = os.path.dirname(filename)
            if d:
                os.makedirs(d, int(attr(planned, "directory_permission").as_str(), 8), exist_ok=True)
            fd = os.open(filename, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, int(attr(planned, "file_permission").as_str(), 8))
            with os.fdopen(fd, "wb") as f:
                f.write(data)
        except OSError as exc:
            diags.add_error("Create local file error", f"An unexpected error occurred while writing the file\n\n+Original Error: {exc}")
            return ApplyResourceChangeResponse(diagnostics=diags)
        return ApplyResourceChangeResponse(new_state=with_attrs(planned, **hash_values(data)), diagnostics=diags)

    def read(self, req: ReadResourceRequest) -> ReadResourceResponse:
        st = req.prior_state
        filename = attr(st, "filename").as_str()
        try:
            with open(filename, "rb") as f:
                data = f.read()
        except (FileNotFoundError, PermissionError):
            # gone (or unreadable): removed from state, so the next plan creates it again
            return ReadResourceResponse(new_state=null(st.type), private=req.private)
        except OSError as exc:
            diags = Diagnostics()
            diags.add_error("Read local file error", f"The file at given path cannot be read.\n\n+Original Error: {exc}")
            return ReadResourceResponse(new_state=st, private=req.private, diagnostics=diags)
        if hashlib.sha1(data).hexdigest() != attr(st, "id").as_str():
            return ReadResourceResponse(new_state=null(st.type), private=req.private)
        return ReadResourceResponse(new_state=st, private=req.private)

    def delete(self, prior_state: Value) -> Diagnostics:
        diags = Diagnostics()
        try:
            os.remove(attr(prior_state, "filename").as_str())
        except FileNotFoundError:
            pass
        except OSError as exc:
            diags.add_error("Delete local file error", f"An unexpected error occurred while deleting the file\n\n+Original Error: {exc}")
        return diags


class LocalSensitiveFile(LocalFile):
    sensitive = True
    default_permission = "0700"


class LocalFileData(DataSourceType):
    sensitive = False

    def __init__(self) -> None:
        self.schema = Schema(
            Block(
                {
                    "content": Attribute(STRING, computed=True, sensitive=self.sensitive),
                    "content_base64": Attribute(STRING, computed=True, sensitive=self.sensitive),
                    "filename": Attribute(STRING, required=True),
                    "id": Attribute(STRING, computed=True),
                    **_hashes(),
                }
            )
        )

    def read(self, config: Value) -> tuple[Value | None, Diagnostics]:
        diags = Diagnostics()
        filename = attr(config, "filename").as_str()
        try:
            with open(filename, "rb") as f:
                data = f.read()
        except OSError as exc:
            diags.append(
                attribute_error(
                    "Read local file data source error",
                    f"The file at given path cannot be read.\n\n+Original Error: {exc}",
                    Path.attr("filename"),
                )
            )
            return None, diags
        v = with_attrs(
            config,
            content=string_val(_text(data)),
            content_base64=string_val(base64.b64encode(data).decode()),
            **hash_values(data),
        )
        return v, diags


class LocalSensitiveFileData(LocalFileData):
    sensitive = True


def new_provider() -> NativeProvider:
    return NativeProvider(
        resources={"local_file": LocalFile(), "local_sensitive_file": LocalSensitiveFile()},
        data_sources={"local_file": LocalFileData(), "local_sensitive_file": LocalSensitiveFileData()},
    )


__all__ = ["HASH_ATTRIBUTES", "PROVIDER_ADDRESS", "hash_values", "new_provider"]
