"""«Социальное благополучие»: the ИСБШ, its components, results against context with the expected
line, and resilient schools, by municipality."""
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import identification, wellbeing
from analytics.formatting import fmt_number
from pages import _ui

_ui.ensure_app_entry()


@st.cache_data(show_spinner="Считаем индекс…", max_entries=32)
def _ident(stamp, year, weights):
    rules = identification.Rules(flags=wellbeing.Thresholds(weights=dict(weights)))
    return identification.identify(_ui.connection(), year, rules), wellbeing.context(
        _ui.connection(), year, rules.flags)[1]


f = _ui.current_filters()
cat = _ui.catalog()
stamp = _ui.warehouse_stamp()
st.title("Социальное благополучие")
years = [y for y in cat.years if y >= cat.years[0] + 2]
year = st.selectbox("Год", years[::-1], key="w_year", bind="query-params")
with st.expander("Веса составляющих индекса"):
    cols = st.columns(3)
    weights = {}
    for i, (col, (name, _)) in enumerate(wellbeing.COMPONENTS.items()):
        weights[col] = cols[i % 3].slider(name, 0.0, 1.0, wellbeing.DEFAULT_WEIGHTS[col], 0.05, key=f"w_{col}")
    st.caption("По умолчанию больший вес у трёх показателей индекса из дорожной карты (девиантное поведение, "
               "низкая мотивация, слабое знание русского языка).")
d, alpha = _ident(stamp, year, tuple(sorted(weights.items())))
if f.municipality_id:
    shown = d[d["municipality_id"] == f.municipality_id]
else:
    shown = d
m = st.columns(4)
_ui.metric(m[0], "Медиана ИСБШ", fmt_number(float(shown["isbsh"].median()), 0))
_ui.metric(m[1], "Согласованность (α Кронбаха)", fmt_number(alpha, 2),
           help_text="Насколько составляющие индекса говорят об одном и том же (0,7 и выше — хорошо)")
_ui.metric(m[2], "Резильентных школ", int(shown["resilient"].sum()))
_ui.metric(m[3], "Удалённых / малокомплектных", f"{int(shown['remote'].sum())} / {int(shown['small'].sum())}")

c1, c2 = st.columns(2)
hist = go.Figure(go.Histogram(x=shown["isbsh"], nbinsx=20, marker_color=_ui.COLORS[0],
                              hovertemplate="ИСБШ %{x}: %{y} школ<extra></extra>"))
_ui.base_layout(hist, "Распределение ИСБШ (0–100, 50 — средняя школа региона)", "школ", 340)
hist.update_layout(xaxis={"title": "ИСБШ", "dtick": None}, showlegend=False)
c1.plotly_chart(hist, width="stretch", config={"displaylogo": False})
by_mun = d.groupby("municipality")["isbsh"].median().sort_values()
bar = go.Figure(go.Bar(x=by_mun.to_numpy(), y=by_mun.index, orientation="h", marker_color=_ui.COLORS[1],
                       hovertemplate="%{y}: %{x:.0f}<extra></extra>"))
_ui.base_layout(bar, "Медиана ИСБШ по муниципалитетам", "", 340)
bar.update_layout(xaxis={"title": "ИСБШ", "dtick": None}, showlegend=False, hovermode="closest")
c2.plotly_chart(bar, width="stretch", config={"displaylogo": False})

st.subheader("Результаты и контекст")
fit = shown.dropna(subset=["composite_mean", "isbsh"])
scatter = go.Figure()
normal = fit[~fit["resilient"]]
scatter.add_scatter(x=normal["isbsh"], y=normal["composite_by_year"].map(lambda v: v.get(year)), mode="markers",
                    name="школы", marker={"color": "#7f8c9a", "size": 7}, customdata=normal["name"],
                    hovertemplate="%{customdata}<br>ИСБШ %{x:.0f}, индекс %{y:.2f}<extra></extra>")
res = fit[fit["resilient"]]
scatter.add_scatter(x=res["isbsh"], y=res["composite_by_year"].map(lambda v: v.get(year)), mode="markers",
                    name="резильентные", marker={"color": "#2a9d4b", "size": 11, "symbol": "star"},
                    customdata=res["name"],
                    hovertemplate="%{customdata}<br>ИСБШ %{x:.0f}, индекс %{y:.2f}<extra></extra>")
line = d.dropna(subset=["expected"]).sort_values("isbsh")
if len(line) > 3:
    coef = np.polyfit(line["isbsh"], line["expected"], 1)
    xs = np.linspace(0, 100, 50)
    scatter.add_scatter(x=xs, y=np.polyval(coef, xs), mode="lines", name="ожидаемый результат",
                        line={"color": "#1f4e9c", "dash": "dash"})
_ui.base_layout(scatter, f"Композитный индекс {year} г. и ИСБШ; пунктир — ожидаемое при таком контексте",
                "индекс результатов", 460)
scatter.update_layout(xaxis={"title": "ИСБШ", "dtick": None}, hovermode="closest")
st.plotly_chart(scatter, width="stretch", config={"displaylogo": False})
st.caption("Ожидаемый результат — регрессия индекса на ИСБШ, удалённость и размер школы. Резильентные школы — "
           "в нижней четверти ИСБШ, но выше ожидаемого не меньше чем на 0,5 стандартного отклонения в 2 из 3 лет: "
           "естественные партнёры и источники практик.")

st.subheader("Составляющие по школам")
table = pd.DataFrame({"Школа": shown["name"], "Муниципалитет": shown["municipality"],
                      "ИСБШ": shown["isbsh"].round(0)})
for col, (name, _) in wellbeing.COMPONENTS.items():
    table[name] = (shown[col] * 100).round(1)
table["Удалённая"] = np.where(shown["remote"], "да", "")
table["Малокомплектная"] = np.where(shown["small"], "да", "")
table["Ресурсный дефицит"] = np.where(shown["resource_deficit"], "да", "")
table["Резильентная"] = np.where(shown["resilient"], "да", "")
table["Карточка"] = _ui.school_links(shown["school_id"])
st.dataframe(table.sort_values("ИСБШ"), hide_index=True, width="stretch",
             column_config={"Карточка": _ui.school_link_column()})
st.caption("Доли — в процентах обучающихся. Удалённость, малокомплектность и ресурсные дефициты показаны рядом "
           "с индексом, а не внутри него.")
_ui.download_buttons(table.drop(columns="Карточка"), f"isbsh_{year}", f, key="wellbeing")
