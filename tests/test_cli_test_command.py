"""sheath test against terraform test: the same .tftest.hcl files, the same exit code,
stdout and stderr byte for byte (only terraform_data's random ids are normalised)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import RunFn

pytestmark = pytest.mark.oracle

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

MAIN = """
variable "name" {
  type    = string
  default = "a"
}

variable "n" {
  type    = number
  default = 1
  validation {
    condition     = var.n < 10
    error_message = "n too big"
  }
}

locals {
  greeting = "hello ${var.name}"
}

resource "terraform_data" "x" {
  input = local.greeting
}

resource "terraform_data" "y" {
  input = var.n
  lifecycle {
    postcondition {
      condition     = self.output < 5
      error_message = "y too big"
    }
  }
}

check "c" {
  assert {
    condition     = var.n != 4
    error_message = "check c failed"
  }
}

output "out" {
  value = terraform_data.x.output
}

output "n" {
  value = var.n
}
"""

PASSING = """
variables {
  name = "file"
}

run "first" {
  assert {
    condition     = output.out == "hello file"
    error_message = "bad out"
  }
}

run "planned" {
  command = plan
  variables {
    name = "run"
  }
  assert {
    condition     = local.greeting == "hello run"
    error_message = "bad greeting"
  }
  assert {
    condition     = terraform_data.x.input == "hello run"
    error_message = "bad input"
  }
}

run "chained" {
  variables {
    name = run.first.out
  }
  assert {
    condition     = output.out == "hello hello file"
    error_message = "bad chain"
  }
}
"""

FAILING = """
run "first" {
  assert {
    condition     = output.n == 2
    error_message = "n is ${output.n}"
  }
  assert {
    condition     = output.out == "hello a"
    error_message = "never"
  }
}

run "second" {
  command = plan
  assert {
    condition     = terraform_data.x.input == "hello wrong"
    error_message = "bad input ${terraform_data.x.input}"
  }
}

run "third" {
  assert {
    condition     = nosuch.thing == 1
    error_message = "three"
  }
}

run "skipped" {}
"""

EXPECT = """
run "plan_var" {
  command         = plan
  variables {
    n = 70
  }
  expect_failures = [var.n]
}

run "check_expected" {
  variables {
    n = 4
  }
  expect_failures = [check.c]
}

run "post_expected" {
  variables {
    n = 7
  }
  expect_failures = [terraform_data.y]
}

run "missing" {
  command         = plan
  expect_failures = [var.n]
}
"""

EXPECT_APPLY = """
run "apply_var" {
  variables {
    n = 20
  }
  expect_failures = [var.n]
}

