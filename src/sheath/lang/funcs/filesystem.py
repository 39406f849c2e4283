"""Filesystem functions: file*, fileexists, fileset, templatefile, path helpers.

Relative paths resolve against ``FunctionContext.base_dir`` as terraform
resolves them against the module directory; path manipulation follows Go's
``path/filepath`` (Clean, Dir, Base) and ``~`` expands as go-homedir does.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import stat
from typing import Callable, Sequence

from sheath.lang.funcs.function import Function, FunctionContext, FunctionError
from sheath.lang.funcs.support import func, param
from sheath.types.cty import BOOL, DYNAMIC, STRING, FALSE, TRUE, SetType, Type, Value, string_val

_SENSITIVE = "sensitive"


# --- Go path/filepath ---------------------------------------------------------


def go_clean(p: str) -> str:
    """filepath.Clean (Unix)."""
    if p == "":
        return "."
    rooted = p.startswith("/")
    parts: list[str] = []
    for comp in p.split("/"):
        if comp == "" or comp == ".":
            continue
        if comp == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(comp)
    out = "/".join(parts)
    if rooted:
        return "/" + out
    return out or "."


def go_join(*elems: str) -> str:
    """filepath.Join: non-empty elements joined with "/", then cleaned."""
    nonempty = [e for e in elems if e]
    if not nonempty:
        return ""
    return go_clean("/".join(nonempty))


def go_rel(base: str, targ: str) -> str:
    """filepath.Rel for two paths of the same kind (both relative or both absolute)."""
    base, targ = go_clean(base), go_clean(targ)
    if base == targ:
        return "."
    bl = [] if base == "." else base.split("/")
    tl = [] if targ == "." else targ.split("/")
    i = 0
    while i < len(bl) and i < len(tl) and bl[i] == tl[i]:
        i += 1
    return "/".join([".."] * (len(bl) - i) + tl[i:]) or "."


def go_dir(p: str) -> str:
    i = p.rfind("/")
    return go_clean(p[: i + 1])


def go_base(p: str) -> str:
    if p == "":
        return "."
    p = p.rstrip("/")
    if p == "":
        return "/"
    return p[p.rfind("/") + 1 :]


def home_expand(p: str) -> str:
    """go-homedir's Expand (ValueError for ~user forms)."""
    if not p or p[0] != "~":
        return p
    if len(p) > 1 and p[1] not in "/\\":
        raise ValueError("cannot expand user-specific home dir")
    home = os.environ.get("HOME") or os.path.expanduser("~")
    return go_join(home, p[1:])


def _quote(s: str, marks: frozenset[object]) -> str:
    """terraform's redactIfSensitive for a string."""
    if _SENSITIVE in marks:
        return "(sensitive value)"
    from sheath.goquote import go_quote

    return go_quote(s)


class _Files:
    """File access relative to a base directory."""

    __slots__ = ("base_dir",)

    def __init__(self, base_dir: str) -> None:
        self.base_dir = base_dir

    def resolve(self, path: str) -> str:
        if not path.startswith("/"):
            path = go_join(self.base_dir, path)
        return go_clean(path)

    def read(self, path: str, marks: frozenset[object]) -> bytes:
        """terraform's readFileBytes."""
        try:
            expanded = home_expand(path)
        except ValueError as e:
            raise FunctionError(f"failed to expand ~: {e}") from None
        full = self.resolve(expanded)
        try:
            with open(full, "rb") as f:
                return f.read()
        except FileNotFoundError:
            raise FunctionError(
                f"no file exists at {_quote(path, marks)}; this function works only with files that are "
                "distributed as part of the configuration source code, so if this file will be created by a "
                "resource in this configuration you must instead obtain this result from an attribute of "
                "that resource",
                arg_index=0,
            ) from None
        except IsADirectoryError:
            raise FunctionError(f"failed to read file: read {full}: is a directory", arg_index=0) from None
        except OSError as e:
            raise FunctionError(_os_error("open", full, e), arg_index=0) from None
        except ValueError:  # an embedded NUL: Go's open fails with EINVAL
            raise FunctionError(f"open {full}: invalid argument", arg_index=0) from None

    def read_for_hash(self, path: str) -> bytes:
        """terraform's openFile + io.Copy."""
        try:
            expanded = home_expand(path)
        except ValueError as e:
            raise FunctionError(f"failed to expand ~: {e}") from None
        full = self.resolve(expanded)
        try:
            with open(full, "rb") as f:
                return f.read()
        except IsADirectoryError:
            raise FunctionError(f"read {full}: is a directory") from None
        except OSError as e:
            raise FunctionError(_os_error("open", full, e)) from None
        except ValueError:
            raise FunctionError(f"open {full}: invalid argument") from None


