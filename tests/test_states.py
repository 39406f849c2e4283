"""State files: terraform's format v4 read and written byte-compatibly, durably."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sheath.states import InstanceObject, OutputValue, Resource, ResourceInstance, read_state_file, write_state_file
from sheath.states.journal import ResourceRef
from sheath.states.statemgr.filesystem import FilesystemStateManager

CONFIG = """
variable "pw" {
  default   = "secret"
  sensitive = true
}

resource "terraform_data" "a" {
  count = 2
  input = { n = count.index, pw = var.pw, big = 1/3, text = "<b>&</b>" }
}

resource "terraform_data" "b" {
  for_each = toset(["x", "y z"])
  input    = terraform_data.a[0].output
  lifecycle {
    create_before_destroy = true
  }
}

output "o" {
  value = terraform_data.b["x"].id
}

output "s" {
  value     = var.pw
  sensitive = true
}
"""

BUILTIN = 'provider["terraform.io/builtin/terraform"]'


@pytest.fixture(scope="module")
def terraform_state(tmp_path_factory: pytest.TempPathFactory, run_terraform: Any) -> Path:
    d = tmp_path_factory.mktemp("tfstate")
    (d / "main.tf").write_text(CONFIG)
    res = run_terraform(["apply", "-auto-approve", "-no-color", "-input=false"], cwd=d)
    assert res.returncode == 0, res.stderr
    return d


@pytest.mark.oracle
def test_terraform_state_round_trips_byte_for_byte(terraform_state: Path) -> None:
    data = (terraform_state / "terraform.tfstate").read_bytes()
    sf, diags = read_state_file(data)
    assert not diags and sf is not None
    assert write_state_file(sf) == data
    assert sf.state.instance_addresses() == [
        "terraform_data.a[0]",
        "terraform_data.a[1]",
        'terraform_data.b["x"]',
        'terraform_data.b["y z"]',
    ]
    assert sf.state.outputs["s"].sensitive and sf.state.outputs["s"].value == "secret"


@pytest.mark.oracle
def test_terraform_reads_state_written_by_sheath(terraform_state: Path, tmp_path: Path, run_terraform: Any) -> None:
    """sheath rewrites terraform's state (moving an instance out, new serial); terraform accepts it."""
    work = tmp_path / "w"
    work.mkdir()
    (work / "main.tf").write_text(CONFIG)
    (work / "terraform.tfstate").write_bytes((terraform_state / "terraform.tfstate").read_bytes())
    mgr = FilesystemStateManager(str(work / "terraform.tfstate"))
    assert not mgr.refresh_state()
    sf = mgr.state_file()
    before_serial = sf.serial
    # forget terraform_data.a[1] (like `state rm`), then persist
    res = sf.state.resource("", "managed", "terraform_data", "a")
    assert res is not None
    del res.instances[1]
    assert not mgr.persist_state()
    written = json.loads((work / "terraform.tfstate").read_text())
    assert written["serial"] == before_serial + 1
    assert (work / "terraform.tfstate.backup").read_bytes() == (terraform_state / "terraform.tfstate").read_bytes()
    listed = run_terraform(["state", "list"], cwd=work)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == ["terraform_data.a[0]", 'terraform_data.b["x"]', 'terraform_data.b["y z"]']
    plan = run_terraform(["plan", "-no-color", "-input=false", "-detailed-exitcode"], cwd=work)
    # terraform plans to create only the forgotten instance
    assert plan.returncode == 2, plan.stdout + plan.stderr
    assert "Plan: 1 to add, 0 to change, 0 to destroy." in plan.stdout
    assert "terraform_data.a[1] will be created" in plan.stdout


def _state_with(n: int) -> Any:
    from sheath.states.statefile import StateFile

    sf = StateFile.new()
    for i in range(n):
        r = Resource("", "managed", "terraform_data", f"r{i}", BUILTIN)
        r.instances[None] = ResourceInstance(None, InstanceObject({"id": f"id-{i}", "input": None}))
        sf.state.set_resource(r)
    sf.state.outputs["x"] = OutputValue("v", "string")
    return sf


