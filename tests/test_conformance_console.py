"""Differential test: `sheath console` against `terraform console`, expression by expression.

The corpus lives in tests/corpus/expressions/*.txt: one console input per line,
`#` starts a comment line. Every expression runs in its own process (piped
console prints only the last line's value) in a fresh temporary directory that
holds the fixture files of tests/corpus/expressions/files/. Expressions from
files whose name starts with `config_` additionally get the configuration in
tests/corpus/expressions/config/, so they evaluate against its variables,
locals and resources. func_errors.txt holds only error cases (terraform must
fail on each of them).

Both tools run in the same directory for a given expression (so path.cwd and
abspath() agree). The two sides are each run once per session, in parallel,
for the cases the session selected (so `-k func_string` runs only those), and
cached; every parametrized case then compares the cached outcomes. Sheath's consoles
are children forked from workers that have imported sheath (tests/forkrun.py), so the
corpus does not pay Python's start-up 1,300 times; every other CLI test starts
`python -m sheath` as a user would.

Each case compares:

* stdout must be byte-identical;
* both succeed (exit 0) or both fail (non-zero);
* when sheath fails it must print an `Error:` diagnostic, never a traceback
  or its internal-error message.
"""

from __future__ import annotations

import concurrent.futures
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from forkrun import ForkRunner, Run, fork_available

RunFn = Callable[..., subprocess.CompletedProcess[str]]

CORPUS_DIR = Path(__file__).parent / "corpus" / "expressions"
FILES_DIR = CORPUS_DIR / "files"
CONFIG_DIR = CORPUS_DIR / "config"
CONFIG_PREFIX = "config_"
# Every expression in this corpus file is an error case: terraform must reject it.
ERRORS_CATEGORY = "func_errors"

WORKERS = 4
TIMEOUT_SECONDS = 180.0  # generous: CI machines may be heavily loaded
MIN_CORPUS_SIZE = 400
# What a forked console finds already imported: all of sheath.
PRELOAD = ("sheath.*",)

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# What sheath's CLI prints when a command raises an unexpected exception.
_INTERNAL_ERROR = "Error: internal error in sheath"
_ID_UNSAFE = re.compile(r"[^ 0-9A-Za-z_.,:;=+*/%!<>?()\[\]{}\"'$&|~^@#-]+")


@dataclass(frozen=True, slots=True)
class Case:
    category: str
    line: int
    expr: str

    @property
    def id(self) -> str:
        text = _ID_UNSAFE.sub("_", self.expr)
        if len(text) > 60:
            text = text[:57] + "..."
        return f"{self.category}:{self.line}:{text}"

    @property
    def needs_config(self) -> bool:
        return self.category.startswith(CONFIG_PREFIX)


@dataclass(frozen=True, slots=True)
class Outcome:
    returncode: int
    stdout: str
    stderr: str


def load_corpus() -> list[Case]:
    cases: list[Case] = []
    for path in sorted(CORPUS_DIR.glob("*.txt")):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cases.append(Case(path.stem, lineno, line))
    return cases


CASES = load_corpus()


def _prepare_workdir(base: Path, case: Case) -> Path:
    workdir = base / f"{case.category}-{case.line}"
    shutil.copytree(FILES_DIR, workdir)
    if case.needs_config:
        shutil.copytree(CONFIG_DIR, workdir, dirs_exist_ok=True)
    return workdir


def _selected_cases(session: pytest.Session) -> list[Case]:
    """The corpus cases this session will actually run (all of them unless -k/-m/ids narrow it)."""
    selected: list[Case] = []
    for item in session.items:
        callspec = getattr(item, "callspec", None)
        case = callspec.params.get("case") if callspec is not None else None
        if isinstance(case, Case):
            selected.append(case)
    return selected


