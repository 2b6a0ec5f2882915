"""«Отбор школ»: the ШНОР and ШФНСУ rules with adjustable thresholds, the lists and their reasons,
clusters, the comparison with the programme lists, and how the list moves with a threshold."""
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import identification
from analytics.cli import identify_rules
from analytics.formatting import fmt_number
from pages import _ui

_ui.ensure_app_entry()


@st.cache_data(show_spinner="Отбираем школы…", max_entries=32)
def _identify(stamp, year, shnor_share, min_years, isbsh_share, remote_km, small, assessments):
    rules = identify_rules(shnor_share, min_years, isbsh_share, remote_km, small, assessments)
    return identification.identify(_ui.connection(), year, rules)


@st.cache_data(show_spinner=False, max_entries=16)
def _sensitivity(stamp, year, min_years):
    shares = np.round(np.arange(0.05, 0.31, 0.025), 3)
    return pd.DataFrame({"share": shares, "schools": [
        len(identification.shnor(_ui.connection(), year, share=float(s), min_years=min_years)) for s in shares]})


f = _ui.current_filters()
cat = _ui.catalog()
stamp = _ui.warehouse_stamp()
st.title("Отбор школ")
st.caption("ШНОР — школы с низкими результатами обучения; ШФНСУ — школы, функционирующие в неблагоприятных "
           "социальных условиях. Все пороги можно менять: список пересчитывается сразу.")

years = [y for y in cat.years if y >= cat.years[0] + 2]
with st.expander("Правила и пороги", expanded=True):
    c = st.columns(3)
    year = c[0].selectbox("Год отбора", years[::-1], key="s_year", bind="query-params")
    share = c[1].slider("ШНОР: нижняя доля по композитному индексу", 0.05, 0.30, 0.10, 0.01, key="s_share",
                        bind="query-params", format="%.2f")
    min_years = c[2].slider("ШНОР: лет из трёх в нижней доле", 1, 3, 2, key="s_years", bind="query-params")
    c = st.columns(3)
    isbsh_share = c[0].slider("ШФНСУ: нижняя доля по ИСБШ", 0.05, 0.30, 0.10, 0.01, key="s_isbsh",
                              bind="query-params", format="%.2f")
    remote_km = c[1].slider("Удалённость от центра муниципалитета, км", 10, 60, 25, key="s_km", bind="query-params")
    small = c[2].slider("Малокомплектная: обучающихся меньше", 50, 200, 100, 10, key="s_small", bind="query-params")
    chosen = st.multiselect("Процедуры в композитном индексе (пусто — все)", list(cat.assessments), key="s_assess",
                            bind="query-params")
    st.markdown(
        f"**ШНОР** в {year} г.: композитный индекс результатов в нижних {round(share * 100)} % школ региона не "
        f"менее чем в {min_years} из 3 лет ({year - 2}–{year}). **ШФНСУ**: индекс социального благополучия в нижних "
        f"{round(isbsh_share * 100)} % или хотя бы два признака из трёх — удалённость (больше {remote_km} км по "
        f"прямой до центра муниципалитета), малокомплектность (меньше {small} обучающихся), ресурсный дефицит "
        "(вакансии, меньше 1 компьютера на 10 обучающихся или интернет медленнее 10 Мбит/с).")

d = _identify(stamp, year, share, min_years, isbsh_share, remote_km, small, tuple(chosen))
if f.municipality_id:
    d = d[d["municipality_id"] == f.municipality_id]
m = st.columns(4)
_ui.metric(m[0], "ШНОР", int(d["shnor"].sum()))
_ui.metric(m[1], "ШФНСУ", int(d["shfnsu"].sum()))
_ui.metric(m[2], "И то и другое", int((d["shnor"] & d["shfnsu"]).sum()))
_ui.metric(m[3], "Резильентные", int(d["resilient"].sum()),
           help_text="Сложный контекст (нижняя четверть ИСБШ), но результаты выше ожидаемых в 2 из 3 лет")


