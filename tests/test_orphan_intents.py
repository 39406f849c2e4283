"""No orphans after a kill: every create is journaled as an intent before the provider
is asked for it, so a run killed between the provider's create and the journal entry
leaves a record of the object that may exist outside the state.

* the journal: intents, their settling by the object's entry or a settle line, a
  torn intent line, a damaged one;
* the state manager: unsettled intents are warnings naming the address, the
  provider and the identifying planned values (never sensitive ones), kept in
  ``.terraform.tfstate.intents`` after the journal is folded, until the state holds
  an object at the address;
* sheath killed (SIGKILL) exactly between local_file's create and its journal entry,
  then the next run; and kills at random moments of an apply of terraform_data and
  local_file, after each of which every file on disk is in the state or reported.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import SHEATH_CMD
from journal_kill import KILLING_SHEATH
from sheath.diag import Diagnostics, Severity
from sheath.states import InstanceObject
from sheath.states.intents import CreateIntent, IntentFile
from sheath.states.journal import Journal, ResourceRef, parse_journal
from sheath.states.statefile import StateFile, write_state_file
from sheath.states.remote import Payload, RemoteState
from sheath.states.statemgr import LockInfo
from sheath.states.statemgr.filesystem import FilesystemStateManager

LOCAL = 'provider["registry.terraform.io/hashicorp/local"]'
APPLY = ["apply", "-auto-approve", "-input=false", "-no-color"]
LINEAGE = "7d1b6a3e-0000-4000-8000-0000000000aa"


def _intent(i: int, **identity: Any) -> CreateIntent:
    return CreateIntent("", "managed", "local_file", "f", LOCAL, i, f"local_file.f[{i}]", identity=identity or {"filename": f"f{i}"})


def _ref() -> ResourceRef:
    return ResourceRef("", "managed", "local_file", "f", LOCAL)


def _state_file(tmp_path: Path) -> Path:
    sf = StateFile.new()
    sf.lineage, sf.serial = LINEAGE, 1
    path = tmp_path / "terraform.tfstate"
    path.write_bytes(write_state_file(sf))
    return path


def _journal_with(path: Path, *intents: CreateIntent, settled: tuple[int, ...] = (), created: tuple[int, ...] = ()) -> None:
    j = Journal(str(path.parent / ".terraform.tfstate.journal"))
    j.start(LINEAGE, 1)
    for i in intents:
        j.intend(i)
    for i in intents:
        if i.key in created:
            j.set_object(_ref(), i.key, InstanceObject({"id": f"id-{i.key}", "filename": f"f{i.key}"}))
        if i.key in settled or i.key in created:
            j.settle(i)
    j.close()


def _orphan_warnings(diags: Any) -> list[Any]:
    return [d for d in diags if d.summary == "Object may exist outside the state"]


# --- the journal ---------------------------------------------------------------------


def test_an_intent_is_settled_by_its_object_or_a_settle_line(tmp_path: Path) -> None:
    path = _state_file(tmp_path)
    _journal_with(path, _intent(0), _intent(1), _intent(2), settled=(1,), created=(0,))
    jr = Journal(str(tmp_path / ".terraform.tfstate.journal")).read()
    assert jr is not None and not jr.diags.has_errors()
    assert [i.address for i in jr.intents] == ["local_file.f[2]"]
    assert jr.intents[0].identity == {"filename": "f2"}
    # intents and settle lines are not state changes: only the object's entry replays
    assert [e["op"] for e in jr.entries] == ["set"]
    # the journal is private, intents and all
    assert stat.S_IMODE(os.stat(tmp_path / ".terraform.tfstate.journal").st_mode) == 0o600


def test_a_settled_intent_writes_no_settle_line(tmp_path: Path) -> None:
    path = _state_file(tmp_path)
    _journal_with(path, _intent(0), created=(0,))
    lines = (tmp_path / ".terraform.tfstate.journal").read_bytes().splitlines()
    assert [json.loads(x).get("op") for x in lines[1:]] == ["intent", "set"]


def test_a_torn_intent_line_is_no_intent_and_a_damaged_one_is_refused(tmp_path: Path) -> None:
    head = json.dumps({"lineage": LINEAGE, "serial": 1}).encode() + b"\n"
    line = json.dumps(_intent(0).entry()).encode()
    torn = parse_journal(head + line[:-5], "j")
    assert not torn.diags.has_errors() and torn.intents == []
    whole = parse_journal(head + line, "j")  # complete but for its newline
    assert [i.address for i in whole.intents] == ["local_file.f[0]"]
    bad = dict(_intent(0).entry())
    del bad["a"]
    damaged = parse_journal(head + json.dumps(bad).encode() + b"\n", "j")
    assert damaged.diags.has_errors()
    assert "j, line 2" in (damaged.diags[0].detail or "")


# --- the state manager -----------------------------------------------------------------


def test_unsettled_intents_are_warnings_kept_until_the_state_holds_the_object(tmp_path: Path) -> None:
    path = _state_file(tmp_path)
    _journal_with(path, _intent(0), _intent(1, filename="out/1.txt", file_permission="0777"), created=(0,))
    mgr = FilesystemStateManager(str(path))
    info, d = mgr.lock("OperationTypePlan")
    assert info is not None, d
    diags = mgr.refresh_state()
    assert not diags.has_errors()
    [w] = _orphan_warnings(diags)
    assert w.severity is Severity.WARNING
    detail = w.detail or ""
    assert "local_file.f[1]" in detail and LOCAL in detail
    assert 'filename        = "out/1.txt"' in detail and 'file_permission = "0777"' in detail
    assert "sheath import 'local_file.f[1]'" in detail and "import block" in detail
    # the journal was folded into the state; the intent outlives it, privately
    assert not (tmp_path / ".terraform.tfstate.journal").exists()
    record = tmp_path / ".terraform.tfstate.intents"
    assert stat.S_IMODE(os.stat(record).st_mode) == 0o600
    assert [json.loads(x)["a"] for x in record.read_bytes().splitlines()] == ["local_file.f[1]"]
    assert mgr.state_file().state.resource("", "managed", "local_file", "f") is not None
    mgr.unlock(info.id)

    # reported again by the next run, while nothing is at local_file.f[1]
    again = FilesystemStateManager(str(path))
    assert len(_orphan_warnings(again.refresh_state())) == 1

    # once the state holds an object there (adopted by import, or created again), it goes
    mgr = FilesystemStateManager(str(path))
    info, _ = mgr.lock("OperationTypeApply")
    assert info is not None
    assert len(_orphan_warnings(mgr.refresh_state())) == 1
    sr = mgr.state_file().state.resource("", "managed", "local_file", "f")
    assert sr is not None
    from sheath.states import ResourceInstance

    sr.instances[1] = ResourceInstance(1, current=InstanceObject({"id": "id-1", "filename": "out/1.txt"}))
    assert not mgr.persist_state().has_errors()
    mgr.unlock(info.id)
    assert not record.exists()
    assert _orphan_warnings(FilesystemStateManager(str(path)).refresh_state()) == []


def test_reading_without_the_lock_reports_and_changes_nothing(tmp_path: Path) -> None:
    path = _state_file(tmp_path)
    _journal_with(path, _intent(3))
    before = sorted(os.listdir(tmp_path))
    loaded = FilesystemStateManager(str(path)).load()
    assert [w.detail and "local_file.f[3]" in w.detail for w in _orphan_warnings(loaded.diags)] == [True]
    assert sorted(os.listdir(tmp_path)) == before


def test_a_damaged_intents_file_is_a_warning_and_left_alone(tmp_path: Path) -> None:
    path = _state_file(tmp_path)
    record = tmp_path / ".terraform.tfstate.intents"
    record.write_bytes(b'{"op":"intent"\n')
    diags = FilesystemStateManager(str(path)).refresh_state()
    assert not diags.has_errors()
    assert [d.summary for d in diags] == ["Invalid record of possibly orphaned objects"]
    assert record.read_bytes() == b'{"op":"intent"\n'
    assert IntentFile(str(record)).read()[0] is None


def test_a_create_that_raised_is_kept_for_the_next_run(tmp_path: Path) -> None:
    """No kill: the provider call raised, so no result settled the intent; the journal goes
    with the state write, the intent does not."""
    path = _state_file(tmp_path)
    mgr = FilesystemStateManager(str(path))
    info, _ = mgr.lock("OperationTypeApply")
    assert info is not None
    assert not mgr.refresh_state().has_errors()
    assert not mgr.begin_journal().has_errors()
    mgr.journal.intend(_intent(5))
    assert not mgr.persist_state().has_errors()
    mgr.unlock(info.id)
    assert not (tmp_path / ".terraform.tfstate.journal").exists()
    assert len(_orphan_warnings(FilesystemStateManager(str(path)).refresh_state())) == 1


class MemoryClient:
    """A remote store of one document, for RemoteState."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def get(self) -> tuple[Payload | None, Diagnostics]:
        return Payload(self.data), Diagnostics()

    def put(self, data: bytes) -> Diagnostics:
        self.data = data
        return Diagnostics()

    def delete(self) -> Diagnostics:
        return Diagnostics()

    def lock(self, info: LockInfo, timeout: float) -> Diagnostics:
        return Diagnostics()

    def unlock(self, lock_id: str) -> Diagnostics:
        return Diagnostics()


