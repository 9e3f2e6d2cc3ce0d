"""The monitoring store on a real PostgreSQL/PostGIS server (tests/_pgserver.py).

Same API and results as the SQLite store; access control enforced by the database and tested
with separate database users; concurrent writers, a killed client and a dropped connection.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psycopg
import pytest
from _programme import make_store

from tambon_gis import gazetteer
from tambon_gis._errors import (
    AccessDeniedError,
    CorruptFileError,
    DataNotFoundError,
    ImportRejectedError,
    StoreAddressError,
    StoreConnectionError,
    ValidationError,
)
from tambon_gis.monitoring import SCHEMA_VERSION, MonitoringStore, open_store, status_map

DATA = Path(__file__).parent / "data"
PY = sys.executable
ENV = dict(os.environ, PYTHONIOENCODING="utf-8")


def counts(url: str) -> tuple[int, int, int]:
    with psycopg.connect(url) as con:
        return tuple(
            con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("observations", "current", "imports")
        )  # type: ignore[return-value]


# ---------------------------------------------------------------------------- addresses


def test_an_address_the_library_cannot_serve_is_an_error_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoreAddressError, match="cannot serve 'mysql://'") as info:
        open_store("mysql://ann:s3cret@db.example/kpi")
    assert "s3cret" not in str(info.value)
    # a PostgreSQL URL no server answers is a connection error, not a new SQLite file
    with pytest.raises(StoreConnectionError, match="cannot connect") as info:
        open_store("postgresql://ann:s3cret@/kpi?host=/nonexistent-socket-dir&connect_timeout=2")
    assert "s3cret" not in str(info.value)
    assert list(tmp_path.iterdir()) == []


def _relations(url: str) -> list[str]:
    with psycopg.connect(url) as con:
        return [r[0] for r in con.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace "
            "AND relkind IN ('r', 'v') ORDER BY relname"
        ).fetchall()]  # fmt: skip


@pytest.mark.postgres
def test_create_false_on_a_database_without_a_store_is_an_error_and_creates_nothing(
    pg_url: str,
):
    empty = _relations(pg_url)  # PostGIS's own tables only
    with pytest.raises(DataNotFoundError, match="no monitoring store in the database") as info:
        open_store(pg_url, create=False)
    assert "create=True" in str(info.value) and pg_url.split("?")[0] in str(info.value)
    assert _relations(pg_url) == empty
    with open_store(pg_url) as s:  # create=True (the default) makes the store
        assert s.meta["schema_version"] == SCHEMA_VERSION
    with open_store(pg_url, create=False) as s:  # and then create=False opens it
        assert s.backend == "postgresql"


@pytest.mark.postgres
def test_a_database_of_another_program_is_refused_and_never_written(pg_url: str):
    with psycopg.connect(pg_url, autocommit=True) as con:  # another program's meta and areas
        con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        con.execute("INSERT INTO meta VALUES ('schema_version', '7')")
        con.execute("CREATE TABLE areas (id INTEGER PRIMARY KEY, name TEXT)")
    before = _relations(pg_url)
    for create in (True, False):
        with pytest.raises(CorruptFileError, match="not a monitoring store") as info:
            open_store(pg_url, create=create)
        assert "(areas, meta)" in str(info.value) and "writes nothing" in str(info.value)
    assert _relations(pg_url) == before
    with psycopg.connect(pg_url) as con:
        assert con.execute("SELECT key, value FROM meta").fetchall() == [("schema_version", "7")]


# ---------------------------------------------------------------------------- same API


@pytest.mark.postgres
def test_postgres_store_gives_the_same_results_as_sqlite(pg_url: str, tmp_path: Path):
    sq = make_store(tmp_path / "kpi.sqlite")
    pg = make_store(pg_url)
    assert pg.backend == "postgresql" and sq.backend == "sqlite"
    assert pg.meta["schema_version"] == SCHEMA_VERSION
    for s in (sq, pg):
        assert s.import_file(DATA / "monitor_q1_long.csv").n_added == 10
        assert s.import_file(DATA / "monitor_q2_wide.xlsx").status == "imported"
        assert s.import_file(DATA / "monitor_q1_long.csv").status == "already imported"
        rep = s.import_file(DATA / "monitor_q1_correction.csv")
        assert rep.n_revised >= 1
    for what in ("areas", "indicators", "targets"):
        pd.testing.assert_frame_equal(getattr(sq, what)(), getattr(pg, what)(), check_dtype=False)
    skip = ["recorded_by", "recorded_at", "obs_id", "import_id"]
    for latest in (True, False):
        a = sq.observations(latest=latest).drop(columns=skip)
        b = pg.observations(latest=latest).drop(columns=skip)
        pd.testing.assert_frame_equal(a, b, check_dtype=False)
    for q in ("Q1 FY2566", "Q2 FY2566"):
        pd.testing.assert_frame_equal(sq.status(q).to_frame(), pg.status(q).to_frame())
        for level in ("changwat", "programme", "all"):
            pd.testing.assert_frame_equal(
                sq.rollup(q, level=level).to_frame(), pg.rollup(q, level=level).to_frame()
            )
    pd.testing.assert_frame_equal(sq.completeness(2566), pg.completeness(2566))
    assert "7 areas, 3 indicators" in repr(pg)
    # recorded_by is the database user, whatever the file says
    assert set(pg.observations()["recorded_by"]) == {pg.user}
    sq.close()
    pg.close()
    with open_store(pg_url, create=False) as again:  # reopening keeps everything
        assert len(again.observations(latest=False)) == len(b)


@pytest.mark.postgres
def test_observations_are_append_only_on_the_server(pg_url: str):
    with make_store(pg_url) as s:
        s.import_file(DATA / "monitor_q1_long.csv")
    with psycopg.connect(pg_url) as con:
        for sql in ("UPDATE observations SET value = 0", "DELETE FROM observations"):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                con.execute(sql)
            con.rollback()
    assert counts(pg_url)[0] == 10


@pytest.mark.postgres
def test_a_rejected_file_stores_nothing_on_the_server(pg_url: str):
    with make_store(pg_url) as s, pytest.raises(ImportRejectedError):
        s.import_file(DATA / "monitor_bad.csv")
    assert counts(pg_url) == (0, 0, 0)


# ---------------------------------------------------------------------------- access control


def _user(pg_server, name: str, password: str) -> None:
    pg_server.execute(
        f"DO $$ BEGIN CREATE ROLE {name} LOGIN PASSWORD '{password}'; "
        "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )


def _rows(*items: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"tambon_code": t, "indicator_id": i, "period": "Q1 FY2566", "value": v}
         for t, i, v in items]
    )  # fmt: skip


@pytest.mark.postgres
def test_roles_and_scopes_are_enforced_by_the_database(pg_server, pg_url: str, caplog):
    caplog.set_level(logging.DEBUG)
    db = pg_url.split("@/", 1)[1].split("?", 1)[0]
    for name in ("alice", "bob", "carol", "dave"):
        _user(pg_server, name, f"pw-{name}-S3cret")
    with make_store(pg_url) as admin:
        # alice: provincial editor of Surin (32); bob: agency editor of สภาองค์กรชุมชน
        admin.grant_access("alice", role="editor", changwats=["32"])
        admin.grant_access("bob", role="editor", agency="สภาองค์กรชุมชน")
        admin.grant_access("carol", role="reader")
        with pytest.raises(ValidationError, match="no database user 'nobody'"):
            admin.grant_access("nobody", role="reader")
        acc = admin.access().set_index("db_user")
        assert acc.loc["alice", "changwats"] == ["32"] and acc.loc["bob", "role"] == "editor"

    def connect(name: str) -> MonitoringStore:
        return open_store(pg_server.tcp_url(db, user=name, password=f"pw-{name}-S3cret"))

    with pytest.raises(AccessDeniedError, match="'dave' has no access"):
        connect("dave")
    alice, bob, carol = (connect(n) for n in ("alice", "bob", "carol"))
    for s, name in ((alice, "alice"), (bob, "bob")):
        assert f"pw-{name}-S3cret" not in repr(s)
    # alice: a file with one row outside Surin is rejected whole, naming that row
    with pytest.raises(ImportRejectedError) as info:
        alice.import_table(_rows(("320101", "hh_savings", "5"), ("900101", "hh_savings", "7"),
                                 ("320102", "debt", "9")))  # fmt: skip
    rej = info.value.report.rejected
    assert rej["tambon_code"].tolist() == ["900101"] and rej["row"].tolist() == [3]
    assert "outside the scope of 'alice'" in rej["reason"].iloc[0]
    assert counts(pg_url) == (0, 0, 0)
    assert alice.import_table(_rows(("320101", "hh_savings", "5"), ("320102", "debt", "9"))).ok
    # bob: his agency's indicator anywhere, joint ones only in the areas his agency leads
    with pytest.raises(ImportRejectedError) as info:
        bob.import_table(_rows(("900101", "plan_share", "0.5"), ("320103", "hh_savings", "3"),
                               ("320101", "hh_savings", "6"), ("320104", "debt", "1")))  # fmt: skip
    assert info.value.report.rejected["row"].tolist() == [4, 5]
    assert bob.import_table(_rows(("900101", "plan_share", "0.5"),
                                  ("320103", "hh_savings", "3"))).ok  # fmt: skip
    # readers and users without access write nothing; only admins set up the programme
    with pytest.raises(ImportRejectedError, match="'carol' is a reader"):
        carol.import_table(_rows(("320101", "hh_savings", "1")))
    with pytest.raises(AccessDeniedError, match="'alice' may not"):
        alice.set_targets([{"indicator_id": "debt", "fiscal_year": 2566, "target": 1}])
    with pytest.raises(AccessDeniedError):
        alice.grant_access("carol", role="admin")
    # everyone reads everything; recorded_by is the database user
    latest = carol.observations()
    assert dict(zip(latest["tambon_code"] + latest["indicator_id"], latest["recorded_by"],
                    strict=True)) == {"320101hh_savings": "alice", "320102debt": "alice",
                                      "900101plan_share": "bob", "320103hh_savings": "bob"}
    # the database itself refuses what Python would have caught (RLS), for any client
    with psycopg.connect(pg_server.tcp_url(db, user="alice", password="pw-alice-S3cret")) as con:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            con.execute(
                "INSERT INTO observations VALUES (999, '500101', 'debt', 'Q1FY2566', 2566, 1, 1, "
                "NULL, '', '', 'alice', 'now', 1, 1, 1, 1)"
            )
        con.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("UPDATE areas SET lead_agency = 'x'")
        con.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("INSERT INTO store_users VALUES ('alice', 'admin', NULL, NULL)")
    for s in (alice, bob, carol):
        s.close()
    assert not any("S3cret" in r.getMessage() for r in caplog.records)
    # a wrong password: the error names the store without the password
    with pytest.raises(StoreConnectionError) as info:
        open_store(pg_server.tcp_url(db, user="alice", password="wrong-Pa55"))
    assert "wrong-Pa55" not in str(info.value) and "alice:***@" in str(info.value)


# ---------------------------------------------------------------------------- processes

_CHILD = r"""
import logging, sys, time
from pathlib import Path
logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
from tambon_gis import settings
settings.progress = False
from tambon_gis.monitoring import open_store
store = open_store(sys.argv[1])
go = Path(sys.argv[3])
while not go.exists():
    time.sleep(0.01)