run "never" {}
"""

UNEXPECTED = """
run "check_fails" {
  variables {
    n = 4
  }
}
"""

POSTFAIL = """
run "postcondition" {
  variables {
    n = 7
  }
}
"""


def _workdir(tmp_path: Path, name: str, files: dict[str, str]) -> Path:
    d = tmp_path / name
    d.mkdir()
    (d / "main.tf").write_text(MAIN)
    for rel, text in files.items():
        p = d / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return d


def _norm(s: str) -> str:
    return _UUID.sub("<uuid>", s)


def _same(run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path, files: dict[str, str], args: list[str]) -> str:
    tf_dir = _workdir(tmp_path, "tf", files)
    sh_dir = tmp_path / "sh"
    shutil.copytree(tf_dir, sh_dir)
    tf = run_terraform(["test", *args], tf_dir)
    sh = run_sheath(["test", *args], sh_dir)
    assert _norm(sh.stdout) == _norm(tf.stdout)
    assert _norm(sh.stderr) == _norm(tf.stderr)
    assert sh.returncode == tf.returncode
    return tf.stdout


def test_passing_runs(run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path) -> None:
    out = _same(run_terraform, run_sheath, tmp_path, {"tests/pass.tftest.hcl": PASSING}, ["-no-color"])
    assert "Success! 3 passed, 0 failed." in out


def test_passing_runs_in_colour(run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path) -> None:
    _same(run_terraform, run_sheath, tmp_path, {"tests/pass.tftest.hcl": PASSING, "fail.tftest.hcl": FAILING}, [])


def test_failing_assertions_and_errors_skip_the_rest(run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path) -> None:
    out = _same(run_terraform, run_sheath, tmp_path, {"tests/fail.tftest.hcl": FAILING}, ["-no-color"])
    assert 'run "skipped"... skip' in out


def test_expect_failures(run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path) -> None:
    files = {
        "a.tftest.hcl": EXPECT,
        "b.tftest.hcl": EXPECT_APPLY,
        "tests/c.tftest.hcl": UNEXPECTED,
        "tests/d.tftest.hcl": POSTFAIL,
    }
    _same(run_terraform, run_sheath, tmp_path, files, ["-no-color"])


def test_filter_and_test_directory(run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path) -> None:
    files = {"spec/pass.tftest.hcl": PASSING, "spec/fail.tftest.hcl": FAILING, "root.tftest.hcl": FAILING}
    out = _same(
        run_terraform,
        run_sheath,
        tmp_path,
        files,
        ["-no-color", "-test-directory=spec", "-filter=spec/pass.tftest.hcl", "-filter=nonexistent.tftest.hcl"],
    )
    assert "fail.tftest.hcl" not in out


def test_verbose(run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path) -> None:
    files = {"tests/pass.tftest.hcl": PASSING, "tests/x.tftest.hcl": EXPECT}
    out = _same(run_terraform, run_sheath, tmp_path, files, ["-no-color", "-verbose"])
    assert "Outputs:" in out and "Plan: 1 to add" in out


VARS_MAIN = """
variable "a" {
  default = "def"
}
variable "b" {
  default = "def"
}
variable "c" {
  default = "def"
}
variable "d" {
  default = "def"
}
output "all" {
  value = "${var.a}-${var.b}-${var.c}-${var.d}"
}
resource "terraform_data" "r" {
  count = 2
  input = "${var.a}${count.index}"
}
"""

VARS_TEST = """
variables {
  a          = "file"
  undeclared = "zzz"
}

run "precedence" {
  variables {
    d = "run"
  }
  assert {
    condition     = output.all == "file-tfvars-varfile-run"
    error_message = "all=${output.all}"
  }
  assert {
    condition     = terraform_data.r[1].input == "file1" && length(terraform_data.r) == 2
    error_message = "r"
  }
  assert {
    condition     = var.undeclared == "zzz"
    error_message = "undeclared"
  }
}
"""


def test_variables_precedence(run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path) -> None:
    files = {
        "tests/v.tftest.hcl": VARS_TEST,
        "terraform.tfvars": 'b = "tfvars"\nc = "tfvars"\n',
        "x.tfvars": 'c = "varfile"\n',
    }
    args = ["-no-color", "-var", "a=cli", "-var", "c=cli", "-var-file=x.tfvars"]
    tf_dir = _workdir(tmp_path, "tf", files)
    (tf_dir / "main.tf").write_text(VARS_MAIN)
    sh_dir = tmp_path / "sh"
    shutil.copytree(tf_dir, sh_dir)
    tf = run_terraform(["test", *args], tf_dir)
    sh = run_sheath(["test", *args], sh_dir)
    assert (sh.returncode, sh.stdout, sh.stderr) == (tf.returncode, tf.stdout, tf.stderr)
    assert "Success! 1 passed, 0 failed." in tf.stdout


def test_unknown_and_unsupported_flags_are_refused(run_sheath: RunFn, tmp_path: Path) -> None:
    d = _workdir(tmp_path, "sh", {"tests/pass.tftest.hcl": PASSING})
    bad = run_sheath(["test", "-no-color", "-parallelism=2"], d)
    assert bad.returncode == 1 and "flag provided but not defined: -parallelism" in bad.stderr
    for flags in (["-cloud-run=app.terraform.io/o/m/p"],):
        r = run_sheath(["test", "-no-color", *flags], d)
        assert r.returncode == 1 and "does not implement" in r.stderr and r.stdout == ""


_TIMESTAMP = re.compile(r'"@timestamp":"[^"]*"')


def test_json(run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path) -> None:
    files = {
        "a.tftest.hcl": EXPECT,
        "b.tftest.hcl": EXPECT_APPLY,
        "tests/fail.tftest.hcl": FAILING,
        "tests/pass.tftest.hcl": PASSING,
        "tests/post.tftest.hcl": POSTFAIL,
    }
    tf_dir = _workdir(tmp_path, "tf", files)
    sh_dir = tmp_path / "sh"
    shutil.copytree(tf_dir, sh_dir)
    tf = run_terraform(["test", "-json"], tf_dir)
    sh = run_sheath(["test", "-json"], sh_dir)

    def norm(s: str) -> str:
        return _TIMESTAMP.sub('"@timestamp":"T"', _norm(s))

    assert norm(sh.stdout) == norm(tf.stdout)
    assert (sh.returncode, sh.stderr) == (tf.returncode, tf.stderr)
    assert '"type":"test_summary"' in tf.stdout


def test_json_failed_teardown(run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path) -> None:
    tf_dir = _workdir(tmp_path, "tf", {"b.tftest.hcl": OPTIONS_LATER})
    (tf_dir / "main.tf").write_text(OPTIONS_MAIN)
    sh_dir = tmp_path / "sh"
    shutil.copytree(tf_dir, sh_dir)
    tf = run_terraform(["test", "-json"], tf_dir)
    sh = run_sheath(["test", "-json"], sh_dir)
    assert _TIMESTAMP.sub("T", _norm(sh.stdout)) == _TIMESTAMP.sub("T", _norm(tf.stdout))
    assert '"type":"test_cleanup"' in tf.stdout


OPTIONS_MAIN = """
resource "terraform_data" "a" {
  input = "a"
  provisioner "local-exec" {
    when    = destroy
    command = "exit 3"
  }
}

