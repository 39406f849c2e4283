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


def _open(browser: Any, url: str) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url + "/")
    page.wait_for_selector("body[data-ready=true]", timeout=20000)
    return page, errors


def test_plan_view_and_graph_colours(browser: Any, tmp_path: Path) -> None:
    from test_ui_plan import sheath_plan, write_plan_workdir

    work = write_plan_workdir(tmp_path / "work")
    sheath_plan(work, "-out=tfplan", "-replace=terraform_data.after")
    with serving(work) as url:
        page, errors = _open(browser, url)
        # the graph is coloured by the latest saved plan
        actions = dict(page.eval_on_selector_all("#nodes .node[data-action]", "els => els.map(e => [e.dataset.address, e.dataset.action])"))
        assert actions["terraform_data.after"] == "replace" and actions["terraform_data.base"] == "update"
        assert actions["module.app"] == "update" and actions["terraform_data.new"] == "create"
        assert page.locator("#action-legend").is_visible()
        page.click('#nodes .node[data-address="terraform_data.base"]')
        page.wait_for_selector("#details pre.planned")
        assert '~ input  = "x" -> "y"' in page.inner_text("#details pre.planned")
        page.screenshot(path=str(tmp_path / "graph-plan.png"))

        page.click("#tab-plan")
        page.wait_for_selector("#plan-groups section.group")
        groups = page.eval_on_selector_all("#plan-groups section.group", "els => els.map(e => e.dataset.group)")
        assert groups == ["create", "update", "replace", "delete", "import", "move"]
        assert "2 to add, 2 to change, 2 to destroy, 1 to import, 1 to move" in page.inner_text("#plan-summary")
        after = page.locator('#plan-groups details[data-address="terraform_data.after"] summary')
        assert "will be replaced, as requested" in after.inner_text()
        gone = page.locator('#plan-groups details[data-address="terraform_data.gone"]')
        assert "not in configuration" in gone.locator("summary").inner_text()
        assert not gone.locator("pre.diff").is_visible()
        gone.locator("summary").click()
        assert '- input  = "bye" -> null' in gone.locator("pre.diff").inner_text()
        secret = page.locator('#plan-groups details[data-address="module.app.terraform_data.secret"]')
        secret.locator("summary").click()
        assert "(sensitive value)" in secret.locator("pre.diff").inner_text()
        page.click("#plan-text summary")
        assert "Plan: 1 to import, 2 to add, 2 to change, 2 to destroy." in page.inner_text("#plan-text pre")
        assert "### Replace (1)" in (page.text_content("#plan-markdown pre") or "")
        assert SECRET not in page.content()
        page.screenshot(path=str(tmp_path / "plan.png"), full_page=True)

        # "Plan" makes a fresh plan of the working directory (no -replace: after is updated)
        page.click("#run-plan")
        page.wait_for_selector('#plan-source option[value="fresh=1"]', state="attached", timeout=60000)
        page.wait_for_selector("body[data-planning=false]", state="attached", timeout=60000)
        assert page.input_value("#plan-source") == "fresh=1"
        assert "1 to add, 3 to change, 1 to destroy" in page.inner_text("#plan-summary")
        page.click("#plan-progress summary")
        assert "terraform_data.base: Refreshing state... [id=551cfee2-d351-45ff-59a9-a4b7ca92bd99]" in page.inner_text("#plan-progress pre")
        assert page.locator('#nodes .node[data-address="terraform_data.after"]').get_attribute("data-action") == "update"
        assert SECRET not in page.content()
        page.select_option("#plan-source", "file=tfplan")
        page.wait_for_selector('#plan-summary:has-text("saved plan tfplan")')
        assert errors == []
        page.close()


def test_policy_results_link_to_their_source_line(browser: Any, tmp_path: Path) -> None:
    from sheath.plans.model import Action, Plan, ResourceInstanceChange
    from sheath.plans.planfile import write_plan_file
    from sheath.states.statefile import StateFile
    from sheath.types.cty import STRING, null, object_val, string_val, unknown
    from test_ui_plan import BUCKET_TF

    (tmp_path / "main.tf").write_text(BUCKET_TF)
    after = object_val({"bucket": string_val("logs"), "id": unknown(STRING), "tags": null()})
    change = ResourceInstanceChange(
        address="aws_s3_bucket.logs", mode="managed", type="aws_s3_bucket", name="logs", action=Action.CREATE,
        before=null(), after=after, provider_name="registry.terraform.io/hashicorp/aws",
        provider_config_addr='provider["registry.terraform.io/hashicorp/aws"]',
    )
    plan = Plan(changes=[change], prior_state=StateFile(lineage="5d1f0e8e-0000-4000-8000-000000000003"))
    (tmp_path / "bucket.tfplan").write_bytes(write_plan_file(plan))
    with serving(tmp_path) as url:
        page, errors = _open(browser, url)
        page.click("#tab-plan")
        page.wait_for_selector("#policy-table tbody tr")
        rows = page.locator("#policy-table tbody tr")
        assert rows.count() >= 1
        assert "failed" in page.inner_text("#policy-summary")
        link = rows.first.locator("a.source-link")
        assert link.inner_text() == "main.tf:3"
        link.click()
        page.wait_for_selector("#details #source-line")
        assert page.inner_text("#details #source-line").strip() == '3  resource "aws_s3_bucket" "logs" {'
        page.screenshot(path=str(tmp_path / "policy.png"), full_page=True)
        assert errors == []
        page.close()


