"""Assemble the demo region (or country) and load it through the import loader.

``python -m analytics demo [--db PATH] [--seed N] [--scale region|country]``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import FIRST_YEAR, LAST_YEAR
from ..indices import composite_index
from ..ingest import BatchItem, frame_sha256, load_batch
from . import context, extras, geography, programmes
from .results import observe, result_cells
from .schools import build_schools

YEARS = range(FIRST_YEAR, LAST_YEAR + 1)
AS_OF = dt.date(LAST_YEAR, 12, 1)
INFLATION_SHIFT = 0.6
INFLATION_SPREAD = 0.65


@dataclass
class DemoData:
    frames: dict[str, pd.DataFrame]
    truth: pd.DataFrame
    boundaries: pd.DataFrame | None = None


def _rng(seed: int, part: int) -> np.random.Generator:
    return np.random.default_rng([seed, part])


def _composite(obs: pd.DataFrame, schools: pd.DataFrame) -> pd.DataFrame:
    with_region = obs.merge(schools[["school_id", "region"]], on="school_id")
    return composite_index(with_region, by_region=True)


def generate(seed: int = 7, scale: str = "region", country_regions: int = 85) -> DemoData:
    """All frames of the demo, keyed by import kind, plus the planted truths.

    ``country_regions`` sets the number of synthetic regions at country scale (tests use few).
    """
    if scale == "region":
        mun, st = geography.region_reference()
    elif scale == "country":
        mun, st = geography.country_reference(_rng(seed, 1), n_regions=country_regions)
    else:
        raise ValueError(f"неизвестный масштаб: {scale}")
    schools = build_schools(mun, st, _rng(seed, 2))
    sy = context.school_years(schools, YEARS, _rng(seed, 3))
    sc = context.social_context(schools, YEARS, _rng(seed, 4))
    cells = result_cells(schools, sy, _rng(seed, 5))

    # planted non-objective ВПР: inflated marks with little spread, from some year on
    rng = _rng(seed, 6)
    pool = schools[(schools["school_type"] == "СОШ") & (schools["students0"] >= 150)
                   & schools["quality"].between(-1.0, 0.5)]
    k = 5 if scale == "region" else max(5, len(schools) // 100)
    inflated = pool.sample(n=min(k, len(pool)), random_state=rng.integers(1 << 31))
    inflated = inflated.assign(from_year=rng.integers(2018, 2021, len(inflated)))
    start = cells["school_id"].map(inflated.set_index("school_id")["from_year"])
    is_inflated = ((cells["assessment"] == "ВПР") & (cells["year"] >= start)).to_numpy()
    mu = cells["mu0"].to_numpy() + INFLATION_SHIFT * is_inflated
    spread = np.where(is_inflated, INFLATION_SPREAD, 1.0)
    effects: dict[str, np.ndarray] = {}

    # programmes: select on observed (noisy) results, then add the planted effect
    members, cutoffs_rows = [], []
    for spec in programmes.PROGRAMMES:
        chosen_all = []
        for wave in spec.waves:
            # the composite of a year depends on that year's rows only: compute the window alone
            window = cells["year"].between(wave - spec.selection_years, wave - 1).to_numpy()
            comp = _composite(observe(cells[window], mu[window], spread[window]), schools)
            taken = set(pd.concat(chosen_all)["school_id"]) if chosen_all else set()
            chosen = programmes.select_wave(comp, schools, wave, spec.share, taken, spec.selection_years)
            chosen_all.append(chosen)
            cutoffs_rows.append((spec.programme_id, wave, float(chosen["cutoff"].median())))
            added = programmes.effect_vector(cells, chosen, spec)
            effects[spec.programme_id] = effects.get(spec.programme_id, 0) + added
            mu = mu + added
        m = pd.concat(chosen_all).assign(programme_id=spec.programme_id)
        m["exit_year"] = m["entry_year"] + spec.stay_years
        if spec.end_year is not None:
            m["exit_year"] = np.minimum(m["exit_year"], spec.end_year)
        members.append(m)
    members = pd.concat(members, ignore_index=True)
    obs = observe(cells, mu, spread)
    treated_years = cells["year"].to_numpy() >= members["entry_year"].min()
    comp = _composite(obs[treated_years], schools)

    truth = _truth(cells, mu, effects, spread, obs, comp, schools, members, inflated)
    results = obs
    frames = {
        "municipalities": mun[["municipality_id", "name", "kind", "centre_name", "centre_lat", "centre_lon",
                               "region"]],
        "schools": schools[["school_id", "name", "municipality_id", "settlement", "settlement_type",
                            "lat", "lon", "founded"]],
        "school_years": sy,
        "social_context": sc,
        "results": results,
        "continuation": context.continuation(schools, sy, _rng(seed, 7)),
        "olympiad": context.olympiad(schools, sy, _rng(seed, 8)),
        "programmes": pd.DataFrame([dict(programme_id=p.programme_id, name=p.name, level=p.level,
                                         start_year=p.start_year, end_year=p.end_year,
                                         selection_rule=p.rule_text,
                                         selection_years=p.selection_years)
                                    for p in programmes.PROGRAMMES]),
        "programme_schools": members.assign(selection="rule").rename(columns={"cutoff": "selection_cutoff"})[
            ["programme_id", "school_id", "entry_year", "exit_year", "selection_score", "selection",
             "selection_cutoff"]],
        "risk_profiles": extras.risk_profiles(members[members["programme_id"] == "500PLUS"], sy, sc, results,
                                              schools, _rng(seed, 9), LAST_YEAR),
        "mark_agreement": extras.mark_agreement(results, set(inflated["school_id"]), _rng(seed, 10)),
    }
    boundaries = geography.approximate_boundaries(st) if scale == "region" else None
    if scale == "region":
        cut = {w: c for p, w, c in cutoffs_rows if p == "500PLUS"}
        frames["roadmap"] = extras.roadmap(_rng(seed, 11), AS_OF)
        frames["kpi"] = extras.kpi(sy, members, comp, cut, _rng(seed, 12))
    return DemoData(frames, truth, boundaries)


def _truth(cells, mu, effects, spread, obs, comp, schools, members, inflated) -> pd.DataFrame:
    """Planted answers: programme effects (student SD, composite units, score units), inflated
    ВПР schools, resilient schools and every school's true quality.

    The effect of a programme on an observed outcome is exact: the factual data minus the
    same rows observed with that programme's effect removed (same noise), averaged over its
    schools at each event time, net of the (tiny) change the standardisation causes in
    schools never in that programme.
    """
    rows = []
    for spec in programmes.PROGRAMMES:
        for e, v in spec.effect.items():
            rows.append(dict(kind="programme_effect", programme_id=spec.programme_id, event_time=e,
                             value=v, note="student_sd"))
    for spec in programmes.PROGRAMMES:
        cf = observe(cells, mu - effects[spec.programme_id], spread)
        years = cells["year"].to_numpy() >= members.loc[members["programme_id"] == spec.programme_id,
                                                        "entry_year"].min()
        comp_cf = _composite(cf[years], schools)
        delta = comp.merge(comp_cf, on=["school_id", "year"], suffixes=("", "_cf"))
        delta["d"] = delta["composite"] - delta["composite_cf"]
        score_delta = obs[["school_id", "year", "assessment", "subject"]].assign(
            d=obs["mean_score"] - cf["mean_score"])
        mem = members[members["programme_id"] == spec.programme_id].set_index("school_id")["entry_year"]
        for frame, label in ((delta, "composite"), (score_delta, None)):
            f = frame.assign(entry=frame["school_id"].map(mem))
            f["event_time"] = f["year"] - f["entry"]
            never = f[f["entry"].isna()]
            treated = f[f["entry"].notna() & (f["event_time"] >= 0)]
            keys = ["event_time"] if label else ["event_time", "assessment", "subject"]
            ctrl_keys = ["year"] if label else ["year", "assessment", "subject"]
            ctrl = never.groupby(ctrl_keys)["d"].mean().rename("d_ctrl")
            t = treated.join(ctrl, on=ctrl_keys)
            att = (t["d"] - t["d_ctrl"].fillna(0)).groupby([t[k] for k in keys]).mean()
            for idx, v in att.items():
                idx = idx if isinstance(idx, tuple) else (idx,)
                note = label or f"{idx[1]}:{idx[2]}"
                rows.append(dict(kind="programme_effect", programme_id=spec.programme_id,
                                 event_time=int(idx[0]), value=float(v), note=note))
    for r in inflated.itertuples(index=False):
        rows.append(dict(kind="nonobjective_vpr", school_id=r.school_id, year=int(r.from_year),
                         value=INFLATION_SHIFT, note="ВПР завышены с этого года (сдвиг в SD учеников)"))
    for r in schools.itertuples(index=False):
        rows.append(dict(kind="school_quality", school_id=r.school_id, value=float(r.base),
                         note="истинный средний уровень школы, SD учеников"))
        if r.resilient:
            rows.append(dict(kind="resilient", school_id=r.school_id, value=float(r.disadvantage),
                             note="неблагоприятный контекст, высокие результаты"))
    cols = ["kind", "programme_id", "school_id", "year", "event_time", "value", "note"]
    return pd.DataFrame(rows).reindex(columns=cols)


def build_demo(db_path: str | Path, seed: int = 7, scale: str = "region", country_regions: int = 85) -> dict:
    """Generate the demo and load it into a fresh warehouse at ``db_path`` (atomic swap)."""
    data = generate(seed, scale, country_regions)
    items = [BatchItem(kind=kind, frame=frame.reset_index(drop=True), file_name=f"demo:{kind}",
                       sha256=frame_sha256(frame))
             for kind, frame in data.frames.items()]
    if data.boundaries is not None:   # approximate polygons, replaced when real boundaries are imported
        items.append(BatchItem(kind="boundaries", frame=data.boundaries, file_name="demo:boundaries",
                               sha256=frame_sha256(data.boundaries)))

    def write_truth(con):
        con.register("truth_frame", data.truth)
        con.execute("INSERT INTO demo_truth SELECT * FROM truth_frame")
        con.unregister("truth_frame")
        con.execute("INSERT OR REPLACE INTO meta VALUES ('demo_seed', ?), ('demo_scale', ?)",
                    [str(seed), scale])

    load_batch(db_path, items, fresh=True, source="demo", extra=write_truth)
    return {kind: len(f) for kind, f in data.frames.items()}
