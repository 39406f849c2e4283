"""The error a package fetcher reports."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FetchError:
    """go-getter's error text; bare: go-getter reports it without "error downloading '<url>'"
    (a failed archive download)."""

    message: str
    bare: bool = False
