"""A policy report in each output format: human text, JSON, SARIF 2.1.0, JUnit XML and
GitHub workflow annotations. No format shows attribute values: findings name the rule,
the resource and its source line, never what the resource holds."""

from __future__ import annotations

import json
from typing import Any, Sequence
from xml.sax.saxutils import escape, quoteattr

from sheath.policy.model import Finding, Level, Report, Rule, Severity

FORMATS = ("human", "json", "sarif", "junit", "github")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

_SECURITY_SEVERITY = {Severity.LOW: "3.0", Severity.MEDIUM: "5.5", Severity.HIGH: "8.0", Severity.CRITICAL: "9.5"}


def _where(f: Finding) -> str:
    if f.source is None:
        return f.address
    return f"{f.source.filename} line {f.source.line}: {f.address}"


def render_human(report: Report, color: bool = False) -> str:
    def c(code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if color else text

    out: list[str] = []
    for f in report.failures:
        level = "mandatory" if f.level is Level.MANDATORY else "advisory"
        head = c("1;31" if f.level is Level.MANDATORY else "1;33", f"Policy {f.rule.id}")
        out.append(f"{head} ({f.rule.severity.value}, {level}): {f.rule.title}\n")
        out.append(f"  on {_where(f)}\n")
        out.append(f"  {f.message}\n")
        out.append(f"  Fix: {f.rule.fix}\n\n")
    for f in report.skipped:
        assert f.skipped is not None
        out.append(f"Skipped {f.rule.id} on {f.address}: {f.skipped.reason} ({f.skipped.source})\n")
    if report.skipped:
        out.append("\n")
    mand = len(report.mandatory_failures)
    out.append(
        f"Policy check: {len(report.failures)} failed ({mand} mandatory), "
        f"{len(report.skipped)} skipped, {report.passed} passed, on {report.checked_resources} resources.\n"
    )
    return "".join(out)


def _finding_json(f: Finding) -> dict[str, Any]:
    return {
        "rule_id": f.rule.id,
        "checkov_id": f.rule.checkov_id or None,
        "trivy_id": f.rule.trivy_id or None,
        "title": f.rule.title,
        "severity": f.rule.severity.value,
        "enforcement_level": f.level.value,
        "address": f.address,
        "resource_type": f.resource.type,
        "file": f.source.filename if f.source else None,
        "line": f.source.line if f.source else None,
        "message": f.message,
        "rationale": f.rule.rationale,
        "fix": f.rule.fix,
        "skipped": {"reason": f.skipped.reason, "source": f.skipped.source} if f.skipped else None,
    }


def render_json(report: Report) -> str:
    doc = {
        "format_version": "1.0",
        "summary": {
            "failed": len(report.failures),
            "mandatory_failed": len(report.mandatory_failures),
            "skipped": len(report.skipped),
            "passed": report.passed,
            "resources": report.checked_resources,
        },
        "findings": [_finding_json(f) for f in report.findings],
    }
    return json.dumps(doc, indent=2) + "\n"


def render_sarif(report: Report, rules: Sequence[Rule], version: str) -> str:
    used: list[Rule] = []
    index: dict[str, int] = {}
    for f in report.findings:
        if f.rule.id not in index:
            index[f.rule.id] = len(used)
            used.append(f.rule)
    results = []
    for f in report.findings:
        loc: dict[str, Any] = {"logicalLocations": [{"fullyQualifiedName": f.address, "kind": "resource"}]}
        if f.source is not None:
            loc["physicalLocation"] = {
                "artifactLocation": {"uri": f.source.filename.replace("\\", "/")},
                "region": {"startLine": f.source.line, "startColumn": max(1, f.source.column)},
            }
        result: dict[str, Any] = {
            "ruleId": f.rule.checkov_id or f.rule.id,
            "ruleIndex": index[f.rule.id],
            "level": "error" if f.level is Level.MANDATORY else "warning",
            "message": {"text": f"{f.rule.title}: {f.message} ({f.address})"},
            "locations": [loc],
        }
        if f.skipped is not None:
            result["suppressions"] = [
                {"kind": "inSource" if f.skipped.source == "inline" else "external", "justification": f.skipped.reason}
            ]
        results.append(result)
    driver_rules = []
    for r in used:
        props: dict[str, Any] = {"security-severity": _SECURITY_SEVERITY[r.severity], "tags": ["security", "terraform", r.pack]}
        if r.trivy_id:
            props["trivy_id"] = r.trivy_id
        driver_rules.append(
            {
                "id": r.checkov_id or r.id,
                "name": r.title,
                "shortDescription": {"text": r.title},
                "fullDescription": {"text": r.rationale},
                "help": {"text": r.fix},
                "defaultConfiguration": {"level": "error" if r.default_level is Level.MANDATORY else "warning"},
                "properties": props,
            }
        )
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "sheath", "version": version, "rules": driver_rules}},
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2) + "\n"


def render_junit(report: Report) -> str:
    cases: list[str] = []
    for f in report.findings:
        name = quoteattr(f.address)
        cls = quoteattr(f.rule.checkov_id or f.rule.id)
        if f.skipped is not None:
            cases.append(f"    <testcase classname={cls} name={name}><skipped message={quoteattr(f.skipped.reason)}/></testcase>\n")
            continue
        body = escape(f"{f.rule.title}\n{_where(f)}\n{f.message}\nFix: {f.rule.fix}")
        cases.append(
            f"    <testcase classname={cls} name={name}><failure message={quoteattr(f.message)} "
            f"type={quoteattr(f.level.value)}>{body}</failure></testcase>\n"
        )
    failed = len(report.failures)
    skipped = len(report.skipped)
    total = failed + skipped + report.passed
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuites name="sheath policy" tests="{total}" failures="{failed}" skipped="{skipped}">\n'
        f'  <testsuite name="sheath policy" tests="{total}" failures="{failed}" skipped="{skipped}">\n'
    )
    passed = f'    <testcase classname="sheath.policy" name="passed checks ({report.passed})"/>\n' if report.passed else ""
    return head + "".join(cases) + passed + "  </testsuite>\n</testsuites>\n"


def _gh_escape(s: str, prop: bool = False) -> str:
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        s = s.replace(":", "%3A").replace(",", "%2C")
    return s


def render_github(report: Report) -> str:
    out = []
    for f in report.findings:
        kind = "notice" if f.skipped is not None else "error" if f.level is Level.MANDATORY else "warning"
        props = []
        if f.source is not None:
            props.append(f"file={_gh_escape(f.source.filename, True)}")
            props.append(f"line={f.source.line}")
        props.append(f"title={_gh_escape(f.rule.checkov_id or f.rule.id, True)}")
        text = f"{f.rule.title}: {f.message} ({f.address})"
        if f.skipped is not None:
            text = f"skipped {f.rule.id} on {f.address}: {f.skipped.reason}"
        out.append(f"::{kind} {','.join(props)}::{_gh_escape(text)}\n")
    return "".join(out)


def render(report: Report, fmt: str, rules: Sequence[Rule], version: str, color: bool = False) -> str:
    if fmt == "json":
        return render_json(report)
    if fmt == "sarif":
        return render_sarif(report, rules, version)
    if fmt == "junit":
        return render_junit(report)
    if fmt == "github":
        return render_github(report)
    return render_human(report, color)
