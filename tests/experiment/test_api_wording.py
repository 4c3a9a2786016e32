"""What the Python API says names its own arguments, and the command line keeps its options;
notes on policies that cannot act reach every command and the Python API; acronyms in
hints keep their capitals.

The checks of sim.run, sim.compare and sim.sweep are shared with the command line, whose
messages name options (--seed, -n, --param, --force, --set). A Python caller gave
arguments (seed=, samples=, params=, force=True, overrides=[...]): the review found
``--seed: expected ...`` from sim.sweep beside ``seed: expected ...`` from sim.run, an
``:int`` to end for a range given as a tuple, and "pass --force" from sim.compare.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from expt_helpers import TINY

import sim
from sim.cli import main
from sim.experiment.errors import ExperimentError
from sim.output.folder import FolderError
from sim.scenario import ScenarioError
from sim.scenario.loader import meta_of

IDLE = ("export control 'idle' changes nothing in this network: no refiner in COD sells "
        "copper to market_x")


def cli(*args: object) -> Any:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def tiny() -> sim.Scenario:
    return sim.load_scenario(TINY)


@pytest.fixture(scope="module")
def idle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tiny.yaml with an export control no sale crosses (tiny.yaml has no refiner)."""
    path = tmp_path_factory.mktemp("idle") / "idle.yaml"
    path.write_text(f"extends: {TINY}\nname: tiny_idle\npolicies:\n  export_controls:\n"
                    "    idle: {country: COD, commodity: copper, markets: [market_x], "
                    "start: 10, cap_t_per_year: 0}\n", encoding="utf-8")
    return path


def no_options(text: str) -> None:
    for option in ("--seed", "--set", "--param", "--force", "--resume", "--design",
                   "--target-ci", "--metric", "--max-replications", "--out", "-n "):
        assert option not in text, text


# --- A: errors name the Python arguments -------------------------------------------------


@pytest.mark.parametrize("call", [
    lambda sc: sim.run(sc, 1, seed=-1),
    lambda sc: sim.compare([sc, sc], 1, seed=-1),
    lambda sc: sim.sweep(sc, {"horizon_days": (5, 10, "int")}, samples=2, seed=-1),
    lambda sc: sim.run_comparison([sc, sc], 1, seed=-1),
    lambda sc: sim.run_sweep(sc, ["horizon_days=5:10:int"], samples=2, seed=-1),
])
def test_a_bad_seed_is_named_alike_by_every_call(tiny: sim.Scenario, call: Any) -> None:
    with pytest.raises(ExperimentError) as info:
        call(tiny)
    assert str(info.value).startswith("seed: expected a non-negative integer, got -1")
    assert info.value.what == "seed"


def test_a_precision_target_names_target_ci_and_metrics(tiny: sim.Scenario) -> None:
    with pytest.raises(ExperimentError) as info:
        sim.compare([tiny, tiny], 2, target_ci=0.1)
    assert info.value.what == "target_ci"
    assert info.value.message == "target_ci needs at least one KPI in metrics to measure"
    assert info.value.hint == "for example target_ci=0.02, metrics=['delivered_t']"
    with pytest.raises(ExperimentError) as info:
        sim.compare([tiny, tiny], 2, target_ci=0.1, metrics=["delivered_t"],
                    max_replications=1)
    assert str(info.value) == "max_replications: expected at least 2"


def test_a_sample_needing_whole_numbers_is_told_the_form_it_was_given(tiny: sim.Scenario
                                                                      ) -> None:
    # "end the --param with :int (KEY.PATH=LOW:HIGH:int)" for a tuple, which has no end
    with pytest.raises(ExperimentError) as info:
        sim.sweep(tiny, {"horizon_days": (5, 10)}, samples=2)
    assert info.value.what == "params"
    assert info.value.hint == ("give the range as (low, high, 'int') to draw whole numbers: "
                               "params={'horizon_days': (5, 10, 'int')}")
    no_options(str(info.value))
    with pytest.raises(ExperimentError) as info:
        sim.sweep(tiny, ["horizon_days=5:10"], samples=2)
    assert info.value.hint == ("end the range with :int to draw whole numbers: "
                               "'horizon_days=5:10:int'")
    # and the advice works
    assert len(sim.sweep(tiny, {"horizon_days": (5, 10, "int")}, samples=2)) == 2


