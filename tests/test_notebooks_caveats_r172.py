"""Review 172: what the notebooks print and say beside their numbers.

Notebook 02 printed ``control_hhi`` and the channel shares without the notes ``sim compare``
prints beside them, and wrote a mean price peak held down by the cap as a plain number.
Notebook 03's base-case column and its run without the ban held only for its stylised ban
(a new parameter failed with KeyError; the calibrated ban's rows were meaningless).
Notebook 01 called a permanent override "the January 2025 cut" and promised narrower
intervals from a longer run. The helpers are run here on their own, since the notebooks
themselves run whole scenarios (tests/test_notebooks.py executes them)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd
import pytest

import sim

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
NB01 = NOTEBOOKS / "01_quickstart.py"
NB02 = NOTEBOOKS / "02_compare_disruptions.py"
NB03 = NOTEBOOKS / "03_sensitivity.py"


def _definitions(path: Path, functions: set[str], names: set[str] = frozenset()) -> dict:
    """The notebook's imports, its functions ``functions`` and its top-level assignments to
    ``names``, run in a namespace of their own."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    body = [n for n in tree.body
            if isinstance(n, ast.Import | ast.ImportFrom)
            or (isinstance(n, ast.FunctionDef) and n.name in functions)
            or (isinstance(n, ast.Assign)
                and {getattr(t, "id", None) for t in n.targets} & names)
            or (isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Tuple)
                and {e.id for e in n.targets[0].elts} & names)]
    found = {n.name for n in body if isinstance(n, ast.FunctionDef)}
    assert found == functions, f"{path.name} lacks {functions - found}"
    namespace: dict = {"ROOT": ROOT}
    exec(compile(ast.Module(body=body, type_ignores=[]), str(path), "exec"), namespace)
    return namespace


def _prose(path: Path) -> str:
    """The file's text without comment markers, whitespace collapsed."""
    text = re.sub(r"^\s*# ?", "", path.read_text(encoding="utf-8"), flags=re.M)
    return " ".join(text.split())


# --- notebook 02: the notes beside control_hhi and the shares ---------------------------

def _paired_table() -> pd.DataFrame:
    """A comparison table as notebook 02's ``paired`` gives it: under the ban the western
    channel's share of cobalt delivered rises 8 points on 36% fewer tonnes."""
    rows = []
    for scenario, diff in (("baseline", float("nan")), ("export ban", 1.0)):
        def row(channel: str, metric: str, d: float, low: float, high: float,
                rel: float, scenario: str = scenario, diff: float = diff) -> dict:
            return {"scenario": scenario, "commodity": "cobalt", "channel": channel,
                    "site": "all", "metric": metric, "unit": "", "mean": 1.0,
                    "diff": d * diff, "diff_ci_low": low * diff,
                    "diff_ci_high": high * diff, "rel_change": rel * diff}
        rows += [row("western", "delivered_share", 0.084, 0.07, 0.10, 0.3),
                 row("western", "delivered_t", -30000, -33000, -27000, -0.36),
                 row("china", "delivered_share", -0.084, -0.10, -0.07, -0.1),
                 row("china", "delivered_t", -90000, -95000, -85000, -0.5),
                 row("all", "control_hhi", 300, 250, 350, 0.08)]
    return pd.DataFrame(rows)


def test_02_prints_the_control_notes_of_sim_compare() -> None:
    ns = _definitions(NB02, {"control_notes"})
    from sim.output.tables import CONTROL_HHI_NOTE, rising_share_note

    table = _paired_table()
    control_notes = ns["control_notes"]
    # beside control_hhi, the library's own note (the same object: not a copy of its text)
    hhi = control_notes(table, "export ban", ["exported_t", "control_hhi"], True)
    assert len(hhi) == 1 and hhi[0] is CONTROL_HHI_NOTE
    # beside the shares, the channel whose share rose on fewer tonnes
    shares = control_notes(table, "export ban", ["delivered_share"], True)
    assert shares == [rising_share_note(table, "export ban")]
    assert "western's cobalt +8.40 pt on 36% fewer tonnes delivered" in shares[0]
    assert "who lost least, not who gained" in shares[0]
    # over another period or seed, tonnes say nothing of a loss
    assert control_notes(table, "export ban", ["delivered_share"], False) == []
    assert control_notes(table, "export ban", ["exported_t"], True) == []


def test_02_uses_the_notes_where_it_shows_those_numbers() -> None:
    text = NB02.read_text(encoding="utf-8")
    # the sentences, after each scenario's rows (control_hhi among them)
    assert 'control_notes(paired(scenario), scenario, list(rows["metric"])' in text
    # the table of shares by channel
    assert 'control_notes(cobalt_rows, scenario, ["delivered_share"]' in text
    prose = _prose(NB02)
    assert "counts the informal channel as one controller" in prose
    assert "Such a channel lost least; it did not gain." in prose


def test_02_a_mean_peak_at_the_cap_in_some_replications_is_a_bound() -> None:
    ns = _definitions(NB02, {"amount", "peak_words"})
    peak_words = ns["peak_words"]
    assert peak_words(9.99, 19, 20, 10.0) == (
        "\u2265 9.99 x (at the cap of 10 x in 19 of 20 replications)")
    assert peak_words(10.0, 20, 20, 10.0) == "at the cap of 10 x in every replication"
    assert peak_words(1.5, 0, 20, 10.0) == "1.5 x"
    # the ban's own sentence too
    assert "peaks at \u2265 {ban_total('price_peak_ratio'):.2f} times" in NB02.read_text(
        encoding="utf-8")


# --- notebook 03: base values from the scenario, the calibrated ban ----------------------

