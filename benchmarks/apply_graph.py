#!/usr/bin/env python3
"""Benchmark: fresh `apply` and no-op `plan` of a graph of terraform_data resources.

For each N (default 1000 and 3000) generates a root module of N
`terraform_data` resources arranged as N/10 independent chains of depth 10:
the first resource of a chain has a literal input, each following one's input
references the previous resource's output. The same configuration is written
into two sibling directories, one per tool, so the two never share state.

Then, in the same run and with the same environment (TF_IN_AUTOMATION=1, an
empty TF_CLI_CONFIG_FILE, CHECKPOINT_DISABLE=1):

1. `terraform init` and `sheath init` once each, then one `plan` each as a
   warm-up, untimed (sheath runs with Python's bytecode cache enabled, as an
   installed package would, whatever PYTHONDONTWRITEBYTECODE says);
2. K times, alternating the tools: remove the state, then time
   `apply -auto-approve` on the empty state (a fresh apply of N resources);
3. K times, alternating: time `plan -detailed-exitcode` on the applied graph,
   which must exit 0 (no changes).

Each run is a child process timed from outside: wall-clock seconds, and the
child's own CPU time and peak resident set size from wait4(2). The script
prints every run, then per figure the median (min-max) of both tools and the
ratio of the medians sheath/terraform (below 1: sheath is faster), and for
more than one N how each tool's apply time grows with N.

Usage:
    python benchmarks/apply_graph.py [--resources 1000 3000] [--repeat K] [--keep DIR]
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
from dataclasses import dataclass
from pathlib import Path

CHAIN_DEPTH = 10
RESOURCES_PER_FILE = 500
STATE_FILES = ("terraform.tfstate", "terraform.tfstate.backup", ".terraform.tfstate.journal", ".terraform.tfstate.lock.info")


@dataclass(frozen=True, slots=True)
class RunResult:
    wall: float
    user: float
    sys: float
    max_rss_kb: int
    returncode: int
    output: str


@dataclass(frozen=True, slots=True)
class Tool:
    name: str
    argv: list[str]
    directory: Path


def resource_block(i: int) -> str:
    """Resource i: position i % 10 in chain i // 10; all but the first refer to their predecessor."""
    chain, depth = divmod(i, CHAIN_DEPTH)
    if depth == 0:
        value = f'"chain-{chain}"'
    else:
        value = f'"${{terraform_data.r{i - 1}.output}}/{depth}"'
    return f'resource "terraform_data" "r{i}" {{\n  input = {value}\n}}\n'


def generate(directory: Path, resources: int) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for start in range(0, resources, RESOURCES_PER_FILE):
        stop = min(resources, start + RESOURCES_PER_FILE)
        body = "\n".join(resource_block(i) for i in range(start, stop))
        (directory / f"chains_{start // RESOURCES_PER_FILE:03d}.tf").write_text(body, encoding="utf-8")


