"""Map the headers of a file to canonical columns and recognise the file's kind.

Headers are compared after :func:`normalise_header` (case, spaces, punctuation, ё/е ignored).
A column is in percent when its canonical name ends in ``_pct`` or its Russian header holds
«%» or «процент» (DATA_CONTRACT.md); such share columns are divided by 100 on load.
"""
from __future__ import annotations

from dataclasses import dataclass

from .kinds import KINDS, Kind, normalise_header


@dataclass
class HeaderMap:
    kind: Kind
    columns: dict[str, str]           # header as written -> canonical name
    percent: set[str]                 # canonical names given in percent
    ignored: list[str]                # headers that match nothing

    @property
    def missing(self) -> list[str]:
        return [c for c in self.kind.required if c not in self.columns.values()]


def _is_percent(header: str) -> bool:
    low = header.lower()
    return "%" in low or "процент" in low or low.strip().endswith("_pct")


def _strip_percent(header: str) -> str:
    h = header.replace("%", " ").replace("процент", " ")
    h = h.rstrip()
    if h.lower().endswith("_pct"):
        h = h[:-4]
    return h.replace(", ,", ",").rstrip(" ,")


def map_headers(kind: Kind, headers: list[str]) -> HeaderMap:
    """Match ``headers`` against the canonical names and Russian aliases of ``kind``."""
    lookup: dict[str, str] = {}
    for col in kind.columns:
        for alias in (col.name, *col.aliases):
            lookup.setdefault(normalise_header(alias), col.name)
    columns, percent, ignored = {}, set(), []
    for h in headers:
        canonical = lookup.get(normalise_header(h))
        pct = False
        if canonical is None and _is_percent(h):
            canonical = lookup.get(normalise_header(_strip_percent(h)))
            pct = canonical is not None
        elif canonical is not None and _is_percent(h):
            pct = True
        if canonical is None or canonical in columns.values():
            ignored.append(h)
            continue
        columns[h] = canonical
        if pct and kind.column(canonical).type == "share":
            percent.add(canonical)
    return HeaderMap(kind, columns, percent, ignored)


def detect_kind(headers: list[str]) -> tuple[HeaderMap | None, list[HeaderMap]]:
    """The kind whose required columns are all present, preferring the one matching most columns.

    Returns (the match or None, candidates ranked best first) so the caller can explain a failure.
    """
    maps = [map_headers(k, headers) for k in KINDS.values()]
    ranked = sorted(maps, key=lambda m: (not m.missing, len(m.columns), -len(m.missing)), reverse=True)
    complete = [m for m in ranked if not m.missing]
    return (complete[0] if complete else None), ranked
