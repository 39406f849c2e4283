"""What file and remote-exec share: opening a communicator from the connection value."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sheath.diag import Diagnostics
from sheath.provisioners.communicator import CommunicatorError, parse_connection_info, unsupported_settings
from sheath.types.cty import Value

if TYPE_CHECKING:
    from sheath.provisioners.ssh import Communicator


def open_communicator(conn: Value, summary: str) -> tuple[Communicator | None, Diagnostics]:
    """terraform's communicator.New: a communicator for the connection, or the error."""
    diags = Diagnostics()
    if conn.is_null:
        diags.add_error(summary, "Missing connection configuration for provisioner.")
        return None, diags
    t = conn.attrs()["type"]
    kind = "" if t.is_null else t.as_str()
    if kind not in ("", "ssh"):
        if kind == "winrm":
            diags.add_error(summary, 'sheath does not implement the "winrm" connection type; only "ssh" connections are supported.')
        else:
            diags.add_error(summary, f"connection type '{kind}' not supported")
        return None, diags
    unsupported = unsupported_settings(conn)
    if unsupported:
        diags.add_error(
            summary,
            "sheath's SSH communicator does not implement these connection arguments: "
            + ", ".join(unsupported)
            + ". Remove them, or run this configuration with terraform.",
        )
        return None, diags
    from sheath.provisioners.ssh import Communicator  # paramiko is imported only when a connection is made

    try:
        return Communicator(parse_connection_info(conn)), diags
    except CommunicatorError as exc:
        diags.add_error(summary, str(exc))
        return None, diags


__all__ = ["open_communicator"]
