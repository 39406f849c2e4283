"""A no-op plan of N postgresql_table and M postgresql_role resources (sheath's native
PostgreSQL provider) against a PostgreSQL server the script starts.

    .venv/bin/python benchmarks/pg_tables.py [--tables 200] [--roles 50] [--repeat 5]
    .venv/bin/python benchmarks/pg_tables.py --profile stacks.txt # one more plan sampled by py-spy
    .venv/bin/python benchmarks/pg_tables.py --baseline "sh /path/to/other-checkout-sheath"

A PostgreSQL server (initdb + pg_ctl on a free port on 127.0.0.1, as the tests start it) is
started for the run with a database of its own. Each table has an identity primary key,
four more columns (a default, a NOT NULL, a varchar, a numeric), a unique and a check
constraint, and every tenth table a foreign key to the one before. ``sheath apply`` creates
them once (untimed); then ``sheath plan -detailed-exitcode`` (refresh every resource, no
changes: exit 0) is timed whole-process K times and the median printed (wall, the process's
CPU, and the CPU the server spent for it, from /proc), with the load average before and after; ``plan -refresh=false`` alongside it gives the part that is not the
provider's (start-up, configuration, graph, state). The state is local: only the provider's work is measured.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from apply_graph import RunResult, Tool, bench_env, check, run_child  # noqa: E402
from aws_moto import load  # noqa: E402
from postgres_helpers import create_database, find_pg_bin, start_postgres  # type: ignore[import-not-found]  # noqa: E402

HEADER = """terraform {{
  required_providers {{
    postgresql = {{ source = "cyrilgdn/postgresql" }}
  }}
}}

provider "postgresql" {{
  host            = "127.0.0.1"
  port            = {port}
  username        = "postgres"
  sslmode         = "disable"
  connect_timeout = 15
  database        = "{db}"
}}
"""


def table_block(i: int) -> str:
    fk = ""
    if i % 10 == 9:
        fk = (
            "  foreign_key {\n"
            '    columns            = ["parent_id"]\n'
            f"    references_table   = postgresql_table.t{i - 1:03d}.name\n"
            '    references_columns = ["id"]\n'
            "  }\n"
        )
    return (
        f'resource "postgresql_table" "t{i:03d}" {{\n'
        f'  name    = "t{i:03d}"\n'
        f'  comment = "table {i}"\n'
        '  column {\n    name     = "id"\n    type     = "bigint"\n    nullable = false\n    identity = "always"\n  }\n'
        '  column {\n    name     = "code"\n    type     = "varchar(40)"\n    nullable = false\n  }\n'
        '  column {\n    name    = "total"\n    type    = "numeric(12,2)"\n    default = "0"\n  }\n'
        '  column {\n    name    = "created_at"\n    type    = "timestamptz"\n    default = "now()"\n  }\n'
        '  column {\n    name = "parent_id"\n    type = "bigint"\n  }\n'
        '  primary_key { columns = ["id"] }\n'
        '  unique { columns = ["code"] }\n'
        '  check { expression = "total >= 0" }\n'
        f"{fk}"
        "}\n"
    )


def role_block(i: int) -> str:
    return f'resource "postgresql_role" "r{i:03d}" {{\n  name  = "bench_role_{i:03d}"\n  login = {"true" if i % 2 else "false"}\n}}\n'


def generate(directory: Path, port: int, db: str, tables: int, roles: int) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "main.tf").write_text(HEADER.format(port=port, db=db))
    (directory / "tables.tf").write_text("\n".join(table_block(i) for i in range(tables)))
    (directory / "roles.tf").write_text("\n".join(role_block(i) for i in range(roles)))


def postmaster_pid(port: int) -> int | None:
    """The server's main process (its command line has "-p <port>")."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if cmd and cmd[0].endswith(b"postgres") and b"-p" in cmd and str(port).encode() in cmd:
            return int(entry)
    return None


def server_cpu(pid: int | None) -> float:
    """CPU seconds of the server and its ended backends (utime, stime, cutime, cstime)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def spread(xs: list[float]) -> str:
    return f"{statistics.median(xs):.2f} s ({min(xs):.2f}-{max(xs):.2f})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tables", "-n", type=int, default=200)
    ap.add_argument("--roles", type=int, default=50)
    ap.add_argument("--repeat", "-k", type=int, default=5, help="timed plans (median reported)")
    ap.add_argument("--sheath", default=f"{shlex.quote(sys.executable)} -m sheath")
    ap.add_argument("--baseline", metavar="CMD", help="another sheath command line, timed in alternation on the same state")
    ap.add_argument("--profile", metavar="FILE", help="after timing, sample one more plan with py-spy (the thread holding the GIL) into FILE, collapsed stacks")
    args = ap.parse_args(argv)

    bindir = find_pg_bin()
    if bindir is None:
        raise SystemExit("PostgreSQL server binaries not found (apt-get install postgresql)")
    work = Path(tempfile.mkdtemp(prefix="pg-tables-bench-"))
    rc = work / "terraformrc"
    rc.write_text("")
    env = bench_env(rc, work / "pycache")
    tool = Tool("sheath", shlex.split(args.sheath), work / "sheath")
    pg = start_postgres(bindir)
    server = next(pg)
    try:
        db = "bench"
        create_database(server, db)
        generate(tool.directory, server.port, db, args.tables, args.roles)
        check(tool, "init", run_child([*tool.argv, "init", "-input=false"], tool.directory, env))
        applied = run_child([*tool.argv, "apply", "-auto-approve", "-input=false"], tool.directory, env)
        check(tool, "apply", applied)
        print(f"{args.tables} postgresql_table, {args.roles} postgresql_role; apply (untimed figure) {applied.wall:.2f} s")
        before = load()
        variants: list[tuple[str, list[str], list[str]]] = [("plan", tool.argv, []), ("plan -refresh=false", tool.argv, ["-refresh=false"])]
        if args.baseline:
            variants.append(("baseline plan", shlex.split(args.baseline), []))
        runs: dict[str, list[RunResult]] = {name: [] for name, _, _ in variants}
        served: dict[str, list[float]] = {name: [] for name, _, _ in variants}
        pid = postmaster_pid(server.port)
        for _ in range(args.repeat):
            for name, argv0, extra in variants:
                cpu0 = server_cpu(pid)
                r = run_child([*argv0, "plan", "-input=false", "-detailed-exitcode", *extra], tool.directory, env)
                check(tool, f"{name} -detailed-exitcode", r)
                runs[name].append(r)
                served[name].append(server_cpu(pid) - cpu0)
                print(f"  {name}: wall {r.wall:.2f} s, cpu {r.user + r.sys:.2f} s, server cpu {served[name][-1]:.2f} s")
        print(f"load average before {before}, after {load()}")
        for name, rs in runs.items():
            print(
                f"{name} (no changes): wall {spread([r.wall for r in rs])}, cpu {spread([r.user + r.sys for r in rs])},"
                f" server cpu {spread(served[name])}, {len(rs)} runs"
            )
        if args.profile:
            spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
            argv_p = [spy, "record", "--gil", "--format", "raw", "--rate", "500", "-o", str(Path(args.profile).resolve()), "--", *tool.argv]
            r = run_child([*argv_p, "plan", "-input=false", "-detailed-exitcode"], tool.directory, env)
            check(tool, "plan under py-spy", r)
            print(f"profile written to {args.profile}")
    finally:
        for _ in pg:  # the generator's end stops the server
            pass
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
