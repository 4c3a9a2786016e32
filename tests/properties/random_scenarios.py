"""A hypothesis strategy for random small *valid* scenarios, as mappings for
:func:`sim.scenario.scenario_from_dict`.

A drawn scenario has 1-3 commodities with their forms, a few regions in the DRC and abroad,
1-4 mines (by-products coupled to a main product sometimes), 0-2 border posts, junctions and
ports (with sailings sometimes), sometimes a trading hub and a stockpile, 1-2 refiners and
1-2 markets. Sites are strung into 1-3 *corridors* (a few transit sites ending at a refiner
or market); every mine has a lane to the start of every corridor, so each channel can use
any corridor as a route. Lanes get random transit distributions (every supported kind),
sometimes a loading capacity, and costs. Channels split each mine's output by random shares
that sum to 1 and route by fixed shares, cost or speed.

On top come random shocks (scripted events with capacity, closure, delay, seizure,
diversion, tax, demand and price effects; a conflict regime; an incident hazard) and
policies (export ban with a stock limit, quota, offtake deal, corridor upgrade, stockpile
release, security support, export control), all timed inside a 30-60 day horizon.

Every choice is made so the scenario passes validation; a drawn mapping that does not is a
bug either here or in the validator, and the property tests report it as such.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

FORMS = {
    "copper": {"cathode": {"grade": 1.0, "payload_t_per_truck": 30.0},
               "concentrate": {"grade": 0.5, "payload_t_per_truck": 30.0}},
    "cobalt": {"hydroxide": {"grade": 0.3, "payload_t_per_truck": 30.0}},
    "gold": {"dore": {"grade": 0.9, "payload_t_per_truck": 1.0}},
}
REGIONS = {"lualaba": "COD", "kivu": "COD", "zambia": "ZMB", "tanzania": "TZA",
           "china": "CHN", "usa": "USA"}
HOME = ["lualaba", "kivu"]
TRANSIT_REGIONS = {"border_post": ["lualaba", "kivu", "zambia"],
                   "junction": ["lualaba", "zambia", "tanzania"],
                   "port": ["tanzania"], "trading_hub": ["kivu", "zambia"]}
ABROAD = ["china", "usa"]
CHANNELS = ["china", "western", "informal"]

small = st.floats(min_value=0.05, max_value=3.0, allow_nan=False, allow_infinity=False)


def _r(x: float, digits: int = 3) -> float:
    return round(float(x), digits)


@st.composite
def distributions(draw, scale: float = 1.0, allow_zero: bool = True) -> Any:
    """A positive-mean duration in days: a number or any supported distribution."""
    kind = draw(st.sampled_from(["number", "fixed", "uniform", "triangular",
                                 "truncated_normal", "lognormal", "exponential", "gamma",
                                 "empirical"]))
    a = _r(draw(small) * scale)
    b = _r(a + draw(small) * scale)
    if kind == "number":
        return _r(draw(st.floats(min_value=0.0 if allow_zero else 0.05, max_value=4.0)) * scale)
    if kind == "fixed":
        return {"dist": "fixed", "value": a}
    if kind == "uniform":
        return {"dist": "uniform", "low": a, "high": b}
    if kind == "triangular":
        return {"dist": "triangular", "low": a, "mode": _r((a + b) / 2), "high": b}
    if kind == "truncated_normal":
        return {"dist": "truncated_normal", "mean": b, "sd": a}
    if kind == "lognormal":
        return {"dist": "lognormal", "mean": b, "sd": a}
    if kind == "exponential":
        return {"dist": "exponential", "mean": a}
    if kind == "gamma":
        return {"dist": "gamma", "shape": _r(draw(st.floats(0.5, 4.0))), "scale": a}
    values = draw(st.lists(st.floats(0.05, 5.0).map(_r), min_size=1, max_size=4))
    return {"dist": "empirical", "values": values}


@st.composite
def factors(draw) -> Any:
    """A multiplicative noise with mean 1."""
    kind = draw(st.sampled_from(["none", "uniform", "lognormal", "gamma", "exponential"]))
    if kind == "none":
        return 1.0
    if kind == "uniform":
        w = _r(draw(st.floats(0.05, 0.9)))
        return {"dist": "uniform", "low": _r(1 - w), "high": _r(1 + w)}
    if kind == "lognormal":
        return {"dist": "lognormal", "mean": 1.0, "sd": _r(draw(st.floats(0.05, 0.8)))}
    if kind == "gamma":
        k = draw(st.sampled_from([0.5, 1.0, 2.0, 4.0]))
        return {"dist": "gamma", "shape": k, "scale": 1 / k}
    return {"dist": "exponential", "mean": 1.0}


@st.composite
def shares(draw, keys: list[str], allow_zero: bool = True) -> dict[str, float]:
    """Random non-negative shares over ``keys`` that sum to 1 (at least one positive)."""
    weights = draw(st.lists(st.integers(0 if allow_zero else 1, 5), min_size=len(keys),
                            max_size=len(keys)).filter(lambda w: sum(w) > 0))
    total = sum(weights)
    return {k: w / total for k, w in zip(keys, weights, strict=True)}


def _site(kind: str, region: str, i: int, **fields: Any) -> dict[str, Any]:
    return {"kind": kind, "region": region,
            "location": {"lat": -10.0 + i, "lon": 25.0 + i}, **fields}


@st.composite
def valid_scenarios(draw) -> dict[str, Any]:
    """A random small valid scenario mapping."""
    picked = draw(st.lists(st.sampled_from(list(FORMS)), min_size=1, max_size=3, unique=True))
    coms = [c for c in FORMS if c in picked]
    commodities: dict[str, Any] = {}
    for com in coms:
        spec: dict[str, Any] = {"forms": FORMS[com]}
        if draw(st.booleans()):
            spec["demand_elasticity"] = _r(draw(st.floats(-2.0, -0.1)))
            spec["reference_price_usd_per_t"] = _r(draw(st.floats(1000, 60000)), 0)
            spec["price_basis"] = draw(st.sampled_from(["consumption", "supply"]))
        if draw(st.booleans()):
            spec["royalty_rate"] = _r(draw(st.floats(0.0, 0.2)))
        commodities[com] = spec

    sites: dict[str, Any] = {}
    counter = iter(range(1000))

    def add(sid: str, kind: str, region: str, **fields: Any) -> str:
        sites[sid] = _site(kind, region, next(counter), **fields)
        return sid

    # transit sites
    transit: list[str] = []
    for kind, n_max in (("border_post", 2), ("junction", 2), ("port", 2), ("trading_hub", 1)):
        for i in range(draw(st.integers(0, n_max))):
            region = draw(st.sampled_from(TRANSIT_REGIONS[kind]))
            fields: dict[str, Any] = {}
            if kind == "border_post":
                fields["clearance_trucks_per_day"] = _r(draw(st.floats(0.5, 300.0)))
                fields["servers"] = draw(st.integers(1, 3))
                fields["service_variability"] = draw(factors())
            elif kind == "trading_hub":
                fields["dwell_days"] = draw(distributions())
            transit.append(add(f"{kind}_{i}", kind, region, **fields))
    ports = [s for s in transit if sites[s]["kind"] == "port"]

    # destinations: every refiner refines every commodity, every market demands each
    markets = []
    for i in range(draw(st.integers(1, 2))):
        other = {}
        for com in coms:
            other[com] = draw(st.one_of(st.just("balance"),
                                        st.floats(0.0, 20000.0).map(lambda x: _r(x, 1))))
        fields = {"demand_t_per_year": {c: _r(draw(st.floats(100.0, 50000.0)), 1)
                                        for c in coms},
                  "other_supply_t_per_year": other}
        if draw(st.booleans()):
            fields["initial_stock_t"] = {c: _r(draw(st.floats(0.0, 2000.0)), 1) for c in coms}
        markets.append(add(f"market_{i}", "market", draw(st.sampled_from(ABROAD)), **fields))
    refiners = []
    for i in range(draw(st.integers(1, 2))):
        fields = {"capacity_t_per_year": {c: _r(draw(st.floats(100.0, 80000.0)), 1)
                                          for c in coms},
                  "sales": {c: draw(shares(markets)) for c in coms},
                  "dispatch_period_days": draw(st.sampled_from([1.0, 2.0, 5.0]))}
        if draw(st.booleans()):
            fields["recovery"] = {c: _r(draw(st.floats(0.5, 1.0))) for c in coms}
        if draw(st.booleans()):
            fields["initial_feed_t"] = {c: _r(draw(st.floats(0.0, 500.0)), 1) for c in coms}
            fields["initial_output_t"] = {c: _r(draw(st.floats(0.0, 500.0)), 1) for c in coms}
        refiners.append(add(f"refiner_{i}", "refiner", draw(st.sampled_from(ABROAD)),
                            **fields))
    stockpile = None
    if draw(st.booleans()):
        # in a market's country: a stockpile rule releases only into a market of its own
        # country (metal released abroad would cross a border with no lane)
        stockpile = add("reserve", "stockpile", sites[draw(st.sampled_from(markets))]["region"],
                        initial_stock_t={c: _r(draw(st.floats(0.0, 3000.0)), 1) for c in coms})

    # corridors: distinct transit sites in random order, ending at a destination
    corridors: list[list[str]] = []
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.lists(st.sampled_from(transit), max_size=3, unique=True)) if transit \
            else []
        path.append(draw(st.sampled_from(refiners + markets)))
        if path not in corridors:
            corridors.append(path)

    # channels and their routes
    channel_ids = draw(st.lists(st.sampled_from(CHANNELS), min_size=1, max_size=3,
                                unique=True))
    channels: dict[str, Any] = {}
    for cid in channel_ids:
        picked = draw(st.lists(st.sampled_from(range(len(corridors))), min_size=1,
                               max_size=min(2, len(corridors)), unique=True))
        routing = draw(st.sampled_from(["fixed_shares", "cheapest", "fastest"]))
        routes = {}
        for j in picked:
            route: dict[str, Any] = {"path": list(corridors[j])}
            if routing == "fixed_shares" and len(picked) > 1:
                route["share"] = _r(draw(st.floats(0.0, 1.0)))
            routes[f"r{j}"] = route
        if routing == "fixed_shares" and len(picked) > 1 and \
                all(route["share"] == 0 for route in routes.values()):
            # all zeros is refused (the split would be equal whatever the zeros meant);
            # a zero beside a positive share stays: a backup for rerouting
            routes[f"r{picked[0]}"]["share"] = 1.0
        channels[cid] = {"routing": routing, "formal": cid != "informal",
                         "on_closure": draw(st.sampled_from(["wait", "reroute"])),
                         "routes": routes}

    # mines
    mines = []
    for i in range(draw(st.integers(1, 4))):
        produced = draw(st.lists(st.sampled_from(coms), min_size=1, max_size=len(coms),
                                 unique=True))
        out_coms = [c for c in coms if c in produced]
        output: dict[str, Any] = {}
        main = None
        for com in out_coms:
            form = draw(st.sampled_from(sorted(FORMS[com])))
            if main is not None and draw(st.booleans()):
                output[com] = {"form": form, "ratio_to": main,
                               "ratio": _r(draw(st.floats(0.0, 0.5)))}
            else:
                output[com] = {"form": form, "t_per_year": _r(draw(st.floats(500, 60000)), 1)}
                main = main or com
        fields = {"output": output,
                  "offtake": {c: draw(shares(channel_ids)) for c in out_coms},
                  "variability": draw(factors())}
        if draw(st.booleans()):
            fields["lot_interval_days"] = draw(distributions(allow_zero=False).filter(
                lambda d: not isinstance(d, int | float) or d > 0.1))
        if draw(st.booleans()):
            fields["initial_stock_t"] = {c: _r(draw(st.floats(0.0, 1000.0)), 1)
                                         for c in out_coms}
        mines.append(add(f"mine_{i}", "mine", draw(st.sampled_from(HOME)), **fields))

    # lanes: mine -> every corridor start, along every corridor, refiner -> every market
    lanes: dict[str, Any] = {}

    def lane(a: str, b: str) -> None:
        lid = f"{a}__{b}"
        if lid in lanes:
            return
        spec: dict[str, Any] = {"from": a, "to": b,
                                "mode": draw(st.sampled_from(["road", "rail", "sea"])),
                                "transit_days": draw(distributions()),
                                "cost_usd_per_t": _r(draw(st.floats(0.0, 200.0)), 1)}
        if draw(st.integers(0, 3)) == 0:
            spec["capacity_t_per_day"] = _r(draw(st.floats(5.0, 3000.0)))
        if a in ports and draw(st.booleans()):
            spec["mode"] = "sea"  # sailings are ships: refused on a road or rail lane
            spec["sailing"] = {"interval_days": draw(distributions(allow_zero=False).filter(
                lambda d: not isinstance(d, int | float) or d > 0.1)),
                "vessel_t": _r(draw(st.floats(50.0, 100000.0)))}
        lanes[lid] = spec

    for path in corridors:
        for m in mines:
            lane(m, path[0])
        for a, b in zip(path, path[1:], strict=False):
            lane(a, b)
    for r in refiners:
        for mkt in markets:
            lane(r, mkt)

    horizon = draw(st.integers(30, 60))
    warmup = draw(st.integers(0, 15))
    start = dt.date(2024, 1, 1) + dt.timedelta(days=draw(st.integers(0, 900)))
    data: dict[str, Any] = {
        "name": "random",
        "start": start.isoformat(),
        "horizon_days": horizon,
        "warmup_days": warmup,
        "lot_period_days": draw(st.sampled_from([0.5, 1.0, 2.0])),
        "commodities": commodities,
        "regions": {r: {"country": c} for r, c in REGIONS.items()},
        "sites": sites,
        "lanes": lanes,
        "channels": channels,
    }
    ctx = {"coms": coms, "mines": mines, "markets": markets, "refiners": refiners,
           "transit": transit, "lanes": list(lanes), "channels": channel_ids,
           "stockpile": stockpile, "horizon": horizon, "warmup": warmup, "sites": sites,
           "lane_specs": lanes, "start": start}
    data["shocks"] = draw(shocks(ctx))
    data["policies"] = draw(policies(ctx, has_regime=bool(data["shocks"].get("regimes"))))
    return data


# ----------------------------------------------------------------------------- shocks
def _month_edges(start: dt.date, a: float, b: float) -> tuple[float, float]:
    """Days ``a`` and ``b`` after ``start`` moved out to the first day of ``a``'s month and
    the last day of ``b``'s."""
    first = (start + dt.timedelta(days=a)).replace(day=1)
    last = start + dt.timedelta(days=b)
    after = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return float((first - start).days), float((after - start).days - 1)


