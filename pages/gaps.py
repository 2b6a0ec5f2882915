"""«Разрыв со средним по региону»: each school's gap with its interval, the funnel plot,
empirical-Bayes ranks, status × change, and the areas to investigate."""
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import gaps
from analytics.formatting import fmt_number, plural
from pages import _ui

_ui.ensure_app_entry()


@st.cache_data(show_spinner=False, max_entries=64)
def _gaps(stamp, year, assessment, subject, grade, window):
    return gaps.school_gaps(_ui.connection(), year, assessment, subject, grade, window)


@st.cache_data(show_spinner=False, max_entries=64)
def _findings(stamp, year, assessment, subject, grade):
    return gaps.findings(_ui.connection(), year, assessment, subject, grade)


f = _ui.current_filters()
cat = _ui.catalog()
stamp = _ui.warehouse_stamp()
st.title("Разрыв со средним по региону")

c1, c2, c3 = st.columns(3)
years = [y for y in cat.years if f.first_year <= y <= f.last_year] or list(cat.years)
year = c1.selectbox("Год", years[::-1], key="g_year", bind="query-params")
window = c2.segmented_control("Период", [1, 3], default=1, key="g_window", bind="query-params",
                              format_func=lambda w: "один год" if w == 1 else "три года") or 1
grades = cat.grades_of(f.assessment, f.subject)
grade = c3.selectbox("Класс", grades, key="g_grade", bind="query-params") if len(grades) > 1 else grades[0]

res = _gaps(stamp, year, f.assessment, f.subject, grade, window)
s = res.schools
if s.empty:
    st.info(f"Нет результатов {f.assessment} по предмету «{f.subject}» за {year} г.")
    st.stop()
if f.municipality_id:
    s = s[s["municipality_id"] == f.municipality_id]
period = f"{year} г." if window == 1 else f"{year - window + 1}–{year} гг."
units = "тестовых баллах" if res.sigma_within > 3 else "отметках (2–5)"
st.caption(f"{f.assessment}, {f.subject}, {grade} класс, {period} Разрыв — средний результат школы минус средний "
           f"по всем участникам региона ({fmt_number(res.region_mean, 2)}), в {units}; интервал 95 % учитывает "
           "число участников школы.")

below = int((s["ci_high"] < 0).sum())
above = int((s["ci_low"] > 0).sum())
m = st.columns(4)
_ui.metric(m[0], "Школ в сравнении", len(s))
_ui.metric(m[1], "Значимо ниже региона", below, help_text="95-процентный интервал целиком ниже нуля")
_ui.metric(m[2], "Значимо выше региона", above, help_text="95-процентный интервал целиком выше нуля")
_ui.metric(m[3], "Скрыто (меньше 5 участников)", res.suppressed)

found = _findings(stamp, year, f.assessment, f.subject, grade) if window == 1 else []
if found:
    st.subheader("Зоны внимания")
    st.caption("Только различия, значимые после поправки на множественные сравнения (Бенджамини — Хохберг, 5 %).")
    st.markdown("\n".join(f"- {x.text}" for x in found[:8]))

# ---- funnel plot
st.subheader("Воронка: разрыв и число участников")
n_grid = np.linspace(max(1, s["n"].min() * 0.9), s["n"].max() * 1.05, 200)
fig = go.Figure()
for z, dash, name in ((gaps.Z95, "dash", "граница 95 %"), (gaps.Z998, "dot", "граница 99,8 %")):
    lim = z * res.sigma_within / np.sqrt(n_grid)
    fig.add_scatter(x=n_grid, y=lim, mode="lines", line={"color": "#888", "dash": dash}, name=name)
    fig.add_scatter(x=n_grid, y=-lim, mode="lines", line={"color": "#888", "dash": dash}, showlegend=False)
colour = np.where(s["ci_high"] < 0, "#c0392b", np.where(s["ci_low"] > 0, "#2a9d4b", "#7f8c9a"))
fig.add_scatter(x=s["n"], y=s["gap"], mode="markers", name="школы", marker={"color": colour, "size": 8},
                customdata=np.stack([s["name"], s["municipality"], s["shrunken_gap"]], axis=1),
                hovertemplate="%{customdata[0]}<br>%{customdata[1]}<br>участников: %{x}<br>разрыв: %{y:.2f}"
                              "<br>с учётом надёжности: %{customdata[2]:.2f}<extra></extra>")
