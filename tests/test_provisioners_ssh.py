"""file and remote-exec provisioners over SSH, against a real OpenSSH server started
on 127.0.0.1 (a free port, a throwaway host key and client key), side by side with
terraform 1.11.4 on the same server: the same output (paths and object ids aside),
exit codes and state, and the effects checked on disk.

Without sshd the tests skip, saying so; under SHEATH_REQUIRE_ORACLE=1 they fail.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from conftest import RunFn, need
from test_json_ui import normalise

pytestmark = pytest.mark.oracle

SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if os.path.exists("/usr/sbin/sshd") else None)


@dataclass(frozen=True)
class Server:
    port: int
    user: str
    key: Path
    host_key: str
    other_key: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    need(SSHD is not None, "sshd (the OpenSSH server: apt-get install openssh-server)")
    need(shutil.which("ssh-keygen") is not None, "ssh-keygen")
    need(shutil.which("scp") is not None, "scp (the SCP sink the provisioners' uploads talk to)")
    assert SSHD is not None
    d = tmp_path_factory.mktemp("sshd")
    for name in ("host", "client", "other"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / name)], check=True)
    (d / "authorized_keys").write_text((d / "client.pub").read_text())
    port = _free_port()
    (d / "sshd_config").write_text(
        "ListenAddress 127.0.0.1\n"
        f"HostKey {d / 'host'}\n"
        f"AuthorizedKeysFile {d / 'authorized_keys'}\n"
        f"PidFile {d / 'sshd.pid'}\n"
        "PermitRootLogin prohibit-password\n"
        "PasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\n"
        "UsePAM no\n"
        "StrictModes no\n"
    )
    if os.geteuid() == 0:
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # sshd's privilege separation directory
    log = open(d / "log", "wb")
    proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(d / "sshd_config"), "-p", str(port)], stdout=log, stderr=log)
    try:
        for _ in range(200):  # readiness, not timing: wait until the server listens
            if proc.poll() is not None:
                break
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.05)
        need(proc.poll() is None, f"a running sshd: {(d / 'log').read_text()}")
        yield Server(
            port, getpass.getuser(), d / "client", (d / "host.pub").read_text().strip(), (d / "other.pub").read_text().strip()
        )
    finally:
        proc.terminate()
        proc.wait()
        log.close()


CONFIG = """
variable "dest" {}
variable "port" {}
variable "user" {}
variable "key" {}
variable "host_key" {}

resource "terraform_data" "r" {
  # a destroy-time provisioner may refer only to self, in its connection too
  input = { word = "hello", dest = var.dest, port = var.port, user = var.user, key = var.key }

  connection {
    type        = "ssh"
    host        = "127.0.0.1"
    port        = self.input.port
    user        = self.input.user
    private_key = file(self.input.key)
    agent       = false
    script_path = "${self.input.dest}/script_%RAND%.sh"
  }

  provisioner "file" {
    content     = "content ${self.input.word}\\n"
    destination = "${var.dest}/content.txt"
  }
  provisioner "file" {
    source      = "srcdir"
    destination = "${var.dest}/dir1"
  }
  provisioner "file" {
    source      = "srcdir/"
    destination = "${var.dest}/dir2"
  }
  provisioner "file" {
    source      = "srcdir/a.txt"
    destination = "${var.dest}/single.txt"
  }
  provisioner "remote-exec" {
    inline = ["echo inline ${self.input.word}", "echo to-stderr >&2", "echo side-effect > ${var.dest}/inline.txt"]
  }
  provisioner "remote-exec" {
    script = "script.sh"
    connection {
      host_key    = var.host_key
      script_path = "${var.dest}/fixed.sh"
    }
  }
  provisioner "remote-exec" {
    when   = destroy
    inline = ["echo bye ${self.output.word} > ${self.output.dest}/bye.txt", "echo destroying"]
  }
}
"""

SCRIPT = 'echo script ran as "$0"\necho ran > "$(dirname "$0")/script-ran.txt"\n'

FAILING = """
variable "dest" {}
variable "port" {}
variable "user" {}
variable "key" {}
variable "host_key" {}

resource "terraform_data" "f" {
  connection {
    host        = "127.0.0.1"
    port        = var.port
    user        = var.user
    private_key = file(var.key)
    agent       = false
    script_path = "${var.dest}/failing.sh"
  }

  provisioner "remote-exec" {
    # the pause lets sshd pass on the pseudo-terminal's output before the exit status:
    # without it either client may, rarely, receive the status first and no output
    inline = ["echo about to fail", "sleep 0.3", "exit 3"]
  }
}
"""

ERRORS = """
variable "dest" {}
variable "port" {}
variable "user" {}
variable "key" {}
variable "host_key" {}

resource "terraform_data" "mismatch" {
  connection {
    host        = "127.0.0.1"
    port        = var.port
    user        = var.user
    private_key = file(var.key)
    agent       = false
    host_key    = var.host_key
    timeout     = "1s"
  }
  provisioner "remote-exec" {
    inline = ["echo never"]
  }
}