resource "terraform_data" "b" {
  input = "b"
}

output "o" {
  value = terraform_data.b.output
}
"""

OPTIONS_TEST = """
run "refresh_only_first" {
  plan_options {
    mode = refresh-only
  }
}
"""

OPTIONS_LATER = """
run "apply" {
  assert {
    condition     = output.o == "b"
    error_message = "o"
  }
}

run "refresh_only" {
  plan_options {
    mode    = refresh-only
    refresh = true
  }
}

run "replace" {
  command = plan
  plan_options {
    replace = [terraform_data.b]
    target  = [terraform_data.b]
  }
  assert {
    condition     = terraform_data.b.output == "b"
    error_message = "b output ${terraform_data.b.output}"
  }
}

run "skipped" {
  plan_options {
    refresh = false
  }
}
"""


def test_plan_options_and_failed_teardown(run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path) -> None:
    files = {"a.tftest.hcl": OPTIONS_TEST, "b.tftest.hcl": OPTIONS_LATER}
    tf_dir = _workdir(tmp_path, "tf", files)
    (tf_dir / "main.tf").write_text(OPTIONS_MAIN)
    sh_dir = tmp_path / "sh"
    shutil.copytree(tf_dir, sh_dir)
    tf = run_terraform(["test", "-no-color"], tf_dir)
    sh = run_sheath(["test", "-no-color"], sh_dir)
    assert (sh.returncode, sh.stdout, sh.stderr) == (tf.returncode, tf.stdout, tf.stderr)
    assert "need to be cleaned up manually" in tf.stderr and "Cannot apply non-applyable plan" in tf.stderr


_XML_TIME = re.compile(r'time="[^"]*" timestamp="[^"]*"')


def test_junit_xml(run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path) -> None:
    files = {"a.tftest.hcl": EXPECT, "b.tftest.hcl": EXPECT_APPLY, "tests/fail.tftest.hcl": FAILING, "tests/pass.tftest.hcl": PASSING}
    tf_dir = _workdir(tmp_path, "tf", files)
    sh_dir = tmp_path / "sh"
    shutil.copytree(tf_dir, sh_dir)
    tf = run_terraform(["test", "-no-color", "-junit-xml=report.xml"], tf_dir)
    sh = run_sheath(["test", "-no-color", "-junit-xml=report.xml"], sh_dir)
    assert (sh.returncode, sh.stdout, sh.stderr) == (tf.returncode, tf.stdout, tf.stderr)
    tf_xml = (tf_dir / "report.xml").read_text()
    assert _XML_TIME.sub("T", (sh_dir / "report.xml").read_text()) == _XML_TIME.sub("T", tf_xml)
    assert "<failure" in tf_xml and "<error" in tf_xml and "<skipped" in tf_xml


REF_MAIN = """
variable "a" {
  default = "x"
}

