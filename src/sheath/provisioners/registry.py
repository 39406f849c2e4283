"""The provisioners built into sheath, by type name (terraform's are built in too)."""

from __future__ import annotations

from sheath.provisioners.interface import Provisioner
from sheath.provisioners.local_exec import LocalExec

REMOVED = ("chef", "habitat", "puppet", "salt-masterless")
"""Provisioner types terraform removed; configuration loading rejects them."""


def builtin_provisioner(type_name: str) -> Provisioner | None:
    if type_name == "local-exec":
        return LocalExec()
    return None


__all__ = ["REMOVED", "builtin_provisioner"]
