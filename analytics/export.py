"""Downloads of the data behind a chart: CSV and XLSX carrying the filters and the data vintage."""
from __future__ import annotations

import io

import pandas as pd

from .config import METHODOLOGY_VERSION


def about_rows(filters: dict[str, str], vintage: str) -> list[tuple[str, str]]:
    """The «О данных» block: filters, data vintage and methodology version."""
    rows = [("Дата данных (сборка хранилища)", vintage), ("Версия методики", METHODOLOGY_VERSION)]
    rows += [(f"Фильтр: {k}", v) for k, v in filters.items()]
    return rows


def to_csv(df: pd.DataFrame, filters: dict[str, str], vintage: str) -> bytes:
    """UTF-8 CSV with BOM (opens in Russian Excel), ';' separator, decimal comma,
    preceded by '# ' comment lines with the filters and the vintage."""
    head = "".join(f"# {k}: {v}\n" for k, v in about_rows(filters, vintage))
    body = df.to_csv(index=False, sep=";", decimal=",")
    return ("\ufeff" + head + body).encode("utf-8")


def to_xlsx(df: pd.DataFrame, filters: dict[str, str], vintage: str, sheet: str = "Данные") -> bytes:
    """XLSX with the data on the first sheet and «О данных» (filters, vintage) on the second."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        df.to_excel(xl, sheet_name=sheet[:31], index=False)
        pd.DataFrame(about_rows(filters, vintage), columns=["Параметр", "Значение"]).to_excel(
            xl, sheet_name="О данных", index=False)
    return buf.getvalue()