def test_corrupt_or_truncated_state_is_an_error_and_never_overwritten(tmp_path: Path) -> None:
    good = write_state_file(_state_with(3))
    for bad in (good[: len(good) // 2], b"{not json", b'{"version": 3, "serial": 1}', b"[1,2]"):
        p = tmp_path / "terraform.tfstate"
        p.write_bytes(bad)
        mgr = FilesystemStateManager(str(p))
        diags = mgr.refresh_state()
        assert diags.has_errors()
        # terraform's words for why (statefile.Read's diagnostics), sheath's where terraform has none
        assert diags[0].summary in ("Unsupported state file format", "Failed to load state")
        out = mgr.persist_state()
        assert out.has_errors() and out[0].summary == "Refusing to overwrite the state file"
        assert p.read_bytes() == bad


def test_empty_state_file_is_no_state(tmp_path: Path) -> None:
    """An empty file is what a lock leaves before the first write: no state, as in terraform."""
    p = tmp_path / "terraform.tfstate"
    p.write_bytes(b"")
    mgr = FilesystemStateManager(str(p))
    assert not mgr.refresh_state()
    mgr.write_state(_state_with(1))
    assert not mgr.persist_state()
    assert b'"serial": 1' in p.read_bytes()


def test_persist_is_atomic_with_backup_and_serial(tmp_path: Path) -> None:
    p = tmp_path / "terraform.tfstate"
    mgr = FilesystemStateManager(str(p))
    assert not mgr.refresh_state()
    mgr.write_state(_state_with(1))
    assert not mgr.persist_state()
    first = p.read_bytes()
    assert json.loads(first)["serial"] == 1
    assert not (tmp_path / "terraform.tfstate.backup").exists()
    # unchanged: nothing written, serial kept
    assert not mgr.persist_state()
    assert p.read_bytes() == first
    mgr2 = FilesystemStateManager(str(p))
    assert not mgr2.refresh_state()
    mgr2.state_file().state.outputs["y"] = OutputValue(1, "number")
    assert not mgr2.persist_state()
    assert json.loads(p.read_bytes())["serial"] == 2
    assert (tmp_path / "terraform.tfstate.backup").read_bytes() == first
    assert [f for f in os.listdir(tmp_path) if f.endswith(".tmp")] == []


def test_no_backup_when_there_was_no_state(tmp_path: Path) -> None:
    """A fresh apply writes the state twice (before the journal, at the end): neither
    write leaves a backup, as terraform keeps only the state it read."""
    p = tmp_path / "terraform.tfstate"
    mgr = FilesystemStateManager(str(p))
    assert not mgr.refresh_state()
    mgr.write_state(_state_with(0))
    assert not mgr.begin_journal()
    mgr.write_state(_state_with(2))
    assert not mgr.persist_state()
    assert not (tmp_path / "terraform.tfstate.backup").exists()
    first = p.read_bytes()
    again = FilesystemStateManager(str(p))
    assert not again.refresh_state()
    again.write_state(_state_with(3))
    assert not again.persist_state()
    assert json.loads((tmp_path / "terraform.tfstate.backup").read_bytes())["resources"] == json.loads(first)["resources"]


def test_first_apply_writes_serial_1_and_its_journal_replays(tmp_path: Path) -> None:
    """No state yet: the journal starts at serial 0 without writing an empty state first, so
    the first state written is serial 1, as terraform's; a first apply cut short is replayed
    from that journal (in memory by a reader, onto disk by the next lock holder)."""
    p = tmp_path / "terraform.tfstate"
    mgr = FilesystemStateManager(str(p))
    info, _ = mgr.lock("OperationTypeApply")
    assert info is not None
    assert not mgr.refresh_state()
    assert not mgr.begin_journal()
    assert p.read_bytes() == b""  # the lock's empty file, as terraform leaves it
    ref = ResourceRef("", "managed", "terraform_data", "first", BUILTIN)
    mgr.journal.set_object(ref, None, InstanceObject({"id": "f1"}))
    mgr.journal.close()  # the crash: the lock goes with the process
    mgr.unlock(info.id)
    reader = FilesystemStateManager(str(p))
    assert not reader.refresh_state()
    assert reader.state_file().state.instance_addresses() == ["terraform_data.first"]
    assert (not p.exists() or p.read_bytes() == b"") and os.path.exists(reader.journal.path)
    holder = FilesystemStateManager(str(p))
    info, _ = holder.lock("OperationTypeApply")
    assert info is not None
    assert not holder.refresh_state()
    doc = json.loads(p.read_bytes())
    assert doc["serial"] == 1 and doc["resources"][0]["name"] == "first"
    assert not os.path.exists(holder.journal.path)
    assert not holder.unlock(info.id)
    fresh = FilesystemStateManager(str(tmp_path / "other.tfstate"))
    assert not fresh.refresh_state()
    assert not fresh.begin_journal()
    fresh.state_file().state.outputs["o"] = OutputValue(1, "number")
    assert not fresh.persist_state()
    assert json.loads((tmp_path / "other.tfstate").read_bytes())["serial"] == 1


def test_journal_makes_each_change_durable_and_replays(tmp_path: Path) -> None:
    p = tmp_path / "terraform.tfstate"
    mgr = FilesystemStateManager(str(p))
    assert not mgr.refresh_state()
    mgr.write_state(_state_with(1))
    assert not mgr.begin_journal()
    base = p.read_bytes()
    ref = ResourceRef("", "managed", "terraform_data", "new", BUILTIN)
    from sheath.states.gojson import loads

    big = loads(b"0.33333333333333333333333333333333333333333333333333")
    for i in range(5):
        mgr.journal.set_object(ref, i, InstanceObject({"id": f"n{i}", "input": big}))
    mgr.journal.remove_object(ref, 3)
    mgr.journal.set_output("x", "changed", "string", False)
    # crash: nothing persisted, and a torn line at the end of the journal
    mgr.journal.close()
    with open(mgr.journal.path, "ab") as fh:
        fh.write(b'{"op":"set","r":["","managed","terraform_data","new","x"],"k":9,"d":"","o":{"attr')
    assert p.read_bytes() == base
    again = FilesystemStateManager(str(p))
    assert not again.refresh_state()
    st = again.state_file().state
    assert st.instance_addresses() == [
        "terraform_data.new[0]",
        "terraform_data.new[1]",
        "terraform_data.new[2]",
        "terraform_data.new[4]",
        "terraform_data.r0",
    ]
    assert st.outputs["x"].value == "changed"
    assert not again.persist_state()
    assert not os.path.exists(again.journal.path)
    doc = p.read_text()
    assert "0.33333333333333333333333333333333333333333333333333," in doc or "0.33333333333333333333333333333333333333333333333333\n" in doc


def test_spent_journal_is_discarded_by_the_lock_holder(tmp_path: Path) -> None:
    """A crash after the full state was written but before the journal was removed: the
    journal's commit line names the state on disk, so its changes are there; the next lock
    holder removes it (a reader without the lock leaves it)."""
    p = tmp_path / "terraform.tfstate"
    mgr = FilesystemStateManager(str(p))
    mgr.write_state(_state_with(1))
    assert not mgr.begin_journal()
    mgr.journal.set_object(ResourceRef("", "managed", "terraform_data", "z", BUILTIN), None, InstanceObject({"id": "z"}))
    mgr.state_file().state.outputs["after"] = OutputValue(1, "number")
    mgr.journal.discard = lambda: None  # type: ignore[method-assign]  # the crash
    assert not mgr.persist_state()
    mgr.journal.close()
    assert b'"op":"commit"' in open(mgr.journal.path, "rb").read()
    reader = FilesystemStateManager(str(p))
    assert not reader.refresh_state()
    # not replayed on top of the state that holds it (here, by construction, without z)
    assert reader.state_file().state.resource("", "managed", "terraform_data", "z") is None
    assert os.path.exists(reader.journal.path)
    again = FilesystemStateManager(str(p))
    info, _ = again.lock("OperationTypeApply")
    assert info is not None
    assert not again.refresh_state()
    assert again.state_file().state.outputs["after"].value == 1
    assert not os.path.exists(again.journal.path)
    assert not again.unlock(info.id)


def test_journal_appends_from_many_threads_are_group_committed(tmp_path: Path) -> None:
    import threading

    p = tmp_path / "terraform.tfstate"
    mgr = FilesystemStateManager(str(p))
    mgr.write_state(_state_with(1))
    assert not mgr.begin_journal()
    threads, per_thread = 8, 50
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def work(t: int) -> None:
        ref = ResourceRef("", "managed", "terraform_data", f"t{t}", BUILTIN)
        start.wait()
        try:
            for i in range(per_thread):
                mgr.journal.set_object(ref, i, InstanceObject({"id": f"t{t}-{i}", "input": "x" * (i % 7) * 40}))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    total = threads * per_thread
    # every line made durable, by fewer syncs than lines: concurrent appends shared them
    assert 0 < mgr.journal.syncs < total
    lines = open(mgr.journal.path, "rb").read().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 1 + total + 1
    assert all(json.loads(line)["op"] == "set" for line in lines[1:-1])
    # crash now: the next reader sees every object
    mgr.journal.close()
    again = FilesystemStateManager(str(p))
    assert not again.refresh_state()
    st = again.state_file().state
    for t in range(threads):
        r = st.resource("", "managed", "terraform_data", f"t{t}")
        assert r is not None and sorted(r.instances) == list(range(per_thread))
        assert r.instances[7].current is not None and r.instances[7].current.attributes["id"] == f"t{t}-7"


def test_journal_refuses_appends_before_start(tmp_path: Path) -> None:
    mgr = FilesystemStateManager(str(tmp_path / "terraform.tfstate"))
    with pytest.raises(RuntimeError, match="journal not started"):
        mgr.journal.set_output("x", 1, "number", False)


def _other_process_can_lock(path: Path) -> bool:
    """Whether another process gets a POSIX write lock on path (the lock terraform takes)."""
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import fcntl,os,sys\n"
            f"fd=os.open({str(path)!r}, os.O_RDWR)\n"
            "try:\n fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\nexcept OSError:\n sys.exit(3)\n",
        ],
        timeout=30,
    )
    assert probe.returncode in (0, 3)
    return probe.returncode == 0


