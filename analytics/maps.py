"""The school map as a folium object (no Streamlit here): municipalities as a choropleth, schools as
circle markers coloured by status and sized by students, switchable layers, partner lines.

Offline: Leaflet and Leaflet.markercluster are served by the app itself (static/vendor, fetched
from the npm registry by `make static`); folium's CDN defaults (jQuery, Bootstrap, Font Awesome)
are not used. Tiles are optional: OpenStreetMap when online, a plain background otherwise.
"""
from __future__ import annotations

import html
import json

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.plugins import MarkerCluster
from jinja2 import Template

STATIC = "/app/static/vendor"
STATUS_COLOURS = {"ШНОР": "#c0392b", "ШФНСУ": "#e07b00", "программа": "#1f4e9c", "сильная": "#2a9d4b",
                  "прочие": "#7f8c9a"}
#: Above this many schools the map shows municipalities (count and share) instead of every school.
MAX_MARKERS = 3000
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


def _offline(element, js: list[tuple[str, str]], css: list[tuple[str, str]]) -> None:
    element.default_js = js
    element.default_css = css


def status_of(row) -> str:
    """One status per school for the colour, in order of priority."""
    if row["shnor"]:
        return "ШНОР"
    if row["shfnsu"]:
        return "ШФНСУ"
    if row["in_programme"]:
        return "программа"
    if row["strong"]:
        return "сильная"
    return "прочие"


def _colour_scale(values: pd.Series) -> dict:
    v = values.dropna()
    if v.empty:
        return {}
    lo, hi = float(v.min()), float(v.max())
    palette = ["#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d"]
    out = {}
    for k, x in values.items():
        if pd.isna(x):
            continue
        i = 0 if hi == lo else min(4, int((x - lo) / (hi - lo) * 5))
        out[k] = palette[i]
    return out


def build_map(schools: pd.DataFrame, municipalities: pd.DataFrame, indicator: pd.Series, indicator_label: str,
              partners: pd.DataFrame | None = None, *, tiles: bool = True, static: str = STATIC) -> folium.Map:
    """``schools``: school_id, name, lat, lon, students, status, municipality, isbsh, composite, remote,
    small, poor_internet, in_programme, km_to_centre. ``municipalities``: municipality_id, name, geometry
    (GeoJSON text or None). ``indicator``: value per municipality_id for the choropleth."""
    centre = [float(schools["lat"].mean()), float(schools["lon"].mean())] if len(schools) else [43.1, 44.4]
    m = folium.Map(location=centre, zoom_start=9, tiles=None, control_scale=True, prefer_canvas=False)
    _offline(m, [("leaflet", f"{static}/leaflet/leaflet.js")], [("leaflet_css", f"{static}/leaflet/leaflet.css")])
    if tiles:
        folium.TileLayer(OSM_TILES, attr="© участники OpenStreetMap", name="Подложка OpenStreetMap (нужен интернет)",
                         max_zoom=18).add_to(m)
    colours = _colour_scale(indicator)
    borders = folium.FeatureGroup(name=f"Муниципалитеты: {indicator_label}", show=True)
    for r in municipalities.itertuples(index=False):
        if not r.geometry:
            continue
        value = indicator.get(r.municipality_id)
        text = "—" if value is None or pd.isna(value) else f"{value:.2f}".replace(".", ",")
        style = {"fillColor": colours.get(r.municipality_id, "#eeeeee"), "color": "#444", "weight": 1.2,
                 "fillOpacity": 0.55}
        folium.GeoJson(json.loads(r.geometry), name=r.name, style_function=lambda _f, st=style: st,
                       tooltip=f"{html.escape(r.name)}: {indicator_label} {text}").add_to(borders)
    borders.add_to(m)
    if len(schools) > MAX_MARKERS:
        agg = folium.FeatureGroup(name="Школы (сводно по муниципалитетам)")
        g = schools.groupby("municipality").agg(lat=("lat", "mean"), lon=("lon", "mean"), n=("school_id", "size"),
                                                shnor=("status", lambda s: (s == "ШНОР").sum()))
        for name, r in g.iterrows():
            folium.CircleMarker([r.lat, r.lon], radius=4 + 2 * np.sqrt(r.n), color="#1f4e9c", fill=True,
                                fill_opacity=0.6, tooltip=f"{html.escape(str(name))}: {r.n} школ, ШНОР {r.shnor}"
                                ).add_to(agg)
        agg.add_to(m)
    else:
        layers = {key: folium.FeatureGroup(name=label, show=key == "all") for key, label in (
            ("all", "Все школы"), ("remote", "Удалённые"), ("small", "Малокомплектные"),
            ("poor_internet", "Медленный интернет"), ("in_programme", "В программах"))}
        cluster = MarkerCluster(name="Все школы (группировка)", show=False,
                                options={"disableClusteringAtZoom": 11})
        _offline(cluster, [("markercluster", f"{static}/markercluster/leaflet.markercluster.js")],
                 [("markercluster_css", f"{static}/markercluster/MarkerCluster.css"),
                  ("markercluster_default_css", f"{static}/markercluster/MarkerCluster.Default.css")])
        for r in schools.itertuples(index=False):
            popup = _popup(r)
            for key, group in layers.items():
                if key == "all" or getattr(r, key):
                    _marker(r, popup).add_to(group)
            _marker(r, popup).add_to(cluster)
        for group in layers.values():
            group.add_to(m)
        cluster.add_to(m)
    if partners is not None and len(partners):
        lines = folium.FeatureGroup(name="Сетевые партнёры ШНОР", show=True)
        for p in partners.itertuples(index=False):
            folium.PolyLine([[p.lat, p.lon], [p.partner_lat, p.partner_lon]], color="#2a9d4b", weight=2,
                            dash_array="6 4", tooltip=f"{html.escape(p.school)} → {html.escape(p.partner)}: "
                                                      f"{p.km:.0f} км".replace(".", ",")).add_to(lines)
        lines.add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    if len(schools):
        m.fit_bounds([[float(schools["lat"].min()), float(schools["lon"].min())],
                      [float(schools["lat"].max()), float(schools["lon"].max())]], padding=(20, 20))
    AttributionPrefix().add_to(m)
    return m


