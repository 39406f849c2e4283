"""No flag is accepted and ignored.

For each command, `terraform <command> -help` lists its flags; every one goes
through sheath, which must either do something observable with it (the table
below says what is observed: a file written, output changed, an exit code) or
refuse it with an error naming it. A flag terraform lists that the table does
not know fails the test, so a new terraform flag cannot slip through unclassified.

Also here: the flag errors terraform reports (bad -parallelism, -lock-timeout,
-replace and -target values) byte for byte, -state-out/-backup files against
terraform's, backends sheath cannot use, and TF_CLI_ARGS.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import SHEATH_CMD, RunFn

CONFIG = """
variable "v" {
  default = "d"
}

resource "terraform_data" "a" {
  input = var.v
}

resource "terraform_data" "b" {
  input = terraform_data.a.output
}

output "o" {
  value = var.v
}
"""

COMMANDS = [
    "plan", "apply", "destroy", "refresh", "import", "init", "validate", "graph", "show", "output",
    "state list", "state show", "state mv", "state rm", "state pull", "state push",
    "taint", "untaint", "console", "providers", "fmt", "version",
    "get", "providers schema", "metadata functions", "providers lock", "providers mirror",
]  # fmt: skip

# flags terraform's help mentions only in prose ("-state, state-out, and -backup are legacy
# options"; apply "will also accept all of the plan-customization options")
PROSE_FLAGS = {
    "state mv": {"state-out", "backup", "backup-out"},
    "apply": {"refresh", "refresh-only", "replace", "target"},
}


@dataclass
class Ctx:
    dir: Path
    env: dict[str, str]
    command: str

    def run(self, *args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        e = dict(self.env)
        e.update(env or {})
        return subprocess.run(
            [*SHEATH_CMD, *args], cwd=self.dir, env=e, input=stdin, capture_output=True, text=True, timeout=240
        )

    def ok(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        r = self.run(*args, env=env)
        assert r.returncode == 0, r.stdout + r.stderr
        return r

    def cmd(self) -> list[str]:
        return self.command.split()

    def applied(self) -> None:
        self.ok("apply", "-auto-approve", "-no-color")
        if self.command == "untaint":  # something to untaint
            self.ok("taint", "terraform_data.a")


Check = Callable[[Ctx], None]


@dataclass(frozen=True)
class Entry:
    """How a flag's effect is observed (check), or that it is refused (rejected)."""

    check: Check | None = None
    rejected: tuple[str, ...] = ()  # arguments that must fail with an error naming the flag
    xfail: str = ""  # a known gap, named, until the work that closes it lands


def refused(*args: str, xfail: str = "") -> Entry:
    return Entry(rejected=args, xfail=xfail)


def effect(check: Check, xfail: str = "") -> Entry:
    return Entry(check=check, xfail=xfail)


# --- observations shared by plan, apply, destroy and refresh ------------------------------------


def _color(ctx: Ctx) -> None:
    with_color = ctx.ok(*ctx.cmd(), *_auto(ctx))
    without = ctx.ok(*ctx.cmd(), *_auto(ctx), "-no-color")
    assert "\x1b[" in with_color.stdout + with_color.stderr
    assert "\x1b[" not in without.stdout + without.stderr


def _auto(ctx: Ctx) -> list[str]:
    return ["-auto-approve"] if ctx.command in ("apply", "destroy") else []


def _var(ctx: Ctx) -> None:
    if ctx.command == "destroy":
        ctx.applied()
    r = ctx.ok(*ctx.cmd(), *_auto(ctx), "-no-color", "-var", "v=from-flag")
    assert "from-flag" in r.stdout


def _var_file(ctx: Ctx) -> None:
    (ctx.dir / "x.tfvars").write_text('v = "from-file"\n')
    if ctx.command == "destroy":
        ctx.applied()
    r = ctx.ok(*ctx.cmd(), *_auto(ctx), "-no-color", "-var-file=x.tfvars")
    assert "from-file" in r.stdout


def _state(ctx: Ctx) -> None:
    ctx.ok("apply", "-auto-approve", "-no-color", "-state=other.tfstate")
    assert (ctx.dir / "other.tfstate").exists() and not (ctx.dir / "terraform.tfstate").exists()
    r = ctx.ok(*ctx.cmd(), *_auto(ctx), "-no-color", "-state=other.tfstate")
    if ctx.command == "plan":
        assert "No changes." in r.stdout
    elif ctx.command == "destroy":
        assert "2 destroyed" in r.stdout
    else:
        assert "Refreshing state..." in r.stdout


def _target(ctx: Ctx) -> None:
    if ctx.command in ("refresh", "destroy"):
        ctx.applied()
    r = ctx.ok(*ctx.cmd(), *_auto(ctx), "-no-color", "-target=terraform_data.a")
    if ctx.command == "refresh":
        assert "terraform_data.a: Refreshing" in r.stdout and "terraform_data.b: Refreshing" not in r.stdout
    elif ctx.command == "destroy":
        assert "terraform_data.b: Destroying" in r.stdout  # what depends on the target goes too
    else:
        assert "1 to add" in r.stdout


def _replace(ctx: Ctx) -> None:
    ctx.applied()
    r = ctx.ok(*ctx.cmd(), *_auto(ctx), "-no-color", "-replace=terraform_data.b")
    assert "terraform_data.b will be replaced, as requested" in r.stdout


def _refresh(ctx: Ctx) -> None:
    ctx.applied()
    assert "Refreshing state" in ctx.ok(*ctx.cmd(), *_auto(ctx), "-no-color").stdout
    assert "Refreshing state" not in ctx.ok(*ctx.cmd(), *_auto(ctx), "-no-color", "-refresh=false").stdout


def _refresh_only(ctx: Ctx) -> None:
    r = ctx.ok(*ctx.cmd(), *_auto(ctx), "-no-color", "-refresh-only")
    assert "will be created" not in r.stdout


def _destroy(ctx: Ctx) -> None:
    ctx.applied()
    r = ctx.ok(*ctx.cmd(), *_auto(ctx), "-no-color", "-destroy")
    assert "will be destroyed" in r.stdout


def _detailed_exitcode(ctx: Ctx) -> None:
    assert ctx.run("plan", "-no-color", "-detailed-exitcode").returncode == 2


def _out(ctx: Ctx) -> None:
    ctx.ok("plan", "-no-color", "-out=saved.tfplan")
    assert (ctx.dir / "saved.tfplan").stat().st_size > 0


def _generate_config_out(ctx: Ctx) -> None:
    (ctx.dir / "adopt.tf").write_text('import {\n  to = terraform_data.adopted\n  id = "abc"\n}\n')
    ctx.ok("plan", "-no-color", "-generate-config-out=gen.tf")
    assert 'resource "terraform_data" "adopted" {' in (ctx.dir / "gen.tf").read_text()
    (ctx.dir / "adopt.tf").unlink()
    (ctx.dir / "gen.tf").unlink()


def _compact_warnings(ctx: Ctx) -> None:
    (ctx.dir / "terraform.tfvars").write_text("undeclared = 1\n")
    if ctx.command == "refresh":
        ctx.applied()
    full = ctx.ok(*ctx.cmd(), *_auto(ctx), "-no-color")
    compact = ctx.ok(*ctx.cmd(), *_auto(ctx), "-no-color", "-compact-warnings")
    assert "Warning: Value for undeclared variable" in full.stdout
    assert "- Value for undeclared variable" in compact.stdout
    assert "To see the full warning notes, run Terraform without -compact-warnings." in compact.stdout


