"""Rebuilding the price snapshot from AWS's public price list files (the offer files of the
AWS Price List Bulk API, CSV or JSON, one per service and region).

Rows are normalised to lower-case keys without spaces or punctuation, so the CSV's
"Instance Type" and the JSON's "instanceType" are both "instancetype". Only on-demand
terms are read. The services derived here are EC2 (Linux shared-tenancy instances, EBS
storage, IOPS and throughput, NAT gateways) and RDS (instances and storage); the snapshot's
other services keep their previous values, and the snapshot records which services came
from which files."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable, Iterator, TextIO

_KEY = re.compile(r"[^a-z0-9]")
MILLION = Decimal(1_000_000)


def norm(key: str) -> str:
    return _KEY.sub("", key.lower())


Row = dict[str, str]


def csv_rows(fh: TextIO) -> Iterator[Row]:
    """The on-demand rows of an offer file in CSV (its metadata lines come before the header)."""
    reader = csv.reader(fh)
    header: list[str] | None = None
    for line in reader:
        if header is None:
            if "SKU" in line and "PricePerUnit" in line:
                header = [norm(h) for h in line]
            continue
        row = dict(zip(header, line))
        if row.get("termtype") == "OnDemand":
            yield row


def json_rows(doc: dict[str, Any]) -> Iterator[Row]:
    """The on-demand rows of an offer file in JSON: one per price dimension, with the product's attributes."""
    products = doc.get("products") or {}
    for sku, terms in ((doc.get("terms") or {}).get("OnDemand") or {}).items():
        product = products.get(sku) or {}
        attrs = {norm(k): str(v) for k, v in (product.get("attributes") or {}).items()}
        attrs["productfamily"] = str(product.get("productFamily", ""))
        for term in terms.values():
            for dim in (term.get("priceDimensions") or {}).values():
                row = dict(attrs)
                row["unit"] = str(dim.get("unit", ""))
                row["priceperunit"] = str((dim.get("pricePerUnit") or {}).get("USD", ""))
                row["startingrange"] = str(dim.get("beginRange", "0"))
                row["pricedescription"] = str(dim.get("description", ""))
                yield row


@dataclass
class RegionPrices:
    """What the rows of one region's offer files give, as snapshot sections."""

    sections: dict[str, dict[str, Any]] = field(default_factory=dict)

    def put(self, section: str, key: str, price: Decimal, *sub: str) -> None:
        node = self.sections.setdefault(section, {})
        path = [key, *sub]
        for k in path[:-1]:
            node = node.setdefault(k, {})
        node[path[-1]] = format(price.normalize(), "f")


_EBS_KINDS = ("gp2", "gp3", "io1", "io2", "st1", "sc1", "standard")
_RDS_ENGINES = {"PostgreSQL": "postgres", "MySQL": "mysql", "MariaDB": "mariadb"}
_RDS_VOLUMES = {"General Purpose": "gp2", "General Purpose-GP3": "gp3", "Provisioned IOPS": "io1", "Magnetic": "standard"}
_AZ = {"Single-AZ": "single_az", "Multi-AZ": "multi_az"}


def _price(row: Row) -> Decimal | None:
    try:
        p = Decimal(row.get("priceperunit", ""))
    except ArithmeticError:
        return None
    return p