resource "terraform_data" "no_connection" {
  depends_on = [terraform_data.mismatch]
  provisioner "file" {
    content     = "x"
    destination = "${var.dest}/x"
  }
}

resource "terraform_data" "bad_key" {
  provisioner "file" {
    content     = "x"
    destination = "${var.dest}/nonexistent/x"
    connection {
      host        = "127.0.0.1"
      port        = var.port
      user        = var.user
      private_key = "not a key"
    }
  }
}

resource "terraform_data" "no_dir" {
  provisioner "file" {
    content     = "x"
    destination = "${var.dest}/nonexistent/dir/x"
    connection {
      host        = "127.0.0.1"
      port        = var.port
      user        = var.user
      private_key = file(var.key)
      agent       = false
    }
  }
}
"""

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _setup(tmp_path: Path, config: str, server: Server, host_key: str = "") -> tuple[dict[str, Path], dict[str, list[str]]]:
    dirs = {"terraform": tmp_path / "tf", "sheath": tmp_path / "sh"}
    varargs: dict[str, list[str]] = {}
    for tool, d in dirs.items():
        (d / "srcdir" / "sub").mkdir(parents=True)
        (d / "srcdir" / "a.txt").write_text("one\n")
        (d / "srcdir" / "sub" / "b.txt").write_text("two\n")
        (d / "script.sh").write_text(SCRIPT)
        (d / "main.tf").write_text(config)
        dest = tmp_path / f"remote-{tool}"
        for sub in ("", "dir1", "dir2"):
            (dest / sub).mkdir(parents=True, exist_ok=True)
        values = {"dest": str(dest), "port": str(server.port), "user": server.user, "key": str(server.key), "host_key": host_key or server.host_key}
        varargs[tool] = [a for k, v in values.items() for a in ("-var", f"{k}={v}")]
    return dirs, varargs


def _norm(text: str, tmp_path: Path) -> str:
    text = text.replace(str(tmp_path / "remote-terraform"), "<dest>").replace(str(tmp_path / "remote-sheath"), "<dest>")
    text = re.sub(r"script_\d+\.sh", "script_N.sh", _UUID.sub("<id>", text))
    text = re.sub(r"after \d+s", "after <t>", text)
    # terraform's ten-second progress lines depend on the server's speed
    return "".join(line for line in text.splitlines(keepends=True) if ": Still creating..." not in line and ": Still destroying..." not in line)


def _run_both(
    runs: dict[str, RunFn], dirs: dict[str, Path], varargs: dict[str, list[str]], args: list[str], tmp_path: Path
) -> dict[str, subprocess.CompletedProcess[str]]:
    got = {tool: runs[tool]([*args, *(varargs[tool] if args[0] != "init" else [])], dirs[tool], timeout=300) for tool in dirs}
    t, s = got["terraform"], got["sheath"]
    assert s.returncode == t.returncode, f"{args}: {s.stdout}{s.stderr}"
    if args[0] != "init" and "-json" not in args:
        assert _norm(s.stdout, tmp_path) == _norm(t.stdout, tmp_path), f"{args}\n--- terraform\n{t.stdout}\n--- sheath\n{s.stdout}"
        assert _norm(s.stderr, tmp_path) == _norm(t.stderr, tmp_path)
    return got


def _tree(root: Path) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for p in sorted(root.rglob("*")):
        mode = stat.filemode(p.stat().st_mode)
        out[str(p.relative_to(root))] = (mode, p.read_text() if p.is_file() else "")
    return out


def test_file_and_remote_exec_match_terraform(sshd: Server, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    dirs, varargs = _setup(tmp_path, CONFIG, sshd)
    runs = {"terraform": run_terraform, "sheath": run_sheath}
    _run_both(runs, dirs, varargs, ["init", "-no-color"], tmp_path)
    _run_both(runs, dirs, varargs, ["apply", "-auto-approve", "-no-color"], tmp_path)
    remote = tmp_path / "remote-sheath"
    assert (remote / "content.txt").read_text() == "content hello\n"
    assert (remote / "single.txt").read_text() == "one\n"
    assert (remote / "dir1" / "srcdir" / "sub" / "b.txt").read_text() == "two\n"
    assert (remote / "dir2" / "a.txt").read_text() == "one\n"
    assert (remote / "inline.txt").read_text() == "side-effect\n"
    assert (remote / "script-ran.txt").read_text() == "ran\n"
    assert (remote / "fixed.sh").read_text() == ""  # emptied after it ran, as terraform does
    norm = {tool: {re.sub(r"\d+", "N", k): v for k, v in _tree(tmp_path / f"remote-{tool}").items()} for tool in dirs}
    assert norm["sheath"] == norm["terraform"]
    _run_both(runs, dirs, varargs, ["destroy", "-auto-approve", "-no-color"], tmp_path)
    assert (remote / "bye.txt").read_text() == "bye hello\n"
    assert (tmp_path / "remote-terraform" / "bye.txt").read_text() == "bye hello\n"


def test_failing_remote_exec_taints_as_terraform(sshd: Server, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    dirs, varargs = _setup(tmp_path, FAILING, sshd)
    runs = {"terraform": run_terraform, "sheath": run_sheath}
    _run_both(runs, dirs, varargs, ["init", "-no-color"], tmp_path)
    _run_both(runs, dirs, varargs, ["apply", "-auto-approve", "-no-color"], tmp_path)
    for d in dirs.values():
        doc = json.loads((d / "terraform.tfstate").read_text())
        assert doc["resources"][0]["instances"][0]["status"] == "tainted"
    for d in dirs.values():
        (d / "terraform.tfstate").unlink()
    got = _run_both(runs, dirs, varargs, ["apply", "-auto-approve", "-json"], tmp_path)
    want = [d for d in normalise(_norm(got["terraform"].stdout, tmp_path), True)][1:]
    have = [d for d in normalise(_norm(got["sheath"].stdout, tmp_path), True)][1:]
    assert have == want


def test_connection_errors_match_terraform(sshd: Server, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    dirs, varargs = _setup(tmp_path, ERRORS, sshd, host_key=sshd.other_key)
    runs = {"terraform": run_terraform, "sheath": run_sheath}
    _run_both(runs, dirs, varargs, ["init", "-no-color"], tmp_path)
    got = _run_both(runs, dirs, varargs, ["apply", "-auto-approve", "-json"], tmp_path)

    def diagnostics(out: str) -> list[str]:
        docs = [json.loads(line) for line in _norm(out, tmp_path).splitlines() if line.startswith("{")]
        return sorted(json.dumps(d["diagnostic"], sort_keys=True) for d in docs if d["type"] == "diagnostic")

    assert diagnostics(got["sheath"].stdout) == diagnostics(got["terraform"].stdout)
    assert len(diagnostics(got["sheath"].stdout)) == 3  # no_connection waits for mismatch, which fails


def test_unimplemented_connection_arguments_are_errors(sshd: Server, tmp_path: Path, run_sheath: RunFn) -> None:
    config = CONFIG.replace('    agent       = false\n', '    agent       = false\n    bastion_host = "127.0.0.1"\n', 1)
    dirs, varargs = _setup(tmp_path, config, sshd)
    run_sheath(["init"], dirs["sheath"])
    r = run_sheath(["apply", "-auto-approve", "-no-color", *varargs["sheath"]], dirs["sheath"])
    assert r.returncode == 1
    assert 'does not implement "bastion_host"' in " ".join(r.stderr.split())  # refused before anything is created
    assert not (tmp_path / "remote-sheath" / "content.txt").exists()


AGENT = """
variable "dest" {}
variable "port" {}
variable "user" {}
variable "key" {}
variable "host_key" {}