try:
    rep = store.import_file(sys.argv[2])
except Exception as exc:
    print(type(exc).__name__ + ": " + str(exc), flush=True)
    sys.exit(3)
print(repr(rep), flush=True)
store.close()
"""


def _big_file(tmp_path: Path, codes: list[str], inds: list[str], tag: str, value: float) -> Path:
    grid = pd.MultiIndex.from_product(
        [codes, inds, [f"Q{q} FY2566" for q in (1, 2, 3, 4)]],
        names=["tambon_code", "indicator_id", "period"],
    ).to_frame(index=False)
    grid["value"] = value
    grid["note"] = f"จาก {tag}"
    path = tmp_path / f"{tag}.csv"
    grid.to_csv(path, index=False)
    return path


def _program(url: str, codes: list[str], n_ind: int) -> None:
    with open_store(url, fiscal_years=2566) as s:
        s.set_areas(codes)
        s.set_indicators([{"indicator_id": f"k{i}", "name_th": f"ตัวชี้วัด {i}",
                           "aggregation": "sum"} for i in range(n_ind)])  # fmt: skip


@pytest.mark.postgres
@pytest.mark.slow
def test_many_writer_processes_lose_nothing_and_number_revisions_consistently(
    pg_url: str, tmp_path: Path
):
    codes = gazetteer.tambons().query("changwat_code == '32'")["tambon_code"].tolist()
    _program(pg_url, codes, 10)
    # four writers: two write the same keys (one becomes revision 2), two write other keys
    files = [
        _big_file(tmp_path, codes, ["k0", "k1", "k2"], "A", 1.0),
        _big_file(tmp_path, codes, ["k0", "k1", "k2"], "B", 2.0),
        _big_file(tmp_path, codes, ["k3", "k4"], "C", 3.0),
        _big_file(tmp_path, codes, ["k5", "k6"], "D", 4.0),
    ]
    go = tmp_path / "go"
    procs = [
        subprocess.Popen([PY, "-c", _CHILD, pg_url, str(f), str(go)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=ENV, text=True)
        for f in files
    ]  # fmt: skip
    time.sleep(1.0)
    go.touch()
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, out + err
        assert "imported" in out
    n = len(codes) * 4
    with open_store(pg_url, create=False) as s:
        hist = s.observations(latest=False)
        assert len(hist) == n * (3 + 3 + 2 + 2)
        assert len(s.imports()) == 4
        ab = hist[hist["indicator_id"].isin(["k0", "k1", "k2"])]
        revs = ab.groupby(["tambon_code", "indicator_id", "period"])["revision"].agg(sorted)
        assert revs.map(lambda r: list(r) == [1, 2]).all()
        assert hist["obs_id"].is_unique
        latest = s.observations()
        assert len(latest) == n * 7
        second = ab.sort_values("obs_id").iloc[-1]["note"]
        assert latest[latest["indicator_id"].isin(["k0", "k1", "k2"])]["note"].eq(second).all()


def _wait_for_writer(url: str, proc: subprocess.Popen, deadline: float) -> int:
    """The backend pid of the process holding the store's write lock (it is mid-import)."""
    from tambon_gis.monitoring.sql import WRITE_LOCK

    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        with psycopg.connect(url) as con:
            row = con.execute(
                "SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.objid = %s AND l.granted "
                "AND a.state = 'active'",
                (WRITE_LOCK,),
            ).fetchone()
        if row:
            return int(row[0])
        time.sleep(0.05)
    raise AssertionError("the import never started writing")


