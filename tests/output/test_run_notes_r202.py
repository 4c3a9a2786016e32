"""Review 202, finding 4: the notes ``sim run`` prints below its tables (a price peak at
the cap, an offtake deal that failed) are kept in manifest.json's ``table_notes``, from the
command line and from ``sim.run(out=)``, as comparison.json's ``table_notes`` keeps a
comparison's: summary.csv alone gives a peak at the cap a zero-width interval. They are
apart from ``notes``, which sim report gives as the scenario's (the report has paragraphs
of its own on the tables)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
PRICED = ("    demand_elasticity: {value: -0.5, assumption: test input}\n",
          "    demand_elasticity: {value: -0.5, assumption: test input}\n"
          "    reference_price_usd_per_t: {value: 9000, assumption: test input}\n"
          "    price_cap_ratio: 1.01\n")
INFORMAL = ("      direct: {path: [border, market_x]}",
            "      direct: {path: [border, market_x]}\n"
            "  informal:\n    formal: false\n    routes:\n"
            "      smuggled: {path: [border, market_x]}")
EXTRA = """shocks:
  events:
    cut:
      start: 20
      duration_days: 60
      targets: {lanes: [mine_border]}
      effects: {capacity_factor: 0.0}
      assumption: test input
policies:
  offtake_deals:
    deal_x: {mines: [mine_a], commodities: [copper], share: 0.3, to_channel: informal,
             start: 5, probability_fails: 1.0, assumption: test input}
"""


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    text = TINY.read_text(encoding="utf-8")
    for old, new in (PRICED, INFORMAL):
        assert text.count(old) == 1
        text = text.replace(old, new)
    path = tmp_path_factory.mktemp("r202notes") / "capped.yaml"
    path.write_text(text + EXTRA, encoding="utf-8")
    return path


def _notes(out: Path) -> list[str]:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["table_notes"]


def test_sim_run_keeps_the_notes_it_prints(scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = CliRunner().invoke(main, ["run", str(scenario), "-n", "2", "-w", "1",
                                       "--no-figures", "--out", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    printed = [line.removeprefix("note: ") for line in result.output.splitlines()
               if line.startswith("note: price peak at the cap")
               or line.startswith("note: offtake deal")]
    assert len(printed) == 2
    notes = _notes(out)
    for note in printed:
        assert note in notes
    assert any(n.startswith("offtake deal: deal deal_x failed in 2 of 2") for n in notes)


def test_the_python_api_keeps_them_too(scenario: Path, tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sim.run(scenario, 2, out=tmp_path / "py", figures=False)
    notes = _notes(tmp_path / "py")
    assert any(n.startswith("price peak at the cap: copper (1.01)") for n in notes)
    assert any(n.startswith("offtake deal: deal deal_x failed") for n in notes)


def test_a_plain_run_has_none(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sim.run(TINY, 1, out=tmp_path / "plain", figures=False)
    assert _notes(tmp_path / "plain") == []


def test_a_comparison_keeps_them_in_each_scenario_folder(scenario: Path, tmp_path: Path
                                                          ) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sim.run_comparison([TINY, scenario], replications=2, seed=1, out=tmp_path / "cmp",
                           figures=False)
    assert _notes(tmp_path / "cmp" / "tiny") == []
    assert any(n.startswith("offtake deal: deal deal_x failed")
               for n in _notes(tmp_path / "cmp" / "capped"))


def test_sim_report_on_a_run_without_replications_says_what_is_missing(tmp_path: Path) -> None:
    # review 207: sim report said "it has no manifest.json" of a folder that has one
    import shutil

    from click.testing import CliRunner

    from sim.cli import main

    out = tmp_path / "r"
    sim.run(TINY, 2, seed=1, out=out, figures=False)
    shutil.rmtree(out / "replications")
    result = CliRunner().invoke(main, ["report", str(out)])
    assert result.exit_code == 2
    assert "holds no replications/" in result.output
    assert "no manifest.json" not in result.output
