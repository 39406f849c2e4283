"""sheath synth -out=DIR: the working directory as a root module terraform can plan.

Every Python stack file (stack.py, NAME.stack.py) is run and written as NAME.tf.json;
the directory's .tf, .tf.json and variable-definition files, its dependency lock file,
and the directories of the local modules it calls (./x sources) are copied next to it.
"""

from __future__ import annotations

import json
import os
import shutil
import sys

from sheath.cli.flags import FlagError, FlagSpec, parse_flags
from sheath.diag import Diagnostics

USAGE = """Usage: sheath [global options] synth -out=DIR

  Write the working directory as a root module of the JSON and native syntaxes:
  each Python stack file (stack.py, *.stack.py) as a .tf.json file, next to copies
  of the directory's .tf, .tf.json and .tfvars files, its dependency lock file and
  the local modules it calls. terraform can init and plan the result.

Options:

  -out=DIR      The directory to write (created when missing; files of the same
                names are replaced).

  -no-color     If specified, output won't contain any color."""

_COPIED_SUFFIXES = (".tf", ".tf.json", ".tfvars", ".tfvars.json")


def synth_name(stack_file: str) -> str:
    """stack.py -> stack.tf.json, net.stack.py -> net.stack.tf.json."""
    return stack_file[: -len(".py")] + ".tf.json"


def synthesize(root: str, out: str) -> tuple[list[str], Diagnostics]:
    """Write the root module at out; the files written (relative to out) and diagnostics."""
    from sheath.config.loader import load_module_tree
    from sheath.stack.synth import is_stack_file, json_document, run_stack

    diags = Diagnostics()
    cfg, d = load_module_tree(root)
    diags.extend(d)
    if diags.has_errors():
        return [], diags
    if os.path.realpath(out) == os.path.realpath(root):
        diags.add_error("Invalid output directory", "synth cannot write into the directory it reads; choose another -out directory.")
        return [], diags
    os.makedirs(out, exist_ok=True)
    written: list[str] = []
    for name in sorted(os.listdir(root)):
        path = os.path.normpath(os.path.join(root, name))
        if not os.path.isfile(path) or name.startswith("."):
            if name == ".terraform.lock.hcl":
                shutil.copyfile(path, os.path.join(out, name))
                written.append(name)
            continue
        if is_stack_file(name):
            with open(path, "rb") as fh:
                src = fh.read()
            stack, d = run_stack(path, src)
            diags.extend(d)
            if stack is None:
                continue
            target = synth_name(name)
            with open(os.path.join(out, target), "w", encoding="utf-8") as fh:
                json.dump(json_document([stack]), fh, indent=2, ensure_ascii=False)
                fh.write("\n")
            written.append(target)
        elif name.endswith(_COPIED_SUFFIXES):
            shutil.copyfile(path, os.path.join(out, name))
            written.append(name)
    root_real = os.path.realpath(root)
    for c in cfg.all_modules()[1:]:
        if not (c.source_addr.startswith("./") or c.source_addr.startswith("../")):
            continue  # registry and remote modules: terraform init installs them
        src_dir = os.path.realpath(c.module.source_dir)
        rel = os.path.relpath(src_dir, root_real)
        if rel.startswith(".."):
            diags.add_error(
                "Local module outside the working directory",
                f"The module at {c.source_addr} is outside the working directory, so synth cannot copy it "
                "next to the synthesized files; copy it yourself to the same relative place.",
                c.call.source_addr_range if c.call is not None else None,
            )
            continue
        shutil.copytree(src_dir, os.path.join(out, rel), dirs_exist_ok=True, ignore=shutil.ignore_patterns(".terraform"))
        written.append(rel + "/")
    return written, diags


def run(args: list[str]) -> int:
    from sheath.diag.render import render_diagnostic

    color = "-no-color" not in args
    args = [a for a in args if a != "-no-color"]
    if any(a in ("-h", "-help", "--help") for a in args):
        sys.stderr.write(USAGE + "\n")
        return 1
    try:
        fl = parse_flags(args, [FlagSpec("out", kind="string")])
    except FlagError as exc:
        sys.stderr.write(f"Error parsing command-line flags: {exc}\n\n{USAGE}\n")
        return 1
    out = fl.get_str("out")
    if fl.args or not out:
        sys.stderr.write(("Too many command line arguments.\n\n" if fl.args else "The -out=DIR option is required.\n\n") + USAGE + "\n")
        return 1
    written, diags = synthesize(".", out)
    sources: dict[str, bytes] = {}
    for d in diags:
        if d.subject is not None and d.subject.filename not in sources:
            try:
                with open(d.subject.filename, "rb") as fh:
                    sources[d.subject.filename] = fh.read()
            except OSError:
                pass
        (sys.stderr if d.severity.name == "ERROR" else sys.stdout).write(render_diagnostic(d, sources, color))
    if diags.has_errors():
        return 1
    sys.stdout.write(f"Wrote {len(written)} files and directories to {out}: {', '.join(written)}\n")
    return 0
