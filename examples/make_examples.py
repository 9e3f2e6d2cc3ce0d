"""Write the ILLUSTRATIVE example programme of examples/ (fixed seed, so it is reproducible).

Run from the repository root, with national tambon boundaries available to
``tambon_gis.load_boundaries()``::

    python examples/make_examples.py

It writes, beside this script:

- ``candidates.csv``: every tambon of the boundaries as a candidate for joint operation areas,
  with every column the shipped criteria (``criteria_joint.yaml``) use: สภาองค์กรชุมชนตำบล,
  แผนเกษตรตำบล, ครัวเรือนเกษตรกร, สมาชิกสภาเกษตรกร, ประเด็นนโยบาย (and หน่วยงานนำ, งบประมาณ);
- ``monitoring/``: the programme of the 23 pilot tambons of ``pilot_tambons.csv``: areas,
  indicator catalogue, FY2566 targets, and KPI files for the four quarters of FY2566 with gaps
  (areas that did not report) and one correction file.

All values are drawn at random (seed 2566): they show how the library works and mean nothing.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

import tambon_gis as tg

HERE = Path(__file__).resolve().parent
SEED = 2566
ISSUES = ["ที่ดินและป่าไม้", "ความมั่นคงทางอาหาร", "การผลิตฐานราก", "CPTPP"]
LEADS = ["พอช.", "สภาเกษตรกรฯ", "ร่วม"]
NOTE = "ข้อมูลตัวอย่าง (ILLUSTRATIVE) สุ่มด้วย seed 2566 ไม่ใช่ข้อมูลจริง"

log = logging.getLogger("make_examples")


def candidates(gdf: pd.DataFrame, pilots: set[str], rng: np.random.Generator) -> pd.DataFrame:
    """One row per tambon with the criteria columns (pilots drawn to be eligible)."""
    n = len(gdf)
    is_pilot = gdf["tambon_code"].isin(pilots).to_numpy()
    council = np.where(rng.random(n) < 0.72, "มี", "ไม่มี")
    plan = np.where(rng.random(n) < 0.55, "มี", "ไม่มี")
    council[is_pilot], plan[is_pilot] = "มี", "มี"
    households = pd.array(rng.gamma(2.2, 420, n).round().astype(int), dtype="Int64")
    members = rng.poisson(18, n)
    members[rng.random(n) < 0.08] = 0
    members[is_pilot] = np.maximum(members[is_pilot], 5)
    households[(rng.random(n) < 0.03) & ~is_pilot] = pd.NA  # a few tambons not surveyed
    return pd.DataFrame(
        {
            "tambon_code": gdf["tambon_code"].to_numpy(),
            "ตำบล": gdf["tambon_th"].to_numpy(),
            "อำเภอ": gdf["amphoe_th"].to_numpy(),
            "จังหวัด": gdf["changwat_th"].to_numpy(),
            "หน่วยงานนำ": rng.choice(LEADS, n),
            "สภาองค์กรชุมชนตำบล": council,
            "แผนเกษตรตำบล": plan,
            "ครัวเรือนเกษตรกร": households,
            "สมาชิกสภาเกษตรกร": members,
            "ประเด็นนโยบาย": rng.choice(ISSUES, n, p=[0.3, 0.3, 0.25, 0.15]),
            "งบประมาณ": (rng.integers(5, 40, n) * 10_000),
        }
    )


def monitoring(pilot: pd.DataFrame, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Return the programme of the pilots: set-up files and four quarters of KPI files."""
    codes = pilot["tambon_code"].tolist()
    areas = pd.DataFrame(
        {
            "tambon_code": codes,
            "programme": ["รุ่นที่ 1" if i % 3 else "รุ่นที่ 2" for i in range(len(codes))],
            "lead_agency": pilot["หน่วยงานนำ"].fillna("ร่วม").tolist(),
            "start_date": "2022-10-01",
        }
    )
    indicators = pd.DataFrame(
        [
            ["hh_savings", "ครัวเรือนที่มีเงินออมเพิ่มขึ้น", "Households with growing savings",
             "ครัวเรือน", "joint", "higher", "sum", 0, None],
            ["debt", "หนี้สินเฉลี่ยต่อครัวเรือน", "Average household debt", "บาท",
             "สภาเกษตรกรแห่งชาติ", "lower", "mean", 0, None],
            ["plan_share", "สัดส่วนหมู่บ้านที่มีแผนชุมชน", "Share of villages with a community plan",
             "%", "สภาองค์กรชุมชน", "higher", "share", 0, 100],
        ],
        columns=["indicator_id", "name_th", "name_en", "unit", "owner", "direction",
                 "aggregation", "min_value", "max_value"],
    )
    targets = pd.DataFrame(
        [["hh_savings", 2566, "", 120], ["debt", 2566, "", 60000], ["plan_share", 2566, "", 60]]
        + [["hh_savings", 2566, c, 200] for c in codes[:3]],
        columns=["indicator_id", "fiscal_year", "tambon_code", "target"],
    )
    skill = rng.uniform(0.5, 1.3, len(codes))  # some areas ahead of target, some behind
    files: dict[str, pd.DataFrame] = {
        "areas.csv": areas, "indicators.csv": indicators, "targets.csv": targets,
    }
    gaps = {1: 2, 2: 3, 3: 1, 4: 5}  # areas that did not report, per quarter
    debt0 = rng.uniform(45_000, 90_000, len(codes))
    for q in range(1, 5):
        silent = set(rng.choice(len(codes), gaps[q], replace=False).tolist())
        rows = []
        for i, code in enumerate(codes):
            if i in silent:
                continue
            target = 200 if i < 3 else 120
            rows.append([code, "hh_savings", f"ไตรมาส {q}/2566",
                         round(float(target / 4 * skill[i] * rng.uniform(0.8, 1.2))), "", ""])
            rows.append([code, "debt", f"ไตรมาส {q}/2566",
                         int(round(debt0[i] * (1 - 0.03 * q * skill[i]), -2)), "", ""])
            rows.append([code, "plan_share", f"ไตรมาส {q}/2566",
                         round(min(100.0, 35 + 8 * q * skill[i]), 1), "", ""])
        frame = pd.DataFrame(rows, columns=["tambon_code", "indicator_id", "period", "value",
                                            "source", "note"])
        frame["source"] = "รายงานไตรมาส (ตัวอย่าง)"
        files[f"kpi_q{q}_2566.csv"] = frame
    q2 = files["kpi_q2_2566.csv"]
    fix = q2[q2["indicator_id"] == "hh_savings"].head(2).copy()
    fix["value"] = fix["value"] + 7
    fix["note"] = "แก้ไขตามรายงานฉบับสมบูรณ์ (correction)"
    files["kpi_q2_2566_correction.csv"] = fix
    return files


def main() -> None:
    """Write candidates.csv and monitoring/ beside this script."""
    logging.basicConfig(level=logging.INFO)
    rng = np.random.default_rng(SEED)
    gdf = tg.load_boundaries()
    joined = tg.join_attributes(HERE / "pilot_tambons.csv", gdf)
    pilot = joined[joined["tambon_code"].notna()].copy()
    pilot["tambon_code"] = pilot["tambon_code"].astype(str)
    # tambons of the 2022 layer that were split or moved since (not in the gazetteer) are
    # left out: a table typed today would not name them
    gone = set(gdf.attrs.get("load_report", {}).get("not_in_gazetteer", []))
    gdf = gdf[~gdf["tambon_code"].isin(gone)].reset_index(drop=True)
    cand = candidates(gdf, set(pilot["tambon_code"]), rng)
    cand.to_csv(HERE / "candidates.csv", index=False, encoding="utf-8-sig")
    folder = HERE / "monitoring"
    folder.mkdir(exist_ok=True)
    for name, frame in monitoring(pilot, rng).items():
        frame.to_csv(folder / name, index=False, encoding="utf-8-sig")
    log.info("wrote %d candidates and %s; %s", len(cand), folder, NOTE)


if __name__ == "__main__":
    main()
