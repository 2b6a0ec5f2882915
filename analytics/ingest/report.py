"""The short Russian import report shared by the CLI and the «Данные» page."""
from __future__ import annotations

from pathlib import Path

from ..formatting import fmt_number, plural
from .kinds import KINDS
from .load import BatchItem
from .problems import ImportRejected


def kind_title(kind: str) -> str:
    return "границы муниципалитетов" if kind == "boundaries" else KINDS[kind].title


def report_lines(items: list[BatchItem], path: str | Path) -> list[str]:
    lines = [f"Загружено в {path}:"]
    for it in items:
        state = {"loaded": "загружен", "unchanged": "уже был загружен, ничего не изменилось"}.get(it.outcome,
                                                                                                   it.outcome)
        lines.append(f"  «{it.file_name}»: {kind_title(it.kind)} ({it.kind}); прочитано строк "
                     f"{fmt_number(it.rows_read)}, загружено {fmt_number(it.rows_loaded)}; {state}")
        if it.ignored_columns:
            lines.append("    проигнорированы столбцы: " + ", ".join(f"«{c}»" for c in it.ignored_columns))
    return lines


def rejected_lines(exc: ImportRejected) -> list[str]:
    n = exc.total
    head = (f"Пакет не загружен: {fmt_number(n)} {plural(n, 'ошибка', 'ошибки', 'ошибок')}. "
            "Хранилище не изменилось.")
    return [head, *exc.lines()]