def _when(draw, ctx: dict[str, Any]) -> float:
    return float(draw(st.integers(-ctx["warmup"], ctx["horizon"] - 1)))


def _throttleable(ctx: dict[str, Any], targets: dict[str, Any]) -> bool:
    """Whether a capacity factor between 0 and 1 would act on the targets (the rule of
    sim.scenario.shock_checks.throttles: named targets each, regions as a whole)."""
    def site_ok(sid: str) -> bool:
        kind = ctx["sites"][sid]["kind"]
        if kind == "port":
            return any(spec["from"] == sid and "sailing" in spec
                       for spec in ctx["lane_specs"].values())
        return kind in ("mine", "border_post", "refiner")

    def lane_ok(lid: str) -> bool:
        spec = ctx["lane_specs"][lid]
        return "capacity_t_per_day" in spec or "sailing" in spec

    named_sites, named_lanes = targets.get("sites", []), targets.get("lanes", [])
    if named_sites or named_lanes:
        return all(site_ok(s) for s in named_sites) and all(lane_ok(lane) for lane in named_lanes)
    regions = set(targets.get("regions", []))
    in_sites = [sid for sid, spec in ctx["sites"].items() if spec["region"] in regions]
    return any(site_ok(sid) for sid in in_sites) or any(
        lane_ok(lid) for lid, spec in ctx["lane_specs"].items()
        if spec["from"] in in_sites or spec["to"] in in_sites
        or regions.intersection(spec.get("regions", [])))


