"""Start a provider binary the way go-plugin's client does, and stop it.

The handshake:

1. the binary is started with the magic cookie in its environment
   (``TF_PLUGIN_MAGIC_COOKIE``), the protocol versions we speak
   (``PLUGIN_PROTOCOL_VERSIONS=5,6``), the TCP port range it may use
   (``PLUGIN_MIN_PORT``/``PLUGIN_MAX_PORT``, for platforms without unix
   sockets) and, for automatic mutual TLS, an ephemeral client certificate
   (``PLUGIN_CLIENT_CERT``, PEM);
2. it prints one line on stdout:
   ``CORE-VERSION|APP-PROTOCOL-VERSION|NETWORK|ADDRESS|PROTOCOL|SERVER-CERT``
   (e.g. ``1|5|unix|/run/user/plugin123|grpc|MIIB...``), the server certificate
   being base64 DER (standard alphabet, padding optional);
3. we dial that address over gRPC, trusting exactly that server certificate
   and presenting our client certificate (through :mod:`tlsrelay`, since
   gRPC's own TLS cannot verify go-plugin's P-521 certificates).

Stopping: go-plugin's ``plugin.GRPCController/Shutdown``, then wait for the
process to exit, then kill it as the last resort.
"""

from __future__ import annotations

import base64
import datetime
import os
import select
import subprocess
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import grpc

from sheath.providers.tfplugin.deathwatch import DeathWatch
from sheath.providers.tfplugin.logs import StderrPump
from sheath.providers.tfplugin.tlsrelay import TLSRelay

MAGIC_COOKIE_KEY: Final = "TF_PLUGIN_MAGIC_COOKIE"
MAGIC_COOKIE_VALUE: Final = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
CORE_PROTOCOL_VERSION: Final = 1
SUPPORTED_PROTOCOLS: Final = (5, 6)
MIN_PORT: Final = 10000
MAX_PORT: Final = 25000
HANDSHAKE_TIMEOUT: Final = 60.0
SHUTDOWN_TIMEOUT: Final = 2.0
# gRPC messages can be large (the AWS provider's schema is tens of MB)
MAX_MESSAGE_BYTES: Final = 256 << 20


class PluginStartError(Exception):
    """The binary could not be started or did not complete the handshake."""


@dataclass(frozen=True, slots=True)
class Handshake:
    core_version: int
    protocol_version: int
    network: str
    address: str
    protocol: str
    server_cert_der: bytes | None


def parse_handshake(line: str) -> Handshake:
    """Parse go-plugin's handshake line; ValueError when it is malformed."""
    parts = line.strip().split("|")
    if len(parts) < 4:
        raise ValueError(f"unrecognized remote plugin message: {line.strip()!r}")
    try:
        core = int(parts[0])
        proto = int(parts[1])
    except ValueError:
        raise ValueError(f"unrecognized remote plugin message: {line.strip()!r}") from None
    protocol = parts[4] if len(parts) > 4 and parts[4] else "netrpc"
    cert: bytes | None = None
    if len(parts) > 5 and parts[5]:
        b64 = parts[5]
        cert = base64.b64decode(b64 + "=" * (-len(b64) % 4))
    return Handshake(core, proto, parts[2], parts[3], protocol, cert)


@dataclass(frozen=True, slots=True)
class ClientCert:
    cert_pem: bytes
    key_pem: bytes


