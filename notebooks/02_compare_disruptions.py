# %% [markdown]
# # Comparing disruptions: M23 escalation, the 2025 export ban, a US partnership, together
#
# Three scenarios and all the shocks of 2024-2025 combined, each against the status quo it
# starts from, over the same period (July 2024 to the end of 2027). Every scenario runs
# with the same seed, so replication *r* of every scenario draws the same random numbers
# wherever the scenarios share a component (common random numbers). Differences are then
# paired replication by replication, and their confidence intervals are far narrower than
# those of two independent runs.
#
# * **baseline** (`baseline.yaml`): the calibrated 2024 status quo run forward, with its
#   background conflict regimes and incident hazards.
# * **status quo with leakage** (`baseline_leakage.yaml`): the baseline, with the gap
#   between production and export statistics (about 6% of industrial copper, 11% of
#   industrial cobalt) read as metal leaking into the informal channel. It is the status quo the US
#   partnership starts from, so the partnership is compared with it, not with the baseline.
# * **M23 escalation** (`m23_escalation.yaml`): the 2024-25 M23 offensive in the east
#   (Rubaya from April 2024, Goma and Bukavu in early 2025, ...) scripted from the dated
#   timeline, then a random eastern conflict from 2026. It touches eastern gold only:
#   copper and cobalt are not in its path.
# * **export ban** (`export_ban_2025.yaml`): the cobalt export suspension of 22 February to
#   15 October 2025, then the quotas (the Q4 2025 allocation, then 96,600 t a year for
#   2026-27), with no exports under quota until 1 January 2026 (`first_export_delay_days`
#   77: the first truck left in January 2026; the unused Q4 allocation stays valid to 31
#   March 2026). The file also gives the
#   Chinese refiners a starting cobalt feed (printed below) that, with the markets'
#   stocks, makes the buffer outside the DRC 9 months of demand when the ban starts
#   (BMI's 8-10 months, shocks.md Scenario 4). The baseline has no such feed, so the
#   ban's differences from the baseline include that larger buffer.
# * **US partnership** (`us_partnership.yaml`): the Orion CMC offtake, which moves 40% of
#   KCC and Mutanda's copper and cobalt from the western channel to the US-partnered one
#   from July 2026 (ramping up over six months; in each replication the deal fails to close
#   with probability 0.3), the Lobito railway's capacity ramp, US security support lowering
#   the eastern conflict's escalation, and oversight that halves the leakage from 2026.
# * **all combined** (`combined_2025.yaml`): the three files above merged with a fourth,
#   `corridor_shocks.yaml` (Kasumbalesa's clearance cut of January 2025, the Dar es Salaam
#   closure of October 2025 and the Lobito flood of April-June 2026, with rerouting around
#   full closures (not Kasumbalesa's throttle)), which is not run on its own here: the
#   export ban and quotas, the M23 offensive, the corridor failures and the US partnership,
#   on the status quo with leakage, as in late 2025. No new number is assumed, but merging
#   the leakage with the ban makes the ban stop the industrial mines' leaked cobalt too
#   (about 37,600 t more curtailed, `combined_2025.yaml`'s header), and what differs from
#   the three scenarios above taken one at a time comes from the corridor failures as well
#   as from how the shocks interact.
#
# The sentences below are computed from the results, so they stay true when the scenarios
# change. With the defaults (20 replications, the full period) the notebook took about a
# minute and a quarter on one core of a shared 2-core machine (2026-11-30). The test suite runs it with `SIM_NOTEBOOK_REPS=2`; with two
# replications the intervals are wide, so use 20 or more for conclusions. It also sets
# `SIM_NOTEBOOK_FAST=1`, which this notebook ignores: the period is the question, and a
# warm-up shorter than the scenarios' 180 days would start the runs with the routes from
# the mines part-empty (cobalt takes about two months from mine to market), which moves
# the results (the ban's first shortfall, for one), not just their precision.

# %%
import os
from pathlib import Path

import pandas as pd

import sim
from sim.output.figures import compare_series_figure, forest_figure
from sim.output.tables import (
    CONTROL_HHI_NOTE,
    PRICE_PEAK,
    at_cap,
    cap_bounds,
    cap_runs,
    rising_share_note,
)

