"""The Python API says which capacities its overrides overload, as ``sim run``, ``sim
compare`` and ``sim sweep`` say it of ``--set`` (known open in docs/reliability.md after
review 169; review 172: notebook 01's exercise cut Kasumbalesa to 250 trucks a day for the
whole year without a word, and lead times tripled)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
import yaml

import sim

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
CUT = "sites.border.clearance_trucks_per_day=2"
SAID = ("with these overrides, planned flow into border (border post) is 200% of its "
        "capacity (1,461 against 730 trucks/yr)")


def said(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if SAID in str(w.message)]


def test_sim_run_warns_and_keeps_it_in_the_manifest(tmp_path: Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sim.run(TINY, 1, overrides=[CUT], out=tmp_path / "run")
    (note,) = said(caught)
    assert caught[0].filename == __file__  # at the caller's line
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text(encoding="utf-8"))
    assert note in manifest["notes"]


def test_a_loaded_scenario_is_measured_against_itself() -> None:
    sc = sim.load_scenario(TINY, overrides=[CUT])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sim.run(sc, 1)  # its overload is the scenario's own now, as a file's would be
        sim.run(sc, 1, overrides=["horizon_days=50"])
    assert said(caught) == []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sim.run(sim.load_scenario(TINY), 1, overrides=[CUT])
    assert len(said(caught)) == 1


def test_a_capacity_that_holds_says_nothing() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sim.run(TINY, 1, overrides=["sites.border.clearance_trucks_per_day=5"])
    assert not [w for w in caught if "planned flow into" in str(w.message)]


def test_a_comparison_notes_it_once(tmp_path: Path) -> None:
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["name"] = "other"
    other = tmp_path / "other.yaml"
    other.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    comp = sim.run_comparison([TINY, other], 1, overrides=[CUT])
    # both scenarios hold it: said once, without labels
    assert len([n for n in comp.notes if n.startswith(SAID)]) == 1
    with pytest.warns(UserWarning, match="planned flow into border"):
        sim.compare([TINY, other], 1, overrides=[CUT])


def test_a_sweep_warns_and_notes_it() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = sim.run_sweep(TINY, ["sites.mine_a.output.copper.t_per_year=30000:36525"],
                               "grid", 2, overrides=[CUT])
    assert len(said(caught)) == 1
    assert any(SAID in n for n in result.notes)