def _parallelism(ctx: Ctx) -> None:
    """Values are checked as terraform checks them; in apply, -parallelism=1 is seen in the progress
    lines: each of five independent objects completes before the next starts. (plan and refresh
    have no completion lines: there only the check is seen.)"""
    (ctx.dir / "main.tf").write_text("".join(f'resource "terraform_data" "r{i}" {{}}\n' for i in range(5)))
    if ctx.command in ("refresh", "destroy"):
        ctx.applied()
    r = ctx.ok(*ctx.cmd(), *_auto(ctx), "-no-color", "-parallelism=1")
    if ctx.command in ("apply", "destroy"):
        lines = [ln for ln in r.stdout.splitlines() if ln.startswith("terraform_data.r")]
        starts = [i for i, ln in enumerate(lines) if ln.endswith("ing...")]
        assert len(starts) == 5
        assert all("complete after" in lines[i + 1] and lines[i + 1].split(":")[0] == lines[i].split(":")[0] for i in starts)
    refused_ = ctx.run(*ctx.cmd(), *_auto(ctx), "-no-color", "-parallelism=-5")
    assert refused_.returncode == 1 and "The parallelism must be a positive value. Not -5." in refused_.stderr


class HeldLock:
    """The state lock, held by this test process (terraform's lock on the state file)."""

    def __init__(self, path: Path) -> None:
        from sheath.states.statemgr.filesystem import FilesystemStateManager

        self.mgr = FilesystemStateManager(str(path))
        info, diags = self.mgr.lock("OperationTypeApply")
        assert info is not None, diags
        self.id = info.id

    def release(self) -> None:
        self.mgr.unlock(self.id)

    def release_after(self, seconds: float) -> None:
        threading.Event().wait(seconds)
        self.release()


def _lock(ctx: Ctx) -> None:
    ctx.applied()
    held = HeldLock(ctx.dir / "terraform.tfstate")
    try:
        args = [*ctx.cmd(), *_auto(ctx), "-no-color", *_lock_args(ctx)]
        blocked = ctx.run(*args)
        assert blocked.returncode == 1 and "Error acquiring the state lock" in blocked.stderr
        assert ctx.run(*args, "-lock=false").returncode == 0
    finally:
        held.release()


def _lock_args(ctx: Ctx) -> list[str]:
    if ctx.command == "import":
        return []
    return {"taint": ["terraform_data.a"], "untaint": ["-allow-missing", "terraform_data.a"]}.get(ctx.command, [])


def _lock_timeout(ctx: Ctx) -> None:
    """1m30s is a real wait (the lock is released while sheath waits); xyz is refused."""
    ctx.applied()
    bad = ctx.run(*ctx.cmd(), *_auto(ctx), "-no-color", "-lock-timeout=xyz", *_lock_args(ctx))
    assert bad.returncode == 1 and 'invalid value "xyz" for flag -lock-timeout' in bad.stderr + bad.stdout
    if ctx.command == "import":
        return
    held = HeldLock(ctx.dir / "terraform.tfstate")
    t = threading.Thread(target=held.release_after, args=(1.0,))
    t.start()
    try:
        r = ctx.run(*ctx.cmd(), *_auto(ctx), "-no-color", "-lock-timeout=1m30s", *_lock_args(ctx))
    finally:
        t.join()
    assert r.returncode == 0, r.stderr


def _input(ctx: Ctx) -> None:
    """With a terminal, -input=true asks for a variable without a value; -input=false refuses."""
    import pty

    (ctx.dir / "main.tf").write_text('variable "need" {}\noutput "o" {\n  value = var.need\n}\n')
    if ctx.command == "import":  # terraform checks the resource is configured before it asks
        with (ctx.dir / "main.tf").open("a") as fh:
            fh.write('resource "terraform_data" "x" {}\n')
    master, slave = pty.openpty()
    try:
        args = [*ctx.cmd(), *_auto(ctx), "-no-color"]
        positional = ["terraform_data.x", "id"] if ctx.command == "import" else []
        assert "Enter a value:" in _run_with_tty(ctx, [*args, *positional], master, slave)
    finally:
        os.close(master)
    refused_ = ctx.run(*args, "-input=false", *positional)
    assert refused_.returncode == 1 and "No value for required variable" in refused_.stderr


