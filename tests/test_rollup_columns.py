"""Roll-ups whose status is explained by the numbers of the same row (the example programme)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tambon_gis.cli import _demo
from tambon_gis.monitoring import AT_RISK, ON_TRACK, open_store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    path = Path(tmp_path_factory.mktemp("rollup")) / "kpi.sqlite"
    with open_store(path, fiscal_years=(2566, 2566)) as st:
        st.set_areas(_demo.MONITORING / "areas.csv")
        st.set_indicators(_demo.MONITORING / "indicators.csv")
        st.set_targets(_demo.MONITORING / "targets.csv")
        for name in _demo.KPI_FILES:
            st.import_file(_demo.MONITORING / name)
        yield st


@pytest.mark.parametrize("level", ["changwat", "region", "programme"])
def test_rollup_rows_explain_their_status(store, level: str) -> None:
    r = store.rollup("ไตรมาส 3/2566", level=level).to_frame()
    for col in ("value", "ytd_actual", "ytd_target", "fy_target", "ratio", "reporting"):
        assert col in r.columns
    compared = r[r["ytd_target"].notna() & r["ytd_actual"].notna()]
    assert len(compared)
    higher = compared["indicator_id"] != "debt"
    ratio = np.where(higher, compared["ytd_actual"] / compared["ytd_target"],
                     compared["ytd_target"] / compared["ytd_actual"])
    assert np.allclose(ratio, compared["ratio"])
    expected = np.where(ratio >= ON_TRACK, "on track",
                        np.where(ratio >= AT_RISK, "at risk", "off track"))
    assert (expected == compared["status"].to_numpy()).all()
    # the year-to-date actual of a sum indicator adds the quarters: never below the quarter's
    sums = compared[compared["aggregation"] == "sum"]
    assert (sums["ytd_actual"] >= sums["value"]).all()
    assert (sums["ytd_target"] < sums["fy_target"]).all()  # 3/4 of the year's target in Q3
    assert (r["reporting"] == r["n_reporting"].astype(str) + "/" + r["n_areas"].astype(str)).all()


def test_status_table_names_the_numbers(store) -> None:
    f = store.status("ไตรมาส 2/2566").to_frame()
    assert (f["ytd_actual"].fillna(-1) == f["actual"].fillna(-1)).all()
    assert (f["ytd_target"].fillna(-1) == f["expected"].fillna(-1)).all()
    assert (f["fy_target"].fillna(-1) == f["target"].fillna(-1)).all()
