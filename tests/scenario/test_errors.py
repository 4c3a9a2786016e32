"""Broken scenarios: every problem is a ScenarioError with a field path, a line and a hint.

Each case is tiny.yaml with a small textual edit. The expected line is found in the edited
text by a fragment of that line, so the tests check real file positions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from sim.scenario import Issue, ScenarioError, load_scenario, scenario_from_yaml

FILE = "broken.yaml"


@dataclass(frozen=True)
class Case:
    edits: tuple[tuple[str, str], ...]
    path: tuple
    message: str
    hint: str | None
    line: str
    """A fragment of the line the issue must point at."""


def line_of(text: str, fragment: str) -> int:
    """1-based number of the only line of ``text`` containing ``fragment``."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if fragment in line]
    assert len(hits) == 1, f"{fragment!r} is on lines {hits}, expected exactly one"
    return hits[0]


def issues_of(text: str) -> list[Issue]:
    with pytest.raises(ScenarioError) as exc:
        scenario_from_yaml(text, FILE)
    report = exc.value.report()
    assert report.startswith(f"{len(exc.value.issues)} problem")
    assert "Traceback" not in report
    return exc.value.issues


def issue_at(issues: list[Issue], path: tuple) -> Issue:
    hits = [i for i in issues if i.path == path]
    assert hits, f"no issue at {path}; got {[(i.path, i.message) for i in issues]}"
    return hits[0]


TRANSIT_3 = "transit_days: {value: 3, assumption: test input}"
CLEARANCE = "    clearance_trucks_per_day: {value: 100, assumption: test input}\n"
ROUTE = "path: [border, market_x]"
COBALT = (
    ("  copper:\n    forms:",
     "  cobalt:\n    forms:\n      cathode: {grade: 1.0, payload_t_per_truck: 25}\n"
     "  copper:\n    forms:"),
    ("      copper: {form: cathode, t_per_year",
     "      cobalt: {form: cathode, ratio: 0.1, ratio_to: coppr}\n"
     "      copper: {form: cathode, t_per_year"),
    ("      copper: {formal: 1.0,", "      cobalt: {formal: 1.0}\n      copper: {formal: 1.0,"),
    ("demand_t_per_year: {copper: 36525,", "demand_t_per_year: {cobalt: 3652, copper: 36525,"),
)
MARKET_Y = ("lanes:\n", "  market_y:\n    kind: market\n    region: away\n"
            "    location: {lat: 1, lon: 2}\n    demand_t_per_year: {copper: 100}\nlanes:\n")

LAST_LINE = "      direct: {path: [border, market_x]}\n"


def appended(block: str) -> tuple[tuple[str, str], ...]:
    """Edits appending ``block`` (a top-level section such as ``shocks:``) to tiny.yaml."""
    return ((LAST_LINE, LAST_LINE + block),)


def regime(states: str, rates: str, initial: str = "") -> tuple[tuple[str, str], ...]:
    return appended("shocks:\n  regimes:\n    east:\n      targets: {sites: [border]}\n"
                    f"{initial}      states:\n{states}      rates_per_year: {rates}\n")


def event(start: str, duration: str) -> tuple[tuple[str, str], ...]:
    return appended(f"shocks:\n  events:\n    closure:\n      start: {start}\n"
                    f"      duration_days: {duration}\n      targets: {{lanes: [mine_border]}}\n"
                    "      effects: {capacity_factor: 0}\n")


CALM_OCCUPIED = "        calm: {}\n        occupied: {effects: {capacity_factor: 0.5}}\n"

