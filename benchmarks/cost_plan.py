#!/usr/bin/env python3
"""Benchmark: `sheath cost PLANFILE` on saved plans of N AWS resources.

    .venv/bin/python benchmarks/cost_plan.py [--resources 500 2000 5000] [--repeat K] [--keep DIR]

For each N:

1. Generates a root module creating N AWS resources with `count`, in groups of ten:
   three gp3 EBS volumes, two EC2 instances (t3.micro, m5.large), a NAT gateway, a public
   IPv4 address (aws_eip), a PostgreSQL RDS instance, a security group (free) and an
   ElastiCache cluster (not in the snapshot: unpriced). Every value the estimate reads is
   a constant, so every priced resource has a known price.
2. Plans it once, untimed, with sheath and the real hashicorp/aws 5.100.0 from the
   filesystem mirror (found as the tests find it): `plan -refresh=false -out=tfplan`.
   Planning creations asks nothing of AWS: the provider's endpoints point at 127.0.0.1:1,
   where nothing listens, and are never called.
3. Times `sheath cost tfplan` (the text report), `sheath cost -json tfplan` and
   `sheath show -markdown tfplan` (the PR Markdown, with its Cost section) K times each,
   whole process, and prints each run, the median (min-max) and the totals the
   estimate gave, so that a run that priced nothing cannot pass for a fast one.

infracost is not compared: it is not installable on the machines this runs on (its CLI is
a Go binary from GitHub releases, and its prices come from its cloud pricing API).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
from apply_graph import run_child  # noqa: E402
from aws_moto import aws_mirror_env  # noqa: E402
from test_aws_e2e import provider_hcl  # noqa: E402


def config(n: int) -> str:
    """N resources: n // 10 of each of ten kinds (three of them volumes)."""
    g = n // 10
    return str(provider_hcl("http://127.0.0.1:1", ("ec2", "rds", "elasticache", "sts"))) + f"""
resource "aws_ebs_volume" "v" {{
  count             = {3 * g}
  availability_zone = "us-east-1a"
  type              = "gp3"
  size              = 10 + count.index % 100
}}
resource "aws_instance" "small" {{
  count         = {g}
  ami           = "ami-12345678"
  instance_type = "t3.micro"
}}
resource "aws_instance" "large" {{
  count         = {g}
  ami           = "ami-12345678"
  instance_type = "m5.large"
}}
resource "aws_nat_gateway" "nat" {{
  count         = {g}
  subnet_id     = "subnet-12345678"
  allocation_id = "eipalloc-12345678"
}}
resource "aws_eip" "ip" {{
  count  = {g}
  domain = "vpc"
}}
resource "aws_db_instance" "db" {{
  count               = {g}
  identifier          = "db-${{count.index}}"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  storage_type        = "gp2"
  username            = "admin"
  password            = "benchmark-only-password"
  skip_final_snapshot = true
}}
resource "aws_security_group" "sg" {{
  count = {g}
  name  = "bench-${{count.index}}"
}}
resource "aws_elasticache_cluster" "cache" {{
  count           = {g}
  cluster_id      = "cache-${{count.index}}"
  engine          = "redis"
  node_type       = "cache.t3.micro"
  num_cache_nodes = 1
}}
"""


def load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def fmt(xs: list[float]) -> str:
    return f"{statistics.median(xs):.2f} s ({min(xs):.2f}-{max(xs):.2f})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--resources", "-n", type=int, nargs="+", default=[500, 2000, 5000])
    ap.add_argument("--repeat", "-k", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="work in this directory and leave it there (plans are reused)")
    ap.add_argument("--sheath", default=f"{shlex.quote(sys.executable)} -m sheath")
    args = ap.parse_args(argv)

    work = args.keep or Path(tempfile.mkdtemp(prefix="cost-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    env = aws_mirror_env(work)
    sheath = shlex.split(args.sheath)
    rows: list[tuple[int, int, list[float], list[float], list[float], list[float], int, str]] = []
    for n in args.resources:
        d = work / f"n{n}"
        d.mkdir(exist_ok=True)
        plan_s = 0.0
        if not (d / "tfplan").exists():
            (d / "main.tf").write_text(config(n))
            for step in (["init", "-input=false"], ["plan", "-refresh=false", "-input=false", "-out=tfplan"]):
                r = run_child([*sheath, *step], d, env)
                if r.returncode != 0:
                    print(r.output[-4000:], file=sys.stderr)
                    raise SystemExit(f"sheath {step[0]} failed for N={n}")
                plan_s = r.wall
        size = (d / "tfplan").stat().st_size
        print(f"N={n}: plan file {size:,} bytes" + (f", planned in {plan_s:.1f} s" if plan_s else " (reused)") + f"; load average {load()}")
        text_runs: list[float] = []
        json_runs: list[float] = []
        cpu: list[float] = []
        text_cpu: list[float] = []
        md_runs: list[float] = []
        rss: list[int] = []
        total = ""
        for i in range(args.repeat):
            for argv_, runs in ((["cost", "-no-color", "tfplan"], text_runs), (["cost", "-json", "tfplan"], json_runs)):
                r = run_child([*sheath, *argv_], d, env)
                runs.append(r.wall)
                cpu.append(r.user + r.sys)
                if argv_[1] == "-no-color":
                    text_cpu.append(r.user + r.sys)
                rss.append(r.max_rss_kb)
                if r.returncode != 0:
                    print(r.output[-4000:], file=sys.stderr)
                    raise SystemExit(f"sheath {' '.join(argv_)} failed for N={n}")
                if argv_[1] == "-json":
                    doc = json.loads(r.output[r.output.index("{"):])
                    s = doc["summary"]
                    total = (f"{doc['pastTotalMonthlyCost']} -> {doc['totalMonthlyCost']} USD/month, "
                             f"{s['totalSupportedResources']} priced, {s['totalUnsupportedResources']} unpriced, "
                             f"{s['totalNoPriceResources']} free")
                print(f"  run {i + 1} {' '.join(argv_[:-1]):<16} {runs[-1]:.2f} s wall, {cpu[-1]:.2f} s CPU, {rss[-1] // 1024} MiB")
            r = run_child([*sheath, "show", "-markdown", "tfplan"], d, env)
            if r.returncode != 0 or "### Cost" not in r.output:
                print(r.output[-4000:], file=sys.stderr)
                raise SystemExit(f"sheath show -markdown failed or has no Cost section for N={n}")
            md_runs.append(r.wall)
            print(f"  run {i + 1} show -markdown    {r.wall:.2f} s wall, {r.user + r.sys:.2f} s CPU")
        print(f"  cost text: {fmt(text_runs)}; cost -json: {fmt(json_runs)}; peak {max(rss) // 1024} MiB; {total}")
        rows.append((n, size, text_runs, text_cpu, json_runs, md_runs, max(rss), total))
    print("\n| N | plan file | `cost tfplan` wall | its CPU | `cost -json tfplan` wall | `show -markdown tfplan` wall | peak memory | estimate |")
    print("|---|---|---|---|---|---|---|---|")
    for n, size, t, tc, j, m, peak, total in rows:
        print(f"| {n:,} | {size / 1024:,.0f} KiB | {fmt(t)} | {statistics.median(tc):.2f} s | {fmt(j)} | {fmt(m)} | {peak // 1024} MiB | {total} |")
    print(f"load average at the end {load()}; cpus {os.cpu_count()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
