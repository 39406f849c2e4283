"""The mTLS relay between gRPC and a plugin: one TLS connection per gRPC connection,
bytes copied both ways at once without loss or reordering, the server's certificate
pinned and our client certificate presented."""

from __future__ import annotations

import hashlib
import os
import socket
import ssl
import threading
from pathlib import Path

import pytest

from sheath.providers.tfplugin.plugin import ClientCert, generate_client_cert
from sheath.providers.tfplugin.tlsrelay import TLSRelay


def _server_context(tmp: Path, server: ClientCert, client: ClientCert) -> ssl.SSLContext:
    (tmp / "s.crt").write_bytes(server.cert_pem)
    (tmp / "s.key").write_bytes(server.key_pem)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(tmp / "s.crt"), str(tmp / "s.key"))
    ctx.load_verify_locations(cadata=client.cert_pem.decode())
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.set_alpn_protocols(["h2"])
    return ctx


class _Server:
    """A TLS server on 127.0.0.1 that answers every chunk with its SHA-256, while also
    streaming a large payload back, so both directions are busy at once."""

    def __init__(self, ctx: ssl.SSLContext, payload: bytes) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.address = "127.0.0.1:%d" % self.sock.getsockname()[1]
        self.ctx = ctx
        self.payload = payload
        self.received = hashlib.sha256()
        self.peer_cert: object = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        raw, _ = self.sock.accept()
        conn = self.ctx.wrap_socket(raw, server_side=True)
        self.peer_cert = conn.getpeercert()
        # the server alone may read and write this socket: one thread, alternating
        sent = 0
        conn.setblocking(True)
        total = int.from_bytes(_read_exact(conn, 8), "big")
        got = 0
        while got < total or sent < len(self.payload):
            if sent < len(self.payload):
                conn.sendall(self.payload[sent : sent + 65536])
                sent += 65536
            if got < total:
                chunk = conn.recv(min(65536, total - got))
                if not chunk:
                    break
                self.received.update(chunk)
                got += len(chunk)
        conn.sendall(self.received.digest())
        conn.close()


def _read_exact(conn: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


def test_relay_copies_both_directions_at_once(tmp_path: Path) -> None:
    server_cert, client_cert = generate_client_cert(), generate_client_cert()
    payload = os.urandom(8 << 20)
    upload = os.urandom(6 << 20)
    server = _Server(_server_context(tmp_path, server_cert, client_cert), payload)
    relay = TLSRelay("tcp", server.address, server_cert.cert_pem, client_cert.cert_pem, client_cert.key_pem)
    try:
        local = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        local.connect(relay.path)
        received = bytearray()

        def reader() -> None:
            while True:
                chunk = local.recv(1 << 16)
                if not chunk:
                    return
                received.extend(chunk)

        t = threading.Thread(target=reader, daemon=True)
        t.start()
        local.sendall(len(upload).to_bytes(8, "big"))
        for i in range(0, len(upload), 10_000):
            local.sendall(upload[i : i + 10_000])
        t.join(60)
        assert not t.is_alive()
        assert bytes(received[: len(payload)]) == payload
        assert bytes(received[len(payload) :]) == hashlib.sha256(upload).digest()
        assert server.peer_cert is not None  # our client certificate was presented and verified
        local.close()
    finally:
        relay.close()


def test_relay_refuses_a_server_with_another_certificate(tmp_path: Path) -> None:
    announced, actual, client_cert = generate_client_cert(), generate_client_cert(), generate_client_cert()
    server_sock = socket.create_server(("127.0.0.1", 0))
    ctx = _server_context(tmp_path, actual, client_cert)

    def serve() -> None:
        raw, _ = server_sock.accept()
        with pytest.raises((ssl.SSLError, OSError)):
            ctx.wrap_socket(raw, server_side=True).recv(1)

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    relay = TLSRelay("tcp", "127.0.0.1:%d" % server_sock.getsockname()[1], announced.cert_pem, client_cert.cert_pem, client_cert.key_pem)
    try:
        local = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        local.connect(relay.path)
        local.settimeout(30)
        assert local.recv(1) == b""  # the relay closed the connection: nothing reaches gRPC
        local.close()
        t.join(30)
    finally:
        relay.close()
        server_sock.close()