CASES = {
    "unknown top-level key": Case(
        (("horizon_days:", "horizon_dayz:"),),
        ("horizon_dayz",), "unknown field 'horizon_dayz'", "did you mean 'horizon_days'?",
        "horizon_dayz"),
    "unknown nested key": Case(
        ((CLEARANCE, CLEARANCE + "    servrs: 2\n"),),
        ("sites", "border", "servrs"), "unknown field 'servrs'", "did you mean 'servers'?",
        "servrs: 2"),
    "unknown site in a lane": Case(
        (("    to: border\n", "    to: bordr\n"),),
        ("lanes", "mine_border", "to"), "unknown site 'bordr'", "did you mean 'border'?",
        "to: bordr"),
    "unknown site in a route": Case(
        ((ROUTE, "path: [bordr, market_x]"),),
        ("channels", "formal", "routes", "direct", "path", 0), "unknown site 'bordr'",
        "did you mean 'border'?", "path: [bordr"),
    "unknown site kind": Case(
        (("kind: border_post", "kind: border_pots"),),
        ("sites", "border", "kind"), "unknown kind 'border_pots'", "did you mean 'border_post'?",
        "kind: border_pots"),
    "offtake shares do not sum to 1": Case(
        (("{formal: 1.0,", "{formal: 0.9,"),),
        ("sites", "mine_a", "offtake", "copper"), "offtake shares sum to 0.9, not 1",
        "add up to exactly 1", "{formal: 0.9"),
    "unknown channel in offtake": Case(
        (("{formal: 1.0,", "{formul: 1.0,"),),
        ("sites", "mine_a", "offtake", "copper", "formul"), "unknown channel 'formul'",
        "did you mean 'formal'?", "{formul: 1.0"),
    "zero clearance capacity": Case(
        ((CLEARANCE, "    clearance_trucks_per_day: {value: 0, assumption: test input}\n"),),
        ("sites", "border", "clearance_trucks_per_day"), "must be greater than 0", None,
        "clearance_trucks_per_day"),
    "negative clearance capacity": Case(
        ((CLEARANCE, "    clearance_trucks_per_day: -100\n"),),
        ("sites", "border", "clearance_trucks_per_day"), "must be greater than 0, got -100",
        None, "clearance_trucks_per_day"),
    "negative lane capacity": Case(
        ((TRANSIT_3, TRANSIT_3 + "\n    capacity_t_per_day: -4"),),
        ("lanes", "mine_border", "capacity_t_per_day"), "must be greater than 0, got -4", None,
        "capacity_t_per_day: -4"),
    "zero servers": Case(
        ((CLEARANCE, CLEARANCE + "    servers: 0\n"),),
        ("sites", "border", "servers"), "must be at least 1", None, "servers: 0"),
    "negative transit time": Case(
        ((TRANSIT_3, "transit_days: -3"),),
        ("lanes", "mine_border", "transit_days"), "can take negative values", None,
        "transit_days: -3"),
    "route through a missing lane": Case(
        (("  border_market:\n    from: border\n", "  border_market:\n    from: mine_a\n"),),
        ("channels", "formal", "routes", "direct", "path", 1),
        "route is broken: no lane from 'border' to 'market_x'",
        "there is no lane from 'border': add a lane with from: border and to: market_x",
        ROUTE),
    "route through a misspelt lane end": Case(
        (("    to: market_x\n", "    to: market_y\n"), MARKET_Y),
        ("channels", "formal", "routes", "direct", "path", 1),
        "route is broken: no lane from 'border' to 'market_x'", "did you mean 'market_y'?",
        ROUTE),
    "route cycle": Case(
        ((ROUTE, "path: [border, border, market_x]"),),
        ("channels", "formal", "routes", "direct", "path"), "routing cycle",
        "must not pass the same site twice", "path: [border, border"),
    "route ending at a border post": Case(
        ((ROUTE, "path: [border]"),),
        ("channels", "formal", "routes", "direct", "path", 0),
        "a route must end at a refiner, market or stockpile; 'border' is a border_post", None,
        "path: [border]"),
    "route passing through a market": Case(
        ((ROUTE, "path: [market_x, border]"),),
        ("channels", "formal", "routes", "direct", "path", 0),
        "only border posts, ports, trading hubs and junctions can be passed through", None,
        "path: [market_x, border]"),
    "lane into a mine": Case(
        (("    to: market_x\n", "    to: mine_a\n"),),
        ("lanes", "border_market", "to"), "lanes cannot lead into mine 'mine_a'", None,
        "to: mine_a"),
    "unknown distribution": Case(
        ((TRANSIT_3, "transit_days: {dist: triangle, low: 1, mode: 2, high: 3}"),),
        ("lanes", "mine_border", "transit_days", "dist"), "unknown dist 'triangle'",
        "did you mean 'triangular'?", "dist: triangle"),
    "distribution without dist": Case(
        ((TRANSIT_3, "transit_days: {low: 1, high: 3}"),),
        ("lanes", "mine_border", "transit_days"), "missing 'dist'", "write a fixed value",
        "transit_days: {low: 1"),
    "variability with mean other than 1": Case(
        (("    offtake:\n", "    variability: {dist: uniform, low: 0.5, high: 2}\n"
          "    offtake:\n"),),
        ("sites", "mine_a", "variability"), "must have mean 1, this one has mean 1.25", None,
        "variability:"),
    "country NO read as false": Case(
        (("country: COD", "country: NO"),),
        ("regions", "home", "country"), "expected text, got False", "quote it",
        "country: NO"),
    "lower-case country code": Case(
        (("country: COD", "country: cod"),),
        ("regions", "home", "country"), "'cod' is not a three-letter ISO country code",
        "upper-case", "country: cod"),
    "by-product of a missing output": Case(
        COBALT,
        ("sites", "mine_a", "output", "cobalt", "ratio_to"),
        "unknown output of this mine 'coppr'", "did you mean 'copper'?", "ratio_to: coppr"),
    "unreachable market": Case(
        (MARKET_Y,),
        ("sites", "market_y", "demand_t_per_year", "copper"),
        "market 'market_y' demands 'copper' but no planned flow reaches it",
        "other_supply_t_per_year", "demand_t_per_year: {copper: 100}"),
    "duplicate YAML key": Case(
        ((CLEARANCE, CLEARANCE + "    servers: 1\n    servers: 2\n"),),
        ("sites", "border"), "duplicate key 'servers' (first defined on line 30)",
        "silently keep only the last", "servers: 2"),
    "YAML syntax error": Case(
        (("  home: {country: COD}", "  home: {country: COD"),),
        (), "YAML syntax error", "check indentation", "away: {country: CHN}"),
    "start after end": Case(
        (("horizon_days: {value: 100, assumption: test input}", "end: 2023-06-01"),),
        (), "end 2023-06-01 is before start 2024-01-01", None, "end: 2023-06-01"),
    "non-integer warm-up": Case(
        (("warmup_days: {value: 0,", "warmup_days: {value: 2.5,"),),
        (), "must be a whole number of days, got 2.5", None, "warmup_days"),
    # found by review: a misspelt state was accepted, and never entered
    "regime state never entered": Case(
        regime(CALM_OCCUPIED + "        ocupied: {effects: {seize_share: 0.5}}\n",
               "{calm: {occupied: 2}, occupied: {calm: 4}}"),
        ("shocks", "regimes", "east", "states", "ocupied"),
        "state 'ocupied' is never entered: no transition in rates_per_year leads to it from "
        "the initial state 'calm'", "did you mean 'occupied'?", "ocupied: {effects"),
    "regime state entered only from a state never entered": Case(
        regime(CALM_OCCUPIED + "        tense: {}\n        worst: {}\n",
               "{calm: {occupied: 2}, occupied: {calm: 4}, tense: {worst: 1}}"),
        ("shocks", "regimes", "east", "states", "worst"),
        "state 'worst' is never entered", "add a rate into it, e.g. rates_per_year: "
        "{calm: {worst: 1.0}}", "worst: {}"),
    "regime first state never entered from a later initial state": Case(
        regime(CALM_OCCUPIED, "{calm: {occupied: 2}}", initial="      initial: occupied\n"),
        ("shocks", "regimes", "east", "states", "calm"),
        "state 'calm' is never entered: no transition in rates_per_year leads to it from the "
        "initial state 'occupied'", None, "calm: {}"),
    # found by review: refused with `end:`, accepted with `duration_days:`
    "event wholly before the run, by duration": Case(
        event("2023-01-01", "30"),
        ("shocks", "events", "closure", "start"),
        "starts at 2023-01-01 and lasts 30 days (duration_days), so it ends at 2023-01-31, "
        "before the run begins", "warmup_days", "start: 2023-01-01"),
    "event wholly before the run, by a bounded random duration": Case(
        event("2023-01-01", "{dist: triangular, low: 10, mode: 20, high: 30}"),
        ("shocks", "events", "closure", "start"),
        "lasts at most 30 days (duration_days), so it ends at 2023-01-31", None,
        "start: 2023-01-01"),
    "event wholly in the warm-up's past, in days": Case(
        event("-60", "{dist: uniform, low: 10, high: 20, unit: days}"),
        ("shocks", "events", "closure", "start"),
        "starts at day -60 and lasts at most 20 days (duration_days), so it ends at day -40",
        None, "start: -60"),
    "export ban wholly before the run, by duration": Case(
        appended("policies:\n  export_bans:\n    ban:\n      commodity: copper\n"
                 "      start: 2022-01-01\n      duration_days: 30\n"),
        ("policies", "export_bans", "ban", "start"),
        "starts at 2022-01-01 and lasts 30 days (duration_days), so it ends at 2022-01-31",
        None, "start: 2022-01-01"),
}

