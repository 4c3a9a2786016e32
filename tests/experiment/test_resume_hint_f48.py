"""The hint that finishes a run interrupted in Python (sim.run(..., out=...)) names a
command line only if that command would rebuild the scenario it ran: a scenario changed in
Python after loading, or built from a mapping, is refused by ``sim run ... --resume`` as
another run's, so the hint gives the sim.run call that finishes it instead."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import yaml
from expt_helpers import TINY, cli

import sim
from sim.output.folder import FolderError
from sim.output.report import finish_command, write_report
from sim.scenario.loader import scenario_from_dict


def interrupted(sc: sim.Scenario, out: Path) -> None:
    """Run 3 replications of ``sc`` into ``out``, stopped (KeyboardInterrupt) as the
    second is handed over: one or two are saved, and the folder is left unfinished."""
    calls = []

    def sink(_res: object) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sim.run(sc, replications=3, seed=1, workers=1, out=out, figures=False, sink=sink)
    assert not (out / "manifest.json").exists()


def hint_of(out: Path) -> str:
    with pytest.raises(FolderError) as err:
        sim.load_results(out)
    with pytest.raises(FolderError) as report_err:
        write_report(out)
    assert finish_command(out) in report_err.value.hint
    return str(err.value.hint)


def short() -> sim.Scenario:
    return sim.load_scenario(TINY, overrides=["horizon_days=20"])


def test_a_scenario_changed_after_loading_gets_the_python_call(tmp_path: Path) -> None:
    out = tmp_path / "changed"
    changed = short().model_copy(update={"horizon_days": 15})
    interrupted(changed, out)
    hint = hint_of(out)
    assert (f"sim.run(<the same scenario>, replications=3, seed=1, out={str(out)!r}, "
            "resume=True)") in hint
    assert "sim run " + str(TINY) not in hint and "--resume" not in hint
    assert "changed in Python after loading" in hint
    # the call it gives finishes the run
    res = sim.run(changed, replications=3, seed=1, out=out, figures=False, resume=True)
    assert res.n == 3 and (out / "manifest.json").exists()


def test_a_scenario_built_from_a_mapping_gets_the_python_call(tmp_path: Path) -> None:
    out = tmp_path / "mapping"
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["horizon_days"] = 15
    interrupted(scenario_from_dict(data), out)
    hint = hint_of(out)
    assert "<dict>" not in hint and "--resume" not in hint
    assert "sim.run(<the same scenario>, replications=3, seed=1" in hint
    assert "built in Python, not loaded from a file" in hint


def test_a_scenario_loaded_unchanged_gets_the_command_that_finishes_it(tmp_path: Path
                                                                     ) -> None:
    out = tmp_path / "loaded"
    interrupted(short(), out)
    command = finish_command(out)
    assert command is not None
    words = shlex.split(command)
    assert words[:3] == ["sim", "run", str(TINY)] and words[-1] == "--resume"
    assert "--set" in words and "horizon_days=20" in words
    assert f"finish it with: {command}" in hint_of(out)
    # the command line it gives is not refused: it finishes the run
    result = cli(*words[1:], "-q", "-w", 1, "--no-figures")
    assert result.exit_code == 0, result.output
    assert (out / "manifest.json").exists()
