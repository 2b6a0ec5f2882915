"""Import templates: one example file per kind with Russian headers (data/templates/).

The files are generated from the demo region (first rows of each kind) so they always match the
data contract; ``python -m analytics templates`` rewrites them.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from ..config import DATA_DIR
from .kinds import KINDS

TEMPLATE_DIR = DATA_DIR / "templates"
ROWS = 5


def template_frames(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Kind -> a few example rows with Russian headers (the first alias of each column)."""
    out = {}
    for name, kind in KINDS.items():
        cols = ", ".join(f'"{c.name}"' for c in kind.columns)
        keys = ", ".join(f'"{k}"' for k in kind.key)
        df = con.execute(f'SELECT {cols} FROM "{kind.table}" ORDER BY {keys} LIMIT {ROWS}').df()  # noqa: S608
        out[name] = df.rename(columns={c.name: (c.aliases[0] if c.aliases else c.name) for c in kind.columns})
    return out


def write_templates(con: duckdb.DuckDBPyConnection, out_dir: Path = TEMPLATE_DIR) -> list[Path]:
    """CSV files as a Russian Excel writes them: UTF-8 with BOM, ';' and decimal comma."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, df in template_frames(con).items():
        path = out_dir / f"{name}.csv"
        path.write_bytes(df.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig"))
        paths.append(path)
    return paths
