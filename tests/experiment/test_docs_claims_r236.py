"""Review 236 (this session's docs against the tool): a sweep that ran out of memory while
writing its tables was an "internal error", where README says the replications are saved
and how to finish; the Windows worker limit's hint read "give workers (workers= in Python)
61 or fewer" in Python."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from expt_helpers import cli, no_options

import sim
from sim.experiment.errors import ExperimentError

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def test_no_memory_for_a_sweeps_tables_says_what_is_saved(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from sim.output import sweep_output

    def no_memory(*_args: object, **_kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(sweep_output, "write_sweep", no_memory)
    out = tmp_path / "s"
    result = cli("sweep", TINY, "--param", "horizon_days=60:120:int", "-n", 3, "-r", 2, "-q",
                 "--out", out)
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output
    assert f"2 replications of each sample are saved in {out}, but writing their tables" \
        in result.output
    assert "--resume to finish the folder" in result.output
    monkeypatch.undo()
    done = cli("sweep", TINY, "--param", "horizon_days=60:120:int", "-n", 3, "-r", 2, "-q",
               "--out", out, "--resume")
    assert done.exit_code == 0, done.output
    assert (out / "sweep.json").exists()


def test_the_windows_limit_is_worded_for_python(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    with pytest.raises(ExperimentError) as info:
        sim.run(sim.load_scenario(TINY), replications=2, seed=1, workers=62)
    no_options(str(info.value))
    assert "in Python" not in str(info.value)
    assert "workers=" in (info.value.hint or "")


@pytest.mark.filterwarnings("ignore:with 3 sample")
def test_a_resumed_sweep_says_its_saved_count_before_its_total(tmp_path: Path) -> None:
    # review 236: into a log file the resumed bar drew "0/N" first, made by the total
    # before the saved count reached it
    out = tmp_path / "s"
    params = ["horizon_days=30:60:int"]
    sim.run_sweep(TINY, params, samples=3, replications=2, out=out, figures=False)
    (out / "sweep.json").unlink()  # unfinished again, its replications saved
    calls: list[tuple[str, int]] = []
    sim.run_sweep(TINY, params, samples=3, replications=2, out=out, figures=False,
                  resume=True, on_total=lambda n: calls.append(("total", n)),
                  on_saved=lambda n: calls.append(("saved", n)))
    assert calls[:2] == [("saved", 6), ("total", 6)], calls
