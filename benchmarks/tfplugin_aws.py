"""Provider start-up and schema loading for the real AWS provider (cold and warm cache).

    .venv/bin/python benchmarks/tfplugin_aws.py [--binary PATH] [--repeat K]

Without --binary, the filesystem mirror is discovered as the tests do.
For each of K rounds, in a fresh cache directory:

* start: process start, go-plugin handshake, mTLS relay, channel ready;
* schema, cold: no cache entry and the binary never hashed (the ~700 MB
  SHA-256 runs while the provider answers GetProviderSchema);
* schema, hash known: no cache entry, binary hash remembered (RPC + parse);
* schema, warm: served from the cache (read + parse, no RPC);
* first use: converting one resource type's schema (aws_s3_bucket) on access;
* close: Shutdown through the go-plugin controller until the process exited.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sheath.providers.tfplugin import start_provider

AWS = "registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64"


def find_binary() -> Path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from conftest import discover_aws_mirror  # type: ignore[import-not-found]

    root = discover_aws_mirror()
    if root is None:
        raise SystemExit("no filesystem mirror with hashicorp/aws 5.100.0 found; pass --binary")
    return sorted((Path(root) / AWS).glob("terraform-provider-aws_*"))[0]


def one_round(binary: Path, cache: Path) -> dict[str, float]:
    out: dict[str, float] = {}
    env = {"SHEATH_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin"}
    shutil.rmtree(cache, ignore_errors=True)
    for label in ("schema cold", "schema hash known", "schema warm"):
        if label == "schema hash known":
            shutil.rmtree(cache / "schemas", ignore_errors=True)
        t0 = time.perf_counter()
        p = start_provider(binary, env=env)
        t1 = time.perf_counter()
        s = p.get_provider_schema()
        t2 = time.perf_counter()
        _ = s.resource_types["aws_s3_bucket"].block.implied_type()
        t3 = time.perf_counter()
        p.close()
        t4 = time.perf_counter()
        assert p.schema_from_cache is (label == "schema warm"), label
        out.setdefault("start", t1 - t0)
        out[label] = t2 - t1
        out.setdefault("first use (aws_s3_bucket)", t3 - t2)
        out.setdefault("close", t4 - t3)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    binary = args.binary or find_binary()
    rounds = []
    with tempfile.TemporaryDirectory() as d:
        for _ in range(args.repeat):
            rounds.append(one_round(binary, Path(d) / "cache"))
        size = sum(f.stat().st_size for f in (Path(d) / "cache" / "schemas").glob("*.pb")) if (Path(d) / "cache" / "schemas").exists() else 0
    print(f"{binary.name}, {args.repeat} rounds; cache entry {size / 1e6:.1f} MB")
    print("| step | median | min | max |")
    print("| --- | --- | --- | --- |")
    for key in rounds[0]:
        xs = [r[key] for r in rounds]
        print(f"| {key} | {statistics.median(xs) * 1000:.0f} ms | {min(xs) * 1000:.0f} ms | {max(xs) * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
