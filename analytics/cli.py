"""Command line: the same functions the pages use, for researchers' scripts.

Every subcommand takes ``--db PATH`` (default: $WAREHOUSE or data/warehouse.duckdb).
Errors are printed in Russian without a traceback; the exit code is non-zero.
"""
from __future__ import annotations

import argparse
import json
import sys
import time

from . import config


class RussianHelpFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix or "Использование: ")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m analytics", formatter_class=RussianHelpFormatter, add_help=False,
        description="Ориентир: аналитика школ с низкими результатами и в неблагоприятных условиях.")
    p.add_argument("-h", "--help", action="help", help="показать эту справку и выйти")
    sub = p.add_subparsers(dest="command", metavar="КОМАНДА", title="команды")

    def add(name, help_text):
        sp = sub.add_parser(name, help=help_text, description=help_text, add_help=False,
                            formatter_class=RussianHelpFormatter)
        sp.add_argument("-h", "--help", action="help", help="показать эту справку и выйти")
        sp.add_argument("--db", metavar="ПУТЬ", help="файл хранилища (по умолчанию $WAREHOUSE "
                        "или data/warehouse.duckdb)")
        return sp

    d = add("demo", "собрать демо-хранилище (синтетическая Северная Осетия или вся страна)")
    d.add_argument("--seed", type=int, default=7, help="зерно генератора (по умолчанию 7)")
    d.add_argument("--scale", choices=("region", "country"), default="region",
                   help="region — одна республика (~190 школ), country — ~40 000 школ")
    d.add_argument("--if-missing", action="store_true", help="ничего не делать, если хранилище уже есть")

    b = add("bench", "замерить время сборки и аналитических функций")
    b.add_argument("--scale", choices=("region", "country"), default="region")
    b.add_argument("--repeat", type=int, default=5, help="повторов каждой функции (берётся медиана)")
    b.add_argument("--json", action="store_true", help="вывести результат в JSON")
    b.add_argument("--csv-rows", type=int, default=1_000_000, metavar="N",
                   help="замерить импорт CSV с N строками результатов (0 — не замерять)")

    i = add("import", "загрузить файлы (CSV, XLSX, GeoJSON) в хранилище: всё или ничего")
    i.add_argument("--kind", metavar="ВИД", help="вид данных, если его не удаётся определить по столбцам")
    i.add_argument("files", nargs="+", metavar="ФАЙЛ", help="файлы одного пакета")

    e = add("export-data", "выгрузить все данные хранилища в файлы импорта (по файлу на вид)")
    e.add_argument("dir", metavar="КАТАЛОГ", help="куда записать файлы")

    g = add("gaps", "разрыв каждой школы со средним по региону: интервал, z, оценка с учётом надёжности")
    g.add_argument("--year", type=int, required=True, help="год (последний год окна)")
    g.add_argument("--assessment", required=True, help="процедура: ЕГЭ, ОГЭ или ВПР")
    g.add_argument("--subject", required=True, help="предмет, как в данных (например, «Математика»)")
    g.add_argument("--grade", type=int, help="класс (по умолчанию — первый класс этой процедуры)")
    g.add_argument("--window", type=int, default=1, choices=(1, 3), help="окно лет (1 или 3)")
    g.add_argument("--json", action="store_true", help="вывести результат в JSON")

    ef = add("effect", "эффект программы: наивная оценка, разность разностей, TWFE, разрывный дизайн, плацебо")
    ef.add_argument("--programme", required=True, metavar="КОД", help="код программы (например, 500PLUS)")
    ef.add_argument("--outcome", metavar="ПРОЦЕДУРА:ПРЕДМЕТ",
                    help="результат (например, ОГЭ:Математика); по умолчанию композитный индекс")
    ef.add_argument("--wave", type=int, metavar="ГОД", help="только волна этого года входа")
    ef.add_argument("--municipality", metavar="КОД_МО", help="только школы этого муниципалитета")
    ef.add_argument("--json", action="store_true", help="вывести результат в JSON")

    idn = add("identify", "отбор ШНОР и ШФНСУ: индексы, причины, кластеры (все пороги настраиваются)")
    idn.add_argument("--year", type=int, required=True, help="год отбора")
    idn.add_argument("--shnor-share", type=float, default=0.10, help="доля худших по индексу (0.10)")
    idn.add_argument("--min-years", type=int, default=2, help="сколько лет из трёх в нижней доле (2)")
    idn.add_argument("--isbsh-share", type=float, default=0.10, help="доля худших по ИСБШ для ШФНСУ (0.10)")
    idn.add_argument("--remote-km", type=float, default=25.0, help="удалённость от центра МО, км (25)")
    idn.add_argument("--small", type=int, default=100, help="малокомплектная: меньше N обучающихся (100)")
    idn.add_argument("--assessments", metavar="ПРОЦЕДУРЫ",
                     help="индекс только по этим процедурам, через запятую (например, ОГЭ,ЕГЭ)")
    idn.add_argument("--json", action="store_true", help="вывести результат в JSON")

    rm = add("remoteness", "удалённость школ: расстояния (по прямой, км) и признаки")
    rm.add_argument("--year", type=int, help="год (по умолчанию последний)")
    rm.add_argument("--json", action="store_true", help="вывести результат в JSON")
    pa = add("partners", "сетевые партнёры для каждой ШНОР (до трёх сильных школ поблизости)")
    pa.add_argument("--year", type=int, required=True, help="год отбора ШНОР")
    pa.add_argument("--max-km", type=float, default=60.0, help="не дальше, км (60)")
    pa.add_argument("--json", action="store_true", help="вывести результат в JSON")

    t = add("templates", "переписать шаблоны файлов импорта в data/templates (из демо-хранилища)")
    t.add_argument("--out", metavar="КАТАЛОГ", help="куда записать (по умолчанию data/templates)")

    o = add("overview", "ключевые показатели региона (как на странице «Обзор»)")
    o.add_argument("--json", action="store_true", help="вывести результат в JSON")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.command:
        _parser().print_help()
        return 0
    try:
        return COMMANDS[args.command](args)
    except BrokenPipeError:     # output piped into `head`: not an error
        return 0
    except Exception as exc:  # a person reads this: no traceback
        from .warehouse import WarehouseError
        if isinstance(exc, WarehouseError):
            print(f"Ошибка: {exc}", file=sys.stderr)
            return 2
        print(f"Ошибка: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


def cmd_demo(args) -> int:
    from .demo import build_demo
    path = config.warehouse_path(args.db)
    if args.if_missing and path.exists():
        print(f"Хранилище {path} уже есть — сборка пропущена.")
        return 0
    t0 = time.perf_counter()
    counts = build_demo(path, seed=args.seed, scale=args.scale)
    print(f"Демо-хранилище собрано: {path} за {time.perf_counter() - t0:.1f} с")
    for kind, n in counts.items():
        print(f"  {kind:<18} {n:>10,}".replace(",", " "))
    return 0


def cmd_bench(args) -> int:
    from .bench import format_report, run_bench
    report = run_bench(scale=args.scale, repeat=args.repeat, db=args.db, csv_rows=args.csv_rows)
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else format_report(report))
    return 0


