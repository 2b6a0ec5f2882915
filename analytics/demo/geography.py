"""Municipalities and settlements the demo places its schools in.

Region scale: the 9 real municipalities of North Ossetia-Alania with their real centres and
real settlements at approximate coordinates (data/reference/north_ossetia_*.csv; settlement
positions rounded from OpenStreetMap, © OpenStreetMap contributors, ODbL).
Country scale: ~85 synthetic regions with the same structure, for benchmarks only.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import REFERENCE_DIR

REGION_NAME = "Республика Северная Осетия — Алания"
REGION_CODE = 15


def region_reference() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(municipalities, settlements) of North Ossetia-Alania from the reference tables."""
    mun = pd.read_csv(REFERENCE_DIR / "north_ossetia_municipalities.csv", dtype={"municipality_id": str})
    mun["region"] = REGION_NAME
    mun["region_code"] = REGION_CODE
    st = pd.read_csv(REFERENCE_DIR / "north_ossetia_settlements.csv", dtype={"municipality_id": str})
    st["mountain"] = st["mountain"].astype(bool)
    return mun, st


def country_reference(rng: np.random.Generator, n_regions: int = 85,
                      municipalities_per_region: int = 25) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic regions, municipalities and settlements (about 40,000 schools in all)."""
    mun_rows, st_rows = [], []
    for r in range(1, n_regions + 1):
        r_lat, r_lon = rng.uniform(44, 60), rng.uniform(30, 110)
        for m in range(1, municipalities_per_region + 1):
            mid = f"{r:02d}{m:03d}"
            is_city = m == 1
            c_lat, c_lon = r_lat + rng.normal(0, 1.0), r_lon + rng.normal(0, 1.5)
            centre = f"Город {r:02d}-{m:02d}"
            mun_rows.append(dict(
                municipality_id=mid, name=(f"г. {centre}" if is_city else f"Район {r:02d}-{m:02d}"),
                kind="городской округ" if is_city else "район", centre_name=centre,
                centre_lat=round(c_lat, 3), centre_lon=round(c_lon, 3),
                region=f"Регион {r:02d}", region_code=r))
            n_centre = int(rng.integers(40, 70)) if is_city else int(rng.integers(3, 12))
            st_rows.append(dict(municipality_id=mid, settlement=centre, settlement_type="город",
                                lat=c_lat, lon=c_lon, population=n_centre * 6000, mountain=False,
                                schools=n_centre))
            for v in range(0 if is_city else int(rng.poisson(10))):
                remote = rng.random() < 0.08
                spread = 0.45 if remote else 0.2
                st_rows.append(dict(
                    municipality_id=mid, settlement=f"Село {r:02d}-{m:02d}-{v + 1:02d}",
                    settlement_type="село", lat=c_lat + rng.normal(0, spread), lon=c_lon + rng.normal(0, spread),
                    population=int(rng.lognormal(np.log(250 if remote else 1500), 0.6)),
                    mountain=remote, schools=1))
    return pd.DataFrame(mun_rows), pd.DataFrame(st_rows)


def approximate_boundaries(settlements: pd.DataFrame) -> pd.DataFrame:
    """Approximate municipality polygons for the demo: Voronoi cells of the settlements (in the
    metric CRS), merged by municipality and clipped to the settlements' hull widened by 8 km.
    Rows (feature, values, geometry) as the boundaries loader expects; real GeoJSON replaces them."""
    import json

    from pyproj import Transformer
    from shapely import MultiPoint, Point, ops, voronoi_polygons
    from shapely.geometry import mapping

    fwd = Transformer.from_crs("EPSG:4326", "EPSG:32638", always_xy=True)
    back = Transformer.from_crs("EPSG:32638", "EPSG:4326", always_xy=True)
    x, y = fwd.transform(settlements["lon"].to_numpy(float), settlements["lat"].to_numpy(float))
    pts = MultiPoint(list(zip(x, y, strict=True)))
    hull = pts.convex_hull.buffer(8000)
    cells = voronoi_polygons(pts, extend_to=hull)
    mids = settlements["municipality_id"].to_numpy()
    by_mun: dict[str, list] = {}
    for cell in cells.geoms:
        hit = [i for i in range(len(x)) if cell.contains(Point(x[i], y[i]))]
        if hit:
            by_mun.setdefault(mids[hit[0]], []).append(cell.intersection(hull))
    rows = []
    for n, (mid, parts) in enumerate(sorted(by_mun.items()), start=1):
        poly = ops.unary_union(parts).simplify(300)
        geo = ops.transform(lambda a, b, z=None: back.transform(a, b), poly)
        rows.append({"feature": n, "values": json.dumps([mid]), "geometry": json.dumps(mapping(geo))})
    return pd.DataFrame(rows)
