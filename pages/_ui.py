"""Shared UI pieces of every page: warehouse connection, global filters, charts, downloads.

Pages stay thin: they read the filter state, call analytics, and render with these helpers.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import catalog as catalog_mod
from analytics import config, export, warehouse
from analytics.formatting import PLOTLY_SEPARATORS, fmt_number

ASSETS = Path(__file__).resolve().parent.parent / "assets"
ALL_MUNICIPALITIES = "__all__"
COLORS = ("#1f4e9c", "#e07b00", "#2a9d4b", "#b8336a", "#6c4ab6")


# ---------------------------------------------------------------- warehouse

@st.cache_resource(max_entries=2, show_spinner=False)
def _connect(path: str, stamp: int):
    return warehouse.open_readonly(path)


def warehouse_stamp() -> int:
    """Changes whenever a load swaps in a new warehouse file (cache key of every query)."""
    path = config.warehouse_path()
    return os.stat(path).st_mtime_ns if path.exists() else 0


def connection():
    """The cached read-only connection; pages take a ``cursor()`` per query through analytics.

    Stops the page with a Russian message when there is no warehouse.
    """
    try:
        return _connect(str(config.warehouse_path()), warehouse_stamp())
    except warehouse.WarehouseError as exc:
        st.error(str(exc))
        st.stop()


@st.cache_data(show_spinner=False, max_entries=4)
def _catalog(stamp: int) -> catalog_mod.Catalog:
    return catalog_mod.load_catalog(connection())


def catalog() -> catalog_mod.Catalog:
    return _catalog(warehouse_stamp())


# ---------------------------------------------------------------- global filters

@dataclass(frozen=True)
class Filters:
    first_year: int
    last_year: int
    municipality_id: str | None
    assessment: str
    subject: str

    def describe(self, cat: catalog_mod.Catalog) -> dict[str, str]:
        return {"Годы": f"{self.first_year}–{self.last_year}",
                "Муниципалитет": cat.municipality_name(self.municipality_id) or "весь регион",
                "Процедура": self.assessment, "Предмет": self.subject}


PARAM_KEYS = {"y0": "f_first", "y1": "f_last", "mo": "f_mun", "as": "f_ass", "su": "f_sub"}


def _defaults(cat: catalog_mod.Catalog) -> dict:
    assessment = cat.assessments[0] if cat.assessments else "ЕГЭ"
    subjects = cat.subjects_of(assessment)
    return {"f_first": cat.years[0] if cat.years else config.FIRST_YEAR,
            "f_last": cat.years[-1] if cat.years else config.LAST_YEAR,
            "f_mun": ALL_MUNICIPALITIES, "f_ass": assessment,
            "f_sub": subjects[0] if subjects else "Русский язык"}


def _read_url_once(cat: catalog_mod.Catalog) -> None:
    """On a session's first run, take the filters from the URL (a shared link reopens the view)."""
    if st.session_state.get("_filters_ready"):
        return
    state = _defaults(cat)
    qp = st.query_params
    try:
        if "y0" in qp and int(qp["y0"]) in cat.years:
            state["f_first"] = int(qp["y0"])
        if "y1" in qp and int(qp["y1"]) in cat.years:
            state["f_last"] = int(qp["y1"])
    except ValueError:
        pass
    if qp.get("mo") in set(cat.municipalities["municipality_id"]):
        state["f_mun"] = qp["mo"]
    if qp.get("as") in cat.assessments:
        state["f_ass"] = qp["as"]
        state["f_sub"] = (cat.subjects_of(state["f_ass"]) or ("",))[0]
    if qp.get("su") in cat.subjects_of(state["f_ass"]):
        state["f_sub"] = qp["su"]
    if state["f_first"] > state["f_last"]:
        state["f_first"], state["f_last"] = state["f_last"], state["f_first"]
    for k, v in state.items():
        st.session_state[k] = v
    st.session_state["_filters_ready"] = True


def _on_assessment_change() -> None:
    cat = catalog()
    subjects = cat.subjects_of(st.session_state["f_ass"])
    if st.session_state.get("f_sub") not in subjects:
        st.session_state["f_sub"] = subjects[0] if subjects else ""


