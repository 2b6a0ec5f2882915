"""Programme effects done honestly (methodology v1.0, issue 7).

Schools enter a programme because their results were low; their next results rise even if the
programme does nothing (regression to the mean). This module puts the naive before/after next to
designs that survive it. Outcome Y: the composite result index (default) or the mean score of one
assessment and subject. A programme entering in year g selected on the W years g-W..g-1 (the
selection window; W = programme.selection_years, default 3).

1. Naive before/after: for each programme school, mean Y over e = 0..H-1 (e = year - g) minus mean
   Y over the selection window; the mean of these differences with a t interval.
2. Difference in differences, event study (Callaway & Sant'Anna 2021 with never-treated controls),
   with the base year b = g - W - 1 placed *before* the selection window:
       ATT(g, t) = mean_{i in g}(Y_it - Y_ib) - mean_{j never in the programme}(Y_jt - Y_jb).
   Estimated as a stacked regression (pyfixest): dY ~ one dummy per (cohort, year) cell of the
   treated | cohort x year fixed effects, standard errors clustered by school. Event-time
   coefficients and the post average (cells e = 0..H-1) are cohort-size weighted averages of
   cells, with their variance w' V w. A second, direct computation of the cells checks the
   regression in the tests.
3. Pre-trend test: Wald test that all cells before the base year (t < b) are zero (chi-squared).
4. Two-way fixed effects: Y ~ 1[t >= g] | school + year, clustered by school. Shown because it is
   common, labelled as biased under staggered entry (Goodman-Bacon 2021) and under selection on
   the outcome.
5. Regression discontinuity at the sharp cut-off of the selection score (rdrobust: local linear,
   MSE-optimal bandwidth, robust bias-corrected interval; rddensity: manipulation test). The
   outcome is the school's mean Y over e = 0..H-1; later waves exclude schools already in.
6. Placebo: the same rule (the lowest share of the selection score) applied in a year when no
   programme started, among the schools in no programme during that window and the H years after;
   the naive before/after of the schools it picks is pure regression to the mean. The year with
   the most such schools is used.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from . import queries
from .indices import window_mean

POST_HORIZON = 3          # e = 0, 1, 2
DEFAULT_WINDOW = 3


@dataclass(frozen=True)
class Estimate:
    estimate: float
    ci_low: float
    ci_high: float
    n_treated: int
    n_control: int

    def as_dict(self) -> dict:
        return {"estimate": self.estimate, "ci_low": self.ci_low, "ci_high": self.ci_high,
                "n_treated": self.n_treated, "n_control": self.n_control}


@dataclass
class EffectReport:
    programme_id: str
    programme_name: str
    outcome: str               # "composite" or "ЕГЭ:Русский язык"
    units: str
    naive: Estimate | None
    did: Estimate | None
    twfe: Estimate | None
    rd: Estimate | None
    placebo: Estimate | None
    pretrend_p: float | None
    event_study: pd.DataFrame
    cohorts: pd.DataFrame
    selection_window: int
    placebo_year: int | None
    rd_details: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        def d(e):
            return None if e is None else e.as_dict()
        return {"programme_id": self.programme_id, "outcome": self.outcome, "units": self.units,
                "naive": d(self.naive), "did": d(self.did), "twfe": d(self.twfe), "rd": d(self.rd),
                "placebo": d(self.placebo), "pretrend_p": self.pretrend_p, "placebo_year": self.placebo_year,
                "selection_window": self.selection_window,
                "event_study": self.event_study.to_dict(orient="records"), "rd_details": self.rd_details}


# ------------------------------------------------------------------ data

def outcome_panel(con: duckdb.DuckDBPyConnection, outcome: str | None = None) -> tuple[pd.DataFrame, str, str]:
    """(school_id, year, y), its label and its units."""
    if not outcome or outcome == "composite":
        return queries.run(con, "composite_panel"), "composite", "z (стандартные отклонения средних школ)"
    assessment, _, subject = outcome.partition(":")
    panel = queries.run(con, "subject_panel", assessment=assessment, subject=subject)
    units = "тестовые баллы" if assessment == "ЕГЭ" and "базовая" not in subject else "отметки (2–5)"
    return panel, f"{assessment}:{subject}", units


def _members(con, programme_id: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    prog = queries.run(con, "programme", programme_id=programme_id)
    if prog.empty:
        raise ValueError(f"нет программы с кодом «{programme_id}»")
    all_members = queries.run(con, "programme_schools")
    return all_members[all_members["programme_id"] == programme_id], all_members, prog.iloc[0]


def _t_interval(diffs: np.ndarray) -> tuple[float, float, float]:
    n = len(diffs)
    m = float(np.mean(diffs))
    if n < 2:
        return m, float("nan"), float("nan")
    half = stats.t.ppf(0.975, n - 1) * np.std(diffs, ddof=1) / np.sqrt(n)
    return m, m - half, m + half


# ------------------------------------------------------------------ 1. naive

def naive_before_after(panel: pd.DataFrame, entries: pd.Series, window: int, horizon: int = POST_HORIZON,
                       n_control: int = 0) -> Estimate | None:
    """Mean over schools of (mean Y in e = 0..H-1) - (mean Y in the selection window)."""
    p = panel.merge(entries.rename("g"), left_on="school_id", right_index=True)
    e = p["year"] - p["g"]
    pre = p[(e >= -window) & (e <= -1)].groupby("school_id")["y"].mean()
    post = p[(e >= 0) & (e < horizon)].groupby("school_id")["y"].mean()
    diffs = (post - pre).dropna()
    if diffs.empty:
        return None
    m, lo, hi = _t_interval(diffs.to_numpy())
    return Estimate(m, lo, hi, len(diffs), n_control)


# ------------------------------------------------------------------ 2-3. event-study DiD

def base_year(g: int, window: int, years) -> tuple[int | None, bool]:
    """The base year of cohort g: the last year before its selection window that has data
    (clean), else the first year of the window (not clean: selection bias leaks in)."""
    before = [y for y in years if y < g - window]
    if before:
        return max(before), True
    inside = [y for y in years if g - window <= y < g]
    return (min(inside), False) if inside else (None, False)


def did_cells_direct(panel: pd.DataFrame, entries: pd.Series, controls: set[str], window: int) -> pd.DataFrame:
    """ATT(g, t) by direct differences of means (the cross-check of :func:`event_study`)."""
    wide = panel.pivot_table(index="school_id", columns="year", values="y")
    rows = []
    for g, ids in entries.groupby(entries).groups.items():
        b, _ = base_year(g, window, wide.columns)
        if b is None:
            continue
        for t in wide.columns:
            if t == b:
                continue
            d = wide[t] - wide[b]
            tr = d.reindex(ids).dropna()
            co = d.reindex(sorted(controls)).dropna()
            if len(tr) and len(co):
                rows.append({"cohort": int(g), "year": int(t), "att": tr.mean() - co.mean(), "n_treated": len(tr),
                             "n_control": len(co)})
    return pd.DataFrame(rows)


def _stacked(panel: pd.DataFrame, entries: pd.Series, controls: set[str], window: int) -> pd.DataFrame:
    wide = panel.pivot_table(index="school_id", columns="year", values="y")
    parts = []
    for g, ids in entries.groupby(entries).groups.items():
        b, _ = base_year(g, window, wide.columns)
        if b is None:
            continue
        units = [i for i in list(ids) + sorted(controls) if i in wide.index]
        d = wide.loc[units].sub(wide.loc[units, b], axis=0).drop(columns=b)
        long = d.stack().rename("dy").reset_index()
        long.columns = ["school_id", "year", "dy"]
        long["cohort"] = int(g)
        long["treated"] = long["school_id"].isin(set(ids))
        parts.append(long)
    st = pd.concat(parts, ignore_index=True)
    st["cell"] = np.where(st["treated"], st["cohort"].astype(str) + "_" + st["year"].astype(str), "control")
    st["stack_year"] = st["cohort"].astype(str) + "_" + st["year"].astype(str)
    return st


def event_study(panel: pd.DataFrame, entries: pd.Series, controls: set[str], window: int,
                horizon: int = POST_HORIZON) -> tuple[pd.DataFrame, Estimate | None, float | None, pd.DataFrame]:
    """(event-time table, post average, pre-trend p-value, per-cell table) from the stacked regression."""
    import pyfixest as pf

    st = _stacked(panel, entries, controls, window)
    cells = sorted(c for c in st["cell"].unique() if c != "control")
    for c in cells:
        st[f"d_{c}"] = (st["cell"] == c).astype(float)
    names = [f"d_{c}" for c in cells]
    fml = "dy ~ " + " + ".join(names) + " | stack_year"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pf.feols(fml, data=st, vcov={"CRV1": "school_id"})
    coef = fit.coef()
    vcov = pd.DataFrame(fit._vcov, index=coef.index, columns=coef.index)
    keep = [n for n in names if n in coef.index and np.isfinite(coef[n])]
    cell_tab = pd.DataFrame({"name": keep})
    cell_tab["cohort"] = [int(n.split("_")[1]) for n in keep]
    cell_tab["year"] = [int(n.split("_")[2]) for n in keep]
    cell_tab["event_time"] = cell_tab["year"] - cell_tab["cohort"]
    cell_tab["att"] = coef[keep].to_numpy()
    sizes = st[st["treated"]].groupby(["cohort", "year"])["school_id"].nunique()
    cell_tab["n_treated"] = [int(sizes.get((c, y), 0)) for c, y in zip(cell_tab.cohort, cell_tab.year, strict=True)]
    n_control = int(st.loc[~st["treated"], "school_id"].nunique())

    def combo(sub: pd.DataFrame) -> tuple[float, float]:
        w = sub["n_treated"].to_numpy(float)
        w = w / w.sum()
        v = vcov.loc[sub["name"], sub["name"]].to_numpy()
        return float(w @ sub["att"].to_numpy()), float(np.sqrt(w @ v @ w))

    es_rows = []
    for e, sub in cell_tab.groupby("event_time"):
        est, se = combo(sub)
        es_rows.append({"event_time": int(e), "estimate": est, "ci_low": est - 1.96 * se, "ci_high": est + 1.96 * se,
                        "n_treated": int(sub["n_treated"].sum())})
    es = pd.DataFrame(es_rows)
    post = cell_tab[(cell_tab["event_time"] >= 0) & (cell_tab["event_time"] < horizon)]
    post_est = None
    if not post.empty:
        est, se = combo(post)
        post_est = Estimate(est, est - 1.96 * se, est + 1.96 * se, int(entries.size), n_control)
    years = sorted(panel["year"].unique())
    base = cell_tab["cohort"].map(lambda g: base_year(g, window, years)[0])
    pre = cell_tab[cell_tab["year"] < base]
    p = None
    if len(pre):
        b = pre["att"].to_numpy()
        v = vcov.loc[pre["name"], pre["name"]].to_numpy()
        stat = float(b @ np.linalg.pinv(v) @ b)
        p = float(stats.chi2.sf(stat, len(b)))
    return es, post_est, p, cell_tab


# ------------------------------------------------------------------ 4. TWFE

def twfe(panel: pd.DataFrame, entries: pd.Series, others: set[str]) -> Estimate | None:
    """Y ~ 1[t >= g] | school + year (biased under staggered entry and selection on Y)."""
    import pyfixest as pf
    df = panel[~panel["school_id"].isin(others)].copy()
    g = df["school_id"].map(entries)
    df["treat"] = ((df["year"] >= g) & g.notna()).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pf.feols("y ~ treat | school_id + year", data=df, vcov={"CRV1": "school_id"})
    ci = fit.confint().loc["treat"].to_numpy()
    n_t = int(df.loc[g.notna(), "school_id"].nunique())
    return Estimate(float(fit.coef()["treat"]), float(ci[0]), float(ci[1]), n_t,
                    int(df["school_id"].nunique()) - n_t)


# ------------------------------------------------------------------ 5. RD

def regression_discontinuity(panel: pd.DataFrame, composite: pd.DataFrame, members: pd.DataFrame, window: int,
                             horizon: int = POST_HORIZON) -> tuple[Estimate | None, dict]:
    """Sharp RD at each wave's cut-off, waves pooled on the centred score x = cutoff - score (x >= 0 = in)."""
    if members["selection_cutoff"].isna().any() or (members["selection"].fillna("rule") != "rule").any():
        return None, {"reason": "правило отбора не было резким (есть ручной отбор или нет порога)"}
    rows = []
    earlier: set[str] = set()
    for g, wave in members.groupby("entry_year"):
        cutoff = float(wave["selection_cutoff"].iloc[0])
        score = window_mean(composite, g - window, g - 1)
        score = score[~score.index.isin(earlier)]
        inside = score <= cutoff + 1e-12
        if set(score[inside].index) != set(wave["school_id"]):
            return None, {"reason": f"волна {g}: состав не совпадает с правилом — порог не резкий"}
        p = panel[(panel["year"] >= g) & (panel["year"] < g + horizon)].groupby("school_id")["y"].mean()
        df = pd.DataFrame({"x": cutoff - score, "y": p.reindex(score.index)}).dropna()
        rows.append(df)
        earlier |= set(wave["school_id"])
    data = pd.concat(rows)
    details = {"n_left": int((data["x"] < 0).sum()), "n_right": int((data["x"] >= 0).sum())}
    try:
        from rdrobust import rdrobust
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = rdrobust(y=data["y"].to_numpy(), x=data["x"].to_numpy(), c=0)
        est = float(r.coef.iloc[0, 0])
        lo, hi = (float(v) for v in r.ci.iloc[2])
        h = float(r.bws.iloc[0, 0])
        details.update({"bandwidth": h, "n_left_effective": int(r.N_h[0]), "n_right_effective": int(r.N_h[1])})
    except Exception as exc:  # too few schools near the cut-off
        details["reason"] = f"rdrobust не смог оценить разрыв: {exc}"
        return None, details
    try:
        from rddensity import rddensity
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dens = rddensity(X=data["x"].to_numpy(), c=0)
        p_jk = dens.test["p_jk"]
        details["density_p"] = float(p_jk.iloc[0] if hasattr(p_jk, "iloc") else p_jk)
    except Exception as exc:
        details["density_p"] = None
        details["density_reason"] = str(exc)
    return Estimate(est, lo, hi, details["n_right_effective"], details["n_left_effective"]), details


