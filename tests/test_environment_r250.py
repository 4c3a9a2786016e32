"""Review 250: the user in an unusual environment.

A matplotlibrc (``MATPLOTLIBRC``, ``MPLCONFIGDIR``) or style sheet made for other work
reached every figure: a dark background, another font and line widths, ``savefig.bbox:
tight`` (files of other sizes than README gives), a time zone, and ``text.usetex`` where no
LaTeX is installed, which made every figure, ``sim show``'s map included, an internal error.
Figures are now drawn under matplotlib's defaults (and the project's :data:`RC` over them),
so they are the same files on every machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import matplotlib as mpl
import pytest
from cycler import cycler
from figure_helpers import SHOCKED

import sim
from sim.experiment.sweep import run_sweep
from sim.output import style as st
from sim.output.figures import flows_figure
from sim.output.network_map import save_network_figure
from sim.output.shock_text import save_timeline_figure
from sim.output.sweep_output import scatter_figure

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny.yaml"

USER_RC = {
    # as plt.style.use("dark_background") and a matplotlibrc for print would set them
    "text.usetex": True,  # no LaTeX here: every figure failed
    "figure.facecolor": "black",
    "axes.facecolor": "black",
    "savefig.facecolor": "black",
    "text.color": "white",
    "axes.edgecolor": "white",
    "font.family": "monospace",
    "font.size": 20,
    "figure.dpi": 30,
    "savefig.format": "pdf",
    "savefig.bbox": "tight",
    "axes.prop_cycle": cycler(color=["#ff0000", "#00ff00"]),
    "lines.linewidth": 5,
    "axes.grid": False,
    "timezone": "Asia/Tokyo",
}
"""A user's matplotlib settings, none of which the project's figures ask for."""

MATPLOTLIBRC = """\
text.usetex: True
figure.facecolor: black
axes.facecolor: black
savefig.facecolor: black
font.family: monospace
font.size: 20
figure.dpi: 30
savefig.format: pdf
savefig.bbox: tight
lines.linewidth: 5
"""


@contextmanager
def user_rc() -> Iterator[None]:
    with mpl.rc_context(USER_RC):
        yield


@pytest.fixture(scope="module")
def shocked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("r250") / "shocked.yaml"
    path.write_text(TINY.read_text(encoding="utf-8") + SHOCKED, encoding="utf-8")
    return path


def test_a_run_figure_is_the_same_file_under_a_users_matplotlib_settings() -> None:
    sc = sim.load_scenario(TINY, overrides=["horizon_days=30"])
    res = sim.run(sc, replications=2, seed=1, workers=1)
    own = st.figure_bytes(flows_figure(res), "png")
    with user_rc():
        theirs = st.figure_bytes(flows_figure(res), "png")
        # a figure drawn in the project's settings keeps them when saved in the user's
        saved_later = st.figure_bytes(flows_figure(res), "svg")
    assert theirs == own
    assert saved_later == st.figure_bytes(flows_figure(res), "svg")
    assert mpl.rcParams["timezone"] == "UTC"  # the user's settings restored after


def test_sim_shows_map_and_calendar_are_the_same_files_under_a_users_settings(
        shocked: Path, tmp_path: Path) -> None:
    sc = sim.load_scenario(shocked)
    save_network_figure(sc, tmp_path / "own.png")
    save_timeline_figure(sc, tmp_path / "own-timeline.png")
    with user_rc():
        save_network_figure(sc, tmp_path / "theirs.png")
        save_timeline_figure(sc, tmp_path / "theirs-timeline.png")
        assert mpl.rcParams["text.usetex"]  # left as the user had it
    assert (tmp_path / "theirs.png").read_bytes() == (tmp_path / "own.png").read_bytes()
    assert ((tmp_path / "theirs-timeline.png").read_bytes()
            == (tmp_path / "own-timeline.png").read_bytes())


@pytest.mark.filterwarnings("ignore:With 5 samples")
def test_a_sweeps_figure_is_the_same_file_under_a_users_settings() -> None:
    sweep = run_sweep(TINY, ["sites.border.clearance_trucks_per_day=40:60"], "lhs", 5,
                      seed=1, overrides=["horizon_days=30"])
    own = st.figure_bytes(scatter_figure(sweep), "png")
    with user_rc():
        theirs = st.figure_bytes(scatter_figure(sweep), "png")
    assert theirs == own


def test_sim_show_under_a_matplotlibrc_asking_for_latex_draws_the_same_map(
        shocked: Path, tmp_path: Path) -> None:
    """Before: "internal error: RuntimeError: Failed to process string with tex because
    latex could not be found", exit 1, no map."""
    config = tmp_path / "mplconfig"
    config.mkdir()
    (config / "matplotlibrc").write_text(MATPLOTLIBRC, encoding="utf-8")
    env = {**os.environ, "MPLCONFIGDIR": str(config)}
    env.pop("MATPLOTLIBRC", None)
    out = tmp_path / "map.png"
    proc = subprocess.run([sys.executable, "-m", "sim", "show", str(shocked), "--figure",
                           str(out)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "internal error" not in proc.stderr
    own = tmp_path / "own.png"
    save_network_figure(sim.load_scenario(shocked), own)
    assert out.read_bytes() == own.read_bytes()


@pytest.mark.parametrize("suffix", [".svg", ".pdf"])
def test_sim_shows_map_saved_twice_is_the_same_file(shocked: Path, tmp_path: Path,
                                                    suffix: str) -> None:
    """Before: each SVG held the time it was written and random ids, each PDF its time."""
    sc = sim.load_scenario(shocked)
    first = save_network_figure(sc, tmp_path / f"a{suffix}").read_bytes()
    again = save_network_figure(sc, tmp_path / f"b{suffix}").read_bytes()
    assert first == again
    calendars = [save_timeline_figure(sc, tmp_path / f"{n}-timeline{suffix}") for n in "ab"]
    assert calendars[0] is not None and calendars[1] is not None
    assert calendars[0].read_bytes() == calendars[1].read_bytes()