NB03_FUNCTIONS = {"ban", "overrides_for", "value_at", "base_values", "without_bans"}
NB03_NAMES = {"BAN_ID", "BAN_START", "BAN_MONTHS", "BASE", "PARAMETERS", "BASELINE"}


@pytest.fixture(scope="module")
def nb03() -> dict:
    return _definitions(NB03, NB03_FUNCTIONS, NB03_NAMES)


def test_03_base_values_come_from_the_scenario(nb03: dict) -> None:
    import sim

    sc = sim.load_scenario(nb03["BASELINE"], overrides=nb03["BASE"])
    values = nb03["base_values"](sc)
    assert values == {
        "ban length (months)": nb03["BAN_MONTHS"],
        "refiner feed buffer (t)": 20000,
        "China market stock (t)": sc.sites["market_china"].initial_stock_t["cobalt"],
        "cobalt demand elasticity": sc.commodities["cobalt"].demand_elasticity,
        "Kasumbalesa trucks per day": sc.sites["kasumbalesa"].clearance_trucks_per_day}
    # a parameter added to PARAMETERS alone: it raised KeyError until BASE_VALUES had it
    nb03["PARAMETERS"]["cobalt supply elasticity"] = (
        "commodities.cobalt.supply_elasticity={}", 0.2, 0.6)
    try:
        values = nb03["base_values"](sc)
    finally:
        del nb03["PARAMETERS"]["cobalt supply elasticity"]
    assert values["cobalt supply elasticity"] == sc.commodities["cobalt"].supply_elasticity
    # a value the scenario does not set: a message that says what to do
    bare = sim.load_scenario(nb03["BASELINE"])
    with pytest.raises(ValueError, match="sets no value at sites.china_cobalt_refiners"
                       r".initial_feed_t.cobalt .*give it one in BASE"):
        nb03["value_at"](bare, "sites.china_cobalt_refiners.initial_feed_t.cobalt={}")


def test_03_no_ban_drops_the_calibrated_ban_and_its_quotas(nb03: dict) -> None:
    import sim

    calibrated = ROOT / "scenarios" / "export_ban_2025.yaml"
    assert sim.load_scenario(calibrated).policies.export_bans  # what there is to drop
    none = sim.load_scenario(calibrated, overrides=nb03["without_bans"]([]))
    assert not none.policies.export_bans and not none.policies.export_quotas
    stylised = sim.load_scenario(nb03["BASELINE"],
                                 overrides=nb03["without_bans"](nb03["BASE"]))
    assert not stylised.policies.export_bans
    assert stylised.sites["china_cobalt_refiners"].initial_feed_t["cobalt"] == 20000
    # the ban-length parameter replaces the stylised ban and keeps the rest of the base case
    four = nb03["overrides_for"]("ban length (months)", 4)
    sc = sim.load_scenario(nb03["BASELINE"], overrides=four)
    assert list(sc.policies.export_bans) == [nb03["BAN_ID"]]
    assert str(sc.policies.export_bans[nb03["BAN_ID"]].end) == "2024-05-15"
    assert sc.sites["china_cobalt_refiners"].initial_feed_t["cobalt"] == 20000


def test_03_the_calibrated_exercise_says_what_to_change() -> None:
    text = NB03.read_text(encoding="utf-8")
    # the ban-length row goes where the base case has no stylised ban to set
    assert ('if BAN_ID not in base_sc.policies.export_bans:\n'
            in text and 'del PARAMETERS["ban length (months)"]' in text)
    assert "BASE_VALUES = base_values(base_sc)" in text
    assert "NO_BAN = without_bans(BASE)" in text
    prose = _prose(NB03)
    assert "replace `BASELINE` and `BASE` with" not in prose
    assert ('set `BASELINE` to `ROOT / "scenarios" / "export_ban_2025.yaml"` and `BASE` to '
            "`[]`") in prose
    import sim

    feed = sim.load_scenario(ROOT / "scenarios" / "export_ban_2025.yaml").sites[
        "china_cobalt_refiners"].initial_feed_t["cobalt"]
    assert f"its own refiners' feed, {feed:,.0f} t)" in prose
    assert f"{feed / 2:,.0f} and {feed * 1.5:,.0f} in `PARAMETERS`" in prose


# --- notebook 01: what its exercises do -------------------------------------------------

def test_01_the_kasumbalesa_exercise_is_a_permanent_cut() -> None:
    prose = _prose(NB01)
    assert "(the January 2025 cut from 450 to 250 trucks a day" not in prose
    assert "this is a permanent cut to 250 trucks a day" in prose
    assert "the planned flow into Kasumbalesa is then 168% of its capacity" in prose
    # as sim.run warns of it
    from sim.experiment.runner import overrides_capacity_notes

    cut = ["sites.kasumbalesa.clearance_trucks_per_day=250"]
    baseline = ROOT / "scenarios" / "baseline.yaml"
    notes = overrides_capacity_notes(baseline, sim.load_scenario(baseline, cut), cut)
    assert any("planned flow into kasumbalesa (border post) is 168%" in n for n in notes)
    assert "the event `kasumbalesa_clearance_cut` in `scenarios/corridor_shocks.yaml`: 30 " \
           "days from 6 January 2025" in prose
    import yaml

    shocks = yaml.safe_load((ROOT / "scenarios" / "corridor_shocks.yaml").read_text(
        encoding="utf-8"))["shocks"]["events"]["kasumbalesa_clearance_cut"]
    assert shocks["duration_days"]["value"] == 30
    assert str(shocks["start"]["value"]) == "2025-01-06"


def test_01_a_longer_run_does_not_narrow_the_intervals_of_totals() -> None:
    prose = _prose(NB01)
    assert "watch the confidence intervals narrow" not in prose
    assert "More replications (`replications=50`) narrow the confidence intervals" in prose
    assert "so does the width of their intervals in tonnes" in prose
