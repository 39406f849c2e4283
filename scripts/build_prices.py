#!/usr/bin/env python3
"""Rebuild sheath's AWS price snapshot (src/sheath/cost/prices.json) from AWS's public
price list files (docs/cost.md).

Where AWS's price list endpoint is reachable, download the regional offer files:

    python scripts/build_prices.py --download --region us-east-1 --region eu-west-1

or give files already downloaded (CSV or JSON), named OFFER-REGION.csv|json:

    python scripts/build_prices.py --from-dir offers/   # AmazonEC2-us-east-1.csv, AmazonRDS-us-east-1.csv

The sections the files give (EC2 instances, EBS, NAT gateways, RDS) replace the
snapshot's; its other sections are kept, and "sources" records where each came from."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import urllib.request

from sheath.cost.pricelist import READERS, rebuild

SNAPSHOT = os.path.join(os.path.dirname(__file__), "..", "src", "sheath", "cost", "prices.json")
OFFER_URL = "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/{code}/current/{region}/index.csv"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--from-dir", help="a directory of OFFER-REGION.csv or .json offer files")
    ap.add_argument("--download", action="store_true", help="download the offer files of --region into --work-dir")
    ap.add_argument("--region", action="append", default=[], help="a region to download (repeatable)")
    ap.add_argument("--work-dir", default="price-list-files", help="where --download stores the files")
    ap.add_argument("--snapshot", default=SNAPSHOT, help="the snapshot to update (default: the package's)")
    ap.add_argument("--date", default=datetime.date.today().isoformat(), help="the date recorded in the snapshot")
    ap.add_argument("--version", help="the snapshot version (default: DATE.1)")
    args = ap.parse_args(argv)
    if bool(args.from_dir) == bool(args.download):
        ap.error("give exactly one of --from-dir and --download")
    files: dict[tuple[str, str], str] = {}
    if args.download:
        if not args.region:
            ap.error("--download needs at least one --region")
        os.makedirs(args.work_dir, exist_ok=True)
        for region in args.region:
            for code in READERS:
                path = os.path.join(args.work_dir, f"{code}-{region}.csv")
                if not os.path.exists(path):
                    print(f"downloading {code} {region}", file=sys.stderr)
                    urllib.request.urlretrieve(OFFER_URL.format(code=code, region=region), path)
                files[(code, region)] = path
    else:
        for name in sorted(os.listdir(args.from_dir)):
            stem, ext = os.path.splitext(name)
            code, _, region = stem.partition("-")
            if ext in (".csv", ".json") and code in READERS and region:
                files[(code, region)] = os.path.join(args.from_dir, name)
        if not files:
            ap.error(f"no OFFER-REGION.csv|json files for {', '.join(READERS)} in {args.from_dir}")
    with open(args.snapshot, encoding="utf-8") as fh:
        previous = json.load(fh)
    doc = rebuild(previous, files, args.version or f"{args.date}.1", args.date)
    with open(args.snapshot, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")
    print(f"wrote {args.snapshot}: {len(files)} offer file(s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