def school_table(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Школа": rows["name"], "Муниципалитет": rows["municipality"],
        "Индекс результатов (3 года)": rows["composite_mean"].map(lambda v: fmt_number(v, 2)),
        "ИСБШ": rows["isbsh"].map(lambda v: fmt_number(v, 0)),
        "Продолжили в 10 кл.": rows["continuation"].map(lambda v: "—" if pd.isna(v) else f"{v * 100:.0f} %"),
        "Олимпиады (рег. и закл. этапы), % обуч.": rows["olympiad_share"].map(
            lambda v: "—" if pd.isna(v) else fmt_number(v * 100, 1)),
        "Основания": rows["reasons"].map("; ".join),
        "Программы": rows["programmes"].map(lambda p: ", ".join(p) or "—"),
        "Карточка": _ui.school_links(rows["school_id"]),
    })


config = {"Карточка": _ui.school_link_column()}
tabs = st.tabs(["ШНОР", "ШФНСУ", "Кластеры", "Сравнение с программами", "Чувствительность к порогу"])
with tabs[0]:
    rows = d[d["shnor"]].sort_values("composite_mean")
    st.dataframe(school_table(rows), hide_index=True, width="stretch", column_config=config)
    _ui.download_buttons(school_table(rows).drop(columns="Карточка").assign(Код=rows["school_id"].to_numpy()),
                         f"shnor_{year}", f, key="shnor")
with tabs[1]:
    rows = d[d["shfnsu"]].sort_values("isbsh")
    st.dataframe(school_table(rows), hide_index=True, width="stretch", column_config=config)
    _ui.download_buttons(school_table(rows).drop(columns="Карточка").assign(Код=rows["school_id"].to_numpy()),
                         f"shfnsu_{year}", f, key="shfnsu")
with tabs[2]:
    counts = d["cluster"].value_counts()
    st.markdown("\n".join(f"- **{identification.CLUSTERS[k]}**: {counts.get(k, 0)}" for k in identification.CLUSTERS))
    fig = go.Figure()
    for i, (key, label) in enumerate(identification.CLUSTERS.items()):
        g = d[d["cluster"] == key]
        fig.add_scatter(x=g["isbsh"], y=g["composite_mean"], mode="markers", name=label,
                        marker={"color": _ui.COLORS[i % len(_ui.COLORS)], "size": 8}, customdata=g["name"],
                        hovertemplate="%{customdata}<br>ИСБШ %{x:.0f}, индекс %{y:.2f}<extra></extra>")
    _ui.base_layout(fig, "Результаты и социальный контекст (четверти региона)", "индекс результатов за 3 года", 460)
    fig.update_layout(xaxis={"title": "ИСБШ (0–100, выше — благополучнее)", "dtick": None}, hovermode="closest")
    st.plotly_chart(fig, width="stretch", config={"displaylogo": False})
with tabs[3]:
    cmp = identification.compare_with_programmes(d)
    st.markdown(f"**Отобраны, но не в программе** ({len(cmp['identified_not_supported'])})")
    st.dataframe(school_table(cmp["identified_not_supported"]), hide_index=True, width="stretch",
                 column_config=config)
    st.markdown(f"**В программе, но уже не отбираются** ({len(cmp['supported_not_identified'])})")
    st.dataframe(school_table(cmp["supported_not_identified"]), hide_index=True, width="stretch",
                 column_config=config)
with tabs[4]:
    sens = _sensitivity(stamp, year, min_years)
    fig = go.Figure(go.Scatter(x=sens["share"] * 100, y=sens["schools"], mode="lines+markers",
                               hovertemplate="нижние %{x:.1f} %: %{y} школ<extra></extra>"))
    fig.add_vline(x=share * 100, line_dash="dash", line_color="#e07b00")
    _ui.base_layout(fig, "Сколько школ попадает в ШНОР при разных порогах", "школ", 360)
    fig.update_layout(xaxis={"title": "нижняя доля, %", "dtick": None}, showlegend=False)
    st.plotly_chart(fig, width="stretch", config={"displaylogo": False})
