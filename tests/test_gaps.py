"""Gaps, intervals, funnel limits, empirical-Bayes shrinkage, status x change and findings,
checked against hand-computed values on small fixed data."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics import gaps


def rows(means, ns, years=None):
    k = len(means)
    return pd.DataFrame({"school_id": [f"s{i}" for i in range(k)], "year": years or [2024] * k,
                         "participants": ns, "mean_score": means})


def test_gap_interval_and_z_by_hand():
    r = rows([60.0, 70.0, 80.0, 50.0], [10, 20, 30, 3])
    res = gaps.compute_gaps(r, sigma_within=15.0)
    mu = (60 * 10 + 70 * 20 + 80 * 30 + 50 * 3) / 63           # all participants count for the region
    assert res.region_mean == pytest.approx(mu)
    assert res.suppressed == 1 and set(res.schools.school_id) == {"s0", "s1", "s2"}
    s0 = res.schools.set_index("school_id").loc["s0"]
    assert s0.gap == pytest.approx(60 - mu)
    assert s0.se == pytest.approx(15 / np.sqrt(10))
    assert s0.ci_low == pytest.approx(60 - mu - 1.959964 * 15 / np.sqrt(10), abs=1e-5)
    sd_b = np.std([60, 70, 80], ddof=1)
    assert res.sd_between == pytest.approx(sd_b)
    assert s0.z == pytest.approx((60 - mu) / sd_b)
    assert s0.funnel_998 == pytest.approx(3.090232 * 15 / np.sqrt(10), abs=1e-5)
    assert bool(s0.significant) == bool(s0.ci_high < 0)


def test_empirical_bayes_shrinks_small_schools_more():
    r = rows([40.0, 60.0, 70.0, 90.0], [400, 400, 6, 6])
    res = gaps.compute_gaps(r, sigma_within=30.0).schools.set_index("school_id")
    se = 30 / np.sqrt(np.array([400, 400, 6, 6]))
    tau2 = np.var([40, 60, 70, 90], ddof=1) - np.mean(se ** 2)
    b = tau2 / (tau2 + se ** 2)
    assert res.loc["s3", "shrink_weight"] == pytest.approx(b[3])
    prec = 1 / (tau2 + se ** 2)
    m = (prec * np.array([40, 60, 70, 90])).sum() / prec.sum()
    mu = (40 * 400 + 60 * 400 + 70 * 6 + 90 * 6) / 812
    assert res.loc["s3", "shrunken_gap"] == pytest.approx(m + b[3] * (90 - m) - mu)
    # the small school with the best raw mean is pulled much more than the big ones
    assert res.loc["s3", "gap"] - res.loc["s3", "shrunken_gap"] > 3
    assert abs(res.loc["s0", "shrunken_gap"] - res.loc["s0", "gap"]) < 0.2
    assert res.loc["s2", "shrink_weight"] < res.loc["s1", "shrink_weight"]


def test_window_pools_years_by_participants():
    r = pd.DataFrame({"school_id": ["a", "a", "b", "b", "c"], "year": [2022, 2023, 2022, 2023, 2023],
                      "participants": [10, 30, 20, 20, 40], "mean_score": [3.0, 4.0, 3.5, 3.5, 4.5]})
    res = gaps.compute_gaps(r, sigma_within=0.8)
    a = res.schools.set_index("school_id").loc["a"]
    assert a.n == 40 and a["mean"] == pytest.approx((30 + 120) / 40)
    assert res.years == (2022, 2023)


def test_pooled_within_sd_from_mark_counts():
    r = pd.DataFrame({"n_mark2": [1, 0], "n_mark3": [1, 2], "n_mark4": [1, 2], "n_mark5": [1, 0]})
    # school 1: marks 2,3,4,5 (mean 3.5, SS 5); school 2: 3,3,4,4 (mean 3.5, SS 1); dof 3 + 3
    assert gaps.pooled_within_sd(r) == pytest.approx(np.sqrt(6 / 6))


def test_status_change_cut_points():
    cur = pd.DataFrame({"school_id": ["a", "b", "c", "d"], "z": [-1.2, 0.0, 0.6, 1.5]})
    prev = pd.DataFrame({"school_id": ["a", "b", "c"], "z": [-0.5, 0.0, 0.0]})
    out = gaps.status_change(cur, prev).set_index("school_id")
    assert list(out.level) == ["очень низкий", "средний", "высокий", "очень высокий"]
    assert out.loc["a", "change_class"] == "сильное снижение"          # -0.7
    assert out.loc["b", "change_class"] == "без изменений"
    assert out.loc["c", "change_class"] == "сильный рост"              # +0.6
    assert out.loc["d", "change_class"] == "нет данных за прошлый год" and np.isnan(out.loc["d", "cell_score"])
    assert out.loc["a", "cell_score"] == 0 and out.loc["c", "cell_score"] == 3 + 4


def test_benjamini_hochberg_by_hand():
    p = np.array([0.001, 0.02, 0.03, 0.04, 0.5])
    # thresholds q*k/m: 0.01, 0.02, 0.03, 0.04, 0.05 -> largest k with p_(k) <= : k = 4
    assert list(gaps.benjamini_hochberg(p, 0.05)) == [True, True, True, True, False]
    assert not gaps.benjamini_hochberg(np.array([0.2, 0.3]), 0.05).any()


def test_russian_phrases():
    assert gaps.municipality_genitive("Моздокский район") == "Моздокского района"
    assert gaps.municipality_genitive("Пригородный район") == "Пригородного района"
    assert gaps.municipality_genitive("г. Владикавказ") == "г. Владикавказа"


def test_findings_on_the_demo_are_corrected_and_worded(con):
    found = gaps.findings(con, 2024, "ОГЭ", "Математика", 9)
    assert found and found[0].direction == "below"
    assert found[0].text.startswith("В 2024 г. средний балл ОГЭ по математике в ")
    assert "значимо ниже регионального" in found[0].text
    res = gaps.school_gaps(con, 2024, "ОГЭ", "Математика", 9)
    reject = gaps.benjamini_hochberg(res.schools["p_value"].to_numpy())
    below = res.schools[reject & (res.schools["gap"] < 0)]
    assert sum(f.n_schools for f in found if f.direction == "below") == len(below)
    # BH never flags more schools than the uncorrected 95 % intervals do
    assert len(below) <= (res.schools["ci_high"] < 0).sum()


def test_demo_gaps_use_the_whole_region(con):
    res = gaps.school_gaps(con, 2024, "ЕГЭ", "Русский язык", 11)
    r = con.execute("SELECT participants, mean_score FROM results WHERE year=2024 AND assessment='ЕГЭ' "
                    "AND subject='Русский язык'").df()
    assert res.region_mean == pytest.approx(np.average(r.mean_score, weights=r.participants))
    assert res.sigma_within == 15.0                  # ЕГЭ: reference SD (no mark counts)
    small = (r.participants < 5).sum()
    assert res.suppressed == small and len(res.schools) == len(r) - small
    mozdok = gaps.school_gaps(con, 2024, "ЕГЭ", "Русский язык", 11, municipality_id="90630")
    assert mozdok.region_mean == res.region_mean and set(mozdok.schools.municipality_id) == {"90630"}