@pytest.mark.postgres
@pytest.mark.slow
def test_a_client_killed_or_cut_off_mid_import_leaves_nothing_behind(pg_url: str, tmp_path: Path):
    codes = gazetteer.tambons()["tambon_code"].tolist()[:2000]
    _program(pg_url, codes, 20)
    with open_store(pg_url) as s:
        s.import_table(_rows(*[(c, "k0", "1") for c in codes[:3]]))
    before = counts(pg_url)
    big = _big_file(tmp_path, codes, [f"k{i}" for i in range(20)], "big", 5.0)  # 160,000 rows
    go = tmp_path / "go"
    go.touch()
    # 1. the client process is killed
    proc = subprocess.Popen([PY, "-c", _CHILD, pg_url, str(big), str(go)], env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    _wait_for_writer(pg_url, proc, time.monotonic() + 240)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    # 2. the server drops the connection of a client mid-import: a clean error, nothing stored
    proc = subprocess.Popen([PY, "-c", _CHILD, pg_url, str(big), str(go)], env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    pid = _wait_for_writer(pg_url, proc, time.monotonic() + 240)
    with psycopg.connect(pg_url) as con:
        assert con.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 3, out + err
    assert "StoreConnectionError" in out and "was not imported" in out, out + err
    assert "nothing from the file is stored" in out and "Traceback" not in err
    # the server rolled both back (the killed client's once its connection closed)
    deadline = time.monotonic() + 30
    while counts(pg_url) != before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert counts(pg_url) == before
    with open_store(pg_url, create=False) as s:  # and the file imports cleanly afterwards
        assert s.import_file(big).n_added == 160_000 - 3
        assert s.import_file(big).status == "already imported"


def _terminate(url: str, pid: int) -> None:
    with psycopg.connect(url, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]


@pytest.mark.postgres
def test_a_connection_dropped_between_operations_is_replaced_and_the_call_runs(
    pg_url: str, caplog: pytest.LogCaptureFixture
):
    s = make_store(pg_url)
    s.import_file(DATA / "monitor_q1_long.csv")
    calls = {
        "status": lambda: s.status("Q1 FY2566").to_frame(),
        "rollup": lambda: s.rollup("Q1 FY2566", level="changwat").to_frame(),
        "observations": lambda: s.observations(latest=False),
        "repr": lambda: repr(s),
        "meta": lambda: s.meta,
    }
    before = {name: call() for name, call in calls.items()}
    for name, call in calls.items():  # reads: run again on a new connection, same answer
        pid = s._con.con.info.backend_pid
        _terminate(pg_url, pid)
        with caplog.at_level(logging.WARNING, logger="tambon_gis"):
            got = call()
        if isinstance(got, pd.DataFrame):
            pd.testing.assert_frame_equal(got, before[name])
        else:
            assert got == before[name]
        assert s._con.con.info.backend_pid != pid
    assert sum("dropped" in r.getMessage() for r in caplog.records) == len(calls)
    # a write transaction not begun yet: BEGIN finds the dropped connection, a new one writes
    _terminate(pg_url, s._con.con.info.backend_pid)
    assert s.import_file(DATA / "monitor_q2_wide.xlsx").status == "imported"
    _terminate(pg_url, s._con.con.info.backend_pid)
    s.configure(name="โครงการหลัก")
    assert s.meta["name"] == "โครงการหลัก"
    s.close()
    with open_store(pg_url, create=False) as again:
        assert len(again.imports()) == 2


@pytest.mark.postgres
def test_a_connection_dropped_mid_import_is_a_clean_error_and_stores_nothing(pg_url: str):
    import threading

    s = make_store(pg_url)
    s.import_file(DATA / "monitor_q1_long.csv")
    before = counts(pg_url)
    outcome: list[BaseException | object] = []

    def run() -> None:
        try:
            outcome.append(s.import_file(DATA / "monitor_q2_wide.xlsx"))
        except BaseException as exc:  # the test looks at what it was
            outcome.append(exc)

    # hold `current`, so the import waits inside its transaction after writing its
    # imports and observations rows; then the server drops its connection there
    with psycopg.connect(pg_url) as holder:
        holder.execute("LOCK TABLE current IN EXCLUSIVE MODE")
        pid = s._con.con.info.backend_pid
        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        deadline = time.monotonic() + 60
        with psycopg.connect(pg_url, autocommit=True) as watch:
            while time.monotonic() < deadline:
                row = watch.execute(
                    "SELECT wait_event_type, query FROM pg_stat_activity WHERE pid = %s", (pid,)
                ).fetchone()
                if row and row[0] == "Lock":
                    break
                time.sleep(0.02)
            assert row and row[0] == "Lock" and "current" in row[1], row
            assert watch.execute("SELECT count(*) FROM imports").fetchone()[0] == before[2]
        _terminate(pg_url, pid)
        holder.rollback()
    worker.join(timeout=60)
    assert not worker.is_alive()
    (exc,) = outcome
    assert isinstance(exc, StoreConnectionError), repr(exc)
    assert not isinstance(exc, psycopg.Error)
    assert exc.__cause__ is None and exc.__suppress_context__  # no psycopg traceback shown
    message = str(exc)
    assert "'monitor_q2_wide.xlsx' was not imported" in message
    assert "nothing from the file is stored" in message and "Run the import again" in message
    assert counts(pg_url) == before  # not one row of the file
    # the same store object reconnects, and the re-run imports the file
    rep = s.import_file(DATA / "monitor_q2_wide.xlsx")
    assert rep.status == "imported" and rep.n_added > 0
    assert counts(pg_url)[2] == before[2] + 1
    s.close()


@pytest.mark.postgres
def test_credentials_never_appear_in_repr_errors_or_logs(
    pg_server, pg_url: str, caplog: pytest.LogCaptureFixture
):
    import traceback

    _user(pg_server, "tess", "Sekr1t-tess")
    with make_store(pg_url) as s:
        s.grant_access("tess", role="admin")
    db = pg_url.split("@/", 1)[1].split("?", 1)[0]
    secret = "Sekr1t-tess"
    host = f"127.0.0.1 port={pg_server.port} dbname={db}"
    addresses = [
        pg_server.tcp_url(db, user="tess", password=secret),
        f"postgresql://tess@127.0.0.1:{pg_server.port}/{db}?password={secret}&sslmode=prefer",
        f"host={host} user=tess password={secret}",
    ]
    texts: list[str] = []
    with caplog.at_level(logging.DEBUG):
        for address in addresses:
            with open_store(address, create=False) as s:
                s.import_file(DATA / "monitor_q1_long.csv")
                texts += [repr(s), str(s), s._repr_html_(), s.user]
                _terminate(pg_url, s._con.con.info.backend_pid)  # logged reconnect
                texts.append(repr(s.meta))
        errors = []
        for wrong in (
            address.replace(secret, secret + "-wrong") for address in addresses
        ):  # a password the server refuses
            with pytest.raises(StoreConnectionError, match="cannot connect") as info:
                open_store(wrong)
            errors.append(info.value)
        fresh = pg_server.tcp_url(pg_server.new_database(), user="tess", password=secret)
        with pytest.raises(DataNotFoundError) as info:  # no store there
            open_store(fresh, create=False)
        errors.append(info.value)
    for exc in errors:
        texts.append("".join(traceback.format_exception(exc)))
    texts += [r.getMessage() for r in caplog.records]
    assert any("dropped" in t for t in texts)  # the reconnects were logged...
    assert any("tess" in t for t in texts)  # ...and the user is named
    leaks = [t for t in texts if secret in t]
    assert not leaks, leaks


# ---------------------------------------------------------------------------- migrate and CLI


@pytest.mark.postgres
def test_migrate_sqlite_to_postgres_and_back_keeps_every_revision(pg_url: str, tmp_path: Path):
    import geopandas as gpd
    from shapely.geometry import box

    sq = tmp_path / "kpi.sqlite"
    with make_store(sq) as s:
        s.import_file(DATA / "monitor_q1_long.csv")
        s.import_file(DATA / "monitor_q2_wide.xlsx")
        s.import_file(DATA / "monitor_q1_correction.csv")
        s.set_boundaries(gpd.GeoDataFrame(  # the outlines go along
            {"tambon_code": s.areas()["tambon_code"]},
            geometry=[box(100 + i, 14, 100.5 + i, 14.5) for i in range(7)], crs=4326))
        want_shapes = s.boundaries()
        want = s.observations(latest=False)
        want_latest = s.observations()
        want_status = s.status("Q1 FY2566").to_frame()
    cli = [PY, "-m", "tambon_gis.cli", "monitor", "migrate"]
    done = subprocess.run([*cli, str(sq), pg_url], capture_output=True, text=True, env=ENV)
    assert done.returncode == 0, done.stderr
    with open_store(pg_url, create=False) as pg:
        pd.testing.assert_frame_equal(pg.observations(latest=False), want, check_dtype=False)
        pd.testing.assert_frame_equal(pg.observations(), want_latest, check_dtype=False)
        pd.testing.assert_frame_equal(pg.status("Q1 FY2566").to_frame(), want_status)
        assert len(pg.imports()) == 3
        pd.testing.assert_frame_equal(pg.boundaries(), want_shapes)
        # the copy goes on: a new import gets the next ids and revisions
        assert pg.import_table(_rows(("320101", "hh_savings", "99"))).n_revised == 1
        after = pg.observations(latest=False)
    back = tmp_path / "offline.sqlite"
    done = subprocess.run([*cli, pg_url, str(back)], capture_output=True, text=True, env=ENV)
    assert done.returncode == 0, done.stderr
    with open_store(back, create=False) as s:
        pd.testing.assert_frame_equal(s.observations(latest=False), after, check_dtype=False)
        assert s.meta["name"] == "โครงการนำร่อง"
        pd.testing.assert_frame_equal(s.boundaries(), want_shapes)
    # into a store that already holds observations: refused, nothing changed
    done = subprocess.run([*cli, str(sq), pg_url], capture_output=True, text=True, env=ENV)
    assert done.returncode != 0 and "already holds" in done.stderr
    assert counts(pg_url)[0] == len(after)


@pytest.mark.postgres
def test_cli_grant_access_and_import_with_a_url(pg_server, pg_url: str):
    with make_store(pg_url):
        pass
    _user(pg_server, "erin", "pw-erin")
    cli = [PY, "-m", "tambon_gis.cli", "monitor"]
    done = subprocess.run([*cli, "grant", pg_url, "erin", "--role", "editor", "--changwat", "32"],
                          capture_output=True, text=True, env=ENV)  # fmt: skip
    assert done.returncode == 0, done.stderr
    done = subprocess.run([*cli, "access", pg_url], capture_output=True, text=True, env=ENV)
    assert "erin" in done.stdout and "editor" in done.stdout
    db = pg_url.split("@/", 1)[1].split("?", 1)[0]
    erin = pg_server.tcp_url(db, user="erin", password="pw-erin")
    done = subprocess.run([*cli, "import", erin, str(DATA / "monitor_q1_long.csv")],
                          capture_output=True, text=True, env=ENV)  # fmt: skip
    assert done.returncode == 1  # the file has one row in changwat 90: rejected whole
    assert "900101" in done.stderr and "outside the scope of 'erin'" in done.stderr
    assert counts(pg_url)[0] == 0
    assert "pw-erin" not in done.stdout + done.stderr
    done = subprocess.run([*cli, "revoke", pg_url, "erin"], capture_output=True, text=True,
                          env=ENV)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "erin" not in subprocess.run([*cli, "access", pg_url], capture_output=True,
                                        text=True, env=ENV).stdout  # fmt: skip


# ---------------------------------------------------------------------------- GIS and schema


@pytest.mark.postgres
@pytest.mark.realdata
def test_store_keeps_area_outlines_and_a_postgis_layer_of_their_status(
    pg_url: str, tmp_path: Path, tambons
):
    import geopandas as gpd

    sq = make_store(tmp_path / "kpi.sqlite")
    pg = make_store(pg_url)
    for s in (sq, pg):
        s.import_file(DATA / "monitor_q1_long.csv")
        assert s.set_boundaries(tambons) == 7
        got = s.boundaries()
        assert got.crs.to_epsg() == 4326 and len(got) == 7
        want = tambons.set_index("tambon_code").loc[got["tambon_code"]].to_crs(4326)
        # the stored outline is the layer's (as a one-part MultiPolygon), vertex for vertex
        assert got.geom_type.eq("MultiPolygon").all()
        parts = gpd.GeoSeries(got.geometry.explode(index_parts=False).to_numpy(), crs=4326)
        assert parts.geom_equals_exact(
            gpd.GeoSeries(want.geometry.to_numpy(), crs=4326), 0.0
        ).all()
        got_th = got.loc[got["tambon_code"] == "320101", "tambon_th"].iloc[0]
        assert got_th == want["tambon_th"].iloc[0]
        assert s.publish_status("Q1 FY2566") == 7 * 3
    with psycopg.connect(pg_url) as con:
        gc = con.execute(
            "SELECT type, srid, coord_dimension FROM geometry_columns "
            "WHERE f_table_name = 'area_status' AND f_geometry_column = 'geom'"
        ).fetchone()
        assert gc == ("MULTIPOLYGON", 4326, 2)
    with psycopg.connect(pg_url) as con:
        rows = con.execute(
            "SELECT tambon_code, indicator_id, status, ST_AsBinary(geom) FROM area_status "
            "ORDER BY tambon_code, indicator_id"
        ).fetchall()
    status = sq.status("Q1 FY2566").to_frame().sort_values(["tambon_code", "indicator_id"])
    assert [r[:3] for r in rows] == list(
        zip(status["tambon_code"], status["indicator_id"], status["status"], strict=True)
    )
    sq.close()
    pg.close()


def test_an_old_sqlite_store_upgrades_itself(tmp_path: Path):
    import sqlite3

    path = tmp_path / "old.sqlite"
    make_store(path).close()
    con = sqlite3.connect(path)  # make it look like a version-1 store
    con.executescript("DROP TABLE area_shapes; DROP TABLE published_status; "
                      "UPDATE meta SET value = '1' WHERE key = 'schema_version';")  # fmt: skip
    con.close()
    with open_store(path, create=False) as s:
        assert s.meta["schema_version"] == SCHEMA_VERSION
        assert len(s.boundaries()) == 0 and len(s.areas()) == 7
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with pytest.raises(ValidationError, match="schema version '99', newer"):
        open_store(path, create=False)


@pytest.mark.postgres
def test_an_old_postgres_store_upgrades_itself(pg_url: str):
    make_store(pg_url).close()
    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute("DROP VIEW area_status; DROP TABLE area_shapes; DROP TABLE published_status")
        con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with open_store(pg_url, create=False) as s:
        assert s.meta["schema_version"] == SCHEMA_VERSION
        assert len(s.boundaries()) == 0 and len(s.areas()) == 7


@pytest.mark.postgres
def test_both_backends_have_the_same_tables_and_columns(pg_url: str, tmp_path: Path):
    import sqlite3

    from tambon_gis.monitoring.sql import COLUMNS

    path = tmp_path / "kpi.sqlite"
    open_store(path).close()
    open_store(pg_url).close()
    con = sqlite3.connect(path)
    tables = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name"
    )]  # fmt: skip
    lite = {t: [r[1] for r in con.execute(f"PRAGMA table_info({t})")] for t in tables}
    con.close()
    with psycopg.connect(pg_url) as pg:
        rows = pg.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = ANY (%s) "
            "ORDER BY table_name, ordinal_position",
            (tables,),
        ).fetchall()
    server: dict[str, list[str]] = {}
    for table, column in rows:
        server.setdefault(table, []).append(column)
    server["indicators"].remove("rowid")  # SQLite's own rowid, a column on PostgreSQL
    assert server == lite
    for table, columns in COLUMNS.items():  # the SQL layer's column lists agree too
        assert list(columns) == lite[table], table


