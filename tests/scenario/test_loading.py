"""Loading scenarios: the example file, ``extends``, ``--set`` overrides, units, citations."""

from __future__ import annotations

from pathlib import Path

import pytest
from scenario_helpers import only_issue, write

from sim.distributions import Fixed, Triangular, Uniform
from sim.scenario import (
    ScenarioError,
    load_scenario,
    meta_of,
    scenario_from_dict,
    scenario_from_yaml,
)
from sim.units import TROY_OUNCE_T, UnitError, convert, is_known

ROOT = Path(__file__).resolve().parents[2]


REGIME = """\
shocks:
  regimes:
    east:
      targets: {sites: [border]}
      states: {calm: {}, occupied: {effects: {capacity_factor: 0.5}}}
      rates_per_year: {calm: {occupied: 2}, occupied: {calm: 4}}
"""


# ----------------------------------------------------------------------------- tiny.yaml
def test_tiny_loads_with_its_values(tiny_path: Path) -> None:
    sc = load_scenario(tiny_path)
    assert sc.name == "tiny"
    assert sc.horizon == 100.0
    assert sc.warmup_days == 0.0
    assert list(sc.sites) == ["mine_a", "border", "market_x"]
    assert [s.kind for s in sc.sites.values()] == ["mine", "border_post", "market"]
    assert sc.sites["mine_a"].output["copper"].t_per_year == 36525.0
    assert sc.sites["border"].clearance_trucks_per_day == 100.0
    assert sc.sites["border"].servers == 1
    assert sc.lanes["mine_border"].from_ == "mine_a"
    assert sc.lanes["mine_border"].transit_days == Fixed(value=3.0)
    assert sc.lanes["border_market"].transit_days.mean() == 10.0
    assert sc.country_of("market_x") == "CHN"
    meta = meta_of(sc)
    assert meta.files == [str(tiny_path)]
    assert meta.overrides == []


def test_tiny_from_yaml_text_equals_file(tiny_path: Path, tiny_text: str) -> None:
    from_text = scenario_from_yaml(tiny_text, "tiny.yaml")
    assert from_text.model_dump() == load_scenario(tiny_path).model_dump()


def test_tiny_every_number_is_cited(tiny_path: Path) -> None:
    meta = meta_of(load_scenario(tiny_path))
    assert meta.provenance.uncited == []
    cit = meta.provenance.for_path(("sites", "border", "clearance_trucks_per_day"))
    assert cit is not None
    assert cit.assumption == "test input"
    assert cit.file == str(tiny_path)
    assert cit.line is not None


# ----------------------------------------------------------------------------- extends
@pytest.fixture
def family(tmp_path: Path, tiny_text: str) -> Path:
    """tmp/base/tiny.yaml and a child in tmp/child/ extending it by a relative path."""
    write(tmp_path / "base" / "tiny.yaml", tiny_text)
    return write(tmp_path / "child" / "child.yaml", """\
extends: ../base/tiny.yaml
name: child
title: null
horizon_days: 40
sites:
  border:
    servers: 2
    clearance_trucks_per_day: {value: 50}
  market_x:
    initial_stock_t: null
lanes:
  border_market:
    transit_days: {value: 7}
""")


def test_extends_child_overrides_parent(family: Path) -> None:
    sc = load_scenario(family)
    assert sc.name == "child"
    assert sc.horizon == 40.0
    # mappings merge key by key: the border keeps its region and location ...
    border = sc.sites["border"]
    assert border.servers == 2
    assert border.region == "home"
    assert border.location.lat == -12.0
    # ... but a {value: ...} mapping is one value: it replaces the parent's whole, with its
    # citation, so the child's uncited 50 and 7 are not passed off as the parent's
    assert border.clearance_trucks_per_day == 50.0
    assert sc.lanes["border_market"].transit_days.mean() == 7.0
    assert sc.lanes["mine_border"].transit_days.mean() == 3.0  # untouched sibling
    meta = meta_of(sc)
    assert meta.provenance.for_path(("lanes", "border_market", "transit_days")) is None
    assert meta.provenance.for_path(("lanes", "mine_border", "transit_days")).assumption \
        == "test input"
    assert dict(meta.provenance.uncited) == {
        ("horizon_days",): 40,
        ("sites", "border", "clearance_trucks_per_day", "value"): 50,
        ("lanes", "border_market", "transit_days", "value"): 7,
        ("sites", "border", "servers"): 2}
    assert [Path(f).name for f in meta.files] == ["child.yaml", "tiny.yaml"]