@st.composite
def effects(draw, ctx: dict[str, Any], targets: dict[str, Any]) -> dict[str, Any]:
    has_mines = any(s in ctx["mines"] for s in targets.get("sites", [])) or any(
        ctx["sites"][m]["region"] in targets.get("regions", []) for m in ctx["mines"])
    options = ["capacity_factor", "seize_share", "tax_rate"]
    # refused where they would act on nothing: a delay on a mine or refiner, a price
    # factor aimed at markets without naming commodities
    if all(s in ctx["transit"] for s in targets.get("sites", [])):
        options.append("added_delay_days")
    if not targets.get("markets") or targets.get("commodities") is not None:
        options.append("price_factor")
    if has_mines:
        options.append("divert")
    if targets.get("markets"):
        options.append("demand_factor")
    chosen = draw(st.lists(st.sampled_from(options), min_size=1, max_size=3, unique=True))
    out: dict[str, Any] = {}
    for name in chosen:
        if name == "capacity_factor":
            # a factor other than 0 is refused where there is no capacity to scale
            factors = [0.0, 0.0, 0.3, 0.7, 1.5] if _throttleable(ctx, targets) else [0.0]
            out[name] = draw(st.sampled_from(factors))
        elif name == "added_delay_days":
            out[name] = draw(distributions())
        elif name == "divert":
            out[name] = {"share": _r(draw(st.floats(0.0, 1.0))),
                         "to_channel": draw(st.sampled_from(ctx["channels"]))}
        elif name in ("seize_share", "tax_rate"):
            out[name] = _r(draw(st.floats(0.0, 1.0)))
        elif name == "demand_factor":
            out[name] = _r(draw(st.floats(0.0, 3.0)))
        else:
            out[name] = _r(draw(st.floats(0.2, 3.0)))
    return out


