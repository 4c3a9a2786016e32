"""Review 232 (this session's merges, as a code reviewer): running out of memory while
tabling the notes (the first and largest summary) or a comparison's tables was still an
"internal error"; a resume refused for holding too many replications drew a full progress
bar above the refusal; the progress display's callbacks were not checked; the memory
messages of one sample and of Python; headline's hint led to a second error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from expt_helpers import cli, no_options

import sim
from sim.experiment import collector as collector_module
from sim.experiment.collector import NoRoom, no_room
from sim.experiment.results import Results

DATA = Path(__file__).resolve().parents[1] / "data"
TINY = DATA / "tiny.yaml"


def _summary_fails_at(monkeypatch: pytest.MonkeyPatch, call: int) -> None:
    """Results.summary raises MemoryError at its ``call``-th call (1 = the first)."""
    real = Results.summary
    calls = [0]

    def summary(self: Results, *args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == call:
            raise MemoryError
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Results, "summary", summary)


@pytest.mark.parametrize("call", [1, 2])
def test_no_memory_for_any_table_of_a_run_says_what_is_saved(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, call: int) -> None:
    # the first summary is the table notes', before the folder's own tables
    _summary_fails_at(monkeypatch, call)
    out = tmp_path / "o"
    result = cli("run", TINY, "-n", 3, "-q", "--no-figures", "--out", out)
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output
    assert f"3 replications are saved in {out / 'replications'}, but writing their tables " \
           "needed more memory" in result.output  # no figures asked for: tables alone
    assert "--resume to finish the folder" in result.output


def test_no_memory_for_a_comparisons_tables(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    _summary_fails_at(monkeypatch, 1)
    out = tmp_path / "c"
    result = cli("compare", TINY, DATA / "two_routes.yaml", "-n", 3, "-q", "--no-figures",
                 "--out", out)
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output
    assert f"3 replications of each scenario are saved in {out}, but writing their " \
           "tables needed" in result.output
    assert not (out / "comparison.json").exists()
    monkeypatch.undo()
    done = cli("compare", TINY, DATA / "two_routes.yaml", "-n", 3, "-q", "--no-figures",
               "--out", out, "--resume")
    assert done.exit_code == 0, done.output
    assert (out / "comparison.json").exists()
    # no folder to finish: the comparison's own table
    from sim.experiment import compare as compare_module

    def no_memory(*_args: object) -> None:
        raise MemoryError

    monkeypatch.setattr(compare_module, "compare_table", no_memory)
    with pytest.raises(NoRoom) as info:
        sim.compare([TINY, DATA / "two_routes.yaml"], replications=2, figures=False)
    assert info.value.message == "the tables of 2 replications of each scenario needed " \
                                 "more memory than could be allocated"


def test_python_is_told_to_resume_not_to_repeat_a_command(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _summary_fails_at(monkeypatch, 1)
    with pytest.raises(NoRoom) as info:
        sim.run(TINY, replications=2, out=tmp_path / "o", figures=False)
    assert "writing their tables needed" in info.value.message
    assert "run the same again with resume=True" in (info.value.hint or "")
    assert "command" not in (info.value.hint or "")
    no_options(str(info.value))


def test_a_refused_resume_draws_no_bar(tmp_path: Path) -> None:
    out = tmp_path / "r"
    assert cli("run", TINY, "-n", 6, "-q", "--no-figures", "--out", out).exit_code == 0
    (out / "manifest.json").unlink()
    (out / "replications" / "rep-000004.npz").unlink()
    result = cli("run", TINY, "-n", 2, "--no-figures", "--out", out, "--resume")
    assert result.exit_code == 2, result.output
    assert "already holds replication 5, beyond the 2 asked for" in result.output
    assert "2/2" not in result.output and "100%" not in result.output


@pytest.mark.parametrize("name", ["on_read", "on_saved", "on_write"])
def test_a_comparisons_progress_callbacks_are_checked_first(name: str,
                                                            tmp_path: Path) -> None:
    with pytest.raises(TypeError, match=rf"^{name} must be a function"):
        sim.run_comparison([TINY, DATA / "two_routes.yaml"], 2, 1, workers=1,
                           out=tmp_path / "c", **{name: 3})
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize("name", ["on_build", "on_read", "on_saved"])
def test_a_sweeps_progress_callbacks_are_checked_first(name: str) -> None:
    def built(*_args: object) -> None:
        raise AssertionError("a point was built before the callbacks were checked")

    with pytest.MonkeyPatch.context() as patch:
        from sim.experiment import sweep as sweep_module

        patch.setattr(sweep_module.PointScenarios, "scenario", built)
        with pytest.raises(TypeError, match=rf"^{name} must be a function"):
            sim.run_sweep(TINY, {"horizon_days": (30, 60, "int")}, samples=4,
                          **{name: 3})


def test_one_samples_memory_message_is_singular() -> None:
    error = no_room(10 ** 7, 1000, 2 ** 30, "-r", scenarios=1, kept="KPI values",
                    per_scenario=400_000)
    assert "and the sample's own scenario (about 390.6 KiB)," in error.message
    assert "samples'" not in error.message and "each" not in error.message
    assert error.hint == "use far fewer replications per sample (the results of 1,073,341 " \
                         "would fill all of it)"
    several = no_room(10 ** 7, 1000, 2 ** 30, "-r", scenarios=3, kept="KPI values",
                      per_scenario=400_000)
    assert "and the samples' own scenarios (about 390.6 KiB each)" in several.message
    assert several.hint is not None and several.hint.endswith(", or fewer samples")
    alone = no_room(1, 1000, 1000, "-r", scenarios=1, per_scenario=400_000)
    assert alone.hint == "the scenario alone needs more memory than this machine has"
    assert collector_module.no_room_for_tables(5, None, True).message == \
        "the tables and figures of 5 replications needed more memory than could be allocated"


def test_headlines_string_hint_gives_a_list_it_accepts() -> None:
    comp = sim.run_comparison([TINY, DATA / "two_routes.yaml"], 2, 1, workers=1,
                              figures=False)
    with pytest.raises(TypeError, match=r"e\.g\. \['delivered_t'\]$"):
        comp.headline("delivered_t:copper")
    assert len(comp.headline(["delivered_t"])) > 0
