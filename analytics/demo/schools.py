"""Schools of the demo: names, sizes, types, positions and the latent traits behind their data.

Latent traits (never loaded as data; some go to ``demo_truth``):
- ``disadvantage`` d: standardised; higher for mountain, rural, small schools and two districts
  with more non-Russian-speaking and poorer villages, plus noise;
- ``quality`` q: standardised; q = -0.55 d + 0.6 [gymnasium/lyceum] + u, u ~ N(0, 1), and
  "resilient" schools get a large u despite high d (Pinskaya et al. 2018);
- ``base``: the school's true mean in student-level SD units, 0.35 q (school means vary by
  about a third of a student SD, as in regional ЕГЭ/ОГЭ data).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

PREFIX = {"город": "г.", "пгт": "пгт", "село": "с.", "станица": "ст.", "посёлок": "пос."}
HARDER_MUNICIPALITIES = {"90630", "90620"}  # Моздокский, Ирафский: more language and poverty risks
SCHOOL_BASE_SD = 0.35
N_RESILIENT_SHARE = 0.04


def _names(settlement: str, stype: str, n: int, kinds: list[str]) -> list[str]:
    where = f"{PREFIX.get(stype, 'с.')} {settlement}"
    out, k = [], 0
    gym = lyc = 0
    for kind in kinds:
        if kind == "гимназия":
            gym += 1
            out.append(f"МБОУ «Гимназия № {gym}» {where}" if n > 1 else f"МБОУ «Гимназия» {where}")
        elif kind == "лицей":
            lyc += 1
            out.append(f"МБОУ «Лицей № {lyc}» {where}" if n > 1 else f"МБОУ «Лицей» {where}")
        else:
            k += 1
            short = "ООШ" if kind == "ООШ" else "СОШ"
            out.append(f"МБОУ {short} № {k} {where}" if n > 1 else f"МБОУ {short} {where}")
    return out


def build_schools(municipalities: pd.DataFrame, settlements: pd.DataFrame,
                  rng: np.random.Generator) -> pd.DataFrame:
    """One row per school with its public attributes and latent traits (see module doc)."""
    rows = []
    region_code = municipalities.set_index("municipality_id")["region_code"]
    counters: dict[int, int] = {}
    for st in settlements.itertuples(index=False):
        n = int(st.schools)
        big = st.population >= 30000
        kinds = ["СОШ"] * n
        if big:
            n_gym = max(1, round(n * 0.10))
            n_lyc = max(1, round(n * 0.06)) if n >= 10 else 0
            for i in range(n_gym):
                kinds[i] = "гимназия"
            for i in range(n_gym, n_gym + n_lyc):
                kinds[i] = "лицей"
        pupils_total = st.population * 0.125
        sizes = pupils_total / n * rng.lognormal(0.0, 0.3 if n > 1 else 0.15, size=n)
        sizes = np.clip(sizes, 8, 1600)
        for i in range(n):
            if kinds[i] == "СОШ" and sizes[i] < 70 and rng.random() < 0.6:
                kinds[i] = "ООШ"
        names = _names(st.settlement, st.settlement_type, n, kinds)
        jitter = (0.010, 0.014) if big else (0.0015, 0.002) if n == 1 else (0.004, 0.005)
        for i in range(n):
            rc = int(region_code[st.municipality_id])
            counters[rc] = counters.get(rc, 0) + 1
            lat = st.lat + float(np.clip(rng.normal(0, jitter[0]), -2 * jitter[0], 2 * jitter[0]))
            lon = st.lon + float(np.clip(rng.normal(0, jitter[1]), -2 * jitter[1], 2 * jitter[1]))
            rows.append(dict(
                school_id=f"{rc:02d}{counters[rc]:05d}", name=names[i],
                municipality_id=st.municipality_id, settlement=st.settlement,
                settlement_type=st.settlement_type, lat=round(lat, 5), lon=round(lon, 5),
                founded=int(rng.integers(1900, 2012)) if rng.random() < 0.7 else None,
                school_type=kinds[i], students0=float(sizes[i]), mountain=bool(st.mountain),
                urban=st.settlement_type in ("город", "пгт"), region_code=rc))
    df = pd.DataFrame(rows)
    df = df.merge(municipalities[["municipality_id", "region"]], on="municipality_id", how="left")
    _latent_traits(df, rng)
    return df


def _latent_traits(df: pd.DataFrame, rng: np.random.Generator) -> None:
    n = len(df)
    elite = df["school_type"].isin(["гимназия", "лицей"]).to_numpy()
    d = (0.9 * df["mountain"] + 0.5 * ~df["urban"] + 0.3 * (df["students0"] < 100)
         + 0.35 * df["municipality_id"].isin(HARDER_MUNICIPALITIES) - 0.4 * elite).to_numpy(float)
    d = d + rng.normal(0, 0.7, n)
    d = (d - d.mean()) / d.std()
    u = rng.normal(0, 1, n)
    resilient = np.zeros(n, dtype=bool)
    candidates = np.flatnonzero((d > np.quantile(d, 0.7)) & ~elite)
    k = max(2, round(N_RESILIENT_SHARE * n))
    if len(candidates):
        pick = rng.choice(candidates, size=min(k, len(candidates)), replace=False)
        resilient[pick] = True
        u[pick] = rng.normal(2.3, 0.3, len(pick))
    q = -0.55 * d + 0.6 * elite + u
    q = (q - q.mean()) / q.std()
    df["disadvantage"] = d
    df["quality"] = q
    df["resilient"] = resilient
    df["base"] = SCHOOL_BASE_SD * q
    # no school-specific trends: parallel trends hold in expectation, so that the demo can check
    # difference-in-differences against its planted truth (the draw keeps the random stream stable)
    df["trend"] = 0.0 * rng.normal(0, 0.06, n)
