"""state list/show/mv/rm/pull/push/replace-provider, taint and untaint against terraform 1.11.4:
the same command on identical copies of an applied directory gives the same stdout, stderr,
exit code and state files (timestamped backup names aside)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest

from state_cli_helpers import (
    RunFn,
    assert_same,
    build_applied,
    compare,
    copy_state_to,
    corrupt_state,
    depose_a,
    empty_resources,
    newer_serial_copy,
    older_serial_copy,
    remove_state,
    taint_a,
)


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory, run_terraform: RunFn) -> Path:
    return build_applied(tmp_path_factory.mktemp("applied"), run_terraform)


Setup = Callable[[Path], None] | None

CASES: list[tuple[str, list[str], Setup]] = [
    # state list
    ("list-all", ["state", "list"], None),
    ("list-module", ["state", "list", "module.m"], None),
    ("list-module-each", ["state", "list", "module.each"], None),
    ("list-module-key", ["state", "list", 'module.each["one"].module.inner'], None),
    ("list-resource", ["state", "list", "terraform_data.c"], None),
    ("list-instance", ["state", "list", 'terraform_data.f["a b"]'], None),
    ("list-several", ["state", "list", "terraform_data.a", "terraform_data.a", "module.m.module.inner"], None),
    ("list-id", ["state", "list", "-id=nope"], None),
    ("list-chdir", ["-chdir=rs", "state", "list"], None),
    ("list-chdir-state", ["-chdir=rs", "state", "list", "-state=../terraform.tfstate", "module.m"], None),
    ("rm-chdir", ["-chdir=rs", "state", "rm", "-state=../terraform.tfstate", "terraform_data.a"], None),
    ("list-missing-resource", ["state", "list", "nope.x"], None),
    ("list-missing-instance", ["state", "list", "terraform_data.c[9]"], None),
    ("list-missing-module", ["state", "list", "module.zz"], None),
    ("list-bad-index", ["state", "list", "module.each[one]"], None),
    ("list-bad-dots", ["state", "list", "foo..bar"], None),
    ("list-bad-space", ["state", "list", "foo bar"], None),
    ("list-reserved", ["state", "list", "var.x"], None),
    ("list-trailing-module", ["state", "list", "module.m.module"], None),
    ("list-attribute", ["state", "list", "terraform_data.c.d"], None),
    ("list-no-color", ["state", "list", "-no-color", "nope.x"], None),
    ("list-bad-flag", ["state", "list", "-bogus"], None),
    ("list-no-state", ["state", "list", "-state=nope.tfstate"], None),
    ("list-state-flag", ["state", "list", "-state=rs/terraform.tfstate"], None),
    ("list-deposed", ["state", "list"], depose_a),
    ("list-no-resources", ["state", "list"], empty_resources),
    ("list-removed-state", ["state", "list"], remove_state),
    ("state-usage", ["state"], None),
    ("state-unknown-sub", ["state", "frob"], None),
    ("list-help", ["state", "list", "-help"], None),
    # state show
    ("show-plain", ["state", "show", "terraform_data.a"], None),
    ("show-object", ["state", "show", "terraform_data.c[0]"], None),
    ("show-sensitive", ["state", "show", "terraform_data.s"], None),
    ("show-for-each", ["state", "show", 'terraform_data.f["a b"]'], None),
    ("show-data", ["state", "show", 'module.each["one"].module.inner.data.terraform_remote_state.rs'], None),
    ("show-number", ["state", "show", "module.m.module.inner.terraform_data.deep[1]"], None),
    ("show-tainted", ["state", "show", "terraform_data.a"], taint_a),
    ("show-deposed-only", ["state", "show", "terraform_data.c[1]"], depose_a),
    ("show-with-deposed", ["state", "show", "terraform_data.a"], depose_a),
    ("show-whole-resource", ["state", "show", "terraform_data.c"], None),
    ("show-missing", ["state", "show", "nope.x"], None),
    ("show-no-arg", ["state", "show"], None),
    ("show-bad-address", ["state", "show", "foo bar"], None),
    ("show-no-state", ["state", "show", "-state=x.tfstate", "terraform_data.a"], None),
    ("show-no-color", ["state", "show", "-no-color", "terraform_data.dep"], None),
    # state rm
    ("rm-dry-run", ["state", "rm", "-dry-run", "terraform_data.c", "module.m"], None),
    ("rm-dry-run-nothing", ["state", "rm", "-dry-run", "nope.x"], None),
    ("rm-resource-and-module", ["state", "rm", "terraform_data.a", "module.each"], None),
    ("rm-instance", ["state", "rm", "terraform_data.c[1]"], None),
    ("rm-last-instances", ["state", "rm", 'terraform_data.f["k1"]', 'terraform_data.f["k2"]', 'terraform_data.f["a b"]'], None),
    ("rm-data", ["state", "rm", "module.m.module.inner.data.terraform_remote_state.rs"], None),
    ("rm-missing", ["state", "rm", "nope.x"], None),
    ("rm-partly-missing", ["state", "rm", "-no-color", "terraform_data.c[9]", "terraform_data.a"], None),
    ("rm-no-args", ["state", "rm"], None),
    ("rm-backup-flag", ["state", "rm", "-backup=bk.tfstate", "terraform_data.a"], None),
    ("rm-state-flag", ["state", "rm", "-state=other.tfstate", "terraform_data.a"], copy_state_to("other.tfstate")),
    ("rm-lock-false", ["state", "rm", "-lock=false", "terraform_data.dep"], None),
    ("rm-bad-address", ["state", "rm", "module.x[*]"], None),
    ("rm-deposed", ["state", "rm", "terraform_data.a"], depose_a),
    ("rm-no-state", ["state", "rm", "terraform_data.a"], remove_state),
    # state mv
    ("mv-instance", ["state", "mv", "terraform_data.c[0]", "terraform_data.c[7]"], None),
    ("mv-resource", ["state", "mv", "terraform_data.f", "terraform_data.g"], None),
    ("mv-dry-run", ["state", "mv", "-dry-run", "terraform_data.f", "terraform_data.g"], None),
    ("mv-single-to-resource", ["state", "mv", "terraform_data.a", "terraform_data.b"], None),
    ("mv-single-to-key", ["state", "mv", "terraform_data.a", 'terraform_data.b["x"]'], None),
    ("mv-into-module", ["state", "mv", "terraform_data.c[1]", "module.m.terraform_data.z"], None),
    ("mv-into-new-module", ["state", "mv", "terraform_data.a", "module.new.terraform_data.a"], None),
    ("mv-module", ["state", "mv", "module.m", "module.n"], None),
    ("mv-module-instance", ["state", "mv", 'module.each["one"]', "module.n"], None),
    ("mv-module-nested", ["state", "mv", "module.m.module.inner", "module.top"], None),
    ("mv-module-to-keyed", ["state", "mv", "module.m.module.inner", 'module.each["two"].module.x'], None),
    ("mv-module-exists", ["state", "mv", "module.m", 'module.each["one"]'], None),
    ("mv-module-no-keys", ["state", "mv", "module.each", "module.n"], None),
    ("mv-resource-exists", ["state", "mv", "terraform_data.f", "terraform_data.c"], None),
    ("mv-instance-exists", ["state", "mv", "terraform_data.c[0]", "terraform_data.c[1]"], None),
    ("mv-resource-to-module", ["state", "mv", "terraform_data.c", "module.m"], None),
    ("mv-instance-to-module", ["state", "mv", "terraform_data.a", "module.m"], None),
    ("mv-resource-to-instance", ["state", "mv", "terraform_data.c", "terraform_data.c[0]"], None),
    ("mv-missing", ["state", "mv", "nope.x", "nope.y"], None),
    ("mv-data-to-managed", ["state", "mv", "module.m.module.inner.data.terraform_remote_state.rs", "terraform_data.q"], None),
    ("mv-type-change", ["state", "mv", "terraform_data.a", "other_type.a"], None),
    ("mv-one-arg", ["state", "mv", "terraform_data.a"], None),
    ("mv-empty-addresses", ["state", "mv", "", "x"], None),
    ("mv-bad-addresses", ["state", "mv", "foo bar", "a..b"], None),
    ("mv-deposed", ["state", "mv", "terraform_data.a", "terraform_data.z"], depose_a),
    ("mv-data-between-modules", ["state", "mv", 'module.each["one"].module.inner.data.terraform_remote_state.rs', "module.m.data.terraform_remote_state.rs2"], None),
    ("mv-module-to-count-key", ["state", "mv", 'module.each["one"]', "module.n[0]"], None),
    ("mv-into-existing-instance", ["state", "mv", 'module.each["two"].terraform_data.r', 'module.each["one"].terraform_data.r'], None),
    ("mv-resource-into-module-instance", ["state", "mv", "terraform_data.c", 'module.each["one"].terraform_data.c'], None),
    ("mv-dry-run-module", ["state", "mv", "-dry-run", "module.m", "module.n"], None),
    ("mv-unclosed-index", ["state", "mv", 'terraform_data.f["a b"]', 'terraform_data.f["a\\"b"]'], None),
    ("mv-dependency", ["state", "mv", "module.m.terraform_data.r", "module.m.terraform_data.r2"], None),
    # taint / untaint
    ("taint", ["taint", "terraform_data.a"], None),
    ("taint-nested", ["taint", 'module.each["one"].module.inner.terraform_data.deep[1]'], None),
    ("taint-again", ["taint", "terraform_data.a"], taint_a),
    ("taint-missing", ["taint", "-no-color", "terraform_data.zz"], None),
    ("taint-allow-missing", ["taint", "-allow-missing", "terraform_data.zz"], None),
    ("taint-data", ["taint", "data.terraform_remote_state.x"], None),
    ("taint-no-key", ["taint", "terraform_data.c"], None),
    ("taint-no-args", ["taint"], None),
    ("taint-bad-address", ["taint", "a b"], None),
    ("taint-no-state", ["taint", "-state=nope.tfstate", "terraform_data.a"], None),
    ("taint-no-state-allowed", ["taint", "-allow-missing", "-state=nope.tfstate", "terraform_data.a"], None),
    ("taint-state-out", ["taint", "-state-out=out.tfstate", "terraform_data.a"], None),
    ("untaint-state-out", ["untaint", "-state-out=out.tfstate", "terraform_data.a"], taint_a),
    ("taint-deposed-only", ["taint", "terraform_data.c[1]"], depose_a),
    ("untaint", ["untaint", "terraform_data.a"], taint_a),
    ("untaint-not-tainted", ["untaint", "terraform_data.a"], None),
    ("untaint-missing", ["untaint", "terraform_data.zz"], None),
    ("untaint-allow-missing", ["untaint", "-allow-missing", "terraform_data.zz"], None),
    ("untaint-deposed-only", ["untaint", "terraform_data.c[1]"], depose_a),
    # flag errors
    ("flags-rm-timeout", ["state", "rm", "-lock-timeout=bad", "terraform_data.a"], None),
    ("flags-rm-timeout-ok", ["state", "rm", "-lock-timeout=1s", "terraform_data.a"], None),
    ("flags-mv", ["state", "mv", "-bogus", "a", "b"], None),
    ("flags-taint", ["taint", "-bogus", "a"], None),
    ("flags-untaint", ["untaint", "-lock=maybe", "terraform_data.a"], None),
    ("flags-push", ["state", "push", "-bogus", "x"], None),
    ("flags-pull", ["state", "pull", "-bogus"], None),
    ("flags-replace-provider", ["state", "replace-provider", "-bogus", "a", "b"], None),
    ("flags-show", ["state", "show", "-bogus", "a"], None),
    ("flags-list-missing-value", ["state", "list", "-state"], None),
    # pull / push
    ("pull", ["state", "pull"], None),
    ("pull-no-state", ["state", "pull"], remove_state),
    ("push-unrelated", ["state", "push", "rs/terraform.tfstate"], None),
    ("push-force", ["state", "push", "-force", "rs/terraform.tfstate"], None),
    ("push-same", ["state", "push", "terraform.tfstate"], None),
    ("push-older", ["state", "push", "pushme.tfstate"], older_serial_copy),
    ("push-newer", ["state", "push", "pushme.tfstate"], newer_serial_copy),
    ("push-older-force", ["state", "push", "-force", "pushme.tfstate"], older_serial_copy),
    ("push-into-empty", ["state", "push", "rs/terraform.tfstate"], empty_resources),
    ("push-missing-file", ["state", "push", "nope"], None),
    ("push-no-args", ["state", "push"], None),
    # replace-provider
    ("replace-provider-none", ["state", "replace-provider", "-auto-approve", "hashicorp/aws", "hashicorp/foo"], None),
    ("replace-provider-bad", ["state", "replace-provider", "-auto-approve", "a/b/c/d", "hashicorp/foo"], None),
    ("replace-provider-one-arg", ["state", "replace-provider", "hashicorp/aws"], None),
    ("replace-provider-no-state", ["state", "replace-provider", "-auto-approve", "hashicorp/aws", "hashicorp/foo"], remove_state),
]


def _moves_modules(args: list[str]) -> bool:
    """state mv of a module: terraform visits the module and its descendants in Go map order."""
    if args[:2] != ["state", "mv"]:
        return False
    from sheath.states.lookup import parse_target

    src = next((a for a in args[2:] if not a.startswith("-")), "")
    t, _ = parse_target(src)
    return t is not None and t.is_module


@pytest.mark.parametrize("args,setup", [pytest.param(a, s, id=i) for i, a, s in CASES])
def test_state_command_matches_terraform(
    applied: Path, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn, args: list[str], setup: Setup
) -> None:
    want, got = compare(applied, tmp_path, args, run_terraform, run_sheath, setup)
    if _moves_modules(args):
        assert sorted(got.stdout.splitlines()) == sorted(want.stdout.splitlines())
        want.stdout = got.stdout
    assert_same(want, got)


def test_state_list_by_id(applied: Path, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    doc = json.loads((applied / "terraform.tfstate").read_text())
    ids = [i["attributes"]["id"] for r in doc["resources"] if r.get("module") == 'module.each["two"]' for i in r["instances"]]
    for args in (["state", "list", f"-id={ids[0]}"], ["state", "list", f"-id={ids[0]}", "module.m"], ["state", "list", f"-id={ids[0]}", "module.each"]):
        want, got = compare(applied, tmp_path / str(len(list(tmp_path.iterdir()))), args, run_terraform, run_sheath)
        assert_same(want, got)
    assert want.stdout.strip()


def _one_resource_state(d: Path) -> None:
    """A state whose only resource is terraform_data.a, so that listings have one order."""
    p = d / "terraform.tfstate"
    doc = json.loads(p.read_text())
    doc["resources"] = [r for r in doc["resources"] if r.get("module") is None and r["name"] == "a"]
    p.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


@pytest.mark.parametrize(
    "args,stdin",
    [
        (["state", "replace-provider", "-auto-approve", "terraform.io/builtin/terraform", "hashicorp/foo"], None),
        (["state", "replace-provider", "-no-color", "-auto-approve", "terraform.io/builtin/terraform", "example.com/a/b"], None),
        (["state", "replace-provider", "terraform.io/builtin/terraform", "hashicorp/foo"], "yes\n"),
        (["state", "replace-provider", "terraform.io/builtin/terraform", "hashicorp/foo"], "no\n"),
    ],
)
def test_replace_provider_matches_terraform(
    applied: Path, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn, args: list[str], stdin: str | None
) -> None:
    want, got = compare(applied, tmp_path, args, run_terraform, run_sheath, _one_resource_state, stdin=stdin)
    assert_same(want, got)


def test_state_mv_to_other_state_file(applied: Path, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    """-state-out: the destination file is new (its lineage is random), everything else is identical."""
    args = ["state", "mv", "-state-out=other.tfstate", "terraform_data.a", "terraform_data.a"]
    want, got = compare(applied, tmp_path, args, run_terraform, run_sheath)
    for r in (want, got):
        doc = json.loads(r.files["other.tfstate"])
        doc["lineage"] = "LINEAGE"
        r.files["other.tfstate"] = json.dumps(doc)
    assert_same(want, got)


def _write_state(text: str) -> Callable[[Path], None]:
    def setup(d: Path) -> None:
        (d / "terraform.tfstate").write_text(text)

    return setup


BROKEN_STATES = {
    "truncated": corrupt_state,
    "not-json": _write_state("{not json"),
    "array": _write_state("[1,2]"),
    "future-version": _write_state('{"version": 5, "serial": 1, "lineage": "x"}'),
    "bad-serial": _write_state('{"version": 4, "serial": "x"}'),
    "bad-mode": _write_state('{"version": 4, "serial": 1, "lineage": "x", "resources": [{"mode": "bogus"}]}'),
}

BROKEN_COMMANDS = [
    ["state", "list"],
    ["state", "show", "terraform_data.a"],
    ["state", "rm", "terraform_data.a"],
    ["state", "mv", "terraform_data.a", "terraform_data.b"],
    ["state", "pull"],
    ["state", "push", "rs/terraform.tfstate"],
    ["taint", "terraform_data.a"],
    ["untaint", "terraform_data.a"],
    ["show"],
    ["show", "-json"],
    ["output"],
]


@pytest.mark.parametrize("broken", sorted(BROKEN_STATES))
@pytest.mark.parametrize("args", BROKEN_COMMANDS, ids=["-".join(a) for a in BROKEN_COMMANDS])
def test_broken_state_is_reported_as_terraform_does_and_left_alone(
    applied: Path, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn, broken: str, args: list[str]
) -> None:
    want, got = compare(applied, tmp_path, args, run_terraform, run_sheath, BROKEN_STATES[broken])
    assert_same(want, got)
    assert got.code == 1


def test_lock_held_by_sheath_blocks_second_writer(applied: Path, tmp_path: Path, run_sheath: RunFn) -> None:
    from sheath.states.statemgr.filesystem import FilesystemStateManager

    d = tmp_path / "w"
    import shutil

    shutil.copytree(applied, d)
    mgr = FilesystemStateManager(str(d / "terraform.tfstate"))
    info, diags = mgr.lock("test")
    assert info is not None and not diags.has_errors()
    try:
        before = (d / "terraform.tfstate").read_text()
        r = run_sheath(["state", "rm", "-no-color", "terraform_data.a"], d)
        assert r.returncode == 1
        assert "Error acquiring the state lock" in r.stderr
        assert (d / "terraform.tfstate").read_text() == before
        r = run_sheath(["state", "rm", "-lock=false", "terraform_data.a"], d)
        assert r.returncode == 0, r.stderr
    finally:
        mgr.unlock(info.id)




def test_lock_held_by_terraform_blocks_sheath(applied: Path, tmp_path: Path, terraform_bin: str, oracle_env: dict[str, str], run_terraform: RunFn, run_sheath: RunFn) -> None:
    """terraform console holds the state lock: sheath's writers fail exactly as terraform's own do."""
    import shutil
    import subprocess
    import time

    d = tmp_path / "w"
    shutil.copytree(applied, d)
    holder = subprocess.Popen(
        [terraform_bin, "console"], cwd=d, env=oracle_env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(100):
            if (d / ".terraform.tfstate.lock.info").exists():
                break
            time.sleep(0.1)
        time.sleep(0.5)
        before = (d / "terraform.tfstate").read_text()
        for args in (["state", "rm", "-no-color", "terraform_data.a"], ["taint", "terraform_data.a"], ["state", "mv", "terraform_data.a", "terraform_data.b"]):
            want = run_terraform(args, d)
            got = run_sheath(args, d)
            assert (got.stdout, got.stderr, got.returncode) == (want.stdout, want.stderr, want.returncode)
            assert got.returncode == 1
            assert (d / "terraform.tfstate").read_text() == before
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=60)
    r = run_sheath(["state", "rm", "terraform_data.a"], d)
    assert r.returncode == 0, r.stderr
    assert not (d / ".terraform.tfstate.lock.info").exists()


def test_read_commands_include_journaled_changes(applied: Path, tmp_path: Path, run_sheath: RunFn) -> None:
    """Changes an interrupted apply journaled after the last full state write are part of the state
    that sheath's state, show and output commands read (terraform has no journal to compare with)."""
    import shutil

    from sheath.states.journal import ResourceRef
    from sheath.states.state import InstanceObject
    from sheath.states.statemgr.filesystem import FilesystemStateManager

    BUILTIN = 'provider["terraform.io/builtin/terraform"]'
    d = tmp_path / "w"
    shutil.copytree(applied, d)
    doc = json.loads((d / "terraform.tfstate").read_text())
    mgr = FilesystemStateManager(str(d / "terraform.tfstate"))
    mgr.journal.start(doc["lineage"], doc["serial"])
    obj = InstanceObject({"id": "journaled", "input": None, "output": None, "triggers_replace": None})
    mgr.journal.set_object(ResourceRef("", "managed", "terraform_data", "late", BUILTIN), None, obj)
    mgr.journal.remove_object(ResourceRef("", "managed", "terraform_data", "a", BUILTIN), None)
    mgr.journal.set_output("late", "v", "string", False)
    mgr.journal.close()
    r = run_sheath(["state", "list"], d)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "terraform_data.late" in lines and "terraform_data.a" not in lines
    r = run_sheath(["output", "late"], d)
    assert (r.returncode, r.stdout) == (0, '"v"\n')
    r = run_sheath(["show", "-json"], d)
    assert '"address":"terraform_data.late"' in r.stdout


