"""The provisioners built into sheath, by type name (terraform's are built in too)."""

from __future__ import annotations

from sheath.provisioners.interface import Provisioner


def builtin_provisioner(type_name: str) -> Provisioner | None:
    """The provisioner of that type; its module is imported on first use."""
    if type_name == "local-exec":
        from sheath.provisioners.local_exec import LocalExec

        return LocalExec()
    if type_name == "file":
        from sheath.provisioners.file import FileProvisioner

        return FileProvisioner()
    if type_name == "remote-exec":
        from sheath.provisioners.remote_exec import RemoteExec

        return RemoteExec()
    return None


__all__ = ["builtin_provisioner"]
