"""The DuckDB warehouse: schema, read-only access for the app, and atomic rebuilds.

Readers open the file read-only (one cached connection in the app, a ``cursor()`` per
query). Writers never touch the live file: :func:`building` copies it (or starts empty),
hands out a read-write connection to the copy, refreshes the marts, and only when
everything succeeded renames the copy over the live file with ``os.replace`` (atomic on
POSIX). A crash or an exception mid-build leaves the old warehouse as it was.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import duckdb

SCHEMA_VERSION = "1"
SQL_DIR = Path(__file__).resolve().parent / "sql"

#: Tables a user's data lives in, in the order a batch loads them (parents first).
DATA_TABLES = (
    "municipality", "school", "school_year", "social_context", "results", "continuation",
    "olympiad", "programme", "programme_school", "risk_profile", "mark_agreement",
    "roadmap_activity", "kpi",
)


class WarehouseError(RuntimeError):
    """A warehouse problem with a message meant for a person (in Russian)."""


def sql_file(name: str) -> str:
    """The text of ``analytics/sql/<name>.sql``."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables, refresh reference tables, and check the schema version."""
    con.execute(sql_file("schema"))
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
    elif row[0] != SCHEMA_VERSION:
        raise WarehouseError(
            f"Хранилище создано схемой версии {row[0]}, программа ожидает версию {SCHEMA_VERSION}. "
            "Пересоберите демо-хранилище (make demo) или загрузите данные заново."
        )
    con.execute(sql_file("reference"))


def refresh_marts(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the pre-aggregated marts from the current tables."""
    con.execute(sql_file("marts"))
    con.execute(sql_file("marts_composite"))
    con.execute(f"CREATE OR REPLACE TABLE mart_school_composite AS {sql_file('composite')}")


def set_meta(con: duckdb.DuckDBPyConnection, **values: str) -> None:
    """Upsert key/value pairs into ``meta``."""
    for key, value in values.items():
        con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, str(value)])


def read_meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """All of ``meta`` as a dict."""
    return dict(con.execute("SELECT key, value FROM meta").fetchall())


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_build_files(tmp: Path) -> None:
    for p in (tmp, tmp.with_name(tmp.name + ".wal")):
        p.unlink(missing_ok=True)


@contextlib.contextmanager
def building(path: str | os.PathLike, *, fresh: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a read-write connection to a private copy of the warehouse; swap it in on success.

    ``fresh=True`` starts from an empty warehouse instead of a copy of the current one.
    On any exception the copy is deleted and the live file is not touched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.building-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    if path.exists() and not fresh:
        shutil.copyfile(path, tmp)
    con = duckdb.connect(str(tmp))
    try:
        create_schema(con)
        yield con
        refresh_marts(con)
        set_meta(con, built_at=dt.datetime.now().isoformat(timespec="seconds"))
        con.execute("CHECKPOINT")
        con.close()
        _fsync(tmp)
        os.replace(tmp, path)
        _fsync(path.parent)
    except BaseException:
        con.close()
        _remove_build_files(tmp)
        raise


def open_readonly(path: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only, with a Russian message when it is missing."""
    path = Path(path)
    if not path.exists():
        raise WarehouseError(
            f"Хранилище {path} не найдено. Соберите демо-регион командой "
            "`make demo` (или `python -m analytics demo`) или загрузите данные."
        )
    return duckdb.connect(str(path), read_only=True)


def ensure_exists(path: str | os.PathLike) -> None:
    """Create an empty warehouse at ``path`` if there is none (used by ``import``)."""
    if not Path(path).exists():
        with building(path, fresh=True) as con:
            set_meta(con, source="import")


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row count of each data table (tests compare these before and after a load)."""
    return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in DATA_TABLES}  # noqa: S608