# ------------------------------------------------------------------ 6. placebo

def placebo(panel: pd.DataFrame, composite: pd.DataFrame, all_members: pd.DataFrame, share: float, window: int,
            horizon: int = POST_HORIZON, year: int | None = None) -> tuple[Estimate | None, int | None]:
    """The naive before/after of schools the same rule would pick in a year with no programme."""
    years = sorted(panel["year"].unique())
    entries = set(all_members["entry_year"])

    def chosen_in(y: int) -> pd.Series:
        near = all_members[(all_members["entry_year"] <= y + horizon - 1)
                           & (all_members["exit_year"].fillna(9999) >= y - window)]
        score = window_mean(composite, y - window, y - 1)
        score = score[~score.index.isin(set(near["school_id"]))]
        if score.empty:
            return score
        return score[score <= float(np.quantile(score, share))]

    if year is None:
        candidates = [y for y in range(years[0] + window, years[-1] - horizon + 2) if y not in entries]
        if not candidates:
            return None, None
        year = max(candidates, key=lambda y: (len(chosen_in(y)), y))
    chosen = chosen_in(year)
    if len(chosen) < 5:
        return None, year
    est = naive_before_after(panel, pd.Series(year, index=chosen.index), window, horizon)
    return est, year


# ------------------------------------------------------------------ all together

