"""The «Обзор» page for leadership: headline numbers, the regional trend, where the data came from."""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from . import identification, queries
from .config import MIN_N, SMALL_SCHOOL_STUDENTS


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


@dataclass(frozen=True)
class Trend:
    """Yearly means of one assessment/subject/grade for the region and optionally a municipality.

    ``data`` columns: unit, year, mean_score, share_below_min, share_high, participants,
    comparable (False where the year does not compare with its neighbours), note.
    """
    data: pd.DataFrame
    suppressed: int            # cells hidden because participants < MIN_N
    notes: pd.DataFrame        # year, note: every year of the range that does not compare


def trend(con: duckdb.DuckDBPyConnection, assessment: str, subject: str, grade: int,
          first: int, last: int, municipality: tuple[str, str] | None = None) -> Trend:
    """Region (and municipality ``(id, name)``) trend with year-break notes and suppression."""
    parts = [queries.run(con, "region_trend", assessment=assessment, subject=subject, grade=grade,
                         first=first, last=last).assign(unit="Регион")]
    if municipality is not None:
        parts.append(queries.run(con, "municipality_trend", municipality_id=municipality[0],
                                 assessment=assessment, subject=subject, grade=grade,
                                 first=first, last=last).assign(unit=municipality[1]))
    df = pd.concat(parts, ignore_index=True)
    small = df["participants"] < MIN_N
    for col in ("mean_score", "share_below_min", "share_high"):
        df[col] = df[col].where(~small, np.nan)
    notes = queries.run(con, "year_notes", assessment=assessment)
    df = df.merge(notes, on="year", how="left")
    df["comparable"] = df["comparable"].fillna(True).astype(bool)
    df["note"] = df["note"].fillna("")
    in_range = notes[(notes["year"] >= first) & (notes["year"] <= last) & ~notes["comparable"]]
    return Trend(df, int(small.sum()), in_range[["year", "note"]].reset_index(drop=True))


#: The results leadership looks at first: (title, assessment, subject, grade, measure column).
MAIN_RESULTS = (
    ("ЕГЭ, русский язык: средний балл", "ЕГЭ", "Русский язык", 11, "mean_score"),
    ("ЕГЭ, профильная математика: средний балл", "ЕГЭ", "Математика (профильная)", 11, "mean_score"),
    ("ОГЭ, математика: доля отметок «2»", "ОГЭ", "Математика", 9, "share_below_min"),
)


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
