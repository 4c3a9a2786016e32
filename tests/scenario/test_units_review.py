"""Values a units review found accepted silently or refused unclearly: a number read in
another unit than the one the user wrote, a comma that cut a number short, true taken
for 1, a unit that was not text dropped, and hints that said nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from scenario_helpers import only_issue, write

import sim
from sim.cli import main
from sim.scenario import ScenarioError, load_scenario, meta_of

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
PRICE = "commodities.copper.reference_price_usd_per_t"


@pytest.fixture
def priced(tmp_path: Path) -> Path:
    """tiny.yaml with copper's reference price in USD/lb."""
    return write(tmp_path / "priced.yaml", f"extends: {TINY}\nname: priced\n"
                                           f"commodities:\n  copper:\n"
                 "    reference_price_usd_per_t: {value: 4, unit: usd/lb, source: x}\n")


# finding 2: a child's number without a unit over the parent's value in a unit


@pytest.mark.parametrize("child, number", [
    ("reference_price_usd_per_t: 9000", "the bare number"),
    ("reference_price_usd_per_t: {value: 9000, source: 'LME, USD/lb'}", "its number")])
def test_a_childs_number_without_a_unit_over_a_parents_unit_gets_a_note(
        tmp_path: Path, priced: Path, child: str, number: str) -> None:
    path = write(tmp_path / "child.yaml",
                 f"extends: priced.yaml\ncommodities:\n  copper:\n    {child}\nname: child\n")
    sc = load_scenario(path)
    assert sc.commodities["copper"].reference_price_usd_per_t == 9000.0
    (note,) = meta_of(sc).notes
    assert note.startswith(f"{path}:4: priced.yaml gave {PRICE} as 4 usd/lb; {number} is "
                           "read in the field's own unit, not usd/lb (to keep usd/lb, ")
    with pytest.warns(UserWarning, match="priced.yaml gave"):
        sim.load_scenario(path)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0 and f"note: {path}:4: priced.yaml gave" in result.output


def test_a_child_that_keeps_the_unit_or_changes_a_parameter_gets_no_note(
        tmp_path: Path, priced: Path) -> None:
    for child in ("reference_price_usd_per_t: {value: 4.5, unit: usd/lb}",
                  "demand_elasticity: -0.4"):
        path = write(tmp_path / "child.yaml",
                     f"extends: priced.yaml\nname: child\ncommodities:\n  copper:\n    {child}\n")
        assert meta_of(load_scenario(path)).notes == [], child


# finding 6: --set over a distribution given with a unit


def test_set_over_a_distribution_in_another_unit_gets_a_note(tiny_path: Path) -> None:
    week = "lanes.mine_border.transit_days={dist: triangular, low: 1, mode: 1.5, high: 2, " \
           "unit: week}"
    sc = load_scenario(tiny_path, [week, "lanes.mine_border.transit_days=2"])
    assert sc.lanes["mine_border"].transit_days.value == 2.0
    (note,) = meta_of(sc).notes
    assert "gave lanes.mine_border.transit_days as a triangular distribution in week; the " \
           "bare number is read in the field's own unit, not week" in note
    assert note.endswith("write --set 'lanes.mine_border.transit_days={value: 2, unit: "
                         "week}')")


def test_set_of_a_value_mapping_without_a_unit_gets_a_note() -> None:
    gold = "commodities.gold.reference_price_usd_per_t"
    sc = load_scenario(ROOT / "scenarios" / "baseline.yaml", [f"{gold}={{value: 2500}}"])
    assert sc.commodities["gold"].reference_price_usd_per_t == 2500.0
    (note,) = [n for n in meta_of(sc).notes if gold in n]
    assert "its number is read in the field's own unit, not usd/oz" in note
    assert note.endswith("(to keep usd/oz, add unit: usd/oz beside it)")


# finding 3: a comma in a number inside { } in a file that extends another


