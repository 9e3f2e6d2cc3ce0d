"""The national layer embedded in the package: file, checksum, topology, lookup order, demo."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

import tambon_gis as tg
from tambon_gis import datasets, settings
from tambon_gis._errors import DataNotFoundError
from tambon_gis.boundaries import ResolutionWarning, is_embedded

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def no_local_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No env var, an empty project folder and an empty cache: only the embedded layer."""
    monkeypatch.setattr(settings, "cache_folder", tmp_path / "cache")
    monkeypatch.setattr(settings, "project_data_folder", tmp_path / "no_project_data")
    for var in (settings.ENV_BOUNDARIES, settings.ENV_OFFLINE, datasets.ENV_MIRROR):
        monkeypatch.delenv(var, raising=False)
    return tmp_path / "cache"


@pytest.fixture(scope="module")
def embedded() -> gpd.GeoDataFrame:
    return gpd.read_parquet(datasets.embedded_path())


def test_file_matches_recorded_sha256_and_size() -> None:
    info = datasets.embedded_info()
    path = datasets.embedded_path()
    assert datasets.sha256(path) == info["sha256"]
    assert path.stat().st_size == info["bytes"] <= 6_000_000
    assert info["license"] == "CC BY-IGO 3.0" and "Royal Thai Survey" in info["attribution"]


def test_columns_names_area_origin(embedded: gpd.GeoDataFrame) -> None:
    assert list(embedded.columns) == [*tg.CANONICAL_COLUMNS["tambon"][:-1], "area_km2", "origin",
                                      "geometry"]
    assert len(embedded) == 7425 and embedded["tambon_code"].is_unique
    names = embedded.set_index("tambon_code")["tambon_th"]
    assert names["801210"] == "ปากพนังฝั่งตะวันตก" and names["801214"] == "ปากพนังฝั่งตะวันออก"
    assert (embedded["area_km2"] > 0).all()
    # the total is Thailand's land area (about 513,000 km²)
    assert 500_000 < embedded["area_km2"].sum() < 530_000
    origin = embedded.groupby("changwat_code")["origin"].agg(set)
    assert all(len(v) == 1 for v in origin)
    recorded = datasets.embedded_info()["origin"]
    assert dict(embedded.groupby("changwat_code")["origin"].first()) == recorded
    assert sorted(c for c, o in recorded.items() if o == "simplified") == [
        "30", "34", "36", "40", "41", "46", "47", "57", "67"]


def test_topology_is_clean(embedded: gpd.GeoDataFrame) -> None:
    geoms = np.asarray(embedded.geometry.values)
    assert shapely.is_valid(geoms).all() and not shapely.is_empty(geoms).any()
    assert not (~shapely.is_empty(shapely.coverage_invalid_edges(geoms))).any()
    union = shapely.coverage_union_all(geoms)
    assert shapely.get_num_interior_rings(shapely.get_parts(union)).sum() == 0  # no gap
    fig = datasets.embedded_info()["figures"]
    assert int(shapely.get_num_coordinates(geoms).sum()) == fig["vertices"]
    assert fig["shift_m_p99"] <= 200


@pytest.mark.realdata
def test_codes_and_parts_equal_the_hdx_layer(embedded: gpd.GeoDataFrame,
                                              tambon_full_zip: Path) -> None:
    raw = pyogrio.read_dataframe(tambon_full_zip, columns=["ADM3_PCODE"], read_geometry=True)
    codes = sorted(raw["ADM3_PCODE"].str[2:])
    assert sorted(embedded["tambon_code"]) == codes
    src = dict(zip(raw["ADM3_PCODE"].str[2:], shapely.get_num_geometries(raw.geometry.values),
                   strict=True))
    got = dict(zip(embedded["tambon_code"], shapely.get_num_geometries(embedded.geometry.values),
                   strict=True))
    lost = {c: (src[c], got[c]) for c in codes if got[c] < src[c]}
    assert not lost  # no tambon and no island part lost


