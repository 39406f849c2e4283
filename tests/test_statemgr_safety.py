"""The local state manager under races, crashes, damage and hardened permissions.

* a process waiting for the lock (terraform with -lock-timeout, or another sheath)
  opened the state file once: the state must be written into that very file, so the
  waiter locks and reads what the holder wrote (against terraform itself, and between
  two sheath processes);
* a write cut short is finished from the pending copy by the next lock holder;
* the journal is never dropped: replayed when valid, refused with the file and line
  when not, kept when the state it belongs to is not on disk;
* state files terraform refuses are refused with terraform's words;
* new files holding state are 0600, existing files keep their mode.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import RunFn
from sheath.states import InstanceObject, OutputValue, Resource, ResourceInstance, read_state_file, write_state_file
from sheath.states.journal import ResourceRef
from sheath.states.statefile import StateFile
from sheath.states.statemgr.durable import PendingCopy, Version
from sheath.states.statemgr.filesystem import FilesystemStateManager

BUILTIN = 'provider["terraform.io/builtin/terraform"]'
APPLY = ["apply", "-auto-approve", "-input=false", "-no-color"]


def _obj(i: int | str) -> InstanceObject:
    return InstanceObject({"id": f"id-{i}", "input": None, "output": None, "triggers_replace": None})


def _state(n: int, lineage: str = "7d1b6a3e-0000-4000-8000-000000000001", serial: int = 1) -> StateFile:
    sf = StateFile.new()
    sf.lineage, sf.serial = lineage, serial
    for i in range(n):
        r = Resource("", "managed", "terraform_data", f"r{i}", BUILTIN)
        r.instances[None] = ResourceInstance(None, current=_obj(i))
        sf.state.set_resource(r)
    return sf


def _mode(p: Path) -> int:
    return stat.S_IMODE(os.stat(p).st_mode)


def _opened_by(pid: int, path: Path) -> bool:
    """Whether process pid has path open (Linux /proc)."""
    want = os.path.realpath(path)
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") == want:
                return True
        except OSError:
            continue
    return False


def _wait_until_open(proc: subprocess.Popen[Any], path: Path, limit: float = 120) -> None:
    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs /proc to see which files a process holds open")
    end = time.monotonic() + limit
    while not _opened_by(proc.pid, path):
        assert proc.poll() is None, "the waiting process ended before it opened the state file"
        assert time.monotonic() < end, "the waiting process never opened the state file"
        time.sleep(0.05)


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


# --- 1. the lock covers the file that gets written ---------------------------------------


def test_writes_keep_the_inode_a_waiting_process_holds(tmp_path: Path) -> None:
    """A waiter that opened the state file once (as terraform's local backend does) and
    retries its lock on that descriptor reads, through it, what the holder wrote."""
    p = tmp_path / "terraform.tfstate"
    holder = FilesystemStateManager(str(p))
    info, diags = holder.lock("OperationTypeApply")
    assert info is not None and not diags
    inode = os.stat(p).st_ino
    waiter = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl,os,sys,time\n"
            f"fd=os.open({str(p)!r}, os.O_RDWR)\n"
            "print('open', flush=True)\n"
            "while True:\n"
            " try:\n  fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB); break\n"
            " except OSError: time.sleep(0.05)\n"
            "sys.stdout.write(os.pread(fd, 1 << 20, 0).decode())\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert waiter.stdout is not None and waiter.stdout.readline() == "open\n"
        assert not holder.refresh_state()
        for n in (1, 2, 3):
            holder.write_state(_state(n))
            assert not holder.persist_state()
            assert os.stat(p).st_ino == inode
    finally:
        assert not holder.unlock(info.id)
    out, _ = waiter.communicate(timeout=60)
    assert out == p.read_text()
    assert len(json.loads(out)["resources"]) == 3
    assert [f for f in os.listdir(tmp_path) if f != "terraform.tfstate.backup"] == ["terraform.tfstate"]


def test_a_second_sheath_waiting_for_the_lock_locks_the_written_file(tmp_path: Path) -> None:
    """sheath waiting with -lock-timeout while another sheath writes: once it has the lock,
    nobody else (terraform's POSIX lock) can lock the state file, and its write lands."""
    p = tmp_path / "terraform.tfstate"
    holder = FilesystemStateManager(str(p))
    info, _ = holder.lock("OperationTypeApply")
    assert info is not None
    waiter = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from sheath.states.statemgr.filesystem import FilesystemStateManager as M\n"
            "from sheath.states.state import OutputValue\n"
            f"m=M({str(p)!r}); info,d=m.lock('OperationTypeApply', 120)\n"
            "assert info is not None, d\n"
            "print('locked', flush=True); sys.stdin.readline()\n"
            "assert not m.refresh_state()\n"
            "m.state_file().state.outputs['second'] = OutputValue('yes', 'string')\n"
            "assert not m.persist_state(); m.unlock(info.id); print('done', flush=True)\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_until_open(waiter, p)
        assert not holder.refresh_state()
        holder.write_state(_state(2))
        assert not holder.persist_state()
        assert not holder.unlock(info.id)
        assert waiter.stdout is not None and waiter.stdout.readline() == "locked\n"
        assert not _other_process_can_lock(p), "the waiter holds a lock on a file that no longer has the name"
    finally:
        assert waiter.stdin is not None
        waiter.stdin.write("\n")
        waiter.stdin.flush()
    out, _ = waiter.communicate(timeout=60)
    assert waiter.returncode == 0 and out.endswith("done\n")
    doc = json.loads(p.read_bytes())
    assert len(doc["resources"]) == 2 and doc["outputs"]["second"]["value"] == "yes"
    assert doc["serial"] == 2


def test_a_waiter_whose_file_was_removed_locks_the_file_that_has_the_name(tmp_path: Path) -> None:
    """The holder created the state file when it locked and removes it, empty, when it
    unlocks (as terraform does): a sheath waiting meanwhile must not keep a lock on the
    removed file, but lock the state file that exists when it gets the lock."""
    p = tmp_path / "terraform.tfstate"
    holder = FilesystemStateManager(str(p))
    info, _ = holder.lock("OperationTypePlan")
    assert info is not None and p.exists()
    waiter = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from sheath.states.statemgr.filesystem import FilesystemStateManager as M\n"
            f"m=M({str(p)!r}); info,d=m.lock('OperationTypeApply', 120)\n"
            "assert info is not None, d\n"
            "print('locked', flush=True); sys.stdin.readline(); m.unlock(info.id)\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_until_open(waiter, p)
        assert not holder.unlock(info.id)
        assert waiter.stdout is not None and waiter.stdout.readline() == "locked\n"
        assert p.exists(), "the waiter holds a lock on a removed file"
        assert not _other_process_can_lock(p)
    finally:
        assert waiter.stdin is not None
        waiter.stdin.write("\n")
        waiter.stdin.flush()
        waiter.wait(timeout=60)


RACE_CONFIG = """
variable "t" {
  type    = number
  default = 0
}

resource "terraform_data" "s" {
  input = "s"
}

resource "terraform_data" "t" {
  count = var.t
  input = "t"
}
"""


@pytest.mark.oracle
def test_terraform_waiting_for_the_lock_keeps_its_result(
    tmp_path: Path, terraform_bin: str, oracle_env: dict[str, str], run_sheath: RunFn
) -> None:
    """sheath holds the lock and writes the state while `terraform apply -lock-timeout`
    waits: terraform then plans from, and writes into, the state sheath wrote."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    (scratch / "main.tf").write_text(RACE_CONFIG)
    r = run_sheath(APPLY, scratch)
    assert r.returncode == 0, r.stdout + r.stderr
    written, _ = read_state_file((scratch / "terraform.tfstate").read_bytes())
    assert written is not None

    d = tmp_path / "w"
    d.mkdir()
    (d / "main.tf").write_text(RACE_CONFIG)
    p = d / "terraform.tfstate"
    holder = FilesystemStateManager(str(p))
    info, _ = holder.lock("OperationTypeApply")
    assert info is not None
    tf = subprocess.Popen(
        [terraform_bin, "apply", "-auto-approve", "-input=false", "-no-color", "-lock-timeout=120s", "-var=t=1"],
        cwd=d,
        env=oracle_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_until_open(tf, p)
        assert not holder.refresh_state()
        holder.write_state(written)
        assert not holder.persist_state()
        ours = json.loads(p.read_bytes())["serial"]
    finally:
        assert not holder.unlock(info.id)
    out, err = tf.communicate(timeout=300)
    assert tf.returncode == 0, out + err
    assert "Resources: 1 added, 0 changed, 0 destroyed." in out, out
    doc = json.loads(p.read_bytes())
    assert sorted(f"{r['type']}.{r['name']}" for r in doc["resources"]) == ["terraform_data.s", "terraform_data.t"]
    assert doc["serial"] > ours  # terraform's write went over sheath's
    assert doc["lineage"] == written.lineage


@pytest.mark.parametrize(
    ("args", "operation"),
    [
        (["plan"], "OperationTypePlan"),
        (["plan", "-destroy"], "OperationTypePlan"),
        (["apply", "-auto-approve"], "OperationTypeApply"),
        (["apply", "-auto-approve", "-json"], "OperationTypeApply"),
        (["apply", "-auto-approve", "-refresh-only"], "OperationTypeApply"),
        (["destroy", "-auto-approve"], "OperationTypeApply"),
        (["apply", "-destroy", "-auto-approve"], "OperationTypeApply"),
        (["refresh"], "OperationTypeRefresh"),
        (["refresh", "-json"], "OperationTypeRefresh"),
    ],
)
def test_lock_info_names_the_operation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], operation: str) -> None:
    """The lock information says what the run is, as terraform's does (checked with terraform
    1.11.4: apply, destroy and apply -destroy lock for OperationTypeApply, refresh for
    OperationTypeRefresh, plan for OperationTypePlan)."""
    from sheath.cli.main import main

    (tmp_path / "main.tf").write_text('resource "terraform_data" "a" {\n  input = "x"\n}\n')
    monkeypatch.chdir(tmp_path)
    assert main(["apply", "-auto-approve", "-no-color", "-input=false"]) == 0
    seen: list[str] = []
    real_lock = FilesystemStateManager.lock

    def lock(self: FilesystemStateManager, op: str, timeout: float = 0.0) -> Any:
        result = real_lock(self, op, timeout)
        seen.append(json.loads(Path(self.lock_info_path).read_bytes())["Operation"])
        return result

    monkeypatch.setattr(FilesystemStateManager, "lock", lock)
    assert main([*args, "-no-color", "-input=false"]) == 0
    assert seen == [operation]


# --- a write cut short --------------------------------------------------------------------


def _torn(tmp_path: Path, cut: str) -> tuple[Path, bytes, bytes]:
    """A state file S1 and a write of S2 that was cut short (pending copy written, the
    in-place write torn as `cut` says)."""
    p = tmp_path / "terraform.tfstate"
    old = write_state_file(_state(3, serial=1))
    new_sf = _state(3, serial=2)
    new_sf.state.outputs["o"] = OutputValue("x" * 40, "string")
    new = write_state_file(new_sf)
    p.write_bytes(old)
    PendingCopy(str(p)).write(new, Version(_state(0).lineage, 1))
    if cut == "not started":
        pass
    elif cut == "half":
        p.write_bytes(new[: len(new) // 2] + old[len(new) // 2 :])
    elif cut == "not truncated":
        longer = old + b" " * 100 + b'{"x": 1}\n'
        p.write_bytes(new + longer[len(new) :])
    elif cut == "empty":
        p.write_bytes(b"")
    elif cut == "parseable mix":
        # same length, the first part written: the new serial with the old body
        mixed_sf = _state(3, serial=2)
        p.write_bytes(write_state_file(mixed_sf))
    return p, old, new


@pytest.mark.parametrize("cut", ["not started", "half", "not truncated", "empty", "parseable mix"])
def test_a_write_cut_short_is_finished_from_the_pending_copy(tmp_path: Path, cut: str) -> None:
    p, old, new = _torn(tmp_path, cut)
    torn = p.read_bytes()
    reader = FilesystemStateManager(str(p))
    assert not reader.refresh_state()
    assert write_state_file(reader.state_file()) == new
    assert p.read_bytes() == torn, "a reader without the lock changes nothing"
    mgr = FilesystemStateManager(str(p))
    info, _ = mgr.lock("OperationTypeApply")
    assert info is not None
    assert not mgr.refresh_state()
    assert p.read_bytes() == new
    assert not PendingCopy(str(p)).exists()
    assert not mgr.unlock(info.id)


def test_a_torn_pending_copy_leaves_the_state_file(tmp_path: Path) -> None:
    p = tmp_path / "terraform.tfstate"
    old = write_state_file(_state(2))
    p.write_bytes(old)
    pending = PendingCopy(str(p))
    pending.write(write_state_file(_state(5, serial=2)), Version(_state(0).lineage, 1))
    raw = Path(pending.path).read_bytes()
    Path(pending.path).write_bytes(raw[: len(raw) - 30])  # the crash hit the pending copy
    mgr = FilesystemStateManager(str(p))
    info, _ = mgr.lock("OperationTypeApply")
    assert info is not None
    assert not mgr.refresh_state()
    assert write_state_file(mgr.state_file()) == old
    assert p.read_bytes() == old and not pending.exists()
    assert not mgr.unlock(info.id)


def test_a_pending_copy_older_than_the_state_is_dropped(tmp_path: Path) -> None:
    """The write ended but its pending copy stayed (a crash just before its removal), and a
    later writer changed the state: the state file wins."""
    p = tmp_path / "terraform.tfstate"
    later = write_state_file(_state(4, serial=3))
    p.write_bytes(later)
    PendingCopy(str(p)).write(write_state_file(_state(2, serial=2)), Version(_state(0).lineage, 1))
    mgr = FilesystemStateManager(str(p))
    info, _ = mgr.lock("OperationTypeApply")
    assert info is not None
    assert not mgr.refresh_state()
    assert write_state_file(mgr.state_file()) == later
    assert not PendingCopy(str(p)).exists()
    assert not mgr.unlock(info.id)


def test_a_torn_state_without_a_pending_copy_is_still_an_error(tmp_path: Path) -> None:
    p = tmp_path / "terraform.tfstate"
    good = write_state_file(_state(3))
    p.write_bytes(good[: len(good) // 2])
    mgr = FilesystemStateManager(str(p))
    assert mgr.refresh_state().has_errors()
    mgr.write_state(_state(1))
    assert mgr.persist_state().has_errors()
    assert p.read_bytes() == good[: len(good) // 2]


# --- 3. the journal is never silently dropped -------------------------------------------


def _journal_with_entries(p: Path, lineage: str, serial: int, n: int) -> Path:
    mgr = FilesystemStateManager(str(p))
    mgr.journal.start(lineage, serial)
    for i in range(n):
        mgr.journal.set_object(ResourceRef("", "managed", "terraform_data", f"j{i}", BUILTIN), None, _obj(f"j{i}"))
    mgr.journal.close()
    return Path(mgr.journal.path)


@pytest.mark.parametrize("state", ["missing", "empty", "other serial", "other lineage", "same serial, other writer"])
def test_a_journal_for_another_state_is_kept_and_reported(tmp_path: Path, state: str) -> None:
    p = tmp_path / "terraform.tfstate"
    sf = _state(1, serial=4)
    journal = _journal_with_entries(p, sf.lineage, 4, 89)
    before = journal.read_bytes()
    if state == "empty":
        p.write_bytes(b"")
    elif state == "other serial":
        p.write_bytes(write_state_file(_state(1, serial=5)))
    elif state == "other lineage":
        p.write_bytes(write_state_file(_state(1, lineage="7d1b6a3e-0000-4000-8000-000000000002", serial=4)))
    elif state == "same serial, other writer":
        # sheath committed serial 5 and crashed before writing it; terraform then wrote its own serial 5
        ours = write_state_file(_state(90, serial=5))
        FilesystemStateManager(str(p)).journal.commit(sf.lineage, 5, ours)
        before = journal.read_bytes()
        p.write_bytes(write_state_file(_state(2, serial=5)))
    mgr = FilesystemStateManager(str(p))
    info, _ = mgr.lock("OperationTypeApply")
    assert info is not None
    diags = mgr.refresh_state()
    assert diags.has_errors()
    assert diags[0].summary == "State journal does not match the state"
    assert mgr.journal.path in diags[0].detail and "89 changes" in diags[0].detail
    # no new lineage started over it, nothing written
    assert mgr.begin_journal().has_errors()
    assert mgr.persist_state().has_errors()
    assert not mgr.unlock(info.id)
    assert journal.read_bytes() == before


def test_a_journal_is_never_started_over_one_that_was_not_read(tmp_path: Path) -> None:
    p = tmp_path / "terraform.tfstate"
    journal = _journal_with_entries(p, "7d1b6a3e-0000-4000-8000-000000000009", 1, 3)
    before = journal.read_bytes()
    mgr = FilesystemStateManager(str(p))  # no refresh
    mgr.write_state(_state(1))
    assert mgr.begin_journal().has_errors()
    assert journal.read_bytes() == before


JOURNAL_DAMAGE = {
    "a corrupt line in the middle": lambda lines: lines[:3] + [b'{"op":"set","r":["","managed"'] + lines[3:],
    "a line that is not an object": lambda lines: lines[:3] + [b"[1,2,3]"] + lines[3:],
    "an unknown entry": lambda lines: lines[:3] + [b'{"op":"explode"}'] + lines[3:],
    "a resource of the wrong shape": lambda lines: lines[:3] + [b'{"op":"rm","r":"terraform_data.a","k":null}'] + lines[3:],
    "an object of the wrong shape": lambda lines: lines[:3]
    + [b'{"op":"set","r":["","managed","terraform_data","x","p"],"k":null,"d":"","o":{"status":7}}']
    + lines[3:],
    "a header of the wrong shape": lambda lines: [b'["lineage", 1]'] + lines[1:],
}


@pytest.mark.parametrize("damage", sorted(JOURNAL_DAMAGE))
def test_a_damaged_journal_is_refused_with_its_file_and_line(tmp_path: Path, damage: str) -> None:
    p = tmp_path / "terraform.tfstate"
    sf = _state(1, serial=1)
    p.write_bytes(write_state_file(sf))
    journal = _journal_with_entries(p, sf.lineage, 1, 10)
    lines = journal.read_bytes().split(b"\n")[:-1]
    damaged = b"\n".join(JOURNAL_DAMAGE[damage](lines)) + b"\n"
    journal.write_bytes(damaged)
    mgr = FilesystemStateManager(str(p))
    info, _ = mgr.lock("OperationTypeApply")
    assert info is not None
    diags = mgr.refresh_state()
    assert diags.has_errors(), damage
    line = 1 if "header" in damage else 4
    assert diags[0].summary == "Invalid state journal"
    assert f"{mgr.journal.path}, line {line}:" in diags[0].detail
    assert mgr.persist_state().has_errors()
    assert not mgr.unlock(info.id)
    assert journal.read_bytes() == damaged


def test_a_directory_in_place_of_the_journal_is_a_diagnostic(tmp_path: Path) -> None:
    p = tmp_path / "terraform.tfstate"
    p.write_bytes(write_state_file(_state(1)))
    mgr = FilesystemStateManager(str(p))
    os.mkdir(mgr.journal.path)
    diags = mgr.refresh_state()
    assert diags.has_errors() and diags[0].summary == "Invalid state journal"
    assert "is a directory" in diags[0].detail


def test_a_torn_last_journal_line_is_ignored_and_the_rest_replayed(tmp_path: Path) -> None:
    p = tmp_path / "terraform.tfstate"
    sf = _state(1, serial=1)
    p.write_bytes(write_state_file(sf))
    journal = _journal_with_entries(p, sf.lineage, 1, 5)
    with open(journal, "ab") as fh:
        fh.write(b'{"op":"set","r":["","managed","terraform_data","torn",')
    mgr = FilesystemStateManager(str(p))
    assert not mgr.refresh_state()
    names = sorted(k[3] for k in mgr.state_file().state.resources)
    assert names == ["j0", "j1", "j2", "j3", "j4", "r0"]


def test_the_next_lock_holder_writes_a_replayed_journal_into_the_state(tmp_path: Path, run_sheath: RunFn) -> None:
    """An apply was killed after journaling its changes: the next lock holder (here an apply
    with nothing left to do) writes the state with them and drops the journal."""
    (tmp_path / "main.tf").write_text(CONFIG_A)
    r = run_sheath(APPLY, tmp_path)
    assert r.returncode == 0, r.stderr
    p = tmp_path / "terraform.tfstate"
    doc = json.loads(p.read_bytes())
    journal = _journal_with_entries(p, doc["lineage"], doc["serial"], 3)
    r = run_sheath(["state", "list"], tmp_path)  # a reader sees the journal's objects, changes nothing
    assert r.stdout.split() == ["terraform_data.a", "terraform_data.j0", "terraform_data.j1", "terraform_data.j2"]
    assert journal.exists() and json.loads(p.read_bytes())["serial"] == doc["serial"]
    mgr = FilesystemStateManager(str(p))
    info, _ = mgr.lock("OperationTypeApply")
    assert info is not None
    assert not mgr.refresh_state()
    assert not mgr.unlock(info.id)
    after = json.loads(p.read_bytes())
    assert after["serial"] == doc["serial"] + 1 and after["lineage"] == doc["lineage"]
    assert sorted(r["name"] for r in after["resources"]) == ["a", "j0", "j1", "j2"]
    assert not journal.exists()


def test_apply_with_a_journal_and_no_state_keeps_the_journal(tmp_path: Path, run_sheath: RunFn) -> None:
    """The state file is gone but the journal of completed objects is there: apply refuses
    (it used to start a new lineage and delete the journal)."""
    (tmp_path / "main.tf").write_text('resource "terraform_data" "a" {\n  input = "x"\n}\n')
    p = tmp_path / "terraform.tfstate"
    journal = _journal_with_entries(p, "7d1b6a3e-0000-4000-8000-000000000009", 1, 3)
    before = journal.read_bytes()
    r = run_sheath(APPLY, tmp_path)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert "Error: State journal does not match the state" in r.stderr
    assert "Creating..." not in r.stdout
    assert journal.read_bytes() == before
    r = run_sheath(["state", "list"], tmp_path)
    assert r.returncode == 1 and "State journal does not match the state" in r.stderr


# --- 5. state terraform refuses ------------------------------------------------------------


def _good_doc() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(write_state_file(_state(1)))
    doc["resources"][0]["instances"][0]["attributes"] = {
        "id": "id-0",
        "input": {"value": "x", "type": "string"},
        "output": {"value": "x", "type": "string"},
        "triggers_replace": None,
    }
    doc["resources"][0]["name"] = "a"
    return doc


def _refused_states() -> dict[str, bytes]:
    good = _good_doc()
    text = json.dumps(good, indent=2)
    dup = json.loads(text)
    dup["resources"].append(dup["resources"][0])
    dup_inst = json.loads(text)
    dup_inst["resources"][0]["instances"].append(dup_inst["resources"][0]["instances"][0])
    return {
        "negative serial": text.replace('"serial": 1', '"serial": -1').encode(),
        "fractional serial": text.replace('"serial": 1', '"serial": 1.5').encode(),
        "serial beyond uint64": text.replace('"serial": 1', '"serial": 18446744073709551616').encode(),
        "lineage a number": text.replace(f'"lineage": "{good["lineage"]}"', '"lineage": 42').encode(),
        "lineage a bool": text.replace(f'"lineage": "{good["lineage"]}"', '"lineage": true').encode(),
        "duplicate resources": json.dumps(dup, indent=2).encode(),
        "duplicate instances": json.dumps(dup_inst, indent=2).encode(),
        "byte-order mark": b"\xef\xbb\xbf" + text.encode(),
    }


@pytest.mark.parametrize("case", sorted(_refused_states()))
def test_state_terraform_refuses_is_refused_and_never_rewritten(tmp_path: Path, case: str) -> None:
    data = _refused_states()[case]
    sf, diags = read_state_file(data)
    assert sf is None and diags.has_errors()
    p = tmp_path / "terraform.tfstate"
    p.write_bytes(data)
    mgr = FilesystemStateManager(str(p))
    assert mgr.refresh_state().has_errors()
    assert mgr.persist_state().has_errors()
    assert p.read_bytes() == data


def test_a_resource_listed_twice_with_other_instances_is_merged(tmp_path: Path) -> None:
    """terraform reads two entries of one resource with different instances as one resource."""
    doc = _good_doc()
    a = doc["resources"][0]
    first, second = json.loads(json.dumps(a)), json.loads(json.dumps(a))
    first["instances"][0]["index_key"] = 0
    second["instances"][0]["index_key"] = 1
    doc["resources"] = [first, second]
    sf, diags = read_state_file(json.dumps(doc).encode())
    assert sf is not None and not diags
    assert sf.state.instance_addresses() == ["terraform_data.a[0]", "terraform_data.a[1]"]


CONFIG_A = 'resource "terraform_data" "a" {\n  input = "x"\n}\n'


DEPRECATED_STATE_FLAG = re.compile(r"\nWarning: Deprecated flag: -state\n\n.*?\n.*?#path\n", re.S)


def _same(tf: subprocess.CompletedProcess[str], sh: subprocess.CompletedProcess[str]) -> None:
    """The same exit code and output (terraform's deprecation warning for -state, another
    part of the CLI's work, aside)."""

    def norm(s: str) -> str:
        return DEPRECATED_STATE_FLAG.sub("", s)

    assert (sh.returncode, norm(sh.stdout), norm(sh.stderr)) == (tf.returncode, norm(tf.stdout), norm(tf.stderr))


@pytest.mark.oracle
@pytest.mark.parametrize("case", sorted(_refused_states()))
def test_refused_state_diagnostics_match_terraform(
    tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn, case: str
) -> None:
    data = _refused_states()[case]
    for args in (["state", "list", "-no-color"], ["plan", "-no-color", "-input=false"], ["plan", "-no-color", "-lock=false"]):
        for tool, run in (("terraform", run_terraform), ("sheath", run_sheath)):
            d = tmp_path / tool
            shutil.rmtree(d, ignore_errors=True)
            d.mkdir()
            (d / "main.tf").write_text(CONFIG_A)
            (d / "terraform.tfstate").write_bytes(data)
        tf, sh = run_terraform(args, tmp_path / "terraform"), run_sheath(args, tmp_path / "sheath")
        assert tf.returncode == 1, (args, tf.stdout, tf.stderr)
        _same(tf, sh)
        assert (tmp_path / "sheath" / "terraform.tfstate").read_bytes() == data


@pytest.mark.oracle
@pytest.mark.parametrize("where", ["a directory", "a missing directory"])
def test_unusable_state_paths_match_terraform(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn, where: str) -> None:
    """-state naming a directory, or a file in a directory that does not exist (terraform
    creates the directory, as sheath now does)."""
    for args in (["state", "list", "-no-color"], ["plan", "-no-color", "-input=false"], ["plan", "-no-color", "-lock=false"], APPLY):
        results = []
        for tool, run in (("terraform", run_terraform), ("sheath", run_sheath)):
            d = tmp_path / tool
            shutil.rmtree(d, ignore_errors=True)
            d.mkdir()
            (d / "main.tf").write_text(CONFIG_A)
            target = "st" if where == "a directory" else "new/dir/x.tfstate"
            if where == "a directory":
                (d / "st").mkdir()
            res = run([*args, f"-state={target}"], d)
            res.stdout = res.stdout.replace("after 0s", "").split("[id=")[0]
            results.append((res, (d / target).is_file()))
        (tf, tf_file), (sh, sh_file) = results
        assert "Traceback" not in sh.stderr and "internal error" not in sh.stderr
        _same(tf, sh)
        assert sh_file == tf_file, args


# --- 6. permissions ---------------------------------------------------------------------------


def test_new_state_files_are_private_and_existing_modes_are_kept(tmp_path: Path) -> None:
    p = tmp_path / "terraform.tfstate"
    mgr = FilesystemStateManager(str(p))
    info, _ = mgr.lock("OperationTypeApply")
    assert info is not None
    assert _mode(Path(mgr.lock_info_path)) == 0o600
    assert _mode(p) == 0o600
    assert not mgr.refresh_state()
    mgr.write_state(_state(1))
    assert not mgr.begin_journal()
    assert _mode(Path(mgr.journal.path)) == 0o600
    mgr.journal.set_object(ResourceRef("", "managed", "terraform_data", "j", BUILTIN), None, _obj("j"))
    seen_pending: list[int] = []
    real = PendingCopy.write

    def spy(self: PendingCopy, data: bytes, replaces: Version | None) -> None:
        real(self, data, replaces)
        seen_pending.append(_mode(Path(self.path)))

    PendingCopy.write = spy  # type: ignore[method-assign]
    try:
        mgr.write_state(_state(2))
        assert not mgr.persist_state()
    finally:
        PendingCopy.write = real  # type: ignore[method-assign]
    assert seen_pending == [0o600]
    assert not mgr.unlock(info.id)
    assert _mode(p) == 0o600
    # existing modes are kept across writes, for the state and the backup
    os.chmod(p, 0o640)
    again = FilesystemStateManager(str(p))
    assert not again.refresh_state()
    again.write_state(_state(3))
    assert not again.persist_state()
    assert _mode(p) == 0o640
    backup = tmp_path / "terraform.tfstate.backup"
    assert _mode(backup) == 0o600
    os.chmod(backup, 0o604)
    third = FilesystemStateManager(str(p))
    assert not third.refresh_state()
    third.write_state(_state(4))
    assert not third.persist_state()
    assert _mode(backup) == 0o604 and _mode(p) == 0o640


def test_apply_keeps_a_hardened_state_file_private(tmp_path: Path, run_sheath: RunFn) -> None:
    (tmp_path / "main.tf").write_text(CONFIG_A)
    r = run_sheath(APPLY, tmp_path)
    assert r.returncode == 0, r.stderr
    p = tmp_path / "terraform.tfstate"
    assert _mode(p) == 0o600
    (tmp_path / "main.tf").write_text(CONFIG_A.replace('"x"', '"y"'))
    os.chmod(p, 0o600)
    r = run_sheath(APPLY, tmp_path)
    assert r.returncode == 0, r.stderr
    assert _mode(p) == 0o600
    assert _mode(tmp_path / "terraform.tfstate.backup") == 0o600
    # a state command's -state-out file is new: 0600 too
    r = run_sheath(["state", "mv", "-state-out=moved.tfstate", "terraform_data.a", "terraform_data.b"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert _mode(tmp_path / "moved.tfstate") == 0o600

