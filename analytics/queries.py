"""Named read queries of the pages, kept in ``sql/queries.sql`` (``-- name: X`` blocks).

Values are always bound parameters (``$name``), never formatted into the SQL text.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

import duckdb
import pandas as pd

QUERY_FILE = Path(__file__).resolve().parent / "sql" / "queries.sql"


@functools.cache
def _queries() -> dict[str, str]:
    text = QUERY_FILE.read_text(encoding="utf-8")
    parts = re.split(r"^-- name: (\w+)\s*$", text, flags=re.M)
    return {name: body.strip() for name, body in zip(parts[1::2], parts[2::2], strict=True)}


def sql(name: str) -> str:
    """The text of query ``name``."""
    return _queries()[name]


def run(con: duckdb.DuckDBPyConnection, name: str, **params) -> pd.DataFrame:
    """Run query ``name`` with named parameters on a fresh cursor; return a frame."""
    cur = con.cursor()
    try:
        return cur.execute(sql(name), params).df()
    finally:
        cur.close()
