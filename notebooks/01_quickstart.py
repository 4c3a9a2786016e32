# %% [markdown]
# # Quick start: run a scenario, read its KPIs, look at its figures
#
# This notebook loads the calibrated 2024 baseline, runs it, and walks through what comes
# back: headline KPIs with confidence intervals, single KPIs across replications, and the
# standard figures. Everything runs in this process (`workers=1`); pass `workers=2` or more
# to `sim.run` to use a process pool.
#
# The full run (the year 2024, 10 replications) took about ten seconds on one core of a
# shared 2-core machine (2026-11-30). The
# test suite runs this notebook with `SIM_NOTEBOOK_FAST=1` and `SIM_NOTEBOOK_REPS=2`, which
# shorten the run to 90 days and two replications; unset them for the full year and 10
# replications. The sentences printed below are computed from the results, so they stay
# true when the scenario changes.

# %%
import os
import tempfile
from pathlib import Path

import pandas as pd

import sim
from sim.output.tables import cap_runs, unpriced

FAST = os.environ.get("SIM_NOTEBOOK_FAST") == "1"
REPS = int(os.environ.get("SIM_NOTEBOOK_REPS", "10"))
pd.options.display.float_format = "{:,.2f}".format  # no scientific notation in tables

# Run as a script, the file says where the repository is, whatever the working folder;
# Jupyter has no __file__, so there the search starts from the notebook's folder.
ROOT = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd().resolve()
while not (ROOT / "scenarios").is_dir() and ROOT != ROOT.parent:
    ROOT = ROOT.parent

# %% [markdown]
# ## Load and run
#
# `load_scenario` validates the file (errors name the file, line and field) and applies
# `--set`-style overrides. The fast mode cuts the year to 90 days but keeps the
# baseline's 180-day warm-up: a warm-up shorter than the routes from the mines (cobalt
# takes about two months from mine to market) would start the measured period with the
# pipelines part-empty and markets receiving little DRC metal for its first weeks, a bias
# in the results, not just wider intervals.

# %%
overrides = ["horizon_days=90"] if FAST else []
sc = sim.load_scenario(ROOT / "scenarios" / "baseline.yaml", overrides=overrides)
print(sc.title)
print(f"{len(sc.sites)} sites, {len(sc.lanes)} lanes, channels: {', '.join(sc.channels)}")

# %% [markdown]
# `sim.run` runs the replications (each one the same world with its own random draws: ore
# grades, truck delays, sailings, incidents) and returns the results; their printed form
# gives the period and the headline means with 95% confidence intervals.

# %%
res = sim.run(sc, replications=REPS, seed=1, workers=1)
res

# %% [markdown]
# ## KPIs
#
# `res.summary()` has the mean, standard deviation, number of replications and the 95%
# confidence interval of every KPI. Totals have `channel` and `site` equal to `all`. Tonnes
# are tonnes of contained metal over the measured period (the warm-up is excluded). The
# interval is a 95% confidence interval for the *mean over replications* (Student t): it
# says how precisely the runs pin down the model's average, not how far one year could
# stray from it; for that spread, look at single replications (below) or the 5-95% bands
# in the figures.
#
# As on the command line, the headline rows below leave out the price peak of a commodity
# whose price the scenario does not model (no demand elasticity and no shock moving its
# price: its index is 1 by definition; `res.summary()` keeps the row), and a peak equal to
# the commodity's `price_cap_ratio` in some replications is named "at the cap in k of n": the
# mean is then held down by the cap, a lower bound of how high the price would have gone.

# %%
summary = res.summary()
NO_PRICE = unpriced(sc, summary)
CAPPED = cap_runs(res)  # commodity -> (cap, replications at it, replications)
headline = summary[(summary.channel == "all") & (summary.site == "all")
                   & summary.metric.isin(["mined_t", "exported_t", "delivered_t",
                                          "shortfall_t", "mean_lead_time_days",
                                          "price_peak_ratio"])
                   & ~((summary.metric == "price_peak_ratio")
                       & summary.commodity.isin(NO_PRICE))]
