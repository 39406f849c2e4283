"""sheath fmt against terraform fmt: byte-identical output on a corpus, same CLI behaviour.

Corpus: tests/corpus/fmt/*.tf|*.tfvars|*.tftest.hcl (valid, deliberately messy
files) and tests/corpus/fmt/invalid/ (syntax errors: both tools must refuse).
"""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import RunFn, need
from sheath.lang.hclsyntax.lexer import TokenType, lex
from sheath.lang.hclwrite import format_source

CORPUS = Path(__file__).parent / "corpus" / "fmt"
VALID = sorted(p for p in CORPUS.iterdir() if p.is_file())
INVALID = sorted((CORPUS / "invalid").iterdir())


def _stdout_bytes(result: bytes) -> bytes:
    """What `fmt -` prints for a formatted result: terraform's UI ends it with one newline."""
    return result if result.endswith(b"\n") else result + b"\n"


@pytest.fixture(scope="session")
def terraform_stdin_fmt(terraform_bin: str, oracle_env: dict[str, str]):  # type: ignore[no-untyped-def]
    cache: dict[Path, subprocess.CompletedProcess[bytes]] = {}

    def run(path: Path) -> subprocess.CompletedProcess[bytes]:
        if path not in cache:
            cache[path] = subprocess.run(
                [terraform_bin, "fmt", "-no-color", "-"],
                input=path.read_bytes(),
                capture_output=True,
                env=oracle_env,
                timeout=60,
            )
        return cache[path]

    return run


def test_corpus_size() -> None:
    assert len([p for p in VALID if p.suffix == ".tf"]) >= 40
    assert len([p for p in VALID if p.suffix == ".tfvars"]) >= 2


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_corpus_byte_identical(path: Path, terraform_stdin_fmt) -> None:  # type: ignore[no-untyped-def]
    tf = terraform_stdin_fmt(path)
    assert tf.returncode == 0, tf.stderr.decode()
    out, diags = format_source(path.read_bytes(), path.name)
    assert not diags.has_errors(), [d.summary for d in diags]
    assert _stdout_bytes(out) == tf.stdout


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_refused_like_terraform(path: Path, terraform_stdin_fmt) -> None:  # type: ignore[no-untyped-def]
    tf = terraform_stdin_fmt(path)
    assert tf.returncode == 2
    out, diags = format_source(path.read_bytes(), "<stdin>")
    assert out == b""
    assert diags.has_errors()
    tf_summaries = [ln[len("Error: ") :] for ln in tf.stderr.decode().splitlines() if ln.startswith("Error: ")]
    # Same problems reported (the order of diagnostics is the parser's concern).
    assert sorted(d.summary for d in diags.errors()) == sorted(tf_summaries)


# terraform fmt turns x[null] into x[], which is not valid syntax: not idempotent there.
NOT_IDEMPOTENT = {"054_traversal_keyword_index.tf"}


@pytest.mark.parametrize("path", [p for p in VALID if p.name not in NOT_IDEMPOTENT], ids=lambda p: p.name)
def test_idempotent(path: Path) -> None:
    once, diags = format_source(path.read_bytes(), path.name)
    assert not diags.has_errors()
    twice, diags = format_source(once, path.name)
    assert not diags.has_errors()
    assert twice == once


def _respace(src: bytes, rng: random.Random) -> bytes:
    """src with every run of inter-token whitespace replaced by another non-empty run."""
    tokens, _ = lex(src, "x.tf")
    out: list[bytes] = []
    prev = 0
    for tok in tokens:
        start = tok.range.start.byte
        gap = src[prev:start]
        if gap and tok.type is not TokenType.EOF and not gap.startswith(b"\xef\xbb\xbf"):
            gap = bytes(rng.choice(b" \t") for _ in range(rng.randint(1, 5)))
        out.append(gap)
        out.append(src[start : tok.range.end.byte])
        prev = tok.range.end.byte
    return b"".join(out)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_whitespace_between_tokens_is_irrelevant(path: Path) -> None:
    src = path.read_bytes()
    expected, _ = format_source(src, path.name)
    rng = random.Random(path.name)
    for _ in range(3):
        got, diags = format_source(_respace(src, rng), path.name)
        assert not diags.has_errors()
        assert got == expected


# --- CLI behaviour, terraform vs sheath on identical directories -------------------------


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _make_workdir(dst: Path, with_invalid: bool = False) -> Path:
    dst.mkdir(parents=True)
    for p in VALID:
        shutil.copy(p, dst / p.name)
    sub = dst / "sub" / "deeper"
    sub.mkdir(parents=True)
    shutil.copy(CORPUS / "001_misaligned_equals.tf", dst / "sub" / "a.tf")
    shutil.copy(CORPUS / "024_tfvars.tfvars", sub / "b.tfvars")
    (dst / "sub" / "formatted.tf").write_text('a = 1\n')
    (dst / ".hidden").mkdir()
    (dst / ".hidden" / "x.tf").write_text("x=1\n")
    (dst / "ignored.tf~").write_text("x=1\n")
    (dst / "notes.txt").write_text("x=1\n")
    (dst / "data.tf.json").write_text('{"x":1}\n')
    if with_invalid:
        shutil.copy(INVALID[0], dst / "zz_invalid.tf")
    return dst


