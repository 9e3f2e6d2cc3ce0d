"""tambon_gis: join, choose and monitor joint operation areas at the Thai tambon level.

The public modules are imported lazily so that ``import tambon_gis`` stays fast; the
shortcuts below resolve on first use, so both ``tambon_gis.load_boundaries`` and
``tambon_gis.boundaries.load_boundaries`` work.

Examples
--------
>>> import tambon_gis as tg
>>> tg.__version__
'0.1.0'

Every error raised for a user mistake is a :class:`TambonGISError` (also reachable as
``tambon_gis.errors.TambonGISError``, with every other error class):

>>> issubclass(tg.errors.SchemaError, tg.TambonGISError)
True
"""

from __future__ import annotations

import importlib
from typing import Any

from tambon_gis import _errors as errors
from tambon_gis import settings
from tambon_gis._errors import (
    AccessDeniedError,
    CodeError,
    CorruptFileError,
    CRSError,
    DataNotFoundError,
    EncodingError,
    ImportRejectedError,
    InfeasibleError,
    LimitError,
    PeriodError,
    ReadOnlyError,
    SchemaError,
    SolverError,
    StoreAddressError,
    StoreBusyError,
    StoreConnectionError,
    TambonGISError,
    ValidationError,
)

__version__ = "0.1.0"

#: Public submodules, imported on first attribute access.
_MODULES = {
    "boundaries",
    "datasets",
    "gazetteer",
    "regions",
    "names",
    "tables",
    "matching",
    "join",
    "webgeom",
    "maps",
    "static",
    "criteria",
    "selection",
    "periods",
    "monitoring",
    "cli",
}

#: Flat shortcuts: name -> module that defines it.
_SHORTCUTS = {
    "load_boundaries": "boundaries",
    "to_level": "boundaries",
    "CANONICAL_COLUMNS": "boundaries",
    "read_table": "tables",
    "normalize_name": "names",
    "match_areas": "matching",
    "MatchReport": "matching",
    "join_attributes": "join",
    "MapOptions": "maps",
    "assign_points": "join",
    "attach_columns": "join",
    "Criteria": "criteria",
    "load_criteria": "criteria",
    "score_areas": "selection",
    "select_areas": "selection",
    "parse_period": "periods",
    "fiscal_year": "periods",
    "MonitoringStore": "monitoring",
    "open_store": "monitoring",
    "monitoring_report": "monitoring",
}

__all__ = ["__version__", "settings", "errors", *sorted(_MODULES), *sorted(_SHORTCUTS)]
#: The error classes, exported flat: ``tambon_gis.TambonGISError`` and ``tambon_gis.SchemaError``.
#: A literal list, so that linters see the imports above as re-exports.
__all__ += [
    "AccessDeniedError",
    "CRSError",
    "CodeError",
    "CorruptFileError",
    "DataNotFoundError",
    "EncodingError",
    "ImportRejectedError",
    "InfeasibleError",
    "LimitError",
    "PeriodError",
    "ReadOnlyError",
    "SchemaError",
    "SolverError",
    "StoreAddressError",
    "StoreBusyError",
    "StoreConnectionError",
    "TambonGISError",
    "ValidationError",
]  # fmt: skip


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(f"tambon_gis.{name}")
    if name in _SHORTCUTS:
        module = importlib.import_module(f"tambon_gis.{_SHORTCUTS[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'tambon_gis' has no attribute {name!r}")


def __dir__() -> list[str]:
    return list(__all__)
