"""Review 215, finding 2: `--set sites.kfm.output.cobalt.t_per_year=60000` on the
baseline's by-product was refused with "give either t_per_year, or ratio together with
ratio_to" and the hint "output: output by commodity", and again after `...ratio=null`:
neither said which keys were still set, nor that both ratio and ratio_to must go."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.scenario import ScenarioError, load_scenario
from tests.scenario.scenario_helpers import only_issue

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
COBALT = "sites.kfm.output.cobalt"
HINT = ("output: output by commodity, each a tonnage of its own (t_per_year) or a "
        "by-product's (ratio and ratio_to), not both: switching one to the other with --set "
        "needs the old keys set to null too")

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _issue(*sets: str):
    with pytest.raises(ScenarioError) as exc:
        load_scenario(BASELINE, list(sets))
    issue = only_issue(exc)
    assert issue.path == ("sites", "kfm", "output", "cobalt")
    assert issue.hint == HINT
    return issue


def test_a_tonnage_beside_a_ratio_names_both_keys_to_remove() -> None:
    issue = _issue(f"{COBALT}.t_per_year=60000")
    assert issue.message == (
        "this output gives ratio and ratio_to (a by-product of copper, 0.40367 t per tonne) "
        "and t_per_year: give either t_per_year, or ratio together with ratio_to; for a "
        "tonnage of its own, also remove ratio and ratio_to (in a file delete the keys; "
        "with --set, also set this output's ratio=null and ratio_to=null), or to keep it a "
        "by-product remove t_per_year")


def test_after_removing_ratio_alone_it_names_ratio_to() -> None:
    issue = _issue(f"{COBALT}.t_per_year=60000", f"{COBALT}.ratio=null")
    assert issue.message == (
        "this output gives ratio_to (a by-product of copper) and t_per_year: give either "
        "t_per_year, or ratio together with ratio_to; for a tonnage of its own, also remove "
        "ratio_to (in a file delete the key; with --set, also set this output's "
        "ratio_to=null), or to keep it a by-product remove t_per_year and give ratio too")
    issue = _issue(f"{COBALT}.t_per_year=60000", f"{COBALT}.ratio_to=null")
    assert issue.message.startswith("this output gives ratio (0.40367) and t_per_year: ")
    assert "also set this output's ratio=null)" in issue.message
    # review 220: removing t_per_year alone led to the next error, "ratio but no ratio_to"
    assert issue.message.endswith("remove t_per_year and give ratio_to too")


def test_half_a_by_product_or_nothing() -> None:
    assert _issue(f"{COBALT}.ratio=null").message == (
        "this output gives ratio_to (a by-product of copper) but no ratio: a by-product "
        "needs both ratio and ratio_to; give ratio too, or for a tonnage of its own give "
        "t_per_year and remove ratio_to (with --set, also set this output's ratio_to=null)")
    assert _issue(f"{COBALT}.ratio_to=null").message.startswith(
        "this output gives ratio (0.40367) but no ratio_to: ")
    assert _issue(f"{COBALT}.ratio=null", f"{COBALT}.ratio_to=null").message == (
        "this output gives neither t_per_year nor ratio and ratio_to: give either "
        "t_per_year, or ratio together with ratio_to")


def test_the_advice_works() -> None:
    sc = sim.load_scenario(BASELINE, [f"{COBALT}.t_per_year=60000", f"{COBALT}.ratio=null",
                                      f"{COBALT}.ratio_to=null"])
    assert sc.sites["kfm"].output["cobalt"].t_per_year == 60000
