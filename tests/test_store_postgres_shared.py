"""The shared PostgreSQL store seen by separate database users (issue 14).

Who reads what (the read model), that nothing of another team's data or files leaks through a
rejected import, an idempotence check, a revision number or an error; two teams with different
roles importing and reading at the same time; maps, report and CLI of a server store drawing
the outlines the store keeps.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import psycopg
import pytest
from _programme import make_store
from shapely.geometry import box

import tambon_gis
from tambon_gis._errors import AccessDeniedError, ImportRejectedError
from tambon_gis.monitoring import monitoring_report, open_store, status_map

DATA = Path(__file__).parent / "data"
PY = sys.executable
ENV = dict(os.environ, PYTHONIOENCODING="utf-8")
SECRET_VALUE = "777.25"  # boon's value: no other user's message may show it
SECRET_FILE = "nfc_confidential_q1.csv"  # boon's file name


def _user(pg_server, name: str) -> None:
    pg_server.execute(
        f"DO $$ BEGIN CREATE ROLE {name} LOGIN PASSWORD 'pw-{name}'; "
        "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )


def _db(url: str) -> str:
    return url.split("@/", 1)[1].split("?", 1)[0]


def _as(pg_server, url: str, name: str) -> str:
    return pg_server.tcp_url(_db(url), user=name, password=f"pw-{name}")


def _csv(path: Path, rows: list[tuple[str, str, str]], note: str = "") -> Path:
    pd.DataFrame(
        [{"tambon_code": t, "indicator_id": i, "period": "Q2 FY2566", "value": v, "note": note}
         for t, i, v in rows]
    ).to_csv(path, index=False)  # fmt: skip
    return path


def _relation_rows(url: str, relations: tuple[str, ...]) -> dict[str, int]:
    with psycopg.connect(url) as con:
        return {r: con.execute(f"SELECT count(*) FROM {r}").fetchone()[0] for r in relations}


READABLE = ("observations", "latest_observations", "current", "imports", "areas", "indicators",
            "targets", "area_shapes", "published_status", "area_status")  # fmt: skip


@pytest.mark.postgres
def test_only_the_stores_own_users_read_it_and_nothing_leaks_to_other_teams(
    pg_server, pg_url: str, tmp_path: Path
):
    for name in ("anong", "boon", "chai", "dao", "ekk"):
        _user(pg_server, name)
    boxes = gpd.GeoDataFrame(
        {"tambon_code": ["320101", "320102", "320103", "320104", "320105", "500101", "900101"]},
        geometry=[box(100 + i, 14, 100.5 + i, 14.5) for i in range(7)], crs=4326,
    )  # fmt: skip
    with make_store(pg_url) as admin:
        admin.grant_access("anong", role="editor", changwats=["32"])
        admin.grant_access("boon", role="editor", agency="สภาเกษตรกรแห่งชาติ")
        admin.grant_access("chai", role="reader")
        admin.grant_access("ekk", role="reader")
        admin.set_boundaries(boxes)
    # dao reads another store on the same server: the group roles are the server's
    other = pg_server.url(pg_server.new_database())
    with make_store(other) as admin2:
        admin2.grant_access("dao", role="admin")
    anong, boon, chai, ekk = (
        open_store(_as(pg_server, pg_url, n), create=False)
        for n in ("anong", "boon", "chai", "ekk")
    )
    # boon imports his agency's figures from a file with a telling name
    boon_file = _csv(tmp_path / SECRET_FILE, [("500101", "debt", SECRET_VALUE),
                                             ("320105", "debt", SECRET_VALUE)], note="ลับ")
    assert boon.import_file(boon_file).n_added == 2
    # anong's file: two rows of her changwat, one of boon's area outside it; rejected whole,
    # naming only her own out-of-scope row, and nothing of boon's data or file
    mixed = _csv(tmp_path / "surin.csv", [("320101", "hh_savings", "5"), ("320105", "debt", "9"),
                                          ("500101", "debt", "8")])  # fmt: skip
    with pytest.raises(ImportRejectedError) as info:
        anong.import_file(mixed)
    rejected = info.value.report.rejected
    assert rejected[["row", "tambon_code", "value"]].values.tolist() == [[4, "500101", "8.0"]]
    assert "outside the scope of 'anong' (changwat(s) 32)" in rejected["reason"].iloc[0]
    said = str(info.value) + info.value.report.summary(50) + rejected.to_csv()
    assert SECRET_VALUE not in said and SECRET_FILE not in said and "boon" not in said
    # her correction of a figure boon recorded in her changwat is revision 2 (a reader
    # of the store reads revision 1 anyway); the report says only counts
    rep = anong.import_file(_csv(tmp_path / "surin_fix.csv", [("320105", "debt", "9")]))
    assert (rep.n_revised, rep.n_added) == (1, 0)
    assert SECRET_VALUE not in repr(rep) + rep.summary() and SECRET_FILE not in rep.summary()
    # the same content as boon's file, under anong's own name: already imported, and the
    # report names her file only
    copy = tmp_path / "copy_of_something.csv"
    copy.write_bytes(boon_file.read_bytes())
    again = anong.import_file(copy)
    assert again.status == "already imported" and again.name == "copy_of_something.csv"
    assert SECRET_FILE not in repr(again) + again.summary() and SECRET_VALUE not in again.summary()
    # the store's users read every row (the KPIs are joint), each its own scope only
    hist = chai.history("320105", "debt", "Q2 FY2566")
    assert hist["revision"].tolist() == [1, 2] and hist["recorded_by"].tolist() == ["boon", "anong"]
    assert set(chai.imports()["file_name"]) == {SECRET_FILE, "surin_fix.csv"}
    assert anong.access()["db_user"].tolist() == ["anong"]
    assert chai.access()[["db_user", "role"]].values.tolist() == [["chai", "reader"]]
    with open_store(pg_url, create=False) as admin:
        assert set(admin.access()["db_user"]) >= {"anong", "boon", "chai", "ekk"}
        admin.publish_status("Q1 FY2566")
        admin.revoke_access("ekk")
    assert len(chai.read_sql("SELECT * FROM area_status")) == 7 * 3
    # a user of another store, and a revoked one, open nothing and read nothing, even
    # past tambon_gis: row-level security and views that read with the caller's rights
    for name in ("dao", "ekk"):
        with pytest.raises(AccessDeniedError, match=f"'{name}' has no access to the store"):
            open_store(_as(pg_server, pg_url, name), create=False)
        assert set(_relation_rows(_as(pg_server, pg_url, name), READABLE).values()) == {0}
        with psycopg.connect(_as(pg_server, pg_url, name)) as con:
            assert con.execute("SELECT count(*) FROM store_users").fetchone()[0] == 0
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute("INSERT INTO imports (file_name, file_hash, layout, n_rows, "
                            "n_added, n_revised, n_unchanged, imported_by, imported_at) "
                            "VALUES ('x', 'x', 'long', 0, 0, 0, 0, 'x', 'x')")  # fmt: skip
    # ekk's open store object, kept from before: every read is empty now
    assert ekk.observations().empty and ekk.imports().empty
    for s in (anong, boon, chai, ekk):
        s.close()
    # dao still administers his own store: memberships are never taken from him
    with open_store(pg_server.tcp_url(_db(other), user="dao", password="pw-dao")) as s:
        assert s.access().set_index("db_user").loc["dao", "role"] == "admin"
        s.configure(name="อีกโครงการ")


_TEAM = r"""
import sys
from tambon_gis import settings
settings.progress = False
from tambon_gis.monitoring import open_store
from tambon_gis._errors import ImportRejectedError
store = open_store(sys.argv[1], create=False)
out = []
for path in sys.argv[2:]:
    try:
        rep = store.import_file(path)
        out.append(f"{path}: {rep.status} {rep.n_added} {rep.n_revised}")
    except ImportRejectedError as exc:
        out.append(f"{path}: rejected {len(exc.report.rejected)}")
    st = store.status("Q1 FY2566")  # and read while the other team writes
    out.append(f"status {len(st.to_frame())}")