# Problems that relate several fields, checked after field validation.
MODEL_LEVEL = {
    "start after end": ("end",),
    "non-integer warm-up": ("warmup_days",),
}


@pytest.mark.parametrize("name", [n for n in CASES if n not in MODEL_LEVEL])
def test_broken_variant_reports_path_line_message_and_hint(tiny_variant, name: str) -> None:
    case = CASES[name]
    text = tiny_variant(*case.edits)
    issue = issue_at(issues_of(text), case.path)
    assert case.message in issue.message
    if case.hint is not None:
        assert issue.hint is not None and case.hint in issue.hint
    assert issue.file == FILE
    assert issue.line == line_of(text, case.line)
    assert issue.format().startswith(f"{FILE}:{issue.line}")


@pytest.mark.parametrize("name", list(MODEL_LEVEL))
def test_model_level_problems_are_reported(tiny_variant, name: str) -> None:
    case = CASES[name]
    issues = issues_of(tiny_variant(*case.edits))
    assert any(case.message in i.message for i in issues)


@pytest.mark.parametrize("name", list(MODEL_LEVEL))
def test_model_level_problems_point_at_their_field(tiny_variant, name: str) -> None:
    case = CASES[name]
    text = tiny_variant(*case.edits)
    issue = next(i for i in issues_of(text) if case.message in i.message)
    assert issue.path == MODEL_LEVEL[name]
    assert issue.line == line_of(text, case.line)


