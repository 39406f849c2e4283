"""The HTTP server of ``sheath ui``: the page's static files and the read-only ``/api/``.

Built on the standard library's ThreadingHTTPServer. It answers GET and HEAD, and three
POSTs: ``/api/plan`` and ``/api/drift``, the page's "Plan" and "Check drift" buttons,
which plan (never apply), and ``/api/unmanaged``, the "Scan" button, which lists the AWS
account; each only when the request carries the ``X-Sheath-UI`` header that a foreign
page cannot send without the server's consent. It reads the working
directory again whenever one of its files changed, and never applies.
"""

from __future__ import annotations

import ipaddress
import mimetypes
import os
import socket
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson

from sheath.diag import Diagnostic, error
from sheath.ui.model import WorkdirCache, graph_document, resource_document, state_document
from sheath.ui.drift import DriftChecks
from sheath.ui.history import diff_document, history_document
from sheath.ui.model import source_document
from sheath.ui.plans import FreshPlans, saved_plan_document, saved_plans
from sheath.ui.unmanaged import UnmanagedScans

DEFAULT_PORT = 8470
LOOPBACK_NAMES = frozenset(["localhost", "127.0.0.1", "::1"])


def is_loopback(host: str) -> bool:
    """Whether host names only this machine (a loopback address, or "localhost")."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_listen(host: str, explicit: bool) -> Diagnostic | None:
    """An error unless host is a loopback address or was given explicitly with -listen=."""
    if is_loopback(host) or explicit:
        return None
    return error(
        "Refusing to listen on a non-loopback address",
        f'sheath ui serves the state of this working directory; it listens on 127.0.0.1 only unless -listen="{host}" is given explicitly.',
    )


@dataclass(slots=True)
class UiApp:
    """What the request handlers need: the working directory (read again when its files
    change), and whether only loopback clients and Host headers are accepted."""

    workdir: WorkdirCache
    fresh: FreshPlans
    drift: DriftChecks
    unmanaged: UnmanagedScans
    loopback_only: bool = True


def static_file(name: str) -> bytes | None:
    """The bytes of a file shipped in sheath/ui/static, or None."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    f = resources.files("sheath.ui").joinpath("static").joinpath(name)
    try:
        return f.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


class UiServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], app: UiApp) -> None:
        self.app = app
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, UiRequestHandler)


