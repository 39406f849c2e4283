"""sheath fmt [options] [target...]: rewrite configuration files in canonical style.

Behaves as ``terraform fmt``: same flags, same file selection, same output
(changed file names, unified diffs, formatted stdin), same exit codes
(0 ok, 1 bad flags, 2 errors, 3 ``-check`` found unformatted input).
"""

from __future__ import annotations

import difflib
import io
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from typing import BinaryIO

from sheath.diag import Diagnostic, Diagnostics, Severity, error
from sheath.diag.render import render_diagnostic
from sheath.lang.hclwrite import format_source

HELP = """Usage: sheath [global options] fmt [options] [target...]

  Rewrites all Terraform configuration files to a canonical format. All
  configuration files (.tf), variables files (.tfvars), and testing files 
  (.tftest.hcl) are updated. JSON files (.tf.json, .tfvars.json, or 
  .tftest.json) are not modified.

  By default, fmt scans the current directory for configuration files. If you
  provide a directory for the target argument, then fmt will scan that
  directory instead. If you provide a file, then fmt will process just that
  file. If you provide a single dash ("-"), then fmt will read from standard
  input (STDIN).

  The content must be in the Terraform language native syntax; JSON is not
  supported.

Options:

  -list=false    Don't list files whose formatting differs
                 (always disabled if using STDIN)

  -write=false   Don't write to source files
                 (always disabled if using STDIN or -check)

  -diff          Display diffs of formatting changes

  -check         Check if the input is formatted. Exit status will be 0 if all
                 input is properly formatted and non-zero otherwise.

  -no-color      If specified, output won't contain any color.

  -recursive     Also process files in subdirectories. By default, only the
                 given directory (or current directory) is processed."""

SUPPORTED_EXTS = (".tf", ".tfvars", ".tftest.hcl", ".tfmock.hcl")
STDIN_ARG = "-"
STDIN_NAME = "<stdin>"

_BOOL_FLAGS = ("list", "write", "diff", "check", "recursive")
_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False"})


@dataclass
class FmtOptions:
    list: bool = True
    write: bool = True
    diff: bool = False
    check: bool = False
    recursive: bool = False
    color: bool = True


class FlagError(Exception):
    pass


def parse_flags(args: list[str]) -> tuple[FmtOptions, list[str]]:
    """Parse flags the way Go's flag package does (flags stop at the first argument)."""
    opts = FmtOptions()
    for a in args:
        if a == "--":
            break
        if a in ("-h", "-help", "--help"):
            raise FlagError("help")
    rest = []
    for a in args:
        if a == "-no-color":
            opts.color = False
        else:
            rest.append(a)
    i = 0
    while i < len(rest):
        a = rest[i]
        if len(a) < 2 or a[0] != "-":
            break
        if a == "--":
            i += 1
            break
        name = a[2:] if a.startswith("--") else a[1:]
        if not name or name[0] == "-" or name[0] == "=":
            raise FlagError(f"bad flag syntax: {a}")
        value: str | None = None
        if "=" in name:
            name, value = name.split("=", 1)
        if name in ("help", "h"):
            raise FlagError("help")
        if name not in _BOOL_FLAGS:
            raise FlagError(f"flag provided but not defined: -{name}")
        if value is None or value in _TRUE:
            setattr(opts, name, True)
        elif value in _FALSE:
            setattr(opts, name, False)
        else:
            raise FlagError(f'invalid boolean value "{value}" for -{name}: parse error')
        i += 1
    return opts, rest[i:]


def normalize_path(path: str) -> str:
    """A path relative to the working directory when possible (terraform's NormalizePath)."""
    try:
        return os.path.relpath(os.path.join(os.getcwd(), path))
    except (OSError, ValueError):
        return os.path.normpath(path)


def is_ignored_file(name: str) -> bool:
    return name.startswith(".") or name.endswith("~") or (name.startswith("#") and name.endswith("#"))


