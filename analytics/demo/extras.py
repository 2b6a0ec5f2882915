"""Risk profiles, ВПР-vs-journal agreement, roadmap items and target indicators for the demo."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..config import REFERENCE_DIR

MONTHS = {"январь": 1, "февраль": 2, "март": 3, "апрель": 4, "май": 5, "июнь": 6, "июль": 7,
          "август": 8, "сентябрь": 9, "октябрь": 10, "ноябрь": 11, "декабрь": 12}


def _rank01(x: pd.Series) -> pd.Series:
    return x.rank(pct=True)


def risk_profiles(members: pd.DataFrame, sy: pd.DataFrame, sc: pd.DataFrame, results: pd.DataFrame,
                  schools: pd.DataFrame, rng: np.random.Generator, last_year: int) -> pd.DataFrame:
    """«500+» risk profiles at entry, mid-way and end (entry year .. entry + 2).

    Each factor gets a score in 0..1 from the school's indicators (percentile among programme
    schools plus noise), lowered a little each year in the programme; level = 3 (высокий) at
    >= 0.66, 2 (средний) at >= 0.33, else 1 (низкий) (METHODOLOGY.md: our own thresholds).
    """
    rows = []
    m5 = results[results["scale"] == "mark5"].groupby(["school_id", "year"])[["n_mark2", "participants"]].sum()
    mark2 = (m5["n_mark2"].astype("float64") / m5["participants"]).rename("share2").reset_index()
    for m in members.itertuples(index=False):
        for k in range(3):
            year = m.entry_year + k
            if year > last_year:
                break
            rows.append((m.school_id, year, k))
    panel = pd.DataFrame(rows, columns=["school_id", "year", "k"])
    panel = (panel.merge(sy, on=["school_id", "year"]).merge(sc, on=["school_id", "year"])
             .merge(mark2, on=["school_id", "year"], how="left")
             .merge(schools[["school_id", "quality", "disadvantage"]], on="school_id"))
    indicators = {
        1: -(panel["computers"] / panel["students"]) - panel["internet_mbps"] / 100,
        2: panel["teacher_vacancies"] / panel["teachers"],
        3: -panel["quality"],
        4: panel["share_disabled"] - 0.1 * panel["quality"],
        5: panel["share_weak_russian"],
        6: panel["disadvantage"],
        7: panel["share2"].fillna(panel["share2"].mean()),
        8: panel["share_low_motivation"],
        9: panel["share_deviant"],
        10: -panel["share_parents_higher_edu"] + panel["share_low_income"],
    }
    out = []
    for factor, x in indicators.items():
        score = _rank01(x) + rng.normal(0, 0.15, len(panel)) - 0.08 * panel["k"]
        level = np.where(score >= 0.66, 3, np.where(score >= 0.33, 2, 1))
        out.append(pd.DataFrame({"school_id": panel["school_id"], "year": panel["year"],
                                 "factor": factor, "level": level}))
    return pd.concat(out, ignore_index=True)


def mark_agreement(results: pd.DataFrame, inflated: set[str], rng: np.random.Generator) -> pd.DataFrame:
    """ВПР marks vs journal marks from 2018: confirmed / lower / higher than the journal.

    Typical school: 65 % confirmed, 27 % lower, 8 % higher; a school with inflated ВПР
    results: 68 % / 7 % / 25 %.
    """
    v = results[(results["assessment"] == "ВПР") & (results["year"] >= 2018)]
    n = v["participants"].to_numpy()
    bad = v["school_id"].isin(inflated).to_numpy()
    p = np.where(bad[:, None], [0.68, 0.07, 0.25], [0.65, 0.27, 0.08])
    p = p * rng.lognormal(0, 0.15, p.shape)
    p = p / p.sum(axis=1, keepdims=True)
    counts = np.array([rng.multinomial(k, pp) for k, pp in zip(n, p, strict=True)])
    return pd.DataFrame({"school_id": v["school_id"].to_numpy(), "year": v["year"].to_numpy(),
                         "subject": v["subject"].to_numpy(), "grade": v["grade"].to_numpy(),
                         "confirmed": counts[:, 0], "lower": counts[:, 1], "higher": counts[:, 2]})


def roadmap(rng: np.random.Generator, as_of: dt.date) -> pd.DataFrame:
    """Roadmap items of the region's real roadmaps (shared/seeds) with plausible statuses.

    The 2023-2025 roadmap repeats yearly, so its items are numbered «год.пункт».
    """
    ref = pd.read_csv(REFERENCE_DIR / "roadmap_items.csv", dtype=str)
    rows = []
    for r in ref.itertuples(index=False):
        years = range(2023, 2026) if "2023" in r.roadmap else range(2017, 2021)
        for year in years:
            month = MONTHS.get(r.period.split()[-1].split("-")[-1].strip(), 12)
            deadline = dt.date(year, month, 28)
            if deadline < as_of - dt.timedelta(days=60):
                late = rng.random() < 0.1
                status = "выполнено"
                done = deadline + dt.timedelta(days=int(rng.integers(20, 90) if late else -rng.integers(0, 25)))
            elif deadline < as_of:
                status, done = ("выполнено", deadline) if rng.random() < 0.7 else ("просрочено", None)
            else:
                status, done = ("в работе", None) if rng.random() < 0.6 else ("не начато", None)
            rows.append(dict(roadmap=r.roadmap, item=f"{year}.{r.item}", title=r.title,
                             deadline=f"{r.period} {year}", responsible=r.responsible,
                             expected_result=r.expected_result, status=status, done_on=done))
    return pd.DataFrame(rows)


def kpi(sy: pd.DataFrame, members: pd.DataFrame, composite: pd.DataFrame, cutoffs: dict[int, float],
        rng: np.random.Generator) -> pd.DataFrame:
    """Target indicators of the roadmaps (seed 003 and 001), plan vs fact.

    Facts come from the demo's own data where the indicator can be computed from it.
    """
    rows = []
    internet = sy.groupby("year")["internet_mbps"].apply(lambda x: float((x >= 50).mean() * 100))
    for year, plan in {2021: 40, 2022: 55, 2023: 70, 2024: 85, 2025: 100}.items():
        rows.append(("Доля школ со скоростью интернета не менее 50 Мбит/с", year, plan,
                     round(internet.get(year, np.nan), 1), "%"))
    plus = members[members["programme_id"] == "500PLUS"]
    for year in range(2021, 2026):
        rows.append(("Число школ — участников проекта «500+»", year, 25,
                     int((plus["entry_year"] <= year).sum()), "школ"))
    for year in range(2017, 2026):
        rows.append(("Число партнёрских договоров ШНОР со школами с высокими результатами", year, 8,
                     int(rng.integers(5, 11)), "договоров"))
        rows.append(("Число региональных мероприятий по обмену опытом между школами", year, 6,
                     int(rng.integers(4, 10)), "мероприятий"))
    for year, plan in {2023: 30, 2024: 40, 2025: 50}.items():
        entered = plus[plus["entry_year"] <= year - 2]
        comp = composite[composite["year"] == year].set_index("school_id")["composite"]
        got = comp.reindex(entered["school_id"]).dropna()
        cut = np.mean([cutoffs[w] for w in entered["entry_year"]]) if len(entered) else np.nan
        fact = float((got > cut).mean() * 100) if len(got) else np.nan
        rows.append(("Доля школ «500+», чей индекс результатов вышел выше порога отбора", year, plan,
                     round(fact, 1), "%"))
    for year in range(2021, 2026):
        rows.append(("Доля ШНОР с утверждёнными антирисковыми программами", year, 100,
                     round(float(min(100, rng.normal(94, 4))), 1), "%"))
    return pd.DataFrame(rows, columns=["indicator", "year", "plan", "fact", "unit"])
