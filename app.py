"""Ориентир: entry point. Registers the pages, draws the global filters, runs the chosen page."""
import streamlit as st

from pages import _ui

st.set_page_config(page_title="Ориентир", page_icon=":material/explore:", layout="wide")
_ui.apply_style()

PAGES = {
    "Регион": [
        st.Page("pages/overview.py", title="Обзор", icon=":material/home:", url_path="overview", default=True),
        st.Page("pages/trends.py", title="Динамика результатов", icon=":material/show_chart:", url_path="trends"),
        st.Page("pages/gaps.py", title="Разрыв со средним по региону", icon=":material/compare_arrows:",
                url_path="gaps"),
    ],
    "Школы": [
        st.Page("pages/selection.py", title="Отбор школ", icon=":material/checklist:", url_path="selection"),
        st.Page("pages/wellbeing.py", title="Социальное благополучие", icon=":material/diversity_3:",
                url_path="wellbeing"),
        st.Page("pages/risks.py", title="Профили рисков", icon=":material/warning:", url_path="risks"),
        st.Page("pages/map.py", title="Карта", icon=":material/map:", url_path="map"),
        st.Page("pages/school.py", title="Карточка школы", icon=":material/school:", url_path="school"),
    ],
    "Программы": [
        st.Page("pages/effects.py", title="Эффект программ", icon=":material/insights:", url_path="effects"),
    ],
    "Сервис": [
        st.Page("pages/data.py", title="Данные", icon=":material/upload_file:", url_path="data"),
        st.Page("pages/methodology.py", title="Методика", icon=":material/menu_book:", url_path="methodology"),
    ],
}

page = st.navigation(PAGES)
st.sidebar.markdown("### Ориентир")
st.sidebar.caption("Аналитика поддержки школ с низкими результатами и в сложных условиях")
_ui.connection()
_ui.sidebar_filters()
page.run()