variable "b" {
  default = "y"
}

output "o" {
  value = "${var.a}-${var.b}"
}
"""

REF_OK = """
variables {
  a = "file"
}

run "run_sees_file_values" {
  variables {
    b = "${var.a}-run"
  }
  assert {
    condition     = output.o == "file-file-run"
    error_message = output.o
  }
}
"""

REF_FILE_LEVEL = """
variables {
  a = "file"
  b = "${var.a}-b"
}

run "file_level_sees_globals_only" {}
"""

REF_RUN_LEVEL = """
run "unavailable" {
  variables {
    b = "${var.a}-run"
  }
}
"""


@pytest.mark.parametrize("args", [[], ["-var", "a=cli"]])
def test_variables_referring_to_variables(run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path, args: list[str]) -> None:
    files = {"a.tftest.hcl": REF_OK, "b.tftest.hcl": REF_FILE_LEVEL, "c.tftest.hcl": REF_RUN_LEVEL}
    tf_dir = _workdir(tmp_path, "tf", files)
    (tf_dir / "main.tf").write_text(REF_MAIN)
    sh_dir = tmp_path / "sh"
    shutil.copytree(tf_dir, sh_dir)
    tf = run_terraform(["test", "-no-color", *args], tf_dir)
    sh = run_sheath(["test", "-no-color", *args], sh_dir)
    assert (sh.returncode, sh.stdout, sh.stderr) == (tf.returncode, tf.stdout, tf.stderr)


LOCAL_FILE_MAIN = """
variable "content" {
  default = "hi"
}

resource "local_file" "f" {
  filename = "${path.module}/out.txt"
  content  = var.content
}

output "path" {
  value = local_file.f.filename
}
"""

LOCAL_FILE_TEST = """
run "write" {
  variables {
    content = "written"
  }
  assert {
    condition     = local_file.f.content == "written" && file(output.path) == "written"
    error_message = "not written"
  }
}

