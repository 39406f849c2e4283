"""The file provisioner: copies a file, a directory or a string to the remote host
over the connection (SCP), as terraform's does."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable

from sheath.diag import Diagnostics
from sheath.provisioners.communicate import open_communicator
from sheath.provisioners.interface import ProvisionRequest
from sheath.provisioners.communicator import CommunicatorError, retry
from sheath.providers.schema import Attribute, Block
from sheath.types.cty import STRING, Value

SCHEMA = Block(
    attributes={
        "source": Attribute(STRING, optional=True),
        "content": Attribute(STRING, optional=True),
        "destination": Attribute(STRING, required=True),
    }
)

SUMMARY = "file provisioner error"


@dataclass(frozen=True, slots=True)
class FileProvisioner:
    def schema(self) -> Block:
        return SCHEMA

    def validate(self, config: Value) -> Diagnostics:
        diags = Diagnostics()
        a = config.attrs()
        source, content = a["source"], a["content"]
        if not source.is_null and not content.is_null:
            diags.add_error("Cannot set both 'source' and 'content'")
        elif source.is_null and content.is_null:
            diags.add_error("Must provide one of 'source' or 'content'")
        return diags

    def provision(self, req: ProvisionRequest) -> Diagnostics:
        comm, diags = open_communicator(req.connection, SUMMARY)
        if comm is None:
            return diags
        a = req.config.attrs()
        dst = a["destination"].as_str()
        try:
            retry(comm.timeout(), lambda: comm.connect(None))
            if not a["content"].is_null:
                _upload(comm.upload, dst, a["content"].as_str().encode())
                return diags
            src = os.path.expanduser(a["source"].as_str())
            if not os.path.exists(src):
                raise CommunicatorError(f"stat {src}: no such file or directory")
            if os.path.isdir(src):
                try:
                    comm.upload_dir(dst, src)
                except CommunicatorError as exc:
                    raise CommunicatorError(f"Upload failed: {exc}") from exc
                return diags
            with open(src, "rb") as f:
                data = f.read()
            _upload(comm.upload, dst, data)
        except CommunicatorError as exc:
            diags.add_error(SUMMARY, str(exc))
        except OSError as exc:
            diags.add_error(SUMMARY, f"open {exc.filename}: {(exc.strerror or str(exc)).lower()}")
        finally:
            comm.disconnect()
        return diags


def _upload(upload: Callable[[str, bytes], None], dst: str, data: bytes) -> None:
    try:
        upload(dst, data)
    except CommunicatorError as exc:
        raise CommunicatorError(f"Upload failed: {exc}") from exc

__all__ = ["FileProvisioner", "SCHEMA"]
