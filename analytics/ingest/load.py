"""Load a batch of files into the warehouse: all or nothing (build-and-swap).

A batch is validated file by file, then checked across files (every school, municipality
and programme a row names is known in the warehouse or in the same batch), then written
into a private copy of the warehouse that replaces the live file only if everything
succeeded (:func:`analytics.warehouse.building`). Rows are keyed by their natural key:
a corrected file replaces its rows; a file whose sha256 was loaded before changes nothing.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from .. import warehouse
from .kinds import KINDS, LOAD_ORDER
from .problems import FileProblems, ImportRejected
from .validate import validate_frame


@dataclass
class BatchItem:
    """One file of a batch, already read into a frame with canonical column names."""

    kind: str
    frame: pd.DataFrame
    file_name: str
    sha256: str
    headers: dict[str, str] = field(default_factory=dict)
    percent_columns: set[str] = field(default_factory=set)
    ignored_columns: list[str] = field(default_factory=list)
    first_row: int = 2
    rows_loaded: int = 0
    outcome: str = "pending"

    @property
    def rows_read(self) -> int:
        return len(self.frame)


def frame_sha256(frame: pd.DataFrame) -> str:
    """A content hash for a generated frame (files use the sha256 of their bytes)."""
    h = hashlib.sha256(",".join(map(str, frame.columns)).encode())
    h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return h.hexdigest()


def _existing_keys(con: duckdb.DuckDBPyConnection, table: str, column: str) -> set[str]:
    """Ids already in a parent table (table and column names come from the kind specs, not users)."""
    return {r[0] for r in con.execute(f'SELECT "{column}" FROM "{table}"').fetchall()}  # noqa: S608


def _check_parents(con: duckdb.DuckDBPyConnection, items: list[BatchItem]) -> list[FileProblems]:
    """Every id a fact row names must exist in the warehouse or in the same batch."""
    known: dict[str, set[str]] = {}
    for table, column, kind in (("municipality", "municipality_id", "municipalities"),
                                ("school", "school_id", "schools"),
                                ("programme", "programme_id", "programmes")):
        ids = _existing_keys(con, table, column)
        for it in items:
            if it.kind == kind:
                ids |= set(it.frame[column].dropna().astype(str))
        known[table] = ids
    out = []
    for it in items:
        fp = FileProblems(it.file_name)
        for column, table in (KINDS[it.kind].parents.items() if it.kind in KINDS else ()):
            values = it.frame[column].astype("string")
            bad = (~values.isin(known[table]) & values.notna()).to_numpy(dtype=bool)
            what = {"school": "школа", "municipality": "муниципалитет", "programme": "программа"}[table]
            rows = range(it.first_row, it.first_row + len(values))
            fp.add_mask(bad, list(rows), it.headers.get(column, column), values,
                        f"неизвестная {what}: такого кода нет ни в хранилище, ни в загружаемых файлах")
        out.append(fp)
    return out


def _match_boundaries(con: duckdb.DuckDBPyConnection, items: list[BatchItem]) -> list[FileProblems]:
    """Match each boundary feature to a municipality (warehouse or batch); keep the match on the item."""
    from . import boundaries
    out = []
    if not any(it.kind == "boundaries" for it in items):
        return out
    known = con.execute("SELECT municipality_id, name FROM municipality").df()
    batch = [it.frame[["municipality_id", "name"]] for it in items if it.kind == "municipalities"]
    known = pd.concat([known, *batch]).drop_duplicates("municipality_id", keep="last")
    for it in items:
        if it.kind == "boundaries":
            matched, fp = boundaries.match(known, it)
            it.frame = it.frame.assign(municipality_id=it.frame["feature"].map(matched))
            out.append(fp)
    return out


def _upsert(con: duckdb.DuckDBPyConnection, item: BatchItem) -> None:
    if item.kind == "boundaries":
        for r in item.frame.itertuples(index=False):
            con.execute("UPDATE municipality SET geometry = ? WHERE municipality_id = ?",
                        [r.geometry, r.municipality_id])
        item.rows_loaded = len(item.frame)
        return
    kind = KINDS[item.kind]
    frame = item.frame
    if kind.name == "roadmap" and "roadmap" not in frame:
        frame = frame.assign(roadmap="")
    elif kind.name == "roadmap":
        frame = frame.assign(roadmap=frame["roadmap"].fillna(""))
    con.register("staged", frame)
    try:
        cond = " AND ".join(f't."{k}" = s."{k}"' for k in kind.key)
        con.execute(f'DELETE FROM "{kind.table}" t USING staged s WHERE {cond}')  # noqa: S608
        cols = ", ".join(f'"{c}"' for c in frame.columns)
        con.execute(f'INSERT INTO "{kind.table}" ({cols}) SELECT {cols} FROM staged')  # noqa: S608
    finally:
        con.unregister("staged")
    item.rows_loaded = len(frame)


def load_batch(db_path: str | Path, items: list[BatchItem], *, fresh: bool = False,
               source: str = "import",
               extra: Callable[[duckdb.DuckDBPyConnection], None] | None = None) -> list[BatchItem]:
    """Validate and load ``items`` as one batch; raise :class:`ImportRejected` on any problem.

    ``extra`` runs inside the same build (the demo writes ``demo_truth`` through it).
    Returns the items with ``rows_loaded`` and ``outcome`` filled in.
    """
    problems = []
    for it in items:
        fp = FileProblems(it.file_name)
        if it.kind == "boundaries":           # checked when read (analytics/ingest/boundaries.py)
            continue
        it.frame = validate_frame(KINDS[it.kind], it.frame, fp, headers=it.headers,
                                  percent_columns=it.percent_columns, first_row=it.first_row)
        problems.append(fp)
    if any(problems):
        raise ImportRejected(problems)

    batch_id = uuid.uuid4().hex[:12]
    now = dt.datetime.now().replace(microsecond=0)
    with warehouse.building(db_path, fresh=fresh) as con:
        parent_problems = _check_parents(con, items) + _match_boundaries(con, items)
        if any(parent_problems):
            raise ImportRejected(parent_problems)
        seen = {r[0] for r in con.execute(
            "SELECT sha256 FROM load_log WHERE outcome = 'loaded'").fetchall()}
        for it in sorted(items, key=lambda i: LOAD_ORDER.index(i.kind)):
            if it.sha256 in seen:
                it.outcome = "unchanged"
                continue
            _upsert(con, it)
            it.outcome = "loaded"
        for it in items:
            message = ("файл уже был загружен ранее, данные не изменились" if it.outcome == "unchanged"
                       else ("игнорированы столбцы: " + ", ".join(it.ignored_columns))
                       if it.ignored_columns else None)
            con.execute("INSERT INTO load_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [batch_id, it.file_name, it.sha256, it.kind, it.rows_read, it.rows_loaded,
                         now, it.outcome, message])
        if extra is not None:
            extra(con)
        if not fresh:
            warehouse.set_meta(con, source=_merged_source(con, source))
        else:
            warehouse.set_meta(con, source=source)
    return items


def _merged_source(con: duckdb.DuckDBPyConnection, source: str) -> str:
    row = con.execute("SELECT value FROM meta WHERE key = 'source'").fetchone()
    if row and row[0] not in (source, "import") and source == "import":
        return f"{row[0]}+import"
    return source
