"""Cargo classes: the number a port tells mergeable lots apart by (World.cargo_class,
Port.ship), instead of comparing ten fields of every lot that sails."""

from __future__ import annotations

from sim.scenario import scenario_from_dict
from sim.streams import Streams
from sim.world.lots import Lot
from sim.world.world import World


def port_world(build) -> World:
    sites = {"mine": build.mine(), "port": build.port(), "market": build.market()}
    lanes = [build.lane("mine", "port", 1.0),
             build.lane("port", "market", 10.0, mode="sea",
                        sailing={"interval_days": 7, "vessel_t": 1e6})]
    return World(scenario_from_dict(build.scenario(sites, lanes, ["port", "market"],
                                                   horizon=10)), Streams(1, 0))


def test_one_class_for_each_commodity_channel_route_and_form(build) -> None:
    world = port_world(build)
    first = world.cargo_class(0, 0, 3, 1.0, 0.04, 1.0)
    assert world.cargo_class(0, 0, 3, 1.0, 0.04, 1.0) == first
    others = {world.cargo_class(*fields) for fields in (
        (1, 0, 3, 1.0, 0.04, 1.0), (0, 1, 3, 1.0, 0.04, 1.0), (0, 0, 4, 1.0, 0.04, 1.0),
        (0, 0, 3, 2.0, 0.04, 1.0), (0, 0, 3, 1.0, 0.05, 1.0), (0, 0, 3, 1.0, 0.04, 0.9))}
    assert len(others) == 6 and first not in others
    assert world.refined_cargo_class == [world.cargo_class(0, -1, -1, 1.0, 0.0, 1.0)]


def test_a_port_merges_a_class_and_keeps_lots_shocks_met_or_of_another_class_apart(
        build) -> None:
    world = port_world(build)
    port = world.sites[world.site_index["port"]]
    legs = (world.lanes[world.lane_index["mine_port"]],
            world.lanes[world.lane_index["port_market"]])
    cls = world.cargo_class(0, 0, 0, 1.0, 0.04, 1.0)

    def lot(tonnes: float, cargo_class: int = cls) -> Lot:
        made = Lot(0, 0, tonnes, 1.0, 0.04, legs, 0, 0, 0.0, 1.0, cargo_class)
        made.leg = 1
        return made

    met = lot(30.0)
    met.intercepted = ("event:toll",)  # a shock met it: it keeps its own cargo
    other = lot(40.0, world.cargo_class(0, 0, 0, 1.0, 0.04, 0.5))
    # lots made without a class (-1) are told apart by their fields, as before classes
    unclassed = [lot(5.0, -1), lot(6.0, -1)]
    sent: list[Lot] = []
    port.forward_batch = sent.extend  # the cargo lots that leave the port
    port.ship([lot(10.0), met, lot(20.0), other, *unclassed])
    assert [(x.tonnes, x.cargo_class) for x in sent] == [
        (30.0, cls), (30.0, cls), (40.0, other.cargo_class), (11.0, -1)]
    assert sent[1] is met
