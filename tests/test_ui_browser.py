"""sheath ui in a real browser: headless Chromium (Debian's chromium package) driven by
Playwright for Python against the server on 127.0.0.1. Screenshots go to the test's tmp dir."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import need
from ui_fixture import SECRET, serving, write_workdir

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    need(os.access(CHROMIUM, os.X_OK), f"chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need(False, "playwright for Python (pip install playwright)")
        raise
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def test_graph_and_node_details(browser: Any, tmp_path: Path) -> None:
    work = write_workdir(tmp_path / "work")
    with serving(work) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url + "/")
        page.wait_for_selector("body[data-ready=true]", timeout=20000)
        shown = sorted(page.eval_on_selector_all("#nodes .node", "els => els.map(e => e.dataset.address)"))
        assert shown == [
            "data.terraform_remote_state.other",
            "module.app",
            "module.app.terraform_data.secret",
            "terraform_data.after",
            "terraform_data.base",
        ]
        assert page.locator("#edges .edge:not(.contains)").count() == 2
        page.screenshot(path=str(tmp_path / "graph.png"))

        page.click('#nodes .node[data-address="module.app.terraform_data.secret"]')
        page.wait_for_selector("#details .attrs")
        details = page.locator("#details")
        assert "mod/main.tf:5" in details.inner_text()
        masked = page.locator('#details tr[data-attribute="input"] .sensitive')
        assert masked.inner_text() == "(sensitive value)"
        assert SECRET not in page.content()
        deps = page.eval_on_selector_all("#details li a", "els => els.map(e => e.textContent)")
        assert deps == ["terraform_data.base", "terraform_data.after"]
        page.screenshot(path=str(tmp_path / "details.png"))

        # search by address selects and centres the first match
        page.fill("#search", "after")
        page.press("#search", "Enter")
        page.wait_for_selector('#details h2:text-is("terraform_data.after")')
        assert page.locator("#nodes .node.match").count() == 1

        page.click("#tab-state")
        page.wait_for_selector("#state-table tbody tr")
        assert page.locator("#state-table tbody tr").count() == 3
        assert page.locator("#outputs-table .sensitive").inner_text() == "(sensitive value)"
        page.screenshot(path=str(tmp_path / "state.png"))
        assert errors == []
        page.close()
    assert (tmp_path / "graph.png").stat().st_size > 0