def test_load_boundaries_uses_the_embedded_layer(no_local_copy: Path,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="tambon_gis"):
        gdf = tg.load_boundaries()
    assert is_embedded(gdf) and len(gdf) == 7425
    assert list(gdf.columns) == [*tg.CANONICAL_COLUMNS["tambon"][:-1], "area_km2", "geometry"]
    said = " ".join(r.getMessage() for r in caplog.records)
    assert "embedded national layer" in said and "resolution='full'" in said
    assert datasets.embedded_info()["vintage"] in said
    assert gdf.attrs["boundary_layer"]["vintage"] == "2022-01-21"
    # nothing was downloaded or written to the downloads folder
    assert not any((no_local_copy / "downloads").glob("*.zip"))


def test_every_level_from_the_embedded_layer(no_local_copy: Path) -> None:
    tambons = tg.load_boundaries()
    amphoe = tg.load_boundaries(level="amphoe")
    changwat = tg.load_boundaries(level="changwat")
    assert len(amphoe) == 928 and len(changwat) == 77
    assert len(tg.to_level(tambons, "amphoe")) == 928
    assert len(tg.to_level(tambons, "changwat")) == 77
    assert len(tg.to_level(tambons, "region")) == 6
    for up in (amphoe, changwat):
        assert is_embedded(up)
        assert up["area_km2"].sum() == pytest.approx(tambons["area_km2"].sum(), rel=1e-6)
    surin = changwat.set_index("changwat_code").loc["32"]
    assert surin["changwat_th"] == "สุรินทร์"
    assert surin["area_km2"] == pytest.approx(
        tambons.loc[tambons["changwat_code"] == "32", "area_km2"].sum())
    four = tg.load_boundaries(region_scheme="four")
    assert four["region"].nunique() == 4
    # the frames returned are copies: changing one does not change the next
    tambons["tambon_th"] = "x"
    assert tg.load_boundaries()["tambon_th"].iloc[0] != "x"


