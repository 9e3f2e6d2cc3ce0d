"""Tests of tambon_gis.selection: scoring, the optimal selection, explanations, exports."""

from __future__ import annotations

import itertools
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

import tambon_gis as tg
from tambon_gis._errors import InfeasibleError, SchemaError, ValidationError
from tambon_gis.criteria import Agency, Criteria, Criterion, Rule, load_criteria
from tambon_gis.selection import Selection, score_areas, select_areas, sensitivity

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "criteria_joint_plans.yaml"
#: The candidates' plans, whose plan facts (has_adopted_*, raises_*) the example criteria read.
PLANS = EXAMPLE.parent / "plans" / "candidate_plans.csv"

REGIONS = {"10": "ภาคกลาง", "50": "ภาคเหนือ", "51": "ภาคเหนือ", "90": "ภาคใต้"}
PROVINCES = {"10": "กรุงเทพมหานคร", "50": "เชียงใหม่", "51": "ลำพูน", "90": "สงขลา"}


def small_layer(seed: int, m: int = 12) -> gpd.GeoDataFrame:
    """m tambons in 4 provinces (3 regions), 2 amphoes each, points in a 50 km box."""
    rng = np.random.default_rng(seed)
    provinces = list(REGIONS)
    rows = []
    for i in range(m):
        cw = provinces[i % 4]
        am = f"{cw}0{1 + (i // 4) % 2}"
        rows.append(
            {
                "tambon_code": f"{am}{i + 1:02d}",
                "tambon_th": f"ตำบล{i + 1}",
                "amphoe_code": am,
                "amphoe_th": f"อำเภอ{am}",
                "changwat_code": cw,
                "changwat_th": PROVINCES[cw],
                "region": REGIONS[cw],
                "s": round(float(rng.random()), 4),
                "cost": float(rng.integers(1, 10)),
            }
        )
    pts = [Point(100 + x, 14 + y) for x, y in rng.random((m, 2)) * 0.45]
    return gpd.GeoDataFrame(rows, geometry=pts, crs=4326)


def brute_force(gdf, n, *, quotas=None, max_per_amphoe=None, include=(), exclude=(),
                min_distance_km=None, budget=None, max_changwats=None, eligible=None):  # fmt: skip
    """The best feasible total score and set by enumerating every n-subset (numpy only)."""
    codes = gdf["tambon_code"].to_numpy(dtype=str)
    ok = np.ones(len(gdf), dtype=bool) if eligible is None else gdf[eligible].to_numpy(bool)
    cand = [i for i in range(len(gdf)) if ok[i] and codes[i] not in exclude]
    pts = gdf.geometry.to_crs(32647).centroid.to_numpy()
    dist = np.array([[a.distance(b) for b in pts] for a in pts])
    score = gdf["s"].to_numpy(dtype=float)
    cost = gdf["cost"].to_numpy(dtype=float)
    cols = {
        level: gdf[col].to_numpy(dtype=str)
        for level, col in (
            ("region", "region"),
            ("changwat", "changwat_th"),
            ("amphoe", "amphoe_code"),
        )
    }
    bounds = []  # (membership mask, lo, hi)
    for level, spec in (quotas or {}).items():
        for name, (lo, hi) in spec.items():
            others = [g for g in np.unique(cols[level]) if g not in spec]  # "*": the unnamed
            for nm in others if name == "*" else [name]:
                bounds.append((cols[level] == nm, lo, hi))
    if max_per_amphoe is not None:
        bounds += [(cols["amphoe"] == a, None, max_per_amphoe) for a in np.unique(cols["amphoe"])]
    must = {i for i, c in enumerate(codes) if c in include}
    changwat = gdf["changwat_code"].to_numpy(dtype=str)
    best = None
    for combo in itertools.combinations(cand, n):
        idx = list(combo)
        if not must <= set(idx):
            continue
        chosen = np.zeros(len(gdf), dtype=bool)
        chosen[idx] = True
        if any(
            (lo is not None and (chosen & mask).sum() < lo)
            or (hi is not None and (chosen & mask).sum() > hi)
            for mask, lo, hi in bounds
        ):
            continue
        if budget is not None and cost[idx].sum() > budget + 1e-9:
            continue
        if max_changwats is not None and len(set(changwat[idx])) > max_changwats:
            continue
        if min_distance_km is not None:
            sub = dist[np.ix_(idx, idx)][np.triu_indices(n, 1)]
            if (sub <= min_distance_km * 1000).any():
                continue
        total = float(score[idx].sum())
        if best is None or total > best[0] + 1e-12:
            best = (total, sorted(codes[idx]))
    return best


