"""The «Обзор» page for leadership: headline numbers, the regional trend, where the data came from."""
from __future__ import annotations

import duckdb
import pandas as pd

from . import identification, queries
from .config import SMALL_SCHOOL_STUDENTS
from .trends import Trend, trend  # noqa: F401 - the page imports them from here too


def headline(con: duckdb.DuckDBPyConnection, year: int | None = None,
             municipality_id: str | None = None) -> dict:
    """Numbers of schools, students, small and rural schools, ШНОР and programme schools in ``year``
    (default: the last year with results), for the region or one municipality."""
    if year is None:
        year = int(queries.run(con, "years")["year"].max())
    counts = queries.run(con, "school_counts", year=year, municipality_id=municipality_id,
                         small=SMALL_SCHOOL_STUDENTS).iloc[0]
    shnor = identification.shnor(con, year)
    if municipality_id is not None:
        shnor = shnor[shnor["municipality_id"] == municipality_id]
    progs = queries.run(con, "programme_counts", year=year, municipality_id=municipality_id)
    return {
        "year": year,
        "schools": int(counts["schools"]),
        "students": int(counts["students"] or 0),
        "small_schools": int(counts["small_schools"]),
        "rural_schools": int(counts["rural_schools"]),
        "shnor": len(shnor),
        "programmes": [
            {"programme_id": r.programme_id, "name": r.name, "active": int(r.active), "ever": int(r.ever),
             "start_year": int(r.start_year), "end_year": None if pd.isna(r.end_year) else int(r.end_year)}
            for r in progs.itertuples(index=False)
        ],
    }


#: The results leadership looks at first: (title, assessment, subject, grade, measure column).
MAIN_RESULTS = (
    ("ЕГЭ, русский язык: средний балл", "ЕГЭ", "Русский язык", 11, "mean_score"),
    ("ЕГЭ, профильная математика: средний балл", "ЕГЭ", "Математика (профильная)", 11, "mean_score"),
    ("ОГЭ, математика: доля отметок «2»", "ОГЭ", "Математика", 9, "share_below_min"),
)


#: Subjects scanned for the «areas to investigate» shown on «Обзор».
FINDING_SUBJECTS = (("ЕГЭ", "Русский язык", 11), ("ЕГЭ", "Математика (профильная)", 11),
                    ("ОГЭ", "Русский язык", 9), ("ОГЭ", "Математика", 9))


def top_findings(con: duckdb.DuckDBPyConnection, year: int, limit: int = 5) -> list:
    """The few «areas to investigate» with most schools significantly below the region
    (analytics.gaps.findings over the main subjects of ``year``)."""
    from .gaps import findings
    found = [f for a, s, g in FINDING_SUBJECTS for f in findings(con, year, a, s, g) if f.direction == "below"]
    return sorted(found, key=lambda f: -f.n_schools)[:limit]


def data_source(con: duckdb.DuckDBPyConnection) -> dict:
    """Where the data came from: demo or imported, build time, schema version, loads."""
    meta = dict(queries.run(con, "meta").itertuples(index=False, name=None))
    history = queries.run(con, "load_history", limit=5)
    return {
        "source": meta.get("source", "неизвестно"),
        "built_at": meta.get("built_at"),
        "schema_version": meta.get("schema_version"),
        "demo_seed": meta.get("demo_seed"),
        "last_loads": history,
    }
