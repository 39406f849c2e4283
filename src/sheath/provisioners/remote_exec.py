"""The remote-exec provisioner: runs inline commands or local scripts on the remote
host over the connection, as terraform's does (each script uploaded to the
connection's script_path, made executable, run in a pseudo-terminal with its
output streamed, then emptied)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sheath.diag import Diagnostics
from sheath.provisioners.communicate import open_communicator
from sheath.provisioners.interface import ProvisionRequest
from sheath.provisioners.communicator import CommunicatorError, exit_error, retry
from sheath.providers.schema import Attribute, Block
from sheath.types.cty import STRING, ListType, Value

if TYPE_CHECKING:
    from sheath.provisioners.ssh import Communicator

SCHEMA = Block(
    attributes={
        "inline": Attribute(ListType(STRING), optional=True),
        "script": Attribute(STRING, optional=True),
        "scripts": Attribute(ListType(STRING), optional=True),
    }
)

SUMMARY = "remote-exec provisioner error"


def collect_scripts(config: Value) -> list[bytes]:
    """The scripts to run: the inline lines joined into one, or the files' contents."""
    a = config.attrs()
    inline = a["inline"]
    if not inline.is_null:
        lines: list[str] = []
        for line in inline.elements():
            if line.is_null:
                raise CommunicatorError("invalid null string in 'scripts'")
            if line.as_str() == "":
                raise CommunicatorError("invalid empty string in 'scripts'")
            lines.append(line.as_str())
        return ["\n".join([*lines, ""]).encode()]
    paths: list[str] = []
    if not a["script"].is_null:
        if a["script"].as_str() == "":
            raise CommunicatorError("invalid empty string in 'script'")
        paths.append(a["script"].as_str())
    if not a["scripts"].is_null:
        for sv in a["scripts"].elements():
            if sv.is_null:
                raise CommunicatorError("invalid null string in 'script'")
            if sv.as_str() == "":
                raise CommunicatorError("invalid empty string in 'script'")
            paths.append(sv.as_str())
    out: list[bytes] = []
    for p in paths:
        try:
            with open(p, "rb") as f:
                out.append(f.read())
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise CommunicatorError(f"Failed to open script '{p}': open {p}: {reason[:1].lower()}{reason[1:]}") from exc
    return out


@dataclass(frozen=True, slots=True)
class RemoteExec:
    def schema(self) -> Block:
        return SCHEMA

    def validate(self, config: Value) -> Diagnostics:
        diags = Diagnostics()
        if sum(not v.is_null for v in config.attrs().values()) != 1:
            diags.add_error('only one of "inline", "script", or "scripts" must be set')
        return diags

    def provision(self, req: ProvisionRequest) -> Diagnostics:
        comm, diags = open_communicator(req.connection, SUMMARY)
        if comm is None:
            return diags
        try:
            scripts = collect_scripts(req.config)
            retry(comm.timeout(), lambda: comm.connect(req.ui))
            for script in scripts:
                _run_script(comm, script, req)
        except CommunicatorError as exc:
            diags.add_error(SUMMARY, str(exc))
        finally:
            comm.disconnect()
        return diags


def _run_script(comm: Communicator, script: bytes, req: ProvisionRequest) -> None:
    path = comm.script_path()
    try:
        comm.upload_script(path, script)
    except CommunicatorError as exc:
        raise CommunicatorError(f"Failed to upload script: {exc}") from exc
    status = comm.start(path, req.ui)
    if status != 0:
        raise CommunicatorError(exit_error(path, status))
    try:
        comm.upload(path, b"")  # leave no script contents behind (best effort, as terraform)
    except CommunicatorError:
        pass


__all__ = ["RemoteExec", "SCHEMA", "collect_scripts"]