CASES = {
    "none": {},
    "region quotas": {"quotas": {"region": {"ภาคใต้": (2, None), "ภาคเหนือ": (None, 1)}}},
    "province default max + region min": {
        "quotas": {"changwat": {"*": (0, 1)}, "region": {"ภาคกลาง": (1, 1)}}
    },
    "named quota over the default": {"quotas": {"changwat": {"*": (0, 1), "สงขลา": (2, 3)}}},
    "amphoe max": {"max_per_amphoe": 1},
    "include and exclude": {"include": ["100101", "510111"], "exclude": ["500102", "900104"]},
    "min distance": {"min_distance_km": 15},
    "budget": {"budget": 12.0},
    "pilot provinces": {"max_changwats": 2},
    "everything": {
        "quotas": {"region": {"ภาคใต้": (1, 2)}},
        "max_per_amphoe": 1,
        "min_distance_km": 8,
        "budget": 20.0,
    },
}


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("case", list(CASES))
def test_optimal_against_brute_force(case, seed):
    gdf = small_layer(seed)
    kw = CASES[case]
    cost = {"cost": "cost"} if "budget" in kw else {}
    expected = brute_force(gdf, 4, **kw)
    assert expected is not None  # every case is feasible; infeasible ones are tested below
    sel = select_areas(gdf, n=4, score="s", **kw, **cost)
    assert sel.proven_optimal and sel.mip_gap <= 1e-9
    assert sel.total_score == pytest.approx(expected[0], abs=1e-9)
    chosen = sel.to_frame()
    assert len(chosen) == 4 and chosen["tambon_code"].is_unique
    assert chosen["s"].sum() == pytest.approx(expected[0], abs=1e-9)


def test_eligible_column_and_missing_scores_are_honoured():
    gdf = small_layer(5)
    gdf["eligible"] = [i % 3 != 0 for i in range(len(gdf))]
    gdf.loc[1, "s"] = np.nan
    before = gdf.copy()
    sel = select_areas(gdf, n=4, score="s")
    pd.testing.assert_frame_equal(gdf, before)  # input not mutated
    expected = brute_force(gdf[gdf["s"].notna()].reset_index(drop=True), 4, eligible="eligible")
    assert sel.total_score == pytest.approx(expected[0])
    ranked = sel.ranked()
    assert len(ranked) == len(gdf)  # no row lost
    assert set(ranked["status"]) == {"chosen", "left out", "ineligible", "no score"}
    no_score = ranked.loc[ranked["tambon_code"] == gdf.loc[1, "tambon_code"]].iloc[0]
    assert no_score["status"] == "no score" and "s is missing" in no_score["why"]
    assert (ranked.loc[ranked["status"] == "ineligible", "why"].str.startswith("ineligible")).all()


# ---------------------------------------------------------------- infeasible requests


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"quotas": {"region": {"ภาคใต้": (3, None), "ภาคเหนือ": (3, None)}}},
         "region quota sum 6 > n=4 (sum of the minimums)"),
        ({"quotas": {"region": {"ภาคใต้": (4, None)}}},
         "only 3 eligible tambon(s) in ภาคใต้ but at least 4 required (region quota)"),
        ({"quotas": {"region": {"*": (0, 1)}}},
         "region quotas allow at most 3 tambons (maximums and eligible counts) but n=4"),
        ({"quotas": {"changwat": {"สงขลา": (2, 1)}}}, "changwat สงขลา: minimum 2 > maximum 1"),
        ({"include": ["100101"], "exclude": ["100101"]},
         "include and exclude both list ['100101']: remove them from one list"),
        ({"include": ["100101", "100205"], "max_per_changwat": 1},
         "include puts 2 tambons in กรุงเทพมหานคร but the changwat maximum is 1"),
        ({"include": ["100101", "500102", "510103", "900104", "100205"]},
         "include lists 5 tambons but n=4"),
        ({"budget": 3.0, "cost": "cost"}, "budget 3.00 < "),
        ({"include": ["100101", "900104"], "max_changwats": 1},
         "include spans 2 provinces but max_changwats=1"),
        ({"include": ["999999"]}, "include lists 1 code(s) not in the layer: ['999999']"),
    ],
)  # fmt: skip
def test_infeasible_requests_are_named_before_solving(kwargs, message):
    gdf = small_layer(0)
    with pytest.raises(InfeasibleError) as err:
        select_areas(gdf, n=4, score="s", **kwargs)
    assert message in str(err.value)


def test_every_plain_conflict_is_listed_at_once():
    gdf = small_layer(0)
    with pytest.raises(InfeasibleError) as err:
        select_areas(gdf, n=13, score="s", quotas={"region": {"ภาคใต้": (20, None)}})
    msg = str(err.value)
    assert "4 conflict(s)" in msg
    assert "only 12 candidate tambons but n=13 requested" in msg
    assert "only 3 eligible tambon(s) in ภาคใต้ but at least 20 required" in msg
    assert "region quota sum 20 > n=13" in msg
    assert "region quotas allow at most 12 tambons" in msg


def test_include_of_an_ineligible_tambon():
    gdf = small_layer(0)
    gdf["eligible"] = gdf["tambon_code"] != "100101"
    with pytest.raises(
        InfeasibleError, match=r"include lists 100101, which cannot be chosen: ineligible"
    ):
        select_areas(gdf, n=2, score="s", include=["100101"])


def test_solver_infeasibility_names_the_constraints():
    gdf = small_layer(0)
    with pytest.raises(InfeasibleError) as err:
        select_areas(gdf, n=4, score="s", min_distance_km=60, quotas={"region": {"ภาคใต้": (1, 3)}})
    msg = str(err.value)
    assert "the solver (HiGHS) reports the selection of n=4 infeasible" in msg
    assert "active constraints: exactly n, region quotas, min_distance_km" in msg
    assert "dropping any one of ['min_distance_km'] makes it feasible" in msg


