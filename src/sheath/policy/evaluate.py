"""Running the rules over a plan: enforcement levels, inline skips and the ignore file.

Levels come from the rule's default, then its pack's setting, then its own setting
(``sheath-policy.hcl``: ``pack "aws" { enforcement_level = "mandatory" }``,
``rule "CKV_AWS_20" { enforcement_level = "disabled" }``). A skip needs a reason:
inline, in the resource's block (``# sheath:skip=CKV_AWS_20 reason`` or Checkov's
``#checkov:skip=CKV_AWS_20:reason``), or a line of ``.sheath-policy-ignore``
(``RULE_ID ADDRESS_PATTERN reason``). Every skip is reported with its reason.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from sheath.diag import Diagnostics, Range
from sheath.policy.model import Finding, Level, Outcome, Report, Rule, Skip
from sheath.policy.planinput import ConfigFacts, PlanInput, SourceLocation

SETTINGS_FILE = "sheath-policy.hcl"
IGNORE_FILE = ".sheath-policy-ignore"

_SHEATH_SKIP = re.compile(r"#\s*sheath:skip=([A-Za-z0-9_\-]+)(?:[ \t]+(.*))?$")
_CHECKOV_SKIP = re.compile(r"#\s*checkov:skip=([A-Za-z0-9_\-]+)(?::(.*))?$")


@dataclass
class Settings:
    levels: dict[str, Level] = field(default_factory=dict)  # rule id, or "pack:NAME"
    ignores: list[tuple[str, str, str]] = field(default_factory=list)  # (rule id, address pattern, reason)

    def level_of(self, rule: Rule) -> Level:
        level = self.levels.get(f"pack:{rule.pack}", rule.default_level)
        for i in rule.ids:
            if i in self.levels:
                level = self.levels[i]
        return level


@dataclass
class ConfigIndex:
    """Where each resource is declared, what its block sets and refers to, and the skips
    written in it."""

    facts: ConfigFacts = field(default_factory=ConfigFacts)
    skips: dict[str, list[Skip]] = field(default_factory=dict)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    ranges: dict[str, Range] = field(default_factory=dict)  # declaration range by configuration address


def parse_skip_comment(line: str) -> tuple[str, str] | None:
    """(rule id, reason) from a skip comment on this line, if any (reason may be "")."""
    for pat in (_SHEATH_SKIP, _CHECKOV_SKIP):
        m = pat.search(line)
        if m:
            return m.group(1), (m.group(2) or "").strip()
    return None


def index_configuration(root_dir: str, config: object | None = None) -> ConfigIndex:
    """Declarations and inline skips of every resource in the module tree at root_dir
    (config: that tree, when the caller has already loaded it)."""
    out = ConfigIndex()
    cfg = config
    if cfg is None:
        from sheath.config import load_module_tree

        cfg, diags = load_module_tree(root_dir)
        if cfg is None:
            out.diagnostics.extend(diags)
            return out
    texts: dict[str, list[str]] = {}

    def lines_of(filename: str) -> list[str]:
        if filename not in texts:
            path = filename if os.path.isabs(filename) else os.path.join(root_dir, filename)
            try:
                with open(path, encoding="utf-8", errors="replace") as fh:
                    texts[filename] = fh.read().splitlines()
            except OSError:
                texts[filename] = []
        return texts[filename]

    def walk(c: object, prefix: str) -> None:
        module = getattr(c, "module")
        for key, r in list(module.managed_resources.items()) + list(module.data_resources.items()):
            addr = (prefix + "." if prefix else "") + key
            start = r.decl_range.start
            out.facts.sources[addr] = SourceLocation(r.decl_range.filename, start.line, start.column)
            out.ranges[addr] = r.decl_range
            _body_facts(r.config, addr, out.facts)
            body_range = getattr(r.config, "range", None)
            end_line = body_range.end.line if body_range is not None else start.line
            skips: list[Skip] = []
            lines = lines_of(r.decl_range.filename)
            for ln in range(start.line, min(end_line, len(lines)) + 1):
                found = parse_skip_comment(lines[ln - 1])
                if found is None:
                    continue
                rid, reason = found
                if not reason:
                    out.diagnostics.add_error(
                        "Policy skip without a reason",
                        f"{r.decl_range.filename}:{ln}: the skip of {rid} must say why (for example "
                        f"`# sheath:skip={rid} the bucket hosts a public website`).",
                    )
                    continue
                skips.append(Skip(rid, reason, "inline"))
            if skips:
                out.skips[addr] = skips
        for name, child in getattr(c, "children").items():
            walk(child, (prefix + "." if prefix else "") + f"module.{name}")

    walk(cfg, "")
    return out


def _body_facts(body: object, addr: str, facts: ConfigFacts) -> None:
    """The arguments and blocks a resource body sets, and what each argument refers to
    (native syntax; JSON bodies give no facts and the plan's own configuration is used)."""
    attrs = getattr(body, "attributes", None)
    blocks = getattr(body, "blocks", None)
    if not isinstance(attrs, dict) or not isinstance(blocks, list):
        return
    names = set(attrs)
    refs: dict[str, list[str]] = {}
    for name, a in attrs.items():
        for trav in a.expr.variables():
            refs.setdefault(name, []).append(_traversal_text(trav))
    for b in blocks:
        names.add(b.labels[0] if b.type == "dynamic" and b.labels else b.type)
    facts.configured[addr] = frozenset(names)
    if refs:
        facts.references[addr] = refs


def _traversal_text(trav: object) -> str:
    from sheath.lang.hcl import TraverseAttr, TraverseRoot

    parts: list[str] = []
    for step in getattr(trav, "steps", ()):
        if isinstance(step, TraverseRoot):
            parts.append(step.name)
        elif isinstance(step, TraverseAttr):
            parts.append(step.name)
        else:
            break
    return ".".join(parts)


def read_settings(root_dir: str) -> tuple[Settings, Diagnostics]:
    """sheath-policy.hcl and .sheath-policy-ignore in root_dir (both optional)."""
    settings = Settings()
    diags = Diagnostics()
    path = os.path.join(root_dir, SETTINGS_FILE)
    if os.path.isfile(path):
        diags.extend(_read_settings_file(path, settings))
    ipath = os.path.join(root_dir, IGNORE_FILE)
    if os.path.isfile(ipath):
        with open(ipath, encoding="utf-8") as fh:
            for n, raw in enumerate(fh, 1):
                line = raw.strip()
                if not line or line.startswith("#"):
                    continue
                parts = line.split(None, 2)
                if len(parts) < 3:
                    diags.add_error(
                        "Invalid policy ignore entry",
                        f"{IGNORE_FILE}:{n}: an entry is RULE_ID ADDRESS_PATTERN REASON; the reason is required.",
                    )
                    continue
                settings.ignores.append((parts[0], parts[1], parts[2]))
    return settings, diags


def _read_settings_file(path: str, settings: Settings) -> Diagnostics:
    from sheath.lang import hcl
    from sheath.lang.hclsyntax.parser import parse_config
    from sheath.lang.eval.context import EvalContext
    from sheath.lang.eval.evaluator import evaluate

    with open(path, "rb") as fh:
        data = fh.read()
    f, diags = parse_config(data, os.path.basename(path))
    if diags.has_errors():
        return diags
    body = f.body
    schema = hcl.BodySchema(
        (),
        (hcl.BlockHeaderSchema("pack", ("name",)), hcl.BlockHeaderSchema("rule", ("id",)), hcl.BlockHeaderSchema("limits"),
         hcl.BlockHeaderSchema("cost")),
    )
    content, d = body.content(schema)
    diags.extend(d)
    for b in content.blocks:
        if b.type in ("limits", "cost"):
            continue  # read by sheath.policy.guardrails, sheath.cost.settings
        attrs, d = b.body.just_attributes()
        diags.extend(d)
        for name, attr in attrs.items():
            if name != "enforcement_level":
                diags.add_error("Unsupported argument", f'An argument named "{name}" is not expected here.', attr.name_range)
                continue
            v, d = evaluate(attr.expr, EvalContext(None, None))
            diags.extend(d)
            text = v.v if isinstance(v.v, str) else None
            try:
                level = Level(text)
            except ValueError:
                diags.add_error(
                    "Invalid enforcement level",
                    'enforcement_level must be "advisory", "mandatory" or "disabled".',
                    attr.expr.range,
                )
                continue
            key = f"pack:{b.labels[0]}" if b.type == "pack" else b.labels[0]
            settings.levels[key] = level
    return diags


def evaluate_rules(
    plan: PlanInput,
    rules: Sequence[Rule],
    settings: Settings | None = None,
    inline_skips: Mapping[str, list[Skip]] | None = None,
) -> Report:
    settings = settings or Settings()
    inline_skips = inline_skips or {}
    report = Report()
    by_type: dict[tuple[str, str], list[Rule]] = {}
    patterned: list[Rule] = []  # resource types with * wildcards
    for rule in rules:
        if settings.level_of(rule) is Level.DISABLED:
            continue
        for t in rule.resource_types:
            if "*" in t:
                patterned.append(rule)
            else:
                by_type.setdefault((rule.mode, t), []).append(rule)
    checked: set[str] = set()
    for res in plan.resources:
        if res.in_state_only:
            continue
        matching = list(by_type.get((res.mode, res.type), ()))
        matching += [
            r for r in patterned if r.mode == res.mode and any(fnmatch.fnmatchcase(res.type, t) for t in r.resource_types)
        ]
        if res.deleted:
            matching = [r for r in matching if r.applies_to_deletes]
        for rule in matching:
            checked.add(res.address)
            result = rule.check(res, plan)
            if result.outcome is Outcome.PASSED:
                report.passed += 1
                continue
            if result.outcome is Outcome.UNKNOWN:
                continue
            finding = Finding(rule, res, result.message, settings.level_of(rule))
            finding.skipped = _skip_for(rule, res.address, res.config_address, inline_skips, settings)
            report.findings.append(finding)
    report.checked_resources = len(checked)
    return report


def _skip_for(rule: Rule, address: str, config_address: str, inline: Mapping[str, list[Skip]], settings: Settings) -> Skip | None:
    for s in inline.get(config_address, ()):
        if s.rule_id in rule.ids:
            return s
    for rid, pattern, reason in settings.ignores:
        if rid in rule.ids and (fnmatch.fnmatchcase(address, pattern) or fnmatch.fnmatchcase(config_address, pattern)):
            return Skip(rid, reason, "ignore-file")
    return None


def all_rule_ids(rules: Iterable[Rule]) -> set[str]:
    return {i for r in rules for i in r.ids}
