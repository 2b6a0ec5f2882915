"""ИСБШ, flags, expected results, resilience and the full identification list."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from analytics import geo, identification, wellbeing
from analytics.cli import identify_rules


def test_distances_are_metric_and_match_known_values():
    # Владикавказ - Моздок about 79 km, Владикавказ - Алагир about 38 km (straight line)
    d = geo.distance_km([43.024, 43.024], [44.682, 44.682], [43.735, 43.042], [44.655, 44.220])
    assert d[0] == pytest.approx(79, abs=2) and d[1] == pytest.approx(38, abs=2)


def _ctx(**cols):
    base = {"students": [100, 100, 100, 100], "lat": 43.0, "lon": 44.6, "centre_lat": 43.0, "centre_lon": 44.6,
            "computers": 20, "teacher_vacancies": 0, "internet_mbps": 50.0}
    for c in wellbeing.COMPONENTS:
        base[c] = [0.1, 0.1, 0.1, 0.1]
    base.update(cols)
    return pd.DataFrame(base)


def test_isbsh_by_hand_with_shrinkage_and_orientation():
    df = _ctx(share_deviant=[0.0, 0.1, 0.2, 0.3], students=[100, 100, 100, 100])
    out, _ = wellbeing.wellbeing_index(df, {"share_deviant": 1.0})
    # shrinkage with equal n only rescales; more deviant behaviour -> lower index
    assert list(np.argsort(out["isbsh"].to_numpy())) == [3, 2, 1, 0]
    s = -np.array([-1.5, -0.5, 0.5, 1.5]) / np.std([-1.5, -0.5, 0.5, 1.5], ddof=1)
    np.testing.assert_allclose(out["isbsh"], np.clip(50 + 15 * s / np.std(s, ddof=1), 0, 100))
    # a tiny school's extreme share is pulled towards the region: n = 5, m = 10
    small = _ctx(share_deviant=[0.0, 0.1, 0.1, 0.9], students=[100, 100, 100, 5])
    out2, _ = wellbeing.wellbeing_index(small, {"share_deviant": 1.0})
    p = np.array([0.0, 0.1, 0.1, 0.9])
    n = np.array([100, 100, 100, 5])
    p_region = (p * n).sum() / n.sum()
    shrunk = (p * n + 10 * p_region) / (n + 10)
    assert shrunk[3] == pytest.approx(0.3536, abs=1e-4)          # 0.9 observed on 5 students
    np.testing.assert_allclose(out2["z_share_deviant"], -(shrunk - shrunk.mean()) / shrunk.std(ddof=1))


def test_flags_and_cronbach_alpha():
    df = _ctx(lat=[43.0, 43.0, 43.4, 43.0], students=[50, 150, 150, 150], computers=[10, 5, 20, 20],
              internet_mbps=[50, 50, 50, 5.0], teacher_vacancies=[0, 0, 0, 1])
    out = wellbeing.flags(df, wellbeing.Thresholds())
    assert list(out["remote"]) == [False, False, True, False]          # 0.4 degrees of latitude = 44 km
    assert list(out["small"]) == [True, False, False, False]
    assert list(out["deficit_computers"]) == [False, True, False, False]
    assert list(out["resource_deficit"]) == [False, True, False, True]
    items = np.array([[1, 2], [2, 3], [3, 4], [4, 6]], dtype=float)
    k, v = 2, items.var(axis=0, ddof=1).sum()
    assert wellbeing.cronbach_alpha(items) == pytest.approx(k / (k - 1) * (1 - v / items.sum(axis=1).var(ddof=1)))


def test_expected_results_regression_recovers_a_known_line():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"isbsh": rng.uniform(0, 100, 200), "remote": rng.random(200) < 0.2,
                       "students": rng.integers(20, 900, 200)})
    df["composite"] = -1 + 0.02 * df["isbsh"] - 0.3 * df["remote"] + 0.1 * np.log(df["students"])
    fit = wellbeing.expected_results(df)
    np.testing.assert_allclose(fit.attrs["beta"], [-1, 0.02, -0.3, 0.1], atol=1e-9)
    assert fit["residual"].abs().max() < 1e-9
    noisy = df.assign(composite=df["composite"] + rng.normal(0, 0.3, 200))
    f2 = wellbeing.expected_results(noisy)
    inside = (f2["residual_low"] <= 0) & (f2["residual_high"] >= 0)
    assert 0.88 < inside.mean() <= 1.0                  # ~95 % of ordinary schools are "as expected"


def test_identify_on_the_demo(con):
    d = identification.identify(con, 2024)
    direct = identification.shnor(con, 2024)
    assert set(d.loc[d.shnor, "school_id"]) == set(direct.school_id)
    row = d[d.shnor].iloc[0]
    assert row.reasons and "композитный индекс" in row.reasons[0]
    assert set(d.cluster) <= set(identification.CLUSTERS)
    small = d[d.small]
    assert (small.students < 100).all() and len(small) >= 5
    truth = set(con.execute("SELECT school_id FROM demo_truth WHERE kind='resilient'").df().school_id)
    found = set(d.loc[d.resilient | (d.cluster == "resilient"), "school_id"])
    assert len(truth & found) >= len(truth) // 2          # the planted resilient schools are visible
    rest = d[~d.school_id.isin(truth)]
    assert d[d.school_id.isin(truth)].std_residual.mean() > rest.std_residual.mean() + 0.5
    cmp = identification.compare_with_programmes(d)
    assert set(cmp) == {"identified_not_supported", "supported_not_identified"}


def test_threshold_changes_move_the_list_as_the_cli_does(con, demo_db):
    wide = identification.identify(con, 2024, identify_rules(shnor_share=0.2, min_years=1))
    narrow = identification.identify(con, 2024, identify_rules(shnor_share=0.05, min_years=3))
    assert wide.shnor.sum() > narrow.shnor.sum()
    out = subprocess.run([sys.executable, "-m", "analytics", "identify", "--db", str(demo_db), "--year", "2024",
                          "--shnor-share", "0.2", "--min-years", "1", "--json"], capture_output=True, text=True,
                         timeout=300)
    rows = json.loads(out.stdout)
    assert {r["school_id"] for r in rows if r["shnor"]} == set(wide.loc[wide.shnor, "school_id"])
    first = rows[0]
    assert set(first) >= {"school_id", "composite", "shnor", "shfnsu", "isbsh", "expected", "residual",
                          "resilient", "cluster", "reasons"}
    assert set(first["composite"]) <= {"2022", "2023", "2024"}


def test_composite_can_be_restricted_to_some_assessments(con):
    from analytics.indices import composite_index
    only = identification.low_result_flags(con, 2024, assessments=("ОГЭ",))
    raw = con.execute("SELECT * FROM results WHERE year BETWEEN 2022 AND 2024 AND assessment = 'ОГЭ'").df()
    direct = composite_index(raw).set_index(["school_id", "year"])["composite"]
    got = only.set_index(["school_id", "year"])["composite"]
    pd.testing.assert_series_equal(got.sort_index(), direct.reindex(got.index).sort_index(), check_names=False)
    full = identification.low_result_flags(con, 2024)
    assert not np.allclose(full.set_index(["school_id", "year"]).composite.reindex(got.index), got)