REPS = int(os.environ.get("SIM_NOTEBOOK_REPS", "20"))
pd.options.display.float_format = "{:,.2f}".format  # no scientific notation in tables

# Run as a script, the file says where the repository is, whatever the working folder;
# Jupyter has no __file__, so there the search starts from the notebook's folder.
ROOT = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd().resolve()
while not (ROOT / "scenarios").is_dir() and ROOT != ROOT.parent:
    ROOT = ROOT.parent

# %% [markdown]
# ## Run the six scenarios over one period
#
# The scenario files start at different dates; the overrides put them all on the export
# ban's period so that totals are comparable, each after its scenario's full warm-up.
# Everything runs in this process (`workers=1`).

# %%
PERIOD = ["start=2024-07-01", "end=2027-12-31", "horizon_days=null"]
FILES = {
    "baseline": "baseline.yaml",
    "status quo with leakage": "baseline_leakage.yaml",
    "M23 escalation": "m23_escalation.yaml",
    "export ban": "export_ban_2025.yaml",
    "US partnership": "us_partnership.yaml",
    "all combined": "combined_2025.yaml",
}
# Each scenario against the status quo it extends.
REFERENCE = {"M23 escalation": "baseline", "export ban": "baseline",
             "US partnership": "status quo with leakage",
             "all combined": "status quo with leakage"}
results = {}
for label, file in FILES.items():
    sc = sim.load_scenario(ROOT / "scenarios" / file, overrides=PERIOD)
    results[label] = sim.run(sc, replications=REPS, seed=1, workers=1)
    print(f"{label:24s} {sc.title}")
named = list(results.items())

ban_sc = results["export ban"].scenario
feed = ban_sc.sites["china_cobalt_refiners"].initial_feed_t.get("cobalt", 0.0)
base_feed = results["baseline"].scenario.sites["china_cobalt_refiners"].initial_feed_t
base_text = (f"{base_feed['cobalt']:,.0f} t" if "cobalt" in base_feed
             else "not set (what the warm-up leaves)")
print(f"\nChinese refiners' cobalt feed on {ban_sc.start}: export ban {feed:,.0f} t; "
      f"baseline {base_text}")

# %% [markdown]
# ## What each scenario changes, with intervals
#
# For each scenario, the KPIs that answer its question (as in `scenarios/README.md`),
# against its reference: both means, the mean paired difference and its 95% confidence
# interval (a Student-t interval of the mean difference over replications: how precisely
# the runs pin down the average effect, not the range of outcomes a single year could
# show). Money is in USD, metal in tonnes of contained metal over the whole period.
#
# `sim.compare` takes the finished results (it runs nothing again) and pairs their
# replications by number. It warns, and keeps its notes in `table.attrs["notes"]`, when
# something about the pair needs saying: two results are not comparable as they stand when
# they were run over different periods (their totals then differ by the length of the
# period) or with different seeds (so without common random numbers), and the sentences
# below then say so instead of calling the difference a change. Its other notes inform
# without making the pair incomparable: that the combined scenario extends files its
# reference does not, say, which the scenario list above already explains, or that a
# conflict regime is measured from different dates (the M23 scenarios start their Kivu
# regimes in 2026), which concerns only its `state_time_share` rows, not shown here, or
# that the export ban (and the combined scenario) starts with the buffer at the Chinese
# refiners that its reference lacks (the scenario list above says so of the ban), which
# here concerns only the cobalt in stock at the end, not shown: the references run short
# of nothing either way, so the buffer changes no shortfall or price of theirs.
#
# A price peak at the commodity's cap (`price_cap_ratio`, reached in at least one
# replication) shows the cap, not how high the price would have gone: its difference is a
# bound, not an estimate. The table writes it as `sim compare` does, `≥` (the scenario at
# the cap: the difference is at least this) or `≤` (the reference at the cap), with no
# interval (`-`, no difference at all, where both are at the cap), and names who is at the
# cap beside the metric.
#
# `control_hhi` (in the US partnership's and the combined scenario's rows) is the
# concentration of control over the channels, and it counts the informal channel as one
# controller, however many armed groups and traders it stands for. So a rise in it does not
# by itself say that one channel took control: read who controls supply from each
# channel's share of the metal delivered, further down. The sentences of those two
# scenarios end with the note `sim compare` prints beside the index.

