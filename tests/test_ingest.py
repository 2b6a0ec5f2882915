"""Import of real-world files: every kind in every encoding/delimiter/decimal variant, bad inputs,
boundaries of two real regions, and the exact round trip of the demo through export-data."""
from __future__ import annotations

import io
import json

import duckdb
import pandas as pd
import pytest
from conftest import file_hash

from analytics import warehouse
from analytics.ingest import KINDS, ImportRejected
from analytics.ingest.export_data import export_data
from analytics.ingest.files import import_files, import_paths

RUSSIAN = {k: {c.name: (c.aliases[0] if c.aliases else c.name) for c in kind.columns} for k, kind in KINDS.items()}


@pytest.fixture(scope="module")
def exported(demo_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("export")
    c = duckdb.connect(str(demo_db), read_only=True)
    export_data(c, out)
    c.close()
    return out


def _table(path, kind):
    c = duckdb.connect(str(path), read_only=True)
    k = KINDS[kind]
    cols = ", ".join(c_.name for c_ in k.columns)
    df = c.execute(f"SELECT {cols} FROM {k.table} ORDER BY {', '.join(k.key)}").df()
    c.close()
    return df


def test_round_trip_reproduces_the_demo_exactly(demo_db, exported, tmp_path):
    empty = tmp_path / "rt.duckdb"
    warehouse.ensure_exists(empty)
    import_paths(empty, sorted(exported.glob("*.csv")))
    for kind in KINDS:
        a, b = _table(demo_db, kind), _table(empty, kind)
        pd.testing.assert_frame_equal(a, b, check_dtype=False, obj=kind)
    c = duckdb.connect(str(empty), read_only=True)
    assert warehouse.table_counts(c) == warehouse.table_counts(duckdb.connect(str(demo_db), read_only=True))
    c.close()


def _variant(df: pd.DataFrame, kind: str, variant: str) -> tuple[str, bytes]:
    if variant == "xlsx":
        buf = io.BytesIO()
        df.rename(columns=RUSSIAN[kind]).to_excel(buf, index=False, sheet_name=kind)
        return f"{kind}.xlsx", buf.getvalue()
    enc, sep, dec, russian = {"utf8-comma": ("utf-8", ",", ".", False),
                              "bom-semicolon-decomma": ("utf-8-sig", ";", ",", True),
                              "cp1251-tab-decomma": ("cp1251", "\t", ",", True)}[variant]
    out = df.rename(columns=RUSSIAN[kind]) if russian else df
    return f"{kind}-{variant}.csv", out.to_csv(index=False, sep=sep, decimal=dec).encode(enc)


@pytest.mark.parametrize("variant", ["utf8-comma", "bom-semicolon-decomma", "cp1251-tab-decomma", "xlsx"])
@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_in_every_variant_loads_the_same_rows(kind, variant, demo_copy, exported):
    src = pd.read_csv(exported / f"{kind}.csv", dtype=str, keep_default_na=False).head(25)
    name, data = _variant(src, kind, variant)
    before = _table(demo_copy, kind)
    # change one value so that the load is visible, then expect exactly the file's rows back
    items = import_files(demo_copy, [(name, data)])
    assert items[0].kind == kind and items[0].rows_loaded == len(src)
    after = _table(demo_copy, kind)
    pd.testing.assert_frame_equal(before.reset_index(drop=True), after.reset_index(drop=True), check_dtype=False)


def test_percent_columns_are_converted(demo_copy):
    csv = "Код ОО;Год;Доля с девиантным поведением, %\n1500001;2024;12,5\n".encode("cp1251")
    import_files(demo_copy, [("soc.csv", csv)])
    c = duckdb.connect(str(demo_copy), read_only=True)
    v = c.execute("SELECT share_deviant FROM social_context WHERE school_id='1500001' AND year=2024").fetchone()[0]
    assert v == pytest.approx(0.125)
    c.close()


HEAD = "school_id;year;assessment;subject;grade;participants;mean_score;n_mark2;n_mark3;n_mark4;n_mark5\n"
BAD = {
    "empty": (b"", "файл пустой"),
    "png renamed": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "это изображение PNG, а ожидался CSV или XLSX"),
    "truncated quote": ((HEAD + '1500001;2024;ОГЭ;"Математи').encode(), "файл обрезан или повреждён"),
    "too many fields": ((HEAD + "1500001;2024;ОГЭ;Математика;9;20;3,5;2;8;6;4;9;9\n").encode(),
                        "строка 2 — в строке 2 больше полей, чем столбцов в заголовке"),
    "too many fields later": ((HEAD + "1500001;2024;ОГЭ;Математика;9;20;3,5;2;8;6;4\n"
                               "1500001;2025;ОГЭ;Математика;9;20;3,5;2;8;6;4;9;9\n").encode(),
                              "в строке 3 13 полей вместо 11"),
    "utf16": ("school_id;year\n1;2024\n".encode("utf-16"), "файл двоичный"),
    "no known column": ("фамилия;имя\nИванов;Иван\n".encode(), "ни один столбец не распознан"),
    "out of scale": ((HEAD + "1500001;2024;ОГЭ;Математика;9;20;7,5;2;8;6;4\n").encode(),
                     "строка 2, столбец «mean_score»: значение «7,5» — средний балл вне шкалы mark5"),
    "negative count": ((HEAD + "1500001;2024;ОГЭ;Математика;9;-20;3,5;;;;\n").encode(),
                       "строка 2, столбец «participants»: значение «-20» — ожидалось неотрицательное целое число"),
    "marks do not add up": ((HEAD + "1500001;2024;ОГЭ;Математика;9;20;3,5;2;8;6;5\n").encode(),
                            "сумма отметок 2–5 должна равняться числу участников"),
    "unknown school": ((HEAD + "7777777;2024;ОГЭ;Математика;9;20;3,5;2;8;6;4\n").encode(),
                       "строка 2, столбец «school_id»: значение «7777777» — неизвестная школа"),
    "duplicate key": ((HEAD + "1500001;2024;ОГЭ;Математика;9;20;3,5;2;8;6;4\n"
                       "1500001;2024;ОГЭ;Математика;9;21;3,5;2;8;6;5\n").encode(),
                      "строка 3, столбец «school_id, year"),
    "year 1900": ((HEAD + "1500001;1900;ОГЭ;Математика;9;20;3,5;2;8;6;4\n").encode(),
                  "строка 2, столбец «year»: значение «1900» — ожидался год от 2000 до 2100"),
    "missing required": (b"school_id;year;students\n1500001;2024;\n",
                         "строка 2, столбец «students» — обязательное значение не заполнено"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_rejected_with_a_clear_message_and_nothing_changes(case, demo_copy):
    data, expected = BAD[case]
    before_hash = file_hash(demo_copy)
    c = duckdb.connect(str(demo_copy), read_only=True)
    before = warehouse.table_counts(c)
    c.close()
    good = ("good.csv", (HEAD + "1500002;2024;ОГЭ;Математика;9;20;3,5;2;8;6;4\n").encode())
    with pytest.raises(ImportRejected) as err:
        import_files(demo_copy, [good, (f"{case}.csv", data)])
    text = "\n".join(err.value.lines())
    assert expected in text, text
    assert f"Файл «{case}.csv»" in text
    assert file_hash(demo_copy) == before_hash
    c = duckdb.connect(str(demo_copy), read_only=True)
    assert warehouse.table_counts(c) == before
    c.close()


def test_boundaries_of_north_ossetia_match_the_demo_municipalities(demo_copy, real_dir):
    data = (real_dir / "north_ossetia_districts.geojson").read_bytes()
    items = import_files(demo_copy, [("no.geojson", data)])
    assert items[0].rows_loaded == 9
    c = duckdb.connect(str(demo_copy), read_only=True)
    rows = c.execute("SELECT name, geometry FROM municipality").fetchall()
    assert all(g is not None for _, g in rows)
    vlad = json.loads(next(g for n, g in rows if n == "г. Владикавказ"))
    assert vlad["type"] in ("Polygon", "MultiPolygon")
    c.close()


KCR = ["Абазинский район", "Адыге-Хабльский район", "Зеленчукский район", "Карачаевский район",
       "Малокарачаевский район", "Ногайский район", "Прикубанский район", "Урупский район",
       "Усть-Джегутинский район", "Хабезский район", "Черкесский городской округ", "Карачаевский городской округ"]


def test_boundaries_of_karachay_cherkessia_keep_similar_names_apart(tmp_path, real_dir):
    from shapely.geometry import shape
    db = tmp_path / "kcr.duckdb"
    warehouse.ensure_exists(db)
    muni = "municipality_id;name\n" + "".join(f"09{i:03d};{n}\n" for i, n in enumerate(KCR))
    data = (real_dir / "karachay_cherkessia_districts.geojson").read_bytes()
    items = import_files(db, [("mo.csv", muni.encode()), ("kcr.geojson", data)])
    assert {i.kind: i.rows_loaded for i in items} == {"municipalities": 12, "boundaries": 12}
    c = duckdb.connect(str(db), read_only=True)
    geo = dict(c.execute("SELECT name, geometry FROM municipality").fetchall())
    c.close()
    feats = {f["properties"]["district"]: shape(f["geometry"]) for f in json.loads(data)["features"]}
    assert shape(json.loads(geo["Карачаевский район"])).equals(feats["Карачаевский район"])
    assert shape(json.loads(geo["Карачаевский городской округ"])).equals(feats["Карачаевский"])
    assert shape(json.loads(geo["Черкесский городской округ"])).equals(feats["Черкесский"])


def test_unmatched_boundary_feature_is_reported(demo_copy, real_dir):
    data = (real_dir / "karachay_cherkessia_districts.geojson").read_bytes()
    before = file_hash(demo_copy)
    with pytest.raises(ImportRejected) as err:
        import_files(demo_copy, [("kcr.geojson", data)])
    assert "муниципалитет не найден" in "\n".join(err.value.lines())
    assert file_hash(demo_copy) == before


def test_templates_are_current_and_load_into_the_demo(con, demo_copy):
    from analytics.ingest.templates import TEMPLATE_DIR, template_frames
    frames = template_frames(con)
    assert {p.stem for p in TEMPLATE_DIR.glob("*.csv")} == set(KINDS)
    files = []
    for kind, df in frames.items():
        data = (TEMPLATE_DIR / f"{kind}.csv").read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") and data.decode("utf-8-sig").splitlines()[0] == ";".join(df.columns)
        files.append((f"{kind}.csv", data))
    items = import_files(demo_copy, files)
    assert all(i.rows_loaded > 0 and not i.ignored_columns for i in items)


def test_quality_summary_counts(con):
    from analytics.quality import quality_summary
    q = quality_summary(con).set_index("Таблица")
    assert q.loc["results", "Строк"] == con.execute("SELECT count(*) FROM results").fetchone()[0]
    assert q.loc["results", "Скрыто ячеек"] == con.execute(
        "SELECT count(*) FROM results WHERE participants < 5").fetchone()[0]
    assert q.loc["results", "Годы"] == "2014–2025"
    n = con.execute("SELECT count(*) FROM school").fetchone()[0]
    assert q.loc["continuation", "Школ с данными"] + q.loc["continuation", "Школ без данных"] == n


def test_a_200_mb_upload_is_refused_in_russian_before_it_is_parsed():
    from analytics.ingest.readers import upload_too_large
    msg = upload_too_large("results.csv", 200 * 2**20)
    assert msg == ("Файл «results.csv»: 200,0 МБ — больше допустимых 100 МБ. Разделите файл или загрузите "
                   "его командой `python -m analytics import`.")
    assert upload_too_large("results.csv", 99 * 2**20) is None
