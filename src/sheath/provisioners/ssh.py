"""The SSH communicator that the file and remote-exec provisioners use (terraform's
communicator/ssh), on paramiko.

As terraform's: the connection is retried (0.5 s, doubling up to 10 s) until
the connection's ``timeout`` (default 5m); authentication tries the private
key, then the password (also as keyboard-interactive), then the SSH agent's
keys; without ``host_key`` any host key is accepted, with it the server must
present exactly that key; commands run in a pseudo-terminal; files go over
the SCP protocol (``scp -vt`` on the remote host), scripts are uploaded with a
``#!/bin/sh`` line when they have none, made executable and emptied after
they ran. What sheath does not implement (bastion hosts, proxies,
certificates, ``agent_identity``, Windows targets) is refused by ``check``.
"""

from __future__ import annotations

import io
import os
import random
import shlex
import socket
from functools import partial
from typing import Any, Callable

import paramiko

from sheath.provisioners.communicator import CommunicatorError, ConnectionInfo
from sheath.provisioners.interface import UIOutput
from sheath.provisioners.output import copy_lines

DEFAULT_SHEBANG = "#!/bin/sh\n"


def _load_private_key(text: str) -> paramiko.PKey:
    if "ENCRYPTED" in text:
        raise CommunicatorError(
            "Failed to read ssh private key: password protected keys are\n"
            "not supported. Please decrypt the key prior to use.",
            fatal=True,
        )
    for cls in (paramiko.Ed25519Key, paramiko.ECDSAKey, paramiko.RSAKey):
        try:
            return cls.from_private_key(io.StringIO(text))
        except (paramiko.SSHException, ValueError, TypeError, IndexError):
            continue
    raise CommunicatorError("Failed to read ssh private key: no key found", fatal=True)


def _parse_host_key(text: str) -> tuple[str, str]:
    """The key type and base64 blob of an authorized_keys-style public key."""
    fields = text.split()
    if len(fields) < 2:
        raise CommunicatorError("knownhosts: missing key type pattern", fatal=True)
    return fields[0], fields[1]


class _Reader:
    """Byte and line reads from a channel's output (bufio.Reader's role in terraform's SCP)."""

    def __init__(self, chan: paramiko.Channel) -> None:
        self.chan = chan
        self.buf = b""

    def _fill(self) -> bool:
        data = self.chan.recv(65536)
        self.buf += data
        return bool(data)

    def read_byte(self) -> int:
        while not self.buf:
            if not self._fill():
                raise CommunicatorError("EOF")
        b = self.buf[0]
        self.buf = self.buf[1:]
        return b

    def read_line(self) -> bytes:
        while b"\n" not in self.buf:
            if not self._fill():
                line, self.buf = self.buf, b""
                return line
        line, _, self.buf = self.buf.partition(b"\n")
        return line


def _check_scp_status(r: _Reader) -> None:
    code = r.read_byte()
    if code != 0:
        raise CommunicatorError(r.read_line().decode("utf-8", errors="replace"))


