"""Monitor joint KPIs per tambon and fiscal quarter: a store that loses nothing.

A monitoring store is one SQLite file holding

- the **operation areas** of a programme (tambon code, programme or cohort, lead agency,
  start date),
- the **indicator catalogue** (id, Thai and English names, unit, owning agency or ``joint``,
  direction — higher or lower is better — and aggregation rule — ``sum``, ``mean`` or
  ``share``), with **targets** per fiscal year for all areas or one area,
- the **observations** (area, indicator, fiscal quarter, value, source, note, who and when
  recorded). Observations are never overwritten: a correction is a new revision; reports use
  the latest revision and the whole history stays queryable.

Imports from CSV or Excel (long or wide) are all-or-nothing per file (one ``BEGIN IMMEDIATE``
transaction), idempotent (a file already imported, or a row whose content has not changed, adds
nothing) and validated: every problem is collected and the file is rejected with a report of
rows and reasons. Several processes may write at once (WAL mode, busy timeout); a process
killed mid-import leaves the store as it was.

The package holds one concern per module: :mod:`~tambon_gis.monitoring.status` (statuses,
thresholds, :func:`classify` and the result tables), :mod:`~tambon_gis.monitoring.store`
(:class:`MonitoringStore` and :func:`open_store`), :mod:`~tambon_gis.monitoring.validate` and
:mod:`~tambon_gis.monitoring.importer` (checking and importing),
:mod:`~tambon_gis.monitoring.io` (reading files), :mod:`~tambon_gis.monitoring.arithmetic`
(status, roll-ups, completeness), :mod:`~tambon_gis.monitoring.maps` (:func:`status_map`,
:func:`timeslider_map`, :func:`quarter_panels`), :mod:`~tambon_gis.monitoring.report`
(:func:`monitoring_report`) and, under the store, :mod:`~tambon_gis.monitoring.sql`,
:mod:`~tambon_gis.monitoring.postgres`, :mod:`~tambon_gis.monitoring.schema`,
:mod:`~tambon_gis.monitoring.shapes`, :mod:`~tambon_gis.monitoring.plans_schema` and
:mod:`~tambon_gis.monitoring.migrate`; everything public is imported here.

Examples
--------
>>> import tempfile, pathlib
>>> from tambon_gis.monitoring import open_store
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> store = open_store(folder / "kpi.sqlite", name="นำร่อง", fiscal_years=(2566, 2566))
>>> store.set_areas(["320101", "320102"], programme="cohort 1", lead_agency="พอช.")
>>> store.set_indicators([{"indicator_id": "savings", "name_th": "ครัวเรือนที่มีเงินออม",
...     "name_en": "Households saving", "unit": "ครัวเรือน", "direction": "higher",
...     "aggregation": "sum"}])
>>> store.set_targets([{"indicator_id": "savings", "fiscal_year": 2566, "target": 40}])
>>> import pandas as pd
>>> obs = pd.DataFrame({"tambon_code": ["320101", "320102"], "indicator_id": "savings",
...     "period": "ไตรมาส 1/2566", "value": ["12", "5"]})
>>> store.import_table(obs, name="q1")
ImportReport('q1': imported — 2 rows: 2 added, 0 revised, 0 unchanged)
>>> st = store.status("Q1 FY2566")
>>> st.to_frame()[["tambon_code", "value", "expected", "status"]]
  tambon_code  value  expected     status
0      320101   12.0      10.0   on track
1      320102    5.0      10.0  off track
>>> store.close()
"""

from __future__ import annotations

from tambon_gis.monitoring.maps import quarter_panels, status_map, timeslider_map
from tambon_gis.monitoring.report import monitoring_report
from tambon_gis.monitoring.schema import SCHEMA_VERSION
from tambon_gis.monitoring.status import (
    AT_RISK,
    LEVELS,
    ON_TRACK,
    STATUSES,
    TREND_ARROWS,
    ImportReport,
    Rollup,
    StatusTable,
    classify,
)
from tambon_gis.monitoring.store import MonitoringStore, open_store

# In the order of the old module, which the API page follows (members_order: __all__).
__all__ = [  # noqa: RUF022
    "SCHEMA_VERSION",
    "STATUSES",
    "ON_TRACK",
    "AT_RISK",
    "LEVELS",
    "ImportReport",
    "StatusTable",
    "Rollup",
    "classify",
    "TREND_ARROWS",
    "MonitoringStore",
    "open_store",
    "monitoring_report",
    "status_map",
    "timeslider_map",
    "quarter_panels",
]
