"""local-exec provisioners against terraform 1.11.4: the same configuration applied and
destroyed by both tools gives the same output byte for byte (object ids aside), the
same exit codes and the same state (a failed create-time provisioner taints).

Every resource depends on the previous one so that both tools print in one order.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import RunFn
from test_json_ui import normalise

pytestmark = pytest.mark.oracle

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_ELAPSED = re.compile(r"after \d+s")


def _norm(text: str) -> str:
    return _ELAPSED.sub("after <t>", _UUID.sub("<id>", text))

OUTPUTS = """
variable "secret" {
  type      = string
  default   = "hunter2"
  sensitive = true
}

resource "terraform_data" "x" {
  input = "hello"

  provisioner "local-exec" {
    command = "echo ${self.input}; echo; echo '  spaced  '; printf 'a\\\\rb\\\\r\\\\nc'; echo err >&2"
  }
  provisioner "local-exec" {
    command     = "echo \\"$FOO\\" \\"$BAR\\"; basename \\"$PWD\\""
    environment = { FOO = "foo", BAR = null }
    working_dir = "wd"
  }
  provisioner "local-exec" {
    command     = "print('py', end='')"
    interpreter = ["python3", "-c"]
  }
  provisioner "local-exec" {
    command = "echo ${var.secret}"
  }
  provisioner "local-exec" {
    command = "echo quiet"
    quiet   = true
  }
  provisioner "local-exec" {
    when    = destroy
    command = "echo bye ${self.output}"
  }
}

resource "terraform_data" "each" {
  for_each   = toset(["k1"])
  depends_on = [terraform_data.x]
  input      = each.key

  provisioner "local-exec" {
    when    = destroy
    command = "echo gone ${each.key} ${self.input}"
  }
}
"""

FAILURES = """
resource "terraform_data" "c" {
  provisioner "local-exec" {
    command    = "echo out; exit 3"
    on_failure = continue
  }
}

resource "terraform_data" "f" {
  depends_on = [terraform_data.c]

  provisioner "local-exec" {
    command = "echo failing; false"
  }
  provisioner "local-exec" {
    command = "echo never"
  }
}
"""

DESTROY_FAILS = """
resource "terraform_data" "keep" {
  provisioner "local-exec" {
    when    = destroy
    command = "echo refusing; exit 7"
  }
}

resource "terraform_data" "go" {
  depends_on = [terraform_data.keep]
  provisioner "local-exec" {
    when       = destroy
    command    = "exit 2"
    on_failure = continue
  }
}
"""

START_ERRORS = """
resource "terraform_data" "a" {
  provisioner "local-exec" {
    command     = "true"
    interpreter = ["nonexistent-interpreter"]
    on_failure  = continue
  }
  provisioner "local-exec" {
    command     = "true"
    working_dir = "/nonexistent-dir"
    on_failure  = continue
  }
  provisioner "local-exec" {
    command = "kill -9 $$"
  }
}
"""

REPLACE = """
variable "v" {
  default = "one"
}

