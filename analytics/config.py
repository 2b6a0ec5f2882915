"""Project-wide settings: paths, thresholds and the data years.

Values a researcher may want to change are parameters of the functions that use them;
the constants here are only their documented defaults.
"""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
DEFAULT_WAREHOUSE = DATA_DIR / "warehouse.duckdb"

#: Cells with fewer participants are suppressed in every view and export (DESIGN.md).
MIN_N = 5
#: A school with fewer students is small (малокомплектная), METHODOLOGY.md / issue 6.
SMALL_SCHOOL_STUDENTS = 100
#: Version of the indicator formulas; exports carry it next to the data vintage.
METHODOLOGY_VERSION = "1.0"

FIRST_YEAR = 2014
LAST_YEAR = 2025


def warehouse_path(explicit: str | os.PathLike | None = None) -> Path:
    """The warehouse file: ``--db`` if given, else ``$WAREHOUSE``, else data/warehouse.duckdb."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("WAREHOUSE")
    return Path(env) if env else DEFAULT_WAREHOUSE
