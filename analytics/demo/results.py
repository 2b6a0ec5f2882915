"""Exam results of the demo: which cells exist, the latent school means, and what is observed.

Observation model (student-level SD = 1 on the latent scale). A row's sample latent mean is
    m = mu + e / sqrt(n),  e ~ N(0, 1) drawn once per row (common random numbers),
where mu is the school's true mean for that subject, year and grade. Then
- test100 (ЕГЭ): mean_score = mean_subject + sd_subject * m; the counts below the minimum and
  of high scores are n * P(score < min) and n * P(score >= high) under N(mean_score, sd);
- mark5 (ОГЭ, ВПР, base mathematics): marks 2..5 are the latent N(m, s) cut at the points that
  give the subject's regional mark distribution for mu = 0; counts are n * P(mark) rounded by
  largest remainder (so they add up to n); mean_score is the mean mark. s = 1, or 0.65 in a
  school with inflated (non-objective) ВПР.
Because e is drawn once, the same rows can be observed again under another mu: that is how
the demo computes the exact effect a programme had (factual minus counterfactual).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from ..config import REFERENCE_DIR

GRADE_SHARE = {11: 0.055, 9: 0.085}  # of all students; grades 4-8: 0.09 each


def subjects_reference() -> pd.DataFrame:
    """The assessed subjects with scales, regional means/SDs, minimums and mark distributions."""
    df = pd.read_csv(REFERENCE_DIR / "subjects.csv")
    p = df[["p2", "p3", "p4", "p5"]].to_numpy()
    cum = np.cumsum(p, axis=1)[:, :3]
    cuts = ndtri(np.clip(cum, 1e-9, 1 - 1e-9))
    df[["c1", "c2", "c3"]] = np.where(np.isnan(p[:, :3]), np.nan, cuts)
    return df


def result_cells(schools: pd.DataFrame, sy: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Every (school, year, assessment, subject, grade) with participants > 0, with the latent
    components of its true mean (``mu0``: everything except programme effects).

    Works on index arrays (school-year x subject) and builds columns only for the rows kept, so
    that the country scale (~15 million rows) fits in memory and time.
    """
    subj = subjects_reference()
    base = sy[["school_id", "year", "students"]].merge(
        schools[["school_id", "school_type", "quality", "base", "trend"]], on="school_id")
    n_sy, n_sub = len(base), len(subj)
    i_sy = np.repeat(np.arange(n_sy, dtype=np.int64), n_sub)
    i_sub = np.tile(np.arange(n_sub, dtype=np.int64), n_sy)
    year = base["year"].to_numpy()[i_sy]
    stype = base["school_type"].to_numpy()
    s_assess, s_subject = subj["assessment"].to_numpy(), subj["subject"].to_numpy()
    s_grade = subj["grade"].to_numpy()
    grade = s_grade[i_sub]
    is_oge = (s_assess == "ОГЭ")[i_sub]
    core = np.isin(s_subject, ["Русский язык", "Математика"])[i_sub]
    base_math = (s_subject == "Математика (базовая)")[i_sub]
    keep = ((year >= subj["first_year"].to_numpy()[i_sub])
            & ~((grade == 11) & (stype[i_sy] == "ООШ"))
            & ~(is_oge & (year == 2020))
            & ~(is_oge & (year == 2021) & ~core)
            & ~(base_math & np.isin(year, [2020, 2021])))
    i_sy, i_sub, year, grade = i_sy[keep], i_sub[keep], year[keep], grade[keep]
    n = len(i_sy)

    # cohort of the grade this year (one draw per school, year and grade)
    share = np.select([grade == 11, grade == 9], [GRADE_SHARE[11], GRADE_SHARE[9]], 0.09)
    elite = np.isin(stype, ["гимназия", "лицей"])[i_sy]
    share = np.where((grade == 11) & elite, 0.075, share)
    uniq, inv = np.unique(i_sy * 16 + grade, return_inverse=True)
    cohort_noise = rng.lognormal(0, 0.12, len(uniq))[inv]
    cohort = np.round(base["students"].to_numpy()[i_sy] * share * cohort_noise).astype(np.int64)

    # participation: per school and subject propensity; profile vs base mathematics by quality
    school_code = pd.factorize(base["school_id"])[0][i_sy]
    ss_key = school_code * n_sub + i_sub
    ss_uniq, ss_inv = np.unique(ss_key, return_inverse=True)
    propensity = rng.lognormal(0, 0.3, len(ss_uniq))[ss_inv]
    subject = s_subject[i_sub]
    assessment = s_assess[i_sub]
    p = np.clip(subj["participation"].to_numpy()[i_sub] * propensity, 0, 1)
    profile = np.clip(0.5 + 0.12 * base["quality"].to_numpy()[i_sy], 0.15, 0.9)
    p = np.where(subject == "Математика (профильная)", profile, p)
    p = np.where(subject == "Математика (базовая)", 1 - profile, p)
    p = np.where(np.isin(subject, ["Русский язык", "Математика"]) | (assessment == "ВПР"), 0.97, p)
    applicants_only = (assessment == "ЕГЭ") & np.isin(year, [2020, 2021])
    p = np.where(applicants_only, p * 0.8, p)
    participants = rng.binomial(cohort, p)

    # latent true mean without programme effects
    subj_dev = rng.normal(0, 0.12, len(ss_uniq))[ss_inv]
    sy_shock = rng.normal(0, 0.22, n_sy)[i_sy]
    cohort_shock = rng.normal(0, 0.15, len(uniq))[inv]
    ys_uniq, ys_inv = np.unique(year * 64 + i_sub, return_inverse=True)
    region_shift = rng.normal(0, 0.05, len(ys_uniq))[ys_inv]
    mu0 = (base["base"].to_numpy()[i_sy] + base["trend"].to_numpy()[i_sy] * (year - 2019) / 6
           + subj_dev + sy_shock + cohort_shock + region_shift + 0.10 * applicants_only
           - 0.15 * ((assessment == "ВПР") & (year == 2020)))
    e = rng.normal(0, 1, n)
    ok = participants > 0
    sub_cols = subj[["scale", "mean", "sd", "min_score", "high_score", "c1", "c2", "c3"]].iloc[i_sub[ok]]
    cells = pd.DataFrame({
        "school_id": base["school_id"].to_numpy()[i_sy[ok]], "year": year[ok], "assessment": assessment[ok],
        "subject": subject[ok], "grade": grade[ok], "participants": participants[ok], "mu0": mu0[ok], "e": e[ok],
    })
    for col in sub_cols.columns:
        cells[col] = sub_cols[col].to_numpy()
    return cells