@pytest.mark.parametrize("edits", [
    # reaches into the run: starts before it, lasts into it
    event("2023-12-20", "30"),
    # an unbounded duration may always reach the run
    event("2023-01-01", "{dist: exponential, mean: 30}"),
    event("2023-01-01", "{dist: truncated_normal, mean: 30, sd: 5}"),
    # starts in the warm-up
    (("warmup_days: {value: 0,", "warmup_days: {value: 400,"),
     *event("2023-01-01", "30")),
    # the first state is the initial one, and needs no transition into it
    regime(CALM_OCCUPIED, "{calm: {occupied: 2}}"),
    # an explicit initial state, and the first entered from it
    regime(CALM_OCCUPIED, "{occupied: {calm: 2}}", initial="      initial: occupied\n"),
], ids=["into the run", "exponential", "truncated normal without high", "in the warm-up",
        "first state", "explicit initial"])
def test_shocks_that_can_happen_are_accepted(tiny_variant, edits) -> None:
    scenario_from_yaml(tiny_variant(*edits), FILE)


def test_triangular_with_low_above_high(tiny_variant) -> None:
    text = tiny_variant((TRANSIT_3, "transit_days: {dist: triangular, low: 5, mode: 2, high: 3}"))
    issues = issues_of(text)
    assert len(issues) == 1
    issue = issues[0]
    assert issue.path[:3] == ("lanes", "mine_border", "transit_days")
    assert "triangular needs low <= mode <= high" in issue.message
    assert "low=5.0, mode=2.0, high=3.0" in issue.message
    assert issue.line == line_of(text, "dist: triangular")


