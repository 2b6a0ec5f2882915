"""«Эффект программ»: the descriptive picture, then every estimate side by side with its interval,
the event study, diagnostics, and a plain-Russian verdict."""
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import effects, queries
from analytics.formatting import fmt_number
from pages import _ui

_ui.ensure_app_entry()


@st.cache_data(show_spinner="Считаем оценки…", max_entries=32)
def _report(stamp, programme_id, outcome, wave, municipality_id):
    try:
        return effects.estimate_effects(_ui.connection(), programme_id, outcome, wave=wave,
                                        municipality_id=municipality_id)
    except ValueError as exc:
        return str(exc)


@st.cache_data(show_spinner=False, max_entries=32)
def _descriptive(stamp, programme_id, outcome):
    return (effects.descriptive(_ui.connection(), programme_id, outcome),
            effects.nonobjectivity_flags(_ui.connection(), programme_id))


@st.cache_data(show_spinner=False, max_entries=8)
def _waves(stamp, programme_id):
    ps = queries.run(_ui.connection(), "programme_schools")
    return sorted(int(y) for y in ps.loc[ps["programme_id"] == programme_id, "entry_year"].unique())


@st.cache_data(show_spinner=False, max_entries=4)
def _programmes(stamp):
    return queries.run(_ui.connection(), "programme_list")


f = _ui.current_filters()
cat = _ui.catalog()
stamp = _ui.warehouse_stamp()
st.title("Эффект программ")
progs = _programmes(stamp)
if progs.empty:
    st.info("В хранилище нет программ поддержки.")
    st.stop()
names = dict(zip(progs["programme_id"], progs["name"], strict=True))
c1, c2, c3 = st.columns([2, 2, 1])
pid = c1.selectbox("Программа", list(names), format_func=names.get, key="e_prog", bind="query-params")
outcomes = ["composite"] + [f"{a}:{s}" for a in cat.assessments for s in cat.subjects_of(a)]
outcome = c2.selectbox("Результат", outcomes, key="e_outcome", bind="query-params",
                       format_func=lambda o: "Композитный индекс результатов (все процедуры)" if o == "composite"
                       else o.replace(":", ", "))
waves = _waves(stamp, pid)
wave = c3.selectbox("Волна", [0, *waves], format_func=lambda w: "все" if w == 0 else str(w), key="e_wave",
                    bind="query-params") if len(waves) > 1 else 0
r = _report(stamp, pid, outcome, wave or None, f.municipality_id)
if isinstance(r, str):
    st.info(f"Оценить нельзя: {r}. Выберите другую программу, волну или весь регион.")
    st.stop()
if f.municipality_id:
    st.caption(f"Только школы: {cat.municipality_name(f.municipality_id)} (фильтр слева). Оценки по одному "
               "муниципалитету опираются на немногие школы — интервалы широкие.")
desc, flags = _descriptive(stamp, pid, outcome)
w = r.selection_window

st.subheader("Что было: результаты школ программы и остальных")
fig = go.Figure()
for i, (group, g) in enumerate(desc.groupby("group", sort=True)):
    fig.add_scatter(x=g["year"], y=g["mean"], mode="lines+markers", name=f"{group} ({int(g['schools'].max())} шк.)",
                    line={"color": _ui.COLORS[i % len(_ui.COLORS)]})
for _, c in r.cohorts.iterrows():
    g = int(c["entry_year"])
    fig.add_vrect(x0=g - w - 0.5, x1=g - 0.5, fillcolor="#e07b00", opacity=0.08, line_width=0)
    fig.add_vline(x=g - 0.5, line_dash="dash", line_color="#555")
if not flags.empty:
    ymin = float(desc["mean"].min())
    fig.add_scatter(x=flags["year"], y=[ymin] * len(flags), mode="markers+text", text=flags["flagged"],
                    textposition="top center", marker={"symbol": "triangle-up", "color": "#b8336a", "size": 11},
                    name="школ программы с признаками завышения ВПР")
_ui.base_layout(fig, "Среднее по группам; оранжевым — окно отбора, пунктир — вход волны", r.units, 420)
st.plotly_chart(fig, width="stretch", config={"displaylogo": False})
st.caption("Школы попали в программу, потому что в окне отбора их результаты были низкими. Подъём сразу после "
           "отбора частично случаен (возврат к среднему) — поэтому ниже наивная оценка стоит рядом с честными.")

