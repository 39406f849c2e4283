"""The SSH communicator's password and keyboard-interactive authentication, and its
errors, against an in-process SSH server on 127.0.0.1 (paramiko's server side):
the OpenSSH server the other provisioner tests start accepts only keys."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from typing import Iterator

import paramiko
import pytest

from sheath.provisioners.communicator import CommunicatorError, ConnectionInfo
from sheath.provisioners.ssh import Communicator

PASSWORD = "s3cret"


class _Server(paramiko.ServerInterface):
    def __init__(self, methods: str) -> None:
        self.methods = methods
        self.commands: list[bytes] = []
        self.exec_requested = threading.Event()

    def get_allowed_auths(self, username: str) -> str:
        return self.methods

    def check_auth_password(self, username: str, password: str) -> int:
        ok = "password" in self.methods and username == "deploy" and password == PASSWORD
        return paramiko.AUTH_SUCCESSFUL if ok else paramiko.AUTH_FAILED

    def check_auth_interactive(self, username: str, submethods: str) -> paramiko.InteractiveQuery | int:
        if "keyboard-interactive" not in self.methods:
            return paramiko.AUTH_FAILED
        q = paramiko.InteractiveQuery("", "")
        q.add_prompt("Password: ", False)
        return q

    def check_auth_interactive_response(self, responses: list[str]) -> int:
        return paramiko.AUTH_SUCCESSFUL if list(responses) == [PASSWORD] else paramiko.AUTH_FAILED

    def check_channel_request(self, kind: str, chanid: int) -> int:
        return paramiko.OPEN_SUCCEEDED

    def check_channel_pty_request(self, *args: object) -> bool:
        return True

    def check_channel_exec_request(self, channel: paramiko.Channel, command: bytes) -> bool:
        self.commands.append(command)
        self.exec_requested.set()
        return True


def _answer(t: paramiko.Transport, server: _Server) -> None:
    """Each session: once its command has been asked for (and acknowledged), answer it."""
    while True:
        chan = t.accept(30)
        if chan is None:
            return
        server.exec_requested.wait(30)
        server.exec_requested.clear()
        command = server.commands.pop(0)
        chan.sendall(b"ran: " + command.strip() + b"\r\nsecond line\r\n")
        chan.send_exit_status(0 if b"fail" not in command else 4)
        chan.close()


@dataclass
class _Listener:
    port: int
    methods: str
    host_key: paramiko.PKey
    stop: threading.Event = field(default_factory=threading.Event)


@pytest.fixture(params=["password", "keyboard-interactive"])
def server(request: pytest.FixtureRequest) -> Iterator[_Listener]:
    host_key = paramiko.Ed25519Key.generate() if hasattr(paramiko.Ed25519Key, "generate") else paramiko.ECDSAKey.generate()
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(5)
    lsock.settimeout(0.2)
    listener = _Listener(lsock.getsockname()[1], str(request.param), host_key)
    transports: list[paramiko.Transport] = []

    def serve() -> None:
        while not listener.stop.is_set():
            try:
                conn, _ = lsock.accept()
            except OSError:
                continue
            t = paramiko.Transport(conn)
            t.add_server_key(host_key)
            srv = _Server(listener.methods)
            transports.append(t)
            try:
                t.start_server(server=srv)
            except (paramiko.SSHException, EOFError, OSError):
                continue  # a client that refused the host key hung up
            threading.Thread(target=_answer, args=(t, srv), daemon=True).start()

    th = threading.Thread(target=serve, daemon=True)
    th.start()
    yield listener
    listener.stop.set()
    th.join()
    for t in transports:
        t.close()
    lsock.close()


class _Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def output(self, msg: str) -> None:
        self.lines.append(msg)


def test_password_authentication_runs_a_command(server: _Listener) -> None:
    comm = Communicator(ConnectionInfo(host="127.0.0.1", port=server.port, user="deploy", password=PASSWORD))
    ui = _Lines()
    comm.connect(ui)
    try:
        assert ui.lines[0].splitlines()[1:4] == ["  Host: 127.0.0.1", "  User: deploy", "  Password: true"]
        assert ui.lines[-1] == "Connected!"
        out = _Lines()
        assert comm.start("/tmp/x.sh", out) == 0
        assert out.lines == ["ran: /tmp/x.sh", "second line"]
        assert comm.start("fail", _Lines()) == 4
    finally:
        comm.disconnect()


def test_wrong_password_names_the_methods_tried(server: _Listener) -> None:
    comm = Communicator(ConnectionInfo(host="127.0.0.1", port=server.port, user="deploy", password="wrong"))
    with pytest.raises(CommunicatorError) as exc:
        comm.connect(None)
    assert str(exc.value) == (
        f"SSH authentication failed (deploy@127.0.0.1:{server.port}): ssh: handshake failed: ssh: unable to "
        f"authenticate, attempted methods [none {server.methods}], no supported methods remain"
    )


def test_host_key_is_checked(server: _Listener) -> None:
    good = f"{server.host_key.get_name()} {server.host_key.get_base64()}"
    other = paramiko.ECDSAKey.generate()
    bad = f"{other.get_name()} {other.get_base64()}"
    comm = Communicator(ConnectionInfo(host="127.0.0.1", port=server.port, user="deploy", password=PASSWORD, host_key=good))
    comm.connect(None)
    comm.disconnect()
    comm = Communicator(ConnectionInfo(host="127.0.0.1", port=server.port, user="deploy", password=PASSWORD, host_key=bad))
    with pytest.raises(CommunicatorError, match="knownhosts: key mismatch"):
        comm.connect(None)
