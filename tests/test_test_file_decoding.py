"""Test files against terraform, part two: what `terraform init` reports for broken test files
(in the default test directory and the one -test-directory names, with and without modules
to install, with -get=false, their warnings consolidated), and the run block's arguments
`terraform validate` decodes: providers, expect_failures (its form, then the kind of object
each entry names), state_key, plan_options, a module block's source and version. Each case
gives both tools the same directory; exit code, stdout and stderr must be the same. `terraform
test` reads the same files first: the same cases through it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import RunFn

pytestmark = pytest.mark.oracle

MAIN = """variable "n" {
  default = 1
}

resource "terraform_data" "d" {
  input = var.n
}

output "o" {
  value = var.n
}
"""
MODULE_CALL = 'module "m" {\n  source = "./child"\n}\n'
CHILD = 'variable "n" {\n  default = 2\n}\n'

INIT_CASES = {
    "syntax": 'run "a" {\n  command = plan\n',
    "duplicate_runs": 'run "a" {\n  command = plan\n}\nrun "a" {\n  command = plan\n}\n',
    "module_sources": """run "a" {
  module {
    source = "git::https://example.com/x.git"
  }
}
run "b" {
  module {
    source = "child"
  }
}
run "c" {
  module {
    source  = "./child"
    version = "1.0"
  }
}
""",
    "override_targets": """override_resource {
  target = data.terraform_data.d
}
run "a" {
  command = plan
  override_data {
    target = terraform_data.d
  }
  override_module {
    target = module.x.y
  }
}
mock_provider "aws" {
  override_resource {
    target = foo
  }
}
""",
    "quoted_references": 'run "a" {\n  command         = plan\n  expect_failures = ["var.n", "output.o"]\n}\n',
}

VALIDATE_CASES = {
    "providers": """provider "aws" {
  alias = "x"
}
run "a" {
  command = plan
  providers = {
    aws     = aws.x
    "aws.y" = aws
    google  = 1
    foo.bar = aws.x.y
  }
}
run "b" {
  command   = plan
  providers = [aws]
}
run "c" {
  command = plan
  providers = {
    aws  = aws.x
    aws  = aws
    nope = aws
  }
}
""",
    "expect_failures_form": """run "a" {
  command         = plan
  expect_failures = [var.n, "output.o", 1, count.index]
}
run "b" {
  command         = plan
  expect_failures = var.n
}
""",
    "state_key": """run "a" {
  command   = plan
  state_key = "k"
}
run "b" {
  command   = plan
  state_key = 1
}
run "c" {
  command   = plan
  state_key = ["x"]
}
run "d" {
  command   = plan
  state_key = null
}
run "e" {
  command   = plan
  state_key = var.n
}
""",
    "plan_options": """run "a" {
  command = plan
  plan_options {
    mode    = refresh-only
    refresh = false
  }
}
run "b" {
  command = plan
  plan_options {
    refresh = "maybe"
    replace = [foo]
    target  = ["terraform_data.d"]
  }
}
run "c" {
  command = plan
  plan_options {
    replace = terraform_data.d
    target  = [terraform_data.d[0].x, 1]
  }
}
run "d" {
  command = plan
  module {
    source  = "./child"
    version = ">= nope"
  }
}
""",
    "module_sources": INIT_CASES["module_sources"],
    "variables": """variables {
  a = nope(1)
  b = var.x.y
}
run "a" {
  command = plan
  variables {
    n = run.nope.x
    m = foo.bar
    k = upper(1, 2)
  }
}
""",
}

# the kinds of object expect_failures entries name: terraform validate checks them after the
# configuration, against nothing (an undeclared variable or resource is no error)
EXPECT_FAILURES_KINDS = """run "a" {
  command         = plan
  expect_failures = [var.n, local.x, foo, module.m, output.o, check.c, terraform_data.d, data.x.y, run.a, terraform_data.nope, var.nope, count.index, path.module, terraform_data.d[0].id, module.m.x, each.key, self, terraform.workspace]
}
run "b" {
  command = plan
  module {
    source = "./child"
  }
  expect_failures = [local.y, var.n]
}
"""


def _dirs(tmp_path: Path, test_file: str, main: str = MAIN, test_dir: str = "tests") -> tuple[Path, Path]:
    tf_dir = tmp_path / "tf"
    (tf_dir / "child").mkdir(parents=True)
    (tf_dir / test_dir).mkdir()
    (tf_dir / "main.tf").write_text(main)
    (tf_dir / "child" / "main.tf").write_text(CHILD)
    (tf_dir / test_dir / "a.tftest.hcl").write_text(test_file)
    sh_dir = tmp_path / "sh"
    shutil.copytree(tf_dir, sh_dir)
    return tf_dir, sh_dir


def _same(args: list[str], tf_dir: Path, sh_dir: Path, run_terraform: RunFn, run_sheath: RunFn) -> int:
    tf = run_terraform([*args, "-no-color"], tf_dir)
    sh = run_sheath([*args, "-no-color"], sh_dir)
    assert (sh.returncode, sh.stdout, sh.stderr) == (tf.returncode, tf.stdout, tf.stderr)
    return tf.returncode


@pytest.mark.parametrize("modules", [False, True], ids=["no_modules", "module_call"])
@pytest.mark.parametrize("case", sorted(INIT_CASES))
def test_init_reports_test_file_problems(case: str, modules: bool, run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path) -> None:
    # without modules to install the errors are "problems with the configuration"; with them,
    # the module installer's, after the modules it installed; warnings come once per load
    tf_dir, sh_dir = _dirs(tmp_path, INIT_CASES[case], MAIN + (MODULE_CALL if modules else ""))
    rc = _same(["init"], tf_dir, sh_dir, run_terraform, run_sheath)
    assert rc == (0 if case == "quoted_references" else 1)


@pytest.mark.parametrize("case", ["duplicate_runs", "quoted_references"])
def test_init_test_directory_and_get_false(case: str, run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path) -> None:
    tf_dir, sh_dir = _dirs(tmp_path / "other", INIT_CASES[case], test_dir="other")
    _same(["init", "-test-directory=other"], tf_dir, sh_dir, run_terraform, run_sheath)
    # the default directory holds no test file here: nothing to report
    assert _same(["init"], tf_dir, sh_dir, run_terraform, run_sheath) == 0
    tf_dir, sh_dir = _dirs(tmp_path / "noget", INIT_CASES[case])
    _same(["init", "-get=false"], tf_dir, sh_dir, run_terraform, run_sheath)


@pytest.mark.parametrize(
    ("case", "command"), [(c, cmd) for c in sorted(VALIDATE_CASES) for cmd in ("validate", "test")]
)
def test_validate_decodes_run_blocks(case: str, command: str, run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path) -> None:
    tf_dir, sh_dir = _dirs(tmp_path, VALIDATE_CASES[case])
    # validate does not evaluate a variables block: its expressions only have to parse; test does
    valid = case == "variables" and command == "validate"
    assert _same([command], tf_dir, sh_dir, run_terraform, run_sheath) == (0 if valid else 1)


def test_test_reads_quoted_expect_failures(run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path) -> None:
    # a deprecated quoted reference is still the reference (the run fails on it, not on its form)
    tf_dir, sh_dir = _dirs(tmp_path, 'run "a" {\n  command         = plan\n  expect_failures = ["var.n"]\n}\n')
    assert _same(["test"], tf_dir, sh_dir, run_terraform, run_sheath) == 1


@pytest.mark.parametrize("command", ["validate", "test"])
def test_the_kinds_expect_failures_names(command: str, run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path) -> None:
    # validate checks them after the configuration; test before the run (which then fails)
    tf_dir, sh_dir = _dirs(tmp_path, EXPECT_FAILURES_KINDS)
    assert _same(["init"], tf_dir, sh_dir, run_terraform, run_sheath) == 0
    assert _same([command], tf_dir, sh_dir, run_terraform, run_sheath) == 1
    tf = run_terraform([command, "-no-color"], tf_dir)
    assert "You cannot expect failures from local.x." in tf.stderr and "from var.nope" not in tf.stderr


QUOTED_DEPENDS_ON = 'resource "terraform_data" "e" {\n  depends_on = ["terraform_data.d"]\n}\n'


@pytest.mark.parametrize("get", [True, False], ids=["get", "get_false"])
@pytest.mark.parametrize("modules", [False, True], ids=["no_modules", "module_call"])
def test_init_consolidates_configuration_warnings(modules: bool, get: bool, run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path) -> None:
    # terraform loads the root module, then (installing modules) the tree, then the tree again:
    # a warning of the root module comes two or three times, a called module's one or two,
    # each test file's like the root module's; its view shows the first of a kind with the count
    main = MAIN + QUOTED_DEPENDS_ON + (MODULE_CALL if modules else "")
    tf_dir, sh_dir = _dirs(tmp_path, INIT_CASES["quoted_references"], main)
    for d in (tf_dir, sh_dir):
        (d / "child" / "main.tf").write_text(CHILD + QUOTED_DEPENDS_ON.replace('"terraform_data.d"', '"terraform_data.f"') + 'resource "terraform_data" "f" {\n}\n')
    if not get and modules:
        assert _same(["init"], tf_dir, sh_dir, run_terraform, run_sheath) == 0
    assert _same(["init", *([] if get else ["-get=false"])], tf_dir, sh_dir, run_terraform, run_sheath) == 0


# What a run's variables may refer to (terraform's moduletest EvalContext): every variable of
# the run is checked, and the problems of all of them reported, before the run ends: run blocks
# that do not exist or have not run yet, attributes their outputs lack or do not know (a plan
# run), variables neither the file nor the command line sets, anything else; a file variable
# may refer to neither run blocks nor anything but global variables, and is only evaluated
# when something uses it. Several warnings of one kind are consolidated (issue 18).
RUN_VARIABLES_MAIN = "".join(f'variable "{n}" {{\n  type    = string\n  default = "x"\n}}\n\n' for n in "abcdef") + (
    'resource "terraform_data" "t" {\n  input = var.a\n}\n\noutput "o" {\n  value = var.a\n}\n\n'
    'output "id" {\n  value = terraform_data.t.id\n}\n'
)

RUN_VARIABLES_CASES = {
    "run_references": """variables {
  fv = "file"
}