def estimate_effects(con: duckdb.DuckDBPyConnection, programme_id: str, outcome: str | None = None,
                     horizon: int = POST_HORIZON, wave: int | None = None,
                     municipality_id: str | None = None) -> EffectReport:
    """Every estimate of one programme's effect on one outcome (see the module docstring).

    ``wave`` keeps one entry year of the programme (the other waves' schools leave the sample);
    ``municipality_id`` keeps the schools of one municipality, programme and comparison alike.
    """
    members, all_members, prog = _members(con, programme_id)
    window = int(prog["selection_years"]) if pd.notna(prog.get("selection_years")) else DEFAULT_WINDOW
    panel, label, units = outcome_panel(con, outcome)
    if wave is not None:
        other_waves = set(members.loc[members["entry_year"] != wave, "school_id"])
        members = members[members["entry_year"] == wave]
        if members.empty:
            raise ValueError(f"у программы «{programme_id}» нет волны {wave} г.")
        panel = panel[~panel["school_id"].isin(other_waves)]
    if municipality_id is not None:
        local = set(queries.run(con, "school_attributes", year=int(panel["year"].max()))
                    .query("municipality_id == @municipality_id")["school_id"])
        members = members[members["school_id"].isin(local)]
        if members.empty:
            raise ValueError("в этом муниципалитете нет школ программы")
        panel = panel[panel["school_id"].isin(local)]
    composite = queries.run(con, "composite_panel").rename(columns={"y": "composite"})
    entries = members.set_index("school_id")["entry_year"].astype(int)
    schools = set(panel["school_id"])
    controls = schools - set(entries.index)
    notes = []
    years = sorted(panel["year"].unique())
    for g in sorted(entries.unique()):
        b, clean = base_year(int(g), window, years)
        if not clean:
            notes.append(f"волна {g}: нет данных до окна отбора, база разности разностей взята внутри окна "
                         "(оценка завышена так же, как наивная)")
    naive = naive_before_after(panel, entries, window, horizon, len(controls))
    es, did, pre_p, _ = event_study(panel, entries, controls, window, horizon)
    tw = twfe(panel, entries, set())
    rd, rd_details = regression_discontinuity(panel, composite, members, window, horizon)
    share = _selection_share(composite, members, window)
    plc, plc_year = placebo(panel, composite, all_members, share, window, horizon)
    if plc is None:
        notes.append("нет года без программ, в котором правило отобрало бы хотя бы 5 школ (плацебо не рассчитано)")
    overlap = _earlier_selection_overlap(members, all_members, programme_id)
    if pre_p is not None and pre_p < 0.05 and overlap > 0:
        notes.append(f"{round(overlap * 100)} % школ программы раньше отбирались в другую программу: их ранние годы "
                     "попали в её окно отбора и занижены случайно, поэтому тест параллельных трендов отвергается; "
                     "годы после базового это не затрагивает")
    cohorts = members.groupby("entry_year").size().rename("schools").reset_index()
    return EffectReport(programme_id, str(prog["name"]), label, units, naive, did, tw, rd, plc, pre_p, es, cohorts,
                        window, plc_year, rd_details, notes)


