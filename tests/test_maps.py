"""Tests of tambon_gis.maps: builders, escaping, single embedding, offline save, CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from tambon_gis import join, maps
from tambon_gis._errors import CRSError, SchemaError, ValidationError

XSS = "<img src=x onerror=alert(1)>"
REMOTE = re.compile(r'<(script|link)[^>]+(src|href)="https?://', re.IGNORECASE)


def _layer(n: int = 6) -> gpd.GeoDataFrame:
    cells = [box(103 + 0.1 * i, 14.8, 103.1 + 0.1 * i, 14.9) for i in range(n)]
    return gpd.GeoDataFrame(
        {
            "tambon_code": [f"3201{i + 1:02d}" for i in range(n)],
            "tambon_th": ["ในเมือง", "ตั้งใจ", "เพี้ยราม", "นาดี", XSS, "แสลงพันธ์"][:n],
            "tambon_en": ["Nai Mueang", "Tang Chai", "Phia Ram", "Na Di", "X", "Salaeng Phan"][:n],
            "amphoe_code": ["3201"] * 3 + ["3202"] * (n - 3),
            "amphoe_th": ["เมืองสุรินทร์"] * 3 + ["ชุมพลบุรี"] * (n - 3),
            "changwat_code": ["32"] * n,
            "changwat_th": ["สุรินทร์"] * n,
            "households": [1200, 850, None, 40, 5000, 1234567][:n],
            "lead": ["พอช.", "สภาเกษตรกรฯ", None, "ร่วม", "พอช.", "ร่วม"][:n],
            "when": pd.to_datetime(["2025-03-12"] * n),
        },
        geometry=cells,
        crs="EPSG:4326",
    )


def _spec(page: str) -> list[dict]:
    specs = re.findall(r"TambonGIS\.addLayer\([^,]+, (\{.*?\})\);", page)
    return [json.loads(s) for s in specs]


def _page(m: folium.Map) -> str:
    return m.get_root().render()


def test_choropleth_returns_a_folium_map_with_classes_and_legend() -> None:
    gdf = _layer()
    m = maps.choropleth(gdf, "households", tooltip=["households"], k=3)
    assert isinstance(m, folium.Map)
    page = _page(m)
    (spec,) = _spec(page)
    classes = spec["steps"][0]["classes"]
    assert len(classes) == len(gdf)
    assert classes[2] == -1  # the missing value is "no data"
    assert len(spec["palette"]) == 3
    assert "ไม่มีข้อมูล" in spec["legend"]
    # class limits with thousands separators
    assert "1,234,567" in spec["legend"]
    assert spec["fields"]["value:households"]["values"][5] == "1,234,567"


def test_user_bins_and_schemes() -> None:
    gdf = _layer()
    spec = _spec(_page(maps.choropleth(gdf, "households", bins=[100, 2000])))[0]
    assert spec["steps"][0]["classes"] == [1, 1, -1, 0, 2, 2]
    for scheme in ("natural_breaks", "equal_interval"):
        spec = _spec(_page(maps.choropleth(gdf, "households", scheme=scheme, k=2)))[0]
        assert set(spec["steps"][0]["classes"]) <= {-1, 0, 1}
    with pytest.raises(ValidationError, match="scheme='nope'"):
        maps.choropleth(gdf, "households", scheme="nope")


def test_data_text_is_escaped_and_never_raw_in_the_page() -> None:
    gdf = _layer()
    gdf["note"] = ["</script><script>alert(2)</script>"] * len(gdf)
    m = maps.choropleth(gdf, "households", tooltip=["note"], title=XSS, legend_title=XSS)
    maps.add_panel(m, pd.DataFrame({"x": [XSS]}), title=XSS)
    page = _page(m)
    assert XSS not in page
    assert "</script><script>alert(2)" not in page
    assert "<img" not in page
    # the text is still there, as JSON escapes or HTML entities
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in page
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in page


def test_geometry_is_embedded_once_for_several_layers() -> None:
    gdf = _layer()
    m = maps.choropleth(gdf, "households", outlines=("amphoe", "changwat"), context=False)
    m = maps.categorical(gdf, "lead", m=m, name="lead", context=False)
    page = _page(m)
    assert page.count('type="application/json"') == 1
    assert len(_spec(page)) == 2
    specs = _spec(page)
    assert specs[0]["topo"] == specs[1]["topo"]
    assert [o["level"] for o in specs[0]["outlines"]] == ["amphoe", "changwat"]


def test_categorical_colours_and_unknown_categories() -> None:
    gdf = _layer()
    m = maps.categorical(gdf, "lead", colors={"พอช.": "#1b9e77", "สภาเกษตรกรฯ": "#d95f02",
                                              "ร่วม": "#7570b3"})
    spec = _spec(_page(m))[0]
    assert spec["palette"] == ["#1b9e77", "#7570b3", "#d95f02"]  # sorted categories
    assert spec["steps"][0]["classes"][2] == -1
    with pytest.raises(ValidationError, match="not in categories"):
        maps.categorical(gdf, "lead", categories=["พอช."])
    with pytest.raises(ValidationError, match="no colour"):
        maps.categorical(gdf, "lead", colors={"พอช.": "red"})


def test_timeslider_shares_classes_across_steps() -> None:
    gdf = _layer()
    gdf["q1"] = [1, 2, 3, 4, 5, 6]
    gdf["q2"] = [10, 20, 30, 40, 50, np.nan]
    m = maps.timeslider(gdf, ["q1", "q2"], step_labels=["ไตรมาส 1/2568", "ไตรมาส 2/2568"],
                        k=2)
    spec = _spec(_page(m))[0]
    assert [s["label"] for s in spec["steps"]] == ["ไตรมาส 1/2568", "ไตรมาส 2/2568"]
    assert spec["steps"][0]["classes"] == [0] * 6  # all below the pooled median
    assert spec["steps"][1]["classes"][-1] == -1
    cat = maps.timeslider(gdf, ["lead", "lead"], kind="categorical")
    assert len(_spec(_page(cat))[0]["steps"]) == 2
    with pytest.raises(ValidationError, match="labels"):
        maps.timeslider(gdf, ["q1", "q2"], step_labels=["a"])


def test_tooltip_popup_lang_and_dates() -> None:
    gdf = _layer()
    m = maps.choropleth(gdf, "households", popup=["when", "lead"], dates="be", lang="en")
    spec = _spec(_page(m))[0]
    assert spec["tooltip"][0] == ["", "tambon_en"]
    assert spec["fields"]["col:when"]["dict"] == ["12 Mar 2568 BE"]
    assert ["lead", "col:lead"] in spec["popup"]
    th = _spec(_page(maps.choropleth(gdf, "households", popup=["when"], dates="be")))[0]
    assert th["fields"]["col:when"]["dict"] == ["12 มี.ค. 2568"]
    assert th["text"]["search"].startswith("ค้นหา")


def test_popup_html_column_is_passed_through() -> None:
    gdf = _layer()
    gdf["kpi"] = ["<div class='bar' style='width:50%'></div>"] * len(gdf)
    spec = _spec(_page(maps.choropleth(gdf, "households", popup_html="kpi")))[0]
    assert spec["popup_html"] == "html:popup"
    assert spec["fields"]["html:popup"]["dict"] == ["<div class='bar' style='width:50%'></div>"]


def test_highlight_labels_basemap() -> None:
    gdf = _layer()
    m = maps.choropleth(gdf, "households", highlight=["320102"], basemap=["positron", "osm"])
    spec = _spec(_page(m))[0]
    assert spec["highlight"] == [1]
    assert [b["name"] for b in spec["basemaps"]] == ["CARTO Positron", "OpenStreetMap"]
    assert {lab["class_name"] for lab in spec["labels"]} == {
        "tg-label-changwat", "tg-label-amphoe", "tg-label-tambon"
    }
    with pytest.raises(ValidationError, match="not in the map"):
        maps.choropleth(gdf, "households", highlight=["999999"])
    with pytest.raises(ValidationError, match="basemap='google'"):
        maps.choropleth(gdf, "households", basemap="google")


def test_bad_input_errors_name_the_problem() -> None:
    gdf = _layer()
    with pytest.raises(SchemaError, match="nope"):
        maps.choropleth(gdf, "nope")
    with pytest.raises(ValidationError, match="not numeric"):
        maps.choropleth(gdf, "lead")
    with pytest.raises(TypeError, match="GeoDataFrame"):
        maps.choropleth(pd.DataFrame({"a": [1]}), "a")
    with pytest.raises(SchemaError, match="tooltip"):
        maps.choropleth(gdf, "households", tooltip=["nope"])
    with pytest.raises(ValidationError, match="every value"):
        maps.choropleth(gdf.assign(households=None), "households")
    with pytest.raises(ValidationError, match="lang"):
        maps.choropleth(gdf, "households", lang="fr")
    with pytest.raises(CRSError, match="set_crs"):
        maps.choropleth(gdf.set_crs(None, allow_override=True), "households")
    with pytest.raises(ValidationError, match="no geometry"):
        maps.choropleth(gdf.assign(geometry=[None, *list(gdf.geometry[1:])]), "households")


def test_inputs_are_not_mutated() -> None:
    gdf = _layer()
    before = gdf.copy()
    maps.choropleth(gdf.to_crs("EPSG:32647"), "households")
    maps.categorical(gdf, "lead")
    pd.testing.assert_frame_equal(pd.DataFrame(gdf.drop(columns="geometry")),
                                  pd.DataFrame(before.drop(columns="geometry")))
    assert gdf.geometry.equals(before.geometry)


def test_save_offline_is_self_contained(tmp_path: Path) -> None:
    gdf = _layer()
    m = maps.choropleth(gdf, "households")
    out = maps.save(m, tmp_path / "sub" / "map.html")
    page = out.read_text(encoding="utf-8")
    assert not REMOTE.search(page)
    assert "@font-face" in page and "Sarabun" in page
    assert "L.Icon.Default" in page
    assert "ในเมือง" in page
    online = maps.save(m, tmp_path / "cdn.html", offline=False).read_text(encoding="utf-8")
    assert "cdn.jsdelivr.net/npm/leaflet@1.9.4" in online
    assert len(online) < len(page)
    with pytest.raises(ValidationError, match=r"\.html"):
        maps.save(m, tmp_path / "map.png")


def test_save_offline_refuses_unvendored_plugins(tmp_path: Path) -> None:
    from folium.plugins import MarkerCluster

    m = maps.choropleth(_layer(), "households")
    MarkerCluster().add_to(m)
    with pytest.raises(ValidationError, match="markercluster"):
        maps.save(m, tmp_path / "map.html")
    assert maps.save(m, tmp_path / "map.html", offline=False).is_file()


def test_plain_folium_markers_work_offline(tmp_path: Path) -> None:
    m = maps.choropleth(_layer(), "households")
    folium.Marker([14.85, 103.05], tooltip="ศาลากลาง").add_to(m)
    page = maps.save(m, tmp_path / "marker.html").read_text(encoding="utf-8")
    assert not REMOTE.search(page)
    assert "L.marker" in page and "ศาลากลาง" in page


def test_add_panel_escapes_dataframes_and_checks_position() -> None:
    m = folium.Map(tiles=None)
    maps.add_panel(m, pd.DataFrame({"ภาค": ["เหนือ"], "โควตา": [1500]}), title="โควตา")
    page = _page(m)
    assert "1,500" in page and "tg-num" in page
    with pytest.raises(ValidationError, match="position"):
        maps.add_panel(m, "x", position="middle")


def test_maps_attach_columns_is_a_deprecated_alias_of_the_join() -> None:
    gdf = _layer()
    table = pd.DataFrame({"tambon_code": ["320101", "320101", None], "x": [1, 2, 3]})
    with pytest.warns(FutureWarning, match=r"tambon_gis\.join\.attach_columns"):
        out = maps.attach_columns(gdf, table, ["x"])
    expected = join.attach_columns(gdf, table, columns=["x"])
    pd.testing.assert_frame_equal(pd.DataFrame(out), pd.DataFrame(expected))
    report = join.attach_columns_with_report(gdf, table, columns=["x"])[1]  # counts: not attrs
    assert report.duplicates == 1 and report.unmatched == 1 and "unmatched" not in out.attrs


def test_format_value() -> None:
    assert maps.format_value(1234.5) == "1,234.5"
    assert maps.format_value(np.int64(7)) == "7"
    assert maps.format_value(pd.NA) is None
    assert maps.format_value(True) == "ใช่"
    assert maps.format_value(pd.Timestamp("2024-10-01"), dates="be") == "1 ต.ค. 2567"
    with pytest.raises(ValidationError, match="dates"):
        maps.format_value(1, dates="jp")


# ---------------------------------------------------------------------------- real data


@pytest.mark.realdata
def test_province_page_is_small_and_complete(tambons, tmp_path: Path) -> None:
    surin = tambons[tambons["changwat_code"] == "32"].copy()
    surin["v"] = np.arange(len(surin), dtype=float)
    m = maps.choropleth(surin, "v", tooltip=["tambon_code"])
    out = maps.save(m, tmp_path / "surin.html")
    assert out.stat().st_size < 1_000_000
    spec = _spec(out.read_text(encoding="utf-8"))[0]
    assert len(spec["steps"][0]["classes"]) == len(surin) == 159


@pytest.mark.realdata
def test_changwat_level_map_and_jupyter_display(tambons) -> None:
    from tambon_gis import to_level

    changwat = to_level(tambons, "changwat")
    m = maps.choropleth(changwat, "changwat_code", bins=[30, 60, 99], outlines=("changwat",))
    spec = _spec(_page(m))[0]
    assert len(spec["steps"][0]["classes"]) == 77
    assert [lab["class_name"] for lab in spec["labels"]] == ["tg-label-changwat"]
    assert len(spec["labels"][0]["points"]) == 77
    html_inline = m._repr_html_()  # what Jupyter displays: an iframe holding the whole page
    assert "TambonGIS.addLayer" in html_inline or "TambonGIS.addLayer" in __import__(
        "html").unescape(html_inline)


@pytest.mark.realdata
@pytest.mark.slow
def test_cli_map_and_demo(tambon_simplified_zip, tmp_path: Path, capsys, monkeypatch) -> None:
    from tambon_gis.cli import main

    out = tmp_path / "surin.html"
    assert main(["map", "--boundaries", str(tambon_simplified_zip), "--province", "Surin",
                 "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert out.stat().st_size < 1_000_000
    png = tmp_path / "surin.png"
    assert main(["map", "--boundaries", str(tambon_simplified_zip), "--province", "32",
                 "--out", str(png)]) == 0
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert main(["map", "--boundaries", str(tambon_simplified_zip), "--province", "Atlantis",
                 "--out", str(out)]) == 1
    assert "Atlantis" in capsys.readouterr().err

    demo_out = tmp_path / "demo"
    assert main(["demo", "--boundaries", str(tambon_simplified_zip), "--out", str(demo_out)]) == 0
    printed = capsys.readouterr().out.split()
    names = [Path(p).name for p in printed]
    assert names == ["national_overview.html", "pilot_tambons.html", "pilot_tambons.png",
                     "pilot_match_report.csv", "selection.html", "ranked.csv",
                     "monitoring_report.html", "policy_brief.html", "monitoring.sqlite"]
    page = (demo_out / "pilot_tambons.html").read_text(encoding="utf-8")
    spec = _spec(page)[0]
    assert len(spec["highlight"]) == 23
    assert "ครัวเรือนเกษตรกร" in page
    assert not REMOTE.search(page)


# ------------------------------------------------------------------ context geography (real data)


@pytest.mark.realdata
def test_context_layers_give_the_country_and_the_tambons_around_the_areas(tambons) -> None:
    areas = tambons[tambons["changwat_code"].isin(["32", "96"])].iloc[::40]
    ctx = maps.context_layers(tambons, areas=areas)
    assert len(ctx["amphoe"]) == tambons["amphoe_code"].nunique()
    assert set(ctx["tambon"]["changwat_code"]) == {"32", "96"}
    assert not set(ctx["tambon"]["tambon_code"]) & set(areas["tambon_code"])
    n = int(tambons["changwat_code"].isin(["32", "96"]).sum())
    assert len(ctx["tambon"]) == n - len(areas)
    assert areas.equals(tambons[tambons["changwat_code"].isin(["32", "96"])].iloc[::40])


@pytest.mark.realdata
def test_a_map_of_areas_embeds_its_context_once_and_marks_small_areas(tambons) -> None:
    areas = tambons[tambons["changwat_code"] == "32"].iloc[::10].assign(v=1.0)
    m = maps.choropleth(areas, "v", bins=[2], context=tambons)
    m = maps.categorical(areas.assign(c="a"), "c", m=m, name="second")
    page = _page(m)
    specs = _spec(page)
    assert page.count('type="application/json"') == 3  # amphoes, context tambons, the areas
    assert specs[0]["context"] is not None and specs[1]["context"] is None
    assert len(specs[0]["symbols"]["points"]) == len(areas)
    (s, _w), (_n, e) = specs[0]["fit_bounds"]
    _, ymin, xmax, _ = areas.total_bounds
    assert abs(s - ymin) < 0.05 and abs(e - xmax) < 0.05
    assert "2022" in specs[0]["credit"]
    # the whole country is its own context: none is added
    national = _spec(_page(maps.choropleth(tambons.assign(v=1.0), "v", bins=[2])))[0]
    assert national["context"] is None


@pytest.mark.realdata
def test_static_figure_fills_its_frame_with_the_areas_and_a_locator(tambons) -> None:
    from tambon_gis import static

    areas = tambons[tambons["changwat_code"] == "32"].iloc[::15].assign(v=range(11))
    fig = static.plot_map(areas, "v", k=3, context=tambons)
    ax = fig.axes[0]
    x0, x1 = ax.get_xlim()
    data = areas.to_crs(static.PLOT_CRS).total_bounds
    assert x0 <= data[0] and x1 >= data[2]
    assert (x1 - x0) < 2.5 * (data[2] - data[0])  # the areas, not the whole country
    assert ax.child_axes, "a regional figure has a locator map of Thailand"
    texts = [t.get_text() for t in ax.texts]
    assert any("2022" in t for t in texts)