run "zero" {
  command = plan
}

run "first" {
  command = plan
  variables {
    a = run.nope.x
    b = run.later.o
    c = run.zero.missing
    d = run.zero.id
    e = var.undefined
    f = local.x
    g = run.zero.o
    h = var.fv
    i = run.zero.o
  }
}

run "later" {
  command = plan
}
""",
    "file_variables": """variables {
  unused = local.y
  fv     = run.zero.o
  gv     = local.y
  a      = var.nope
}

run "zero" {
  command = plan
  variables {
    b = var.fv
    c = "${var.gv}-${run.zero.o}"
  }
}
""",
}


@pytest.mark.parametrize("case", sorted(RUN_VARIABLES_CASES))
def test_run_variables_references(case: str, run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path) -> None:
    tf_dir, sh_dir = _dirs(tmp_path, RUN_VARIABLES_CASES[case], RUN_VARIABLES_MAIN)
    assert _same(["init"], tf_dir, sh_dir, run_terraform, run_sheath) == 0
    assert _same(["test"], tf_dir, sh_dir, run_terraform, run_sheath) == 1


# Override targets (issue 18): a run block's are looked for in the configuration that run
# tests (its module block's, else the root module), the file's in the root module or any run
# block's module (terraform's TestRun.Validate and TestFile.canTarget).
OVERRIDE_TARGETS = """override_resource {
  target = terraform_data.c
}