class AttributionPrefix(MacroElement):
    """Plain «Leaflet» in the attribution line (Leaflet 1.9 prepends a flag by default)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.setPrefix("Leaflet");
        {% endmacro %}
    """)


class PlainPopup(MacroElement):
    """A popup bound with Leaflet alone (folium's Popup needs jQuery, which the offline map does not load)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.bindPopup({{ this.html|tojson }}, {maxWidth: 320});
        {% endmacro %}
    """)

    def __init__(self, html_text: str):
        super().__init__()
        self._name = "PlainPopup"
        self.html = html_text


def _marker(r, popup: str) -> folium.CircleMarker:
    radius = float(np.clip(3 + np.sqrt(max(r.students or 0, 1)) / 4, 3, 14))
    marker = folium.CircleMarker([r.lat, r.lon], radius=radius, color="#333", weight=0.6, fill=True,
                                 fill_color=STATUS_COLOURS[r.status], fill_opacity=0.9, tooltip=html.escape(r.name))
    PlainPopup(popup).add_to(marker)
    return marker


def _num(v, d=0) -> str:
    return "—" if v is None or (isinstance(v, float) and np.isnan(v)) else f"{v:,.{d}f}".replace(",", " ").replace(
        ".", ",")


def _popup(r) -> str:
    return (f"<b>{html.escape(r.name)}</b><br>{html.escape(r.municipality)}<br>Статус: {r.status}<br>"
            f"Обучающихся: {_num(r.students)}<br>Индекс результатов (3 года): {_num(r.composite, 2)}<br>"
            f"ИСБШ: {_num(r.isbsh)}<br>До центра муниципалитета: {_num(r.km_to_centre)} км<br>"
            f"<a href='/school?school={r.school_id}' target='_top'>Карточка школы</a>")


def external_urls(map_html: str) -> set[str]:
    """Every http(s) URL the rendered map would load, except the optional tiles and link targets."""
    import re
    urls = set(re.findall(r"""(?:src|href)\s*=\s*["'](https?://[^"']+)""", map_html))
    return {u for u in urls if "tile.openstreetmap.org" not in u}