def cmd_import(args) -> int:
    from . import warehouse
    from .ingest import ImportRejected
    from .ingest.files import import_paths
    from .ingest.report import rejected_lines, report_lines
    path = config.warehouse_path(args.db)
    try:
        warehouse.ensure_exists(path)
        items = import_paths(path, args.files, args.kind)
    except ImportRejected as exc:
        print("\n".join(rejected_lines(exc)), file=sys.stderr)
        return 3
    print("\n".join(report_lines(items, path)))
    return 0


def cmd_export_data(args) -> int:
    from . import warehouse
    from .ingest.export_data import export_data
    con = warehouse.open_readonly(config.warehouse_path(args.db))
    paths = export_data(con, args.dir)
    con.close()
    print(f"Записано файлов: {len(paths)} в {args.dir}")
    for p in paths:
        print(f"  {p.name}")
    return 0


def cmd_gaps(args) -> int:
    from . import catalog, gaps, warehouse
    from .ingest.kinds import ASSESSMENT_ALIASES, GRADES
    con = warehouse.open_readonly(config.warehouse_path(args.db))
    assessment = ASSESSMENT_ALIASES.get(args.assessment.lower(), args.assessment)
    if assessment not in GRADES:
        raise warehouse.WarehouseError(f"неизвестная процедура «{args.assessment}»: ожидалось ЕГЭ, ОГЭ или ВПР")
    grade = args.grade or (catalog.load_catalog(con).grades_of(assessment, args.subject) or GRADES[assessment])[0]
    res = gaps.school_gaps(con, args.year, assessment, args.subject, grade, args.window)
    if res.schools.empty:
        raise warehouse.WarehouseError(f"нет результатов {assessment} по предмету «{args.subject}», {grade} класс, "
                                       f"за {args.year} г.")
    cols = ["school_id", "name", "municipality", "n", "mean", "gap", "ci_low", "ci_high", "z", "z_low", "z_high",
            "shrunken_gap", "shrunken_sd", "p_value", "significant", "rank"]
    rows = res.schools[cols].rename(columns={"n": "participants"}).to_dict(orient="records")
    out = {"year": args.year, "window_years": list(res.years), "assessment": assessment, "subject": args.subject,
           "grade": grade, "region_mean": res.region_mean, "sigma_within": res.sigma_within,
           "sd_between_schools": res.sd_between, "tau": res.tau, "suppressed_schools": res.suppressed,
           "schools": rows}
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1, default=lambda v: v.item() if hasattr(v, "item") else v))
    else:
        print(f"{assessment}, {args.subject}, {grade} класс, {args.year}: средний по региону {res.region_mean:.2f}")
        for r in rows:
            flag = " *" if r["significant"] else ""
            print(f"{r['rank']:>4} {r['name'][:45]:<45} n={r['participants']:<4} разрыв {r['gap']:+.2f} "
                  f"[{r['ci_low']:+.2f}; {r['ci_high']:+.2f}] EB {r['shrunken_gap']:+.2f}{flag}")
    return 0