def test_a_remote_state_reports_and_keeps_unsettled_intents(tmp_path: Path) -> None:
    """The journal of a remote state is local; its unsettled intents are kept beside it."""
    sf = StateFile.new()
    sf.lineage, sf.serial = LINEAGE, 1
    client = MemoryClient(write_state_file(sf))
    journal = tmp_path / "s3-bucket-key.journal"
    j = Journal(str(journal))
    j.start(LINEAGE, 1)
    j.intend(_intent(0))
    j.intend(_intent(1))
    j.set_object(_ref(), 0, InstanceObject({"id": "id-0", "filename": "f0"}))
    j.close()

    mgr = RemoteState(client, "default", str(journal))
    info, _ = mgr.lock("OperationTypeApply")
    assert info is not None
    [w] = _orphan_warnings(mgr.refresh_state())
    assert "local_file.f[1]" in (w.detail or "")
    assert not mgr.persist_state().has_errors()
    mgr.unlock(info.id)
    assert not journal.exists()
    record = tmp_path / "s3-bucket-key.journal.intents"
    assert [json.loads(x)["a"] for x in record.read_bytes().splitlines()] == ["local_file.f[1]"]
    assert stat.S_IMODE(os.stat(record).st_mode) == 0o600

    again = RemoteState(client, "default", str(journal))
    assert len(_orphan_warnings(again.refresh_state())) == 1


