"""Filesystem functions; expected results observed from terraform 1.11.4's console
(run in a directory laid out like the `tree` fixture below)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from sheath.lang.funcs.call import call_function
from sheath.lang.funcs.filesystem import functions, go_base, go_clean, go_dir, go_rel
from sheath.lang.funcs.function import Function, FunctionContext, FunctionError
from sheath.types.cty import EMPTY_OBJECT_VAL, STRING, Value, null, object_val, string_val, tuple_val, unknown

S = string_val


@pytest.fixture()
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "sub" / "deep").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "a.txt").write_text("hello\n")
    (tmp_path / "sub" / "b.txt").write_text("x")
    (tmp_path / "sub" / "deep" / "c.tf").write_text("y")
    (tmp_path / ".hidden" / "h.txt").write_text("z")
    (tmp_path / "bin.dat").write_bytes(b"\xff\xfe")
    (tmp_path / "t.tpl").write_text("Hi ${name}!\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def render(src: str, name: str, variables: dict[str, Value]) -> Value:
    """A stand-in for the evaluator's template hook."""
    out = src
    for k, v in variables.items():
        out = out.replace("${" + k + "}", v.as_str())
    return S(f"{name}:{out}")


def funcs(base_dir: str = ".") -> dict[str, Function]:
    return functions(FunctionContext(base_dir=base_dir, render_template=render))


def call(name: str, *args: Value | str, base_dir: str = ".") -> Any:
    vals = [S(a) if isinstance(a, str) else a for a in args]
    r = call_function(funcs(base_dir)[name], vals, convert=False)
    if isinstance(r.v, tuple):
        return [e.v for e in r.v]
    return r.v


def fails(name: str, *args: Value | str, base_dir: str = ".") -> FunctionError:
    with pytest.raises(FunctionError) as ei:
        call(name, *args, base_dir=base_dir)
    return ei.value


def fails_with(fn: Function, *args: Value) -> FunctionError:
    with pytest.raises(FunctionError) as ei:
        call_function(fn, list(args), convert=False)
    return ei.value


NO_FILE = (
    "; this function works only with files that are distributed as part of the configuration source code, "
    "so if this file will be created by a resource in this configuration you must instead obtain this "
    "result from an attribute of that resource"
)
NOT_UTF8 = (
    " are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other "
    "file functions (e.g. filemd5, filesha256) to obtain file hashing results instead"
)


def test_file(tree: Path) -> None:
    assert call("file", "a.txt") == "hello\n"
    assert call("file", "sub/../a.txt") == "hello\n"
    assert call("file", str(tree / "a.txt")) == "hello\n"
    e = fails("file", "nope.txt")
    assert (e.arg_index, e.message) == (0, 'no file exists at "nope.txt"' + NO_FILE)
    e = fails("file", "~/surely-not-here-xyz")
    assert e.message == 'no file exists at "~/surely-not-here-xyz"' + NO_FILE
    e = fails("file", S("nope").mark("sensitive"))
    assert e.message == "no file exists at (sensitive value)" + NO_FILE
    e = fails("file", "bin.dat")
    assert (e.arg_index, e.message) == (None, 'contents of "bin.dat"' + NOT_UTF8)
    e = fails("file", "sub")
    assert (e.arg_index, e.message) == (0, "failed to read file: read sub: is a directory")
    e = fails("file", "a\x00b")
    assert (e.arg_index, e.message) == (0, "open a\x00b: invalid argument")
    assert fails("filemd5", "a\x00b").message == "open a\x00b: invalid argument"
    assert fails("fileexists", "a\x00b").message == 'failed to stat "a\\x00b"'
    assert call("fileset", ".", "a\x00b") == []