@pytest.mark.parametrize("text, where, fix", [
    ("sites:\n  market_x:\n    demand_t_per_year: {copper: 1,800,000}\n",
     ("sites", "market_x", "demand_t_per_year", "800"), "write 1800000"),
    ("sites:\n  border:\n    location: {lat: -12.25, lon: 27,80}\n",
     ("sites", "border", "location", "80"), "write 2780, or 27.80 for a decimal comma")])
def test_a_comma_in_a_number_in_an_extending_file_is_refused(
        tmp_path: Path, text: str, where: tuple[str, ...], fix: str) -> None:
    # each comma made a key set to null, read as "remove the inherited key", which was
    # not there: copper became 1 t/yr and lon 27 without a word
    path = write(tmp_path / "child.yaml", f"extends: {TINY}\n{text}name: child\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    issue = only_issue(exc)
    assert (issue.file, issue.line, issue.path) == (str(path), 4, where)
    assert "a comma separates YAML entries in { }" in issue.hint and issue.hint.endswith(fix)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2 and f"{path}:4:" in result.output


def test_a_null_for_an_inherited_key_that_is_not_there_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "child.yaml",
                 f"extends: {TINY}\nsites:\n  market_x:\n    initial_stock_t: {{coper: null}}\n"
                 "name: child\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    issue = only_issue(exc)
    assert issue.message == "there is no sites.market_x.initial_stock_t.coper to remove"
    assert (issue.file, issue.line, issue.hint) == (str(path), 4, "did you mean 'copper'?")
    # a field left at its default, and a key that is there, are removed as before
    fine = write(tmp_path / "fine.yaml", f"extends: {TINY}\nname: fine\n"
                                         f"end: null\nsites:\n  market_x:\n"
                 "    initial_stock_t: {copper: null}\n")
    assert load_scenario(fine).sites["market_x"].initial_stock_t == {}


def test_a_comma_in_a_number_without_extends_says_so(tiny_path: Path, tiny_text: str
                                                     ) -> None:
    text = tiny_text.replace("demand_t_per_year: {copper: 36525,",
                             "demand_t_per_year: {copper: 36,525,")
    with pytest.raises(ScenarioError) as exc:
        sim.scenario.scenario_from_yaml(text, "comma.yaml")
    issue = only_issue(exc)
    assert issue.message == "'525' is not a valid id"
    assert issue.hint.endswith("write 36525, or 36.525 for a decimal comma")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, ["sites.border.clearance_trucks_per_day={value: 1,450}"])
    assert only_issue(exc).hint.startswith("a comma separates YAML entries in { }: 1,450")


# finding 4: YAML's yes/no/on/off (true/false) taken for 1 and 0


@pytest.mark.parametrize("override, where, expected", [
    ("sites.border.clearance_trucks_per_day={value: true}",
     ("sites", "border", "clearance_trucks_per_day"), "expected a number in truck/day, got True"),
    ("lanes.mine_border.transit_days={value: yes}",
     ("lanes", "mine_border", "transit_days", "value"), "expected a number, got True"),
    ("lanes.mine_border.transit_days={dist: uniform, low: no, high: 2}",
     ("lanes", "mine_border", "transit_days", "low"), "expected a number, got False"),
    ("sites.border.service_variability={dist: fixed, value: on}",
     ("sites", "border", "service_variability", "value"), "expected a number, got True"),
    ("commodities.copper.demand_elasticity={value: off}",
     ("commodities", "copper", "demand_elasticity"), "expected a number (no unit), got False"),
    ("shocks.events.x={start: yes, end: 20, targets: {lanes: [mine_border]}, "
     "effects: {capacity_factor: 0.5}}", ("shocks", "events", "x", "start"),
     "expected a date such as 2025-01-27 or a number of days, got True"),
    ("shocks.events.x={start: 10, end: 20, targets: {lanes: [mine_border]}, "
     "effects: {capacity_factor: {value: off}}}",
     ("shocks", "events", "x", "effects", "capacity_factor"),
     "expected a number (no unit), got False"),
])
def test_true_or_false_for_a_number_is_refused(tiny_path: Path, override: str,
                                               where: tuple[str, ...], expected: str) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, [override])
    issue = only_issue(exc)
    assert (issue.path, issue.message) == (where, expected)
    assert issue.hint == "YAML reads yes/no/on/off as true/false"


