"""Remoteness, partner choice, the offline map and the demo's approximate boundaries."""
from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from shapely.geometry import Point, shape

from analytics import geo, maps


def layout():
    # a target, a strong school 5 km east, a strong school 2 km north but 10x larger, a weak one close by
    return pd.DataFrame({
        "school_id": ["t", "near", "big", "weak", "far"],
        "name": ["Цель", "Рядом", "Большая", "Слабая", "Далеко"],
        "lat": [43.0, 43.0, 43.018, 43.001, 43.9], "lon": [44.0, 44.0615, 44.0, 44.001, 44.0],
        "students": [100, 120, 1000, 100, 100], "isbsh": [40, 45, 45, 40, 40],
        "strong": [False, True, True, False, True]})


def test_partner_choice_on_a_fixed_layout():
    p = geo.partner_suggestions(layout(), ["t"], k=3, max_km=60)
    assert list(p.partner_id) == ["near", "big"]             # the weak school and the one 100 km away are out
    near = p.set_index("partner_id").loc["near"]
    assert near.km == pytest.approx(5.0, abs=0.1)
    assert near.score == pytest.approx(near.km / 25 + abs(__import__("math").log(120 / 100)) + 5 / 25, abs=1e-9)


def test_remoteness_on_the_demo(con):
    r = geo.remoteness(con, 2025).set_index("name")
    assert (r["km_to_nearest_school"] > 0).all()
    assert (r["schools_within_25km"] >= r["schools_within_10km"]).all()
    assert r.loc["МБОУ СОШ с. Стур-Дигора", "km_to_centre"] > 25          # a mountain village of Ирафский район
    assert r.loc["МБОУ СОШ с. Стур-Дигора", "small"]
    vlad = r[r["municipality"] == "г. Владикавказ"]
    assert (vlad["km_to_capital"] < 10).all()
    small = con.execute("SELECT count(*) FROM school_year WHERE year = 2025 AND students < 100").fetchone()[0]
    assert r["small"].sum() == small


def test_map_is_offline_and_aggregates_at_country_scale(con):
    s = geo.map_schools(con, 2025)
    muns = con.execute("SELECT municipality_id, name, geometry FROM municipality").df()
    m = maps.build_map(s, muns, s.groupby("municipality_id")["shnor"].mean(), "Доля ШНОР")
    page = m.get_root().render()
    assert maps.external_urls(page) == set()
    assert "/app/static/vendor/leaflet/leaflet.js" in page and "$(" not in page
    assert page.count("L.circleMarker(") >= 2 * len(s)                  # every school, also in the cluster
    big = pd.concat([s] * (maps.MAX_MARKERS // len(s) + 1), ignore_index=True)
    agg = maps.build_map(big, muns, pd.Series(dtype=float), "—").get_root().render()
    assert agg.count("L.circleMarker(") == big["municipality"].nunique()


def test_demo_boundaries_are_approximate_but_hold_their_schools(con):
    muns = con.execute("SELECT municipality_id, name, geometry FROM municipality").df()
    polys = {r.municipality_id: shape(json.loads(r.geometry)) for r in muns.itertuples()}
    assert len(polys) == 9
    schools = con.execute("SELECT municipality_id, lat, lon FROM school").df()
    inside = [polys[r.municipality_id].contains(Point(r.lon, r.lat)) for r in schools.itertuples()]
    assert sum(inside) / len(inside) > 0.9


def test_cli_remoteness_and_partners(demo_db):
    out = subprocess.run([sys.executable, "-m", "analytics", "remoteness", "--db", str(demo_db), "--json"],
                         capture_output=True, text=True, timeout=300)
    rows = json.loads(out.stdout)
    assert len(rows) > 150 and {"km_to_centre", "km_to_capital", "km_to_nearest_school", "km_to_high_school",
                                "schools_within_10km", "schools_within_25km", "small"} <= set(rows[0])
    out = subprocess.run([sys.executable, "-m", "analytics", "partners", "--db", str(demo_db), "--year", "2025",
                          "--json"], capture_output=True, text=True, timeout=300)
    partners = json.loads(out.stdout)
    assert partners and all(p["km"] <= 60 and 1 <= p["rank"] <= 3 for p in partners)