@st.composite
def targets(draw, ctx: dict[str, Any]) -> dict[str, Any]:
    kind = draw(st.sampled_from(["sites", "lanes", "regions", "mixed"]))
    out: dict[str, Any] = {}
    site_ids = ctx["mines"] + ctx["transit"] + ctx["refiners"]
    if kind in ("sites", "mixed"):
        out["sites"] = draw(st.lists(st.sampled_from(site_ids), min_size=1, max_size=2,
                                     unique=True))
    if kind in ("lanes", "mixed"):
        out["lanes"] = draw(st.lists(st.sampled_from(ctx["lanes"]), min_size=1, max_size=2,
                                     unique=True))
    if kind == "regions":
        # a region with no site and no lane is refused: it would target nothing
        reached = sorted({spec["region"] for spec in ctx["sites"].values()})
        out["regions"] = draw(st.lists(st.sampled_from(reached), min_size=1,
                                       max_size=2, unique=True))
    if draw(st.booleans()):
        out["markets"] = draw(st.lists(st.sampled_from(ctx["markets"]), min_size=1,
                                       unique=True))
    if draw(st.integers(0, 3)) == 0:
        out["channels"] = draw(st.lists(st.sampled_from(ctx["channels"]), min_size=1,
                                        unique=True))
    if draw(st.integers(0, 3)) == 0:
        out["commodities"] = draw(st.lists(st.sampled_from(ctx["coms"]), min_size=1,
                                           unique=True))
    return out