def sidebar_filters() -> Filters:
    """Render the global filters in the sidebar (called by app.py before every page)."""
    cat = catalog()
    _read_url_once(cat)
    with st.sidebar:
        st.markdown("#### Фильтры")
        years = list(cat.years) or [config.FIRST_YEAR, config.LAST_YEAR]
        first, last = st.select_slider("Годы", options=years,
                                       value=(st.session_state["f_first"], st.session_state["f_last"]))
        st.session_state["f_first"], st.session_state["f_last"] = first, last
        names = dict(zip(cat.municipalities["municipality_id"], cat.municipalities["name"], strict=True))
        st.selectbox("Муниципалитет", [ALL_MUNICIPALITIES, *names], key="f_mun",
                     format_func=lambda m: "Весь регион" if m == ALL_MUNICIPALITIES else names[m])
        st.selectbox("Процедура", list(cat.assessments), key="f_ass", on_change=_on_assessment_change)
        st.selectbox("Предмет", list(cat.subjects_of(st.session_state["f_ass"])), key="f_sub")
    f = current_filters()
    st.query_params.update({"y0": str(f.first_year), "y1": str(f.last_year), "mo": st.session_state["f_mun"],
                            "as": f.assessment, "su": f.subject})
    return f


def current_filters() -> Filters:
    s = st.session_state
    return Filters(int(s["f_first"]), int(s["f_last"]),
                   None if s["f_mun"] == ALL_MUNICIPALITIES else s["f_mun"], s["f_ass"], s["f_sub"])


# ---------------------------------------------------------------- look and feel

def apply_style() -> None:
    st.html(f"<style>{(ASSETS / 'style.css').read_text(encoding='utf-8')}</style>")


def metric(col, label: str, value, decimals: int = 0, help_text: str | None = None) -> None:
    col.metric(label, fmt_number(value, decimals) if isinstance(value, int | float) else value, help=help_text)


def base_layout(fig: go.Figure, title: str, y_title: str, height: int = 420) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "font": {"size": 16}}, separators=PLOTLY_SEPARATORS, height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10}, hovermode="x unified", template="plotly_white",
        legend={"orientation": "h", "yanchor": "bottom", "y": -0.25, "x": 0},
        yaxis_title=y_title, xaxis={"dtick": 1, "title": None},
    )
    return fig


def trend_figure(data: pd.DataFrame, value: str, title: str, y_title: str, percent: bool = False,
                 break_years: tuple[int, ...] = ()) -> go.Figure:
    """Lines per unit, broken at years that do not compare (hollow markers with the reason) and at
    years with no data; both kinds of year are shaded grey."""
    fig = go.Figure()
    years = range(int(data["year"].min()), int(data["year"].max()) + 1) if len(data) else range(0)
    scale = 100.0 if percent else 1.0
    for i, (unit, g) in enumerate(data.groupby("unit", sort=False)):
        g = g.set_index("year").reindex(years)
        y = g[value] * scale
        ok = g["comparable"].fillna(True).astype(bool)
        color = COLORS[i % len(COLORS)]
        fig.add_scatter(x=list(years), y=y.where(ok), mode="lines+markers", name=unit,
                        line={"color": color, "width": 3 if i == 0 else 2}, connectgaps=False,
                        hovertemplate=f"{unit}: %{{y:.2f}}" + ("\u00a0%" if percent else "") + "<extra></extra>")
        brk = ~ok & g[value].notna()
        if brk.any():
            fig.add_scatter(x=[y_ for y_ in years if brk[y_]], y=y[brk], mode="markers", showlegend=False,
                            marker={"color": "white", "line": {"color": color, "width": 2}, "size": 10},
                            customdata=g.loc[brk, "note"],
                            hovertemplate=f"{unit}: %{{y:.2f}} — %{{customdata}}<extra></extra>")
    for year in sorted(set(break_years) | {y for y in years if y not in set(data["year"])}):
        fig.add_vrect(x0=year - 0.45, x1=year + 0.45, fillcolor="#999", opacity=0.12, line_width=0)
    return base_layout(fig, title, y_title)


def download_buttons(df: pd.DataFrame, name: str, filters: Filters, key: str) -> None:
    """CSV and XLSX of the data behind a chart, with the filters and the data vintage inside."""
    cat = catalog()
    vintage = data_vintage()
    described = filters.describe(cat)
    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button("Скачать CSV", export.to_csv(df, described, vintage), file_name=f"{name}.csv",
                       mime="text/csv", key=f"{key}-csv")
    c2.download_button("Скачать XLSX", export.to_xlsx(df, described, vintage), file_name=f"{name}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"{key}-xlsx")


@st.cache_data(show_spinner=False, max_entries=4)
def _vintage(stamp: int) -> str:
    from analytics import overview
    src = overview.data_source(connection())
    return src.get("built_at") or "неизвестно"


def data_vintage() -> str:
    return _vintage(warehouse_stamp())