def ec2_rows(rows: Iterable[Row], out: RegionPrices) -> None:
    for row in rows:
        p = _price(row)
        if p is None:
            continue
        family = row.get("productfamily", "")
        usage = row.get("usagetype", "")
        if family == "Compute Instance":
            if (row.get("operatingsystem") == "Linux" and row.get("tenancy") == "Shared" and row.get("preinstalledsw") == "NA"
                    and row.get("licensemodel") == "No License required" and row.get("capacitystatus") == "Used"
                    and row.get("unit") in ("Hrs", "Hours") and p > 0):
                out.put("ec2_instance_linux_hour", row.get("instancetype", ""), p)
        elif family == "Storage" and row.get("volumeapiname") in _EBS_KINDS:
            out.put("ebs", f"{row['volumeapiname']}.storage_gb_month", p)
        elif family == "System Operation" and row.get("volumeapiname") in _EBS_KINDS:
            kind = row["volumeapiname"]
            group = row.get("group", "")
            if kind == "standard" and "I/O" in group:
                out.put("ebs", "standard.million_io_requests", p * MILLION)
            elif "Throughput" in group and kind == "gp3":
                out.put("ebs", "gp3.throughput_mibps_month", p)
            elif "IOPS" in group and kind in ("gp3", "io1"):
                out.put("ebs", f"{kind}.iops_month", p)
            elif "IOPS" in group and kind == "io2":
                tier = re.search(r"tier(\d)", usage.lower())
                out.put("ebs", f"io2.iops_month_tier{tier.group(1) if tier else '1'}", p)
        elif family == "NAT Gateway":
            if usage.endswith("NatGateway-Hours"):
                out.put("vpc", "nat_gateway.hour", p)
            elif usage.endswith("NatGateway-Bytes"):
                out.put("vpc", "nat_gateway.data_processed_gb", p)


def rds_rows(rows: Iterable[Row], out: RegionPrices) -> None:
    for row in rows:
        p = _price(row)
        az = _AZ.get(row.get("deploymentoption", ""))
        if p is None or az is None:
            continue
        family = row.get("productfamily", "")
        if family == "Database Instance":
            engine = _RDS_ENGINES.get(row.get("databaseengine", ""))
            if engine is not None and row.get("databaseedition", "") in ("", "NA") and p > 0:
                out.put("rds_instance_hour", engine, p, row.get("instancetype", ""), az)
        elif family == "Database Storage":
            vol = _RDS_VOLUMES.get(row.get("volumetype", ""))
            engine = row.get("databaseengine", "Any")
            if vol is not None and engine in ("Any", "PostgreSQL", "MySQL", "MariaDB"):
                out.put("rds_storage", f"{vol}.storage_gb_month", p, az)
        elif family == "Provisioned IOPS":
            kind = "gp3" if "GP3" in row.get("usagetype", "").upper() else "io1"
            out.put("rds_storage", f"{kind}.iops_month", p, az)
        elif family == "Provisioned Throughput":
            out.put("rds_storage", "gp3.throughput_mibps_month", p, az)
        elif family == "System Operation" and "I/O" in row.get("group", ""):
            out.put("rds_storage", "standard.million_io_requests", p * MILLION, az)


READERS = {"AmazonEC2": ec2_rows, "AmazonRDS": rds_rows}


def read_offer_file(path: str) -> Iterator[Row]:
    if path.endswith(".csv"):
        with open(path, encoding="utf-8", newline="") as fh:
            yield from csv_rows(fh)
    else:
        with open(path, encoding="utf-8") as fh:
            yield from json_rows(json.load(fh))


def rebuild(previous: dict[str, Any], files: dict[tuple[str, str], str], version: str, date: str) -> dict[str, Any]:
    """previous with the sections the offer files give replaced. files: (offer code, region) -> path."""
    doc: dict[str, Any] = json.loads(json.dumps(previous))
    sources: dict[str, str] = dict(doc.get("sources") or {})
    for (code, region), path in sorted(files.items()):
        reader = READERS.get(code)
        if reader is None:
            raise ValueError(f"no reader for offer {code}; readers: {', '.join(sorted(READERS))}")
        got = RegionPrices()
        reader(read_offer_file(path), got)
        region_doc = doc.setdefault("regions", {}).setdefault(region, {})
        for section, values in got.sections.items():
            merged = dict(region_doc.get(section) or {})
            merged.update(values)
            region_doc[section] = dict(sorted(merged.items()))
            sources[f"{region}/{section}"] = f"AWS price list offer {code} ({region}), read {date}"
    doc["version"] = version
    doc["date"] = date
    doc["sources"] = dict(sorted(sources.items()))
    return doc