headline = headline.assign(metric=[
    f"{m} (at the cap in {CAPPED[c][1]} of {CAPPED[c][2]})"
    if m == "price_peak_ratio" and c in CAPPED else m
    for m, c in zip(headline.metric, headline.commodity, strict=True)])
if NO_PRICE:
    print(f"price not modelled, its peak left out: {', '.join(NO_PRICE)}")
headline[["commodity", "metric", "mean", "ci_low", "ci_high", "n", "unit"]]


# %%
def total(metric: str, commodity: str) -> float:
    row = summary[(summary.commodity == commodity) & (summary.channel == "all")
                  & (summary.site == "all") & (summary.metric == metric)]
    return float(row["mean"].iloc[0])


def price_text(com: str) -> str:
    if com in NO_PRICE:
        return "price not modelled"
    peak = total("price_peak_ratio", com)
    if com in CAPPED:
        cap, k, n = CAPPED[com]
        return (f"price peak at least {peak:.2f} x reference (at the cap of {cap:g} x in {k} "
                f"of {n} replications)")
    return f"price peak {peak:.2f} x reference"


for com in ("cobalt", "copper", "gold"):
    print(f"{com}: mined {total('mined_t', com):,.1f} t, "
          f"exported {total('exported_t', com):,.1f} t, "
          f"delivered to first destinations {total('delivered_t', com):,.1f} t, "
          f"shortfall {total('shortfall_t', com):,.0f} t, {price_text(com)}")

# %% [markdown]
# Who controls the cobalt that reaches refiners: each channel's share of delivered tonnes
# (`delivered_share`; delivery is arrival at the first destination, a refiner for cobalt).

# %%
shares = summary[(summary.metric == "delivered_share") & (summary.commodity == "cobalt")
                 & (summary.site == "all")]
shares[["channel", "mean", "ci_low", "ci_high"]]

# %% [markdown]
# One KPI across replications is a numpy array, one value per replication: the spread of
# the model's year-to-year outcomes, which the confidence interval of the mean does not
# show.

# %%
cobalt_delivered = res.kpi("delivered_t", "cobalt")
print(f"cobalt delivered: mean {cobalt_delivered.mean():,.0f} t; single replications from "
      f"{cobalt_delivered.min():,.0f} to {cobalt_delivered.max():,.0f} t")

# %% [markdown]
# ## Figures
#
# `res.plot` draws the standard figures; each call returns a matplotlib figure (tonnes of
# contained metal, dates on the time axes). The last point of a weekly series covers what
# is left of the period (two days for 2024's 366 days), so it is noisier than the rest.
#
# Flows by channel over time, stacked: mined (left) and exported across the DRC border
# (right), in tonnes per day, mean of the replications.

# %%
res.plot.flows(commodity="cobalt")

# %% [markdown]
# Deliveries against demand. The upper panel compares the metal arriving from the DRC
# network with the markets' demand and consumption (markets also draw on stocks and on
# supply from outside the network); the lower panel is performance Q(t) = consumption /
# demand, where a dip below 1 is supply lost (the shaded resilience triangle).

# %%
print(f"cobalt shortfall: {total('shortfall_t', 'cobalt'):,.0f} t; other supply received "
      f"by markets: {total('other_supply_t', 'cobalt'):,.0f} t; consumed: "
      f"{total('consumed_t', 'cobalt'):,.0f} t")
res.plot.deliveries(commodity="cobalt")

# %% [markdown]
# The price index as a fan chart (1 = the reference price in the scenario, printed below).
# It is an index that responds to the markets' consumption against demand through the
# elasticities in the scenario, bounded by a cap; it is not a price forecast. With no
# shortfall it stays at 1.

