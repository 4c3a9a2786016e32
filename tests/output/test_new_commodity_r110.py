"""A commodity the shipped scenarios do not have, added by scenario file alone (review 110:
tin from Bisie): figures, notes and hints treat a fourth commodity as the first three."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.output import figures as F
from sim.scenario.loader import meta_of

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
EXTRA = ("tin", "zinc", "lead")


def four_commodities() -> list[str]:
    sets = []
    for com in EXTRA:
        sets += [f"commodities.{com}={{forms: {{conc: {{grade: 0.5, "
                 "payload_t_per_truck: 30}}}",
                 f"sites.mine_a.output.{com}={{form: conc, t_per_year: 3652.5}}",
                 f"sites.mine_a.offtake.{com}={{formal: 1.0}}",
                 f"sites.market_x.demand_t_per_year.{com}=3652.5"]
    return sets


@pytest.fixture(scope="module")
def four() -> sim.Results:
    return sim.run(sim.load_scenario(TINY, four_commodities()), replications=2, seed=1)


def test_a_fourth_commodity_gets_a_whole_lead_time_panel(four: sim.Results) -> None:
    # four panels side by side ran the last one past the figure's edge
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = F.lead_times_figure(four)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    width = fig.bbox.width
    titled = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title().split(":")[0] for ax in titled] == ["copper", *EXTRA]
    renderer = canvas.get_renderer()
    for ax in titled:
        box = ax.title.get_window_extent(renderer)
        assert box.x0 >= 0 and box.x1 <= width, ax.get_title()
    rows = {round(ax.get_position().y0, 3) for ax in titled}
    assert len(rows) == 2  # three panels, then one


def test_a_mine_outside_the_exporting_country_is_noted() -> None:
    sc = sim.load_scenario(TINY, ["regions.rwanda={country: RWA}", "sites.mine_a.region=rwanda"])
    notes = [n for n in meta_of(sc).notes if "not the exporting country" in n]
    assert notes and notes[0].startswith("mine 'mine_a' is in RWA, not the exporting country "
                                         "COD: its output counts in mined_t")
    home = sim.load_scenario(TINY)
    assert not [n for n in meta_of(home).notes if "not the exporting country" in n]


def test_the_price_factor_hint_names_what_the_target_produces() -> None:
    from sim.scenario import ScenarioError

    # bauxite, first in alphabetical order, from a second mine; the event targets the
    # copper mine, and was told "e.g. targets: {commodities: [bauxite]}"
    sets = ["commodities.bauxite={forms: {ore: {grade: 0.5, payload_t_per_truck: 30}}}",
            "sites.mine_b={kind: mine, region: home, location: {lat: -10.5, lon: 26.5}, "
            "output: {bauxite: {form: ore, t_per_year: 3652.5}}, offtake: {bauxite: "
            "{formal: 1.0}}}",
            "lanes.mine_b_border={from: mine_b, to: border, mode: road, transit_days: 3}",
            "sites.market_x.demand_t_per_year.bauxite=3652.5",
            "shocks.events.p={start: 5, end: 10, targets: {sites: [mine_a]}, effects: "
            "{price_factor: 1.5, capacity_factor: 0.5}}"]
    with pytest.raises(ScenarioError) as caught:
        sim.load_scenario(TINY, sets)
    assert "e.g. targets: {commodities: [copper]}" in str(caught.value)


def test_the_format_reference_gives_each_numbers_bounds() -> None:
    # "ratio: must be at most 100" came as a surprise: the reference gave no bound
    text = (Path(__file__).resolve().parents[2] / "docs" / "scenario-format.md").read_text(
        encoding="utf-8")
    assert "| `ratio` | number (0 to 100) |" in text
    assert "| `price_cap_ratio` | number (above 1, at most 1,000) |" in text
    assert "| `servers` | whole number (1 to 1,000) |" in text
    assert "below 1e+13" not in text and "1e+13" not in text
