"""Entry point: global flags (-chdir=, -help, -version), then dispatch to a command."""

from __future__ import annotations

import gc
import importlib
import os
import sys
from typing import Any, Sequence, TextIO, cast

# command name -> module under sheath.cli.commands exposing run(args: list[str]) -> int
COMMANDS: dict[str, str] = {
    "version": "version",
    "init": "init",
    "validate": "validate",
    "fmt": "fmt",
    "console": "console",
    "plan": "plan",
    "apply": "apply",
    "destroy": "destroy",
    "refresh": "refresh",
    "import": "import_",
    "graph": "graph",
    "show": "show",
    "output": "output",
    "state": "state",
    "taint": "taint",
    "untaint": "untaint",
    "providers": "providers",
    "metadata": "metadata",
    "get": "get",
    "policy": "policy",
    "drift": "drift",
    "unmanaged": "unmanaged",
    "cost": "cost",
    "audit": "audit",
    "workspace": "workspace",
    "force-unlock": "force_unlock",
    "history": "history",
    "rollback": "rollback",
    "synth": "synth",
    "test": "test",
    "ui": "ui",
}

# commands with subcommands, for TF_CLI_ARGS_<command> (sheath.cli.envargs)
NESTED: dict[str, tuple[str, ...]] = {
    "state": ("list", "show", "mv", "rm", "pull", "push", "replace-provider"),
    "providers": ("lock", "mirror", "schema"),
    "metadata": ("functions",),
}

USAGE = """Usage: sheath [global options] <subcommand> [args]

The available commands for execution are listed below.

Main commands:
  init          Prepare your working directory for other commands
  validate      Check whether the configuration is valid
  plan          Show changes required by the current configuration
  apply         Create or update infrastructure
  destroy       Destroy previously-created infrastructure
  console       Try Terraform expressions at an interactive command prompt
  fmt           Reformat your configuration in the standard style
  version       Show the current sheath version
  workspace     Workspace management

All other commands:
  cost          Estimate the monthly cost of the state or a saved plan
  drift         Report resources changed outside of sheath
  audit         Show and verify the audit trail of state changes
  force-unlock  Release a stuck lock on the current workspace
  get           Install or upgrade remote Terraform modules
  history       List the applied versions of the infrastructure
  graph         Generate a Graphviz graph of the steps in an operation
  import        Associate existing infrastructure with a Terraform resource
  metadata      Metadata related commands
  output        Show output values from your root module
  policy        Check a saved plan against the guardrail policies
  providers     Show the providers required for this configuration
  refresh       Update the state to match remote systems
  rollback      Go back to an applied version or a git ref, in one reviewed step
  show          Show the current state or a saved plan
  state         Advanced state management
  synth         Write Python stacks as a root module terraform can plan
  taint         Mark a resource instance as not fully functional
  test          Execute integration tests for Terraform modules
  unmanaged     List real resources that no state knows
  untaint       Remove the 'tainted' state from a resource instance

Global options (use these before the subcommand, if any):
  -chdir=DIR    Switch to a different working directory before executing the
                given subcommand.
  -help         Show this help output, or the help for a specified subcommand.
  -version      An alias for the "version" subcommand.
"""


class OrderedStderr:
    """stderr that flushes stdout before each write. terraform's writes are unbuffered, so
    when both streams go to one log (``2>&1``, a CI job) its warnings (stdout) come before
    the errors that follow them (stderr); Python buffers stdout on a pipe, which put the
    errors first."""

    def __init__(self, err: TextIO, out: TextIO) -> None:
        self._err = err
        self._out = out

    def write(self, text: str) -> int:
        try:
            self._out.flush()
        except (OSError, ValueError):
            pass  # a closed or broken stdout: stderr still gets its text
        return self._err.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._err, name)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the caller's working directory and sys.stderr are restored
    afterwards (-chdir changes the directory only for the command), so main() can be called
    from a Python program."""
    try:
        cwd: str | None = os.getcwd()
    except OSError:
        cwd = None
    err = sys.stderr
    sys.stderr = cast(TextIO, OrderedStderr(err, sys.stdout))
    try:
        return run_command(argv)
    finally:
        sys.stderr = err
        if cwd is not None:
            try:
                os.chdir(cwd)
            except OSError:
                pass


def run_command(argv: Sequence[str] | None = None) -> int:
    # A command is a short-lived process that builds large, acyclic-by-design
    # object graphs (ASTs, values); the cyclic collector's full scans of them cost
    # about half of the run time on large configurations and free almost nothing.
    # Reference counting still frees everything else.
    gc.disable()
    args = list(sys.argv[1:] if argv is None else argv)
    while args and args[0].startswith("-"):
        flag = args.pop(0)
        if flag.startswith("-chdir="):
            target = flag[len("-chdir=") :]
            try:
                os.chdir(target)
            except OSError as exc:
                sys.stderr.write(f"Error handling -chdir option: {exc.strerror}: {target}\n")
                return 1
        elif flag in ("-version", "--version", "-v"):
            args.insert(0, "version")
            break
        elif flag in ("-help", "--help", "-h"):
            sys.stdout.write(USAGE)
            return 0
        else:
            sys.stderr.write(f"Error: unknown global option {flag}\n\n{USAGE}")
            return 1
    if not args:
        sys.stdout.write(USAGE)
        return 127
    from sheath.cli.envargs import EnvArgsError, with_env_args

    try:
        args = with_env_args(args, NESTED, os.environ)
    except EnvArgsError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    name = args.pop(0)
    modname = COMMANDS.get(name)
    if modname is None:
        sys.stderr.write(f'sheath has no command named "{name}".\n\nTo see all of sheath\'s top-level commands, run:\n  sheath -help\n\n')
        return 1
    mod = importlib.import_module(f"sheath.cli.commands.{modname}")
    from sheath.cli.deepstack import call_with_deep_stack

    try:
        rc: int = call_with_deep_stack(mod.run, args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (e.g. `| head`): nothing more to say
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 1
    except Exception as exc:  # a bug in sheath: say so, without a traceback
        if os.environ.get("SHEATH_TRACEBACK") == "1":
            raise
        sys.stderr.write(
            f"\nError: internal error in sheath {name}\n\n"
            f"sheath hit an unexpected condition ({type(exc).__name__}: {exc}).\n"
            "This is a bug in sheath, not in your configuration. Run again with\n"
            "SHEATH_TRACEBACK=1 to see the details to report.\n"
        )
        return 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