run "rewrite" {
  assert {
    condition     = file(output.path) == "hi"
    error_message = "not rewritten"
  }
}
"""


def test_local_file_is_written_then_destroyed(run_sheath: RunFn, tmp_path: Path) -> None:
    """A real provider's objects exist while the file runs and are destroyed by its teardown."""
    (tmp_path / "main.tf").write_text(LOCAL_FILE_MAIN)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "f.tftest.hcl").write_text(LOCAL_FILE_TEST)
    assert run_sheath(["init", "-no-color"], tmp_path).returncode == 0
    r = run_sheath(["test", "-no-color"], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.endswith("Success! 2 passed, 0 failed.\n")
    assert not (tmp_path / "out.txt").exists()
    assert not (tmp_path / "terraform.tfstate").exists()


MODULES_MAIN = """
variable "p" {
  default = "root"
}

module "c" {
  source = "./child"
  in     = "${var.p}-arg"
}

locals {
  from_child = module.c.out
}

output "o" {
  value = module.c.out
}
"""

CHILD = """
variable "in" {
  type = string
}

variable "d" {
  default = "dflt"
}

resource "terraform_data" "r" {
  input = var.in
}

module "g" {
  source = "./grand"
  v      = terraform_data.r.output
}

output "out" {
  value = "${terraform_data.r.output}-${var.d}"
}

output "deep" {
  value = module.g.gout
}
"""

GRAND = """
variable "v" {}

output "gout" {
  value = upper(var.v)
}
"""

MODULES_TEST = """
run "apply" {
  assert {
    condition     = module.c.out == "root-arg-dflt" && local.from_child == module.c.out
    error_message = "out ${module.c.out}"
  }
  assert {
    condition     = module.c.deep == "X"
    error_message = "deep ${module.c.deep}"
  }
}

run "plan" {
  command = plan
  variables {
    p = "changed"
  }
  assert {
    condition     = module.c.deep == "ROOT-ARG"
    error_message = "deep ${module.c.deep}"
  }
}
"""


def test_module_outputs_in_assertions(run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path) -> None:
    files = {"t.tftest.hcl": MODULES_TEST, "child/main.tf": CHILD, "child/grand/main.tf": GRAND}
    tf_dir = _workdir(tmp_path, "tf", files)
    (tf_dir / "main.tf").write_text(MODULES_MAIN)
    assert run_terraform(["init", "-no-color"], tf_dir).returncode == 0
    sh_dir = tmp_path / "sh"
    shutil.copytree(tf_dir, sh_dir)
    tf = run_terraform(["test", "-no-color"], tf_dir)
    sh = run_sheath(["test", "-no-color"], sh_dir)
    assert (sh.returncode, sh.stdout, sh.stderr) == (tf.returncode, tf.stdout, tf.stderr)
    assert 'module.c.deep is "ROOT-ARG"' in tf.stderr


REQUIRED_MAIN = """
variable "req" {
  type = number
}

output "o" {
  value = var.req
  precondition {
    condition     = var.req > 0
    error_message = "req must be positive"
  }
}

resource "terraform_data" "r" {
  input = var.req
  lifecycle {
    precondition {
      condition     = var.req != 5
      error_message = "not five"
    }
  }
}
"""

REQUIRED_MISSING = """
run "missing_var" {}
"""

PRECONDITIONS = """
variables {
  req = -1
}

run "output_precondition_in_apply" {
  expect_failures = [output.o]
}

run "never" {}
"""

PRECONDITIONS_PLAN = """
run "resource_precondition" {
  command = plan
  variables {
    req = 5
  }
  expect_failures = [terraform_data.r]
}

run "resource_precondition_unexpected" {
  command = plan
  variables {
    req = 5
  }
}
"""


@pytest.mark.parametrize("args", [["-no-color"], [], ["-json"]])
def test_required_variables_and_preconditions(run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path, args: list[str]) -> None:
    files = {"a.tftest.hcl": REQUIRED_MISSING, "b.tftest.hcl": PRECONDITIONS, "c.tftest.hcl": PRECONDITIONS_PLAN}
    tf_dir = _workdir(tmp_path, "tf", files)
    (tf_dir / "main.tf").write_text(REQUIRED_MAIN)
    sh_dir = tmp_path / "sh"
    shutil.copytree(tf_dir, sh_dir)
    tf = run_terraform(["test", *args], tf_dir)
    sh = run_sheath(["test", *args], sh_dir)
    assert _TIMESTAMP.sub("T", sh.stdout) == _TIMESTAMP.sub("T", tf.stdout)
    assert (sh.returncode, sh.stderr) == (tf.returncode, tf.stderr)


def _verbose_json_lines(text: str) -> list[dict[str, object]]:
    """The JSON lines with their timestamps and ids normalised, and the two divergences that
    are not the test command's: sheath's builtin provider has shorter descriptions for
    terraform_remote_state (providers schema -json shows the same), and its plans record no
    relevant_attributes for resources created."""
    import json

    def strip(x: object) -> object:
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items() if k != "description"}
        if isinstance(x, list):
            return [strip(v) for v in x]
        return x

    out = []
    for line in _norm(text).splitlines():
        doc = json.loads(line)
        doc.pop("@timestamp", None)
        for key in ("test_plan", "test_state"):
            if key in doc:
                body = doc[key]
                assert isinstance(body, dict)
                body.pop("relevant_attributes", None)
                body["provider_schemas"] = strip(body["provider_schemas"])
        out.append(doc)
    return out


