"""`sheath get` against `terraform get`: output, exit code and the module manifest, step by step."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import RunFn

pytestmark = pytest.mark.oracle

MANIFEST = Path(".terraform") / "modules" / "modules.json"


def _tree(d: Path) -> None:
    (d / "m" / "n").mkdir(parents=True)
    (d / "main.tf").write_text('module "m" {\n  source = "./m"\n}\n\nmodule "b" {\n  source = "./m/n"\n}\n')
    (d / "m" / "main.tf").write_text('module "n" {\n  source = "./n"\n}\n')
    (d / "m" / "n" / "main.tf").write_text('variable "x" {\n  default = 1\n}\n')
    (d / "tests").mkdir()
    (d / "tests" / "a.tftest.hcl").write_text('run "a" {\n  module {\n    source = "./m/n"\n  }\n}\n')


def _as_terraform(text: str) -> str:
    return text.replace("sheath [global options]", "terraform [global options]")


def _steps(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn, steps: list[list[str]], setup: object = _tree) -> None:
    dirs = {"tf": tmp_path / "tf", "sh": tmp_path / "sh"}
    for d in dirs.values():
        d.mkdir()
        assert callable(setup)
        setup(d)
    for args in steps:
        if args[:1] == ["!rm"]:
            for d in dirs.values():
                (d / args[1]).unlink()
            continue
        tf = run_terraform(["get", *args], dirs["tf"])
        sh = run_sheath(["get", *args], dirs["sh"])
        assert (sh.returncode, _as_terraform(sh.stdout), _as_terraform(sh.stderr)) == (tf.returncode, tf.stdout, tf.stderr), args
        tf_manifest = dirs["tf"] / MANIFEST
        sh_manifest = dirs["sh"] / MANIFEST
        assert sh_manifest.exists() == tf_manifest.exists(), args
        if tf_manifest.exists():
            assert sh_manifest.read_text() == tf_manifest.read_text(), args


def test_get_update_and_test_modules(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    _steps(tmp_path, run_terraform, run_sheath, [[], [], ["-update"], ["-update", "-no-color"]])


def test_test_directory(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    _steps(tmp_path, run_terraform, run_sheath, [["-test-directory=foo"], ["-test-directory=foo", "-no-color"], ["-test-directory=tests"]])


def test_modules_no_longer_called_stay_in_the_manifest(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    _steps(tmp_path, run_terraform, run_sheath, [[], ["!rm", "tests/a.tftest.hcl"], [], ["-update"]])


@pytest.mark.parametrize(
    "args", [["-h"], ["-bogus"], ["-update=maybe", "-no-color"], ["extra"], ["-no-color", "extra"]]
)
def test_usage_and_errors(args: list[str], tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    _steps(tmp_path, run_terraform, run_sheath, [args])


def _broken(d: Path) -> None:
    (d / "main.tf").write_text('module "m" {\n  source = "./m"\n}\n\nvariable {\n')
    (d / "m").mkdir()


def test_configuration_error(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    _steps(tmp_path, run_terraform, run_sheath, [[], ["-no-color"]], setup=_broken)


def test_sources_sheath_cannot_install_are_errors(tmp_path: Path, run_sheath: RunFn) -> None:
    """terraform would download these; sheath has no getter for them and says so, once,
    at the source attribute (no network, not "Module not installed")."""
    (tmp_path / "main.tf").write_text('module "x" {\n  source = "hg::https://example.com/x"\n}\n')
    r = run_sheath(["get", "-no-color"], tmp_path)
    assert r.returncode == 1
    assert r.stderr.count("Error: ") == 1 and "Module source not available offline" in r.stderr
    assert '  on main.tf line 2, in module "x":\n   2:   source = "hg::https://example.com/x"' in r.stderr
    (tmp_path / "main.tf").write_text("")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "a.tftest.hcl").write_text('run "r" {\n  module {\n    source = "hashicorp/x/aws"\n  }\n}\n')
    r = run_sheath(["get", "-no-color"], tmp_path)
    assert r.returncode == 1 and 'Module "test.tests.a.r" has source "hashicorp/x/aws"' in r.stderr
    assert '  on tests/a.tftest.hcl line 3, in run "r":' in r.stderr
