"""Key performance indicators of one replication, computed from the ledger and records.

A KPI row is ``(commodity, channel, site, metric, unit, value)``. ``channel`` and
``site`` are ``all`` where a figure is a total; site-level figures (border-post waits,
port throughput, market shortfall) carry the site or lane id. Every figure covers the
measured period only (after the warm-up).

Refined metal (what refiners ship out; no channel carries it) has a channel row of its
own, ``refined`` (the key the series use, :data:`sim.metrics.series.REFINED`), for the
commodities some refiner refines: for exported_t and export_value_usd where a refiner is in
the exporting country, and for in_transit_end_t, in_transit_start_t and seized_t where the
scenario has any refiner: the channel rows plus ``refined`` add up to ``all``. It has no
delivered_t, delivered_share or control_hhi: those count metal from the mines at its first
destination, so metal refined at home is counted once, under the channel that brought it to
the refiner.

Over replications (summary.csv) each KPI is the mean of the replications' values, NaNs
left out (``n`` says how many had one): a ratio KPI (delivered_share, mean_lead_time_days,
the shares and indices) is the mean of per-replication ratios, not the ratio of the means.

Metrics, in tonnes of contained metal unless the unit says otherwise:

========================  =====================================================================
mined_t                   produced by mines (by channel: the offtake share of each lot when
                          mined, after offtake deals and diversions, so output a shock
                          diverts is in the channel it went to, and in diverted_t too: do
                          not add the two; site rows: by mine)
exported_t                left the exporting country (counted when the lot sets off on the
                          lane that leaves it)
delivered_t               reached its first destination (refiner, market or stockpile)
mean_lead_time_days       tonnage-weighted days from mine to first destination, for lots
                          delivered in the period, counted from the day a lot leaves its
                          mine: the days a ban or quota holds metal at the mine are not in
                          it (they show in the stock_t series of mines and stranded_end_t), so
                          read a ban's delay from its shortfall and time_to_recover_days
lead_time_p05_days ...    5%, 50% and 95% quantiles of lead time over tonnes delivered,
                          per route (site ``route:<id>``, with delivered_t and
                          mean_lead_time_days); one-day bins, each bin's tonnes spread
                          evenly over its day, so a quantile may be off by up to a day (a
                          fixed 2-day transit gives p05 2.05 and p95 2.95). Leads of
                          sim.world.daybook.LEAD_BINS (400) days or more share one open-ended
                          bin, so a quantile falling in it is NaN (known only to be at least
                          400 days)
delivered_share           a channel's share of delivered_t (NaN if nothing was delivered)
control_hhi               Herfindahl-Hirschman index of delivered_t over channels (0-10,000)
                          for the whole period: how concentrated control of the flow is,
                          not production or refining; with n channels it cannot fall below
                          10,000 / n (2,500 with the baseline's four), so the merger
                          guidelines' thresholds for firms (1,800) do not apply. NaN if
                          nothing was delivered; refined metal (channel ``refined``) is not
                          in it: it was delivered to its refiner under its own channel.
                          The informal channel counts as ONE controller, however many
                          armed groups and traders it stands for: output diverted into it
                          from a dominant channel LOWERS the index ("less concentrated";
                          an occupation diverting half of an area's output to informal
                          lowered it by about 200), and a scenario can raise it by
                          hundreds while the leading channel's share rises a few points.
                          It is not a measure of who controls supply: read delivered_share
                          by channel (sim compare and the reports show it by channel)
consumed_t, shortfall_t   consumed by markets, and demand not met (all markets); shortfall_t
                          is the lost supply, the area of the resilience triangle (tonnes):
                          demand at the reference price (demand_t_per_year, as shocks scale
                          it; the price does not lower it) minus consumption. The price
                          index is what demand_elasticity says would match demand to what
                          was consumed, so a more elastic demand gives a lower price peak
                          and, drawing less outside supply (supply_elasticity), a shortfall
                          as large or larger, not smaller: demand the price would have
                          priced out counts as shortfall
other_supply_t            supply from outside the network received by markets
lost_t                    lost in refining (unrecovered) or otherwise
in_transit_end_t          on lanes at the end (queued for capacity, held at a closed lane's
                          entrance, or travelling)
stock_end_t               held at sites at the end (stockyards, queues, stocks)
in_transit_start_t        on lanes when the measured period starts, counted as
                          in_transit_end_t is, with the same channel rows
stock_start_t             held at sites when the measured period starts, counted as
                          stock_end_t is, after the start-date reset: the refiners',
                          markets' and stockpiles' given initial stocks (initial_*), which
                          the warm-up moved, are put back, and the tonnes the reset adds
                          or removes (the ledger's adjusted account) are in this figure,
                          in no flow. The period balances per commodity: mined_t +
                          other_supply_t - consumed_t - lost_t = stock_end_t +
                          in_transit_end_t - stock_start_t - in_transit_start_t
mass_balance_error_t      largest absolute ledger error over sites and lanes
price_peak_ratio          highest price index in the period (1 = reference price)
throughput_t              through a transit site or lane (site rows; a lane without a
                          capacity for each commodity a route or a refiner's sales can put
                          on it: what left the lane at its far end), in tonnes
                          of metal like every _t KPI, where a lane's or port's capacity is
                          in tonnes of product: at grade 0.5 a lane carrying half its
                          capacity in product carries a quarter of it in metal
throughput_trucks         trucks cleared at a border post, or loaded on a lane whose capacity
                          is in trucks a day (capacity_trucks_per_day), counted as a lot's
                          clearance or loading ends: its tonnes x the trucks a tonne of its
                          form needs (payload_t_per_truck), fractions of a truck included
                          (site rows; a lane limited in tonnes and a port count no trucks)
peak_held_t               most metal held at a border post, port, hub or junction at a day's end
                          (site rows): the backlog at its worst
peak_held_trucks          most trucks at a border post at a day's end, in line, in
                          clearance or held after it (site rows): the queue at its worst as
                          reports count it, each lot as its tonnes x the trucks a tonne of
                          its form needs (payload_t_per_truck), all commodities together
mean_wait_days            mean wait in line per lot at a border post, capacitated lane or
                          port with a throughput_t_per_day (its handling line; a port
                          without one has no row), not counting the service itself
                          (behind earlier lots of its own convoy too: each lot is its own
                          job), over lots whose service started in the period: lots still
                          in line at the end are not in it (a closure running to the end
                          shows in peak_held_t and stranded_end_t, not here)
wait_p50_days             median of the waits in line that mean_wait_days averages, over
                          the same lots, each lot counting once, interpolated between lots:
                          how long half the lots wait at most (a mean can hide that most
                          lots do not wait and a few wait long). Over replications, the
                          mean of each replication's median
wait_p95_days             95th percentile of the waits in line that mean_wait_days
                          averages: how long the last twentieth of the lots waits at
                          least. Over replications, the mean of each replication's
                          percentile
high_load_days            days the border post's clearance lanes (or a lane's loader, or a
                          port's handling) were busy at least 90% of the day, as utilisation
                          counts busy time: days of a load at which waits grow steeply when
                          arrivals vary. It measures load, not waiting: a steady flow at 95%
                          waits nothing, a line held by a closure is not busy (closed days
                          count only where lots in clearance kept the lanes busy), and a
                          scenario that moves traffic elsewhere can have fewer such days and
                          longer waits (read wait_p95_days and peak_held_t beside it)
mean_dwell_days           tonnage-weighted days a lot waits at a port for its ship or
                          trades at a hub, over lots that left in the period. At a port
                          with a throughput_t_per_day it runs from the lot's arrival, so
                          its handling (wait in line and handling time) is included, and
                          lots going on by land count too; without one, only lots leaving
                          by sea, from arrival to their ship. The whole wait for a ship
                          that can load it is counted, so a
                          closure or throttle of the port or of its sea lane is in it
                          (lots wait for the first sailing that can load them), and so
                          is an added delay there (it holds a lot at the quay before it
                          waits for its ship, or as it leaves the handling); a hub's
                          closure is not (it holds a lot after it has left: it shows
                          in lead times)
utilisation               share of the period a border post's clearance lanes (or a lane's
                          loader, or the handling of a port with a throughput_t_per_day)
                          were busy, at whatever speed a throttle left them: a post
                          throttled to half speed and busy all the time is 1.0, and closed
                          time counts as idle; for a capacity in tonnes, busy with product
                          (read it against the capacity, not against throughput_t)
refined_t                 refined metal recovered by a refiner
refined_share             a country's share of the metal the network's refiner sites refined
                          in the period (site ``country:<ISO3>``): who refines what leaves
                          the mines unrefined (hydroxide, concentrate); metal that leaves a
                          mine already refined (cathode) has no refiner and is not in it
refining_hhi              Herfindahl-Hirschman index of refined_share over countries
                          (0-10,000; NaN if nothing was refined)
seized_t                  seized by shocks (part of lost_t)
taxed_t                   mine output taxed by armed groups (a shock's tax_rate), each
                          tonne counted once however many of their sites it passed: the
                          metal that moved under their control, where armed_group_rent_usd
                          is what it paid (that includes taxes on refined metal, which
                          taxed_t leaves out: ore and the metal refined from it would count
                          twice)
diverted_t                moved by shocks into a channel (e.g. captured output to informal)
curtailed_t               not produced because stockyards were full under a ban or quota:
                          ore not mined, its by-products with it (cobalt in copper ore left
                          unmined), and a by-product whose own stockyard was full not
                          recovered from ore still mined for its main product (cobalt
                          under a cobalt ban's limit while copper goes on)
stranded_end_t            held in the exporting country at the end: at its sites (the mines'
                          working stocks aside, and its markets' and stockpiles' stocks,
                          which have arrived; border-post queues and junctions included,
                          so a run without any policy has some: read it against a reference)
                          and waiting to set off on a lane leaving one of its sites (held
                          at a closed lane's entrance or in a slow lane's loading queue;
                          those lots are in in_transit_end_t too). Lots that have set off,
                          travelling or stopped part-way by a closure, are not in it
export_value_usd          exports valued at reference price x price index when exported x
                          the payable share of the form they leave in; 0, as are
                          royalty_usd and armed_group_rent_usd, for a commodity without
                          reference_price_usd_per_t (the scenario notes say so where a
                          royalty or tax would apply). Like them, in nominal US dollars
                          summed over the period, not discounted and not adjusted for
                          inflation, at the reference price of the year the scenario
                          chose (every shipped scenario: baseline.yaml's 2024 prices)
royalty_usd               royalty on formal exports (commodity royalty_rate), in the
                          dollars of export_value_usd
armed_group_rent_usd      tax rate x value of flows through or from sites armed groups hold,
                          in the dollars of export_value_usd (site rows ``event:<id>``,
                          ``regime:<id>``, ``incident:<id>``: the rent each shock that can
                          tax took, 0 where it took none)
peak_shortfall_share      largest daily shortfall as a share of demand (all markets): the
                          depth of the resilience triangle, 1 - min Q
shortfall_days            days with shortfall (all markets together) above 0.1% of their demand
time_to_recover_days      length of the shortfall episode containing the worst day (the first
                          day of peak_shortfall_share): the run of consecutive days with
                          Q < RECOVERY_THRESHOLD around it, from its onset to the first day
                          Q is back at or above the threshold (the resilience triangle's
                          length); NaN if Q never falls below it (no episode: its mean over
                          replications is over the disrupted runs only, and ``n`` counts
                          them); an episode still going on the last day is counted to the
                          end of the period (right-censored), and one already under way on
                          the first day (begun in the warm-up) from the first day
                          (left-censored): both are lower bounds
recovered_by_end          1.0 if Q >= RECOVERY_THRESHOLD on the last day of the period, else
                          0.0 (its mean over replications is the share of runs recovered
                          on that day: one day's Q, so under lumpy arrivals, as a monthly
                          quota's, it says whether that day got a delivery, not whether
                          the shortfalls are over)
time_to_shortfall_days    days from the start of the period to the first day with
                          Q < RECOVERY_THRESHOLD, the period's length in days if none
                          (censored): the time to survive (TTS) only for a shock at the
                          start; for a later shock subtract its day. Its mean over
                          replications counts runs without shortfall at the period's
                          length, so it is a lower bound
disrupted_days            days from the first day with Q < RECOVERY_THRESHOLD to the last,
                          inclusive (good days between dips included; 0 if none): how long
                          a disruption of repeated dips lasts, which time_to_recover_days
                          (one episode) understates
days_price_above_baseline days with the price index above 1.05
closed_days               days a site or lane some shock can close or throttle was closed
                          (site rows; 0 for one only throttled: see reduced_days)
reduced_days              days such a site or lane ran below its full capacity, closed
                          days included (site rows): a post throttled to 30% for a week
                          has 7 reduced days and no closed one; only where a throttle
                          slows the element (a border post, a port with handling or
                          sailings, a lane with a loader or sailings, a mine, a refiner):
                          a junction, hub or road without a capacity, which only a closure
                          slows, has closed_days alone
released_t                released by stockpile rules from a stockpile into its market in the
                          period (site rows: the stockpile, for each commodity a rule on it
                          moves; its rules together)
bought_back_t             bought back by those rules from their markets in the period
state_time_share          share of the time a regime ran in the measured period that it
                          spent in a state (site ``regime:state``; a regime starting later
                          counts from its start)
========================  =====================================================================

Q(day), the performance behind the resilience figures, is the share of the day's demand met,
1 - shortfall / demand, with demand and shortfall summed over all markets of a commodity;
a day without demand counts as Q = 1. RECOVERY_THRESHOLD is 0.95 (recovery to 95%).

Differences from the resilience triangle of reference/anchors.md, by design: Q is what
markets consumed (drawn from their stocks, into which the network's deliveries and outside
supply go) over the day's demand, shocks to demand included, where anchors.md A.2 has
delivered over a fixed baseline demand: a delivery into a market's stock is not what
consumers received that day (the stock carries them through days without arrivals, and a
large arrival is drawn down over the days after). Q is one figure for all markets together,
so a small market cut off beside a large one well supplied barely moves it (read the market
rows of shortfall_t); depth and length belong to the episode of the worst day (the first
such day on a tie, as under total closures, where a longer episode may follow:
disrupted_days spans them) while shortfall_t, the area, sums every short day of the period
in tonnes (each day's unmet demand), not in %-days of 1 - Q nor in the tonne-days
anchors.md names: tonnes of lost supply are what analysts read, and anchors.md's own report
list asks for "unmet demand (t)". Time to recover and time to survive are of market supply
over all markets, not per node or corridor, and no node-removal (risk exposure) ranking is
computed: compare a scenario closing the node with the baseline instead. A stockpile's
"days of cover" and "shortfall avoided per tonne released" are not KPIs: released_t beside
the shortfall difference of a comparison without the stockpile gives the second. A buy-back
in the period counts against it, as what the rule buys back from its market can leave that
market short after the crisis: for the release alone, make the comparison with the rule's
rebuild_* fields set to null (review 192: 0.53 t avoided per tonne released with a buy-back
below a price index of 1.1, about 0.94 t without it).
Concentration is of channel control (control_hhi) and of refining by country
(refining_hhi), for the whole period; a production HHI (every mine is in the DRC), the
top-3 share and a governance-weighted HHI (no governance table in the references) are not
computed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from sim.metrics.series import REFINED, snap_held
from sim.world.ledger import BalanceReport
from sim.world.queues import ServerStats
from sim.world.sites import BorderPost, Hub, Market, Port, Refiner

if TYPE_CHECKING:
    from sim.world.world import World

KpiRow = tuple[str, str, str, str, str, float]
KpiLabel = tuple[str, str, str, str, str]
"""(commodity, channel, site, metric, unit): a KPI row without its value."""

ALL = "all"

RECOVERY_THRESHOLD = 0.95
"""Performance Q (share of the day's demand met, all markets) at or above which supply
counts as recovered, and below which a day belongs to a shortfall episode: the "95%
recovery" of the resilience literature."""

PRICE_ABOVE_BASELINE = 1.05
"""The price index above which a day counts in ``days_price_above_baseline``: 5% above
the reference price, beyond day-to-day noise."""

KPI_METRICS: tuple[str, ...] = (
    "mined_t", "exported_t", "delivered_t", "mean_lead_time_days",
    "lead_time_p05_days", "lead_time_p50_days", "lead_time_p95_days",
    "delivered_share", "control_hhi", "consumed_t", "shortfall_t", "other_supply_t",
    "lost_t", "in_transit_end_t", "stock_end_t", "in_transit_start_t", "stock_start_t",
    "mass_balance_error_t", "price_peak_ratio",
    "throughput_t", "throughput_trucks", "peak_held_t", "peak_held_trucks", "mean_wait_days",
    "wait_p50_days", "wait_p95_days", "high_load_days", "mean_dwell_days",
    "utilisation", "refined_t", "seized_t", "taxed_t", "diverted_t", "curtailed_t",
    "stranded_end_t",
    "export_value_usd", "royalty_usd", "armed_group_rent_usd", "peak_shortfall_share",
    "shortfall_days", "time_to_recover_days", "recovered_by_end", "time_to_shortfall_days",
    "disrupted_days", "days_price_above_baseline", "closed_days", "reduced_days",
    "released_t",
    "bought_back_t", "state_time_share",
    "refined_share", "refining_hhi",
)
"""Every metric name :func:`compute_kpis` can produce (whether a scenario has a given one
depends on its sites, routes and shocks). ``--metric`` names are checked against it before
anything is run; a test keeps it equal to the names ``compute_kpis`` writes."""

HEADLINE = ["mined_t", "exported_t", "delivered_t", "consumed_t", "shortfall_t",
            "mean_lead_time_days", "price_peak_ratio", "stock_end_t", "in_transit_end_t"]
"""The headline KPIs, in the order the terminal's tables and a comparison's headline
(:meth:`~sim.experiment.compare.Comparison.headline`) give them."""

PRICE_PEAK = "price_peak_ratio"
"""The metric of a commodity's price peak (the highest price index of the run)."""


def kpi_definitions() -> dict[str, str]:
    """Each metric's definition as this module's table of metrics gives it, on one line
    and without reStructuredText's double backticks (``{"utilisation": "share of the
    period ..."}``): the reports quote it rather than repeat it. A row naming several
    metrics (``consumed_t, shortfall_t``, ``lead_time_p05_days ...``) defines each of them.
    Empty if docstrings were stripped (``python -OO``)."""
    lines = (__doc__ or "").splitlines()
    rules = [i for i, line in enumerate(lines) if line.startswith("=====")]
    if len(rules) < 2:
        return {}
    width = len(lines[rules[0]].split()[0]) + 2  # the first column and the gap after it
    rows: list[tuple[str, list[str]]] = []
    for line in lines[rules[0] + 1:rules[1]]:
        if line[:1].strip():
            rows.append((line[:width].strip(), [line[width:].strip()]))
        elif rows and line.strip():
            rows[-1][1].append(line.strip())
    out: dict[str, str] = {}
    for names, text in rows:
        words = " ".join(text).replace("``", "")
        if names.endswith(" ..."):
            stem = names.removesuffix(" ...")
            keys = [m for m in KPI_METRICS if m.startswith(stem.split("_p")[0] + "_p")]
        else:
            keys = [n.strip() for n in names.split(",")]
        out.update(dict.fromkeys(keys, words))
    return out


def kpi_bounds(metric: str, unit: str) -> tuple[float, float]:
    """The range a KPI's value can take: every KPI is at least 0 (tonnes, days, money,
    counts, ratios); a share is at most 1 and a Herfindahl-Hirschman index at most
    10,000. A confidence interval of a mean can run past these at small n; the value
    cannot."""
    if unit == "share":
        return 0.0, 1.0
    if metric.endswith("_hhi"):
        return 0.0, 10_000.0
    return 0.0, float("inf")


KPI_ROWS = 5
"""The version of the set of KPI rows a replication writes: 2 added the rent per taxing
shock, reduced days and every lane's throughput; 3 kept reduced days only where a throttle
can slow the element; 4 added the wait quantiles and days busy at least 90% at every
queue; 5 renamed those ``high_load_days`` (review 155: a folder of 4 read as having none).
Results and sweeps record it: a comparison takes a row missing from results of this
version as one their scenario cannot have (a folder of version 3 lacks high-load days,
which are not 0 there: review 144), and a sweep saved by another version is not resumed
into a mix of the two (reviews 119, 120 and 122)."""


def compute_kpis(world: World, balance: BalanceReport) -> list[KpiRow]:
    """Every KPI of a finished replication, in a fixed order."""
    m = world.mark
    rows: list[KpiRow] = []
    coms = world.commodity_ids
    chans = world.channel_ids
    n_k = len(chans)

    def add(com: str, chan: str, site: str, metric: str, unit: str, value: float) -> None:
        rows.append((com, chan, site, metric, unit, float(value)))

    mined = world.mined_by_channel - m["mined_by_channel"]
    exported = world.exported_by_channel - m["exported_by_channel"]
    delivered = world.delivered_by_channel - m["delivered_by_channel"]
    lead = world.lead_tonne_days - m["lead_tonne_days"]
    ledger = world.ledger
    lost_all = ((ledger.lost - m["lost"]).sum(axis=0)
                + (ledger.lane_lost - m["lane_lost"]).sum(axis=0))
    seized = world.seized_by_channel - m["seized_by_channel"]
    taxed = world.taxed_by_channel - m["taxed_by_channel"]
    diverted = world.diverted_by_channel - m["diverted_by_channel"]
    export_value, royalties = _export_value(world)
    rents = world.rents - m["rents"]
    curtailed = world.curtailed - m["curtailed"]
    rec = world.recorder
    demand_daily = rec.demand.sum(axis=2)
    short_daily = rec.shortfall.sum(axis=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        short_share = np.where(demand_daily > 0, short_daily / demand_daily, 0.0)
    recover_days, recovered_end, survive_days, disrupted_days = _resilience_times(short_share)
    stranded = _stranded(world)
    consumed = world.recorder.consumed.sum(axis=(0, 2))
    other_supply = (ledger.supplied - m["supplied"]).sum(axis=0)
    shortfall = world.recorder.shortfall.sum(axis=(0, 2))
    price_peak = world.recorder.price.max(axis=0) if world.recorder.n_days else np.ones(len(coms))
    transit = world.in_transit_by_channel()
    stock_end = world.physical_site_held().sum(axis=0)
    # held when the period started (World._mark_start, after the start-date reset)
    transit_start = m["in_transit"]
    stock_start = m["site_held"].sum(axis=0)
    refined_rows = _refined_rows(world)
    # a commodity no refiner refines has no refined metal: no all-zero rows for it
    refines = [any(site.capacity_per_day[c] > 0 for site in world.refiners)
               for c in range(len(coms))]

    for c, com in enumerate(coms):
        total_delivered = delivered[c, :n_k].sum()
        for k, chan in enumerate(chans):
            add(com, chan, ALL, "mined_t", "t", mined[c, k])
            add(com, chan, ALL, "exported_t", "t", exported[c, k])
            add(com, chan, ALL, "delivered_t", "t", delivered[c, k])
            add(com, chan, ALL, "mean_lead_time_days", "days",
                lead[c, k] / delivered[c, k] if delivered[c, k] > 0 else np.nan)
            add(com, chan, ALL, "delivered_share", "share",
                delivered[c, k] / total_delivered if total_delivered > 0 else np.nan)
            add(com, chan, ALL, "in_transit_end_t", "t", transit[c, k])
            add(com, chan, ALL, "in_transit_start_t", "t", transit_start[c, k])
            add(com, chan, ALL, "seized_t", "t", seized[c, k])
            add(com, chan, ALL, "taxed_t", "t", taxed[c, k])
            add(com, chan, ALL, "diverted_t", "t", diverted[c, k])
            add(com, chan, ALL, "export_value_usd", "USD", export_value[c, k])
        for metric, unit, flow in (("exported_t", "t", exported),
                                   ("in_transit_end_t", "t", transit),
                                   ("in_transit_start_t", "t", transit_start),
                                   ("seized_t", "t", seized),
                                   ("export_value_usd", "USD", export_value)):
            if metric in refined_rows and refines[c]:
                add(com, REFINED, ALL, metric, unit, flow[c, n_k])
        shares = delivered[c, :n_k] / total_delivered if total_delivered > 0 else None
        add(com, ALL, ALL, "mined_t", "t", mined[c].sum())
        add(com, ALL, ALL, "exported_t", "t", exported[c].sum())
        add(com, ALL, ALL, "delivered_t", "t", total_delivered)
        add(com, ALL, ALL, "consumed_t", "t", consumed[c])
        add(com, ALL, ALL, "other_supply_t", "t", other_supply[c])
        add(com, ALL, ALL, "shortfall_t", "t", shortfall[c])
        add(com, ALL, ALL, "lost_t", "t", lost_all[c])
        add(com, ALL, ALL, "in_transit_end_t", "t", transit[c].sum())
        add(com, ALL, ALL, "stock_end_t", "t", stock_end[c])
        add(com, ALL, ALL, "in_transit_start_t", "t", transit_start[c].sum())
        add(com, ALL, ALL, "stock_start_t", "t", stock_start[c])
        add(com, ALL, ALL, "mass_balance_error_t", "t", balance.max_abs_error_t[c])
        add(com, ALL, ALL, "mean_lead_time_days", "days",
            lead[c, :n_k].sum() / total_delivered if total_delivered > 0 else np.nan)
        add(com, ALL, ALL, "price_peak_ratio", "ratio", price_peak[c])
        add(com, ALL, ALL, "control_hhi", "index",
            float((shares**2).sum() * 10_000) if shares is not None else np.nan)
        add(com, ALL, ALL, "seized_t", "t", seized[c].sum())
        add(com, ALL, ALL, "taxed_t", "t", taxed[c].sum())
        add(com, ALL, ALL, "diverted_t", "t", diverted[c].sum())
        add(com, ALL, ALL, "curtailed_t", "t", curtailed[c])
        add(com, ALL, ALL, "stranded_end_t", "t", stranded[c])
        add(com, ALL, ALL, "export_value_usd", "USD", export_value[c].sum())
        add(com, ALL, ALL, "royalty_usd", "USD", royalties[c])
        add(com, ALL, ALL, "armed_group_rent_usd", "USD", rents[c])
        add(com, ALL, ALL, "peak_shortfall_share", "share",
            float(short_share[:, c].max()) if rec.n_days else 0.0)
        add(com, ALL, ALL, "shortfall_days", "days",
            float((short_share[:, c] > 1e-3).sum()))
        add(com, ALL, ALL, "days_price_above_baseline", "days",
            float((rec.price[:, c] > PRICE_ABOVE_BASELINE).sum()))
        add(com, ALL, ALL, "time_to_recover_days", "days", recover_days[c])
        add(com, ALL, ALL, "recovered_by_end", "share", recovered_end[c])
        add(com, ALL, ALL, "time_to_shortfall_days", "days", survive_days[c])
        add(com, ALL, ALL, "disrupted_days", "days", disrupted_days[c])

    _site_kpis(world, add)
    _route_kpis(world, add)
    _shock_kpis(world, add)
    return rows


def _resilience_times(short_share: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Time to recover (days), recovered by the end (1.0 or 0.0), time to shortfall (days)
    and disrupted days per commodity, from the daily shortfall as a share of demand,
    ``short_share`` [day, commodity] (0 on days without demand), with Q = 1 -
    ``short_share``.

    Time to recover is the length of the run of consecutive days with Q below
    :data:`RECOVERY_THRESHOLD` around the worst day (the first day of the largest share):
    from the first day of that run to the first day after it with Q back at or above the
    threshold, or to the end of the period if there is none; a run under way on the first day
    counts from the first day. It is NaN if Q never falls below the threshold: there is
    nothing to recover from, and a 0 would pull the mean over replications towards 0 by
    the undisrupted runs. Time to shortfall is the index of the first day with Q below the
    threshold (the number of days if there is none). Disrupted days run from the first day
    with Q below the threshold to the last, inclusive, good days between dips included (0
    if there is none): where shortfalls come and go, as under a monthly quota, the worst
    episode alone can be short while the disruption lasts all period. A period of no days
    has recovered (and no episode).
    """
    n_days, n_com = short_share.shape
    if n_days == 0:
        return np.full(n_com, np.nan), np.ones(n_com), np.zeros(n_com), np.zeros(n_com)
    below = 1.0 - short_share < RECOVERY_THRESHOLD
    # The worst day as peak_shortfall_share finds it (argmax: the first of equal peaks).
    worst = short_share.argmax(axis=0)
    day = np.arange(n_days)[:, None]
    # The episode starts the day after the last good day before the worst day (or on day
    # 0) and ends on the first good day after it (or at the end of the period: censored).
    onset = np.where(~below & (day < worst), day + 1, 0).max(axis=0)
    end = np.where(~below & (day > worst), day, n_days).min(axis=0)
    in_episode = below[worst, np.arange(n_com)]
    recover = np.where(in_episode, (end - onset).astype(float), np.nan)
    survive = np.where(below.any(axis=0), below.argmax(axis=0), n_days)
    last = n_days - 1 - below[::-1].argmax(axis=0)
    disrupted = np.where(below.any(axis=0), last - survive + 1, 0)
    return (recover, (~below[-1]).astype(float), survive.astype(float),
            disrupted.astype(float))


def _refined_rows(world: World) -> set[str]:
    """The per-channel metrics that get a ``refined`` row: where refined metal (booked in
    the last column of the channel flows) can have some, so that the channel rows add up
    to ``all``; the same in every replication (fixed by the scenario's refiners)."""
    countries = {site.country for site in world.refiners}
    if not countries:
        return set()
    rows = {"in_transit_end_t", "in_transit_start_t", "seized_t"}
    if world.sc.exporting_country in countries:
        rows |= {"exported_t", "export_value_usd"}
    return rows


def _stranded(world: World) -> np.ndarray:
    """Tonnes per commodity held in the exporting country at the end beyond the mines'
    working stocks: at its sites other than its markets and stockpiles (metal that reached them
    is where it was going), and waiting to set off on a lane that leaves one of them (held
    at a closed lane's entrance, or in a capacitated lane's loading queue).

    A lot waiting at a lane's entrance is still at the lane's origin: closing the road out
    of a border post strands what it holds as closing the post itself does. The ledger books
    such lots on the lane, so they are in in_transit_end_t as well; stranded_end_t is not
    part of the mass balance, and counts them once. Lots that have set off are not
    stranded, whether travelling or stopped part-way by a closure (a closure on the road
    is not a holding in the country's sites).
    """
    sc = world.sc
    exporter = sc.exporting_country
    out = np.zeros(world.n_commodities)
    for site in world.sites:
        # a market's or stockpile's stock has arrived where it was going: a home market's
        # consumer stock is not metal a ban stranded (review 179)
        if sc.country_of(site.id) != exporter or site.kind in ("market", "stockpile"):
            continue
        held = site.held()
        if site.kind == "mine":
            held = np.maximum(held - site.working_stock, 0.0)  # type: ignore[attr-defined]
        out += held
    # world.lanes is built in the order of sc.lanes
    for lane, spec in zip(world.lanes, sc.lanes.values(), strict=True):
        if sc.country_of(spec.from_) != exporter:
            continue
        for lot in lane.waiting():
            out[lot.commodity] += lot.tonnes
    return out


def closable_elements(world: World) -> list[tuple[str, object]]:
    """Sites and lanes some shock can close or throttle (fixed by the scenario, so every
    replication reports the same rows)."""
    from sim.shocks.effects import OPEN_KINDS
    from sim.shocks.targets import resolve

    sc = world.sc
    targets = [ev.targets for ev in sc.shocks.events.values()
               if ev.effects.capacity_factor is not None]
    targets += [inc.targets for inc in sc.shocks.incidents.values()
                if inc.effects.capacity_factor is not None]
    targets += [reg.targets for reg in sc.shocks.regimes.values()
                if any(st.effects.capacity_factor is not None for st in reg.states.values())]
    seen: dict[str, object] = {}
    for t in targets:
        res = resolve(world, t)
        for el in [*res.sites, *res.lanes]:
            if getattr(el, "kind", None) not in OPEN_KINDS:
                seen.setdefault(el.id, el)  # type: ignore[attr-defined]
    return list(seen.items())


def _shock_kpis(world: World, add: Callable[[str, str, str, str, str, float], None]) -> None:
    now = world.env.now
    for ident, el in closable_elements(world):
        add(ALL, ALL, ident, "closed_days", "days",
            el.closed_time(world.t0, now))  # type: ignore[attr-defined]
        if el._throttles():  # type: ignore[attr-defined]
            # elsewhere it would repeat closed_days: only a closure slows the element
            add(ALL, ALL, ident, "reduced_days", "days",
                el.reduced_time(world.t0, now))  # type: ignore[attr-defined]
    # one row per stockpile and commodity a rule moves, whatever the rules on it did
    moved: dict[tuple[str, int], list[float]] = {}
    for ctl in world.shocks.stockpiles:
        key = (ctl.stockpile.id, ctl.commodity)  # type: ignore[attr-defined]
        both = moved.setdefault(key, [0.0, 0.0])
        both[0] += ctl.released
        both[1] += ctl.bought_back
    for (site, c), (released, bought_back) in moved.items():
        add(world.commodity_ids[c], ALL, site, "released_t", "t", released)
        add(world.commodity_ids[c], ALL, site, "bought_back_t", "t", bought_back)
    # who took the armed groups' rent: one row per shock that can tax and commodity
    rents = world.rents_by_source - world.mark["rents_by_source"]
    for i, source in enumerate(world.rent_sources):
        for c, com in enumerate(world.commodity_ids):
            add(com, ALL, source, "armed_group_rent_usd", "USD", float(rents[i, c]))
    for rid, run in world.shocks.regimes.items():
        total = run.measured_time.sum()
        for i, state in enumerate(run.states):
            add(ALL, ALL, f"{rid}:{state}", "state_time_share", "share",
                run.measured_time[i] / total if total > 0 else np.nan)


def _export_value(world: World) -> tuple[np.ndarray, np.ndarray]:
    """US dollars of exports by [commodity, channel] in the measured period, each day's
    tonnes at the reference price times the price index the day before (prices are set at
    the end of a day) times the payable share of the form they left in, and the royalties
    on the formal channels' part."""
    rec = world.recorder
    price_before = np.ones_like(rec.price)
    price_before[1:] = rec.price[:-1]
    value = np.einsum("dck,dc->ck", rec.exported_payable, price_before) \
        * world.reference_price[:, None]
    royalties = (value * world.formal_channel[None, :]).sum(axis=1) * world.royalty_rate
    return value, royalties


LEAD_QUANTILES = {"lead_time_p05_days": 0.05, "lead_time_p50_days": 0.5,
                  "lead_time_p95_days": 0.95}


def _route_kpis(world: World, add: Callable[[str, str, str, str, str, float], None]) -> None:
    """Tonnes delivered and lead-time mean and quantiles per route (site ``route:<id>``),
    for every route some mine could use (NaN lead times where nothing was delivered, and
    NaN quantiles where they fall in the open-ended last bin, see :func:`_hist_quantile`)."""
    coms = world.commodity_ids
    index = {key: i for i, key in enumerate(world.route_keys)}
    for channel, route, c in world.possible_routes():
        r = index.get((channel, route))
        counts = world.lead_hist.get((r, c)) if r is not None else None
        hist = np.array(counts) if counts is not None else np.zeros(1)
        total = float(hist.sum())
        where = f"route:{route}"
        add(coms[c], channel, where, "delivered_t", "t", total)
        if total <= 0.0:
            add(coms[c], channel, where, "mean_lead_time_days", "days", np.nan)
            for metric in LEAD_QUANTILES:
                add(coms[c], channel, where, metric, "days", np.nan)
            continue
        add(coms[c], channel, where, "mean_lead_time_days", "days",
            world.route_lead_tonne_days[(r, c)] / total)
        cum = np.cumsum(hist) / total
        for metric, q in LEAD_QUANTILES.items():
            add(coms[c], channel, where, metric, "days", _hist_quantile(cum, hist, total, q))


def _hist_quantile(cum: np.ndarray, hist: np.ndarray, total: float, q: float) -> float:
    """The q-quantile in days of a histogram of one-day bins (tonnes by bin, ``hist``; their
    cumulative share, ``cum``; their sum, ``total``), interpolating within the bin.

    The last bin is open-ended (it holds every lead from ``len(hist) - 1`` days on, see
    ``World.lead_hist``): a quantile falling in it is known only to be at least that many
    days, and is NaN rather than a made-up value just above the bin's start.
    """
    i = int(np.searchsorted(cum, q, side="left"))
    i = min(i, len(hist) - 1)
    if i == len(hist) - 1:
        return float("nan")
    below = cum[i - 1] if i > 0 else 0.0
    inside = hist[i] / total
    frac = (q - below) / inside if inside > 0 else 0.0
    return float(i + min(max(frac, 0.0), 1.0))


def _site_kpis(world: World, add: Callable[[str, str, str, str, str, float], None]) -> None:
    m = world.mark
    ledger = world.ledger
    coms = world.commodity_ids
    through = ledger.site_out - m["site_out"]
    lane_through = ledger.lane_out - m["lane_out"]
    mined = ledger.mined - m["mined"]
    for site in world.sites:
        if site.kind == "mine":
            for c in site.commodities:  # type: ignore[attr-defined]
                add(coms[c], ALL, site.id, "mined_t", "t", mined[site.index, c])
        if site.kind in ("border_post", "port", "trading_hub", "junction"):
            for c, com in enumerate(coms):
                add(com, ALL, site.id, "throughput_t", "t", through[site.index, c])
                # the world counts holdings from the ledger's flows: a post that never held
                # anything at a day's end can show their rounding (HELD_RESIDUE_T)
                add(com, ALL, site.id, "peak_held_t", "t",
                    snap_held(world.peak_held[site.index, c], ledger.site_in[site.index, c]))
        if isinstance(site, BorderPost):
            _server_kpis(site.id, site.server.stats, site.server.servers, world.env.now, add)
            add(ALL, ALL, site.id, "throughput_trucks", "trucks", site.server.stats.units_done)
            add(ALL, ALL, site.id, "peak_held_trucks", "trucks",
                world.peak_held_trucks[site.index])
        elif isinstance(site, Port | Hub) and site.kind != "junction":
            occ = site.occupancy
            add(ALL, ALL, site.id, "mean_dwell_days", "days",
                occ.dwell_tonne_days / occ.through_t if occ.through_t > 0 else np.nan)
            if isinstance(site, Port) and site.server is not None:
                # a port without a throughput has no handling line: no rows, as before
                _server_kpis(site.id, site.server.stats, 1, world.env.now, add)
        elif isinstance(site, Refiner):
            refined = site.refined - m["refined"][world.refiners.index(site)]
            for c, com in enumerate(coms):
                if site.capacity_per_day[c] > 0:
                    add(com, ALL, site.id, "refined_t", "t", refined[c])
        elif isinstance(site, Market):
            slot = world.market_ids.index(site.id)
            for c, com in enumerate(coms):
                if site.demand_per_day[c] > 0:
                    add(com, ALL, site.id, "consumed_t", "t",
                        world.recorder.consumed[:, c, slot].sum())
                    add(com, ALL, site.id, "shortfall_t", "t",
                        world.recorder.shortfall[:, c, slot].sum())
    carried = world.lane_commodities()
    for lane in world.lanes:
        if lane.server is None:
            # every lane's flow, for the map: estimated from the plan, an occupied mine's
            # loss was drawn on the lanes of the mines beside it (review 117)
            for c in carried.get(lane.id, ()):
                add(coms[c], ALL, lane.id, "throughput_t", "t", lane_through[lane.index, c])
            continue
        for c, com in enumerate(coms):
            add(com, ALL, lane.id, "throughput_t", "t", lane_through[lane.index, c])
        _server_kpis(lane.id, lane.server.stats, 1, world.env.now, add)
        if world.sc.lanes[lane.id].capacity_trucks_per_day is not None:
            # its server's units are trucks (Lane.add_capacity); a lane limited in product
            # tonnes counts tonnes of product, which are no trucks
            add(ALL, ALL, lane.id, "throughput_trucks", "trucks", lane.server.stats.units_done)
    _refining_concentration(world, add)


def _refining_concentration(world: World,
                            add: Callable[[str, str, str, str, str, float], None]) -> None:
    """Each refining country's share of the metal refined in the period, and their HHI,
    for every commodity some refiner refines (the same rows in every replication)."""
    m = world.mark
    coms = world.commodity_ids
    by_country: dict[str, np.ndarray] = {}
    refines: dict[int, list[str]] = {}
    for i, site in enumerate(world.refiners):
        refined = site.refined - m["refined"][i]
        by_country[site.country] = by_country.get(site.country, 0.0) + refined
        for c in range(len(coms)):
            if site.capacity_per_day[c] > 0 and site.country not in refines.setdefault(c, []):
                refines[c].append(site.country)
    for c, countries in refines.items():
        tonnes = np.array([by_country[country][c] for country in sorted(countries)])
        total = tonnes.sum()
        shares = tonnes / total if total > 0 else np.full(len(tonnes), np.nan)
        for country, share in zip(sorted(countries), shares, strict=True):
            add(coms[c], ALL, f"country:{country}", "refined_share", "share", share)
        add(coms[c], ALL, ALL, "refining_hhi", "index", float((shares ** 2).sum() * 10_000))


def _server_kpis(where: str, st: ServerStats, servers: int, now: float,
                 add: Callable[[str, str, str, str, str, float], None]) -> None:
    elapsed = max(now - st.start_t, 1e-12)
    add(ALL, ALL, where, "mean_wait_days", "days",
        st.wait_lot_days / st.n_started if st.n_started else np.nan)
    if st.n_waits:
        p50, p95 = np.quantile(st.wait_days(), (0.5, 0.95))
    else:
        p50 = p95 = np.nan
    add(ALL, ALL, where, "wait_p50_days", "days", float(p50))
    add(ALL, ALL, where, "wait_p95_days", "days", float(p95))
    add(ALL, ALL, where, "utilisation", "share", st.busy_time / (servers * elapsed))
    add(ALL, ALL, where, "high_load_days", "days", float(st.high_load_days))
