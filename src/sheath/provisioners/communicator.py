"""What every communicator shares: the connection's settings with terraform's defaults,
errors worded as terraform's, and its retry loop. No SSH library is imported here."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Callable

from sheath.goquote import go_quote
from sheath.types.cty import Value

DEFAULT_USER = "root"
DEFAULT_PORT = 22
DEFAULT_SCRIPT_PATH = "/tmp/terraform_%RAND%.sh"
DEFAULT_TIMEOUT = 300.0
INITIAL_INTERVAL = 0.5
MAX_INTERVAL = 10.0

UNIMPLEMENTED = (
    "bastion_host", "bastion_host_key", "bastion_port", "bastion_user", "bastion_password", "bastion_private_key",
    "bastion_certificate", "proxy_scheme", "proxy_host", "proxy_port", "proxy_user_name", "proxy_user_password",
    "certificate", "agent_identity",
)  # fmt: skip
"""Connection arguments sheath's communicator does not implement: refused when set."""


class CommunicatorError(Exception):
    """A failure worded as terraform words it; fatal ones are not retried."""

    def __init__(self, message: str, fatal: bool = False) -> None:
        super().__init__(message)
        self.fatal = fatal


@dataclass(slots=True)
class ConnectionInfo:
    host: str
    user: str = DEFAULT_USER
    password: str = ""
    private_key: str = ""
    host_key: str = ""
    port: int = DEFAULT_PORT
    agent: bool = False
    script_path: str = DEFAULT_SCRIPT_PATH
    target_platform: str = "unix"
    timeout: float = DEFAULT_TIMEOUT


def _str(v: Value) -> str:
    return "" if v.is_null else v.as_str()


def unsupported_settings(conn: Value) -> list[str]:
    """The connection arguments set that sheath's communicator does not implement."""
    attrs = conn.attrs()
    out = [n for n in UNIMPLEMENTED if not attrs[n].is_null and attrs[n].v != ""]
    if _str(attrs["target_platform"]) == "windows":
        out.append("target_platform")
    return out


def parse_connection_info(conn: Value) -> ConnectionInfo:
    """terraform's parseConnectionInfo (defaults, checks) for a connection object."""
    a = conn.attrs()
    info = ConnectionInfo(host=_str(a["host"]))
    info.user = _str(a["user"]) or DEFAULT_USER
    info.password = _str(a["password"])
    info.private_key = _str(a["private_key"])
    info.host_key = _str(a["host_key"])
    if not a["port"].is_null:
        port = a["port"].v
        if not port.is_integer():
            raise CommunicatorError("value must be a whole number, between -9223372036854775808 and 9223372036854775807")
        info.port = port.to_int() or DEFAULT_PORT
    agent = a["agent"]
    info.agent = agent.as_bool() if not agent.is_null else bool(os.environ.get("SSH_AUTH_SOCK"))
    if info.host == "":
        raise CommunicatorError("host for provisioner cannot be empty")
    if ":" in info.host and not info.host.startswith("["):
        info.host = f"[{info.host}]"  # an IPv6 address, as Go writes host:port
    tp = _str(a["target_platform"])
    if tp not in ("", "unix", "windows"):
        raise CommunicatorError("target_platform for provisioner has to be either unix or windows")
    info.script_path = _str(a["script_path"]) or DEFAULT_SCRIPT_PATH
    timeout = _str(a["timeout"])
    if timeout:
        from sheath.lang.funcs.datetime import parse_duration

        try:
            info.timeout = parse_duration(timeout) / 1e9
        except ValueError:
            info.timeout = DEFAULT_TIMEOUT  # terraform falls back to the default too
    return info


def retry(timeout: float, attempt: Callable[[], None]) -> None:
    """Call attempt until it succeeds, fails fatally or timeout seconds pass (terraform's
    communicator.Retry): the last error is reported as "timeout - last error: ..."."""
    deadline = time.monotonic() + timeout
    delay = 0.0
    last: CommunicatorError | None = None
    while True:
        try:
            attempt()
            return
        except CommunicatorError as exc:
            if exc.fatal:
                raise
            last = exc
        delay = min(MAX_INTERVAL, delay * 2 or INITIAL_INTERVAL)
        if time.monotonic() + delay >= deadline:
            time.sleep(max(0.0, deadline - time.monotonic()))
            raise CommunicatorError(f"timeout - last error: {last}")
        time.sleep(delay)


def exit_error(command: str, status: int) -> str:
    """terraform's remote.ExitError for a script that exited non-zero."""
    return f"error executing {go_quote(command)}: Process exited with status {status}"


__all__ = [
    "CommunicatorError",
    "ConnectionInfo",
    "UNIMPLEMENTED",
    "exit_error",
    "parse_connection_info",
    "retry",
    "unsupported_settings",
]
