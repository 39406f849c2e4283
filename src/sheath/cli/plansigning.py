"""The plan signing key: -plan-signing-key=FILE, or the SHEATH_PLAN_SIGNING_KEY_FILE
environment variable when the flag is not given.

The key is the key file's bytes, exactly (a trailing newline is part of it).
plan -out signs the plan file with it (HMAC-SHA256, see sheath.plans.planfile);
apply and show, given a key, accept only plan files signed with that key, and
without one refuse signed plan files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sheath.diag import Diagnostics

FLAG = "plan-signing-key"
ENV = "SHEATH_PLAN_SIGNING_KEY_FILE"


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A loaded key and where it came from (for messages)."""

    key: bytes
    origin: str


def key_path(flag_value: str | None, environ: Mapping[str, str]) -> tuple[str | None, str]:
    """The key file's path and its origin: the flag first, then the environment."""
    if flag_value:
        return flag_value, f"-{FLAG}"
    env_value = environ.get(ENV, "")
    if env_value:
        return env_value, ENV
    return None, ""


def load_signing_key(flag_value: str | None, environ: Mapping[str, str]) -> tuple[SigningKey | None, Diagnostics]:
    """The configured key (None when there is none); an unreadable or empty key file
    is an error, never an unsigned plan."""
    diags = Diagnostics()
    if flag_value is not None and flag_value == "":
        diags.add_error("Invalid plan signing key", f"The -{FLAG} option needs the path of a key file.")
        return None, diags
    path, origin = key_path(flag_value, environ)
    if path is None:
        return None, diags
    try:
        with open(path, "rb") as fh:
            key = fh.read()
    except OSError as exc:
        diags.add_error(
            "Failed to read plan signing key",
            f"The plan signing key file {path} (from {origin}) could not be read: {exc.strerror or exc}.",
        )
        return None, diags
    if not key:
        diags.add_error("Invalid plan signing key", f"The plan signing key file {path} (from {origin}) is empty.")
        return None, diags
    return SigningKey(key, origin), diags
