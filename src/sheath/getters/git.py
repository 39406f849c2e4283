"""go-getter's git getter: git clone, then the ?ref= checkout, ?depth= shallow clones, submodules."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sheath.getters.errors import FetchError

_COMMIT_ID = re.compile(r"^[0-9a-fA-F]{7,40}$")


@dataclass(frozen=True, slots=True)
class GitFetcher:
    """Clones url into dst; the ref and depth query arguments select what is checked out."""

    def fetch(self, url: str, dst: str, cwd: str) -> FetchError | None:
        git = shutil.which("git")
        if git is None:
            return FetchError("git must be available and on the PATH")
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        args = dict(query)
        ref = args.get("ref", "")
        depth_raw = args.get("depth", "")
        if "sshkey" in args:
            return FetchError("sheath does not support the sshkey argument of git sources yet")
        try:
            depth = int(depth_raw) if depth_raw else 0
        except ValueError:
            return FetchError("depth must be an integer")
        rest = [(k, v) for k, v in query if k not in ("ref", "depth", "sshkey")]
        clone_url = urlunsplit(parts._replace(query=urlencode(sorted(rest))))
        cmd = ["clone"]
        if depth > 0:
            branch = ref or _default_branch(git, clone_url, cwd)
            cmd += ["--depth", str(depth), "--branch", branch]
        cmd += ["--", clone_url, dst]
        err = _run(git, cmd, cwd)
        if err is not None:
            if depth > 0 and ref and _COMMIT_ID.match(ref):
                return FetchError(f"{err} (note that setting 'depth' requires 'ref' to be a branch or tag name)")
            return FetchError(err)
        where = os.path.join(cwd, dst)
        if depth < 1 and ref:
            err = _run(git, ["checkout", ref], where)
            if err is not None:
                return FetchError(err)
        sub = ["submodule", "update", "--init", "--recursive"]
        if depth > 0:
            sub += ["--depth", str(depth)]
        err = _run(git, sub, where)
        return None if err is None else FetchError(err)


def _run(git: str, args: list[str], cwd: str) -> str | None:
    """None when git succeeds, else go-getter's "<git> exited with <code>: <output>"."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    p = subprocess.run([git, *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    if p.returncode == 0:
        return None
    return f"{git} exited with {p.returncode}: {p.stdout.decode('utf-8', 'replace')}"


def _default_branch(git: str, url: str, cwd: str) -> str:
    """The remote's HEAD branch (git ls-remote --symref), "master" when it cannot be told."""
    p = subprocess.run(
        [git, "ls-remote", "--symref", url, "HEAD"], cwd=cwd, capture_output=True, check=False
    )
    m = re.search(r"^ref: refs/heads/(\S+)\s+HEAD", p.stdout.decode("utf-8", "replace"), re.MULTILINE)
    return m.group(1) if m else "master"
