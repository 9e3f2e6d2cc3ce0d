"""The same keyword means the same in every map builder (issue 12)."""

from __future__ import annotations

import dataclasses
import json
import re

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

import tambon_gis as tg
from tambon_gis import maps
from tambon_gis._errors import TambonGISError


def _layer(n: int = 4) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "tambon_code": [f"3201{i + 1:02d}" for i in range(n)],
            "tambon_th": ["ในเมือง", "ตั้งใจ", "เพี้ยราม", "นาดี"][:n],
            "households": [1200, 850, 40, 77][:n],
            "h2": [1, 2, 3, 4][:n],
            "lead": ["พอช.", "ร่วม", "พอช.", "ร่วม"][:n],
        },
        geometry=[box(103 + 0.1 * i, 14.8, 103.1 + 0.1 * i, 14.9) for i in range(n)],
        crs="EPSG:4326",
    )


def _tooltip(m) -> list:
    page = m.get_root().render()
    specs = re.findall(r"TambonGIS\.addLayer\([^,]+, (\{.*?\})\);", page)
    return json.loads(specs[0])["tooltip"]


BUILDERS = {
    "choropleth": lambda gdf, **kw: maps.choropleth(gdf, "households", k=2, **kw),
    "categorical": lambda gdf, **kw: maps.categorical(gdf, "lead", **kw),
    "timeslider": lambda gdf, **kw: maps.timeslider(gdf, ["households", "h2"], k=2, **kw),
}


@pytest.mark.parametrize("builder", list(BUILDERS))
def test_tooltip_keyword_means_the_same_in_every_builder(builder: str) -> None:
    build = BUILDERS[builder]
    gdf = _layer()
    default = _tooltip(build(gdf))
    assert default and ["", "@value"] in default
    assert _tooltip(build(gdf, tooltip=True)) == default  # was a TypeError in categorical
    assert _tooltip(build(gdf, tooltip=None)) == default
    assert _tooltip(build(gdf, tooltip=False)) == []
    extra = _tooltip(build(gdf, tooltip=["tambon_code"]))
    assert extra == [*default, ["tambon_code", "col:tambon_code"]]
    assert _tooltip(build(gdf, tooltip="tambon_code")) == extra
    with pytest.raises(TambonGISError, match="popup=True does not say what to show"):
        build(gdf, popup=True)


# --- one set of map options (issue 9) --------------------------------------------------------


def _specs(m) -> list[dict]:
    page = m.get_root().render()
    return [json.loads(s) for s in re.findall(r"TambonGIS\.addLayer\([^,]+, (\{.*?\})\);", page)]


def _frame(n: int = 4) -> gpd.GeoDataFrame:
    gdf = _layer(n)
    gdf["amphoe_code"] = ["3201", "3201", "3202", "3202"][:n]
    gdf["changwat_code"] = ["32"] * n
    return gdf


@pytest.mark.parametrize("builder", list(BUILDERS))
def test_every_builder_takes_options_the_same_as_keywords(builder: str) -> None:
    build = BUILDERS[builder]
    gdf = _frame()
    kw = {"title": "ครัวเรือน", "lang": "en", "outlines": ("changwat",), "credit": "Survey",
          "context": False, "tooltip": ["h2"]}
    by_keywords = _specs(build(gdf, **kw))
    by_options = _specs(build(gdf, options=maps.MapOptions(**kw)))
    assert by_options == by_keywords
    spec = by_options[0]
    assert spec["title"] == "ครัวเรือน" and spec["credit"] == "Survey"
    assert [o["level"] for o in spec["outlines"]] == ["changwat"]
    assert spec["text"]["nodata"] == "No data"


