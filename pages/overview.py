"""«Обзор»: the region at a glance for leadership."""
import pandas as pd
import streamlit as st

from analytics import overview
from analytics.formatting import fmt_date, fmt_number
from pages import _ui

_ui.ensure_app_entry()


@st.cache_data(show_spinner=False, max_entries=32)
def _headline(stamp: int, year: int, municipality_id: str | None) -> dict:
    return overview.headline(_ui.connection(), year, municipality_id)


@st.cache_data(show_spinner=False, max_entries=64)
def _trend(stamp, assessment, subject, grade, first, last, municipality):
    return overview.trend(_ui.connection(), assessment, subject, grade, first, last, municipality)


f = _ui.current_filters()
cat = _ui.catalog()
stamp = _ui.warehouse_stamp()
place = cat.municipality_name(f.municipality_id) or "Республика Северная Осетия — Алания"

st.title("Обзор")
st.markdown(f"<div class='orientir-caption'>{place} · хранилище обновлено {fmt_date(_ui.data_vintage())}</div>",
            unsafe_allow_html=True)

h = _headline(stamp, f.last_year, f.municipality_id)
c = st.columns(5)
_ui.metric(c[0], f"Школ в {h['year']} г.", h["schools"])
_ui.metric(c[1], "Обучающихся", h["students"])
_ui.metric(c[2], "Малокомплектных", h["small_schools"], help_text="Менее 100 обучающихся")
_ui.metric(c[3], f"ШНОР в {h['year']} г.", h["shnor"],
           help_text="Композитный индекс результатов в нижних 10 % региона не менее чем в 2 из 3 последних лет")
plus = next((p for p in h["programmes"] if p["programme_id"] == "500PLUS"), None)
_ui.metric(c[4], "В «500+» всего", plus["ever"] if plus else 0,
           help_text="Школы, включённые в проект «500+» в любой год")

@st.cache_data(show_spinner=False, max_entries=16)
def _top_findings(stamp: int, year: int) -> list:
    return overview.top_findings(_ui.connection(), year)


found = _top_findings(stamp, h["year"])
if found:
    st.subheader("Зоны внимания")
    st.markdown("\n".join(f"- {x.text}" for x in found))
    st.page_link("pages/gaps.py", label="Подробнее: разрыв со средним по региону", icon=":material/arrow_forward:")

st.subheader("Главные результаты региона")
cols = st.columns(len(overview.MAIN_RESULTS))
main_data = []
for col, (title, assessment, subject, g, column) in zip(cols, overview.MAIN_RESULTS, strict=True):
    main = _trend(stamp, assessment, subject, g, f.first_year, f.last_year, None)
    main_data.append(main.data.assign(indicator=title)[["indicator", "year", column, "participants", "note"]]
                     .rename(columns={column: "value"}))
    share = column != "mean_score"
    small = _ui.trend_figure(main.data, column, title, "%" if share else "балл", percent=share,
                             break_years=tuple(main.notes["year"]), height=260)
    small.update_layout(showlegend=False, title_font_size=13, xaxis_dtick=2)
    col.plotly_chart(small, width="stretch", config={"displaylogo": False}, key=f"main-{assessment}-{subject}")
_ui.download_buttons(pd.concat(main_data, ignore_index=True), "glavnye_rezultaty", f, key="ov-main")

st.subheader(f"{f.assessment}: {f.subject}")
grades = cat.grades_of(f.assessment, f.subject)
grade = grades[0]
if len(grades) > 1:
    grade = st.segmented_control("Класс", grades, default=grades[0], key="ov_grade") or grades[0]
measure = st.segmented_control(
    "Показатель", ["Средний балл", "Доля ниже минимума", "Доля высоких результатов"],
    default="Средний балл", key="ov_measure") or "Средний балл"
muni = (f.municipality_id, cat.municipality_name(f.municipality_id)) if f.municipality_id else None
t = _trend(stamp, f.assessment, f.subject, grade, f.first_year, f.last_year, muni)
column = {"Средний балл": "mean_score", "Доля ниже минимума": "share_below_min",
          "Доля высоких результатов": "share_high"}[measure]
is_share = column != "mean_score"
scale_name = "тестовый балл" if (t.data["scale"] == "test100").any() else "отметка 2–5"
fig = _ui.trend_figure(t.data, column, f"{measure}, {grade} класс ({scale_name})",
                       "%" if is_share else "балл", percent=is_share, break_years=tuple(t.notes["year"]))
st.plotly_chart(fig, width="stretch", config={"displaylogo": False})
_ui.trend_captions(t)
_ui.download_buttons(t.data.drop(columns=["scale"]), "dinamika", f, key="ov-trend")

st.subheader("Программы поддержки")
rows = [{"Программа": p["name"],
         "Годы": f"{p['start_year']}–{p['end_year'] or 'н. в.'}",
         "Школ всего": fmt_number(p["ever"]),
         f"Участвуют в {h['year']} г.": fmt_number(p["active"])} for p in h["programmes"]]
st.dataframe(rows, hide_index=True, width="stretch")

with st.expander("Откуда данные"):
    src = overview.data_source(_ui.connection())
    kind = {"demo": "демонстрационные (синтетический регион, не реальные школы)",
            "import": "загруженные пользователем"}.get(src["source"], src["source"])
    st.markdown(f"- Источник: **{kind}**\n- Хранилище собрано: {fmt_date(src['built_at'], with_time=True)}\n"
                f"- Версия схемы: {src['schema_version']}")
    hist = src["last_loads"].rename(columns={
        "loaded_at": "Время", "file_name": "Файл", "kind": "Вид данных", "rows_read": "Прочитано строк",
        "rows_loaded": "Загружено строк", "outcome": "Итог", "message": "Сообщение"})
    st.dataframe(hist, hide_index=True, width="stretch")
