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
from analytics.formatting import PLOTLY_SEPARATORS, fmt_number, fmt_percent, plural

ASSETS = Path(__file__).resolve().parent.parent / "assets"
ALL_MUNICIPALITIES = "__all__"
COLORS = ("#1f4e9c", "#e07b00", "#2a9d4b", "#b8336a", "#6c4ab6")


# ---------------------------------------------------------------- entry

def ensure_app_entry() -> None:
    """Make a page that Streamlit ran directly go through app.py instead.

    Until app.py has called ``st.navigation`` once in this server process, Streamlit treats
    ``pages/`` as a legacy pages directory: the first request to, say, ``/data`` runs
    pages/data.py alone, without the sidebar filters and styles. Every page calls this first;
    it switches the process to ``st.navigation`` mode and reruns, now through app.py.
    """
    from streamlit.runtime.pages_manager import PagesManager
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


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


STATE = "_filters"   # the canonical filter state; widget keys may be dropped by Streamlit on reruns


def _defaults(cat: catalog_mod.Catalog) -> dict:
    assessment = cat.assessments[0] if cat.assessments else "ЕГЭ"
    subjects = cat.subjects_of(assessment)
    return {"first": cat.years[0] if cat.years else config.FIRST_YEAR,
            "last": cat.years[-1] if cat.years else config.LAST_YEAR,
            "mun": ALL_MUNICIPALITIES, "ass": assessment,
            "sub": subjects[0] if subjects else "Русский язык"}


def _state_from_url(cat: catalog_mod.Catalog) -> dict:
    """Filters from the URL (a shared link reopens the same view); unknown values fall back to defaults."""
    state = _defaults(cat)
    qp = st.query_params
    for key, param in (("first", "y0"), ("last", "y1")):
        value = qp.get(param, "")
        if value.isdigit() and int(value) in cat.years:
            state[key] = int(value)
    if qp.get("mo") in set(cat.municipalities["municipality_id"]):
        state["mun"] = qp["mo"]
    if qp.get("as") in cat.assessments:
        state["ass"] = qp["as"]
        state["sub"] = (cat.subjects_of(state["ass"]) or ("",))[0]
    if qp.get("su") in cat.subjects_of(state["ass"]):
        state["sub"] = qp["su"]
    if state["first"] > state["last"]:
        state["first"], state["last"] = state["last"], state["first"]
    return state


def sidebar_filters() -> Filters:
    """Render the global filters in the sidebar (called by app.py before every page).

    The state lives in ``st.session_state[STATE]`` (so it survives page switches) and is written
    back to the URL on every run.
    """
    cat = catalog()
    if STATE not in st.session_state:
        st.session_state[STATE] = _state_from_url(cat)
    state = st.session_state[STATE]
    with st.sidebar:
        st.markdown("#### Фильтры")
        years = list(cat.years) or [config.FIRST_YEAR, config.LAST_YEAR]
        state["first"], state["last"] = st.select_slider("Годы", options=years,
                                                         value=(state["first"], state["last"]))
        names = dict(zip(cat.municipalities["municipality_id"], cat.municipalities["name"], strict=True))
        options = [ALL_MUNICIPALITIES, *names]
        state["mun"] = st.selectbox("Муниципалитет", options, index=options.index(state["mun"]),
                                    format_func=lambda m: "Весь регион" if m == ALL_MUNICIPALITIES else names[m],
                                    key="f_mun")
        assessments = list(cat.assessments)
        state["ass"] = st.selectbox("Процедура", assessments, index=assessments.index(state["ass"]), key="f_ass")
        subjects = list(cat.subjects_of(state["ass"]))
        if state["sub"] not in subjects:
            state["sub"] = subjects[0]
        state["sub"] = st.selectbox("Предмет", subjects, index=subjects.index(state["sub"]),
                                    key=f"f_sub_{state['ass']}")
    st.query_params.update({"y0": str(state["first"]), "y1": str(state["last"]), "mo": state["mun"],
                            "as": state["ass"], "su": state["sub"]})
    return current_filters()


def current_filters() -> Filters:
    s = st.session_state[STATE]
    return Filters(int(s["first"]), int(s["last"]), None if s["mun"] == ALL_MUNICIPALITIES else s["mun"],
                   s["ass"], s["sub"])


# ---------------------------------------------------------------- look and feel

def apply_style() -> None:
    st.html(f"<style>{(ASSETS / 'style.css').read_text(encoding='utf-8')}</style>")


def metric(col, label: str, value, decimals: int = 0, help_text: str | None = None) -> None:
    col.metric(label, fmt_number(value, decimals) if isinstance(value, int | float) else value, help=help_text)


def fmt_value(value, share: bool = False, count: bool = False) -> str:
    """A table cell in Russian format: shares as percent, counts without decimals, scores with two."""
    if share:
        return fmt_percent(value)
    return fmt_number(value, 0 if count else 2)


def school_link_column(label: str = "Карточка") -> dict:
    """A dataframe column of links to the school card (the column holds 'school?school=ID')."""
    return st.column_config.LinkColumn(label, display_text="открыть")


def school_links(ids) -> list[str]:
    return [f"school?school={i}" for i in ids]


def problem_list(lines: list[str]) -> None:
    """Problems of a file as a readable list (Markdown-escaped, wraps on narrow screens)."""
    special = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|~$"})
    st.markdown("\n".join(f"- {line.translate(special)}" for line in lines))


def base_layout(fig: go.Figure, title: str, y_title: str, height: int = 420) -> go.Figure:
    """The common look of every chart: Russian number format, title left, legend below."""
    fig.update_layout(
        title={"text": title, "x": 0, "font": {"size": 16}}, separators=PLOTLY_SEPARATORS, height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10}, hovermode="x unified", template="plotly_white",
        legend={"orientation": "h", "yanchor": "bottom", "y": -0.25, "x": 0},
        yaxis_title=y_title, xaxis={"dtick": 1, "title": None},
    )
    return fig


def trend_figure(data: pd.DataFrame, value: str, title: str, y_title: str, percent: bool = False,
                 break_years: tuple[int, ...] = (), height: int = 420) -> go.Figure:
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
    return base_layout(fig, title, y_title, height)


def trend_captions(t) -> None:
    """The notes under a trend chart: why some years are grey, and how many points are hidden."""
    if len(t.notes):
        st.caption("Серым отмечены несопоставимые годы. " + " ".join(n.rstrip(".") + "." for n in t.notes["note"]))
    if t.suppressed:
        st.caption(f"Скрыто {t.suppressed} {plural(t.suppressed, 'значение', 'значения', 'значений')}: "
                   f"меньше {config.MIN_N} участников.")


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
