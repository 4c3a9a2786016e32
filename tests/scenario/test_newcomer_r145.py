"""Review 145: a newcomer's own network (Zambian copper) met a default it never wrote, an
error printed twice, weak date hints, a hint in broken English, and figure texts that
called its exports the DRC's."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.output.figures import compare_figures, deliveries_figure
from sim.scenario.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def problems(path: Path) -> str:
    with pytest.raises(ScenarioError) as err:
        sim.load_scenario(path)
    return err.value.report()


def zambian(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "zambia.yaml"
    text = TINY.read_text(encoding="utf-8").replace("country: COD", "country: ZMB")
    path.write_text(text.replace("name: tiny", "name: zambia") + extra, encoding="utf-8")
    return path


def test_the_exporting_country_s_default_is_named_with_the_fix(tmp_path: Path) -> None:
    text = problems(zambian(tmp_path))
    assert "exporting_country: not given, so COD by default, and no region is in COD" in text
    assert "add exporting_country: ZMB at the top level" in text
    assert "the regions' countries: CHN, ZMB" in text
    # given in the file, the usual unknown-id message stands
    text = problems(zambian(tmp_path, "exporting_country: ZAM\n"))
    assert "unknown country 'ZAM'" in text


def test_a_route_s_problem_met_by_two_mines_is_reported_once(tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text(f"""extends: {TINY}
name: two
commodities:
  cobalt:
    forms:
      hydroxide: {{grade: 0.3, payload_t_per_truck: 30}}
sites:
  mine_a:
    output:
      cobalt: {{form: hydroxide, t_per_year: 1000}}
    offtake:
      cobalt: {{formal: 1.0}}
  mine_b:
    kind: mine
    region: home
    location: {{lat: -10.5, lon: 26.5}}
    output:
      cobalt: {{form: hydroxide, t_per_year: 1000}}
    offtake:
      cobalt: {{formal: 1.0}}
lanes:
  mine_b_border: {{from: mine_b, to: border, mode: road, transit_days: 2}}
""", encoding="utf-8")
    text = problems(path)
    assert text.count("which has no demand for it") == 1, text


@pytest.mark.parametrize(("written", "hint"), [
    ("01/03/2025", "write dates as YYYY-MM-DD: 2025-03-01 for 1 March, or 2025-01-03 "
                   "for 3 January"),
    ("13/03/2025", "write 2025-03-13 (YYYY-MM-DD)"),
    ("1 March 2025", "write 2025-03-01 (YYYY-MM-DD)"),
    ("March 1, 2025", "write 2025-03-01 (YYYY-MM-DD)"),
    ("1st Sept 2025", "write 2025-09-01 (YYYY-MM-DD)"),
    ("31 Feb 2025", "there is no such date: February 2025 has no day 31"),
])
def test_dates_written_otherwise_get_the_iso_date_as_hint(tmp_path: Path, written: str,
                                                          hint: str) -> None:
    path = tmp_path / "when.yaml"
    path.write_text(f"""extends: {TINY}
name: when
shocks:
  events:
    shut:
      start: {written}
      duration_days: 5
      targets: {{sites: [border]}}
      effects: {{capacity_factor: 0}}
      assumption: test input
""", encoding="utf-8")
    text = problems(path)
    assert "when.yaml:6:" in text and f"hint: {hint}" in text, text


def test_a_ratio_to_another_commodity_lists_the_mine_s_other_outputs(tmp_path: Path) -> None:
    path = tmp_path / "ratio.yaml"
    path.write_text(f"""extends: {TINY}
name: ratio
commodities:
  cobalt:
    forms:
      hydroxide: {{grade: 0.3, payload_t_per_truck: 30}}
  gold:
    forms:
      dore: {{grade: 0.9, payload_t_per_truck: 1}}
sites:
  mine_a:
    output:
      cobalt: {{form: hydroxide, ratio: 0.1, ratio_to: gold}}
    offtake:
      cobalt: {{formal: 1.0}}
  market_x:
    demand_t_per_year: {{cobalt: 100, gold: 1}}
""", encoding="utf-8")
    text = problems(path)
    assert "unknown output of this mine 'gold'" in text
    assert "hint: known outputs of this mine: copper\n" in text + "\n"  # not cobalt itself


def test_the_same_problem_at_two_places_is_reported_at_both(tmp_path: Path) -> None:
    # only the same words at the same field are one problem (review 148)
    path = tmp_path / "twice.yaml"
    path.write_text(f"extends: {TINY}\nname: twice\nseries_sites:\n  - bordr\n  - bordr\n",
                    encoding="utf-8")
    text = problems(path)
    assert text.count("unknown site 'bordr'") == 2, text
    assert "site 'bordr' is named twice" in text


def test_figures_name_the_scenario_s_exporting_country(tmp_path: Path) -> None:
    path = zambian(tmp_path, "exporting_country: ZMB\n")
    res = sim.run(sim.load_scenario(path, ["horizon_days=20"]), replications=2, seed=1)
    captions = [caption for _stem, caption, _fig in compare_figures([("a", res), ("b", res)])]
    assert any(c.startswith("Exports from ZMB by scenario") for c in captions)
    fig = deliveries_figure(res)
    labels = [t.get_text() for t in fig.legends[0].get_texts()] if fig.legends else [
        line.get_label() for ax in fig.axes for line in ax.get_lines()]
    assert any("arrivals from the network" in label for label in labels)
    assert not any("DRC" in label for label in labels)
