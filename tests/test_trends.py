"""Trends of groups and single schools: weighted means, suppression, break notes, groups."""
from __future__ import annotations

import numpy as np
import pytest

from analytics import trends


def test_group_trend_is_the_weighted_mean_of_its_schools(con):
    ids = [r[0] for r in con.execute("SELECT school_id FROM school WHERE municipality_id='90620'").fetchall()]
    t = trends.group_trend(con, "ЕГЭ", "Русский язык", 11, 2014, 2025, ids, "Ирафский")
    r = con.execute("SELECT year, participants, mean_score, n_below_min FROM results WHERE assessment='ЕГЭ' "
                    "AND subject='Русский язык' AND school_id IN (SELECT unnest(?))", [ids]).df()
    for year, g in r.groupby("year"):
        row = t.data.set_index("year").loc[year]
        assert row.mean_score == pytest.approx(np.average(g.mean_score, weights=g.participants))
        assert row.share_below_min == pytest.approx(g.n_below_min.sum() / g.participants.sum())
        assert row.participants == g.participants.sum()
    assert list(t.notes.year) == [2020, 2021]


def test_a_tiny_school_is_suppressed(con):
    sid, year = con.execute("SELECT school_id, year FROM results WHERE assessment='ЕГЭ' AND subject='Русский язык' "
                            "AND participants < 5 ORDER BY school_id, year LIMIT 1").fetchone()
    t = trends.group_trend(con, "ЕГЭ", "Русский язык", 11, 2014, 2025, [sid], "школа")
    row = t.data.set_index("year").loc[year]
    assert np.isnan(row.mean_score) and t.suppressed >= 1


def test_groups_partition_the_schools(con):
    g = trends.school_groups(con, 2025)
    n = con.execute("SELECT count(*) FROM school").fetchone()[0]
    plus = [k for k in g if k.startswith("Участники:") and "500+" in k][0]
    rest = plus.replace("Участники:", "Не участвовали:")
    assert len(g[plus]) + len(g[rest]) == n and not set(g[plus]) & set(g[rest])
    assert len(g["Сельские школы"]) + len(g["Городские школы"]) == n
    mozdok = trends.school_groups(con, 2025, "90630")
    ids = {r[0] for r in con.execute("SELECT school_id FROM school WHERE municipality_id='90630'").fetchall()}
    assert set(mozdok["Сельские школы"]) | set(mozdok["Городские школы"]) == ids
