"""Opening monitoring stores one cannot write, and files that are not stores (issue 12)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import tempfile
from pathlib import Path

import pytest

import tambon_gis as tg
from tambon_gis.monitoring import MonitoringStore, monitoring_report, open_store

DATA = Path(__file__).parent / "data"
PERIOD = "ไตรมาส 1/2566"


def make_loaded_store(path: Path) -> None:
    with open_store(path, name="โครงการนำร่อง", fiscal_years=(2566, 2567)) as store:
        store.set_areas(DATA / "monitor_areas.csv")
        store.set_indicators(DATA / "monitor_indicators.csv")
        store.set_targets(DATA / "monitor_targets.csv")
        store.import_file(DATA / "monitor_q1_long.csv")


def read_everything(store_path: Path, out: Path) -> dict:
    """What a reader does with a store: open, status, report, and the CLI."""
    from tambon_gis.cli import main

    result: dict = {}
    with open_store(store_path, create=False) as store:
        result["read_only"] = store.read_only
        result["summary"] = store.status(PERIOD).summary().to_dict("records")
        result["n_areas"] = len(store.status(PERIOD).to_frame())
        try:
            store.import_file(DATA / "monitor_q1_correction.csv")
        except tg.TambonGISError as exc:
            result["write_error"] = (type(exc).__name__, str(exc))
    report = monitoring_report(store_path, fiscal_year=2566, path=out / "report.html", maps=False)
    result["report_bytes"] = report.stat().st_size
    result["cli_status"] = main(["monitor", "status", str(store_path), "--period", PERIOD])
    # last, as it changes a writable store: an import through the CLI
    result["cli_import"] = main(["monitor", "import", str(store_path),
                                 str(DATA / "monitor_q1_correction.csv")])  # fmt: skip
    return result


def test_read_only_store_reads_without_write_access(tmp_path: Path) -> None:
    """As an unprivileged user (root ignores permissions): a forked child drops to nobody."""
    if os.getuid() != 0:  # pragma: no cover - the suite runs as root in this workplace
        pytest.fail("this test needs to start as root to drop to an unprivileged user")
    base = Path(tempfile.mkdtemp(prefix="tg_ro_", dir="/tmp"))
    try:
        share, out = base / "share", base / "out"
        share.mkdir()
        out.mkdir()
        store_path = share / "kpi.sqlite"
        make_loaded_store(store_path)
        # The same work once as root on a writable copy: the expected answer, and every lazy
        # import done before the child loses access to the interpreter's own folders.
        shutil.copy(store_path, tmp_path / "copy.sqlite")
        expected = read_everything(tmp_path / "copy.sqlite", tmp_path)
        assert expected["read_only"] is False and "write_error" not in expected
        os.chmod(base, 0o755)
        os.chmod(out, 0o777)
        os.chmod(store_path, 0o444)
        os.chmod(share, 0o555)  # a read-only share: not even a -shm file can be made
        before = {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in share.iterdir()}
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            code = 1
            try:
                os.close(read)
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
                assert not os.access(store_path, os.W_OK)
                try:
                    res = read_everything(store_path, out)
                except BaseException as exc:  # reported to the parent
                    res = {"crash": f"{type(exc).__name__}: {exc}"}
                os.write(write, json.dumps(res, default=str).encode())
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        chunks = []
        while chunk := os.read(read, 65536):
            chunks.append(chunk)
        os.close(read)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        got = json.loads(b"".join(chunks))
        assert "crash" not in got, got
        assert got["read_only"] is True
        assert got["summary"] == json.loads(json.dumps(expected["summary"], default=str))
        assert got["n_areas"] == expected["n_areas"] > 0
        assert got["report_bytes"] > 10_000 and got["cli_status"] == 0
        assert expected["cli_import"] == 0 and got["cli_import"] == 1  # one line, no traceback
        name, message = got["write_error"]
        assert name == "ReadOnlyError" and "read-only" in message and str(store_path) in message
        after = {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in share.iterdir()}
        assert after == before  # nothing written, no -wal/-shm left behind
    finally:
        for p in (base, *base.rglob("*")):
            if p.is_dir():
                os.chmod(p, stat.S_IRWXU)
        shutil.rmtree(base)


def test_read_only_flag_opens_with_mode_ro_and_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "kpi.sqlite"
    make_loaded_store(path)
    n_before = sqlite3.connect(path).execute("SELECT count(*) FROM observations").fetchone()[0]
    with open_store(path, create=False, read_only=True) as store:
        assert store.read_only
        assert len(store.status(PERIOD).to_frame()) > 0
        with pytest.raises(tg.ReadOnlyError, match="open read-only"):
            store.import_file(DATA / "monitor_q1_correction.csv")
        with pytest.raises(PermissionError):
            store.configure(name="x")
        with pytest.raises(sqlite3.OperationalError, match=r"readonly|read-only"):
            store._con.execute("DELETE FROM meta")  # the connection itself cannot write
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM observations").fetchone()[0] == n_before
    assert dict(con.execute("SELECT key, value FROM meta"))["name"] == "โครงการนำร่อง"


@pytest.mark.parametrize(
    "content", [b"this is not a database\n" * 40, b"SQLite format 3\x00" + b"\xff" * 200]
)
def test_a_file_that_is_not_sqlite_is_named(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "kpi.sqlite"
    path.write_bytes(content)
    for read_only in (None, True):
        with pytest.raises(
            tg.CorruptFileError, match=f"{path}.*not a readable monitoring store"
        ) as info:
            MonitoringStore(path, create=False, read_only=read_only)
        assert isinstance(info.value, tg.TambonGISError)
        assert not isinstance(info.value, sqlite3.DatabaseError)


def test_a_damaged_store_is_named(tmp_path: Path) -> None:
    path = tmp_path / "kpi.sqlite"
    make_loaded_store(path)
    data = bytearray(path.read_bytes())
    page = 4096
    for i in range(page, len(data), 97):  # damage every page after the first
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    with (
        pytest.raises(tg.CorruptFileError, match=f"{path}.*(damaged|not a monitoring store)"),
        open_store(path, create=False) as store,
    ):
        store.status(PERIOD)


def test_an_sqlite_file_that_is_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    with pytest.raises(tg.CorruptFileError, match="not a monitoring store"):
        open_store(path, create=False, read_only=True)


def _foreign_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """SQLite files of other programs, each with the words its refusal must say."""
    import geopandas as gpd
    from shapely.geometry import Point

    gpkg = folder / "villages.gpkg"
    gpd.GeoDataFrame({"name": ["บ้านหนึ่ง"]}, geometry=[Point(103.5, 14.9)], crs=4326).to_file(
        gpkg, driver="GPKG"
    )
    other = folder / "inventory.sqlite"
    con = sqlite3.connect(other)
    con.executescript("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);"
                      "INSERT INTO items VALUES (1, 'ควาย');")  # fmt: skip
    con.close()
    # another program's meta table with a schema_version: still not a store
    lookalike = folder / "app.db"
    con = sqlite3.connect(lookalike)
    con.executescript("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                      "INSERT INTO meta VALUES ('schema_version', '2');"
                      "CREATE TABLE areas (tambon_code TEXT);")  # fmt: skip
    con.close()
    marked = folder / "tiles.mbtiles"
    con = sqlite3.connect(marked)
    con.executescript("PRAGMA application_id = 0x4D504258; CREATE TABLE metadata (name, value);")
    con.close()
    return {
        "gpkg": (gpkg, "a GeoPackage"),
        "other": (other, "other tables (items)"),
        "lookalike": (lookalike, "other tables (areas, meta)"),
        "mbtiles": (marked, "an MBTiles file"),
    }


@pytest.mark.parametrize("which", ["gpkg", "other", "lookalike", "mbtiles"])
def test_a_foreign_sqlite_file_is_refused_and_never_written(tmp_path: Path, which: str) -> None:
    path, words = _foreign_files(tmp_path)[which]
    before = path.read_bytes()
    names_before = sorted(p.name for p in tmp_path.iterdir())
    for kwargs in ({}, {"create": False}, {"create": True}, {"read_only": True}):
        with pytest.raises(tg.CorruptFileError) as info:
            open_store(path, **kwargs)
        message = str(info.value)
        assert str(path) in message and "not a monitoring store" in message, message
        assert words in message and "writes nothing into it" in message, message
        assert "new file name" in message  # the fix
    assert path.read_bytes() == before  # not a byte changed: no schema, no journal mode
    assert sorted(p.name for p in tmp_path.iterdir()) == names_before  # no -wal, no -shm


def test_a_store_carries_its_marker_and_older_stores_get_it(tmp_path: Path) -> None:
    from tambon_gis.monitoring.sql import APPLICATION_ID

    path = tmp_path / "kpi.sqlite"
    make_loaded_store(path)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    con.execute("PRAGMA application_id = 0")  # a store written before the marker
    con.commit()
    con.close()
    with open_store(path, create=False, read_only=True) as store:  # read as a store
        assert len(store.observations()) == 10
    with open_store(path, create=False) as store:  # and marked when next opened to write
        assert len(store.observations()) == 10
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    con.close()


def test_an_empty_file_becomes_a_store_only_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "kpi.sqlite"
    path.touch()
    with pytest.raises(tg.DataNotFoundError, match=f"{path}.*empty file.*create=True"):
        open_store(path, create=False)
    assert path.stat().st_size == 0
    with open_store(path) as store:
        assert store.meta["schema_version"] == tg.monitoring.SCHEMA_VERSION