def _os_error(op: str, path: str, e: OSError) -> str:
    """A Go *PathError text: "open x: no such file or directory"."""
    reason = (e.strerror or str(e)).lower() if e.strerror else str(e)
    return f"{op} {path}: {reason}"


# --- file, filebase64, hashes ---------------------------------------------------


def _file_impl(files: _Files, as_base64: bool) -> Callable[[Sequence[Value], Type], Value]:
    def impl(args: Sequence[Value], _rt: Type) -> Value:
        pv, marks = args[0].unmark_deep()
        path = pv.as_str()
        src = files.read(path, marks)
        if as_base64:
            return string_val(base64.b64encode(src).decode()).with_marks(marks)
        try:
            text = src.decode("utf-8")
        except UnicodeDecodeError:
            raise FunctionError(
                f"contents of {_quote(path, marks)} are not valid UTF-8; use the filebase64 function to obtain "
                "the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain "
                "file hashing results instead"
            ) from None
        return string_val(text).with_marks(marks)

    return impl


_HASHES: dict[str, tuple[str, bool]] = {
    "filemd5": ("md5", False),
    "filesha1": ("sha1", False),
    "filesha256": ("sha256", False),
    "filesha512": ("sha512", False),
    "filebase64sha256": ("sha256", True),
    "filebase64sha512": ("sha512", True),
}


def _hash_impl(files: _Files, algo: str, as_base64: bool) -> Callable[[Sequence[Value], Type], Value]:
    def impl(args: Sequence[Value], _rt: Type) -> Value:
        data = files.read_for_hash(args[0].as_str())
        h = hashlib.new(algo, data)
        return string_val(base64.b64encode(h.digest()).decode() if as_base64 else h.hexdigest())

    return impl


# --- fileexists ----------------------------------------------------------------------


def _fileexists_impl(files: _Files) -> Callable[[Sequence[Value], Type], Value]:
    def impl(args: Sequence[Value], _rt: Type) -> Value:
        pv, marks = args[0].unmark_deep()
        try:
            expanded = home_expand(pv.as_str())
        except ValueError as e:
            raise FunctionError(f"failed to expand ~: {e}") from None
        full = files.resolve(expanded)
        try:
            st = os.stat(full)
        except FileNotFoundError:
            return FALSE.with_marks(marks)
        except (OSError, ValueError):
            raise FunctionError(f"failed to stat {_quote(full, marks)}") from None
        mode = st.st_mode
        if stat.S_ISREG(mode):
            return TRUE.with_marks(marks)
        name = _quote(full, marks)
        if stat.S_ISDIR(mode):
            msg = f"{name} is a directory, not a file"
        elif stat.S_ISBLK(mode) or stat.S_ISCHR(mode):
            msg = f"{name} is a device node, not a regular file"
        elif stat.S_ISFIFO(mode):
            msg = f"{name} is a named pipe, not a regular file"
        elif stat.S_ISSOCK(mode):
            msg = f"{name} is a unix domain socket, not a regular file"
        else:
            msg = f"{name} is not a regular file"
        raise FunctionError(msg, arg_index=1)

    return impl


# --- fileset -------------------------------------------------------------------------


class GlobSyntaxError(ValueError):
    pass


_META = frozenset("*?[{\\")


