"""Tests of tambon_gis.static: Thai font, legend, north arrow, scale bar, PNG/PDF output."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from tambon_gis import static
from tambon_gis._errors import SchemaError, ValidationError


def _layer() -> gpd.GeoDataFrame:
    cells = [box(103 + 0.1 * i, 14.8, 103.1 + 0.1 * i, 14.9) for i in range(6)]
    return gpd.GeoDataFrame(
        {
            "tambon_code": [f"3201{i + 1:02d}" for i in range(6)],
            "amphoe_code": ["3201"] * 3 + ["3202"] * 3,
            "changwat_code": ["32"] * 6,
            "v": [1.0, 2.0, None, 4.0, 5.0, 6.0],
            "q2": [2, 3, 4, 5, 6, 7],
            "lead": ["พอช.", "ร่วม", None, "ร่วม", "พอช.", "สภาเกษตรกรฯ"],
        },
        geometry=cells,
        crs="EPSG:4326",
    )


def _texts(fig) -> list[str]:
    out = []
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts]
        leg = ax.get_legend()
        if leg is not None:
            out += [t.get_text() for t in leg.get_texts()]
    for leg in fig.legends:
        out += [t.get_text() for t in leg.get_texts()]
    return out


def test_thai_font_is_packaged() -> None:
    from matplotlib import font_manager

    family = static.thai_font_family()
    assert family == "Sarabun"
    path = font_manager.findfont(font_manager.FontProperties(family=family))
    assert "Sarabun" in path and "fontpkg_sarabun" in path


def test_plot_map_has_title_legend_arrow_scale(tmp_path: Path) -> None:
    fig = static.plot_map(_layer(), "v", k=2, title="ครัวเรือน", path=tmp_path / "m.png", dpi=60)
    ax = fig.axes[0]
    assert ax.get_title() == "ครัวเรือน"
    texts = _texts(fig)
    assert "เหนือ" in texts  # north arrow
    assert any(t.endswith("กม.") or t.endswith("ม.") for t in texts)  # scale bar
    assert any(t.startswith("ไม่มีข้อมูล") for t in texts)  # no-data legend entry
    assert any("–" in t for t in texts)  # class limits
    assert (tmp_path / "m.png").read_bytes()[:4] == b"\x89PNG"


def test_pdf_embeds_the_thai_font(tmp_path: Path) -> None:
    out = tmp_path / "lead.pdf"
    static.plot_map(_layer(), "lead", title="หน่วยงานนำ", path=out)
    data = out.read_bytes()
    assert data[:4] == b"%PDF"
    assert b"Sarabun" in data


def test_categorical_text_column_and_english(tmp_path: Path) -> None:
    fig = static.plot_map(_layer(), "lead", lang="en", outlines=("amphoe", "changwat"))
    texts = _texts(fig)
    assert "N" in texts
    assert any(t.startswith("พอช.") for t in texts)
    assert any(t.startswith("No data") for t in texts)


def test_small_multiples_share_one_legend(tmp_path: Path) -> None:
    fig = static.small_multiples(_layer(), ["v", "q2"], step_labels=["Q1/2568", "Q2/2568"],
                                 k=3,
                                 title="ไตรมาส", path=tmp_path / "sm.png", dpi=50)
    titles = [a.get_title() for a in fig.axes if a.get_title()]
    assert titles == ["Q1/2568", "Q2/2568"]
    assert len(fig.legends) == 1
    assert (tmp_path / "sm.png").is_file()


def test_inputs_not_mutated_and_errors() -> None:
    gdf = _layer()
    before = gdf.copy()
    static.plot_map(gdf, "v")
    assert gdf.equals(before)
    with pytest.raises(SchemaError, match="nope"):
        static.plot_map(gdf, "nope")
    with pytest.raises(ValidationError, match=r"\.png"):
        static.plot_map(gdf, "v", path="map.jpg")
    with pytest.raises(ValidationError, match="labels"):
        static.small_multiples(gdf, ["v", "q2"], step_labels=["a"])
    with pytest.raises(TypeError, match="GeoDataFrame"):
        static.plot_map(np.zeros(3), "v")  # type: ignore[arg-type]


@pytest.mark.realdata
def test_one_province_static_map(tambons, tmp_path: Path) -> None:
    surin = tambons[tambons["changwat_code"] == "32"].copy()
    surin["v"] = np.arange(len(surin), dtype=float)
    out = tmp_path / "surin.png"
    fig = static.plot_map(surin, "v", outlines=("amphoe",), title="สุรินทร์", path=out, dpi=80)
    assert out.stat().st_size > 20_000
    legend = fig.axes[0].get_legend()
    counts = [int(t.get_text().rsplit("(", 1)[1].rstrip(")").replace(",", ""))
              for t in legend.get_texts()]
    assert sum(counts) == len(surin) == 159


def test_english_figure_credit_is_english() -> None:
    import geopandas as gpd
    from shapely.geometry import box

    from tambon_gis import static

    gdf = gpd.GeoDataFrame({"tambon_code": ["320101", "320102"], "v": [1.0, 2.0]},
                           geometry=[box(103.4, 14.8, 103.5, 14.9), box(103.5, 14.8, 103.6, 14.9)],
                           crs="EPSG:4326")
    fig = static.plot_map(gdf, "v", k=2, lang="en", context=False)
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "Boundaries:" in texts and "ขอบเขต" not in texts


def _png(fig, tmp_path: Path, name: str) -> bytes:
    out = tmp_path / name
    fig.savefig(out, dpi=40)
    return out.read_bytes()


def test_figures_take_map_options_the_same_as_keywords(tmp_path: Path) -> None:
    from tambon_gis.maps import MapOptions

    kw = {"title": "ครัวเรือน", "lang": "en", "legend_title": "Households", "credit": "Survey",
          "outlines": ("amphoe",), "context": False}
    one = static.plot_map(_layer(), "v", k=2, **kw)
    two = static.plot_map(_layer(), "v", k=2, options=MapOptions(**kw))
    assert _png(one, tmp_path, "a.png") == _png(two, tmp_path, "b.png")
    assert two.axes[0].get_title() == "ครัวเรือน" and "Survey" in _texts(two)
    sm_kw = static.small_multiples(_layer(), ["v", "q2"], k=2, **kw)
    sm_opts = static.small_multiples(_layer(), ["v", "q2"], k=2, options=MapOptions(**kw))
    assert _png(sm_kw, tmp_path, "c.png") == _png(sm_opts, tmp_path, "d.png")
    # an explicit keyword beats the options; web-only options are ignored on paper
    opts = MapOptions(title="options", lang="en", basemap="osm", search=False, context=False)
    fig = static.plot_map(_layer(), "v", k=2, options=opts, title="keyword")
    assert fig.axes[0].get_title() == "keyword" and "N" in _texts(fig)


def _outline_colours(fig) -> set[str]:
    from matplotlib.collections import LineCollection
    from matplotlib.colors import to_hex

    return {to_hex(c.get_edgecolor()[0]) for c in fig.axes[0].collections
            if isinstance(c, LineCollection) and len(c.get_edgecolor())}


def test_outlines_have_the_default_of_the_web_maps() -> None:
    from tambon_gis import maps

    assert maps.MapOptions().outlines == ("amphoe", "changwat")
    default = _outline_colours(static.plot_map(_layer(), "v", k=2, context=False))
    assert {"#555555", "#1a1a1a"} <= default  # amphoe and changwat borders
    only = _outline_colours(static.plot_map(_layer(), "v", k=2, context=False,
                                            outlines=("changwat",)))
    assert "#1a1a1a" in only and "#555555" not in only


def test_kind_of_figures() -> None:
    gdf = _layer()
    gdf["flag"] = [True, False, None, True, True, False]
    gdf["text_numbers"] = ["1", "2", None, "4", "5", "6"]
    flags = _texts(static.plot_map(gdf, "flag", context=False))
    assert any(t.startswith("True") for t in flags)  # booleans are categories
    numbers = _texts(static.plot_map(gdf, "text_numbers", k=2, context=False))
    assert any("–" in t for t in numbers)  # numbers stored as text are classed
    classed = _texts(static.plot_map(gdf, "q2", kind="categorical", context=False))
    assert any(t.startswith("7") for t in classed) and not any("–" in t for t in classed)
    with pytest.raises(ValidationError, match=r"plot_map\(\): kind='cat'.*'categorical'"):
        static.plot_map(gdf, "v", kind="cat")
    with pytest.raises(ValidationError, match=r"small_multiples\(\): kind='x'"):
        static.small_multiples(gdf, ["v", "q2"], kind="x")


def test_categorical_keyword_is_deprecated_for_kind() -> None:
    with pytest.warns(FutureWarning,
                      match=r"plot_map\(categorical=\.\.\.\).*use plot_map\(kind='categorical'\)"):
        fig = static.plot_map(_layer(), "q2", categorical=True, context=False)
    assert not any("–" in t for t in _texts(fig))
    with pytest.warns(FutureWarning, match=r"small_multiples\(categorical=\.\.\.\).*kind="):
        fig = static.small_multiples(_layer(), ["q2", "q2"], categorical=True, context=False)
    assert not any("–" in t for t in _texts(fig))


def test_small_multiples_labels_is_deprecated_for_step_labels() -> None:
    with pytest.warns(FutureWarning, match=r"small_multiples\(labels=\.\.\.\).*step_labels"):
        fig = static.small_multiples(_layer(), ["v", "q2"], labels=["A", "B"], k=2,
                                     context=False)
    assert [a.get_title() for a in fig.axes if a.get_title()] == ["A", "B"]


def test_highlighted_areas_have_a_legend_entry_in_both_figures() -> None:
    gdf = _layer()
    code = str(gdf["tambon_code"].iloc[0])
    fig = static.plot_map(gdf, "v", highlight=[code], highlight_label="ตำบลที่เลือก")
    assert any(t.startswith("ตำบลที่เลือก (เส้นขอบแดง") and t.endswith("(1)") for t in _texts(fig))
    assert not any("เส้นขอบแดง" in t for t in _texts(static.plot_map(gdf, "v")))
    fig = static.small_multiples(gdf, ["v", "v"], highlight=[code], lang="en")
    assert any(t.startswith("Highlighted tambons (red outline") for t in _texts(fig))
