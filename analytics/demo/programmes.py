"""The demo's two support programmes: a sharp selection rule on noisy results, and planted effects.

Selection rule (documented in the ``programme`` table as well): a school enters in year E if its
mean composite result index (:func:`analytics.indices.composite_index`) over E-W..E-1 (W = 2 years
for the regional programme, whose data start in 2014, and 3 years for «500+») is at or
below the ``share`` quantile of that score among the region's schools (its cut-off). Later
waves pick from schools not yet in the programme, with the cut-off still taken over all schools.
Because the composite of a small school is mostly sampling noise, selection picks schools that
were unlucky as well as weak, and their results regress towards the mean without any help.

Planted true effects, in student-level SD units by years since entry (0 = the entry year):
the regional programme did nothing; «500+» helps a little, growing over time (in the range
the literature finds credible: 0-0.25 SD after 2-3 years, METHODOLOGY.md).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..indices import window_mean


@dataclass(frozen=True)
class ProgrammeSpec:
    programme_id: str
    name: str
    level: str
    start_year: int
    end_year: int | None
    waves: tuple[int, ...]
    share: float                       # selected: at or below this quantile
    selection_years: int               # the window: entry - selection_years .. entry - 1
    stay_years: int                    # exit_year = entry + stay_years
    effect: dict[int, float]           # years since entry -> effect (student SD); last value persists

    def effect_at(self, event_time: np.ndarray) -> np.ndarray:
        last = max(self.effect)
        e = np.clip(event_time, None, last)
        table = np.array([self.effect.get(k, 0.0) for k in range(last + 1)])
        return np.where(event_time >= 0, table[np.clip(e, 0, last)], 0.0)

    @property
    def rule_text(self) -> str:
        years = {2: "2 года", 3: "3 года"}.get(self.selection_years, f"{self.selection_years} лет")
        return (f"Средний за {years} до года включения композитный индекс результатов школы "
                f"не выше {round(self.share * 100)}-го процентиля по региону (резкий порог)"
                + ("; последующие волны — из ещё не включённых школ" if len(self.waves) > 1 else ""))


PROGRAMMES = (
    ProgrammeSpec("REG2017", "Региональная программа поддержки ШНОР и ШФНСУ 2017–2020", "региональный",
                  2017, 2020, (2017,), 0.15, 2, 3, {k: 0.0 for k in range(9)}),
    ProgrammeSpec("500PLUS", "Проект адресной методической помощи «500+»", "федеральный",
                  2021, None, (2021, 2022), 0.10, 3, 2, {0: 0.03, 1: 0.08, 2: 0.14, 3: 0.18, 4: 0.20}),
)
def select_wave(composite: pd.DataFrame, schools: pd.DataFrame, entry_year: int, share: float,
                exclude: set[str], selection_years: int = 3) -> pd.DataFrame:
    """Schools selected for a wave entering in ``entry_year``, with their score and cut-off.

    The cut-off is computed per region (country-scale data have many regions).
    """
    score = window_mean(composite, entry_year - selection_years, entry_year - 1).reset_index()
    score = score.merge(schools[["school_id", "region"]], on="school_id")
    score["cutoff"] = score.groupby("region")["selection_score"].transform(lambda s: np.quantile(s, share))
    chosen = score[(score["selection_score"] <= score["cutoff"]) & ~score["school_id"].isin(exclude)]
    return chosen.assign(entry_year=entry_year)


def effect_vector(cells: pd.DataFrame, members: pd.DataFrame, spec: ProgrammeSpec) -> np.ndarray:
    """The planted effect of ``spec`` on each result row (0 where the school is not a member)."""
    entry = cells["school_id"].map(members.set_index("school_id")["entry_year"])
    event = (cells["year"] - entry).to_numpy(dtype="float64")
    has = ~np.isnan(event)
    out = np.zeros(len(cells))
    out[has] = spec.effect_at(event[has].astype(int))
    return out
