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