print("\n".join(out), flush=True)
"""


def _team_files(tmp_path: Path, codes: list[str], tag: str, indicator: str, n: int) -> list[Path]:
    files = []
    for k in range(n):
        grid = pd.DataFrame({"tambon_code": codes, "indicator_id": indicator,
                             "period": "Q1 FY2566", "value": float(k + 1)})  # fmt: skip
        path = tmp_path / f"{tag}_{k}.csv"
        grid.to_csv(path, index=False)
        files.append(path)
    return files


@pytest.mark.postgres
@pytest.mark.slow
def test_two_teams_import_and_read_at_once_each_within_its_scope(
    pg_server, pg_url: str, tmp_path: Path
):
    from tambon_gis import gazetteer

    tb = gazetteer.tambons()
    surin = tb.query("changwat_code == '32'")["tambon_code"].tolist()
    chiangmai = tb.query("changwat_code == '50'")["tambon_code"].tolist()
    with open_store(pg_url, fiscal_years=2566) as admin:
        areas = pd.DataFrame({"tambon_code": surin + chiangmai})
        areas["lead_agency"] = ["พอช."] * len(surin) + ["สภาเกษตรกรแห่งชาติ"] * len(chiangmai)
        admin.set_areas(areas)
        admin.set_indicators([
            {"indicator_id": "joint_k", "name_th": "ร่วม", "owner": "joint", "aggregation": "sum"},
            {"indicator_id": "nfc_k", "name_th": "สภาเกษตร", "owner": "สภาเกษตรกรแห่งชาติ",
             "aggregation": "sum"},
        ])  # fmt: skip
    for name in ("surin_team", "nfc_team"):
        _user(pg_server, name)
    with open_store(pg_url, create=False) as admin:
        admin.grant_access("surin_team", role="editor", changwats=["32"])
        admin.grant_access("nfc_team", role="editor", agency="สภาเกษตรกรแห่งชาติ")
    # each team: three files of its own (revisions 1, 2, 3), and one reaching outside
    surin_files = _team_files(tmp_path, surin, "surin", "joint_k", 3)
    surin_files.insert(1, _team_files(tmp_path, chiangmai[:5], "surin_bad", "joint_k", 1)[0])
    nfc_files = _team_files(tmp_path, chiangmai, "nfc", "nfc_k", 3)
    nfc_files += _team_files(tmp_path, chiangmai, "nfc_joint", "joint_k", 1)  # its own areas
    nfc_files.insert(2, _team_files(tmp_path, surin[:5], "nfc_bad", "joint_k", 1)[0])
    procs = [
        subprocess.Popen([PY, "-c", _TEAM, _as(pg_server, pg_url, who), *map(str, files)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
        for who, files in (("surin_team", surin_files), ("nfc_team", nfc_files))
    ]  # fmt: skip
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, out + err
    surin_out, nfc_out = (o.splitlines() for o, _ in outs)
    assert [line.split(": ", 1)[1] for line in surin_out if ": " in line] == [
        f"imported {len(surin)} 0", "rejected 5", f"imported 0 {len(surin)}",
        f"imported 0 {len(surin)}",
    ]  # fmt: skip
    assert [line.split(": ", 1)[1] for line in nfc_out if ": " in line] == [
        f"imported {len(chiangmai)} 0", f"imported 0 {len(chiangmai)}", "rejected 5",
        f"imported 0 {len(chiangmai)}", f"imported {len(chiangmai)} 0",
    ]  # fmt: skip
    n_areas = len(surin) + len(chiangmai)
    assert all(line == f"status {n_areas * 2}" for line in surin_out + nfc_out
               if line.startswith("status"))  # each read the whole programme  # fmt: skip
    with open_store(pg_url, create=False) as admin:
        hist = admin.observations(latest=False)
        assert len(hist) == 3 * len(surin) + 4 * len(chiangmai)  # nothing lost, nothing extra
        assert hist["obs_id"].is_unique
        by = hist.groupby("recorded_by")["tambon_code"].agg(lambda c: set(c.str[:2]))
        assert by.to_dict() == {"surin_team": {"32"}, "nfc_team": {"50"}}
        revs = hist.groupby(["tambon_code", "indicator_id"])["revision"].agg(sorted)
        assert revs.map(lambda r: r in ([1, 2, 3], [1])).all()
        latest = admin.observations()
        assert set(latest.loc[latest["indicator_id"] == "nfc_k", "value"]) == {3.0}
        assert len(admin.imports()) == 7


@pytest.mark.postgres
def test_maps_and_report_of_a_server_store_draw_its_own_outlines(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from tambon_gis import maps, static

    boxes = gpd.GeoDataFrame(
        {"tambon_code": ["320101", "320102", "320103", "320104", "320105", "500101", "900101"]},
        geometry=[box(100 + i, 14, 100.5 + i, 14.5) for i in range(7)], crs=4326,
    )  # fmt: skip
    store = make_store(pg_url)
    store.import_file(DATA / "monitor_q1_long.csv")
    assert store.set_boundaries(boxes) == 7
    drawn: list[gpd.GeoDataFrame] = []

    def spy(real):
        def wrapper(frame, *args, **kwargs):
            drawn.append(frame)
            return real(frame, *args, **kwargs)

        return wrapper

    def no_layer(*args, **kwargs):
        raise AssertionError("the maps loaded a boundary layer: the store keeps its outlines")

    monkeypatch.setattr(maps, "categorical", spy(maps.categorical))
    monkeypatch.setattr(static, "small_multiples", spy(static.small_multiples))
    monkeypatch.setattr(tambon_gis, "load_boundaries", no_layer)
    want = boxes.set_index("tambon_code").geometry

    def same_outlines(frame: gpd.GeoDataFrame) -> None:
        assert frame.crs.to_epsg() == 4326 and len(frame) == 7
        got = frame.set_index("tambon_code").geometry
        assert got.geom_equals(want.loc[got.index]).all()

    status_map(store, "Q1 FY2566", "hh_savings")
    same_outlines(drawn.pop())
    out = monitoring_report(store, fiscal_year=2566, path=tmp_path / "r.html")
    assert out.read_text(encoding="utf-8").count("<iframe") == 3
    assert len(drawn) == 6  # a map and the quarter panels for each of 3 indicators
    for frame in drawn:
        same_outlines(frame)
    gpkg = store.export_gpkg(tmp_path / "s.gpkg", "Q1 FY2566")
    same_outlines(gpd.read_file(gpkg, layer="status_2566Q1"))
    store.close()


@pytest.mark.postgres
def test_cli_import_status_and_report_on_a_server_store(pg_server, pg_url: str, tmp_path: Path):
    cli = [PY, "-m", "tambon_gis.cli", "monitor"]

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*cli, *map(str, args)], capture_output=True, text=True, env=ENV,
                              timeout=300)  # fmt: skip

    for what, f in (("areas", "monitor_areas.csv"), ("indicators", "monitor_indicators.csv"),
                    ("targets", "monitor_targets.csv")):  # fmt: skip
        done = run("import", pg_url, DATA / f, "--what", what, "--fiscal-years", "2566", "2567")
        assert done.returncode == 0, done.stderr
    with open_store(pg_url, create=False) as s:  # the outlines, kept in the store
        s.set_boundaries(gpd.GeoDataFrame(
            {"tambon_code": s.areas()["tambon_code"]},
            geometry=[box(100 + i, 14, 100.5 + i, 14.5) for i in range(7)], crs=4326))
    # the store as --store URL, the same as the first argument
    done = run("import", DATA / "monitor_q1_long.csv", DATA / "monitor_q2_wide.xlsx", "--store",
               pg_url)  # fmt: skip
    assert done.returncode == 0 and done.stdout.count("imported") >= 2, done.stderr
    done = run("status", "--store", pg_url, "--period", "Q1 FY2566", "--level", "changwat",
               "--out", tmp_path / "cw.csv")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "hh_savings" in done.stdout and (tmp_path / "cw.csv").stat().st_size > 100
    with open_store(pg_url, create=False) as s:
        want = s.rollup("Q1 FY2566", level="changwat").to_frame()
    got = pd.read_csv(tmp_path / "cw.csv", dtype={"group": str})
    assert sorted(got["group"].unique()) == sorted(want["group"].astype(str).unique())
    # the report with maps, no boundary file given: the store's outlines
    done = run("report", pg_url, "--fiscal-year", "2566", "--out", tmp_path / "r.html")
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert page.count("<iframe") == 3 and "5/7 (71%)" in page
    # a password in the URL never shows, also when the store refuses the user
    _user(pg_server, "frank")
    done = run("status", _as(pg_server, pg_url, "frank"), "--period", "Q1 FY2566")
    assert done.returncode != 0 and "'frank' has no access" in done.stderr
    assert "pw-frank" not in done.stdout + done.stderr and "Traceback" not in done.stderr


@pytest.mark.postgres
def test_a_store_of_the_previous_version_is_upgraded_by_an_administrator_only(
    pg_server, pg_url: str
):
    _user(pg_server, "ploy")
    with make_store(pg_url) as admin:
        admin.grant_access("ploy", role="reader")
    with psycopg.connect(pg_url, autocommit=True) as con:  # as version 3 left it
        con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
        con.execute("DROP POLICY read_all ON observations")
        con.execute("CREATE POLICY read_all ON observations FOR SELECT USING (true)")
    with pytest.raises(AccessDeniedError, match=r"schema version '3'.*only an administrator"):
        open_store(_as(pg_server, pg_url, "ploy"), create=False)
    with open_store(pg_url, create=False) as admin:  # the administrator's opening upgrades it
        assert admin.meta["schema_version"] == tambon_gis.monitoring.SCHEMA_VERSION == "4"
    with psycopg.connect(pg_url) as con:
        qual = con.execute(
            "SELECT qual FROM pg_policies WHERE tablename = 'observations' "
            "AND policyname = 'read_all'"
        ).fetchone()[0]
    assert "tambon_gis_may_read" in qual
    with open_store(_as(pg_server, pg_url, "ploy"), create=False) as s:
        assert len(s.areas()) == 7


@pytest.mark.postgres
def test_libpq_ways_of_connecting_work_and_keep_the_password_out_of_sight(
    pg_server, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from tambon_gis._errors import StoreConnectionError

    _user(pg_server, "somchai")
    with make_store(pg_url) as admin:
        admin.grant_access("somchai", role="reader")
    db, port = _db(pg_url), pg_server.port
    for name in ("PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGSERVICE"):
        monkeypatch.delenv(name, raising=False)
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{port}:{db}:somchai:pw-somchai\n", encoding="utf-8")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    services = tmp_path / "pg_service.conf"
    services.write_text(f"[kpi]\nhost=127.0.0.1\nport={port}\ndbname={db}\nuser=somchai\n",
                        encoding="utf-8")  # fmt: skip
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    addresses = [
        f"postgresql://somchai@127.0.0.1:{port}/{db}?sslmode=disable",  # .pgpass
        "postgresql://?service=kpi",  # a service file, password from .pgpass
        "service=kpi",  # the same as key/value
    ]
    for address in addresses:
        with open_store(address, create=False) as s:
            assert s.user == "somchai" and len(s.areas()) == 7, address
    # PG* variables, and an empty URL
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    for name, value in (("PGHOST", "127.0.0.1"), ("PGPORT", str(port)), ("PGDATABASE", db),
                        ("PGUSER", "somchai"), ("PGPASSWORD", "pw-somchai")):  # fmt: skip
        monkeypatch.setenv(name, value)
    with open_store("postgresql://", create=False) as s:
        assert s.user == "somchai" and "pw-somchai" not in repr(s)
    # sslmode is passed on: this test server has no TLS, so sslmode=require is refused cleanly
    with pytest.raises(StoreConnectionError, match="cannot connect") as info:
        open_store(f"postgresql://somchai:pw-somchai@127.0.0.1:{port}/{db}?sslmode=require")
    assert "pw-somchai" not in str(info.value) and "SSL" in str(info.value)


@pytest.mark.postgres
def test_a_role_changed_to_reader_writes_nothing_though_its_group_stays(pg_server, pg_url: str):
    _user(pg_server, "wichai")
    with make_store(pg_url) as admin:
        admin.grant_access("wichai", role="editor", changwats="32")
    rows = pd.DataFrame([{"tambon_code": "320101", "indicator_id": "hh_savings",
                          "period": "Q1 FY2566", "value": 5}])  # fmt: skip
    with open_store(_as(pg_server, pg_url, "wichai"), create=False) as s:
        assert s.import_table(rows).ok
        with open_store(pg_url, create=False) as admin:
            admin.grant_access("wichai", role="reader")
        with pytest.raises(ImportRejectedError, match="'wichai' is a reader of this store"):
            s.import_table(rows.assign(value=6))
    with psycopg.connect(_as(pg_server, pg_url, "wichai")) as con:
        groups = {r[0] for r in con.execute(
            "SELECT b.rolname FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid "
            "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = 'wichai'")}  # fmt: skip
        assert "tambon_gis_editor" in groups  # the server's group: it may serve another store
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            con.execute("INSERT INTO observations VALUES (999, '320101', 'debt', '2566Q1', "
                        "2566, 1, 1, NULL, '', '', 'wichai', 'now', 1, 1, 1, 1)")  # fmt: skip
