"""Saved map pages opened in headless Chromium with the network disabled.

Checks what the issue asks: no console errors, one drawn shape per feature, a tooltip with the
Thai name, a working search box, and an XSS payload in the data that runs nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely

from tambon_gis import maps

pytestmark = [pytest.mark.browser, pytest.mark.realdata]

# Every check of the page after an action waits on a condition (Playwright's auto-retrying
# ``expect`` or ``wait_for_function``), never on time and never on a count taken at once.
EXPECT_TIMEOUT = 20_000


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as _expect

    _expect.set_options(timeout=EXPECT_TIMEOUT)
    return _expect(locator)

XSS = "<img src=x onerror=alert(1)>"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} not found: install Debian chromium (make setup-system)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Opened:
    """A page opened offline, with everything it logged."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.context = browser.new_context(viewport={"width": 1000, "height": 800}, offline=True)
        self.network: list[str] = []

        def route(r: Any) -> None:
            url = r.request.url
            if url.startswith(("file:", "data:")):
                r.continue_()
            else:
                self.network.append(url)
                r.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.console: list[tuple[str, str]] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.console.append(("pageerror", str(e))))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.as_uri())
        self.page.wait_for_function(
            "document.documentElement.getAttribute('data-tg-drawn')", timeout=120_000
        )

    def errors(self) -> list[tuple[str, str]]:
        return [m for m in self.console if m[0] in ("error", "pageerror")]

    def hover_feature(self, lat: float, lon: float) -> None:
        xy = self.page.evaluate(
            """([lat, lon]) => {
                const e = TambonGIS.layers[0];
                e.map.setView([lat, lon], Math.max(e.map.getZoom(), 10), {animate: false});
                const p = e.map.latLngToContainerPoint([lat, lon]);
                const r = e.map.getContainer().getBoundingClientRect();
                return [p.x + r.left, p.y + r.top];
            }""",
            [lat, lon],
        )
        self.page.mouse.move(xy[0] - 3, xy[1] - 3)
        self.page.mouse.move(xy[0], xy[1])

    def close(self) -> None:
        self.context.close()


def _point(gdf: Any, code: str) -> tuple[float, float]:
    geom = gdf.loc[gdf["tambon_code"] == code, "geometry"].iloc[0]
    p = shapely.point_on_surface(geom)
    return p.y, p.x


@pytest.fixture(scope="module")
def surin(tambons: Any) -> Any:
    s = tambons[tambons["changwat_code"] == "32"].copy()
    s["households"] = np.arange(len(s), dtype=float) * 10
    s.loc[s.index[3], "households"] = np.nan
    s["note"] = XSS
    s.loc[s["tambon_code"] == "320102", "tambon_th"] = XSS  # ตั้งใจ gets the payload
    return s


