"""Schemas of the resources validate can check without starting a provider process:
those of terraform's builtin provider, which sheath implements natively."""

from __future__ import annotations

from sheath.providers.builtin.terraform import DATA_SCHEMA, REMOTE_STATE_SCHEMA
from sheath.providers.schema import Schema

MANAGED: dict[str, Schema] = {"terraform_data": DATA_SCHEMA}
DATA: dict[str, Schema] = {"terraform_remote_state": REMOTE_STATE_SCHEMA}

# Resource types whose provider rejects computed-only arguments at validation
# ('"output" attribute is read-only'); terraform_remote_state accepts them.
REJECTS_COMPUTED: frozenset[str] = frozenset({"terraform_data"})
