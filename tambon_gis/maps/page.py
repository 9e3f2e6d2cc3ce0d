"""Offline page assembly: vendored assets, the page's elements and topologies, and saving.

Leaflet (with its images), topojson-client, the map runtime (``maps.js``/``maps.css``) and a
Sarabun font subset are read from the package's ``_assets`` folder (with
:mod:`importlib.resources`, so they resolve in a checkout and in a wheel) and inlined by
:func:`save` with ``offline=True``. The folium elements here put a layer spec and each shared
TopoJSON topology into the page once, as JSON that is safe inside ``<script>``.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, cast

import geopandas as gpd
import numpy as np
import pandas as pd

from tambon_gis import webgeom
from tambon_gis._errors import ValidationError
from tambon_gis._logging import get_logger
from tambon_gis.webgeom.cache import digest_scope, geometry_hash

log = get_logger(__name__)


@cache
def _asset(relative: str) -> bytes:
    return resources.files("tambon_gis").joinpath("_assets", relative).read_bytes()


def _asset_text(relative: str) -> str:
    return _asset(relative).decode("utf-8")


def _data_uri(relative: str, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(_asset(relative)).decode('ascii')}"


@cache
def _leaflet_css_inline() -> str:
    css = _asset_text("leaflet/leaflet.css")
    for name in ("layers.png", "layers-2x.png", "marker-icon.png"):
        uri = _data_uri("leaflet/images/" + name, "image/png")
        css = css.replace(f"url(images/{name})", f"url({uri})")
    return css


@cache
def _leaflet_icon_fix() -> str:
    return (
        "L.Icon.Default.imagePath='';L.Icon.Default.mergeOptions({"
        f"iconUrl:'{_data_uri('leaflet/images/marker-icon.png', 'image/png')}',"
        f"iconRetinaUrl:'{_data_uri('leaflet/images/marker-icon-2x.png', 'image/png')}',"
        f"shadowUrl:'{_data_uri('leaflet/images/marker-shadow.png', 'image/png')}'}});"
    )


@cache
def _font_css() -> str:
    faces = []
    for weight, name in ((400, "Sarabun-Regular-subset.woff"), (700, "Sarabun-Bold-subset.woff")):
        uri = _data_uri(f"fonts/{name}", "font/woff")
        faces.append(
            f"@font-face{{font-family:'Sarabun';font-style:normal;font-weight:{weight};"
            f"font-display:swap;src:url({uri}) format('woff');}}"
        )
    return "\n".join(faces)


def _json_for_html(obj: Any) -> str:
    """JSON text safe inside a ``<script>`` element and as a JavaScript literal."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def encode_field(values: Sequence[Any]) -> dict[str, Any]:
    """Dictionary-encode a column of texts when it has many repeats (smaller pages)."""
    values = [None if v is None else str(v) for v in values]
    distinct = pd.unique(pd.Series(values, dtype=object).dropna())
    if len(distinct) * 2 < len(values):
        lookup = {v: i for i, v in enumerate(distinct)}
        return {"dict": list(distinct), "codes": [-1 if v is None else lookup[v] for v in values]}
    return {"values": values}


class _TopologyCache:
    """Per-map registry so a page embeds each geometry once."""

    def __init__(self) -> None:
        self.by_key: dict[str, tuple[str, webgeom.WebTopology, np.ndarray]] = {}
        self.json_by_id: dict[str, str] = {}


def page_json(m: Any, topo_id: str) -> str:
    """Return the page JSON of topology ``topo_id`` of map ``m`` (encoded once)."""
    registry = m._tg_topologies
    if topo_id not in registry.json_by_id:
        topo = next(t for i, t, _ in registry.by_key.values() if i == topo_id)
        registry.json_by_id[topo_id] = _page_topology(topo)
    return registry.json_by_id[topo_id]


def topology_for(m: Any, gdf: gpd.GeoDataFrame, *, tolerance: float | str, code: str | None
                  ) -> tuple[str, webgeom.WebTopology, np.ndarray]:
    """Return the id, topology and simplified geometry of ``gdf`` on map ``m``."""
    registry = getattr(m, "_tg_topologies", None)
    if registry is None:
        registry = _TopologyCache()
        m._tg_topologies = registry
    geoms = np.asarray(gdf.geometry.values)
    with digest_scope(geoms):
        key = geometry_hash(geoms, "page", tolerance)
        if key not in registry.by_key:
            topo = webgeom.to_topology(gdf, id_column=code, tolerance=tolerance, object_name="f")
            assert topo.geometry is not None  # to_topology always sets it
            registry.by_key[key] = (f"tg-topo-{key[:12]}", topo, topo.geometry)
    return registry.by_key[key]


