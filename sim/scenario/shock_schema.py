"""The scenario format for shocks and policies.

Shocks change the world for a while: scripted **events** ("M23 takes Goma on 2025-01-27"),
per-region conflict **regimes** (continuous-time Markov chains over states such as calm,
contested and occupied) and **incidents** (border strikes, port closures, rail outages
arriving at a rate per year). Each has *targets* (sites, lanes, regions, and filters by
channel and commodity) and *effects* (capacity factor, added delay, diversion to another
channel, seizure, armed-group tax, market demand and price).

Policies are first-class: export bans and quotas, offtake deals, corridor upgrades,
stockpile release rules, security support and refined-product export controls.

Times are a calendar date or a number of days after the scenario's ``start``. Durations
are a number of days or a distribution. Overlapping effects combine: capacity factors
multiply (so a closure, factor 0, wins), delays add, diversions and seizures apply in turn.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from sim.scenario.types import (
    Days,
    DurationDays,
    Fraction,
    Id,
    PositiveDays,
    PositiveDurationDays,
    PositiveFraction,
    PositiveTonnesPerDay,
    Strict,
    Tonnes,
    TonnesPerYear,
    TrucksPerDay,
    quantity,
)

MAX_DAY_NUMBER = 1e5
"""The largest number of days (before or after the start date) a time may be given as."""


def number_written(value: object) -> str | None:
    """``value`` as written when it is a number: an int, a float or text that reads as one
    (``'0'``, ``' 2025 '``, ``'1e3'``); None for anything else (a date, other text, a
    bool). pydantic reads such a number, quoted or not, as seconds since 1970 where a date
    goes."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.15g}"
    if isinstance(value, str):
        text = value.strip()
        try:
            float(text)
        except ValueError:
            return None
        return text
    return None


def _when(value: object) -> object:
    """Unwrap a cited ``{value: ...}`` time; convert ``{value: n, unit: u}`` to days.
    ``true``/``false`` (YAML's yes/no/on/off) is refused, not taken for day 1 or 0."""
    if isinstance(value, dict) and "value" in value and set(value) <= {"value", "unit"}:
        inner = value["value"]
        if isinstance(inner, dt.date) or "unit" not in value:
            return _when(inner)
        return _when(quantity("day").func(value))
    if isinstance(value, bool):
        raise ValueError(f"expected a date such as 2025-01-27 or a number of days, got "
                         f"{value!r}")
    shown = number_written(value)
    if shown is None:
        return value
    days = float(shown)
    # pydantic's date branch reads a number as seconds since 1970: '0' was 1970-01-01 where
    # '30' was day 30, and 172800 was 1970-01-03 (review 249); written as `not <=`, nan is
    # refused here once, not by both of the union's branches
    if not abs(days) <= MAX_DAY_NUMBER:
        raise ValueError(f"expected a date such as 2025-01-27 or a number of days from "
                         f"-{MAX_DAY_NUMBER:,.0f} to {MAX_DAY_NUMBER:,.0f}, got the number "
                         f"{shown}")
    return days if isinstance(value, str) else value


When = Annotated[
    dt.date | Annotated[float, Field(ge=-MAX_DAY_NUMBER, le=MAX_DAY_NUMBER,
                                     allow_inf_nan=False)],
    BeforeValidator(_when),
]
"""A calendar date, or days after the scenario's start."""

Ratio = Annotated[float, quantity("1"), Field(ge=0, le=1000, allow_inf_nan=False)]
CapacityFactor = Annotated[float, quantity("1"), Field(ge=0, le=10, allow_inf_nan=False)]
PositiveRatio = Annotated[float, quantity("1"), Field(gt=0, le=1000, allow_inf_nan=False)]
TransitFactor = Annotated[float, quantity("1"), Field(gt=0, le=10, allow_inf_nan=False)]
"""A multiple of transit times: at most 10, as a larger number is far more often a percentage
typed as a number (74 for 0.74) than a lane made ten times slower."""
RatePerYear = Annotated[float, quantity("1/yr"), Field(gt=0, le=1e5, allow_inf_nan=False)]
TransitionRate = Annotated[float, quantity("1/yr"), Field(le=1e5, allow_inf_nan=False)]
"""A regime's rate of moving between two states: above 0, which the cross-checks test so
that the refusal can say what to write (the schema's own message has no hint there)."""
ISO3 = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


DELAY_KINDS = ("border_post", "port", "trading_hub", "junction")
"""Kinds of site where an added delay holds lots (besides lanes)."""