resource "terraform_data" "a" {
  connection {
    host        = "127.0.0.1"
    port        = var.port
    user        = var.user
    script_path = "${var.dest}/agent.sh"
  }
  provisioner "remote-exec" {
    inline = ["echo through the agent > ${var.dest}/agent.txt"]
  }
}
"""


def test_agent_authentication_matches_terraform(
    sshd: Server, tmp_path: Path, terraform_bin: str, oracle_env: dict[str, str]
) -> None:
    """No private_key and SSH_AUTH_SOCK set: agent defaults to true, as in terraform."""
    need(shutil.which("ssh-agent") is not None and shutil.which("ssh-add") is not None, "ssh-agent and ssh-add")
    sock = tmp_path / "agent.sock"
    agent = subprocess.Popen(["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        env = dict(oracle_env, SSH_AUTH_SOCK=str(sock))
        for _ in range(200):  # readiness: the socket appears when the agent listens
            if sock.exists():
                break
            time.sleep(0.05)
        subprocess.run(["ssh-add", "-q", str(sshd.key)], env=env, check=True, capture_output=True)
        dirs, varargs = _setup(tmp_path, AGENT, sshd)
        cmds = {"terraform": [terraform_bin], "sheath": [sys.executable, "-m", "sheath"]}
        got = {}
        for tool, d in dirs.items():
            subprocess.run([*cmds[tool], "init"], cwd=d, env=env, capture_output=True, check=True)
            got[tool] = subprocess.run(
                [*cmds[tool], "apply", "-auto-approve", "-no-color", *varargs[tool]], cwd=d, env=env, capture_output=True, text=True, timeout=300
            )
        assert got["sheath"].returncode == got["terraform"].returncode == 0, got["sheath"].stderr
        assert _norm(got["sheath"].stdout, tmp_path) == _norm(got["terraform"].stdout, tmp_path)
        assert "SSH Agent: true" in got["sheath"].stdout
        assert (tmp_path / "remote-sheath" / "agent.txt").read_text() == "through the agent\n"
    finally:
        agent.terminate()
        agent.wait()
