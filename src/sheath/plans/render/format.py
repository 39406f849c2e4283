"""terraform's command/format for the human plan: colour codes (mitchellh/colorstring),
``format.WordWrap`` and ``format.HorizontalRule`` at the renderer's width."""

from __future__ import annotations

import re
from typing import Final

WIDTH: Final = 78

_COLORS: Final = {
    "reset": "\x1b[0m",
    "bold": "\x1b[1m",
    "red": "\x1b[31m",
    "green": "\x1b[32m",
    "yellow": "\x1b[33m",
    "cyan": "\x1b[36m",
    "dark_gray": "\x1b[90m",
}
_CODE_RE: Final = re.compile(r"\[(reset|bold|red|green|yellow|cyan|dark_gray)\]")


class Colorize:
    """mitchellh/colorstring: [name] codes; a reset is appended when any were used."""

    __slots__ = ("enabled",)

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, s: str) -> str:
        if not self.enabled:
            return _CODE_RE.sub("", s)
        out, n = _CODE_RE.subn(lambda m: _COLORS[m.group(1)], s)
        return out + _COLORS["reset"] if n else out


def word_wrap(s: str, width: int = WIDTH) -> str:
    """format.WordWrap: greedy wrapping of each line at width columns."""
    out = []
    for line in s.split("\n"):
        if line.startswith(" "):
            out.append(line)
            continue
        words = line.split(" ")
        cur = ""
        for w in words:
            if cur and len(cur) + 1 + len(w) >= width:
                out.append(cur)
                cur = w
            else:
                cur = f"{cur} {w}" if cur else w
        out.append(cur)
    return "\n".join(out)


def horizontal_rule(col: Colorize) -> str:
    """format.HorizontalRule at the default width, as printed (with its newline)."""
    return col("[dark_gray]\n" + "\u2500" * (WIDTH - 1)) + "\n"
