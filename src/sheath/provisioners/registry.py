"""The provisioners built into sheath, by type name (terraform's are built in too)."""

from __future__ import annotations

from sheath.provisioners.interface import Provisioner
from sheath.provisioners.file import FileProvisioner
from sheath.provisioners.local_exec import LocalExec
from sheath.provisioners.remote_exec import RemoteExec

def builtin_provisioner(type_name: str) -> Provisioner | None:
    if type_name == "local-exec":
        return LocalExec()
    if type_name == "file":
        return FileProvisioner()
    if type_name == "remote-exec":
        return RemoteExec()
    return None


__all__ = ["builtin_provisioner"]
