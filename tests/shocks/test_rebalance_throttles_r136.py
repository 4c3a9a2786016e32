"""Review 136: throttles under ``on_closure: rebalance``.

A channel that rebalances splits its lots by the routes' capacity factors whether the
capacity binds or not, so a throttle on its route moves lots: the note that such a throttle
"changes nothing" as planned was false there. And a region's throttle, which sets its
factor on every element in the region, took lots off a route whose only element there was
a junction, which a throttle cannot slow."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import sim

TWO = Path(__file__).resolve().parents[1] / "data" / "two_routes.yaml"
THROTTLE = ("shocks:\n  events:\n    s1:\n      start: 20\n      duration_days: 10\n"
            "      targets: {targets}\n      effects: {{capacity_factor: 0.5}}\n")


def scenario(tmp_path: Path, on_closure: str, body: str) -> tuple[sim.Scenario, list[str]]:
    path = tmp_path / f"{on_closure}.yaml"
    path.write_text(f"extends: {TWO}\nname: {on_closure}\nchannels:\n  formal:\n"
                    f"    on_closure: {on_closure}\n{body}", encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sc = sim.load_scenario(path)
    return sc, [str(w.message) for w in caught]


def by_route(sc: sim.Scenario) -> dict[str, float]:
    """Copper delivered by route (0 for a backup a channel that waits never uses: no row)."""
    res = sim.run(sc, replications=1, seed=1, workers=1, figures=False)
    routes = {lab[2] for lab in res.kpi_labels if lab[2].startswith("route:")}
    return {r: float(res.kpi("delivered_t", "copper", "formal", f"route:{r}")[0])
            if f"route:{r}" in routes else 0.0 for r in ("ra", "rb", "rc")}


def test_a_throttle_a_rebalancing_channel_meets_is_not_said_to_change_nothing(
        tmp_path: Path) -> None:
    body = THROTTLE.format(targets="{sites: [border]}")
    waiting, notes_wait = scenario(tmp_path, "wait", body)
    assert any("it changes nothing unless flows there rise" in n for n in notes_wait)
    balancing, notes_rebalance = scenario(tmp_path, "rebalance", body)
    assert not any("changes nothing" in n for n in notes_rebalance)
    # and it does move lots: half of ra's share goes to the backup while it lasts
    assert by_route(waiting) == {"ra": 4_400, "rb": 4_200, "rc": 0}
    assert by_route(balancing) == {"ra": 4_100, "rb": 4_200, "rc": 200}


def test_a_regions_throttle_moves_nothing_off_a_route_it_cannot_slow(
        tmp_path: Path) -> None:
    # ra passes a junction in region rz (with another, unused post there): the throttle
    # slows the unused post only, so the split is the unshocked one
    junction = (
        "regions:\n  rz: {country: COD}\nsites:\n  jct:\n    kind: junction\n"
        "    region: rz\n    location: {lat: -11.0, lon: 27.0}\n  border4:\n"
        "    kind: border_post\n    region: rz\n    location: {lat: -11.5, lon: 27.5}\n"
        "    clearance_trucks_per_day: 100\nlanes:\n  mine_border: null\n"
        "  mine_jct: {from: mine_a, to: jct, mode: road, transit_days: 1}\n"
        "  jct_border: {from: jct, to: border, mode: road, transit_days: 2}\n")
    route = "    routes:\n      ra: {path: [jct, border, market_x], share: 0.5}\n"
    plain, _ = scenario(tmp_path, "rebalance", route + junction)
    shocked, _ = scenario(tmp_path, "rebalance",
                          route + junction + THROTTLE.format(targets="{regions: [rz]}"))
    assert by_route(shocked) == by_route(plain) == pytest.approx(
        {"ra": 4_400, "rb": 4_200, "rc": 0})


# review 137: a port's ships slow only the lots that sail; the note is left out only where
# rebalancing acts; the advice to rebalance only where it would act
def variant(tmp_path: Path, name: str, body: str) -> tuple[sim.Scenario, list[str]]:
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"extends: {TWO}\nname: {name}\n{body}", encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sc = sim.load_scenario(path)
    return sc, [str(w.message) for w in caught]


PORT_BY_ROAD = (
    "channels:\n  formal:\n    on_closure: rebalance\n    routes:\n"
    "      rb: {path: [border2, pq, market_x], share: 0.5}\n"
    "sites:\n  pq: {kind: port, region: home, location: {lat: -6.0, lon: 12.0}}\n"
    "  market_y: {kind: market, region: away, location: {lat: 31.0, lon: 121.0}, "
    "demand_t_per_year: {copper: 1000}, other_supply_t_per_year: {copper: 1000}}\n"
    "lanes:\n  border2_market: null\n"
    "  border2_pq: {from: border2, to: pq, mode: road, transit_days: 2}\n"
    "  pq_market: {from: pq, to: market_x, mode: road, transit_days: 10}\n"
    "  pq_y: {from: pq, to: market_y, mode: sea, transit_days: 20, "
    "sailing: {interval_days: 7, vessel_t: 5000}}\n")
PORT_THROTTLE = ("shocks:\n  events:\n    s1: {start: 20, duration_days: 30, "
                 "targets: {sites: [pq]}, effects: {capacity_factor: 0.5}}\n")


def test_a_ports_throttle_moves_no_lots_that_leave_it_by_road(tmp_path: Path) -> None:
    plain, _ = variant(tmp_path, "road", PORT_BY_ROAD)
    shocked, _ = variant(tmp_path, "road_shocked", PORT_BY_ROAD + PORT_THROTTLE)
    assert by_route(shocked) == by_route(plain) == {"ra": 4_400, "rb": 4_200, "rc": 0}


def test_the_slack_note_is_kept_where_rebalancing_moves_nothing(tmp_path: Path) -> None:
    # a port every route passes: left out of the split, so its throttle moves nothing
    shared = (
        "channels:\n  formal:\n    on_closure: rebalance\n    routes:\n"
        "      ra: {path: [border, pp, market_x], share: 0.5}\n"
        "      rb: {path: [border2, pp, market_x], share: 0.5}\n"
        "      rc: {path: [border3, pp, market_x], share: 0}\n"
        "sites:\n  pp: {kind: port, region: home, location: {lat: -6.0, lon: 12.0}, "
        "throughput_t_per_day: 1000}\n"
        "lanes:\n  border_market: null\n  border2_market: null\n  border3_market: null\n"
        "  border_pp: {from: border, to: pp, mode: road, transit_days: 10}\n"
        "  border2_pp: {from: border2, to: pp, mode: road, transit_days: 12}\n"
        "  border3_pp: {from: border3, to: pp, mode: road, transit_days: 15}\n"
        "  pp_market: {from: pp, to: market_x, mode: sea, transit_days: 20}\n"
        "shocks:\n  events:\n    s1: {start: 20, duration_days: 30, "
        "targets: {sites: [pp]}, effects: {capacity_factor: 0.5}}\n")
    _sc, notes = variant(tmp_path, "shared", shared)
    assert any("'pp'" in n and "changes nothing unless flows there rise" in n for n in notes)


def test_the_advice_to_rebalance_is_not_given_for_a_junctions_throttle(
        tmp_path: Path) -> None:
    from sim.world.routing import throttled_reroute_notes

    junction = (
        "regions:\n  rz: {country: COD}\nsites:\n"
        "  jct: {kind: junction, region: rz, location: {lat: -11.0, lon: 27.0}}\n"
        "  border4: {kind: border_post, region: rz, location: {lat: -11.5, lon: 27.5}, "
        "clearance_trucks_per_day: 100}\n"
        "lanes:\n  mine_border: null\n"
        "  mine_jct: {from: mine_a, to: jct, mode: road, transit_days: 1}\n"
        "  jct_border: {from: jct, to: border, mode: road, transit_days: 2}\n"
        "channels:\n  formal:\n    on_closure: reroute\n    routes:\n"
        "      ra: {path: [jct, border, market_x], share: 0.5}\n"
        "shocks:\n  events:\n    s1: {start: 20, duration_days: 10, "
        "targets: {regions: [rz]}, effects: {capacity_factor: 0.5}}\n")
    sc, _ = variant(tmp_path, "jct", junction)
    assert throttled_reroute_notes(sc) == []
    # a post on one route: the advice stands
    post = ("channels:\n  formal:\n    on_closure: reroute\n"
            "shocks:\n  events:\n    s1: {start: 20, duration_days: 10, "
            "targets: {sites: [border]}, effects: {capacity_factor: 0.5}}\n")
    sc, _ = variant(tmp_path, "post", post)
    assert len(throttled_reroute_notes(sc)) == 1


# review 139: a port every route passes is shared only where it slows them alike
VIA_PQ = (
    "channels:\n  formal:\n    on_closure: rebalance\n    routes:\n"
    "      ra: {{path: [border, pq, market_x], share: 0.5}}\n"
    "      rb: {{path: [border2, pq, {rb_to}], share: 0.5}}\n"
    "      rc: {{path: [border3, pq, {rb_to}], share: 0}}\n"
    "regions:\n  rz: {{country: COD}}\n"
    "sites:\n  border: {{region: rz}}\n"
    "  pq: {{kind: port, region: rz, location: {{lat: -6.0, lon: 12.0}}}}\n"
    "  market_y: {{kind: market, region: away, location: {{lat: 31.0, lon: 121.0}}, "
    "demand_t_per_year: {{copper: 20000}}, other_supply_t_per_year: {{copper: 1000}}}}\n"
    "lanes:\n  border_market: null\n  border2_market: null\n  border3_market: null\n"
    "  border_pq: {{from: border, to: pq, mode: road, transit_days: 2}}\n"
    "  border2_pq: {{from: border2, to: pq, mode: road, transit_days: 2}}\n"
    "  border3_pq: {{from: border3, to: pq, mode: road, transit_days: 2}}\n"
    "  pq_market: {{from: pq, to: market_x, mode: {ra_mode}, transit_days: 10{ra_sailing}}}\n"
    "  pq_y: {{from: pq, to: market_y, mode: {y_mode}, transit_days: 20{y_sailing}}}\n")
SAILING = ", sailing: {interval_days: 7, vessel_t: 5000}"


def via_pq(rb_to: str, ra_sails: bool, y_sails: bool) -> str:
    return VIA_PQ.format(rb_to=rb_to, ra_mode="sea" if ra_sails else "road",
                         ra_sailing=SAILING if ra_sails else "",
                         y_mode="sea" if y_sails else "road",
                         y_sailing=SAILING if y_sails else "")


def throttle(targets: str) -> str:
    return ("shocks:\n  events:\n    s1: {start: 20, duration_days: 30, "
            f"targets: {targets}, effects: {{capacity_factor: 0.5}}}}\n")


def test_a_port_no_route_sails_from_does_not_cancel_a_posts_throttle(
        tmp_path: Path) -> None:
    # every route leaves pq by road; pq also has a sailing no route uses. The region's
    # throttle slows border (ra's post): ra loses lots as if pq had no sailing at all
    moved = []
    for y_sails in (True, False):
        sc, _ = variant(tmp_path, f"pq_{int(y_sails)}", via_pq("market_x", False, y_sails)
                        + throttle("{regions: [rz]}"))
        moved.append(by_route(sc))
    assert moved[0] == moved[1] and moved[0]["rc"] > 0


def test_a_port_only_one_route_sails_from_slows_that_route(tmp_path: Path) -> None:
    # ra sails from pq; rb and rc leave it by road: the port's throttle and its sailing
    # lane's both cut ra's ships alike
    port, _ = variant(tmp_path, "port", via_pq("market_y", True, False)
                      + throttle("{sites: [pq]}"))
    lane, _ = variant(tmp_path, "lane", via_pq("market_y", True, False)
                      + throttle("{lanes: [pq_market]}"))
    assert by_route(port) == by_route(lane) and by_route(port)["rc"] > 0


def test_a_backups_throttle_alone_keeps_its_note_and_draws_no_advice(
        tmp_path: Path) -> None:
    from sim.world.routing import rebalanced_elements, throttled_reroute_notes

    body = throttle("{sites: [border3]}")
    balancing, notes = variant(tmp_path, "backup", "channels:\n  formal:\n"
                               "    on_closure: rebalance\n" + body)
    assert "border3" not in rebalanced_elements(balancing, "formal")
    assert any("'border3'" in n and "changes nothing" in n for n in notes)
    rerouting, _ = variant(tmp_path, "backup_rr", "channels:\n  formal:\n"
                           "    on_closure: reroute\n" + body)
    assert throttled_reroute_notes(rerouting) == []


# review 140: a channel a diversion moves a mine onto; routes behind the best one
def test_a_channel_a_diversion_fills_counts_its_throttles(tmp_path: Path) -> None:
    from sim.world.routing import rebalanced_elements

    body = ("channels:\n  formal:\n    routes:\n      rb: null\n      rc: null\n"
            "      ra: {share: 1}\n  other:\n    on_closure: rebalance\n    routes:\n"
            "      oa: {path: [border2, market_x], share: 0.5}\n"
            "      ob: {path: [border3, market_x], share: 0.5}\n"
            "shocks:\n  events:\n    dv: {start: 0, duration_days: 100, "
            "targets: {sites: [mine_a]}, effects: {divert: {share: 0.5, to_channel: other}}}\n"
            "    s1: {start: 20, duration_days: 30, targets: {sites: [border3]}, "
            "effects: {capacity_factor: 0.5}}\n")
    sc, notes = variant(tmp_path, "diverted", body)
    assert rebalanced_elements(sc, "other") == {"border2", "border3"}
    assert not any("'border3'" in n and "changes nothing" in n for n in notes)


def test_a_route_behind_the_cheapest_is_no_route_a_throttle_alone_moves(
        tmp_path: Path) -> None:
    from sim.world.routing import rebalanced_elements

    costs = "".join(f"  {lane}: {{cost_usd_per_t: {c}}}\n" for lane, c in (
        ("mine_border", 1), ("border_market", 1), ("mine_border2", 2),
        ("border2_market", 2), ("mine_border3", 3), ("border3_market", 3)))
    body = ("channels:\n  formal:\n    on_closure: rebalance\n    routing: cheapest\n"
            "lanes:\n" + costs + throttle("{sites: [border2]}"))
    sc, notes = variant(tmp_path, "cheapest", body)
    assert rebalanced_elements(sc, "formal") == {"border"}
    assert any("'border2'" in n and "changes nothing" in n for n in notes)
    plain, _ = variant(tmp_path, "cheapest_plain", body.split("shocks:")[0])
    assert by_route(sc) == by_route(plain)  # rb takes nothing as planned: nothing moves


@pytest.mark.parametrize("targets", ["{regions: [rz]}", "{sites: [border, border2]}"])
def test_one_throttle_on_every_route_alike_draws_no_advice(tmp_path: Path,
                                                           targets: str) -> None:
    # review 140: without a backup, one factor on both routes' posts leaves the split as
    # it is, under rebalance too; with the backup, rebalancing sends it lots
    from sim.world.routing import throttled_reroute_notes

    region = "regions:\n  rz: {country: COD}\nsites:\n  border: {region: rz}\n" \
             "  border2: {region: rz}\n"
    no_backup = "    routes:\n      rc: null\n"
    for backup, advised in (("", True), (no_backup, False)):
        name = f"alike_{int(advised)}"
        sc, _ = variant(tmp_path, f"{name}_rr", "channels:\n  formal:\n"
                        "    on_closure: reroute\n" + backup + region + throttle(targets))
        assert bool(throttled_reroute_notes(sc)) is advised
        balancing, notes = variant(tmp_path, f"{name}_rb", "channels:\n  formal:\n"
                                   "    on_closure: rebalance\n" + backup + region
                                   + throttle(targets))
        plain, _ = variant(tmp_path, f"{name}_plain", "channels:\n  formal:\n"
                           "    on_closure: rebalance\n" + backup + region)
        assert (by_route(balancing) != by_route(plain)) is advised
        if targets.startswith("{sites") and not advised:
            # the posts' slack is noted again: as planned the throttle changes nothing
            assert any("changes nothing" in n for n in notes)