# %%
for com, spec in sc.commodities.items():
    if com in NO_PRICE:
        print(f"{com}: reference price USD {spec.reference_price_usd_per_t:,.0f}/t; no demand "
              f"elasticity, so its price index is not modelled (stays at 1)")
    else:
        print(f"{com}: reference price USD {spec.reference_price_usd_per_t:,.0f}/t, demand "
              f"elasticity {spec.demand_elasticity}, index capped at {spec.price_cap_ratio:g}")
res.plot.prices()

# %% [markdown]
# Metal held at mines, border posts, ports and refiners. Cobalt feed at refiners builds up through the
# year when the refiners receive more than they can refine; the numbers behind it:

# %%
refiners = [sid for sid, site in sc.sites.items() if site.kind == "refiner"
            and "cobalt" in site.capacity_t_per_year]
capacity = sum(float(sc.sites[sid].capacity_t_per_year["cobalt"]) for sid in refiners)
refined = summary[(summary.commodity == "cobalt") & (summary.metric == "refined_t")
                  & summary.site.isin(refiners)]["mean"].sum()
period_years = sc.horizon / 365.25  # the measured period, in years
print(f"cobalt delivered (all to refiners here): {total('delivered_t', 'cobalt'):,.0f} t; refined: "
      f"{refined:,.0f} t; refining capacity over the period: {capacity * period_years:,.0f} t "
      f"({capacity:,.0f} t a year at {len(refiners)} refiners)")
res.plot.stocks()

# %% [markdown]
# Lead times from mine to first destination for the routes carrying most metal, coloured by
# channel: the 5-95% range of lead times over the tonnes each route delivered (bar), the
# median (tick) and the mean (dot), each averaged over replications. They include every
# wait on the way: queues, ships, closures.

# %%
res.plot.lead_times()

# %% [markdown]
# Where the metal goes: the network at its coordinates (line width = simulated flow,
# what left each lane over the run;
# sites and lanes closed by any shock in red, with their mean days closed) and the flow
# from mines through channels to first destinations and markets.

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

# %% [markdown]
# ## What to try next
#
# * Change a parameter with an override and rerun:
#   `res = sim.run(sc, replications=10, seed=1, workers=1,
#   overrides=["sites.kasumbalesa.clearance_trucks_per_day=250"])`, then look at
#   `mean_lead_time_days` and the Kasumbalesa rows of `res.summary()` (`site ==
#   "kasumbalesa"`). An override holds for the whole run: this is a permanent cut to 250
#   trucks a day, below what the mines send that way, so `sim.run` warns that the planned
#   flow into Kasumbalesa is then 168% of its capacity. It checks capacities against the
#   overrides given to it: the same override given to `sim.load_scenario` (as `overrides`
#   above) cuts the border the same way but brings no such warning. The queue at the
#   border grows all year: with 10 replications the cobalt lead time goes from about 56
#   to 183 days and copper runs about 525,000 t short. The real cut of January 2025, from 450 to
#   250 trucks a day (shocks.md A4 [L9]), is the event `kasumbalesa_clearance_cut` in
#   `scenarios/corridor_shocks.yaml`: 30 days from 6 January 2025 (its length is a
#   judgement, since none was found), beside the other corridor failures of 2025-26.
# * More replications (`replications=50`) narrow the confidence intervals, roughly as one
#   over the square root of their number. A longer run (`horizon_days=730`) does not
#   narrow them the same way: totals grow with the period, and so does the width of their
#   intervals in tonnes (cobalt delivered: about 9,500 t wide over one year, 11,300 t over
#   two, with 10 replications); only the width relative to the total shrinks, and that of
#   some averages, such as cobalt's mean lead time.
# * Compare scenarios with paired differences: notebook `02_compare_disruptions`.
# * Ask which parameters matter: notebook `03_sensitivity`, or `sim sweep` on the command
#   line.
# * The scenarios and what each says: `scenarios/README.md`.