def _earlier_selection_overlap(members: pd.DataFrame, all_members: pd.DataFrame, programme_id: str) -> float:
    """Share of this programme's schools that an earlier programme selected before."""
    other = all_members[(all_members["programme_id"] != programme_id)]
    first = members["entry_year"].min()
    earlier = set(other.loc[other["entry_year"] < first, "school_id"])
    return float(members["school_id"].isin(earlier).mean()) if len(members) else 0.0


def _selection_share(composite: pd.DataFrame, members: pd.DataFrame, window: int) -> float:
    """The share of schools the rule selected in the first wave (its quantile), default 10 %."""
    g = int(members["entry_year"].min())
    score = window_mean(composite, g - window, g - 1)
    cutoff = members.loc[members["entry_year"] == g, "selection_cutoff"]
    if score.empty or cutoff.isna().all():
        return 0.10
    return float((score <= float(cutoff.iloc[0]) + 1e-12).mean())


def _fmt(v: float) -> str:
    return f"{v:+.2f}".replace(".", ",").replace("-", "−")


def verdict(r: EffectReport) -> list[str]:
    """Plain-Russian sentences: which number to believe and why."""
    out = []
    if r.naive is not None and r.placebo is not None:
        out.append(f"Наивная оценка {_fmt(r.naive.estimate)} завышена: та же процедура отбора без программы "
                   f"(плацебо, {r.placebo_year} г.) даёт {_fmt(r.placebo.estimate)} — это возврат к среднему, "
                   "а не эффект.")
    elif r.naive is not None:
        out.append(f"Наивная оценка {_fmt(r.naive.estimate)} включает возврат к среднему: школы отбирались "
                   "по низким результатам, и часть подъёма произошла бы и без программы.")
    if r.did is not None:
        sig = r.did.ci_low > 0 or r.did.ci_high < 0
        trust = r.pretrend_p is None or r.pretrend_p >= 0.05 or any("раньше отбирались" in n for n in r.notes)
        text = (f"Верить стоит оценке разности разностей с базой до окна отбора: {_fmt(r.did.estimate)} "
                f"[{_fmt(r.did.ci_low)}; {_fmt(r.did.ci_high)}]")
        if not trust:
            text += " — но тест параллельных трендов её не поддерживает, вывод предварительный."
        elif sig:
            text += " — эффект статистически значим."
        else:
            text += " — интервал включает ноль: эффект не доказан."
        out.append(text)
    if r.rd is not None:
        out.append(f"Разрывный дизайн у порога отбора даёт {_fmt(r.rd.estimate)} [{_fmt(r.rd.ci_low)}; "
                   f"{_fmt(r.rd.ci_high)}] по {r.rd.n_treated + r.rd.n_control} школам у порога — проверка, "
                   "не основная оценка: школ у порога мало.")
    if r.twfe is not None:
        out.append(f"Классическая оценка с фиксированными эффектами ({_fmt(r.twfe.estimate)}) приведена для "
                   "сравнения: при отборе по результатам и поэтапном входе она смещена.")
    return out


