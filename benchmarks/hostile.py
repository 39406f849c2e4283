#!/usr/bin/env python3
"""Benchmark: `validate` on hostile input, sheath vs terraform (issue 17).

Two generated working directories, each validated by both tools K times:

  locals   one `locals` block of N locals (default 10,000), each odd one a
           template referring to the one before it, each even one a number;
  garbage  a main.tf of B bytes (default 20,000) of seeded random binary.

terraform needs no provider for either; `terraform init` is not needed
(validate of a directory without provider requirements works without it).
Each run is a child process timed from outside: wall-clock time, and CPU
time (user + system) from wait4(2). Prints every run, the medians (min-max),
and the ratios sheath/terraform of the medians (below 1: sheath is faster).
The garbage case must fail in both tools (exit 1); the locals case must pass.

Usage:
    python benchmarks/hostile.py [--locals N] [--garbage-bytes B] [--repeat K] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class RunResult:
    wall: float
    cpu: float
    returncode: int
    output_bytes: int


def write_locals(directory: Path, n: int) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    lines = ["locals {\n", '  l0 = "x"\n']
    for i in range(1, n):
        if i % 2:
            lines.append(f'  l{i} = "${{local.l{i - 1}}}-{i}"\n')
        else:
            lines.append(f"  l{i} = {i}\n")
    lines.append("}\n\noutput \"last\" {\n  value = local.l%d\n}\n" % (n - 1))
    (directory / "main.tf").write_text("".join(lines), encoding="utf-8")


def write_garbage(directory: Path, size: int, seed: int = 7) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    (directory / "main.tf").write_bytes(bytes(rng.getrandbits(8) for _ in range(size)))


def bench_env(cli_config: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["TF_IN_AUTOMATION"] = "1"
    env["TF_CLI_CONFIG_FILE"] = str(cli_config)
    env["CHECKPOINT_DISABLE"] = "1"
    for key in list(env):
        if key.startswith("TF_VAR_") or key in ("TF_LOG", "TF_CLI_ARGS", "TF_DATA_DIR"):
            del env[key]
    return env


def run_child(argv: list[str], cwd: Path, env: dict[str, str]) -> RunResult:
    """Run argv to completion; its output goes to a file so nothing blocks on a pipe."""
    out_path = cwd.parent / f".{cwd.name}.out"
    with open(out_path, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    size = out_path.stat().st_size
    out_path.unlink()
    return RunResult(wall, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status), size)


def _fmt(values: list[float]) -> str:
    return f"{statistics.median(values):.2f}s ({min(values):.2f}-{max(values):.2f})"


def measure(case: str, tools: dict[str, list[str]], cwd: Path, env: dict[str, str], repeat: int, want_rc: int) -> dict[str, list[RunResult]]:
    results: dict[str, list[RunResult]] = {name: [] for name in tools}
    for n in range(repeat):
        order = list(tools) if n % 2 == 0 else list(reversed(tools))
        for name in order:
            r = run_child([*tools[name], "validate", "-no-color"], cwd, env)
            flag = "" if r.returncode == want_rc else f"  UNEXPECTED exit {r.returncode} (want {want_rc})"
            print(f"  {case} {name} run {n + 1}: wall {r.wall:.2f}s cpu {r.cpu:.2f}s exit {r.returncode} output {r.output_bytes} B{flag}", flush=True)
            results[name].append(r)
    return results


def report(case: str, results: dict[str, list[RunResult]]) -> None:
    print(f"{case}:")
    for name, runs in results.items():
        print(f"  {name:9} wall {_fmt([r.wall for r in runs])}  cpu {_fmt([r.cpu for r in runs])}")
    if "terraform" in results and "sheath" in results:
        for what in ("wall", "cpu"):
            tf = statistics.median(getattr(r, what) for r in results["terraform"])
            sh = statistics.median(getattr(r, what) for r in results["sheath"])
            print(f"  ratio sheath/terraform ({what}): {sh / tf:.2f}" if tf > 0 else f"  ratio ({what}): n/a")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--locals", type=int, default=10_000, help="number of locals (default 10000)")
    parser.add_argument("--garbage-bytes", type=int, default=20_000, help="size of the garbage main.tf (default 20000)")
    parser.add_argument("--repeat", "-k", type=int, default=3, help="timed runs per tool and case (default 3)")
    parser.add_argument("--keep", type=Path, help="work under this directory and keep it")
    parser.add_argument("--terraform", default=shutil.which("terraform"), help="terraform binary (default: on PATH)")
    parser.add_argument(
        "--sheath", default=f"{shlex.quote(sys.executable)} -m sheath", help="sheath command (default: this Python's -m sheath)"
    )
    args = parser.parse_args(argv)
    if args.locals < 2 or args.garbage_bytes < 1 or args.repeat < 1:
        parser.error("--locals must be at least 2, --garbage-bytes and --repeat positive")

    workdir = args.keep if args.keep else Path(tempfile.mkdtemp(prefix="sheath-hostile-"))
    workdir.mkdir(parents=True, exist_ok=True)
    cli_config = workdir / "terraformrc"
    cli_config.write_text("", encoding="utf-8")
    env = bench_env(cli_config)
    tools: dict[str, list[str]] = {"sheath": shlex.split(args.sheath)}
    if args.terraform:
        tools["terraform"] = [args.terraform]
    else:
        print("terraform: not found on PATH; sheath only", file=sys.stderr)
    try:
        write_locals(workdir / "locals", args.locals)
        write_garbage(workdir / "garbage", args.garbage_bytes)
        print(f"locals: {args.locals} locals; garbage: {args.garbage_bytes} random bytes; {args.repeat} runs per tool")
        loc = measure("locals", tools, workdir / "locals", env, args.repeat, 0)
        gar = measure("garbage", tools, workdir / "garbage", env, args.repeat, 1)
        report(f"validate, {args.locals} locals", loc)
        report(f"validate, {args.garbage_bytes} bytes of garbage", gar)
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