def cmd_effect(args) -> int:
    from . import effects, warehouse
    con = warehouse.open_readonly(config.warehouse_path(args.db))
    try:
        report = effects.estimate_effects(con, args.programme, args.outcome, wave=args.wave,
                                          municipality_id=args.municipality)
    except ValueError as exc:
        raise warehouse.WarehouseError(str(exc)) from None
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=1,
                         default=lambda v: v.item() if hasattr(v, "item") else str(v)))
        return 0
    outcome = "композитный индекс" if report.outcome == "composite" else report.outcome
    print(f"{report.programme_name}: {outcome} (единицы: {report.units})")
    for key, label in (("naive", "наивная до/после"), ("did", "разность разностей"), ("twfe", "TWFE (смещена)"),
                       ("rd", "разрывный дизайн"), ("placebo", "плацебо-отбор")):
        e = getattr(report, key)
        print(f"  {label:<22} " + ("—" if e is None else
                                   f"{e.estimate:+.3f} [{e.ci_low:+.3f}; {e.ci_high:+.3f}], школ {e.n_treated}"))
    print(f"  тест параллельных трендов: p = {report.pretrend_p}")
    return 0


def identify_rules(shnor_share=0.10, min_years=2, isbsh_share=0.10, remote_km=25.0, small=100,
                   assessments=None):
    """The rules object from the CLI's (and the page's) thresholds."""
    from .identification import Rules
    from .wellbeing import Thresholds
    return Rules(shnor_share=shnor_share, shnor_min_years=min_years, shfnsu_isbsh_share=isbsh_share,
                 assessments=tuple(assessments) if assessments else None,
                 flags=Thresholds(remote_km=remote_km, small_students=small))


