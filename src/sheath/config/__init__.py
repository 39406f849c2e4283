"""The configuration model: a module directory loaded into typed declarations.

    from sheath.config import load_module, load_module_tree
    module, diags = load_module("path/to/dir")
    config, diags = load_module_tree("path/to/root")

See module.Module for the fields (terraform's configs.Module).
"""

from sheath.config.loader import Config, check_core_version, config_files, load_module, load_module_tree
from sheath.config.module import Module

__all__ = ["Config", "Module", "check_core_version", "config_files", "load_module", "load_module_tree"]