# %%
KEYS = ["commodity", "channel", "site", "metric", "unit"]
QUESTIONS = {
    "M23 escalation": [
        ("gold", "all", "all", "exported_t"), ("gold", "informal", "all", "exported_t"),
        ("gold", "all", "all", "diverted_t"), ("gold", "all", "all", "taxed_t"),
        ("gold", "all", "all", "armed_group_rent_usd"),
        ("gold", "all", "all", "royalty_usd"), ("copper", "all", "all", "exported_t"),
        ("cobalt", "all", "all", "exported_t")],
    "export ban": [
        ("cobalt", "all", "all", "mined_t"), ("cobalt", "all", "all", "exported_t"),
        ("cobalt", "all", "all", "curtailed_t"), ("cobalt", "all", "all", "stranded_end_t"),
        ("cobalt", "all", "all", "consumed_t"), ("cobalt", "all", "all", "shortfall_t"),
        ("cobalt", "all", "all", "shortfall_days"), ("cobalt", "all", "all", "price_peak_ratio"),
        ("cobalt", "all", "all", "royalty_usd"), ("copper", "all", "all", "exported_t")],
    "US partnership": [
        ("cobalt", "us_partnered", "all", "exported_t"),
        ("copper", "us_partnered", "all", "exported_t"),
        ("cobalt", "informal", "all", "exported_t"), ("cobalt", "all", "kokkola", "refined_t"),
        ("cobalt", "all", "all", "control_hhi"), ("gold", "all", "all", "armed_group_rent_usd"),
        ("copper", "all", "all", "shortfall_t")],
    "all combined": [
        ("cobalt", "all", "all", "exported_t"), ("cobalt", "all", "all", "shortfall_t"),
        ("cobalt", "all", "all", "price_peak_ratio"),
        ("cobalt", "us_partnered", "all", "exported_t"),
        ("copper", "us_partnered", "all", "exported_t"),
        ("cobalt", "all", "all", "control_hhi"), ("gold", "all", "all", "armed_group_rent_usd")],
}


PAIRED: dict[str, pd.DataFrame] = {}


def paired(scenario: str) -> pd.DataFrame:
    """``sim.compare``'s table of ``scenario`` and its reference (every KPI, by channel and
    site too), each named by its label here."""
    if scenario not in PAIRED:
        reference = REFERENCE[scenario]
        t = sim.compare([results[reference], results[scenario]], workers=1)
        # The table names each scenario by its file's name, the reference first: use ours.
        t["scenario"] = t["scenario"].map(dict(zip(t["scenario"].unique(),
                                                   (reference, scenario), strict=True)))
        PAIRED[scenario] = t
    return PAIRED[scenario]


def versus(scenario: str) -> pd.DataFrame:
    """Every KPI of ``scenario`` against its reference, paired by replication."""
    reference = REFERENCE[scenario]
    t = paired(scenario)
    ref = t[t.scenario == reference][[*KEYS, "mean"]].rename(columns={"mean": "reference_mean"})
    out = t[t.scenario == scenario].merge(ref, on=KEYS)
    return out.assign(reference=reference,
                      comparable=comparable(results[reference], results[scenario]))


def comparable(a: sim.Results, b: sim.Results) -> bool:
    """Whether two results measure the same period with the same seed (common random
    numbers): what their paired differences need to mean what the scenarios change."""
    def period(res: sim.Results) -> tuple[object, ...]:
        sc = res.scenario
        return sc.start, sc.horizon, sc.warmup_days

    return a.seed == b.seed and period(a) == period(b)


def control_notes(table: pd.DataFrame, scenario: str, shown: list[str],
                  same_run: bool) -> list[str]:
    """The notes ``sim compare`` prints under the numbers of who controls supply in
    ``scenario`` (``table`` as :func:`paired` gives it), for the metrics ``shown``: what
    control_hhi does not say, and each channel whose share of the metal delivered rose
    while its tonnes fell."""
    notes = [CONTROL_HHI_NOTE] if "control_hhi" in shown else []
    # tonnes over another period or without common random numbers say nothing of a loss
    rose = (rising_share_note(table, scenario)
            if "delivered_share" in shown and same_run else "")
    return notes + ([rose] if rose else [])


