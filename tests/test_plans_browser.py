"""The policy brief in a real headless Chromium, offline: every map draws, legends agree.

Waits are on conditions (the page's ``data-tg-drawn`` flag, Playwright's auto-retrying
``expect``), never on time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tambon_gis import plans
from tambon_gis.datasets import example_path
from tambon_gis.monitoring import open_store

pytestmark = [pytest.mark.browser, pytest.mark.realdata]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} not found: install Debian chromium (make setup-system)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def test_policy_brief_opens_offline_and_each_map_counts_its_tambons(
    tmp_path: Path, browser: Any
) -> None:
    from playwright.sync_api import expect

    mon = example_path("monitoring/areas.csv").parent
    with open_store(tmp_path / "s.sqlite", name="ตัวอย่าง", fiscal_years=2566) as store:
        store.set_areas(mon / "areas.csv")
        store.set_indicators(mon / "indicators.csv")
        store.set_targets(mon / "targets.csv")
        store.import_file(mon / "kpi_q1_2566.csv")
        plans.import_plans(store, example_path("plans/tambon_plans_2566.csv"))
        rollup = plans.issue_rollup(store, level="all")
        page_path = plans.policy_brief(store, tmp_path / "policy_brief.html")
    order = rollup.sort_values(["n_tambons", "budget"], ascending=False)
    context = browser.new_context(viewport={"width": 1200, "height": 900}, offline=True)
    network: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(("file:", "data:", "about:")):
            r.continue_()
        else:
            network.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(page_path.as_uri())
    expect(page.locator("h1")).to_contain_text("ประเด็นนโยบาย")
    iframes = page.locator("iframe")
    expect(iframes).to_have_count(len(order))
    for k, row in enumerate(order.itertuples(index=False)):
        iframes.nth(k).scroll_into_view_if_needed()  # the maps load lazily
        frame = iframes.nth(k).content_frame
        expect(frame.locator("html")).to_have_attribute("data-tg-drawn", re.compile(r"^[1-9]"),
                                                      timeout=60_000)
        # the legend counts the tambons raising the issue: the roll-up's number
        first = frame.locator(".tg-legend .tg-row").first
        expect(first).to_contain_text("แผนระบุประเด็นนี้")
        expect(first.locator(".tg-count")).to_have_text(str(int(row.n_tambons)))
        expect(frame.locator(".leaflet-interactive").first).to_be_attached()
        expect(frame.locator(".leaflet-control-attribution")).to_contain_text(
            "Humanitarian Data Exchange"
        )
    page.screenshot(path=str(tmp_path / "brief.png"), full_page=False)
    assert not network, network
    assert not errors, errors
    context.close()
