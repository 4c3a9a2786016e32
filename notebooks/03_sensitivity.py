# %% [markdown]
# # Sensitivity: what drives the cobalt shortfall under an export ban?
#
# A one-at-a-time sensitivity analysis. The base case is the 2024 baseline (one year, after
# its 180-day warm-up) with a stylised cobalt export ban added through `--set`-style
# overrides: six months from 15 January 2024, covering
# every channel. The cobalt feed at Chinese refiners is set to 20,000 t on the start date
# (the baseline leaves it at what the warm-up builds up); with the markets' starting stocks
# that makes an outside-DRC buffer within the supplement's calibrated range of 40-70 kt
# (supplement.md note 6; the total is printed below), thin enough for the ban to bite
# within the year. Each parameter is then set low and high in turn, everything else held
# at the base case, and the cobalt shortfall (demand not met, tonnes, over 2024) compared
# with the base case's, paired by replication (same seed).
#
# This is a screening design, cheap and easy to read; it does not show interactions, and
# the ranges are judgements (listed below), so the ranking is only as good as they are.
# The shortfall is counted to the end of 2024: where a run is still short on 31 December
# (a `recovered` below 100% in the table below; the sentence under it names those runs),
# the rest of its shortfall is not counted: for those runs the change in the table is the
# change up to 31 December, not over the whole shortfall. The calibrated 2025 ban is
# `scenarios/export_ban_2025.yaml` (see notebook 02).
#
# The full design (11 runs of 10 replications, and two more without the ban) took about
# half a minute on one core of a shared 2-core machine (2026-11-30). The test suite runs this notebook with `SIM_NOTEBOOK_REPS=2`,
# two replications of the same design. It also sets `SIM_NOTEBOOK_FAST=1`, which this
# notebook ignores: the period and the warm-up are part of the question. A shorter year
# would end the count before the ban's shortfall has run its course (with 300 days the
# border's low value even lowers the shortfall, because cobalt queued at Kasumbalesa before
# the ban keeps crossing during it and delays the shortfall's start), and a warm-up shorter
# than the routes from the mines (cobalt takes about two months from mine to market) would
# start the ban with the pipelines part-empty; the buffer, the shortfall and the effect of
# the border's capacity would all move.

# %%
import os
import textwrap
import warnings
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.patches import Patch

import sim
from sim.experiment.stats import t_interval
from sim.output.style import new_figure

REPS = int(os.environ.get("SIM_NOTEBOOK_REPS", "10"))
pd.options.display.float_format = "{:,.2f}".format  # no scientific notation in tables

# Run as a script, the file says where the repository is, whatever the working folder;
# Jupyter has no __file__, so there the search starts from the notebook's folder.
ROOT = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd().resolve()
while not (ROOT / "scenarios").is_dir() and ROOT != ROOT.parent:
    ROOT = ROOT.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"

# %% [markdown]
# ## The base case and the parameters
#
# Each parameter is a scenario path with a low and a high value. The ranges, around the
# base case's value (printed below with the ranges):
#
# * ban length: 4 and 8 months around 6 (the 2025 ban lasted about 7.8 months before the
#   quotas, shocks.md Scenario 4);
# * refiner feed buffer and China's market stock: half and one and a half times the base
#   case's value (judgements; the stocks are a calibrated, not a measured, parameter:
#   supplement.md note 6);
# * demand elasticity: twice and half the baseline's -0.28 (one unrefereed study,
#   supplement.md s.1). It does not let demand fall with the price: it sets how far the
#   price index rises for a given cut in consumption. The shortfall is demand at the
#   reference price minus consumption, so a more elastic demand gives a lower price peak
#   and, drawing less outside supply, if anything a larger shortfall, not a smaller one;
# * Kasumbalesa clearance: 300 and 600 trucks a day around the baseline's 450 (S86); the
#   January 2025 cut took it to 250 (shocks.md A4 [L9]).
#
# The base-case column is read from the base-case scenario, so a parameter added to
# `PARAMETERS` needs only its override template and its low and high values (a template
# with `{}` where the value goes); the ban's length, which is not a value in the scenario
# file, is `BAN_MONTHS`. The ban-length row is left out when the base case has no stylised
# ban (`BASE` on the calibrated scenario, as in the exercise on the calibrated ban
# below), and the run without the ban at the end drops every export ban and quota of the
# base case, the scenario file's own included.

