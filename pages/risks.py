"""«Профили рисков»: the ten «500+» risk factors as a school × factor heatmap, the most frequent
high risks by municipality, and the change between monitoring years."""
import plotly.graph_objects as go
import streamlit as st

from analytics import queries
from pages import _ui

_ui.ensure_app_entry()
LEVELS = {0: "нет", 1: "низкий", 2: "средний", 3: "высокий"}


@st.cache_data(show_spinner=False, max_entries=4)
def _profiles(stamp):
    return queries.run(_ui.connection(), "risk_profiles")


f = _ui.current_filters()
stamp = _ui.warehouse_stamp()
st.title("Профили рисков")
rp = _profiles(stamp)
if rp.empty:
    st.info("В хранилище нет профилей рисков «500+».")
    st.stop()
if f.municipality_id:
    rp = rp[rp["municipality_id"] == f.municipality_id]
years = sorted(rp["year"].unique())
year = st.selectbox("Год мониторинга", years[::-1], key="r_year", bind="query-params")
cur = rp[rp["year"] == year]
st.caption("Уровень риска по анкетам директоров, учителей, обучающихся и родителей: 1 — низкий, 2 — средний, "
           "3 — высокий. Школа выбирает до трёх приоритетных рисков и пишет на каждый антирисковую программу.")

wide = cur.pivot_table(index="name", columns="factor_name", values="level")
factor_order = cur.drop_duplicates("factor").sort_values("factor")["factor_name"].tolist()
wide = wide.reindex(columns=factor_order)
short = [n if len(n) <= 38 else n[:36] + "…" for n in factor_order]
heat = go.Figure(go.Heatmap(z=wide.to_numpy(), x=short, y=wide.index, colorscale=[[0, "#e8f3ea"], [0.5, "#f6d27a"],
                                                                                  [1, "#c0392b"]],
                            zmin=1, zmax=3, customdata=[[n] * len(factor_order) for n in wide.index],
                            hovertemplate="%{y}<br>%{x}: %{z}<extra></extra>",
                            colorbar={"tickvals": [1, 2, 3], "ticktext": ["низкий", "средний", "высокий"]}))
_ui.base_layout(heat, f"Школы «500+» и факторы риска, {year} г.", "", max(360, 22 * len(wide) + 160))
heat.update_layout(xaxis={"tickangle": -35, "dtick": None, "title": None}, hovermode="closest",
                   margin={"l": 10, "r": 10, "t": 50, "b": 160})
st.plotly_chart(heat, width="stretch", config={"displaylogo": False})

c1, c2 = st.columns(2)
high = cur[cur["level"] == 3].groupby(["municipality", "factor_name"]).size().rename("schools").reset_index()
top = high.sort_values(["municipality", "schools"], ascending=[True, False]).groupby("municipality").head(3)
c1.markdown("**Самые частые высокие риски по муниципалитетам**")
c1.dataframe(top.rename(columns={"municipality": "Муниципалитет", "factor_name": "Фактор риска",
                                 "schools": "Школ с высоким риском"}), hide_index=True, width="stretch")
share_high = rp.assign(high=rp["level"] == 3).groupby(["year", "factor_name"])["high"].mean().unstack("year")
share_high = (share_high.reindex(factor_order) * 100).round(0)
share_high.index.name = "Фактор риска"
c2.markdown("**Доля школ с высоким риском по годам, %**")
c2.dataframe(share_high, width="stretch")
_ui.download_buttons(cur.assign(level_name=cur["level"].map(LEVELS)).drop(columns=["municipality_id"]),
                     f"riski_{year}", f, key="risks")
