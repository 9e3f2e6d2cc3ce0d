"""The documentation site reads offline: opened from disk it navigates, searches, links the API."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--allow-file-access-from-files"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


@pytest.mark.slow
def test_api_pages_have_cross_references_not_sphinx_roles(site: Path) -> None:
    pages = sorted((site / "api").glob("*.html"))
    assert pages
    raw = {p.name: len(re.findall(r":(?:func|class|mod|meth|attr|exc|data):`", p.read_text()))
           for p in pages}
    assert sum(raw.values()) == 0, raw
    links = (site / "api" / "datasets.html").read_text()
    assert 'href="#tambon_gis.datasets.embedded_path"' in links
    other = (site / "api" / "join.html").read_text()
    assert 'href="boundaries.html#tambon_gis.boundaries.load_boundaries"' in other  # across pages


@pytest.mark.slow
@pytest.mark.browser
def test_site_from_disk_navigates_and_searches(site: Path) -> None:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} not found: install Debian chromium (make setup-system)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(offline=True, viewport={"width": 1400, "height": 900})
            page = context.new_page()
            page.goto((site / "index.html").as_uri())
            page.locator("nav a", has_text="Boundaries").first.click()
            page.wait_for_url(re.compile(r"boundaries\.html$"))
            assert page.locator("h1").first.inner_text().startswith("Boundaries")
            page.locator("input.md-search__input").click()
            page.locator("input.md-search__input").fill("embedded")
            result = page.locator(".md-search-result__item").first
            result.wait_for(state="visible", timeout=15_000)
            assert page.locator(".md-search-result__item").count() > 0
        finally:
            browser.close()
