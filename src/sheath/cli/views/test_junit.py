"""terraform test -junit-xml: the suite's results as a JUnit XML report, as terraform writes it."""

from __future__ import annotations

from sheath.diag import Diagnostics
from sheath.diag.render import render_diagnostic
from sheath.diag.sort import sort_diagnostics
from sheath.testing.runner import FileResult, RunResult, Status
from sheath.cli.views.test_human import FileSources

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;", "\t": "&#x9;", "\n": "&#xA;", "\r": "&#xD;"}


def _attr(s: str) -> str:
    """Go's xml.EscapeText."""
    return "".join(_ESCAPES.get(c, c) for c in s)


def _cdata(s: str) -> str:
    return "<![CDATA[" + s.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _diagnostics_text(diags: Diagnostics, sources: FileSources) -> str:
    out = []
    for d in sort_diagnostics(diags):
        text = render_diagnostic(d, sources, False, width=80)
        out.append(text[:-1] if text.endswith("\n") else text)
    return "".join(out)


def _testcase(path: str, r: RunResult, previous_error: str, sources: FileSources) -> str:
    name = _attr(r.run.name)
    cls = _attr(path)
    if r.status == Status.SKIP or r.started is None:
        body = ""
        if previous_error:
            body = (
                '\n      <skipped message="Testcase skipped due to a previous testcase error">'
                + _cdata(
                    f'Previous testcase "{previous_error}" ended in error, which caused the remaining tests in the file to be skipped'
                )
                + "</skipped>\n    "
            )
        else:
            body = "\n      <skipped></skipped>\n    "
        return f'    <testcase name="{name}" classname="{cls}">{body}</testcase>\n'
    stamp = r.started.strftime("%Y-%m-%dT%H:%M:%SZ")
    head = f'    <testcase name="{name}" classname="{cls}" time="{r.seconds:.9g}" timestamp="{stamp}">'
    errors = Diagnostics(d for d in r.diagnostics if d.is_error)
    warnings = Diagnostics(d for d in r.diagnostics if not d.is_error)
    body = ""
    if r.status == Status.FAIL:
        first = next((d.detail for d in r.diagnostics if d.summary == "Test assertion failed"), "")
        message = f"{r.failed_assertions} of {r.assertions} assertions failed: {first}"
        body = f'\n      <failure message="{_attr(message)}">' + _cdata(_diagnostics_text(errors, sources)) + "</failure>"
    elif r.status == Status.ERROR:
        body = '\n      <error message="Encountered an error">' + _cdata(_diagnostics_text(errors, sources)) + "</error>"
    if warnings:
        body += "\n      <system-err>" + _cdata(_diagnostics_text(warnings, sources)) + "</system-err>"
    if body:
        body += "\n    "
    return head + body + "</testcase>\n"


def junit_xml(files: list[FileResult]) -> str:
    sources = FileSources()
    out = ['<?xml version="1.0" encoding="UTF-8"?><testsuites>\n']
    for f in files:
        counts = {s: 0 for s in Status}
        for r in f.runs:
            counts[r.status] += 1
        out.append(
            f'  <testsuite name="{_attr(f.path)}" tests="{len(f.runs)}" skipped="{counts[Status.SKIP]}" '
            f'failures="{counts[Status.FAIL]}" errors="{counts[Status.ERROR]}">\n'
        )
        previous_error = ""
        for r in f.runs:
            out.append(_testcase(f.path, r, previous_error, sources))
            if r.status == Status.ERROR and not previous_error:
                previous_error = r.run.name
        out.append("  </testsuite>\n")
    out.append("</testsuites>")
    return "".join(out)
