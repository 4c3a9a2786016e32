"""A non-string item in ``overrides`` is refused at once, naming its place and type
(review 210): ``[('horizon_days', 30)]`` failed deep in the loader ("'<=' not supported
..."), ``[30]`` with "'int' object is not iterable", and sim.sweep's ``[None]`` with
"'NoneType' object has no attribute 'split'"."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.scenario.loader import load_scenario, scenario_from_dict

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
HEAD = "overrides must be a list of 'key.path=value' strings"


@pytest.mark.parametrize(("overrides", "said"), [
    ([("horizon_days", 30)], "item 0 is a tuple, ('horizon_days', 30): write it as "
                             "'horizon_days=30'"),
    (["horizon_days=30", ("end", None)], "item 1 is a tuple, ('end', None): write it as "
                                         "'end=null'"),
    ([30], "item 0 is an int, 30: e.g. 'horizon_days=730'"),
    ([None], "item 0 is None: e.g. 'horizon_days=730'"),
    ([b"horizon_days=30"], "item 0 is a bytes, b'horizon_days=30': decode it"),
    (iter(["horizon_days=30", 5]), "item 1 is an int, 5"),
])
def test_load_scenario_names_the_item(overrides: object, said: str) -> None:
    with pytest.raises(TypeError) as info:
        load_scenario(TINY, overrides)  # type: ignore[arg-type]
    assert str(info.value).startswith(f"{HEAD}: {said}")


def test_not_a_list() -> None:
    with pytest.raises(TypeError, match=rf"^{HEAD}, not an int: e.g. "):
        load_scenario(TINY, 5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=rf"^{HEAD}, not a dict: e.g. \['horizon_days=30'\]"):
        load_scenario(TINY, {"horizon_days": 30})  # type: ignore[arg-type]
    # as before: a tuple, an iterator and None are fine
    assert load_scenario(TINY, ("horizon_days=30",)).horizon_days == 30
    assert load_scenario(TINY, iter(["horizon_days=30"])).horizon_days == 30
    assert load_scenario(TINY, None).horizon_days == 100  # type: ignore[arg-type]


def test_every_entry_point_says_the_same(tmp_path: Path) -> None:
    sc = load_scenario(TINY)
    calls = [
        lambda: sim.run(sc, overrides=[("horizon_days", 30)]),
        lambda: sim.run(TINY, overrides=[("horizon_days", 30)]),
        lambda: scenario_from_dict({"name": "x"}, overrides=[("horizon_days", 30)]),
        lambda: sim.compare([TINY, TINY], overrides=[("horizon_days", 30)]),
        lambda: sim.sweep(TINY, {"horizon_days": (30, 60)}, samples=2,
                          overrides=[("horizon_days", 30)], out=tmp_path / "s"),
    ]
    for call in calls:
        with pytest.raises(TypeError) as info:
            call()
        assert str(info.value) == (f"{HEAD}: item 0 is a tuple, ('horizon_days', 30): "
                                   "write it as 'horizon_days=30'")
    with pytest.raises(TypeError, match=rf"^{HEAD}: item 0 is None"):
        sim.sweep(TINY, {"horizon_days": (30, 60)}, samples=2, overrides=[None])
    assert not (tmp_path / "s").exists()