def test_json_verbose(run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path) -> None:
    files = {"tests/pass.tftest.hcl": PASSING, "fail.tftest.hcl": FAILING}
    tf_dir = _workdir(tmp_path, "tf", files)
    sh_dir = tmp_path / "sh"
    shutil.copytree(tf_dir, sh_dir)
    tf = run_terraform(["test", "-json", "-verbose"], tf_dir)
    sh = run_sheath(["test", "-json", "-verbose"], sh_dir)
    assert _verbose_json_lines(sh.stdout) == _verbose_json_lines(tf.stdout)
    assert (sh.returncode, sh.stderr) == (tf.returncode, tf.stderr)
    assert '"type":"test_state"' in tf.stdout and '"type":"test_plan"' in tf.stdout


# every flag terraform test lists, and where this file shows what sheath does with it
COVERED_FLAGS = {
    "cloud-run": "refused: test_unknown_and_unsupported_flags_are_refused",
    "filter": "test_filter_and_test_directory",
    "json": "test_json, test_json_failed_teardown, test_json_verbose",
    "no-color": "every test",
    "test-directory": "test_filter_and_test_directory",
    "var": "test_variables_precedence",
    "var-file": "test_variables_precedence",
    "verbose": "test_verbose, test_json_verbose",
}


def test_every_flag_terraform_lists_is_covered(run_terraform: RunFn, tmp_path: Path) -> None:
    r = run_terraform(["test", "-help"], tmp_path)
    listed = set(re.findall(r"^\s+-([a-z][a-z0-9-]*)", r.stdout + r.stderr, re.M)) - {"help", "h"}
    assert listed == set(COVERED_FLAGS)


REFS_MAIN = """
output "o" {
  value = "v"
}
"""

REFS_BAD = """
run "one" {
  assert {
    condition     = run.nope.o == "v"
    error_message = "x"
  }
}

run "two" {
  command = plan
  assert {
    condition     = output.nope == "v"
    error_message = "x"
  }
}
"""

REFS_LATER = """
run "early" {
  command = plan
  assert {
    condition     = run.later.o == "v"
    error_message = "x"
  }
}

run "later" {
  command = plan
}
"""

CONSTANT_CONDITION = """
run "constant" {
  command = plan
  assert {
    condition     = "notbool"
    error_message = "x"
  }
}
"""


@pytest.mark.parametrize("constant", [False, True])
def test_assertion_reference_errors(run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path, constant: bool) -> None:
    files = {"a.tftest.hcl": REFS_BAD, "d.tftest.hcl": REFS_LATER}
    if constant:
        files["b.tftest.hcl"] = CONSTANT_CONDITION
    tf_dir = _workdir(tmp_path, "tf", files)
    (tf_dir / "main.tf").write_text(REFS_MAIN)
    sh_dir = tmp_path / "sh"
    shutil.copytree(tf_dir, sh_dir)
    tf = run_terraform(["test", "-no-color"], tf_dir)
    sh = run_sheath(["test", "-no-color"], sh_dir)
    assert (sh.returncode, sh.stdout, sh.stderr) == (tf.returncode, tf.stdout, tf.stderr)


MOCK_MAIN = """
resource "terraform_data" "x" {
  input = "in"
}

resource "terraform_data" "generated" {
  input = "g"
}

data "terraform_remote_state" "r" {
  backend = "local"
  config = {
    path = "nonexistent.tfstate"
  }
}

output "id" {
  value = terraform_data.x.id
}

output "rs" {
  value = data.terraform_remote_state.r.outputs
}
"""

