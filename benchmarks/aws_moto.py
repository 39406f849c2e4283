"""plan and apply of 50 S3 buckets + 50 IAM users with the real AWS provider against moto,
sheath and terraform side by side; provider start-up and schema loading, cold and warm.

    .venv/bin/python benchmarks/aws_moto.py [--repeat K] [--buckets N] [--users N] [--keep DIR]

Both tools install hashicorp/aws 5.100.0 from the filesystem mirror (discovered as the
tests do) through a CLI configuration file. For each of K rounds and each tool (the order
alternates between rounds), a fresh moto server is started on 127.0.0.1, the state is
deleted, and three commands are timed:

* ``plan -out=tfplan``: a plan of N + M creates (no state, nothing to refresh);
* ``apply tfplan``: creating them in moto;
* ``plan -detailed-exitcode``: refreshing all of them, no changes (exit 0).

Before the rounds, start-up and schema loading: a ``plan`` of one bucket per tool (the
provider is started and its schema loaded), for sheath with an empty schema cache (cold)
and with the cache filled (warm); and the provider start-up and schema loading through
sheath's plugin client alone, as benchmarks/tfplugin_aws.py measures them.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from apply_graph import RunResult, Tool, bench_env, fresh, run_child, state_resource_count  # noqa: E402
from tfplugin_aws import find_binary, one_round  # noqa: E402

PHASES = ("plan", "apply", "plan (no changes)")


def mirror_root() -> str:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from conftest import discover_aws_mirror  # type: ignore[import-not-found]

    root = discover_aws_mirror()
    if root is None:
        raise SystemExit("no filesystem mirror with hashicorp/aws 5.100.0 found")
    return str(root)


def aws_mirror_env(work: Path) -> dict[str, str]:
    """The environment both tools run in: a CLI configuration in work installing
    hashicorp/aws from the filesystem mirror, no AWS_* or TF_* settings of the caller's,
    sheath's schema cache and Python's bytecode cache in work."""
    rc = work / "terraformrc"
    rc.write_text(
        "provider_installation {\n  filesystem_mirror {\n"
        f"    path    = {json.dumps(mirror_root())}\n"
        '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n'
    )
    env = bench_env(rc, work / "pycache")
    env = {k: v for k, v in env.items() if not k.startswith(("AWS_", "SHEATH_LOG"))}
    env["SHEATH_CACHE_DIR"] = str(work / "schema-cache")
    return env


def aws_preamble(url: str, services: tuple[str, ...]) -> str:
    """The terraform block requiring hashicorp/aws 5.100.0 and a provider block pointing
    the given services at the moto server at url (test credentials, no account lookups)."""
    endpoints = "\n".join(f"    {s} = {json.dumps(url)}" for s in services)
    return f"""terraform {{
  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "5.100.0"
    }}
  }}
}}

provider "aws" {{
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true
  endpoints {{
{endpoints}
  }}
}}
"""


def config(url: str, buckets: int, users: int, prefix: str) -> str:
    return aws_preamble(url, ("s3", "iam", "sts")) + f"""
resource "aws_s3_bucket" "b" {{
  count  = {buckets}
  bucket = "{prefix}-bucket-${{count.index}}"
  tags = {{
    index = tostring(count.index)
  }}
}}

resource "aws_iam_user" "u" {{
  for_each = toset([for i in range({users}) : format("user-%02d", i)])
  name     = "{prefix}-${{each.key}}"
  tags = {{
    bucket = aws_s3_bucket.b[0].bucket
  }}
}}
"""


class Moto:
    """A moto server on 127.0.0.1 on a free port, for one tool's round."""

    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.url + "/moto-api/", timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.proc.kill()
                    raise SystemExit(f"moto server did not start on {self.url}")
                time.sleep(0.1)

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()


class Failed(Exception):
    pass


def check(tool: Tool, what: str, r: RunResult, expected: tuple[int, ...] = (0,)) -> RunResult:
    if r.returncode not in expected:
        tail = "\n".join(r.output.strip().splitlines()[-30:])
        raise Failed(f"{tool.name} {what}: exit {r.returncode}\n{tail}")
    return r


def one_tool_round(tool: Tool, env: dict[str, str], buckets: int, users: int) -> dict[str, RunResult]:
    moto = Moto()
    try:
        (tool.directory / "main.tf").write_text(config(moto.url, buckets, users, tool.name))
        fresh(tool.directory)
        (tool.directory / "tfplan").unlink(missing_ok=True)
        out = {"plan": check(tool, "plan", run_child([*tool.argv, "plan", "-input=false", "-out=tfplan"], tool.directory, env))}
        out["apply"] = check(tool, "apply", run_child([*tool.argv, "apply", "-input=false", "tfplan"], tool.directory, env))
        count = state_resource_count(tool.directory)
        if count != buckets + users:
            raise Failed(f"{tool.name}: {count} instances in state, expected {buckets + users}")
        out["plan (no changes)"] = check(
            tool, "plan -detailed-exitcode", run_child([*tool.argv, "plan", "-input=false", "-detailed-exitcode"], tool.directory, env)
        )
        return out
    finally:
        moto.close()