def test_bad_arguments():
    gdf = small_layer(0)
    with pytest.raises(
        ValidationError, match=r"names 'ภาคใต', which is not in the layer; did you mean 'ภาคใต้'\?"
    ):
        select_areas(gdf, n=2, score="s", quotas={"region": {"ภาคใต": (1, 2)}})
    with pytest.raises(ValidationError, match="unknown quota level 'province'"):
        select_areas(gdf, n=2, score="s", quotas={"province": {"สงขลา": (1, 2)}})
    with pytest.raises(ValidationError, match=r"is not a \(min, max\) pair"):
        select_areas(gdf, n=2, score="s", quotas={"region": {"ภาคใต้": 2}})
    with pytest.raises(SchemaError, match="unknown column 'score'"):
        select_areas(gdf, n=2)
    with pytest.raises(ValidationError, match="holds str values, not numbers"):
        select_areas(gdf, n=2, score="tambon_th")
    with pytest.raises(ValidationError, match="n=0: give the number"):
        select_areas(gdf, n=0, score="s")
    with pytest.raises(ValidationError, match="needs both budget=AMOUNT and cost=COLUMN"):
        select_areas(gdf, n=2, score="s", budget=10)
    dup = pd.concat([gdf, gdf.iloc[[0]]])
    with pytest.raises(ValidationError, match=r"occur more than once \(\['100101'\]\)"):
        select_areas(dup, n=2, score="s")
    with pytest.raises(SchemaError, match="no 'tambon_code' column"):
        select_areas(gdf.drop(columns="tambon_code"), n=2, score="s")


def test_quota_names_accept_codes_thai_and_english():
    gdf = small_layer(0)
    gdf["changwat_en"] = gdf["changwat_code"].map(
        {"10": "Bangkok", "50": "Chiang Mai", "51": "Lamphun", "90": "Songkhla"}
    )
    by = [
        select_areas(gdf, n=4, score="s", quotas={"changwat": {key: (2, None)}}).to_frame()
        for key in ("90", "สงขลา", "songkhla")
    ]
    assert (
        by[0]["tambon_code"].tolist()
        == by[1]["tambon_code"].tolist()
        == by[2]["tambon_code"].tolist()
    )
    assert (by[0]["changwat_code"] == "90").sum() >= 2


# ---------------------------------------------------------------- explanations


def explained_layer() -> gpd.GeoDataFrame:
    gdf = small_layer(0)
    # north best, south worst: a south minimum and a north maximum both bite
    gdf["s"] = [0.5, 0.9, 0.8, 0.1, 0.45, 0.85, 0.75, 0.05, 0.4, 0.7, 0.6, 0.02]
    return gdf


def test_explanations_of_quotas():
    gdf = explained_layer()
    sel = select_areas(
        gdf, n=4, score="s", quotas={"region": {"ภาคใต้": (1, None), "ภาคเหนือ": (None, 2)}}
    )
    f = sel.to_frame().set_index("tambon_code")
    south = f[f["region"] == "ภาคใต้"]
    assert len(south) == 1
    assert south["why"].iloc[0] == "minimum quota: region ภาคใต้ needs at least 1"
    assert not south["in_top_n"].iloc[0]
    ranked = sel.ranked().set_index("tambon_code")
    north_left = ranked[(ranked["region"] == "ภาคเหนือ") & (ranked["status"] == "left out")]
    top_north = north_left.sort_values("s", ascending=False).iloc[0]
    assert "region maximum reached: ภาคเหนือ ≤ 2" in top_north["why"]
    replaced = f[~f["in_top_n"] & (f["region"] != "ภาคใต้")]
    assert (
        replaced["why"].str.startswith(
            "takes the place of higher-scored tambons left out by: region maximum reached"
        )
    ).all()
    left = sel.left_out(3)
    assert len(left) == 3 and (left["status"] == "left out").all()
    assert left["s"].is_monotonic_decreasing
    text = sel.explain(south.index[0])
    assert "chosen" in text and "minimum quota" in text and "สงขลา" in text
    q = sel.quota_table().set_index("name")
    assert (
        q.loc["ภาคใต้", "min"] == 1
        and q.loc["ภาคใต้", "chosen"] == 1
        and q.loc["ภาคใต้", "top_n"] == 0
    )
    assert q.loc["ภาคเหนือ", "max"] == 2 and q.loc["ภาคเหนือ", "top_n"] == 4