@pytest.mark.parametrize("dist", [
    "{dist: triangular, low: 5, mode: 2, high: 3}",
    "{dist: uniform, low: 4, high: 3}",
])
def test_distribution_validator_error_path_is_the_field(tiny_variant, dist: str) -> None:
    issues = issues_of(tiny_variant((TRANSIT_3, f"transit_days: {dist}")))
    assert [i.path for i in issues] == [("lanes", "mine_border", "transit_days")]


def test_missing_required_field(tiny_variant) -> None:
    text = tiny_variant(("    mode: road\n    transit_days: {value: 3",
                         "    transit_days: {value: 3"))
    issue = issue_at(issues_of(text), ("lanes", "mine_border", "mode"))
    assert issue.message == "missing required field 'mode'"
    assert issue.line == line_of(text, "mine_border:")  # the mapping that lacks it


def test_missing_required_field_has_a_hint(tiny_variant) -> None:
    text = tiny_variant(("    mode: road\n    transit_days: {value: 3",
                         "    transit_days: {value: 3"))
    issue = issue_at(issues_of(text), ("lanes", "mine_border", "mode"))
    assert issue.hint and "add mode: ... (mode of transport)" == issue.hint


def test_bound_errors_on_cited_values_show_the_number(tiny_variant) -> None:
    zero = issues_of(tiny_variant((CLEARANCE, "    clearance_trucks_per_day: "
                                              "{value: 0, source: 'customs data'}\n")))
    assert zero[0].message == "must be greater than 0, got 0"
    huge = issues_of(tiny_variant(("t_per_year: {value: 36525, unit: t/yr}",
                                   "t_per_year: {value: 3.3e+30, unit: t/yr}")))
    assert huge[0].hint is not None and "implausibly large" in huge[0].hint


def test_all_problems_are_collected_in_one_error(tiny_variant) -> None:
    text = tiny_variant(("{formal: 1.0,", "{formal: 0.9,"),
                        ("    to: border\n", "    to: bordr\n"),
                        (ROUTE, "path: [border, border, market_x]"))
    paths = {i.path for i in issues_of(text)}
    assert {("sites", "mine_a", "offtake", "copper"), ("lanes", "mine_border", "to"),
            ("channels", "formal", "routes", "direct", "path")} <= paths


def test_report_format(tiny_variant) -> None:
    text = tiny_variant(("horizon_days:", "horizon_dayz:"))
    with pytest.raises(ScenarioError) as exc:
        scenario_from_yaml(text, FILE)
    line = line_of(text, "horizon_dayz")
    assert exc.value.report() == (
        "1 problem in scenario input:\n"
        f"  {FILE}:{line}:1: horizon_dayz: unknown field 'horizon_dayz'\n"
        "      hint: did you mean 'horizon_days'?")
    assert str(exc.value) == exc.value.report()


# ----------------------------------------------------------------------------- files
@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    (issue,) = exc.value.issues
    assert issue.message == "file is empty"
    assert issue.file == str(path)
    assert "name, start" in issue.hint


def test_non_utf8_bytes(tmp_path: Path, tiny_text: str) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(tiny_text.replace("title: Tiny", "title: Tin\xff").encode("latin-1"))
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    (issue,) = exc.value.issues
    assert "not valid UTF-8" in issue.message and "0xff" in issue.message
    assert issue.line == line_of(tiny_text, "title: Tiny")
    assert "UTF-8" in issue.hint


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tmp_path / "nope.yaml")
    assert exc.value.issues[0].message == "file not found"