@pytest.fixture(scope="module")
def surin_page(surin: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    m = maps.choropleth(surin, "households", tooltip=["note"], popup=["note", "households"],
                        highlight=["320101"], title=XSS)
    maps.add_panel(m, surin[["tambon_th", "households"]].head(3), title=XSS)
    return maps.save(m, tmp_path_factory.mktemp("pages") / "surin.html")


@pytest.mark.slow
def test_national_page_draws_every_tambon_offline(tambons: Any, tmp_path: Path,
                                                  browser: Any) -> None:
    gdf = tambons.copy()
    gdf["area_km2"] = gdf.geometry.to_crs("EPSG:32647").area / 1e6
    page_path = maps.save(maps.choropleth(gdf, "area_km2", tooltip=["tambon_code"]),
                          tmp_path / "national.html")
    opened = Opened(browser, page_path)
    try:
        n_paths = opened.page.evaluate("document.querySelectorAll('path.tg-fill').length")
        assert n_paths == len(gdf) == 7425
        assert opened.page.evaluate("TambonGIS.errors") == []
        assert opened.errors() == []
        assert opened.network == []
        # outlines of amphoe and changwat are drawn from the same topology
        assert opened.page.evaluate("document.querySelectorAll('path.tg-outline').length") == 2
        lat, lon = _point(gdf, "320101")
        opened.hover_feature(lat, lon)
        tip = opened.page.locator(".leaflet-tooltip.tg-tooltip")
        expect(tip).to_contain_text("ในเมือง")  # the tooltip of this tambon, not one passed over
        expect(tip).to_contain_text("เมืองสุรินทร์")
    finally:
        opened.close()


def test_province_page_tooltip_search_and_no_errors(surin: Any, surin_page: Path,
                                                    browser: Any) -> None:
    opened = Opened(browser, surin_page)
    try:
        page = opened.page
        assert page.evaluate("document.querySelectorAll('path.tg-fill').length") == 159
        assert opened.errors() == [] and opened.network == []
        # tooltip: Thai names of the tambon, its amphoe and changwat
        lat, lon = _point(surin, "320103")
        opened.hover_feature(lat, lon)
        tip = page.locator(".leaflet-tooltip.tg-tooltip")
        expect(tip).to_contain_text(surin.loc[surin["tambon_code"] == "320103", "tambon_th"].item())
        expect(tip).to_contain_text("สุรินทร์")
        # search by Thai name, then by English name
        page.fill(".tg-search-input", "นอกเมือง")
        items = page.locator(".tg-search-item")
        expect(items.first).to_have_text(re.compile("^นอกเมือง"))
        items.first.click()
        popup = page.locator(".tg-search-popup")
        expect(popup).to_contain_text("นอกเมือง")
        expect(items).to_have_count(0)  # the click empties the list (in a timeout): wait for it
        page.fill(".tg-search-input", "nok mueang")
        expect(items.first).to_contain_text("นอกเมือง")
        page.fill(".tg-search-input", "ไม่มีตำบลนี้")
        expect(page.locator(".tg-search-none")).to_have_count(1)
        expect(items).to_have_count(0)
        # controls: layers, scale bar, fullscreen, legend with no-data entry
        assert page.locator(".leaflet-control-layers").count() == 1
        assert page.locator(".leaflet-control-scale").count() == 1
        assert page.locator(".tg-fullscreen").count() == 1
        assert "ไม่มีข้อมูล" in page.locator(".tg-legend").inner_text()
        # the Thai font is embedded, not fetched
        assert page.evaluate("document.fonts.check('16px Sarabun', 'ตำบล')")
    finally:
        opened.close()


def test_xss_payload_shows_as_text_and_runs_nothing(surin: Any, surin_page: Path,
                                                    browser: Any) -> None:
    opened = Opened(browser, surin_page)
    try:
        page = opened.page
        # the title and the panel show the payload as text
        assert page.locator(".tg-title").inner_text() == XSS
        assert XSS in page.locator(".tg-panel").inner_text()
        # tooltip of the tambon whose name is the payload
        lat, lon = _point(surin, "320102")
        opened.hover_feature(lat, lon)
        tip = page.locator(".leaflet-tooltip.tg-tooltip")
        expect(tip).to_contain_text(XSS)
        # popup on click, and the search box listing it
        page.mouse.click(*page.evaluate(
            """([lat, lon]) => { const e = TambonGIS.layers[0];
                const p = e.map.latLngToContainerPoint([lat, lon]);
                const r = e.map.getContainer().getBoundingClientRect();
                return [p.x + r.left, p.y + r.top]; }""", [lat, lon]))
        expect(page.locator(".tg-popup")).to_contain_text(XSS)
        page.fill(".tg-search-input", "Tang Chai")
        expect(page.locator(".tg-search-item").first).to_contain_text(XSS)
        # every place the payload is shown is rendered now: no <img> was made from it
        assert page.locator("img[src='x']").count() == 0
        assert opened.dialogs == []
        assert opened.errors() == []
    finally:
        opened.close()


def test_timeslider_and_categorical_pages(surin: Any, tmp_path: Path, browser: Any) -> None:
    gdf = surin.copy()
    gdf["q1"] = np.arange(len(gdf), dtype=float)
    gdf["q2"] = gdf["q1"][::-1].to_numpy()
    quarters = ["ไตรมาส 1/2568", "ไตรมาส 2/2568"]
    slider = maps.save(maps.timeslider(gdf, ["q1", "q2"], step_labels=quarters),
                       tmp_path / "slider.html")
    opened = Opened(browser, slider)
    try:
        page = opened.page
        first = page.evaluate("TambonGIS.layers[0].byIndex[0].options.fillColor")
        assert page.locator(".tg-slider-label").inner_text() == "ไตรมาส 1/2568"
        page.locator(".tg-slider-input").fill("1")
        expect(page.locator(".tg-slider-label")).to_have_text("ไตรมาส 2/2568")
        page.wait_for_function("(c) => TambonGIS.layers[0].byIndex[0].options.fillColor !== c",
                               arg=first, timeout=EXPECT_TIMEOUT)
        # the legend counts the tambons of the quarter shown, not of every quarter together
        total = ("() => Array.from(document.querySelectorAll('.tg-legend .tg-count'))"
                 ".reduce((s, e) => s + parseInt(e.textContent.replace(/,/g, ''), 10), 0)")
        assert page.evaluate(total) == len(gdf)
        page.locator(".tg-slider-input").fill("0")
        expect(page.locator(".tg-slider-label")).to_have_text("ไตรมาส 1/2568")
        assert page.evaluate(total) == len(gdf)
        assert opened.errors() == []
    finally:
        opened.close()
    gdf["lead"] = ["พอช.", "ร่วม", None] * (len(gdf) // 3) + ["พอช."] * (len(gdf) % 3)
    # names that repeat a lot are dictionary-encoded in the page: search must still work
    gdf["tambon_th"] = ["บ้านเก่า", "บ้านใหม่"] * (len(gdf) // 2) + ["บ้านเก่า"] * (len(gdf) % 2)
    cat = maps.save(maps.categorical(gdf, "lead", basemap=None), tmp_path / "cat.html")
    opened = Opened(browser, cat)
    try:
        assert opened.page.evaluate("document.querySelectorAll('path.tg-fill').length") == 159
        legend = opened.page.locator(".tg-legend").inner_text()
        assert "พอช." in legend and "ร่วม" in legend and "ไม่มีข้อมูล" in legend
        opened.page.fill(".tg-search-input", "บ้านใหม่")
        expect(opened.page.locator(".tg-search-item")).to_have_count(10)  # the list stops at 10
        assert opened.errors() == []
    finally:
        opened.close()
