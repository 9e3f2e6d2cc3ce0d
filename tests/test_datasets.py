"""Tests of tambon_gis.datasets: registry, download with checksum over loopback, lookup order."""

from __future__ import annotations

import functools
import http.server
import json
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pyogrio
import pytest

import tambon_gis as tg
from tambon_gis import datasets, settings
from tambon_gis._errors import DataNotFoundError, ValidationError


def test_registry_entries_are_complete() -> None:
    for src in datasets.sources():
        assert src.url.startswith("https://") and src.filename.endswith(".zip")
        assert set(src.members) == {"tambon", "amphoe", "changwat"}
        assert src.license and src.attribution and src.vintage
        assert src.hash is None or len(src.hash) == 64
        assert "<table>" in src._repr_html_()
    with pytest.raises(ValidationError, match=r"'nope'.*\['hdx-cod-ab-tha'\].*pass one") as info:
        datasets.get_source("nope")
    assert isinstance(info.value, ValueError) and not isinstance(info.value, KeyError)
    with pytest.raises(ValidationError, match="did you mean 'hdx-cod-ab-tha'"):
        datasets.get_source("hdx-cod-ab")
    # a level the archive has no layer of is a user's mistake: a ValueError, not a KeyError
    with pytest.raises(ValidationError, match=r"level='region'.*\['amphoe', 'changwat'") as info:
        datasets.extract(level="region")
    assert not isinstance(info.value, KeyError)


@pytest.fixture()
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(settings, "cache_folder", tmp_path / "cache")
    monkeypatch.setattr(settings, "project_data_folder", tmp_path / "no_project_data")
    monkeypatch.delenv(settings.ENV_BOUNDARIES, raising=False)
    monkeypatch.delenv(settings.ENV_OFFLINE, raising=False)
    monkeypatch.delenv(datasets.ENV_MIRROR, raising=False)
    return tmp_path / "cache"


@pytest.fixture()
def mirror(tmp_path: Path, tambon_simplified_zip: Path) -> Iterator[tuple[str, Path, list[str]]]:
    """A loopback HTTP server holding an archive shaped like the HDX download (3 provinces)."""
    src = datasets.get_source()
    served = tmp_path / "served"
    served.mkdir()
    build = tmp_path / "build"
    build.mkdir()
    raw = pyogrio.read_dataframe(
        tambon_simplified_zip, encoding="utf-8", where="ADM1_PCODE IN ('TH32', 'TH33', 'TH34')"
    )
    raw = raw.drop(columns=["date", "validOn", "validTo"])
    stem = src.members["tambon"]
    pyogrio.write_dataframe(raw, build / f"{stem}.shp", encoding="utf-8")
    (build / f"{stem}.cpg").unlink(missing_ok=True)  # like the real HDX files
    archive = served / src.filename
    with zipfile.ZipFile(archive, "w") as zf:
        for part in build.iterdir():
            zf.write(part, part.name)
    requests: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, fmt: str, *args: object) -> None:
            requests.append(self.path)

    handler = functools.partial(Handler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", archive, requests
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.realdata
def test_download_records_then_verifies_checksum(fresh_cache: Path, mirror, monkeypatch) -> None:
    base, archive, requests = mirror
    monkeypatch.setenv(datasets.ENV_MIRROR, base)
    path = datasets.fetch()
    assert path.read_bytes() == archive.read_bytes()
    hashes = json.loads((fresh_cache / "downloads" / "hashes.json").read_text())
    assert hashes[archive.name] == datasets.sha256(archive)
    assert len(requests) == 1
    # a second fetch uses the cache, verified, with no request
    assert datasets.fetch() == path
    assert len(requests) == 1
    # a damaged cached file is refused with the fix
    path.write_bytes(b"damaged")
    with pytest.raises(ValueError, match="Delete it"):
        datasets.fetch()


@pytest.mark.realdata
def test_download_rejects_a_changed_file(fresh_cache: Path, mirror, monkeypatch) -> None:
    base, archive, _ = mirror
    monkeypatch.setenv(datasets.ENV_MIRROR, base)
    path = datasets.fetch()
    path.unlink()
    archive.write_bytes(archive.read_bytes() + b"tampered")
    with pytest.raises(ValueError, match=r"(?i)sha256|hash"):
        datasets.fetch()


@pytest.mark.realdata
def test_load_boundaries_downloads_only_when_asked(fresh_cache: Path, mirror, monkeypatch) -> None:
    base, _, requests = mirror
    monkeypatch.setenv(datasets.ENV_MIRROR, base)
    assert tg.boundaries.is_embedded(tg.load_boundaries())  # no download unless asked
    assert len(requests) == 0
    gdf, report = tg.boundaries.load_boundaries_with_report(resolution="full")
    assert set(gdf["changwat_code"]) == {"32", "33", "34"}
    assert report.encoding == "utf-8"
    assert len(requests) == 1
    # offline now works from the cache
    monkeypatch.setenv(settings.ENV_OFFLINE, "1")
    assert len(tg.load_boundaries()) == len(gdf)


def test_offline_without_copy_says_what_to_do(fresh_cache: Path, monkeypatch) -> None:
    monkeypatch.setenv(settings.ENV_OFFLINE, "1")
    assert tg.boundaries.is_embedded(tg.load_boundaries())  # the embedded layer, no error
    with pytest.raises(DataNotFoundError) as err:
        tg.load_boundaries(resolution="full")
    msg = str(err.value)
    src = datasets.get_source()
    assert src.filename in msg and src.page in msg and "TAMBON_GIS_BOUNDARIES" in msg
    assert str(fresh_cache / "downloads") in msg


def test_failed_download_says_what_to_do(fresh_cache: Path, monkeypatch) -> None:
    # a closed loopback port: the request is refused at once
    monkeypatch.setenv(datasets.ENV_MIRROR, "http://127.0.0.1:9")
    with pytest.raises(DataNotFoundError, match=r"download of http://127.0.0.1:9"):
        datasets.fetch()


@pytest.mark.realdata
def test_lookup_order_env_then_project(fresh_cache: Path, tmp_path: Path, surin_zip: Path,
                                       tambon_simplified_zip: Path, monkeypatch) -> None:
    project = tmp_path / "project_boundaries"
    project.mkdir()
    (project / "tha_adm3_tambon.zip").write_bytes(tambon_simplified_zip.read_bytes())
    monkeypatch.setattr(settings, "project_data_folder", project)
    assert datasets.boundaries_path() == project
    assert len(tg.load_boundaries()) == 7425
    monkeypatch.setenv(settings.ENV_BOUNDARIES, str(surin_zip))
    assert datasets.boundaries_path() == surin_zip
    assert len(tg.load_boundaries()) == 159
    monkeypatch.setenv(settings.ENV_BOUNDARIES, str(tmp_path / "missing"))
    with pytest.raises(DataNotFoundError, match="does not exist"):
        datasets.boundaries_path()
