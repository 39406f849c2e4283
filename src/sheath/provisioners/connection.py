"""The connection block: every argument any communicator accepts (terraform's
connectionBlockSupersetSchema). Each communicator checks the ones it uses."""

from __future__ import annotations

from sheath.providers.schema import Attribute, Block
from sheath.types.cty import BOOL, NUMBER, STRING

_S = Attribute(STRING, optional=True)
_N = Attribute(NUMBER, optional=True)
_B = Attribute(BOOL, optional=True)

CONNECTION_SCHEMA = Block(
    attributes={
        "host": Attribute(STRING, required=True),
        "type": _S,
        "user": _S,
        "password": _S,
        "port": _N,
        "timeout": _S,
        "script_path": _S,
        "target_platform": _S,
        "private_key": _S,
        "certificate": _S,
        "host_key": _S,
        "agent": _B,
        "agent_identity": _S,
        "proxy_scheme": _S,
        "proxy_host": _S,
        "proxy_port": _N,
        "proxy_user_name": _S,
        "proxy_user_password": _S,
        "bastion_host": _S,
        "bastion_host_key": _S,
        "bastion_port": _N,
        "bastion_user": _S,
        "bastion_password": _S,
        "bastion_private_key": _S,
        "bastion_certificate": _S,
        "https": _B,
        "insecure": _B,
        "cacert": _S,
        "use_ntlm": _B,
    }
)

__all__ = ["CONNECTION_SCHEMA"]
