"""Review 215, finding 1: a cobalt ban without a stock limit, ending inside the period with
no quota after it, releases every mine's whole stock as one lot per mine and channel on its
end day; it queues at the border post ahead of copper (10 replications of a four-month ban
in the baseline: copper exports -51,515 t), and nothing said so. The note
(:func:`sim.scenario.shock_checks.ban_release_bursts`) says it, and only where a ban's
release meets another commodity at a capacity."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.scenario.loader import meta_of
from tests.scenario.scenario_helpers import write

ROOT = Path(__file__).resolve().parents[2]

# the notes are what is tested: read from meta_of, not as the warnings they also raise
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

TWO_METALS = """\
# One mine making copper and cobalt, both through one border post. Test inputs.
name: two_metals
start: 2024-01-01
horizon_days: {value: 100, assumption: test input}
warmup_days: {value: 0, assumption: test input}
commodities:
  copper:
    forms:
      cathode: {grade: 1.0, payload_t_per_truck: 25, assumption: test input}
    demand_elasticity: {value: -0.5, assumption: test input}
  cobalt:
    forms:
      hydroxide: {grade: 0.3, payload_t_per_truck: 30, assumption: test input}
    demand_elasticity: {value: -0.5, assumption: test input}
regions:
  home: {country: COD}
  away: {country: CHN}
sites:
  mine_a:
    kind: mine
    region: home
    location: {lat: -10.0, lon: 26.0, assumption: test input}
    output:
      copper: {form: cathode, t_per_year: {value: 36525, unit: t/yr}, assumption: test input}
      cobalt: {form: hydroxide, t_per_year: {value: 3652.5, unit: t/yr}, assumption: test input}
    offtake:
      copper: {formal: 1.0, assumption: test input}
      cobalt: {formal: 1.0, assumption: test input}
  border:
    kind: border_post
    region: home
    location: {lat: -12.0, lon: 28.0, assumption: test input}
    clearance_trucks_per_day: {value: 10, assumption: test input}
  market_x:
    kind: market
    region: away
    location: {lat: 30.0, lon: 120.0, assumption: test input}
    demand_t_per_year: {copper: 36525, cobalt: 3652.5, assumption: test input}
    initial_stock_t: {copper: 1000, cobalt: 1000, assumption: test input}
lanes:
  mine_border:
    from: mine_a
    to: border
    mode: road
    transit_days: {value: 3, assumption: test input}
  border_market:
    from: border
    to: market_x
    mode: road
    transit_days: {value: 10, assumption: test input}
channels:
  formal:
    routes:
      direct: {path: [border, market_x]}
policies:
  export_bans:
    coban:
      commodity: cobalt
      start: {value: 2024-02-01, assumption: test input}
      end: {value: 2024-04-01, assumption: test input}