override_module {
  target = module.grand
}

override_resource {
  target = terraform_data.zz
}

run "a" {
  command = plan
  module {
    source = "./child"
  }
  override_resource {
    target = terraform_data.c
  }
  override_resource {
    target = terraform_data.d
  }
  override_data {
    target = data.terraform_remote_state.s
  }
  override_module {
    target = module.grand
  }
}

run "b" {
  command = plan
  override_resource {
    target = terraform_data.c
  }
  override_module {
    target = module.grand
  }
  override_resource {
    target = terraform_data.d
  }
}
"""

OVERRIDE_CHILD = (
    'resource "terraform_data" "c" {}\n\ndata "terraform_remote_state" "s" {\n  backend = "local"\n}\n\n'
    'module "grand" {\n  source = "./grand"\n}\n'
)


@pytest.mark.parametrize("flags", [[], ["-json"]], ids=["human", "json"])
def test_override_targets_of_a_run_with_a_module(flags: list[str], run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path) -> None:
    tf_dir, sh_dir = _dirs(tmp_path, OVERRIDE_TARGETS)
    for d in (tf_dir, sh_dir):
        (d / "child" / "main.tf").write_text(OVERRIDE_CHILD)
        (d / "child" / "grand").mkdir()
        (d / "child" / "grand" / "main.tf").write_text('output "g" {\n  value = 1\n}\n')
    assert _same(["init"], tf_dir, sh_dir, run_terraform, run_sheath) == 0
    assert _same(["validate", *flags], tf_dir, sh_dir, run_terraform, run_sheath) == 0