class UiRequestHandler(BaseHTTPRequestHandler):
    server: UiServer
    server_version = "sheath-ui"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def _send(self, status: int, body: bytes, content_type: str, head: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _json(self, status: int, doc: Any, head: bool) -> None:
        self._send(status, orjson.dumps(doc), "application/json", head)

    def _allowed(self) -> bool:
        if not self.server.app.loopback_only:
            return True
        if not is_loopback(self.client_address[0]):
            return False
        host = (self.headers.get("Host") or "").strip()
        if host.startswith("["):
            name = host[1 : host.find("]")] if "]" in host else host
        else:
            name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        return is_loopback(name)  # a page of another site that resolves its name to 127.0.0.1 is refused

    def do_HEAD(self) -> None:
        self._get(head=True)

    def do_GET(self) -> None:
        self._get(head=False)

    def _refuse_method(self) -> None:
        self._json(405, {"error": "sheath ui is read-only: only GET and HEAD are answered (and POST /api/plan, /api/drift and /api/unmanaged, which plan or list)"}, False)

    do_PUT = do_DELETE = do_PATCH = _refuse_method

    def do_POST(self) -> None:
        """POST /api/plan (a plan), POST /api/drift (a refresh-only plan) and POST
        /api/unmanaged (a scan of the AWS account): made only when the request carries
        X-Sheath-UI: plan (drift, unmanaged), a header no other site's page can send here
        without a CORS preflight this server never grants."""
        path = urlsplit(self.path).path
        app = self.server.app
        actions = {"/api/plan": ("plan", app.fresh.run), "/api/drift": ("drift", app.drift.run), "/api/unmanaged": ("unmanaged", app.unmanaged.run)}
        if path not in actions:
            self._refuse_method()
            return
        if not self._allowed():
            self._json(403, {"error": "sheath ui answers loopback clients on a loopback host name only"}, False)
            return
        name, run = actions[path]
        origin = self.headers.get("Origin")
        if self.headers.get("X-Sheath-UI") != name or (origin is not None and not _loopback_origin(origin)):
            self._json(403, {"error": f"a {name} is made only when the page asks (the X-Sheath-UI: {name} header)"}, False)
            return
        self._json(200, run(), False)

    def _get(self, head: bool) -> None:
        if not self._allowed():
            self._json(403, {"error": "sheath ui answers loopback clients on a loopback host name only"}, head)
            return
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        path = url.path
        cache = self.server.app.workdir
        if path == "/api/graph":
            self._json(200, graph_document(cache.get()), head)
        elif path == "/api/state":
            self._json(200, state_document(cache.get()), head)
        elif path == "/api/resource":
            address = (query.get("address") or [""])[0]
            if not address:
                self._json(400, {"error": "the address query parameter is required"}, head)
                return
            doc = resource_document(cache.get(), address)
            if doc is None:
                self._json(404, {"error": f"no resource {address} in the configuration or the state"}, head)
            else:
                self._json(200, doc, head)
        elif path == "/api/plans":
            fresh = self.server.app.fresh.latest
            self._json(
                200,
                {"files": [p.json() for p in saved_plans(cache.root_dir)], "fresh": None if fresh is None else fresh["source"]},
                head,
            )
        elif path == "/api/plan":
            self._plan(query, head)
        elif path == "/api/plan/progress":
            self._json(200, self.server.app.fresh.progress.json(), head)
        elif path == "/api/drift/progress":
            self._json(200, self.server.app.drift.progress.json(), head)
        elif path == "/api/drift":
            latest = self.server.app.drift.latest
            if latest is None:
                self._json(404, {"error": "no drift check made yet: press Check drift (POST /api/drift)"}, head)
            else:
                self._json(200, latest, head)
        elif path == "/api/unmanaged/progress":
            self._json(200, self.server.app.unmanaged.progress.json(), head)
        elif path == "/api/unmanaged":
            latest = self.server.app.unmanaged.latest
            if latest is None:
                self._json(404, {"error": "no scan made yet: press Scan (POST /api/unmanaged)"}, head)
            else:
                self._json(200, latest, head)
        elif path == "/api/cost":
            self._cost(query, head)
        elif path == "/api/history":
            self._json(200, history_document(cache.get().backend), head)
        elif path == "/api/history/diff":
            a, b = (query.get("from") or [""])[0], (query.get("to") or [""])[0]
            if not (a.isdigit() and b.isdigit()):
                self._json(400, {"error": "the from and to query parameters are version numbers"}, head)
                return
            doc, why = diff_document(cache.get().backend, cache.root_dir, (query.get("kind") or ["state"])[0], int(a), int(b))
            self._json(404 if doc is None else 200, doc if doc is not None else {"error": why}, head)
        elif path == "/api/source":
            src = source_document(cache.get(), (query.get("file") or [""])[0])
            if src is None:
                self._json(404, {"error": "not a configuration file of the working directory"}, head)
            else:
                self._json(200, src, head)
        elif path.startswith("/api/"):
            self._json(404, {"error": f"no endpoint {path}"}, head)
        else:
            name = "index.html" if path == "/" else path.removeprefix("/static/").lstrip("/")
            body = static_file(name)
            if body is None:
                self._send(404, b"not found\n", "text/plain; charset=utf-8", head)
                return
            ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
            if ctype.startswith("text/") or ctype == "application/javascript":
                ctype += "; charset=utf-8"
            self._send(200, body, ctype, head)


    def _plan(self, query: dict[str, list[str]], head: bool) -> None:
        app = self.server.app
        name = (query.get("file") or [""])[0]
        if (query.get("fresh") or [""])[0] in ("1", "true"):
            if app.fresh.latest is None:
                self._json(404, {"error": "no plan was made yet: press Plan (POST /api/plan)"}, head)
            else:
                self._json(200, app.fresh.latest, head)
            return
        if not name:
            files = saved_plans(app.workdir.root_dir)
            if not files:
                if app.fresh.latest is not None:
                    self._json(200, app.fresh.latest, head)
                else:
                    self._json(404, {"error": "no saved plan in the working directory (sheath plan -out=FILE) and no plan made yet"}, head)
                return
            name = files[0].name
        elif name not in {p.name for p in saved_plans(app.workdir.root_dir)}:
            self._json(404, {"error": f"{name} is not a sheath plan file in the working directory"}, head)
            return
        self._json(200, saved_plan_document(app.workdir.root_dir, name), head)


    def _cost(self, query: dict[str, list[str]], head: bool) -> None:
        """The cost of the state, and of a plan: ?plan=file=NAME, ?plan=fresh=1, ?plan=none;
        by default the newest saved plan, else the latest plan made with the Plan button."""
        from sheath.ui.cost import plan_cost_document, state_cost_document

        app = self.server.app
        wd = app.workdir.get()
        backend = wd.backend
        doc = state_cost_document(app.workdir.root_dir, backend.state if backend is not None else None)
        which = (query.get("plan") or [""])[0]
        files = saved_plans(app.workdir.root_dir)
        if which == "":  # the latest plan: the newest saved plan file, else the Plan button's
            which = f"file={files[0].name}" if files else "fresh=1" if app.fresh.latest_file is not None else "none"
        name = ""
        plan_doc = None
        if which == "fresh=1":
            latest, data = app.fresh.latest, app.fresh.latest_file
            if latest is None or data is None:
                self._json(404, {"error": "no plan was made yet: press Plan (POST /api/plan)"}, head)
                return
            plan_doc = plan_cost_document(data, "the latest plan", latest["source"], verify=False, root_dir=app.workdir.root_dir)
        elif which.startswith("file="):
            name = which.removeprefix("file=")
            if name not in {p.name for p in files}:
                self._json(404, {"error": f"{name} is not a sheath plan file in the working directory"}, head)
                return
        elif which != "none":
            self._json(400, {"error": "the plan query parameter is file=NAME, fresh=1 or none"}, head)
            return
        if plan_doc is None and name:
            try:
                with open(os.path.join(app.workdir.root_dir, name), "rb") as fh:
                    data = fh.read()
            except OSError as exc:
                self._json(404, {"error": f"{name}: {exc.strerror}"}, head)
                return
            plan_doc = plan_cost_document(data, name, {"kind": "file", "name": name}, root_dir=app.workdir.root_dir)
        doc["plan_source"] = which
        doc["plan_cost"] = plan_doc
        self._json(200, doc, head)


def _loopback_origin(origin: str) -> bool:
    host = urlsplit(origin).hostname
    return host is not None and is_loopback(host)


def make_server(root_dir: str, host: str = "127.0.0.1", port: int = DEFAULT_PORT, explicit: bool = False) -> tuple[UiServer | None, Diagnostic | None]:
    """A server for root_dir bound to host:port (port 0: any free port), or the error why not."""
    bad = check_listen(host, explicit)
    if bad is not None:
        return None, bad
    try:
        srv = UiServer((host, port), UiApp(
                WorkdirCache(root_dir), FreshPlans(root_dir), DriftChecks(root_dir), UnmanagedScans(root_dir), loopback_only=is_loopback(host)
            ))
    except OSError as exc:
        return None, error("Cannot start the sheath ui server", f"Listening on {host}:{port} failed: {exc.strerror or exc}.")
    return srv, None
