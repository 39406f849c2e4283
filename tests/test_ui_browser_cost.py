"""sheath ui's cost and unmanaged views in headless Chromium (the browser fixture of
test_ui_browser): the cost of the state and of the saved plan as sheath cost estimates
them, and an unmanaged scan against moto on request. Screenshots go to the test's tmp dir."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_ui_browser import browser  # noqa: F401 - the fixture
from ui_fixture import serving


def _open(browser: Any, url: str) -> tuple[Any, list[str]]:  # noqa: F811
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url + "/")
    page.wait_for_selector("body[data-ready=true]", timeout=20000)
    return page, errors


def test_cost_view(browser: Any, tmp_path: Path) -> None:  # noqa: F811
    from test_ui_cost import SECRET, SECRET_CLASS, write_cost_workdir

    work = write_cost_workdir(tmp_path / "work")
    with serving(work) as url:
        page, errors = _open(browser, url)
        page.click("#tab-cost")
        page.wait_for_selector("#cost-table tbody tr[data-address]")
        page.wait_for_selector("body[data-costing=false]", state="attached")
        assert "snapshot 2025-01.1 of 2025-01-15" in page.inner_text("#cost-snapshot")
        assert page.inner_text("#cost-state-total") == "Current state: $64.52 per month."
        assert page.inner_text("#cost-plan-total") == "saved plan tfplan: $64.52 \u2192 $39.67 per month (-$24.85)."
        volume = page.locator('#cost-table tr[data-address="aws_ebs_volume.data"]')
        assert [volume.locator(f"td.{c}").inner_text() for c in ("before", "after", "diff")] == ["$8.00", "$16.00", "+$8.00"]
        nat = page.locator('#cost-table tr[data-address="module.net.aws_nat_gateway.nat"]')
        assert nat.locator("td.diff").inner_text() == "-$32.85"
        queue = page.locator('#cost-table tr[data-address="aws_sqs_queue.q"]')
        assert queue.locator("td.after").inner_text() == "depends on usage"
        assert "not counted" in queue.locator("li.usage-based").first.inner_text()
        assert page.inner_text('#cost-unpriced li[data-address="aws_elasticache_cluster.c"]').startswith("aws_elasticache_cluster.c: ")
        assert page.locator('#cost-charts .bar-row[data-module="module.net"]').count() == 0  # destroyed by the plan
        assert page.locator('#cost-charts .bar-row[data-type="aws_ebs_volume"] .bar-value').inner_text() == "$16.00"
        content = page.content()
        assert SECRET not in content and SECRET_CLASS not in content
        page.screenshot(path=str(tmp_path / "cost-plan.png"), full_page=True)

        # the current state alone
        page.select_option("#cost-plan", "none")
        page.wait_for_selector("#cost-table thead th:text-is('Region')")
        assert page.locator("#cost-plan-total").count() == 0
        web = page.locator('#cost-table tr[data-address="aws_instance.web"]')
        assert web.locator("td.after").inner_text() == "$8.23"  # t3.micro $7.59 + 8 GB gp3 $0.64
        assert page.locator('#cost-charts .bar-row[data-module="module.net"] .bar-value').inner_text() == "$32.85"
        assert "not counted" in page.inner_text("#cost-usage")
        page.screenshot(path=str(tmp_path / "cost-state.png"), full_page=True)
        assert errors == []
        page.close()
    assert (tmp_path / "cost-plan.png").stat().st_size > 0


def test_unmanaged_view_on_request(browser: Any, moto_server: str, tmp_path: Path) -> None:  # noqa: F811
    from test_ui_unmanaged import SECRET as UNMANAGED_SECRET
    from test_ui_unmanaged import write_unmanaged_workdir

    prefix = "uibr" + tmp_path.name[-6:].replace("_", "").lower()
    work = write_unmanaged_workdir(tmp_path / "work", moto_server, prefix)
    with serving(work) as url:
        page, errors = _open(browser, url)
        page.click("#tab-unmanaged")
        assert page.locator("#unmanaged-table tbody tr").count() == 0  # nothing listed on load
        page.click("#run-unmanaged")
        page.wait_for_selector(f'#unmanaged-table tr[data-id="{prefix}-stray"]', timeout=60000)
        page.wait_for_selector("body[data-scanning=false]", state="attached", timeout=60000)
        assert page.locator(f'#unmanaged-table tr[data-id="{prefix}-kept"]').count() == 0
        assert page.locator('#missing-table tr[data-address="aws_s3_bucket.gone"]').count() == 1
        assert "coverage" in page.inner_text("#unmanaged-summary")
        assert "Listing the AWS account's resources..." in (page.text_content("#unmanaged-progress pre") or "")
        assert UNMANAGED_SECRET not in page.content()
        page.screenshot(path=str(tmp_path / "unmanaged.png"), full_page=True)
        # the last result is shown again when the view is opened again
        page.click("#tab-graph")
        page.click("#tab-unmanaged")
        page.wait_for_selector(f'#unmanaged-table tr[data-id="{prefix}-stray"]')
        assert errors == []
        page.close()
