"""Review 123: offtake deals that take the same mine's commodity from one channel apply in
order, each to what the earlier left; the tool now says so where it matters.

Two deals of 0.6 from KCC's western cobalt, to the US-partnered and the Chinese channels,
swapped 13,631 t and 5,452 t between those channels with their order in the file, and
nothing said so; `sim show` planned flows without deals and did not say it; deal texts left
out the channels the deal takes from."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import sim
from sim.cli import main
from sim.scenario.shock_checks import competing_deals

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
US = ROOT / "scenarios" / "us_partnership.yaml"


def deal(name: str, to: str, start: str = "2024-01-01", giving: str = "[western]") -> str:
    return (f"    {name}:\n      mines: [kcc]\n      commodities: [cobalt]\n"
            f"      share: 0.6\n      to_channel: {to}\n      from_channels: {giving}\n"
            f"      start: {start}\n      assumption: test\n")


def two_deals(tmp_path: Path, first: str, second: str) -> Path:
    path = tmp_path / "two.yaml"
    path.write_text(f"extends: {BASELINE}\nname: two\nhorizon_days: 60\n"
                    f"policies:\n  offtake_deals:\n{first}{second}", encoding="utf-8")
    return path


def load(path: Path) -> sim.Scenario:
    with pytest.warns(UserWarning):
        return sim.load_scenario(path)


def mined(path: Path, channel: str) -> float:
    res = sim.run(load(path), replications=1, seed=1, workers=1, figures=False)
    return float(res.kpi("mined_t", "cobalt", channel)[0])


def test_two_deals_from_one_channel_are_noted_and_order_decides(tmp_path: Path) -> None:
    ab = two_deals(tmp_path, deal("deal_a", "us_partnered"), deal("deal_b", "china"))
    notes = competing_deals(load(ab))
    assert len(notes) == 1
    assert notes[0].startswith("offtake deals deal_a and deal_b both take cobalt of kcc "
                               "(from western): deal_a applies first")
    us_first = mined(ab, "us_partnered")
    ba = two_deals(tmp_path, deal("deal_b", "china"), deal("deal_a", "us_partnered"))
    assert competing_deals(load(ba))[0].startswith("offtake deals deal_b and deal_a")
    # 0.6 of the western cobalt first, 0.6 of the 0.4 left second
    assert us_first == pytest.approx(mined(ba, "us_partnered") / 0.4, rel=1e-9)


def test_the_later_deal_applies_second_whatever_the_file_order(tmp_path: Path) -> None:
    path = two_deals(tmp_path, deal("late", "china", start="2024-02-01"),
                     deal("early", "us_partnered"))
    assert competing_deals(load(path))[0].startswith("offtake deals early and late")


def test_deals_from_different_channels_are_not_noted(tmp_path: Path) -> None:
    path = two_deals(tmp_path, deal("deal_a", "us_partnered", giving="[western]"),
                     deal("deal_b", "us_partnered", giving="[informal]"))
    with pytest.warns(UserWarning):  # the baseline's KCC sells nothing informal: noted
        sc = sim.load_scenario(path)
    assert competing_deals(sc) == []
    assert competing_deals(sim.load_scenario(US)) == []


def test_show_names_the_giving_channels_and_that_deals_are_not_planned() -> None:
    from click.testing import CliRunner

    out = CliRunner().invoke(main, ["show", str(US), "--no-figure"]).output
    assert ("40% of copper, cobalt from kcc, mutanda (of what western takes) to "
            "us_partnered") in out
    assert "(planned at the offtake shares above: the offtake deal's load is not counted" in out


TINY = ROOT / "tests" / "data" / "tiny.yaml"


def tiny_deal(name: str, to: str, ramp: int) -> str:
    return (f"    {name}:\n      mines: [mine_a]\n      commodities: [copper]\n"
            f"      share: 0.6\n      to_channel: {to}\n      from_channels: [formal]\n"
            f"      start: 10\n      ramp_days: {ramp}\n")


@pytest.mark.parametrize("ramp", [0, 5])
def test_a_ramping_deal_keeps_its_place_in_the_order(tmp_path: Path, ramp: int) -> None:
    # review 130: a deal ramping from 0 first moved a share a day after one of the same
    # start that did not ramp, and a mine applied them in that order, not the file's
    path = tmp_path / "deals.yaml"
    path.write_text(
        f"extends: {TINY}\nname: deals\nhorizon_days: 200\nchannels:\n"
        "  ch_a:\n    routes:\n      direct: {path: [border, market_x]}\n"
        "  ch_b:\n    routes:\n      direct: {path: [border, market_x]}\n"
        "policies:\n  offtake_deals:\n" + tiny_deal("deal_a", "ch_a", ramp)
        + tiny_deal("deal_b", "ch_b", 0), encoding="utf-8")
    sc = load(path)
    assert competing_deals(sc)[0].startswith("offtake deals deal_a and deal_b")
    res = sim.run(sc, replications=1, seed=1, workers=1, figures=False)
    a, b, left = (float(res.kpi("mined_t", "copper", ch)[0])
                  for ch in ("ch_a", "ch_b", "formal"))
    # from the end of the ramp on, 60 t a day to ch_a, 0.6 of the 40 left to ch_b
    assert a > 2 * b
    if ramp == 0:
        assert (a, b, left) == pytest.approx((11_400, 4_560, 4_040))  # 1,000 t before


def deal_on(name: str, mines: str, coms: str, to: str, giving: str | None) -> str:
    give = f"      from_channels: {giving}\n" if giving else ""
    return (f"    {name}:\n      mines: {mines}\n      commodities: {coms}\n"
            f"      share: 0.5\n      to_channel: {to}\n{give}      start: 10\n")


def deals_file(tmp_path: Path, *deals: str) -> sim.Scenario:
    path = tmp_path / "pair.yaml"
    path.write_text(
        f"extends: {TINY}\nname: pair\nhorizon_days: 30\nchannels:\n"
        "  ch_a:\n    routes:\n      direct: {path: [border, market_x]}\n"
        "  ch_b:\n    routes:\n      direct: {path: [border, market_x]}\n"
        "sites:\n  mine_b:\n    kind: mine\n    region: home\n"
        "    location: {lat: -10.5, lon: 26.5}\n    output:\n"
        "      copper: {form: cathode, t_per_year: 3652.5}\n"
        "    offtake:\n      copper: {formal: 1.0}\n"
        "lanes:\n  mine_b_border: {from: mine_b, to: border, mode: road, transit_days: 2}\n"
        "policies:\n  offtake_deals:\n" + "".join(deals), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sim.load_scenario(path)


def test_deals_on_other_mines_are_not_noted(tmp_path: Path) -> None:
    sc = deals_file(tmp_path, deal_on("a", "[mine_a]", "[copper]", "ch_a", "[formal]"),
                    deal_on("b", "[mine_b]", "[copper]", "ch_b", "[formal]"))
    assert competing_deals(sc) == []


def test_a_deal_taking_from_the_channel_another_fills_is_noted(tmp_path: Path) -> None:
    sc = deals_file(tmp_path, deal_on("a", "[mine_a]", "[copper]", "ch_a", "[formal]"),
                    deal_on("b", "[mine_a]", "[copper]", "ch_b", "[ch_a]"))
    assert competing_deals(sc) == [
        "offtake deals a and b both take copper of mine_a (b from ch_a, which a fills): a "
        "applies first (it starts first, or comes first in the file), b to what it leaves, "
        "so their order decides how much each channel gets; merge them into one deal, or "
        "order them as intended"]


def test_deals_without_giving_channels_take_from_all_but_their_own(tmp_path: Path) -> None:
    sc = deals_file(tmp_path, deal_on("a", "[mine_a]", "[copper]", "ch_a", None),
                    deal_on("b", "[mine_a, mine_b]", "[copper]", "ch_b", None))
    # a gives up formal and ch_b, b formal and ch_a: formal is common
    assert competing_deals(sc)[0].startswith(
        "offtake deals a and b both take copper of mine_a (from formal):")


def test_the_deal_timeline_names_the_giving_channels(tmp_path: Path) -> None:
    sc = deals_file(tmp_path, deal_on("a", "[mine_a]", "[copper]", "ch_a", "[formal]"))
    res = sim.run(sc, replications=1, seed=1, workers=1, figures=False)
    rows = res.timeline[res.timeline["kind"] == "deal"]
    assert list(rows["detail"]) == ["50% of copper from mine_a (of what formal takes) to ch_a"]


def test_show_says_nothing_of_deals_where_there_are_none() -> None:
    from click.testing import CliRunner

    out = CliRunner().invoke(main, ["show", str(TINY), "--no-figure"]).output
    assert "Capacity against planned flow" in out and "offtake deal" not in out


def test_deals_starting_before_the_run_keep_their_start_order(tmp_path: Path) -> None:
    # review 134: both act from the run's first instant, and their ranks tied at it, so
    # the file's order decided; the one that started first applies first
    sc = deals_file(tmp_path, deal_on("late", "[mine_a]", "[copper]", "ch_a", "[formal]")
                    .replace("start: 10", "start: -100"),
                    deal_on("early", "[mine_a]", "[copper]", "ch_b", "[formal]")
                    .replace("start: 10", "start: -200"))
    assert competing_deals(sc)[0].startswith("offtake deals early and late")
    res = sim.run(sc, replications=1, seed=1, workers=1, figures=False)
    early, late = (float(res.kpi("mined_t", "copper", ch)[0]) for ch in ("ch_b", "ch_a"))
    assert early == pytest.approx(2 * late)  # 0.5 first, then 0.5 of the 0.5 left
