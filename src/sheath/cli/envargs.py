"""TF_CLI_ARGS and TF_CLI_ARGS_<command>: extra arguments from the environment.

As terraform's mergeEnvArgs: the variable's value is split shell-style and
inserted right after the first argument equal to the subcommand's last word
(``plan``; ``list`` for ``state list``). TF_CLI_ARGS is merged first, then
TF_CLI_ARGS_<command> (spaces and dashes of the command as underscores:
TF_CLI_ARGS_state_replace_provider), whose arguments therefore come first.
"""

from __future__ import annotations

import shlex
from collections.abc import Collection, Mapping, Sequence

ENV_CLI = "TF_CLI_ARGS"


class EnvArgsError(Exception):
    """A variable whose value does not split; str() is terraform's message."""


def subcommand(args: Sequence[str], nested: Mapping[str, Collection[str]]) -> str:
    """The command the arguments name: the first non-flag argument, with its subcommand
    when it has one (``state list``); "" when there is none."""
    i = next((i for i, a in enumerate(args) if a and not a.startswith("-")), -1)
    if i < 0:
        return ""
    first = args[i]
    subs = nested.get(first)
    if subs is not None and i + 1 < len(args) and args[i + 1] in subs:
        return f"{first} {args[i + 1]}"
    return first


def merge_env_args(env_name: str, command: str, args: list[str], environ: Mapping[str, str]) -> list[str]:
    value = environ.get(env_name, "")
    if not value:
        return args
    try:
        extra = shlex.split(value)
    except ValueError:
        raise EnvArgsError(f"Error parsing extra CLI args from {env_name}: invalid command line string") from None
    search = command.rsplit(" ", 1)[-1]
    idx = next((i for i, a in enumerate(args) if a == search), -1) + 1
    return [*args[:idx], *extra, *args[idx:]]


def with_env_args(args: list[str], nested: Mapping[str, Collection[str]], environ: Mapping[str, str]) -> list[str]:
    """args with TF_CLI_ARGS and TF_CLI_ARGS_<command> merged in (EnvArgsError when one does not split)."""
    command = subcommand(args, nested)
    args = merge_env_args(ENV_CLI, command, args, environ)
    suffix = command.replace("-", "_").replace(" ", "_")
    return merge_env_args(f"{ENV_CLI}_{suffix}", command, args, environ)


__all__ = ["ENV_CLI", "EnvArgsError", "merge_env_args", "subcommand", "with_env_args"]