@pytest.mark.parametrize(("kwargs", "what", "hint"), [
    ({"design": "sobol", "samples": 3}, "samples", "use samples=2 or samples=4; "),
    ({"design": "grid", "samples": 1}, "samples",
     "use samples=2 or more (levels per parameter), or design='lhs'"),
    ({"design": "lhs", "samples": 2, "overrides": ["horizon_days=50"]}, "overrides",
     "drop the override, or vary another parameter"),
])
def test_sweep_errors_name_its_arguments(tiny: sim.Scenario, kwargs: dict[str, Any], what: str,
                                         hint: str) -> None:
    with pytest.raises(ExperimentError) as info:
        sim.sweep(tiny, {"horizon_days": (20, 30, "int")}, **kwargs)
    assert info.value.what == what
    assert (info.value.hint or "").startswith(hint)
    no_options(str(info.value))


@pytest.mark.parametrize(("rng", "message", "hint"), [
    ((30, 20), "low (30) must be below high (20)", "swap them, or use overrides for a fixed "
                                                   "value"),
    ((20.5, 30, "int"), "an 'int' range needs whole-number ends",
     "round the ends, e.g. (20, 30, 'int')"),
    (("a", 30), "the range ('a', 30) is not two numbers",
     "give two numbers, e.g. {'horizon_days': (30, 40)}, or {'horizon_days': (30, 40, 'int')} "
     "for whole numbers"),
])
def test_a_bad_range_is_told_in_tuples(tiny: sim.Scenario, rng: tuple, message: str,
                                       hint: str) -> None:
    with pytest.raises(ExperimentError) as info:
        sim.sweep(tiny, {"horizon_days": rng}, samples=2)
    assert info.value.what == "params['horizon_days']"
    assert (info.value.message, info.value.hint) == (message, hint)


def test_folder_errors_say_force_true(tiny: sim.Scenario, tmp_path: Path) -> None:
    out = tmp_path / "c"
    sim.compare([tiny, tiny], 1, out=out, figures=False)
    for call in (lambda: sim.compare([tiny, tiny], 1, out=out),
                 lambda: sim.sweep(tiny, {"horizon_days": (20, 30, "int")}, samples=2,
                                   out=out)):
        with pytest.raises(FolderError) as info:
            call()
        assert "force=True" in str(info.value)
        no_options(str(info.value))


def test_scenario_errors_of_overrides_name_overrides() -> None:
    # tiny.yaml gives horizon_days; an end as well is refused at the override
    with pytest.raises(ScenarioError) as info:
        sim.compare([TINY, TINY], 1, overrides=["end=2024-03-01"])
    (issue,) = info.value.issues
    assert issue.file == "override 'end=2024-03-01'"
    assert issue.hint == (f"horizon_days comes from {TINY}; add 'horizon_days=null' to "
                          "overrides to measure by end alone")
    with pytest.raises(ScenarioError) as info:
        sim.run(TINY, 1, overrides=["=5"])
    assert str(info.value) == (
        "1 problem in scenario input:\n  override '=5': empty part in the key path\n"
        "      hint: write overrides=['KEY.PATH=VALUE'], e.g. overrides=['horizon_days=730']")


def test_the_command_line_keeps_its_options(tmp_path: Path) -> None:
    result = cli("sweep", TINY, "--param", "horizon_days=5:10", "-n", 3, "--design", "sobol",
                 "--out", tmp_path / "s")
    assert result.exit_code == 2
    assert "error: -n/--samples: " in result.output and "use -n 2 or -n 4" in result.output
    result = cli("sweep", TINY, "--param", "horizon_days=5:10", "-n", 2, "-w", 1,
                 "--out", tmp_path / "s")
    assert result.exit_code == 2
    assert "end the --param with :int (KEY.PATH=LOW:HIGH:int)" in result.output
    assert "--param horizon_days=" in result.output and "override" not in result.output
    result = cli("compare", TINY, TINY, "-n", 1, "--set", "end=2024-03-01")
    assert result.exit_code == 2
    assert "add --set horizon_days=null to measure by end alone" in result.output