@pytest.mark.postgres
@pytest.mark.realdata
def test_the_report_and_map_of_a_postgres_store_match_sqlite(pg_url: str, tmp_path: Path, tambons):
    import re

    import tambon_gis

    pages = []
    for address in (tmp_path / "kpi.sqlite", pg_url):
        with make_store(address) as s:
            s.import_file(DATA / "monitor_q1_long.csv")
            s.import_file(DATA / "monitor_q2_wide.xlsx")
            out = tambon_gis.monitoring_report(
                s, fiscal_year=2566, path=tmp_path / f"r_{s.backend}.html", gdf=tambons
            )
            pages.append(out.read_text(encoding="utf-8"))
            assert status_map(s, "Q1 FY2566", "hh_savings", gdf=tambons) is not None
        # the store address is given as text, as the CLI gives it
        text = tambon_gis.monitoring_report(
            str(address), fiscal_year=2566, maps=False, path=tmp_path / "t.html"
        ).read_text(encoding="utf-8")
        assert "5/7 (71%)" in text
    assert "5/7 (71%)" in pages[1] and pages[1].count("<iframe") == 3

    def strip(page: str) -> str:  # what differs by nature: times, ids, the store's address
        page = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[^<\"]*", "T", page)
        return re.sub(r"[0-9a-f]{32}", "H", page)

    assert len(strip(pages[0])) == pytest.approx(len(strip(pages[1])), rel=0.01)


@pytest.mark.postgres
def test_a_database_without_postgis_gets_it_when_the_user_may_add_it(pg_server):
    url = pg_server.url(pg_server.new_database(postgis=False))
    with open_store(url) as s:
        assert s.meta["schema_version"] == SCHEMA_VERSION
    with psycopg.connect(url) as con:
        assert con.execute("SELECT extname FROM pg_extension WHERE extname = 'postgis'").fetchone()