def test_a_distribution_built_in_python_refuses_true() -> None:
    from pydantic import ValidationError

    from sim.distributions import Fixed, Uniform

    with pytest.raises(ValidationError, match="expected a number, got True"):
        Fixed(value=True)
    assert Uniform(dist="uniform", low=1, high=2).low == 1.0


# finding 5: a unit that is not text, and numpy numbers, in a distribution


@pytest.mark.parametrize("value", ["{value: 2, unit: [week]}",
                                   "{dist: uniform, low: 1, high: 2, unit: true}",
                                   "{value: 2, unit: 7}"])
def test_a_unit_that_is_not_text_is_refused_in_a_distribution(tiny_path: Path, value: str
                                                              ) -> None:
    # it was dropped: the numbers were read in days
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, [f"lanes.mine_border.transit_days={value}"])
    issue = only_issue(exc)
    assert issue.message.startswith("unit must be text such as 'day', got ")
    assert issue.path == ("lanes", "mine_border", "transit_days")


def test_numpy_numbers_are_converted_like_python_ones(tiny_text: str) -> None:
    import numpy as np
    import yaml

    data = yaml.safe_load(tiny_text)
    lane = data["lanes"]["mine_border"]
    for given, low, high in (
            ({"dist": "uniform", "low": np.int64(1), "high": 2.0, "unit": "week"}, 7.0, 14.0),
            ({"value": np.int64(2), "unit": "week"}, 14.0, 14.0),
            ({"value": np.float32(2), "unit": "week"}, 14.0, 14.0),
            (np.int64(3), 3.0, 3.0)):
        lane["transit_days"] = given
        dist = sim.scenario.scenario_from_dict(data).lanes["mine_border"].transit_days
        assert (dist.lower_bound(), dist.lower_bound() + 2 * (dist.mean() - dist.lower_bound())
                ) == pytest.approx((low, high)), given
    data["sites"]["border"]["clearance_trucks_per_day"] = {"value": np.int64(700),
                                                           "unit": "truck/week"}
    sc = sim.scenario.scenario_from_dict(data)
    assert sc.sites["border"].clearance_trucks_per_day == pytest.approx(100.0)


# finding 9: {value: balance} without a citation


@pytest.mark.parametrize("word, message", [("balance", None),
                                           ("balanse", "'balanse' is not allowed")])
def test_balance_written_as_an_uncited_value(tmp_path: Path, word: str, message: str | None
                                             ) -> None:
    path = write(tmp_path / "child.yaml", f"extends: {TINY}\nname: child\nsites:\n  market_x:\n"
                 f"    other_supply_t_per_year:\n      copper: {{value: {word}}}\n")
    if message is None:
        sc = load_scenario(path)
        assert sc.sites["market_x"].other_supply_t_per_year == {"copper": "balance"}
        return
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    texts = [(i.message, i.hint) for i in exc.value.issues]
    assert any(m.startswith(message) and h == "did you mean 'balance'?" for m, h in texts)
    assert not any("expected 'balance'" in m and h == "did you mean 'balance'?"
                   and "'balance' is not" in m for m, h in texts)


# finding 7: whole-number fields