MT_TINY = ("t_per_year: {value: 36525, unit: t/yr}",
           "t_per_year: {value: 3.3, unit: Mt/yr, source: 'Annual report 2023, p. 4'}")
T_PER_YEAR = ("sites", "mine_a", "output", "copper", "t_per_year")


def child_of_mt_tiny(tmp_path: Path, tiny_variant, t_per_year: str) -> Path:
    """A child of tiny.yaml (whose copper output is written in Mt/yr, with a source) that
    sets the output to ``t_per_year``."""
    write(tmp_path / "mt.yaml", tiny_variant(MT_TINY))
    return write(tmp_path / "child.yaml", "extends: mt.yaml\nname: child\nsites:\n  mine_a:\n"
                 f"    output:\n      copper: {{t_per_year: {t_per_year}}}\n")


def test_extends_value_replaces_the_parent_unit_and_citation(tmp_path: Path,
                                                             tiny_variant) -> None:
    # found by review: the child's {value: ...} was merged into the parent's
    # {value: 3.3, unit: Mt/yr, source: ...}, so 36525 t/yr became 36525 Mt/yr, cited by
    # the parent's annual report
    child = child_of_mt_tiny(tmp_path, tiny_variant,
                             "{value: 36525, source: 'Survey 2024'}")
    sc = load_scenario(child)
    assert sc.sites["mine_a"].output["copper"].t_per_year == 36525.0  # t/yr, the field's unit
    doc = meta_of(sc).document["sites"]["mine_a"]["output"]["copper"]["t_per_year"]
    assert doc == {"value": 36525, "source": "Survey 2024"}  # the child's own keys only
    assert meta_of(sc).provenance.for_path(T_PER_YEAR).source == "Survey 2024"


def test_extends_uncited_value_does_not_borrow_the_parent_citation(tmp_path: Path,
                                                                    tiny_variant) -> None:
    child = child_of_mt_tiny(tmp_path, tiny_variant, "{value: 36525}")
    meta = meta_of(load_scenario(child))
    assert meta.provenance.citations.get(T_PER_YEAR) is None
    # nor that of the mapping around it (copper's 'assumption: test input', written in the
    # parent), which never gave the child's number
    assert meta.provenance.for_path(T_PER_YEAR) is None
    assert dict(meta.provenance.uncited) == {(*T_PER_YEAR, "value"): 36525}