def test_history_view_diffs_two_versions(browser: Any, tmp_path: Path) -> None:
    from test_ui_history import SECRET as HISTORY_SECRET
    from test_ui_history import write_history_workdir

    (tmp_path / "work").mkdir()
    work = write_history_workdir(tmp_path / "work")
    with serving(work) as url:
        page, errors = _open(browser, url)
        page.click("#tab-history")
        page.wait_for_selector("#versions-table tbody tr[data-version]")
        assert page.locator("#versions-table tbody tr[data-version]").count() == 2
        assert page.inner_text('#versions-table tr[data-version="1"] code.cmd') == "sheath rollback -to-version=1"
        assert page.locator("#states-table tbody tr[data-version]").count() >= 2
        assert page.inner_text("#history-backend") == "local backend"
        assert page.locator("#states-table thead th").count() == page.locator("#states-table tbody tr[data-version] >> nth=0 >> td").count() == 8
        page.check('#versions-table tr[data-version="1"] input.compare')
        page.check('#versions-table tr[data-version="2"] input.compare')
        page.click("#diff-versions")
        page.wait_for_selector("#history-diff pre.config-diff")
        config = page.inner_text("#history-diff pre.config-diff")
        assert '-  input = "one"' in config and '+  input = "two"' in config
        changed = page.eval_on_selector_all("#history-diff details.change", "els => els.map(e => e.dataset.address)")
        assert sorted(changed) == ["terraform_data.a", "terraform_data.b"]
        assert '"one" -> "two"' in page.inner_text('#history-diff details[data-address="terraform_data.a"] pre.diff')
        applied = page.inner_text('#history-diff details.plan-applied[data-version="2"]')
        assert "version 2 \u2014 apply +1 ~1 -0" in applied and "+ terraform_data.b (create)" in applied, applied
        # two state versions: the first against the last (the secret's object appears, masked)
        page.check("#states-table tbody tr[data-version] >> nth=0 >> input.compare")
        page.check("#states-table tbody tr[data-version] >> nth=-1 >> input.compare")
        assert page.locator("#versions-table input.compare:checked").count() == 0
        page.click("#diff-versions")
        page.wait_for_selector('#history-diff h2:has-text("State version")')
        assert HISTORY_SECRET not in page.content()
        page.screenshot(path=str(tmp_path / "history.png"), full_page=True)
        assert errors == []
        page.close()


def test_drift_view_on_request(browser: Any, tmp_path: Path) -> None:
    from test_ui_drift import SECRET as DRIFT_SECRET
    from test_ui_drift import write_drift_workdir

    work = write_drift_workdir(tmp_path)
    with serving(work) as url:
        page, errors = _open(browser, url)
        assert page.locator("#nodes .node[data-drift]").count() == 0
        page.click("#tab-drift")
        assert page.locator("#drift-table tbody tr").count() == 0
        page.click("#run-drift")
        page.wait_for_selector("#drift-table tbody tr[data-address]", timeout=60000)
        rows = page.eval_on_selector_all("#drift-table tbody tr", "els => els.map(e => e.dataset.address)")
        assert rows == ["local_file.f", "local_sensitive_file.s"]
        assert "2 of 3 managed resource instances changed outside of sheath" in page.inner_text("#drift-summary")
        assert "sheath apply -refresh-only" in page.inner_text("#drift-commands")
        assert "local_file.f: Refreshing state..." in (page.text_content("#drift-progress pre") or "")
        drifted = page.eval_on_selector_all("#nodes .node[data-drift]", "els => els.map(e => e.dataset.address)")
        assert sorted(drifted) == ["local_file.f", "local_sensitive_file.s"]
        assert DRIFT_SECRET not in page.content()
        page.screenshot(path=str(tmp_path / "drift.png"), full_page=True)
        # the source view shows the configuration file as it is on disk (its literals included)
        page.click('#drift-table tr[data-address="local_file.f"] a.source-link')
        page.wait_for_selector("#details #source-line")
        assert page.inner_text("#details #source-line").strip() == '7  resource "local_file" "f" {'
        assert errors == []
        page.close()
