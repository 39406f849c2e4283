"""Differential validate corpus: terraform and sheath must agree valid/invalid.

Each directory under tests/corpus/validate/ is one configuration. terraform
validate -json (after terraform init -backend=false when the configuration
calls modules) decides whether it is valid; sheath must agree:
  * test_config_layer_agrees: the configuration loader plus static reference
    checks (what sheath.config decides on its own); cases holding a
    ".eval-only" marker need the evaluator and are left to the next test;
  * test_sheath_validate_agrees: the `sheath validate -json` command, on every case.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from sheath.config import load_module_tree
from sheath.config.references import check_references

CORPUS = Path(__file__).parent / "corpus" / "validate"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


def _calls_modules(d: Path) -> bool:
    return any("module " in f.read_text() for f in d.rglob("*.tf"))


_ORACLE_CACHE: dict[str, bool] = {}
_ORACLE_DIAGS: dict[str, list[dict[str, Any]]] = {}


def _terraform_valid(case: str, tmp_path: Path, run_terraform: Any) -> tuple[bool, Path]:
    """terraform's verdict on a fresh copy of the case (run once per case per session)."""
    work = tmp_path / case
    shutil.copytree(CORPUS / case, work)
    if case in _ORACLE_CACHE:
        if _calls_modules(work):
            run_terraform(["init", "-backend=false", "-input=false", "-no-color"], cwd=work)
        return _ORACLE_CACHE[case], work
    valid, work = _terraform_verdict(work, run_terraform)
    _ORACLE_CACHE[case] = valid
    return valid, work


def _terraform_verdict(work: Path, run_terraform: Any) -> tuple[bool, Path]:
    if _calls_modules(work):
        init = run_terraform(["init", "-backend=false", "-input=false", "-no-color"], cwd=work)
        if init.returncode != 0:
            return False, work
    res = run_terraform(["validate", "-json", "-no-color"], cwd=work)
    out = json.loads(res.stdout)
    _ORACLE_DIAGS[work.name] = list(out.get("diagnostics", []))
    return bool(out["valid"]), work


def _tf_diag_key(d: dict[str, Any]) -> tuple[str, str, str, str]:
    r = d.get("range") or {}
    s, e = r.get("start", {}), r.get("end", {})
    where = f"{Path(r.get('filename', '')).name}:{s.get('line')},{s.get('column')}-{e.get('line')},{e.get('column')}"
    return (d["severity"], d["summary"], d["detail"], where)


def _sheath_diag_key(d: Any) -> tuple[str, str, str, str]:
    r = d.subject
    if r is None:
        where = ":None,None-None,None"
    else:
        end_col = r.end.column
        if r.start == r.end:
            end_col += 1  # terraform's JSON output widens an empty range to one character
        where = f"{Path(r.filename).name}:{r.start.line},{r.start.column}-{r.end.line},{end_col}"
    return (d.severity.value, d.summary, d.detail, where)


def test_corpus_size() -> None:
    assert len(CASES) >= 30
    assert any(c.startswith("valid") for c in CASES)
    assert any(c.startswith("invalid") for c in CASES)


# Cases marked ".eval-only" need the evaluator; test_sheath_validate_agrees covers them.
CONFIG_LAYER_CASES = [c for c in CASES if not (CORPUS / c / ".eval-only").exists()]


@pytest.mark.oracle
@pytest.mark.parametrize("case", CONFIG_LAYER_CASES)
def test_config_layer_agrees(case: str, tmp_path: Path, run_terraform: Any) -> None:
    tf_valid, work = _terraform_valid(case, tmp_path, run_terraform)
    cfg, diags = load_module_tree(str(work))
    if not diags.has_errors():
        diags.extend(check_references(cfg))
    sheath_valid = not diags.has_errors()
    assert sheath_valid == tf_valid, [f"{d.summary}: {d.detail} ({d.subject})" for d in diags]
    # the names tell what the case is meant to show; keep them honest
    assert tf_valid == case.startswith("valid"), f"terraform says valid={tf_valid}"


