"""sheath ui: serve a local, read-only web page over the working directory."""

from __future__ import annotations

import os
import sys

from sheath.cli.commands._operation import Ui
from sheath.cli.flags import FlagError, FlagSpec, parse_flags
from sheath.diag import Diagnostics, error

USAGE = """Usage: sheath [global options] ui [options]

  Serves a local, read-only web page over the current working directory:
  its configuration as an interactive dependency graph, and its state with
  sensitive values masked. The page reads a JSON API under /api/ that
  scripts can use too (see docs/ui.md). It never applies; it plans only when asked.

Options:

  -port=N         The port to listen on (default 8470; 0 picks a free one).

  -listen=ADDR    The address to listen on. Without it sheath listens on
                  127.0.0.1 only; any other address must be given here.

  -open           Open the page in the default web browser.
"""

_FLAGS = [
    FlagSpec("port", "int", 8470),
    FlagSpec("listen", "string", ""),
    FlagSpec("open"),
    FlagSpec("help"),
    FlagSpec("h"),
]


def run(args: list[str]) -> int:
    from sheath.ui.server import make_server

    ui = Ui(color="-no-color" not in args)
    try:
        fl = parse_flags([a for a in args if a != "-no-color"], _FLAGS)
    except FlagError as exc:
        ui.err.write(USAGE)
        ui.err.write(f"Error parsing command-line flags: {exc}\n")
        return 1
    if fl.get_bool("help") or fl.get_bool("h"):
        sys.stdout.write(USAGE)
        return 0
    diags = Diagnostics()
    if fl.args:
        diags.append(error("Unexpected argument", "sheath ui takes no positional arguments; use -chdir= to choose the working directory."))
    port = fl.values.get("port")
    if not isinstance(port, int) or not 0 <= port <= 65535:
        diags.append(error("Invalid -port", f"-port must be a TCP port number from 0 to 65535, not {port}."))
    listen = fl.get_str("listen") or ""
    if diags.has_errors():
        ui.diagnostics(diags)
        return 1
    assert isinstance(port, int)
    srv, bad = make_server(os.getcwd(), listen or "127.0.0.1", port, explicit=bool(listen))
    if srv is None:
        if bad is not None:
            diags.append(bad)
        ui.diagnostics(diags)
        return 1
    raw_host, bound = srv.server_address[0], srv.server_address[1]
    host = raw_host.decode() if isinstance(raw_host, bytes) else str(raw_host)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{bound}/"
    ui.out.write(f"sheath ui: serving {os.getcwd()} read-only at {url} (Ctrl-C to stop)\n")
    ui.out.flush()
    if fl.get_bool("open"):
        import webbrowser

        webbrowser.open(url)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()
    return 0