class Targets(Strict):
    """What a shock acts on. A region stands for every site in it and every lane that
    touches or crosses it (a region with neither is refused). ``channels`` and
    ``commodities`` narrow the flows affected by diversion, seizure and tax (all if
    omitted), not capacity factors or delays, which act on sites and lanes whatever they
    carry: a filter on a shock with only those is refused."""

    sites: list[Id] = []
    """Sites by id."""
    lanes: list[Id] = []
    """Lanes by id."""
    regions: list[Id] = []
    """Regions by id."""
    markets: list[Id] = []
    """Markets whose demand the effects change (``demand_factor``), and the only ones: a
    market among ``sites`` or in ``regions`` keeps its demand. Other effects act on sites,
    lanes and regions."""
    channels: list[Id] | None = Field(None, min_length=1)
    """Only flows of these channels are diverted, seized or taxed; leave it out for all
    channels. An empty list is refused: it would narrow the shock to nothing. Capacity
    factors and delays act on every channel."""
    commodities: list[Id] | None = Field(None, min_length=1)
    """Only these commodities are diverted, seized, taxed or have demand or price changed;
    leave it out for all commodities. An empty list is refused: it would narrow the shock
    to nothing. Capacity factors and delays act on every commodity."""


class Divert(Strict):
    """Move a share of targeted mines' output to another channel (e.g. captured mines sell
    through ``informal`` traders)."""

    share: Fraction
    """Share moved of what the other channels (or the event's ``channels``) take of the
    output: 1 moves all of it; 0.5 of a mine selling 0.8 elsewhere moves 0.4 of its output."""
    to_channel: Id
    """Channel that takes it."""


class Effects(Strict):
    """What a shock does while it lasts."""

    capacity_factor: CapacityFactor | None = None
    """Multiplies the capacity of targeted sites and lanes: border clearance, rail loading,
    sailings (of a port or a sea lane), mine output, refining; at most 10 (a larger number
    is far more often a percentage typed as a number). 0 closes them: lots wait, and lots
    already on a closed lane stop until it reopens. Junctions, trading hubs and lanes
    without a capacity can only be closed: another factor on them is refused, as it would
    change nothing. Markets and stockpiles take every lot that reaches them and cannot be
    closed: close the way to them."""
    added_delay_days: DurationDays | None = None
    """Extra days each lot spends on a targeted lane or at a targeted transit site (border
    post, port, trading hub or junction): one draw per lot and shock, at the first of the
    shock's targets on the lot's way. At a port a lot is held as it reaches the quay (on
    arrival, or as it leaves the port's handling) and then waits for the next ship, so the
    delay adds its own length, counted in the port's ``mean_dwell_days``; a lot already
    waiting for a ship when the delay begins is held when that ship loads (it takes no
    room and waits for a later ship)."""
    divert: Divert | None = None
    """Output of targeted mines moved to another channel."""
    seize_share: Fraction | None = None
    """Share of each lot passing a targeted site or lane (or produced at a targeted mine)
    that is seized and lost to the formal chain."""
    tax_rate: Fraction | None = None
    """Share of the value of flows through targeted sites and lanes (or produced at targeted
    mines) captured as rent by armed groups. Taxes of several shocks on one lot add up, to
    at most its whole value."""
    demand_factor: Ratio | None = None
    """Multiplies the demand of targeted markets."""
    price_factor: PositiveRatio | None = None
    """Multiplies the world price index of ``targets.commodities`` (all commodities if none
    are named): an exogenous price shock. Markets, sites and regions have no prices of their
    own: aimed at sites, lanes or regions it must name the commodities when the scenario has
    more than one."""

    def is_empty(self) -> bool:
        return all(getattr(self, f) is None for f in type(self).model_fields)


ONE_ENDING = "give end or duration_days, not both"
"""What an event or export ban that gives both is told (the loader adds where each comes
from, and how to drop the inherited one)."""


class Event(Strict):
    """A scripted shock: from ``start``, for ``duration_days`` or until ``end`` (or to the
    end of the run if neither is given)."""

    name: str | None = None
    """Display name."""
    description: str = ""
    """Free text."""
    start: When
    """When it begins."""
    end: When | None = None
    """When it ends (exclusive)."""
    duration_days: PositiveDurationDays | None = None
    """How long it lasts (a number or a distribution); or give ``end``."""
    targets: Targets
    """What it acts on."""
    effects: Effects
    """What it does."""

    @model_validator(mode="after")
    def _one_ending(self) -> Event:
        if self.end is not None and self.duration_days is not None:
            raise ValueError(ONE_ENDING)
        return self


