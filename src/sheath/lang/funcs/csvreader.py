"""A CSV reader with Go's encoding/csv semantics (as csvdecode uses it).

Fields are separated by commas, records by LF or CRLF; empty lines are
skipped; leading spaces are kept; quotes follow RFC 4180 without Go's
LazyQuotes. Errors carry the line numbers Go reports.
"""

from __future__ import annotations

ERR_FIELD_COUNT = "wrong number of fields"
ERR_BARE_QUOTE = 'bare " in non-quoted-field'
ERR_QUOTE = 'extraneous or missing " in quoted-field'


class CSVError(Exception):
    def __init__(self, line: int, err: str) -> None:
        super().__init__(f"CSV parse error on line {line}: {err}")
        self.line = line
        self.err = err


class Reader:
    __slots__ = ("lines", "pos", "num_line", "fields_per_record")

    def __init__(self, text: str) -> None:
        self.lines = _split_lf(text)
        self.pos = 0
        self.num_line = 0
        self.fields_per_record = 0

    def _read_line(self) -> str | None:
        if self.pos >= len(self.lines):
            return None
        line = self.lines[self.pos]
        self.pos += 1
        self.num_line += 1
        if line.endswith("\r\n"):
            line = line[:-2] + "\n"
        elif not line.endswith("\n") and line.endswith("\r"):
            line = line[:-1]
        return line

    def read(self) -> list[str] | None:
        """The next record, or None at the end of input."""
        rec, rec_line = self._read_record()
        if rec is None:
            return None
        if self.fields_per_record > 0:
            if len(rec) != self.fields_per_record:
                raise CSVError(rec_line, ERR_FIELD_COUNT)
        else:
            self.fields_per_record = len(rec)
        return rec

    def _read_record(self) -> tuple[list[str] | None, int]:
        while True:
            line = self._read_line()
            if line is None:
                return None, 0
            if line != "\n":
                break
        rec_line = self.num_line
        fields: list[str] = []
        while True:
            if not line.startswith('"'):
                i = line.find(",")
                field = line[:i] if i >= 0 else (line[:-1] if line.endswith("\n") else line)
                if '"' in field:
                    raise CSVError(self.num_line, ERR_BARE_QUOTE)
                fields.append(field)
                if i >= 0:
                    line = line[i + 1 :]
                    continue
                return fields, rec_line
            # quoted field
            line = line[1:]
            buf: list[str] = []
            while True:
                i = line.find('"')
                if i >= 0:
                    buf.append(line[:i])
                    line = line[i + 1 :]
                    if line.startswith('"'):
                        buf.append('"')
                        line = line[1:]
                    elif line.startswith(","):
                        line = line[1:]
                        fields.append("".join(buf))
                        break
                    elif line in ("", "\n"):
                        fields.append("".join(buf))
                        return fields, rec_line
                    else:
                        raise CSVError(self.num_line, ERR_QUOTE)
                elif line:
                    buf.append(line)
                    nxt = self._read_line()
                    if nxt is None:
                        raise CSVError(self.num_line, ERR_QUOTE)
                    line = nxt
                else:
                    raise CSVError(self.num_line, ERR_QUOTE)


def _split_lf(text: str) -> list[str]:
    out: list[str] = []
    start = 0
    while True:
        i = text.find("\n", start)
        if i < 0:
            if start < len(text):
                out.append(text[start:])
            return out
        out.append(text[start : i + 1])
        start = i + 1
