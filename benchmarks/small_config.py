#!/usr/bin/env python3
"""Benchmark: start-up on small configurations, sheath vs terraform, side by side.

Most runs are small, so a command's fixed cost (the interpreter, the modules it
imports, reading the configuration and the state) is what users feel. This
script times, for both tools in the same directory and in turns (terraform,
sheath, terraform, sheath, ...), so that a change in the machine's load moves
both sides alike:

* on a 4-resource configuration (``terraform_data``, a variable, a local, an
  output), applied once by terraform beforehand: ``validate``, a no-op ``plan``,
  ``state list``, ``show`` and ``console`` evaluating ``1 + 1``;
* ``state list`` on a state of 10,000 ``terraform_data`` instances and no
  configuration.

For each command it prints the median wall and CPU (user + system, the child's
own accounting from wait4) seconds of each tool and the ratio sheath/terraform
(below 1: sheath is faster). Nothing is asserted.

Usage:
    python benchmarks/small_config.py [--repeat K] [--large N] [--terraform PATH] [--sheath CMD]
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

CONFIG = """\
variable "prefix" {
  type    = string
  default = "bench"
}

locals {
  name = "${var.prefix}-small"
}

resource "terraform_data" "a" {
  input = local.name
}

resource "terraform_data" "b" {
  input = terraform_data.a.output
}

resource "terraform_data" "c" {
  count = 2
  input = "${terraform_data.b.output}-${count.index}"
}

output "names" {
  value = terraform_data.c[*].output
}
"""

# (name, arguments, standard input)
SMALL_COMMANDS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("validate", ("validate", "-no-color"), ""),
    ("plan (no changes)", ("plan", "-no-color", "-input=false"), ""),
    ("state list", ("state", "list"), ""),
    ("show", ("show", "-no-color"), ""),
    ("console", ("console",), "1 + 1\n"),
)


@dataclass(frozen=True, slots=True)
class Sample:
    wall: float
    cpu: float


def _env(cli_config: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["CHECKPOINT_DISABLE"] = "1"
    env["TF_IN_AUTOMATION"] = "1"
    env["TF_CLI_CONFIG_FILE"] = str(cli_config)
    for key in list(env):
        if key.startswith("TF_VAR_") or key.startswith("TF_CLI_ARGS") or key == "TF_LOG":
            del env[key]
    return env


def run_once(cmd: list[str], cwd: Path, env: dict[str, str], stdin: str) -> tuple[Sample, int, str]:
    """One run: wall seconds around the child's life, CPU from its own rusage."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=out, stderr=subprocess.STDOUT)
        assert proc.stdin is not None
        proc.stdin.write(stdin.encode())
        proc.stdin.close()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return Sample(wall, usage.ru_utime + usage.ru_stime), proc.returncode, text


def compare(
    label: str, tf: list[str], sh: list[str], args: tuple[str, ...], stdin: str, cwd: Path, env: dict[str, str], repeat: int
) -> tuple[str, float, float, float, float] | None:
    """Alternate the two tools repeat times (after one untimed run each)."""
    samples: dict[str, list[Sample]] = {"terraform": [], "sheath": []}
    for n in range(repeat + 1):
        for tool, base in (("terraform", tf), ("sheath", sh)):
            sample, rc, text = run_once([*base, *args], cwd, env, stdin)
            if rc != 0:
                print(f"{label}: {tool} exited {rc}:\n{text[-2000:]}", file=sys.stderr)
                return None
            if n:
                samples[tool].append(sample)
    tf_wall = statistics.median(s.wall for s in samples["terraform"])
    tf_cpu = statistics.median(s.cpu for s in samples["terraform"])
    sh_wall = statistics.median(s.wall for s in samples["sheath"])
    sh_cpu = statistics.median(s.cpu for s in samples["sheath"])
    return label, tf_wall, tf_cpu, sh_wall, sh_cpu


def large_state(directory: Path, instances: int) -> None:
    """A terraform state (format 4) with instances terraform_data resources."""
    resources = []
    for i in range(instances):
        rid = str(uuid.UUID(int=i))
        resources.append(
            {
                "mode": "managed",
                "type": "terraform_data",
                "name": f"r{i}",
                "provider": 'provider["terraform.io/builtin/terraform"]',
                "instances": [
                    {
                        "schema_version": 0,
                        "attributes": {"id": rid, "input": None, "output": None, "triggers_replace": None},
                        "sensitive_attributes": [],
                    }
                ],
            }
        )
    doc = {
        "version": 4,
        "terraform_version": "1.11.4",
        "serial": 1,
        "lineage": str(uuid.uuid4()),
        "outputs": {},
        "resources": resources,
        "check_results": None,
    }
    (directory / "terraform.tfstate").write_text(json.dumps(doc, indent=2), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", "-k", type=int, default=10, help="timed runs per tool and command (default 10)")
    parser.add_argument("--large", type=int, default=10_000, help="instances in the large state (default 10000)")
    parser.add_argument("--terraform", default=shutil.which("terraform"), help="terraform binary (default: on PATH)")
    parser.add_argument("--sheath", default=shutil.which("sheath") or f"{shlex.quote(sys.executable)} -m sheath", help="sheath command")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.large < 1:
        parser.error("--repeat and --large must be positive")
    if not args.terraform:
        print("terraform: not found on PATH", file=sys.stderr)
        return 1
    tf = [args.terraform]
    sh = shlex.split(args.sheath)
    if os.path.sep in sh[0]:
        sh[0] = os.path.abspath(sh[0])  # the commands run in another directory
    root = Path(tempfile.mkdtemp(prefix="sheath-small-"))
    cli_config = root / "terraformrc"
    cli_config.write_text("", encoding="utf-8")
    env = _env(cli_config)
    rows: list[tuple[str, float, float, float, float]] = []
    try:
        small = root / "small"
        small.mkdir()
        (small / "main.tf").write_text(CONFIG, encoding="utf-8")
        for setup in (["init", "-input=false", "-no-color"], ["apply", "-auto-approve", "-input=false", "-no-color"]):
            _, rc, text = run_once([*tf, *setup], small, env, "")
            if rc != 0:
                print(f"terraform {setup[0]} failed:\n{text}", file=sys.stderr)
                return 1
        for label, cmd_args, stdin in SMALL_COMMANDS:
            row = compare(label, tf, sh, cmd_args, stdin, small, env, args.repeat)
            if row is None:
                return 1
            rows.append(row)
            print(f"  measured {label}", flush=True)
        large = root / "large"
        large.mkdir()
        large_state(large, args.large)
        row = compare(f"state list, {args.large:,} instances", tf, sh, ("state", "list"), "", large, env, args.repeat)
        if row is None:
            return 1
        rows.append(row)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"\nmedians of {args.repeat} runs per tool, taken in turns")
    print(f"{'command':<32} {'terraform wall':>14} {'cpu':>7} {'sheath wall':>12} {'cpu':>7} {'cpu ratio':>9}")
    for label, tw, tc, sw, sc in rows:
        print(f"{label:<32} {tw:>13.3f}s {tc:>6.3f}s {sw:>11.3f}s {sc:>6.3f}s {sc / tc:>9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