def _largest_remainder(n: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Integer counts per column that add up to n, closest to n * probs."""
    exact = n[:, None] * probs
    counts = np.floor(exact).astype(np.int64)
    deficit = n - counts.sum(axis=1)
    order = np.argsort(-(exact - counts), axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(probs.shape[1])[None, :].repeat(len(n), 0), axis=1)
    return counts + (rank < deficit[:, None])


def observe(cells: pd.DataFrame, mu: np.ndarray, spread: np.ndarray | None = None) -> pd.DataFrame:
    """The result rows a school would report if its true means were ``mu`` (see module doc)."""
    n = cells["participants"].to_numpy()
    m = mu + cells["e"].to_numpy() / np.sqrt(n)
    is_test = (cells["scale"] == "test100").to_numpy()
    out = cells[["school_id", "year", "assessment", "subject", "grade", "participants", "scale"]].copy()

    mean_t = np.clip(cells["mean"].to_numpy() + cells["sd"].to_numpy() * m, 0, 100)
    sd = cells["sd"].to_numpy()
    below_t = np.round(n * ndtr((cells["min_score"].to_numpy() - mean_t) / sd))
    high_t = np.round(n * (1 - ndtr((cells["high_score"].to_numpy() - 0.5 - mean_t) / sd)))

    s = np.ones(len(cells)) if spread is None else spread
    cuts = cells[["c1", "c2", "c3"]].to_numpy()
    cdf = ndtr((cuts - m[:, None]) / s[:, None])
    probs = np.diff(np.concatenate([np.zeros((len(m), 1)), cdf, np.ones((len(m), 1))], axis=1), axis=1)
    probs = np.nan_to_num(probs)
    marks = _largest_remainder(n, probs)
    mean_m = (marks * np.array([2, 3, 4, 5])).sum(axis=1) / n

    out["mean_score"] = np.round(np.where(is_test, mean_t, mean_m), 2)
    out["n_below_min"] = np.where(is_test, below_t, marks[:, 0]).astype(np.int64)
    out["n_high"] = np.where(is_test, high_t, marks[:, 3]).astype(np.int64)
    for k in range(4):
        out[f"n_mark{k + 2}"] = pd.array(np.where(is_test, -1, marks[:, k]), dtype="Int64")
        out.loc[is_test, f"n_mark{k + 2}"] = pd.NA
    return out
