"""Usage estimates from an Infracost-compatible usage file (infracost-usage.yml):

    version: 0.1
    resource_type_default_usage:
      aws_lambda_function: { monthly_requests: 100000 }
    resource_usage:
      aws_s3_bucket.logs: { standard: { storage_gb: 100 } }
      module.app.aws_sqs_queue.jobs[*]: { monthly_requests: 1000000 }

A resource's usage is its own entry (exact address, else the address with its instance
key replaced by [*]) over its type's defaults, key by key."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml  # type: ignore[import-untyped, unused-ignore]

from sheath.diag import Diagnostics

_INDEX = re.compile(r"\[[^\[\]]*\]$")


@dataclass(frozen=True)
class Usage:
    """The usage values of one resource: keys of the usage file, nested objects as dicts."""

    values: dict[str, Any] = field(default_factory=dict)

    def number(self, *key: str) -> Decimal | None:
        node: Any = self.values
        for k in key:
            if not isinstance(node, dict) or k not in node:
                return None
            node = node[k]
        if isinstance(node, bool) or node is None:
            return None
        try:
            return Decimal(str(node))
        except InvalidOperation:
            return None

    def text(self, key: str) -> str | None:
        v = self.values.get(key)
        return v if isinstance(v, str) else None


@dataclass(frozen=True)
class UsageFile:
    path: str = ""
    by_address: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_type: dict[str, dict[str, Any]] = field(default_factory=dict)

    def for_resource(self, address: str, type_: str) -> Usage:
        merged: dict[str, Any] = dict(self.by_type.get(type_, {}))
        own = self.by_address.get(address)
        if own is None and _INDEX.search(address):
            own = self.by_address.get(_INDEX.sub("[*]", address))
        if own is not None:
            merged = _merge(merged, own)
        return Usage(merged)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def parse_usage_file(text: str, path: str) -> tuple[UsageFile | None, Diagnostics]:
    diags = Diagnostics()
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        diags.add_error("Invalid usage file", f"{path} is not valid YAML: {exc}")
        return None, diags
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        diags.add_error("Invalid usage file", f"{path} must be a YAML mapping with resource_usage.")
        return None, diags
    sections: dict[str, dict[str, dict[str, Any]]] = {}
    for name in ("resource_usage", "resource_type_default_usage"):
        section = doc.get(name) or {}
        if not isinstance(section, dict):
            diags.add_error("Invalid usage file", f"{path}: {name} must be a mapping of resources to usage values.")
            return None, diags
        entries: dict[str, dict[str, Any]] = {}
        for key, values in section.items():
            if not isinstance(values, dict):
                diags.add_error("Invalid usage file", f"{path}: {name}.{key} must be a mapping of usage keys to values.")
                return None, diags
            entries[str(key)] = values
        sections[name] = entries
    unknown = sorted(set(doc) - {"version", "resource_usage", "resource_type_default_usage"})
    if unknown:
        diags.add_warning("Unknown usage file keys", f"{path}: {', '.join(unknown)} are ignored.")
    return UsageFile(path, sections["resource_usage"], sections["resource_type_default_usage"]), diags


def load_usage_file(path: str) -> tuple[UsageFile | None, Diagnostics]:
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        diags = Diagnostics()
        diags.add_error("Failed to read the usage file", f"{path}: {exc.strerror or exc}")
        return None, diags
    return parse_usage_file(text, path)
