"""plan and apply of N terraform_data on the pg and s3 backends, sheath and terraform side by
side on the same kind of backend.

    .venv/bin/python benchmarks/remote_backends.py [--resources N] [--repeat K] [--backends pg s3]

A PostgreSQL server (initdb + pg_ctl on a free port on 127.0.0.1, as the tests start it) and
a moto server (S3 on 127.0.0.1) are started for the run. Each tool gets its own database
(pg) or bucket (s3) per round, so the tools never share a state; the order of the tools
alternates between rounds. Timed, per round and tool:

* ``apply``: N creates into an empty workspace (plan, lock, apply, write the state);
* ``plan (no changes)``: lock, read the state, refresh all N, no changes (exit 0).

The resources form chains of ten (benchmarks/apply_graph.py's generator). The figures are
whole-process wall and CPU times; the ratio is sheath/terraform (below 1: sheath faster).
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from apply_graph import RunResult, Tool, bench_env, check, generate, run_child  # noqa: E402
from aws_moto import Moto, load  # noqa: E402
from postgres_helpers import PostgresServer, create_database, find_pg_bin, start_postgres  # type: ignore[import-not-found]  # noqa: E402

PHASES = ("apply", "plan (no changes)")


def pg_block(conn_str: str) -> str:
    return f'terraform {{\n  backend "pg" {{\n    conn_str = {json.dumps(conn_str)}\n  }}\n}}\n'


def s3_block(url: str, bucket: str) -> str:
    return (
        'terraform {\n  backend "s3" {\n'
        f"    bucket = {json.dumps(bucket)}\n"
        '    key    = "bench/terraform.tfstate"\n    region = "us-east-1"\n'
        '    access_key = "testing"\n    secret_key = "testing"\n'
        "    skip_credentials_validation = true\n    skip_requesting_account_id = true\n"
        "    skip_metadata_api_check = true\n    skip_region_validation = true\n"
        "    use_path_style = true\n    use_lockfile = true\n"
        f"    endpoints = {{\n      s3 = {json.dumps(url)}\n    }}\n"
        "  }\n}\n"
    )


def new_bucket(url: str) -> str:
    import boto3

    name = "bench-" + uuid.uuid4().hex[:10]
    boto3.client(
        "s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    ).create_bucket(Bucket=name)
    return name


def one_round(tool: Tool, env: dict[str, str], backend_block: str) -> dict[str, RunResult]:
    shutil.rmtree(tool.directory / ".terraform", ignore_errors=True)
    (tool.directory / "backend.tf").write_text(backend_block)
    check(tool, "init", run_child([*tool.argv, "init", "-input=false", "-reconfigure"], tool.directory, env))
    out = {"apply": run_child([*tool.argv, "apply", "-auto-approve", "-input=false"], tool.directory, env)}
    check(tool, "apply", out["apply"])
    out["plan (no changes)"] = run_child([*tool.argv, "plan", "-input=false", "-detailed-exitcode"], tool.directory, env)
    check(tool, "plan -detailed-exitcode", out["plan (no changes)"])
    return out


def spread(xs: list[float]) -> str:
    return f"{statistics.median(xs):6.2f} s ({min(xs):.2f}-{max(xs):.2f})"


def postgres() -> Iterator[PostgresServer]:
    bindir = find_pg_bin()
    if bindir is None:
        raise SystemExit("PostgreSQL server binaries not found (apt-get install postgresql)")
    yield from start_postgres(bindir)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--resources", "-n", type=int, default=1000, help="terraform_data resources (multiple of 10)")
    ap.add_argument("--repeat", "-k", type=int, default=3, help="rounds per tool and backend (median reported)")
    ap.add_argument("--backends", nargs="+", default=["pg", "s3"], choices=["pg", "s3"])
    ap.add_argument("--terraform", default=shutil.which("terraform") or "terraform")
    ap.add_argument("--sheath", default=f"{shlex.quote(sys.executable)} -m sheath")
    args = ap.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="remote-backends-bench-"))
    rc = work / "terraformrc"
    rc.write_text("")
    env = bench_env(rc, work / "pycache")
    tools = [Tool("sheath", shlex.split(args.sheath), work / "sheath"), Tool("terraform", [args.terraform], work / "terraform")]
    for t in tools:
        generate(t.directory, args.resources)
    pg_gen = postgres()
    server = next(pg_gen)
    moto = Moto() if "s3" in args.backends else None
    print(f"{args.resources} terraform_data, {args.repeat} rounds per tool and backend; load average at start {load()}")
    try:
        for backend in args.backends:
            times: dict[str, dict[str, list[RunResult]]] = {t.name: {p: [] for p in PHASES} for t in tools}
            for k in range(args.repeat):
                for t in tools if k % 2 == 0 else list(reversed(tools)):
                    if backend == "pg":
                        block = pg_block(create_database(server, f"{t.name}_{uuid.uuid4().hex[:8]}"))
                    else:
                        assert moto is not None
                        block = s3_block(moto.url, new_bucket(moto.url))
                    for phase, r in one_round(t, env, block).items():
                        times[t.name][phase].append(r)
            print(f"backend {backend}:")
            for phase in PHASES:
                sh, tf = times["sheath"][phase], times["terraform"][phase]
                wall = statistics.median(r.wall for r in sh) / statistics.median(r.wall for r in tf)
                cpu = statistics.median(r.user + r.sys for r in sh) / statistics.median(r.user + r.sys for r in tf)
                print(
                    f"  {phase:18} wall terraform {spread([r.wall for r in tf])}  sheath {spread([r.wall for r in sh])}"
                    f"  ratio {wall:.2f}   cpu ratio {cpu:.2f}"
                )
    finally:
        if moto is not None:
            moto.close()
        pg_gen.close()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
