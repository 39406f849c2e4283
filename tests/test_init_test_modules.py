"""init installs the modules the run blocks of the test files call (`module { source }`), in
the root module's test directory or the one -test-directory names, and records them in
.terraform/modules/modules.json as terraform does (key test.<dir>.<file>.<run>)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.oracle

RUN = 'run "a" {\n  module {\n    source = "./m"\n  }\n}\n'


@pytest.mark.parametrize("test_dir", ["", "other"])
def test_init_installs_the_modules_test_files_call(test_dir: str, tmp_path: Path, run_terraform: Any, run_sheath: Any) -> None:
    got = {}
    for name, run in (("terraform", run_terraform), ("sheath", run_sheath)):
        d = tmp_path / name
        (d / "m").mkdir(parents=True)
        (d / "m" / "main.tf").write_text('output "o" {\n  value = 1\n}\n')
        (d / "main.tf").write_text('output "r" {\n  value = 2\n}\n')
        (d / (test_dir or "tests")).mkdir()
        (d / (test_dir or "tests") / "a.tftest.hcl").write_text(RUN)
        r = run(["init", "-no-color", *([f"-test-directory={test_dir}"] if test_dir else [])], d)
        assert r.returncode == 0, r.stderr
        got[name] = (r.stdout.replace("terraform", "sheath").replace("Terraform", "sheath"), (d / ".terraform/modules/modules.json").read_text())
    assert got["sheath"][1] == got["terraform"][1]
    key = f"test.{test_dir or 'tests'}.a.a"
    assert f"- {key} in m" in got["sheath"][0] and f"- {key} in m" in got["terraform"][0]
