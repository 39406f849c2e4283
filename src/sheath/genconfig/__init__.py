"""Configuration generated for imported objects (terraform's genconfig):
``generate`` writes a resource block from an object and its schema, ``write``
puts the blocks into the ``-generate-config-out`` file."""

from sheath.genconfig.generate import ProviderRef, resource_contents, wrap_resource_contents
from sheath.genconfig.write import GeneratedChange, next_step_note, validate_target_file, write_generated_config

__all__ = [
    "GeneratedChange",
    "ProviderRef",
    "next_step_note",
    "resource_contents",
    "validate_target_file",
    "wrap_resource_contents",
    "write_generated_config",
]
