"""Resolve a shock's targets to the world's components."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

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
    region; mines and markets among those sites (and markets named)."""
    sc = world.sc
    regions = set(targets.regions)
    site_ids = [sid for sid, spec in sc.sites.items()
                if sid in targets.sites or spec.region in regions]
    lane_ids = [lid for lid, spec in sc.lanes.items()
                if lid in targets.lanes or (regions and (
                    sc.sites[spec.from_].region in regions or sc.sites[spec.to].region in regions
                    or regions.intersection(spec.regions)))]
    sites = [world.sites[world.site_index[s]] for s in site_ids]
    lanes = [world.lanes[world.lane_index[lid]] for lid in lane_ids]
    mines = [s for s in sites if s.kind == "mine"]
    market_ids = [m for m in targets.markets] + [s.id for s in sites if s.kind == "market"]
    markets = [world.sites[world.site_index[m]] for m in dict.fromkeys(market_ids)]
    coms = (frozenset(world.commodity_index[c] for c in targets.commodities)
            if targets.commodities is not None else None)
    chans = (frozenset(world.channel_index[c] for c in targets.channels)
             if targets.channels is not None else None)
    return Resolved(sites, lanes, mines, markets, coms, chans)  # type: ignore[arg-type]
