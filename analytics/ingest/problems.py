"""Problems found in input files, with Russian messages naming file, row, column and value."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: The report shows at most this many problems per file, then a count of the rest.
MAX_SHOWN = 50


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None          # row number as a person sees it in the file (header = 1)
    column: str | None       # the column header as written in the file
    value: str | None
    expected: str

    def message(self) -> str:
        where = [f"Файл «{self.file}»"]
        if self.row is not None:
            where.append(f"строка {self.row}")
        if self.column is not None:
            where.append(f"столбец «{self.column}»")
        text = ", ".join(where)
        if self.value is not None:
            text += f": значение «{self.value}»"
        return f"{text} — {self.expected}"


@dataclass
class FileProblems:
    """Problems of one file: the first :data:`MAX_SHOWN` kept, all counted."""

    file: str
    shown: list[Problem] = field(default_factory=list)
    total: int = 0

    def add(self, row: int | None, column: str | None, value, expected: str) -> None:
        self.total += 1
        if len(self.shown) < MAX_SHOWN:
            shown_value = None if value is None else _show(value)
            self.shown.append(Problem(self.file, row, column, shown_value, expected))

    def add_mask(self, mask, rows: np.ndarray, column: str | None, values, expected: str) -> None:
        """Record every row where ``mask`` is true (vectorised; keeps the first examples only)."""
        mask = np.asarray(mask, dtype=bool)
        n = int(mask.sum())
        if not n:
            return
        idx = np.flatnonzero(mask)[: max(0, MAX_SHOWN - len(self.shown))]
        vals = None if values is None else np.asarray(values, dtype=object)
        for i in idx:
            self.shown.append(Problem(self.file, int(rows[i]), column,
                                      None if vals is None else _show(vals[i]), expected))
        self.total += n

    def __bool__(self) -> bool:
        return self.total > 0

    def lines(self) -> list[str]:
        out = [p.message() for p in self.shown]
        if self.total > len(self.shown):
            out.append(f"… и ещё {self.total - len(self.shown)} ошибок в файле «{self.file}»")
        return out


def _show(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


class ImportRejected(Exception):  # noqa: N818 - a rejection, not a program error
    """A batch that failed its checks; nothing was loaded."""

    def __init__(self, problems: list[FileProblems]):
        self.problems = [p for p in problems if p]
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        return [line for fp in self.problems for line in fp.lines()]

    @property
    def total(self) -> int:
        return sum(fp.total for fp in self.problems)