@pytest.mark.parametrize("builder", list(BUILDERS))
def test_an_explicit_keyword_beats_the_options(builder: str) -> None:
    build = BUILDERS[builder]
    opts = maps.MapOptions(title="from options", lang="en", search=False, context=False)
    spec = _specs(build(_frame(), options=opts, title="from keyword", search=True))[0]
    assert spec["title"] == "from keyword"  # the keyword wins
    assert spec["text"]["nodata"] == "No data"  # the options still hold for the rest
    assert spec["search"]  # search=True beat search=False
    assert opts.title == "from options"  # the options are not changed


def test_options_have_one_default_and_are_checked() -> None:
    opts = maps.MapOptions()
    assert opts.outlines == ("amphoe", "changwat") and opts.credit == "auto"
    assert repr(opts) == "MapOptions()"
    assert maps.MapOptions(outlines=["amphoe"]).outlines == ("amphoe",)  # made immutable
    assert maps.MapOptions is tg.MapOptions
    with pytest.raises(dataclasses.FrozenInstanceError):
        opts.title = "x"  # type: ignore[misc]
    with pytest.raises(TambonGISError, match=r"lang='fr'.*'th' or 'en'"):
        maps.MapOptions(lang="fr")
    with pytest.raises(TambonGISError, match=r"outlines=\['tambon'\] not supported"):
        maps.MapOptions(outlines=("tambon",))
    with pytest.raises(TambonGISError, match=r"choropleth\(\): dates='x'"):
        maps.choropleth(_frame(), "households", dates="x")
    with pytest.raises(TambonGISError, match=r"\['colour'\] are not map options"):
        opts.merged(colour="red")
    with pytest.raises(TypeError, match=r"categorical\(\): options= must be a .*MapOptions"):
        maps.categorical(_frame(), "lead", options={"title": "x"})  # type: ignore[arg-type]


def test_filled_keeps_what_the_caller_set() -> None:
    opts = maps.MapOptions(title="mine", outlines=None)
    out = opts.filled(title="theirs", legend_title="score", outlines=("amphoe",), lang="en")
    assert (out.title, out.legend_title, out.outlines) == ("mine", "score", None)
    assert out.lang == "en"  # left at its default, so the map's choice


def test_credit_means_the_same_on_the_web_and_on_paper() -> None:
    from tambon_gis import static

    gdf = _frame()
    page_none = _specs(maps.choropleth(gdf, "households", k=2, credit=None, context=False))[0]
    page_auto = _specs(maps.choropleth(gdf, "households", k=2, context=False))[0]
    assert page_none["credit"] == "" and page_auto["credit"] == maps.credit(lang="th")
    fig_none = static.plot_map(gdf, "households", k=2, credit=None, context=False)
    fig_auto = static.plot_map(gdf, "households", k=2, context=False)
    assert maps.credit(lang="th") not in [t.get_text() for t in fig_none.axes[0].texts]
    assert maps.credit(lang="th") in [t.get_text() for t in fig_auto.axes[0].texts]


def test_timeslider_step_labels_and_place_labels() -> None:
    gdf = _frame()
    gdf["tambon_th"] = ["ก", "ข", "ค", "ง"]
    spec = _specs(maps.timeslider(gdf, ["households", "h2"], step_labels=["Q1", "Q2"], k=2,
                                  labels=False, context=False))[0]
    assert [s["label"] for s in spec["steps"]] == ["Q1", "Q2"]
    assert spec["labels"] == []  # labels= is place names, as in choropleth
    placed = _specs(maps.timeslider(gdf, ["households", "h2"], k=2, context=False))[0]
    assert placed["labels"]


def test_timeslider_labels_list_is_deprecated_for_step_labels() -> None:
    with pytest.warns(FutureWarning,
                      match=r"timeslider\(labels=\[\.\.\.\]\).*use timeslider\(step_labels="):
        m = maps.timeslider(_frame(), ["households", "h2"], labels=["Q1", "Q2"], k=2,
                            context=False)
    assert [s["label"] for s in _specs(m)[0]["steps"]] == ["Q1", "Q2"]


