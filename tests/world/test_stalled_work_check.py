"""The mass-balance check finds metal that nothing will move on at a site or in a queue.

Lots stuck in a queue or at a site balance forever: the ledger booked them in, the site
holds them, and no flow is wrong. The check already caught convoys lost on lanes; these
mutants (each a plausible bug in a server or a site's reopening) left every holding
balanced and the run passed. :meth:`FifoServer.stalled` and :meth:`SiteBase.stalled` now
report lots waiting while a server is free or for a site to reopen that is open, or in
service, held by an added delay or dwelling at a hub past their end; the check fails naming
the site or lane. Each test runs the correct code first, which must pass.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from sim.world.lanes import Sailings
from sim.world.ledger import MassBalanceError
from sim.world.queues import FifoServer
from sim.world.sites import Hub, Port, SiteBase

SHUT = {"start": 10.5, "duration_days": 5, "effects": {"capacity_factor": 0.0},
        "assumption": "test input"}


def border_chain(build: SimpleNamespace) -> dict[str, Any]:
    """Mine (100 t a day, 4 trucks) -> 1 day -> border post (2 trucks a day on one lane:
    a queue builds) -> 1 day -> market; 30 days."""
    return build.scenario({"mine": build.mine(), "border": build.border(2.0, servers=1),
                           "market": build.market()},
                          [build.lane("mine", "border", 1.0), build.lane("border", "market", 1.0)],
                          ["border", "market"], horizon=30)


def junction_chain(build: SimpleNamespace) -> dict[str, Any]:
    """Mine -> 1 day -> junction (closed on days [10.5, 15.5)) -> 1 day -> market."""
    data = build.scenario({"mine": build.mine(), "hub": build.site("junction"),
                           "market": build.market()},
                          [build.lane("mine", "hub", 1.0), build.lane("hub", "market", 1.0)],
                          ["hub", "market"], horizon=30)
    data["shocks"] = {"events": {"shut": {**SHUT, "targets": {"sites": ["hub"]}}}}
    return data


def port_chain(build: SimpleNamespace) -> dict[str, Any]:
    """Mine -> 1 day -> port handling 400 t a day (closed on days [10.1, 15.1), while the
    lot that arrived at day 10 is handled until 10.25) -> 1 day by land -> market."""
    data = build.scenario({"mine": build.mine(), "port": build.port(throughput_t_per_day=400.0),
                           "market": build.market()},
                          [build.lane("mine", "port", 1.0), build.lane("port", "market", 1.0)],
                          ["port", "market"], horizon=30)
    data["shocks"] = {"events": {"shut": {**SHUT, "start": 10.1,
                                          "targets": {"sites": ["port"]}}}}
    return data


def rail_chain(build: SimpleNamespace) -> dict[str, Any]:
    """Mine -> rail loading 50 t a day (half the mine's output: a queue builds) -> 1 day ->
    market; 30 days."""
    return build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", 1.0, mode="rail",
                                      capacity_t_per_day=50.0)],
                          ["market"], horizon=30)


def hub_chain(build: SimpleNamespace, kind: str, **hub: Any) -> dict[str, Any]:
    """Mine -> 1 day -> hub of ``kind`` -> 1 day -> market; 30 days."""
    return build.scenario({"mine": build.mine(), "hub": build.site(kind, **hub),
                           "market": build.market()},
                          [build.lane("mine", "hub", 1.0), build.lane("hub", "market", 1.0)],
                          ["hub", "market"], horizon=30)


def delayed_chain(build: SimpleNamespace) -> dict[str, Any]:
    """A junction that holds every lot 3 days from day 5 to day 25."""
    data = hub_chain(build, "junction")
    data["shocks"] = {"events": {"slow": {"start": 5, "duration_days": 20,
                                          "targets": {"sites": ["hub"]},
                                          "effects": {"added_delay_days": 3.0},
                                          "assumption": "test input"}}}
    return data


def fails_at(build: SimpleNamespace, data: dict[str, Any], where: str) -> str:
    with pytest.raises(MassBalanceError) as info:
        build.run_world(data)
    message = str(info.value)
    assert f"at {where!r}" in message and "nothing will move on" in message, message
    return message


def test_a_server_that_never_starts_the_next_lot_is_caught(build, monkeypatch) -> None:
    """Mutant: FifoServer._fill does nothing, so after the first clearance every later lot
    waits in line with the clearance lane free."""
    world = build.run_world(border_chain(build))
    assert world.sites[world.site_index["border"]].stalled() == []
    monkeypatch.setattr(FifoServer, "_fill", lambda self: None)
    fails_at(build, border_chain(build), "border")


def test_a_server_that_loses_its_finish_events_is_caught(build, monkeypatch) -> None:
    """Mutant: FifoServer._finish ignores its event, so the first lot stays in service
    forever and the line behind it never moves."""
    monkeypatch.setattr(FifoServer, "_finish", lambda self, ev: None)
    message = fails_at(build, border_chain(build), "border")
    assert "copper" in message


def test_a_loading_queue_that_stalls_is_caught_on_the_lane(build, monkeypatch) -> None:
    """The same mutant as above on a rail lane's loading queue."""
    world = build.run_world(rail_chain(build))
    assert world.lanes[0].server.stalled() == []
    monkeypatch.setattr(FifoServer, "_fill", lambda self: None)
    fails_at(build, rail_chain(build), "mine_market")


def test_a_site_that_keeps_lots_after_reopening_is_caught(build, monkeypatch) -> None:
    """Mutant: SiteBase._capacity_changed does not forward the lots that waited for the
    site to reopen."""
    world = build.run_world(junction_chain(build))
    assert world.sites[world.site_index["hub"]].blocked == []
    monkeypatch.setattr(SiteBase, "_capacity_changed", lambda self: None)
    fails_at(build, junction_chain(build), "hub")


def test_a_port_that_keeps_handled_lots_after_reopening_is_caught(build, monkeypatch) -> None:
    """Mutant: Port._capacity_changed resumes the handling but not the lots whose handling
    ended while it was closed."""
    world = build.run_world(port_chain(build))
    port = world.sites[world.site_index["port"]]
    assert port.handled_closed == [] and port.stalled() == []
    delivered = world.ledger.rows("site_in")[world.site_index["market"]][0]
    assert delivered == pytest.approx(28 * 100.0)  # days 0-27 shipped, 2 days to market

    def reopen_without_handled(self: Port) -> None:
        self.server.set_capacity_factor(self.capacity_factor)
        SiteBase._capacity_changed(self)

    monkeypatch.setattr(Port, "_capacity_changed", reopen_without_handled)
    fails_at(build, port_chain(build), "port")


def test_the_report_counts_stalled_lots_per_commodity(build) -> None:
    # state set by hand: a lot in line behind nobody, with the one clearance lane free
    world = build.run_world(border_chain(build))
    server = world.sites[world.site_index["border"]].server
    assert len(server.queue) > 0 and len(server.in_service) == 1
    job = server.in_service.pop(next(iter(server.in_service)))
    server.queue.appendleft(job)
    stalled = server.stalled()
    assert len(stalled) == len(server.queue)
    report = world.check_mass_balance(raise_error=False)
    [violation] = [v for v in report.violations if "nothing will move on" in v]
    held = sum(lot.tonnes for lot in stalled)
    assert f"{held:+.6g} t" in violation


def test_a_delay_that_never_releases_its_lot_is_caught(build, monkeypatch) -> None:
    """Mutant: SiteBase._delay_over does nothing, so a lot held by an added delay stays at
    the junction for good."""
    world = build.run_world(delayed_chain(build))
    hub = world.sites[world.site_index["hub"]]
    assert hub.stalled() == [] and hub.delayed == {}
    monkeypatch.setattr(SiteBase, "_delay_over", lambda self, ev: None)
    fails_at(build, delayed_chain(build), "hub")


def test_a_hub_that_never_ends_a_dwell_is_caught(build, monkeypatch) -> None:
    """Mutant: Hub._leave does nothing, so lots dwell at a trading hub for good."""
    data = hub_chain(build, "trading_hub", dwell_days=2.0)
    world = build.run_world(data)
    hub = world.sites[world.site_index["hub"]]
    # the lots of days 27 and 28 dwell until 30 and 31; the run stops at 30 before that
    # instant's events, so the first is due now, not overdue
    assert hub.stalled() == [] and len(hub.present) == 2
    monkeypatch.setattr(Hub, "_leave", lambda self, ev: None)
    fails_at(build, hub_chain(build, "trading_hub", dwell_days=2.0), "hub")


# ------------------------------------------------- review 97: what must not be flagged, and ships
def test_lots_waiting_at_a_site_closed_past_the_horizon_are_not_stalled(build) -> None:
    """The guard of SiteBase.stalled: lots waiting for a site that is still closed at the
    end are where they should be (a mutant flagging them anyway passed the whole suite)."""
    data = junction_chain(build)
    data["shocks"]["events"]["shut"].update(start=20.5, duration_days=100)
    world = build.run_world(data)  # the check passes
    hub = world.sites[world.site_index["hub"]]
    # the lots of days 20 to 28 reached the closed junction (day 29's is on the lane)
    assert sum(lot.tonnes for lot in hub.blocked) == pytest.approx(900.0)
    assert hub.stalled() == []


def test_lots_handled_while_a_port_is_closed_past_the_horizon_are_not_stalled(build) -> None:
    """The guard of Port.stalled on ``handled_closed``: the lot handled as the port closed
    waits there, rightly, when the port is still closed at the end."""
    data = port_chain(build)
    data["shocks"]["events"]["shut"].update(duration_days=100)
    world = build.run_world(data)  # the check passes
    port = world.sites[world.site_index["port"]]
    assert sum(lot.tonnes for lot in port.handled_closed) == pytest.approx(100.0)
    assert port.stalled() == []


def sea_chain(build: SimpleNamespace) -> dict[str, Any]:
    """Mine -> 1 day -> port (closed on days [10.5, 15.5)) -> ships every 2 days, 10 days at
    sea -> market; 60 days."""
    data = build.scenario({"mine": build.mine(), "port": build.port(), "market": build.market()},
                          [build.lane("mine", "port", 1.0),
                           build.lane("port", "market", 10.0, mode="sea",
                                      sailing={"interval_days": 2, "vessel_t": 1e6})],
                          ["port", "market"], horizon=60)
    data["shocks"] = {"events": {"shut": {**SHUT, "targets": {"sites": ["port"]}}}}
    return data


def test_a_line_whose_ships_stopped_coming_is_caught(build, monkeypatch) -> None:
    """Review 97's mutant: the sailings stop when a ship finds the port closed at its
    departure, so 5,000 t wait at an open port for ships that never come."""
    world = build.run_world(sea_chain(build))
    port = world.sites[world.site_index["port"]]
    waiting = sum(lot.tonnes for s in port.sailings for lot in s.queue)
    assert 0.0 < waiting <= 200.0 and port.stalled() == []  # lots since the last ship

    def sail_until_closed(self: Sailings, _event: object) -> None:
        if self.port.capacity_factor <= 0.0:
            return  # no next departure is scheduled
        self.load()
        self._schedule_next()

    monkeypatch.setattr(Sailings, "_sail", sail_until_closed)
    fails_at(build, sea_chain(build), "port")
