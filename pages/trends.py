"""«Динамика результатов»: yearly results of the region, a municipality, a school or a group."""
import streamlit as st

from analytics import trends
from pages import _ui

_ui.ensure_app_entry()

MEASURES = {"Средний балл": "mean_score", "Доля ниже минимума": "share_below_min",
            "Доля высоких результатов": "share_high", "Участников": "participants"}
VIEWS = ["Регион и муниципалитет", "Школа", "Группа школ", "Участники программ и остальные"]


@st.cache_data(show_spinner=False, max_entries=64)
def _region(stamp, assessment, subject, grade, first, last, municipality):
    return trends.trend(_ui.connection(), assessment, subject, grade, first, last, municipality)


@st.cache_data(show_spinner=False, max_entries=128)
def _group(stamp, assessment, subject, grade, first, last, ids, label):
    return trends.group_trend(_ui.connection(), assessment, subject, grade, first, last, list(ids), label)


@st.cache_data(show_spinner=False, max_entries=16)
def _groups(stamp, year, municipality_id):
    return trends.school_groups(_ui.connection(), year, municipality_id)


@st.cache_data(show_spinner=False, max_entries=8)
def _schools(stamp, year):
    from analytics import queries
    return queries.run(_ui.connection(), "school_attributes", year=year)


f = _ui.current_filters()
cat = _ui.catalog()
stamp = _ui.warehouse_stamp()
st.title("Динамика результатов")
st.caption(f"{f.assessment}: {f.subject}. Муниципалитет, процедуру и предмет выберите слева; "
           "школу или группу школ — здесь.")

c1, c2 = st.columns([1, 2])
grades = cat.grades_of(f.assessment, f.subject)
grade = grades[0]
if len(grades) > 1:
    grade = c1.selectbox("Класс", grades, key="t_grade", bind="query-params")
measure = c2.segmented_control("Показатель", list(MEASURES), default="Средний балл", key="t_measure",
                               bind="query-params") or "Средний балл"
view = st.segmented_control("Сравнить", VIEWS, default=VIEWS[0], key="t_view", bind="query-params") or VIEWS[0]

muni = (f.municipality_id, cat.municipality_name(f.municipality_id)) if f.municipality_id else None
parts = [_region(stamp, f.assessment, f.subject, grade, f.first_year, f.last_year, muni)]
if view == "Школа":
    schools = _schools(stamp, f.last_year)
    if f.municipality_id:
        schools = schools[schools["municipality_id"] == f.municipality_id]
    names = dict(zip(schools["school_id"], schools["name"], strict=True))
    school = st.selectbox("Школа", ["", *names], format_func=lambda s: names.get(s, "— выберите школу —"),
                          key="t_school", bind="query-params")
    if school:
        parts.append(_group(stamp, f.assessment, f.subject, grade, f.first_year, f.last_year, (school,),
                            names[school]))
elif view == "Группа школ":
    groups = _groups(stamp, f.last_year, f.municipality_id)
    group = st.selectbox("Группа", list(groups), key="t_group", bind="query-params")
    if group:
        parts.append(_group(stamp, f.assessment, f.subject, grade, f.first_year, f.last_year,
                            tuple(groups[group]), group))
elif view == "Участники программ и остальные":
    groups = _groups(stamp, f.last_year, f.municipality_id)
    for label, ids in groups.items():
        if label.startswith(("Участники: ", "Не участвовали: ")) and "500+" in label:
            parts.append(_group(stamp, f.assessment, f.subject, grade, f.first_year, f.last_year, tuple(ids),
                                label.replace("Проект адресной методической помощи ", "")))

t = trends.combine(*parts)
column = MEASURES[measure]
is_share = column.startswith("share")
scale_name = "тестовый балл" if (t.data["scale"] == "test100").any() else "отметка 2–5"
y_title = "%" if is_share else ("чел." if column == "participants" else "балл")
fig = _ui.trend_figure(t.data, column, f"{measure}, {grade} класс ({scale_name})", y_title, percent=is_share,
                       break_years=tuple(t.notes["year"]))
st.plotly_chart(fig, width="stretch", config={"displaylogo": False})
_ui.trend_captions(t)

table = t.data.pivot_table(index="year", columns="unit", values=column, sort=False)
table.index.name = "Год"
st.dataframe(table.map(lambda v: _ui.fmt_value(v, is_share, column == "participants")), width="stretch")
_ui.download_buttons(t.data.drop(columns=["scale"]), "dinamika", f, key="trend")
