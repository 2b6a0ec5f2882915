"""Identification of schools with low results (ШНОР), default rule of methodology v1.0.

ШНОР in year Y: the school's composite result index (analytics/indices.py) is at or below the
``share`` quantile (default the 10th percentile, linear interpolation) of the composite of the
region's schools that have an index that year, in at least ``min_years`` (default 2) of the
``window`` (default 3) years Y-window+1..Y. A missing year counts as not low.
Source: the roadmaps' «низкие результаты ЕГЭ, ОГЭ и ВПР за последние 3 года» (seed 000, item 1);
the 10 % share follows FIOKO's «500+» lists (METHODOLOGY.md, [mem]: a parameter).
"""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from . import queries


def low_result_flags(con: duckdb.DuckDBPyConnection, year: int, *, share: float = 0.10,
                     window: int = 3) -> pd.DataFrame:
    """Per school and year of the window: composite, the year's cut-off and ``low`` flag."""
    df = queries.run(con, "composite_window", first=year - window + 1, last=year)
    if df.empty:
        return df.assign(cutoff=pd.Series(dtype=float), low=pd.Series(dtype=bool))
    df["cutoff"] = df.groupby(["region", "year"])["composite"].transform(lambda s: np.quantile(s, share))
    df["low"] = df["composite"] <= df["cutoff"]
    return df


def shnor(con: duckdb.DuckDBPyConnection, year: int, *, share: float = 0.10, window: int = 3,
          min_years: int = 2) -> pd.DataFrame:
    """Schools identified as ШНОР in ``year``: school_id, municipality_id, low_years (list), n_low."""
    flags = low_result_flags(con, year, share=share, window=window)
    if flags.empty:
        return pd.DataFrame(columns=["school_id", "municipality_id", "low_years", "n_low"])
    low = flags[flags["low"]]
    agg = (low.groupby(["school_id", "municipality_id"])["year"]
           .agg(low_years=lambda s: sorted(int(v) for v in s), n_low="size").reset_index())
    return agg[agg["n_low"] >= min_years].sort_values("school_id").reset_index(drop=True)