class RegimeState(Strict):
    """One state of a conflict regime and its effects on the regime's targets."""

    name: str | None = None
    """Display name."""
    effects: Effects = Effects()
    """Effects while the regime is in this state (none for a calm state)."""


class Regime(Strict):
    """A continuous-time Markov chain over conflict states for one or more regions.

    States are listed from the calmest to the worst; a transition to a later state is an
    escalation (which security support can slow). ``rates_per_year`` gives, for each state,
    the rate of moving to each other state.
    """

    name: str | None = None
    """Display name."""
    targets: Targets
    """What the states' effects act on (usually ``regions``)."""
    states: dict[Id, RegimeState] = Field(min_length=2)
    """States, calmest first."""
    initial: Id | None = None
    """State the regime starts in, when it starts running (see ``start``); the first state
    if omitted. A regime that starts before the scenario's start date may have left it by
    then: the chain runs through the warm-up."""
    rates_per_year: dict[Id, dict[Id, TransitionRate]]
    """Transition rates: ``{from_state: {to_state: rate per year}}``, each above 0."""
    start: When | None = None
    """When the regime starts running, in its ``initial`` state: the start of the warm-up
    if omitted or earlier."""


class Incident(Strict):
    """Random incidents (strikes, closures, outages) arriving as a Poisson process."""

    name: str | None = None
    """Display name."""
    rate_per_year: RatePerYear
    """Mean number of incidents per year."""
    duration_days: PositiveDurationDays
    """How long each incident lasts."""
    targets: Targets
    """What each incident acts on."""
    effects: Effects
    """What each incident does."""
    start: When | None = None
    """When incidents can begin (the start of the warm-up if omitted or earlier)."""
    end: When | None = None
    """When incidents stop arriving (never if omitted); one under way then runs its
    course."""


class Shocks(Strict):
    """Every shock of a scenario, by id."""

    events: dict[Id, Event] = {}
    """Scripted events."""
    regimes: dict[Id, Regime] = {}
    """Conflict regimes."""
    incidents: dict[Id, Incident] = {}
    """Incident hazards."""

    def tax_sources(self) -> list[str]:
        """The shocks with a tax in their effects, 0 included (in any state, for a
        regime), named as their effects act and their rent is reported: ``event:<id>``,
        ``regime:<id>``, ``incident:<id>``, in this order and the file's."""
        # a tax of 0 is a tax too: a sweep of the rate from 0 had no row at 0 (review 117)
        out = [f"event:{eid}" for eid, ev in self.events.items()
               if ev.effects.tax_rate is not None]
        out += [f"regime:{rid}" for rid, reg in self.regimes.items()
                if any(state.effects.tax_rate is not None for state in reg.states.values())]
        out += [f"incident:{iid}" for iid, inc in self.incidents.items()
                if inc.effects.tax_rate is not None]
        return out


# ---------------------------------------------------------------------------------------
# Policies


class _Timed(Strict):
    start: When
    """When the policy takes effect."""
    end: When | None = None
    """When it stops (exclusive); in force to the end of the run if omitted."""


class ExportBan(_Timed):
    """No exports of a commodity from the exporting country while in force. Miners keep
    mining and stock the metal at the mine, up to ``stock_limit_days`` of each channel's
    planned exports, then curtail; when the ban ends the stock is shipped (subject to any
    quota). Only metal leaving the country is stopped: lots on routes to refiners,
    stockpiles or markets in the country pass, and a ban on all channels also holds a
    refiner's sales abroad. Metal
    held waits for export: a mine's channel with routes both ways keeps what was bound
    abroad for its routes that leave (the home routes get only their own share of new
    output), and a refiner keeps each market abroad's share for that market (the home
    markets get only their sales share of new refined metal)."""

    commodity: Id
    """Commodity banned."""
    country: ISO3 | None = None
    """Country whose exports are banned; the scenario's ``exporting_country`` if omitted."""
    duration_days: PositiveDays | None = None
    """How long the ban lasts; or give ``end`` (neither: to the end of the run)."""
    channels: list[Id] | None = Field(None, min_length=1)
    """Channels the ban applies to; leave it out for all. An empty list (no channel) is
    refused."""
    stock_limit_days: Days | None = None
    """How much a mine may hold for each channel the restriction covers before it curtails
    that channel's output: days of the channel's planned exports (its share of the mine's
    output, at the share ``ramp_up`` allows then, times the share of its routes that leave
    the country), not of the mine's whole output; no limit if omitted."""

    @model_validator(mode="after")
    def _one_ending(self) -> ExportBan:
        if self.end is not None and self.duration_days is not None:
            raise ValueError(ONE_ENDING)
        return self


