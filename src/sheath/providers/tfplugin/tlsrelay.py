"""A local relay that carries gRPC's plaintext HTTP/2 to the plugin over mutual TLS.

go-plugin's automatic mTLS has the plugin make a P-521 (ECDSA with SHA-512)
server certificate. gRPC's bundled TLS library (BoringSSL) does not accept
that signature algorithm by default, so gRPC cannot dial the plugin over TLS
itself. Python's ``ssl`` module (OpenSSL) can: the relay listens on a unix
socket in a private directory (mode 0700), and for each connection gRPC opens
there it opens a TLS connection to the plugin (verifying exactly the
certificate the plugin announced, presenting our client certificate,
ALPN ``h2``) and copies bytes both ways.

One thread serves each connection, both directions, through an in-memory
TLS object (``ssl.MemoryBIO``): an OpenSSL connection must never be read and
written from two threads at once -- doing so corrupts its state now and then
(TLS 1.3 handles session tickets and key updates inside reads), which drops
the connection and fails the call in flight as if the plugin had died.
"""

from __future__ import annotations

import os
import selectors
import shutil
import socket
import ssl
import tempfile
import threading
from pathlib import Path
from typing import Final

CHUNK: Final = 1 << 18


class TLSRelay:
    def __init__(self, network: str, address: str, server_cert_pem: bytes, client_cert_pem: bytes, client_key_pem: bytes) -> None:
        self._network = network
        self._address = address
        self._dir = Path(tempfile.mkdtemp(prefix="sheath-plugin-"))
        os.chmod(self._dir, 0o700)
        cert_file = self._dir / "client.crt"
        key_file = self._dir / "client.key"
        cert_file.write_bytes(client_cert_pem)
        key_file.write_bytes(client_key_pem)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_verify_locations(cadata=server_cert_pem.decode())
        ctx.load_cert_chain(str(cert_file), str(key_file))
        cert_file.unlink()
        key_file.unlink()
        ctx.set_alpn_protocols(["h2"])
        self._ctx = ctx
        self.path = str(self._dir / "relay.sock")
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(self.path)
        self._listener.listen(8)
        self._closed = False
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept_loop, name="tls-relay", daemon=True).start()

    @property
    def target(self) -> str:
        return f"unix:{self.path}"

    def _connect(self) -> socket.socket:
        if self._network == "unix":
            raw = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            raw.connect(self._address)
            return raw
        host, _, port = self._address.rpartition(":")
        return socket.create_connection((host.strip("[]"), int(port)))

    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                local, _ = self._listener.accept()
            except OSError:
                return
            try:
                remote = self._connect()
            except OSError:
                local.close()
                continue
            with self._lock:
                self._conns += [local, remote]
            threading.Thread(target=self._serve, args=(local, remote), name="tls-relay-conn", daemon=True).start()

    def _serve(self, local: socket.socket, remote: socket.socket) -> None:
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        tls = self._ctx.wrap_bio(incoming, outgoing, server_hostname="localhost")
        try:
            _handshake(tls, incoming, outgoing, remote)
            _copy(tls, incoming, outgoing, local, remote)
        except (OSError, ssl.SSLError, EOFError):
            pass
        for s in (local, remote):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        self._closed = True
        try:
            self._listener.close()
        except OSError:
            pass
        with self._lock:
            conns, self._conns = self._conns, []
        for c in conns:
            try:
                c.close()
            except OSError:
                pass
        shutil.rmtree(self._dir, ignore_errors=True)


def _flush(outgoing: ssl.MemoryBIO, remote: socket.socket) -> None:
    """Send what the TLS object has written (records, handshake and alert messages)."""
    data = outgoing.read()
    if data:
        remote.sendall(data)


def _handshake(tls: ssl.SSLObject, incoming: ssl.MemoryBIO, outgoing: ssl.MemoryBIO, remote: socket.socket) -> None:
    while True:
        try:
            tls.do_handshake()
            break
        except ssl.SSLWantReadError:
            _flush(outgoing, remote)
            data = remote.recv(CHUNK)
            if not data:
                raise EOFError("the plugin closed the connection during the TLS handshake") from None
            incoming.write(data)
    _flush(outgoing, remote)


def _copy(tls: ssl.SSLObject, incoming: ssl.MemoryBIO, outgoing: ssl.MemoryBIO, local: socket.socket, remote: socket.socket) -> None:
    """Plaintext from gRPC (local) goes out encrypted; records from the plugin (remote) come back
    decrypted, until either side closes."""
    with selectors.DefaultSelector() as sel:
        sel.register(local, selectors.EVENT_READ, "local")
        sel.register(remote, selectors.EVENT_READ, "remote")
        while True:
            for key, _ in sel.select():
                if key.data == "local":
                    data = local.recv(CHUNK)
                    if not data:
                        return
                    tls.write(data)
                    _flush(outgoing, remote)
                    continue
                data = remote.recv(CHUNK)
                if not data:
                    return
                incoming.write(data)
                while True:
                    try:
                        plain = tls.read(CHUNK)
                    except ssl.SSLWantReadError:
                        break
                    except ssl.SSLZeroReturnError:
                        return
                    if not plain:
                        return
                    local.sendall(plain)
                _flush(outgoing, remote)  # reading may answer (a key update)