def test_explanations_of_include_exclude_distance_budget():
    gdf = explained_layer()
    top = gdf.sort_values("s", ascending=False)["tambon_code"].tolist()
    sel = select_areas(gdf, n=3, score="s", include=[top[-1]], exclude=[top[0]])
    r = sel.ranked().set_index("tambon_code")
    assert r.loc[top[-1], "why"] == "required (include list)"
    assert (
        r.loc[top[0], "why"] == "excluded (exclude list)" and r.loc[top[0], "status"] == "excluded"
    )
    sel = select_areas(gdf, n=3, score="s", min_distance_km=20)
    r = sel.ranked()
    left = r[r["status"] == "left out"]
    assert (
        left["why"]
        .str.contains(r"within \d+\.\d km of chosen ตำบล\d+ \(\d{6}\); min_distance_km=20")
        .any()
    )
    sel = select_areas(gdf, n=3, score="s", budget=10, cost="cost")
    assert sel.to_frame()["cost"].sum() <= 10
    r = sel.ranked()
    assert r["why"].str.contains("budget: cost").any()
    sel = select_areas(gdf, n=3, score="s", max_changwats=1)
    assert sel.to_frame()["changwat_code"].nunique() == 1
    assert (
        sel.ranked()["why"].str.contains(r"outside the 1 chosen provinces \(max_changwats\)").any()
    )


def test_repr_and_html():
    sel = select_areas(explained_layer(), n=4, score="s", quotas={"region": {"ภาคใต้": (1, None)}})
    text = repr(sel)
    assert text.startswith("Selection of 4 tambons from 12 candidates: total score")
    assert "proven optimal" in text and "constraints: region quotas" in text
    assert "3 of 4 are in the unconstrained top 4; 1 brought in by constraints" in text
    assert "* minimum quota: region ภาคใต้ needs at least 1" in text
    html = sel._repr_html_()
    assert "<table" in html and "ตำบล" in html


# ---------------------------------------------------------------- scoring


def scored_inputs() -> tuple[pd.DataFrame, Criteria]:
    table = pd.DataFrame(
        {
            "tambon_code": ["500101", "500102", "500103", "500104"],
            "สภาองค์กรชุมชนตำบล": ["มี", "ไม่มี", "มี", None],
            "สมาชิกสภาเกษตรกร": [10, 0, 5, 20],
            "ครัวเรือนเกษตรกร": [1000.0, 500.0, np.nan, 1500.0],
            "ประเด็นนโยบาย": ["CPTPP", "ที่ดินและป่าไม้", "ที่ดินและป่าไม้", None],
        }
    )
    crit = Criteria(
        agencies=[
            Agency("codi", [Rule.parse("สภาองค์กรชุมชนตำบล", "== มี")], label="พอช."),
            Agency(
                "nfc", [Rule.parse("สมาชิกสภาเกษตรกร", ">= 1", label="มีสมาชิก")], label="สภาเกษตรกรฯ"
            ),
        ],
        criteria=[
            Criterion("ครัวเรือนเกษตรกร", weight=0.6),
            Criterion(
                "ประเด็นนโยบาย", weight=0.4, normalize="map",
                mapping={"CPTPP": 0.5, "ที่ดินและป่าไม้": 1},
            ),
        ],
    )  # fmt: skip
    return table, crit


def test_score_areas_eligibility_reasons_contributions_rank():
    table, crit = scored_inputs()
    before = table.copy()
    s = score_areas(table, crit)
    pd.testing.assert_frame_equal(table, before)
    assert s["eligible_codi"].tolist() == [True, False, True, False]
    assert s["eligible_nfc"].tolist() == [True, False, True, True]
    assert s["eligible"].tolist() == [True, False, True, False]
    assert (
        s.loc[1, "ineligible_reason"]
        == "พอช.: สภาองค์กรชุมชนตำบล == 'มี' (value 'ไม่มี'); สภาเกษตรกรฯ: มีสมาชิก (value 0)"
    )
    assert s.loc[3, "ineligible_reason"] == "พอช.: สภาองค์กรชุมชนตำบล == 'มี' (missing)"
    assert s.loc[0, "ineligible_reason"] == ""
    assert s["contrib_ครัวเรือนเกษตรกร"].tolist() == pytest.approx([0.3, 0.0, 0.0, 0.6])
    assert s["contrib_ประเด็นนโยบาย"].tolist() == pytest.approx([0.2, 0.4, 0.4, 0.0])
    assert s["score"].tolist() == pytest.approx([0.5, 0.4, 0.4, 0.6])
    assert s["rank"].tolist() == [1, pd.NA, 2, pd.NA]


def test_score_areas_missing_policies():
    table, crit = scored_inputs()
    mean = crit.with_weights([0.6, 0.4])
    mean = Criteria(agencies=crit.agencies, criteria=[
        Criterion("ครัวเรือนเกษตรกร", weight=0.6, missing="mean"), crit.criteria[1]])  # fmt: skip
    s = score_areas(table, mean)
    assert s.loc[2, "contrib_ครัวเรือนเกษตรกร"] == pytest.approx(0.6 * 0.5)  # mean of 0.5, 0, 1
    inel = Criteria(
        criteria=[Criterion("ครัวเรือนเกษตรกร", weight=1, missing="ineligible", label="ครัวเรือน")]
    )
    s = score_areas(table, inel)
    assert s["eligible"].tolist() == [True, True, False, True]
    assert s.loc[2, "ineligible_reason"] == "no value for ครัวเรือน"
    err = Criteria(criteria=[Criterion("ครัวเรือนเกษตรกร", weight=1, missing="error")])
    with pytest.raises(
        ValidationError,
        match=r"1 missing value\(s\) in column 'ครัวเรือนเกษตรกร' \(rows \['500103'\]\)",
    ):
        score_areas(table, err)
    with pytest.raises(ValidationError, match=r"must be a tambon_gis\.criteria\.Criteria"):
        score_areas(table, {"criteria": []})


