"""Russian number formats: ``12 345,6`` (non-breaking space for thousands, comma for decimals)."""
from __future__ import annotations

import datetime as dt
import math

NBSP = "\u00a0"
#: plotly's ``layout.separators``: decimal mark, then the thousands separator.
PLOTLY_SEPARATORS = "," + NBSP


def fmt_number(value, decimals: int = 0, *, dash: str = "—") -> str:
    """12345.6 -> '12 345,6'; None/NaN -> '—'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return dash
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NBSP).replace(".", ",")


def fmt_percent(share, decimals: int = 1) -> str:
    """0.123 -> '12,3 %'."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "—"
    return fmt_number(share * 100, decimals) + NBSP + "%"


def plural(n: int, one: str, few: str, many: str) -> str:
    """Russian plural form for n: 1 школа, 2 школы, 5 школ."""
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def fmt_date(iso: str | None, with_time: bool = False) -> str:
    """'2025-12-01T10:20:00' -> '01.12.2025' (or '01.12.2025 10:20'); unknown -> '—'."""
    if not iso:
        return "—"
    try:
        value = dt.datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    return value.strftime("%d.%m.%Y %H:%M" if with_time else "%d.%m.%Y")
