"""A boundary layer of a few megabytes reads, checks and maps in bounded time (issue 16)."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import numpy as np
from test_bounds import deadline

from tambon_gis import load_boundaries, maps


def jagged_tambon(path: Path, n: int) -> Path:
    """One tambon (เมืองสุรินทร์'s ในเมือง) drawn with ``n`` vertices of a jagged ring."""
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    r = 0.05 * (1 + 0.3 * np.sin(t * 5_000))
    ring = np.c_[103.5 + r * np.cos(t), 14.9 + r * np.sin(t)].round(6).tolist()
    feature = {
        "type": "Feature",
        "properties": {"ADM3_PCODE": "TH320101", "ADM3_TH": "ในเมือง", "ADM2_PCODE": "TH3201",
                       "ADM1_PCODE": "TH32"},
        "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    return path


def test_a_polygon_of_300000_vertices_loads_and_maps_in_bounded_time_and_memory(
    tmp_path: Path,
) -> None:
    path = jagged_tambon(tmp_path / "jagged.geojson", 300_000)
    assert path.stat().st_size > 5_000_000
    tracemalloc.start()
    try:
        with deadline(180):
            gdf = load_boundaries(path)
            page = maps.save(maps.choropleth(gdf.assign(v=1.0), "v"), tmp_path / "m.html")
        peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    assert gdf["tambon_code"].tolist() == ["320101"]
    assert page.stat().st_size < 3_000_000  # simplified for the web, not 300,000 vertices
    assert peak_mb < 40 * path.stat().st_size / 2**20
