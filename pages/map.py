"""«Карта»: municipalities as a choropleth, schools by status, switchable layers, partner lines,
and the partner table. Works offline (Leaflet served by the app; tiles optional)."""
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from analytics import geo, identification, maps, queries
from analytics.formatting import fmt_number
from pages import _ui

_ui.ensure_app_entry()
INDICATORS = {"Доля ШНОР": "shnor", "Средний индекс результатов": "composite", "Медиана ИСБШ": "isbsh"}


@st.cache_data(show_spinner="Готовим карту…", max_entries=8)
def _data(stamp, year):
    con = _ui.connection()
    ident = identification.identify(con, year)
    schools = geo.map_schools(con, year, ident)
    partners = geo.shnor_partners(schools)
    return schools, partners, queries.run(con, "geo_municipalities")


f = _ui.current_filters()
cat = _ui.catalog()
stamp = _ui.warehouse_stamp()
st.title("Карта школ")
c1, c2 = st.columns(2)
year = c1.selectbox("Год", list(cat.years[2:])[::-1], key="m_year", bind="query-params")
indicator = c2.selectbox("Заливка муниципалитетов", list(INDICATORS), key="m_ind", bind="query-params")
schools, partners, muns = _data(stamp, year)
if f.municipality_id:
    schools = schools[schools["municipality_id"] == f.municipality_id]
    partners = partners[partners["school_id"].isin(set(schools["school_id"]))]
col = INDICATORS[indicator]
values = (schools.groupby("municipality_id")[col].mean() if col != "isbsh"
          else schools.groupby("municipality_id")[col].median())
st.caption("Расстояния — по прямой (дорожные расстояния — возможный следующий шаг). Границы муниципалитетов "
           "в демо-данных приблизительные (ячейки вокруг населённых пунктов); загруженные настоящие границы их "
           "заменяют. Подложка OpenStreetMap видна только при доступе в интернет.")
legend = " ".join(f"<span style='color:{c}'>●</span> {k}" for k, c in maps.STATUS_COLOURS.items())
st.markdown(f"<div class='orientir-caption'>{legend}; размер — число обучающихся</div>", unsafe_allow_html=True)


@st.fragment
def show_map(schools, partners, values, indicator):
    m = maps.build_map(schools, muns, values, indicator, partners)
    st_folium(m, height=620, use_container_width=True, returned_objects=[], key="school_map")


show_map(schools, partners, values, indicator)
if len(schools) > maps.MAX_MARKERS:
    st.caption(f"Школ больше {fmt_number(maps.MAX_MARKERS)}: на карте они сведены по муниципалитетам; "
               "выберите муниципалитет слева, чтобы увидеть каждую школу.")

st.subheader("Сетевые партнёры")
st.caption("Для каждой ШНОР — до трёх школ с высокими результатами (верхняя четверть региона) или результатами "
           "выше ожидаемых при их условиях, не дальше 60 км. Балл (меньше — лучше): км / 25 + |ln(отношение "
           "числа обучающихся)| + |разница ИСБШ| / 25 — близость, сходный размер и сходный контекст.")
if len(partners):
    table = pd.DataFrame({"ШНОР": partners["school"], "Партнёр": partners["partner"], "Место": partners["rank"],
                          "Расстояние, км": partners["km"].map(lambda v: fmt_number(v, 1)),
                          "Балл": partners["score"].map(lambda v: fmt_number(v, 2)),
                          "Карточка партнёра": _ui.school_links(partners["partner_id"])})
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"Карточка партнёра": _ui.school_link_column()})
    _ui.download_buttons(partners.drop(columns=["lat", "lon", "partner_lat", "partner_lon"]),
                         f"partnery_{year}", f, key="partners")
else:
    st.info("Для выбранных школ партнёров не найдено.")

st.subheader("Удалённость и малокомплектность")
rem = schools[["name", "municipality", "settlement_type", "students", "km_to_centre", "km_to_capital",
               "km_to_nearest_school", "km_to_high_school", "schools_within_10km", "schools_within_25km"]]
st.dataframe(rem.rename(columns={
    "name": "Школа", "municipality": "Муниципалитет", "settlement_type": "Тип поселения",
    "students": "Обучающихся", "km_to_centre": "До центра МО, км", "km_to_capital": "До столицы, км",
    "km_to_nearest_school": "До ближайшей школы, км", "km_to_high_school": "До сильной школы, км",
    "schools_within_10km": "Школ в 10 км", "schools_within_25km": "Школ в 25 км"}).round(1)
    .sort_values("До центра МО, км", ascending=False), hide_index=True, width="stretch")
