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
from .indices import composite_index


def low_result_flags(con: duckdb.DuckDBPyConnection, year: int, *, share: float = 0.10,
                     window: int = 3, assessments: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Per school and year of the window: composite, the year's cut-off and ``low`` flag.

    ``assessments`` restricts the composite to some procedures (recomputed from the raw rows);
    by default it is read from the warehouse mart (all procedures).
    """
    if assessments:
        raw = queries.run(con, "results_window", first=year - window + 1, last=year)
        comp = composite_index(raw, by_region=True, assessments=tuple(assessments))
        df = comp.merge(raw[["school_id", "municipality_id", "region"]].drop_duplicates("school_id"), on="school_id")
    else:
        df = queries.run(con, "composite_window", first=year - window + 1, last=year)
    if df.empty:
        return df.assign(cutoff=pd.Series(dtype=float), low=pd.Series(dtype=bool))
    df["cutoff"] = df.groupby(["region", "year"])["composite"].transform(lambda s: np.quantile(s, share))
    df["low"] = df["composite"] <= df["cutoff"]
    return df


def shnor(con: duckdb.DuckDBPyConnection, year: int, *, share: float = 0.10, window: int = 3,
          min_years: int = 2, assessments: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Schools identified as ШНОР in ``year``: school_id, municipality_id, low_years (list), n_low."""
    flags = low_result_flags(con, year, share=share, window=window, assessments=assessments)
    if flags.empty:
        return pd.DataFrame(columns=["school_id", "municipality_id", "low_years", "n_low"])
    low = flags[flags["low"]]
    agg = (low.groupby(["school_id", "municipality_id"])["year"]
           .agg(low_years=lambda s: sorted(int(v) for v in s), n_low="size").reset_index())
    return agg[agg["n_low"] >= min_years].sort_values("school_id").reset_index(drop=True)


# ------------------------------------------------------------------ the full identification

from dataclasses import dataclass, field  # noqa: E402

from . import wellbeing  # noqa: E402


@dataclass(frozen=True)
class Rules:
    """Every threshold of ШНОР / ШФНСУ identification (defaults: methodology v1.0)."""
    shnor_share: float = 0.10          # bottom share of the composite
    shnor_window: int = 3
    shnor_min_years: int = 2
    shfnsu_isbsh_share: float = 0.10   # bottom share of ИСБШ
    shfnsu_min_flags: int = 2          # of remote, small, resource deficit
    quadrant_share: float = 0.25       # «low» results / «adverse» context for the clusters
    resilient_residual: float = 0.5
    assessments: tuple[str, ...] | None = None   # restrict the composite (None: all procedures)
    flags: wellbeing.Thresholds = field(default_factory=wellbeing.Thresholds)


CLUSTERS = {
    "low_adverse": "Низкие результаты и сложный социальный контекст",
    "low_ordinary": "Низкие результаты при обычном контексте",
    "resilient": "Сложный контекст, но обычные или высокие результаты",
    "other": "Прочие школы",
}


def identify(con: duckdb.DuckDBPyConnection, year: int, rules: Rules | None = None) -> pd.DataFrame:
    """One row per school with data in ``year``: composite by year of the window, ШНОР (with the
    low years), ШФНСУ (with its reasons), ИСБШ, expected result and residual, resilience, cluster,
    secondary indicators and programme membership."""
    r = rules or Rules()
    first = year - r.shnor_window + 1
    flags_df = low_result_flags(con, year, share=r.shnor_share, window=r.shnor_window, assessments=r.assessments)
    wide = flags_df.pivot_table(index="school_id", columns="year", values="composite")
    low = flags_df[flags_df["low"]].groupby("school_id")["year"].agg(lambda s: sorted(int(v) for v in s)).to_dict()
    ctx, _alpha = wellbeing.context(con, year, r.flags)
    df = ctx.set_index("school_id")
    by_school = {sid: {int(y): (None if pd.isna(v) else float(v)) for y, v in row.items()}
                 for sid, row in wide.to_dict(orient="index").items()}
    df["composite_by_year"] = [by_school.get(sid, {}) for sid in df.index]
    df["composite_mean"] = wide.mean(axis=1).reindex(df.index)
    df["low_years"] = [low.get(sid, []) for sid in df.index]
    df["shnor"] = df["low_years"].map(len) >= r.shnor_min_years
    isbsh_cut = float(np.nanquantile(df["isbsh"], r.shfnsu_isbsh_share))
    df["low_isbsh"] = df["isbsh"] <= isbsh_cut
    n_flags = df[["remote", "small", "resource_deficit"]].sum(axis=1)
    df["shfnsu"] = df["low_isbsh"] | (n_flags >= r.shfnsu_min_flags)
    # expected results and resilience, year by year over the window
    resid_years = {}
    for y in range(first, year + 1):
        cy = ctx if y == year else wellbeing.context(con, y, r.flags)[0]
        comp_y = flags_df[flags_df["year"] == y].set_index("school_id")["composite"]
        fit = wellbeing.expected_results(cy.set_index("school_id").assign(composite=comp_y))
        resid_years[y] = fit["std_residual"]
        if y == year:
            df["expected"] = fit["expected"]
            df["residual"] = fit["residual"]
            df["std_residual"] = fit["std_residual"]
            df["residual_low"] = fit["residual_low"]
            df["residual_high"] = fit["residual_high"]
    resid = pd.DataFrame(resid_years)
    adverse_cut = float(np.nanquantile(df["isbsh"], r.quadrant_share))
    df["adverse"] = df["isbsh"] <= adverse_cut
    beats = (resid >= r.resilient_residual).sum(axis=1).reindex(df.index).fillna(0)
    df["resilient"] = df["adverse"] & (beats >= 2)
    comp_cut = float(np.nanquantile(df["composite_mean"].dropna(), r.quadrant_share))
    low_res = df["composite_mean"] <= comp_cut
    df["cluster"] = np.select([low_res & df["adverse"], low_res & ~df["adverse"], ~low_res & df["adverse"]],
                              ["low_adverse", "low_ordinary", "resilient"], "other")
    sec = queries.run(con, "secondary_indicators", first=first, last=year).set_index("school_id")
    df = df.join(sec)
    members = queries.run(con, "programme_members")
    active = members[(members["entry_year"] <= year) & (members["exit_year"].fillna(9999) >= year)]
    progs = active.groupby("school_id")["programme_id"].agg(lambda s: sorted(set(s))).to_dict()
    df["programmes"] = [progs.get(sid, []) for sid in df.index]
    df["reasons"] = [_reasons(row, r) for row in df.to_dict(orient="records")]
    return df.reset_index()


def _reasons(row, r: Rules) -> list[str]:
    out = []
    if row["low_years"]:
        years = ", ".join(str(y) for y in row["low_years"])
        suffix = "г." if len(row["low_years"]) == 1 else "гг."
        out.append(f"композитный индекс в нижних {round(r.shnor_share * 100)} % региона в {years} {suffix}")
    if row["low_isbsh"]:
        out.append(f"индекс социального благополучия в нижних {round(r.shfnsu_isbsh_share * 100)} % региона "
                   f"({row['isbsh']:.0f} из 100)".replace(".", ","))
    if row["remote"]:
        out.append(f"удалённость: {row['distance_centre_km']:.0f} км до центра муниципалитета")
    if row["small"]:
        out.append(f"малокомплектная: {int(row['students'])} обучающихся")
    if row["resource_deficit"]:
        parts = [name for col, name in (("deficit_vacancies", "вакансии педагогов"),
                                        ("deficit_computers", "мало компьютеров"),
                                        ("deficit_internet", "медленный интернет")) if row[col]]
        out.append("ресурсный дефицит: " + ", ".join(parts))
    if pd.notna(row.get("continuation")) and row["continuation"] < 0.4:
        out.append(f"в 10 класс продолжили обучение {row['continuation'] * 100:.0f} % выпускников 9 класса")
    return out


def compare_with_programmes(ident: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Who is identified but in no active programme, and who is supported but no longer identified."""
    in_prog = ident["programmes"].map(bool)
    flagged = ident["shnor"] | ident["shfnsu"]
    return {"identified_not_supported": ident[flagged & ~in_prog],
            "supported_not_identified": ident[~flagged & in_prog]}