# --- sheath killed between the provider's create and the journal entry -------------------

LOCAL_FILES = """
resource "local_file" "f" {
  count    = 3
  filename = "${path.module}/out/f${count.index}.txt"
  content  = "hello ${count.index}\\n"
}

resource "local_sensitive_file" "s" {
  filename = "${path.module}/out/secret.txt"
  content  = "hunter2"
}
"""



def _sheath(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SHEATH_CMD, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def _killed_at_f1(tmp_path: Path, env: dict[str, str]) -> None:
    """Apply LOCAL_FILES one at a time, killed once local_file.f[1] is created, before its entry."""
    (tmp_path / "main.tf").write_text(LOCAL_FILES)
    init = _sheath(["init", "-no-color"], tmp_path, env)
    assert init.returncode == 0, init.stderr
    killed = subprocess.run(
        [sys.executable, "-c", KILLING_SHEATH, *APPLY, "-parallelism=1"],
        cwd=tmp_path,
        env=dict(env, KILL_AT="f1.txt"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    # the provider created the file; nothing but the intent knows about it
    assert (tmp_path / "out" / "f1.txt").read_text() == "hello 1\n"


def test_kill_between_create_and_journal_is_reported_next_run(tmp_path: Path, oracle_env: dict[str, str]) -> None:
    _killed_at_f1(tmp_path, oracle_env)
    loaded = FilesystemStateManager(str(tmp_path / "terraform.tfstate")).load()
    assert loaded.state is not None
    sr = loaded.state.state.resource("", "managed", "local_file", "f")
    assert sr is not None and set(sr.instances) == {0}

    # the next run (plan, which takes the lock) folds the journal and keeps the intent
    plan = _sheath(["plan", "-no-color"], tmp_path, oracle_env)
    assert plan.returncode == 0, plan.stderr
    assert not (tmp_path / ".terraform.tfstate.journal").exists()
    record = tmp_path / ".terraform.tfstate.intents"
    assert [json.loads(x)["a"] for x in record.read_bytes().splitlines()] == ["local_file.f[1]"]
    assert "hunter2" not in record.read_text()
    # and what every run reads reports it, and nothing else
    [w] = _orphan_warnings(FilesystemStateManager(str(tmp_path / "terraform.tfstate")).refresh_state())
    assert "local_file.f[1]" in (w.detail or "") and LOCAL in (w.detail or "")
    assert re.search(r'\n  filename +?= "\./out/f1\.txt"\n', w.detail or "")

    # the next apply creates local_file.f[1] (the same file): the state holds it, the record goes
    done = _sheath(APPLY, tmp_path, oracle_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not record.exists()
    assert "Object may exist outside the state" not in _sheath(["plan", "-no-color"], tmp_path, oracle_env).stdout


def test_the_next_plan_prints_the_warning(tmp_path: Path, oracle_env: dict[str, str]) -> None:
    _killed_at_f1(tmp_path, oracle_env)
    plan = _sheath(["plan", "-no-color"], tmp_path, oracle_env)
    assert plan.returncode == 0, plan.stderr
    out = plan.stdout + plan.stderr
    assert "Object may exist outside the state" in out
    assert "local_file.f[1]" in out and re.search(r'filename +?= "\./out/f1\.txt"', out)
    assert "hunter2" not in out


def test_a_sensitive_planned_value_never_reaches_the_intent(tmp_path: Path, oracle_env: dict[str, str]) -> None:
    (tmp_path / "main.tf").write_text(LOCAL_FILES)
    assert _sheath(["init", "-no-color"], tmp_path, oracle_env).returncode == 0
    env = dict(oracle_env, KILL_AT="secret.txt")
    killed = subprocess.run(
        [sys.executable, "-c", KILLING_SHEATH, *APPLY, "-parallelism=1"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    jr = Journal(str(tmp_path / ".terraform.tfstate.journal")).read()
    assert jr is not None
    [intent] = jr.intents
    assert intent.address == "local_sensitive_file.s"
    assert intent.identity.get("filename") == "./out/secret.txt"
    assert "content" not in intent.identity
    loaded = FilesystemStateManager(str(tmp_path / "terraform.tfstate")).load()
    [w] = _orphan_warnings(loaded.diags)
    assert "hunter2" not in (w.detail or "")


# Runs sheath with a local provider that creates local_file.f[1]'s file and then, instead of
# answering, fails as a plugin that crashed mid-call does; every other create fails normally
# (an answer: the provider's own error), creating nothing.
UNANSWERED_CREATE = """
import sys
from sheath.diag import Diagnostics, error
from sheath.providers.interface import ApplyResourceChangeResponse
from sheath.providers.native import local
apply = local.LocalFile.apply
def unanswered(self, req):
    if not str(req.planned_state.v["filename"].v).endswith("f1.txt"):
        return ApplyResourceChangeResponse(diagnostics=Diagnostics([error("Create local file error", "refused")]))
    apply(self, req)
    return ApplyResourceChangeResponse(diagnostics=Diagnostics([error("Plugin did not respond", "crashed")]))
local.LocalFile.apply = unanswered
from sheath.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_create_the_provider_never_answered_stays_reported(tmp_path: Path, oracle_env: dict[str, str]) -> None:
    """Not answered: the object may exist (it does); answered with an error: nothing to report."""
    (tmp_path / "main.tf").write_text(LOCAL_FILES.split("resource \"local_sensitive_file\"")[0])
    assert _sheath(["init", "-no-color"], tmp_path, oracle_env).returncode == 0
    failed = subprocess.run([sys.executable, "-c", UNANSWERED_CREATE, *APPLY], cwd=tmp_path, env=oracle_env, capture_output=True, text=True, timeout=300)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Plugin did not respond" in failed.stderr
    assert (tmp_path / "out" / "f1.txt").exists()
    assert not (tmp_path / ".terraform.tfstate.journal").exists()
    record = tmp_path / ".terraform.tfstate.intents"
    assert [json.loads(x)["a"] for x in record.read_bytes().splitlines()] == ["local_file.f[1]"]
    warnings = _orphan_warnings(FilesystemStateManager(str(tmp_path / "terraform.tfstate")).refresh_state())
    assert ["local_file.f[1]" in (w.detail or "") for w in warnings] == [True]


def _aws_env(aws_mirror: str, oracle_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    rc = tmp_path / "terraformrc"
    rc.write_text(
        "provider_installation {\n  filesystem_mirror {\n"
        f"    path    = {json.dumps(aws_mirror)}\n"
        '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n'
    )
    env = {k: v for k, v in oracle_env.items() if not k.startswith("AWS_")}
    env["TF_CLI_CONFIG_FILE"] = str(rc)
    return env


def _bucket_config(moto_server: str, bucket: str) -> str:
    return f"""terraform {{
  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "5.100.0"
    }}
  }}
}}

provider "aws" {{
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true
  endpoints {{
    s3  = {json.dumps(moto_server)}
    sts = {json.dumps(moto_server)}
  }}
}}

resource "aws_s3_bucket" "b" {{
  bucket = "{bucket}"
}}
"""


KILLING_AT_BUCKET = KILLING_SHEATH.replace('.get("filename", "")', '.get("bucket", "")').replace(
    '.endswith(os.environ["KILL_AT"])', ' == os.environ["KILL_AT"]'
)


@pytest.mark.oracle
def test_an_orphaned_bucket_is_reported_and_adopted_by_import(
    tmp_path: Path, aws_mirror: str, moto_server: str, oracle_env: dict[str, str]
) -> None:
    """The AWS provider creates the bucket, sheath is killed before the journal entry: the next
    run names the bucket, and importing it (as the warning says) settles the record."""
    bucket = "orphan-" + os.urandom(4).hex()
    work = tmp_path / "w"
    work.mkdir()
    env = _aws_env(aws_mirror, oracle_env, tmp_path)
    (work / "main.tf").write_text(_bucket_config(moto_server, bucket))
    init = _sheath(["init", "-input=false", "-no-color"], work, env)
    assert init.returncode == 0, init.stdout + init.stderr
    killed = subprocess.run(
        [sys.executable, "-c", KILLING_AT_BUCKET, *APPLY], cwd=work, env=dict(env, KILL_AT=bucket), capture_output=True, text=True, timeout=600
    )
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    [w] = _orphan_warnings(FilesystemStateManager(str(work / "terraform.tfstate")).refresh_state())
    detail = w.detail or ""
    assert "aws_s3_bucket.b" in detail and 'provider["registry.terraform.io/hashicorp/aws"]' in detail
    assert re.search(rf'\n  bucket +?= "{bucket}"\n', detail)
    plan = _sheath(["plan", "-input=false", "-no-color"], work, env)
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert (work / ".terraform.tfstate.intents").exists()  # the plan folded the journal, the intent stays

    imported = _sheath(["import", "-input=false", "-no-color", "aws_s3_bucket.b", bucket], work, env)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert not (work / ".terraform.tfstate.intents").exists()
    assert _orphan_warnings(FilesystemStateManager(str(work / "terraform.tfstate")).refresh_state()) == []
    after = _sheath(["plan", "-input=false", "-no-color", "-detailed-exitcode"], work, env)
    assert after.returncode == 0, after.stdout + after.stderr


# --- kills at random moments -----------------------------------------------------------


def mixed_config(data: int, files: int) -> str:
    """terraform_data chains and local_file resources; `gen` replaces every one of them."""
    blocks = ['variable "gen" {\n  type    = number\n  default = 0\n}\n']
    for i in range(data):
        blocks.append(f'resource "terraform_data" "d{i}" {{\n  input            = "d{i}"\n  triggers_replace = var.gen\n}}\n')
    blocks.append(
        f'resource "local_file" "f" {{\n  count    = {files}\n'
        '  filename = "${path.module}/out/f${count.index}.txt"\n'
        '  content  = "gen ${var.gen} file ${count.index}\\n"\n}\n'
    )
    return "\n".join(blocks)


def files_unaccounted(workdir: Path) -> list[str]:
    """The files in out/ that the state (file plus journal, as the next run reads it) does
    not hold and no reported intent names: orphans."""
    loaded = FilesystemStateManager(str(workdir / "terraform.tfstate")).load()
    assert loaded.ok, loaded.diags
    known: set[str] = set()
    if loaded.state is not None:
        sr = loaded.state.state.resource("", "managed", "local_file", "f")
        for inst in (sr.instances.values() if sr is not None else []):
            if inst.current is not None and inst.current.attributes is not None:
                known.add(str(inst.current.attributes["filename"]))
    reported = {str(w.detail) for w in _orphan_warnings(loaded.diags or [])}
    on_disk = sorted(f"./out/{n}" for n in os.listdir(workdir / "out")) if (workdir / "out").exists() else []
    return [f for f in on_disk if f not in known and not any(f'"{f}"' in r for r in reported)]


# Runs sheath killing itself (SIGKILL) just before it journals the KILL_AT_ENTRY-th object
# (of local_file only with KILL_FILES_ONLY=1): whatever the provider did for it is done.
KILLING_AT_ENTRY = """
import os, signal, sys, threading
from sheath.states import journal
count, lock = [0], threading.Lock()
only_files = os.environ.get("KILL_FILES_ONLY") == "1"
def counting(method, sets):
    def entry(self, r, *args, **kwargs):
        if not only_files or (sets and r.type == "local_file"):
            with lock:
                count[0] += 1
                if count[0] == int(os.environ["KILL_AT_ENTRY"]):
                    os.kill(os.getpid(), signal.SIGKILL)
        return method(self, r, *args, **kwargs)
    return entry
journal.Journal.set_object = counting(journal.Journal.set_object, True)
journal.Journal.remove_object = counting(journal.Journal.remove_object, False)
from sheath.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def kill_loop(workdir: Path, env: dict[str, str], data: int, files: int, kills: int, seed: int) -> None:
    """Apply and SIGKILL it, `kills` times, at a random moment of three kinds in turn: a random
    time from outside; just before a random journal entry; just before the journal entry of a
    random local_file the provider has just created (the window of issue 17's orphans, with
    every file replaced first). After each kill, every file on disk is in the state as the next
    run reads it, or reported; kills of the third kind must each leave one reported."""
    rng = random.Random(seed)
    (workdir / "main.tf").write_text(mixed_config(data, files))
    assert _sheath(["init", "-no-color"], workdir, env).returncode == 0
    t0 = time.monotonic()
    first = _sheath([*APPLY, "-var=gen=-1"], workdir, env)
    assert first.returncode == 0, first.stderr
    duration = time.monotonic() - t0
    gen = 0
    for n in range(kills):
        kind = n % 3
        if kind == 0:
            cmd, kenv = [*SHEATH_CMD, *APPLY, f"-var=gen={gen}"], env
        else:
            if kind == 2:
                gen += 1  # every file is replaced: the chosen one is surely created
            at = rng.randint(1, 2 * (data + files)) if kind == 1 else rng.randint(1, files)
            kenv = dict(env, KILL_AT_ENTRY=str(at), KILL_FILES_ONLY="1" if kind == 2 else "0")
            cmd = [sys.executable, "-c", KILLING_AT_ENTRY, *APPLY, f"-var=gen={gen}"]
        proc = subprocess.Popen(cmd, cwd=workdir, env=kenv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            proc.wait(timeout=rng.uniform(0.3 * duration, duration) if kind == 0 else 600)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode in (0, -signal.SIGKILL), err.decode(errors="replace")
        assert files_unaccounted(workdir) == []
        if kind == 2:
            assert proc.returncode == -signal.SIGKILL
            loaded = FilesystemStateManager(str(workdir / "terraform.tfstate")).load()
            assert _orphan_warnings(loaded.diags or []), "a file created before the kill is not reported"
        if proc.returncode == 0:
            gen += 1
    final = _sheath([*APPLY, f"-var=gen={gen}"], workdir, env)
    assert final.returncode == 0, final.stdout + final.stderr
    assert files_unaccounted(workdir) == []
    doc = json.loads((workdir / "terraform.tfstate").read_bytes())
    files_in_state = [i for r in doc["resources"] if r["type"] == "local_file" for i in r["instances"]]
    assert len(files_in_state) == files
    assert not (workdir / ".terraform.tfstate.intents").exists()


def test_random_kills_leave_no_unreported_object(tmp_path: Path, oracle_env: dict[str, str]) -> None:
    kill_loop(tmp_path, oracle_env, data=40, files=10, kills=6, seed=17)


@pytest.mark.slow
def test_random_kills_300_terraform_data_30_local_file(tmp_path: Path, oracle_env: dict[str, str]) -> None:
    kill_loop(tmp_path, oracle_env, data=300, files=30, kills=60, seed=4)