@pytest.mark.parametrize(("text", "command", "python"), [
    # a sim command quoted in a hint does what no Python call does: it stays
    ("finish an interrupted run with sim run ... --resume", "compare",
     "finish an interrupted run with sim run ... --resume"),
    # an option named alone, before a plain word, is not given that word as its value
    ("swap them, or use --set for a fixed value", "sweep",
     "swap them, or use overrides for a fixed value"),
    ("with --set a=1 --set b=2; --seed 5 there, 6 here", "sweep",
     "with overrides=['a=1', 'b=2']; seed=5 there, 6 here"),
    ("resume with -n 6 or more, or pass --force to start again", "run",
     "resume with replications=6 or more, or pass force=True to start again"),
    ("(the same --design, -n and -r)", "sweep", "(the same design, samples and replications)"),
])
def test_python_words(text: str, command: str, python: str) -> None:
    from sim.experiment.errors import python_words

    assert python_words(text, command) == python


# --- B: notes on policies that cannot act ------------------------------------------------


def test_an_idle_policy_is_a_note_of_the_scenario(idle: Path) -> None:
    from sim.scenario import load_scenario

    assert any(n.startswith(IDLE) for n in meta_of(load_scenario(idle)).notes)
    with pytest.warns(UserWarning, match=f"^{IDLE}") as record:
        sc = sim.load_scenario(idle)
    assert len(record) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # warned of when loaded; not again
        sim.run(sc, 1)
        sim.run(sc, 1, overrides=["warmup_days=1"])
    for call in (lambda: sim.run(idle, 1), lambda: sim.compare([idle, idle], 1),
                 lambda: sim.sweep(idle, {"horizon_days": (20, 30, "int")}, samples=2)):
        with pytest.warns(UserWarning) as record:
            call()
        assert [str(w.message) for w in record if str(w.message).startswith(IDLE)] != []
        # once; comparing idle with itself adds the note that says so
        # (review 214: a sweep's correlations add their chance line)
        assert len([w for w in record if "same scenario as the reference" not in
                    str(w.message) and "from chance" not in str(w.message)]) == 1


def test_an_idle_stockpile_rule_is_a_note_of_the_scenario(tiny: sim.Scenario) -> None:
    data = tiny.model_dump(mode="json", by_alias=True)
    market = data["sites"]["market_x"]
    data["sites"]["reserve"] = {"kind": "stockpile", "region": market["region"],
                                "location": market["location"]}
    data["policies"]["stockpiles"] = {"s": {
        "site": "reserve", "commodity": "copper", "market": "market_x",
        "release_price_ratio_above": 2, "release_t_per_day": 10,
        "rebuild_price_ratio_below": 0.9, "rebuild_t_per_day": 5, "rebuild_target_t": 100}}
    with pytest.warns(UserWarning, match="^stockpile rule 's' rebuilds below a price index "
                                         "of 0.9"):
        sim.scenario_from_dict(data)


@pytest.mark.parametrize("command", ["validate", "show", "run", "compare", "sweep"])
def test_every_command_prints_an_idle_policys_note_once(idle: Path, tmp_path: Path,
                                                        command: str) -> None:
    # sim validate and sim show printed it; sim run, compare and sweep said nothing
    args = {"validate": [idle],
            "show": [idle, "--no-figure"],
            "run": [idle, "-n", 1, "-w", 1, "-q", "--no-figures", "--out", tmp_path / "r"],
            "compare": [idle, idle, "-n", 1, "-w", 1, "--no-figures", "--out", tmp_path / "c"],
            "sweep": [idle, "--param", "horizon_days=20:30:int", "-n", 2, "-w", 1, "-q",
                      "--no-figures", "--out", tmp_path / "s"]}[command]
    result = cli(command, *args)
    assert result.exit_code == 0, result.output
    assert result.output.count(f"note: {IDLE}") == 1, result.output


# --- C: acronyms keep their capitals -----------------------------------------------------


def test_a_hint_from_a_description_keeps_an_acronym(tiny: sim.Scenario) -> None:
    data = tiny.model_dump(mode="json", by_alias=True)
    del data["regions"]["home"]["country"]
    with pytest.raises(ScenarioError) as info:
        sim.scenario_from_dict(data)
    hints = [i.hint or "" for i in info.value.issues]
    assert any(h.startswith("add country: ... (ISO 3166-1 alpha-3 code") for h in hints), hints