def test_top_level_list(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- name: x\n- name: y\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    assert "top level must be a mapping" in exc.value.issues[0].message


def test_two_documents(tiny_text: str) -> None:
    text = tiny_text + "---\nname: second\n"
    (issue,) = issues_of(text)
    assert "more than one YAML document" in issue.message
    assert issue.line == line_of(text, "---")


def test_python_tags_are_refused(tiny_variant) -> None:
    text = tiny_variant(("title: Tiny deterministic chain", "title: !!python/name:os.system"))
    (issue,) = issues_of(text)
    assert "cannot read value" in issue.message
    assert "!!python are refused" in issue.hint
    assert issue.path == ("title",)
    assert issue.line == line_of(text, "title:")


def test_python_tags_on_collections_are_refused(tiny_variant) -> None:
    text = tiny_variant(("  away: {country: CHN}",
                         "  away: !!python/object:types.SimpleNamespace {country: CHN}"))
    with pytest.raises(ScenarioError) as exc:
        scenario_from_yaml(text, FILE)
    assert "cannot read value" in exc.value.issues[0].message


def test_alias_bomb_is_refused() -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcde", "bcdef", strict=True):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    (issue,) = issues_of("\n".join(levels) + "\n")
    assert "expands to more than 200,000 values" in issue.message
    assert "aliases" in issue.hint


def test_deep_nesting_is_refused() -> None:
    (issue,) = issues_of("name: " + "[" * 60 + "]" * 60 + "\n")
    assert "nesting is too deep" in issue.message


UNUSED_ROUTE = (
    ("lanes:\n", "  market_y:\n    kind: market\n    region: away\n"
                 "    location: {lat: 1, lon: 2}\n    demand_t_per_year: {copper: 100}\n"
                 "lanes:\n  border_y: {from: border, to: market_y, mode: road, "
                 "transit_days: 2}\n"),
    ("      direct: {path: [border, market_x]}",
     "      direct: {path: [border, market_x]}\n  informal:\n    routes:\n"
     "      smuggle: {path: [border, market_y]}"),
)


def test_market_fed_only_by_an_unused_route_is_unreachable(tiny_variant) -> None:
    text = tiny_variant(*UNUSED_ROUTE)
    issue = issue_at(issues_of(text), ("sites", "market_y", "demand_t_per_year", "copper"))
    assert "no planned flow reaches it" in issue.message


@pytest.mark.parametrize(("edit", "path", "hint"), [
    (("horizon_days: {value: 100,", "horizon_days: {value: -5,"), ("horizon_days",),
     "horizon_days: days simulated after start; or give end"),
    (("clearance_trucks_per_day: {value: 100,", "clearance_trucks_per_day: {value: lots,"),
     ("sites", "border", "clearance_trucks_per_day"),
     "clearance_trucks_per_day: trucks the post clears per day"),
])
def test_a_value_of_the_wrong_type_or_size_is_told_what_the_field_holds(
        tiny_variant, edit: tuple[str, str], path: tuple, hint: str) -> None:
    # without a more specific hint, the field's schema description says what belongs there
    issue = issue_at(issues_of(tiny_variant(edit)), path)
    assert issue.hint is not None and hint in issue.hint


def test_a_unit_of_the_wrong_kind_is_told_the_fields_unit(tiny_variant) -> None:
    text = tiny_variant(("transit_days: {value: 3, assumption: test input}",
                         "transit_days: {value: 3, unit: kt, assumption: test input}"))
    issue = issue_at(issues_of(text), ("lanes", "mine_border", "transit_days"))
    assert "unit 'kt' cannot be converted to 'day'" in issue.message
    assert issue.hint == ("this field is in day: give the number in day, or with a unit of "
                          "the same kind (week, month, yr)")