resource "terraform_data" "r" {
  input            = var.v
  triggers_replace = [length(var.v)]

  provisioner "local-exec" {
    command = "echo created ${self.input}"
  }
  provisioner "local-exec" {
    when    = destroy
    command = "echo destroying ${self.input}"
  }
}
"""


def _setup(tmp_path: Path, config: str) -> dict[str, Path]:
    dirs = {"terraform": tmp_path / "tf", "sheath": tmp_path / "sh"}
    for d in dirs.values():
        (d / "wd").mkdir(parents=True)
        (d / "main.tf").write_text(config)
    return dirs


def _same(dirs: dict[str, Path], runs: dict[str, RunFn], args: list[str]) -> dict[str, str]:
    got = {tool: runs[tool](args, dirs[tool]) for tool in dirs}
    t, s = got["terraform"], got["sheath"]
    assert s.returncode == t.returncode, f"{args}: {s.stdout}{s.stderr}"
    if "init" not in args:
        assert _norm(s.stdout) == _norm(t.stdout), f"{args}\n--- terraform\n{t.stdout}\n--- sheath\n{s.stdout}"
        assert _norm(s.stderr) == _norm(t.stderr), f"{args}\n--- terraform\n{t.stderr}\n--- sheath\n{s.stderr}"
    return {tool: r.stdout for tool, r in got.items()}


def _statuses(d: Path) -> list[tuple[str, str]]:
    doc = json.loads((d / "terraform.tfstate").read_text())
    return [
        (f"{r['type']}.{r['name']}", i.get("status", "")) for r in doc["resources"] for i in r["instances"]
    ]


CASES = {
    "outputs": (OUTPUTS, [["apply"], ["destroy"]]),
    "failures": (FAILURES, [["apply"], ["plan"], ["apply"]]),
    "destroy-fails": (DESTROY_FAILS, [["apply"], ["destroy"]]),
    "start-errors": (START_ERRORS, [["apply"]]),
    "replace": (REPLACE, [["apply"], ["apply", "-var", "v=two"], ["apply", "-var", "v=three"], ["destroy"]]),
}


@pytest.mark.parametrize(
    "case,color",
    [(c, False) for c in sorted(CASES)] + [("outputs", True), ("failures", True)],
    ids=[*sorted(CASES), "outputs-color", "failures-color"],
)
def test_local_exec_output_matches_terraform(
    case: str, color: bool, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn
) -> None:
    config, steps = CASES[case]
    dirs = _setup(tmp_path, config)
    runs = {"terraform": run_terraform, "sheath": run_sheath}
    flags = [] if color else ["-no-color"]
    _same(dirs, runs, ["init", *flags])
    for step in steps:
        args = [step[0], *(["-auto-approve"] if step[0] in ("apply", "destroy") else []), "-input=false", *flags, *step[1:]]
        _same(dirs, runs, args)
        assert _statuses(dirs["sheath"]) == _statuses(dirs["terraform"]), args


def test_failed_provisioner_taints_the_object(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    dirs = _setup(tmp_path, FAILURES)
    runs = {"terraform": run_terraform, "sheath": run_sheath}
    _same(dirs, runs, ["init", "-no-color"])
    _same(dirs, runs, ["apply", "-auto-approve", "-no-color"])
    assert _statuses(dirs["sheath"]) == [("terraform_data.c", ""), ("terraform_data.f", "tainted")]


def test_destroy_provisioner_failure_keeps_the_object(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    dirs = _setup(tmp_path, DESTROY_FAILS)
    runs = {"terraform": run_terraform, "sheath": run_sheath}
    _same(dirs, runs, ["init", "-no-color"])
    _same(dirs, runs, ["apply", "-auto-approve", "-no-color"])
    out = _same(dirs, runs, ["destroy", "-auto-approve", "-no-color"])
    assert "Resources: 1 destroyed" not in out["sheath"]
    assert _statuses(dirs["sheath"]) == [("terraform_data.keep", "")]


@pytest.mark.parametrize("case", ["outputs", "failures", "destroy-fails"])
def test_local_exec_json_matches_terraform(case: str, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    config, steps = CASES[case]
    dirs = _setup(tmp_path, config)
    runs = {"terraform": run_terraform, "sheath": run_sheath}
    _same(dirs, runs, ["init", "-no-color"])
    for step in steps:
        if step[0] == "plan":
            continue
        args = [step[0], "-auto-approve", "-input=false", "-json", *step[1:]]
        got = {tool: runs[tool](args, dirs[tool]) for tool in dirs}
        t, s = got["terraform"], got["sheath"]
        assert s.returncode == t.returncode, s.stdout + s.stderr
        want, have = normalise(t.stdout, True), normalise(s.stdout, True)
        # terraform's version message names terraform
        assert have[1:] == want[1:], "\n".join(json.dumps(d) for d in have)


VALIDATION = {
    "schemas": """
resource "terraform_data" "x" {
  connection {
    host = "h"
    usr  = "x"
  }
  provisioner "local-exec" {
    comand = "x"
  }
  provisioner "file" {
    source      = "a"
    content     = "b"
    destination = "c"
  }
}

resource "terraform_data" "y" {
  provisioner "file" {
    destination = "c"
    connection {
      user = "x"
    }
  }
  provisioner "remote-exec" {
    inline = ["a"]
    script = "b"
  }
}
""",
    "unknown-type": """
resource "terraform_data" "x" {
  provisioner "foo" {
    command = "x"
  }
}
""",
    "removed-type": """
resource "terraform_data" "x" {
  provisioner "chef" {
  }
}
""",
    "destroy-connection-refs": """
variable "host" {
  default = "h"
}

