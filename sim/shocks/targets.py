"""Resolve a shock's targets to the world's components."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.scenario.checks import region_reach  # read from here too (review 231)
from sim.scenario.shock_schema import Targets

if TYPE_CHECKING:
    from sim.world.lanes import Lane
    from sim.world.mines import Mine
    from sim.world.sites import Market, SiteBase
    from sim.world.world import World


@dataclass
class Resolved:
    """The components a target set covers, and its flow filters as indices."""

    sites: list[SiteBase]
    lanes: list[Lane]
    mines: list[Mine]
    markets: list[Market]
    commodities: frozenset[int] | None
    channels: frozenset[int] | None


def resolve(world: World, targets: Targets) -> Resolved:
    """Sites named or lying in a named region; lanes named, or touching or crossing a named
    region; mines among those sites; markets named in ``targets.markets`` only (a market
    among the sites or in a region has its demand changed only when named there too)."""
    sc = world.sc
    in_sites, in_lanes = region_reach(sc, targets.regions)
    named_sites, named_lanes = {*targets.sites, *in_sites}, {*targets.lanes, *in_lanes}
    site_ids = [sid for sid in sc.sites if sid in named_sites]
    lane_ids = [lid for lid in sc.lanes if lid in named_lanes]
    sites = [world.sites[world.site_index[s]] for s in site_ids]
    lanes = [world.lanes[world.lane_index[lid]] for lid in lane_ids]
    mines = [s for s in sites if s.kind == "mine"]
    markets = [world.sites[world.site_index[m]] for m in dict.fromkeys(targets.markets)]
    coms = (frozenset(world.commodity_index[c] for c in targets.commodities)
            if targets.commodities is not None else None)
    chans = (frozenset(world.channel_index[c] for c in targets.channels)
             if targets.channels is not None else None)
    return Resolved(sites, lanes, mines, markets, coms, chans)  # type: ignore[arg-type]