# %%
BAN_ID, BAN_START, BAN_MONTHS = "stylised", "2024-01-15", 6


def ban(months: int) -> str:
    end = (pd.Timestamp(BAN_START) + pd.DateOffset(months=months)).date()
    return (f"policies.export_bans.{BAN_ID}={{commodity: cobalt, start: {BAN_START}, "
            f"end: {end}}}")


BASE = ["horizon_days=366", ban(BAN_MONTHS),
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
        return [o for o in BASE if not o.startswith(f"policies.export_bans.{BAN_ID}=")] + [
            ban(int(value))]
    return [*BASE, template.format(value)]


def value_at(sc: sim.Scenario, template: str) -> object:
    """The value that ``template`` (``"key.path={}"``) overrides, as ``sc`` has it."""
    path = template.split("=")[0]
    value: object = sc
    for key in path.split("."):
        try:
            value = value[key] if isinstance(value, Mapping) else getattr(value, key)
        except (KeyError, AttributeError):
            # the model's default applies (a refiner's feed where the warm-up leaves it):
            # there is no one number to print beside the low and high values
            raise ValueError(f"the base case sets no value at {path} ({key!r} missing): "
                             "give it one in BASE, or leave the parameter out") from None
    return value


def base_values(sc: sim.Scenario) -> dict[str, object]:
    """Each parameter's value in the base case ``sc``."""
    return {label: BAN_MONTHS if template is None else value_at(sc, template)
            for label, (template, _lo, _hi) in PARAMETERS.items()}


def without_bans(overrides: list[str]) -> list[str]:
    """``overrides`` with every export ban and quota removed, the scenario file's too: the
    calibrated scenario's ban is a sequence of suspensions followed by quotas."""
    return [*overrides, "policies.export_bans=null", "policies.export_quotas=null"]


RECOVERED: dict[tuple[str, str], float] = {}


def shortfall(overrides: list[str], key: tuple[str, str] = ("base", "")) -> np.ndarray:
    """Cobalt shortfall per replication; also notes the share of runs recovered by the end."""
    sc = sim.load_scenario(BASELINE, overrides=overrides)
    res = sim.run(sc, replications=REPS, seed=1, workers=1)
    RECOVERED[key] = float(res.kpi("recovered_by_end", "cobalt").mean())
    return res.kpi("shortfall_t", "cobalt")


with warnings.catch_warnings(record=True) as said:
    warnings.simplefilter("always")
    base_sc = sim.load_scenario(BASELINE, overrides=BASE)
# The loader's note on the ban's release (the markdown below says what it means), once:
# each run of the design gives it again with its own numbers
for note in said:
    if str(note.message).startswith(f"export ban {BAN_ID!r}"):
        print(textwrap.fill(f"note: {note.message}", 92), "\n")
warnings.filterwarnings("ignore", message=f"export ban {BAN_ID!r}")
if BAN_ID not in base_sc.policies.export_bans:
    # a file's own ban (the calibrated one: dated suspensions, then quotas) has no single
    # length that this parameter could set
    del PARAMETERS["ban length (months)"]
    print("The base case has no stylised ban: the ban-length row is left out.")
markets = sum(float(site.initial_stock_t.get("cobalt", 0.0))
              for site in base_sc.sites.values() if site.kind == "market")
feed = float(base_sc.sites["china_cobalt_refiners"].initial_feed_t["cobalt"])
print(f"outside-DRC cobalt buffer on {base_sc.start}: refiners {feed:,.0f} t + markets "
      f"{markets:,.0f} t = {feed + markets:,.0f} t")
BASE_VALUES = base_values(base_sc)
print(pd.DataFrame([(k, BASE_VALUES[k], lo, hi) for k, (_t, lo, hi) in PARAMETERS.items()],
                   columns=["parameter", "base case", "low", "high"]).to_string(index=False))

base = shortfall(BASE)
mean, low, high = t_interval(base)
print(f"\nbase case cobalt shortfall over {base_sc.horizon:.0f} days: {mean:,.0f} t (95% CI "
      f"{low:,.0f} to {high:,.0f}); runs recovered by the end: {RECOVERED[('base', '')]:.0%}")

# %% [markdown]
# The note above is the loader's (`sim validate` prints it too): when the stylised ban
# ends, the mines' whole stock of the six months leaves on one day as one lot per mine and
# channel, and queues at Kasumbalesa ahead of the copper behind it. That burst is part of
# what this base case measures, and it bears on the runs still short on 31 December: at
# 300 trucks a day the border has no spare capacity for it, and an eight-month ban releases
# it later in the year. `stock_limit_days` on the ban, or a quota after it, would release
# the stock gradually; the calibrated 2025 ban is followed by quotas (notebook 02).
#
# ## Run the design
#
# Two runs per parameter; every run uses seed 1, so each difference from the base case is
# paired replication by replication.

# %%
rows = []
for label, (_template, lo_value, hi_value) in PARAMETERS.items():
    for level, value in (("low", lo_value), ("high", hi_value)):
        diff = shortfall(overrides_for(label, value), (label, level)) - base
        d_mean, d_low, d_high = t_interval(diff)
        rows.append({"parameter": label, "level": level, "value": value,
                     "shortfall change (t)": d_mean, "ci_low": d_low, "ci_high": d_high,
                     "recovered": RECOVERED[(label, level)]})
table = pd.DataFrame(rows)
table["swing (t)"] = table.groupby("parameter")["shortfall change (t)"].transform(
    lambda s: s.max() - s.min())
table = table.sort_values(["swing (t)", "parameter", "level"], ascending=[False, True, False])
FORMATS = {"value": "{:g}", "shortfall change (t)": "{:+,.0f}", "ci_low": "{:+,.0f}",
           "ci_high": "{:+,.0f}", "swing (t)": "{:,.0f}", "recovered": "{:.0%}"}
table.assign(**{col: table[col].map(fmt.format) for col, fmt in FORMATS.items()})

# %% [markdown]
# The runs still short on the run's last day (31 December 2024 in the base case), whose
# shortfall is counted only to then:

# %%
cut_off = [f"{r.parameter} at its {r.level} value {r.value:g} ({r.recovered:.0%} of runs "
           f"recovered)" for r in table.itertuples() if r.recovered < 1]
if RECOVERED[("base", "")] < 1:
    cut_off.insert(0, f"the base case ({RECOVERED[('base', '')]:.0%} of runs recovered)")
last_day = pd.Timestamp(base_sc.start) + pd.Timedelta(days=base_sc.horizon - 1)
print(f"Still short on {last_day:%d %B %Y}, so their shortfall is cut off there: "
      + "; ".join(cut_off) if cut_off else
      f"Every run was back to 95% of demand met by {last_day:%d %B %Y}: no shortfall is cut "
      "off.")

# %% [markdown]
# ## Tornado plot
#
# Two bars per parameter, both drawn from zero: the change in the cobalt shortfall (tonnes
# over the run) when the parameter is at its low value (blue, upper bar) and at its high
# value (red, lower bar), against the base case; each bar's whisker is the 95% confidence
# interval of its paired difference. Parameters are ordered by the swing between the two,
# the widest on top; under each name are its low, base-case and high values. A hatched bar
# is one whose runs were not all back to 95% of demand met on the last day (the list
# above): its shortfall is counted only to then.

# %%
order = (table.drop_duplicates("parameter").sort_values("swing (t)")["parameter"].tolist())
fig = new_figure(9, 0.7 * len(order) + 1.9)
ax = fig.add_subplot()
for y, label in enumerate(order):
    part = table[table.parameter == label].set_index("level")
    # each level on its own half of the row, with its own whisker
    for level, color, dy in (("low", "#2e6fb5", 0.2), ("high", "#c0392b", -0.2)):
        r = part.loc[level]
        # the text under the table names the cut-off runs; a reader of the figure alone
        # would take their bars for whole shortfalls
        ax.barh(y + dy, r["shortfall change (t)"], height=0.4, color=color, alpha=0.7,
                hatch="///" if r["recovered"] < 1 else None, edgecolor="white",
                label=f"parameter at its {level} value" if y == 0 else None)
        if not np.isnan(r["ci_low"]):
            ax.plot([r["ci_low"], r["ci_high"]], [y + dy, y + dy], color="black", lw=1,
                    label="95% CI of the paired difference" if y == 0 and level == "low"
                    else None)
ax.axvline(0, color="black", lw=0.8)
ax.set_yticks(range(len(order)), [
    f"{label}\n{PARAMETERS[label][1]:,g} / {BASE_VALUES[label]:,g} / {PARAMETERS[label][2]:,g}"
    for label in order])
ax.xaxis.set_major_formatter(lambda x, _pos: f"{x:+,.0f}")
ax.set_xlabel("change in cobalt shortfall from the base case (t over the run)")
ax.set_ylabel("parameter (low / base case / high value)")
ax.grid(False, axis="y")
ax.set_title(f"What drives the cobalt shortfall (base case {mean:,.0f} t; {REPS} replications)")
handles, labels = ax.get_legend_handles_labels()  # the whisker's entry last
if (table["recovered"] < 1).any():
    handles.append(Patch(facecolor="white", edgecolor="grey", hatch="///"))
    labels.append("runs still short on the last day: counted to then")
entries = sorted(zip(handles, labels, strict=True), key=lambda e: e[1].startswith("95%"))
fig.legend(*zip(*entries, strict=True), loc="outside lower center", ncols=2)  # below the panel
fig

# %% [markdown]
# ## Reading it
#
# The parameters in order of influence, computed from the table above; "(CI includes 0)"
# marks a change this number of replications cannot tell from none.

# %%
def change(row: pd.Series) -> str:
    unclear = " (CI includes 0)" if row["ci_low"] <= 0 <= row["ci_high"] else ""
    return f"{row['shortfall change (t)']:+,.0f} t{unclear}"


for label in reversed(order):
    part = table[table.parameter == label].set_index("level")
    lo_row, hi_row = part.loc["low"], part.loc["high"]
    print(f"{label}: low {lo_row['value']:g} -> {change(lo_row)}, "
          f"high {hi_row['value']:g} -> {change(hi_row)} (swing {lo_row['swing (t)']:,.0f} t)")

# %% [markdown]
# Kasumbalesa's clearance is not like the other parameters: it is a capacity the border
# has every day, ban or not. A value below what the mines send through it holds exports
# back with no ban at all. Whether its bar is a shortfall the slow border would cause on its
# own or one it causes only together with the ban depends on the shortfall without the ban
# (the tornado's metric), not on exports: the base case without the ban, at the border's
# base and low values, paired:

# %%
TRUCKS = "Kasumbalesa trucks per day"
NO_BAN = without_bans(BASE)
no_ban_base = sim.load_scenario(BASELINE, overrides=NO_BAN)
no_ban_low = sim.load_scenario(BASELINE, overrides=[*NO_BAN, PARAMETERS[TRUCKS][0].format(
    PARAMETERS[TRUCKS][1])])
no_ban = sim.compare([no_ban_base, no_ban_low], replications=REPS, seed=1, workers=1)
no_ban = no_ban[(no_ban.channel == "all") & (no_ban.site == "all")
                & no_ban["diff"].notna()].set_index(["commodity", "metric"])


def no_ban_change(commodity: str, metric: str) -> str:
    r = no_ban.loc[(commodity, metric)]
    rel = "" if np.isnan(r["rel_change"]) else f", {r['rel_change']:+.0%}"
    return (f"{commodity} {metric} {r['diff']:+,.0f} t{rel} (95% CI {r['diff_ci_low']:+,.0f} "
            f"to {r['diff_ci_high']:+,.0f})")


print(f"No ban, {PARAMETERS[TRUCKS][1]:g} instead of {BASE_VALUES[TRUCKS]:g} trucks a day: "
      + "; ".join(no_ban_change(c, m) for c, m in (
          ("cobalt", "exported_t"), ("copper", "exported_t"), ("cobalt", "shortfall_t"),
          ("copper", "shortfall_t"))))
exports_cut = no_ban.loc[("cobalt", "exported_t"), "diff_ci_high"] < 0
alone = no_ban.loc[("cobalt", "shortfall_t")]
bar = table[(table.parameter == TRUCKS) & (table.level == "low")].iloc[0]
with_ban = (f"its bar above ({bar['shortfall change (t)']:+,.0f} t of cobalt shortfall with "
            f"the ban)")
exports = ("cuts cobalt exports" if exports_cut else "does not clearly cut cobalt exports")
if alone["diff_ci_low"] > 0:
    print(f"So without any ban the low value {exports} and adds "
          f"{alone['diff']:+,.0f} t of cobalt shortfall of its own: {with_ban} is partly a "
          f"border that clears fewer trucks every day, whatever the ban does.")
elif alone["diff_ci_low"] == 0 and alone["diff_ci_high"] == 0:
    print(f"So without the ban the low value {exports} but adds no cobalt shortfall in any "
          f"replication: {with_ban} comes from the ban and the slow border together, the "
          f"border's part in the ban's shortfall.")
elif alone["diff_ci_high"] < 0:
    print(f"So without the ban the low value {exports} and lowers the cobalt shortfall "
          f"({alone['diff']:+,.0f} t): {with_ban} comes from the ban and the slow border "
          f"together.")
else:
    print(f"So without the ban the low value {exports}, and the cobalt shortfall it adds on "
          f"its own ({alone['diff']:+,.0f} t) cannot be told from none at this number of "
          f"replications: read {with_ban} as mostly the ban and the slow border together.")

# %% [markdown]
# A one-at-a-time screen answers "which of these, moved over these ranges, moves the
# shortfall most", for this stylised ban in this base case; it is not a forecast of any
# ban's shortfall, and a parameter ranked low here may matter with other ranges or in
# combination with another.
#
# ## What to try next
#
# * Interactions and a variance decomposition: `sim sweep scenarios/baseline.yaml --param
#   ... --design sobol -n 64 -r 3` (with the base case's overrides as `--set`) gives Sobol
#   indices with intervals (`sobol.csv`, `figures/sweep-sobol.png`), or `sim.run_sweep`
#   from Python.
# * Other parameters: the supply elasticity (`commodities.cobalt.supply_elasticity`), the
#   price basis (`commodities.cobalt.price_basis=supply`), the miners' stock limit under a
#   ban, the Lobito corridor's capacity.
# * The same screen on the calibrated ban: set `BASELINE` to
#   `ROOT / "scenarios" / "export_ban_2025.yaml"` and `BASE` to `[]` (the file's own
#   period, July 2024 to the end of 2027, and its own refiners' feed, 80,100 t), and move
#   the feed buffer's low and high values around that feed (half and one and a half times
#   it: 40,050 and 120,150 in `PARAMETERS`). The ban-length row then drops out (the
#   notebook says so): the file's ban is dated suspensions followed by quotas, which no
#   single length describes. The run without the ban drops the file's bans and quotas. Its
#   runs are three and a half years long, and the design takes about twice as long.
# * More replications (`SIM_NOTEBOOK_REPS=20`) where an interval includes zero.
