"""validate stays proportional to its input (issue 17: hostile input).

No timings: the tests count the work that used to grow quadratically.

* 20 KB of binary garbage as main.tf yields hundreds of diagnostics; each
  used to re-parse the whole file to find its "in <block>" context (29 s of
  CPU). The file is now parsed once for all of them.
* 10,000 locals: each local's value used to rebuild the ``local`` object of
  all locals (36 s of CPU). Now an expression's context holds only the
  locals it refers to, and the module objects are built on first use.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any, Mapping

import pytest

import sheath.lang.eval.scope as scope_mod
import sheath.lang.hclsyntax.parser as parser_mod
from sheath.cli.main import main
from sheath.types.cty import Value


def _garbage(size: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.getrandbits(8) for _ in range(size))


def test_garbage_parsed_once_not_per_diagnostic(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "main.tf").write_bytes(_garbage(20_000))
    calls: list[int] = []
    real = parser_mod.parse_config

    def counting(src: bytes, filename: str, *args: Any) -> Any:
        calls.append(len(src))
        return real(src, filename, *args)

    monkeypatch.setattr(parser_mod, "parse_config", counting)
    rc = main([f"-chdir={tmp_path}", "validate", "-no-color"])
    _, err = capsys.readouterr()
    assert rc == 1
    assert err.count("\nError: ") > 300
    assert len(calls) <= 2, f"main.tf parsed {len(calls)} times"


def test_garbage_json_diagnostics(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    (tmp_path / "main.tf").write_bytes(_garbage(5_000, seed=3))
    rc = main([f"-chdir={tmp_path}", "validate", "-json"])
    out, _ = capsys.readouterr()
    doc = json.loads(out)
    assert rc == 1 and doc["valid"] is False and doc["error_count"] == len(doc["diagnostics"]) > 10


def _locals(n: int) -> str:
    lines = ["locals {\n", '  l0 = "x"\n']
    for i in range(1, n):
        lines.append(f'  l{i} = "${{local.l{i - 1}}}-{i}"\n' if i % 2 else f"  l{i} = {i}\n")
    lines.append(f'}}\n\noutput "last" {{\n  value = local.l{n - 1}\n}}\n')
    return "".join(lines)


@pytest.mark.parametrize("command", ["validate", "console"])
def test_locals_objects_built_in_linear_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    n = 2_000
    (tmp_path / "main.tf").write_text(_locals(n), encoding="utf-8")
    built = [0]
    real = scope_mod.object_of

    def counting(d: Mapping[str, Value]) -> Value:
        built[0] += len(d)
        return real(d)

    monkeypatch.setattr(scope_mod, "object_of", counting)
    if command == "console":
        import io

        monkeypatch.setattr("sys.stdin", io.StringIO(f"local.l{n - 1}\n"))
    rc = main([f"-chdir={tmp_path}", command, *(["-no-color"] if command == "validate" else [])])
    out, err = capsys.readouterr()
    assert rc == 0, err
    if command == "console":
        assert out.strip() == f'"{n - 2}-{n - 1}"'
    # attributes put into objects: proportional to n (it was about n * n / 2)
    assert built[0] < 20 * n, built[0]