def _normalize(s: str) -> str:
    return s.replace("terraform fmt", "sheath fmt").replace("Usage: terraform ", "Usage: sheath ")


CLI_CASES = [
    ["fmt", "-check"],
    ["fmt", "-check", "-recursive"],
    ["fmt", "-check", "-diff", "-recursive"],
    ["fmt", "-check", "-list=false"],
    ["fmt", "-write=false"],
    ["fmt", "-write=false", "-recursive"],
    ["fmt", "-write=false", "-list=false", "-diff"],
    ["fmt", "-recursive"],
    ["fmt", "-diff"],
    ["fmt", "-list=false", "sub"],
    ["fmt", "-check", "sub/a.tf", "018_empty.tf"],
    ["fmt", "-write=false", "./sub/../015_crlf.tf"],
    ["fmt", "-check", "notes.txt", "001_misaligned_equals.tf"],
    ["fmt", "-check", "does-not-exist", "sub"],
    ["fmt", "-no-color", "-check", "notes.txt"],
    ["fmt", "-frobnicate"],
    ["fmt", "-no-color", "-list=maybe"],
    ["fmt", "-help"],
]


@pytest.mark.parametrize("with_invalid", [False, True], ids=["valid", "with-invalid"])
@pytest.mark.parametrize("args", CLI_CASES, ids=lambda a: " ".join(a[1:]))
def test_cli_matches_terraform(
    args: list[str], with_invalid: bool, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn
) -> None:
    tf_dir = _make_workdir(tmp_path / "tf", with_invalid)
    sh_dir = _make_workdir(tmp_path / "sh", with_invalid)
    tf = run_terraform(args, cwd=tf_dir)
    sh = run_sheath(args, cwd=sh_dir)
    assert sh.returncode == tf.returncode, sh.stderr
    assert sh.stdout == _normalize(tf.stdout)
    assert sh.stderr == _normalize(tf.stderr)
    assert _tree(sh_dir) == _tree(tf_dir)