def generate_client_cert() -> ClientCert:
    """An ephemeral self-signed certificate for the mutual TLS handshake (as go-plugin makes)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "sheath"), x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(seconds=30))
        .not_valid_after(now + datetime.timedelta(days=365 * 30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=True,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return ClientCert(
        cert.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    )


def _der_to_pem(der: bytes) -> bytes:
    b64 = base64.encodebytes(der).replace(b"\n", b"")
    lines = [b64[i : i + 64] for i in range(0, len(b64), 64)]
    return b"-----BEGIN CERTIFICATE-----\n" + b"\n".join(lines) + b"\n-----END CERTIFICATE-----\n"


class PluginProcess:
    """A running provider process and the gRPC channel to it."""

    def __init__(
        self,
        proc: subprocess.Popen[bytes],
        handshake: Handshake,
        channel: grpc.Channel,
        stderr: StderrPump,
        executable: Path,
        relay: TLSRelay | None = None,
        watch: DeathWatch | None = None,
    ) -> None:
        self.relay = relay
        self.proc = proc
        self.watch = watch if watch is not None else DeathWatch(None)
        # if sheath exits (or drops this object) without close(), do not leave the plugin running
        self._finalizer = weakref.finalize(self, _terminate, proc, relay, self.watch)
        self.handshake = handshake
        self.channel = channel
        self.stderr = stderr
        self.executable = executable
        self._closed = False

    @property
    def protocol_version(self) -> int:
        return self.handshake.protocol_version

    @property
    def name(self) -> str:
        return self.executable.name

    def exited(self) -> bool:
        return self.proc.poll() is not None

    def crash_output(self, wait: float = 2.0) -> str:
        """The Go runtime's crash output (a panic and its stack), after giving a dying process a
        moment to finish writing it; empty when there was no crash report."""
        if wait:
            try:
                self.proc.wait(wait)
            except subprocess.TimeoutExpired:
                pass
            if self.exited():
                self.stderr.join(wait)
        return self.stderr.crash_report()

    def close(self) -> None:
        """Ask the plugin to shut down (go-plugin controller), wait, kill as a last resort."""
        if self._closed:
            return
        self._closed = True
        self._finalizer.detach()
        self.watch.disarm()
        if self.proc.poll() is None:
            try:
                from sheath.providers.tfplugin.proto import grpc_controller_pb2 as ctl
                from sheath.providers.tfplugin.proto import grpc_controller_pb2_grpc as ctl_grpc

                ctl_grpc.GRPCControllerStub(self.channel).Shutdown(ctl.Empty(), timeout=SHUTDOWN_TIMEOUT)  # type: ignore[no-untyped-call]  # generated stub
            except grpc.RpcError:
                pass
        self.channel.close()
        try:
            self.proc.wait(SHUTDOWN_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.stderr.join(1.0)
        if self.relay is not None:
            self.relay.close()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def _terminate(proc: subprocess.Popen[bytes], relay: TLSRelay | None, watch: DeathWatch) -> None:
    watch.disarm()
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    if relay is not None:
        relay.close()


def plugin_env(base: Mapping[str, str], client_cert: ClientCert | None) -> dict[str, str]:
    env = dict(base)
    env[MAGIC_COOKIE_KEY] = MAGIC_COOKIE_VALUE
    env["PLUGIN_PROTOCOL_VERSIONS"] = ",".join(str(v) for v in SUPPORTED_PROTOCOLS)
    env["PLUGIN_MIN_PORT"] = str(MIN_PORT)
    env["PLUGIN_MAX_PORT"] = str(MAX_PORT)
    if client_cert is not None:
        env["PLUGIN_CLIENT_CERT"] = client_cert.cert_pem.decode()
    else:
        env.pop("PLUGIN_CLIENT_CERT", None)
    # SHEATH_LOG asks providers for logs the way TF_LOG does for terraform
    if env.get("SHEATH_LOG") and not env.get("TF_LOG"):
        env["TF_LOG"] = env["SHEATH_LOG"]
    return env


def _read_handshake_line(proc: subprocess.Popen[bytes], timeout: float) -> str:
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    deadline = time.monotonic() + timeout
    buf = b""
    while b"\n" not in buf:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise PluginStartError(f"timeout after {timeout:.0f}s waiting for the plugin's handshake")
        ready, _, _ = select.select([fd], [], [], min(remaining, 0.5))
        if not ready:
            if proc.poll() is not None:
                raise PluginStartError(f"plugin exited before the handshake (exit status {proc.returncode})")
            continue
        chunk = os.read(fd, 4096)
        if not chunk:
            proc.wait(5)
            raise PluginStartError(f"plugin exited before the handshake (exit status {proc.returncode})")
        buf += chunk
    return buf.split(b"\n", 1)[0].decode("utf-8", "replace")


def start_plugin(executable: Path, env: Mapping[str, str] | None = None, *, auto_mtls: bool = True) -> PluginProcess:
    """Start a provider binary, complete the handshake and open the gRPC channel."""
    base = dict(os.environ if env is None else env)
    cert = generate_client_cert() if auto_mtls else None
    try:
        proc = subprocess.Popen(
            [str(executable)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=plugin_env(base, cert),
            start_new_session=True,  # a ^C to sheath reaches the provider through StopProvider, not SIGINT
        )
    except OSError as e:
        raise PluginStartError(f"failed to start {executable}: {e.strerror or e}") from None
    watch = DeathWatch.start(proc.pid)  # ends the provider if sheath is killed before it can
    assert proc.stderr is not None
    pump = StderrPump(proc.stderr, executable.name, base)
    relay: TLSRelay | None = None
    try:
        line = _read_handshake_line(proc, HANDSHAKE_TIMEOUT)
        hs = parse_handshake(line)
        if hs.core_version != CORE_PROTOCOL_VERSION:
            raise PluginStartError(f"incompatible core plugin protocol version {hs.core_version}")
        if hs.protocol_version not in SUPPORTED_PROTOCOLS:
            raise PluginStartError(f"the plugin speaks protocol version {hs.protocol_version}; sheath supports 5 and 6")
        if hs.protocol != "grpc":
            raise PluginStartError(f"the plugin offers the {hs.protocol} protocol; only grpc is supported")
        target = f"unix:{hs.address}" if hs.network == "unix" else hs.address
        options = [
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
        ]
        if hs.server_cert_der is not None and cert is not None:
            relay = TLSRelay(hs.network, hs.address, _der_to_pem(hs.server_cert_der), cert.cert_pem, cert.key_pem)
            target = relay.target
        channel = grpc.insecure_channel(target, options=options)
        grpc.channel_ready_future(channel).result(timeout=HANDSHAKE_TIMEOUT)
    except (PluginStartError, ValueError, OSError, grpc.FutureTimeoutError) as e:
        watch.disarm()
        if relay is not None:
            relay.close()
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        pump.join(1.0)
        out = pump.plain_output()
        msg = str(e) or "timeout connecting to the plugin"
        raise PluginStartError(msg + (f"\n\n{out}" if out else "")) from None
    return PluginProcess(proc, hs, channel, pump, executable, relay, watch)