def synthetic_attributes(gdf: gpd.GeoDataFrame, seed: int = 7) -> gpd.GeoDataFrame:
    """Illustrative attributes in the example pilot table's columns (seeded)."""
    rng = np.random.default_rng(seed)
    n = len(gdf)
    out = gdf.copy()
    out["สภาองค์กรชุมชนตำบล"] = np.where(rng.random(n) < 0.8, "มี", "ไม่มี")
    out["แผนเกษตรตำบล"] = np.where(rng.random(n) < 0.75, "มี", "ไม่มี")
    hh = rng.integers(100, 3000, n).astype(float)
    hh[rng.random(n) < 0.03] = np.nan
    out["ครัวเรือนเกษตรกร"] = hh
    out["สมาชิกสภาเกษตรกร"] = rng.poisson(25, n)
    issues = np.array(["ที่ดินและป่าไม้", "ความมั่นคงทางอาหาร", "การผลิตฐานราก", "CPTPP"])
    out["ประเด็นนโยบาย"] = issues[rng.integers(0, 4, n)]
    return out


@pytest.fixture(scope="module")
def real(tambons):
    return synthetic_attributes(tambons)


@pytest.mark.realdata
def test_real_layer_with_score_column_and_quotas(real):
    g = real.copy()
    g["priority"] = np.random.default_rng(3).random(len(g))
    quotas = {"region": {"ภาคใต้": (2, 5), "ภาคเหนือ": (3, 6), "ภาคตะวันออกเฉียงเหนือ": (None, 7)}}
    sel = tg.select_areas(g, n=23, score="priority", quotas=quotas, max_per_changwat=1)
    assert isinstance(sel, Selection) and sel.proven_optimal
    f = sel.to_frame()
    assert len(f) == 23 and f["tambon_code"].str.fullmatch(r"\d{6}").all()
    assert f["changwat_code"].is_unique
    counts = f["region"].value_counts()
    assert 2 <= counts.get("ภาคใต้", 0) <= 5 and 3 <= counts.get("ภาคเหนือ", 0) <= 6
    assert counts.get("ภาคตะวันออกเฉียงเหนือ", 0) <= 7
    # optimal: each chosen tambon is its province's best (with one per province, any other
    # choice in the same province would lower the score without touching the quotas)
    best = g.groupby("changwat_code")["priority"].max()
    assert (
        f.set_index("changwat_code")["priority"] == best.reindex(f["changwat_code"]).to_numpy()
    ).all()
    assert len(sel.ranked()) == len(g)


@pytest.mark.realdata
def test_real_layer_with_criteria_object(real):
    crit = load_criteria(EXAMPLE)
    quotas = {"region": {"ภาคใต้": (2, 5)}}
    sel = tg.select_areas(real, n=23, score=crit, quotas=quotas, max_per_amphoe=1, plans=PLANS)
    assert sel.proven_optimal and sel.criteria is crit
    f = sel.to_frame()
    assert len(f) == 23 and "tambon_code" in f
    scored = sel.scored.set_index("tambon_code")
    assert scored.loc[f["tambon_code"], "eligible"].all()
    contrib = [c for c in f.columns if c.startswith("contrib_")]
    assert len(contrib) == 6  # two numeric criteria and four plan facts
    assert (f[contrib].sum(axis=1) - f["score"]).abs().max() < 1e-12
    assert f["amphoe_code"].is_unique
    # eligibility follows the plan facts: every chosen tambon has an adopted agricultural plan
    planned = set(pd.read_csv(PLANS, dtype=str, encoding="utf-8-sig")["รหัสตำบล"])
    assert set(f["tambon_code"]) <= planned
    assert "has_adopted_agricultural_plan" not in real.columns  # the input is not modified
    # the same request from a pre-scored layer gives the same set
    pre = score_areas(real, crit, plans=PLANS)
    again = tg.select_areas(pre, n=23, score="score", quotas=quotas, max_per_amphoe=1)
    assert again.total_score == pytest.approx(sel.total_score)
    assert "พอช.: มีสภาองค์กรชุมชน" in sel.ranked().query("status == 'ineligible'")["why"].iloc[0]


@pytest.mark.realdata
def test_real_min_distance(real):
    sub = real[real["changwat_code"].isin(["32", "33", "34"])].copy()
    sub["priority"] = np.random.default_rng(1).random(len(sub))
    sel = tg.select_areas(sub, n=10, score="priority", min_distance_km=25)
    assert sel.proven_optimal
    pts = sub.set_index("tambon_code").loc[sel.codes].geometry.to_crs(32647).centroid
    d = np.array([[a.distance(b) for b in pts] for a in pts])
    assert d[np.triu_indices(10, 1)].min() > 25_000


# ---------------------------------------------------------------- exports


