"""Every page renders without an exception (Streamlit AppTest), with the numbers analytics computes."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import overview

ROOT = Path(__file__).resolve().parents[1]
PAGE_FILES = re.findall(r'st\.Page\("([^"]+)"', (ROOT / "app.py").read_text(encoding="utf-8"))


@pytest.fixture()
def app(demo_db, monkeypatch):
    monkeypatch.setenv("WAREHOUSE", str(demo_db))
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


def _text(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.title]
    return "\n".join(parts)


@pytest.mark.parametrize("page", PAGE_FILES)
def test_page_renders_without_exception(app, page):
    at = app.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, f"{page}: нет заголовка"
    assert "Traceback" not in _text(at)


def test_overview_shows_the_analytics_numbers(app, con):
    at = app.run()
    assert not at.exception
    h = overview.headline(con, 2025)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Школ в 2025 г."] == str(h["schools"])
    assert metrics["Обучающихся"] == f"{h['students']:,}".replace(",", "\u00a0")
    assert metrics["ШНОР в 2025 г."] == str(h["shnor"])


def test_filters_come_from_the_url_and_go_back_to_it(app, con):
    """A shared link reopens the same view; the state is written back to the URL.
    (Changing a filter by hand is exercised in the browser test: AppTest drops the sidebar on reruns.)"""
    app.query_params.update({"mo": "90630", "y1": "2023", "as": "ОГЭ", "su": "Математика"})
    at = app.run()
    assert not at.exception
    h = overview.headline(con, 2023, "90630")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Школ в 2023 г."] == str(h["schools"])
    assert at.selectbox(key="f_mun").value == "90630"
    assert at.selectbox(key="f_sub_ОГЭ").value == "Математика"
    assert at.query_params["mo"] == "90630" and at.query_params["y1"] == "2023"
    assert at.query_params["y0"] == "2014"


def test_bad_url_values_fall_back_to_defaults(app):
    app.query_params.update({"mo": "nope", "y0": "1900", "as": "<script>", "su": "x"})
    at = app.run()
    assert not at.exception
    assert at.selectbox(key="f_mun").value == "__all__"
    assert at.query_params["as"] == "ЕГЭ" and at.query_params["y0"] == "2014"


def test_missing_warehouse_shows_a_russian_message(monkeypatch, tmp_path):
    monkeypatch.setenv("WAREHOUSE", str(tmp_path / "none.duckdb"))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert not at.exception
    assert any("не найдено" in e.value for e in at.error)


def test_gaps_page_numbers_equal_the_analytics(app, con):
    from analytics import gaps
    app.query_params.update({"as": "ОГЭ", "su": "Математика"})
    at = app.run()
    at.switch_page("pages/gaps.py").run()
    assert not at.exception
    res = gaps.school_gaps(con, 2025, "ОГЭ", "Математика", 9)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Школ в сравнении"] == str(len(res.schools))
    assert metrics["Значимо ниже региона"] == str(int((res.schools.ci_high < 0).sum()))
    assert metrics["Скрыто (меньше 5 участников)"] == str(res.suppressed)
    text = "\n".join(m.value for m in at.markdown)
    first = gaps.findings(con, 2025, "ОГЭ", "Математика", 9)[0]
    assert first.text in text


def test_overview_lists_the_top_findings(app, con):
    at = app.run()
    top = overview.top_findings(con, 2025)
    text = "\n".join(m.value for m in at.markdown)
    assert top and all(f.text in text for f in top)


def test_effects_page_shows_the_cli_numbers(app, demo_db):
    import json
    import subprocess
    import sys

    from analytics.formatting import fmt_number
    out = subprocess.run([sys.executable, "-m", "analytics", "effect", "--db", str(demo_db), "--programme",
                          "REG2017", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    cli = json.loads(out.stdout)
    at = app.run()
    at.switch_page("pages/effects.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    did = table[table["Оценка"].str.startswith("Разность разностей")].iloc[0]
    assert did["Значение"] == fmt_number(cli["did"]["estimate"], 3)
    assert did["Интервал 95 %"] == f"[{fmt_number(cli['did']['ci_low'], 3)}; {fmt_number(cli['did']['ci_high'], 3)}]"
    naive = table[table["Оценка"].str.startswith("Наивная")].iloc[0]
    assert naive["Значение"] == fmt_number(cli["naive"]["estimate"], 3)
    assert any("завышена" in m.value or "возврат к среднему" in m.value for m in at.markdown)


def test_selection_page_follows_the_thresholds_like_the_cli(app, con):
    from analytics import identification
    from analytics.cli import identify_rules
    app.query_params.update({"s_share": "0.2", "s_years": "1", "s_year": "2024"})
    at = app.run()
    at.switch_page("pages/selection.py").run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    wide = identification.identify(con, 2024, identify_rules(shnor_share=0.2, min_years=1))
    assert metrics["ШНОР"] == str(int(wide.shnor.sum()))
    default = identification.identify(con, 2024)
    assert int(wide.shnor.sum()) > int(default.shnor.sum())
    at.slider(key="s_share").set_value(0.10)
    at.slider(key="s_years").set_value(2)
    at.run()
    assert {m.label: m.value for m in at.metric}["ШНОР"] == str(int(default.shnor.sum()))


def test_school_card_opens_from_the_url(app, con):
    sid, name = con.execute("SELECT school_id, name FROM school ORDER BY school_id LIMIT 1 OFFSET 40").fetchone()
    app.query_params.update({"school": sid})
    at = app.run()
    at.switch_page("pages/school.py").run()
    assert not at.exception
    assert at.title[0].value == name