MOCK_TEST = """
mock_provider "terraform" {
  mock_resource "terraform_data" {
    defaults = {
      id = "fixed"
    }
  }
  mock_data "terraform_remote_state" {
    defaults = {
      outputs = { a = 1 }
    }
  }
}

run "plan" {
  command = plan
  variables {
    unused = 1
  }
  assert {
    condition     = data.terraform_remote_state.r.outputs.a == 1
    error_message = "plan rs"
  }
  assert {
    condition     = terraform_data.x.id == "fixed"
    error_message = "unknown until applied"
  }
}

run "apply" {
  assert {
    condition     = terraform_data.x.id == "fixed" && output.id == "fixed" && terraform_data.x.output == null
    error_message = "id ${terraform_data.x.id}"
  }
  assert {
    condition     = length(terraform_data.generated.id) == 8
    error_message = "generated ${terraform_data.generated.id}"
  }
}

run "again" {
  assert {
    condition     = output.rs == { a = 2 }
    error_message = "rs ${jsonencode(output.rs)}"
  }
}
"""


@pytest.mark.parametrize("args", [["-no-color"], ["-json"]])
def test_mock_provider(run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path, args: list[str]) -> None:
    tf_dir = _workdir(tmp_path, "tf", {"a.tftest.hcl": MOCK_TEST})
    (tf_dir / "main.tf").write_text(MOCK_MAIN)
    sh_dir = tmp_path / "sh"
    shutil.copytree(tf_dir, sh_dir)
    tf = run_terraform(["test", *args], tf_dir)
    sh = run_sheath(["test", *args], sh_dir)
    assert _TIMESTAMP.sub("T", sh.stdout) == _TIMESTAMP.sub("T", tf.stdout)
    assert (sh.returncode, sh.stderr) == (tf.returncode, tf.stderr)
    assert "Unknown condition value" in tf.stdout + tf.stderr


def test_mock_provider_parts_not_implemented_are_refused(run_sheath: RunFn, tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(MOCK_MAIN)
    for body in ('alias = "a"', 'override_resource {\n    target = terraform_data.x\n  }', 'source = "./mocks"'):
        (tmp_path / "a.tftest.hcl").write_text(f'mock_provider "terraform" {{\n  {body}\n}}\n\nrun "r" {{}}\n')
        r = run_sheath(["test", "-no-color"], tmp_path)
        assert r.returncode == 1 and "sheath test does not support" in r.stderr and r.stdout == "", r.stderr


OVERRIDE_DATA = """
override_data {
  target = data.terraform_remote_state.r
  values = {
    outputs = { a = 5 }
    backend = "only computed attributes are overridden"
  }
}

run "file_level" {
  command = plan
  assert {
    condition     = data.terraform_remote_state.r.outputs.a == 5 && data.terraform_remote_state.r.backend == "x"
    error_message = "rs ${jsonencode(data.terraform_remote_state.r)}"
  }
}
"""

OVERRIDE_DATA_SCOPES = """
mock_provider "terraform" {
  override_data {
    target = data.terraform_remote_state.r
    values = { outputs = { m = 1 } }
  }
}

override_data {
  target = data.terraform_remote_state.r
  values = { outputs = { f = 1 } }
}

run "file_level_wins_over_mock" {
  command = plan
  assert {
    condition     = data.terraform_remote_state.r.outputs == { m = 1 }
    error_message = "rs ${jsonencode(data.terraform_remote_state.r.outputs)}"
  }
}

run "run_level" {
  override_data {
    target = data.terraform_remote_state.r
    values = { outputs = { r = 1 } }
  }
  assert {
    condition     = data.terraform_remote_state.r.outputs == { r = 1 }
    error_message = "rs ${jsonencode(data.terraform_remote_state.r.outputs)}"
  }
}
"""


def test_override_data(run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path) -> None:
    tf_dir = _workdir(tmp_path, "tf", {"a.tftest.hcl": OVERRIDE_DATA, "b.tftest.hcl": OVERRIDE_DATA_SCOPES})
    (tf_dir / "main.tf").write_text(MOCK_MAIN)
    sh_dir = tmp_path / "sh"
    shutil.copytree(tf_dir, sh_dir)
    tf = run_terraform(["test", "-no-color"], tf_dir)
    sh = run_sheath(["test", "-no-color"], sh_dir)
    assert (sh.returncode, sh.stdout, sh.stderr) == (tf.returncode, tf.stdout, tf.stderr)
    assert 'run "run_level"... pass' in tf.stdout
