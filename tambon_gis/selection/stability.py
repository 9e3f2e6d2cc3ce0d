"""The result of :func:`~tambon_gis.selection.sensitivity`: how stable the choice is.

:class:`Sensitivity` holds how often each tambon was chosen over the weight draws, the stable
core and the marginal picks; it exports CSV and draws its map.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from tambon_gis._export import write_csv
from tambon_gis._logging import get_logger
from tambon_gis.selection.labels import _bilingual
from tambon_gis.selection.maps import sensitivity_map

if TYPE_CHECKING:
    import folium

    from tambon_gis.selection.select import Selection

logger = get_logger(__name__)


@dataclass
class Sensitivity:
    """How often each tambon is chosen when the weights are perturbed.

    Attributes
    ----------
    frequency : pandas.DataFrame
        One row per tambon chosen at least once (or in the base selection): names,
        ``times_chosen``, ``frequency`` (0–1), ``in_base`` and ``stability`` (``"core"`` when
        ``frequency >= core``, else ``"marginal"``), most frequent first.
    draws : int
        Number of Monte Carlo draws.
    spread : float
        Each weight was multiplied by a uniform factor in ``[1 - spread, 1 + spread]``, then
        the weights rescaled to their original total.
    seed : int
        Seed of the generator (``numpy.random.default_rng``).
    weights : pandas.DataFrame
        The weights of each draw.
    all_optimal : bool
        Whether every draw was proven optimal.
    """

    frequency: pd.DataFrame
    draws: int
    spread: float
    seed: int
    core: float
    weights: pd.DataFrame
    all_optimal: bool
    seconds: float
    base: Selection
    scored: Any = field(repr=False, default=None)

    @property
    def core_codes(self) -> list[str]:
        """Codes chosen in at least ``core`` of the draws."""
        f = self.frequency
        return f.loc[f["stability"] == "core", "tambon_code"].tolist()

    @property
    def marginal_codes(self) -> list[str]:
        """Codes chosen in some draws but fewer than ``core``."""
        f = self.frequency
        return f.loc[f["stability"] == "marginal", "tambon_code"].tolist()

    def to_frame(self) -> pd.DataFrame:
        """Return :attr:`frequency` (a copy)."""
        return self.frequency.copy()

    def to_csv(self, path: str | Path, *, headers: str = "both") -> Path:
        """Write the frequency table as CSV (UTF-8 with BOM, Thai and English headers)."""
        path = Path(path)
        write_csv(_bilingual(self.frequency, headers), path)
        logger.info("Sensitivity.to_csv wrote %d rows to %s", len(self.frequency), path)
        return path

    def to_map(self, **kwargs: Any) -> folium.Map:
        """Draw the stable core and the marginal picks (see :func:`sensitivity_map`)."""
        return sensitivity_map(self, **kwargs)

    def __repr__(self) -> str:
        n_core, n_marg = len(self.core_codes), len(self.marginal_codes)
        lines = [
            f"Sensitivity over {self.draws:,} weight draws (spread ±{self.spread:.0%}, seed "
            f"{self.seed}): {n_core} core tambons (chosen in ≥ {self.core:.0%} of draws), "
            f"{n_marg} marginal; {'all' if self.all_optimal else 'NOT all'} draws proven "
            f"optimal; {self.seconds:.1f} s"
        ]
        for _, r in self.frequency.head(40).iterrows():
            lines.append(
                f"  {r['tambon_code']} {r.get('tambon_th', '')} {r.get('changwat_th', '')}  "
                f"{r['frequency']:.0%}  {r['stability']}{'' if r['in_base'] else '  (not in base)'}"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = html.escape(repr(self).splitlines()[0])
        return f"<p>{head}</p>" + self.frequency.to_html(
            index=False, float_format=lambda v: f"{v:.2f}"
        )
