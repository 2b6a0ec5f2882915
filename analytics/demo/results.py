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
    components of its true mean (``mu0``: everything except programme effects)."""
    subj = subjects_reference()
    subj["subject_idx"] = np.arange(len(subj))
    base = sy[["school_id", "year", "students"]].merge(
        schools[["school_id", "school_type", "quality", "base", "trend"]], on="school_id")
    base["sy_idx"] = np.arange(len(base))
    cells = base.merge(subj, how="cross")
    cells = cells[cells["year"] >= cells["first_year"]]
    cells = cells[~((cells["grade"] == 11) & (cells["school_type"] == "ООШ"))]
    cells = cells[~((cells["assessment"] == "ОГЭ") & (cells["year"] == 2020))]
    cells = cells[~((cells["assessment"] == "ОГЭ") & (cells["year"] == 2021)
                    & ~cells["subject"].isin(["Русский язык", "Математика"]))]
    cells = cells[~((cells["subject"] == "Математика (базовая)") & cells["year"].isin([2020, 2021]))]
    cells = cells.reset_index(drop=True)
    n = len(cells)

    # cohort of the grade this year (one draw per school, year and grade)
    share = cells["grade"].map(GRADE_SHARE).fillna(0.09).to_numpy()
    share = np.where((cells["grade"] == 11) & cells["school_type"].isin(["гимназия", "лицей"]), 0.075, share)
    cohort_key = cells["sy_idx"].to_numpy() * 16 + cells["grade"].to_numpy()
    uniq, inv = np.unique(cohort_key, return_inverse=True)
    cohort_noise = rng.lognormal(0, 0.12, len(uniq))[inv]
    cohort = np.round(cells["students"].to_numpy() * share * cohort_noise).astype(int)

    # participation: per school and subject propensity; profile vs base mathematics by quality
    ss_key = pd.factorize(cells["school_id"].astype(str) + "|" + cells["subject_idx"].astype(str))[0]
    propensity = rng.lognormal(0, 0.3, ss_key.max() + 1)[ss_key]
    p = np.clip(cells["participation"].to_numpy() * propensity, 0, 1)
    profile = np.clip(0.5 + 0.12 * cells["quality"].to_numpy(), 0.15, 0.9)
    p = np.where(cells["subject"] == "Математика (профильная)", profile, p)
    p = np.where(cells["subject"] == "Математика (базовая)", 1 - profile, p)
    p = np.where(cells["subject"].isin(["Русский язык", "Математика"]) | (cells["assessment"] == "ВПР"),
                 np.clip(0.97 + 0 * p, 0, 1), p)
    applicants_only = (cells["assessment"] == "ЕГЭ") & cells["year"].isin([2020, 2021])
    p = np.where(applicants_only, p * 0.8, p)
    cells["participants"] = rng.binomial(cohort, p)

    # latent true mean without programme effects
    subj_dev = rng.normal(0, 0.12, ss_key.max() + 1)[ss_key]
    sy_shock_uniq = rng.normal(0, 0.22, len(base))
    cohort_shock = rng.normal(0, 0.15, len(uniq))[inv]
    region_shift_key = pd.factorize(cells["year"].astype(str) + "|" + cells["subject_idx"].astype(str))[0]
    region_shift = rng.normal(0, 0.05, region_shift_key.max() + 1)[region_shift_key]
    mu0 = (cells["base"].to_numpy() + cells["trend"].to_numpy() * (cells["year"].to_numpy() - 2019) / 6
           + subj_dev + sy_shock_uniq[cells["sy_idx"].to_numpy()] + cohort_shock + region_shift
           + 0.10 * applicants_only.to_numpy()
           - 0.15 * ((cells["assessment"] == "ВПР") & (cells["year"] == 2020)).to_numpy())
    cells["mu0"] = mu0
    cells["e"] = rng.normal(0, 1, n)
    cells = cells[cells["participants"] > 0].reset_index(drop=True)
    keep = ["school_id", "year", "assessment", "subject", "grade", "scale", "participants", "mu0", "e",
            "mean", "sd", "min_score", "high_score", "c1", "c2", "c3"]
    return cells[keep]


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
