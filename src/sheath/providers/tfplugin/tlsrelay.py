"""A local relay that carries gRPC's plaintext HTTP/2 to the plugin over mutual TLS.

go-plugin's automatic mTLS has the plugin make a P-521 (ECDSA with SHA-512)
server certificate. gRPC's bundled TLS library (BoringSSL) does not accept
that signature algorithm by default, so gRPC cannot dial the plugin over TLS
itself. Python's ``ssl`` module (OpenSSL) can: the relay listens on a unix
socket in a private directory (mode 0700), and for each connection gRPC opens
there it opens a TLS connection to the plugin (verifying exactly the
certificate the plugin announced, presenting our client certificate,
ALPN ``h2``) and copies bytes both ways.
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import tempfile
import threading
from pathlib import Path


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

    def _dial(self) -> ssl.SSLSocket:
        if self._network == "unix":
            raw = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            raw.connect(self._address)
        else:
            host, _, port = self._address.rpartition(":")
            raw = socket.create_connection((host.strip("[]"), int(port)))
        return self._ctx.wrap_socket(raw, server_hostname="localhost")

    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                local, _ = self._listener.accept()
            except OSError:
                return
            try:
                remote = self._dial()
            except (OSError, ssl.SSLError):
                local.close()
                continue
            with self._lock:
                self._conns += [local, remote]
            threading.Thread(target=self._pump, args=(local, remote), daemon=True).start()
            threading.Thread(target=self._pump, args=(remote, local), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(1 << 16)
                if not data:
                    break
                dst.sendall(data)
        except (OSError, ssl.SSLError):
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except (OSError, ssl.SSLError):
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
