"""Review 194: paths given to the command line that start with ~ (finding 1), and a folder
given where a scenario file goes (finding 9c)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder, and a working folder elsewhere (where a folder named ~ would be made)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    return home


def no_literal_tilde(home: Path) -> bool:
    return not (home.parent / "cwd" / "~").exists()


def test_out_with_tilde_after_equals_writes_in_the_home_folder(home: Path,
                                                               tiny_path: Path) -> None:
    result = invoke("run", tiny_path, "-n", 1, "-w", 1, "--no-figures", "--out=~/tilde2")
    assert result.exit_code == 0, result.output
    assert (home / "tilde2" / "manifest.json").is_file()
    assert no_literal_tilde(home)
    assert f"results in {home / 'tilde2'}" in result.output  # where the results are


def test_figure_with_tilde_after_equals_is_written_in_the_home_folder(
        home: Path, tiny_path: Path) -> None:
    result = invoke("show", tiny_path, "--figure=~/map.png")
    assert result.exit_code == 0, result.output
    assert (home / "map.png").is_file() and no_literal_tilde(home)
    assert f"Network map written to {home / 'map.png'}" in result.output


def test_report_out_and_folder_with_tilde_are_in_the_home_folder(home: Path,
                                                                tiny_path: Path) -> None:
    assert invoke("run", tiny_path, "-n", 1, "-w", 1, "--no-figures", "-q",
                  "--out", home / "r").exit_code == 0
    result = invoke("report", "~/r", "--out=~/r.html")
    assert result.exit_code == 0, result.output
    assert (home / "r.html").is_file() and no_literal_tilde(home)


def test_a_scenario_given_with_tilde_is_looked_for_in_the_home_folder(
        home: Path, tiny_path: Path) -> None:
    shutil.copy(tiny_path, home / "x.yaml")
    result = invoke("validate", "~/x.yaml")
    assert result.exit_code == 0, result.output
    assert f"ok   {home / 'x.yaml'}" in result.output


def test_compare_items_and_out_with_tilde_are_expanded(home: Path, tiny_path: Path) -> None:
    shutil.copy(tiny_path, home / "x.yaml")
    result = invoke("compare", "~/x.yaml", "~/x.yaml", "-n", 1, "-w", 1, "--no-figures", "-q",
                    "--out=~/cmp")
    assert (home / "cmp").is_dir() and no_literal_tilde(home), result.output


def test_a_tilde_of_no_user_is_refused_not_made_a_folder(home: Path, tiny_path: Path) -> None:
    result = invoke("run", tiny_path, "-n", 1, "--out=~no_such_user_r194/x")
    assert result.exit_code == 2
    assert "~ cannot be expanded (no user 'no_such_user_r194' on this system)" in result.output
    assert "hint: give the full path, or ./~no_such_user_r194/x" in result.output
    assert not (home.parent / "cwd" / "~no_such_user_r194").exists()


# ------------------------------------------------------------------ finding 9c
def test_a_results_folder_given_to_sim_run_says_what_it_is(tmp_path: Path,
                                                          tiny_path: Path) -> None:
    out = tmp_path / "done"
    assert invoke("run", tiny_path, "-n", 1, "-w", 1, "--no-figures", "-q",
                  "--out", out).exit_code == 0
    result = invoke("run", out, "-n", 1)
    assert result.exit_code == 2
    assert f"hint: {out} is a results folder: sim report {out} reads it" in result.output
    assert "need a scenario file" in result.output


def test_a_folder_of_scenarios_given_to_validate_names_its_files(tmp_path: Path,
                                                                tiny_path: Path) -> None:
    folder = tmp_path / "scen"
    folder.mkdir()
    shutil.copy(tiny_path, folder / "b.yaml")
    shutil.copy(tiny_path, folder / "a.yaml")
    result = invoke("validate", folder)
    assert result.exit_code == 2
    assert (f"hint: name a scenario file in it, e.g. {folder / 'a.yaml'} ({folder} holds "
            f"a.yaml, b.yaml); sim validate {folder}/*.yaml checks them all") in result.output


def test_an_empty_folder_given_to_show_asks_for_a_scenario_file(tmp_path: Path) -> None:
    result = invoke("show", tmp_path)
    assert result.exit_code == 2
    assert "hint: give a scenario file (.yaml), not a folder" in result.output
