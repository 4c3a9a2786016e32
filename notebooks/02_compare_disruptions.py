# %% [markdown]
# # Comparing disruptions: M23 escalation, the 2025 export ban, a US partnership
#
# Four scenarios over the same period (July 2024 to the end of 2027), each run with the
# same seed so that replication *r* of every scenario draws the same random numbers
# wherever the scenarios share a component (common random numbers). Differences are then
# paired replication by replication, and their confidence intervals are far narrower than
# those of two independent runs.
#
# * **baseline**: the calibrated status quo, with its conflict regimes and background
#   incidents;
# * **M23 escalation**: the 2025 M23 advance in North and South Kivu (Goma, Bukavu, ...);
# * **export ban**: the cobalt export suspension of February to October 2025 and the quotas
#   that followed;
# * **US partnership**: offtake deals, the Lobito corridor upgrade and security support.
#
# The sentences below are computed from the results, so they stay true when the scenarios
# change. The test suite runs this notebook with `SIM_NOTEBOOK_FAST=1` (a 30-day warm-up)
# and `SIM_NOTEBOOK_REPS=2`; with two replications the intervals are wide. Use 20 or more
# for conclusions.

# %%
import os
from pathlib import Path

import pandas as pd

import sim
from sim.output.figures import compare_series_figure, forest_figure, paired_differences

FAST = os.environ.get("SIM_NOTEBOOK_FAST") == "1"
REPS = int(os.environ.get("SIM_NOTEBOOK_REPS", "20"))

ROOT = Path.cwd().resolve()
while not (ROOT / "scenarios").is_dir() and ROOT != ROOT.parent:
    ROOT = ROOT.parent

# %% [markdown]
# ## Run the four scenarios over one period
#
# The scenario files start at different dates; the overrides put them all on the export
# ban's period so that totals are comparable. Everything runs in this process
# (`workers=1`).

# %%
PERIOD = ["start=2024-07-01", "end=2027-12-31", "horizon_days=null"]
if FAST:
    PERIOD.append("warmup_days=30")
FILES = {
    "baseline": "baseline.yaml",
    "M23 escalation": "m23_escalation.yaml",
    "export ban": "export_ban_2025.yaml",
    "US partnership": "us_partnership.yaml",
}
results = {}
for label, file in FILES.items():
    sc = sim.load_scenario(ROOT / "scenarios" / file, overrides=PERIOD)
    results[label] = sim.run(sc, replications=REPS, seed=1, workers=1)
    print(f"{label:15s} {sc.title}")
named = list(results.items())

# %% [markdown]
# ## The differences, with intervals
#
# `paired_differences` gives, for each scenario and headline KPI, the mean difference from
# the baseline and its 95% confidence interval (paired, since every run used seed 1 and
# the same replication numbers).

# %%
diffs = paired_differences(named)
view = diffs[["scenario", "commodity", "metric", "reference_mean", "mean", "diff", "ci_low",
              "ci_high", "unit"]]
view.round(3)

# %% [markdown]
# ## In words
#
# The differences whose 95% interval excludes zero, largest relative change first:

# %%
def sentence(row: pd.Series) -> str:
    rel = row["diff"] / row["reference_mean"] if row["reference_mean"] else float("nan")
    rel_text = f" ({rel:+.0%} of the baseline)" if rel == rel else ""
    return (f"{row['scenario']}: {row['commodity']} {row['metric']} changes by "
            f"{row['diff']:+,.4g} {row['unit']}{rel_text}; 95% CI {row['ci_low']:+,.4g} to "
            f"{row['ci_high']:+,.4g}.")


clear = diffs[(diffs.ci_low > 0) | (diffs.ci_high < 0)].copy()
clear["size"] = (clear["diff"] / clear["reference_mean"].where(clear["reference_mean"] != 0)
                 ).abs().fillna(float("inf"))
for _, row in clear.sort_values("size", ascending=False).iterrows():
    print(sentence(row))
if clear.empty:
    print("No headline KPI differs from the baseline with 95% confidence at this number of "
          "replications.")

# %% [markdown]
# Cobalt is where the scenarios part ways. Its shortfall and price peak in each scenario,
# and the resilience triangle's length (days to get back to 95% of demand met) and how long
# stocks and pipelines lasted before the first shortfall:

# %%
rows = []
for label, res in named:
    s = res.summary()
    s = s[(s.commodity == "cobalt") & (s.channel == "all") & (s.site == "all")
          & s.metric.isin(["exported_t", "shortfall_t", "price_peak_ratio",
                           "days_price_above_baseline", "stranded_end_t",
                           "time_to_recover_days", "time_to_shortfall_days"])]
    rows.append(s.assign(scenario=label)[["scenario", "metric", "mean", "ci_low", "ci_high",
                                         "unit"]])
pd.concat(rows).pivot(index="metric", columns="scenario", values="mean").round(2)

# %% [markdown]
# ## Plots
#
# A forest plot of the paired differences: one panel per KPI, one row per commodity and
# scenario; a solid bar is an interval that excludes zero.

# %%
forest_figure(named, differences=diffs)

# %% [markdown]
# Performance over time (consumption / demand): the export ban's dip is the resilience
# triangle, the supply markets lost.

# %%
compare_series_figure(named, "performance")

# %%
compare_series_figure(named, "price_index")

# %%
compare_series_figure(named, "exported_t")

# %% [markdown]
# Who controls the cobalt delivered: each channel's share, by scenario.

# %%
share_rows = []
for label, res in named:
    s = res.summary()
    s = s[(s.metric == "delivered_share") & (s.commodity == "cobalt")]
    share_rows.append(s.assign(scenario=label)[["scenario", "channel", "mean"]])
pd.concat(share_rows).pivot(index="channel", columns="scenario", values="mean").round(3)

# %% [markdown]
# The export ban in its own figures: flows by channel and deliveries against demand.

# %%
results["export ban"].plot.flows(commodity="cobalt")

# %%
results["export ban"].plot.deliveries(commodity="cobalt")
