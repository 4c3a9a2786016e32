"""Comparing results folders that hold different numbers of replications pairs the ones
they share, and says so (review 102: the reference's means silently changed from its own
summary's)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import sim
from sim.experiment.compare import run_comparison

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("unequal")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sim.run(TINY, 5, seed=1, out=root / "five", figures=False)
        sim.run(TINY, 3, seed=1, out=root / "three", figures=False,
                overrides=["sites.market_x.demand_t_per_year.copper=20000"])
        sim.run(TINY, 3, seed=1, out=root / "also_three", figures=False,
                overrides=["sites.market_x.demand_t_per_year.copper=20000"])
    return root / "five", root / "three", root / "also_three"


def test_a_folder_holding_more_is_named_with_what_is_left_out(folders) -> None:
    five, three, _ = folders
    comp = run_comparison([five, three])
    assert comp.replications == [0, 1, 2]
    assert ("only the 3 replication number(s) common to every scenario are paired: five "
            "has 5, and its means here are over the paired 3, not those of its own "
            "summary") in comp.notes
    # and it is true: the reference's rows are over those three
    reference = comp.table[comp.table.scenario == "five"]
    assert set(reference["n"].dropna()) == {3}
    assert len(sim.load_results(five).replications) == 5

def test_folders_of_one_size_get_no_such_note(folders) -> None:
    _, three, also_three = folders
    comp = run_comparison([three, also_three])
    assert not [n for n in comp.notes if "common to every scenario" in n]


def test_the_header_says_how_far_the_draws_are_shared(folders) -> None:
    from sim.output.compare_output import comparison_text

    _, three, also_three = folders
    text = comparison_text(run_comparison([three, also_three]))
    assert ("shared components draw the same random numbers, given to the same lots until "
            "the scenarios' flows through a component first differ") in " ".join(text.split())


def test_a_resumed_run_keeps_its_seed_without_seed(tmp_path: Path) -> None:
    # as it keeps its -n: the default seed 0 refused a run of seed 3 ("seed 3 there, 0
    # here") though no --seed had been given
    from click.testing import CliRunner

    from sim.cli import main

    out = tmp_path / "r"
    first = CliRunner().invoke(main, ["run", str(TINY), "-n", "2", "--seed", "3", "--out",
                                      str(out), "-q", "-w", "1", "--no-figures"])
    assert first.exit_code == 0, first.output
    done = CliRunner().invoke(main, ["run", str(TINY), "--out", str(out), "--resume", "-q",
                                     "-w", "1", "--no-figures"])
    assert done.exit_code == 0, done.output
    assert sim.load_results(out).seed == 3
    # a --seed given is still checked against the run
    other = CliRunner().invoke(main, ["run", str(TINY), "--seed", "4", "--out", str(out),
                                      "--resume", "-q", "-w", "1", "--no-figures"])
    assert other.exit_code == 2 and "seed 3 there, 4 here" in other.output, other.output


def test_a_resumed_comparison_keeps_its_seed_without_seed(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from sim.cli import main

    out = tmp_path / "c"
    args = ["compare", str(TINY), str(TINY), "--out", str(out), "-q", "-w", "1",
            "--no-figures"]
    first = CliRunner().invoke(main, [*args, "-n", "2", "--seed", "3"])
    assert first.exit_code == 0, first.output
    more = CliRunner().invoke(main, [*args, "-n", "3", "--resume"])
    assert more.exit_code == 0, more.output
    for arm in ("tiny", "tiny-2"):
        res = sim.load_results(out / arm)
        assert res.seed == 3 and res.n == 3
    # in Python too: no seed given, the comparison's own (seed 0 was refused)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sim.compare([TINY, TINY], 4, out=out, resume=True, figures=False)
    assert sim.load_results(out / "tiny").seed == 3
    assert sim.load_results(out / "tiny").n == 4
