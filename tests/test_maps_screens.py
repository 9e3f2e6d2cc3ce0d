"""Pages looked at as a person looks at them: 1400x1000 screenshots checked by their pixels.

Each page type of the choose and monitor jobs (the pilot map, the selection map, the status
map and the time slider of the monitoring store, the plan-status and policy-issue maps) is
built from the example programme and the real national boundaries, opened offline in
headless Chromium, and its first view is checked:

- at least 10 % of the central half of the view is drawn (the geography around the areas);
- each lead-agency colour of the pilot map covers at least 200 pixels at national zoom;
- the areas' bounds fill between half and nine tenths of the view.

With ``TAMBON_GIS_GALLERY=docs/img/gallery`` the screenshots are kept for the docs gallery
(docs/gallery.md).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tambon_gis import maps, plans

pytestmark = [pytest.mark.browser, pytest.mark.realdata, pytest.mark.xdist_group("browser")]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEW = {"width": 1400, "height": 1000}
BACKGROUND = np.array([0xF4, 0xF6, 0xF8])  # .leaflet-container background (maps.css)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} not found: install Debian chromium (make setup-system)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def pages(tambons: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The page types, built from the example programme like the demo builds them."""
    from tambon_gis.cli import _demo
    from tambon_gis.join import attach_columns, join_attributes
    from tambon_gis.monitoring import open_store, status_map, timeslider_map

    out = tmp_path_factory.mktemp("screens")
    joined = join_attributes(_demo.PILOT_TABLE, tambons)
    pilots = attach_columns(tambons, joined)
    codes = sorted(set(joined["tambon_code"].dropna().astype(str)))
    m = maps.categorical(pilots, "หน่วยงานนำ", highlight=codes, nodata_label="ไม่ใช่ตำบลนำร่อง",
                         colors=_demo._lead_colours(pilots, "หน่วยงานนำ"), title="pilots")
    built = {"pilot_map": maps.save(m, out / "pilot_map.html")}
    built["selection"] = _demo._select(tambons, out, lang="th")[0]
    built["sensitivity"] = _sensitivity_page(tambons, out)
    with open_store(out / "kpi.sqlite", fiscal_years=(2566, 2566)) as st:
        st.set_areas(_demo.MONITORING / "areas.csv")
        st.set_indicators(_demo.MONITORING / "indicators.csv")
        st.set_targets(_demo.MONITORING / "targets.csv")
        for name in _demo.KPI_FILES:
            st.import_file(_demo.MONITORING / name)
        built["status_map"] = maps.save(
            status_map(st, "ไตรมาส 4/2566", "hh_savings", gdf=tambons), out / "status_map.html")
        built["timeslider"] = maps.save(timeslider_map(st, "debt", 2566, gdf=tambons),
                                        out / "timeslider.html")
        built["status_map_en"] = maps.save(
            status_map(st, "Q3 FY2566", "plan_share", gdf=tambons, lang="en"),
            out / "status_en.html")
        plans.import_plans(st, _demo.PLANS_FILE)
        built["plan_map"] = maps.save(plans.plan_map(st, gdf=tambons), out / "plan_map.html")
        built["issue_map"] = maps.save(plans.issue_map(st, "food_security", gdf=tambons),
                                       out / "issue_map.html")
    return built


def _sensitivity_page(tambons: Any, out: Path) -> Path:
    """The sensitivity map of 23 areas chosen from the example candidates (table criteria)."""
    from tambon_gis.cli import _demo
    from tambon_gis.criteria import load_criteria
    from tambon_gis.selection import select_areas
    from tambon_gis.tables import read_table

    cand = read_table(_demo.CANDIDATES).astype({"tambon_code": str})
    attrs = [c for c in cand.columns if c not in ("ตำบล", "อำเภอ", "จังหวัด")]
    table = tambons.merge(cand[attrs], on="tambon_code", how="inner")
    sel = select_areas(table, n=23, score=load_criteria(_demo.EXAMPLES / "criteria_joint.yaml"),
                       quotas={"changwat": {"*": (None, 2)}})  # fmt: skip
    sens = sel.sensitivity(draws=12, spread=0.2, seed=1)
    return maps.save(sens.to_map(), out / "sensitivity.html")


