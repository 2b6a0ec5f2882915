"""«Данные»: upload files, see what was recognised and every problem, load on confirmation,
the load history and a data-quality summary."""
import streamlit as st

from analytics import config, quality, queries
from analytics.formatting import fmt_number
from analytics.ingest import ImportRejected
from analytics.ingest.files import import_files, prepare
from analytics.ingest.readers import MAX_UPLOAD_MB, upload_too_large
from analytics.ingest.report import kind_title, rejected_lines, report_lines
from analytics.ingest.templates import TEMPLATE_DIR
from pages import _ui

_ui.ensure_app_entry()

st.title("Данные")
st.caption("Загрузка выгрузок региона (ФИС ОКО, ФИС ГИА, ОО-1, анкеты «500+», свои таблицы Excel). "
           "Пакет файлов загружается целиком или не загружается вовсе: при любой ошибке хранилище не меняется.")

tab_load, tab_history, tab_quality, tab_templates = st.tabs(
    ["Загрузка", "История загрузок", "Качество данных", "Шаблоны"])

with tab_load:
    files = st.file_uploader(
        f"Файлы CSV, XLSX или GeoJSON (до {MAX_UPLOAD_MB} МБ каждый)", type=["csv", "xlsx", "geojson", "json"],
        accept_multiple_files=True, key="upload")
    batch, blocked = [], False
    for f in files or []:
        with st.container(border=True):
            too_large = upload_too_large(f.name, f.size)
            if too_large:
                st.error(too_large)
                blocked = True
                continue
            data = f.getvalue()
            try:
                p = prepare(data, f.name)
            except ImportRejected as exc:
                st.error(f"Файл «{f.name}» не принят")
                _ui.problem_list(exc.lines())
                blocked = True
                continue
            it = p.item
            st.markdown(f"**{f.name}** — {kind_title(it.kind)} (`{it.kind}`), {p.fmt}, "
                        f"строк: {fmt_number(it.rows_read)}")
            if it.ignored_columns:
                st.caption("Не распознаны и будут проигнорированы столбцы: "
                           + ", ".join(f"«{c}»" for c in it.ignored_columns))
            for note in p.notes:
                st.warning(note)
            if it.kind != "boundaries":
                st.dataframe(it.frame.head(10).fillna(""), hide_index=True, width="stretch")
            batch.append((f.name, data))
    if files and not blocked and batch:
        if st.button("Проверить и загрузить пакет", type="primary"):
            try:
                items = import_files(config.warehouse_path(), batch)
            except ImportRejected as exc:
                lines = rejected_lines(exc)
                st.error(lines[0])
                _ui.problem_list(lines[1:])
            else:
                st.success("\n\n".join(report_lines(items, config.warehouse_path().name)))
                st.cache_data.clear()
    elif blocked:
        st.info("Исправьте файлы с ошибками или уберите их из списка: пакет загружается только целиком.")

with tab_history:
    hist = queries.run(_ui.connection(), "load_history", limit=200)
    st.dataframe(hist.rename(columns={
        "loaded_at": "Время", "file_name": "Файл", "kind": "Вид данных", "rows_read": "Прочитано строк",
        "rows_loaded": "Загружено строк", "outcome": "Итог", "message": "Сообщение"}), hide_index=True,
        width="stretch")

with tab_quality:
    q = quality.quality_summary(_ui.connection())
    st.dataframe(q, hide_index=True, width="stretch")
    st.caption(f"«Школ без данных» — школы реестра без строк за последний год таблицы. «Скрыто ячеек» — результаты, "
               f"где участников меньше {config.MIN_N}: они не показываются и не выгружаются.")

with tab_templates:
    st.markdown("Шаблоны в кодировке UTF-8 с разделителем «;» и десятичной запятой (так сохраняет русский Excel). "
                "Заголовки можно писать по-русски или каноническими именами; доли — от 0 до 1 или в процентах, "
                "если в заголовке есть «%».")
    cols = st.columns(3)
    for i, path in enumerate(sorted(TEMPLATE_DIR.glob("*.csv"))):
        kind = path.stem
        cols[i % 3].download_button(f"{kind_title(kind).capitalize()} ({path.name})", path.read_bytes(),
                                    file_name=path.name, mime="text/csv", key=f"tpl-{kind}", width="stretch")
