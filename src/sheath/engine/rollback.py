"""What a rollback returns to (issue 12): the configuration snapshot and variables of an
applied version (``sheath.audit.versions``), or the configuration at a git commit, tag or
branch of the working directory's repository (read with ``git archive``; the working
tree is untouched). The Python API (``Workspace.rollback``) and the rollback command
plan it with the operation runner, recording the apply as a version whose origin names
what it returned to."""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sheath.diag import Diagnostic, Diagnostics, error

if TYPE_CHECKING:
    from sheath.audit.records import VersionLog


@dataclass(frozen=True)
class RollbackTarget:
    """The configuration (files by path relative to the working directory) and variables
    to plan, and what they are ("version 3", "git v1.2.0 (a1b2c3d4e5f6)")."""

    snapshot: Mapping[str, bytes]
    origin: str
    version: int | None = None
    # the variables the version was applied with (Python values); sensitive ones are
    # recorded only as a hash, so they are named in hashed and must be given again
    variables: Mapping[str, Any] = field(default_factory=dict)
    hashed: tuple[str, ...] = ()


def version_target(store: "VersionLog", version: int) -> tuple[RollbackTarget | None, Diagnostics]:
    """Applied version ``version`` of a state's applied versions (kept in its backend)."""
    from sheath.audit.versions import RecordsError

    try:
        v = store.get(version)
        snapshot = store.snapshot(v.config_sha) if v is not None else None
    except RecordsError as exc:
        return None, Diagnostics([error("Failed to read the applied versions", str(exc))])
    if v is None or snapshot is None:
        return None, Diagnostics([error("No such version", f"Version {version} is not in the history (sheath history lists them).")])
    variables: dict[str, Any] = {}
    hashed: list[str] = []
    for name, value in v.variables.items():
        if isinstance(value, dict) and set(value) == {"sha256"}:
            hashed.append(name)
        else:
            variables[name] = value
    return RollbackTarget(snapshot, f"version {version}", version, variables, tuple(sorted(hashed))), Diagnostics()


def sensitive_variable_needed(target: RollbackTarget, name: str, how: str) -> Diagnostic:
    """The error for a sensitive variable of target's version that was not given again."""
    return error(
        "Sensitive variable needed",
        f'Version {target.version} was applied with the sensitive variable "{name}", recorded only as a hash; {how}.',
    )


def git_target(path: str, ref: str) -> tuple[RollbackTarget | None, Diagnostics]:
    """The configuration files (.tf, .tf.json) of the repository holding path, at ref,
    keyed by their path relative to path (modules elsewhere in the repository included)."""

    def git(*args: str, cwd: str = path) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=120)

    def fail(summary: str, detail: str) -> tuple[RollbackTarget | None, Diagnostics]:
        return None, Diagnostics([error(summary, detail)])

    top = git("rev-parse", "--show-toplevel")
    if top.returncode != 0:
        return fail("Not a git repository", f"{path} is not inside a git repository, so there is no git ref to roll back to.")
    commit = git("rev-parse", "--verify", "--quiet", ref + "^{commit}")
    if commit.returncode != 0:
        return fail("Unknown git ref", f'"{ref}" is not a commit, tag or branch of this repository.')
    sha = commit.stdout.decode().strip()
    root = top.stdout.decode().strip()
    archive = git("archive", "--format=tar", sha, cwd=root)
    if archive.returncode != 0:
        return fail("git archive failed", archive.stderr.decode(errors="replace").strip())
    files: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        for member in tar.getmembers():
            if not member.isfile() or not (member.name.endswith(".tf") or member.name.endswith(".tf.json")):
                continue
            rel = os.path.relpath(os.path.join(root, member.name), os.path.realpath(path))
            fh = tar.extractfile(member)
            if fh is not None:
                files[rel] = fh.read()
    if not any(os.path.dirname(p) == "" for p in files):
        return fail("No configuration at that ref", f"The working directory has no .tf files at {ref}.")
    return RollbackTarget(files, f"git {ref} ({sha[:12]})"), Diagnostics()
