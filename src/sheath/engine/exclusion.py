"""-exclude, -target-file and -exclude-file: OpenTofu's planning options (terraform has none).

An exclude is an address like a target's (a module instance, a resource or a resource
instance). A plan with excludes walks every resource except the excluded ones and those
that depend on them, as OpenTofu's targeting transform removes them: the resources it
keeps, and what they depend on, are planned; the others keep what the state has. As in
OpenTofu, an exclude naming some instances only (a resource instance, or a resource in one
instance of a module) leaves that resource's other instances planned but every resource
depending on it excluded.

A destroy plan goes the other way round (its edges are reversed): every managed object
in state is deleted except the excluded ones and, transitively, those they depend on.

A target file or an exclude file holds one address a line; a line whose first non-blank
character is ``#`` and a blank line are ignored. -target and -exclude (with their file
forms) exclude each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sheath import diag
from sheath.addrs.module import ModuleInstance
from sheath.addrs.parse import parse_module_instance_prefix, parse_resource_under_module, steps_from_traversal
from sheath.diag import Diagnostics, Pos
from sheath.engine.targeting import StateInstance, Target, parse_target, state_dependencies
from sheath.graph.references import RESOURCE, ConfigGraph, ConfigNode
from sheath.states.state import State

if TYPE_CHECKING:
    from sheath.engine.run import Run
    from sheath.plans.model import Plan

PLAN_WARNING_SUMMARY = "Resource targeting is in effect"
APPLY_WARNING_SUMMARY = "Applied changes may be incomplete"

_PLAN_WARNING = (
    "This plan was made with the -exclude option, so it may leave out changes the current configuration "
    "asks for: the excluded objects, and every object depending on them, were not planned.\n\n"
    "Like -target, -exclude is meant for exceptional cases only, such as recovering from a mistake or "
    "an error, or when sheath suggests it in an error message."
)
_APPLY_WARNING = (
    "The plan was made with the -exclude option, so changes the configuration asks for may have been "
    "left out and some output values may not be up to date. To check that nothing else is pending, run:\n"
    "    sheath plan\n\n"
    "Like -target, -exclude is meant for exceptional cases only, such as recovering from a mistake or "
    "an error, or when sheath suggests it in an error message."
)


def excluded_plan_warning() -> diag.Diagnostic:
    """What a plan made with -exclude warns (OpenTofu's summary, as for -target)."""
    return diag.warning(PLAN_WARNING_SUMMARY, _PLAN_WARNING)


def excluded_apply_warning() -> diag.Diagnostic:
    """What every apply of a plan made with -exclude warns, changes or not."""
    return diag.warning(APPLY_WARNING_SUMMARY, _APPLY_WARNING)


# --- the command line -----------------------------------------------------------------


@dataclass(frozen=True)
class AddressOptions:
    """The targets and excludes a command's -target, -target-file, -exclude and
    -exclude-file options give, in the order given (direct ones first, then the files')."""

    targets: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()


def address_options(
    targets: Sequence[str], target_files: Sequence[str], excludes: Sequence[str], exclude_files: Sequence[str]
) -> tuple[AddressOptions, Diagnostics]:
    """Read the four options as OpenTofu does: targets and excludes are mutually exclusive;
    an invalid direct address is 'Invalid exclude "ADDR"' (a -target's is checked with the
    other operation flags); an invalid line of a file is reported at its place in the file."""
    diags = Diagnostics()
    if (targets or target_files) and (excludes or exclude_files):
        diags.add_error(
            "Invalid combination of arguments",
            "The -target and -target-file options cannot be used together with the -exclude and "
            "-exclude-file options: a plan either targets some objects or excludes some, not both.",
        )
        return AddressOptions(), diags
    for raw in excludes:
        _, d = parse_target(raw)
        first = next((x for x in d if x.severity is diag.Severity.ERROR), None)
        if first is not None:
            diags.add_error(f'Invalid exclude "{raw}"', first.detail)
    from_targets: list[str] = []
    for path in target_files:
        found, d = read_address_file(path)
        from_targets.extend(found)
        diags.extend(d)
    from_excludes: list[str] = []
    for path in exclude_files:
        found, d = read_address_file(path)
        from_excludes.extend(found)
        diags.extend(d)
    return AddressOptions((*targets, *from_targets), (*excludes, *from_excludes)), diags


def read_address_file(path: str) -> tuple[list[str], Diagnostics]:
    """The addresses a -target-file or -exclude-file lists: one a line, '#' comments and
    blank lines ignored; a line that is not an address is an error at its range."""
    diags = Diagnostics()
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        diags.add_error("Failed to read address file", f"Could not read the addresses in {path}: {exc.strerror}.")
        return [], diags
    out: list[str] = []
    offset = 0
    for number, line in enumerate(data.splitlines(keepends=True), start=1):
        start = offset
        offset += len(line)
        text = line.rstrip(b"\r\n")
        stripped = text.strip()
        if not stripped or stripped.startswith(b"#"):
            continue
        ok, d = _parse_line(text, path, Pos(number, 1, start))
        diags.extend(d)
        if ok:
            out.append(stripped.decode("utf-8", "surrogateescape"))
    return out, diags


def _parse_line(src: bytes, filename: str, start: Pos) -> tuple[bool, Diagnostics]:
    from sheath.lang.hclsyntax import parse_traversal_abs

    traversal, diags = parse_traversal_abs(src, filename, start)
    if diags.has_errors():
        return False, diags
    mod, rest, d = parse_module_instance_prefix(steps_from_traversal(traversal))
    diags.extend(d)
    if diags.has_errors():
        return False, diags
    if rest:
        res, _, _, d2 = parse_resource_under_module(rest)
        diags.extend(d2)
        if res is None:
            return False, diags
    return not diags.has_errors(), diags


def parse_excludes(raw: Sequence[str]) -> tuple[list[Target], Diagnostics]:
    diags = Diagnostics()
    out: list[Target] = []
    for s in raw:
        t, d = parse_target(s)
        diags.extend(d)
        if t is not None:
            out.append(t)
    return out, diags


# --- the plan walk --------------------------------------------------------------------


def names_instances_only(t: Target) -> bool:
    """Whether an exclude names some instances of the resources it matches, not all."""
    return t.has_key or any(s.key is not None for s in t.module.steps)


def exclusion_closure(cg: ConfigGraph, excludes: Sequence[Target]) -> tuple[set[ConfigNode], set[ConfigNode]]:
    """(the resource nodes some of whose instances are excluded, every node the plan walks).

    A resource an exclude matches whole is left out; one an exclude names only some
    instances of is walked, its excluded instances keeping their state (the planner asks
    ``instance_excluded``). Every resource depending on a matched one is left out. The
    resources kept, and everything they depend on, are walked."""
    resources = [n for n in cg.graph if n.kind == RESOURCE]
    excluded: set[ConfigNode] = set()
    partly: set[ConfigNode] = set()
    seeds: list[ConfigNode] = []
    for n in resources:
        matching = [t for t in excludes if t.matches_node(n)]
        if not matching:
            continue
        seeds.append(n)
        if any(not names_instances_only(t) for t in matching):
            excluded.add(n)
        else:
            partly.add(n)
    for n in seeds:
        for d in cg.graph.descendants(n):
            if d.kind == RESOURCE and d != n:
                excluded.add(d)
    partly -= excluded
    closure: set[ConfigNode] = set()
    stack = [n for n in resources if n not in excluded]
    while stack:
        n = stack.pop()
        if n in closure:
            continue
        closure.add(n)
        stack.extend(cg.graph.dependencies(n))
    return partly, closure


def restrict_walk(run: Run, cg: ConfigGraph, raw: Sequence[str]) -> None:
    """Set up a plan's walk for its -exclude addresses (parse errors are the run's)."""
    excludes, diags = parse_excludes(raw)
    run.add_diags(diags)
    run.excludes = list(excludes)
    run.target_direct, run.target_closure = exclusion_closure(cg, excludes)
    run.add_diags([excluded_plan_warning()])


def orphan_kept(excludes: Sequence[Target], module: ModuleInstance, resource: str, key_text: str) -> bool:
    """Whether an object whose configuration is gone is planned (no exclude contains it)."""
    return not any(t.contains_instance(module, resource, key_text) for t in excludes)


def applied_outputs(plan: Plan) -> frozenset[str] | None:
    """The root outputs the apply of a plan made with -exclude evaluates: those the plan
    has changes for (the others keep their values in state); None without excludes."""
    if not plan.exclude_addrs:
        return None
    return frozenset(o.name for o in plan.output_changes)


def instance_excluded(excludes: Sequence[Target], module: str, resource: str, key_text: str) -> bool:
    """Whether an exclude names this instance (module: module instance string; resource:
    'type.name', with data. for a data source; key_text: '[0]', '["k"]' or '')."""
    return any(t.matches_instance(module, resource, key_text) for t in excludes)


# --- destroy ----------------------------------------------------------------------------


def destroy_remainder(state: State, excludes: Sequence[Target]) -> set[str]:
    """The addresses of the managed instances a destroy with -exclude deletes: all of them
    but the excluded ones and, transitively, those whose objects an excluded one records a
    dependency on (an object depends on nothing in another instance of its own module)."""
    sd = state_dependencies(state)
    instances = sd.instances
    depends_on = dict(instances)
    kept: set[StateInstance] = set()
    stack = [si for si, _ in instances if any(t.contains_instance(si.module, si.resource, si.key_text) for t in excludes)]
    while stack:
        si = stack.pop()
        if si in kept:
            continue
        kept.add(si)
        for dep in depends_on.get(si, ()):
            stack.extend(sd.recorded(si, dep))
    return {si.address for si, _ in instances if si not in kept}


__all__ = [
    "APPLY_WARNING_SUMMARY",
    "AddressOptions",
    "PLAN_WARNING_SUMMARY",
    "address_options",
    "applied_outputs",
    "orphan_kept",
    "restrict_walk",
    "destroy_remainder",
    "excluded_apply_warning",
    "excluded_plan_warning",
    "exclusion_closure",
    "instance_excluded",
    "names_instances_only",
    "parse_excludes",
    "read_address_file",
]
