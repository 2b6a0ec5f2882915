"""Municipal boundaries from GeoJSON: a FeatureCollection of (Multi)Polygons in WGS84.

Each feature is matched to a municipality of the warehouse (or of the same batch):
1. by id: a property whose value equals a ``municipality_id``;
2. by name, exactly (ignoring case, ё/е and extra spaces);
3. by normalised name (without «район», «г.», «городской округ» …), only among the
   municipalities and features still unmatched, and only where the match is unique.
The exact pass first keeps different units with similar names apart (in Karachay-Cherkessia
«Карачаевский» is a city okrug and «Карачаевский район» another unit).
"""
from __future__ import annotations

import hashlib
import json
import re

import pandas as pd
from shapely.geometry import shape
from shapely.validation import explain_validity

from .load import BatchItem
from .problems import FileProblems, ImportRejected

GENERIC = r"\b(муниципальный|городской|округ|район|г|город|го|мр|поселок|пгт)\b"


def exact_name(text: str) -> str:
    return re.sub(r"\s+", " ", str(text).strip().lower().replace("ё", "е"))


def loose_name(text: str) -> str:
    """Name without the generic words: 'г. Владикавказ' -> 'владикавказ'."""
    t = exact_name(text).replace(".", " ")
    t = re.sub(GENERIC, " ", t)
    return re.sub(r"[\W_]+", "", t)


def prepare(data: bytes, name: str) -> BatchItem:
    """Parse and check the GeoJSON; the match to municipalities happens inside the load."""
    fp = FileProblems(name)
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        fp.add(None, None, None, f"файл не читается как GeoJSON (JSON): {exc}")
        raise ImportRejected([fp]) from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not doc.get("features"):
        fp.add(None, None, None, "ожидалась коллекция объектов GeoJSON (FeatureCollection) с границами")
        raise ImportRejected([fp])
    rows = []
    for i, feat in enumerate(doc["features"], start=1):
        geom = (feat or {}).get("geometry") or {}
        props = (feat or {}).get("properties") or {}
        if geom.get("type") not in ("Polygon", "MultiPolygon"):
            fp.add(i, "geometry", geom.get("type"), "ожидался Polygon или MultiPolygon (объект № " + str(i) + ")")
            continue
        try:
            g = shape(geom)
        except (ValueError, TypeError, AttributeError, IndexError) as exc:
            fp.add(i, "geometry", None, f"геометрия не читается: {exc}")
            continue
        minx, miny, maxx, maxy = g.bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            fp.add(i, "geometry", f"{minx:.1f}, {miny:.1f}", "координаты вне WGS84 (ожидались градусы)")
            continue
        if not g.is_valid:
            g = g.buffer(0)
            if not g.is_valid or g.is_empty:
                fp.add(i, "geometry", None, f"некорректная геометрия: {explain_validity(shape(geom))}")
                continue
        values = [str(v) for v in props.values() if isinstance(v, str | int) and str(v).strip()]
        if not values:
            fp.add(i, "properties", None, "у объекта нет свойства с кодом или названием муниципалитета")
            continue
        rows.append({"feature": i, "values": json.dumps(values, ensure_ascii=False),
                     "geometry": json.dumps(g.__geo_interface__, ensure_ascii=False)})
    if fp:
        raise ImportRejected([fp])
    frame = pd.DataFrame(rows)
    return BatchItem(kind="boundaries", frame=frame, file_name=name, sha256=hashlib.sha256(data).hexdigest())


def match(municipalities: pd.DataFrame, item: BatchItem) -> tuple[dict[int, str], FileProblems]:
    """feature number -> municipality_id, and the problems (unmatched or ambiguous features)."""
    fp = FileProblems(item.file_name)
    ids = set(municipalities["municipality_id"])
    feats = {int(r.feature): json.loads(r.values) for r in item.frame.itertuples(index=False)}
    out: dict[int, str] = {}
    for f, values in feats.items():                      # 1. by id
        hit = [v for v in values if v in ids]
        if len(hit) == 1:
            out[f] = hit[0]
    for key in (exact_name, loose_name):                 # 2. exact name, 3. loose name, unique only
        free = municipalities[~municipalities["municipality_id"].isin(out.values())]
        by_name: dict[str, list[str]] = {}
        for r in free.itertuples(index=False):
            by_name.setdefault(key(r.name), []).append(r.municipality_id)
        wanted: dict[str, list[int]] = {}
        for f, values in feats.items():
            if f in out:
                continue
            for v in values:
                if len(by_name.get(key(v), [])) == 1:
                    wanted.setdefault(by_name[key(v)][0], []).append(f)
                    break
        for mid, fs in wanted.items():
            if len(fs) == 1:
                out[fs[0]] = mid
    for f, values in feats.items():
        if f not in out:
            fp.add(f, "properties", ", ".join(values)[:60],
                   f"объект № {f}: муниципалитет не найден (ни по коду, ни по названию) или найден неоднозначно")
    dup = pd.Series(out).duplicated(keep=False)
    for f in dup[dup].index:
        fp.add(int(f), "properties", out[f], "несколько объектов относятся к одному муниципалитету")
    return out, fp
