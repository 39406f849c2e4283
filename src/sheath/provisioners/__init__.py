"""Provisioners: local-exec, file and remote-exec (over SSH), as terraform runs them.

``interface`` is the Protocol each implements; ``registry`` finds one by type
name; ``connection`` holds the connection block's schema and ``ssh`` the SSH
communicator that file and remote-exec use.
"""

from sheath.provisioners.interface import ProvisionRequest, Provisioner, UIOutput
from sheath.provisioners.registry import builtin_provisioner

__all__ = ["ProvisionRequest", "Provisioner", "UIOutput", "builtin_provisioner"]
