#!/usr/bin/env python3
"""Benchmark: `terraform validate` vs `sheath validate` on a generated configuration.

Generates a root module with N `terraform_data` resources (default 10,000) that
reference each other, plus variables, locals, outputs, and resources using
`count` and `for_each`, into a temporary directory. Then times both tools on
that same directory, K timed repetitions each (optionally after untimed
warm-up runs), and prints the medians and the ratio sheath/terraform.

terraform_data belongs to the built-in `terraform` provider, so no provider
download (and no network) is needed; `terraform init` is still run once,
untimed, with -backend=false so that validate finds an initialized directory.

Usage:
    python benchmarks/validate_10k.py [--resources N] [--repeat K] [--warmup W] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

RESOURCES_PER_FILE = 500


@dataclass(frozen=True, slots=True)
class RunResult:
    seconds: float
    returncode: int
    output: str


def _resource_block(i: int) -> str:
    """One resource; the kind rotates so every construct appears throughout the file."""
    kind = i % 10
    name = f"r{i}"
    if i == 0:
        return f'resource "terraform_data" "{name}" {{\n  input = "${{var.prefix}}-root"\n}}\n'
    prev = f"terraform_data.r{i - 1}"
    if kind == 3:
        # count: references the previous resource and its own index.
        return (
            f'resource "terraform_data" "{name}" {{\n'
            f"  count = var.replicas\n"
            f"  input = {{\n"
            f"    index  = count.index\n"
            f'    parent = "${{{prev}.id}}-${{count.index}}"\n'
            f"  }}\n"
            f"}}\n"
        )
    if kind == 6:
        # for_each over a local map, referencing each.key / each.value.
        return (
            f'resource "terraform_data" "{name}" {{\n'
            f"  for_each = local.zones\n"
            f"  input = {{\n"
            f"    zone   = each.key\n"
            f"    weight = each.value * {i % 7 + 1}\n"
            f"    parent = {prev}.output\n"
            f"  }}\n"
            f"}}\n"
        )
    if kind == 9:
        # Fan-in: references several earlier resources and a function call.
        refs = ", ".join(f"terraform_data.r{j}.id" for j in range(max(0, i - 8), i, 2) if j % 10 not in (3, 6))
        return (
            f'resource "terraform_data" "{name}" {{\n'
            f"  input = {{\n"
            f"    joined = join(\",\", [{refs}])\n"
            f"    tags   = merge(local.common_tags, {{ Name = \"{name}\" }})\n"
            f"  }}\n"
            f"  triggers_replace = [{prev}.id]\n"
            f"}}\n"
        )
    prev_ref = f"{prev}[0].id" if (i - 1) % 10 == 3 else (
        f'{prev}["a"].id' if (i - 1) % 10 == 6 else f"{prev}.output"
    )
    return (
        f'resource "terraform_data" "{name}" {{\n'
        f"  input = {{\n"
        f'    name   = "${{local.name_prefix}}-{i}"\n'
        f"    parent = {prev_ref}\n"
        f"    size   = var.sizes[{i % 3}] + {i}\n"
        f"    on     = var.enabled && {str(i % 2 == 0).lower()}\n"
        f"  }}\n"
        f"}}\n"
    )


PREAMBLE = """\
terraform {
  required_version = ">= 1.5"
}

variable "prefix" {
  type    = string
  default = "bench"
}

variable "replicas" {
  type    = number
  default = 2
}

variable "sizes" {
  type    = list(number)
  default = [1, 2, 3]
}

variable "enabled" {
  type    = bool
  default = true
}

variable "settings" {
  type = object({
    owner = string
    level = optional(number, 1)
  })
  default = {
    owner = "bench"
  }
}