def _translate_component(comp: str) -> str:
    """One path component of a doublestar pattern as a regex fragment."""
    out: list[str] = []
    i, n = 0, len(comp)
    while i < n:
        c = comp[i]
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "\\":
            i += 1
            if i >= n:
                raise GlobSyntaxError()
            out.append(re.escape(comp[i]))
        elif c == "[":
            # doublestar classes: "^" negates ("!" is literal); empty classes
            # and ranges without an upper bound are syntax errors
            j = i + 1
            neg = False
            if j < n and comp[j] == "^":
                neg = True
                j += 1
            items: list[str] = []
            while True:
                if j >= n:
                    raise GlobSyntaxError()
                ch = comp[j]
                if ch == "]":
                    if not items:
                        raise GlobSyntaxError()
                    break
                if ch == "\\":
                    j += 1
                    if j >= n:
                        raise GlobSyntaxError()
                    ch = comp[j]
                lo = ch
                j += 1
                if j < n and comp[j] == "-":
                    j += 1
                    if j >= n or comp[j] == "]":
                        raise GlobSyntaxError()
                    hi = comp[j]
                    if hi == "\\":
                        j += 1
                        if j >= n:
                            raise GlobSyntaxError()
                        hi = comp[j]
                    j += 1
                    if hi < lo:
                        raise GlobSyntaxError()
                    items.append(f"{re.escape(lo)}-{re.escape(hi)}")
                else:
                    items.append(re.escape(lo))
            body = "".join(items)
            out.append(f"[^/{body}]" if neg else f"(?!/)[{body}]")
            i = j
        elif c == "{":
            depth = 0
            j = i
            alts: list[str] = []
            start = i + 1
            while j < n:
                ch = comp[j]
                if ch == "\\":
                    j += 2
                    continue
                if ch == "{":
                    depth += 1
                elif ch == "}":
                    depth -= 1
                    if depth == 0:
                        alts.append(comp[start:j])
                        break
                elif ch == "," and depth == 1:
                    alts.append(comp[start:j])
                    start = j + 1
                j += 1
            else:
                raise GlobSyntaxError()
            out.append("(?:" + "|".join(_translate_component(a) for a in alts) + ")")
            i = j
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A doublestar pattern (already cleaned, "/"-separated) as a regex."""
    comps = pattern.split("/")
    rx: list[str] = []
    last = len(comps) - 1
    for i, comp in enumerate(comps):
        if comp == "**":
            rx.append(".*" if i == last else "(?:[^/]*/)*")
        else:
            rx.append(_translate_component(comp))
            if i != last:
                rx.append("/")
    return re.compile("".join(rx) + r"\Z", re.DOTALL)


def _static_prefix(pattern: str) -> str:
    """The leading pattern components without glob metacharacters."""
    comps = pattern.split("/")
    static: list[str] = []
    for comp in comps[:-1]:
        if any(ch in _META for ch in comp):
            break
        static.append(comp)
    if pattern.startswith("/"):
        return "/" + "/".join(static[1:]) if len(static) > 1 else "/"
    return "/".join(static)


def fileset(base_dir: str, path: str, pattern: str) -> list[str]:
    """terraform's fileset: regular files matching path/pattern, relative to path."""
    if not path.startswith("/"):
        path = go_join(base_dir, path)
    full = go_join(path, pattern)
    try:
        rx = glob_regex(full)
    except GlobSyntaxError:
        from sheath.goquote import go_quote

        raise FunctionError(f"failed to glob pattern {go_quote(full)}: syntax error in pattern") from None
    root = _static_prefix(full) or "."
    matches: list[str] = []
    if not os.path.isdir(root):
        if os.path.isfile(full) and rx.match(full):
            matches.append(full)
    else:
        seen: set[tuple[int, int]] = set()
        for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
            try:
                st = os.stat(dirpath)
            except OSError:
                dirnames[:] = []
                continue
            if (st.st_dev, st.st_ino) in seen:  # a symlink cycle
                dirnames[:] = []
                continue
            seen.add((st.st_dev, st.st_ino))
            dirnames.sort()
            for name in filenames:
                p = os.path.join(dirpath, name)
                rel = p[2:] if root == "." and p.startswith("./") else p
                if rx.match(rel) and os.path.isfile(p) and stat.S_ISREG(os.stat(p).st_mode):
                    matches.append(rel)
    out: list[str] = []
    for m in matches:
        out.append(go_rel(path, m))
    return sorted(set(out))


