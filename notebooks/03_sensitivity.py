# %% [markdown]
# # Sensitivity: what drives the cobalt shortfall under an export ban?
#
# A one-at-a-time sensitivity analysis. The base case is the 2024 baseline with a
# stylised cobalt export ban added through `--set`-style overrides (six months from
# 15 January 2024) and the cobalt feed at Chinese refiners set to 20,000 t at the start
# (the baseline leaves it at what the warm-up builds up), a buffer thin enough for the ban
# to bite within a short run. Each
# parameter is then set low and high in turn, everything else held at the base case, and
# the cobalt shortfall compared with the base case's, paired by replication (same seed).
#
# This is a screening design, cheap and easy to read; it does not show interactions. The
# calibrated 2025 ban is `scenarios/export_ban_2025.yaml` (see notebook 02). The test suite
# runs this notebook with `SIM_NOTEBOOK_FAST=1` and `SIM_NOTEBOOK_REPS=2`.

# %%
import os
from pathlib import Path

import numpy as np
import pandas as pd

import sim
from sim.experiment.stats import t_interval
from sim.output.style import new_figure

FAST = os.environ.get("SIM_NOTEBOOK_FAST") == "1"
REPS = int(os.environ.get("SIM_NOTEBOOK_REPS", "10"))

ROOT = Path.cwd().resolve()
while not (ROOT / "scenarios").is_dir() and ROOT != ROOT.parent:
    ROOT = ROOT.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"

# %% [markdown]
# ## The base case and the parameters
#
# Each parameter is a scenario path with a low and a high value.

# %%
def ban(months: int) -> str:
    end = (pd.Timestamp("2024-01-15") + pd.DateOffset(months=months)).date()
    return f"policies.export_bans.stylised={{commodity: cobalt, start: 2024-01-15, end: {end}}}"


BASE = [f"horizon_days={300 if FAST else 366}", "warmup_days=60", ban(6),
        "sites.china_cobalt_refiners.initial_feed_t.cobalt=20000"]
PARAMETERS = {
    # label: (override template, low, high)
    "ban length (months)": (None, 4, 8),
    "refiner feed buffer (t)": ("sites.china_cobalt_refiners.initial_feed_t.cobalt={}",
                                10000, 30000),
    "China market stock (t)": ("sites.market_china.initial_stock_t.cobalt={}", 7600, 22800),
    "cobalt demand elasticity": ("commodities.cobalt.demand_elasticity={}", -0.56, -0.14),
    "Kasumbalesa trucks per day": ("sites.kasumbalesa.clearance_trucks_per_day={}", 300, 600),
}


def overrides_for(label: str, value: float) -> list[str]:
    template = PARAMETERS[label][0]
    if template is None:
        return [o for o in BASE if not o.startswith("policies.")] + [ban(int(value))]
    return [*BASE, template.format(value)]


def shortfall(overrides: list[str]) -> np.ndarray:
    sc = sim.load_scenario(BASELINE, overrides=overrides)
    return sim.run(sc, replications=REPS, seed=1, workers=1).kpi("shortfall_t", "cobalt")


base = shortfall(BASE)
mean, low, high = t_interval(base)
print(f"base case cobalt shortfall: {mean:,.0f} t (95% CI {low:,.0f} to {high:,.0f})")

# %% [markdown]
# ## Run the design
#
# Two runs per parameter; every run uses seed 1, so each difference from the base case is
# paired replication by replication.

# %%
rows = []
for label, (_template, lo_value, hi_value) in PARAMETERS.items():
    for level, value in (("low", lo_value), ("high", hi_value)):
        diff = shortfall(overrides_for(label, value)) - base
        d_mean, d_low, d_high = t_interval(diff)
        rows.append({"parameter": label, "level": level, "value": value,
                     "shortfall change (t)": d_mean, "ci_low": d_low, "ci_high": d_high})
table = pd.DataFrame(rows)
table["swing (t)"] = table.groupby("parameter")["shortfall change (t)"].transform(
    lambda s: s.max() - s.min())
table = table.sort_values(["swing (t)", "parameter", "level"], ascending=[False, True, False])
table.round(1)

# %% [markdown]
# ## Tornado plot
#
# Each bar runs from the change in shortfall at the parameter's low value to the change at
# its high value; parameters are ordered by the width of that swing, the widest on top.
# Whiskers are 95% confidence intervals of the paired differences.

# %%
order = (table.drop_duplicates("parameter").sort_values("swing (t)")["parameter"].tolist())
fig = new_figure(9, 0.6 * len(order) + 1.6)
ax = fig.add_subplot()
for y, label in enumerate(order):
    part = table[table.parameter == label].set_index("level")
    for level, color in (("low", "#2e6fb5"), ("high", "#c0392b")):
        r = part.loc[level]
        ax.barh(y, r["shortfall change (t)"], color=color, alpha=0.7,
                label=f"{level} value" if y == 0 else None)
        if not np.isnan(r["ci_low"]):
            ax.plot([r["ci_low"], r["ci_high"]], [y, y], color="black", lw=1)
ax.axvline(0, color="black", lw=0.8)
ax.set_yticks(range(len(order)), order)
ax.set_xlabel("change in cobalt shortfall from the base case (t)")
ax.set_title(f"What drives the cobalt shortfall (base case {mean:,.0f} t; {REPS} replications)")
ax.legend(loc="lower right")
fig

# %% [markdown]
# ## Reading it
#
# The parameters in order of influence, computed from the table above:

# %%
for label in reversed(order):
    part = table[table.parameter == label].set_index("level")
    lo_row, hi_row = part.loc["low"], part.loc["high"]
    print(f"{label}: low {lo_row['value']:g} -> {lo_row['shortfall change (t)']:+,.0f} t, "
          f"high {hi_row['value']:g} -> {hi_row['shortfall change (t)']:+,.0f} t "
          f"(swing {lo_row['swing (t)']:,.0f} t)")
