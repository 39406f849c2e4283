"""apply -target (without a saved plan) against terraform: the apply applies -target again
at instance level, as terraform's apply graph does; and the create_before_destroy each
instance records. The saved-plan route is in the engine corpus (apply_target_instances,
cbd_forced_instances)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import RunFn
from test_engine_corpus import CORPUS, split_progress, state_view

pytestmark = pytest.mark.oracle


def both(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn, case: str, step: str, *args: str) -> tuple[Path, Path]:
    dirs = (tmp_path / "tf", tmp_path / "sh")
    for d, run in zip(dirs, (run_terraform, run_sheath)):
        if d.exists():
            for p in d.glob("*.tf"):
                p.unlink()
        shutil.copytree(CORPUS / case / step, d, dirs_exist_ok=True)
        assert run(["init", "-input=false", "-no-color"], d).returncode == 0
    tf = run_terraform(["apply", "-auto-approve", "-input=false", "-no-color", *args], dirs[0])
    sh = run_sheath(["apply", "-auto-approve", "-input=false", "-no-color", *args], dirs[1])
    assert (sh.returncode, tf.returncode) == (0, 0), sh.stderr + tf.stderr
    tf_rest, tf_progress = split_progress(tf.stdout)
    sh_rest, sh_progress = split_progress(sh.stdout)
    assert sorted(sh_progress) == sorted(tf_progress)
    summary = [ln for ln in tf_rest if ln.startswith("Apply complete!")]
    assert summary and summary == [ln for ln in sh_rest if ln.startswith("Apply complete!")]
    assert state_view((dirs[1] / "terraform.tfstate").read_text()) == state_view((dirs[0] / "terraform.tfstate").read_text())
    return dirs


def test_apply_target_applies_what_the_target_needs(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    """terraform_data.r["b"] is planned but not created: module.m needs r["a"] only."""
    case = "apply_target_instances"
    both(tmp_path, run_terraform, run_sheath, case, "step1")
    tf, _ = both(tmp_path, run_terraform, run_sheath, case, "step2", "-target=module.m")
    assert '"b"' not in (tf / "terraform.tfstate").read_text().split('"name": "r"', 1)[1]
    both(tmp_path, run_terraform, run_sheath, case, "step3", "-target=module.m")


def test_create_before_destroy_recorded_per_instance(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    """A create_before_destroy dependent forces it on the instances it refers to when they
    are applied, and on every instance of their resources when they are planned unchanged."""
    case = "cbd_forced_instances"
    for step in ("step1", "step2", "step3"):
        both(tmp_path, run_terraform, run_sheath, case, step)
