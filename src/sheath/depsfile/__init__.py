"""The dependency lock file (.terraform.lock.hcl), read and written exactly as terraform does."""

from sheath.depsfile.locks import (
    LOCK_FILE_NAME,
    Locks,
    ProviderLock,
    load_locks_from_file,
    parse_locks,
    render_locks,
    save_locks_to_file,
)

__all__ = [
    "LOCK_FILE_NAME",
    "Locks",
    "ProviderLock",
    "load_locks_from_file",
    "parse_locks",
    "render_locks",
    "save_locks_to_file",
]