fig.add_hline(y=0, line_color="#1f4e9c")
_ui.base_layout(fig, "Каждая точка — школа; за пунктиром — отклонения больше случайных", "разрыв", 460)
fig.update_layout(hovermode="closest", xaxis={"title": "участников", "dtick": None})
st.plotly_chart(fig, width="stretch", config={"displaylogo": False})

# ---- status x change
prev = _gaps(stamp, year - 1, f.assessment, f.subject, grade, window).schools if year - 1 in cat.years else None
sc = gaps.status_change(s, prev) if prev is not None and not prev.empty else None

# ---- ranked table
st.subheader("Рейтинг с учётом надёжности")
st.caption("Школы упорядочены по разрыву, сжатому к среднему с учётом числа участников (эмпирический Байес): "
           "маленькая школа не попадает в лучшие или худшие из-за случайности. Отметка «ниже/выше» — только "
           "если интервал 95 % не содержит нуль.")
table = pd.DataFrame({
    "Место": s["rank"], "Школа": s["name"], "Муниципалитет": s["municipality"], "Участников": s["n"],
    "Средний балл": s["mean"].map(lambda v: fmt_number(v, 2)),
    "Разрыв": s["gap"].map(lambda v: fmt_number(v, 2)),
    "Интервал 95 %": [f"[{fmt_number(a, 2)}; {fmt_number(b, 2)}]" for a, b in zip(s.ci_low, s.ci_high, strict=True)],
    "z": s["z"].map(lambda v: fmt_number(v, 2)),
    "С учётом надёжности": s["shrunken_gap"].map(lambda v: fmt_number(v, 2)),
    "Значимо": np.where(s["ci_high"] < 0, "ниже", np.where(s["ci_low"] > 0, "выше", "")),
})
if sc is not None:
    lookup = sc.set_index("school_id")
    table["Уровень"] = s["school_id"].map(lookup["level"]).to_numpy()
    table["Динамика"] = s["school_id"].map(lookup["change_class"]).to_numpy()
st.dataframe(table, hide_index=True, width="stretch", height=420)
export = s.drop(columns=["funnel_95", "funnel_998"])
if sc is not None:
    export = export.merge(sc[["school_id", "z_prev", "change", "level", "change_class"]], on="school_id", how="left")
_ui.download_buttons(export, f"razryv_{year}", f, key="gaps")

if sc is not None:
    st.subheader("Уровень × динамика")
    st.caption("Уровень — z этого года (границы −1; −0,5; 0,5; 1 стандартного отклонения средних школ); динамика — "
               "изменение z к прошлому году (границы −0,5; −0,2; 0,2; 0,5). Цвет клетки: от красного (низкий уровень "
               "и снижение) до зелёного (высокий и рост).")
    grid = sc[sc["change_idx"] >= 0].groupby(["level_idx", "change_idx"]).size()
    counts = np.zeros((5, 5), dtype=int)
    for (li, ci), v in grid.items():
        counts[li, ci] = v
    score = np.add.outer(np.arange(5), np.arange(5))
    heat = go.Figure(go.Heatmap(z=score, x=list(gaps.CHANGE_LABELS), y=list(gaps.LEVEL_LABELS),
                                text=counts, texttemplate="%{text}", colorscale="RdYlGn", showscale=False,
                                hovertemplate="%{y}, %{x}: %{text} школ<extra></extra>"))
    _ui.base_layout(heat, "Число школ в каждой клетке", "уровень", 380)
    heat.update_layout(xaxis={"title": "динамика", "dtick": None}, hovermode="closest")
    st.plotly_chart(heat, width="stretch", config={"displaylogo": False})
    n_new = int((sc["change_idx"] < 0).sum())
    if n_new:
        st.caption(f"{n_new} {plural(n_new, 'школа', 'школы', 'школ')} без данных за прошлый год не показаны.")
