"""Distances between schools and centres, computed in a metric CRS (UTM 38N, EPSG:32638), never in
degrees (DESIGN.md). Straight-line distance; road distance is a possible later step."""
from __future__ import annotations

import numpy as np
from pyproj import Transformer

METRIC_CRS = "EPSG:32638"
_TO_METRIC = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)


def to_metric(lat, lon) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) in metres in EPSG:32638 for WGS84 latitude/longitude arrays."""
    x, y = _TO_METRIC.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x), np.asarray(y)


def distance_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Straight-line distance in km between points (element-wise), measured in EPSG:32638."""
    x1, y1 = to_metric(lat1, lon1)
    x2, y2 = to_metric(lat2, lon2)
    return np.hypot(x1 - x2, y1 - y2) / 1000.0


# ------------------------------------------------------------------ remoteness and partners

import duckdb  # noqa: E402
import pandas as pd  # noqa: E402
from scipy.spatial import cKDTree  # noqa: E402

from . import queries  # noqa: E402
from .config import SMALL_SCHOOL_STUDENTS  # noqa: E402


def capital_of(municipalities: pd.DataFrame) -> pd.DataFrame:
    """Per region: the centre of its city okrug with the most schools, else of its first municipality."""
    m = municipalities.sort_values(["region", "is_city", "n_schools"], ascending=[True, False, False])
    return m.groupby("region").first()[["centre_lat", "centre_lon", "centre_name"]]


def remoteness(con: duckdb.DuckDBPyConnection, year: int, *, small_students: int = SMALL_SCHOOL_STUDENTS,
               high_share: float = 0.25) -> pd.DataFrame:
    """Per school: straight-line km to its municipal centre, to the regional capital, to the nearest
    other school and to the nearest school with high results (composite over the 3 years to ``year``
    in the region's top ``high_share``); schools within 10 and 25 km; small flag; settlement type.
    All distances in EPSG:32638 metres / 1000."""
    df = queries.run(con, "geo_schools", year=year)
    muns = queries.run(con, "geo_municipalities")
    cap = capital_of(muns)
    df = df.join(cap, on="region", rsuffix="_capital")
    x, y = to_metric(df["lat"], df["lon"])
    cx, cy = to_metric(df["centre_lat"], df["centre_lon"])
    kx, ky = to_metric(df["centre_lat_capital"], df["centre_lon_capital"])
    df["km_to_centre"] = np.hypot(x - cx, y - cy) / 1000
    df["km_to_capital"] = np.hypot(x - kx, y - ky) / 1000
    pts = np.column_stack([x, y])
    tree = cKDTree(pts)
    dist, _ = tree.query(pts, k=2)
    df["km_to_nearest_school"] = dist[:, 1] / 1000
    df["schools_within_10km"] = [len(v) - 1 for v in tree.query_ball_point(pts, 10_000)]
    df["schools_within_25km"] = [len(v) - 1 for v in tree.query_ball_point(pts, 25_000)]
    cut = df.groupby("region")["composite"].transform(lambda s: s.quantile(1 - high_share))
    df["high_results"] = df["composite"] >= cut
    high = df["high_results"].to_numpy()
    if high.any():
        htree = cKDTree(pts[high])
        hd, hi = htree.query(pts, k=2)
        own = np.flatnonzero(high)[hi[:, 0]] == np.arange(len(df))
        df["km_to_high_school"] = np.where(own, hd[:, 1], hd[:, 0]) / 1000
    else:
        df["km_to_high_school"] = np.nan
    df["small"] = df["students"] < small_students
    return df.drop(columns=["centre_lat_capital", "centre_lon_capital"])


