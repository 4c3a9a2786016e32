# %% [markdown]
# # Quick start: run a scenario, read its KPIs, look at its figures
#
# This notebook loads the calibrated 2024 baseline, runs it, and walks through what comes
# back: headline KPIs with confidence intervals, single KPIs across replications, and the
# standard figures. Everything runs in this process (`workers=1`); pass `workers=2` or more
# to `sim.run` to use a process pool.
#
# The test suite runs this notebook with `SIM_NOTEBOOK_FAST=1` and `SIM_NOTEBOOK_REPS=2`,
# which shorten the run. Unset them for the full year and 10 replications.

# %%
import os
import tempfile
from pathlib import Path

import sim

FAST = os.environ.get("SIM_NOTEBOOK_FAST") == "1"
REPS = int(os.environ.get("SIM_NOTEBOOK_REPS", "10"))

ROOT = Path.cwd().resolve()
while not (ROOT / "scenarios").is_dir() and ROOT != ROOT.parent:
    ROOT = ROOT.parent

# %% [markdown]
# ## Load and run
#
# `load_scenario` validates the file (errors name the file, line and field) and applies
# `--set`-style overrides. The fast mode cuts the year to 90 days after a 60-day warm-up.

# %%
overrides = ["horizon_days=90", "warmup_days=60"] if FAST else []
sc = sim.load_scenario(ROOT / "scenarios" / "baseline.yaml", overrides=overrides)
print(sc.title)
print(f"{len(sc.sites)} sites, {len(sc.lanes)} lanes, channels: {', '.join(sc.channels)}")

# %%
res = sim.run(sc, replications=REPS, seed=1, workers=1)
res

# %% [markdown]
# ## KPIs
#
# `res.summary()` has the mean, standard deviation, number of replications and the 95%
# confidence interval of every KPI. Totals have `channel` and `site` equal to `all`.

# %%
summary = res.summary()
headline = summary[(summary.channel == "all") & (summary.site == "all")
                   & summary.metric.isin(["mined_t", "exported_t", "delivered_t",
                                          "shortfall_t", "mean_lead_time_days",
                                          "price_peak_ratio"])]
headline[["commodity", "metric", "mean", "ci_low", "ci_high", "n", "unit"]]

# %% [markdown]
# Who controls the cobalt that reaches refiners and markets: each channel's share of
# delivered tonnes.

# %%
shares = summary[(summary.metric == "delivered_share") & (summary.commodity == "cobalt")]
shares[["channel", "mean", "ci_low", "ci_high"]]

# %% [markdown]
# One KPI across replications is a numpy array:

# %%
cobalt_delivered = res.kpi("delivered_t", "cobalt")
print(f"cobalt delivered: {cobalt_delivered.mean():,.0f} t "
      f"(min {cobalt_delivered.min():,.0f}, max {cobalt_delivered.max():,.0f})")

# %% [markdown]
# ## Figures
#
# `res.plot` draws the standard figures; each call returns a matplotlib figure.
# Flows by channel over time, stacked:

# %%
res.plot.flows(commodity="cobalt")

# %% [markdown]
# Deliveries against demand. The lower panel is performance Q(t) = consumption / demand;
# a dip below 1 is supply lost (the shaded resilience triangle). In the baseline there is
# none.

# %%
res.plot.deliveries(commodity="cobalt")

# %% [markdown]
# The price index as a fan chart, stocks along the chain, and lead times by channel:

# %%
res.plot.prices()

# %%
res.plot.stocks()

# %%
res.plot.lead_times()

# %% [markdown]
# Where the metal goes: the network at its coordinates (line width = simulated flow) and
# the flow from mines through channels to destinations and markets.

# %%
res.plot.map(commodity="cobalt")

# %%
res.plot.flow_diagram(commodity="cobalt")

# %% [markdown]
# ## Saving figures and a report
#
# Any figure saves as PNG and SVG with `sim.output.style.save`. For a whole run,
# `sim.output.figures.write_run_figures(res, folder)` writes every figure above into
# `folder/figures/`, and on the command line `sim run ... --out DIR` followed by
# `sim report DIR` gives one self-contained HTML report.

# %%
from sim.output.style import save

with tempfile.TemporaryDirectory() as tmp:
    written = save(res.plot.prices(), Path(tmp), "prices")
    print([p.name for p in written])
