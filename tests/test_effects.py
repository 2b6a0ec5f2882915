"""Programme effects against the truth the demo planted (demo_truth), and the regression
against a direct computation of the same cells."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics import effects


def truth(con, pid, note="composite", horizon=effects.POST_HORIZON):
    t = con.execute("SELECT event_time, value FROM demo_truth WHERE kind='programme_effect' AND programme_id=? "
                    "AND note=? ORDER BY event_time", [pid, note]).df()
    return float(t[t.event_time < horizon]["value"].mean())


@pytest.fixture(scope="module")
def reports(con):
    return {pid: effects.estimate_effects(con, pid) for pid in ("REG2017", "500PLUS")}


@pytest.mark.parametrize("pid", ["REG2017", "500PLUS"])
def test_did_and_rd_intervals_cover_the_planted_effect(reports, con, pid):
    r = reports[pid]
    true = truth(con, pid)
    assert r.did.ci_low <= true <= r.did.ci_high, (r.did, true)
    assert r.rd is not None and r.rd.ci_low <= true <= r.rd.ci_high, (r.rd, true)
    assert r.did.n_treated == len(con.execute("SELECT 1 FROM programme_school WHERE programme_id=?", [pid]).fetchall())


def test_naive_overstates_the_null_programme_by_about_the_placebo(reports, con):
    r = reports["REG2017"]
    assert truth(con, "REG2017") == 0
    excess = r.naive.estimate - 0.0
    assert excess > 0.05                                   # the naive number "finds" an effect of nothing
    assert r.placebo is not None and r.placebo.estimate > 0  # the rule alone produces a rise
    assert r.placebo.ci_low <= excess <= r.placebo.ci_high + 0.1
    assert abs(r.did.estimate) < excess                    # the honest design is closer to the truth


def test_naive_exceeds_the_truth_for_500plus(reports, con):
    r = reports["500PLUS"]
    assert r.naive.estimate > truth(con, "500PLUS")
    assert r.naive.estimate > r.did.estimate


def test_regression_cells_equal_direct_differences(con):
    panel, _, _ = effects.outcome_panel(con)
    members = con.execute("SELECT * FROM programme_school WHERE programme_id='500PLUS'").df()
    entries = members.set_index("school_id")["entry_year"].astype(int)
    controls = set(panel.school_id) - set(entries.index)
    _, _, _, cells = effects.event_study(panel, entries, controls, 3)
    direct = effects.did_cells_direct(panel, entries, controls, 3)
    merged = cells.merge(direct, on=["cohort", "year"], suffixes=("", "_direct"))
    assert len(merged) == len(direct) > 10
    np.testing.assert_allclose(merged["att"], merged["att_direct"], atol=1e-9)


def test_event_study_base_is_before_the_selection_window(reports):
    es = reports["500PLUS"].event_study.set_index("event_time")
    assert -4 not in es.index                 # the base year g - W - 1 = g - 4 is the reference
    assert {-3, -2, -1, 0, 1, 2} <= set(es.index)
    # the selection window shows the dip that selected the schools
    assert es.loc[[-3, -2, -1], "estimate"].mean() < 0


def test_twfe_is_labelled_and_outcome_in_score_units(con):
    r = effects.estimate_effects(con, "500PLUS", "ОГЭ:Математика")
    assert r.units == "отметки (2–5)" and r.outcome == "ОГЭ:Математика"
    true = truth(con, "500PLUS", note="ОГЭ:Математика")
    assert r.did.ci_low <= true <= r.did.ci_high
    assert r.twfe is not None and set(r.as_dict()) >= {"naive", "did", "twfe", "rd", "placebo", "pretrend_p"}


def test_base_year_rule():
    assert effects.base_year(2021, 3, range(2014, 2026)) == (2017, True)
    assert effects.base_year(2017, 3, range(2014, 2026)) == (2014, False)
    assert effects.base_year(2017, 2, range(2014, 2026)) == (2014, True)


def test_unknown_programme_is_a_clear_error(con):
    with pytest.raises(ValueError, match="нет программы"):
        effects.estimate_effects(con, "NOPE")


@pytest.mark.slow
def test_did_coverage_over_many_seeds(tmp_path):
    """Across demo regions with other seeds, the DiD interval covers the truth about 95 % of the time."""
    import duckdb

    from analytics.demo import build_demo
    hits, errors = [], []
    for seed in range(101, 113):
        db = tmp_path / f"s{seed}.duckdb"
        build_demo(db, seed=seed)
        c = duckdb.connect(str(db), read_only=True)
        r = effects.estimate_effects(c, "500PLUS")
        true = truth(c, "500PLUS")
        hits.append(r.did.ci_low <= true <= r.did.ci_high)
        errors.append(r.did.estimate - true)
        c.close()
        db.unlink()
    assert np.mean(hits) >= 0.75                      # 12 draws: 95 % coverage gives >= 9 hits with p > 0.98
    assert abs(np.mean(errors)) < 0.08                # small bias (effects are 0.04-0.23 z)
    assert pd.Series(errors).std() < 0.2


def test_wave_and_municipality_options(con):
    r = effects.estimate_effects(con, "500PLUS", wave=2021)
    assert list(r.cohorts.entry_year) == [2021] and r.did.n_treated == int(r.cohorts.schools.sum())
    with pytest.raises(ValueError, match="нет волны"):
        effects.estimate_effects(con, "500PLUS", wave=2019)
    mun = con.execute("SELECT s.municipality_id, count(*) n FROM programme_school p JOIN school s USING (school_id) "
                      "WHERE programme_id='REG2017' GROUP BY 1 ORDER BY n DESC LIMIT 1").fetchone()
    local = effects.estimate_effects(con, "REG2017", municipality_id=mun[0])
    assert local.naive.n_treated == mun[1]
    assert local.did.n_control < effects.estimate_effects(con, "REG2017").did.n_control