def _run_with_tty(ctx: Ctx, args: list[str], master: int, slave: int) -> str:
    p = subprocess.Popen([*SHEATH_CMD, *args], cwd=ctx.dir, env=ctx.env, stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    os.close(slave)
    os.write(master, b"typed\n")
    out, _ = p.communicate(timeout=240)
    return out


def _auto_approve(ctx: Ctx) -> None:
    r = ctx.run(*ctx.cmd(), "-no-color", stdin="no\n")
    assert r.returncode == 1 and "cancelled" in r.stderr
    assert ctx.run(*ctx.cmd(), "-no-color", "-auto-approve").returncode == 0


def _state_out(ctx: Ctx) -> None:
    ctx.applied()
    before = (ctx.dir / "terraform.tfstate").read_bytes()
    ctx.ok(*ctx.cmd(), "-auto-approve", "-no-color", "-replace=terraform_data.a", "-state-out=new.tfstate")
    assert (ctx.dir / "terraform.tfstate").read_bytes() == before
    assert (ctx.dir / "new.tfstate").stat().st_size > 0


def _backup(ctx: Ctx) -> None:
    ctx.applied()
    ctx.ok(*ctx.cmd(), "-auto-approve", "-no-color", "-replace=terraform_data.a", "-backup=bk.tfstate")
    assert (ctx.dir / "bk.tfstate").exists() and not (ctx.dir / "terraform.tfstate.backup").exists()
    (ctx.dir / "bk.tfstate").unlink()
    ctx.ok(*ctx.cmd(), "-auto-approve", "-no-color", "-replace=terraform_data.a", "-backup=-")
    assert not list(ctx.dir.glob("*.backup")) and not (ctx.dir / "bk.tfstate").exists()


OPERATION: dict[str, Entry] = {
    "compact-warnings": effect(_compact_warnings),
    "destroy": effect(_destroy),
    "detailed-exitcode": effect(_detailed_exitcode),
    "generate-config-out": effect(_generate_config_out),
    "input": effect(_input),
    "lock": effect(_lock),
    "lock-timeout": effect(_lock_timeout),
    "no-color": effect(_color),
    "out": effect(_out),
    "parallelism": effect(_parallelism),
    "refresh": effect(_refresh),
    "refresh-only": effect(_refresh_only),
    "replace": effect(_replace),
    "state": effect(_state),
    "target": effect(_target),
    "var": effect(_var),
    "var-file": effect(_var_file),
    "auto-approve": effect(_auto_approve),
    "state-out": effect(_state_out),
    "backup": effect(_backup),
}


# --- import --------------------------------------------------------------------------------------


def _import_state(ctx: Ctx) -> None:
    ctx.ok("import", "-no-color", "-state=imp.tfstate", "terraform_data.a", "some-id")
    assert "some-id" in (ctx.dir / "imp.tfstate").read_text()


def _import_var(ctx: Ctx) -> None:
    (ctx.dir / "main.tf").write_text('variable "need" {}\nresource "terraform_data" "a" {\n  input = var.need\n}\n')
    assert ctx.run("import", "-no-color", "terraform_data.a", "x").returncode == 1
    ctx.ok("import", "-no-color", "-var", "need=1", "terraform_data.a", "x")


def _import_var_file(ctx: Ctx) -> None:
    (ctx.dir / "main.tf").write_text('variable "need" {}\nresource "terraform_data" "a" {\n  input = var.need\n}\n')
    (ctx.dir / "x.tfvars").write_text("need = 1\n")
    assert ctx.run("import", "-no-color", "terraform_data.a", "x").returncode == 1
    ctx.ok("import", "-no-color", "-var-file=x.tfvars", "terraform_data.a", "x")


def _import_color(ctx: Ctx) -> None:
    assert "\x1b[" in ctx.ok("import", "terraform_data.a", "x").stdout
    (ctx.dir / "terraform.tfstate").unlink()
    assert "\x1b[" not in ctx.ok("import", "-no-color", "terraform_data.a", "x").stdout


def _import_lock(ctx: Ctx) -> None:
    (ctx.dir / "terraform.tfstate").write_text("")
    held = HeldLock(ctx.dir / "terraform.tfstate")
    try:
        blocked = ctx.run("import", "-no-color", "terraform_data.a", "x")
        assert blocked.returncode == 1 and "Error acquiring the state lock" in blocked.stderr
        ctx.ok("import", "-no-color", "-lock=false", "terraform_data.a", "x")
    finally:
        held.release()


def _import_lock_timeout(ctx: Ctx) -> None:
    bad = ctx.run("import", "-no-color", "-lock-timeout=xyz", "terraform_data.a", "x")
    assert bad.returncode == 1 and 'invalid value "xyz" for flag -lock-timeout' in bad.stderr


def _import_config(ctx: Ctx) -> None:
    """The configuration comes from -config's directory; the state stays the working directory's."""
    (ctx.dir / "other").mkdir()
    (ctx.dir / "other" / "main.tf").write_text('resource "terraform_data" "elsewhere" {}\n')
    assert ctx.run("import", "-no-color", "terraform_data.elsewhere", "x").returncode == 1
    ctx.ok("import", "-no-color", "-config=other", "terraform_data.elsewhere", "x")
    assert "elsewhere" in (ctx.dir / "terraform.tfstate").read_text()


IMPORT: dict[str, Entry] = {
    "config": effect(_import_config),
    "ignore-remote-version": refused("-ignore-remote-version", "terraform_data.a", "x"),
    "input": effect(_input),
    "lock": effect(_import_lock),
    "lock-timeout": effect(_import_lock_timeout),
    "no-color": effect(_import_color),
    "state": effect(_import_state),
    "var": effect(_import_var),
    "var-file": effect(_import_var_file),
}


# --- init ------------------------------------------------------------------------------------


def _init_backend(ctx: Ctx) -> None:
    (ctx.dir / "backend.tf").write_text('terraform {\n  backend "gcs" {\n    bucket = "b"\n  }\n}\n')
    r = ctx.run("init", "-no-color")
    assert r.returncode == 1 and 'does not support the "gcs" backend' in r.stderr
    assert "Initializing the backend" not in ctx.ok("init", "-no-color", "-backend=false").stdout


def _init_get(ctx: Ctx) -> None:
    (ctx.dir / "m").mkdir()
    (ctx.dir / "m" / "main.tf").write_text("")
    (ctx.dir / "mod.tf").write_text('module "m" {\n  source = "./m"\n}\n')
    r = ctx.run("init", "-no-color", "-get=false")
    assert r.returncode == 1 and "Module not installed" in r.stderr
    assert not (ctx.dir / ".terraform" / "modules").exists()
    ctx.ok("init", "-no-color")
    assert (ctx.dir / ".terraform" / "modules" / "modules.json").exists()


def _init_test_directory(ctx: Ctx) -> None:
    (ctx.dir / "m").mkdir()
    (ctx.dir / "m" / "main.tf").write_text("")
    (ctx.dir / "t").mkdir()
    (ctx.dir / "t" / "a.tftest.hcl").write_text('run "r" {\n  module {\n    source = "./m"\n  }\n}\n')
    assert "test.t.a.r" not in ctx.ok("init", "-no-color").stdout
    assert "- test.t.a.r in m" in ctx.ok("init", "-no-color", "-test-directory=t").stdout


def _init_color(ctx: Ctx) -> None:
    assert "\x1b[" in ctx.ok("init").stdout
    assert "\x1b[" not in ctx.ok("init", "-no-color").stdout


def _init_upgrade(ctx: Ctx) -> None:
    (ctx.dir / "main.tf").write_text(
        'terraform {\n  required_providers {\n    random = {\n      source = "hashicorp/random"\n    }\n  }\n}\n'
    )
    lock = '# x\n\nprovider "registry.terraform.io/hashicorp/random" {\n  version = "3.0.0"\n  hashes = ["h1:x"]\n}\n'
    (ctx.dir / ".terraform.lock.hcl").write_text(lock)
    ctx.ok("init", "-no-color")
    assert 'version = "3.0.0"' in (ctx.dir / ".terraform.lock.hcl").read_text()  # the lock file's selection kept
    ctx.ok("init", "-no-color", "-upgrade")
    assert 'version = "3.0.0"' not in (ctx.dir / ".terraform.lock.hcl").read_text()


def _init_lock_timeout(ctx: Ctx) -> None:
    bad = ctx.run("init", "-no-color", "-lock-timeout=xyz")
    assert bad.returncode == 1 and 'invalid value "xyz" for flag -lock-timeout' in bad.stderr
    ctx.ok("init", "-no-color", "-lock-timeout=1m30s")


LOCAL_BLOCK = 'terraform {\n  backend "local" {}\n}\n'


def _init_backend_config(ctx: Ctx) -> None:
    """Settings merged over the block are recorded, and the operations use them."""
    (ctx.dir / "backend.tf").write_text(LOCAL_BLOCK)
    ctx.ok("init", "-no-color", "-backend-config=path=other.tfstate")
    assert '"path": "other.tfstate"' in (ctx.dir / ".terraform" / "terraform.tfstate").read_text()
    ctx.ok("apply", "-no-color", "-auto-approve")
    assert (ctx.dir / "other.tfstate").exists() and not (ctx.dir / "terraform.tfstate").exists()


def _changed_local_path(ctx: Ctx) -> None:
    (ctx.dir / "backend.tf").write_text(LOCAL_BLOCK)
    ctx.ok("init", "-no-color")
    ctx.ok("apply", "-no-color", "-auto-approve")
    (ctx.dir / "backend.tf").write_text('terraform {\n  backend "local" {\n    path = "moved.tfstate"\n  }\n}\n')
    r = ctx.run("plan", "-no-color")
    assert r.returncode == 1 and "Backend initialization required" in r.stderr
    r = ctx.run("init", "-no-color")
    assert r.returncode == 1 and "Backend configuration changed" in r.stderr


def _init_reconfigure(ctx: Ctx) -> None:
    _changed_local_path(ctx)
    ctx.ok("init", "-no-color", "-reconfigure")
    assert not (ctx.dir / "moved.tfstate").exists()  # nothing copied: the new path has no state
    assert "Plan: 2 to add" in ctx.ok("plan", "-no-color").stdout


def _init_migrate_state(ctx: Ctx) -> None:
    _changed_local_path(ctx)
    r = ctx.run("init", "-no-color", "-migrate-state", "-input=false")
    assert r.returncode == 1 and "interactive input is disabled" in r.stderr
    ctx.ok("init", "-no-color", "-migrate-state", "-force-copy")
    assert ctx.ok("state", "list").stdout == "terraform_data.a\nterraform_data.b\n"
    assert (ctx.dir / "moved.tfstate").exists()


def _init_force_copy(ctx: Ctx) -> None:
    _changed_local_path(ctx)
    ctx.ok("init", "-no-color", "-migrate-state", "-force-copy", "-input=false")
    assert ctx.ok("state", "list").stdout == "terraform_data.a\nterraform_data.b\n"


def _init_input(ctx: Ctx) -> None:
    _changed_local_path(ctx)
    r = ctx.run("init", "-no-color", "-migrate-state", "-input=false")
    assert r.returncode == 1 and "interactive input is disabled" in r.stderr
    assert not (ctx.dir / "moved.tfstate").exists()


def _init_lock(ctx: Ctx) -> None:
    """A migration locks the destination state; -lock=false does not."""
    _changed_local_path(ctx)
    (ctx.dir / ".moved.tfstate.lock.info").write_text("")
    import fcntl

    fd = os.open(ctx.dir / "moved.tfstate", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        r = ctx.run("init", "-no-color", "-migrate-state", "-force-copy")
        assert r.returncode == 1 and "Error acquiring the state lock" in r.stderr, r.stderr
    finally:
        os.close(fd)
    ctx.ok("init", "-no-color", "-migrate-state", "-force-copy", "-lock=false")


def _inherent(reason: str) -> Check:
    """A flag whose terraform meaning is what sheath always does (reason says why); it must parse."""

    def check(ctx: Ctx) -> None:
        assert reason
        ctx.ok(*ctx.cmd(), "-no-color", f"-{ctx.env['FLAG_UNDER_TEST']}")

    return check


INIT: dict[str, Entry] = {
    "backend": effect(_init_backend),
    "backend-config": effect(_init_backend_config),
    "force-copy": effect(_init_force_copy),
    "from-module": refused("-from-module=./m"),
    "get": effect(_init_get),
    "ignore-remote-version": refused("-ignore-remote-version"),
    # terraform prompts and locks during init only to migrate state between backends
    "input": effect(_init_input),
    "lock": effect(_init_lock),
    "lock-timeout": effect(_init_lock_timeout),
    "reconfigure": effect(_init_reconfigure),
    "json": refused("-json"),
    "lockfile": refused("-lockfile=readonly"),
    "migrate-state": effect(_init_migrate_state),
    "no-color": effect(_init_color),
    "plugin-dir": refused("-plugin-dir=p"),
    "test-directory": effect(_init_test_directory),
    "upgrade": effect(_init_upgrade),
}


# --- validate, graph, show, output, version, providers, console, fmt -----------------------------


def _validate_json(ctx: Ctx) -> None:
    assert '"valid": true' in ctx.ok("validate", "-json").stdout


def _validate_color(ctx: Ctx) -> None:
    assert "\x1b[" in ctx.ok("validate").stdout and "\x1b[" not in ctx.ok("validate", "-no-color").stdout


def _validate_tests(flag: str) -> Check:
    def check(ctx: Ctx) -> None:
        (ctx.dir / "tests").mkdir()
        (ctx.dir / "tests" / "bad.tftest.hcl").write_text("run {\n")
        assert ctx.run("validate", "-no-color").returncode == 1
        if flag == "no-tests":
            ctx.ok("validate", "-no-color", "-no-tests")
        else:
            (ctx.dir / "other").mkdir()
            ctx.ok("validate", "-no-color", "-test-directory=other")

    return check


VALIDATE: dict[str, Entry] = {
    "json": effect(_validate_json),
    "no-color": effect(_validate_color),
    "no-tests": effect(_validate_tests("no-tests")),
    "test-directory": effect(_validate_tests("test-directory")),
}


def _graph_type(ctx: Ctx) -> None:
    r = ctx.run("graph", "-type=validate", "-no-color")
    assert r.returncode == 1 and 'The graph type "validate" is no longer available.' in r.stderr
    r = ctx.ok("graph", "-type=plan", "-no-color")
    assert r.stdout.startswith("digraph {") and '"[root] terraform_data.a (expand)"' in r.stdout


def _graph_plan(ctx: Ctx) -> None:
    """-plan draws the saved plan's apply graph (its instances), not the resource summary."""
    ctx.ok("plan", "-no-color", "-out=x.tfplan")
    r = ctx.ok("graph", "-plan=x.tfplan")
    assert r.stdout.startswith("digraph {") and '"[root] terraform_data.a (expand)"' in r.stdout
    assert ctx.ok("graph").stdout.startswith("digraph G {")


GRAPH: dict[str, Entry] = {
    "draw-cycles": refused("-draw-cycles"),
    "module-depth": refused("-module-depth=1"),
    "plan": effect(_graph_plan),
    "type": effect(_graph_type),
}


def _show_json(ctx: Ctx) -> None:
    ctx.applied()
    assert ctx.ok("show", "-json").stdout.startswith('{"format_version"')


def _show_color(ctx: Ctx) -> None:
    # terraform's state rendering has no colour; its diagnostics have
    assert "\x1b[" in ctx.run("show", "missing.tfstate").stderr
    assert "\x1b[" not in ctx.run("show", "-no-color", "missing.tfstate").stderr


def _output_json(ctx: Ctx) -> None:
    ctx.applied()
    assert '"value": "d"' in ctx.ok("output", "-json").stdout


def _output_raw(ctx: Ctx) -> None:
    ctx.applied()
    assert ctx.ok("output", "-raw", "o").stdout == "d"


def _output_state(ctx: Ctx) -> None:
    ctx.ok("apply", "-auto-approve", "-state=other.tfstate")
    assert ctx.ok("output", "-state=other.tfstate", "o").stdout == '"d"\n'


def _output_color(ctx: Ctx) -> None:
    ctx.applied()
    (ctx.dir / "terraform.tfstate").unlink()
    assert "\x1b[" in ctx.ok("output").stdout and "\x1b[" not in ctx.ok("output", "-no-color").stdout


def _version_json(ctx: Ctx) -> None:
    assert ctx.ok("version", "-json").stdout.startswith("{")


def _console_state(ctx: Ctx) -> None:
    ctx.ok("apply", "-auto-approve", "-state=other.tfstate")
    r = ctx.run("console", "-state=other.tfstate", stdin="terraform_data.a.output\n")
    assert r.stdout.strip() == '"d"'


def _console_var(ctx: Ctx) -> None:
    assert ctx.run("console", "-var", "v=zz", stdin="var.v\n").stdout.strip() == '"zz"'


def _console_var_file(ctx: Ctx) -> None:
    (ctx.dir / "x.tfvars").write_text('v = "ff"\n')
    assert ctx.run("console", "-var-file=x.tfvars", stdin="var.v\n").stdout.strip() == '"ff"'


def _fmt(flag: str) -> Check:
    def check(ctx: Ctx) -> None:
        (ctx.dir / "main.tf").write_text('resource "terraform_data" "a" {\n input = 1\n}\n')
        if flag == "check":
            assert ctx.run("fmt", "-check").returncode == 3
        elif flag == "diff":
            assert "+  input = 1" in ctx.run("fmt", "-diff").stdout
        elif flag == "list":
            assert ctx.ok("fmt", "-list=false").stdout == ""
        elif flag == "write":
            ctx.ok("fmt", "-write=false")
            assert " input = 1" in (ctx.dir / "main.tf").read_text()
        elif flag == "recursive":
            (ctx.dir / "sub").mkdir()
            (ctx.dir / "sub" / "x.tf").write_text('locals {\n a = 1\n}\n')
            assert "sub/x.tf" in ctx.ok("fmt", "-recursive").stdout
        elif flag == "no-color":
            (ctx.dir / "bad.tf").write_text("resource {\n")
            assert "\x1b[" in ctx.run("fmt").stderr and "\x1b[" not in ctx.run("fmt", "-no-color").stderr

    return check


def _get_module(ctx: Ctx) -> None:
    (ctx.dir / "m").mkdir()
    (ctx.dir / "m" / "main.tf").write_text("")
    (ctx.dir / "mod.tf").write_text('module "m" {\n  source = "./m"\n}\n')


def _get_update(ctx: Ctx) -> None:
    _get_module(ctx)
    assert ctx.ok("get").stdout == "- m in m\n"
    assert ctx.ok("get").stdout == ""
    assert ctx.ok("get", "-update").stdout == "- m in m\n"


def _get_color(ctx: Ctx) -> None:
    assert "\x1b[" in ctx.ok("get", "-test-directory=t").stdout
    assert "\x1b[" not in ctx.ok("get", "-no-color", "-test-directory=t").stdout


def _get_test_directory(ctx: Ctx) -> None:
    _get_module(ctx)
    (ctx.dir / "t").mkdir()
    (ctx.dir / "t" / "a.tftest.hcl").write_text('run "r" {\n  module {\n    source = "./m"\n  }\n}\n')
    assert "test.t.a.r" not in ctx.ok("get").stdout
    assert "- test.t.a.r in m" in ctx.ok("get", "-test-directory=t").stdout


def _aws_config(ctx: Ctx) -> str:
    from conftest import discover_aws_mirror, need

    mirror = discover_aws_mirror()
    need(mirror is not None, "a filesystem mirror holding hashicorp/aws")
    assert mirror is not None
    (ctx.dir / "aws.tf").write_text('terraform {\n  required_providers {\n    aws = {\n      source = "hashicorp/aws"\n    }\n  }\n}\n')
    return mirror


def _lock_fs_mirror(ctx: Ctx) -> None:
    mirror = _aws_config(ctx)
    assert ctx.run("providers", "lock").returncode == 1
    ctx.ok("providers", "lock", f"-fs-mirror={mirror}")
    assert "hashicorp/aws" in (ctx.dir / ".terraform.lock.hcl").read_text()


def _lock_platform(ctx: Ctx) -> None:
    mirror = _aws_config(ctx)
    r = ctx.run("providers", "lock", "-no-color", f"-fs-mirror={mirror}", "-platform=darwin_arm64")
    assert r.returncode == 1 and "is not available for\ndarwin_arm64" in r.stderr
    assert "for linux_amd64" in ctx.ok("providers", "lock", f"-fs-mirror={mirror}", "-platform=linux_amd64").stdout


def _lock_plugin_cache(ctx: Ctx) -> None:
    mirror = _aws_config(ctx)
    env = {"TF_PLUGIN_CACHE_DIR": str(ctx.dir / "cache")}
    ctx.ok("providers", "lock", f"-fs-mirror={mirror}", env=env)
    assert not (ctx.dir / "cache").exists()
    ctx.ok("providers", "lock", f"-fs-mirror={mirror}", "-enable-plugin-cache", env=env)
    assert (ctx.dir / "cache" / "registry.terraform.io" / "hashicorp" / "aws").is_dir()


def _fake_provider_mirror(ctx: Ctx) -> dict[str, str]:
    """example.com/acme/fake 1.0.0 and 1.2.0 in a filesystem mirror the CLI configuration names."""
    for v in ("1.0.0", "1.2.0"):
        d = ctx.dir / "src" / "example.com" / "acme" / "fake" / v / "linux_amd64"
        d.mkdir(parents=True)
        (d / f"terraform-provider-fake_v{v}").write_text("")
    (ctx.dir / "fake.tf").write_text('terraform {\n  required_providers {\n    fake = {\n      source = "example.com/acme/fake"\n    }\n  }\n}\n')
    rc = ctx.dir / "rc"
    rc.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{ctx.dir / "src"}"\n  }}\n}}\n')
    return {"TF_CLI_CONFIG_FILE": str(rc)}


def _mirror_platform(ctx: Ctx) -> None:
    env = _fake_provider_mirror(ctx)
    r = ctx.run("providers", "mirror", "-no-color", "-platform=windows_386", "out", env=env)
    assert r.returncode == 1 and "for windows_386" in r.stdout
    ctx.ok("providers", "mirror", "-platform=linux_amd64", "out", env=env)
    assert (ctx.dir / "out" / "example.com" / "acme" / "fake" / "terraform-provider-fake_1.2.0_linux_amd64.zip").exists()


def _mirror_lock_file(ctx: Ctx) -> None:
    env = _fake_provider_mirror(ctx)
    (ctx.dir / ".terraform.lock.hcl").write_text('provider "example.com/acme/fake" {\n  version = "1.0.0"\n}\n')
    assert "Selected v1.0.0" in ctx.ok("providers", "mirror", "out", env=env).stdout
    assert "Selected v1.2.0" in ctx.ok("providers", "mirror", "-lock-file=false", "out", env=env).stdout


OTHERS: dict[str, dict[str, Entry]] = {
    "validate": VALIDATE,
    "graph": GRAPH,
    "show": {"json": effect(_show_json), "no-color": effect(_show_color)},
    "output": {
        "json": effect(_output_json),
        "no-color": effect(_output_color),
        "raw": effect(_output_raw),
        "state": effect(_output_state),
    },
    "version": {"json": effect(_version_json)},
    "providers": {"test-directory": refused("-test-directory=t")},
    "console": {
        "plan": refused("-plan"),
        "state": effect(_console_state),
        "var": effect(_console_var),
        "var-file": effect(_console_var_file),
    },
    "fmt": {f: effect(_fmt(f)) for f in ("check", "diff", "list", "no-color", "recursive", "write")},
    "get": {
        "update": effect(_get_update),
        "no-color": effect(_get_color),
        "test-directory": effect(_get_test_directory),
    },
    # their help names -json only in the usage line; test_providers_schema_cli covers it
    "providers schema": {},
    "metadata functions": {},
    "providers lock": {
        "enable-plugin-cache": effect(_lock_plugin_cache),
        "fs-mirror": effect(_lock_fs_mirror),
        "net-mirror": refused("-net-mirror=https://127.0.0.1:9/"),
        "platform": effect(_lock_platform),
    },
    "providers mirror": {"lock-file": effect(_mirror_lock_file), "platform": effect(_mirror_platform)},
}


# --- state commands, taint, untaint --------------------------------------------------------------


def _state_list_id(ctx: Ctx) -> None:
    ctx.applied()
    state = (ctx.dir / "terraform.tfstate").read_text()
    a_id = re.search(r'"id": "([0-9a-f-]{36})"', state)
    assert a_id is not None
    assert ctx.ok("state", "list", f"-id={a_id.group(1)}").stdout.count("\n") == 1


def _state_state(ctx: Ctx) -> None:
    ctx.ok("apply", "-auto-approve", "-state=other.tfstate")
    if ctx.command == "untaint":
        ctx.ok("taint", "-state=other.tfstate", "terraform_data.a")
    args = {
        "state list": [],
        "state show": ["terraform_data.a"],
        "state mv": ["terraform_data.a", "terraform_data.c"],
        "state rm": ["terraform_data.a"],
        "taint": ["terraform_data.a"],
        "untaint": ["terraform_data.a"],
    }[ctx.command]
    assert ctx.run(*ctx.cmd(), *args).returncode == 1  # no state at the default path
    ctx.ok(*ctx.cmd(), "-state=other.tfstate", *args)


def _dry_run(ctx: Ctx) -> None:
    ctx.applied()
    before = (ctx.dir / "terraform.tfstate").read_bytes()
    args = ["terraform_data.a", "terraform_data.c"] if ctx.command == "state mv" else ["terraform_data.a"]
    assert "Would" in ctx.ok(*ctx.cmd(), "-dry-run", *args).stdout
    assert (ctx.dir / "terraform.tfstate").read_bytes() == before


def _state_edit_args(ctx: Ctx) -> list[str]:
    return {
        "state mv": ["terraform_data.a", "terraform_data.c"],
        "state rm": ["terraform_data.a"],
        "state push": ["pushed.tfstate"],
        "taint": ["terraform_data.a"],
        "untaint": ["-allow-missing", "terraform_data.a"],
    }[ctx.command]


def _edit_lock(ctx: Ctx) -> None:
    ctx.applied()
    if ctx.command == "state push":
        shutil.copy(ctx.dir / "terraform.tfstate", ctx.dir / "pushed.tfstate")
    held = HeldLock(ctx.dir / "terraform.tfstate")
    try:
        blocked = ctx.run(*ctx.cmd(), *_state_edit_args(ctx))
        assert blocked.returncode == 1 and "Error acquiring the state lock" in blocked.stderr + blocked.stdout
        ctx.ok(*ctx.cmd(), "-lock=false", *_state_edit_args(ctx))
    finally:
        held.release()


def _edit_lock_timeout(ctx: Ctx) -> None:
    ctx.applied()
    if ctx.command == "state push":
        shutil.copy(ctx.dir / "terraform.tfstate", ctx.dir / "pushed.tfstate")
    bad = ctx.run(*ctx.cmd(), "-lock-timeout=xyz", *_state_edit_args(ctx))
    assert bad.returncode == 1 and 'invalid value "xyz" for flag -lock-timeout' in bad.stderr
    held = HeldLock(ctx.dir / "terraform.tfstate")
    t = threading.Thread(target=held.release_after, args=(1.0,))
    t.start()
    try:
        r = ctx.run(*ctx.cmd(), "-lock-timeout=1m30s", *_state_edit_args(ctx))
    finally:
        t.join()
    assert r.returncode == 0, r.stderr


def _rm_backup(ctx: Ctx) -> None:
    ctx.applied()
    ctx.ok("state", "rm", "-backup=bk.tfstate", "terraform_data.a")
    assert "terraform_data" in (ctx.dir / "bk.tfstate").read_text()


def _mv_state_out(ctx: Ctx) -> None:
    ctx.applied()
    ctx.ok("state", "mv", "-state-out=moved.tfstate", "terraform_data.a", "terraform_data.c")
    assert '"c"' in (ctx.dir / "moved.tfstate").read_text()


def _mv_backup(flag: str) -> Check:
    def check(ctx: Ctx) -> None:
        ctx.applied()
        extra = []
        if flag == "backup-out":  # the backup of the state moved into, which must exist
            shutil.copy(ctx.dir / "terraform.tfstate", ctx.dir / "moved.tfstate")
            extra = ["-state-out=moved.tfstate"]
        ctx.ok("state", "mv", *extra, f"-{flag}=bk.tfstate", "terraform_data.a", "terraform_data.c")
        assert (ctx.dir / "bk.tfstate").exists()

    return check


def _push_force(ctx: Ctx) -> None:
    ctx.applied()
    other = Ctx(ctx.dir / "other", ctx.env, ctx.command)
    other.dir.mkdir()
    (other.dir / "main.tf").write_text(CONFIG)
    other.applied()  # another lineage
    shutil.copy(other.dir / "terraform.tfstate", ctx.dir / "pushed.tfstate")
    assert ctx.run("state", "push", "pushed.tfstate").returncode == 1
    ctx.ok("state", "push", "-force", "pushed.tfstate")


def _allow_missing(ctx: Ctx) -> None:
    ctx.applied()
    assert ctx.run(*ctx.cmd(), "terraform_data.zz").returncode == 1
    ctx.ok(*ctx.cmd(), "-allow-missing", "terraform_data.zz")


STATE: dict[str, dict[str, Entry]] = {
    "state list": {"id": effect(_state_list_id), "state": effect(_state_state)},
    "state show": {"state": effect(_state_state)},
    "state mv": {
        "dry-run": effect(_dry_run),
        "ignore-remote-version": refused("-ignore-remote-version", "terraform_data.a", "terraform_data.c"),
        "lock": effect(_edit_lock),
        "lock-timeout": effect(_edit_lock_timeout),
        "state": effect(_state_state),
        "state-out": effect(_mv_state_out),
        "backup": effect(_mv_backup("backup")),
        "backup-out": effect(_mv_backup("backup-out")),
    },
    "state rm": {
        "backup": effect(_rm_backup),
        "dry-run": effect(_dry_run),
        "ignore-remote-version": refused("-ignore-remote-version", "terraform_data.a"),
        "lock": effect(_edit_lock),
        "lock-timeout": effect(_edit_lock_timeout),
        "state": effect(_state_state),
    },
    "state pull": {},
    "state push": {"force": effect(_push_force), "lock": effect(_edit_lock), "lock-timeout": effect(_edit_lock_timeout)},
    **{
        c: {
            "allow-missing": effect(_allow_missing),
            "ignore-remote-version": refused("-ignore-remote-version", "terraform_data.a"),
            "lock": effect(_edit_lock),
            "lock-timeout": effect(_edit_lock_timeout),
            "state": effect(_state_state),
        }
        for c in ("taint", "untaint")
    },
}

TABLE: dict[str, dict[str, Entry]] = {
    "plan": {f: OPERATION[f] for f in OPERATION if f not in ("auto-approve", "state-out", "backup")},
    "apply": {f: OPERATION[f] for f in OPERATION if f not in ("detailed-exitcode", "out", "generate-config-out")},
    "destroy": {},  # terraform's destroy -help lists none of its own: it takes apply's (covered there)
    "refresh": {
        f: OPERATION[f]
        for f in ("compact-warnings", "input", "lock", "lock-timeout", "no-color", "parallelism", "state", "target", "var", "var-file")
    },
    "import": IMPORT,
    "init": INIT,
    **OTHERS,
    **STATE,
}


@pytest.fixture(scope="module")
def help_flags(terraform_bin: str, oracle_env: dict[str, str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for command in COMMANDS:
        r = subprocess.run([terraform_bin, *command.split(), "-help"], capture_output=True, text=True, env=oracle_env)
        flags = set(re.findall(r"^\s+-([a-z][a-z0-9-]*)", r.stdout + r.stderr, re.M))
        out[command] = (flags | PROSE_FLAGS.get(command, set())) - {"help", "h"}
    return out


pytestmark = pytest.mark.oracle


@pytest.mark.parametrize("command", COMMANDS)
def test_every_listed_flag_is_classified(command: str, help_flags: dict[str, set[str]]) -> None:
    assert help_flags[command] == set(TABLE[command]), "classify each flag terraform lists in TABLE"


CASES = [(c, f) for c in COMMANDS for f in sorted(TABLE[c])]


@pytest.mark.parametrize(("command", "flag"), CASES, ids=[f"{c.replace(' ', '-')}:{f}" for c, f in CASES])
def test_flag_has_an_effect_or_is_refused(command: str, flag: str, tmp_path: Path, oracle_env: dict[str, str]) -> None:
    entry = TABLE[command][flag]
    if entry.xfail:
        pytest.xfail(entry.xfail)
    (tmp_path / "main.tf").write_text(CONFIG)
    env = dict(oracle_env)
    env["FLAG_UNDER_TEST"] = flag
    ctx = Ctx(tmp_path, env, command)
    if entry.check is not None:
        entry.check(ctx)
        return
    r = ctx.run(*command.split(), "-no-color", *entry.rejected)
    assert r.returncode != 0, r.stdout
    assert f"-{flag}" in r.stderr + r.stdout


# --- terraform's flag errors, byte for byte ------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["plan", "-parallelism=-5"],
        ["apply", "-parallelism=-1", "-auto-approve"],
        ["plan", "-lock-timeout=xyz"],
        ["plan", "-replace=not an address"],
        ["plan", "-replace=terraform_data.a.b"],
        ["plan", "-target=bad["],
        ["plan", "-target=foo"],
        ["plan", "-destroy", "-refresh-only"],
        ["plan", "extra"],
        ["refresh", "extra"],
        ["graph", "-type=bogus"],
        ["graph", "-type=validate"],
        ["graph", "extra"],
    ],
    ids=lambda a: " ".join(a),
)
@pytest.mark.parametrize("color", [False, True], ids=["no-color", "color"])
def test_flag_errors_match_terraform(args: list[str], color: bool, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    (tmp_path / "main.tf").write_text(CONFIG)
    full = args + ([] if color else ["-no-color"])
    want = run_terraform(full, tmp_path)
    got = run_sheath(full, tmp_path)
    assert (got.returncode, got.stdout, got.stderr) == (
        want.returncode,
        want.stdout,
        want.stderr.replace("terraform plan -help", "sheath plan -help").replace(
            "terraform refresh -help", "sheath refresh -help"
        ).replace("terraform apply -help", "sheath apply -help"),
    )


# --- -state-out and -backup: the files written, as terraform writes them ---------------------------


@pytest.mark.parametrize(
    "steps",
    [
        [["-state-out=out.tfstate"]],
        [[], ["-state-out=out2.tfstate", "-replace=terraform_data.a"]],
        [[], ["-backup=bk.tfstate", "-replace=terraform_data.a"]],
        [[], ["-backup=-", "-replace=terraform_data.a"]],
        [["-state=s.tfstate"], ["-state=s.tfstate", "-replace=terraform_data.a"]],
    ],
    ids=["state-out-new", "state-out-existing-state", "backup-path", "backup-disabled", "state"],
)
def test_state_files_written_match_terraform(steps: list[list[str]], tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    files = {}
    for name, run in (("terraform", run_terraform), ("sheath", run_sheath)):
        d = tmp_path / name
        d.mkdir()
        (d / "main.tf").write_text(CONFIG)
        for extra in steps:
            r = run(["apply", "-auto-approve", "-no-color", *extra], d)
            assert r.returncode == 0, r.stderr
        files[name] = sorted(p.name for p in d.iterdir() if p.is_file() and not p.name.startswith("."))
    assert files["sheath"] == files["terraform"]


# --- backends ----------------------------------------------------------------------------------


EMPTY_STATE = '{"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "l", "outputs": {}, "resources": []}'


def _with_no_color(args: list[str]) -> list[str]:
    """-no-color right after the command's words (flags end at the first positional argument)."""
    n = 2 if args[0] == "state" else 1
    return [*args[:n], "-no-color", *args[n:]]


BACKEND_COMMANDS = [
    ["plan"],
    ["apply", "-auto-approve"],
    ["destroy", "-auto-approve"],
    ["refresh"],
    ["import", "terraform_data.a", "x"],
    ["state", "list"],
    ["state", "show", "terraform_data.a"],
    ["state", "rm", "terraform_data.a"],
    ["state", "mv", "terraform_data.a", "terraform_data.c"],
    ["state", "pull"],
    ["state", "push", "x.tfstate"],
    ["output"],
    ["show"],
    ["console"],
    ["taint", "terraform_data.a"],
    ["untaint", "terraform_data.a"],
    ["providers"],
    ["graph"],
    ["init"],
]


@pytest.mark.parametrize("block", ['backend "s3" {\n    bucket = "b"\n  }', "cloud {\n    organization = \"o\"\n  }"], ids=["s3", "cloud"])
@pytest.mark.parametrize("args", BACKEND_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_unsupported_backend_is_an_error(args: list[str], block: str, tmp_path: Path, run_sheath: RunFn) -> None:
    (tmp_path / "main.tf").write_text(CONFIG + "\nterraform {\n  " + block + "\n}\n")
    (tmp_path / "terraform.tfstate").write_text("")
    (tmp_path / "x.tfstate").write_text(EMPTY_STATE)
    r = run_sheath(_with_no_color(args), tmp_path, stdin="1\n")
    assert r.returncode == 1, r.stdout
    if block.startswith("cloud"):
        assert "Error: Unsupported backend type" in r.stderr
        assert re.search(r"on \S*main\.tf line", r.stderr)  # at the block
    elif re.search(r"Error: Command not available on this backend", r.stderr):
        assert re.search(r"on \S*main\.tf line", r.stderr)  # at the block
    else:
        # the commands that run on s3: terraform's "init required" (init: the incomplete block)
        assert re.search(r"Error: (Backend initialization required|Invalid backend configuration)", r.stderr), r.stderr
    assert not (tmp_path / "terraform.tfstate").read_text()  # the local state was not used


@pytest.mark.parametrize("args", BACKEND_COMMANDS[:-1], ids=lambda a: " ".join(a[:2]))
def test_directory_initialised_with_another_backend_is_an_error(args: list[str], tmp_path: Path, run_sheath: RunFn) -> None:
    (tmp_path / "main.tf").write_text(CONFIG)
    (tmp_path / ".terraform").mkdir()
    (tmp_path / ".terraform" / "terraform.tfstate").write_text('{"version":3,"backend":{"type":"pg","config":{},"hash":1}}')
    (tmp_path / "x.tfstate").write_text(EMPTY_STATE)
    r = run_sheath(_with_no_color(args), tmp_path, stdin="1\n")
    assert r.returncode == 1, r.stdout
    # terraform's "init required" where sheath runs the command on pg, else sheath's refusal
    assert 'initialised with the "pg" backend' in r.stderr or (
        'Unsetting the previously set backend "pg"' in r.stderr and "Backend initialization required" in r.stderr
    ), r.stderr
    assert not (tmp_path / "terraform.tfstate").exists()


def test_init_backend_false_skips_the_backend(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    for name, run in (("terraform", run_terraform), ("sheath", run_sheath)):
        d = tmp_path / name
        d.mkdir()
        (d / "main.tf").write_text(CONFIG + '\nterraform {\n  backend "s3" {\n    bucket = "b"\n  }\n}\n')
        r = run(["init", "-backend=false", "-no-color"], d)
        assert r.returncode == 0, r.stderr
        assert "Initializing the backend" not in r.stdout


@pytest.mark.parametrize("color", [False, True], ids=["no-color", "color"])
def test_init_get_false_matches_terraform(color: bool, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    outs = {}
    for name, run in (("terraform", run_terraform), ("sheath", run_sheath)):
        d = tmp_path / name
        (d / "m").mkdir(parents=True)
        (d / "m" / "main.tf").write_text('output "x" {\n  value = 1\n}\n')
        (d / "main.tf").write_text('module "m" {\n  source = "./m"\n}\n')
        flags = ["-get=false", "-backend=false"] + ([] if color else ["-no-color"])
        first = run(["init", *flags], d)
        run(["init", "-no-color"], d)
        second = run(["init", *flags], d)
        outs[name] = (first.returncode, first.stdout, first.stderr, second.returncode, second.stdout, second.stderr)
    assert outs["sheath"] == outs["terraform"]


def test_local_backend_path_is_honoured(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    block = '\nterraform {\n  backend "local" {\n    path = "x/state.tfstate"\n  }\n}\n'
    found = {}
    for name, run in (("terraform", run_terraform), ("sheath", run_sheath)):
        d = tmp_path / name
        d.mkdir()
        (d / "main.tf").write_text(CONFIG + block)
        assert run(["init", "-no-color"], d).returncode == 0
        assert run(["apply", "-auto-approve", "-no-color"], d).returncode == 0
        found[name] = sorted(str(p.relative_to(d)) for p in d.rglob("*.tfstate") if ".terraform" not in p.parts and ".sheath" not in p.parts)
        r = run(["state", "list"], d)
        assert r.stdout == "terraform_data.a\nterraform_data.b\n", r.stderr
        assert run(["output", "-raw", "o"], d).stdout == "d"
    assert found["sheath"] == found["terraform"] == ["x/state.tfstate"]


# --- TF_CLI_ARGS ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "env",
    [
        {"TF_CLI_ARGS": "-no-color"},
        {"TF_CLI_ARGS_plan": "-no-color -var 'v=two words'"},
        {"TF_CLI_ARGS_apply": "-no-color"},  # not for plan
        {"TF_CLI_ARGS": "'-no-color"},
        {"TF_CLI_ARGS": "-bogus"},
        {"TF_CLI_ARGS": "-var v=1", "TF_CLI_ARGS_plan": "-var v=2"},
    ],
    ids=["all", "plan", "other-command", "unbalanced-quote", "bad-flag", "both"],
)
def test_tf_cli_args_match_terraform(env: dict[str, str], tmp_path: Path, oracle_env: dict[str, str], terraform_bin: str) -> None:
    (tmp_path / "main.tf").write_text(CONFIG)
    e = {**oracle_env, **env}
    want = subprocess.run([terraform_bin, "plan"], cwd=tmp_path, env=e, capture_output=True, text=True)
    got = subprocess.run([*SHEATH_CMD, "plan"], cwd=tmp_path, env=e, capture_output=True, text=True)
    assert (got.returncode, got.stdout, got.stderr) == (
        want.returncode,
        want.stdout,
        want.stderr.replace("terraform plan -help", "sheath plan -help"),
    )


def test_tf_cli_args_for_a_state_subcommand(tmp_path: Path, oracle_env: dict[str, str]) -> None:
    (tmp_path / "main.tf").write_text(CONFIG)
    e = {**oracle_env, "TF_CLI_ARGS_state_list": "-state=other.tfstate"}
    subprocess.run([*SHEATH_CMD, "apply", "-auto-approve", "-state=other.tfstate"], cwd=tmp_path, env=oracle_env, check=True, capture_output=True)
    got = subprocess.run([*SHEATH_CMD, "state", "list"], cwd=tmp_path, env=e, capture_output=True, text=True)
    assert got.stdout == "terraform_data.a\nterraform_data.b\n"


# --- sheath's own flags of plan and apply (terraform lists none of them) --------------------------

NO_D_POLICY = (
    'resource_policy "terraform_data" "no_d" {\n  enforce {\n    condition     = attrs.input != "d"\n'
    '    error_message = "input must not be d"\n  }\n}\n'
)


def _policies(ctx: Ctx) -> None:
    (ctx.dir / "policies").mkdir()
    (ctx.dir / "policies" / "no_d.policy.hcl").write_text(NO_D_POLICY)
    r = ctx.run(*ctx.cmd(), *_auto(ctx), "-no-color", "-policies=policies")
    assert r.returncode == 1 and "Error: Policy no_d" in r.stderr, r.stdout + r.stderr
    assert not (ctx.dir / "terraform.tfstate").exists()  # apply refused before changing anything
    ctx.ok(*ctx.cmd(), *_auto(ctx), "-no-color", "-policies=false")


def _allow_destroy(ctx: Ctx) -> None:
    ctx.applied()
    (ctx.dir / "sheath-policy.hcl").write_text("limits {\n  max_deletes = 1\n}\n")
    r = ctx.run(*ctx.cmd(), *_auto(ctx), "-no-color", "-destroy")
    assert r.returncode == 1 and "Plan exceeds a guardrail" in r.stderr, r.stdout + r.stderr
    r = ctx.ok(*ctx.cmd(), *_auto(ctx), "-no-color", "-destroy", "-allow-destroy=terraform_data.a")
    assert "2 to destroy" in r.stdout


def _markdown(ctx: Ctx) -> None:
    ctx.ok("plan", "-no-color", "-markdown=plan.md")
    assert "<!-- sheath:plan -->" in (ctx.dir / "plan.md").read_text()


def _signing_key(ctx: Ctx) -> None:
    (ctx.dir / "ci.key").write_bytes(b"one key\n")
    (ctx.dir / "other.key").write_bytes(b"another key\n")
    ctx.ok("plan", "-no-color", "-out=tfplan", "-plan-signing-key=ci.key")
    r = ctx.run("apply", "-no-color", "-plan-signing-key=other.key", "tfplan")
    assert r.returncode == 1 and "Plan file signature does not match" in r.stderr
    ctx.ok("apply", "-no-color", "-plan-signing-key=ci.key", "tfplan")


def _on_failure(ctx: Ctx) -> None:
    # b fails; c waits for a only, so with one worker it would start after b's failure
    (ctx.dir / "main.tf").write_text(
        'resource "terraform_data" "a" {}\n'
        'resource "terraform_data" "b" {\n  provisioner "local-exec" {\n    command = "exit 3"\n  }\n}\n'
        'resource "terraform_data" "c" {\n  depends_on = [terraform_data.a]\n}\n'
    )
    r = ctx.run("apply", "-auto-approve", "-no-color", "-parallelism=1", "-on-failure=stop")
    assert r.returncode == 1 and "Apply stopped after a failure" in r.stdout, r.stdout + r.stderr
    assert "terraform_data.c" not in ctx.ok("state", "list").stdout


def _changed(ctx: Ctx, r: subprocess.CompletedProcess[str], added: int) -> None:
    want = f"Plan: {added} to add" if ctx.command == "plan" else f"Resources: {added} added"
    assert want in r.stdout, r.stdout + r.stderr


def _exclude(ctx: Ctx) -> None:
    _changed(ctx, ctx.ok(*ctx.cmd(), *_auto(ctx), "-no-color", "-exclude=terraform_data.b"), 1)


def _exclude_file(ctx: Ctx) -> None:
    (ctx.dir / "exclude.txt").write_text("# left for later\nterraform_data.b\n")
    _changed(ctx, ctx.ok(*ctx.cmd(), *_auto(ctx), "-no-color", "-exclude-file=exclude.txt"), 1)


def _target_file(ctx: Ctx) -> None:
    (ctx.dir / "target.txt").write_text("# first\nterraform_data.a\n")
    _changed(ctx, ctx.ok(*ctx.cmd(), *_auto(ctx), "-no-color", "-target-file=target.txt"), 1)


def _deprecation(ctx: Ctx) -> None:
    """OpenTofu's -deprecation=module:none drops the module-caller deprecation warnings
    (tests/test_opentofu_deprecated.py covers every level)."""
    (ctx.dir / "child").mkdir()
    (ctx.dir / "child" / "main.tf").write_text('variable "old" {\n  default    = null\n  deprecated = "Gone."\n}\n')
    with (ctx.dir / "main.tf").open("a") as fh:
        fh.write('\nmodule "c" {\n  source = "./child"\n  old    = "x"\n}\n')
    ctx.ok("init", "-no-color")
    r = ctx.ok(*ctx.cmd(), *_auto(ctx), "-no-color")
    assert "Warning: Variable marked as deprecated by the module author" in r.stdout
    r = ctx.ok(*ctx.cmd(), *_auto(ctx), "-no-color", "-deprecation=module:none")
    assert "Warning: Variable marked as deprecated" not in r.stdout


def _allow_data_loss(ctx: Ctx) -> None:
    """-allow-data-loss names resources whose type can be allowed to lose data (tests/test_pg_data_loss.py
    covers its effect on postgresql_table); terraform_data cannot, so naming it is an error."""
    r = ctx.run(*ctx.cmd(), *_auto(ctx), "-no-color", "-allow-data-loss=terraform_data.a")
    assert r.returncode == 1 and 'Resource type "terraform_data" has no allow_data_loss argument' in r.stderr, r.stdout + r.stderr


# OpenTofu's options (tests/test_exclude.py and tests/test_opentofu_deprecated.py cover them fully)
_ADDRESS_FILES = {"exclude": _exclude, "exclude-file": _exclude_file, "target-file": _target_file, "deprecation": _deprecation}

SHEATH_TABLE: dict[str, dict[str, Check]] = {
    "plan": {"policies": _policies, "allow-destroy": _allow_destroy, "markdown": _markdown, "plan-signing-key": _signing_key}
    | _ADDRESS_FILES
    | {"allow-data-loss": _allow_data_loss},
    "apply": {"policies": _policies, "allow-destroy": _allow_destroy, "plan-signing-key": _signing_key, "on-failure": _on_failure}
    | _ADDRESS_FILES
    | {"allow-data-loss": _allow_data_loss},
}


@pytest.mark.parametrize("command", sorted(SHEATH_TABLE))
def test_every_sheath_flag_is_classified(command: str) -> None:
    from sheath.cli.commands._operation import command_flags, command_specs

    own = {f.name for f in command_specs(command)} - {f.name for f in command_flags(command)}
    assert own == set(SHEATH_TABLE[command]), "give each flag sheath adds to the command its effect in SHEATH_TABLE"


SHEATH_CASES = [(c, f) for c in sorted(SHEATH_TABLE) for f in sorted(SHEATH_TABLE[c])]


@pytest.mark.parametrize(("command", "flag"), SHEATH_CASES, ids=[f"{c}:{f}" for c, f in SHEATH_CASES])
def test_sheath_flag_has_an_effect(command: str, flag: str, tmp_path: Path, oracle_env: dict[str, str]) -> None:
    (tmp_path / "main.tf").write_text(CONFIG)
    SHEATH_TABLE[command][flag](Ctx(tmp_path, dict(oracle_env), command))