@pytest.mark.parametrize("override, path, message, hint", [
    ("horizon_days={value: 1, unit: yr}", ("horizon_days",),
     "must be a whole number of days, got 365.25",
     "1 yr = 365.25 days here: give 365 or 366, or an `end` date"),
    ("warmup_days={value: 6, unit: months}", ("warmup_days",),
     "must be a whole number of days, got 182.625",
     "6 months = 182.625 days here: give 182 or 183"),
    ("series_period_days={value: 1, unit: month}", ("series_period_days",),
     "must be a whole number of days, got 30.4375",
     "1 month = 30.4375 days here: give 30 or 31, or month for calendar months"),
    ("series_period_days=7.5", ("series_period_days",),
     "must be a whole number of days, got 7.5", "give 7 or 8, or month for calendar months"),
    ("sites.border.servers=1.5", ("sites", "border", "servers"),
     "must be a whole number, got 1.5", "give 1 or 2"),
])
def test_a_fraction_in_a_whole_number_field_says_what_to_give(
        tiny_path: Path, override: str, path: tuple[str, ...], message: str, hint: str
) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, [override])
    issue = only_issue(exc)
    assert (issue.path, issue.message, issue.hint) == (path, message, hint)


def test_the_format_doc_calls_whole_number_fields_so() -> None:
    from sim.scenario.docs import generate

    text = generate()
    # (with their bounds since review 110)
    for key, bounds in (("horizon_days", "above 0, below 1,000,000"),
                        ("warmup_days", "at least 0, below 1,000,000"),
                        ("servers", "1 to 1,000")):
        assert f"| `{key}` | whole number ({bounds}) |" in text, key
    assert "| `series_period_days` | whole number (1 to 366) or `month` |" in text
    assert "| `transit_days` | distribution |" in text
    assert "| `clearance_trucks_per_day` | number (above 0) |" in text


# finding 8: unit hints and units


@pytest.mark.parametrize("override, hint", [
    (f"{PRICE}={{value: 9259, unit: kt}}",
     "this field is in usd/t: give the number in usd/t, or with a unit of the same kind "
     "(usd/oz, usd/lb)"),
    ("commodities.copper.demand_elasticity={value: -0.5, unit: t}",
     "this field is a number without a unit: give it so, or in % (50% is 0.5)"),
    ("sites.border.clearance_trucks_per_day={value: 100, unit: t/day}",
     "this field is in truck/day: give the number in truck/day, or with a unit of the same "
     "kind (trucks/week)"),
    ("shocks.incidents.x={rate_per_year: {value: 1, unit: day}, duration_days: 2, "
     "targets: {lanes: [mine_border]}, effects: {capacity_factor: 0.5}}",
     "this field is in 1/yr: give the number in 1/yr, or with a unit of the same kind "
     "(1/month)"),
])
def test_a_unit_of_another_kind_gets_a_hint_that_names_units(tiny_path: Path, override: str,
                                                             hint: str) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, [override])
    assert only_issue(exc).hint == hint


def test_rates_per_month_and_payloads_per_truck_convert(tiny_path: Path) -> None:
    from sim.units import UnitError, convert

    for unit in ("per month", "/month", "1/month", "1 per month"):
        assert convert(0.1, unit, "1/yr") == pytest.approx(1.2), unit
    with pytest.raises(UnitError, match=r"known units: .*\b1\b"):
        convert(1, "parsec", "1")
    for value in ("{value: 30, unit: t/truck}", "{value: 30000, unit: kg}", "30"):
        sc = load_scenario(tiny_path, [f"commodities.copper.forms.cathode.payload_t_per_truck="
                                       f"{value}"])
        assert sc.commodities["copper"].forms["cathode"].payload_t_per_truck == 30.0, value
    with pytest.raises(ScenarioError, match="cannot be converted"):
        load_scenario(tiny_path, ["commodities.copper.forms.cathode.payload_t_per_truck="
                                  "{value: 30, unit: t/day}"])


# finding 10: the format doc's units


def test_the_format_doc_says_which_tonnes_and_what_a_month_and_an_ounce_are() -> None:
    from sim.scenario.docs import generate

    intro = " ".join(generate().split("## Sections")[0].split())
    assert "tonnes of product" in intro and "payload_t_per_truck" in intro
    assert "`vessel_t`" in intro and "`cost_usd_per_t`" in intro
    assert "30.4375 days" in intro and "troy ounce" in intro
