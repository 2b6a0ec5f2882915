"""Per school-year context of the demo: resources, social composition, continuation, olympiads.

All of it follows the latent disadvantage d and quality q of :mod:`.schools` with noise,
so that worse context goes with lower results, as in real data (Yastrebov et al. 2013).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit


def school_years(schools: pd.DataFrame, years: range, rng: np.random.Generator) -> pd.DataFrame:
    """Students, teachers, vacancies, computers and internet per school and year."""
    s = schools.loc[schools.index.repeat(len(years))].reset_index(drop=True)
    s["year"] = np.tile(np.array(years), len(schools))
    n = len(s)
    t = (s["year"] - 2019).to_numpy()
    growth = np.where(s["mountain"], 0.97, np.where(s["urban"], 1.01, 0.995))
    students = s["students0"].to_numpy() * growth ** t * rng.lognormal(0, 0.03, n)
    students = np.maximum(5, np.round(students)).astype(int)
    minimum_staff = np.where(s["school_type"] == "ООШ", 6, 9)
    teachers = np.maximum(minimum_staff, np.round(students / 11 * rng.lognormal(0, 0.1, n))).astype(int)
    d = s["disadvantage"].to_numpy()
    vacancies = rng.poisson(0.15 + 0.45 * np.clip(d, 0, None) + students / 1200)
    progress = np.clip((s["year"].to_numpy() - 2014) / 11, 0, 1)
    per_computer = np.where(s["urban"], 6.0, 9.0) + 3.0 * np.clip(d, 0, None)
    computers = np.round(students / per_computer * (0.5 + 0.5 * progress) * rng.lognormal(0, 0.2, n))
    start = np.where(s["mountain"], 1.0, np.where(s["urban"], 20.0, 4.0))
    end = np.where(s["mountain"], 15.0, np.where(s["urban"], 100.0, 50.0))
    internet = np.round(start * (end / start) ** progress * rng.lognormal(0, 0.35, n), 1)
    return pd.DataFrame({
        "school_id": s["school_id"], "year": s["year"], "students": students, "teachers": teachers,
        "teacher_vacancies": vacancies, "computers": computers.astype(int), "internet_mbps": internet,
    })


#: (intercept, slope on d) on the logit scale of each share; extra slopes in the code.
SHARE_MODEL = {
    "share_deviant": (-3.4, 0.35),
    "share_low_motivation": (-1.7, 0.45),
    "share_weak_russian": (-3.3, 0.55),
    "share_low_income": (-1.1, 0.5),
    "share_parents_higher_edu": (0.1, -0.6),
    "share_disabled": (-3.5, 0.15),
}


def social_context(schools: pd.DataFrame, years: range, rng: np.random.Generator) -> pd.DataFrame:
    """Shares of students in each social-passport group per school and year (0..1)."""
    n_s, n_y = len(schools), len(years)
    d = schools["disadvantage"].to_numpy()
    harder = schools["municipality_id"].isin({"90630", "90620"}).to_numpy() | schools["mountain"].to_numpy()
    out = {"school_id": np.repeat(schools["school_id"].to_numpy(), n_y),
           "year": np.tile(np.array(years), n_s)}
    for name, (a, b) in SHARE_MODEL.items():
        level = a + b * d + (0.5 * harder if name == "share_weak_russian" else 0) + rng.normal(0, 0.35, n_s)
        drift = np.cumsum(rng.normal(0, 0.08, (n_s, n_y)), axis=1)
        out[name] = np.round(expit(level[:, None] + drift).ravel(), 3)
    return pd.DataFrame(out)


def continuation(schools: pd.DataFrame, sy: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Grade-9 graduates and how many of them entered grade 10 (here or elsewhere).

    From 2025 the republic sets a minimum ОГЭ score for grade 10 (METHODOLOGY.md), so the share
    drops a little that year.
    """
    df = sy[["school_id", "year", "students"]].merge(
        schools[["school_id", "quality", "disadvantage"]], on="school_id")
    n = len(df)
    graduates = rng.binomial(np.maximum(1, np.round(df["students"] * 0.085)).astype(int), 0.97)
    logit = (0.25 + 0.45 * df["quality"] - 0.2 * df["disadvantage"] - 0.25 * (df["year"] >= 2025)
             + rng.normal(0, 0.25, n))
    continued = rng.binomial(graduates, expit(logit))
    return pd.DataFrame({"school_id": df["school_id"], "year": df["year"],
                         "grade9_graduates": graduates, "continued_grade10": continued})


def olympiad(schools: pd.DataFrame, sy: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Participants and prize-winners of the all-Russian olympiad by stage."""
    df = sy[["school_id", "year", "students"]].merge(schools[["school_id", "quality"]], on="school_id")
    st = df["students"].to_numpy()
    q = df["quality"].to_numpy()
    frames = []
    for stage, rate, slope, win in (("школьный", 0.30, 0.3, 0.25), ("муниципальный", 0.035, 0.6, 0.2),
                                    ("региональный", 0.003, 1.1, 0.15), ("заключительный", 0.0001, 2.0, 0.3)):
        lam = st * rate * np.exp(slope * q)
        part = rng.poisson(lam)
        winners = rng.binomial(part, np.clip(win * np.exp(0.3 * q), 0, 0.9))
        keep = part > 0
        frames.append(pd.DataFrame({"school_id": df["school_id"][keep], "year": df["year"][keep],
                                    "stage": stage, "participants": part[keep], "winners": winners[keep]}))
    return pd.concat(frames, ignore_index=True)