def spread(xs: list[float]) -> str:
    return f"{statistics.median(xs):.2f} s ({min(xs):.2f}–{max(xs):.2f})"


def load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", "-k", type=int, default=3, help="timed rounds per tool (median reported)")
    ap.add_argument("--buckets", type=int, default=50)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--startup-repeat", type=int, default=3, help="rounds of the start-up/schema measurements")
    ap.add_argument("--keep", type=Path, help="work in this directory and leave it there")
    ap.add_argument("--terraform", default=shutil.which("terraform") or "terraform")
    ap.add_argument("--sheath", default=f"{shlex.quote(sys.executable)} -m sheath")
    args = ap.parse_args(argv)

    work = args.keep or Path(tempfile.mkdtemp(prefix="aws-moto-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    env = aws_mirror_env(work)
    cache = Path(env["SHEATH_CACHE_DIR"])
    tools = [Tool("sheath", shlex.split(args.sheath), work / "sheath"), Tool("terraform", [args.terraform], work / "terraform")]
    try:
        for t in tools:
            t.directory.mkdir(exist_ok=True)
            (t.directory / "main.tf").write_text(config("http://127.0.0.1:1", args.buckets, args.users, t.name))
            check(t, "init", run_child([*t.argv, "init", "-input=false"], t.directory, env))
        print(f"{args.buckets} buckets + {args.users} users, {args.repeat} rounds per tool; load average at start {load()}")

        # start-up and schema through the CLI: a plan of one bucket (the provider is started,
        # its schema loaded, one create planned), sheath with its schema cache cold and warm
        startup: dict[str, list[float]] = {"sheath plan, schema cache cold": [], "sheath plan, schema cache warm": [], "terraform plan": []}
        moto = Moto()
        try:
            for t in tools:
                (t.directory / "main.tf").write_text(config(moto.url, 1, 0, t.name))
            for _ in range(args.startup_repeat):
                shutil.rmtree(cache, ignore_errors=True)
                for label, t in zip(startup, (tools[0], tools[0], tools[1])):
                    fresh(t.directory)
                    startup[label].append(check(t, "plan", run_child([*t.argv, "plan", "-input=false"], t.directory, env)).wall)
        finally:
            moto.close()

        # start-up and schema through sheath's plugin client alone
        binary = find_binary()
        client = [one_round(binary, work / "client-cache") for _ in range(args.startup_repeat)]

        # plan / apply / no-op plan against a fresh moto per tool and round (schema cache warm)
        results: dict[str, dict[str, list[RunResult]]] = {t.name: {p: [] for p in PHASES} for t in tools}
        loads = [load()]
        for i in range(args.repeat):
            for t in tools if i % 2 == 0 else list(reversed(tools)):
                r = one_tool_round(t, env, args.buckets, args.users)
                for phase, res in r.items():
                    results[t.name][phase].append(res)
                print(f"  round {i + 1} {t.name}: " + ", ".join(f"{p} {res.wall:.2f} s" for p, res in r.items()), flush=True)
            loads.append(load())
    except Failed as e:
        print(f"FAILED: {e}", file=sys.stderr)
        return 1
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)

    print(f"\nload average during the rounds: {', '.join(loads)}")
    print("\n| phase | sheath (median, min–max) | terraform (median, min–max) | ratio sheath/terraform |")
    print("|---|---|---|---|")
    for phase in PHASES:
        sw = [r.wall for r in results["sheath"][phase]]
        tw = [r.wall for r in results["terraform"][phase]]
        print(f"| {phase} | {spread(sw)} | {spread(tw)} | {statistics.median(sw) / statistics.median(tw):.2f} |")
    s_total = [sum(results["sheath"][p][i].wall for p in PHASES[:2]) for i in range(args.repeat)]
    t_total = [sum(results["terraform"][p][i].wall for p in PHASES[:2]) for i in range(args.repeat)]
    print(f"| plan + apply | {spread(s_total)} | {spread(t_total)} | {statistics.median(s_total) / statistics.median(t_total):.2f} |")
    print("\nCPU time (user + sys, with the provider process), medians:")
    for phase in PHASES:
        cpu = {n: statistics.median([r.user + r.sys for r in results[n][phase]]) for n in ("sheath", "terraform")}
        print(f"  {phase}: sheath {cpu['sheath']:.2f} s, terraform {cpu['terraform']:.2f} s")

    print("\nProvider start-up and schema loading:")
    print("| step | median | min | max |")
    print("|---|---|---|---|")
    for label, xs in startup.items():
        print(f"| {label} (whole command) | {statistics.median(xs):.2f} s | {min(xs):.2f} s | {max(xs):.2f} s |")
    for key in client[0]:
        xs = [r[key] for r in client]
        print(f"| client: {key} | {statistics.median(xs) * 1000:.0f} ms | {min(xs) * 1000:.0f} ms | {max(xs) * 1000:.0f} ms |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