locals {
  name_prefix = "${var.prefix}-${var.settings.owner}"
  zones       = { a = 1, b = 2, c = 3 }
  common_tags = {
    Owner = var.settings.owner
    Level = tostring(var.settings.level)
  }
}
"""


def generate(directory: Path, resources: int) -> None:
    """Write the benchmark configuration for `resources` resources into directory."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "main.tf").write_text(PREAMBLE, encoding="utf-8")
    for start in range(0, resources, RESOURCES_PER_FILE):
        stop = min(resources, start + RESOURCES_PER_FILE)
        body = "\n".join(_resource_block(i) for i in range(start, stop))
        (directory / f"resources_{start // RESOURCES_PER_FILE:03d}.tf").write_text(body, encoding="utf-8")
    outputs = []
    for i in range(0, resources, max(1, resources // 100)):
        if i % 10 == 3:
            value = f"terraform_data.r{i}[*].id"
        elif i % 10 == 6:
            value = f"{{ for k, v in terraform_data.r{i} : k => v.id }}"
        else:
            value = f"terraform_data.r{i}.output"
        outputs.append(f'output "o{i}" {{\n  value = {value}\n}}\n')
    (directory / "outputs.tf").write_text("\n".join(outputs), encoding="utf-8")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["CHECKPOINT_DISABLE"] = "1"
    env["TF_IN_AUTOMATION"] = "1"
    for key in list(env):
        if key.startswith("TF_VAR_") or key in ("TF_LOG", "TF_CLI_ARGS"):
            del env[key]
    return env


def run_timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> RunResult:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    return RunResult(elapsed, proc.returncode, proc.stdout + proc.stderr)


def measure(
    name: str, cmd: list[str], cwd: Path, env: dict[str, str], repeat: int, warmup: int
) -> list[RunResult] | None:
    """Run `warmup` untimed then `repeat` timed runs; None (with a message) as soon as one fails."""
    results: list[RunResult] = []
    for n in range(warmup + repeat):
        result = run_timed(cmd, cwd, env)
        if result.returncode != 0:
            tail = "\n".join(result.output.strip().splitlines()[-15:])
            print(f"{name}: FAILED (exit {result.returncode}) on run {n + 1}; no timing recorded", file=sys.stderr)
            print(tail, file=sys.stderr)
            return None
        print(f"  {name} run {n + 1}{' (warm-up)' if n < warmup else ''}: {result.seconds:.3f}s", flush=True)
        if n >= warmup:
            results.append(result)
    return results


def _fmt(results: list[RunResult]) -> str:
    times = [r.seconds for r in results]
    return f"median {statistics.median(times):.3f}s  (min {min(times):.3f}s, max {max(times):.3f}s, n={len(times)})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--resources", "-n", type=int, default=10_000, help="number of resources (default 10000)")
    parser.add_argument("--repeat", "-k", type=int, default=3, help="timed repetitions per tool (default 3)")
    parser.add_argument("--warmup", type=int, default=0, help="untimed runs per tool before timing (default 0)")
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    parser.add_argument("--terraform", default=shutil.which("terraform"), help="terraform binary (default: on PATH)")
    parser.add_argument(
        "--sheath", default=f"{shlex.quote(sys.executable)} -m sheath", help="sheath command (default: this Python's -m sheath)"
    )
    args = parser.parse_args(argv)
    if args.resources < 1 or args.repeat < 1 or args.warmup < 0:
        parser.error("--resources and --repeat must be positive, --warmup non-negative")

    workdir = args.keep if args.keep else Path(tempfile.mkdtemp(prefix="sheath-bench-"))
    env = _env()
    cli_config = workdir.parent / f".{workdir.name}-terraformrc"
    cli_config.write_text("", encoding="utf-8")
    env["TF_CLI_CONFIG_FILE"] = str(cli_config)
    try:
        t0 = time.perf_counter()
        generate(workdir, args.resources)
        size = sum(p.stat().st_size for p in workdir.glob("*.tf"))
        print(
            f"generated {args.resources} resources in {workdir} "
            f"({len(list(workdir.glob('*.tf')))} files, {size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f}s"
        )

        tf_results = None
        if args.terraform:
            init = run_timed([args.terraform, "init", "-backend=false", "-input=false"], workdir, env)
            if init.returncode != 0:
                print(f"terraform init failed:\n{init.output}", file=sys.stderr)
            else:
                tf_cmd = [args.terraform, "validate"]
                tf_results = measure("terraform validate", tf_cmd, workdir, env, args.repeat, args.warmup)
        else:
            print("terraform: not found on PATH", file=sys.stderr)
        sh_cmd = [*shlex.split(args.sheath), "validate"]
        sh_results = measure("sheath validate", sh_cmd, workdir, env, args.repeat, args.warmup)

        print(f"terraform validate: {_fmt(tf_results) if tf_results else 'n/a'}")
        print(f"sheath validate:    {_fmt(sh_results) if sh_results else 'n/a'}")
        if tf_results and sh_results:
            ratio = statistics.median(r.seconds for r in sh_results) / statistics.median(
                r.seconds for r in tf_results
            )
            print(f"ratio sheath/terraform: {ratio:.2f}")
        else:
            print("ratio sheath/terraform: n/a")
        return 0 if tf_results and sh_results else 1
    finally:
        cli_config.unlink(missing_ok=True)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
