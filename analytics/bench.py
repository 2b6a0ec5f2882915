"""``python -m analytics bench``: time the demo build and every analytics function the pages call.

Each function runs ``repeat`` times on a warehouse of the chosen scale; the report gives the
median and the fastest run, and the process's peak resident memory after the build and at the end.
Later issues register their functions in :data:`BENCHMARKS`.
"""
from __future__ import annotations

import datetime as dt
import os
import platform
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from . import catalog, effects, gaps, geo, identification, maps, overview, queries, trends, warehouse, wellbeing
from .demo import build_demo
from .formatting import fmt_number
from .indices import composite_index


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.machine()}, {os.cpu_count()} ядра, {mem:.0f} ГиБ, {cpu}, Python {platform.python_version()}"


def _render_map(con, year: int) -> int:
    s = geo.map_schools(con, year)
    muns = queries.run(con, "geo_municipalities")
    return len(maps.build_map(s, muns, s.groupby("municipality_id")["shnor"].mean(), "Доля ШНОР").get_root().render())


def _benchmarks(con: duckdb.DuckDBPyConnection) -> dict[str, Callable[[], object]]:
    cat = catalog.load_catalog(con)
    last = cat.years[-1]
    mun = cat.municipalities.iloc[1]
    plus_ids = [r[0] for r in con.execute(
        "SELECT school_id FROM programme_school WHERE programme_id = '500PLUS'").fetchall()]
    return {
        "catalog.load_catalog": lambda: catalog.load_catalog(con),
        "overview.headline (регион)": lambda: overview.headline(con, last),
        "overview.headline (муниципалитет)": lambda: overview.headline(con, last, mun["municipality_id"]),
        "overview.trend (регион + МО)": lambda: overview.trend(
            con, "ЕГЭ", "Русский язык", 11, cat.years[0], last, (mun["municipality_id"], mun["name"])),
        "overview.data_source": lambda: overview.data_source(con),
        "identification.shnor": lambda: identification.shnor(con, last),
        "indices.composite_index (3 года, все процедуры)": lambda: composite_index(
            con.cursor().execute("SELECT r.*, m.region FROM results r JOIN school USING (school_id) "
                                 "JOIN municipality m USING (municipality_id) WHERE year BETWEEN ? AND ?",
                                 [last - 2, last]).df(), by_region=True),
        "queries.region_trend": lambda: queries.run(con, "region_trend", assessment="ОГЭ", subject="Математика",
                                                    grade=9, first=cat.years[0], last=last),
        "overview.top_findings (4 предмета)": lambda: overview.top_findings(con, last),
        "trends.school_groups": lambda: trends.school_groups(con, last),
        "trends.group_trend (участники «500+»)": lambda: trends.group_trend(
            con, "ОГЭ", "Математика", 9, cat.years[0], last, plus_ids, "500+"),
        "gaps.school_gaps (1 год)": lambda: gaps.school_gaps(con, last, "ОГЭ", "Математика", 9),
        "gaps.school_gaps (3 года)": lambda: gaps.school_gaps(con, last, "ОГЭ", "Математика", 9, window=3),
        "gaps.findings": lambda: gaps.findings(con, last, "ЕГЭ", "Русский язык", 11),
        "effects.estimate_effects («500+», композит)": lambda: effects.estimate_effects(con, "500PLUS"),
        "effects.estimate_effects (региональная, композит)": lambda: effects.estimate_effects(con, "REG2017"),
        "identification.identify (все показатели)": lambda: identification.identify(con, last),
        "wellbeing.context (ИСБШ и признаки)": lambda: wellbeing.context(con, last),
        "geo.remoteness": lambda: geo.remoteness(con, last),
        "geo.partners_for_year": lambda: geo.partners_for_year(con, last),
        "maps.build_map + render (вся территория)": lambda: _render_map(con, last),
        "gaps.status_change": lambda: gaps.status_change(
            gaps.school_gaps(con, last, "ОГЭ", "Математика", 9).schools,
            gaps.school_gaps(con, last - 1, "ОГЭ", "Математика", 9).schools),
    }