def _fileset_impl(files: _Files) -> Callable[[Sequence[Value], Type], Value]:
    def impl(args: Sequence[Value], _rt: Type) -> Value:
        names = fileset(files.base_dir, args[0].as_str(), args[1].as_str())
        return Value(SetType(STRING), tuple(string_val(n) for n in names))

    return impl


# --- templatefile --------------------------------------------------------------------


def _source_range(text: str) -> str:
    """hcl.Range.String() (without the file name) of a whole template source."""
    end_line = text.count("\n") + 1
    end_col = len(text) - (text.rfind("\n") + 1) + 1
    if end_line == 1:
        return f"1,1-{end_col}"
    return f"1,1-{end_line},{end_col}"


def _templatefile(files: _Files, ctx: FunctionContext) -> Function:
    def render(args: Sequence[Value]) -> Value:
        pv, marks = args[0].unmark_deep()
        vars_v = args[1]
        t = vars_v.type
        if not (t.is_map() or t.is_object()):
            raise FunctionError("invalid vars value: must be a map", arg_index=1)
        path = pv.as_str()
        src = files.read(path, marks)
        try:
            text = src.decode("utf-8")
        except UnicodeDecodeError:
            raise FunctionError(
                f"contents of {_quote(path, marks)} are not valid UTF-8; use the filebase64 function to obtain "
                "the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain "
                "file hashing results instead"
            ) from None
        if ctx.render_template is None:
            raise FunctionError("template rendering is not available in this context")
        variables = dict(vars_v.attrs()) if vars_v.v is not None else {}
        result = ctx.render_template(text, path, variables)
        if result.v is None:
            raise FunctionError(
                f"{path}:{_source_range(text)}: Template result is null; The result of the template is null, "
                "which is not a valid result for a templatestring call."
            )
        return result.with_marks(marks)

    def return_type(args: Sequence[Value]) -> Type:
        if not (args[0].is_known and args[1].is_known):
            return DYNAMIC
        return render(args).type

    def impl(args: Sequence[Value], _rt: Type) -> Value:
        return render(args)

    return Function(
        name="templatefile",
        params=(param("path", STRING, allow_marked=True), param("vars", DYNAMIC)),
        return_type=return_type,
        impl=impl,
    )


# --- path functions ------------------------------------------------------------------


def _abspath(args: Sequence[Value], _rt: Type) -> Value:
    p = args[0].as_str()
    if not p.startswith("/"):
        p = go_join(os.getcwd(), p)
    return string_val(go_clean(p))


def _dirname(args: Sequence[Value], _rt: Type) -> Value:
    return string_val(go_dir(args[0].as_str()))


def _basename(args: Sequence[Value], _rt: Type) -> Value:
    return string_val(go_base(args[0].as_str()))


def _pathexpand(args: Sequence[Value], _rt: Type) -> Value:
    try:
        return string_val(home_expand(args[0].as_str()))
    except ValueError as e:
        raise FunctionError(str(e)) from None


def functions(ctx: FunctionContext) -> dict[str, Function]:
    files = _Files(ctx.base_dir)
    s = STRING
    table: dict[str, Function] = {
        "abspath": func("abspath", [param("path", s)], s, _abspath),
        "basename": func("basename", [param("path", s)], s, _basename),
        "dirname": func("dirname", [param("path", s)], s, _dirname),
        "pathexpand": func("pathexpand", [param("path", s)], s, _pathexpand),
        "file": func("file", [param("path", s, allow_marked=True)], s, _file_impl(files, False)),
        "filebase64": func("filebase64", [param("path", s, allow_marked=True)], s, _file_impl(files, True)),
        "fileexists": func("fileexists", [param("path", s, allow_marked=True)], BOOL, _fileexists_impl(files)),
        "fileset": func(
            "fileset", [param("path", s), param("pattern", s)], SetType(STRING), _fileset_impl(files)
        ),
        "templatefile": _templatefile(files, ctx),
    }
    for name, (algo, b64) in _HASHES.items():
        table[name] = func(name, [param("path", s)], s, _hash_impl(files, algo, b64))
    return table
