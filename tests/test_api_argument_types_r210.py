"""Arguments of the wrong type get a message saying what to give (review 210):
``series_summary('0.5')`` hinted ``['0.5']``, refused in turn as a list of strings, and
``sim.load_scenario(dict)`` said only "expected str, bytes or os.PathLike object, not
dict"."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim

TINY = Path(__file__).resolve().parent / "data" / "tiny.yaml"


@pytest.fixture(scope="module")
def res() -> sim.Results:
    return sim.run(TINY, replications=2)


@pytest.mark.parametrize(("given", "fix"), [
    ("0.5", "wrap it in a list, as numbers: [0.5]"),
    ("0.05, 0.5, 0.95", "wrap it in a list, as numbers: [0.05, 0.5, 0.95]"),
    ("median", "give a list of numbers, e.g. [0.05, 0.5, 0.95]"),
])
def test_a_quantile_as_text_is_hinted_as_a_number(res: sim.Results, given: str,
                                                  fix: str) -> None:
    with pytest.raises(TypeError) as info:
        res.series_summary(given)  # type: ignore[arg-type]
    assert str(info.value) == ("quantiles must be a list of fractions between 0 and 1, not "
                               f"a str: {fix}")
    if given == "0.5":
        res.series_summary([0.5])  # the hint, followed, works


def test_load_scenario_says_what_to_give() -> None:
    start = "load_scenario takes the path of a scenario file (a str or Path), not "
    with pytest.raises(TypeError) as info:
        sim.load_scenario({"name": "x"})  # type: ignore[arg-type]
    assert str(info.value) == (f"{start}a dict: for a mapping of fields (as read from YAML) "
                               "use sim.scenario_from_dict(data)")
    for given, said in ((5, "an int"), (None, "None")):
        with pytest.raises(TypeError) as info:
            sim.load_scenario(given)  # type: ignore[arg-type]
        assert str(info.value) == start + said
    with pytest.raises(TypeError, match="a Scenario, which is loaded already"):
        sim.load_scenario(sim.load_scenario(TINY))  # type: ignore[arg-type]
    # sim.run points to the same call for a dict
    with pytest.raises(TypeError, match=r"sim\.scenario_from_dict\(data\)"):
        sim.run({"name": "x"})  # type: ignore[arg-type]