"""


def _notes(tmp_path: Path, *sets: str, text: str = TWO_METALS) -> list[str]:
    path = write(tmp_path / "two_metals.yaml", text)
    return [n for n in meta_of(sim.load_scenario(path, list(sets))).notes
            if n.startswith("export ban ")]


def test_a_ban_without_a_limit_ending_in_the_period_is_noted(tmp_path: Path) -> None:
    # 60 days of 10 t/day of cobalt: 600 t, in hydroxide 2,000 t of product, 66.7 trucks
    # against 10 a day, of which copper (4 a day) and cobalt (1.1) plan 5.1
    [note] = _notes(tmp_path)
    assert note == (
        "export ban 'coban' (cobalt, 60 days, no stock_limit_days) ends on 2024-04-01 with no "
        "export ban or quota on cobalt from COD taking over on channel formal: the mines' whole "
        "stock held for export there, about 60 days of their planned cobalt exports (about 600 t "
        "as planned at full output), leaves on that day as one lot per mine and channel and "
        "queues first come first served at border (clearance: about 67 trucks, 7 days of its 10 "
        "trucks/day; its 5 trucks/day of spare capacity over the planned load clear that in about "
        "14 days), ahead of the copper arriving after it, which can hold up copper exports until "
        "the queue clears; to release the stock gradually, give the ban stock_limit_days (mines "
        "curtail beyond it, so less is held), or an export quota on cobalt for that channel "
        "starting on 2024-04-01 (with release: daily it leaves day by day)")


def test_a_stock_limit_silences_it(tmp_path: Path) -> None:
    assert _notes(tmp_path, "policies.export_bans.coban.stock_limit_days=30") == []


def test_a_quota_taking_over_on_the_end_day_silences_it(tmp_path: Path) -> None:
    quota = ("policies.export_quotas.after={commodity: cobalt, schedule: [{start: "
             "2024-04-01, end: 2024-04-30, tonnes: 300}]}")
    assert _notes(tmp_path, quota) == []
    # one on another commodity, or starting a day later, does not take over
    assert len(_notes(tmp_path, quota.replace("cobalt", "copper"))) == 1
    assert len(_notes(tmp_path, quota.replace("2024-04-01", "2024-04-02"))) == 1
    # nor one that ended before the ban did
    assert len(_notes(tmp_path, quota.replace("2024-04-01, end: 2024-04-30",
                                              "2024-01-01, end: 2024-01-31"))) == 1


def test_another_ban_taking_over_passes_the_note_to_it(tmp_path: Path) -> None:
    later = ("policies.export_bans.longer={commodity: cobalt, start: 2024-04-01, "
             "end: 2024-04-08}")
    [note] = _notes(tmp_path, later)
    assert note.startswith("export ban 'longer' (cobalt, 7 days, no stock_limit_days) "
                           "ends on 2024-04-08")
    assert ("about 67 days of their planned cobalt exports, held since 2024-02-01 with "
            "the bans before it (about 670 t as planned at full output)") in note
    # with a limit, the later ban's limit bounds the stock: no note
    assert _notes(tmp_path, later[:-1] + ", stock_limit_days: 10}") == []


def test_a_ban_ending_after_the_horizon_or_on_other_channels_is_not(tmp_path: Path) -> None:
    assert _notes(tmp_path, "policies.export_bans.coban.end=2024-05-01") == []  # day 121
    assert _notes(tmp_path, "policies.export_bans.coban.end=null") == []
    # ending on the horizon's last day still releases the stock inside the period
    assert len(_notes(tmp_path, "policies.export_bans.coban.end=2024-04-09")) == 1


def test_no_other_commodity_at_the_post_no_note(tmp_path: Path) -> None:
    # copper sold at home: the border carries only cobalt
    text = TWO_METALS.replace(
        "channels:\n", "  mine_home:\n    from: mine_a\n    to: home_market\n    mode: road\n"
        "    transit_days: {value: 1, assumption: test input}\nchannels:\n", 1).replace(
        "  border:\n", "  home_market:\n    kind: market\n    region: home\n"
        "    location: {lat: -10.5, lon: 26.5, assumption: test input}\n"
        "    demand_t_per_year: {copper: 36525, assumption: test input}\n"
        "    initial_stock_t: {copper: 1000, assumption: test input}\n  border:\n", 1)
    text = text.replace("copper: {formal: 1.0, assumption: test input}",
                        "copper: {home: 1.0, assumption: test input}").replace(
        "      direct: {path: [border, market_x]}\n",
        "      direct: {path: [border, market_x]}\n  home:\n    routes:\n"
        "      local: {path: [home_market]}\n").replace(
        "demand_t_per_year: {copper: 36525, cobalt: 3652.5, assumption: test input}\n"
        "    initial_stock_t: {copper: 1000, cobalt: 1000",
        "demand_t_per_year: {cobalt: 3652.5, assumption: test input}\n"
        "    initial_stock_t: {cobalt: 1000")
    assert _notes(tmp_path, text=text) == []
    # the ban on copper instead meets nothing at the border either (it sells at home)
    assert _notes(tmp_path, "policies.export_bans.coban.commodity=copper", text=text) == []


def test_shipped_scenarios_get_no_such_note() -> None:
    # export_ban_2025: each ban is followed by the next, the last by quota_q4_2025 on
    # china, western and us_partnered, and the informal channel stays banned
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        assert not [n for n in meta_of(sim.load_scenario(path)).notes
                    if n.startswith("export ban ")], path.name


def test_only_the_channels_nothing_takes_over_are_named() -> None:
    # export_ban_2025 with the artisanal ban ending with the suspension's last extension:
    # quota_q4_2025 takes over china, western and us_partnered, not informal
    path = ROOT / "scenarios" / "export_ban_2025.yaml"
    sc = sim.load_scenario(path, ["policies.export_bans.artisanal_outside_quota.end=2025-10-16",
                                  "policies.export_bans.artisanal_outside_quota."
                                  "stock_limit_days=null"])
    [note] = [n for n in meta_of(sc).notes if n.startswith("export ban ")]
    assert note.startswith(
        "export ban 'second_extension' (cobalt, 25 days, no stock_limit_days) ends on "
        "2025-10-16 with no export ban or quota on cobalt from COD taking over on channel "
        "informal: the mines' whole stock held for export there, about 236 days of their "
        "planned cobalt exports, held since 2025-02-22 with the bans before it")
    assert "queues first come first served at kasumbalesa (clearance: " in note
    assert "ahead of the copper arriving after it" in note


DEPOT = TWO_METALS.replace("""  border:
    kind: border_post""", """  depot:
    kind: junction
    region: home
    location: {lat: -11.0, lon: 27.0, assumption: test input}
  border:
    kind: border_post""").replace("""lanes:
""", """lanes:
  mine_depot:
    from: mine_a
    to: depot
    mode: road
    transit_days: {value: 1, assumption: test input}
  depot_border:
    from: depot
    to: border
    mode: road
    transit_days: {value: 1, assumption: test input}
    capacity_t_per_day: {value: 500, assumption: test input}
""").replace("""      direct: {path: [border, market_x]}""",
             """      direct: {path: [border, market_x], commodities: [copper], share: 1.0}
      via_depot: {path: [depot, border, market_x], commodities: [cobalt], share: 1.0}""")


def test_a_shared_post_fed_through_a_lane_of_one_commodity_is_named(tmp_path: Path) -> None:
    # review 220: a lane carrying cobalt alone took the burst first, and the note was
    # silent, though what it let through (2,000 t of product over about 4 days, some 17
    # trucks a day) still queued at a border post with 5 trucks a day to spare
    (note,) = _notes(tmp_path, text=DEPOT)
    # 66.7 trucks arrive over 2,000 / (500 - 33.3) = 4.3 days; 4.89 a day to spare: 45.7
    assert ("border (clearance: about 67 trucks arriving over about 4 days as depot_border "
            "lets it through, a queue of about 46 at its worst, 7 days of its 10 "
            "trucks/day;") in note
    assert "depot_border (loading" not in note  # it carries cobalt alone
    # a lane wide enough to pass the burst within a day leaves the post a queue too
    (wide,) = _notes(tmp_path, "lanes.depot_border.capacity_t_per_day=5000", text=DEPOT)
    assert "border (clearance: about 67 trucks, 7 days" in wide


def test_a_ban_ending_on_the_start_date_releases_into_the_period(tmp_path: Path) -> None:
    # review 220: its release lands at the period's first moment, and no note said so
    (note,) = _notes(tmp_path, "warmup_days=60", "policies.export_bans.coban.start=2023-11-15",
                     "policies.export_bans.coban.end=2024-01-01")
    assert "ends on 2024-01-01" in note


def test_two_bans_released_the_same_day_at_one_post_say_their_queues_add_up(
        tmp_path: Path) -> None:
    # review 220: each said its burst queued "ahead of the other metal arriving after it"
    notes = _notes(tmp_path, "policies.export_bans.cu={commodity: copper, start: 2024-02-01, "
                             "end: 2024-04-01}")
    assert len(notes) == 2
    assert notes[0].endswith("; ban 'cu' releases copper on the same day at the same "
                             "places, so the two queues add up")
    assert notes[1].endswith("; ban 'coban' releases cobalt on the same day at the same "
                             "places, so the two queues add up")