def bench_env(cli_config: Path, pycache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["TF_IN_AUTOMATION"] = "1"
    env["TF_CLI_CONFIG_FILE"] = str(cli_config)
    env["CHECKPOINT_DISABLE"] = "1"
    for key in list(env):
        if key.startswith("TF_VAR_") or key in ("TF_LOG", "TF_CLI_ARGS", "TF_DATA_DIR"):
            del env[key]
    # sheath as installed: Python's compiled modules are cached (an installed package
    # ships them), so timed runs do not compile sources. The cache lives in the
    # benchmark's own directory, not in the source tree.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def run_child(argv: list[str], cwd: Path, env: dict[str, str]) -> RunResult:
    """Run argv to completion; its output goes to a file so nothing blocks on a pipe."""
    out_path = cwd.parent / f".{cwd.name}.out"
    with open(out_path, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    output = out_path.read_text(encoding="utf-8", errors="replace")
    out_path.unlink()
    # ru_maxrss is in kilobytes on Linux.
    return RunResult(wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss, proc.returncode, output)


def fresh(directory: Path) -> None:
    for name in STATE_FILES:
        (directory / name).unlink(missing_ok=True)


def state_resource_count(directory: Path) -> int:
    doc = json.loads((directory / "terraform.tfstate").read_text(encoding="utf-8"))
    return sum(len(r.get("instances", [])) for r in doc.get("resources", []))


class Failed(Exception):
    pass


def check(tool: Tool, what: str, result: RunResult, expected: tuple[int, ...] = (0,)) -> None:
    if result.returncode not in expected:
        tail = "\n".join(result.output.strip().splitlines()[-20:])
        raise Failed(f"{tool.name} {what}: exit {result.returncode}\n{tail}")


def timed_applies(tools: list[Tool], env: dict[str, str], repeat: int, resources: int) -> dict[str, list[RunResult]]:
    results: dict[str, list[RunResult]] = {t.name: [] for t in tools}
    for k in range(repeat):
        for tool in tools:
            fresh(tool.directory)
            r = run_child([*tool.argv, "apply", "-auto-approve", "-input=false", "-no-color"], tool.directory, env)
            check(tool, "apply", r)
            got = state_resource_count(tool.directory)
            if got != resources:
                raise Failed(f"{tool.name} apply: {got} resource instances in state, expected {resources}")
            print(f"  {tool.name:9} apply run {k + 1}: {_one(r)}", flush=True)
            results[tool.name].append(r)
    return results


def timed_plans(tools: list[Tool], env: dict[str, str], repeat: int) -> dict[str, list[RunResult]]:
    results: dict[str, list[RunResult]] = {t.name: [] for t in tools}
    for k in range(repeat):
        for tool in tools:
            r = run_child(
                [*tool.argv, "plan", "-detailed-exitcode", "-input=false", "-no-color"], tool.directory, env
            )
            check(tool, "plan (expected no changes, exit 0)", r)
            print(f"  {tool.name:9} plan  run {k + 1}: {_one(r)}", flush=True)
            results[tool.name].append(r)
    return results


def _one(r: RunResult) -> str:
    return f"{r.wall:8.2f} s wall  {r.user + r.sys:8.2f} s cpu  {r.max_rss_kb / 1024:7.1f} MB peak RSS"


def _median(results: list[RunResult], attr: str) -> float:
    return statistics.median(float(getattr(r, attr)) for r in results)


def _spread(results: list[RunResult], attr: str, scale: float = 1.0, unit: str = "s", digits: int = 2) -> str:
    vals = [float(getattr(r, attr)) / scale for r in results]
    med = statistics.median(vals)
    if len(vals) == 1:
        return f"{med:.{digits}f} {unit}"
    return f"{med:.{digits}f} {unit} ({min(vals):.{digits}f}-{max(vals):.{digits}f})"


def report(n: int, phase: str, res: dict[str, list[RunResult]]) -> None:
    tf, sh = res["terraform"], res["sheath"]
    print(f"N={n} {phase}:")
    for label, attr, scale, unit in (("wall", "wall", 1.0, "s"), ("peak RSS", "max_rss_kb", 1024.0, "MB")):
        ratio = _median(sh, attr) / _median(tf, attr)
        digits = 1 if unit == "MB" else 2
        print(
            f"  {label:9} terraform {_spread(tf, attr, scale, unit, digits):24} "
            f"sheath {_spread(sh, attr, scale, unit, digits):24} ratio sheath/terraform {ratio:.3f}"
        )
    cpu_tf = statistics.median(r.user + r.sys for r in tf)
    cpu_sh = statistics.median(r.user + r.sys for r in sh)
    print(f"  {'cpu':9} terraform {cpu_tf:.2f} s{'':17} sheath {cpu_sh:.2f} s{'':17} ratio sheath/terraform {cpu_sh / cpu_tf:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--resources", "-n", type=int, nargs="+", default=[1000, 3000], help="graph sizes, multiples of 10 (default 1000 3000)"
    )
    parser.add_argument("--repeat", "-k", type=int, default=3, help="timed runs per tool and phase (default 3)")
    parser.add_argument("--keep", type=Path, help="generate under this directory and keep it")
    parser.add_argument("--terraform", default=shutil.which("terraform"), help="terraform binary (default: on PATH)")
    parser.add_argument(
        "--sheath", default=f"{shlex.quote(sys.executable)} -m sheath", help="sheath command (default: this Python's -m sheath)"
    )
    args = parser.parse_args(argv)
    if any(n < CHAIN_DEPTH or n % CHAIN_DEPTH for n in args.resources) or args.repeat < 1:
        parser.error("--resources must be positive multiples of 10 and --repeat positive")
    if not args.terraform:
        parser.error("terraform not found on PATH (give --terraform)")

    root = args.keep if args.keep else Path(tempfile.mkdtemp(prefix="sheath-apply-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    cli_config = root / "terraformrc"
    cli_config.write_text("", encoding="utf-8")
    env = bench_env(cli_config, root / "pycache")
    applies: dict[int, dict[str, list[RunResult]]] = {}
    try:
        for n in args.resources:
            tools = [
                Tool("terraform", [args.terraform], root / f"n{n}" / "terraform"),
                Tool("sheath", shlex.split(args.sheath), root / f"n{n}" / "sheath"),
            ]
            for tool in tools:
                generate(tool.directory, n)
                check(tool, "init", run_child([*tool.argv, "init", "-input=false", "-no-color"], tool.directory, env))
                # Warm-up, untimed: a plan of the whole graph (caches, compiled modules).
                warm = run_child([*tool.argv, "plan", "-input=false", "-no-color"], tool.directory, env)
                check(tool, "warm-up plan", warm)
            print(f"N={n}: {n // CHAIN_DEPTH} chains of depth {CHAIN_DEPTH}, under {root / f'n{n}'}", flush=True)
            applies[n] = timed_applies(tools, env, args.repeat, n)
            plans = timed_plans(tools, env, args.repeat)
            report(n, "fresh apply", applies[n])
            report(n, "no-op plan", plans)
        if len(args.resources) > 1:
            print("growth of the apply time with N (median wall, relative to the smallest N):")
            base = min(args.resources)
            for name in ("terraform", "sheath"):
                t0 = _median(applies[base][name], "wall")
                parts = [
                    f"N={n}: x{_median(applies[n][name], 'wall') / t0:.2f} for x{n / base:.0f} resources"
                    for n in sorted(args.resources)
                    if n != base
                ]
                print(f"  {name:9} " + ", ".join(parts))
    except Failed as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
