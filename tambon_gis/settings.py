"""Global settings of tambon_gis.

Each setting is a typed, documented module global (osmnx style). Change one for the session::

    import tambon_gis as tg
    tg.settings.use_cache = False

Environment variables are read when a setting is used, so they can be set after import.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable naming a folder (or a file) of boundaries to use instead of a download.
#: ``load_boundaries()`` with no source looks here first.
ENV_BOUNDARIES = "TAMBON_GIS_BOUNDARIES"

#: Environment variable naming the cache folder (downloads and read caches).
ENV_CACHE = "TAMBON_GIS_CACHE"

#: Environment variable that forbids any download when set to ``1``/``true``.
ENV_OFFLINE = "TAMBON_GIS_OFFLINE"

#: Whether ``load_boundaries`` writes and reuses a GeoParquet cache of each file it reads.
use_cache: bool = True

#: Cache folder; ``None`` means ``$TAMBON_GIS_CACHE`` or the OS user cache (``pooch.os_cache``).
cache_folder: str | Path | None = None

#: Show tqdm progress bars on long operations.
progress: bool = True

#: Default region grouping used for the ``region`` column (see ``tambon_gis.regions``).
region_scheme: str = "six"

#: Equal-area CRS for every area the library computes (km², overlaps, gaps): an Albers conic
#: on Thailand's extent. It agrees with EPSG:6933 within 0.00002 % per province on the real
#: layer, while UTM 47N overstates areas in the east by up to 1 %.
area_crs: str = "+proj=aea +lat_0=13 +lon_0=101 +lat_1=8 +lat_2=18 +datum=WGS84 +units=m +no_defs"

#: CRS for distances in metres (border shifts, the minimum distance between chosen tambons):
#: UTM zone 47N, whose scale error stays under 0.1 % over Thailand for such lengths.
distance_crs: str = "EPSG:32647"



def _default_project_data_folder() -> Path:
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file():  # a source checkout
        return checkout / "data" / "boundaries"
    return Path("data") / "boundaries"  # installed: the current project's folder


#: The project's own boundaries folder: ``data/boundaries`` of a source checkout, or, when
#: tambon_gis is installed from a wheel, ``data/boundaries`` under the current folder.
project_data_folder: Path = _default_project_data_folder()


def get_cache_folder() -> Path:
    """Return the cache folder, creating it if needed.

    Returns
    -------
    pathlib.Path
        ``settings.cache_folder`` if set, else ``$TAMBON_GIS_CACHE``, else the OS user cache
        folder for ``tambon_gis``.

    Examples
    --------
    >>> from tambon_gis import settings
    >>> settings.get_cache_folder().is_dir()
    True
    """
    if cache_folder is not None:
        folder = Path(cache_folder).expanduser()
    elif os.environ.get(ENV_CACHE):
        folder = Path(os.environ[ENV_CACHE]).expanduser()
    else:
        import pooch

        folder = Path(pooch.os_cache("tambon_gis"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def is_offline() -> bool:
    """Tell whether downloads are forbidden by ``$TAMBON_GIS_OFFLINE``.

    Returns
    -------
    bool
        ``True`` when the variable is ``1``, ``true`` or ``yes``.

    Examples
    --------
    >>> from tambon_gis import settings
    >>> isinstance(settings.is_offline(), bool)
    True
    """
    return os.environ.get(ENV_OFFLINE, "").strip().lower() in {"1", "true", "yes"}


# --- limits on what a reader accepts (issue 16) -------------------------------------------
# Every reader and parser stops at these limits with a LimitError that names the file, the
# limit and the setting to raise, instead of running for minutes or using gigabytes.

#: Longest text accepted in one cell of a CSV or Excel table (characters). Python's ``csv``
#: module stops at 131,072; raise this for files with longer notes.
max_cell_chars: int = 131_072

#: Most cells (rows x columns, after dropping blank rows and columns) a table may hold.
max_table_cells: int = 20_000_000

#: Most bytes the parts of an ``.xlsx`` workbook may expand to (a zip bomb stops here).
max_xlsx_bytes: int = 1_000_000_000

#: Longest period text :func:`tambon_gis.periods.parse_period` reads (characters); no real
#: period ("ไตรมาสที่ 1 ปีงบประมาณ พ.ศ. 2566") is near it.
max_period_chars: int = 100

#: Longest code text the code normaliser reads (characters); a DOPA code has 6 digits.
max_code_chars: int = 40

#: Most values a criteria file may hold, counting each YAML alias (``*name``) every time it is
#: used: a real criteria file has a few hundred; a "billion laughs" file stops here.
max_config_values: int = 100_000

#: Deepest nesting of lists and mappings in a criteria file (a real one has 4 or 5 levels).
max_config_depth: int = 32

#: Characters of an offending value quoted in an error message.
excerpt_chars: int = 60

#: Rows of a KPI file that an import reshapes, validates and writes at a time, inside its one
#: all-or-nothing transaction. Memory grows with this, not with the file; smaller is slower.
import_chunk_rows: int = 50_000


#: The public names of this module.
__all__ = [
    "ENV_BOUNDARIES",
    "ENV_CACHE",
    "ENV_OFFLINE",
    "area_crs",
    "cache_folder",
    "distance_crs",
    "excerpt_chars",
    "get_cache_folder",
    "import_chunk_rows",
    "is_offline",
    "max_cell_chars",
    "max_code_chars",
    "max_config_depth",
    "max_config_values",
    "max_period_chars",
    "max_table_cells",
    "max_xlsx_bytes",
    "progress",
    "project_data_folder",
    "region_scheme",
    "use_cache",
]
