"""Review 96, findings 4, 9 and 10: command-line messages that said something untrue.

4. With SIM_DEBUG=1 an internal error printed its traceback and then still said "Set
   SIM_DEBUG=1 to see the traceback" (for an error in a replication too).
9. ``sim sweep --help`` did not say that ``--metric`` may be given more than once, as
   ``sim run`` and ``sim compare`` do.
10. ``sim.run_comparison(..., for_python=False)``, the command line's wording, refused a
    bad seed (and count) in the Python API's words (``seed=0``, not ``--seed 0``).
"""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import sim
from sim import cli
from sim.cli import main
from sim.experiment.errors import ExperimentError
from sim.world.world import World

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
ASK_FOR_IT = "Set SIM_DEBUG=1 to see the traceback"


# finding 4


def _broken_command() -> click.Command:
    @cli._guarded
    def broken() -> None:
        raise RuntimeError("a bug")

    return click.command("broken")(broken)


def test_with_sim_debug_the_message_points_to_the_traceback(monkeypatch) -> None:
    monkeypatch.setenv("SIM_DEBUG", "1")
    result = CliRunner().invoke(_broken_command(), [])
    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.output
    assert "internal error: RuntimeError: a bug\nThe traceback is above, and please " \
        "report it." in result.output
    assert ASK_FOR_IT not in result.output


@pytest.mark.parametrize("value", [None, "0"])
def test_without_sim_debug_the_message_says_how_to_see_it(monkeypatch, value) -> None:
    if value is None:
        monkeypatch.delenv("SIM_DEBUG", raising=False)
    else:
        monkeypatch.setenv("SIM_DEBUG", value)
    result = CliRunner().invoke(_broken_command(), [])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"{ASK_FOR_IT}, and please report it." in result.output


def _failing_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    def run(self: World) -> None:
        raise ZeroDivisionError("injected")

    monkeypatch.setattr(World, "run", run)
    return CliRunner().invoke(main, ["run", str(TINY), "-n", "1", "-w", "1", "-q",
                                     "--no-figures", "--out", str(tmp_path / "r")])


def test_a_failed_replication_with_sim_debug_points_to_the_traceback(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SIM_DEBUG", "1")
    result = _failing_run(monkeypatch, tmp_path)
    assert result.exit_code == 1, result.output
    assert "Traceback (most recent call last)" in result.output
    assert "internal error: ZeroDivisionError: injected" in result.output
    assert ("The traceback is above, and please report it with the scenario and seed."
            in result.output)
    assert ASK_FOR_IT not in result.output


def test_a_failed_replication_without_sim_debug_says_how_to_see_it(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SIM_DEBUG", raising=False)
    result = _failing_run(monkeypatch, tmp_path)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert (f"{ASK_FOR_IT}, and please report it with the scenario and seed."
            in result.output)


# finding 9


def test_sweep_metric_help_says_repeatable() -> None:
    for command in ("run", "compare", "sweep"):
        option = next(p for p in main.commands[command].params if p.name == "metrics")
        assert option.multiple and "(repeatable)" in (option.help or ""), command
    result = CliRunner().invoke(main, ["sweep", "--help"], terminal_width=200)
    assert result.exit_code == 0
    assert ("A KPI to show (repeatable) and, if it is not a total, to add as a column of "
            "sweep.csv.") in result.output


# finding 10


@pytest.mark.parametrize(("args", "kwargs", "cli_words", "python_words"), [
    ((2, -1), {}, ("--seed: expected a non-negative integer, got -1",
                   "hint: give --seed 0, 1, 2, ..."),
     ("seed: expected a non-negative integer, got -1", "hint: give seed=0, 1, 2, ...")),
    ((0, 1), {}, ("-n/--replications: expected an integer of at least 1",),
     ("replications: expected an integer of at least 1",)),
    ((2, 1), {"workers": 0}, ("--workers: expected an integer of at least 1",),
     ("workers: expected an integer of at least 1",)),
])
def test_run_comparison_words_its_refusals_as_asked(args, kwargs, cli_words,
                                                     python_words) -> None:
    for for_python, words in ((False, cli_words), (True, python_words)):
        with pytest.raises(ExperimentError) as exc:
            sim.run_comparison([str(TINY)], *args, for_python=for_python, **kwargs)
        text = str(exc.value)
        assert text.startswith(words[0]), (for_python, text)
        for word in words[1:]:
            assert word in text, (for_python, text)
    with pytest.raises(ExperimentError) as exc:
        sim.compare([str(TINY)], *args, **kwargs)
    assert str(exc.value).startswith(python_words[0])
