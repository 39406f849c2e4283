"""terraform's lock information (statemgr.LockInfo): who holds a lock, since when, for what."""

from __future__ import annotations

import getpass
import socket
import uuid
from datetime import datetime, timezone

from sheath.states.statemgr import LockInfo


def new_lock_info(operation: str, version: str, path: str, info: str = "") -> LockInfo:
    """A fresh lock's information: a new ID, user@host, the current UTC time."""
    return LockInfo(
        id=str(uuid.uuid4()),
        operation=operation,
        who=f"{_user()}@{socket.gethostname()}",
        version=version,
        created=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        path=path,
        info=info,
    )


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def go_time(rfc3339: str) -> str:
    """An RFC 3339 UTC time as Go's time.Time String() prints it."""
    if rfc3339.endswith("Z") and "T" in rfc3339:
        return rfc3339[:-1].replace("T", " ", 1) + " +0000 UTC"
    return rfc3339


def lock_error_detail(message: str, info: LockInfo) -> str:
    """The detail of terraform's "Error acquiring the state lock" diagnostic."""
    return (
        f"Error message: {message}\n"
        "Lock Info:\n"
        f"  ID:        {info.id}\n"
        f"  Path:      {info.path}\n"
        f"  Operation: {info.operation}\n"
        f"  Who:       {info.who}\n"
        f"  Version:   {info.version}\n"
        f"  Created:   {go_time(info.created)}\n"
        f"  Info:      {info.info}\n\n\n"
        "Terraform acquires a state lock to protect the state from being written\n"
        "by multiple users at the same time. Please resolve the issue above and try\n"
        "again. For most commands, you can disable locking with the \"-lock=false\"\n"
        "flag, but this is not recommended."
    )
