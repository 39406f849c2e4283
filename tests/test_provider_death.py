"""A provider process ends with the sheath that started it, even a sheath killed with SIGKILL
(go-plugin's client, and so terraform, leaves it running: it waits for RPCs forever).

* the watcher alone: the end of its pipe without a word kills the watched process, a
  disarmed watcher leaves it alone;
* a sheath process killed (SIGKILL) while the AWS provider it started runs: the provider ends.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import need
from sheath.providers.tfplugin.deathwatch import DeathWatch

pytestmark = pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="pidfds (Linux 5.3) are needed for the watcher")


def _gone(proc: subprocess.Popen[bytes], seconds: float = 10.0) -> bool:
    try:
        proc.wait(seconds)
    except subprocess.TimeoutExpired:
        return False
    return True


def _sleeper() -> subprocess.Popen[bytes]:
    return subprocess.Popen(["sleep", "120"], start_new_session=True)


def test_the_watcher_kills_the_process_when_its_pipe_ends_unsaid() -> None:
    sleeper = _sleeper()
    watch = DeathWatch.start(sleeper.pid)
    try:
        proc = watch._proc  # noqa: SLF001 - the test plays the killed sheath: its end of the pipe closes
        assert proc is not None and proc.stdin is not None
        proc.stdin.close()
        assert _gone(sleeper), "the watched process outlived the end of the pipe"
        assert sleeper.returncode == -signal.SIGKILL
        assert proc.wait(10) == 0
    finally:
        if sleeper.poll() is None:
            sleeper.kill()
            sleeper.wait()


def test_a_disarmed_watcher_leaves_the_process_alone() -> None:
    sleeper = _sleeper()
    try:
        watch = DeathWatch.start(sleeper.pid)
        watch.disarm()
        assert not _gone(sleeper, 1.0)
    finally:
        sleeper.kill()
        sleeper.wait()


# A process that starts the AWS provider through sheath's plugin client, prints the
# provider's pid, then kills itself with SIGKILL: nothing of sheath's own shutdown runs.
STARTS_AND_DIES = """
import os, signal, sys
from pathlib import Path
from sheath.providers.tfplugin import start_provider
provider = start_provider(Path(sys.argv[1]))
print(provider.process.proc.pid, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_killed_sheath_leaves_no_provider_running(aws_mirror: str, tmp_path: Path) -> None:
    binaries = sorted((Path(aws_mirror) / "registry.terraform.io" / "hashicorp" / "aws").glob("*/linux_amd64/terraform-provider-aws_*"))
    need(bool(binaries), f"the unpacked linux_amd64 AWS provider binary under {aws_mirror}")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_LOG", "SHEATH_LOG"))}
    env["SHEATH_CACHE_DIR"] = str(tmp_path / "cache")
    killed = subprocess.run(
        [sys.executable, "-c", STARTS_AND_DIES, str(binaries[0])], env=env, capture_output=True, text=True, timeout=120
    )
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    provider_pid = int(killed.stdout.split()[0])
    try:
        fd = os.pidfd_open(provider_pid)
    except ProcessLookupError:
        return  # ended already
    try:
        ready, _, _ = select.select([fd], [], [], 10.0)  # a pidfd is readable once its process ends
        if not ready:
            signal.pidfd_send_signal(fd, signal.SIGKILL)  # this test started it: end it before failing
        assert ready, "the provider outlived the sheath that started it"
    finally:
        os.close(fd)
