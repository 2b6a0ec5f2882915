"""Composite index, selection windows and the default ШНОР rule on small hand-computed data."""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from analytics import identification, warehouse
from analytics.indices import composite_index, window_mean


def test_composite_matches_hand_computation():
    # one cell with three schools: means 10, 20, 30 -> z = -1, 0, 1 (sd with ddof=1 is 10)
    # a second cell (other subject): 50, 50, 80 -> mean 60, sd 17.3205, z = -0.57735, -0.57735, 1.1547
    r = pd.DataFrame({
        "school_id": ["a", "b", "c", "a", "b", "c"], "year": 2024, "assessment": "ЕГЭ",
        "subject": ["Химия"] * 3 + ["Физика"] * 3, "grade": 11,
        "participants": [10, 20, 30, 30, 20, 10], "mean_score": [10.0, 20, 30, 50, 50, 80]})
    out = composite_index(r).set_index("school_id")["composite"]
    z2 = (np.array([50, 50, 80]) - 60) / np.std([50, 50, 80], ddof=1)
    expected = {"a": (10 * -1 + 30 * z2[0]) / 40, "b": (20 * 0 + 20 * z2[1]) / 40, "c": (30 * 1 + 10 * z2[2]) / 40}
    for k, v in expected.items():
        assert out[k] == pytest.approx(v, abs=1e-12)


def test_cells_with_fewer_than_three_schools_or_no_spread_are_skipped():
    r = pd.DataFrame({"school_id": ["a", "b", "a", "b", "c"], "year": 2024, "assessment": "ОГЭ",
                      "subject": ["Химия", "Химия", "Физика", "Физика", "Физика"], "grade": 9,
                      "participants": 10, "mean_score": [3.0, 4.0, 4.0, 4.0, 4.0]})
    assert composite_index(r).empty


def test_window_mean_needs_two_years():
    comp = pd.DataFrame({"school_id": ["a", "a", "a", "b"], "year": [2018, 2019, 2020, 2020],
                         "composite": [-1.0, -2.0, 0.0, 5.0]})
    s = window_mean(comp, 2018, 2020)
    assert s.to_dict() == {"a": -1.0}


@pytest.fixture()
def tiny_warehouse(tmp_path):
    """Ten schools, 3 years of composites written straight into the mart."""
    path = tmp_path / "tiny.duckdb"
    with warehouse.building(path, fresh=True) as c:
        c.execute("INSERT INTO municipality (municipality_id, name, region) VALUES ('m', 'М', 'Р')")
        for i in range(10):
            c.execute("INSERT INTO school (school_id, name, municipality_id) VALUES (?, ?, 'm')", [f"s{i}", f"S{i}"])
    comp = pd.DataFrame([(f"s{i}", y, float(i)) for i in range(10) for y in (2022, 2023, 2024)],
                        columns=["school_id", "year", "composite"])
    # s0 is lowest every year; s1 is low in 2022 and 2024 only; s2 is low in 2023 only;
    # s3 ties the cut-off in 2024; s4 misses 2023 but is lowest in 2022 and 2024
    comp.loc[(comp.school_id == "s1") & (comp.year == 2023), "composite"] = 9.5
    comp.loc[(comp.school_id == "s2") & (comp.year == 2023), "composite"] = -5
    comp.loc[(comp.school_id == "s4") & comp.year.isin([2022, 2024]), "composite"] = -9
    comp = comp[~((comp.school_id == "s4") & (comp.year == 2023))]
    c = duckdb.connect(str(path))
    c.register("comp", comp)
    c.execute("CREATE OR REPLACE TABLE mart_school_composite AS "
              "SELECT school_id, year, composite, 1 AS n_cells, 10 AS participants FROM comp")
    c.close()
    return path


def test_shnor_two_of_three_years_with_ties_and_missing_year(tiny_warehouse):
    c = duckdb.connect(str(tiny_warehouse), read_only=True)
    flags = identification.low_result_flags(c, 2024, share=0.2)
    cut = flags.groupby("year")["cutoff"].first()
    # 2022: values -9,0,1,2,3,5..9 -> 20 % quantile (linear) = 0.8 ; 2024: -9,0,1,2,... -> 0.8
    assert cut[2022] == pytest.approx(np.quantile([-9, 0, 1, 2, 3, 5, 6, 7, 8, 9], 0.2))
    out = identification.shnor(c, 2024, share=0.2).set_index("school_id")
    assert set(out.index) == {"s0", "s4"}
    assert out.loc["s4", "low_years"] == [2022, 2024]
    # with a 30 % share the school at rank 3 (s1, value 1 in 2022 and 2024) joins; s2 low once only
    out30 = identification.shnor(c, 2024, share=0.3)
    assert set(out30.school_id) == {"s0", "s1", "s4"}
    # a value exactly at the cut-off counts as low ("at or below")
    at = identification.low_result_flags(c, 2024, share=1 / 9)
    y = at[at.year == 2023]
    assert y.loc[y.composite == y.cutoff.iloc[0], "low"].all()
    c.close()


def test_mart_composite_equals_python_composite(con):
    r = con.execute("SELECT r.*, m.region FROM results r JOIN school USING (school_id) "
                    "JOIN municipality m USING (municipality_id)").df()
    py = composite_index(r, by_region=True).set_index(["school_id", "year"])["composite"]
    mart = con.execute("SELECT * FROM mart_school_composite").df().set_index(["school_id", "year"])["composite"]
    pd.testing.assert_series_equal(py.sort_index(), mart.sort_index(), check_exact=False, atol=1e-9)


def test_demo_weakest_schools_are_identified(con):
    """Schools whose true level is in the bottom 5 % are found as ШНОР in most years."""
    truth = con.execute("SELECT school_id, value FROM demo_truth WHERE kind='school_quality'").df()
    weakest = set(truth.nsmallest(max(3, len(truth) // 20), "value")["school_id"])
    found = set()
    for year in range(2016, 2026):
        found |= set(identification.shnor(con, year)["school_id"])
    assert len(weakest & found) >= 0.8 * len(weakest)
