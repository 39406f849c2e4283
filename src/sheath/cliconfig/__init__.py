"""terraform's CLI configuration: TF_CLI_CONFIG_FILE / ~/.terraformrc (plus *.tfrc in
~/.terraform.d), provider_installation, plugin_cache_dir / TF_PLUGIN_CACHE_DIR and the
implied local mirror directories."""

from sheath.cliconfig.config import (
    CLIConfig,
    InstallationMethod,
    ProviderInstallation,
    cli_config_file_path,
    implied_local_mirror_dirs,
    load_cli_config,
    parse_cli_config,
    provider_source,
)

__all__ = [
    "CLIConfig",
    "InstallationMethod",
    "ProviderInstallation",
    "cli_config_file_path",
    "implied_local_mirror_dirs",
    "load_cli_config",
    "parse_cli_config",
    "provider_source",
]
