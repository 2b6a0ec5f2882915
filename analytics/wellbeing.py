"""Social-wellbeing index of a school (ИСБШ), resource and remoteness flags, expected results and
resilience (methodology v1.0, issue 5).

ИСБШ in year Y, per school:
1. each social share p (deviant behaviour, low motivation, weak Russian, low-income families,
   parents with higher education, ОВЗ) is shrunk for small schools (METHODOLOGY.md):
       p~ = (p n + m P) / (n + m),   n = students, P = the region's student-weighted share, m = 10;
2. standardised across the region's schools, z = (p~ - mean) / sd, and oriented so that higher
   means better off (all shares are risks except «parents with higher education»);
3. combined with weights w (default below; a researcher can change them): s = sum w_k z_k / sum w_k;
4. shown on a 0-100 scale: ИСБШ = 50 + 15 s / sd(s), clipped to 0..100 (50 = the region's
   average school, 35 = one SD worse).
Internal consistency is reported as Cronbach's alpha of the oriented components.

Flags beside the index (not inside it): remote (straight-line distance to the municipal centre,
EPSG:32638, over 25 km), small (under 100 students), resource deficit (a teacher vacancy, fewer
than 1 computer per 10 students, or internet under 10 Mbit/s).

Expected result: OLS of the composite result index (3-year mean) on ИСБШ, remoteness and
log(students) over the region's schools; residual = actual - expected, standardised by the
residual SD; its 95 % interval, residual +- 1.96 sigma sqrt(1 + h_i) (h_i the leverage), says
whether the school is clearly above or below schools in similar conditions.
Resilient (Pinskaya et al. 2018): ИСБШ in the region's bottom quartile and a standardised
residual of at least +0.5 in at least 2 of the 3 years.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from . import geo, queries
from .config import SMALL_SCHOOL_STUDENTS

COMPONENTS = {                      # column: (Russian name, orientation: +1 = higher share is better)
    "share_deviant": ("Доля с девиантным поведением", -1),
    "share_low_motivation": ("Доля с низкой учебной мотивацией", -1),
    "share_weak_russian": ("Доля со слабым знанием русского языка", -1),
    "share_low_income": ("Доля из малообеспеченных семей", -1),
    "share_parents_higher_edu": ("Доля родителей с высшим образованием", +1),
    "share_disabled": ("Доля обучающихся с ОВЗ", -1),
}
#: The roadmaps' ИСБ names the first three (seed 000 item 2): they weigh more.
DEFAULT_WEIGHTS = {"share_deviant": 0.2, "share_low_motivation": 0.2, "share_weak_russian": 0.2,
                   "share_low_income": 0.15, "share_parents_higher_edu": 0.15, "share_disabled": 0.1}
SHRINK_M = 10


@dataclass(frozen=True)
class Thresholds:
    """Every threshold of the ШФНСУ flags (adjustable on the page and in the CLI)."""
    remote_km: float = 25.0
    small_students: int = SMALL_SCHOOL_STUDENTS
    computers_per_student: float = 0.1
    internet_mbps: float = 10.0
    weights: dict = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))


def cronbach_alpha(items: np.ndarray) -> float:
    """alpha = k/(k-1) (1 - sum var(item) / var(sum)) over the rows without missing values."""
    x = items[~np.isnan(items).any(axis=1)]
    k = x.shape[1]
    if k < 2 or len(x) < 3:
        return float("nan")
    return float(k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1)))


def wellbeing_index(ctx: pd.DataFrame, weights: dict | None = None) -> tuple[pd.DataFrame, float]:
    """Add the shrunk, oriented component z-scores and ``isbsh`` (0-100) to ``ctx``; return alpha."""
    w = weights or DEFAULT_WEIGHTS
    df = ctx.copy()
    n = df["students"].fillna(0).to_numpy(float)
    zs = []
    for col, (_, sign) in COMPONENTS.items():
        p = df[col].to_numpy(float)
        ok = ~np.isnan(p)
        regional = np.nansum(p * n) / n[ok].sum() if n[ok].sum() > 0 else np.nanmean(p)
        shrunk = np.where(ok, (p * n + SHRINK_M * regional) / (n + SHRINK_M), np.nan)
        sd = np.nanstd(shrunk, ddof=1) if np.isfinite(shrunk).sum() > 1 else 0.0
        z = (shrunk - np.nanmean(shrunk)) / sd if sd > 0 else np.where(ok, 0.0, np.nan)
        df[f"z_{col}"] = sign * z
        zs.append(sign * z)
    comp = np.column_stack(zs)
    wv = np.array([w.get(c, 0.0) for c in COMPONENTS])
    avail = ~np.isnan(comp)
    s = np.where(avail.any(axis=1), np.nansum(comp * wv, axis=1) / (avail * wv).sum(axis=1).clip(1e-12), np.nan)
    sd = np.nanstd(s, ddof=1)
    df["isbsh"] = np.clip(50 + 15 * (s - np.nanmean(s)) / sd, 0, 100)
    return df, cronbach_alpha(comp)


def flags(ctx: pd.DataFrame, t: Thresholds) -> pd.DataFrame:
    """Distance to the municipal centre (km), remote, small and resource-deficit flags."""
    df = ctx.copy()
    df["distance_centre_km"] = geo.distance_km(df["lat"], df["lon"], df["centre_lat"], df["centre_lon"])
    df["remote"] = df["distance_centre_km"] > t.remote_km
    df["small"] = df["students"] < t.small_students
    per = df["computers"] / df["students"]
    df["deficit_vacancies"] = df["teacher_vacancies"].fillna(0) > 0
    df["deficit_computers"] = per < t.computers_per_student
    df["deficit_internet"] = df["internet_mbps"] < t.internet_mbps
    df["resource_deficit"] = df[["deficit_vacancies", "deficit_computers", "deficit_internet"]].any(axis=1)
    return df


def context(con: duckdb.DuckDBPyConnection, year: int, t: Thresholds | None = None) -> tuple[pd.DataFrame, float]:
    """ИСБШ and flags of every school with data in ``year``; returns (frame, Cronbach's alpha)."""
    t = t or Thresholds()
    ctx = queries.run(con, "context_year", year=year)
    ctx = ctx[ctx["students"].notna()]
    df, alpha = wellbeing_index(ctx, t.weights)
    return flags(df, t), alpha


def expected_results(df: pd.DataFrame, y: str = "composite") -> pd.DataFrame:
    """OLS of ``y`` on ИСБШ, remoteness and log(students); adds expected, residual, std_residual."""
    d = df.dropna(subset=[y, "isbsh", "students"]).copy()
    design = np.column_stack([np.ones(len(d)), d["isbsh"], d["remote"].astype(float), np.log(d["students"])])
    beta, *_ = np.linalg.lstsq(design, d[y].to_numpy(float), rcond=None)
    d["expected"] = design @ beta
    d["residual"] = d[y] - d["expected"]
    dof = max(1, len(d) - design.shape[1])
    sigma = float(np.sqrt((d["residual"] ** 2).sum() / dof))
    d["std_residual"] = d["residual"] / sigma
    # 95 % prediction interval of a school in these conditions: residual +- 1.96 sigma sqrt(1 + h_i)
    hat = np.einsum("ij,jk,ik->i", design, np.linalg.pinv(design.T @ design), design)
    half = 1.96 * sigma * np.sqrt(1 + hat)
    d["residual_low"], d["residual_high"] = d["residual"] - half, d["residual"] + half
    d.attrs["beta"] = beta
    d.attrs["sigma"] = sigma
    return d
