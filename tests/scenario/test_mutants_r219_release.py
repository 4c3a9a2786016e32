"""Review 219: survivors of the mutation review of
:func:`sim.scenario.shock_checks.ban_release_bursts` (m49 to m54, x08, x17)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scenario.test_ban_release_note_r215 import DEPOT, TWO_METALS, _notes

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

QUOTA_JAN = ("policies.export_quotas.jan={commodity: cobalt, schedule: [{start: 2024-01-01, "
             "end: 2024-01-31, tonnes: 300}]}")


def test_a_quota_carrying_over_past_the_ban_end_takes_over(tmp_path: Path) -> None:
    # m53: the quota's last period ends before the ban starts, but its allowance carries
    # over to the end of April, so it is in force on the ban's end day (2024-04-01)
    carried = QUOTA_JAN[:-2] + "], carry_over: true, carry_over_until: 2024-04-30}"
    assert _notes(tmp_path, carried) == []
    # without carry_over_until it ended before the ban: the note is there
    assert len(_notes(tmp_path, QUOTA_JAN)) == 1
    # and carried over only to before the ban's end, it does not take over
    assert len(_notes(tmp_path, carried.replace("2024-04-30", "2024-03-15"))) == 1


@pytest.mark.parametrize("limited", [
    "policies.export_bans.short={commodity: cobalt, start: 2024-02-10, end: 2024-02-20, "
    "stock_limit_days: 5}",
    "policies.export_quotas.capped={commodity: cobalt, stock_limit_days: 5, schedule: "
    "[{start: 2024-02-10, end: 2024-02-20, tonnes: 10}]}",
])
def test_a_stock_limit_in_force_during_the_held_run_silences_it(tmp_path: Path,
                                                                limited: str) -> None:
    # m49: a ban or quota with a stock limit inside the unlimited ban's run bounds the stock
    assert _notes(tmp_path, limited) == []
    # on another commodity it bounds nothing of cobalt's
    assert len(_notes(tmp_path, limited.replace("cobalt", "copper"))) == 1


DOMESTIC = TWO_METALS.replace("""  border:
    kind: border_post""", """  home_ref:
    kind: refiner
    region: home
    location: {lat: -10.5, lon: 26.5, assumption: test input}
    capacity_t_per_year: {cobalt: 3652.5, assumption: test input}
    sales:
      cobalt: {market_x: 1.0, assumption: test input}
  border:
    kind: border_post""").replace("""lanes:
""", """lanes:
  mine_ref:
    from: mine_a
    to: home_ref
    mode: road
    transit_days: {value: 1, assumption: test input}
  ref_market:
    from: home_ref
    to: market_x
    mode: road
    transit_days: {value: 10, assumption: test input}
