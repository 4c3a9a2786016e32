"""Review 173: export_ban_2025 starts with an 80,100 t buffer at the refiners that the
baseline it is compared with lacks, and nothing said so: its "stock at the end" row read
+73% where the ban's own effect was +30%. A comparison now notes each scenario that starts
with another stock than the reference, and how to give them the same."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import sim
from sim.experiment.compare import initial_stock_notes, resolve

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def variant(tmp_path: Path, stock_t: float, name: str = "stocked") -> Path:
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["name"] = name
    data["sites"]["market_x"]["initial_stock_t"]["copper"] = stock_t
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_more_stock_is_noted_with_the_set_that_evens_it(tmp_path: Path) -> None:
    arms, _root = resolve([TINY, variant(tmp_path, 5000)], for_python=False)
    (note,) = initial_stock_notes(arms)
    assert note.startswith("stocked starts with 4,000 t more copper in stock than tiny "
                           "(market_x initial_stock_t 5,000 t against 1,000 t)")
    assert note.endswith("start them all with its stocks: "
                         "--set sites.market_x.initial_stock_t.copper=5000")


def test_less_stock_and_python_wording(tmp_path: Path) -> None:
    arms, _root = resolve([TINY, variant(tmp_path, 0)])
    (note,) = initial_stock_notes(arms, for_python=True)
    assert "starts with 1,000 t less copper in stock than tiny" in note
    assert "market_x initial_stock_t none against 1,000 t" in note
    assert note.endswith("overrides=['sites.market_x.initial_stock_t.copper=0']")


def test_the_same_stocks_say_nothing(tmp_path: Path) -> None:
    arms, _root = resolve([TINY, variant(tmp_path, 1000)])
    assert initial_stock_notes(arms) == []


def test_finished_results_get_the_note_without_advice(tmp_path: Path) -> None:
    res = sim.run(variant(tmp_path, 5000), 1, 1)
    arms, _root = resolve([TINY, res])
    (note,) = initial_stock_notes(arms)
    assert "4,000 t more copper" in note and "--set" not in note


def test_the_comparison_says_it(tmp_path: Path) -> None:
    comp = sim.run_comparison([TINY, variant(tmp_path, 5000)], 1, 1)
    assert any(n.startswith("stocked starts with 4,000 t more copper") for n in comp.notes)


@pytest.mark.filterwarnings("ignore")
def test_the_export_ban_against_the_baseline() -> None:
    arms, _root = resolve([SCENARIOS / "baseline.yaml", SCENARIOS / "export_ban_2025.yaml"],
                          for_python=False)
    (note,) = initial_stock_notes(arms)
    assert ("export_ban_2025 starts with 80,100 t more cobalt in stock than baseline "
            "(china_cobalt_refiners initial_feed_t 80,100 t against none)") in note
    assert note.endswith("--set sites.china_cobalt_refiners.initial_feed_t.cobalt=80100")


def test_a_commodity_one_scenario_lacks_gets_no_note(tmp_path: Path) -> None:
    # review 180: its advice, --set ...tin=500, is refused by the scenario without tin
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["name"] = "with_tin"
    data["commodities"]["tin"] = {"forms": {"conc": {"grade": 0.5,
                                                     "payload_t_per_truck": 30}}}
    data["sites"]["market_x"]["initial_stock_t"]["tin"] = 500
    path = tmp_path / "tin.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    arms, _root = resolve([TINY, path])
    assert initial_stock_notes(arms) == []


def test_a_mine_working_stock_is_not_said_to_buffer_markets(tmp_path: Path) -> None:
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["name"] = "yard"
    data["sites"]["mine_a"]["initial_stock_t"] = {"copper": 500, "assumption": "test"}
    path = tmp_path / "yard.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    arms, _root = resolve([TINY, path])
    (note,) = initial_stock_notes(arms)
    assert "(mine_a initial_stock_t 500 t against none): its stocks at the end (a mine's " \
           "working stock, which stays there) differ by that" in note
    assert "shortfalls" not in note