@pytest.mark.parametrize("force", [False, True])
def test_state_push_from_stdin(applied: Path, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn, force: bool) -> None:
    source = (applied / "rs" / "terraform.tfstate").read_text()
    args = ["state", "push", *(["-force"] if force else []), "-"]
    want, got = compare(applied, tmp_path, args, run_terraform, run_sheath, stdin=source)
    assert_same(want, got)
    assert want.code == (0 if force else 1)


BROKEN_CONFIGS = {
    "unclosed-block": 'resource "x" "y" {\n',
    "missing-name": 'resource "x" {\n}\n',
    "two-errors": 'resource "x" {\n',
}

CONFIG_COMMANDS = [
    ["state", "list"],
    ["state", "show", "terraform_data.a"],
    ["state", "rm", "terraform_data.a"],
    ["state", "mv", "terraform_data.a", "terraform_data.b"],
    ["state", "pull"],
    ["state", "push", "rs/terraform.tfstate"],
    ["state", "replace-provider", "-auto-approve", "a/b", "c/d"],
    ["taint", "terraform_data.a"],
    ["untaint", "-no-color", "terraform_data.a"],
    ["show"],
    ["show", "-json", "terraform.tfstate"],
    ["output"],
    ["providers"],
]


@pytest.mark.parametrize("broken", sorted(BROKEN_CONFIGS))
@pytest.mark.parametrize("args", CONFIG_COMMANDS, ids=["-".join(a) for a in CONFIG_COMMANDS])
def test_broken_configuration_stops_state_commands(
    applied: Path, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn, broken: str, args: list[str]
) -> None:
    """terraform loads the working directory's configuration first: its errors stop the command
    (some commands name the file by its absolute path, which differs between the two copies)."""

    def setup(d: Path) -> None:
        (d / "broken.tf").write_text(BROKEN_CONFIGS[broken])

    want, got = compare(applied, tmp_path, args, run_terraform, run_sheath, setup)
    want.stderr = want.stderr.replace(str(tmp_path / "tf"), "DIR")
    got.stderr = got.stderr.replace(str(tmp_path / "sh"), "DIR")
    assert_same(want, got)
    assert got.code == 1
