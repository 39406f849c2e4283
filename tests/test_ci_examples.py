"""The CI examples: the GitHub workflow passes actionlint, and the sheath steps of both
pipelines run, in order, on a small configuration (plan signed, Markdown, policy gate,
apply of the reviewed plan)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import need

ROOT = Path(__file__).resolve().parent.parent
GITHUB = ROOT / "examples" / "ci" / "github-actions.yml"
GITLAB = ROOT / "examples" / "ci" / "gitlab-ci.yml"


def test_github_workflow_passes_actionlint() -> None:
    exe = shutil.which("actionlint") or str(Path(__import__("sys").executable).parent / "actionlint")
    need(Path(exe).exists(), "actionlint (pip install -e '.[test]')")
    r = subprocess.run([exe, "-no-color", "-shellcheck=", "-pyflakes=", str(GITHUB)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def _sheath_lines(text: str) -> list[str]:
    return [m.group(1) for m in re.finditer(r"(?m)^\s*(?:- |run: )?(sheath [^>\n]*?)(?:\s*>.*)?$", text)]


@pytest.mark.parametrize("path", [GITHUB, GITLAB])
def test_pipeline_steps_run(path: Path, tmp_path: Path, run_sheath: Any) -> None:
    yaml.safe_load(path.read_text())  # valid YAML
    steps = _sheath_lines(path.read_text())
    assert any(s.startswith("sheath apply") for s in steps) and any(s.startswith("sheath plan") for s in steps)
    infra = tmp_path / "infra"
    infra.mkdir()
    (infra / "main.tf").write_text('resource "terraform_data" "a" {\n  input = "x"\n}\n')
    key = tmp_path / "plan.key"
    key.write_bytes(b"a signing key for the test")
    import os

    env_key = {"SHEATH_PLAN_SIGNING_KEY_FILE": str(key), "TF_IN_AUTOMATION": "1", "TF_INPUT": "0"}
    for step in steps:
        args = step.split()[1:]
        r = _run(args, infra, env_key)
        assert r.returncode == 0, f"{step}\n{r.stdout}\n{r.stderr}"
    assert (infra / "terraform.tfstate").is_file()
    _ = os


def _run(args: list[str], cwd: Path, extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    import os
    import sys

    env = {**os.environ, **extra_env}
    return subprocess.run([sys.executable, "-m", "sheath", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
