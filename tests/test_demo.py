"""The demo generator: deterministic, realistic shape, inside the real boundaries, honest truths."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from analytics.demo.build import generate
from analytics.indices import composite_index, window_mean

REAL_MUNICIPALITIES = {"г. Владикавказ", "Алагирский район", "Ардонский район", "Дигорский район", "Ирафский район",
                       "Кировский район", "Моздокский район", "Правобережный район", "Пригородный район"}


def q(con, sql, *params):
    return con.execute(sql, list(params)).df()


def test_same_seed_same_data_other_seed_other_data():
    a, b, c = generate(7), generate(7), generate(8)
    for kind in a.frames:
        pd.testing.assert_frame_equal(a.frames[kind], b.frames[kind], check_exact=True)
    pd.testing.assert_frame_equal(a.truth, b.truth)
    assert not a.frames["results"]["mean_score"].equals(c.frames["results"]["mean_score"])


def test_region_has_real_municipalities_and_plausible_counts(con):
    names = set(q(con, "SELECT name FROM municipality")["name"])
    assert names == REAL_MUNICIPALITIES
    per = q(con, "SELECT m.name, count(*) n FROM school s JOIN municipality m USING (municipality_id) GROUP BY 1")
    per = per.set_index("name")["n"]
    assert 150 <= per.sum() <= 250
    assert per.idxmax() == "г. Владикавказ" and per["г. Владикавказ"] >= 40
    assert per.min() >= 8
    years = q(con, "SELECT DISTINCT year FROM results ORDER BY 1")["year"].tolist()
    assert years == list(range(2014, 2026))
    small = q(con, "SELECT count(*) n FROM school_year WHERE year = 2025 AND students < 100")["n"].iloc[0]
    assert small >= 5
    types = set(q(con, "SELECT DISTINCT settlement_type FROM school")["settlement_type"])
    assert {"город", "село"} <= types


def test_every_school_lies_inside_its_real_municipality(con, real_dir):
    districts = gpd.read_file(real_dir / "north_ossetia_districts.geojson")
    schools = q(con, "SELECT s.school_id, s.lat, s.lon, m.name "
                     "FROM school s JOIN municipality m USING (municipality_id)")
    pts = gpd.GeoDataFrame(schools, geometry=gpd.points_from_xy(schools.lon, schools.lat), crs=4326)
    joined = gpd.sjoin(pts, districts, how="left", predicate="within")
    expected = joined["name"].str.replace("г. ", "", regex=False)
    wrong = joined[joined["district"] != expected]
    assert wrong.empty, wrong[["school_id", "name", "district", "lat", "lon"]].to_string()
    centres = q(con, "SELECT name, centre_lat, centre_lon FROM municipality")
    cp = gpd.GeoDataFrame(centres, geometry=gpd.points_from_xy(centres.centre_lon, centres.centre_lat), crs=4326)
    cj = gpd.sjoin(cp, districts, predicate="within")
    assert (cj["district"] == cj["name"].str.replace("г. ", "", regex=False)).all()


def test_scores_stay_inside_their_scales_and_marks_add_up(con):
    r = q(con, "SELECT * FROM results")
    test = r[r["scale"] == "test100"]
    marks = r[r["scale"] == "mark5"]
    assert test["mean_score"].between(0, 100).all() and marks["mean_score"].between(2, 5).all()
    total = marks[["n_mark2", "n_mark3", "n_mark4", "n_mark5"]].sum(axis=1)
    assert (total == marks["participants"]).all()
    assert (r["participants"] > 0).all()
    assert set(r.loc[r.assessment == "ЕГЭ", "grade"]) == {11}
    assert set(r.loc[r.assessment == "ОГЭ", "grade"]) == {9}
    assert set(r.loc[r.assessment == "ВПР", "grade"]) <= {4, 5, 6, 7, 8}
    rus = q(con, "SELECT mean_score FROM mart_region_year WHERE assessment='ЕГЭ' AND subject='Русский язык'")
    assert rus["mean_score"].between(60, 75).all()  # ЕГЭ Russian in the republic: mid-60s


def test_2020_and_2021_breaks(con):
    r = q(con, "SELECT year, assessment, subject, sum(participants) n FROM results GROUP BY ALL")
    oge = r[r.assessment == "ОГЭ"]
    assert 2020 not in set(oge.year)
    assert set(oge[oge.year == 2021].subject) == {"Русский язык", "Математика"}
    base = r[(r.assessment == "ЕГЭ") & (r.subject == "Математика (базовая)")]
    assert not ({2020, 2021} & set(base.year))
    ege_rus = r[(r.assessment == "ЕГЭ") & (r.subject == "Русский язык")].set_index("year")["n"]
    assert ege_rus[2020] < 0.9 * ege_rus[2019]
    notes = q(con, "SELECT year, assessment FROM year_note WHERE NOT comparable")
    assert {(2020, "ОГЭ"), (2020, "ЕГЭ"), (2020, "ВПР"), (2021, "ОГЭ")} <= set(map(tuple, notes.values))


def test_context_goes_with_results(con):
    df = q(con, """SELECT c.composite, s.share_low_income, s.share_parents_higher_edu
                   FROM mart_school_composite c JOIN social_context s USING (school_id, year) WHERE year = 2019""")
    assert df["composite"].corr(df["share_low_income"]) < -0.2
    assert df["composite"].corr(df["share_parents_higher_edu"]) > 0.2


def test_selection_rule_is_sharp_and_reproducible_from_the_warehouse(con):
    results = q(con, "SELECT * FROM results")
    comp = composite_index(results)
    members = q(con, "SELECT * FROM programme_school")
    windows = dict(q(con, "SELECT programme_id, selection_years FROM programme").values)
    for (pid, entry), g in members.groupby(["programme_id", "entry_year"]):
        score = window_mean(comp, entry - windows[pid], entry - 1)
        cutoff = g["selection_cutoff"].iloc[0]
        np.testing.assert_allclose(score[g["school_id"]].to_numpy(), g["selection_score"].to_numpy(), atol=1e-9)
        assert (g["selection_score"] <= cutoff + 1e-12).all()
        earlier = set(members[(members.programme_id == pid) & (members.entry_year < entry)]["school_id"])
        eligible = score[~score.index.isin(earlier)]
        assert set(eligible[eligible <= cutoff + 1e-12].index) == set(g["school_id"])
        assert np.isclose(cutoff, np.quantile(score, 0.15 if pid == "REG2017" else 0.10))


def test_selection_is_on_noise_so_results_regress_to_the_mean(con):
    """The regional programme had no effect, yet its schools' results rose after selection."""
    comp = q(con, "SELECT * FROM mart_school_composite")
    truth = q(con, "SELECT school_id, value FROM demo_truth WHERE kind = 'school_quality'").set_index("school_id")
    members = q(con, "SELECT * FROM programme_school WHERE programme_id = 'REG2017'")
    after = comp[comp.year.between(2017, 2019) & comp.school_id.isin(members.school_id)].groupby("school_id")[
        "composite"].mean()
    assert (after.mean() - members["selection_score"].mean()) > 0.07  # about 0.13 expected: 1 - reliability
    # selection sees noise: the selection score explains true quality only in part
    score = members.set_index("school_id")["selection_score"]
    all_scores = window_mean(comp, 2015, 2016)
    corr = np.corrcoef(all_scores, truth.loc[all_scores.index, "value"])[0, 1]
    assert 0.5 < corr < 0.97
    assert truth.loc[score.index, "value"].max() > truth["value"].quantile(0.2)


