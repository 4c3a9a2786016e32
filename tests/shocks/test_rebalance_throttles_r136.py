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
