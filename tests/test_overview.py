"""«Обзор» numbers against direct computations, suppression and year-break notes."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics import export, overview, warehouse
from analytics.formatting import fmt_date, fmt_number, fmt_percent, plural


def test_headline_counts_match_the_tables(con):
    h = overview.headline(con, 2025)
    sy = con.execute("SELECT * FROM school_year WHERE year = 2025").df()
    assert h["schools"] == len(sy) and h["students"] == sy["students"].sum()
    assert h["small_schools"] == (sy["students"] < 100).sum()
    plus = next(p for p in h["programmes"] if p["programme_id"] == "500PLUS")
    ps = con.execute("SELECT * FROM programme_school WHERE programme_id = '500PLUS'").df()
    assert plus["ever"] == len(ps)
    assert plus["active"] == ((ps.entry_year <= 2025) & (ps.exit_year >= 2025)).sum()
    h23 = overview.headline(con, 2023, "90630")
    n = con.execute("SELECT count(*) FROM school s JOIN school_year y USING (school_id) "
                    "WHERE year = 2023 AND municipality_id = '90630'").fetchone()[0]
    assert h23["schools"] == n
    assert 5 <= h["shnor"] <= 40


def test_region_trend_is_the_participant_weighted_mean(con):
    t = overview.trend(con, "ОГЭ", "Математика", 9, 2014, 2025, ("90620", "Ирафский район"))
    r = con.execute("SELECT r.*, s.municipality_id FROM results r JOIN school s USING (school_id) "
                    "WHERE assessment='ОГЭ' AND subject='Математика'").df()
    region = r.groupby("year").apply(lambda g: np.average(g.mean_score, weights=g.participants),
                                     include_groups=False)
    got = t.data[t.data.unit == "Регион"].set_index("year")["mean_score"]
    pd.testing.assert_series_equal(got, region.loc[got.index], check_names=False, atol=1e-9)
    ir = r[r.municipality_id == "90620"]
    below = ir.groupby("year").apply(lambda g: g.n_below_min.sum() / g.participants.sum(), include_groups=False)
    got = t.data[t.data.unit == "Ирафский район"].set_index("year")["share_below_min"]
    pd.testing.assert_series_equal(got, below.loc[got.index], check_names=False, atol=1e-12)


def test_breaks_are_marked(con):
    t = overview.trend(con, "ОГЭ", "Русский язык", 9, 2014, 2025)
    assert 2020 not in set(t.data.year)
    assert list(t.notes.year) == [2020, 2021]
    assert "отменён" in t.notes.note.iloc[0]
    assert not t.data.set_index("year").loc[2021, "comparable"]
    assert t.data.set_index("year").loc[2019, "comparable"]
    t2 = overview.trend(con, "ОГЭ", "Русский язык", 9, 2022, 2025)
    assert t2.notes.empty


def test_small_cells_are_suppressed(demo_copy):
    cell = ("assessment='ОГЭ' AND subject='Физика' AND year=2024 "
            "AND school_id IN (SELECT school_id FROM school WHERE municipality_id='90615')")
    with warehouse.building(demo_copy) as c:   # leave one school with 2 participants in that cell
        keep = c.execute(f"SELECT min(school_id) FROM results WHERE {cell}").fetchone()[0]
        c.execute(f"DELETE FROM results WHERE {cell} AND school_id <> ?", [keep])
        c.execute(f"UPDATE results SET participants = 2, n_below_min = 0, n_high = 0, n_mark2 = 0, n_mark3 = 2, "
                  f"n_mark4 = 0, n_mark5 = 0 WHERE {cell}")
    c = warehouse.open_readonly(demo_copy)
    n = c.execute("SELECT sum(participants) FROM mart_municipality_year WHERE municipality_id='90615' "
                  "AND subject='Физика' AND assessment='ОГЭ' AND year=2024").fetchone()[0]
    assert n is not None and n < 5
    t = overview.trend(c, "ОГЭ", "Физика", 9, 2014, 2025, ("90615", "Дигорский район"))
    row = t.data[(t.data.unit == "Дигорский район") & (t.data.year == 2024)].iloc[0]
    assert np.isnan(row.mean_score) and np.isnan(row.share_below_min)
    assert t.suppressed >= 1
    c.close()


def test_russian_number_formats():
    assert fmt_number(12345.6, 1) == "12\u00a0345,6"
    assert fmt_number(1234567) == "1\u00a0234\u00a0567"
    assert fmt_number(float("nan")) == "—"
    assert fmt_percent(0.1234) == "12,3\u00a0%"
    assert fmt_date("2025-12-01T10:20:00") == "01.12.2025"
    assert fmt_date("2025-12-01T10:20:00", with_time=True) == "01.12.2025 10:20" and fmt_date(None) == "—"
    assert [plural(n, "школа", "школы", "школ") for n in (1, 2, 5, 11, 21, 112)] == [
        "школа", "школы", "школ", "школ", "школа", "школ"]


def test_downloads_carry_filters_and_vintage():
    df = pd.DataFrame({"year": [2024], "mean_score": [3.5]})
    csv = export.to_csv(df, {"Муниципалитет": "Ирафский район"}, "2025-12-01").decode("utf-8-sig")
    assert "# Фильтр: Муниципалитет: Ирафский район" in csv and "# Дата данных" in csv
    assert "2024;3,5" in csv
    xlsx = export.to_xlsx(df, {"Годы": "2014–2025"}, "2025-12-01")
    about = pd.read_excel(pd.io.common.BytesIO(xlsx), sheet_name="О данных")
    assert ("Фильтр: Годы", "2014–2025") in set(map(tuple, about.values))
    data = pd.read_excel(pd.io.common.BytesIO(xlsx), sheet_name="Данные")
    assert data["mean_score"].iloc[0] == pytest.approx(3.5)
