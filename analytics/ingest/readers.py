"""Read an import file into a table of strings: CSV (UTF-8 with or without BOM, Windows-1251;
``,`` ``;`` or tab) or XLSX (first sheet, or the sheet named after the kind).

Everything a person can get wrong about the file itself (empty, binary, not CSV/XLSX, truncated,
an unknown header) becomes a :class:`FileProblems` entry, never a traceback.
"""
from __future__ import annotations

import csv
import io
import warnings
import zipfile
from dataclasses import dataclass, field

import pandas as pd

from .problems import FileProblems

#: Larger uploads are refused on the «Данные» page (the CLI has no limit).
MAX_UPLOAD_MB = 100

MAGIC = {
    b"\x89PNG": "изображение PNG", b"\xff\xd8\xff": "изображение JPEG", b"GIF8": "изображение GIF",
    b"%PDF": "документ PDF", b"\xd0\xcf\x11\xe0": "файл старого формата Excel/Word (.xls/.doc)",
    b"Rar!": "архив RAR", b"\x1f\x8b": "архив gzip", b"7z\xbc\xaf": "архив 7z",
}


@dataclass
class RawTable:
    """The cells of one file as strings, with the headers as written."""

    name: str
    frame: pd.DataFrame                 # all values str or NA; columns = headers as written
    format: str                         # "CSV (UTF-8, «;»)" ...
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)


def upload_too_large(name: str, size_bytes: int, limit_mb: int = MAX_UPLOAD_MB) -> str | None:
    """The Russian message for an upload over the page's limit, or None when it fits."""
    size_mb = size_bytes / 2**20
    if size_mb <= limit_mb:
        return None
    text = f"{size_mb:.1f}".replace(".", ",")
    return (f"Файл «{name}»: {text} МБ — больше допустимых {limit_mb} МБ. Разделите файл или загрузите "
            "его командой `python -m analytics import`.")


class FileUnreadable(Exception):  # noqa: N818 - carries the problems of a file that cannot be read
    def __init__(self, problems: FileProblems):
        self.problems = problems
        super().__init__("\n".join(problems.lines()))


def _fail(name: str, text: str, row: int | None = None):
    fp = FileProblems(name)
    fp.add(row, None, None, text)
    raise FileUnreadable(fp)


def read_table(data: bytes, name: str, sheet_hint: tuple[str, ...] = ()) -> RawTable:
    """Parse ``data`` (the bytes of file ``name``) into a :class:`RawTable`."""
    if not data or not data.strip():
        _fail(name, "файл пустой")
    for magic, what in MAGIC.items():
        if data.startswith(magic):
            _fail(name, f"это {what}, а ожидался CSV или XLSX")
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, name, sheet_hint)
    return _read_csv(data, name)


def _decode(data: bytes, name: str) -> tuple[str, str]:
    if b"\x00" in data[:4096]:
        _fail(name, "файл двоичный (содержит нулевые байты), а ожидался текст CSV или XLSX; "
                    "если это CSV в UTF-16, сохраните его в UTF-8")
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1251", errors="replace")
    if text.count("\ufffd") > max(3, len(text) // 1000):
        _fail(name, "не удалось определить кодировку: ожидалась UTF-8 или Windows-1251")
    return text, "Windows-1251"


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ";"


def _read_csv(data: bytes, name: str) -> RawTable:
    text, encoding = _decode(data, name)
    first = next((line for line in text.splitlines() if line.strip()), "")
    sep = _delimiter(first)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False,
                                skip_blank_lines=True, engine="c", quotechar='"', index_col=False)
    except pd.errors.ParserWarning:
        _fail(name, f"в строке 2 больше полей, чем столбцов в заголовке: проверьте разделитель «{sep}» и кавычки", 2)
    except pd.errors.ParserError as exc:
        msg = str(exc)
        if "EOF inside string" in msg:
            line = msg.rsplit("line", 1)[-1].strip(" .")
            _fail(name, f"файл обрезан или повреждён: незакрытая кавычка (начиная со строки {line})")
        if "Expected" in msg and "fields in line" in msg:
            parts = msg.split()
            line = parts[parts.index("line") + 1].rstrip(",")
            expected, saw = parts[parts.index("Expected") + 1], parts[parts.index("saw") + 1]
            _fail(name, f"в строке {line} {saw} полей вместо {expected}: проверьте разделитель "
                        f"«{sep}» и кавычки", int(line) if line.isdigit() else None)
        _fail(name, f"файл не читается как CSV: {msg}")
    except (csv.Error, ValueError) as exc:
        _fail(name, f"файл не читается как CSV: {exc}")
    if frame.columns.empty or len(frame.columns) == 1 and not frame.columns[0].strip():
        _fail(name, "в файле нет строки заголовка")
    frame = frame.replace("", pd.NA)
    notes = []
    if not text.endswith(("\n", "\r")) and len(frame) and frame.iloc[-1].isna().any():
        notes.append(f"последняя строка ({len(frame) + 1}) не заканчивается переводом строки и неполна: "
                     "возможно, файл обрезан")
    label = {";": "«;»", ",": "«,»", "\t": "табуляция"}[sep]
    return RawTable(name, frame, f"CSV ({encoding}, разделитель {label})", notes=notes)


def _read_xlsx(data: bytes, name: str, sheet_hint: tuple[str, ...]) -> RawTable:
    from openpyxl import load_workbook
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        _fail(name, f"файл повреждён или это не XLSX ({type(exc).__name__})")
    names = wb.sheetnames
    wanted = {h.lower() for h in sheet_hint}
    sheet = next((s for s in names if s.strip().lower() in wanted), names[0])
    rows = wb[sheet].iter_rows(values_only=True)
    header = next(rows, None)
    while header is not None and all(v is None for v in header):
        header = next(rows, None)
    if header is None:
        _fail(name, f"лист «{sheet}» пустой")
    width = max(i + 1 for i, v in enumerate(header) if v is not None)
    headers = [str(v).strip() if v is not None else f"столбец {i + 1}" for i, v in enumerate(header[:width])]
    body = []
    for r in rows:
        vals = [None if v is None else _cell(v) for v in r[:width]]
        if any(v is not None for v in vals):
            body.append(vals + [None] * (width - len(vals)))
    wb.close()
    frame = pd.DataFrame(body, columns=headers, dtype="string") if body else pd.DataFrame(columns=headers)
    return RawTable(name, frame, "XLSX", sheet=sheet)


def _cell(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if hasattr(v, "strftime"):
        return v.strftime("%Y-%m-%d")
    return str(v)
