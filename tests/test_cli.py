"""Command line: Russian help, demo build, overview in JSON, errors without tracebacks, bench."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from analytics import overview, warehouse
from analytics.bench import run_bench

ROOT = Path(__file__).resolve().parents[1]


def cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "analytics", *args], cwd=ROOT, capture_output=True,
                          text=True, env=env, timeout=300)


def test_help_is_russian():
    out = cli("--help")
    assert out.returncode == 0
    assert "Использование:" in out.stdout and "собрать демо-хранилище" in out.stdout
    sub = cli("demo", "--help")
    assert "--db ПУТЬ" in sub.stdout and "зерно генератора" in sub.stdout


def test_demo_builds_once_and_if_missing_skips(tmp_path):
    db = tmp_path / "w.duckdb"
    out = cli("demo", "--db", str(db), "--seed", "3")
    assert out.returncode == 0 and "Демо-хранилище собрано" in out.stdout
    mtime = db.stat().st_mtime_ns
    again = cli("demo", "--db", str(db), "--if-missing")
    assert again.returncode == 0 and "пропущена" in again.stdout and db.stat().st_mtime_ns == mtime
    c = warehouse.open_readonly(db)
    assert warehouse.read_meta(c)["demo_seed"] == "3"
    c.close()


def test_overview_json_equals_the_function(demo_db, con):
    out = cli("overview", "--db", str(demo_db), "--json")
    assert out.returncode == 0
    assert json.loads(out.stdout) == overview.headline(con)


def test_errors_are_russian_without_traceback(tmp_path):
    out = cli("overview", "--db", str(tmp_path / "none.duckdb"))
    assert out.returncode == 2
    assert "Ошибка: Хранилище" in out.stderr and "Traceback" not in out.stderr
    bad = cli("demo", "--scale", "planet")
    assert bad.returncode != 0 and "Traceback" not in bad.stderr


def test_bench_times_every_page_function(tmp_path):
    r = run_bench("region", repeat=1, db=str(tmp_path / "b.duckdb"))
    assert r["build_seconds"] > 0 and r["rows"]["results"] > 10_000
    assert {"overview.headline (регион)", "overview.trend (регион + МО)", "identification.shnor"} <= set(r["functions"])
    assert all(t["median_s"] > 0 for t in r["functions"].values())


def test_import_reports_and_refuses_bad_batches_without_change(demo_copy, tmp_path):
    from conftest import file_hash
    good = tmp_path / "kontingent.csv"
    good.write_text("Код ОО;Год;Число обучающихся;Примечание\n1500001;2024;500;—\n", encoding="cp1251")
    out = cli("import", "--db", str(demo_copy), str(good))
    assert out.returncode == 0, out.stderr
    assert "«kontingent.csv»: ресурсы школ по годам (school_years); прочитано строк 1, загружено 1" in out.stdout
    assert "проигнорированы столбцы: «Примечание»" in out.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("Код ОО;Год;Число обучающихся\n" + "".join(f"1500001;19{i:02d};5\n" for i in range(60)),
                   encoding="utf-8")
    before = file_hash(demo_copy)
    out = cli("import", "--db", str(demo_copy), str(bad))
    assert out.returncode == 3 and "Traceback" not in out.stderr
    assert out.stderr.startswith("Пакет не загружен: 60 ошибок. Хранилище не изменилось.")
    assert "… и ещё 10 ошибок в файле «bad.csv»" in out.stderr
    assert file_hash(demo_copy) == before
    new = tmp_path / "new.duckdb"
    out = cli("import", "--db", str(new), str(good))
    assert out.returncode == 3 and "неизвестная школа" in out.stderr and new.exists()


def test_gaps_json_has_the_numbers_the_page_shows(demo_db, con):
    from analytics import gaps
    out = cli("gaps", "--db", str(demo_db), "--year", "2024", "--assessment", "ОГЭ", "--subject", "Математика",
              "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    res = gaps.school_gaps(con, 2024, "ОГЭ", "Математика", 9)
    assert data["grade"] == 9 and data["region_mean"] == res.region_mean
    first = res.schools.iloc[0]
    got = data["schools"][0]
    assert got["school_id"] == first.school_id
    for key in ("gap", "ci_low", "ci_high", "z", "shrunken_gap"):
        assert got[key] == first[key]
    assert len(data["schools"]) == len(res.schools) and data["suppressed_schools"] == res.suppressed
    bad = cli("gaps", "--db", str(demo_db), "--year", "2024", "--assessment", "ОГЭ", "--subject", "Латынь")
    assert bad.returncode == 2 and "нет результатов" in bad.stderr