def descriptive(con: duckdb.DuckDBPyConnection, programme_id: str, outcome: str | None = None) -> pd.DataFrame:
    """Mean outcome per year of each wave's schools and of schools never in the programme."""
    panel, _, _ = outcome_panel(con, outcome)
    members, _, _ = _members(con, programme_id)
    wave = panel["school_id"].map(members.set_index("school_id")["entry_year"])
    group = np.where(wave.isna(), "Не участвовали", "Волна " + wave.fillna(0).astype(int).astype(str))
    return (panel.assign(group=group).groupby(["group", "year"])["y"].agg(["mean", "size"])
            .rename(columns={"size": "schools"}).reset_index())


def nonobjectivity_flags(con: duckdb.DuckDBPyConnection, programme_id: str, percentile: float = 0.9) -> pd.DataFrame:
    """Per year: programme schools whose share of ВПР marks above the journal exceeds the region's
    ``percentile`` of that share (METHODOLOGY.md: a marker of non-objective results)."""
    share = queries.run(con, "vpr_higher_share")
    if share.empty:
        return pd.DataFrame(columns=["year", "flagged"])
    share["cut"] = share.groupby("year")["share_higher"].transform(lambda x: x.quantile(percentile))
    members, _, _ = _members(con, programme_id)
    hit = share[(share["share_higher"] > share["cut"]) & share["school_id"].isin(set(members["school_id"]))]
    return hit.groupby("year").size().rename("flagged").reset_index()