def test_timeslider_map_labels_is_deprecated_for_labels() -> None:
    with pytest.warns(FutureWarning, match=r"timeslider\(map_labels=.*use timeslider\(labels="):
        m = maps.timeslider(_frame(), ["households", "h2"], map_labels=False, k=2,
                            context=False)
    assert _specs(m)[0]["labels"] == []


def test_timeslider_kind_auto_and_bad_kind() -> None:
    gdf = _frame()
    cat = _specs(maps.timeslider(gdf, ["lead", "lead"], context=False))[0]  # auto: text
    assert cat["palette"][:2] == ["#1b9e77", "#d95f02"]
    gdf["t1"] = ["1", "2", "3", "4"]  # numbers stored as text are numbers
    num = _specs(maps.timeslider(gdf, ["t1", "h2"], k=2, context=False))[0]
    assert len(num["palette"]) == 2 and "tg-legend-title" in num["legend"]
    assert "–" in num["legend"]
    with pytest.raises(TambonGISError, match=r"kind='numbers'.*'auto', 'numeric', 'categorical'"):
        maps.timeslider(gdf, ["h2"], kind="numbers")


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        ([1.5, None, 3], "numeric"),
        ([1, 2, 3], "numeric"),
        (["1", " 2.5", None, ""], "numeric"),
        (["-3", "4e2"], "numeric"),
        (["พอช.", "ร่วม"], "categorical"),
        (["1", "two"], "categorical"),
        (["1,200", "3"], "categorical"),
        ([True, False], "categorical"),
        ([True, None], "categorical"),
        (["True", "False"], "categorical"),
        (["01", "02", "10"], "categorical"),
        ([None, None], "numeric"),
    ],
)
def test_infer_kind(values: list, kind: str) -> None:
    assert maps.infer_kind(pd.Series(values)) == kind


def test_infer_kind_of_dtypes() -> None:
    assert maps.infer_kind(pd.Series([1, 2, 3]).astype("category")) == "categorical"
    assert maps.infer_kind(pd.Series([True, None], dtype="boolean")) == "categorical"
    assert maps.infer_kind(pd.Series(pd.to_datetime(["2025-01-01"]))) == "categorical"
    assert maps.infer_kind(pd.Series(["1", "2"], dtype="string")) == "numeric"
    assert maps.infer_kind(pd.Series([1, None], dtype="Int64")) == "numeric"


@pytest.mark.realdata
def test_the_cli_map_colours_by_infer_kind(tambon_simplified_zip, tambons, tmp_path, capsys):
    from tambon_gis.cli import main

    codes = tambons.loc[tambons["changwat_code"] == "32", "tambon_code"].astype(str).head(6)
    table = tmp_path / "t.csv"
    pd.DataFrame({"tambon_code": codes, "group": ["01", "02", "03"] * 2,
                  "share": ["1.5", "2", "3", "4", "5", "6"]}).to_csv(table, index=False)
    pages = {}
    for column in ("group", "share"):
        out = tmp_path / f"{column}.html"
        assert main(["map", "--boundaries", str(tambon_simplified_zip), "--province", "32",
                     "--table", str(table), "--column", column, "--out", str(out)]) == 0
        page = out.read_text(encoding="utf-8")
        spec = json.loads(re.findall(r"TambonGIS\.addLayer\([^,]+, (\{.*?\})\);", page)[0])
        pages[column] = re.findall(r"tg-label-text'>([^<]*)<", spec["legend"])
    capsys.readouterr()
    group = pages["group"]
    assert group[:3] == ["01", "02", "03"]  # codes: categories, leading zero kept
    share = pages["share"]
    assert all("–" in lab for lab in share[:-1])  # numbers: classed