def test_full_resolution_offline_error_is_short_and_mentions_the_embedded_layer(
        no_local_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(settings.ENV_OFFLINE, "1")
    with pytest.raises(DataNotFoundError) as err:
        tg.load_boundaries(resolution="full")
    msg = str(err.value)
    src = datasets.get_source()
    assert msg.count("https://") == 1 and src.page in msg
    assert "TAMBON_GIS_OFFLINE" in msg and "embedded" in msg and src.filename in msg
    folders = len(str(settings.project_data_folder)) + len(str(no_local_copy / "downloads"))
    assert len(msg) - folders < 400  # short: the link once, the two folders, one fix


def test_failed_download_does_not_blame_offline(no_local_copy: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(datasets.ENV_MIRROR, "http://127.0.0.1:9")
    with pytest.raises(DataNotFoundError) as err:
        tg.load_boundaries(resolution="full")
    msg = str(err.value)
    assert "TAMBON_GIS_OFFLINE" not in msg and "download" in msg and "embedded" in msg


def test_resolution_is_checked() -> None:
    with pytest.raises(ValueError, match="resolution='best'"):
        tg.load_boundaries(resolution="best")  # type: ignore[arg-type]


def test_assign_points_warns_on_the_embedded_layer(no_local_copy: Path) -> None:
    gdf = tg.load_boundaries()
    points = gdf.geometry.iloc[:3].representative_point().get_coordinates()
    with pytest.warns(ResolutionWarning, match="resolution='full'"):
        out = tg.assign_points(points, gdf)
    assert (out["tambon_code"].to_numpy() == gdf["tambon_code"].iloc[:3].to_numpy()).all()
    plain = gdf.copy()
    plain.attrs = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tg.assign_points(points, plain)


def test_example_path_finds_every_example() -> None:
    folder = datasets.example_path()
    names = sorted(p.name for p in (ROOT / "examples").iterdir() if p.is_file())
    assert names and all(datasets.example_path(n).is_file() for n in names)
    assert folder.is_dir()
    with pytest.raises(DataNotFoundError, match=r"pilot_tambons\.csv"):
        datasets.example_path("nope.csv")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from tambon_gis.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"tambon-gis {tg.__version__}"


def _clean_env(tmp_path: Path, root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAMBON_GIS_")}
    env.update(TAMBON_GIS_OFFLINE="1", TAMBON_GIS_CACHE=str(tmp_path / "cache"),
               PYTHONPATH=str(root), MPLBACKEND="Agg")
    return env


def _fresh_clone(target: Path) -> Path:
    """Copy the files git tracks (as they are now) into ``target``: a clone, nothing beside it."""
    import shutil

    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        src = ROOT / name
        if src.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target / name)
    return target


@pytest.mark.slow
def test_demo_runs_offline_outside_the_tree(tmp_path: Path) -> None:
    """``tambon-gis demo`` in a fresh clone.

    No ../shared, no variable, no download, cwd elsewhere.
    """
    clone = _fresh_clone(tmp_path / "clone")
    assert not (clone.parent / "shared").exists()
    assert not any(p.suffix != ".md" for p in (clone / "data" / "boundaries").iterdir())
    work = tmp_path / "elsewhere"
    work.mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "tambon_gis.cli", "demo", "--out", "out"],
        cwd=work,
        env=_clean_env(tmp_path, clone),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "embedded national layer" in proc.stderr
    written = [Path(line) for line in proc.stdout.split() if line.strip()]
    assert written, proc.stdout
    for path in written:
        path = path if path.is_absolute() else work / path
        assert path.is_file() and path.stat().st_size > 0, path
        if path.suffix == ".html":
            text = path.read_text(encoding="utf-8")
            assert "<html" in text.lower() and "</html>" in text.lower()
        elif path.suffix == ".png":
            import matplotlib.image

            assert matplotlib.image.imread(path).shape[0] > 100
        elif path.suffix == ".csv":
            import pandas as pd

            assert len(pd.read_csv(path)) > 0
    assert not (tmp_path / "cache" / "downloads").exists() or not any(
        (tmp_path / "cache" / "downloads").glob("*.zip")
    )


def test_pyproject_lists_every_package() -> None:
    import tomllib

    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(conf["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "tambon_gis").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert found <= listed, found - listed
    assert conf["tool"]["setuptools"]["package-dir"]["tambon_gis._examples"] == "examples"
    assert "CC-BY-3.0-IGO" in conf["project"]["license"]
    test_extra = " ".join(conf["project"]["optional-dependencies"]["test"])
    assert "build" in test_extra and "twine" in test_extra


def test_cli_boundaries_embedded(no_local_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tambon_gis.cli import main

    assert main(["boundaries", "--level", "changwat", "--resolution", "embedded"]) == 0
    out = capsys.readouterr().out
    assert "77 changwat areas" in out and "embedded" in out


@pytest.mark.slow
def test_wheel_and_sdist_contain_the_data_assets_and_examples(tmp_path: Path) -> None:
    import tarfile
    import zipfile

    proc = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    wheel = next(tmp_path.glob("*.whl"))
    sdist = next(tmp_path.glob("*.tar.gz"))
    assert wheel.stat().st_size <= 6_500_000
    names = set(zipfile.ZipFile(wheel).namelist())
    examples = [
        p.relative_to(ROOT / "examples").as_posix()
        for p in (ROOT / "examples").rglob("*")
        if p.is_file()
    ]
    for name in [
        "tambon_gis/_data/tambon_embedded.parquet",
        "tambon_gis/_data/tambon_embedded.json",
        "tambon_gis/_assets/leaflet/leaflet.js",
        *(f"tambon_gis/_examples/{n}" for n in examples),
    ]:
        assert name in names, name
    meta = (
        zipfile.ZipFile(wheel)
        .read(next(n for n in names if n.endswith(".dist-info/METADATA")))
        .decode()
    )
    assert "License-Expression: MIT AND CC-BY-3.0-IGO" in meta
    with tarfile.open(sdist) as tar:
        members = {m.split("/", 1)[1] for m in tar.getnames() if "/" in m}
    assert {
        "tambon_gis/_data/tambon_embedded.parquet",
        "scripts/build_embedded_boundaries.py",
        "LICENSES/CC-BY-3.0-IGO.txt",
    } <= members
    check = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(wheel), str(sdist)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