NARROWED_BY_CHANNELS = {"divert", "seize_share", "tax_rate"}
NARROWED_BY_COMMODITIES = NARROWED_BY_CHANNELS | {"demand_factor", "price_factor"}


def tidy_targets(ctx: dict[str, Any], targets: dict[str, Any],
                 effect_sets: list[dict[str, Any]]) -> dict[str, Any]:
    """``targets`` as the checks accept them for a shock with ``effect_sets`` (one per
    state): filters only where some effect is narrowed by them, no diversion into a channel
    the filter names, and commodities named for a price factor aimed at places."""
    out = dict(targets)
    used = set().union(*(e.keys() for e in effect_sets)) if effect_sets else set()
    if "channels" in out:
        into = {e["divert"]["to_channel"] for e in effect_sets if "divert" in e}
        kept = [c for c in out["channels"] if c not in into]
        if not used & NARROWED_BY_CHANNELS or not kept:
            del out["channels"]
        else:
            out["channels"] = kept
    if "commodities" in out and not used & NARROWED_BY_COMMODITIES:
        del out["commodities"]
    places = any(out.get(k) for k in ("sites", "lanes", "regions"))
    if "price_factor" in used and places and "commodities" not in out \
            and len(ctx["coms"]) > 1:
        out["commodities"] = [ctx["coms"][0]]
    return out


