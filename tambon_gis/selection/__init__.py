"""Score tambons against criteria and choose an optimal set of joint operation areas.

* :func:`score_areas` applies a :class:`~tambon_gis.criteria.Criteria` to a layer: eligibility
  per agency with the reason each tambon failed, each criterion's contribution, the total score
  and the rank.
* :func:`select_areas` chooses exactly ``n`` eligible tambons that maximise the total score
  under quotas per region / province, a maximum per amphoe or per province, lists to include or
  exclude, a minimum distance, a limit on the number of provinces (pilot provinces) and a
  budget. It solves a mixed-integer programme with HiGHS and says whether the answer is proven
  optimal. Infeasible requests are caught before the solver when the conflict is plain ("region
  quota sum 25 > n=23") and named after it otherwise.
* The :class:`Selection` it returns explains itself: for each chosen tambon its rank, score
  breakdown and the constraint (if any) that brought it in over a higher-scored one; for the
  best tambons left out, why. It exports CSV and Excel with Thai and English headers and draws
  the selection map.
* :func:`sensitivity` perturbs the weights (seeded Monte Carlo) and reports how often each
  tambon is chosen: the stable core and the marginal picks.

The subpackage's modules, each importing only those before it: ``labels`` (Thai and English
headers), ``scoring`` (:func:`score_areas`), ``problem`` (quotas, lists, distances, plain
conflicts), ``solver`` (the HiGHS model), ``maps`` (:func:`selection_map`,
:func:`sensitivity_map`), ``stability`` (:class:`Sensitivity`) and ``select``
(:func:`select_areas`, :class:`Selection`, :func:`sensitivity`). Import from
``tambon_gis.selection``: the names below are its public interface.

Examples
--------
>>> import geopandas as gpd, pandas as pd
>>> from shapely.geometry import Point
>>> gdf = gpd.GeoDataFrame({
...     "tambon_code": ["100101", "100102", "500101", "500102", "900101"],
...     "amphoe_code": ["1001", "1001", "5001", "5001", "9001"],
...     "changwat_code": ["10", "10", "50", "50", "90"],
...     "region": ["ภาคกลาง", "ภาคกลาง", "ภาคเหนือ", "ภาคเหนือ", "ภาคใต้"],
...     "priority": [0.9, 0.8, 0.7, 0.6, 0.1],
... }, geometry=[Point(100 + i, 14) for i in range(5)], crs=4326)
>>> sel = select_areas(gdf, n=2, score="priority", quotas={"region": {"ภาคใต้": (1, None)}})
>>> sel.to_frame()["tambon_code"].tolist()
['100101', '900101']
>>> sel.proven_optimal
True
"""

from __future__ import annotations

from tambon_gis.selection.labels import HEADERS_TH
from tambon_gis.selection.maps import selection_map, sensitivity_map
from tambon_gis.selection.problem import LEVELS
from tambon_gis.selection.scoring import score_areas
from tambon_gis.selection.select import Selection, select_areas, sensitivity
from tambon_gis.selection.stability import Sensitivity

__all__ = [
    "HEADERS_TH",
    "LEVELS",
    "Selection",
    "Sensitivity",
    "score_areas",
    "select_areas",
    "selection_map",
    "sensitivity",
    "sensitivity_map",
]
