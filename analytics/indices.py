"""School result indices shared by identification, the demo's selection rule and effects.

Composite result index (methodology v1.0, issue 5 / roadmap 000 item 1):
for each cell c = (region, year, assessment, subject, grade) the school's mean score x_sc is
standardised among the region's schools in that cell,
    z_sc = (x_sc - mean_s(x_sc)) / sd_s(x_sc)       (unweighted over schools, ddof = 1),
and the school's composite for the year is the participant-weighted mean of its cell z-scores,
    composite_s = sum_c n_sc z_sc / sum_c n_sc.
Cells with fewer than 3 schools or no spread are skipped. Scores in different scales never
mix, because every cell has one assessment, subject and grade.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

SQL = (Path(__file__).resolve().parent / "sql" / "composite.sql").read_text(encoding="utf-8")


def composite_index(results: pd.DataFrame, *, by_region: bool = False,
                    assessments: tuple[str, ...] | None = None,
                    subjects: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Per school and year: ``composite``, ``n_cells`` and ``participants`` (see module doc).

    ``results`` needs school_id, year, assessment, subject, grade, participants, mean_score
    (and ``region`` when ``by_region``). The same SQL builds the warehouse mart
    ``mart_school_composite``, so the page, the CLI and the demo's selection agree.
    """
    df = results
    if assessments:
        df = df[df["assessment"].isin(assessments)]
    if subjects:
        df = df[df["subject"].isin(subjects)]
    cols = ["school_id", "year", "assessment", "subject", "grade", "participants", "mean_score"]
    df = df[cols + (["region"] if by_region else [])]
    if not by_region:
        df = df.assign(region="")
    con = duckdb.connect(config={"threads": 1})  # one thread: sums in a fixed order, same bits every run
    try:
        con.register("composite_input", df)
        return con.execute(SQL).df()
    finally:
        con.close()


def window_mean(composite: pd.DataFrame, first_year: int, last_year: int,
                min_years: int = 2) -> pd.Series:
    """Mean composite of each school over ``first_year..last_year`` (needs ``min_years`` years).

    This is the selection score of a programme whose window is those years.
    """
    w = composite[(composite["year"] >= first_year) & (composite["year"] <= last_year)]
    g = w.groupby("school_id")["composite"]
    score = g.mean()
    return score[g.size() >= min_years].rename("selection_score")


def lowest_share_cutoff(scores: pd.Series, share: float) -> float:
    """The ``share`` quantile of ``scores`` (linear interpolation): schools at or below it are selected."""
    return float(np.quantile(scores.to_numpy(), share))