class _UiWriter:
    """Writes like terraform's UI: each chunk loses one trailing newline, then gets one."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream

    def write(self, data: bytes) -> None:
        if data.endswith(b"\n"):
            data = data[:-1]
        self.stream.write(data + b"\n")


class _Buffer:
    def __init__(self) -> None:
        self.buf = io.BytesIO()

    def write(self, data: bytes) -> None:
        self.buf.write(data)


_Writer = _UiWriter | _Buffer


def unified_diff(old: bytes, new: bytes, path: str) -> bytes:
    """`diff -u` between two versions of a file, labelled old/<path> and new/<path>."""
    diff_bin = shutil.which("diff")
    if diff_bin is not None:
        with tempfile.TemporaryDirectory() as tmp:
            f1 = os.path.join(tmp, "old")
            f2 = os.path.join(tmp, "new")
            with open(f1, "wb") as fh:
                fh.write(old)
            with open(f2, "wb") as fh:
                fh.write(new)
            proc = subprocess.run(
                [diff_bin, f"--label=old/{path}", f"--label=new/{path}", "-u", f1, f2],
                capture_output=True,
            )
            return proc.stdout + proc.stderr
    a = old.decode("utf-8", "surrogateescape").splitlines(True)
    b = new.decode("utf-8", "surrogateescape").splitlines(True)
    out: list[str] = []
    for line in difflib.unified_diff(a, b, f"old/{path}", f"new/{path}", lineterm="\n"):
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out).encode("utf-8", "surrogateescape")


@dataclass
class _Fmt:
    opts: FmtOptions
    sources: dict[str, bytes] = field(default_factory=dict)

    def process_file(self, path: str, src: bytes, out: _Writer) -> Diagnostics:
        self.sources[path] = src
        result, diags = format_source(src, path)
        if diags.has_errors():
            return diags
        opts = self.opts
        if result != src:
            if opts.list:
                out.write(path.encode("utf-8", "surrogateescape") + b"\n")
            if opts.write:
                try:
                    with open(path, "wb") as fh:
                        fh.write(result)
                except OSError:
                    return Diagnostics([error(f"Failed to write {path}")])
            if opts.diff:
                out.write(unified_diff(src, result, path))
        if not opts.list and not opts.write and not opts.diff:
            out.write(result)
        return Diagnostics()

    def _process_path_file(self, path: str, out: _Writer) -> Diagnostics:
        try:
            with open(path, "rb") as fh:
                src = fh.read()
        except OSError:
            return Diagnostics([error(f"Failed to read file {path}")])
        return self.process_file(normalize_path(path), src, out)

    def process_dir(self, path: str, out: _Writer) -> Diagnostics:
        diags = Diagnostics()
        try:
            entries = sorted(os.scandir(path), key=lambda e: e.name.encode("utf-8", "surrogateescape"))
        except FileNotFoundError:
            return Diagnostics([error(f"There is no configuration directory at {path}")])
        except OSError:
            return Diagnostics([error(f"Cannot read directory {path}")])
        for entry in entries:
            name = entry.name
            if is_ignored_file(name):
                continue
            sub = os.path.join(path, name)
            if entry.is_dir(follow_symlinks=False):
                if self.opts.recursive:
                    diags.extend(self.process_dir(sub, out))
                continue
            if name.endswith(SUPPORTED_EXTS):
                diags.extend(self._process_path_file(sub, out))
        return diags

    def run(self, paths: list[str], stdin: BinaryIO, out: _Writer) -> Diagnostics:
        diags = Diagnostics()
        if not paths:
            if self.opts.write:
                diags.add_error("Option -write cannot be used when reading from stdin")
                return diags
            return self.process_file(STDIN_NAME, stdin.read(), out)
        for p in paths:
            p = normalize_path(p)
            if not os.path.exists(p):
                diags.add_error(f"No file or directory at {p}")
                return diags
            if os.path.isdir(p):
                diags.extend(self.process_dir(p, out))
            elif p.endswith(SUPPORTED_EXTS):
                diags.extend(self._process_path_file(p, out))
            else:
                diags.add_error("Only .tf, .tfvars, and .tftest.hcl files can be processed with sheath fmt")
        return diags


def _ui_error(msg: str, color: bool) -> str:
    return f"\x1b[31m{msg}\x1b[0m\x1b[0m\n" if color else msg + "\n"


def _show_diagnostics(diags: list[Diagnostic], sources: dict[str, bytes], color: bool) -> None:
    for d in diags:
        text = render_diagnostic(d, sources, color)
        stream = sys.stderr if d.severity is Severity.ERROR else sys.stdout
        stream.write(text)
    sys.stdout.flush()
    sys.stderr.flush()


def run(args: list[str]) -> int:
    try:
        opts, rest = parse_flags(args)
    except FlagError as exc:
        color = "-no-color" not in args
        if str(exc) == "help":
            sys.stdout.write(HELP + "\n")
            return 0
        sys.stderr.write(_ui_error(HELP, color))
        sys.stderr.write(_ui_error(f"Error parsing command-line flags: {exc}\n", color))
        return 1

    paths: list[str]
    if not rest:
        paths = ["."]
    elif rest[0] == STDIN_ARG:
        paths = []
        opts.list = False
        opts.write = False
    else:
        paths = rest

    show_list = opts.list
    stdout = sys.stdout.buffer
    out: _Writer
    if opts.check:
        opts.list = True
        opts.write = False
        out = _Buffer()
    else:
        out = _UiWriter(stdout)

    fmt = _Fmt(opts)
    diags = fmt.run(paths, sys.stdin.buffer, out)
    stdout.flush()
    _show_diagnostics(diags, fmt.sources, opts.color)
    if diags.has_errors():
        return 2
    if opts.check:
        assert isinstance(out, _Buffer)
        data = out.buf.getvalue()
        if show_list and data:
            _UiWriter(stdout).write(data)
            stdout.flush()
        return 0 if not data else 3
    return 0