@st.composite
def shocks(draw, ctx: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    events = {}
    for i in range(draw(st.integers(0, 2))):
        t = draw(targets(ctx))
        start = _when(draw, ctx)
        eff = draw(effects(ctx, t))
        ev: dict[str, Any] = {"start": start, "targets": tidy_targets(ctx, t, [eff]),
                              "effects": eff}
        ending = draw(st.sampled_from(["open", "end", "duration"]))
        if ending == "end":
            ev["end"] = start + draw(st.integers(1, 30))
        elif ending == "duration":
            ev["duration_days"] = draw(distributions(scale=5.0, allow_zero=False).filter(
                lambda d: not isinstance(d, int | float) or d > 0))
        events[f"event_{i}"] = ev
    if events:
        out["events"] = events
    if draw(st.booleans()):
        t = draw(targets(ctx))
        n = draw(st.integers(2, 3))
        names = ["calm", "contested", "occupied"][:n]
        states: dict[str, Any] = {"calm": {}}
        for name in names[1:]:
            states[name] = {"effects": draw(effects(ctx, t))}
        rates = {a: {b: _r(draw(st.floats(1.0, 60.0)), 1)} for a, b in zip(names, names[1:],
                                                                         strict=False)}
        for a, b in zip(names[1:], names, strict=False):
            rates.setdefault(a, {})[b] = _r(draw(st.floats(1.0, 60.0)), 1)
        t = tidy_targets(ctx, t, [st_["effects"] for st_ in states.values() if st_])
        regime: dict[str, Any] = {"targets": t, "states": states, "rates_per_year": rates}
        if draw(st.booleans()):
            regime["initial"] = draw(st.sampled_from(names))
        out["regimes"] = {"east": regime}
    if draw(st.booleans()):
        t = draw(targets(ctx))
        eff = draw(effects(ctx, t))
        out["incidents"] = {"strikes": {
            "rate_per_year": _r(draw(st.floats(2.0, 60.0)), 1),
            "duration_days": draw(distributions(allow_zero=False).filter(
                lambda d: not isinstance(d, int | float) or d > 0)),
            "targets": tidy_targets(ctx, t, [eff]), "effects": eff}}
    return out


# ----------------------------------------------------------------------------- policies
@st.composite
def policies(draw, ctx: dict[str, Any], has_regime: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    coms = ctx["coms"]
    # bans and quotas act on the mines of the exporting country: one on a commodity none
    # of them produces could never act, and is refused
    mined = sorted({c for m in ctx["mines"] for c in ctx["sites"][m]["output"]})
    if draw(st.booleans()):
        start = _when(draw, ctx)
        ban: dict[str, Any] = {"commodity": draw(st.sampled_from(mined)), "start": start}
        ending = draw(st.sampled_from(["open", "end", "duration"]))
        if ending == "end":
            ban["end"] = start + draw(st.integers(1, 40))
        elif ending == "duration":
            ban["duration_days"] = float(draw(st.integers(1, 40)))
        if draw(st.booleans()):
            ban["stock_limit_days"] = float(draw(st.integers(0, 20)))
        if draw(st.integers(0, 2)) == 0:
            ban["channels"] = draw(st.lists(st.sampled_from(ctx["channels"]), min_size=1,
                                            unique=True))
        out["export_bans"] = {"ban": ban}
    if draw(st.booleans()):
        a = _when(draw, ctx)
        b = a + draw(st.integers(0, 30))
        period = draw(st.sampled_from(["whole", "month"]))
        if period == "month":  # split by month: from a month's first day to a last day
            a, b = _month_edges(ctx["start"], a, b)
        schedule = [{"start": a, "end": b, "tonnes": _r(draw(st.floats(0.0, 5000.0)), 1),
                     "period": period}]
        if b + 1 < ctx["horizon"] and draw(st.booleans()):
            schedule.append({"start": b + 1, "end": b + 1 + draw(st.integers(0, 30)),
                             "tonnes": _r(draw(st.floats(0.0, 5000.0)), 1)})
        # the first exports must come before the quota ends (its last period's last day),
        # or none of it could ever be exported, which is refused
        last_day = schedule[-1]["end"]
        quota: dict[str, Any] = {"commodity": draw(st.sampled_from(mined)),
                                 "schedule": schedule,
                                 "carry_over": draw(st.booleans()),
                                 "strategic_share": _r(draw(st.floats(0.0, 0.5))),
                                 "first_export_delay_days":
                                     float(draw(st.integers(0, min(10, last_day - a))))}
        if draw(st.booleans()):
            quota["stock_limit_days"] = float(draw(st.integers(0, 20)))
        out["export_quotas"] = {"quota": quota}
    if draw(st.booleans()):
        mine = draw(st.sampled_from(ctx["mines"]))
        produced = list(ctx["sites"][mine]["output"])
        deal: dict[str, Any] = {
            "mines": [mine],
            "commodities": draw(st.lists(st.sampled_from(produced), min_size=1, unique=True)),
            "share": _r(draw(st.floats(0.0, 1.0))),
            "to_channel": draw(st.sampled_from(ctx["channels"])),
            "start": _when(draw, ctx),
            "ramp_days": float(draw(st.integers(0, 20))),
            "probability_fails": draw(st.sampled_from([0.0, 0.5]))}
        out["offtake_deals"] = {"deal": deal}
    if draw(st.booleans()):
        lane_id = draw(st.sampled_from(ctx["lanes"]))
        up: dict[str, Any] = {"lane": lane_id, "start": _when(draw, ctx),
                              "ramp_days": float(draw(st.integers(0, 20)))}
        if "capacity_t_per_day" in ctx["lane_specs"][lane_id] and draw(st.booleans()):
            up["capacity_t_per_day"] = _r(draw(st.floats(5.0, 3000.0)))
        if "capacity_t_per_day" not in up or draw(st.booleans()):
            up["transit_factor"] = _r(draw(st.floats(0.2, 2.0)))
        out["corridor_upgrades"] = {"upgrade": up}
    if ctx["stockpile"] and draw(st.booleans()):
        sp: dict[str, Any] = {"site": ctx["stockpile"], "commodity": draw(st.sampled_from(coms)),
                              "market": draw(st.sampled_from(
                                  [m for m in ctx["markets"] if ctx["sites"][m]["region"]
                                   == ctx["sites"][ctx["stockpile"]]["region"]])),
                              "release_t_per_day": _r(draw(st.floats(1.0, 200.0)))}
        if draw(st.booleans()):
            sp["release_price_ratio_above"] = _r(draw(st.floats(0.5, 2.0)))
        else:
            sp["release_shortfall_share_above"] = _r(draw(st.floats(0.0, 0.5)))
        if draw(st.booleans()):
            sp["release_cap_t"] = _r(draw(st.floats(0.0, 2000.0)))
        if draw(st.booleans()):
            # buying back above the release trigger is refused (it would release and buy
            # back by turns)
            sp["rebuild_price_ratio_below"] = min(_r(draw(st.floats(0.5, 2.0))),
                                                  sp.get("release_price_ratio_above", 2.0))
            sp["rebuild_t_per_day"] = _r(draw(st.floats(1.0, 100.0)))
            sp["rebuild_target_t"] = _r(draw(st.floats(0.0, 5000.0)))
        out["stockpiles"] = {"reserve_rule": sp}
    if has_regime and draw(st.booleans()):
        out["security_support"] = {"help": {
            "regimes": ["east"], "start": _when(draw, ctx),
            "escalation_factor": _r(draw(st.floats(0.0, 2.0))),
            "deescalation_factor": _r(draw(st.floats(0.0, 3.0)))}}
    if draw(st.booleans()):
        refiner = draw(st.sampled_from(ctx["refiners"]))
        country = REGIONS[ctx["sites"][refiner]["region"]]
        # a control limits what leaves its country: a market there is refused
        abroad = [m for m in ctx["markets"]
                  if REGIONS[ctx["sites"][m]["region"]] != country]
        if abroad:
            out["export_controls"] = {"control": {
                "country": country, "commodity": draw(st.sampled_from(coms)),
                "markets": draw(st.lists(st.sampled_from(abroad), min_size=1, unique=True)),
                "cap_t_per_year": _r(draw(st.floats(0.0, 10000.0)), 1),
                "start": _when(draw, ctx)}}
    return out
