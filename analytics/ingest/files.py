"""From files to a loaded batch: read, recognise the kind, map headers, check, load all or nothing.

Used by ``python -m analytics import`` and the «Данные» page, so both give the same messages.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from . import boundaries
from .headers import detect_kind, map_headers
from .kinds import KINDS
from .load import BatchItem, load_batch
from .problems import FileProblems, ImportRejected
from .readers import FileUnreadable, read_table


@dataclass
class Prepared:
    """A file read and recognised, before checks and load."""

    item: BatchItem | None
    fmt: str = ""
    notes: list[str] = field(default_factory=list)


def _kind_hint(kind: str | None) -> tuple[str, ...]:
    if not kind:
        return tuple(KINDS) + tuple(k.title for k in KINDS.values())
    return (kind, KINDS[kind].title) if kind in KINDS else (kind,)


def prepare(data: bytes, name: str, kind: str | None = None) -> Prepared:
    """Read one file and recognise its kind (or use ``kind``); raise :class:`ImportRejected` if unreadable."""
    if kind is not None and kind not in KINDS and kind != "boundaries":
        fp = FileProblems(name)
        fp.add(None, None, kind, "неизвестный вид данных; допустимы: " + ", ".join([*KINDS, "boundaries"]))
        raise ImportRejected([fp])
    if kind == "boundaries" or (kind is None and name.lower().endswith((".geojson", ".json"))):
        return Prepared(boundaries.prepare(data, name), "GeoJSON")
    try:
        table = read_table(data, name, _kind_hint(kind))
    except FileUnreadable as exc:
        raise ImportRejected([exc.problems]) from None
    headers = [str(h) for h in table.frame.columns]
    if kind is not None:
        hm = map_headers(KINDS[kind], headers)
    else:
        hm, ranked = detect_kind(headers)
        if hm is None:
            fp = FileProblems(name)
            best = ranked[0]
            if not best.columns:
                fp.add(1, None, None, "ни один столбец не распознан: заголовки «" + "», «".join(headers[:8])
                       + "» не совпадают ни с одним видом данных (см. шаблоны в data/templates)")
            else:
                fp.add(1, None, None, f"похоже на вид «{best.kind.name}» ({best.kind.title}), но нет "
                       "обязательных столбцов: " + ", ".join(best.missing) + "; или укажите вид явно (--kind)")
            raise ImportRejected([fp])
    if hm.missing:
        fp = FileProblems(name)
        for col in hm.missing:
            fp.add(1, col, None, f"нет обязательного столбца для вида «{hm.kind.name}»")
        raise ImportRejected([fp])
    frame = table.frame[list(hm.columns)].rename(columns=hm.columns)
    item = BatchItem(kind=hm.kind.name, frame=frame, file_name=name,
                     sha256=hashlib.sha256(data).hexdigest(),
                     headers={v: k for k, v in hm.columns.items()}, percent_columns=hm.percent,
                     ignored_columns=hm.ignored)
    return Prepared(item, table.format + (f", лист «{table.sheet}»" if table.sheet else ""), table.notes)


def import_files(db_path: str | Path, files: list[tuple[str, bytes]], kind: str | None = None) -> list[BatchItem]:
    """Prepare every file, then load them as one batch. Collects the problems of every file first,
    so a person sees all of them at once; raises :class:`ImportRejected` and loads nothing on any."""
    prepared, problems = [], []
    for name, data in files:
        try:
            prepared.append(prepare(data, name, kind))
        except ImportRejected as exc:
            problems.extend(exc.problems)
    if problems:
        raise ImportRejected(problems)
    return load_batch(db_path, [p.item for p in prepared])


def import_paths(db_path: str | Path, paths: list[str | Path], kind: str | None = None) -> list[BatchItem]:
    """:func:`import_files` for paths on disk (a missing or unreadable path is a problem too)."""
    files, problems = [], []
    for p in map(Path, paths):
        try:
            files.append((p.name, p.read_bytes()))
        except OSError as exc:
            fp = FileProblems(str(p))
            fp.add(None, None, None, f"файл не открывается: {exc.strerror or exc}")
            problems.append(fp)
    if problems:
        raise ImportRejected(problems)
    return import_files(db_path, files, kind)