""").replace("""      direct: {path: [border, market_x]}""",
             """      direct: {path: [border, market_x], commodities: [copper], share: 1.0}
      cobalt_out: {path: [border, market_x], commodities: [cobalt], share: 0.5}
      cobalt_home: {path: [home_ref], commodities: [cobalt], share: 0.5}""")


def test_a_domestic_route_is_not_counted_in_the_tonnes(tmp_path: Path) -> None:
    # m52: half the cobalt goes to a refiner at home; only the exported half (300 t of the
    # 600 t over 60 days) is held for export and released at the border
    (note,) = _notes(tmp_path, text=DOMESTIC)
    assert "(about 300 t as planned at full output)" in note
    assert "border (clearance: about 33 trucks," in note


def test_a_ban_starting_before_the_warm_up_counts_from_the_warm_up(tmp_path: Path) -> None:
    # m50: the run starts 10 days before the start date; the ban starts 31 days before it:
    # the stock is held from the warm-up's start, 10 + 31 = 41 days, 410 t
    (note,) = _notes(tmp_path, "warmup_days=10", "policies.export_bans.coban.start=2023-12-01",
                     "policies.export_bans.coban.end=2024-02-01")
    assert "about 41 days of their planned cobalt exports (about 410 t as planned" in note


def test_no_other_commodity_on_the_lane_or_at_the_post_no_note(tmp_path: Path) -> None:
    # x17: the lane counterpart of test_no_other_commodity_at_the_post_no_note: cobalt goes
    # through a lane with a capacity of its own, copper is sold at home: nothing shares
    text = DEPOT.replace(
        "channels:\n", "  mine_home:\n    from: mine_a\n    to: home_market\n    mode: road\n"
        "    transit_days: {value: 1, assumption: test input}\nchannels:\n", 1).replace(
        "  border:\n", "  home_market:\n    kind: market\n    region: home\n"
        "    location: {lat: -10.5, lon: 26.5, assumption: test input}\n"
        "    demand_t_per_year: {copper: 36525, assumption: test input}\n"
        "    initial_stock_t: {copper: 1000, assumption: test input}\n  border:\n", 1)
    text = text.replace("copper: {formal: 1.0, assumption: test input}",
                        "copper: {home: 1.0, assumption: test input}").replace(
        "      direct: {path: [border, market_x], commodities: [copper], share: 1.0}\n", "")
    text = text.replace(
        "      via_depot: {path: [depot, border, market_x], commodities: [cobalt], share: 1.0}\n",
        "      via_depot: {path: [depot, border, market_x]}\n  home:\n    routes:\n"
        "      local: {path: [home_market]}\n").replace(
        "demand_t_per_year: {copper: 36525, cobalt: 3652.5, assumption: test input}\n"
        "    initial_stock_t: {copper: 1000, cobalt: 1000",
        "demand_t_per_year: {cobalt: 3652.5, assumption: test input}\n"
        "    initial_stock_t: {cobalt: 1000")
    # a narrow lane: the burst (2,000 t of product) is 20 days of its 100 t/day
    assert _notes(tmp_path, "lanes.depot_border.capacity_t_per_day=100", text=text) == []
    # the same lane carrying copper too is named
    (note,) = _notes(tmp_path, "lanes.depot_border.capacity_t_per_day=100", text=DEPOT.replace(
        "direct: {path: [border, market_x], commodities: [copper], share: 1.0}",
        "direct: {path: [depot, border, market_x], commodities: [copper], share: 1.0}"))
    assert "depot_border (loading" in note


def test_a_quota_holding_metal_just_before_says_at_least(tmp_path: Path) -> None:
    # m51: the January quota holds what it does not allow at the mine, up to the ban
    (note,) = _notes(tmp_path, QUOTA_JAN)
    assert "held for export there, at least about 60 days of their planned cobalt" in note
    (plain,) = _notes(tmp_path)
    assert "there, about 60 days" in plain


def test_several_channels_say_those_channels(tmp_path: Path) -> None:
    # m54: cobalt split over two channels through the same border
    text = TWO_METALS.replace(
        "cobalt: {formal: 1.0, assumption: test input}",
        "cobalt: {formal: 0.5, second: 0.5, assumption: test input}").replace(
        "      direct: {path: [border, market_x]}\n",
        "      direct: {path: [border, market_x]}\n  second:\n    routes:\n"
        "      direct: {path: [border, market_x]}\n")
    (note,) = _notes(tmp_path, text=text)
    assert "taking over on channels formal and second:" in note
    assert "export quota on cobalt for those channels starting on 2024-04-01" in note
    (one,) = _notes(tmp_path)
    assert "export quota on cobalt for that channel starting on 2024-04-01" in one


def test_the_capacities_are_listed_longest_queue_first(tmp_path: Path) -> None:
    # x08: a lane both metals use, before the border: its 2,000 t of product clear in
    # about 2 days over its 867 t/day spare, the border's 67 trucks in about 14
    (note,) = _notes(tmp_path, "lanes.mine_border.capacity_t_per_day=1000")
    border = note.index("border (clearance:")
    lane = note.index("mine_border (loading:")
    assert border < lane, note
