"""The price snapshot: AWS public on-demand prices by region, shipped as prices.json.

Prices are Decimal strings in the snapshot's currency; a price the snapshot does not have
is None (the caller reports the component as unpriced, never as $0)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from typing import Any

from sheath.diag import Diagnostics

SNAPSHOT_FORMAT = 1


@dataclass(frozen=True)
class PriceCatalog:
    version: str
    date: str
    currency: str
    source: str
    regions: dict[str, dict[str, Any]]

    def price(self, region: str, service: str, *key: str) -> Decimal | None:
        """The price at regions[region][service][key...], or None when the snapshot has none."""
        node: Any = self.regions.get(region, {}).get(service)
        for k in key:
            if not isinstance(node, dict):
                return None
            node = node.get(k)
        if isinstance(node, str):
            return Decimal(node)
        return None

    def has_region(self, region: str) -> bool:
        return region in self.regions


def catalog_from_document(doc: Any) -> tuple[PriceCatalog | None, Diagnostics]:
    diags = Diagnostics()
    if not isinstance(doc, dict) or doc.get("format_version") != SNAPSHOT_FORMAT:
        diags.add_error("Unsupported price snapshot", f"The price snapshot is not format_version {SNAPSHOT_FORMAT}.")
        return None, diags
    regions = doc.get("regions")
    if not isinstance(regions, dict):
        diags.add_error("Invalid price snapshot", "The price snapshot has no regions object.")
        return None, diags
    return (
        PriceCatalog(
            version=str(doc.get("version", "")),
            date=str(doc.get("date", "")),
            currency=str(doc.get("currency", "USD")),
            source=str(doc.get("source", "")),
            regions=regions,
        ),
        diags,
    )


def load_catalog(path: str | None = None) -> tuple[PriceCatalog | None, Diagnostics]:
    """The snapshot shipped in this package, or the one at path."""
    try:
        if path is None:
            text = resources.files("sheath.cost").joinpath("prices.json").read_text(encoding="utf-8")
        else:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        doc = json.loads(text)
    except (OSError, ValueError) as exc:
        diags = Diagnostics()
        diags.add_error("Failed to read the price snapshot", str(exc))
        return None, diags
    return catalog_from_document(doc)
