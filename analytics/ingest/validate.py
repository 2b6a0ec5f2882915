"""Type conversion and row checks for one file of a known kind (shared/DATA_CONTRACT.md).

Input: a frame whose columns already carry canonical names (strings as read from a file,
or typed values from the demo generator). Output: a typed frame ready for the warehouse
and the problems found. Checks are vectorised so that a million-row file stays fast.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .kinds import (
    ASSESSMENT_ALIASES,
    DEFAULT_SCALE,
    GRADES,
    RISK_LEVELS,
    URBAN_SETTLEMENT_TYPES,
    Column,
    Kind,
)
from .problems import FileProblems

SCALE_RANGE = {"test100": (0.0, 100.0), "mark5": (2.0, 5.0), "primary": (0.0, np.inf)}
_SPACES = "\u00a0\u202f\u2009 "


def _clean_text(s: pd.Series) -> pd.Series:
    """Strip, and turn empty strings into missing values."""
    if s.dtype.kind in "biufc":
        return s
    out = s.astype("string").str.strip()
    return out.mask(out == "")


def _to_number(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Parse numbers written with a decimal comma or spaces; return values and a bad-value mask."""
    if s.dtype.kind in "biuf":
        return s.astype("float64"), np.zeros(len(s), dtype=bool)
    text = _clean_text(s)
    cleaned = text
    for ch in _SPACES:
        cleaned = cleaned.str.replace(ch, "", regex=False)
    cleaned = cleaned.str.replace(",", ".", regex=False).str.rstrip("%")
    num = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    bad = (text.notna() & num.isna()).to_numpy(dtype=bool)
    return num, bad


def _map_values(s: pd.Series, fn) -> pd.Series:
    """Apply ``fn`` to each distinct non-missing value once (fast on millions of repeated codes)."""
    codes, uniques = pd.factorize(s)
    table = np.array([fn(u) for u in uniques] + [None], dtype=object)
    return pd.Series(table[codes], index=s.index, dtype="string")


def _norm_choice(value: str) -> str:
    return str(value).strip().lower().replace("ё", "е")


def convert_column(col: Column, raw: pd.Series, header: str, rows: np.ndarray,
                   fp: FileProblems, percent: bool) -> pd.Series:
    """Convert one column to its type and record every value that does not fit."""
    if col.type in ("str",):
        out = _clean_text(raw).astype("string")
        if col.choices:
            allowed = {_norm_choice(c): c for c in col.choices}
            if col.name == "assessment":
                allowed.update({_norm_choice(k): v for k, v in ASSESSMENT_ALIASES.items()})
            mapped = _map_values(out, lambda v: allowed.get(_norm_choice(v)))
            bad = out.notna() & mapped.isna()
            fp.add_mask(bad, rows, header, out, "ожидалось одно из: " + ", ".join(col.choices))
            out = mapped.astype("string")
        return out
    if col.type == "date":
        text = _clean_text(raw.astype("string"))
        iso = pd.to_datetime(text, errors="coerce", format="%Y-%m-%d")
        out = iso.fillna(pd.to_datetime(text, errors="coerce", format="%d.%m.%Y"))
        fp.add_mask(text.notna() & out.isna(), rows, header, text, "ожидалась дата (ДД.ММ.ГГГГ)")
        return out.dt.date
    if col.name == "level" and col.type == "int" and raw.dtype.kind not in "biuf":
        raw = _map_values(_clean_text(raw), lambda v: str(RISK_LEVELS.get(_norm_choice(v), v)))
    num, bad = _to_number(raw)
    if col.type == "share":
        expected = "ожидалась доля от 0 до 1" if not percent else "ожидался процент от 0 до 100"
        fp.add_mask(bad, rows, header, raw, expected)
        if percent:
            num = num / 100.0
        fp.add_mask(~bad & num.notna() & ((num < 0) | (num > 1)), rows, header, raw, expected)
        return num
    if col.type in ("int", "year"):
        if col.type == "year":
            lo = 2000 if col.min is None else int(col.min)
            hi = 2100 if col.max is None else int(col.max)
            expected = f"ожидался год от {lo} до {hi}"
        else:
            lo = 0 if col.min is None else col.min
            hi = col.max
            expected = ("ожидалось неотрицательное целое число" if lo == 0 and hi is None
                        else f"ожидалось целое число от {lo:g} до {hi:g}")
        fp.add_mask(bad, rows, header, raw, expected)
        v = num.to_numpy()
        ok = ~np.isnan(v)
        wrong = ok & ((v != np.round(v)) | (v < lo) | ((hi is not None) & (v > (hi or 0))))
        fp.add_mask(wrong, rows, header, raw, expected)
        return num.round().astype("Int64")
    # float
    lo = 0.0 if col.min is None else col.min
    hi = np.inf if col.max is None else col.max
    expected = "ожидалось число" + ("" if lo < -1e6 else f" не меньше {lo:g}" if hi == np.inf
                                    else f" от {lo:g} до {hi:g}")
    fp.add_mask(bad, rows, header, raw, expected)
    fp.add_mask(num.notna() & ((num < lo) | (num > hi)), rows, header, raw, expected)
    return num