def test_cli_absolute_paths(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    """Absolute targets are reported relative to the working directory."""
    results = []
    for tool, run in (("tf", run_terraform), ("sh", run_sheath)):
        root = _make_workdir(tmp_path / tool)
        (root / "cwd").mkdir()
        results.append(run(["fmt", "-check", "-diff", str(root / "sub")], cwd=root / "cwd"))
    tf, sh = results
    assert (sh.returncode, sh.stdout) == (tf.returncode, tf.stdout)
    assert "../sub/a.tf" in sh.stdout


STDIN_CASES = [
    (["fmt", "-"], "005_comments_everywhere.tf"),
    (["fmt", "-"], "018_empty.tf"),
    (["fmt", "-"], "041_no_trailing_newline.tf"),
    (["fmt", "-check", "-"], "001_misaligned_equals.tf"),
    (["fmt", "-check", "-diff", "-"], "001_misaligned_equals.tf"),
    (["fmt", "-diff", "-"], "020_legacy_quoted_types.tf"),
    (["fmt", "-list=true", "-write=true", "-"], "021_interpolation_only.tf"),
    (["fmt", "-no-color", "-"], "invalid/missing_value.tf"),
    (["fmt", "-"], "invalid/unclosed_block.tf"),
]


@pytest.mark.parametrize("args,name", STDIN_CASES, ids=lambda x: x if isinstance(x, str) else " ".join(x[1:]))
def test_stdin_matches_terraform(args: list[str], name: str, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    src = (CORPUS / name).read_text()
    tf = run_terraform(args, cwd=tmp_path, stdin=src)
    sh = run_sheath(args, cwd=tmp_path, stdin=src)
    assert sh.returncode == tf.returncode, sh.stderr
    assert sh.stdout == tf.stdout
    assert sh.stderr == _normalize(tf.stderr)


def test_stdin_bytes_crlf(terraform_bin: str, oracle_env: dict[str, str], tmp_path: Path) -> None:
    import sys

    need(shutil.which("terraform") is not None, "terraform")
    src = (CORPUS / "015_crlf.tf").read_bytes()
    tf = subprocess.run([terraform_bin, "fmt", "-"], input=src, capture_output=True, env=oracle_env, cwd=tmp_path)
    sh = subprocess.run([sys.executable, "-m", "sheath", "fmt", "-"], input=src, capture_output=True, env=oracle_env, cwd=tmp_path)
    assert (sh.returncode, sh.stdout) == (tf.returncode, tf.stdout)
    assert b"\r\n" in sh.stdout


# --- generated configurations: random layout, comments and expressions ----------------


class _ConfigGen:
    """Random (mostly valid) configurations with messy whitespace, for differential runs."""

    NAMES = ["a", "bbb", "é", "cc_dd", "x-y", "日本"]
    REFS = ["var.x", "local.y", "x.0", "x[0]", "x.*.y", "x[*].y", "m[null]", 'm["k"]']
    STRINGS = ['"s"', '""', '"${x}"', '"x${y}z"', '"%{if c}a%{endif}"', '"$${q}"', '"\\n\\""', '"${ {a=1} }"', '"${x}${y}"']

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def ws(self) -> str:
        return self.rng.choice(["", " ", "  ", "\t"])

    def brk(self) -> str:
        return self.rng.choice(["", " ", "\n", "\n  ", " /* k */ ", "\n\n", "\t"])

    def expr(self, d: int = 0) -> str:
        r, ws, brk = self.rng, self.ws, self.brk
        if d > 3 or r.random() < 0.25:
            return r.choice([str(r.randint(0, 99)), "1.5", "null", "-1", "!x", *self.REFS, *self.STRINGS])
        k = r.randrange(11)
        sub = lambda: self.expr(d + 1)  # noqa: E731
        if k == 0:
            items = [sub() for _ in range(r.randint(0, 3))]
            body = "".join(f"{i}{ws()},{r.choice(['', ' ', chr(10), ' # c' + chr(10)])}" for i in items)
            return "[" + brk() + body + brk() + "]"
        if k == 1:
            items = [f"{r.choice(self.NAMES)}{n}{ws()}{r.choice(['=', ':'])}{ws()}{sub()}" for n in range(r.randint(0, 3))]
            return "{" + r.choice(["", "\n", " "]) + "".join(i + r.choice([",", "\n", ", "]) for i in items) + "}"
        if k == 2:
            return f"f({brk()}{', '.join(sub() for _ in range(r.randint(0, 3)))}{r.choice(['', '...'])}{brk()})"
        if k == 3:
            return f"{sub()}{ws()}{r.choice(['+', '-', '*', '/', '%', '==', '!=', '<', '>=', '&&', '||'])}{ws()}{sub()}"
        if k == 4:
            return f"{sub()}{ws()}?{ws()}{sub()}{ws()}:{ws()}{sub()}"
        if k == 5:
            return f"[for x in {sub()}{ws()}:{ws()}{sub()}{r.choice(['', ' if x'])}]"
        if k == 6:
            return f"{{for k, v in {sub()}{ws()}:{ws()}k{ws()}=>{ws()}{sub()}{r.choice(['', '...'])}}}"
        if k == 7:
            return f"({brk()}{sub()}{brk()})"
        if k == 8:
            return '"${' + ws() + sub() + ws() + '}"'
        if k == 9:
            m = r.choice(["EOT", "X"])
            return f"<<{r.choice(['', '-'])}{m}\n  line ${{ {sub()} }}\n{r.choice(['', '  '])}{m}\n"
        return f"-{sub()}"

    def body(self, d: int = 0) -> str:
        r = self.rng
        out: list[str] = []
        for n in range(r.randint(0, 5)):
            ind = r.choice(["", "  ", "\t", "    "])
            roll = r.random()
            if roll < 0.6 or d > 2:
                v = self.expr()
                line = f"{ind}{r.choice(self.NAMES)}{n}{self.ws()}={self.ws()}{v}"
                if not v.endswith("\n"):
                    line += r.choice(["", " # tail", " // t", " /* b */"]) + "\n"
                out.append(line)
            elif roll < 0.7:
                out.append(ind + r.choice(["# comment\n", "// c\n", "/* c */\n", "\n"]))
            else:
                labels = " ".join(r.choice(['"l"', "lbl", '"a b"', '"x%y"']) for _ in range(r.randint(0, 2)))
                out.append(f"{ind}blk{r.choice([' ', ' /* c */ '])}{labels} {{{r.choice(['', ' # c'])}\n{self.body(d + 1)}{ind}}}\n")
        return "".join(out)


@pytest.mark.parametrize("seed", range(40))
def test_generated_configs_match_terraform(seed: int, terraform_bin: str, oracle_env: dict[str, str]) -> None:
    src = _ConfigGen(seed).body().encode()
    if seed % 5 == 0:
        src = src.replace(b"\n", b"\r\n")
    tf = subprocess.run([terraform_bin, "fmt", "-no-color", "-"], input=src, capture_output=True, env=oracle_env, timeout=60)
    out, diags = format_source(src, "<stdin>")
    assert diags.has_errors() == (tf.returncode != 0), (src, tf.stderr)
    if tf.returncode == 0:
        assert _stdout_bytes(out) == tf.stdout, src
