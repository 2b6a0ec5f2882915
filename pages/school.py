"""«Карточка школы»: one school on one screen (?school=ID), printable."""
import pandas as pd
import streamlit as st

from analytics import gaps, identification, queries, trends, wellbeing
from analytics.formatting import fmt_number
from pages import _ui

_ui.ensure_app_entry()
MAIN = (("ЕГЭ", "Русский язык", 11), ("ЕГЭ", "Математика (профильная)", 11), ("ОГЭ", "Русский язык", 9),
        ("ОГЭ", "Математика", 9))


@st.cache_data(show_spinner=False, max_entries=8)
def _schools(stamp, year):
    return queries.run(_ui.connection(), "school_attributes", year=year)


@st.cache_data(show_spinner="Собираем карточку…", max_entries=16)
def _ident(stamp, year):
    return identification.identify(_ui.connection(), year)


@st.cache_data(show_spinner=False, max_entries=64)
def _trend(stamp, school_id, name, municipality, assessment, subject, grade, first, last):
    con = _ui.connection()
    return trends.combine(trends.trend(con, assessment, subject, grade, first, last, municipality),
                          trends.group_trend(con, assessment, subject, grade, first, last, [school_id], name))


@st.cache_data(show_spinner=False, max_entries=64)
def _gap(stamp, year, assessment, subject, grade):
    return gaps.school_gaps(_ui.connection(), year, assessment, subject, grade)


f = _ui.current_filters()
cat = _ui.catalog()
stamp = _ui.warehouse_stamp()
year = f.last_year
schools = _schools(stamp, year)
names = dict(zip(schools["school_id"], schools["name"], strict=True))
ids = list(names)
wanted = st.query_params.get("school")          # ?school=ID: every list, map popup and link opens a card
sid = st.selectbox("Школа", ids, index=ids.index(wanted) if wanted in names else 0, format_func=names.get,
                   key="school_pick")
st.query_params["school"] = sid
info = queries.run(_ui.connection(), "school_info", school_id=sid, year=year).iloc[0]
st.title(info["name"])
st.markdown(f"<div class='orientir-caption'>{info['municipality']} · {info['settlement'] or ''} "
            f"({info['settlement_type'] or '—'}) · код {sid} · данные {year} г.</div>", unsafe_allow_html=True)
st.html("<style>@media print { section[data-testid='stSidebar'], header, .stSelectbox, "
        "div[data-testid='stDownloadButton'] { display: none !important; } }</style>")

d = _ident(stamp, year).set_index("school_id")
row = d.loc[sid] if sid in d.index else None
m = st.columns(5)
_ui.metric(m[0], "Обучающихся", info["students"])
_ui.metric(m[1], "Педагогов / вакансий", f"{info['teachers'] or '—'} / {info['teacher_vacancies'] or 0}")
_ui.metric(m[2], "ИСБШ", "—" if row is None else fmt_number(row["isbsh"], 0),
           help_text="Индекс социального благополучия, 0–100; 50 — средняя школа региона")
_ui.metric(m[3], "Индекс результатов (3 года)", "—" if row is None else fmt_number(row["composite_mean"], 2))
_ui.metric(m[4], "Интернет, Мбит/с", fmt_number(info["internet_mbps"], 0))

st.subheader("Статус")
if row is not None:
    status = [label for label, flag in (("ШНОР", row["shnor"]), ("ШФНСУ", row["shfnsu"]),
                                        ("резильентная", row["resilient"])) if flag]
    st.markdown(f"**{', '.join(status) or 'не отобрана'}** · кластер: {identification.CLUSTERS[row['cluster']]}")
    if row["reasons"]:
        st.markdown("\n".join(f"- {r}" for r in row["reasons"]))
    if pd.notna(row.get("expected")):
        st.caption(f"Ожидаемый при таком контексте индекс результатов {fmt_number(row['expected'], 2)}, фактический "
                   f"{fmt_number(row['composite_by_year'].get(year), 2)} (разница {fmt_number(row['residual'], 2)}, "
                   f"интервал 95 % [{fmt_number(row['residual_low'], 2)}; {fmt_number(row['residual_high'], 2)}]).")

st.subheader("Результаты по годам")
cols = st.columns(2)
for i, (assessment, subject, grade) in enumerate(MAIN):
    t = _trend(stamp, sid, "Школа", (info["municipality_id"], info["municipality"]), assessment, subject, grade,
               f.first_year, f.last_year)
    if t.data[t.data["unit"] == "Школа"]["mean_score"].notna().sum() == 0:
        continue
    fig = _ui.trend_figure(t.data, "mean_score", f"{assessment}, {subject}", "балл",
                           break_years=tuple(t.notes["year"]), height=300)
    cols[i % 2].plotly_chart(fig, width="stretch", config={"displaylogo": False}, key=f"card-{i}")

st.subheader(f"Разрыв со средним по региону, {year} г.")
gap_rows = []
for assessment, subject, grade in MAIN:
    g = _gap(stamp, year, assessment, subject, grade).schools
    hit = g[g["school_id"] == sid]
    if len(hit):
        h = hit.iloc[0]
        gap_rows.append({"Процедура": assessment, "Предмет": subject, "Участников": int(h["n"]),
                         "Разрыв": fmt_number(h["gap"], 2),
                         "Интервал 95 %": f"[{fmt_number(h['ci_low'], 2)}; {fmt_number(h['ci_high'], 2)}]",
                         "С учётом надёжности": fmt_number(h["shrunken_gap"], 2),
                         "Место в регионе": f"{int(h['rank'])} из {len(g)}"})
if gap_rows:
    st.dataframe(pd.DataFrame(gap_rows), hide_index=True, width="stretch")
else:
    st.caption("Нет результатов с 5 и более участниками.")

c1, c2 = st.columns(2)
with c1:
    st.subheader("Социальный контекст")
    if row is not None:
        comp = pd.DataFrame({"Показатель": [n for n, _ in wellbeing.COMPONENTS.values()],
                             "Доля, %": [fmt_number(row[c] * 100, 1) for c in wellbeing.COMPONENTS],
                             "Отклонение от региона, z": [fmt_number(row[f"z_{c}"], 2) for c in wellbeing.COMPONENTS]})
        st.dataframe(comp, hide_index=True, width="stretch")
        st.caption("z больше нуля — благополучнее средней школы региона.")
with c2:
    st.subheader("Программы и риски")
    progs = queries.run(_ui.connection(), "school_programmes", school_id=sid)
    if len(progs):
        st.dataframe(progs.rename(columns={"name": "Программа", "entry_year": "Вход", "exit_year": "Выход",
                                           "selection_score": "Балл отбора", "selection": "Основание"}),
                     hide_index=True, width="stretch")
    else:
        st.caption("Не участвовала в программах.")
    rp = queries.run(_ui.connection(), "school_risks", school_id=sid)
    if len(rp):
        last = rp[rp["year"] == rp["year"].max()]
        high = last[last["level"] == 3]["factor_name"].tolist()
        st.markdown(f"Профиль рисков {int(last['year'].iloc[0])} г.: высокие риски — "
                    + ("; ".join(high) if high else "нет"))
st.caption("Сетевые партнёры появятся вместе с картой школ.")