def _folium() -> Any:
    try:
        import folium
    except ImportError as exc:  # pragma: no cover - folium is a dependency
        raise ImportError("tambon_gis.maps needs folium: pip install folium") from exc
    return folium


@cache
def element_classes() -> tuple[type, type]:
    """Return the folium element classes of a topology layer and of a panel."""
    folium = _folium()
    from branca.element import Figure, MacroElement
    from jinja2 import Template

    class TopoLayer(MacroElement):
        """A tambon_gis layer drawn in the browser from a shared TopoJSON topology."""

        _template = Template(
            "{% macro script(this, kwargs) %}"
            "TambonGIS.addLayer({{ this._parent.get_name() }}, {{ this.spec_json }});"
            "{% endmacro %}"
        )

        def __init__(self, spec: dict[str, Any], topologies: Sequence[tuple[str, str]]
                     ) -> None:
            super().__init__()
            self._name = "TambonGISLayer"
            self.spec_json = _json_for_html(spec)
            self.topologies = list(topologies)

        # MacroElement.render returns None, but branca annotates only Element.render (-> str).
        def render(self, **kwargs: Any) -> None:  # type: ignore[override]
            figure = cast(Figure, self.get_root())  # rendered in a Figure, as branca asserts
            _add_runtime(figure)
            for topo_id, topo_json in self.topologies:
                # one script per topology and page, however many layers use it
                figure.header.add_child(
                    _raw(f'<script type="application/json" id="{topo_id}">'
                         f"{topo_json}</script>"),
                    name=topo_id,
                )
            super().render(**kwargs)

    class Panel(MacroElement):
        """A box of HTML (built and escaped by tambon_gis) on the map."""

        _template = Template(
            "{% macro script(this, kwargs) %}"
            "TambonGIS.addPanel({{ this._parent.get_name() }}, {{ this.html_json }}, "
            "{{ this.position_json }});"
            "{% endmacro %}"
        )

        def __init__(self, html_text: str, position: str) -> None:
            super().__init__()
            self._name = "TambonGISPanel"
            self.html_json = _json_for_html(html_text)
            self.position_json = _json_for_html(position)

        def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # as TopoLayer's
            _add_runtime(self.get_root())
            super().render(**kwargs)

    _ = folium
    return TopoLayer, Panel


def _add_runtime(figure: Any) -> None:
    js = _asset_text("topojson-client/topojson-client.min.js") + "\n" + _asset_text(
        "tambon_gis/maps.js"
    )
    figure.header.add_child(_raw(f"<style>{_asset_text('tambon_gis/maps.css')}</style>"),
                            name="tg_css")
    figure.header.add_child(_raw(f"<script>{js}</script>"), name="tg_runtime")


@cache
def _raw_class() -> type:
    from branca.element import Element
    from jinja2 import Template

    class Raw(Element):
        """Text put in the page as it is: never parsed as a Jinja template.

        Fast, and safe for JSON or JavaScript that contains ``{{`` or ``{%``.
        """

        _template = Template("{{ this.text }}")

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    return Raw


def _raw(text: str) -> Any:
    return _raw_class()(text)