class QuotaPeriod(Strict):
    """Quota tonnes for a stretch of time, optionally split into equal periods."""

    start: When
    """First day."""
    end: When
    """Last day (inclusive)."""
    tonnes: Tonnes
    """Tonnes allowed per period (or for the whole stretch)."""
    period: Literal["whole", "month", "quarter", "year"] = "whole"
    """Split the stretch into calendar months, quarters or years, each allowed ``tonnes``;
    ``whole`` allows ``tonnes`` for the whole stretch. A split stretch must start on the
    first day of a period and end on the last day of one (a part period would get a whole
    period's tonnes): give a part month its own entry with ``period: whole``."""


class ExportQuota(Strict):
    """Exports of a commodity capped per period and allocated to mines.

    Each period's tonnes, less the strategic share, are allocated to mines pro rata to
    ``allocation`` (or to their planned output on the quota's channels during the period,
    counting what offtake deals and diversions move there: see ``allocation``). Shipments
    leaving the mines never exceed the allowance; exports counted at the border
    (``exported_t``) lag them by the pipeline, so a month's border exports can exceed that
    month's quota (see the ban's pipeline note in the guide). Unused allowance
    carries over while ``carry_over`` is true, until ``carry_over_until`` (a period's own
    allowance lasts at least to its end). Nothing is exported before
    ``first_export_delay_days`` after the first period starts. Metal above the allowance is
    stocked at the mine as under a ban. A mine's channels under the quota share its
    allowance in proportion to the metal each has waiting. Quotas on the same flows in force
    at once add up: a mine exports against the allowance that expires first, of whichever
    quota. ``release`` says whether a period's allowance is there whole on its first day or
    accrues day by day.
    """

    commodity: Id
    """Commodity under quota."""
    country: ISO3 | None = None
    """Country whose exports are capped; the scenario's ``exporting_country`` if omitted."""
    schedule: list[QuotaPeriod] = Field(min_length=1)
    """Quota periods in time order."""
    channels: list[Id] | None = Field(None, min_length=1)
    """Channels the quota applies to; leave it out for all. An empty list (no channel) is
    refused."""
    allocation: dict[Id, PositiveFraction] | None = None
    """Share of the quota allocated to each mine (fractions that add up to 1, within
    1e-6, not relative weights); every mine named must be able to export
    the commodity on the quota's channels (a route that leaves the country, or for a quota
    on all channels one to a refiner at home selling abroad). If omitted, each period's
    tonnes go pro rata to each mine's planned exports on the quota's channels averaged over
    the period's days: its full output (a ramp-up not counted) times its offtake shares on
    those channels as they will stand, with the offtake deals in force (as they ramp; a deal
    that fails in the replication moves nothing) and the diversions of scripted events (over
    their drawn duration) applied, not the random ones of regimes and incidents, each
    channel counted for the part of it the plan sends on routes that leave the country
    (under ``fixed_shares`` the leaving routes' shares; under ``cheapest`` / ``fastest``
    all of it if the best route with every route open leaves, else none). A mine selling
    only at home therefore gets no share (its lots would draw nothing). Under a quota on
    all channels a route to a refiner at home counts for the refiner's sales share abroad,
    as a refiner's exports draw on the mines' pooled allowance. A mine a deal moves into the
    channels from mid-period gets a share for the days it sells there, and one moved out
    loses it. A period in which no mine has planned exports on the channels is shared by
    them while its allowance lasts (to its expiry, under ``carry_over``)."""
    strategic_share: Fraction = 0.0
    """Share of each period's tonnes kept by the state (not allocated to mines)."""
    carry_over: bool = True
    """Whether unused allowance carries over to later periods."""
    carry_over_until: When | None = None
    """Last day on which carried-over allowance can be used; no limit if omitted."""
    first_export_delay_days: Days = 0.0
    """Days after the first period's start before exports begin (procedures, testing)."""
    stock_limit_days: Days | None = None
    """How much a mine may hold for each channel the restriction covers before it curtails
    that channel's output: days of the channel's planned exports (its share of the mine's
    output, at the share ``ramp_up`` allows then, times the share of its routes that leave
    the country), not of the mine's whole output; no limit if omitted."""
    release: Literal["period_start", "daily"] = "period_start"
    """How each period's allowance becomes available. ``period_start``: the whole period's
    tonnes on its first day, so a mine with metal in its stockyard ships the period's
    allowance at once. ``daily``: the allowance accrues evenly, ``tonnes / days in the
    period`` at the start of each day (a part day its share), so by the end of day ``d`` of
    a period ``tonnes x d / days`` have been released and a mine ships at most that. Unused
    accrued allowance carries over or is lost at the period's end as ``carry_over`` says;
    what accrues during ``first_export_delay_days`` can be used when exports begin."""