def test_exports_csv_excel_thai_and_english(tmp_path):
    sel = select_areas(explained_layer(), n=4, score="s", quotas={"region": {"ภาคใต้": (1, None)}})
    p = sel.to_csv(tmp_path / "เลือก.csv")
    raw = p.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens Thai correctly
    back = pd.read_csv(p, encoding="utf-8-sig", dtype=str)
    assert "รหัสตำบล (tambon_code)" in back.columns and "เหตุผล (why)" in back.columns
    assert back["รหัสตำบล (tambon_code)"].tolist() == sel.codes
    ranked = pd.read_csv(
        sel.to_csv(tmp_path / "r.csv", table="ranked", headers="th"), encoding="utf-8-sig"
    )
    assert "สถานะ" in ranked.columns and set(ranked["สถานะ"]) == {"เลือก", "ไม่ได้เลือก"}
    en = pd.read_csv(
        sel.to_csv(tmp_path / "e.csv", table="left_out", headers="en"), encoding="utf-8-sig"
    )
    assert "tambon_code" in en.columns and len(en) == 4
    x = sel.to_excel(tmp_path / "เลือก.xlsx")
    sheets = pd.read_excel(x, sheet_name=None, dtype=str)
    assert list(sheets) == ["chosen", "ranked", "left_out", "quotas", "summary"]
    assert sheets["chosen"]["รหัสตำบล (tambon_code)"].tolist() == sel.codes
    assert "ตำบล (tambon_th)" in sheets["chosen"].columns
    assert len(sheets["ranked"]) == 12
    summary = dict(zip(sheets["summary"]["item"], sheets["summary"]["value"], strict=True))
    assert summary["proven_optimal"] == "True"
    with pytest.raises(ValidationError, match="table 'all'"):
        sel.to_csv(tmp_path / "x.csv", table="all")
    with pytest.raises(ValidationError, match="headers='fr'"):
        sel.to_csv(tmp_path / "x.csv", headers="fr")


# ---------------------------------------------------------------- sensitivity


def sens_inputs():
    gdf = small_layer(3, m=16)
    rng = np.random.default_rng(11)
    gdf["a"] = rng.random(len(gdf))
    gdf["b"] = rng.random(len(gdf))
    gdf["c"] = rng.random(len(gdf))
    crit = Criteria(
        criteria=[
            Criterion("a", weight=0.5),
            Criterion("b", weight=0.3),
            Criterion("c", weight=0.2),
        ]
    )
    return gdf, crit


def test_sensitivity_seeded_core_and_marginal():
    gdf, crit = sens_inputs()
    s1 = sensitivity(
        gdf, crit, n=5, draws=60, spread=0.5, seed=4, quotas={"region": {"ภาคใต้": (1, None)}}
    )
    s2 = sensitivity(
        gdf, crit, n=5, draws=60, spread=0.5, seed=4, quotas={"region": {"ภาคใต้": (1, None)}}
    )
    pd.testing.assert_frame_equal(s1.to_frame(), s2.to_frame())
    f = s1.to_frame()
    assert f["frequency"].between(0, 1).all() and f["times_chosen"].sum() == 5 * 60
    assert set(s1.core_codes) | set(s1.marginal_codes) == set(f["tambon_code"])
    assert (f.loc[f["stability"] == "core", "frequency"] >= 0.9).all()
    assert set(f.loc[f["in_base"], "tambon_code"]) == set(s1.base.codes)
    assert s1.all_optimal and len(s1.weights) == 60
    assert np.allclose(s1.weights.sum(axis=1), 1.0)
    assert s1.weights.min().min() >= 0.5 * 0.2 * 0.5  # within the spread before rescaling
    # each draw is an optimum: re-solve draw 0 and compare
    w0 = s1.weights.iloc[0].to_list()
    assert "core tambons" in repr(s1) and "<table" in s1._repr_html_()
    one = select_areas(
        gdf, n=5, score=crit.with_weights(w0), quotas={"region": {"ภาคใต้": (1, None)}}
    )
    assert one.proven_optimal
    s3 = sensitivity(
        gdf, crit, n=5, draws=60, spread=0.5, seed=5, quotas={"region": {"ภาคใต้": (1, None)}}
    )
    assert not s3.weights.equals(s1.weights)


def test_sensitivity_without_spread_is_the_base_selection():
    gdf, crit = sens_inputs()
    sens = sensitivity(gdf, crit, n=4, draws=5, spread=0.0, max_per_amphoe=1)
    assert sorted(sens.core_codes) == sorted(sens.base.codes)
    assert sens.marginal_codes == []
    via_method = select_areas(gdf, n=4, score=crit, max_per_amphoe=1).sensitivity(
        draws=5, spread=0.0
    )
    assert sorted(via_method.core_codes) == sorted(sens.core_codes)


def test_selection_sensitivity_rescores_quietly_and_keeps_the_input(caplog):
    """The method re-scores the data as given: no warning that the scoring's columns are
    replaced (they are the selection's own), and the same result as the function."""
    gdf, crit = sens_inputs()
    sel = select_areas(gdf, n=4, score=crit, max_per_amphoe=1)
    with caplog.at_level("WARNING", logger="tambon_gis"):
        via_method = sel.sensitivity(draws=8, spread=0.3, seed=2)
    assert "replaced by the scoring" not in caplog.text
    direct = sensitivity(gdf, crit, n=4, draws=8, spread=0.3, seed=2, max_per_amphoe=1)
    pd.testing.assert_frame_equal(via_method.to_frame(), direct.to_frame())
    assert "score" not in gdf.columns  # the input is not modified


