"""Side panels on a map: an escaped HTML box or a table of a DataFrame (:func:`add_panel`)."""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd

from tambon_gis._errors import ValidationError
from tambon_gis._logging import get_logger
from tambon_gis.maps.page import element_classes
from tambon_gis.maps.text import format_value

log = get_logger(__name__)


def add_panel(
    m: Any,
    html_or_dataframe: str | pd.DataFrame,
    *,
    title: str | None = None,
    position: str = "topright",
) -> Any:
    r"""Add a side panel (a legend box, a table of region quotas...) to a map.

    Parameters
    ----------
    m : folium.Map
        The map (from any builder of this module, or a plain folium map).
    html_or_dataframe : str or pandas.DataFrame
        A DataFrame is rendered as an escaped HTML table (numbers with separators); a string is
        inserted as HTML and must already be escaped (build it with :func:`html.escape`).
    title : str, optional
        Bold title of the panel (escaped).
    position : {"topright", "topleft", "bottomright", "bottomleft"}, default "topright"
        Corner of the map.

    Returns
    -------
    folium.Map
        The same map, for chaining.

    Examples
    --------
    >>> import folium, pandas as pd
    >>> m = folium.Map(tiles=None)
    >>> quotas = pd.DataFrame({"ภาค": ["เหนือ", "<b>ใต้</b>"], "โควตา": [12, 1500]})
    >>> page = add_panel(m, quotas, title="โควตา").get_root().render()
    >>> "1,500" in page and "\\u0026lt;b\\u0026gt;ใต้" in page
    True
    """
    positions = ("topright", "topleft", "bottomright", "bottomleft")
    if position not in positions:
        raise ValidationError(f"position={position!r} is not valid; use one of {positions}")
    if isinstance(html_or_dataframe, pd.DataFrame):
        body = _table_html(html_or_dataframe)
    elif isinstance(html_or_dataframe, str):
        body = html_or_dataframe
    else:
        raise TypeError(
            f"add_panel() takes HTML text or a DataFrame, got {type(html_or_dataframe).__name__}"
        )
    head = f"<div class='tg-panel-title'>{html.escape(title)}</div>" if title else ""
    _, panel_class = element_classes()
    m.add_child(panel_class(head + body, position))
    log.info("add_panel returned the map with a %s panel at %s", "table" if isinstance(
        html_or_dataframe, pd.DataFrame) else "HTML", position)
    return m


def _table_html(df: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = []
    for record in df.itertuples(index=False):
        cells = []
        for v in record:
            text = format_value(v)
            numeric = isinstance(v, (int, float, np.number)) and not isinstance(v, bool)
            cls = " class='tg-num'" if numeric else ""
            cells.append(f"<td{cls}>{html.escape(text if text is not None else '–')}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
