"""Route a provider process's stderr into Python logging (logger ``sheath.provider``).

Providers write hclog lines to stderr: JSON objects (``{"@level": "debug",
"@message": ..., "@module": ...}``) when the plugin SDK's JSON logging is on,
plain text otherwise, and the Go runtime writes panics there as plain text.
Each line becomes a log record at the line's level, but only when the log
level asked for with ``SHEATH_LOG`` (or ``TF_LOG``) lets it through: with
neither set nothing is logged, so nothing reaches the terminal by default.

The most recent plain-text output (from the last panic or fatal error line
on, if any) is kept so a crash can be reported with its panic message and stack.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import deque
from collections.abc import Mapping
from typing import IO, Final

LOGGER_NAME: Final = "sheath.provider"

TRACE: Final = 5  # below logging.DEBUG, as hclog's trace is below debug

_LEVELS: Final = {
    "trace": TRACE,
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warn": logging.WARNING,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "json": TRACE,  # TF_LOG=JSON means trace level in JSON form
}

OFF: Final = logging.CRITICAL + 10


def log_threshold(env: Mapping[str, str]) -> int:
    """The lowest level to log, from SHEATH_LOG (preferred) or TF_LOG; OFF when neither is set."""
    raw = (env.get("SHEATH_LOG") or env.get("TF_LOG") or "").strip().lower()
    if not raw or raw == "off":
        return OFF
    return _LEVELS.get(raw, TRACE)  # an unknown non-empty value means trace, as terraform does


def _line_level(text: str, default: int) -> tuple[int, str, str, bool]:
    """(level, message, module, structured) of one stderr line."""
    if text.startswith("{"):
        try:
            obj = json.loads(text)
        except ValueError:
            obj = None
        if isinstance(obj, dict):
            lvl = _LEVELS.get(str(obj.get("@level", "")).lower(), default)
            msg = str(obj.get("@message", ""))
            extras = [f"{k}={v}" for k, v in obj.items() if not k.startswith("@")]
            if extras:
                msg = msg + " " + " ".join(extras)
            return lvl, msg, str(obj.get("@module", "")), True
    # hclog's text form: "2024-01-01T00:00:00.000Z [DEBUG] message"
    for tag, lvl in (("[TRACE]", TRACE), ("[DEBUG]", logging.DEBUG), ("[INFO]", logging.INFO), ("[WARN]", logging.WARNING), ("[ERROR]", logging.ERROR)):
        if tag in text[:64]:
            return lvl, text, "", True
    return default, text, "", False


# first lines of the Go runtime's crash output (a panic, a fatal error, a signal dump)
_CRASH_STARTS: Final = ("panic: ", "fatal error: ", "SIGQUIT", "SIGSEGV", "SIGABRT", "SIGBUS", "SIGILL", "SIGTRAP")


class StderrPump:
    """Reads a provider's stderr in a background thread, logging each line."""

    def __init__(self, stream: IO[bytes], name: str, env: Mapping[str, str], keep_lines: int = 2000) -> None:
        self._stream = stream
        self._name = name
        self._threshold = log_threshold(env)
        self._logger = logging.getLogger(LOGGER_NAME)
        self._plain: deque[str] = deque(maxlen=keep_lines)
        self._lock = threading.Lock()
        self._crashed = False
        self._thread = threading.Thread(target=self._run, name=f"stderr:{name}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        for raw in iter(self._stream.readline, b""):
            text = raw.decode("utf-8", "replace").rstrip("\r\n")
            if not text:
                with self._lock:
                    self._plain.append("")
                continue
            level, msg, module, structured = _line_level(text, logging.DEBUG)  # go-plugin logs plain stderr lines at debug
            if not structured:
                with self._lock:
                    if text.startswith(_CRASH_STARTS):
                        self._plain.clear()  # a crash report starts here; what came before is noise
                        self._crashed = True
                    self._plain.append(text)
            if level >= self._threshold and self._logger.isEnabledFor(level):
                self._logger.log(level, "%s%s: %s", self._name, f" ({module})" if module else "", msg)
        try:
            self._stream.close()
        except OSError:
            pass

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def plain_output(self) -> str:
        """Recent stderr lines that were not structured logs (e.g. a Go panic and its stack)."""
        with self._lock:
            return "\n".join(self._plain).strip("\n")

    def crash_report(self) -> str:
        """The Go runtime's crash output (from its panic or fatal error line on); empty when
        the process printed none -- it was killed, or it is still running."""
        with self._lock:
            return "\n".join(self._plain).strip("\n") if self._crashed else ""
