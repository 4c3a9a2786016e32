"""The benchmark scripts' helpers that put figures in benchmarks/README.md (review 124).

The scripts themselves are run by people, not tests (speed is measured, never asserted);
what they print to match a figure to a README row is checked here: the build and commit
on the machine line, and which point of a scaling fit departs most."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module", autouse=True)
def on_path() -> None:
    # the scripts import each other from their own folder, as when run there
    sys.path.insert(0, str(BENCHMARKS))
    yield
    sys.path.remove(str(BENCHMARKS))


def test_the_machine_line_names_the_build_and_its_commit() -> None:
    import machine_info

    from sim.build import git_commit

    line = machine_info.describe(("numpy",))
    commit = (git_commit() or "an unknown commit")[:12]
    assert line.endswith(f"; sim plain Python build of {commit}") or \
        line.endswith(f"; sim plain Python build of {commit} (uncommitted changes)")


def test_the_scaling_fit_names_the_point_that_departs_most() -> None:
    import bench_scaling as bs

    # the recorded medians of the network-size runs: the 1x point is 5% off the line
    configs = [bs.Config("size", x, None, seconds=[s], cpu_seconds=[s])  # type: ignore[arg-type]
               for x, s in ((1, 0.926), (2, 1.810), (4, 3.923))]
    text = bs.fits(configs)
    assert "largest departure 5% of a median, at 1x network" in text