def validate_frame(kind: Kind, frame: pd.DataFrame, fp: FileProblems, *,
                   headers: dict[str, str] | None = None, percent_columns: set[str] | None = None,
                   first_row: int = 2) -> pd.DataFrame:
    """Convert and check ``frame`` (canonical column names) of ``kind``; return the typed frame.

    ``headers`` maps canonical names to the headers as written (for messages);
    ``first_row`` is the file row number of the frame's first row (header is row 1).
    """
    headers = headers or {}
    percent_columns = percent_columns or set()
    rows = np.arange(first_row, first_row + len(frame))
    label = {c.name: headers.get(c.name, c.name) for c in kind.columns}
    missing = [c.name for c in kind.columns if c.required and c.name not in frame.columns]
    for name in missing:
        fp.add(None, label[name], None, "нет обязательного столбца")
    if missing:
        return frame.iloc[0:0]

    out = pd.DataFrame(index=frame.index)
    for col in kind.columns:
        if col.name not in frame.columns:
            continue
        out[col.name] = convert_column(col, frame[col.name], label[col.name], rows, fp,
                                       percent=col.name in percent_columns)
        if col.required:
            raw_missing = _clean_text(frame[col.name]).isna().to_numpy(dtype=bool)
            fp.add_mask(raw_missing, rows, label[col.name], None, "обязательное значение не заполнено")
    _check_rows(kind, out, rows, label, fp, frame)
    _check_duplicates(kind, out, rows, label, fp)
    return out


def _check_rows(kind: Kind, df: pd.DataFrame, rows: np.ndarray, label: dict, fp: FileProblems,
                raw: pd.DataFrame) -> None:
    """Checks across columns of one row (messages show the values as written in the file)."""
    def shown(col: str) -> pd.Series:
        return raw[col] if col in raw else df[col]

    if kind.name == "results":
        _check_results(df, rows, label, fp, shown)
    elif kind.name == "continuation":
        bad = (df["continued_grade10"] > df["grade9_graduates"]).fillna(False).to_numpy(dtype=bool)
        fp.add_mask(bad, rows, label["continued_grade10"], shown("continued_grade10"),
                    "продолживших обучение не может быть больше выпускников 9 класса")
    elif kind.name == "olympiad" and "winners" in df:
        bad = (df["winners"] > df["participants"]).fillna(False).to_numpy(dtype=bool)
        fp.add_mask(bad, rows, label["winners"], shown("winners"),
                    "победителей и призёров не может быть больше участников")
    elif kind.name == "programme_schools" and "exit_year" in df:
        bad = (df["exit_year"] < df["entry_year"]).fillna(False).to_numpy(dtype=bool)
        fp.add_mask(bad, rows, label["exit_year"], shown("exit_year"),
                    "год выхода не может быть раньше года включения")
    elif kind.name == "schools":
        if "settlement_type" in df:
            df["urban"] = df["settlement_type"].isin(URBAN_SETTLEMENT_TYPES).astype("boolean")
            df.loc[df["settlement_type"].isna(), "urban"] = pd.NA


def _check_results(df: pd.DataFrame, rows: np.ndarray, label: dict, fp: FileProblems, shown) -> None:
    if "scale" not in df:
        df["scale"] = pd.array([pd.NA] * len(df), dtype="string")
    df["scale"] = df["scale"].fillna(df["assessment"].map(DEFAULT_SCALE)).astype("string")
    grade_ok = np.ones(len(df), dtype=bool)
    for assessment, grades in GRADES.items():
        is_a = (df["assessment"] == assessment).fillna(False).to_numpy(dtype=bool)
        grade_ok &= ~(is_a & ~df["grade"].isin(grades).to_numpy(dtype=bool) & df["grade"].notna().to_numpy())
    if (~grade_ok).any():
        for assessment, grades in GRADES.items():
            m = ~grade_ok & (df["assessment"] == assessment).fillna(False).to_numpy(dtype=bool)
            fp.add_mask(m, rows, label["grade"], shown("grade"),
                        f"класс не подходит к процедуре {assessment}: ожидалось "
                        + ", ".join(map(str, grades)))
    for scale, (lo, hi) in SCALE_RANGE.items():
        m = ((df["scale"] == scale) & ((df["mean_score"] < lo) | (df["mean_score"] > hi))).fillna(False)
        hi_text = f"до {hi:g}" if np.isfinite(hi) else "и больше"
        fp.add_mask(m.to_numpy(dtype=bool), rows, label["mean_score"], shown("mean_score"),
                    f"средний балл вне шкалы {scale}: ожидалось от {lo:g} {hi_text}")
    counts = [c for c in ("n_below_min", "n_high", "n_mark2", "n_mark3", "n_mark4", "n_mark5") if c in df]
    for c in counts:
        m = (df[c] > df["participants"]).fillna(False).to_numpy(dtype=bool)
        fp.add_mask(m, rows, label[c], shown(c), "не может быть больше числа участников")
    marks = [f"n_mark{k}" for k in (2, 3, 4, 5)]
    if all(c in df for c in marks):
        total = df[marks].sum(axis=1, min_count=4)
        m = (total.notna() & (total != df["participants"])).fillna(False).to_numpy(dtype=bool)
        fp.add_mask(m, rows, label["n_mark2"], total.astype("Float64"),
                    "сумма отметок 2–5 должна равняться числу участников")


def _check_duplicates(kind: Kind, df: pd.DataFrame, rows: np.ndarray, label: dict,
                      fp: FileProblems) -> None:
    key = [k for k in kind.key if k in df]
    if not key or df.empty:
        return
    dup = df.duplicated(subset=key, keep="first").to_numpy()
    if dup.any():
        first = df.reset_index(drop=True).groupby(key, dropna=False).cumcount().to_numpy()
        shown = df[key].astype("string").fillna("").agg(" / ".join, axis=1)
        fp.add_mask(dup & (first > 0), rows, ", ".join(label[k] for k in key), shown,
                    "повторяющийся ключ: такая строка уже есть выше в файле")
