"""School-versus-region gaps with honest uncertainty (methodology v1.0, issue 4).

For one assessment, subject and grade, in a year or a window of years (pooled):
- school mean  x_s = sum_t n_st x_st / n_s,  n_s = sum_t n_st  (participants over the window);
- regional mean  mu = sum_s n_s x_s / sum_s n_s  (all participants of the region);
- gap  g_s = x_s - mu, in the assessment's own units (test score or mark);
- standard error  se_s = sigma_w / sqrt(n_s), where sigma_w is the pooled within-school SD of
  students: from the mark counts where they exist, sqrt(sum_s sum_k n_sk (k - x_s)^2 /
  sum_s (n_s - 1)); otherwise the student-level SD of the subject (data/reference/subjects.csv,
  from published ЕГЭ statistics);
- 95 % interval  g_s +- 1.96 se_s; a school is flagged only where that interval excludes 0;
- z  = g_s / sd_b, where sd_b is the SD of the school means (unweighted): the gap in units of
  the spread between schools (its interval is divided by the same sd_b);
- funnel plot: control limits around 0 at +-1.96 sigma_w/sqrt(n) (95 %) and +-3.09 sigma_w/sqrt(n)
  (99.8 %) (Spiegelhalter 2005, "Funnel plots for comparing institutional performance");
- empirical Bayes: tau^2 = max(0, var_s(x_s) - mean_s(se_s^2)) (method of moments), weight
  B_s = tau^2 / (tau^2 + se_s^2), shrunken mean  m + B_s (x_s - m) with m the precision-weighted
  mean of school means; shrunken gap = shrunken mean - mu, posterior SD sqrt(B_s) se_s. A small
  school's shrunken gap is close to 0: it is not called best or worst on noise.
Schools with fewer than MIN_N participants are left out of every list (and counted).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
from scipy.stats import norm

from . import queries
from .config import MIN_N, REFERENCE_DIR

Z95 = norm.ppf(0.975)
Z998 = norm.ppf(0.999)


@dataclass(frozen=True)
class GapResult:
    """Per-school gaps and the numbers behind them."""
    schools: pd.DataFrame        # one row per school shown (see columns in school_gaps)
    region_mean: float
    sigma_within: float
    sd_between: float
    tau: float
    suppressed: int              # schools left out: fewer than MIN_N participants
    years: tuple[int, ...]


@functools.cache
def _subjects() -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / "subjects.csv")


def subject_sd(assessment: str, subject: str, grade: int) -> float | None:
    """Student-level SD of a test-score subject from the reference table (None if unknown)."""
    ref = _subjects()
    hit = ref[(ref.assessment == assessment) & (ref.subject == subject) & (ref.grade == grade)]
    if hit.empty or pd.isna(hit["sd"].iloc[0]):
        return None
    return float(hit["sd"].iloc[0])


def pooled_within_sd(rows: pd.DataFrame) -> float | None:
    """Pooled within-school SD of marks from the mark counts (None without complete counts)."""
    marks = ["n_mark2", "n_mark3", "n_mark4", "n_mark5"]
    m = rows.dropna(subset=marks)
    if m.empty:
        return None
    counts = m[marks].to_numpy(dtype=float)
    n = counts.sum(axis=1)
    mean = counts @ np.array([2, 3, 4, 5]) / n
    ss = (counts * (np.array([2, 3, 4, 5])[None, :] - mean[:, None]) ** 2).sum()
    dof = (n - 1).clip(min=0).sum()
    return float(np.sqrt(ss / dof)) if dof > 0 else None


def compute_gaps(rows: pd.DataFrame, sigma_within: float, min_n: int = MIN_N) -> GapResult:
    """Gaps of the schools in ``rows`` (school_id, year, participants, mean_score [+ names]).

    Pure function of its input: tests feed it small hand-computed tables.
    """
    years = tuple(sorted(int(y) for y in rows["year"].unique()))
    extra = [c for c in ("name", "municipality_id", "municipality") if c in rows]
    g = rows.assign(w=rows["participants"] * rows["mean_score"]).groupby("school_id", sort=True)
    s = g.agg(n=("participants", "sum"), w=("w", "sum"))
    for c in extra:
        s[c] = g[c].first()
    s["mean"] = s["w"] / s["n"]
    mu = float(s["w"].sum() / s["n"].sum())
    shown = s[s["n"] >= min_n].copy()
    suppressed = int((s["n"] < min_n).sum())
    shown["gap"] = shown["mean"] - mu
    shown["se"] = sigma_within / np.sqrt(shown["n"])
    shown["ci_low"] = shown["gap"] - Z95 * shown["se"]
    shown["ci_high"] = shown["gap"] + Z95 * shown["se"]
    sd_b = float(shown["mean"].std(ddof=1)) if len(shown) > 1 else float("nan")
    shown["z"] = shown["gap"] / sd_b
    shown["z_low"] = shown["ci_low"] / sd_b
    shown["z_high"] = shown["ci_high"] / sd_b
    tau2 = max(0.0, float(shown["mean"].var(ddof=1)) - float((shown["se"] ** 2).mean())) if len(shown) > 1 else 0.0
    prec = 1 / (tau2 + shown["se"] ** 2)
    m = float((prec * shown["mean"]).sum() / prec.sum())
    shown["shrink_weight"] = tau2 / (tau2 + shown["se"] ** 2)
    shown["shrunken_gap"] = m + shown["shrink_weight"] * (shown["mean"] - m) - mu
    shown["shrunken_sd"] = np.sqrt(shown["shrink_weight"]) * shown["se"]
    shown["p_value"] = 2 * norm.sf(np.abs(shown["gap"] / shown["se"]))
    shown["significant"] = (shown["ci_low"] > 0) | (shown["ci_high"] < 0)
    shown["funnel_95"] = Z95 * sigma_within / np.sqrt(shown["n"])
    shown["funnel_998"] = Z998 * sigma_within / np.sqrt(shown["n"])
    shown = shown.drop(columns="w").reset_index().sort_values("shrunken_gap", ascending=False)
    shown["rank"] = np.arange(1, len(shown) + 1)
    return GapResult(shown.reset_index(drop=True), mu, sigma_within, sd_b, float(np.sqrt(tau2)), suppressed, years)


def school_gaps(con: duckdb.DuckDBPyConnection, year: int, assessment: str, subject: str, grade: int,
                window: int = 1, municipality_id: str | None = None) -> GapResult:
    """Gaps of every school for ``year`` (or the ``window`` years ending with it) from the warehouse.

    The regional mean and the spreads always use the whole region; ``municipality_id`` only
    filters the rows returned.
    """
    rows = queries.run(con, "school_results", assessment=assessment, subject=subject, grade=grade,
                       first=year - window + 1, last=year)
    if rows.empty:
        empty = pd.DataFrame(columns=["school_id", "n", "mean", "gap", "se", "ci_low", "ci_high", "z",
                                      "shrunken_gap", "significant"])
        return GapResult(empty, float("nan"), float("nan"), float("nan"), 0.0, 0, ())
    sigma = pooled_within_sd(rows) if (rows["scale"] == "mark5").all() else None
    sigma = sigma or subject_sd(assessment, subject, grade) or float(rows["mean_score"].std(ddof=1))
    res = compute_gaps(rows, sigma)
    if municipality_id is not None:
        res = GapResult(res.schools[res.schools["municipality_id"] == municipality_id].reset_index(drop=True),
                        res.region_mean, res.sigma_within, res.sd_between, res.tau, res.suppressed, res.years)
    return res


# ------------------------------------------------------------------ status x change

LEVEL_CUTS = (-1.0, -0.5, 0.5, 1.0)
LEVEL_LABELS = ("очень низкий", "низкий", "средний", "высокий", "очень высокий")
CHANGE_CUTS = (-0.5, -0.2, 0.2, 0.5)
CHANGE_LABELS = ("сильное снижение", "снижение", "без изменений", "рост", "сильный рост")


def status_change(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """5 x 5 classification: level = this year's z (cuts -1, -0.5, 0.5, 1 SD of school means),
    change = this year's z minus last year's z (cuts -0.5, -0.2, 0.2, 0.5). The cell score
    level_idx + change_idx (0..8) gives the colour: 0 = low and falling, 8 = high and rising.
    Schools absent last year get no change class."""
    df = current[["school_id", "z"]].merge(previous[["school_id", "z"]], on="school_id", how="left",
                                           suffixes=("", "_prev"))
    df["change"] = df["z"] - df["z_prev"]
    df["level_idx"] = np.searchsorted(LEVEL_CUTS, df["z"].to_numpy(), side="right")
    ch = df["change"].to_numpy()
    df["change_idx"] = np.where(np.isnan(ch), -1, np.searchsorted(CHANGE_CUTS, np.nan_to_num(ch), side="right"))
    df["level"] = [LEVEL_LABELS[i] for i in df["level_idx"]]
    df["change_class"] = [CHANGE_LABELS[i] if i >= 0 else "нет данных за прошлый год" for i in df["change_idx"]]
    df["cell_score"] = np.where(df["change_idx"] >= 0, df["level_idx"] + df["change_idx"], np.nan)
    return df


# ------------------------------------------------------------------ findings

def benjamini_hochberg(p: np.ndarray, q: float = 0.05) -> np.ndarray:
    """Rejections of the Benjamini-Hochberg step-up procedure at false-discovery rate ``q``."""
    p = np.asarray(p, dtype=float)
    m = len(p)
    if m == 0:
        return np.zeros(0, dtype=bool)
    order = np.argsort(p)
    passed = p[order] <= q * np.arange(1, m + 1) / m
    k = np.max(np.nonzero(passed)[0]) + 1 if passed.any() else 0
    out = np.zeros(m, dtype=bool)
    out[order[:k]] = True
    return out


SUBJECT_DATIVE = {
    "Русский язык": "русскому языку", "Математика": "математике", "Математика (профильная)": "профильной математике",
    "Математика (базовая)": "базовой математике", "Обществознание": "обществознанию", "История": "истории",
    "Физика": "физике", "Химия": "химии", "Биология": "биологии", "Информатика": "информатике",
    "Английский язык": "английскому языку", "Литература": "литературе", "География": "географии",
    "Окружающий мир": "окружающему миру",
}


def municipality_genitive(name: str) -> str:
    """'Моздокский район' -> 'Моздокского района', 'г. Владикавказ' -> 'г. Владикавказа'."""
    words = name.split()
    if len(words) == 2 and words[1] == "район":
        adj = words[0]
        for end, gen in (("ский", "ского"), ("цкий", "цкого"), ("ный", "ного"), ("ой", "ого"), ("ий", "его")):
            if adj.endswith(end):
                return adj[: -len(end)] + gen + " района"
    if len(words) == 2 and words[0] == "г.":
        city = words[1]
        if city[-1] not in "аеёиоуыэюяйь":
            return f"г. {city}а"
        if city.endswith("а"):
            return f"г. {city[:-1]}ы"
    return name


def _schools_prepositional(n: int) -> str:
    return "школе" if n % 10 == 1 and n % 100 != 11 else "школах"


@dataclass(frozen=True)
class Finding:
    year: int
    assessment: str
    subject: str
    grade: int
    municipality_id: str
    direction: str       # below | above
    n_schools: int
    text: str


def findings(con: duckdb.DuckDBPyConnection, year: int, assessment: str, subject: str, grade: int,
             q: float = 0.05) -> list[Finding]:
    """«Areas to investigate»: per municipality, the schools whose mean differs from the region's
    significantly after the Benjamini-Hochberg correction over all schools of the region
    (false-discovery rate ``q``); one sentence per municipality and direction, most schools first."""
    res = school_gaps(con, year, assessment, subject, grade)
    s = res.schools
    if s.empty:
        return []
    s = s.assign(reject=benjamini_hochberg(s["p_value"].to_numpy(), q))
    subj = SUBJECT_DATIVE.get(subject, f"предмету «{subject}»")
    grade_text = f" в {grade} классе" if assessment == "ВПР" else ""
    hits = s[s["reject"]].assign(direction=np.where(s.loc[s["reject"], "gap"] < 0, "below", "above"))
    counts = hits.groupby(["municipality_id", "municipality", "direction"]).size()
    out = []
    for (mid, mname, direction), n in counts.items():
        word = "ниже" if direction == "below" else "выше"
        text = (f"В {year} г. средний балл {assessment} по {subj}{grade_text} в {n} "
                f"{_schools_prepositional(n)} {municipality_genitive(mname)} значимо {word} регионального")
        out.append(Finding(year, assessment, subject, grade, mid, direction, int(n), text))
    return sorted(out, key=lambda f: (f.direction != "below", -f.n_schools, f.text))