def test_file_marks_and_base_dir(tree: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    v = call_function(funcs()["file"], [S("a.txt").mark("sensitive")], convert=False)
    assert v.v == "hello\n" and v.is_sensitive
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    os.chdir(elsewhere)
    assert call("file", "sub/b.txt", base_dir=str(tree)) == "x"


def test_filebase64_and_hashes(tree: Path) -> None:
    assert call("filebase64", "bin.dat") == "//4="
    assert call("filemd5", "a.txt") == "b1946ac92492d2347c6235b4d2611184"
    assert call("filesha1", "a.txt") == "f572d396fae9206628714fb2ce00f72e94f2258f"
    assert call("filesha256", "a.txt") == "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
    assert call("filesha512", "a.txt") == (
        "e7c22b994c59d9cf2b48e549b1e24666636045930d3da7c1acb299d1c3b7f931f94aae41edda2c2b207a36e10f8bcb8d45223e54878f5b316e7ce3b6bc019629"
    )
    assert call("filebase64sha256", "a.txt") == "WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM="
    assert call("filebase64sha512", "a.txt") == (
        "58IrmUxZ2c8rSOVJseJGZmNgRZMNPafBrLKZ0cO3+TH5Sq5B7dosKyB6NuEPi8uNRSI+VIePWzFufOO2vAGWKQ=="
    )
    e = fails("filemd5", "nope")
    assert (e.arg_index, e.message) == (None, "open nope: no such file or directory")
    assert fails("filesha256", "sub").message == "read sub: is a directory"
    assert fails("filebase64", "nope").message == 'no file exists at "nope"' + NO_FILE


def test_fileexists(tree: Path) -> None:
    assert call("fileexists", "a.txt") is True
    assert call("fileexists", "nope") is False
    assert fails("fileexists", "a.txt/x").message == 'failed to stat "a.txt/x"'
    e = fails("fileexists", "sub")
    # terraform reports this against argument index 1, which renders as a call failure
    assert (e.arg_index, e.message) == (1, '"sub" is a directory, not a file')


@pytest.mark.parametrize(
    "path,pattern,want",
    [
        (".", "*.txt", ["a.txt"]),
        ("sub", "**/*.tf", ["deep/c.tf"]),
        (".", "sub/*", ["sub/b.txt"]),
        (".", "{a,bin}.*", ["a.txt", "bin.dat"]),
        (".", "[a-b]*", ["a.txt", "bin.dat"]),
        (".", "[^a]*", ["bin.dat", "t.tpl"]),
        (".", "[!a]*", ["a.txt"]),
        (".", "?.txt", ["a.txt"]),
        (".", "./a.txt", ["a.txt"]),
        (".", "sub/**", ["sub/b.txt", "sub/deep/c.tf"]),
        (".", "*/*", [".hidden/h.txt", "sub/b.txt"]),
        (".", "sub/**/c.tf", ["sub/deep/c.tf"]),
        (".", "a/**/", []),
        (".", "\\a.txt", ["a.txt"]),
        ("nope", "*", []),
        ("sub", "../a.txt", ["../a.txt"]),
    ],
)
def test_fileset(tree: Path, path: str, pattern: str, want: list[str]) -> None:
    assert call("fileset", path, pattern) == want


def test_fileset_everything_and_absolute(tree: Path) -> None:
    everything = [".hidden/h.txt", "a.txt", "bin.dat", "sub/b.txt", "sub/deep/c.tf", "t.tpl"]
    assert call("fileset", ".", "**") == everything
    assert call("fileset", ".", "**/") == everything
    assert call("fileset", str(tree / "sub"), "*") == ["b.txt"]
    v = call_function(funcs()["fileset"], [S("."), S("*.txt")], convert=False)
    assert v.type.type_expr() == "set(string)"


def test_fileset_errors(tree: Path) -> None:
    assert fails("fileset", ".", "[").message == 'failed to glob pattern "[": syntax error in pattern'
    assert fails("fileset", "sub", "[").message == 'failed to glob pattern "sub/[": syntax error in pattern'
    assert fails("fileset", ".", "{a,b").message == 'failed to glob pattern "{a,b": syntax error in pattern'
    assert fails("fileset", ".", "[]a]*").message == 'failed to glob pattern "[]a]*": syntax error in pattern'
    assert fails("fileset", ".", "[a-]*").message == 'failed to glob pattern "[a-]*": syntax error in pattern'


def test_templatefile(tree: Path) -> None:
    assert call("templatefile", "t.tpl", object_val({"name": S("N")})) == "t.tpl:Hi N!\n"
    e = fails("templatefile", "t.tpl", tuple_val([S("a")]))
    assert (e.arg_index, e.message) == (1, "invalid vars value: must be a map")
    e = fails("templatefile", "nope.tpl", EMPTY_OBJECT_VAL)
    assert (e.arg_index, e.message) == (0, 'no file exists at "nope.tpl"' + NO_FILE)
    fn = funcs()["templatefile"]
    assert not call_function(fn, [S("t.tpl"), unknown(STRING)], convert=False).is_known
    null_hook = functions(FunctionContext(base_dir=".", render_template=lambda src, name, v: v["x"]))
    e = fails_with(null_hook["templatefile"], S("t.tpl"), object_val({"x": null(STRING)}))
    assert e.message == (
        "t.tpl:1,1-2,1: Template result is null; The result of the template is null, "
        "which is not a valid result for a templatestring call."
    )
    no_hook = functions(FunctionContext(base_dir="."))["templatefile"]
    with pytest.raises(FunctionError):
        call_function(no_hook, [S("t.tpl"), EMPTY_OBJECT_VAL], convert=False)


def test_path_functions(tree: Path) -> None:
    home = os.environ.get("HOME", "")
    assert call("pathexpand", "~/x") == home.rstrip("/") + "/x"
    assert call("pathexpand", "~") == go_clean(home)
    assert call("pathexpand", "a/~") == "a/~"
    assert call("pathexpand", "") == ""
    assert fails("pathexpand", "~bob/x").message == "cannot expand user-specific home dir"
    assert call("dirname", "/a/b/") == "/a/b"
    assert call("dirname", "") == "."
    assert call("dirname", "a") == "."
    assert call("dirname", "//a//b") == "/a"
    assert call("basename", "/a/b/") == "b"
    assert call("basename", "") == "."
    assert call("basename", "///") == "/"
    assert call("abspath", "x/../y") == str(tree / "y")
    assert call("abspath", "//a") == "/a"


def test_go_path_helpers() -> None:
    assert go_clean("a//b/./../c/") == "a/c"
    assert go_clean("/../x") == "/x"
    assert go_clean("../../x") == "../../x"
    assert go_dir("x/") == "x"
    assert go_base("a/b") == "b"
    assert go_rel(".", "../wd/a.txt") == "../wd/a.txt"
    assert go_rel("/a/b", "/a/c/d") == "../c/d"
    assert go_rel("sub", "sub") == "."


def test_fileset_survives_symlink_cycles(tree: Path) -> None:
    (tree / "sub" / "loop").symlink_to(tree / "sub")
    got = call("fileset", "sub", "**")
    assert "b.txt" in got and "deep/c.tf" in got