def test_lock_follows_the_state_file_across_writes(tmp_path: Path) -> None:
    """Every write renames a new file over the state: the lock must be on the new file."""
    p = tmp_path / "terraform.tfstate"
    mgr = FilesystemStateManager(str(p))
    info, diags = mgr.lock("apply")
    assert info is not None and not diags
    assert not mgr.refresh_state()
    assert not _other_process_can_lock(p)
    for i in range(3):
        mgr.write_state(_state_with(i + 1))
        assert not mgr.persist_state()
        assert not _other_process_can_lock(p), f"state file unlocked after write {i + 1}"
    assert not mgr.begin_journal()
    assert not _other_process_can_lock(p)
    assert not mgr.unlock(info.id)
    assert _other_process_can_lock(p)
    assert len(json.loads(p.read_bytes())["resources"]) == 3


def test_lock_excludes_other_processes(tmp_path: Path) -> None:
    p = tmp_path / "terraform.tfstate"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys,time\n"
            "from sheath.states.statemgr.filesystem import FilesystemStateManager as M\n"
            f"m=M({str(p)!r}); info,d=m.lock('apply'); print('locked', flush=True); sys.stdin.readline()\n"
            "m.unlock(info.id)",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        mgr = FilesystemStateManager(str(p))
        info, diags = mgr.lock("plan", timeout=0.3)
        assert info is None and diags.has_errors()
        assert diags[0].summary == "Error acquiring the state lock"
        assert "Operation: apply" in diags[0].detail
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=10)
    info, diags = FilesystemStateManager(str(p)).lock("plan", timeout=1)
    assert info is not None and not diags
