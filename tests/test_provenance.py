"""A frame's ``attrs`` hold only where it came from; reports are returned beside it (issue 9).

pandas deep-copies ``attrs`` on every operation and drops them at will, so a report kept there
costs memory on every step and can vanish. The library returns its reports as objects
(``*_with_report``) and keeps only provenance in ``attrs``: ``source`` for a table read from a
file, ``boundary_layer`` (layer, vintage, resolution) for boundaries.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from tambon_gis import boundaries, join, tables
from tambon_gis.boundaries import LoadReport
from tambon_gis.join import AssignReport, AttachReport
from tambon_gis.matching import MatchReport
from tambon_gis.tables import ReadReport

PROVENANCE = {"source", "boundary_layer"}


@pytest.fixture(scope="module")
def surin() -> tuple[gpd.GeoDataFrame, LoadReport]:
    return boundaries.load_boundaries_with_report(resolution="embedded", province="32")


@pytest.fixture()
def pilots(tmp_path: Path) -> Path:
    path = tmp_path / "pilots.csv"
    path.write_text(
        "จังหวัด,อำเภอ,ตำบล,ครัวเรือน\nสุรินทร์,เมืองสุรินทร์,ในเมือง,10\n,,ตั้งใจ,20\n"
        "สุรินทร์,ท่าตูม,ทุ่งกุลา,30\n",
        encoding="utf-8",
    )
    return path


def _check(frame: pd.DataFrame, *, allowed: set[str] = PROVENANCE) -> None:
    assert set(frame.attrs) <= allowed, f"report keys in attrs: {set(frame.attrs) - allowed}"


def test_public_results_hold_only_provenance(
    surin: tuple[gpd.GeoDataFrame, LoadReport], pilots: Path
) -> None:
    layer, load = surin
    assert isinstance(load, LoadReport) and load.rows > len(layer)  # the report of the whole
    assert set(layer.attrs) == {"boundary_layer"}
    table, read = tables.read_table_with_report(pilots, fill_down=True)
    assert isinstance(read, ReadReport) and table.attrs == {"source": str(pilots)}

    joined, match = join.join_attributes_with_report(table, layer)
    assert isinstance(match, MatchReport) and match.n_matched == 3
    _check(joined)
    _check(join.join_attributes(pilots, layer))
    _check(join.join_attributes(match, layer, how="inner"))

    attached, counts = join.attach_columns_with_report(layer, joined)
    assert isinstance(counts, AttachReport) and counts.with_values == 3
    assert set(attached.attrs) == {"boundary_layer"}  # the layer's own provenance, kept
    _check(join.attach_columns(layer, joined))

    points = pd.DataFrame({"lon": layer.geometry.representative_point().x.iloc[:5].to_numpy(),
                           "lat": layer.geometry.representative_point().y.iloc[:5].to_numpy()})
    points.attrs = {"source": "points.csv"}
    with pytest.warns(boundaries.ResolutionWarning):
        placed, assigned = join.assign_points_with_report(points, layer)
    assert isinstance(assigned, AssignReport) and assigned.inside == 5
    assert placed.attrs == {"source": "points.csv"}  # the points' provenance, no counts
    with pytest.warns(boundaries.ResolutionWarning):
        _check(join.assign_points(points, layer))


def test_deprecated_readers_still_fill_their_attrs_for_one_release(pilots: Path) -> None:
    # read_table and load_boundaries keep their old report key, and nothing else, until 0.3
    old = tables.read_table(pilots)
    assert set(old.attrs) == {"source", "read_table"}
    layer = boundaries.load_boundaries(resolution="embedded", province="32")
    assert set(layer.attrs) == {"boundary_layer", "load_report"}
    with pytest.warns(FutureWarning, match="load_boundaries_with_report"):
        assert boundaries.load_report(layer).level == "tambon"
