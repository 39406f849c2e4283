"""Fuzzing the command line (issue 17: hostile input).

Random commands with random flags (terraform's own and made-up ones, with
bad values), random configuration files (mutated valid configurations,
binary garbage, deep nesting, huge numbers of locals) and random ``TF_*``
environment variables go to ``python -m sheath`` in a child process with
no standard input. Each run must end within ``TIME_BOUND`` seconds (a bound
that catches hangs, not a measure of speed), with exit code 0, 1 or 2, and
without a Python traceback or sheath's internal-error message.

The default run tries ``DEFAULT_EXAMPLES`` inputs (deterministically, so CI
is reproducible); ``-m slow`` runs ``SLOW_EXAMPLES`` fresh random ones.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TIME_BOUND = 20.0
DEFAULT_EXAMPLES = 16
SLOW_EXAMPLES = 300

SEEDS: list[bytes] = [
    b'''terraform {
  required_version = ">= 1.0"
}

variable "names" {
  type    = list(object({ name = string, size = optional(number, 1) }))
  default = [{ name = "a" }]
  validation {
    condition     = length(var.names) < 10
    error_message = "Too many."
  }
}

locals {
  m = { for i, v in var.names : v.name => v.size... if v.size > 0 }
  s = "prefix-${var.names[0].name}-%{ if length(var.names) > 1 }many%{ else }one%{ endif }"
  r = regexall("^(a+)+$", join("", [for n in var.names : n.name]))
}

resource "terraform_data" "a" {
  count = 2
  input = { index = count.index, names = local.m }
  lifecycle {
    precondition {
      condition     = count.index < 5
      error_message = "No."
    }
  }
}

output "o" {
  value     = terraform_data.a[*].output
  sensitive = false
}
''',
    b'''locals {
  a = 1
  b = local.a + 2
  c = [for x in range(local.b) : x * 2]
  d = { k = "v", n = null, l = [1, "2", true] }
  e = jsonencode(local.d)
  f = try(local.d.missing, "default")
}

check "c" {
  assert {
    condition     = local.b == 3
    error_message = "b is ${local.b}"
  }
}

output "e" {
  value = local.e
}
''',
    b'''resource "terraform_data" "x" {
  input            = "a"
  triggers_replace = [terraform_data.y.id]
}

resource "terraform_data" "y" {
  for_each = toset(["a", "b"])
  input    = each.key
}

moved {
  from = terraform_data.z
  to   = terraform_data.x
}
''',
]

COMMANDS = ["validate", "fmt", "console", "graph", "providers", "version", "output", "show", "plan", "state", "init", "refresh"]

FLAGS = [
    "-json", "-no-color", "-help", "-check", "-diff", "-recursive", "-write=false", "-list=false",
    "-input=false", "-lock=false", "-refresh=false", "-destroy", "-refresh-only", "-detailed-exitcode",
    "-parallelism=-5", "-parallelism=0", "-parallelism=3", "-parallelism=abc", "-lock-timeout=xyz",
    "-lock-timeout=1s", "-replace=not an address", "-replace=terraform_data.a[0]", "-target=terraform_data.x",
    "-target=", "-var", "-var=names=[]", "-var=x", "-var-file=nope.tfvars", "-var-file=main.tf", "-out=",
    "-out=plan.bin", "-state=", "-state=missing/dir/x.tfstate", "-state=.", "-chdir=..", "-upgrade",
    "-backend=false", "-raw", "list", "show", "pull", "-", "--", "---", "=", "-x=y=z", "-json=maybe",
]

ENV_NAMES = [
    "TF_LOG", "TF_CLI_ARGS", "TF_CLI_ARGS_plan", "TF_CLI_ARGS_validate", "TF_VAR_names", "TF_VAR_x",
    "TF_WORKSPACE", "TF_DATA_DIR", "TF_IN_AUTOMATION", "TF_INPUT", "TF_PLUGIN_CACHE_DIR", "TF_CLI_CONFIG_FILE",
]
ENV_VALUES = ["", "1", "0", "trace", "-no-color", "-json -lock=false", "[", "[]", '[{name="b"}]', "nope", "/", "\x7f", "-parallelism=-1"]


@dataclass(frozen=True)
class Case:
    args: list[str]
    files: dict[str, bytes]
    env: dict[str, str]


def _mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    out = bytearray(data)
    for op, pos, chunk in edits:
        if not out:
            out.extend(chunk)
            continue
        i = pos % len(out)
        if op == 0:
            del out[i : i + len(chunk) + 1]
        elif op == 1:
            out[i:i] = chunk
        else:
            out[i : i + len(chunk)] = chunk
    return bytes(out)


_edit = st.tuples(st.integers(0, 2), st.integers(0, 1 << 20), st.binary(min_size=0, max_size=6))

_file = st.one_of(
    st.builds(_mutate, st.sampled_from(SEEDS), st.lists(_edit, max_size=8)),
    st.binary(max_size=4000),
    st.integers(1, 3000).map(lambda n: b"locals {\n  x = " + b"(" * n + b"1" + b")" * n + b"\n}\n"),
    st.integers(1, 2000).map(lambda n: b"locals {\n" + b"".join(b"  l%d = local.l%d\n" % (i, i + 1) for i in range(n)) + b"}\n"),
    st.sampled_from(SEEDS),
)

_case = st.builds(
    Case,
    args=st.tuples(
        st.sampled_from(COMMANDS),
        st.lists(st.one_of(st.sampled_from(FLAGS), st.text(max_size=12)), max_size=5),
    ).map(lambda t: [t[0], *t[1]]),
    files=st.dictionaries(
        st.sampled_from(["main.tf", "other.tf", "x.tf.json", "terraform.tfvars", "terraform.tfstate", "a.auto.tfvars"]),
        _file,
        min_size=1,
        max_size=3,
    ),
    env=st.dictionaries(st.sampled_from(ENV_NAMES), st.sampled_from(ENV_VALUES), max_size=3),
)


def _base_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_") and not k.startswith("SHEATH_")}
    env["HOME"] = str(home)
    env["CHECKPOINT_DISABLE"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_case(case: Case, workdir: Path) -> None:
    for name, data in case.files.items():
        (workdir / name).write_bytes(data)
    env = _base_env(workdir)
    for k, v in case.env.items():
        env[k] = v.replace("\x00", "")
    args = [a.replace("\x00", "") for a in case.args]
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "sheath", *args],
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=TIME_BOUND,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"sheath {args} did not finish within {TIME_BOUND}s (env {case.env}, files {list(case.files)})")
    err = proc.stderr.decode("utf-8", "replace")
    out = proc.stdout.decode("utf-8", "replace")
    assert "Traceback (most recent call last)" not in err + out, f"sheath {args} env {case.env}:\n{err[-3000:]}"
    assert "internal error in sheath" not in err, f"sheath {args} env {case.env}:\n{err[-3000:]}"
    assert proc.returncode in (0, 1, 2), f"sheath {args} env {case.env}: exit {proc.returncode}\n{err[-3000:]}"


def _fuzz(tmp_path_factory: pytest.TempPathFactory, case: Case) -> None:
    run_case(case, tmp_path_factory.mktemp("fuzz"))


@settings(
    max_examples=DEFAULT_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
@given(case=_case)
def test_cli_fuzz(tmp_path_factory: pytest.TempPathFactory, case: Case) -> None:
    _fuzz(tmp_path_factory, case)


@pytest.mark.slow
@settings(
    max_examples=SLOW_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
@given(case=_case)
def test_cli_fuzz_many(tmp_path_factory: pytest.TempPathFactory, case: Case) -> None:
    _fuzz(tmp_path_factory, case)


@pytest.mark.parametrize(
    "case",
    [
        Case(["validate"], {"main.tf": bytes(range(256)) * 80}, {}),
        Case(["validate", "-json"], {"main.tf": bytes(range(255, -1, -1)) * 80}, {}),
        Case(["validate"], {"main.tf": SEEDS[1]}, {"TF_CLI_ARGS": "-no-color -json"}),
        Case(["plan", "-parallelism=-5", "-lock-timeout=xyz"], {"main.tf": SEEDS[2]}, {"TF_VAR_x": "["}),
        Case(["console"], {"main.tf": b"locals {\n  x = " + b"[" * 5000 + b"]" * 5000 + b"\n}\n"}, {}),
        Case(["fmt", "-check", "-diff"], {"main.tf": b"{" * 3000}, {}),
    ],
    ids=["garbage", "garbage-json", "env-args", "bad-flags", "deep-console", "fmt-unclosed"],
)
def test_cli_hostile_inputs(tmp_path: Path, case: Case) -> None:
    run_case(case, tmp_path)
