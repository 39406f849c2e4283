"""The command-line interface: terraform's commands and single-dash flags."""