resource "terraform_data" "x" {
  connection {
    host = var.host
  }
  provisioner "local-exec" {
    when    = destroy
    command = "echo ${self.id}"
  }
}
""",
}


@pytest.mark.parametrize("case", sorted(VALIDATION))
def test_provisioner_validation_matches_terraform(case: str, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    dirs = _setup(tmp_path, VALIDATION[case])
    runs = {"terraform": run_terraform, "sheath": run_sheath}
    _same(dirs, runs, ["init", "-no-color"])
    _same(dirs, runs, ["validate", "-no-color"])
    _same(dirs, runs, ["plan", "-no-color", "-input=false"])
    got = {tool: runs[tool](["validate", "-json"], dirs[tool]) for tool in dirs}
    docs = {tool: json.loads(r.stdout) for tool, r in got.items()}
    for doc in docs.values():  # terraform validates resources concurrently: its JSON order is free
        doc["diagnostics"] = sorted(doc["diagnostics"], key=lambda d: json.dumps(d, sort_keys=True))
    assert docs["sheath"] == docs["terraform"]


def test_unimplemented_connection_arguments_are_refused_before_apply(tmp_path: Path, run_sheath: RunFn) -> None:
    config = """
resource "terraform_data" "x" {
  connection {
    host         = "127.0.0.1"
    bastion_host = "10.0.0.1"
  }
  provisioner "remote-exec" {
    inline = ["true"]
  }
}
"""
    d = _setup(tmp_path, config)["sheath"]
    run_sheath(["init"], d)
    r = run_sheath(["plan", "-no-color"], d)
    assert r.returncode == 1
    assert "Error: Unsupported connection argument" in r.stderr
    assert 'does not implement "bastion_host"' in r.stderr
    assert not (d / "terraform.tfstate").exists()
    (d / "main.tf").write_text(config.replace('bastion_host = "10.0.0.1"', 'type = "winrm"'))
    r = run_sheath(["validate", "-no-color"], d)
    assert r.returncode == 1
    assert "does not implement the WinRM communicator" in " ".join(r.stderr.split())


REMOVED_BEFORE = """
resource "terraform_data" "gone" {
  count = 2
  input = "g${count.index}"
}
"""

REMOVED_AFTER = """
removed {
  from = terraform_data.gone
  lifecycle {
    destroy = true
  }
  provisioner "local-exec" {
    when    = destroy
    command = "echo removing ${self.input} ${count.index}"
  }
}
"""


def test_removed_block_destroy_provisioners_match_terraform(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    dirs = _setup(tmp_path, REMOVED_BEFORE)
    runs = {"terraform": run_terraform, "sheath": run_sheath}
    _same(dirs, runs, ["init", "-no-color"])
    for tool, d in dirs.items():
        assert runs[tool](["apply", "-auto-approve", "-no-color"], d).returncode == 0
        (d / "main.tf").write_text(REMOVED_AFTER)
    got = {tool: runs[tool](["apply", "-auto-approve", "-no-color", "-parallelism=1"], dirs[tool]) for tool in dirs}
    assert got["sheath"].returncode == got["terraform"].returncode == 0
    # the two instances are destroyed in either order: compare the lines
    assert sorted(_norm(got["sheath"].stdout).splitlines()) == sorted(_norm(got["terraform"].stdout).splitlines())
    assert "removing g1 1" in got["sheath"].stdout


MODULE_ROOT = """
module "m" {
  source = "./m"
  count  = 1
}
"""

MODULE_CHILD = """
resource "terraform_data" "r" {
  for_each = toset(["a"])
  input    = each.key

  provisioner "local-exec" {
    command = "echo create ${each.key} ${each.value} ${self.input} ${path.module}"
  }
  provisioner "local-exec" {
    when    = destroy
    command = "echo destroy ${each.key} ${self.output} ${path.module}"
  }
}
"""


def test_provisioners_in_module_instances_match_terraform(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    dirs = _setup(tmp_path, MODULE_ROOT)
    for d in dirs.values():
        (d / "m").mkdir()
        (d / "m" / "main.tf").write_text(MODULE_CHILD)
    runs = {"terraform": run_terraform, "sheath": run_sheath}
    _same(dirs, runs, ["init", "-no-color"])
    _same(dirs, runs, ["apply", "-auto-approve", "-no-color"])
    out = _same(dirs, runs, ["destroy", "-auto-approve", "-no-color"])
    assert "destroy a a m" in out["sheath"]
