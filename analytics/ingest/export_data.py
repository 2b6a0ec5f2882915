"""``python -m analytics export-data DIR``: every table of the warehouse as import files.

One CSV per kind (UTF-8, ``,``, canonical headers) and ``boundaries.geojson`` when boundaries are
loaded. Importing the directory into an empty warehouse reproduces the data exactly.
"""
from __future__ import annotations

import json
from pathlib import Path

import duckdb

from .kinds import KINDS, LOAD_ORDER


def export_data(con: duckdb.DuckDBPyConnection, out_dir: str | Path) -> list[Path]:
    """Write the files; return their paths in load order."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in LOAD_ORDER:
        if name == "boundaries":
            rows = con.execute("SELECT municipality_id, name, geometry FROM municipality "
                               "WHERE geometry IS NOT NULL ORDER BY municipality_id").fetchall()
            if rows:
                doc = {"type": "FeatureCollection", "features": [
                    {"type": "Feature", "properties": {"municipality_id": mid, "name": nm},
                     "geometry": json.loads(geom)} for mid, nm, geom in rows]}
                path = out / "boundaries.geojson"
                path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
                written.append(path)
            continue
        kind = KINDS[name]
        cols = ", ".join(f'"{c.name}"' for c in kind.columns)
        keys = ", ".join(f'"{k}"' for k in kind.key)
        df = con.execute(f'SELECT {cols} FROM "{kind.table}" ORDER BY {keys}').df()  # noqa: S608
        if df.empty:
            continue
        path = out / f"{name}.csv"
        df.to_csv(path, index=False)
        written.append(path)
    return written
