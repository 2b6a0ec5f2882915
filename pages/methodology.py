"""«Методика»: every indicator's formula, source and version (the same text as the code's docstrings)."""
import streamlit as st

from analytics import config, effects, gaps, identification, indices, trends, wellbeing
from pages import _ui

_ui.ensure_app_entry()

st.title("Методика")
st.caption(f"Версия методики {config.METHODOLOGY_VERSION}. Формулы ниже — те же, что в документации кода; "
           "выгрузки несут версию методики и дату данных.")
SECTIONS = (
    ("Композитный индекс результатов", indices),
    ("Отбор ШНОР", identification),
    ("Индекс социального благополучия, признаки ШФНСУ, резильентность", wellbeing),
    ("Динамика результатов", trends),
    ("Разрыв со средним по региону", gaps),
    ("Эффект программ", effects),
)
for title, module in SECTIONS:
    with st.expander(title, expanded=False):
        st.code((module.__doc__ or "").strip(), language=None, wrap_lines=True)
st.caption(f"Ячейки, где участников меньше {config.MIN_N}, скрываются во всех таблицах и выгрузках. "
           f"Малокомплектная школа — меньше {config.SMALL_SCHOOL_STUDENTS} обучающихся.")