def partner_suggestions(schools: pd.DataFrame, targets: list[str], *, k: int = 3, max_km: float = 60.0) -> pd.DataFrame:
    """Up to ``k`` partner schools for each target (a ШНОР), from schools with high or context-beating
    results within ``max_km``. Score (lower is better), documented on the map page:
        score = km / 25 + |ln(students_partner / students_target)| + |ИСБШ_partner - ИСБШ_target| / 25
    i.e. 25 km, a 2.7-fold size difference and 25 points of ИСБШ each cost one unit.
    ``schools`` needs school_id, name, lat, lon, students, isbsh, strong (bool)."""
    x, y = to_metric(schools["lat"], schools["lon"])
    strong = schools["strong"].to_numpy(dtype=bool)
    pool = schools[strong].reset_index(drop=True)
    if pool.empty:
        return pd.DataFrame()
    px, py = x[strong], y[strong]
    tree = cKDTree(np.column_stack([px, py]))         # only schools within max_km are scored
    p_ids, p_names = pool["school_id"].to_numpy(), pool["name"].to_numpy()
    p_students = pool["students"].fillna(1).clip(lower=1).to_numpy(float)
    p_isbsh, p_lat, p_lon = pool["isbsh"].to_numpy(float), pool["lat"].to_numpy(), pool["lon"].to_numpy()
    s_students = schools["students"].fillna(1).clip(lower=1).to_numpy(float)
    s_isbsh, s_names = schools["isbsh"].to_numpy(float), schools["name"].to_numpy()
    s_lat, s_lon = schools["lat"].to_numpy(), schools["lon"].to_numpy()
    index = {sid: i for i, sid in enumerate(schools["school_id"])}
    rows = []
    for sid in targets:
        i = index[sid]
        near = np.array(tree.query_ball_point([x[i], y[i]], max_km * 1000), dtype=int)
        near = near[p_ids[near] != sid] if len(near) else near
        if not len(near):
            continue
        km = np.hypot(px[near] - x[i], py[near] - y[i]) / 1000
        ctx = np.abs(p_isbsh[near] - s_isbsh[i])
        score = km / 25 + np.abs(np.log(p_students[near] / s_students[i])) + np.where(np.isnan(ctx), 25, ctx) / 25
        order = np.lexsort((p_ids[near], score))[:k]
        for rank, j in enumerate(order, start=1):
            c = near[j]
            rows.append({"school_id": sid, "school": s_names[i], "partner_id": p_ids[c], "partner": p_names[c],
                         "rank": rank, "km": float(km[j]), "score": float(score[j]),
                         "lat": s_lat[i], "lon": s_lon[i], "partner_lat": p_lat[c], "partner_lon": p_lon[c]})
    return pd.DataFrame(rows)


def map_schools(con: duckdb.DuckDBPyConnection, year: int, ident: pd.DataFrame | None = None) -> pd.DataFrame:
    """Remoteness joined with identification: one row per school with everything the map shows.
    Strong = composite in the region's top quarter or resilient (beats its context)."""
    from . import identification
    rem = remoteness(con, year)
    ident = identification.identify(con, year) if ident is None else ident
    cols = ["school_id", "shnor", "shfnsu", "isbsh", "programmes", "resilient", "remote"]
    df = rem.merge(ident[cols].rename(columns={"remote": "remote_flag"}), on="school_id", how="left")
    df["in_programme"] = df["programmes"].map(lambda p: bool(p) if isinstance(p, list) else False)
    df["strong"] = df["high_results"] | df["resilient"].fillna(False).astype(bool)
    df["remote"] = df["remote_flag"].fillna(False).astype(bool)
    df["poor_internet"] = df["internet_mbps"] < 10
    for c in ("shnor", "shfnsu"):
        df[c] = df[c].fillna(False).astype(bool)
    from .maps import status_of
    df["status"] = df.apply(status_of, axis=1)
    return df.drop(columns=["remote_flag"])


def shnor_partners(schools: pd.DataFrame, k: int = 3, max_km: float = 60.0) -> pd.DataFrame:
    """Partners for every ШНОР of a :func:`map_schools` frame; a ШНОР is never anyone's partner."""
    pool = schools.assign(strong=schools["strong"] & ~schools["shnor"])
    return partner_suggestions(pool, schools.loc[schools["shnor"], "school_id"].tolist(), k=k, max_km=max_km)


def partners_for_year(con: duckdb.DuckDBPyConnection, year: int, k: int = 3, max_km: float = 60.0) -> pd.DataFrame:
    """Partner suggestions for every ШНОР of ``year`` (see :func:`partner_suggestions`)."""
    return shnor_partners(map_schools(con, year), k=k, max_km=max_km)
