"""What the warehouse holds: the options of the global filters."""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from . import queries

ASSESSMENT_ORDER = ("ЕГЭ", "ОГЭ", "ВПР")


@dataclass(frozen=True)
class Catalog:
    years: tuple[int, ...]
    municipalities: pd.DataFrame      # municipality_id, name, ...
    subjects: pd.DataFrame            # assessment, subject, min_grade, max_grade, participants

    @property
    def assessments(self) -> tuple[str, ...]:
        present = set(self.subjects["assessment"])
        return tuple(a for a in ASSESSMENT_ORDER if a in present)

    def subjects_of(self, assessment: str) -> tuple[str, ...]:
        return tuple(self.subjects.loc[self.subjects["assessment"] == assessment, "subject"])

    def grades_of(self, assessment: str, subject: str) -> tuple[int, ...]:
        row = self.subjects[(self.subjects["assessment"] == assessment) & (self.subjects["subject"] == subject)]
        if row.empty:
            return ()
        return tuple(range(int(row["min_grade"].iloc[0]), int(row["max_grade"].iloc[0]) + 1))

    def municipality_name(self, municipality_id: str | None) -> str | None:
        if municipality_id is None:
            return None
        hit = self.municipalities.loc[self.municipalities["municipality_id"] == municipality_id, "name"]
        return None if hit.empty else str(hit.iloc[0])


def load_catalog(con: duckdb.DuckDBPyConnection) -> Catalog:
    """Years, municipalities and subjects present in the warehouse."""
    years = tuple(int(y) for y in queries.run(con, "years")["year"])
    return Catalog(years, queries.run(con, "municipalities"), queries.run(con, "subjects"))