st.subheader("Оценки эффекта")
rows = [("Наивная: после минус до", r.naive), ("Разность разностей (база до окна отбора)", r.did),
        ("Разрывный дизайн у порога отбора", r.rd), ("Плацебо: тот же отбор без программы", r.placebo),
        ("Двусторонние фиксированные эффекты (смещена)", r.twfe)]
shown = [(n, e) for n, e in rows if e is not None]
forest = go.Figure()
for name, e in shown[::-1]:
    forest.add_scatter(x=[e.estimate], y=[name], mode="markers", marker={"size": 11, "color": "#1f4e9c"},
                       error_x={"type": "data", "symmetric": False, "array": [e.ci_high - e.estimate],
                                "arrayminus": [e.estimate - e.ci_low]}, showlegend=False,
                       hovertemplate=f"{name}: %{{x:.3f}}<extra></extra>")
forest.add_vline(x=0, line_color="#888")
_ui.base_layout(forest, "Оценка и 95-процентный интервал", "", 340)
forest.update_layout(xaxis={"title": r.units, "dtick": None}, hovermode="closest", margin={"l": 10})
st.plotly_chart(forest, width="stretch", config={"displaylogo": False})
table = pd.DataFrame([{"Оценка": n, "Значение": fmt_number(e.estimate, 3),
                       "Интервал 95 %": f"[{fmt_number(e.ci_low, 3)}; {fmt_number(e.ci_high, 3)}]",
                       "Школ программы": e.n_treated, "Школ сравнения": e.n_control} for n, e in shown])
st.dataframe(table, hide_index=True, width="stretch")

st.subheader("Вывод")
st.markdown("\n".join(f"- {line}" for line in effects.verdict(r)))
for note in r.notes:
    st.warning(note)

st.subheader("Событийный анализ")
es = r.event_study
ev = go.Figure()
ev.add_vrect(x0=-w - 0.5, x1=-0.5, fillcolor="#e07b00", opacity=0.08, line_width=0)
ev.add_scatter(x=es["event_time"], y=es["estimate"], mode="markers", marker={"size": 9, "color": "#1f4e9c"},
               error_y={"type": "data", "symmetric": False, "array": es["ci_high"] - es["estimate"],
                        "arrayminus": es["estimate"] - es["ci_low"]}, name="оценка",
               hovertemplate="год от входа %{x}: %{y:.3f}<extra></extra>")
ev.add_scatter(x=[-w - 1], y=[0], mode="markers", marker={"symbol": "diamond", "size": 11, "color": "#e07b00"},
               name="базовый год")
ev.add_hline(y=0, line_color="#888")
_ui.base_layout(ev, "Разница с школами сравнения по годам от входа (оранжевым — окно отбора)", r.units, 380)
ev.update_layout(xaxis={"title": "лет от года входа", "dtick": 1}, hovermode="closest")
st.plotly_chart(ev, width="stretch", config={"displaylogo": False})

st.subheader("Диагностика")
d = st.columns(4)
_ui.metric(d[0], "Тест параллельных трендов, p", "—" if r.pretrend_p is None else fmt_number(r.pretrend_p, 3),
           help_text="Совместная проверка, что до базового года различий не было; p < 0,05 — сомнение в оценке")
_ui.metric(d[1], "Волн / школ", f"{len(r.cohorts)} / {int(r.cohorts['schools'].sum())}")
rd = r.rd_details
_ui.metric(d[2], "У порога (слева / справа)",
           f"{rd.get('n_left_effective', '—')} / {rd.get('n_right_effective', '—')}",
           help_text="Школ в оптимальной полосе rdrobust по обе стороны порога")
dens = rd.get("density_p")
_ui.metric(d[3], "Тест плотности у порога, p", "—" if dens is None else fmt_number(dens, 3),
           help_text="rddensity: p < 0,05 — признак манипуляции баллом отбора")
if rd.get("reason"):
    st.caption(f"Разрывный дизайн: {rd['reason']}.")
st.caption(f"Окно отбора — {w} года до года входа; база разности разностей — год перед окном; "
           f"после входа усредняются {effects.POST_HORIZON} года. Плацебо-год: {r.placebo_year or '—'}.")
export = pd.DataFrame([{"estimate": n, **e.as_dict()} for n, e in shown])
_ui.download_buttons(export, f"effekt_{pid}", f, key="effects")
