"""Shared fixtures.

Real-data tests read the HDX COD-AB Thailand boundaries from ``$TAMBON_GIS_TEST_DATA`` (set by
``make test`` and ``.ci/run`` to ``../shared/data/boundaries``). They never skip: when the data
is missing they fail and say where it is expected.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

HDX = "hdx-cod-ab-tha"


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep every cache of the test run in a temporary folder, never the user's cache."""
    from tambon_gis import settings

    settings.cache_folder = tmp_path_factory.mktemp("tambon_gis_cache")
    settings.progress = False


@pytest.fixture(scope="session")
def real_data_dir() -> Path:
    """The folder of real boundaries; fails (does not skip) when it is missing."""
    value = os.environ.get("TAMBON_GIS_TEST_DATA")
    if not value:
        pytest.fail(
            "TAMBON_GIS_TEST_DATA is not set: run the tests with `make test`, or set it to the "
            "folder holding hdx-cod-ab-tha/ (../shared/data/boundaries in this workplace)"
        )
    path = Path(value)
    if not (path / HDX / "tha_adm3_tambon_simplified.zip").is_file():
        pytest.fail(
            f"TAMBON_GIS_TEST_DATA={value!r} does not hold {HDX}/tha_adm3_tambon_simplified.zip"
        )
    return path


@pytest.fixture(scope="session")
def tambon_simplified_zip(real_data_dir: Path) -> Path:
    return real_data_dir / HDX / "tha_adm3_tambon_simplified.zip"


@pytest.fixture(scope="session")
def tambon_full_zip(real_data_dir: Path) -> Path:
    return real_data_dir / HDX / "full-resolution" / "tha_adm3_tambon_full.zip"


@pytest.fixture(scope="session")
def surin_zip(real_data_dir: Path) -> Path:
    return real_data_dir / HDX / "full-resolution" / "Surin.zip"


@pytest.fixture(scope="session")
def amphoe_zip(real_data_dir: Path) -> Path:
    return real_data_dir / HDX / "tha_adm2_amphoe.zip"


@pytest.fixture(scope="session")
def changwat_zip(real_data_dir: Path) -> Path:
    return real_data_dir / HDX / "tha_adm1_changwat.zip"


@pytest.fixture(scope="session")
def tambons(tambon_simplified_zip: Path):
    """All 7,425 tambons of the simplified real layer, in the canonical schema (read once)."""
    from tambon_gis import load_boundaries

    return load_boundaries(tambon_simplified_zip)


# ---------------------------------------------------------------------------- PostgreSQL


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests of the PostgreSQL store share one throwaway cluster: one xdist group."""
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(pytest.mark.xdist_group("postgres"))


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL + PostGIS cluster (tests/_pgserver.py); fails, never skips."""
    import _pgserver

    try:
        server = _pgserver.start()
    except Exception as exc:  # the reason is the test failure
        pytest.fail(f"the PostgreSQL test server could not start: {exc}")
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server) -> str:
    """The URL of a fresh, empty database on the test cluster (superuser, Unix socket)."""
    return pg_server.url(pg_server.new_database())