def test_sensitivity_errors(tmp_path):
    gdf, crit = sens_inputs()
    with pytest.raises(ValidationError, match=r"spread=1.5: give a relative spread in \[0, 1\)"):
        sensitivity(gdf, crit, n=3, spread=1.5)
    with pytest.raises(ValidationError, match="draws=0"):
        sensitivity(gdf, crit, n=3, draws=0)
    sel = select_areas(gdf, n=3, score="a")
    with pytest.raises(ValidationError, match="select with score=Criteria"):
        sel.sensitivity(draws=3)
    sens = sensitivity(gdf, crit, n=3, draws=10, seed=1)
    back = pd.read_csv(sens.to_csv(tmp_path / "s.csv"), encoding="utf-8-sig")
    assert "สัดส่วนที่ถูกเลือก (frequency)" in back.columns


# ---------------------------------------------------------------- maps


def as_polygons(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    import shapely

    return gdf.set_geometry(shapely.buffer(np.asarray(gdf.geometry.array), 0.02), crs=4326)


def test_selection_map_contents(tmp_path):
    from tambon_gis import maps

    gdf = explained_layer()
    gdf = as_polygons(gdf)
    gdf["eligible"] = gdf["tambon_code"] != "900112"
    gdf["ineligible_reason"] = np.where(gdf["eligible"], "", "พอช.: ไม่มีสภาองค์กรชุมชนตำบล")
    gdf["contrib_ครัวเรือน"] = gdf["s"] * 0.5
    sel = select_areas(gdf, n=4, score="s", quotas={"region": {"ภาคใต้": (1, None)}},
                       exclude=["500110"], max_per_changwat=2)  # fmt: skip
    m = sel.to_map()
    page = m.get_root().render()
    assert "ไม่ผ่านเกณฑ์ (ineligible)" in page and "#bdbdbd" in page
    assert "ตัดออก (excluded)" in page and "#8c8c8c" in page
    assert "พอช.: ไม่มีสภาองค์กรชุมชนตำบล" in page  # the reason reaches the tooltip
    assert "คะแนน (score)" in page and "เหตุผล (why)" in page
    assert "ครัวเรือน" in page  # breakdown in the popups
    assert "โควตา (quotas)" in page and "ทุกจังหวัด" in page and "ภาคใต้" in page
    assert "พิสูจน์แล้วว่าเหมาะที่สุด" in page and "proven optimal" not in page
    out = maps.save(m, tmp_path / "selection.html")
    assert out.stat().st_size > 10_000
    en = sel.to_map(lang="en").get_root().render()
    assert "Quotas" in en and "ineligible" in en
    # the panels speak English: verdict, counts, region names
    assert "proven optimal" in en and "eligible" in en and "South" in en
    assert "พิสูจน์" not in en and "ผู้สมัคร" not in en and "ตำบลที่ผ่านเกณฑ์" not in en


def test_maps_need_geometries():
    table, crit = scored_inputs()
    sel = select_areas(table, n=1, score=crit)
    with pytest.raises(SchemaError, match="selection_map\\(\\) needs geometries"):
        sel.to_map()


def test_sensitivity_map_contents():
    gdf, crit = sens_inputs()
    gdf = as_polygons(gdf)
    sens = sensitivity(gdf, crit, n=4, draws=30, spread=0.6, seed=2)
    page = sens.to_map().get_root().render()
    assert "แกนที่มั่นคง (core)" in page and "ตัวเลือกชายขอบ (marginal)" in page
    assert "#1b7837" in page and "#f1a340" in page
    assert "สัดส่วนที่ถูกเลือก (frequency)" in page


@pytest.mark.browser
def test_selection_map_opens_in_chromium(tmp_path):
    from playwright.sync_api import sync_playwright

    from tambon_gis import maps

    gdf = explained_layer()
    gdf = as_polygons(gdf)
    sel = select_areas(gdf, n=4, score="s", quotas={"region": {"ภาคใต้": (1, None)}})
    path = maps.save(sel.to_map(), tmp_path / "selection.html")
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(path.as_uri())
            page.wait_for_function(  # every shape drawn, not just the first
                "document.querySelectorAll('.leaflet-interactive').length >= 12", timeout=30_000
            )
            text = page.inner_text("body")
            assert "การคัดเลือก (selection)" in text and "โควตา (quotas)" in text
            assert "พิสูจน์แล้วว่าเหมาะที่สุด" in text
            assert page.locator(".leaflet-interactive").count() >= 12
            assert errors == []
        finally:
            browser.close()


# ---------------------------------------------------------------- solver outcomes


def test_not_proven_optimal_is_reported(monkeypatch, caplog):
    from tambon_gis.selection import solver as sel_mod

    real_solve = sel_mod._Model.solve

    def stopped_early(self, scores=None):
        res = real_solve(self, scores)
        return {**res, "optimal": False, "gap": 0.05, "status": "Time limit reached"}

    monkeypatch.setattr(sel_mod._Model, "solve", stopped_early)
    with caplog.at_level("WARNING", logger="tambon_gis.selection"):
        sel = select_areas(small_layer(0), n=3, score="s")
    assert not sel.proven_optimal and sel.mip_gap == 0.05
    assert "NOT proven optimal (gap 0.05)" in repr(sel)
    assert "before proving optimality: gap 0.05; raise time_limit" in caplog.text


def test_solver_without_answer_is_an_error(monkeypatch):
    from tambon_gis._errors import SolverError
    from tambon_gis.selection import solver as sel_mod

    def nothing(self, scores=None):
        return {
            "x": None, "status": "Time limit reached", "optimal": False, "infeasible": False,
            "gap": np.inf, "objective": np.nan, "bound": np.nan, "seconds": 0.0, "nodes": 0,
        }  # fmt: skip

    monkeypatch.setattr(sel_mod._Model, "solve", nothing)
    with pytest.raises(
        SolverError,
        match=r"'Time limit reached' before finding any selection of n=3 \(time_limit=0\.5 s\)",
    ):
        select_areas(small_layer(0), n=3, score="s", time_limit=0.5)


def test_missing_codes_and_all_conflicts_together():
    gdf = small_layer(0)
    with pytest.raises(InfeasibleError) as err:
        select_areas(gdf, n=4, score="s", include=["100101", "999999"], exclude=["100101"],
                     quotas={"region": {"ภาคใต้": (3, None), "ภาคเหนือ": (2, None)}})  # fmt: skip
    msg = str(err.value)
    assert "3 conflict(s)" in msg and "['999999']" in msg and "both list ['100101']" in msg
    assert "region quota sum 5 > n=4" in msg
    gdf.loc[2, "tambon_code"] = None
    with pytest.raises(ValidationError, match=r"1 row\(s\) have no tambon_code \(index \['2'\]\)"):
        select_areas(gdf, n=2, score="s")


def test_score_areas_says_which_columns_it_replaces(caplog):
    table, crit = scored_inputs()
    table["score"] = 99.0  # e.g. a match score from join_attributes
    with caplog.at_level("WARNING", logger="tambon_gis.selection"):
        out = score_areas(table, crit)
    assert "the input's columns ['score'] are replaced" in caplog.text
    assert (table["score"] == 99.0).all() and out["score"].max() < 1.5


def test_quota_names_typed_like_people_type_them():
    gdf = small_layer(0)
    gdf["amphoe_th"] = gdf["amphoe_code"].map(
        lambda a: "บ้านนา" if a in ("1001", "5001") else f"อ{a}"
    )
    a = select_areas(gdf, n=4, score="s", quotas={"changwat": {"จ.สงขลา": (3, None)}})
    assert (a.to_frame()["changwat_code"] == "90").sum() >= 3
    with pytest.raises(
        ValidationError, match=r"names 'อ\.บ้านนา', which fits \['1001', '5001'\]: use the code"
    ):
        select_areas(gdf, n=4, score="s", quotas={"amphoe": {"อ.บ้านนา": (1, None)}})
    with pytest.raises(
        ValidationError, match=r"names '90' and 'สงขลา', the same changwat สงขลา \(90\)"
    ):
        select_areas(
            gdf, n=4, score="s", quotas={"changwat": {"90": (1, None), "สงขลา": (2, None)}}
        )
    b = select_areas(gdf, n=4, score="s", include=["TH๑๐๐๑๐๑"], exclude=[900104])
    assert "100101" in b.codes
    assert b.ranked().set_index("tambon_code").loc["900104", "status"] == "excluded"


def test_sensitivity_draws_are_optima_with_distance_constraints():
    gdf, crit = sens_inputs()
    for seed in (0, 1, 2):
        sens = sensitivity(gdf, crit, n=4, draws=1, spread=0.8, seed=seed, min_distance_km=12)
        drawn = crit.with_weights(sens.weights.iloc[0].to_list())
        scored = score_areas(gdf, drawn).rename(columns={"s": "s_old", "score": "s"})
        expected = brute_force(scored, 4, min_distance_km=12)
        chosen = sens.frequency.loc[sens.frequency["times_chosen"] == 1, "tambon_code"]
        got = scored.set_index("tambon_code").loc[chosen, "s"].sum()
        assert got == pytest.approx(expected[0], abs=1e-9)


def test_named_quotas_replace_the_default_and_caps_bound_all():
    gdf = small_layer(1)
    quotas = {"changwat": {"*": (0, 0), "สงขลา": (1, 3), "ลำพูน": (1, 3)}}
    sel = select_areas(gdf, n=4, score="s", quotas=quotas)
    assert set(sel.to_frame()["changwat_th"]) == {"สงขลา", "ลำพูน"}
    assert sel.total_score == pytest.approx(brute_force(gdf, 4, quotas=quotas)[0])
    capped = select_areas(gdf, n=3, score="s", quotas={"changwat": {"สงขลา": (None, 3)}},
                          max_per_changwat=1)  # fmt: skip
    assert capped.to_frame()["changwat_code"].is_unique
    with pytest.raises(ValidationError, match=r"max_per_amphoe=-1: give a whole number >= 0"):
        select_areas(gdf, n=3, score="s", max_per_amphoe=-1)