def test_extends_uncited_value_fails_require_citations(tmp_path: Path, tiny_text: str,
                                                       monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    from click.testing import CliRunner

    from sim.cli import main

    write(tmp_path / "tiny.yaml", tiny_text)
    write(tmp_path / "child.yaml", "extends: tiny.yaml\nname: child\n"
          "lanes:\n  mine_border:\n    transit_days: {value: 5}\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "--require-citations", "child.yaml"])
    assert result.exit_code == 2, result.output
    assert "lanes.mine_border.transit_days.value = 5" in result.output


def test_extends_distribution_replaces_the_parent_unit_and_citation(tmp_path: Path,
                                                                    tiny_variant) -> None:
    write(tmp_path / "weeks.yaml", tiny_variant((
        "transit_days: {value: 10, assumption: test input}",
        "transit_days: {dist: triangular, low: 1, mode: 2, high: 3, unit: weeks, "
        "source: 'Road survey'}")))
    child = write(tmp_path / "child.yaml", "extends: weeks.yaml\nname: child\n"
                                           "lanes:\n  border_market:\n"
                  "    transit_days: {dist: triangular, low: 8, mode: 10, high: 15}\n")
    sc = load_scenario(child)
    assert sc.lanes["border_market"].transit_days == Triangular(
        dist="triangular", low=8, mode=10, high=15)  # days, not weeks
    assert meta_of(sc).provenance.for_path(("lanes", "border_market", "transit_days")) is None


def test_extends_null_deletes_inherited_key(family: Path) -> None:
    sc = load_scenario(family)
    assert sc.title == ""  # deleted, so the schema default applies
    assert sc.sites["market_x"].initial_stock_t == {}
    assert "initial_stock_t" not in meta_of(sc).document["sites"]["market_x"]


def test_extends_path_is_relative_to_the_file_not_the_cwd(family: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    elsewhere = tmp_path / "elsewhere" / "deeper"
    elsewhere.mkdir(parents=True)
    monkeypatch.chdir(elsewhere)
    assert load_scenario(Path("../../child/child.yaml")).name == "child"


def test_extends_chain_of_three(family: Path, tmp_path: Path) -> None:
    grandchild = write(tmp_path / "gc.yaml",
                       "extends: child/child.yaml\nname: grandchild\nhorizon_days: 30\n")
    sc = load_scenario(grandchild)
    assert (sc.name, sc.horizon, sc.sites["border"].servers) == ("grandchild", 30.0, 2)
    assert [Path(f).name for f in meta_of(sc).files] == ["gc.yaml", "child.yaml", "tiny.yaml"]


def test_extends_two_parents_keep_both_sets_of_changes(family: Path, tmp_path: Path) -> None:
    # Both parents extend tiny.yaml. Each file is applied once, so the second parent's copy
    # of tiny.yaml does not undo the first parent's change to the border (servers: 2).
    other = write(tmp_path / "other" / "other.yaml",
                  "extends: ../base/tiny.yaml\nname: other\nhorizon_days: 20\n")
    both = write(tmp_path / "both.yaml",
                 "extends: [child/child.yaml, other/other.yaml]\nname: both\n")
    sc = load_scenario(both)
    assert sc.sites["border"].servers == 2  # from child.yaml
    assert sc.horizon == 20.0  # other.yaml is later: its own value wins
    assert [Path(f).name for f in meta_of(sc).files] == ["both.yaml", "other.yaml",
                                                         "child.yaml", "tiny.yaml"]


def test_extends_cycle_is_detected(tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", "extends: b.yaml\nname: a\n")
    b = write(tmp_path / "b.yaml", "# b extends a, which extends b\nextends: a.yaml\nname: b\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tmp_path / "a.yaml")
    issue = only_issue(exc)
    assert "extends cycle" in issue.message
    assert "a.yaml" in issue.message
    assert issue.path == ("extends",)
    assert issue.file == str(b)
    assert issue.line == 2
    assert "cannot extend itself" in issue.hint
    assert "Traceback" not in exc.value.report()


def test_extends_itself_is_a_cycle(tmp_path: Path) -> None:
    me = write(tmp_path / "me.yaml", "extends: ./me.yaml\nname: me\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(me)
    assert "extends cycle" in only_issue(exc).message


def test_extends_missing_parent(tmp_path: Path) -> None:
    child = write(tmp_path / "c.yaml", "name: c\nextends: nowhere.yaml\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(child)
    issue = only_issue(exc)
    assert "not found" in issue.message and "nowhere.yaml" in issue.message
    assert (issue.path, issue.line) == (("extends",), 2)
    assert "relative to the file" in issue.hint


def test_extends_not_allowed_in_yaml_text(tiny_text: str) -> None:
    with pytest.raises(ScenarioError) as exc:
        scenario_from_yaml("extends: other.yaml\n" + tiny_text, "x.yaml")
    assert any(i.path == ("extends",) for i in exc.value.issues)


def test_errors_in_a_parent_point_at_the_parent_file(tmp_path: Path, tiny_text: str) -> None:
    parent = write(tmp_path / "p.yaml", tiny_text.replace(
        "    clearance_trucks_per_day:", "    servrs: 2\n    clearance_trucks_per_day:"))
    child = write(tmp_path / "c.yaml", "extends: p.yaml\nname: c\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(child)
    issue = only_issue(exc)
    assert issue.path == ("sites", "border", "servrs")
    assert issue.file == str(parent)
    assert issue.line == parent.read_text().splitlines().index("    servrs: 2") + 1


# ----------------------------------------------------------------------------- --set
def test_set_number(tiny_path: Path) -> None:
    sc = load_scenario(tiny_path, ["horizon_days=30"])
    assert sc.horizon == 30.0
    meta = meta_of(sc)
    assert meta.overrides == ["horizon_days=30"]
    # the cited mapping keeps its shape; its citation becomes the override
    assert meta.document["horizon_days"] == {"value": 30,
                                             "assumption": "override: --set horizon_days=30"}
    assert meta.provenance.for_path(("horizon_days",)).assumption == \
        "override: --set horizon_days=30"


def test_set_nested_paths_and_text(tiny_path: Path) -> None:
    sc = load_scenario(tiny_path, ["sites.border.servers=3", "lanes.mine_border.mode=rail",
                                   "title=Changed title"])
    assert sc.sites["border"].servers == 3
    assert sc.lanes["mine_border"].mode == "rail"
    assert sc.title == "Changed title"
    assert sc.sites["border"].clearance_trucks_per_day == 100.0  # siblings untouched


def test_set_number_replaces_a_quantity_with_its_unit_and_citation(tmp_path: Path,
                                                                     tiny_variant) -> None:
    # found by review: --set commodities.gold.reference_price_usd_per_t=77000000 over
    # {value: ..., unit: usd/oz} gave 2.5e12 USD/t: the number was read in the old unit
    path = write(tmp_path / "mt.yaml", tiny_variant(MT_TINY))
    assert load_scenario(path).sites["mine_a"].output["copper"].t_per_year == \
        pytest.approx(3.3e6)
    key = "sites.mine_a.output.copper.t_per_year"
    sc = load_scenario(path, [f"{key}=4"])
    # a bare number is in the field's unit (t/yr), as everywhere else
    assert sc.sites["mine_a"].output["copper"].t_per_year == 4.0
    doc = meta_of(sc).document["sites"]["mine_a"]["output"]["copper"]["t_per_year"]
    assert doc == {"value": 4, "assumption": f"override: --set {key}=4"}
    cit = meta_of(sc).provenance.for_path(T_PER_YEAR)
    assert cit.source is None and cit.assumption == f"override: --set {key}=4"
    # a unit is given with the value, as in a file
    sc = load_scenario(path, [f"{key}={{value: 4, unit: Mt/yr}}"])
    assert sc.sites["mine_a"].output["copper"].t_per_year == pytest.approx(4e6)
    # the file itself is not changed
    assert "source: 'Annual report 2023, p. 4'" in path.read_text()


def test_set_number_replaces_a_distribution_with_its_unit(tiny_variant, tmp_path: Path) -> None:
    path = write(tmp_path / "weeks.yaml", tiny_variant((
        "transit_days: {value: 10, assumption: test input}",
        "transit_days: {dist: uniform, low: 1, high: 2, unit: weeks}")))
    sc = load_scenario(path, ["lanes.border_market.transit_days=9"])
    assert sc.lanes["border_market"].transit_days == Fixed(value=9.0)


def test_set_value_is_read_as_yaml(tiny_path: Path) -> None:
    sc = load_scenario(tiny_path, [
        "lanes.mine_border.transit_days={dist: uniform, low: 2, high: 4}",
        "sites.mine_a.variability={dist: triangular, low: 0.5, mode: 1, high: 1.5}"])
    assert sc.lanes["mine_border"].transit_days == Uniform(dist="uniform", low=2, high=4)
    assert sc.sites["mine_a"].variability.mean() == pytest.approx(1.0)


def test_set_applies_to_scenario_from_dict(tiny_path: Path) -> None:
    data = meta_of(load_scenario(tiny_path)).document
    sc = scenario_from_dict(data, overrides=["horizon_days=12"])
    assert sc.horizon == 12.0


@pytest.mark.parametrize(("override", "fragment"), [
    ("horizon_days", "expected key.path=value"),
    ("sites..border=1", "empty part"),
    ("title=[unclosed", "not valid YAML"),
    ("horizon_days.value.deeper=1", "is a value, not a mapping"),
    # found by review: read with plain yaml.safe_load, an impossible date was an internal
    # error (exit 1) and a duplicate key was silently dropped
    ("start=2024-02-30", "not valid YAML for a scenario: there is no such date: February 2024 "
                         "has no day 30"),
    ("sites.border.location={lat: 1, lat: 2, lon: 3}", "duplicate key 'lat'"),
    ("horizon_days=!!python/name:os.system", "could not determine a constructor"),
])
def test_set_malformed(tiny_path: Path, override: str, fragment: str) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, [override])
    assert fragment in exc.value.report()
    issue = only_issue(exc)
    assert issue.file == "--set" and issue.message.startswith(f"--set {override!r}: ")


@pytest.mark.parametrize("override", ["start=2024-02-30",
                                      "sites.border.location={lat: 1, lat: 2, lon: 3}"])
def test_set_malformed_exits_2_without_internal_error(tiny_path: Path, override: str) -> None:
    from click.testing import CliRunner

    from sim.cli import main

    result = CliRunner().invoke(main, ["validate", str(tiny_path), "--set", override])
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert f"--set {override!r}" in result.output


def test_set_comment_only_value_is_refused_not_read_as_null(tiny_path: Path) -> None:
    # YAML reads '# nothing' as null, which would silently remove the key (review 78)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, ["title=# nothing"])
    assert "YAML reads the value as empty" in only_issue(exc).message


def test_set_null_removes_the_key(tiny_path: Path) -> None:
    # null removes a key, as in a file that extends another: the field's default applies,
    # and a required field is then missing
    assert load_scenario(tiny_path, ["title=null"]).title == ""
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, ["name=~"])
    assert only_issue(exc).message == "missing required field 'name'"


def test_set_null_removes_a_mapping_of_shocks(tmp_path: Path) -> None:
    base = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    assert base.shocks.incidents
    gone = load_scenario(ROOT / "scenarios" / "baseline.yaml", ["shocks.incidents=null"])
    assert gone.shocks.incidents == {}
    one = next(iter(base.shocks.incidents))
    fewer = load_scenario(ROOT / "scenarios" / "baseline.yaml", [f"shocks.incidents.{one}=null"])
    assert set(fewer.shocks.incidents) == set(base.shocks.incidents) - {one}


def test_set_unknown_key_says_did_you_mean(tiny_path: Path) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, ["sites.border.servres=2"])
    issue = only_issue(exc)
    assert issue.path == ("sites", "border", "servres")
    assert issue.message == "unknown field 'servres'"
    assert issue.hint == "did you mean 'servers'?"
    assert issue.file == "--set sites.border.servres=2"


@pytest.mark.parametrize(("override", "path", "message", "hint"), [
    # found by review: reported as "tiny.yaml:16:1: sites.bordr: missing 'kind'"
    ("sites.bordr.clearance_trucks_per_day=5", ("sites", "bordr"), "unknown site 'bordr'",
     "did you mean 'border'?"),
    ("lanes.mine_bordr.mode=rail", ("lanes", "mine_bordr"), "unknown lane 'mine_bordr'",
     "did you mean 'mine_border'?"),
    ("channels.formal.routes.drect.share=1", ("channels", "formal", "routes", "drect"),
     "unknown route 'drect'", "did you mean 'direct'?"),
    ("channels.formul.routes.direct.share=1", ("channels", "formul"),
     "unknown channel 'formul'", "did you mean 'formal'?"),
    ("shocks.events.x.start=5", ("shocks", "events", "x"), "unknown event 'x'",
     "no events are defined."),
    ("policies.export_bans.ban.start=5", ("policies", "export_bans", "ban"),
     "unknown export ban 'ban'", "no export bans are defined."),
])
def test_set_into_an_unknown_id_names_it_at_the_set(tiny_path: Path, override: str,
                                                    path: tuple, message: str,
                                                    hint: str) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, [override])
    issue = only_issue(exc)
    assert (issue.path, issue.message, issue.file) == (path, message, f"--set {override}")
    assert issue.hint.startswith(hint)
    assert "is given whole: --set" in issue.hint


def test_set_into_an_unknown_regime_state(tmp_path: Path, tiny_text: str) -> None:
    path = write(tmp_path / "r.yaml", tiny_text + REGIME)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path, ["shocks.regimes.east.states.ocupied.effects.seize_share=0.5"])
    issue = only_issue(exc)
    assert issue.message == "unknown state 'ocupied'"
    assert issue.hint.startswith("did you mean 'occupied'?")


def test_set_may_add_a_new_id_whole_and_then_change_it(tiny_path: Path) -> None:
    sc = load_scenario(tiny_path, [
        "sites.junction_a={kind: junction, region: home, location: {lat: 0, lon: 0}}",
        "sites.junction_a.location.lat=1",
        "shocks.events.strike={start: 5, duration_days: 3, targets: {sites: [border]}, "
        "effects: {capacity_factor: 0}}",
        "sites.mine_a.offtake.copper.formal=1"])  # a new key at the end of a path is fine
    assert sc.sites["junction_a"].location.lat == 1.0
    assert sc.shocks.events["strike"].start == 5.0


@pytest.mark.parametrize(("override", "path"), [
    # the file's lines under a replaced value no longer locate errors in it
    ("sites.border.location={lat: 100, lon: 3}", ("sites", "border", "location", "lat")),
    # nor do the lines of the mapping a created key sits in
    ("lanes.mine_border.sailing.vessel_t=5",
     ("lanes", "mine_border", "sailing", "interval_days")),
])
def test_set_errors_in_what_it_wrote_point_at_the_set(tiny_path: Path, override: str,
                                                      path: tuple[str, ...]) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, [override])
    issue = only_issue(exc)
    assert issue.path == path
    assert (issue.file, issue.line) == (f"--set {override}", None)


def test_end_far_away_is_bounded_like_horizon_days(tiny_path: Path) -> None:
    # found by review: horizon_days=2913174 was refused, end=9999-12-31 gave 2.9 million days
    with pytest.raises(ScenarioError) as exc:
        load_scenario(tiny_path, ["horizon_days=null", "end=9999-12-31"])
    issue = only_issue(exc)
    assert issue.path == ("end",)
    assert "2,913,174 days from start 2024-01-01" in issue.message
    assert "shorter than 1,000,000 days" in issue.message
    assert issue.file == "--set end=9999-12-31"
    # the same bound as horizon_days: 999,999 days is the longest run either way
    last = "4761-11-26"  # 2024-01-01 + 999,998 days, the last day of a 999,999-day run
    assert load_scenario(tiny_path, ["horizon_days=null", f"end={last}"]).horizon == 999_999
    assert load_scenario(tiny_path, ["horizon_days=999999"]).horizon == 999_999
    with pytest.raises(ScenarioError, match="must be less than 1000000"):
        load_scenario(tiny_path, ["horizon_days=1000000"])
    with pytest.raises(ScenarioError, match="shorter than 1,000,000 days"):
        load_scenario(tiny_path, ["horizon_days=null", "end=4761-11-27"])


# ----------------------------------------------------------------------------- units
def t_per_year_as(tiny_variant, quantity: str) -> float:
    text = tiny_variant(("t_per_year: {value: 36525, unit: t/yr}", f"t_per_year: {quantity}"))
    return scenario_from_yaml(text, "u.yaml").sites["mine_a"].output["copper"].t_per_year


@pytest.mark.parametrize(("quantity", "tonnes_per_year"), [
    ("{value: 3.3, unit: Mt/yr}", 3.3e6),
    ("{value: 250, unit: kt/yr}", 250e3),
    ("{value: 686000, unit: oz/yr}", 686000 * 31.1034768e-6),
    ("{value: 100, unit: t/day}", 36525.0),
    ("{value: 100, unit: t per day}", 36525.0),
    ("{value: 2, unit: t/week}", 2 / 7 * 365.25),
    ("{value: 1000, unit: kg/yr}", 1.0),
    ("{value: 5000}", 5000.0),
    ("5000", 5000.0),
])
def test_units_convert_to_tonnes_per_year(tiny_variant, quantity: str,
                                          tonnes_per_year: float) -> None:
    assert t_per_year_as(tiny_variant, quantity) == pytest.approx(tonnes_per_year, rel=1e-12)


@pytest.mark.parametrize(("quantity", "fragment"), [
    ("{value: 3, unit: days}", "cannot be converted to 't/yr' (different dimensions)"),
    ("{value: 3, unit: t}", "different dimensions"),
    ("{value: 3, unit: mt/yr}", "'mt' is ambiguous"),
    ("{value: 3, unit: MT/yr}", "'mt' is ambiguous"),
    ("{value: 3, unit: furlongs/yr}", "unknown unit 'furlongs'"),
    ("{value: 3, unit: t/yr/day}", "more than one '/'"),
    ("{value: 3, unit: t/yr, scale: 2}", "unexpected keys: scale"),
    ("{value: three, unit: t/yr}", "value must be a number"),
])
def test_bad_units_are_errors_at_the_field(tiny_variant, quantity: str, fragment: str
                                           ) -> None:
    with pytest.raises(ScenarioError) as exc:
        t_per_year_as(tiny_variant, quantity)
    issue = only_issue(exc)
    assert issue.path == ("sites", "mine_a", "output", "copper", "t_per_year")
    assert fragment in issue.message
    assert issue.line == 22


def test_durations_and_distributions_take_units(tiny_variant) -> None:
    text = tiny_variant(
        ("transit_days: {value: 3, assumption: test input}",
         "transit_days: {value: 36, unit: hours}"),
        ("transit_days: {value: 10, assumption: test input}",
         "transit_days: {dist: triangular, low: 1, mode: 2, high: 3, unit: weeks}"))
    sc = scenario_from_yaml(text, "u.yaml")
    assert sc.lanes["mine_border"].transit_days == Fixed(value=1.5)
    assert sc.lanes["border_market"].transit_days == Triangular(
        dist="triangular", low=7, mode=14, high=21)


def test_convert_directly() -> None:
    assert convert(1, "Mt/yr", "t/day") == pytest.approx(1e6 / 365.25)
    assert convert(1, "oz", "t") == TROY_OUNCE_T
    assert convert(12, "months", "day") == pytest.approx(365.25)
    assert convert(50, "%", "1") == 0.5
    assert is_known("trucks/day") and not is_known("mt") and not is_known("")
    with pytest.raises(UnitError, match="ambiguous"):
        convert(1, "mt", "t")
    with pytest.raises(UnitError, match="different dimensions"):
        convert(1, "day", "t")


def test_scientific_notation_in_a_duration_with_unit_is_converted(tiny_variant) -> None:
    text = tiny_variant(("transit_days: {value: 3, assumption: test input}",
                         "transit_days: {dist: uniform, low: 1e0, high: 2, unit: weeks}"))
    sc = scenario_from_yaml(text, "u.yaml")
    assert sc.lanes["mine_border"].transit_days == Uniform(dist="uniform", low=7, high=14)


def test_scientific_notation_in_a_quantity_with_unit_is_accepted(tiny_variant) -> None:
    assert t_per_year_as(tiny_variant, "3.3e6") == 3.3e6  # accepted bare ...
    assert t_per_year_as(tiny_variant, "{value: 3.3e6, unit: t/yr}") == 3.3e6  # ... not here


# ----------------------------------------------------------------------------- citations
def uncited_of(text: str) -> dict[tuple, object]:
    return dict(meta_of(scenario_from_yaml(text, "c.yaml")).provenance.uncited)


def test_uncited_numbers_are_listed(tiny_variant) -> None:
    text = tiny_variant(
        ("    clearance_trucks_per_day: {value: 100, assumption: test input}",
         "    clearance_trucks_per_day: 100\n    servers: 2"),
        ("    location: {lat: -12.0, lon: 28.0, assumption: test input}",
         "    location: {lat: -12.0, lon: 28.0}"))
    assert uncited_of(text) == {
        ("sites", "border", "clearance_trucks_per_day"): 100,
        ("sites", "border", "servers"): 2,
        ("sites", "border", "location", "lat"): -12.0,
        ("sites", "border", "location", "lon"): 28.0,
    }


def test_quantity_mapping_inherits_the_citation_of_its_parent(tiny_variant) -> None:
    # t_per_year: {value: 36525, unit: t/yr} sits in a mapping cited by 'assumption'
    assert uncited_of(tiny_variant()) == {}
    text = tiny_variant(("t_per_year: {value: 36525, unit: t/yr}, assumption: test input}",
                         "t_per_year: {value: 36525, unit: t/yr}}"))
    assert uncited_of(text) == {("sites", "mine_a", "output", "copper", "t_per_year",
                                 "value"): 36525}


def test_distribution_mapping_inherits_the_citation_of_its_parent(tiny_variant) -> None:
    dist = "{dist: triangular, low: 2, mode: 3, high: 5}"
    cited = tiny_variant(("    transit_days: {value: 3, assumption: test input}",
                          f"    transit_days: {dist}\n    source: 'Road survey 2022'"))
    assert uncited_of(cited) == {}
    sc = scenario_from_yaml(cited, "c.yaml")
    assert meta_of(sc).provenance.for_path(("lanes", "mine_border", "transit_days", "low")
                                           ).source == "Road survey 2022"
    uncited = tiny_variant(("    transit_days: {value: 3, assumption: test input}",
                            f"    transit_days: {dist}"))
    assert uncited_of(uncited) == {
        ("lanes", "mine_border", "transit_days", key): v
        for key, v in (("low", 2), ("mode", 3), ("high", 5))}


def test_plain_nested_mapping_does_not_inherit(tiny_variant) -> None:
    # a site-level source covers the site's own numbers, not those of its location mapping
    text = tiny_variant(
        ("    location: {lat: -12.0, lon: 28.0, assumption: test input}",
         "    location: {lat: -12.0, lon: 28.0}\n    source: 'Border authority'"))
    assert set(uncited_of(text)) == {("sites", "border", "location", "lat"),
                                     ("sites", "border", "location", "lon")}


def test_citation_keys_are_not_fields(tiny_variant) -> None:
    text = tiny_variant(("    clearance_trucks_per_day: {value: 100, assumption: test input}",
                         "    clearance_trucks_per_day: {value: 100, source: [a, b], "
                         "note: checked}"))
    sc = scenario_from_yaml(text, "c.yaml")
    cit = meta_of(sc).provenance.citations[("sites", "border", "clearance_trucks_per_day")]
    assert (cit.source, cit.note, cit.assumption) == ("a; b", "checked", None)
    assert cit.line == 29


def test_yaml_merge_keys_may_be_overridden(tiny_variant) -> None:
    text = tiny_variant(
        ("  border:\n    kind: border_post\n", "  border: &post\n    kind: border_post\n"),
        ("lanes:\n", "  border_two:\n    <<: *post\n    servers: 3\n"
                     "    clearance_trucks_per_day: 40\nlanes:\n"))
    sc = scenario_from_yaml(text, "m.yaml")
    two, one = sc.sites["border_two"], sc.sites["border"]
    assert (two.kind, two.region, two.location) == (one.kind, one.region, one.location)
    assert (two.servers, two.clearance_trucks_per_day) == (3, 40.0)
    assert (one.servers, one.clearance_trucks_per_day) == (1, 100.0)
    # explicit keys are still checked for duplicates
    with pytest.raises(ScenarioError, match="duplicate key 'servers'"):
        scenario_from_yaml(text.replace("    servers: 3\n", "    servers: 3\n    servers: 4\n"),
                           "m.yaml")