def cmd_identify(args) -> int:
    from . import identification, warehouse
    con = warehouse.open_readonly(config.warehouse_path(args.db))
    from .ingest.kinds import ASSESSMENT_ALIASES
    assessments = [ASSESSMENT_ALIASES.get(a.strip().lower(), a.strip())
                   for a in (args.assessments or "").split(",") if a.strip()]
    rules = identify_rules(args.shnor_share, args.min_years, args.isbsh_share, args.remote_km, args.small,
                           assessments)
    df = identification.identify(con, args.year, rules)
    rows = [{"school_id": r.school_id, "name": r.name, "municipality": r.municipality,
             "composite": {str(k): v for k, v in r.composite_by_year.items()}, "shnor": bool(r.shnor),
             "shfnsu": bool(r.shfnsu), "isbsh": _num(r.isbsh), "expected": _num(r.expected),
             "residual": _num(r.residual), "residual_interval": [_num(r.residual_low), _num(r.residual_high)],
             "resilient": bool(r.resilient), "cluster": r.cluster,
             "reasons": list(r.reasons), "programmes": list(r.programmes)} for r in df.itertuples(index=False)]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        for r in rows:
            if r["shnor"] or r["shfnsu"]:
                kinds = "/".join(k for k, v in (("ШНОР", r["shnor"]), ("ШФНСУ", r["shfnsu"])) if v)
                print(f"{r['school_id']} {r['name'][:45]:<45} {kinds:<11} " + "; ".join(r["reasons"]))
    return 0


def _num(v):
    return None if v is None or v != v else float(v)


def cmd_remoteness(args) -> int:
    from . import catalog, geo, warehouse
    con = warehouse.open_readonly(config.warehouse_path(args.db))
    year = args.year or catalog.load_catalog(con).years[-1]
    df = geo.remoteness(con, year)
    cols = ["school_id", "name", "municipality", "settlement", "settlement_type", "students", "km_to_centre",
            "km_to_capital", "km_to_nearest_school", "km_to_high_school", "schools_within_10km",
            "schools_within_25km", "small"]
    rows = json.loads(df[cols].to_json(orient="records", force_ascii=False))
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        for r in rows:
            print(f"{r['school_id']} {r['name'][:40]:<40} центр {r['km_to_centre']:6.1f} км, столица "
                  f"{r['km_to_capital']:6.1f} км, ближайшая школа {r['km_to_nearest_school']:5.1f} км")
    return 0


def cmd_partners(args) -> int:
    from . import geo, warehouse
    con = warehouse.open_readonly(config.warehouse_path(args.db))
    df = geo.partners_for_year(con, args.year, max_km=args.max_km)
    cols = ["school_id", "school", "rank", "partner_id", "partner", "km", "score"]
    rows = json.loads(df[cols].to_json(orient="records", force_ascii=False)) if len(df) else []
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        for r in rows:
            print(f"{r['school'][:40]:<40} → {r['partner'][:40]:<40} {r['km']:5.1f} км (балл {r['score']:.2f})")
    return 0


def cmd_templates(args) -> int:
    from pathlib import Path

    from . import warehouse
    from .ingest.templates import TEMPLATE_DIR, write_templates
    con = warehouse.open_readonly(config.warehouse_path(args.db))
    paths = write_templates(con, Path(args.out) if args.out else TEMPLATE_DIR)
    con.close()
    print(f"Шаблонов записано: {len(paths)}")
    return 0


def cmd_overview(args) -> int:
    from . import overview, warehouse
    con = warehouse.open_readonly(config.warehouse_path(args.db))
    kpis = overview.headline(con)
    if args.json:
        print(json.dumps(kpis, ensure_ascii=False, indent=2))
    else:
        for k, v in kpis.items():
            print(f"{k}: {v}")
    return 0


COMMANDS = {"demo": cmd_demo, "bench": cmd_bench, "overview": cmd_overview, "import": cmd_import,
            "export-data": cmd_export_data, "templates": cmd_templates, "gaps": cmd_gaps,
            "effect": cmd_effect, "identify": cmd_identify, "remoteness": cmd_remoteness,
            "partners": cmd_partners}
