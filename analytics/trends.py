"""Result trends per year for the region, a municipality, a group of schools or one school.

Mean score = participant-weighted mean of the school means (the mean over all participants);
shares = sum of counts / sum of participants over the rows that report them. A point with fewer
than MIN_N participants is suppressed. Years that do not compare with their neighbours (year_note:
2020, the reduced ОГЭ of 2021, ...) carry ``comparable = False`` and the reason.
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from . import queries
from .config import MIN_N, SMALL_SCHOOL_STUDENTS


@dataclass(frozen=True)
class Trend:
    """Yearly means of one assessment/subject/grade for the region and optionally a municipality.

    ``data`` columns: unit, year, mean_score, share_below_min, share_high, participants,
    comparable (False where the year does not compare with its neighbours), note.
    """
    data: pd.DataFrame
    suppressed: int            # cells hidden because participants < MIN_N
    notes: pd.DataFrame        # year, note: every year of the range that does not compare


def _finish(con: duckdb.DuckDBPyConnection, df: pd.DataFrame, assessment: str, first: int, last: int) -> Trend:
    """Suppress points under MIN_N participants and attach the year-break notes."""
    small = df["participants"] < MIN_N
    for col in ("mean_score", "share_below_min", "share_high"):
        df[col] = df[col].where(~small, np.nan)
    notes = queries.run(con, "year_notes", assessment=assessment)
    df = df.merge(notes, on="year", how="left")
    df["comparable"] = df["comparable"].fillna(True).astype(bool)
    df["note"] = df["note"].fillna("")
    in_range = notes[(notes["year"] >= first) & (notes["year"] <= last) & ~notes["comparable"]]
    return Trend(df, int(small.sum()), in_range[["year", "note"]].reset_index(drop=True))


def trend(con: duckdb.DuckDBPyConnection, assessment: str, subject: str, grade: int,
          first: int, last: int, municipality: tuple[str, str] | None = None) -> Trend:
    """Region (and municipality ``(id, name)``) trend with year-break notes and suppression."""
    parts = [queries.run(con, "region_trend", assessment=assessment, subject=subject, grade=grade,
                         first=first, last=last).assign(unit="Регион")]
    if municipality is not None:
        parts.append(queries.run(con, "municipality_trend", municipality_id=municipality[0],
                                 assessment=assessment, subject=subject, grade=grade,
                                 first=first, last=last).assign(unit=municipality[1]))
    return _finish(con, pd.concat(parts, ignore_index=True), assessment, first, last)


def group_trend(con: duckdb.DuckDBPyConnection, assessment: str, subject: str, grade: int, first: int,
                last: int, school_ids: list[str], label: str) -> Trend:
    """Trend of a set of schools (one school, a programme's schools, rural schools ...)."""
    df = queries.run(con, "group_trend", assessment=assessment, subject=subject, grade=grade, first=first,
                     last=last, ids=list(school_ids)).assign(unit=label)
    return _finish(con, df, assessment, first, last)


def combine(*trends: Trend) -> Trend:
    """Several units on one chart."""
    data = pd.concat([t.data for t in trends], ignore_index=True)
    notes = pd.concat([t.notes for t in trends]).drop_duplicates("year").sort_values("year")
    return Trend(data, sum(t.suppressed for t in trends), notes.reset_index(drop=True))


def school_groups(con: duckdb.DuckDBPyConnection, year: int,
                  municipality_id: str | None = None) -> dict[str, list[str]]:
    """Named groups of schools for comparisons: each programme and the rest, rural, urban, small
    (within one municipality when ``municipality_id`` is given)."""
    df = queries.run(con, "school_attributes", year=year)
    if municipality_id is not None:
        df = df[df["municipality_id"] == municipality_id]
    groups: dict[str, list[str]] = {}
    members = queries.run(con, "programme_members")
    for (_, name), g in members.groupby(["programme_id", "name"], sort=False):
        ids = set(g["school_id"]) & set(df["school_id"])
        groups[f"Участники: {name}"] = sorted(ids)
        groups[f"Не участвовали: {name}"] = sorted(set(df["school_id"]) - ids)
    groups["Сельские школы"] = sorted(df.loc[~df["urban"].fillna(False).astype(bool), "school_id"])
    groups["Городские школы"] = sorted(df.loc[df["urban"].fillna(False).astype(bool), "school_id"])
    groups[f"Малокомплектные (менее {SMALL_SCHOOL_STUDENTS} обучающихся)"] = sorted(
        df.loc[df["students"] < SMALL_SCHOOL_STUDENTS, "school_id"])
    return {k: v for k, v in groups.items() if v}