def bench_csv_import(rows: int = 1_000_000, schools: int = 20_000) -> dict:
    """Time ``import`` of a results CSV with ``rows`` rows (Russian headers, ';', decimal comma)
    into a warehouse that already holds the schools (issue 3 target: under a minute)."""
    import numpy as np
    import pandas as pd

    from .ingest.files import import_paths
    rng = np.random.default_rng(1)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ids = [f"77{i:05d}" for i in range(schools)]
        pd.DataFrame({"Код МО": ["77001"], "Муниципалитет": ["Тестовый район"]}).to_csv(
            tmp / "mo.csv", sep=";", index=False)
        pd.DataFrame({"Код ОО": ids, "Наименование ОО": [f"Школа {i}" for i in ids], "Код МО": "77001"}).to_csv(
            tmp / "schools.csv", sep=";", index=False)
        db = tmp / "import.duckdb"
        warehouse.ensure_exists(db)
        import_paths(db, [tmp / "mo.csv", tmp / "schools.csv"])
        per_school = -(-rows // schools)
        school = np.repeat(np.array(ids), per_school)[:rows]
        k = np.tile(np.arange(per_school), schools)[:rows]
        subjects = np.array(["Русский язык", "Математика", "История", "Биология", "География", "Физика"])
        n = rng.integers(5, 60, rows)
        p = rng.dirichlet([1, 4, 4, 2], rows)
        marks = np.floor(n[:, None] * p).astype(int)
        marks[:, 1] += n - marks.sum(axis=1)
        mean = (marks * np.array([2, 3, 4, 5])).sum(axis=1) / n
        df = pd.DataFrame({"Код ОО": school, "Год": 2014 + k % 12, "Процедура": "ВПР",
                           "Предмет": subjects[(k // 12) % len(subjects)], "Класс": 4 + (k // 72) % 5,
                           "Участников": n, "Средний балл": mean.round(2), "Отметка 2": marks[:, 0],
                           "Отметка 3": marks[:, 1], "Отметка 4": marks[:, 2], "Отметка 5": marks[:, 3]})
        path = tmp / "results.csv"
        df.to_csv(path, sep=";", decimal=",", index=False)
        size_mb = path.stat().st_size / 2**20
        t = time.perf_counter()
        items = import_paths(db, [path])
        seconds = time.perf_counter() - t
    return {"rows": items[0].rows_loaded, "file_mb": round(size_mb, 1), "seconds": round(seconds, 2)}


def run_bench(scale: str = "region", repeat: int = 5, db: str | None = None, seed: int = 7,
              csv_rows: int = 0) -> dict:
    """Build a demo warehouse of ``scale`` and time the page functions on it."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(db) if db else Path(tmp) / f"bench-{scale}.duckdb"
        t0 = time.perf_counter()
        counts = build_demo(path, seed=seed, scale=scale)
        build_s = time.perf_counter() - t0
        build_peak = _peak_rss_mb()
        con = warehouse.open_readonly(path)
        timings = {}
        for name, fn in _benchmarks(con).items():
            runs = []
            for _ in range(repeat):
                t = time.perf_counter()
                fn()
                runs.append(time.perf_counter() - t)
            timings[name] = {"median_s": round(statistics.median(runs), 4), "min_s": round(min(runs), 4)}
        con.close()
        size_mb = path.stat().st_size / 2**20
    csv = bench_csv_import(csv_rows) if csv_rows else None
    return {
        "scale": scale, "date": dt.date.today().isoformat(), "machine": _machine(), "repeat": repeat,
        "csv_import": csv,
        "build_seconds": round(build_s, 2), "warehouse_mb": round(size_mb, 1),
        "peak_rss_mb_after_build": round(build_peak, 0), "peak_rss_mb": round(_peak_rss_mb(), 0),
        "rows": counts, "functions": timings,
    }


def format_report(r: dict) -> str:
    lines = [f"Масштаб: {r['scale']}   дата: {r['date']}", f"Машина: {r['machine']}",
             f"Сборка демо: {r['build_seconds']} с, файл {r['warehouse_mb']} МиБ, "
             f"пик памяти {r['peak_rss_mb_after_build']:.0f} МиБ",
             f"Строк результатов: {fmt_number(r['rows']['results'])}",
             f"Функции (медиана из {r['repeat']}):"]
    for name, t in r["functions"].items():
        lines.append(f"  {name:<50} {t['median_s'] * 1000:>9.1f} мс")
    if r.get("csv_import"):
        c = r["csv_import"]
        lines.append(f"Импорт CSV результатов: {fmt_number(c['rows'])} строк ({fmt_number(c['file_mb'], 1)} МиБ) "
                     f"за {fmt_number(c['seconds'], 1)} с")
    lines.append(f"Пик памяти процесса: {r['peak_rss_mb']:.0f} МиБ")
    return "\n".join(lines)