def _shoot(browser: Any, path: Path) -> tuple[np.ndarray, dict[str, Any]]:
    from PIL import Image

    context = browser.new_context(viewport=VIEW, offline=True)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())
        page.wait_for_function("document.documentElement.getAttribute('data-tg-drawn')",
                               timeout=120_000)
        # wait until the first view is settled: the symbols are placed after the fit
        page.wait_for_function("document.documentElement.getAttribute('data-tg-symbols')",
                               timeout=60_000)
        info = page.evaluate(
            """() => {
                const e = TambonGIS.layers[0], m = e.map, b = e.spec.fit_bounds;
                const p1 = m.latLngToContainerPoint(b[0]), p2 = m.latLngToContainerPoint(b[1]);
                return {w: Math.abs(p2.x - p1.x), h: Math.abs(p2.y - p1.y),
                        errors: TambonGIS.errors, credit: !!m._tgCredit,
                        attribution: m.attributionControl ?
                            m.attributionControl.getContainer().textContent : ""};
            }"""
        )
        info["page_errors"] = errors
        png = page.screenshot()
    finally:
        context.close()
    gallery = os.environ.get("TAMBON_GIS_GALLERY")
    if gallery:
        Path(gallery).mkdir(parents=True, exist_ok=True)
        (Path(gallery) / f"{path.stem}.png").write_bytes(png)
    import io

    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    return image, info


def _near(image: np.ndarray, colour: str, tol: int = 14) -> int:
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(image - rgb).sum(axis=2) <= tol).sum())


@pytest.mark.parametrize("kind", ["pilot_map", "selection", "sensitivity", "status_map",
                                  "timeslider",
                                  "status_map_en", "plan_map", "issue_map"])
def test_first_view_shows_geography_fits_the_areas_and_credits(
    browser: Any, pages: dict[str, Path], kind: str
) -> None:
    path = pages[kind]
    assert path.stat().st_size <= 3_000_000, f"{kind}: {path.stat().st_size:,} bytes"
    image, info = _shoot(browser, path)
    assert info["errors"] == [] and info["page_errors"] == []
    h, w, _ = image.shape
    centre = image[h // 4 : 3 * h // 4, w // 4 : 3 * w // 4]
    drawn = (np.abs(centre - BACKGROUND).sum(axis=2) > 12).mean()
    assert drawn >= 0.10, f"{kind}: only {drawn:.1%} of the central half is drawn"
    fill = max(info["w"] / w, info["h"] / h)
    assert 0.5 <= fill <= 0.9, f"{kind}: the areas fill {fill:.0%} of the view"
    assert info["credit"] and "2022" in info["attribution"]


def test_lead_agency_colours_can_be_told_apart_at_national_zoom(
    browser: Any, pages: dict[str, Path]
) -> None:
    from tambon_gis.cli._demo import LEAD_COLOURS

    image, _ = _shoot(browser, pages["pilot_map"])
    counts = {lead: _near(image, colour) for lead, colour in LEAD_COLOURS.items()}
    assert all(n >= 200 for n in counts.values()), counts


def test_english_page_has_no_thai_chrome(pages: dict[str, Path]) -> None:
    import re

    page = pages["status_map_en"].read_text(encoding="utf-8")
    specs = re.findall(r"TambonGIS\.addLayer\([^,]+, (\{.*?\})\);", page)
    import json

    spec = json.loads(specs[0])
    thai = re.compile("[\u0e00-\u0e7f]")
    for key in ("legend", "nodata_label", "credit", "title", "name"):
        assert not thai.search(str(spec[key])), (key, spec[key])
    assert not thai.search(json.dumps(spec["text"], ensure_ascii=False))