class OfftakeDeal(Strict):
    """From ``start``, a share of named mines' output moves to a channel, ramping up over
    ``ramp_days``; with ``probability_fails`` the deal never closes.

    Deals on one mine's commodity apply one after another, in the order they start (file
    order for the same start), each to what the giving channels take after the deals
    before it: two deals of 0.6 from one channel move 0.6 and then 0.24 of what it took,
    so their order decides who gets which (``sim validate`` notes such deals). Deals apply
    to the scenario's offtake shares, and a shock's diversion to what they leave. The
    planned flows of ``sim show`` and ``sim validate`` are at the scenario's offtake shares,
    without deals: a deal's load on its routes is not in their capacity notes (run the
    scenario and read the lanes' ``utilisation`` and waits)."""

    mines: list[Id] = Field(min_length=1)
    """Mines whose output the deal covers."""
    commodities: list[Id] = Field(min_length=1)
    """Commodities covered."""
    share: Fraction
    """Share, at full ramp, of what the giving channels take of the output (all channels
    but ``to_channel``, or ``from_channels``): 0.5 of a mine selling 0.8 to one channel and
    0.2 to ``to_channel`` moves 0.4 of its output, leaving 0.4 and 0.6."""
    to_channel: Id
    """Channel that takes it."""
    from_channels: list[Id] | None = Field(None, min_length=1)
    """Channels that give it up (in proportion to their shares); leave it out for all
    channels but ``to_channel``. An empty list (no channel) is refused."""
    start: When
    """When the ramp starts."""
    ramp_days: Days = 0.0
    """Days from start to the full share."""
    probability_fails: Fraction = 0.0
    """Probability that the deal never closes (drawn once per replication)."""

    def moves(self) -> str:
        """What the deal moves, in words: ``40% of copper, cobalt from kcc, mutanda (of
        what western takes) to us_partnered``."""
        giving = ("" if self.from_channels is None else
                  f" (of what {' and '.join(self.from_channels)} "
                  f"{'takes' if len(self.from_channels) == 1 else 'take'})")
        return (f"{self.share:.0%} of {', '.join(self.commodities)} from "
                f"{', '.join(self.mines)}{giving} to {self.to_channel}")


class CorridorUpgrade(Strict):
    """A lane's capacity and transit time change along a linear ramp.

    The capacity is given in the lane's own unit: ``capacity_t_per_day`` for a lane with
    ``capacity_t_per_day``, ``capacity_trucks_per_day`` for one with
    ``capacity_trucks_per_day`` (one of the two, not both; the other is refused with the
    field to give). A lane without a loading capacity can only have its
    ``transit_factor`` upgraded. An upgrade that starts before the run is in force from its
    first day as far as its ramp has gone by then, and the capacity notes of ``sim
    validate`` and ``sim show`` check the lane at the capacity the upgrades started by the
    start date give it on that date; for a lane overloaded then, they name the later
    upgrade that carries its planned flow (or the last that raises its capacity)."""

    lane: Id
    """Lane upgraded."""
    start: When
    """When the ramp starts."""
    ramp_days: Days = 0.0
    """Days from start to the full upgrade."""
    capacity_t_per_day: PositiveTonnesPerDay | None = None
    """Loading capacity at the end of the ramp (product tonnes per day), for a lane whose
    capacity is in tonnes."""
    capacity_trucks_per_day: TrucksPerDay | None = None
    """Loading capacity at the end of the ramp (trucks per day), for a lane whose capacity
    is in trucks."""
    transit_factor: TransitFactor | None = None
    """Transit times at the end of the ramp, as a multiple of today's (0.5 halves them); at
    most 10 (a larger number is far more often a percentage typed as a number)."""

    @field_validator("capacity_trucks_per_day")
    @classmethod
    def _one_capacity(cls, value: float | None, info: ValidationInfo) -> float | None:
        # a lane has one loading limit, in one unit: two targets cannot both hold
        if value is not None and info.data.get("capacity_t_per_day") is not None:
            raise ValueError("give capacity_t_per_day or capacity_trucks_per_day, not both "
                             "(the one in the unit of the lane's own capacity)")
        return value