def test_one_classification_for_web_paper_and_selection() -> None:
    """The same values give the same classes on a choropleth, a PNG and a selection map."""
    from tambon_gis import static
    from tambon_gis.selection import select_areas

    n = 9
    gdf = gpd.GeoDataFrame(
        {
            "tambon_code": [f"3201{i + 1:02d}" for i in range(n)],
            "tambon_th": [f"ตำบล{i}" for i in range(n)],
            "amphoe_code": ["3201"] * n,
            "changwat_code": ["32"] * n,
            "changwat_th": ["สุรินทร์"] * n,
            "region": ["ภาคตะวันออกเฉียงเหนือ"] * n,
            # 3.0 and 5.0... sit on the quantile limits: where they fall is the rule tested
            "s": [1.0, 2.0, 3.0, 3.0, 5.0, 5.0, 6.0, 7.0, 9.0],
        },
        geometry=[box(103 + 0.1 * i, 14.8, 103.1 + 0.1 * i, 14.9) for i in range(n)],
        crs="EPSG:4326",
    )
    sel = select_areas(gdf, n=2, score="s")
    scored = sel.scored
    k = 3
    web = _specs(maps.choropleth(scored, "s", k=k, context=False))[0]
    web_labels = re.findall(r"<span class='tg-label-text'>([^<]*)</span>", web["legend"])
    fig = static.plot_map(scored, "s", k=k, context=False)
    legend = fig.axes[0].get_legend()
    paper_labels = [t.get_text().rsplit("  (", 1)[0] for t in legend.get_texts()]
    assert paper_labels == web_labels and len(web_labels) == 3
    spec = _specs(sel.to_map(k=k, lang="en", options=maps.MapOptions(context=False)))[0]
    sel_labels = re.findall(r"<span class='tg-label-text'>score ([^<]*)</span>", spec["legend"])
    assert len(sel_labels) == 3

    def bounds(labels: list[str]) -> list[float]:
        return [float(x) for lab in labels for x in lab.split(" – " if " – " in lab else "–")]

    assert bounds(sel_labels[::-1]) == pytest.approx(bounds(web_labels), abs=0.01)
    n_cls = len(sel_labels)  # the selection lists the classes high to low
    sel_classes = [n_cls - 1 - c for c in spec["steps"][0]["classes"]]
    assert sel_classes == web["steps"][0]["classes"]
    assert web["steps"][0]["classes"][2:4] == [0, 0]  # 3.0 is in the class up to 3.0


def test_timeslider_labels_none_keeps_the_place_names() -> None:
    spec = _specs(maps.timeslider(_frame(), ["households", "h2"], labels=None, k=2,
                                  context=False))[0]
    assert [s["label"] for s in spec["steps"]] == ["households", "h2"]
    assert spec["labels"]  # the place names are drawn, as before
    with pytest.raises(TambonGISError, match=r"labels='yes' is not supported; use True or False"):
        maps.MapOptions(labels="yes")  # type: ignore[arg-type]


@pytest.mark.parametrize("builder", ["choropleth", "categorical", "timeslider"])
def test_highlighted_rows_have_a_legend_row_saying_how_they_are_drawn(builder: str) -> None:
    gdf = _frame()
    column = {"choropleth": "households", "categorical": "lead", "timeslider": "households"}
    col = column[builder]
    args = ([col, "h2"],) if builder == "timeslider" else (col,)
    plain = _specs(getattr(maps, builder)(gdf, *args, context=False))[0]
    assert "tg-highlight-row" not in plain["legend"]
    spec = _specs(getattr(maps, builder)(gdf, *args, highlight=["320101", "320103"],
                                         highlight_label="ตำบลที่เลือก <b>", context=False))[0]
    legend = spec["legend"]
    assert legend.count("tg-highlight-row") == 1
    assert "ตำบลที่เลือก &lt;b&gt; (เส้นขอบแดง" in legend and ">2<" in legend
    assert spec["highlight_name"] == "ตำบลที่เลือก &lt;b&gt; (2)"  # escaped for the control
    en = _specs(getattr(maps, builder)(gdf, *args, highlight=["320101"], lang="en",
                                       context=False))[0]
    assert "Highlighted tambons (red outline" in en["legend"]