def new_map(gdf: gpd.GeoDataFrame, *, width: Any = "100%", height: Any = "100%") -> Any:
    """Return an empty folium map over ``gdf`` that loads only Leaflet."""
    folium = _folium()
    xmin, ymin, xmax, ymax = gdf.total_bounds
    m = folium.Map(
        location=[(ymin + ymax) / 2, (xmin + xmax) / 2],
        zoom_start=6,
        tiles=None,
        width=width,
        height=height,
        control_scale=False,
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    # only Leaflet is needed; folium's jQuery/Bootstrap/awesome-markers are left out
    m.default_js = [("leaflet", "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js")]
    m.default_css = [("leaflet_css", "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.css")]
    # the first view is fitted in the browser to the areas, with padding (spec "fit_bounds")
    return m


def _page_topology(topo: webgeom.WebTopology) -> str:
    """Return the topology as embedded in a page: arcs as flat integer lists, no feature ids.

    ``[[x0, y0], [dx, dy], ...]`` becomes ``[x0, y0, dx, dy, ...]`` (the runtime expands it),
    which saves about a fifth of the page.
    """
    t = topo.topology
    geometries = [
        {"type": g["type"], "arcs": g["arcs"]} for g in t["objects"][topo.object_name]["geometries"]
    ]
    compact = {
        "type": "Topology",
        "flat": True,
        "transform": t["transform"],
        "bbox": t["bbox"],
        "objects": {"f": {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": [[v for pair in arc for v in pair] for arc in t["arcs"]],
    }
    return _json_for_html(compact)


_SCRIPT_SRC = re.compile(r'<script[^>]*\ssrc="([^"]+)"[^>]*>\s*</script>', re.IGNORECASE)


_LINK_CSS = re.compile(r'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"[^>]*/?>', re.IGNORECASE)


_FOLIUM_EXTRAS = ("jquery", "bootstrap", "awesome-markers", "fontawesome", "awesome.rotate",
                  "glyphicons")


def _inline_assets(page: str) -> str:
    problems: list[str] = []
    uses_awesome = "AwesomeMarkers" in page.split("</head>", 1)[-1]

    def script(match: re.Match[str]) -> str:
        url = match.group(1)
        base = url.rsplit("/", 1)[-1].lower()
        if base in ("leaflet.js", "leaflet-src.js"):
            js = _asset_text("leaflet/leaflet.js")
            return f"<script>{js}\n{_leaflet_icon_fix()}</script>"
        if any(x in url.lower() for x in _FOLIUM_EXTRAS) and not uses_awesome:
            return ""
        problems.append(url)
        return match.group(0)

    def link(match: re.Match[str]) -> str:
        url = match.group(1)
        base = url.rsplit("/", 1)[-1].lower()
        if base == "leaflet.css":
            return f"<style>{_leaflet_css_inline()}</style>"
        if any(x in url.lower() for x in _FOLIUM_EXTRAS) and not uses_awesome:
            return ""
        problems.append(url)
        return match.group(0)

    page = _SCRIPT_SRC.sub(script, page)
    page = _LINK_CSS.sub(link, page)
    if problems:
        raise ValidationError(
            f"save(offline=True): the map uses assets tambon_gis does not vendor: {problems}; "
            "remove the folium plugin that needs them, or save with offline=False"
        )
    return page.replace("</head>", f"<style>{_font_css()}</style>\n</head>", 1)


def save(m: Any, path: str | Path, *, offline: bool = True) -> Path:
    """Write a map as one HTML page.

    Parameters
    ----------
    m : folium.Map
        A map from this module (or any folium map).
    path : str or Path
        Output ``.html`` file; parent folders are created.
    offline : bool, default True
        Inline Leaflet, its images, and a Sarabun font subset, so the page opens with no network
        at all; ``False`` keeps Leaflet on its CDN (a smaller page).

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    ValidationError
        With ``offline=True``, when the map uses a remote asset that is not vendored (a folium
        plugin); the message names it.

    Examples
    --------
    >>> import tempfile, geopandas as gpd
    >>> from pathlib import Path
    >>> from shapely.geometry import box
    >>> from tambon_gis.maps import choropleth
    >>> gdf = gpd.GeoDataFrame({"tambon_code": ["320101"], "v": [1]},
    ...                        geometry=[box(103, 14, 103.1, 14.1)], crs="EPSG:4326")
    >>> out = save(choropleth(gdf, "v", outlines=None), Path(tempfile.mkdtemp()) / "m.html")
    >>> page = out.read_text(encoding="utf-8")
    >>> "cdn.jsdelivr" in page, "@font-face" in page
    (False, True)
    """
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise ValidationError(f"path={str(path)!r} should end in .html")
    path.parent.mkdir(parents=True, exist_ok=True)
    page = m.get_root().render()
    if offline:
        page = _inline_assets(page)
    path.write_text(page, encoding="utf-8")
    size = path.stat().st_size
    log.info("save wrote %s (%s bytes, %s)", path, f"{size:,}", "offline" if offline else "CDN")
    return path