def pick(table: pd.DataFrame, rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    wanted = pd.DataFrame(rows, columns=KEYS[:4])
    return wanted.merge(table, on=KEYS[:4], how="inner")


def capped(label: str) -> dict[str, float]:
    """The commodities whose price peak in ``label`` is at the cap in at least one
    replication (the mean is then held down by the cap), with their cap."""
    return {c: cap for c, (cap, _k, _n) in cap_runs(results[label]).items()}


def as_bounds(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` for display, a price peak at the cap in either scenario written as
    ``sim compare`` writes it: the difference as a bound (``≥ +9.00``), no interval."""
    out = table.copy()
    out["diff"] = out["diff"].astype(object)
    for i, row in out.iterrows():
        if (row["metric"], row["channel"], row["site"]) != (PRICE_PEAK, "all", "all"):
            continue
        which = [lab for lab in (row["reference"], row["scenario"])
                 if row["commodity"] in capped(lab)]
        if not which:
            continue
        out.at[i, "metric"] = (f"{PRICE_PEAK} "
                               f"({'both' if len(which) == 2 else which[0]} at the cap)")
        out.at[i, "diff"] = cap_bounds(row["diff"], row["rel_change"],
                                       row["reference"] in which, row["scenario"] in which)[0]
        out.at[i, "diff_ci_low"] = out.at[i, "diff_ci_high"] = float("nan")
    return out


key_results = pd.concat([pick(versus(s), rows) for s, rows in QUESTIONS.items()],
                        ignore_index=True)
as_bounds(key_results)[["scenario", "reference", "commodity", "channel", "site", "metric",
                        "unit", "reference_mean", "mean", "diff", "diff_ci_low",
                        "diff_ci_high"]]

# %% [markdown]
# ## In words
#
# Each result, with its interval: "unchanged" where the two scenarios agree in every
# replication (the interval is 0 to 0), "no clear change" where the 95% interval includes
# zero at this number of replications.

# %%
def amount(x: float, unit: str) -> str:
    if unit == "USD":
        return f"USD {x / 1e6:,.1f} m"
    if unit == "share":
        return f"{x:.1%}"
    text = f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.3g}"
    return {"t": f"{text} t", "days": f"{text} days", "ratio": f"{text} x",
            "index": text}.get(unit, f"{text} {unit}")


def peak_at_cap(label: str, commodity: str) -> tuple[int, int, float]:
    """How many of ``label``'s replications have their price peak at the commodity's cap,
    out of how many, and the cap."""
    res = results[label]
    cap = res.scenario.commodities[commodity].price_cap_ratio
    peaks = res.kpi("price_peak_ratio", commodity)
    return sum(at_cap(float(x), cap) for x in peaks), len(peaks), cap


def peak_cell(label: str, mean: float) -> float | str:
    """A table's cell for ``label``'s mean cobalt price peak: the number, or, where some
    replication reached the cap, the bound it is ("≥ 9.99, at the cap in 19 of 20")."""
    n_at, n, _cap = peak_at_cap(label, "cobalt")
    return f"≥ {mean:.2f}, at the cap in {n_at} of {n}" if n_at else mean


def peak_words(mean: float, n_at: int, n: int, cap: float) -> str:
    if n_at == n:
        return f"at the cap of {cap:g} x in every replication"
    if n_at:
        # the capped replications hold the mean down: it is a lower bound, as in the tables
        return (f"≥ {amount(mean, 'ratio')} (at the cap of {cap:g} x in {n_at} of {n} "
                f"replications)")
    return amount(mean, "ratio")


def sentence(row: pd.Series) -> str:
    what = " ".join(p for p in (row["commodity"],
                                row["channel"] if row["channel"] != "all" else "",
                                row["site"] if row["site"] != "all" else "",
                                row["metric"]) if p)
    low, high, diff = row["diff_ci_low"], row["diff_ci_high"], row["diff"]
    ref = row["reference_mean"]
    scale = max(abs(ref), abs(row["mean"]), 1.0)
    if not row["comparable"]:
        verdict = "not comparable (see the warning above)"
    elif low == 0 and high == 0:
        # the same in every replication (the table already counts rounding as no difference)
        verdict = "unchanged"
    elif low != low or low <= 0 <= high:
        verdict = "no clear change"
    else:
        verdict = "changes"
    # A relative change only where the reference is not (nearly) zero.
    rel = f", {diff / ref:+.1%}" if ref and abs(ref) > 0.01 * scale else ""
    if row["metric"] == "price_peak_ratio" and row["channel"] == "all" and row["site"] == "all":
        # A peak at the commodity's price_cap_ratio shows the cap, not an estimate.
        sides = [(label, peak_at_cap(label, row["commodity"]))
                 for label in (row["reference"], row["scenario"])]
        if any(n_at for _label, (n_at, _n, _cap) in sides):
            values = [peak_words(m, n_at, n, cap) for m, (_label, (n_at, n, cap))
                      in zip((ref, row["mean"]), sides, strict=True)]
            return (f"{row['scenario']} (vs {row['reference']}): {what}: {verdict}, "
                    f"{values[0]} -> {values[1]}; a peak at the cap shows the cap, not how high "
                    f"the price would have gone, so no difference is given")
    return (f"{row['scenario']} (vs {row['reference']}): {what}: {verdict}, "
            f"{amount(ref, row['unit'])} -> {amount(row['mean'], row['unit'])} "
            f"(difference {amount(diff, row['unit'])}{rel}; 95% CI "
            f"{amount(low, row['unit'])} to {amount(high, row['unit'])})")


for scenario, rows in key_results.groupby("scenario", sort=False):
    for _, row in rows.iterrows():
        print(sentence(row))
    for note in control_notes(paired(scenario), scenario, list(rows["metric"]),
                              bool(rows["comparable"].iloc[0])):
        print(note)

# %% [markdown]
# Cobalt is where the scenarios part ways. For each scenario: cobalt exported, the
# shortfall (demand not met), how many days it lasted (days with more than 0.1% of demand
# unmet), the share of replications back to 95% of demand met on the last day, how long
# stocks and pipelines covered demand before the first day below 95%
# (`time_to_shortfall_days`; it equals the period's length when there was no shortfall),
# the price index's peak and the cobalt held in the DRC at the end above working stocks.
#
# `time_to_recover_days` is left out: it measures only the unbroken run of days below 95%
# around the worst day, so under the quotas, where each month's allocation briefly lifts
# deliveries (the default `release: period_start` opens the whole month's allowance on its
# first day; `release: daily` would spread it over the month's days), it counts a few weeks
# of a shortfall that lasts well over a year.
# `disrupted_days` (from the first day below 95% to the last, the brief recoveries
# included) and `shortfall_days` measure that length.

# %%
COBALT = ["exported_t", "shortfall_t", "shortfall_days", "disrupted_days", "recovered_by_end",
          "time_to_shortfall_days", "price_peak_ratio", "days_price_above_baseline",
          "stranded_end_t"]
rows = []
for label, res in named:
    s = res.summary()
    s = s[(s.commodity == "cobalt") & (s.channel == "all") & (s.site == "all")
          & s.metric.isin(COBALT)]
    rows.append(s.assign(scenario=label)[["scenario", "metric", "mean", "unit"]])
cobalt = pd.concat(rows).pivot(index="metric", columns="scenario", values="mean")
cobalt = cobalt.loc[COBALT, list(results)].astype(object)
for label in results:
    # a peak at the cap is a bound, as in the sentences above, not a plain mean
    cobalt.loc["price_peak_ratio", label] = peak_cell(label, cobalt.loc["price_peak_ratio",
                                                                       label])
cobalt

# %%
ban = results["export ban"]
bs = ban.summary()


def ban_total(metric: str, commodity: str = "cobalt") -> float:
    row = bs[(bs.commodity == commodity) & (bs.channel == "all") & (bs.site == "all")
             & (bs.metric == metric)]
    return float(row["mean"].iloc[0])


tts = ban.kpi("time_to_shortfall_days", "cobalt")
first_short = pd.Timestamp(ban_sc.start) + pd.Timedelta(days=float(pd.Series(tts).median()))
cap = ban_sc.commodities["cobalt"].price_cap_ratio
demand = ban_total("consumed_t") + ban_total("shortfall_t")
n_at, n_reps, _cap = peak_at_cap("export ban", "cobalt")
peak_text = (f"the price index reaches the model's cap of {cap:g} times the reference price "
             f"in every replication" if n_at == n_reps else
             f"the price index peaks at ≥ {ban_total('price_peak_ratio'):.2f} times the "
             f"reference price (the mean over replications, held down by the model's cap of "
             f"{cap:g}, reached in {n_at} of {n_reps})" if n_at else
             f"the price index peaks at {ban_total('price_peak_ratio'):.2f} times the "
             f"reference price (the mean over replications)")
print(f"Export ban: stocks outside the DRC carry consumption until {first_short:%d %B %Y} "
      f"(median replication; first day below 95% of demand met). Over the period consumers "
      f"go short by {ban_total('shortfall_t'):,.0f} t ({ban_total('shortfall_t') / demand:.0%} "
      f"of demand), on {ban_total('shortfall_days'):,.0f} days; {peak_text}.")
if first_short.year > 2025:
    print("That 2025 passes without a shortfall follows from the 9-month buffer, a 2025 figure "
          "(BMI's commentary: in-sample), not from an out-of-sample test (scenarios/README.md, "
          "Validation against 2025).")
else:
    print("The shortfall starts in 2025, which the 2025 record does not show (scenarios/"
          "README.md, Validation against 2025).")
com = ban_sc.commodities["cobalt"]
print(f"Price index: responds to {com.price_basis} against demand; demand elasticity "
      f"{com.demand_elasticity}, supply elasticity {com.supply_elasticity}; bounded by "
      f"{1 / cap:g} and {cap:g}.")

# %% [markdown]
# Read the price row as the response of a price *index*, not a price forecast. In the
# model the index follows the markets' consumption against demand (the scenario's
# `price_basis`), through the demand and supply elasticities in the scenario (cobalt
# -0.28 and +0.38, from one unrefereed thesis; supplement.md s.1), and it is bounded by the
# cap. So it stays at 1 while stocks last and jumps once they run out, whereas the real
# market priced the ban at once (shocks.md A3 [C3][C5]); a peak at the cap says that
# demand went unmet, not that cobalt would cost ten times as much. The same goes for the
# ban's cobalt royalties above: exports are valued at the reference price times the price
# index on the day they leave, so the quota tonnes shipped while the index sits at its cap
# are valued at up to ten times the reference price, and royalties can rise while exports
# halve. That is the cap at work, not an estimate of the state's revenue.

# %% [markdown]
# ## Plots
#
# Forest plots of the paired differences in the headline KPIs: one panel per KPI and
# commodity, each on its own scale (so gold's few tonnes show beside cobalt's hundreds of
# thousands), one row per scenario; a solid bar is an interval that excludes zero. First
# the scenarios against the baseline:

# %%
vs_baseline = [(n, results[n]) for n in ("baseline", "M23 escalation", "export ban")]
forest_figure(vs_baseline)

# %% [markdown]
# and the US partnership and all the shocks combined against the status quo with leakage,
# named "leaky status quo" here so that the axis labels have room for it (see the note on
# copper below for what the partnership's copper rows mean).

# %%
vs_leakage = [("leaky status quo", results["status quo with leakage"]),
              *((n, results[n]) for n in ("US partnership", "all combined"))]
forest_figure(vs_leakage)

# %% [markdown]
# Performance over time, Q(t) = consumption / demand (mean and 5-95% of replications):
# a dip below 1 is supply lost, the resilience triangle. Note each panel's own scale.

# %%
compare_series_figure(named, "performance")

# %% [markdown]
# The price index (1 = the reference price) by scenario, mean and 5-95% of replications:

# %%
compare_series_figure(named, "price_index")

# %% [markdown]
# Exports across the DRC border in tonnes per day. Under the quotas cobalt leaves in a
# burst at the start of each month, when the month's allocation opens: that is the default
# `release: period_start`, which the shipped quotas use; `release: daily` spreads each
# month's allowance over its days (docs/shocks-and-policies.md, export quotas).

# %%
compare_series_figure(named, "exported_t")

# %% [markdown]
# **A note on copper in the leaky status quo.** In `baseline_leakage.yaml` the leaked
# copper follows the informal channel's routes, which all end in China, so markets outside
# China receive less DRC copper than in the baseline and China more. Markets balance their
# outside supply against the status quo of the start date, leakage included, so neither
# runs short for it. When the partnership's oversight halves the leakage from 2026, more
# copper reaches markets outside China and less reaches China, whose stocks cover the
# difference: markets in the model do not trade with each other, so such a shift shows
# as stocks moving, not as a world price. The copper shortfall by scenario:

# %%
for label in ("baseline", "status quo with leakage", "US partnership"):
    s = results[label].summary()
    rows = s[(s.commodity == "copper") & (s.metric == "shortfall_t") & (s.channel == "all")]
    by_site = {r.site: r.mean for r in rows.itertuples()}
    print(f"{label}: copper shortfall {by_site.get('all', 0):,.0f} t, of which markets "
          f"outside China and the US {by_site.get('market_row', 0):,.0f} t")

# %% [markdown]
# Who controls the cobalt delivered: each channel's share, by scenario. Read the US
# partnership against the status quo with leakage, its reference. A share is of the metal
# delivered, so a channel's share rises when it loses less than the others do: the lines
# printed above the table, the notes `sim compare` prints, name each channel whose share
# rose against its scenario's reference while its tonnes fell (both intervals clear of
# zero). Such a channel lost least; it did not gain.

# %%
for scenario, reference in REFERENCE.items():
    cobalt_rows = paired(scenario)[paired(scenario)["commodity"] == "cobalt"]
    for note in control_notes(cobalt_rows, scenario, ["delivered_share"],
                              comparable(results[reference], results[scenario])):
        print(note)
share_rows = []
for label, res in named:
    s = res.summary()
    s = s[(s.metric == "delivered_share") & (s.commodity == "cobalt") & (s.site == "all")]
    share_rows.append(s.assign(scenario=label)[["scenario", "channel", "mean"]])
shares = pd.concat(share_rows).pivot(index="channel", columns="scenario", values="mean")
shares[list(results)].round(3)

# %% [markdown]
# ## Together
#
# Does the partnership soften the ban when both are in force? Cobalt's shortfall and the
# US-partnered channel's cobalt exports, each scenario alone and all combined:


# %%
def mean_kpi(label: str, metric: str, commodity: str = "cobalt", channel: str = "all") -> float:
    s = results[label].summary()
    row = s[(s.commodity == commodity) & (s.channel == channel) & (s.site == "all")
            & (s.metric == metric)]
    if len(row):
        return float(row["mean"].iloc[0])
    # A scenario without the channel moves nothing through it; any other missing row is a
    # mistake here.
    assert channel not in results[label].scenario.channels, (label, metric, channel)
    return 0.0


together = pd.DataFrame({
    label: {"cobalt shortfall, t": mean_kpi(label, "shortfall_t"),
            "cobalt price peak, x reference": peak_cell(label,
                                                        mean_kpi(label, "price_peak_ratio")),
            "cobalt exported, US-partnered, t": mean_kpi(label, "exported_t",
                                                         channel="us_partnered"),
            "copper exported, US-partnered, t": mean_kpi(label, "exported_t", "copper",
                                                         "us_partnered")}
    for label in ("export ban", "US partnership", "all combined")})
us_cobalt = together.loc["cobalt exported, US-partnered, t"]
short = together.loc["cobalt shortfall, t"]


def deal_closed(label: str) -> tuple[int, int]:
    """In how many of ``label``'s replications the Orion deal closed (US-partnered cobalt
    exported above 0 t), out of how many. It fails with probability 0.3 in each, so with
    few replications it can fail in all of them, and the mean is then 0 t."""
    exported = results[label].kpi("exported_t", "cobalt", "us_partnered")
    return int((exported > 0).sum()), len(exported)


def deal_words(n_closed: int, n: int, mean_t: float) -> str:
    """The partnership's cobalt through the US-partnered channel, in words: ``mean_t``
    (tonnes, the mean over all ``n`` replications) and in how many of them the deal
    closed (``n_closed``, counted as replications with US-partnered cobalt exported)."""
    if n_closed == 0:
        return (f"the deal closes in none of the {n} replications (it fails with chance 0.3 "
                f"in each), so no cobalt leaves through the US-partnered channel")
    closed = f"in all {n} replications" if n_closed == n else f"in {n_closed} of {n} replications"
    failed = "" if n_closed == n else ", failed deals included"
    return (f"the deal closes {closed} and {mean_t:,.0f} t of cobalt leaves through the "
            f"US-partnered channel (the mean over all {n}{failed})")


print(f"Alone, {deal_words(*deal_closed('US partnership'), us_cobalt['US partnership'])}; "
      f"with the ban and the quotas in force, "
      f"{deal_words(*deal_closed('all combined'), us_cobalt['all combined'])}. "
      f"The cobalt shortfall is "
      f"{short['export ban']:,.0f} t under the ban alone and {short['all combined']:,.0f} t "
      f"with everything combined (the combined scenario adds the corridor failures, and "
      f"their references differ by the leakage).")
together

# %% [markdown]
# A quota caps what a mine exports through all its channels together, and a mine's
# channels share the allowance in proportion to the metal each has waiting: the
# partnership's offtake redirects a share of a capped flow rather than adding to it.
#
# The export ban in its own figures: cobalt mined and exported by channel (mining goes on
# while exports stop; artisanal digging stops about a month into the ban, when traders stop
# buying cobalt they cannot export), and deliveries against demand with the resilience
# triangle. The artisanal stop is an assumption (`stock_limit_days: 30` in
# `export_ban_2025.yaml`), and the 2025 record contradicts it: DRC cobalt output in 2025 was
# about as large as in 2024, so DRC cobalt mined falls 11% in 2025 here where it did not
# (scenarios/README.md, Validation against 2025; `export_ban_2025_artisanal_digging.yaml`
# keeps the diggers digging).

# %%
ban.plot.flows(commodity="cobalt")

# %% [markdown]
# In the deliveries, the grey line (arrivals at markets from the DRC network, refiners
# outside the DRC included) stays near its usual level for months after exports stop in
# February 2025. That is not DRC metal still leaving: it is the cobalt already on its way
# when the ban began and the Chinese refiners' feed and stocks, the buffer above, being
# refined and shipped to markets. Arrivals fall away once the refiners have worked through
# their stocks (`ban.plot.stocks(commodity="cobalt")` shows them run down); from then
# until the quotas' exports arrive consumers live on the markets' own stocks, and the
# shortfall starts when those run out.

# %%
ban.plot.deliveries(commodity="cobalt")

# %% [markdown]
# ## What to try next
#
# * The supplement's smaller outside-DRC buffer (40-70 kt in all, supplement.md note 6):
#   rerun the export ban with
#   `sites.china_cobalt_refiners.initial_feed_t.cobalt=8000` added to `PERIOD` (the variant
#   named in `export_ban_2025.yaml`) and see the shortfall start earlier (from late
#   September or October 2025, which the 2025 record does not show).
# * Let the price respond to supply rather than consumption: add
#   `commodities.cobalt.price_basis=supply`. It still shows no rise in the weeks after the
#   ban, since the refiners keep shipping from their feed stocks; from June 2025, as those
#   stocks run down, it runs about a quarter above the baseline's (scenarios/README.md).
#   Its weekly value first reaches the cap between mid-January and February 2026, and
#   does not stay there: after that first week it is at the cap in about one week in ten
#   (6-14% of the weeks, by replication; 10 replications, seed 1). The real market rose
#   within weeks of the ban.
# * Other scenarios: `m23_southern_push.yaml` (a push toward Katanga),
#   `us_partnership_no_show.yaml` (the deal never closes), `corridor_shocks.yaml`,
#   `export_ban_2025_artisanal_digging.yaml` (the ban with diggers who keep digging, as the
#   2025 production record suggests),
#   `china_export_control_allies.yaml`; their headline results are in
#   `scenarios/README.md`.
# * The export ban against the baseline from the command line, with a report, over the
#   same period as `PERIOD` here (`--set` applies to every file compared; without it the
#   baseline would run over 2024 only):
#   `sim compare scenarios/baseline.yaml scenarios/export_ban_2025.yaml --set
#   start=2024-07-01 --set end=2027-12-31 --set horizon_days=null -n 50 --out DIR`
#   then `sim report DIR`; `--target-ci` runs until an interval is narrow enough.
# * Which parameters drive the ban's shortfall: notebook `03_sensitivity`.
