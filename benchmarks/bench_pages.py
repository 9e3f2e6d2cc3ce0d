"""Budgets of the pages of the choose and monitor jobs: size and draw time (issue 11).

Builds everything ``tambon-gis demo`` builds (from the illustrative example programme and the
simplified national layer), then opens each map page offline in headless Chromium at
1400x1000 and measures the time from navigation start to the first drawn frame
(``data-tg-drawn``), best of 3; the sensitivity map of the same request is built too. Budgets:
each map page <= 3 MB and drawn <= 1.5 s; the monitoring report and the policy brief <= 10 MB.

Run::

    TAMBON_GIS_TEST_DATA=../shared/data/boundaries .venv/bin/python benchmarks/bench_pages.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

HDX = "hdx-cod-ab-tha"
PAGES = ("national_overview.html", "pilot_tambons.html", "selection.html", "sensitivity.html")
#: Reports of several maps: budget REPORT_BUDGET each.
REPORTS = ("monitoring_report.html", "policy_brief.html")
MAP_BUDGET, DRAW_BUDGET, REPORT_BUDGET = 3_000_000, 1.5, 10_000_000


def _draw_seconds(browser: object, path: Path, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, offline=True)
        page = context.new_page()
        page.goto(path.as_uri())
        page.wait_for_function("document.documentElement.getAttribute('data-tg-drawn')",
                               timeout=120_000)
        best = min(best, page.evaluate("() => TambonGIS.drawnAt") / 1000)
        context.close()
    return best


def main() -> None:
    """Build the demo outputs in a temporary folder and print the table of budgets."""
    from playwright.sync_api import sync_playwright

    from tambon_gis.cli import main as cli

    root = os.environ.get("TAMBON_GIS_TEST_DATA")
    if not root:
        sys.exit("set TAMBON_GIS_TEST_DATA to the folder holding hdx-cod-ab-tha/")
    zip_path = Path(root) / HDX / "tha_adm3_tambon_simplified.zip"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        if cli(["demo", "--out", str(out), "--boundaries", str(zip_path)]) != 0:
            sys.exit("the demo failed")
        # the sensitivity map of the same request (not part of the demo)
        examples = Path(__file__).resolve().parent.parent / "examples"
        sens = Path(tmp) / "sens"
        if cli(["select", str(examples / "candidates.csv"), "--criteria",
                str(examples / "criteria_joint_plans.yaml"), "--plans",
                str(examples / "plans" / "candidate_plans.csv"), "--n", "23", "--quota",
                "changwat:*=:2", "--sensitivity", "50", "--boundaries", str(zip_path),
                "--out", str(sens)]) != 0:  # fmt: skip
            sys.exit("the sensitivity run failed")
        (sens / "sensitivity.html").replace(out / "sensitivity.html")
        rows = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--no-sandbox", "--disable-gpu"])
            for name in PAGES:
                path = out / name
                seconds = _draw_seconds(browser, path)
                size = path.stat().st_size
                ok = size <= MAP_BUDGET and seconds <= DRAW_BUDGET
                rows.append((name, size, f"{seconds:.2f}", "yes" if ok else "NO"))
            browser.close()
        for name in REPORTS:
            size = (out / name).stat().st_size
            rows.append((name, size, "-", "yes" if size <= REPORT_BUDGET else "NO"))
    print("| page | bytes | drawn (s, best of 3) | within budget |")
    print("| --- | ---: | ---: | --- |")
    for name, size, seconds, ok in rows:
        print(f"| {name} | {size:,} | {seconds} | {ok} |")


if __name__ == "__main__":
    main()