def test_planted_truths(con):
    t = q(con, "SELECT * FROM demo_truth")
    eff = t[(t.kind == "programme_effect") & (t.note == "composite")]
    assert (eff[eff.programme_id == "REG2017"]["value"].abs() < 1e-12).all()
    plus = eff[eff.programme_id == "500PLUS"].sort_values("event_time")["value"].to_numpy()
    assert (plus > 0).all() and (np.diff(plus) > 0).all() and plus[-1] < 0.6
    inflated = t[t.kind == "nonobjective_vpr"]
    assert len(inflated) == 5
    ma = q(con, "SELECT school_id, sum(higher) / sum(confirmed + lower + higher) AS share FROM mark_agreement "
                "WHERE year >= 2021 GROUP BY 1").set_index("school_id")["share"]
    threshold = ma.quantile(0.9)
    assert (ma[inflated.school_id] > threshold).all()
    assert len(t[t.kind == "resilient"]) >= 3


def test_roadmap_kpi_and_risk_profiles(con):
    rm = q(con, "SELECT * FROM roadmap_activity")
    assert {"выполнено", "в работе"} <= set(rm.status)
    assert rm["title"].str.contains("«500+»", regex=False).any()
    assert rm.loc[rm.status == "выполнено", "done_on"].notna().all()
    kpi = q(con, "SELECT * FROM kpi")
    assert kpi.groupby("indicator").size().min() >= 3
    rp = q(con, "SELECT * FROM risk_profile")
    plus = q(con, "SELECT school_id FROM programme_school WHERE programme_id = '500PLUS'")
    assert set(rp.school_id) == set(plus.school_id)
    assert set(rp.factor) == set(range(1, 11)) and set(rp.level) <= {1, 2, 3}


@pytest.mark.slow
def test_country_scale_has_the_same_structure():
    data = generate(3, "country", country_regions=2)
    schools = data.frames["schools"]
    assert schools["school_id"].is_unique
    assert 500 < len(schools) < 1500
    mun = data.frames["municipalities"]
    assert mun["region"].nunique() == 2
    assert set(data.frames) >= {"results", "programme_schools", "social_context"}
    ps = data.frames["programme_schools"].merge(schools, on="school_id").merge(mun, on="municipality_id")
    assert ps.groupby("region").size().min() > 5