def _run_all(run: RunFn, workdirs: dict[Case, Path]) -> dict[Case, Outcome]:
    def one(case: Case) -> Outcome:
        try:
            proc = run(["console"], cwd=workdirs[case], stdin=case.expr + "\n", timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            return Outcome(-1, "", f"timed out after {TIMEOUT_SECONDS}s")
        return Outcome(proc.returncode, proc.stdout, proc.stderr)

    cases = list(workdirs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return dict(zip(cases, pool.map(one, cases)))


@pytest.fixture(scope="session")
def console_workdirs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[Case, Path]:
    base = tmp_path_factory.mktemp("console-corpus")
    return {case: _prepare_workdir(base, case) for case in _selected_cases(request.session)}


@pytest.fixture(scope="session")
def terraform_outcomes(run_terraform: RunFn, console_workdirs: dict[Case, Path]) -> dict[Case, Outcome]:
    return _run_all(run_terraform, console_workdirs)


@pytest.fixture(scope="session")
def sheath_outcomes(
    run_sheath: RunFn,
    oracle_env: dict[str, str],
    console_workdirs: dict[Case, Path],
    terraform_outcomes: dict[Case, Outcome],
) -> dict[Case, Outcome]:
    # Depends on terraform_outcomes so terraform runs first in every directory.
    if not fork_available():
        return _run_all(run_sheath, console_workdirs)
    # Each console is a child forked from a worker that has imported sheath (tests/forkrun.py):
    # the same CLI, without paying Python's import 1,300 times.
    runner = ForkRunner(WORKERS, PRELOAD)
    try:
        cases = list(console_workdirs)
        procs = runner.run_all(
            Run(("console",), str(console_workdirs[c]), c.expr + "\n", oracle_env, TIMEOUT_SECONDS) for c in cases
        )
    finally:
        runner.close()
    return {c: Outcome(p.returncode, p.stdout, p.stderr) for c, p in zip(cases, procs)}


def _describe(name: str, outcome: Outcome) -> str:
    status = "ok" if outcome.returncode == 0 else f"FAILED (exit {outcome.returncode})"
    stderr = _ANSI.sub("", outcome.stderr).strip()
    if len(stderr) > 1500:
        stderr = stderr[:1500] + "\n..."
    return f"--- {name}: {status}\nstdout:\n{outcome.stdout}" + (f"stderr:\n{stderr}\n" if stderr else "")


@pytest.mark.oracle
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_console_matches_terraform(
    case: Case, terraform_outcomes: dict[Case, Outcome], sheath_outcomes: dict[Case, Outcome]
) -> None:
    tf = terraform_outcomes[case]
    sh = sheath_outcomes[case]
    report = f"expression: {case.expr}\n{_describe('terraform', tf)}{_describe('sheath', sh)}"
    problem = _difference(case, tf, sh)
    if problem:
        # pytrace=False: the report says everything; a Python traceback of this
        # comparison would only bury it.
        pytest.fail(f"{problem}\n{report}", pytrace=False)


def _difference(case: Case, tf: Outcome, sh: Outcome) -> str | None:
    """Why sheath's outcome does not conform to terraform's, or None when it does."""
    if tf.returncode < 0:
        return "terraform timed out"
    if case.category == ERRORS_CATEGORY and tf.returncode == 0:
        return "corpus bug: this error case succeeds in terraform"
    if (sh.returncode == 0) != (tf.returncode == 0):
        return "success/failure differs"
    if sh.stdout != tf.stdout:
        return "stdout differs"
    if sh.returncode != 0:
        stderr = _ANSI.sub("", sh.stderr)
        if "Traceback (most recent call last)" in stderr or _INTERNAL_ERROR in stderr:
            return "sheath crashed (internal error instead of a diagnostic)"
        if "Error: " not in stderr:
            return "sheath failed without an Error diagnostic"
    return None


# --- corpus hygiene -------------------------------------------------------


def _called_functions(cases: list[Case]) -> set[str]:
    called: set[str] = set()
    call = re.compile(r"(?<![\w.:])((?:core::)?[a-z][a-z0-9_]*)\s*\(")
    for case in cases:
        called.update(call.findall(case.expr))
    return called


def test_corpus_size() -> None:
    assert len(CASES) >= MIN_CORPUS_SIZE, f"corpus has {len(CASES)} expressions"


def test_corpus_has_no_duplicates() -> None:
    seen: dict[str, Case] = {}
    dupes = []
    for case in CASES:
        if case.expr in seen:
            dupes.append(f"{case.id} repeats {seen[case.expr].id}")
        seen.setdefault(case.expr, case)
    assert not dupes, "\n".join(dupes)


def test_fixture_directories_exist() -> None:
    assert (FILES_DIR / "hello.txt").is_file()
    assert (CONFIG_DIR / "main.tf").is_file()


@pytest.mark.oracle
def test_corpus_calls_every_builtin_function(run_terraform: RunFn, tmp_path: Path) -> None:
    """Every function terraform lists in `terraform metadata functions` is called somewhere.

    Impure functions (timestamp, uuid, bcrypt, plantimestamp) are included too:
    the corpus calls them inside expressions whose output is deterministic,
    e.g. length(uuid()).
    """
    proc = run_terraform(["metadata", "functions", "-json"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    names = {n for n in json.loads(proc.stdout)["function_signatures"] if "::" not in n}
    assert len(names) > 100
    called = _called_functions(CASES)
    missing = sorted(names - called)
    assert not missing, f"functions never called in the corpus: {missing}"
