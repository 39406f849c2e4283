"""Configuration schemas of resources the engine knows without a provider process.

terraform's builtin provider (terraform.io/builtin/terraform) is part of
terraform itself; its resource and data source schemas are needed to validate
configurations that use them. Only the configurable arguments matter here.
"""

from __future__ import annotations

from dataclasses import dataclass

BUILTIN_PROVIDER = "terraform.io/builtin/terraform"


@dataclass(frozen=True)
class BlockSchema:
    """Arguments (name -> required) and nested block types a body accepts."""

    arguments: dict[str, bool]
    computed: frozenset[str] = frozenset()
    blocks: frozenset[str] = frozenset()


MANAGED: dict[str, BlockSchema] = {
    "terraform_data": BlockSchema(
        arguments={"input": False, "triggers_replace": False},
        computed=frozenset({"id", "output"}),
    ),
}

DATA: dict[str, BlockSchema] = {
    "terraform_remote_state": BlockSchema(
        arguments={"backend": True, "config": False, "defaults": False, "workspace": False},
        computed=frozenset({"outputs"}),
    ),
}
