"""Data-quality summary per table for the «Данные» page.

For every table: rows, years covered, schools with data in the last year, schools of the
register with no row in the last year ("missing"), and for results the cells under the minimum
group size (suppressed in every view).
"""
from __future__ import annotations

import duckdb
import pandas as pd

from .config import MIN_N
from .ingest import KINDS

YEAR_TABLES = ("school_year", "social_context", "results", "continuation", "olympiad", "risk_profile",
               "mark_agreement")


def quality_summary(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per table: Таблица, Строк, Годы, Школ с данными, Школ без данных, Скрыто ячеек (n < MIN_N)."""
    cur = con.cursor()
    n_schools = cur.execute("SELECT count(*) FROM school").fetchone()[0]
    rows = []
    for kind in KINDS.values():
        t = kind.table
        n = cur.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]  # noqa: S608
        row = {"Вид данных": kind.title, "Таблица": t, "Строк": n, "Годы": "—", "Школ с данными": None,
               "Школ без данных": None, "Скрыто ячеек": None}
        if t in YEAR_TABLES and n:
            y0, y1 = cur.execute(f'SELECT min(year), max(year) FROM "{t}"').fetchone()  # noqa: S608
            with_data = cur.execute(f'SELECT count(DISTINCT school_id) FROM "{t}" WHERE year = ?',  # noqa: S608
                                    [y1]).fetchone()[0]
            row.update({"Годы": f"{y0}–{y1}", "Школ с данными": with_data,
                        "Школ без данных": n_schools - with_data})
        if t == "results":
            row["Скрыто ячеек"] = cur.execute("SELECT count(*) FROM results WHERE participants < ?",
                                              [MIN_N]).fetchone()[0]
        rows.append(row)
    cur.close()
    return pd.DataFrame(rows)