class StockpilePolicy(Strict):
    """A strategic stock at a stockpile that releases metal to a market when prices or
    shortfalls cross a trigger, and rebuilds when prices are low."""

    site: Id
    """The stockpile site."""
    commodity: Id
    """Commodity held."""
    market: Id
    """Market it releases to and buys from, in the stockpile's own country: metal moves
    between the two with no lane, so a market abroad is refused (it would cross a border
    past any export ban or quota and not be counted as exported)."""
    release_price_ratio_above: PositiveRatio | None = None
    """Release while the price index is above this (give this trigger, the shortfall one,
    or both)."""
    release_shortfall_share_above: Fraction | None = None
    """Release while the market's shortfall (share of its demand, last day, without the
    rule's metal still in the market: what it consumed of the rule's releases counts as
    short) is above this; below 1."""
    release_t_per_day: PositiveTonnesPerDay
    """Most it releases per day."""
    release_cap_t: Tonnes | None = None
    """Most it releases in total from the start date; no limit if omitted."""
    rebuild_price_ratio_below: PositiveRatio | None = None
    """Buy back while the price index is below this (never if omitted)."""
    rebuild_t_per_day: PositiveTonnesPerDay | None = None
    """Most it buys per day when rebuilding (needed with ``rebuild_price_ratio_below``)."""
    rebuild_target_t: Tonnes | None = None
    """Stock it rebuilds to (needed with ``rebuild_price_ratio_below``)."""
    start: When | None = None
    """When the policy takes effect; the start date if omitted, not the start of the
    warm-up. A ``start`` in the warm-up is honoured, but the stockpile's and the market's
    ``initial_stock_t`` are set again on the start date, and ``release_cap_t`` counts
    releases from the start date."""


class SecuritySupport(_Timed):
    """Scales conflict regimes' transition rates from ``start``: escalations (moves to a
    worse state) by ``escalation_factor``, de-escalations by ``deescalation_factor``."""

    regimes: list[Id] = Field(min_length=1)
    """Regimes affected."""
    escalation_factor: Ratio = 1.0
    """Multiplier on rates of moving to a worse state."""
    deescalation_factor: Ratio = 1.0
    """Multiplier on rates of moving to a calmer state."""


class ExportControl(_Timed):
    """Refiners in a country stop or cap exports of a refined commodity to named markets;
    what they cannot sell there goes to their other markets that can take it, and what none
    can take waits at the refiner."""

    country: ISO3
    """Country whose refiners are controlled."""
    commodity: Id
    """Refined commodity controlled."""
    markets: list[Id] = Field(min_length=1)
    """Markets outside ``country`` it may not (or only up to the cap) be sold to."""
    cap_t_per_year: TonnesPerYear = 0.0
    """Tonnes per year still allowed to those markets together (0 stops them). The
    allowance accrues day by day; what is not used carries over, up to one year's cap. When
    requests exceed it, every sale to a covered market by the refiners shipping that day is
    cut in the same proportion; refiners it acts on that ship later claim their part of the
    cut with the refined metal they hold, set aside for their next dispatch; where several
    controls cover a market, the tightest cut binds."""


class Policies(Strict):
    """Every policy of a scenario, by id."""

    export_bans: dict[Id, ExportBan] = {}
    """Export bans."""
    export_quotas: dict[Id, ExportQuota] = {}
    """Export quotas."""
    offtake_deals: dict[Id, OfftakeDeal] = {}
    """Offtake deals."""
    corridor_upgrades: dict[Id, CorridorUpgrade] = {}
    """Corridor upgrades."""
    stockpiles: dict[Id, StockpilePolicy] = {}
    """Stockpile release and rebuild rules."""
    security_support: dict[Id, SecuritySupport] = {}
    """Security support to regions in conflict."""
    export_controls: dict[Id, ExportControl] = {}
    """Refined-product export controls."""


__all__ = [
    "CorridorUpgrade", "Divert", "Effects", "Event", "ExportBan", "ExportControl",
    "ExportQuota", "Incident", "OfftakeDeal", "Policies", "QuotaPeriod", "Regime",
    "RegimeState", "SecuritySupport", "Shocks", "StockpilePolicy", "Targets", "When",
]