DIAG_CASES = [
    c
    for c in CASES
    if c.startswith("invalid") and not (CORPUS / c / ".eval-only").exists() and not _calls_modules(CORPUS / c)
]


@pytest.mark.oracle
@pytest.mark.parametrize("case", DIAG_CASES)
def test_config_diagnostics_match(
    case: str, tmp_path: Path, run_terraform: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On configurations the loader judges alone, the diagnostics are terraform's: summary, detail and range."""
    _ORACLE_CACHE.pop(case, None)
    _, work = _terraform_valid(case, tmp_path, run_terraform)
    monkeypatch.chdir(work)  # file names relative to the working directory, as terraform prints them
    cfg, diags = load_module_tree(".")
    if not diags.has_errors():
        diags.extend(check_references(cfg))
    want = sorted(_tf_diag_key(d) for d in _ORACLE_DIAGS[case])
    got = sorted(_sheath_diag_key(d) for d in diags)
    assert got == want


@pytest.mark.oracle
@pytest.mark.parametrize("case", CASES)
def test_sheath_validate_agrees(case: str, tmp_path: Path, run_terraform: Any, run_sheath: Any) -> None:
    tf_valid, work = _terraform_valid(case, tmp_path, run_terraform)
    res = run_sheath(["validate", "-json"], cwd=work)
    out = json.loads(res.stdout)
    assert bool(out["valid"]) == tf_valid, res.stdout
    if case in _ORACLE_DIAGS:  # terraform's validate -json ran (init, if any, succeeded)
        want = sorted(map(_tf_diag_key, _ORACLE_DIAGS[case]))
        assert sorted(map(_tf_diag_key, out["diagnostics"])) == want


@pytest.mark.oracle
@pytest.mark.parametrize("case", CASES)
def test_sheath_validate_output_matches(case: str, tmp_path: Path, run_terraform: Any, run_sheath: Any) -> None:
    """The whole human output, byte for byte, and the exit code, in the same directory
    after the same init (test_sheath_validate_agrees compares the -json diagnostics)."""
    _, work = _terraform_valid(case, tmp_path, run_terraform)
    tf = run_terraform(["validate", "-no-color"], cwd=work)
    sh = run_sheath(["validate", "-no-color"], cwd=work)
    assert (sh.returncode, sh.stdout, sh.stderr) == (tf.returncode, tf.stdout, tf.stderr)


# --- configurations using the AWS provider (its schema from the filesystem mirror) --------

AWS_CORPUS = Path(__file__).parent / "corpus" / "validate_aws"
AWS_CASES = sorted(p.name for p in AWS_CORPUS.iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def aws_cli_env(aws_mirror: str, oracle_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Both tools' environment: a CLI configuration installing hashicorp/aws from the mirror."""
    rc = tmp_path_factory.mktemp("validate-aws") / "terraformrc"
    rc.write_text(
        "provider_installation {\n  filesystem_mirror {\n"
        f"    path    = {json.dumps(aws_mirror)}\n"
        '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n'
    )
    return {**oracle_env, "TF_CLI_CONFIG_FILE": str(rc)}


@pytest.mark.oracle
@pytest.mark.parametrize("case", AWS_CASES)
def test_aws_validate_output_matches(case: str, tmp_path: Path, terraform_bin: str, aws_cli_env: dict[str, str]) -> None:
    """Provider blocks and resource types checked against the AWS provider's schema: the whole
    output and the exit code as terraform's, after terraform init in the same directory."""
    import subprocess
    import sys

    work = tmp_path / case
    shutil.copytree(AWS_CORPUS / case, work)

    def run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(cmd, cwd=work, capture_output=True, text=True, env=aws_cli_env, timeout=300)

    run([terraform_bin, "init", "-backend=false", "-input=false", "-no-color"])  # fails on configuration errors
    tf = run([terraform_bin, "validate", "-no-color"])
    sh = run([sys.executable, "-m", "sheath", "validate", "-no-color"])
    assert (sh.returncode, sh.stdout, sh.stderr) == (tf.returncode, tf.stdout, tf.stderr)
    assert tf.returncode == (0 if case.startswith("valid") else 1)
