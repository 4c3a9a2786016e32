"""The scenario format: typed models that validate, default and document every field.

This module is the single source of truth for what a scenario file may contain. Each
model forbids unknown keys; each field's docstring states its meaning and unit; numeric
fields accept a bare number in the unit their name ends with (``_t``, ``_t_per_year``,
``_days``, ``_trucks_per_day``, ``_usd_per_t``) or a ``{value: ..., unit: ...}`` mapping in
any unit of the same dimension (see :mod:`sim.units`). ``docs/scenario-format.md`` is
generated from these models (``python -m sim.scenario.docs``).

Rules that relate several fields (ids that must exist, shares that must add up, routes
that must be connected) live in :mod:`sim.scenario.checks`, which reports each problem at
its own field path.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    StringConstraints,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

from sim.distributions import Fixed
from sim.scenario.errors import did_you_mean
from sim.scenario.overrides import as_overrides
from sim.scenario.shock_schema import Policies, Shocks, When, number_written
from sim.scenario.types import (
    Days,
    DurationDays,
    Factor,
    Fraction,
    Id,
    PayloadTonnes,
    PositiveDays,
    PositiveDurationDays,
    PositiveFraction,
    PositiveTonnes,
    PositiveTonnesPerDay,
    PositiveTonnesPerYear,
    PositiveUsdPerTonne,
    Strict,
    Tonnes,
    TonnesPerYear,
    TrucksPerDay,
    UsdPerTonne,
    quantity,
)

# ---------------------------------------------------------------------------------------
# What exists: commodities and regions


class ProductForm(Strict):
    """A physical form in which a commodity travels, e.g. cobalt hydroxide or copper cathode.

    Mass in the model is always tonnes of contained metal; the form says how much product
    (and so how much truck, wagon and ship space) a tonne of metal needs.
    """

    grade: PositiveFraction
    """Tonnes of contained metal per tonne of product (0.30 for hydroxide at 30% Co)."""
    payload_t_per_truck: PayloadTonnes
    """Tonnes of product one truck carries."""
    payable_share: PositiveFraction = 1.0
    """Share of the metal price paid for the metal in this form (hydroxide sells at a
    discount to refined cobalt). Export value, royalties and armed groups' taxes value a
    tonne of metal leaving in this form at reference price x price index x this share."""
    description: str = ""
    """Free text."""


class Commodity(Strict):
    """A traded metal, with its forms and market response. The shipped scenarios have
    cobalt, copper and gold; any id works (tin, say): a new commodity needs at least a mine
    producing it, a route for every channel that takes it (a regime's diversion included),
    refiners with ``capacity_t_per_year`` and ``sales`` for it if its form is refined, and
    a market with ``demand_t_per_year`` for it."""

    name: str | None = None
    """Display name; the id if omitted."""
    unit: Literal["t"] = "t"
    """Mass unit of the model: tonnes of contained metal (the only unit allowed)."""
    forms: dict[Id, ProductForm] = Field(min_length=1)
    """Product forms by id, e.g. ``hydroxide``, ``cathode``, ``concentrate``, ``dore``."""
    reference_price_usd_per_t: PositiveUsdPerTonne | None = None
    """Price at which the price index is 1, in US dollars per tonne of metal: a price of the
    year the user chooses (the shipped scenarios use 2024's, set in baseline.yaml from USGS
    Mineral Commodity Summaries 2025 for cobalt and copper and the LBMA 2024 average for
    gold). The money KPIs (export_value_usd, royalty_usd, armed_group_rent_usd) value each
    tonne at this price times the day's price index and sum over the period: nominal
    dollars, not discounted and not adjusted for inflation."""
    demand_elasticity: Annotated[
        float, quantity("1"), Field(lt=0, ge=-20, allow_inf_nan=False)
    ] | None = None
    """Short-run price elasticity of demand (negative). Without it the price index does not
    answer supply and demand (price not modelled): it stays at 1 but for the price factors
    of shocks."""
    price_window_days: PositiveDays = 30.0
    """Time constant, in days, of the exponential smoothing of the supply-demand ratio
    behind the price index: each day the smoothed ratio moves 1 - exp(-1 / this) of the way
    to the day's ratio (not a moving average over this many days)."""
    price_cap_ratio: Annotated[float, quantity("1"), Field(gt=1, le=1000)] = 10.0
    """Upper bound on the price index, so a total stop does not give an infinite price; its
    inverse is the lower bound (0.1 with the default cap of 10), for gluts and price
    shocks alike."""
    royalty_rate: Fraction | None = None
    """Royalty on the gross value of formal exports (0.10 for cobalt, 0.035 for copper and
    gold under the 2018 mining code); royalties are not counted if omitted."""
    price_basis: Literal["consumption", "supply"] = "consumption"
    """What the price responds to: ``consumption`` (markets' consumption against demand:
    prices move only once stocks run out) or ``supply`` (what reaches markets each day
    against demand: lots arriving at markets, directly or from refiners, plus other supply;
    stockpile releases count as arrivals the day after, and stockpile purchases from a
    market as negative ones). Under ``supply`` prices move when arrivals at markets change,
    not when mines or corridors do: refiners holding feed stock keep shipping metal, so a
    shock upstream reaches the price only once their stocks run down. Arrivals come in lots
    (a ship at a time), and the price follows them day by day, smoothed only over
    ``price_window_days``: even with no shock the index is noisy (the shipped baseline with
    cobalt on ``supply`` peaks at about twice the reference price, price_peak_ratio 2.2).
    A day with no demand for the commodity at any market counts as balanced (ratio 1) on
    either basis, so a demand cut to nothing leaves the index at 1 where a cut to almost
    nothing sends it to its floor under ``supply``."""
    supply_elasticity: Annotated[
        float, quantity("1"), Field(ge=0, le=5, allow_inf_nan=False)
    ] | None = None
    """Price elasticity of the markets' other supply (supply from outside the network):
    other supply is scaled by (smoothed price index) ** ``supply_elasticity``, so high prices
    draw out more supply from elsewhere. Without it other supply is fixed."""
    supply_response_days: PositiveDays = 365.0
    """Days over which other supply follows the price index (exponential smoothing): new
    supply takes time to come to market."""


class Region(Strict):
    """A province or country; shocks target regions, and sites and lanes lie in them."""

    name: str | None = None
    """Display name; the id if omitted."""
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    """ISO 3166-1 alpha-3 code of the country the region belongs to (e.g. COD, ZMB, CHN)."""


class Location(Strict):
    """Where a site is, in decimal degrees (WGS84)."""

    lat: Annotated[float, quantity("deg"), Field(ge=-90, le=90)]
    """Latitude, degrees north."""
    lon: Annotated[float, quantity("deg"), Field(ge=-180, le=180)]
    """Longitude, degrees east."""


# ---------------------------------------------------------------------------------------
# Sites


class _Site(Strict):
    name: str | None = None
    """Display name; the id if omitted."""
    region: Id
    """Region the site lies in (its country decides where exports are counted)."""
    location: Location
    """Coordinates, used for maps."""


class MineOutput(Strict):
    """What a mine produces of one commodity: a yearly rate, or a ratio to another output.

    Give either ``t_per_year`` or both ``ratio`` and ``ratio_to``. A ratio couples a
    by-product to its main product lot by lot (cobalt = ratio x copper), so anything that
    changes copper output changes cobalt with it. One thing acts on the by-product alone:
    a ban's or quota's stock limit on it, once the mine's stockyard of it is full, leaves
    the by-product of ore still mined for the main product unrecovered (cobalt below ratio
    x copper, the difference in ``curtailed_t``).
    """

    form: Id
    """Product form the commodity leaves the mine in (an id under the commodity's forms)."""
    t_per_year: PositiveTonnesPerYear | None = None
    """Output in tonnes of contained metal per year."""
    ratio: Annotated[float, quantity("1"), Field(ge=0, le=100, allow_inf_nan=False)] | None = (
        None
    )
    """Tonnes of this commodity per tonne of ``ratio_to``; at most 100 (a by-product that
    outweighs its main product a hundredfold is better written the other way round: give
    it ``t_per_year`` and the other commodity ``ratio_to`` it)."""
    ratio_to: Id | None = None
    """The commodity this one is a by-product of."""

    @model_validator(mode="after")
    def _one_basis(self) -> MineOutput:
        # review 215: `--set ...cobalt.t_per_year=60000` on a by-product was refused with
        # "give either t_per_year, or ratio together with ratio_to", and again after
        # `...ratio=null`, without saying which keys were still set. The validator does
        # not know its path: "this output" is the one the path names.
        given = [k for k in ("ratio", "ratio_to") if getattr(self, k) is not None]
        of = (f"a by-product of {self.ratio_to}" + (f", {self.ratio:g} t per tonne"
                                                    if self.ratio is not None else "")
              if self.ratio_to is not None else f"{self.ratio:g}" if self.ratio is not None
              else "")
        keys = " and ".join(given)
        nulls = " and ".join(f"{k}=null" for k in given)
        if self.t_per_year is not None and given:
            raise ValueError(
                f"this output gives {keys} ({of}) and t_per_year: give either t_per_year, "
                f"or ratio together with ratio_to; for a tonnage of its own, also remove "
                f"{keys} (in a file delete {'the keys' if len(given) > 1 else 'the key'}; "
                f"with --set, also set this output's {nulls}), or to keep it a by-product "
                "remove t_per_year"
                + ("" if len(given) > 1 else
                   f" and give {'ratio_to' if 'ratio' in given else 'ratio'} too"))
        if self.t_per_year is None and not given:
            raise ValueError("this output gives neither t_per_year nor ratio and ratio_to: "
                             "give either t_per_year, or ratio together with ratio_to")
        if self.t_per_year is None and len(given) == 1:
            missing = "ratio_to" if self.ratio is not None else "ratio"
            raise ValueError(
                f"this output gives {keys} ({of}) but no {missing}: a by-product needs both "
                f"ratio and ratio_to; give {missing} too, or for a tonnage of its own give "
                f"t_per_year and remove {keys} (with --set, also set this output's "
                f"{nulls})")
        return self


class MineRampUp(Strict):
    """A mine coming into production, or growing into its ``output``, along a linear ramp.

    Before ``start`` the mine produces ``initial_factor`` times its output; from ``start``
    its output grows linearly to the full ``output`` over ``ramp_days`` and stays there.
    The factor multiplies each lot like a shock's capacity factor (and with it), so
    by-products follow. The status quo that ``other_supply_t_per_year: balance`` closes
    markets against takes the mine at its factor on the start date; everything else that
    plans ahead (the capacity check of ``sim show``, quota allocation by planned output)
    takes it at full output. An export ban's stock limit counts days of the output the ramp
    allows at the time.
    """

    start: When
    """When output starts to grow (a date, or days after the scenario's start)."""
    ramp_days: Days = 0.0
    """Days from ``start`` to full output; 0 steps to full output at ``start``."""
    initial_factor: Fraction = 0.0
    """Share of the full output produced before ``start`` (0: not producing yet)."""

    def factor(self, day: float, start_day: float) -> float:
        """Share of full output on ``day`` (days after the scenario's start, negative in
        the warm-up), where ``start_day`` is this ramp's ``start`` counted the same way
        (:meth:`Scenario.day_of`)."""
        if day < start_day:
            return self.initial_factor
        if self.ramp_days <= 0.0 or day >= start_day + self.ramp_days:
            return 1.0
        grown = (day - start_day) / self.ramp_days
        return self.initial_factor + (1.0 - self.initial_factor) * grown


class Mine(_Site):
    """A mine (industrial or an aggregate of artisanal sites) that produces lots."""

    kind: Literal["mine"]
    operator: str = ""
    """Operating company, free text."""
    alignment: str = ""
    """Owner alignment in words (e.g. 'Chinese-owned'); flows follow ``offtake``."""
    output: dict[Id, MineOutput] = Field(min_length=1)
    """Output by commodity, each a tonnage of its own (``t_per_year``) or a by-product's
    (``ratio`` and ``ratio_to``), not both: switching one to the other with ``--set`` needs
    the old keys set to null too."""
    offtake: dict[Id, dict[Id, Fraction]]
    """For each commodity, the share of output each channel takes; shares sum to 1."""
    variability: Factor = Fixed(value=1.0)  # type: ignore[assignment]
    """Multiplicative noise on each lot's output (mean 1); by-products follow it."""
    lot_interval_days: PositiveDurationDays | None = None
    """Days between lots; the scenario's ``lot_period_days`` if omitted. Lot size is the
    yearly rate times the mean interval, so a random interval keeps the mean rate. A mine
    with its own interval ships each lot at the end of its interval (the first after one
    interval), while mines on ``lot_period_days`` ship theirs at the start of each period
    (the first at time 0): the same number given either way shifts that mine's lots by one
    interval, and over a horizon that is not a whole number of intervals the two count up
    to one lot more or less."""
    initial_stock_t: dict[Id, Tonnes] = {}
    """Metal in the mine's stockyard at the start, by commodity: its working stock, which
    stays there (only output above it is dispatched, and a ban's stock limit counts only
    metal above it). To ship a stock that waits at the start, put it at the next site or
    on a stockpile instead."""
    ramp_up: MineRampUp | None = None
    """Output growing to ``output`` over time (a new mine or an expansion); full output
    throughout if omitted."""


class BorderPost(_Site):
    """A border crossing that clears trucks one lot at a time, first come first served.

    A lot occupies a clearance lane for ``trucks / (clearance_trucks_per_day / servers)``
    days times a draw of ``service_variability``; lots queue when all lanes are busy. Lots
    that arrive together (a convoy: copper with its by-product cobalt, lots released
    together after a closure) are cleared the same way, each on the next free lane with
    its own draw, and each goes on as soon as its own clearance ends.
    """

    kind: Literal["border_post"]
    clearance_trucks_per_day: TrucksPerDay
    """Trucks the post clears per day with all clearance lanes working."""
    servers: Annotated[int, quantity("1"), Field(ge=1, le=1000)] = 1
    """Parallel clearance lanes; each clears ``clearance_trucks_per_day / servers``."""
    service_variability: Factor = Fixed(value=1.0)  # type: ignore[assignment]
    """Multiplicative noise on each lot's clearance time (mean 1)."""


class Port(_Site):
    """A sea port. Lots wait here for sailings of the sea lane they leave on.

    With ``throughput_t_per_day`` the port also handles what arrives first come first
    served: each lot needs ``product tonnes / throughput`` days of the port's handling
    (one lot at a time) before it joins the line for its ship, or goes on by its next lane
    if it does not leave by sea. A ``capacity_factor`` shock on the port scales the
    handling rate (and, as without a throughput, the load of each ship). The handling time
    counts in the port's ``mean_dwell_days`` (time from arrival to leaving the port, for
    lots that go on by land too) and its queue in ``peak_held_t``. Without it, handling
    takes no time."""

    kind: Literal["port"]
    throughput_t_per_day: PositiveTonnesPerDay | None = None
    """Tonnes of product per day the port can handle (land to quay); omit for no limit."""


class Refiner(_Site):
    """A refinery or smelter (possibly an aggregate) that turns feed into refined metal."""

    kind: Literal["refiner"]
    operator: str = ""
    """Operating company or group, free text."""
    capacity_t_per_year: dict[Id, PositiveTonnesPerYear] = Field(min_length=1)
    """Refining capacity by commodity, tonnes of metal per year."""
    recovery: dict[Id, PositiveFraction] = {}
    """Share of refined feed recovered as metal, by commodity (1 if omitted); the rest is
    counted as lost."""
    initial_feed_t: dict[Id, Tonnes] = {}
    """Feed (intermediate) in stock at the start, by commodity."""
    initial_output_t: dict[Id, Tonnes] = {}
    """Refined metal in stock at the start, by commodity."""
    sales: dict[Id, dict[Id, Fraction]]
    """For each commodity, the share of refined output sold to each market (sums to 1)."""
    dispatch_period_days: PositiveDays = 1.0
    """Days between shipments of refined metal to markets."""


class Market(_Site):
    """Final demand for a commodity in one country or group of countries."""

    kind: Literal["market"]
    demand_t_per_year: dict[Id, PositiveTonnesPerYear] = Field(min_length=1)
    """Demand by commodity, tonnes of metal per year."""
    other_supply_t_per_year: dict[Id, TonnesPerYear | Literal["balance"]] = {}
    """Supply from outside the modelled network (other countries' mines, recycling), by
    commodity. ``balance`` sets it to demand minus the planned inflow from the network, so
    the market is balanced in the status quo: the scenario's offtake with the diversions of
    scripted events in force at the start date (not their other effects, later events,
    regimes or policies such as offtake deals). It is never below 0: where the network
    alone brings more than the demand the market is not balanced, and a note says so (as
    it does of supply short of demand from the start)."""
    initial_stock_t: dict[Id, Tonnes] = {}
    """Metal in stock at the start (exchange and consumer stocks), by commodity."""


class Stockpile(_Site):
    """A strategic stock that holds metal sent to it."""

    kind: Literal["stockpile"]
    initial_stock_t: dict[Id, Tonnes] = {}
    """Metal in stock at the start, by commodity."""


class TradingHub(_Site):
    """A place where metal changes hands and waits a while (e.g. informal gold in Kampala)."""

    kind: Literal["trading_hub"]
    dwell_days: DurationDays = Fixed(value=0.0)  # type: ignore[assignment]
    """Days a lot stays before moving on."""


class Junction(_Site):
    """A place where routes meet and lots pass straight through (e.g. a trucking hub)."""

    kind: Literal["junction"]


Site = Annotated[
    Mine | BorderPost | Port | Refiner | Market | Stockpile | TradingHub | Junction,
    Field(discriminator="kind"),
]
SITE_KINDS = ("mine", "border_post", "port", "refiner", "market", "stockpile", "trading_hub",
              "junction")
TRANSIT_KINDS = ("border_post", "port", "trading_hub", "junction")
DESTINATION_KINDS = ("refiner", "market", "stockpile")


def check_site_kind(kind: str, prefix: str = "") -> None:
    """Raise ``ValueError`` (its message after ``prefix``) if ``kind`` is not one of
    :data:`SITE_KINDS`, naming them and the closest one (``"mines"``: ``'mine'``)."""
    if kind not in SITE_KINDS:
        guess = did_you_mean(kind, SITE_KINDS) or did_you_mean(kind.removesuffix("s"),
                                                               SITE_KINDS)
        raise ValueError(f"{prefix}{kind!r} is not a site kind (the kinds are "
                         f"{', '.join(SITE_KINDS)})"
                         + (f"; did you mean {guess!r}?" if guess else ""))


# ---------------------------------------------------------------------------------------
# Lanes and channels


class Sailing(Strict):
    """A liner or tramp service on a sea lane: ships leave the port at intervals and load
    waiting lots, first come first served, up to their capacity."""

    interval_days: PositiveDurationDays
    """Days between departures."""
    vessel_t: PositiveTonnes
    """Tonnes of product one sailing can load."""


class Lane(Strict):
    """A directed link between two sites.

    Without ``capacity_t_per_day`` a lane is a pure delay: every lot takes a draw of
    ``transit_days``. With it, the lane is also a first-come-first-served loading queue (a
    rail line's train paths): a lot needs ``product tonnes / capacity`` days of the lane's
    capacity before it departs. ``capacity_trucks_per_day`` instead (a road's trucks per
    day; give one of the two) makes the same queue count trucks: a lot needs ``tonnes x its
    form's trucks per tonne / capacity`` days, so the limit holds for any mix of product
    forms (a tonne of cobalt in hydroxide takes more trucks than a tonne of copper in
    cathode). A ``sailing`` makes lots wait at the port for the next ship.

    Routes name sites, not lanes, so each pair of sites may have one lane in each
    direction (``from: a, to: b`` and ``from: b, to: a`` are two lanes). For a rail line
    and a road between the same two places, end one of them at a site of its own: a
    ``junction`` (a railhead or a rail terminal) a short lane away, as the complete
    example does with its ``railhead``, and name it in the path of the routes that take
    the rail. A lane carries lots of the routes whose path names its two sites in a row
    (a mine's lane, of those whose path starts where it leads) and a refiner's sales to
    the market it leads to; one that nothing can ever use (on no route, on routes no mine
    can send a lot on, or from a refiner nothing feeds) is noted, as is a border post,
    port, trading hub or junction no such lane reaches or leaves.
    """

    # Only the key the format documents: `from_` (the attribute's name, since `from` is a
    # Python keyword) was accepted alone but refused beside `from`. Dumps use `from` so
    # that a dumped scenario validates again.
    model_config = ConfigDict(validate_by_name=False, serialize_by_alias=True)

    name: str | None = None
    """Display name."""
    from_: Id = Field(alias="from")
    """Site the lane leaves from."""
    to: Id
    """Site the lane arrives at."""
    mode: Literal["road", "rail", "sea", "air", "lake", "river"]
    """Mode of transport."""
    transit_days: DurationDays
    """Travel time of one lot, in days (a number or a distribution)."""
    capacity_t_per_day: PositiveTonnesPerDay | None = None
    """Tonnes of product per day the lane can load; omit for no limit."""
    capacity_trucks_per_day: TrucksPerDay | None = None
    """Trucks per day the lane can load, instead of ``capacity_t_per_day``: each lot takes
    as many trucks as its product form's payload needs; omit for no limit. Road lanes
    only."""
    cost_usd_per_t: UsdPerTonne | None = None
    """Cost per tonne of product; needed by channels that route by cost."""
    regions: list[Id] = []
    """Regions the lane crosses, besides those of its end sites."""
    sailing: Sailing | None = None
    """Scheduled sailings; only for lanes of mode sea, lake or river that leave a port."""

    @field_validator("capacity_trucks_per_day")
    @classmethod
    def _one_capacity(cls, value: float | None, info: ValidationInfo) -> float | None:
        # reported at the trucks, whose hint says it replaces the tonnes
        if value is not None and info.data.get("capacity_t_per_day") is not None:
            raise ValueError("give capacity_t_per_day or capacity_trucks_per_day, not both "
                             "(one loading limit per lane, in tonnes of product or trucks); "
                             "to replace a limit in tonnes (one the file extends, say), give "
                             "capacity_t_per_day: null beside the trucks, or --set "
                             "lanes.<lane>.capacity_t_per_day=null")
        return value


class Route(Strict):
    """One way a channel moves metal: the sites after the mine, ending at a destination."""

    path: list[Id] = Field(min_length=1)
    """Sites in order, after the mine, ending at a refiner, market or stockpile. A mine uses
    the route if it has a lane to the first site (or is the first site)."""
    commodities: list[Id] | None = None
    """Commodities the route carries; all if omitted."""
    forms: list[Id] | None = None
    """Product forms the route carries (e.g. only ``concentrate``, which goes to a smelter,
    not ``cathode``, which goes to a market); all if omitted."""
    share: Fraction | None = None
    """Share of the channel's flow for ``routing: fixed_shares``: needed on every route of
    a ``fixed_shares`` channel that has more than one route (even routes of different
    commodities or forms); a channel with one route needs none, and ``cheapest`` and
    ``fastest`` ignore it. Shares are renormalised over the routes a mine can use. A route
    of share 0 carries nothing, except as a backup: under ``on_closure: reroute`` while
    every route with a share is closed, under ``rebalance`` for what closed or throttled
    routes lose."""


class Channel(Strict):
    """Who controls a flow (e.g. ``china``, ``us_partnered``, ``informal``) and how it is
    routed."""

    name: str | None = None
    """Display name; the id if omitted."""
    description: str = ""
    """Free text."""
    routing: Literal["fixed_shares", "cheapest", "fastest"] = "fixed_shares"
    """How a lot picks its route: by fixed shares, or the route with the lowest cost or the
    shortest expected transit (among the open ones under ``on_closure: reroute`` or
    ``rebalance``)."""
    formal: bool = True
    """Whether the channel's exports are declared (and pay royalties); ``false`` for
    smuggling."""
    on_closure: Literal["wait", "reroute", "rebalance"] = "wait"
    """What a new lot does when a lane or transit site of the route it would take is closed or
    throttled. ``wait``: go on and wait at the closure or in the queue. ``reroute``: take
    another open route of the channel (if none is open, wait); this acts on full closures
    (capacity factor 0) only, so a route a shock throttles (say to 0.2) keeps its whole
    share and its queue grows. ``rebalance``: move lots in proportion to lost capacity. A
    route's capacity factor is the smallest of its lanes' and transit sites' (counting a
    factor only where a throttle slows the route there: a border post, a lane with a loading
    capacity or sailings, a port with handling or one the route leaves by sea; a junction, a
    hub, a road without a capacity or a port without handling left by road counts 1 unless
    closed) that do not slow every route of the mine alike, divided by the smallest of those
    that do (a border post on all of them), capped at 1: a throttle on a shared post alone
    moves nothing, since no route avoids it, and a lane at 0.3 behind a shared post at 0.5
    counts as 0.6. Under ``fixed_shares`` each route keeps its share times its factor (a
    route at 0.3 takes 0.3 of its share); what the routes lose goes to the open routes of
    share 0 (backups) in proportion to their factors (evenly when none is throttled), each
    taking at most the lost share times its factor (a backup at 0.1 takes a tenth of it);
    what the backups cannot take, or all of it if no backup is open, stays with the open
    routes with a share in proportion to what they keep, and waits in their queues (with
    none of them open, the backups take every lot). Under ``cheapest`` or ``fastest`` the
    best open route takes its factor's share of the lots, the next best that share of the
    rest, and so on (what the last leaves is spread over them in proportion). A closed route
    takes nothing, as under ``reroute``; with every route closed (or a shared element
    closed), lots wait. The split changes when capacities change, not lot by lot."""
    routes: dict[Id, Route] = Field(min_length=1)
    """Routes by id."""


# ---------------------------------------------------------------------------------------
# The series period

MONTH = "month"
"""``series_period_days`` for calendar months."""

_PERIOD_WORDS = {"week": 7, "weeks": 7, "weekly": 7, "day": 1, "days": 1, "daily": 1}


def _month_word(value: object) -> object:
    """``month`` as written (any case, spaces around); any other word is refused with what
    to write instead: a frequency word that is a whole number of days gets that number,
    one meaning months gets ``month``."""
    if not isinstance(value, str):
        return value
    word = value.strip().lower()
    if word == MONTH:
        return MONTH
    days = _PERIOD_WORDS.get(word)
    if days is not None:
        instead = f"write {days} for {'weeks' if days == 7 else 'days'}"
    elif word.startswith("month"):
        instead = f"write {MONTH} for calendar months"
    else:
        instead = f"write a number of days, or {MONTH} for calendar months"
    raise ValueError(f"expected a whole number of days or {MONTH}, got {value!r}: {instead}")


def _period_branch(value: object) -> str:
    # text that is not a number goes to the word; a number (or {value: .., unit: ..}) to days
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return MONTH
    return "days"


SeriesPeriod = Annotated[
    Annotated[int, quantity("day"), Field(ge=1, le=366), Tag("days")]
    | Annotated[Literal["month"], BeforeValidator(_month_word), Tag(MONTH)],
    Discriminator(_period_branch),
]
"""A whole number of days (1 to 366), or ``month`` for calendar months."""


# ---------------------------------------------------------------------------------------
# The scenario


class Scenario(Strict):
    """A complete scenario: what exists, for how long, and from when."""

    name: Id
    """Short id of the scenario (used in results)."""
    title: str = ""
    """One-line title."""
    question: str = ""
    """The question this scenario answers."""
    description: str = ""
    """Longer description."""
    start: dt.date
    """First day measured (a calendar date, not a number of days)."""
    horizon_days: PositiveDays | None = None
    """Days simulated after ``start``; or give ``end``."""
    end: dt.date | None = None
    """Last day measured (inclusive); or give ``horizon_days``."""
    warmup_days: Days = 0.0
    """Days simulated before ``start`` to fill pipelines, queues and stocks; excluded from
    every result. Give at least the longest route time ``sim show`` lists: with less,
    deliveries fall short of plan while the pipelines fill, and shortfalls and price rises
    that no shock caused follow where stocks run out (``sim validate`` notes it where the
    markets' stocks, counted through the refiners that sell to them, fall a week or more
    of the routes' planned flow short of the gap: a smaller gap gets no note, but can
    still show as shortfall, in the KPIs and the weekly series, and in the price)."""
    lot_period_days: PositiveDays = 1.0
    """Days between lots at mines without their own ``lot_interval_days``. Each lot is a
    whole period's output, shipped at the start of the period (the first at time 0), so
    ``mined_t`` counts every period that starts within the run: a horizon that is not a
    whole number of periods counts the last one in full (keep the period short against
    the horizon). A replication may dispatch at most 10 million mine lots in all, warm-up
    included: shorter periods are refused as a unit mistake."""
    series_period_days: SeriesPeriod = 7
    """Length of one time step of the output time series: a whole number of days, or
    ``month`` for calendar months.

    With a number N, periods of N days start on ``start``; the last is cut short at the
    horizon if it is not a whole number of periods. With ``month``, the first period runs
    from ``start`` to the end of its calendar month, each next one is a calendar month
    (28 to 31 days), and the last is cut at the horizon: a run from 2025-01-15 over 75 days
    has periods from 2025-01-15 (17 days), 2025-02-01 (28) and 2025-03-01 (30). The
    warm-up is never in the series, so months follow ``start`` whatever ``warmup_days`` is.
    Flows are summed over each period's days and levels averaged over them; the series
    tables' ``days`` column gives each period's days (divide a flow by it for t/day)."""
    series_sites: list[Id] = []
    """Sites whose holdings get time series of their own, beside ``stock_t`` by kind of
    site: ``held_t`` of each commodity (metal held there at each day's end, averaged over
    each period) and, for a border post, ``held_trucks`` (trucks in line, in clearance or
    held after it at each day's end, as ``peak_held_trucks`` counts them, averaged over
    each period; key the post, commodity ``all``). For the queue at a border post or a
    port over time, e.g. ``series_sites: [kasumbalesa, dar_es_salaam]``; ``sim run`` draws
    them in ``figures/queues.png`` (``Results.plot.queues()``). Each site adds a
    series per commodity to every replication's results: about 2 kB a series over ten
    years of weekly periods as results keep them, and about 150 kB in the tidy
    ``Results.series`` table (522 rows of about 280 bytes), so name the sites you need.
    A lane's queue is not at a site (the junction a rail lane leaves holds nothing): name
    the lane in ``series_lanes``."""
    series_lanes: list[Id] = []
    """Lanes whose lots waiting to set off get a time series of their own: ``waiting_t`` of
    each commodity (metal in the lane's loading queue, loading, or held back at its
    entrance by a closure, at each day's end, averaged over each period; key the lane).
    For the backlog at a rail line's loading over time, e.g. ``series_lanes:
    [kolwezi_rail_lobito]``. These lots are on the lane in ``in_transit_t`` and
    ``in_transit_end_t``, and at the end in ``stranded_end_t`` where the lane leaves a site
    in the exporting country. Each lane adds a series per
    commodity, as a site of ``series_sites`` does."""
    exporting_country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "COD"
    """Country whose exports are counted (metal leaving it is 'exported')."""
    commodities: dict[Id, Commodity] = Field(min_length=1)
    """Commodities by id."""
    regions: dict[Id, Region] = Field(min_length=1)
    """Regions by id."""
    sites: dict[Id, Site] = Field(min_length=1)
    """Sites by id."""
    lanes: dict[Id, Lane] = Field(min_length=1)
    """Lanes by id."""
    channels: dict[Id, Channel] = Field(min_length=1)
    """Channels by id."""
    shocks: Shocks = Shocks()
    """Scripted events, conflict regimes and incident hazards."""
    policies: Policies = Policies()
    """Export bans and quotas, offtake deals, corridor upgrades, stockpiles, security
    support and export controls."""

    _meta: Any = PrivateAttr(default=None)

    def __setattr__(self, name: str, value: Any) -> None:
        # pydantic's refusal ("1 validation error for Scenario ... Instance is frozen")
        # says neither why nor what to do instead
        fields = type(self).model_fields
        if name.startswith("_"):
            # private attributes (pydantic's and the loader's metadata) are set as before
            super().__setattr__(name, value)
            return
        scalar = value is None or isinstance(value, bool | int | float | str | dt.date)
        shown = repr(value) if scalar else "..."
        field = name if name in fields else did_you_mean(name, fields)
        if field is None:
            raise AttributeError(
                f"a Scenario is not changed in place (sc.{name} = {shown}), and has no "
                f"field {name!r} (sc.model_dump() shows every field): give a change as an "
                "override, which is checked as a scenario file is, e.g. "
                "sim.run(sc, overrides=['horizon_days=365'])")
        given = (as_overrides({field: value}) if scalar else None) or [f"{field}=..."]
        unknown = "" if field == name else \
            f", and has no field {name!r}: did you mean {field!r}? Give"
        raise AttributeError(
            f"a Scenario is not changed in place (sc.{name} = {shown})"
            + (unknown or ": give") + " the change as an override, which is checked as a "
            f"scenario file is: sim.run(sc, overrides={given!r}), or "
            f"sim.load_scenario(path, overrides={given!r})")

    def __eq__(self, other: object) -> bool:
        # The loader's metadata (files, lines, citations, notes) tells where a scenario came
        # from, not what it is: pydantic compares it too, so a run's scenario was unequal to
        # the same scenario read back from its results folder, which keeps only the fields
        if not isinstance(other, Scenario):
            return NotImplemented
        return type(self) is type(other) and all(
            getattr(self, name) == getattr(other, name) for name in type(self).model_fields)

    @field_validator("start", "end", mode="before")
    @classmethod
    def _calendar_date(cls, value: object) -> object:
        # pydantic reads a number as seconds since 1970: start: 0 ran from 1970-01-01, and
        # so did a quoted one (start: '0', or '2025' refused as "Datetimes provided to
        # dates should have zero time"; review 249)
        shown = number_written(value)
        if shown is not None:
            raise ValueError(f"must be a calendar date such as 2024-07-01, got the number "
                             f"{shown} (days after the start are for shocks and policies)")
        return value

    @field_validator("warmup_days", "horizon_days")
    @classmethod
    def _whole_days(cls, value: float | None) -> float | None:
        if value is not None and value != int(value):
            # every digit that is not whole: "got 100" for 100.0000001 read as a contradiction
            raise ValueError(f"must be a whole number of days, got {value:.15g}")
        return value

    @property
    def horizon(self) -> float:
        """Days measured after ``start`` (``horizon_days``, or up to ``end`` inclusive)."""
        if self.horizon_days is not None:
            return float(self.horizon_days)
        if self.end is None:
            raise ValueError("the scenario gives neither horizon_days nor end")
        return float((self.end - self.start).days + 1)

    @property
    def last_date(self) -> dt.date:
        """The last day measured, inclusive (a part day of ``horizon`` counts as a day):
        the period is ``start`` to ``last_date``."""
        return self.start + dt.timedelta(days=math.ceil(self.horizon) - 1)

    def series_posts(self) -> list[str]:
        """The border posts of ``series_sites``, in its order: the sites whose trucks get a
        series (``held_trucks``), as the world records them and the catalogue lists them."""
        return [s for s in self.series_sites if self.sites[s].kind == "border_post"]

    def day_of(self, when: dt.date | str | float) -> float:
        """Days from ``start`` to ``when``: a date, a datetime (a pandas Timestamp too; its
        time of day is a part of a day, its time zone ignored), an ISO date string such as
        ``"2024-02-01"`` (read as that date), or already a number of days (returned as a
        float).

        Raises ``ValueError`` for a string that is neither an ISO date nor a number, and
        ``TypeError`` for anything else (None, pandas' NaT, a list); each message says what
        it takes.
        """
        if isinstance(when, dt.datetime) and when != when:
            # pandas' NaT is a datetime, and gave nan days without a word (review 253)
            raise TypeError(f"day_of takes a date, not {when!r} (a missing date)")
        if isinstance(when, dt.datetime):
            # a moment, such as a pandas Timestamp from Results.timeline's date column:
            # datetime - date raised a bare TypeError (review 249); its time of day is
            # the part of the day gone
            since = when.replace(tzinfo=None) - dt.datetime.combine(self.start, dt.time())
            return since / dt.timedelta(days=1)
        if isinstance(when, dt.date):
            return float((when - self.start).days)
        if isinstance(when, str):
            try:
                return float(when)  # a number of days written as text, as float() took it
            except ValueError:
                pass
            try:
                date = dt.date.fromisoformat(when.strip())
            except ValueError:
                raise ValueError(f"day_of takes a date, an ISO date string such as "
                                 f"{self.start.isoformat()!r}, or a number of days after "
                                 f"the start date ({self.start}), not {when!r}") from None
            return float((date - self.start).days)
        try:
            return float(when)
        except (TypeError, ValueError):
            raise TypeError(f"day_of takes a date, an ISO date string such as "
                            f"{self.start.isoformat()!r}, or a number of days after the start "
                            f"date ({self.start}), not {type(when).__name__} {when!r}"
                            ) from None

    def _outline(self) -> tuple[str, list[str]]:
        """The period, and the counts a notebook shows: (period, ["2 commodities
        (copper, cobalt)", "12 sites (3 mines, ...)", ...])."""

        def count(n: int, word: str, plural: str | None = None) -> str:
            return f"{n} {word if n == 1 else plural or word + 's'}"

        if self.end is not None:
            period = f"{self.start} to {self.end} ({self.horizon:,g} days)"
        elif self.horizon_days is not None:
            period = f"{self.horizon_days:g} days from {self.start}"
        else:  # only a model built without validation: a repr must not fail
            period = f"from {self.start}, with neither horizon_days nor end"
        if self.warmup_days:
            period += f" after a {self.warmup_days:g}-day warm-up"
        kinds: dict[str, int] = {}
        for site in self.sites.values():
            kinds[site.kind] = kinds.get(site.kind, 0) + 1
        by_kind = ", ".join(count(kinds[k], k.replace("_", " ")) for k in SITE_KINDS
                            if k in kinds)
        parts = [f"{count(len(self.commodities), 'commodity', 'commodities')} "
                 f"({', '.join(self.commodities)})",
                 f"{count(len(self.sites), 'site')} ({by_kind})",
                 count(len(self.lanes), "lane"), count(len(self.channels), "channel")]
        for group, (what, fields) in (("shocks", (self.shocks, ("events", "regimes",
                                                                  "incidents"))),
                                      ("policies", (self.policies,
                                                    tuple(type(self.policies).model_fields)))):
            counts = [count(len(getattr(what, f)), f.removesuffix("s").replace("_", " "))
                      for f in fields if getattr(what, f)]
            parts.append(f"{group}: {', '.join(counts) if counts else 'none'}")
        return period, parts

    def __repr__(self) -> str:
        # pydantic's repr is the whole tree (some 44,000 characters for the baseline): typing
        # `sc` in a notebook buried everything else
        period, parts = self._outline()
        title = f" {self.title!r}" if self.title else ""
        return (f"<Scenario {self.name!r}{title}: {period}; {'; '.join(parts)} "
                f"(sc.model_dump() for every field)>")

    __str__ = __repr__  # print(sc) too (pydantic's str is the same whole tree)

    def _repr_html_(self) -> str:
        import html

        period, parts = self._outline()
        items = "".join(f"<li>{html.escape(p)}</li>" for p in parts)
        title = f": {html.escape(self.title)}" if self.title else ""
        return (f"<div><strong>Scenario {html.escape(self.name)}</strong>{title}<br>"
                f"{html.escape(period)}<ul>{items}</ul>"
                "<small>sim.run(sc, replications) to run it; sc.model_dump() for every field"
                "</small></div>")

    def sites_of_kind(self, kind: str) -> dict[str, Any]:
        """Sites of one kind (one of :data:`SITE_KINDS`, such as ``"mine"`` or
        ``"border_post"``), by id, in file order; empty where the scenario has none of
        that kind.

        Raises ``ValueError`` for a ``kind`` that is not a site kind (``"mines"``), naming
        the kinds and the closest one, and ``TypeError`` unless it is a str."""
        if not isinstance(kind, str):
            raise TypeError(f"kind must be one site kind (a str: {', '.join(SITE_KINDS)}), "
                            f"not {type(kind).__name__} {kind!r}")
        check_site_kind(kind)
        return {k: s for k, s in self.sites.items() if s.kind == kind}

    def country_of(self, site_id: str) -> str:
        """ISO3 country of a site, through its region.

        Raises ``KeyError`` for a ``site_id`` the scenario does not have, naming the
        closest site id and the scenario's sites (the first 20)."""
        site = self.sites.get(site_id)
        if site is None:
            guess = did_you_mean(site_id, self.sites)
            ids = list(self.sites)
            listed = ", ".join(ids[:20]) + (f" and {len(ids) - 20} more" if len(ids) > 20
                                            else "")
            raise KeyError(f"no site {site_id!r} in scenario {self.name!r}"
                           + (f"; did you mean {guess!r}?" if guess else "")
                           + f"; its sites are {listed}")
        return self.regions[site.region].country