class Communicator:
    def __init__(self, info: ConnectionInfo) -> None:
        self.info = info
        self.transport: paramiko.Transport | None = None
        self._key = _load_private_key(info.private_key) if info.private_key else None
        self._host_key = _parse_host_key(info.host_key) if info.host_key else None

    def timeout(self) -> float:
        return self.info.timeout

    def script_path(self) -> str:
        return self.info.script_path.replace("%RAND%", str(random.getrandbits(31)))

    # --- connecting ----------------------------------------------------------------------

    def connect(self, ui: UIOutput | None) -> None:
        info = self.info
        self.disconnect()
        if ui is not None:
            ui.output(
                "Connecting to remote host via SSH...\n"
                f"  Host: {info.host}\n"
                f"  User: {info.user}\n"
                f"  Password: {_go_bool(info.password != '')}\n"
                f"  Private key: {_go_bool(info.private_key != '')}\n"
                "  Certificate: false\n"
                f"  SSH Agent: {_go_bool(info.agent)}\n"
                f"  Checking Host Key: {_go_bool(info.host_key != '')}\n"
                f"  Target Platform: {info.target_platform}\n"
            )
        host_port = f"{info.host}:{info.port}"
        try:
            sock = socket.create_connection((info.host.strip("[]"), info.port), timeout=min(info.timeout, 15.0) or None)
        except OSError as exc:
            raise CommunicatorError(f"dial tcp {host_port}: {_dial_error(exc)}") from exc
        sock.settimeout(None)
        t = paramiko.Transport(sock)
        try:
            if self._host_key is not None:
                opts = t.get_security_options()
                wanted = self._host_key[0]
                if wanted in opts.key_types:
                    opts.key_types = [wanted] + [k for k in opts.key_types if k != wanted]
            t.start_client(timeout=max(info.timeout, 1.0))
            self._verify_host_key(t)
            self._authenticate(t)
        except CommunicatorError as exc:
            t.close()
            raise CommunicatorError(f"SSH authentication failed ({info.user}@{host_port}): {exc}", exc.fatal) from exc
        except (paramiko.SSHException, OSError, EOFError) as exc:
            t.close()
            raise CommunicatorError(f"SSH authentication failed ({info.user}@{host_port}): ssh: handshake failed: {exc}") from exc
        self.transport = t
        if ui is not None:
            ui.output("Connected!")

    def _verify_host_key(self, t: paramiko.Transport) -> None:
        if self._host_key is None:
            return
        key = t.get_remote_server_key()
        if (key.get_name(), key.get_base64()) != self._host_key:
            raise CommunicatorError("ssh: handshake failed: knownhosts: key mismatch")

    def _authenticate(self, t: paramiko.Transport) -> None:
        info = self.info
        tried = ["none"]
        try:
            t.auth_none(info.user)
            return
        except paramiko.BadAuthenticationType as exc:
            allowed = set(exc.allowed_types)
        except paramiko.AuthenticationException:
            allowed = {"publickey", "password", "keyboard-interactive"}
        keys: list[paramiko.PKey] = [self._key] if self._key is not None else []
        methods: list[tuple[str, Callable[[], Any]]] = [("publickey", partial(t.auth_publickey, info.user, k)) for k in keys]
        if info.password:

            def answers(title: str, instructions: str, prompts: list[tuple[str, bool]]) -> list[str]:
                return [info.password] * len(prompts)

            methods.append(("password", partial(t.auth_password, info.user, info.password)))
            methods.append(("keyboard-interactive", partial(t.auth_interactive, info.user, answers)))
        if info.agent:
            for ak in paramiko.Agent().get_keys():
                methods.append(("publickey", partial(t.auth_publickey, info.user, ak)))
        for name, attempt in methods:
            if name not in allowed:
                continue
            if name not in tried:
                tried.append(name)
            try:
                attempt()
            except paramiko.BadAuthenticationType as exc:
                allowed = set(exc.allowed_types)
                continue
            except paramiko.AuthenticationException:
                continue
            if t.is_authenticated():
                return
        raise CommunicatorError(
            f"ssh: handshake failed: ssh: unable to authenticate, attempted methods [{' '.join(tried)}], no supported methods remain"
        )

    def disconnect(self) -> None:
        if self.transport is not None:
            self.transport.close()
            self.transport = None

    # --- commands ------------------------------------------------------------------------

    def _session(self) -> paramiko.Channel:
        if self.transport is None or not self.transport.is_active():
            raise CommunicatorError("ssh: not connected")
        try:
            return self.transport.open_session()
        except (paramiko.SSHException, EOFError, OSError) as exc:
            raise CommunicatorError(str(exc) or type(exc).__name__) from exc

    def start(self, command: str, ui: UIOutput) -> int:
        """Run command in a pseudo-terminal, streaming its output to ui; its exit status."""
        chan = self._session()
        try:
            chan.get_pty(term="xterm", width=80, height=40)
            chan.set_combine_stderr(True)
            chan.exec_command(command.strip() + "\n")
            copy_lines(chan.recv, ui)
            return chan.recv_exit_status()
        except (paramiko.SSHException, EOFError, OSError) as exc:
            raise CommunicatorError(f"Error starting script: {exc}") from exc
        finally:
            chan.close()

    def run_quiet(self, command: str) -> tuple[int, bytes]:
        lines = _Collect()
        return self.start(command, lines), "\n".join(lines.lines).encode()

    # --- files ---------------------------------------------------------------------------

    def _scp(self, command: str, transfer: Callable[[paramiko.Channel, _Reader], None]) -> None:
        chan = self._session()
        try:
            self._scp_on(chan, command, transfer)
        except (paramiko.SSHException, EOFError, OSError) as exc:
            raise CommunicatorError(str(exc) or type(exc).__name__) from exc
        finally:
            chan.close()

    def _scp_on(self, chan: paramiko.Channel, command: str, transfer: Callable[[paramiko.Channel, _Reader], None]) -> None:
        chan.exec_command(command)
        reader = _Reader(chan)
        try:
            transfer(chan, reader)
        except CommunicatorError as exc:
            if str(exc) != "EOF":
                raise
        chan.shutdown_write()
        while chan.recv(65536):
            pass
        status = chan.recv_exit_status()
        if status == 127:
            raise CommunicatorError(
                "SCP failed to start. This usually means that SCP is not\nproperly installed on the remote system."
            )
        if status != 0:
            raise CommunicatorError(f"Process exited with status {status}")

    def upload(self, path: str, data: bytes) -> None:
        target_dir, target_file = os.path.dirname(path) or ".", os.path.basename(path)

        def transfer(chan: paramiko.Channel, r: _Reader) -> None:
            _scp_file(chan, r, target_file, data)

        self._scp(shlex.join(["scp", "-vt", target_dir]), transfer)

    def upload_script(self, path: str, data: bytes) -> None:
        if len(data) < 2:
            raise CommunicatorError("Error reading script: EOF")
        if not data.startswith(b"#!"):
            data = DEFAULT_SHEBANG.encode() + data
        self.upload(path, data)
        status, out = self.run_quiet(f"chmod 0777 {path}")
        if status != 0:
            raise CommunicatorError(
                f"Error chmodding script file to 0777 in remote machine Process exited with status {status}: "
                f"{out.decode('utf-8', errors='replace')} "
            )

    def upload_dir(self, dst: str, src: str) -> None:
        def entries(chan: paramiko.Channel, r: _Reader, root: str) -> None:
            for name in os.listdir(root):
                real = os.path.join(root, name)
                if os.path.isdir(real):
                    _scp_dir(chan, r, name, partial(entries, chan, r, real))
                else:
                    with open(real, "rb") as f:
                        _scp_file(chan, r, name, f.read())

        def transfer(chan: paramiko.Channel, r: _Reader) -> None:
            if not src.endswith("/"):
                _scp_dir(chan, r, os.path.basename(src), lambda: entries(chan, r, src))
            else:
                entries(chan, r, src)

        self._scp(shlex.join(["scp", "-rvt", dst]), transfer)


def _scp_file(chan: paramiko.Channel, r: _Reader, name: str, data: bytes) -> None:
    chan.sendall(f"C0644 {len(data)} {name}\n".encode())
    _check_scp_status(r)
    chan.sendall(data)
    chan.sendall(b"\x00")
    _check_scp_status(r)


def _scp_dir(chan: paramiko.Channel, r: _Reader, name: str, inner: Callable[[], None]) -> None:
    chan.sendall(f"D0755 0 {name}\n".encode())
    _check_scp_status(r)
    inner()
    chan.sendall(b"E\n")


class _Collect:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def output(self, msg: str) -> None:
        self.lines.append(msg)


def _go_bool(b: bool) -> str:
    return "true" if b else "false"


def _dial_error(exc: OSError) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connect: connection refused"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "i/o timeout"
    if isinstance(exc, socket.gaierror):
        return f"lookup: {exc.strerror}"
    reason = exc.strerror or str(exc)
    return f"connect: {reason[:1].lower()}{reason[1:]}"


__all__ = ["Communicator"]
